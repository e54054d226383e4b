//! The GitHub Action: `scripts/github-action.sh` run in a simulated GitHub
//! environment (event payload, workspace repository, summary and output
//! files), with the binary under test as `LEAKHOUND_BIN`.

use std::{fs, path::Path, process::Command};

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
}

/// Runs the action's script for `event` with `payload` in `repo`, with the
/// extra `INPUT_*` variables in `inputs`.
fn run_action(repo: &TestRepo, event: &str, payload: &Value, inputs: &[(&str, &str)]) -> ActionRun {
    let runner = TestDir::new();
    let event_path = runner.write("event.json", serde_json::to_vec_pretty(payload).unwrap());
    let summary = runner.write("summary.md", "");
    let outputs = runner.write("output.txt", "");
    let temp = runner.mkdir("temp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts/github-action.sh"))
        .current_dir(runner.path())
        .env("LEAKHOUND_BIN", env!("CARGO_BIN_EXE_leakhound"))
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
        cmd.env(k, v);
    }
    let run = Run::from(cmd.output().expect("run bash"));
    ActionRun {
        run,
        outputs: fs::read_to_string(&outputs).unwrap(),
        summary: fs::read_to_string(&summary).unwrap(),
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

/// A `push` payload.
fn push(before: &str, after: &str) -> Value {
    json!({
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "created": before == ZERO,
        "deleted": false,
        "forced": false,
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
fn a_push_scans_before_to_after_and_a_new_branch_scans_the_full_history() {
    // The secret is in the first commit; the pushed commit is clean.
    let repo = TestRepo::new();
    let pat = github_pat(7002);
    let first = repo.commit_file("app.env", format!("TOKEN={pat}\n"), "Initial commit");
    let second = repo.commit_file("README.md", "# widgets\n", "Docs");

    let a = run_action(&repo, "push", &push(&first, &second), &[]);
    a.run.expect_code(0);
    assert!(a.outputs.contains("findings=0\n"), "{}", a.outputs);
    assert!(a.summary.contains("No leaks found."), "{}", a.summary);

    let a = run_action(&repo, "push", &push(ZERO, &second), &[]);
    a.run.expect_code(1);
    assert!(
        a.run.stdout.contains("scanning the full history"),
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
