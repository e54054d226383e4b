//! Secrets never reach an output (any format, stdout, stderr, `-o` file)
//! unless `--show-secrets` asks for them.

use crate::support::{acme_key, github_pat, Run, TestDir, ACME_RULE};

const FORMATS: [&str; 4] = ["text", "json", "jsonl", "sarif"];

/// Panics if `text` holds `secret`, or any 8-character piece of what follows
/// its first 4 characters (the redacted form may show a short prefix).
#[track_caller]
fn assert_hidden(secret: &str, text: &str, context: &str) {
    assert!(
        !text.contains(secret),
        "{context}: the secret is in the output:\n{text}"
    );
    let tail: Vec<char> = secret.chars().skip(4).collect();
    for piece in tail.windows(8) {
        let piece: String = piece.iter().collect();
        assert!(
            !text.contains(&piece),
            "{context}: a piece of the secret ({piece}) is in the output:\n{text}"
        );
    }
}

fn tree() -> (TestDir, Vec<String>) {
    let t = TestDir::new();
    t.write("lh.toml", ACME_RULE);
    let secrets = vec![
        github_pat(400),
        github_pat(401),
        acme_key(402),
        github_pat(403),
    ];
    t.write(".env", format!("GITHUB_TOKEN={}\n", secrets[0]));
    // The same secret twice on a line: both copies are redacted.
    t.write(
        "deploy.sh",
        format!(
            "curl -H \"Authorization: token {0}\" https://x/?t={0}\n",
            secrets[1]
        ),
    );
    t.write(
        "conf/acme.json",
        format!("{{\"acme\": {{\"key\": \"{}\"}}}}\n", secrets[2]),
    );
    t.write(
        "notes.md",
        format!("leaked in the wiki:\n\n    {}\n", secrets[3]),
    );
    (t, secrets)
}

fn scan(t: &TestDir, format: &str, extra: &[&str]) -> Run {
    let mut args = vec!["dir", ".", "-c", "lh.toml", "--format", format];
    args.extend_from_slice(extra);
    let run = t.run(&args);
    run.expect_code(1);
    run
}

#[test]
fn secrets_are_redacted_in_every_format_and_on_stderr() {
    let (t, secrets) = tree();
    for format in FORMATS {
        for extra in [&[][..], &["-v"][..]] {
            let run = scan(&t, format, extra);
            let context = format!("--format {format} {extra:?}");
            for s in &secrets {
                assert_hidden(s, &run.stdout, &format!("{context} stdout"));
                assert_hidden(s, &run.stderr, &format!("{context} stderr"));
            }
        }
    }
}

#[test]
fn the_redacted_form_keeps_a_short_prefix_and_the_length() {
    let (t, secrets) = tree();
    let run = scan(&t, "json", &[]);
    let found = run.findings();
    assert_eq!(
        found.len(),
        5,
        "the secret twice in deploy.sh is two findings: {run:#?}"
    );
    let env = found.iter().find(|f| f.path == ".env").unwrap();
    assert_eq!(env.secret, format!("ghp_…({})", secrets[0].len()));
    assert_eq!(env.matched, env.secret);
}

#[test]
fn a_report_file_is_redacted_too() {
    let (t, secrets) = tree();
    for format in FORMATS {
        let run = scan(&t, format, &["-o", "report.out"]);
        let written = std::fs::read_to_string(t.join("report.out")).unwrap();
        for s in &secrets {
            assert_hidden(s, &written, &format!("-o with --format {format}"));
            assert_hidden(
                s,
                &run.stderr,
                &format!("-o with --format {format}, stderr"),
            );
        }
    }
}

#[test]
fn show_secrets_shows_them_in_every_format() {
    let (t, secrets) = tree();
    for format in FORMATS {
        let run = scan(&t, format, &["--show-secrets"]);
        for s in &secrets {
            assert!(
                run.stdout.contains(s.as_str()),
                "--format {format} --show-secrets lacks {s}:\n{}",
                run.stdout
            );
        }
    }
    let found = scan(&t, "json", &["--show-secrets"]).findings();
    let mut shown: Vec<&str> = found.iter().map(|f| f.secret.as_str()).collect();
    shown.sort_unstable();
    shown.dedup();
    let mut expected: Vec<&str> = secrets.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(shown, expected);
}

#[test]
fn stdin_findings_are_redacted() {
    let t = TestDir::new();
    let s = github_pat(410);
    for format in FORMATS {
        let run = t.run_stdin(&["stdin", "--format", format], format!("token={s}\n"));
        run.expect_code(1);
        assert_hidden(&s, &run.stdout, format);
        assert_hidden(&s, &run.stderr, format);
    }
}

#[test]
fn two_secrets_on_one_line_do_not_reveal_each_other() {
    let t = TestDir::new();
    let (a, b) = (github_pat(420), github_pat(421));
    t.write("pair.env", format!("PRIMARY={a} SECONDARY={b}\n"));
    for format in FORMATS {
        let run = t.run(&["dir", ".", "--format", format]);
        run.expect_code(1);
        assert_hidden(&a, &run.stdout, &format!("--format {format}, first secret"));
        assert_hidden(
            &b,
            &run.stdout,
            &format!("--format {format}, second secret"),
        );
    }
}

#[test]
fn a_secret_cut_by_the_edge_of_another_findings_excerpt_stays_hidden() {
    // Two secrets on one long line: the line excerpt of the first (160
    // bytes either side) ends inside the second, and the excerpt of the
    // second starts inside the first.
    let (a, b) = (github_pat(410), github_pat(411));
    for gap in [130, 140, 150, 155, 158] {
        let t = TestDir::new();
        t.write(
            "long.js",
            format!("x=\"{a}\"{}y=\"{b}\"\n", " ".repeat(gap)),
        );
        for format in FORMATS {
            let run = t.run(&["dir", ".", "--format", format]);
            run.expect_code(1);
            for secret in [&a, &b] {
                let context = format!("gap {gap}, {format}");
                assert_hidden(secret, &run.stdout, &context);
                assert_hidden(secret, &run.stderr, &context);
            }
        }
    }
}

#[test]
fn secrets_stay_out_of_logs_and_error_messages() {
    let (t, secrets) = tree();
    // Verbose, with RUST_LOG asking every library for everything.
    let run = Run::from(
        t.cmd()
            .args(["dir", ".", "-c", "lh.toml", "-v"])
            .env("RUST_LOG", "trace")
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    // A report that cannot be written.
    let failed = t.run(&["dir", ".", "-c", "lh.toml", "-o", "no/such/dir/r.json"]);
    failed.expect_code(2);
    // A config that quotes a secret where a list was expected.
    t.write(
        "bad.toml",
        format!("[allowlist]\nregexes = \"{}\"\n", secrets[0]),
    );
    let bad = t.run(&["dir", ".", "-c", "bad.toml"]);
    bad.expect_code(2);
    assert_eq!(bad.stderr_lines().len(), 1, "{bad:#?}");
    for s in &secrets {
        assert_hidden(s, &run.stderr, "-v with RUST_LOG=trace");
        assert_hidden(s, &failed.stderr, "write error");
        assert_hidden(s, &bad.stderr, "config error");
    }
}
