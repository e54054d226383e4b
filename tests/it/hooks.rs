//! `leakhound install-hook` / `uninstall-hook`: the git pre-commit hook,
//! exercised with real `git commit`s.

use std::{fs, os::unix::fs::PermissionsExt, path::Path};

use crate::support::{github_pat, Run, TestDir, TestRepo};

/// The line that marks our hook.
const MARKER: &str = "leakhound-hook";

/// `git commit -m MESSAGE` with hooks (no `--no-verify`).
fn commit_with_hooks(repo: &TestRepo, message: &str) -> Run {
    Run::from(repo.git_output(&["commit", "-q", "-m", message]))
}

/// Writes an executable script to `path`.
fn write_script(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// Stages a file holding a secret on line 2; the commit must be refused.
#[track_caller]
fn assert_secret_commit_refused(repo: &TestRepo) {
    let head = repo.head();
    repo.write(
        "deploy/app.env",
        format!("MODE=prod\nTOKEN={}\n", github_pat(6001)),
    );
    repo.stage(&["deploy/app.env"]);
    let run = commit_with_hooks(repo, "Add config");
    assert_ne!(run.code, 0, "the commit is refused: {run:#?}");
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("deploy/app.env:2:"), "{said}");
    assert!(said.contains("github-pat"), "{said}");
    assert!(said.contains("commit refused"), "{said}");
    assert!(
        !said.contains(&github_pat(6001)),
        "the secret is redacted: {said}"
    );
    assert_eq!(repo.head(), head, "nothing was committed");
    repo.git(&["rm", "-q", "--cached", "deploy/app.env"]);
    fs::remove_file(repo.join("deploy/app.env")).unwrap();
}

/// Stages a clean change; the commit must go through.
#[track_caller]
fn assert_clean_commit_passes(repo: &TestRepo, n: u32) {
    let head = repo.head();
    repo.write("notes.txt", format!("note {n}\n"));
    repo.stage(&["notes.txt"]);
    let run = commit_with_hooks(repo, "Notes");
    assert_eq!(run.code, 0, "a clean commit passes: {run:#?}");
    assert_ne!(repo.head(), head, "the commit was made");
}

#[test]
fn the_hook_refuses_a_staged_secret_and_lets_a_clean_commit_through() {
    let repo = TestRepo::with_readme();
    let run = repo.run(&["install-hook"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("installed the pre-commit hook"),
        "{run:#?}"
    );
    let hook = repo.join(".git/hooks/pre-commit");
    let text = fs::read_to_string(&hook).unwrap();
    assert!(
        text.starts_with("#!/bin/sh\n") && text.contains(MARKER),
        "{text}"
    );
    assert!(text.contains(env!("CARGO_BIN_EXE_leakhound")), "{text}");
    let mode = fs::metadata(&hook).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);

    assert_secret_commit_refused(&repo);
    assert_clean_commit_passes(&repo, 1);
    // Installing again rewrites our hook and chains nothing.
    repo.run(&["install-hook", "."]).expect_code(0);
    assert!(!repo
        .join(".git/hooks/pre-commit.leakhound-chained")
        .exists());
    assert_secret_commit_refused(&repo);
}

#[test]
fn commit_all_and_commit_path_are_scanned_too() {
    // git builds a temporary index for these and names it in GIT_INDEX_FILE.
    let repo = TestRepo::with_readme();
    repo.run(&["install-hook"]).expect_code(0);
    let head = repo.head();
    repo.write(
        "README.md",
        format!("# service\nTOKEN={}\n", github_pat(6002)),
    );
    let all = Run::from(repo.git_output(&["commit", "-q", "-a", "-m", "All"]));
    assert_ne!(all.code, 0, "commit -a is refused: {all:#?}");
    assert!(
        format!("{}{}", all.stdout, all.stderr).contains("README.md:2:"),
        "{all:#?}"
    );
    let path = Run::from(repo.git_output(&["commit", "-q", "-m", "Path", "README.md"]));
    assert_ne!(path.code, 0, "commit PATH is refused: {path:#?}");
    assert_eq!(repo.head(), head, "nothing was committed");
}

#[test]
fn an_existing_hook_is_chained_runs_first_and_is_restored_on_uninstall() {
    let repo = TestRepo::with_readme();
    let hook = repo.join(".git/hooks/pre-commit");
    let old = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/old-hook.log\"\nexit 0\n";
    write_script(&hook, old);

    let run = repo.run(&["install-hook"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("pre-commit.leakhound-chained"),
        "{run:#?}"
    );
    let chained = repo.join(".git/hooks/pre-commit.leakhound-chained");
    assert_eq!(fs::read_to_string(&chained).unwrap(), old);
    assert!(fs::read_to_string(&hook).unwrap().contains(MARKER));

    assert_clean_commit_passes(&repo, 1);
    let log = repo.join(".git/old-hook.log");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        "ran\n",
        "the old hook ran"
    );
    assert_secret_commit_refused(&repo);

    // A failing old hook blocks even a clean commit.
    write_script(&chained, "#!/bin/sh\necho old hook says no >&2\nexit 3\n");
    repo.write("notes.txt", "more\n");
    repo.stage(&["notes.txt"]);
    let run = commit_with_hooks(&repo, "Blocked");
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("old hook says no"), "{run:#?}");
    write_script(&chained, old);

    let run = repo.run(&["uninstall-hook"]);
    run.expect_code(0);
    assert!(run.stderr.contains("restored"), "{run:#?}");
    assert_eq!(fs::read_to_string(&hook).unwrap(), old);
    assert!(!chained.exists());
    // Uninstalling again leaves the (foreign) hook alone, with an error.
    let run = repo.run(&["uninstall-hook"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("not installed by leakhound"),
        "{run:#?}"
    );
    assert_eq!(fs::read_to_string(&hook).unwrap(), old);
}

#[test]
fn force_overwrites_an_existing_hook() {
    let repo = TestRepo::with_readme();
    let hook = repo.join(".git/hooks/pre-commit");
    write_script(&hook, "#!/bin/sh\nexit 0\n");
    repo.run(&["install-hook", "--force"]).expect_code(0);
    assert!(fs::read_to_string(&hook).unwrap().contains(MARKER));
    assert!(!repo
        .join(".git/hooks/pre-commit.leakhound-chained")
        .exists());
    assert_secret_commit_refused(&repo);
    repo.run(&["uninstall-hook"]).expect_code(0);
    assert!(!hook.exists());
    assert_clean_commit_passes(&repo, 2);
}

#[test]
fn core_hooks_path_is_respected_relative_to_the_work_tree() {
    let repo = TestRepo::with_readme();
    repo.git(&["config", "core.hooksPath", "tools/hooks"]);
    // Run from a subdirectory: the path is still relative to the work tree.
    fs::create_dir_all(repo.join("src")).unwrap();
    let run = Run::from(
        repo.cmd()
            .current_dir(repo.join("src"))
            .arg("install-hook")
            .output()
            .unwrap(),
    );
    run.expect_code(0);
    assert!(repo.join("tools/hooks/pre-commit").is_file(), "{run:#?}");
    assert!(!repo.join(".git/hooks/pre-commit").exists());
    assert!(!repo.join("src/tools").exists());
    assert_secret_commit_refused(&repo);
    repo.run(&["uninstall-hook"]).expect_code(0);
    assert!(!repo.join("tools/hooks/pre-commit").exists());
}

#[test]
fn a_worktree_uses_the_common_hooks_directory() {
    let repo = TestRepo::with_readme();
    let other = TestDir::new();
    let wt = other.join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    let run = Run::from(
        repo.cmd()
            .current_dir(&wt)
            .arg("install-hook")
            .output()
            .unwrap(),
    );
    run.expect_code(0);
    assert!(repo.join(".git/hooks/pre-commit").is_file(), "{run:#?}");
}

#[test]
fn outside_a_repository_is_a_one_line_error() {
    let dir = TestDir::new();
    for cmd in ["install-hook", "uninstall-hook"] {
        let run = dir.run(&[cmd, "."]);
        run.expect_code(2);
        assert_eq!(run.stderr_lines().len(), 1, "{run:#?}");
        assert!(run.stderr.contains("not a git repository"), "{run:#?}");
    }
}

/// Issue 12: the hook's ways out besides `--no-verify`, used without
/// editing the hook. Stages `deploy/app.env` with a secret on line 2.
fn stage_secret(repo: &TestRepo, seed: u64) {
    repo.write(
        "deploy/app.env",
        format!("MODE=prod\nTOKEN={}\n", github_pat(seed)),
    );
    repo.stage(&["deploy/app.env"]);
}

/// `git commit` with hooks and extra environment variables.
fn commit_with_env(repo: &TestRepo, env: &[(&str, &str)]) -> Run {
    Run::from(repo.git_output_env(&["commit", "-q", "-m", "Add config"], env))
}

/// A repository with the hook installed and a refused commit of a secret
/// staged; returns it, the hook's text and the refusal.
fn refused_commit(seed: u64) -> (TestRepo, String, Run) {
    let repo = TestRepo::with_readme();
    repo.run(&["install-hook"]).expect_code(0);
    let hook = fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
    stage_secret(&repo, seed);
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_ne!(run.code, 0, "refused: {run:#?}");
    assert_eq!(repo.head(), head);
    (repo, hook, run)
}

/// The commit went through and the hook is as installed.
#[track_caller]
fn assert_committed(repo: &TestRepo, run: &Run, hook: &str, head: &str) {
    assert_eq!(run.code, 0, "the commit passes: {run:#?}");
    assert_ne!(repo.head(), head, "the commit was made");
    assert_eq!(
        fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap(),
        hook,
        "the hook was not edited"
    );
}

#[test]
fn a_baseline_at_the_repository_root_lets_a_known_secret_through() {
    let (repo, hook, refused) = refused_commit(6101);
    // The refusal names the command that writes the baseline; run it as printed.
    let command = refused
        .stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("leakhound baseline create"))
        .unwrap_or_else(|| panic!("no baseline command: {refused:#?}"));
    assert_eq!(
        command,
        "leakhound baseline create -o .leakhound-baseline.json"
    );
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    repo.run(&args).expect_code(0);
    assert!(repo.join(".leakhound-baseline.json").is_file());
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_committed(&repo, &run, &hook, &head);
    // A new secret is still refused.
    repo.write("deploy/other.env", format!("T={}\n", github_pat(6102)));
    repo.stage(&["deploy/other.env"]);
    let run = commit_with_hooks(&repo, "Another");
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("deploy/other.env:1"), "{run:#?}");
}

#[test]
fn leakhound_baseline_in_the_environment_lets_a_known_secret_through() {
    let (repo, hook, _) = refused_commit(6103);
    let elsewhere = TestDir::new();
    let baseline = elsewhere.join("known.json");
    let made = repo.run(&["baseline", "create", "-o", baseline.to_str().unwrap()]);
    made.expect_code(0);
    // The file is not at the root: without the variable the commit is refused.
    let head = repo.head();
    assert_ne!(commit_with_env(&repo, &[]).code, 0);
    let run = commit_with_env(&repo, &[("LEAKHOUND_BASELINE", baseline.to_str().unwrap())]);
    assert_committed(&repo, &run, &hook, &head);
}

#[test]
fn a_baseline_key_in_the_config_lets_a_known_secret_through() {
    let (repo, hook, _) = refused_commit(6104);
    repo.write("ci/README", "baselines\n");
    repo.run(&["baseline", "create", "-o", "ci/known.json"])
        .expect_code(0);
    repo.write(".leakhound.toml", "baseline = \"ci/known.json\"\n");
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_committed(&repo, &run, &hook, &head);
}

#[test]
fn the_refusal_prints_an_ignore_line_that_lets_the_commit_through_once_pasted() {
    let (repo, hook, refused) = refused_commit(6105);
    let said = &refused.stderr;
    assert!(said.contains("leakhound:allow github-pat"), "{said}");
    assert!(said.contains(".leakhoundignore"), "{said}");
    // The block to paste: the comment naming the finding and its line.
    let lines: Vec<&str> = said.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| *l == "# deploy/app.env:2 github-pat")
        .unwrap_or_else(|| panic!("no ignore entry: {said}"));
    let pasted = format!("{}\n{}\n", lines[at], lines[at + 1]);
    assert!(
        !said.contains(&github_pat(6105)),
        "the secret is redacted: {said}"
    );
    repo.write(".leakhoundignore", &pasted);
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_committed(&repo, &run, &hook, &head);
}

#[test]
fn the_allow_comment_the_refusal_names_lets_the_commit_through() {
    let (repo, hook, refused) = refused_commit(6106);
    assert!(
        refused
            .stderr
            .contains("a comment `leakhound:allow github-pat` on its line"),
        "{refused:#?}"
    );
    repo.write(
        "deploy/app.env",
        format!(
            "MODE=prod\nTOKEN={} # leakhound:allow github-pat\n",
            github_pat(6106)
        ),
    );
    repo.stage(&["deploy/app.env"]);
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_committed(&repo, &run, &hook, &head);
}

#[test]
fn a_gitleaksignore_position_entry_works_from_the_hook() {
    let (repo, hook, _) = refused_commit(6107);
    repo.write(".gitleaksignore", "deploy/app.env:github-pat:2\n");
    let head = repo.head();
    let run = commit_with_hooks(&repo, "Add config");
    assert_committed(&repo, &run, &hook, &head);
}
