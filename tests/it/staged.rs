//! `leakhound staged`: what the next commit adds, read from the index (not
//! the work tree) against HEAD. What the pre-commit hook runs.

use crate::support::{
    base62_noise, github_pat, loc, locations, JsonFinding, Run, TestDir, TestRepo,
};

/// `leakhound staged . EXTRA... --format json` in the repository.
fn staged(repo: &TestRepo, extra: &[&str]) -> (Run, Vec<JsonFinding>) {
    repo.json(&[&["staged", "."], extra].concat())
}

/// Panics unless no finding carries commit fields (nothing is committed yet).
#[track_caller]
fn assert_no_commit(found: &[JsonFinding]) {
    for f in found {
        assert_eq!(
            (&f.commit, &f.author, &f.email, &f.date, &f.message),
            (&None, &None, &None, &None, &None),
            "{f:#?}"
        );
    }
}

#[test]
fn a_staged_secret_is_reported_and_an_unstaged_one_is_not() {
    let repo = TestRepo::with_readme();
    repo.commit_file("app.env", "MODE=dev\n", "Config");
    let pat = github_pat(3000);
    // The index gets a clean edit; the secret is only in the work tree.
    repo.write("app.env", "MODE=prod\n");
    repo.stage(&["app.env"]);
    repo.write("app.env", format!("MODE=prod\nTOKEN={pat}\n"));
    // An untracked file with a secret is not staged either.
    repo.write("scratch.env", format!("T={}\n", github_pat(3001)));

    let (run, found) = staged(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);

    repo.stage(&["app.env"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(locations(&found), vec![loc("app.env", 2, "github-pat")]);
    assert_eq!((found[0].column, found[0].end_column), (7, 47));
    assert_no_commit(&found);
}

#[test]
fn only_the_staged_part_of_a_partially_staged_file_is_reported() {
    let repo = TestRepo::with_readme();
    repo.commit_file("app.env", "MODE=dev\n", "Config");
    let (staged_pat, unstaged_pat) = (github_pat(3002), github_pat(3003));
    repo.write("app.env", format!("MODE=dev\nA={staged_pat}\n"));
    repo.stage(&["app.env"]);
    repo.write(
        "app.env",
        format!("MODE=dev\nA={staged_pat}\nB={unstaged_pat}\n"),
    );

    let (run, found) = staged(&repo, &["--show-secrets"]);
    run.expect_code(1);
    assert_eq!(locations(&found), vec![loc("app.env", 2, "github-pat")]);
    assert_eq!(found[0].secret, staged_pat);
}

#[test]
fn a_fresh_repository_with_no_commits_is_scanned() {
    let repo = TestRepo::new();
    repo.write("src/main.py", "print('hi')\n");
    repo.write(
        "config/settings.yaml",
        format!("debug: false\ngithub:\n  token: {}\n", github_pat(3004)),
    );
    repo.write("untracked.env", format!("T={}\n", github_pat(3005)));
    repo.stage(&["src/main.py", "config/settings.yaml"]);
    assert!(repo
        .git_output(&["rev-parse", "--verify", "-q", "HEAD"])
        .stdout
        .is_empty());

    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        locations(&found),
        vec![loc("config/settings.yaml", 3, "github-pat")]
    );
    assert_no_commit(&found);

    // Nothing staged at all, in a repository with no commits.
    let empty = TestRepo::new();
    let (run, found) = staged(&empty, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
}

#[test]
fn a_detached_head_is_scanned_against_its_commit() {
    let repo = TestRepo::with_readme();
    let old = github_pat(3006);
    let first = repo.commit_file("app.env", format!("MODE=1\nOLD={old}\n"), "Config");
    repo.commit_file("app.env", "MODE=2\n", "Drop the token");
    repo.detach(&first);
    assert_eq!(repo.git(&["rev-parse", "--abbrev-ref", "HEAD"]), "HEAD");

    repo.write(
        "app.env",
        format!("MODE=1\nOLD={old}\nNEW={}\n", github_pat(3007)),
    );
    repo.stage(&["app.env"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(locations(&found), vec![loc("app.env", 3, "github-pat")]);
}

#[test]
fn a_merge_in_progress_is_scanned_once_the_conflict_is_resolved_and_staged() {
    let (repo, _) = TestRepo::with_conflicting_merge();
    repo.write(
        "settings.ini",
        format!("[auth]\nmode = token\ntoken = {}\n", github_pat(3008)),
    );
    repo.stage(&["settings.ini"]);
    assert!(repo.join(".git/MERGE_HEAD").exists());

    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        locations(&found),
        vec![loc("settings.ini", 3, "github-pat")]
    );
    assert_no_commit(&found);
}

#[test]
fn a_secret_already_in_head_on_an_untouched_line_is_not_reported() {
    let repo = TestRepo::with_readme();
    let old = github_pat(3009);
    repo.commit_file(
        "app.env",
        format!("MODE=prod\nOLD_TOKEN={old}\nLEVEL=1\n"),
        "Config",
    );
    // Lines around the secret change; its own line does not.
    repo.write(
        "app.env",
        format!("# prod\nMODE=prod\nOLD_TOKEN={old}\nLEVEL=2\n"),
    );
    repo.stage(&["app.env"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);

    // A new secret in the same file is.
    repo.write(
        "app.env",
        format!(
            "# prod\nMODE=prod\nOLD_TOKEN={old}\nLEVEL=2\nNEW_TOKEN={}\n",
            github_pat(3010)
        ),
    );
    repo.stage(&["app.env"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(locations(&found), vec![loc("app.env", 5, "github-pat")]);
}

#[test]
fn the_text_report_names_file_line_and_rule_and_exits_1() {
    let repo = TestRepo::with_readme();
    repo.write(
        "config/app.env",
        format!("# app\nDEBUG=0\nGITHUB_TOKEN={}\n", github_pat(3011)),
    );
    repo.stage(&["config/app.env"]);
    let run = repo.run(&["staged"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .starts_with("config/app.env:3:14: github-pat [critical, high confidence]\n"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains("commit:"), "{run:#?}");
    assert!(run.stdout.contains("1 leak found"), "{run:#?}");

    let run = repo.run(&["staged", "--exit-code", "3"]);
    run.expect_code(3);
}

#[test]
fn nothing_staged_and_a_staged_deletion_are_clean() {
    let repo = TestRepo::with_readme();
    repo.commit_file("app.env", format!("T={}\n", github_pat(3012)), "Config");
    let run = repo.run(&["staged"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("no leaks found"), "{run:#?}");

    repo.rm("app.env");
    let (run, found) = staged(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
}

#[test]
fn a_subdirectory_of_the_work_tree_scans_the_whole_index() {
    let repo = TestRepo::with_readme();
    repo.write(
        "src/app/keys.py",
        format!("KEY = \"{}\"\n", github_pat(3013)),
    );
    repo.write("docs/x.md", format!("`{}`\n", github_pat(3014)));
    repo.stage(&["src/app/keys.py", "docs/x.md"]);
    let out = repo
        .cmd()
        .current_dir(repo.join("src/app"))
        .args(["staged", "--format", "json"])
        .output()
        .unwrap();
    let run = Run::from(out);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("docs/x.md", 1, "github-pat"),
            loc("src/app/keys.py", 1, "github-pat"),
        ]
    );
}

#[test]
fn a_linked_worktree_has_its_own_index() {
    let repo = TestRepo::with_readme();
    let elsewhere = TestDir::new();
    let wt_path = elsewhere.join("wt");
    let wt = wt_path.display().to_string();
    repo.git(&["worktree", "add", "-q", "-b", "wt", &wt, "main"]);
    std::fs::write(wt_path.join("wt.env"), format!("T={}\n", github_pat(3015))).unwrap();
    repo.git(&["-C", &wt, "add", "wt.env"]);

    let run = repo.run(&["staged", &wt, "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("wt.env", 1, "github-pat")]
    );
    // The main work tree's index has nothing staged.
    let (run, found) = staged(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
}

#[test]
fn a_staged_rename_is_not_reported_again() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(3016);
    repo.commit_file(
        "config/app.env",
        format!("MODE=prod\nTOKEN={pat}\nLEVEL=1\n"),
        "Config",
    );
    repo.mv("config/app.env", "config/production.env");
    assert_eq!(
        repo.git(&["diff", "--cached", "--name-status", "-M"]),
        "R100\tconfig/app.env\tconfig/production.env"
    );

    // A pure rename adds no line: `git diff --cached` shows none.
    let (run, found) = staged(&repo, &[]);
    assert_eq!(found, vec![], "{run:#?}");
    run.expect_code(0);
}

#[test]
fn outside_a_repository_is_exit_2_and_one_error_line() {
    let t = TestDir::new();
    t.write("plain/a.env", format!("T={}\n", github_pat(3017)));
    let run = t.run(&["staged", "plain"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(
        lines[0].starts_with("leakhound: error: ") && lines[0].contains("not a git repository"),
        "{run:#?}"
    );
}

#[test]
fn crlf_files_have_the_right_line_and_column() {
    let repo = TestRepo::with_readme();
    repo.write(
        "win/app.env",
        format!("MODE=prod\r\nREM config\r\nTOKEN={}\r\n", github_pat(3018)),
    );
    repo.stage(&["win/app.env"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    assert_eq!(locations(&found), vec![loc("win/app.env", 3, "github-pat")]);
    assert_eq!(
        (found[0].column, found[0].end_line, found[0].end_column),
        (7, 3, 47)
    );
}

#[test]
fn a_secret_completed_by_a_staged_line_is_reported_though_its_keyword_is_lines_above() {
    let repo = TestRepo::with_readme();
    let body: Vec<String> = (0..24).map(|i| base62_noise(4100 + i, 64)).collect();
    let head = format!("-----BEGIN PRIVATE KEY-----\n{}\n", body.join("\n"));
    // Committed without its last line: not yet a key.
    repo.commit_file("deploy/key.pem.txt", &head, "Half a key");
    repo.write(
        "deploy/key.pem.txt",
        format!("{head}-----END PRIVATE KEY-----\n"),
    );
    repo.stage(&["deploy/key.pem.txt"]);
    let (run, found) = staged(&repo, &[]);
    run.expect_code(1);
    let ids: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.iter().any(|id| id.contains("private-key")), "{ids:?}");
    assert_eq!((found[0].line, found[0].end_line), (1, 26));
}
