//! The command line: exit codes, help, version, bad flags.

use crate::support::{github_pat, leakhound, Run, TestDir};

fn run(args: &[&str]) -> Run {
    Run::from(leakhound().args(args).output().expect("run leakhound"))
}

#[test]
fn exit_codes_are_0_clean_1_leaks_2_error() {
    let t = TestDir::new();
    t.write("clean/a.txt", "hello\n");
    t.write("leaky/a.txt", format!("t={}\n", github_pat(600)));
    t.run(&["dir", "clean"]).expect_code(0);
    t.run(&["dir", "leaky"]).expect_code(1);
    t.run(&["dir", "missing"]).expect_code(2);
    t.run(&["dir", "leaky", "--config", "missing.toml"])
        .expect_code(2);
}

#[test]
fn exit_code_sets_the_code_for_leaks_only() {
    let t = TestDir::new();
    t.write("clean/a.txt", "hello\n");
    t.write("leaky/a.txt", format!("t={}\n", github_pat(601)));
    t.run(&["dir", "leaky", "--exit-code", "7"]).expect_code(7);
    t.run(&["dir", "clean", "--exit-code", "7"]).expect_code(0);
    t.run(&["dir", "missing", "--exit-code", "7"])
        .expect_code(2);
    // Global options may come before the command too.
    t.run(&["--exit-code", "9", "dir", "leaky"]).expect_code(9);
    // 0 reports leaks without failing the build.
    let r = t.run(&["dir", "leaky", "--exit-code", "0", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(r.findings().len(), 1);
}

#[test]
fn help_lists_the_commands_and_flags() {
    let r = run(&["--help"]);
    r.expect_code(0);
    for word in [
        "dir",
        "stdin",
        "rules",
        "--format",
        "--output",
        "--config",
        "--show-secrets",
        "--exit-code",
        "--version",
    ] {
        assert!(r.stdout.contains(word), "--help mentions {word}: {r:#?}");
    }
    let r = run(&["dir", "--help"]);
    r.expect_code(0);
    for word in [
        "--no-ignore",
        "--max-file-size",
        "--no-inline-allow",
        "[PATHS]",
    ] {
        assert!(
            r.stdout.contains(word),
            "dir --help mentions {word}: {r:#?}"
        );
    }
    let r = run(&["stdin", "--help"]);
    r.expect_code(0);
    assert!(r.stdout.contains("--label"), "{r:#?}");
    let r = run(&["help", "rules"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("list") && r.stdout.contains("check"),
        "{r:#?}"
    );
}

#[test]
fn version_prints_the_package_version() {
    let r = run(&["--version"]);
    r.expect_code(0);
    assert_eq!(
        r.stdout.trim(),
        format!("leakhound {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    for args in [
        &["--no-such-flag"][..],
        &["dir", "--no-such-flag"],
        &["no-such-command"],
        &[],
        &["dir", "--format", "xml"],
        &["dir", "--max-file-size", "ten"],
        &["dir", "--max-file-size", "5XB"],
        &["dir", "--exit-code", "300"],
        &["dir", "-v", "-q"],
        &["rules"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {r:#?}");
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(
            r.stderr.contains("error") || r.stderr.contains("Usage"),
            "{args:?}: {r:#?}"
        );
    }
}

#[test]
fn quiet_silences_the_summary_but_not_the_report() {
    let t = TestDir::new();
    t.write("a.txt", format!("t={}\n", github_pat(602)));
    let r = t.run(&["dir", ".", "--format", "json", "-q"]);
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    assert_eq!(r.findings().len(), 1);
    let r = t.run(&["dir", ".", "--format", "json"]);
    assert!(r.stderr.contains("1 leak"), "{r:#?}");
}

#[test]
fn text_output_names_file_line_column_and_rule() {
    let t = TestDir::new();
    t.write(
        "src/main.rs",
        format!("fn main() {{\n    let t = \"{}\";\n}}\n", github_pat(603)),
    );
    let r = t.run(&["dir", ".", "-j", "1"]);
    r.expect_code(1);
    assert!(
        r.stdout.starts_with("src/main.rs:2:14: github-pat ["),
        "{r:#?}"
    );
    assert!(!r.stdout.contains('\x1b'), "no colour when not a terminal");
    let summary = r.stdout.lines().last().unwrap();
    assert!(summary.starts_with("1 leak found: 1 files"), "{summary}");
}

/// Issue 12: gitleaks habits got clap's `-- --redact` tip. Same-meaning
/// flags work; the rest get one line naming the leakhound equivalent.
#[test]
fn gitleaks_habits_work_or_name_the_leakhound_equivalent() {
    let t = TestDir::new();
    t.write("a.txt", format!("t={}\n", github_pat(610)));
    let r = t.run(&[
        "dir",
        ".",
        "--redact",
        "--report-format",
        "json",
        "--report-path",
        "r.json",
    ]);
    r.expect_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("r.json")).unwrap()).unwrap();
    assert_eq!(report[0]["secret"], "ghp_…(40)");
    t.run(&["dir", ".", "--redact=100"]).expect_code(1);

    let r = run(&["version"]);
    r.expect_code(0);
    assert_eq!(r.stdout, run(&["--version"]).stdout);

    for (args, says) in [
        (&["detect"][..], "leakhound git [REPO]"),
        (
            &["detect", "--no-git", "--source", "."],
            "leakhound dir [PATH]",
        ),
        (&["protect", "--staged"], "leakhound staged"),
        (&["git", ".", "--staged"], "leakhound staged"),
        (&["git", ".", "--log-opts=--all"], "--range BASE..HEAD"),
    ] {
        let r = t.run(args);
        r.expect_code(2);
        assert_eq!(r.stderr_lines().len(), 1, "{args:?}: {r:#?}");
        assert!(r.stderr.starts_with("leakhound: error: "), "{r:#?}");
        assert!(r.stderr.contains(says), "{args:?}: {r:#?}");
    }
}

#[test]
fn help_ends_with_exit_codes_and_examples_and_names_every_marker() {
    let r = run(&["--help"]);
    r.expect_code(0);
    let tail = &r.stdout[r.stdout.find("Exit codes:").expect("exit codes in --help")..];
    assert!(tail.contains("0 no leaks, 1 leaks found"), "{tail}");
    assert!(tail.contains("2 error"), "{tail}");
    assert!(tail.contains("Examples:\n  leakhound dir ."), "{tail}");
    let r = run(&["dir", "--help"]);
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in [
        "gitleaks:allow",
        "leakhound:allow",
        "pragma: allowlist secret",
        "a leakhound baseline or JSON report",
        "a gitleaks JSON report",
        "a detect-secrets .secrets.baseline",
    ] {
        assert!(help.contains(word), "dir --help names {word}: {help}");
    }
}
