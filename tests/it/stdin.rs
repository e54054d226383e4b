//! `leakhound stdin`: piped text under a label.

use crate::support::{acme_key, acme_only_config, github_pat, loc, locations, TestDir};

#[test]
fn the_label_names_the_input_in_reports() {
    let t = TestDir::new();
    let input = format!("line one\nexport GITHUB_TOKEN={}\n", github_pat(100));
    let run = t.run_stdin(
        &["stdin", "--label", "ci/build.log", "--format", "json"],
        input.clone(),
    );
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        locations(&found),
        vec![loc("ci/build.log", 2, "github-pat")]
    );
    assert_eq!((found[0].column, found[0].end_column), (21, 61));

    let run = t.run_stdin(&["stdin", "--label", "ci/build.log"], input);
    run.expect_code(1);
    assert!(
        run.stdout.starts_with("ci/build.log:2:21: github-pat"),
        "{run:#?}"
    );
}

#[test]
fn the_default_label_is_stdin() {
    let t = TestDir::new();
    let run = t.run_stdin(
        &["stdin", "--format", "jsonl"],
        format!("t={}", github_pat(101)),
    );
    run.expect_code(1);
    let f: crate::support::JsonFinding = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!((f.path.as_str(), f.line, f.column), ("stdin", 1, 3));
}

#[test]
fn clean_and_empty_input_exit_0() {
    let t = TestDir::new();
    for input in ["", "nothing secret here\n", "ghp_ too short\n"] {
        let run = t.run_stdin(&["stdin", "--format", "json"], input);
        run.expect_code(0);
        assert_eq!(run.findings(), vec![]);
    }
    let run = t.run_stdin(&["stdin"], "hello\n");
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("no leaks found: 1 files"),
        "{run:#?}"
    );
}

#[test]
fn a_config_in_the_current_directory_applies() {
    let t = TestDir::new();
    t.write(".leakhound.toml", acme_only_config());
    let input = format!("a={}\nb={}\n", acme_key(102), github_pat(102));
    let run = t.run_stdin(&["stdin", "--format", "json"], input);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("stdin", 1, "acme-api-key")]
    );
}
