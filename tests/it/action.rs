//! The GitHub Action: `scripts/github-action.sh` run in a simulated GitHub
//! environment (event payload, workspace repository, summary and output
//! files), with the binary under test as `LEAKHOUND_BIN`.

use std::{fs, os::unix::fs::PermissionsExt, path::Path, process::Command};

use serde_json::{json, Value};

use crate::support::{assert_valid_sarif, github_pat, Run, TestDir, TestRepo};

const SERVER: &str = "https://github.example";
const REPOSITORY: &str = "acme/widgets";
const ZERO: &str = "0000000000000000000000000000000000000000";

/// What one run of the action left behind.
struct ActionRun {
    run: Run,
    outputs: String,
    summary: String,
    /// How many times the action ran leakhound (other than `--version`).
    scans: usize,
}

/// An executable shell script at `rel` in `dir`.
fn script(dir: &TestDir, rel: &str, body: &str) -> String {
    let path = dir.write(rel, format!("#!/bin/sh\n{body}"));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// Runs the action's script for `event` with `payload` in `repo`, with the
/// extra `INPUT_*` variables in `inputs`.
fn run_action(repo: &TestRepo, event: &str, payload: &Value, inputs: &[(&str, &str)]) -> ActionRun {
    run_action_with(repo, event, payload, inputs, |_, _| {})
}

/// [`run_action`], after `setup(runner directory, counting binary)`. In
/// `inputs`, `{runner}` is the runner directory.
fn run_action_with(
    repo: &TestRepo,
    event: &str,
    payload: &Value,
    inputs: &[(&str, &str)],
    setup: impl FnOnce(&TestDir, &str),
) -> ActionRun {
    let runner = TestDir::new();
    let event_path = runner.write("event.json", serde_json::to_vec_pretty(payload).unwrap());
    let summary = runner.write("summary.md", "");
    let outputs = runner.write("output.txt", "");
    let temp = runner.mkdir("temp");
    let calls = runner.write("calls.txt", "");
    // The binary under test, counting its scans.
    let bin = script(
        &runner,
        "bin/leakhound",
        &format!(
            "[ \"$1\" = --version ] || echo \"$*\" >>'{}'\nexec '{}' \"$@\"\n",
            calls.display(),
            env!("CARGO_BIN_EXE_leakhound")
        ),
    );
    setup(&runner, &bin);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts/github-action.sh"))
        .current_dir(runner.path())
        .env("LEAKHOUND_BIN", &bin)
        .env("LEAKHOUND_INSTALL_ROOT", runner.join("bin-cache"))
        .env("GITHUB_ACTION_PATH", root)
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_WORKSPACE", repo.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_SERVER_URL", SERVER)
        .env("GITHUB_REPOSITORY", REPOSITORY)
        .env("GITHUB_SHA", repo.head())
        .env("RUNNER_TEMP", &temp)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("LEAKHOUND_CONFIG");
    for (name, _) in std::env::vars() {
        if name.starts_with("INPUT_") || name.starts_with("GIT_DIR") || name == "GIT_INDEX_FILE" {
            cmd.env_remove(name);
        }
    }
    for (k, v) in inputs {
        cmd.env(
            k,
            v.replace("{runner}", &runner.path().display().to_string()),
        );
    }
    let run = Run::from(cmd.output().expect("run bash"));
    ActionRun {
        run,
        outputs: fs::read_to_string(&outputs).unwrap(),
        summary: fs::read_to_string(&summary).unwrap(),
        scans: fs::read_to_string(&calls).unwrap().lines().count(),
    }
}

/// A repository with a clean base commit and a head commit that adds a
/// secret on line 2 of `config/app.env`; (repo, base, head, secret).
fn base_and_head() -> (TestRepo, String, String, String) {
    let repo = TestRepo::new();
    let base = repo.commit_file("README.md", "# widgets\n", "Initial commit");
    let pat = github_pat(7001);
    let head = repo.commit_file(
        "config/app.env",
        format!("MODE=prod\nTOKEN={pat}\n"),
        "Add config",
    );
    (repo, base, head, pat)
}

/// A `pull_request` payload, shaped like GitHub's (the fields that matter).
fn pull_request(base: &str, head: &str) -> Value {
    json!({
        "action": "opened",
        "number": 7,
        "pull_request": {
            "number": 7,
            "state": "open",
            "base": { "ref": "main", "sha": base, "repo": { "full_name": REPOSITORY } },
            "head": { "ref": "feature", "sha": head, "repo": { "full_name": REPOSITORY } }
        },
        "repository": { "full_name": REPOSITORY, "default_branch": "main" }
    })
}

/// A `push` payload for `main`.
fn push(before: &str, after: &str) -> Value {
    push_to("main", before, after)
}

/// A `push` payload for `branch`.
fn push_to(branch: &str, before: &str, after: &str) -> Value {
    json!({
        "ref": format!("refs/heads/{branch}"),
        "before": before,
        "after": after,
        "created": before == ZERO,
        "deleted": false,
        "forced": before != ZERO,
        "commits": [ { "id": after, "message": "Add config" } ],
        "head_commit": { "id": after },
        "repository": { "full_name": REPOSITORY, "default_branch": "main" }
    })
}

#[test]
fn a_pull_request_adding_a_secret_fails_with_sarif_outputs_summary_and_annotation() {
    let (repo, base, head, pat) = base_and_head();
    let a = run_action(&repo, "pull_request", &pull_request(&base, &head), &[]);
    a.run.expect_code(1);
    assert!(
        a.run
            .stdout
            .contains(&format!("scanning commits {base}..{head}")),
        "{:#?}",
        a.run
    );
    assert_eq!(a.scans, 1, "one scan per run: {:#?}", a.run);

    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(repo.join("leakhound.sarif")).unwrap()).unwrap();
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);

    assert!(a.outputs.contains("findings=1\n"), "{}", a.outputs);
    assert!(
        a.outputs.contains("report=leakhound.sarif\n"),
        "{}",
        a.outputs
    );

    let link = format!("[config/app.env:2]({SERVER}/{REPOSITORY}/blob/{head}/config/app.env#L2)");
    assert!(
        a.summary.contains("| rule | file | secret | commit |"),
        "{}",
        a.summary
    );
    assert!(
        a.summary
            .contains(&format!("| github-pat | {link} | `ghp_…(40)` |")),
        "{}",
        a.summary
    );
    assert!(
        a.summary.contains(&format!("`{}`", &head[..12])),
        "{}",
        a.summary
    );

    let annotation = a
        .run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error file=config/app.env,line=2,"))
        .unwrap_or_else(|| panic!("an ::error annotation: {:#?}", a.run));
    assert!(
        annotation.contains("title=leakhound%3A github-pat::"),
        "{annotation}"
    );
    assert!(annotation.contains("ghp_…(40)"), "{annotation}");

    for text in [&a.run.stdout, &a.run.stderr, &a.summary, &a.outputs] {
        assert!(!text.contains(&pat), "the secret is never shown: {text}");
    }
}

#[test]
fn fail_false_reports_without_failing() {
    let (repo, base, head, _) = base_and_head();
    let inputs = [
        ("INPUT_FAIL", "false"),
        ("INPUT_OUTPUT", "reports/leaks.sarif"),
    ];
    let a = run_action(&repo, "pull_request", &pull_request(&base, &head), &inputs);
    a.run.expect_code(0);
    assert!(a.outputs.contains("findings=1\n"), "{}", a.outputs);
    assert!(
        a.outputs.contains("report=reports/leaks.sarif\n"),
        "{}",
        a.outputs
    );
    assert!(repo.join("reports/leaks.sarif").is_file());
}

#[test]
fn a_json_report_and_show_secrets_keep_the_summary_redacted() {
    let (repo, base, head, pat) = base_and_head();
    let inputs = [
        ("INPUT_FORMAT", "json"),
        ("INPUT_OUTPUT", "leaks.json"),
        ("INPUT_ARGS", "--show-secrets"),
    ];
    let a = run_action(&repo, "pull_request", &pull_request(&base, &head), &inputs);
    a.run.expect_code(1);
    let report: Value =
        serde_json::from_str(&fs::read_to_string(repo.join("leaks.json")).unwrap()).unwrap();
    assert_eq!(report[0]["rule_id"], "github-pat");
    assert!(!a.summary.contains(&pat), "{}", a.summary);
    assert!(!a.run.stdout.contains(&pat), "{}", a.run.stdout);
    assert!(a.summary.contains("`ghp_…(40)`"), "{}", a.summary);
}

#[test]
fn a_push_scans_before_to_after_and_a_first_push_its_history() {
    // The secret is in the first commit; the pushed commit is clean.
    let repo = TestRepo::new();
    let pat = github_pat(7002);
    let first = repo.commit_file("app.env", format!("TOKEN={pat}\n"), "Initial commit");
    let second = repo.commit_file("README.md", "# widgets\n", "Docs");

    let a = run_action(&repo, "push", &push(&first, &second), &[]);
    a.run.expect_code(0);
    assert!(a.outputs.contains("findings=0\n"), "{}", a.outputs);
    assert!(a.summary.contains("No leaks found."), "{}", a.summary);

    // The first push of the default branch: its whole history.
    let a = run_action(&repo, "push", &push(ZERO, &second), &[]);
    a.run.expect_code(1);
    assert!(
        a.run
            .stdout
            .contains(&format!("scanning the history of {second}")),
        "{:#?}",
        a.run
    );
    assert!(a.outputs.contains("findings=1\n"), "{}", a.outputs);
    let link = format!("{SERVER}/{REPOSITORY}/blob/{first}/app.env#L1");
    assert!(a.summary.contains(&link), "{}", a.summary);
    assert!(!a.summary.contains(&pat), "{}", a.summary);

    // workflow_dispatch and schedule scan the full history too.
    for event in ["workflow_dispatch", "schedule"] {
        let a = run_action(&repo, event, &json!({}), &[]);
        a.run.expect_code(1);
        assert!(a.outputs.contains("findings=1\n"), "{event}: {}", a.outputs);
    }
}

/// A server repository: `main` with an old leak in `old.env`, then a clean
/// base commit; `feature` from the base adds `config/app.env` with a new
/// leak. (server, base, head, old secret, new secret)
fn old_leak_and_feature() -> (TestRepo, String, String, String, String) {
    let server = TestRepo::new();
    let old = github_pat(7101);
    server.commit_file("old.env", format!("TOKEN={old}\n"), "Old config");
    let base = server.commit_file("README.md", "# widgets\n", "Docs");
    server.checkout_new("feature");
    let new = github_pat(7102);
    let head = server.commit_file(
        "config/app.env",
        format!("MODE=prod\nTOKEN={new}\n"),
        "Add config",
    );
    server.checkout("main");
    (server, base, head, old, new)
}

/// The one finding is the PR's own: `config/app.env` in the head commit.
fn assert_only_the_new_leak(a: &ActionRun, head: &str) {
    assert!(
        a.outputs.contains("findings=1\n"),
        "{}\n{:#?}",
        a.outputs,
        a.run
    );
    let link = format!("{SERVER}/{REPOSITORY}/blob/{head}/config/app.env#L2");
    assert!(a.summary.contains(&link), "{}", a.summary);
    assert!(!a.summary.contains("old.env"), "{}", a.summary);
}

#[test]
fn a_shallow_pull_request_checkout_is_deepened_and_blames_only_its_commits() {
    let (server, base, head, _, _) = old_leak_and_feature();
    let full = server.clone_branch("feature", None);
    let a = run_action(&full, "pull_request", &pull_request(&base, &head), &[]);
    a.run.expect_code(1);
    assert_only_the_new_leak(&a, &head);

    // actions/checkout's default: fetch-depth 1. The base is not there and
    // the head has no parent: without deepening, old.env would be blamed on it.
    let shallow = server.clone_branch("feature", Some(1));
    let a = run_action(&shallow, "pull_request", &pull_request(&base, &head), &[]);
    a.run.expect_code(1);
    assert!(a.run.stdout.contains("git fetch --deepen"), "{:#?}", a.run);
    assert!(
        a.run
            .stdout
            .contains(&format!("scanning commits {base}..{head}")),
        "{:#?}",
        a.run
    );
    assert_only_the_new_leak(&a, &head);
    assert_eq!(a.scans, 1);
}

#[test]
fn a_shallow_clone_that_cannot_be_deepened_fails_saying_fetch_depth_0() {
    let (server, base, head, _, _) = old_leak_and_feature();
    let shallow = server.clone_branch("feature", Some(1));
    shallow.git(&["remote", "remove", "origin"]);
    let a = run_action(&shallow, "pull_request", &pull_request(&base, &head), &[]);
    a.run.expect_code(2);
    let error = a
        .run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error title=leakhound::"))
        .unwrap_or_else(|| panic!("an ::error annotation: {:#?}", a.run));
    assert!(error.contains("fetch-depth: 0"), "{error}");
    assert_eq!(a.scans, 0, "no scan blames the head: {:#?}", a.run);
}

#[test]
fn a_pull_request_whose_base_is_missing_everywhere_is_an_error() {
    let (server, _, head, _, _) = old_leak_and_feature();
    let clone = server.clone_branch("feature", None);
    let missing = "1234567890123456789012345678901234567890";
    let a = run_action(&clone, "pull_request", &pull_request(missing, &head), &[]);
    a.run.expect_code(2);
    assert!(
        a.run.stdout.contains(&format!(
            "::error title=leakhound::commit {missing} is not in the clone"
        )),
        "{:#?}",
        a.run
    );
    assert_eq!(a.scans, 0);
}

#[test]
fn a_new_branch_push_scans_what_it_adds_over_the_default_branch() {
    let (server, _, head, _, _) = old_leak_and_feature();
    for depth in [None, Some(1)] {
        let clone = server.clone_branch("feature", depth);
        let a = run_action(&clone, "push", &push_to("feature", ZERO, &head), &[]);
        a.run.expect_code(1);
        assert!(
            a.run.stdout.contains("adds over main"),
            "{depth:?}: {:#?}",
            a.run
        );
        assert_only_the_new_leak(&a, &head);
    }
}

#[test]
fn a_force_push_scans_the_new_commits_even_when_before_is_gone() {
    let (server, base, head, _, _) = old_leak_and_feature();
    let clone = server.clone_branch("feature", None);
    // The commit before the push still exists (another branch keeps it).
    clone.git(&["branch", "old-feature", &base]);
    let a = run_action(&clone, "push", &push_to("feature", &base, &head), &[]);
    a.run.expect_code(1);
    assert_only_the_new_leak(&a, &head);

    // Rewritten away: not in the clone, not on the server.
    let gone = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
    let a = run_action(&clone, "push", &push_to("feature", gone, &head), &[]);
    a.run.expect_code(1);
    assert!(
        a.run
            .stdout
            .contains("::warning title=leakhound::the commit before the push"),
        "{:#?}",
        a.run
    );
    assert_only_the_new_leak(&a, &head);
}

#[test]
fn bad_inputs_are_errors_and_fail_takes_the_usual_booleans() {
    let (repo, base, head, _) = base_and_head();
    let pr = pull_request(&base, &head);
    for (name, value, says) in [
        (
            "INPUT_SCAN",
            "main",
            "scan: 'main' is not auto, full or BASE..HEAD",
        ),
        ("INPUT_SCAN", "..HEAD", "scan: '..HEAD' is not"),
        ("INPUT_FAIL", "maybe", "fail: 'maybe' is not a boolean"),
        (
            "INPUT_FORMAT",
            "xml",
            "format: 'xml' is not one of sarif, json, jsonl",
        ),
    ] {
        let a = run_action(&repo, "pull_request", &pr, &[(name, value)]);
        a.run.expect_code(2);
        assert!(
            a.run
                .stdout
                .contains(&format!("::error title=leakhound::{says}")),
            "{:#?}",
            a.run
        );
        assert_eq!(a.scans, 0);
    }
    for (value, code) in [
        ("TRUE", 1),
        ("yes", 1),
        ("1", 1),
        ("no", 0),
        ("Off", 0),
        ("0", 0),
    ] {
        let a = run_action(&repo, "pull_request", &pr, &[("INPUT_FAIL", value)]);
        assert_eq!(a.run.code, code, "fail: {value}: {:#?}", a.run);
    }
    // An explicit range is scanned as given.
    let a = run_action(
        &repo,
        "workflow_dispatch",
        &json!({}),
        &[("INPUT_SCAN", &format!("{base}..{head}"))],
    );
    a.run.expect_code(1);
    assert!(a.outputs.contains("findings=1\n"), "{}", a.outputs);
}

#[test]
fn one_scan_renders_the_report_summary_and_annotations_in_each_format() {
    let (repo, base, head, pat) = base_and_head();
    for format in ["sarif", "json", "jsonl"] {
        let output = format!("leaks.{format}");
        let inputs = [("INPUT_FORMAT", format), ("INPUT_OUTPUT", output.as_str())];
        let a = run_action(&repo, "pull_request", &pull_request(&base, &head), &inputs);
        a.run.expect_code(1);
        assert_eq!(a.scans, 1, "{format}: {:#?}", a.run);
        assert!(repo.join(&output).is_file());
        assert!(
            a.summary.contains("| github-pat | [config/app.env:2]("),
            "{format}: {}",
            a.summary
        );
        assert!(
            a.run.stdout.contains(
                "::error file=config/app.env,line=2,endLine=2,title=leakhound%3A github-pat::"
            ),
            "{format}: {:#?}",
            a.run
        );
        assert!(!a.summary.contains(&pat) && !a.run.stdout.contains(&pat));
    }
}

#[test]
fn an_installed_binary_is_reused_instead_of_compiling() {
    let (repo, base, head, _) = base_and_head();
    // actions/cache restored a binary into the install root; `cargo` (which
    // would compile for minutes) must not run.
    let inputs = [
        ("LEAKHOUND_BIN", ""),
        ("LEAKHOUND_INSTALL_ROOT", "{runner}/cache"),
        ("PATH", "{runner}/fake-path:/usr/bin:/bin"),
    ];
    let setup = |runner: &TestDir, bin: &str| {
        script(
            runner,
            "cache/bin/leakhound",
            &format!("exec '{bin}' \"$@\"\n"),
        );
        script(
            runner,
            "fake-path/cargo",
            "echo 'cargo was run' >&2; exit 99\n",
        );
    };
    let a = run_action_with(
        &repo,
        "pull_request",
        &pull_request(&base, &head),
        &inputs,
        setup,
    );
    a.run.expect_code(1);
    assert!(!a.run.stderr.contains("cargo was run"), "{:#?}", a.run);
    assert!(a.run.stdout.contains("leakhound: using "), "{:#?}", a.run);
    assert_eq!(a.scans, 1);
    assert!(a.outputs.contains("findings=1\n"), "{}", a.outputs);
}
