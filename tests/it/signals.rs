//! Ctrl-C (SIGINT) and SIGTERM: the scan stops, reports what it found so far
//! marked incomplete, and exits 130. Standard input kept open is a scan
//! that cannot finish by itself.

use std::{
    io::Write,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::{github_pat, Run};

/// leakhound reading a stdin that stays open, after it was sent `input`.
fn stuck_on_stdin(args: &[&str], input: &str) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leakhound"))
        .args(["stdin"])
        .args(args)
        .env_remove("LEAKHOUND_CONFIG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start leakhound");
    let stdin = child.stdin.as_mut().expect("stdin");
    stdin.write_all(input.as_bytes()).unwrap();
    stdin.flush().unwrap();
    // Give it time to start, install its handler and read the input.
    std::thread::sleep(Duration::from_millis(700));
    child
}

/// Sends `signal` (a `kill` name) and waits, at most 10 s, for the exit.
fn interrupt(mut child: Child, signal: &str) -> Run {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "leakhound did not stop after SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its stdin (still open on our side) is closed only now, with `child`.
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn sigint_reports_what_was_found_so_far_marked_incomplete_exit_130() {
    let secret = github_pat(700);
    let child = stuck_on_stdin(&[], &format!("T={secret}\n"));
    let run = interrupt(child, "INT");
    run.expect_code(130);
    assert!(run.stdout.contains("stdin:1:3: github-pat"), "{run:#?}");
    let summary = run.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("INCOMPLETE (interrupted): 1 leak found"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains(&secret), "still redacted: {run:#?}");
    assert!(run.stderr.contains("interrupted"), "{run:#?}");
}

#[test]
fn sigterm_marks_sarif_as_not_successful_and_json_stays_an_array() {
    let input = format!("T={}\n", github_pat(701));
    let run = interrupt(stuck_on_stdin(&["--format", "sarif"], &input), "TERM");
    run.expect_code(130);
    let log = run.sarif();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{run:#?}");
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("interrupted"))),
        "{run:#?}"
    );
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);

    let run = interrupt(stuck_on_stdin(&["--format", "json"], &input), "INT");
    run.expect_code(130);
    assert_eq!(run.findings().len(), 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("leakhound: INCOMPLETE (interrupted): 1 leak(s) found"),
        "{run:#?}"
    );
}
