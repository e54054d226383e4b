//! `leakhound git`: the whole history, every ref, each secret reported once
//! at the commit that introduced it.

use crate::support::{
    git_locations, github_pat, gloc, JsonFinding, Run, TestDir, TestRepo, AUTHOR_EMAIL,
    AUTHOR_NAME, COMMITTER_NAME,
};

/// `leakhound git . EXTRA... --format json` in the repository.
fn scan(repo: &TestRepo, extra: &[&str]) -> (Run, Vec<JsonFinding>) {
    repo.json(&[&["git", "."], extra].concat())
}

#[test]
fn a_secret_added_then_removed_is_found_at_the_commit_that_added_it() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1000);
    let add = repo.commit_file(
        "config/app.env",
        format!("DEBUG=0\nGITHUB_TOKEN={pat}\n"),
        "Add app config\n\nWith the CI token, for now.",
    );
    repo.commit_file(
        "config/app.env",
        "DEBUG=0\nGITHUB_TOKEN=${GITHUB_TOKEN}\n",
        "Read the token from the environment",
    );
    assert!(!repo.read("config/app.env").contains(&pat));

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("config/app.env", 2, "github-pat", &add)]
    );
    let f = &found[0];
    assert_eq!((f.column, f.end_line, f.end_column), (14, 2, 54));
    assert_eq!(f.author.as_deref(), Some(AUTHOR_NAME));
    assert_ne!(f.author.as_deref(), Some(COMMITTER_NAME));
    assert_eq!(f.email.as_deref(), Some(AUTHOR_EMAIL));
    assert_eq!(f.message.as_deref(), Some("Add app config"));
    assert_eq!(f.date, Some(repo.author_date(&add)));
    assert!(!f.secret.contains(&pat), "redacted by default: {f:#?}");
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_only_on_a_side_branch_that_was_never_merged_is_found() {
    let repo = TestRepo::with_readme();
    repo.checkout_new("experiment");
    let side = repo.commit_file(
        "scripts/deploy.sh",
        format!(
            "#!/bin/sh\nexport GH_TOKEN={}\n./deploy\n",
            github_pat(1001)
        ),
        "Try a deploy script",
    );
    repo.checkout("main");
    repo.commit_file("README.md", "# service\n\nStill nothing.\n", "Docs");
    assert!(!repo.join("scripts/deploy.sh").exists());

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("scripts/deploy.sh", 2, "github-pat", &side)]
    );
    assert_eq!(found[0].message.as_deref(), Some("Try a deploy script"));
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_in_a_file_deleted_later_is_found() {
    let repo = TestRepo::with_readme();
    let add = repo.commit_file(
        "notes/todo.txt",
        format!("- rotate {}\n- write docs\n", github_pat(1002)),
        "Notes",
    );
    repo.rm("notes/todo.txt");
    repo.commit("Remove notes");
    repo.commit_file("README.md", "# service\n\nv2\n", "Docs");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("notes/todo.txt", 1, "github-pat", &add)]
    );
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_from_a_branch_merged_then_deleted_is_found_at_the_branch_commit() {
    let repo = TestRepo::with_readme();
    repo.checkout_new("feature/ci");
    let introduced = repo.commit_file(
        ".github/workflows/ci.yml",
        format!(
            "on: push\njobs:\n  build:\n    env:\n      TOKEN: {}\n",
            github_pat(1003)
        ),
        "Add CI",
    );
    repo.commit_file("ci.md", "CI docs\n", "Document CI");
    repo.checkout("main");
    repo.commit_file("src/main.rs", "fn main() {}\n", "Code");
    let merge = repo.merge("feature/ci", "Merge branch 'feature/ci'");
    repo.delete_branch("feature/ci");
    assert_eq!(repo.git(&["branch", "--list", "feature/ci"]), "");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc(
            ".github/workflows/ci.yml",
            5,
            "github-pat",
            &introduced
        )],
        "attributed to the branch commit, not to the merge {merge}"
    );
    assert_eq!(found[0].message.as_deref(), Some("Add CI"));
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_kept_across_thirty_edits_is_one_finding_at_its_introduction() {
    let repo = TestRepo::with_readme();
    repo.commit_file("settings.py", "DEBUG = False\n", "Settings");
    let pat = github_pat(1004);
    let introduced = repo.commit_file(
        "settings.py",
        format!("DEBUG = False\nGITHUB_TOKEN = \"{pat}\"\n"),
        "Add the token",
    );
    let mut text = repo.read("settings.py");
    for i in 0..30 {
        // Lines go below and above the secret, so its line number moves.
        if i % 3 == 0 {
            text = format!("# revision {i}\n{text}");
        } else {
            text.push_str(&format!("OPTION_{i} = {i}\n"));
        }
        repo.commit_file("settings.py", &text, &format!("Tune settings ({i})"));
    }
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "33");
    assert!(repo.read("settings.py").contains(&pat));

    for extra in [&[][..], &["--all-occurrences"][..]] {
        let (run, found) = scan(&repo, extra);
        run.expect_code(1);
        assert_eq!(
            git_locations(&found),
            vec![gloc("settings.py", 2, "github-pat", &introduced)],
            "with {extra:?}"
        );
        assert_eq!(found[0].message.as_deref(), Some("Add the token"));
        repo.assert_provenance(&found);
    }
}

#[test]
fn a_secret_re_added_after_removal_is_one_finding_or_two_with_all_occurrences() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1005);
    let first = repo.commit_file(
        "app.env",
        format!("MODE=prod\nTOKEN={pat}\n"),
        "Add the token",
    );
    repo.commit_file("app.env", "MODE=prod\n", "Remove the token");
    let again = repo.commit_file(
        "app.env",
        format!("MODE=prod\nLEVEL=3\nTOKEN={pat}\n"),
        "Add the token again",
    );

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("app.env", 2, "github-pat", &first)]
    );

    let (run, found) = scan(&repo, &["--all-occurrences"]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("app.env", 2, "github-pat", &first),
            gloc("app.env", 3, "github-pat", &again),
        ]
    );
    assert_eq!(found[0].fingerprint, found[1].fingerprint);
    assert_eq!(
        [found[0].message.as_deref(), found[1].message.as_deref()],
        [Some("Add the token"), Some("Add the token again")]
    );
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_added_on_two_branches_is_two_occurrences() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1006);
    repo.branch("other");
    let on_main = repo.commit_file("token.txt", format!("{pat}\n"), "Token on main");
    repo.checkout("other");
    let on_other = repo.commit_file("token.txt", format!("{pat}\n"), "Token on other");
    repo.checkout("main");
    assert_ne!(on_main, on_other);

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        [&on_main, &on_other].contains(&found[0].commit.as_ref().unwrap()),
        "{found:#?}"
    );

    let (run, found) = scan(&repo, &["--all-occurrences"]);
    run.expect_code(1);
    let mut commits: Vec<&str> = found.iter().filter_map(|f| f.commit.as_deref()).collect();
    commits.sort_unstable();
    let mut want = [on_main.as_str(), on_other.as_str()];
    want.sort_unstable();
    assert_eq!(commits, want);
    repo.assert_provenance(&found);
}

#[test]
fn the_same_secret_in_two_files_is_reported_at_both_paths() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1007);
    let c = repo.commit_file("a/one.env", format!("T={pat}\n"), "One");
    repo.write("b/two.env", format!("# copy\nT={pat}\n"));
    repo.stage(&["b/two.env"]);
    let d = repo.commit("Two");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("a/one.env", 1, "github-pat", &c),
            gloc("b/two.env", 2, "github-pat", &d),
        ]
    );
    repo.assert_provenance(&found);
}

#[test]
fn branch_limits_the_scan_to_that_ref() {
    let repo = TestRepo::with_readme();
    repo.branch("side");
    let on_main = repo.commit_file("main.env", format!("T={}\n", github_pat(1008)), "Main");
    repo.checkout("side");
    let on_side = repo.commit_file("side.env", format!("T={}\n", github_pat(1009)), "Side");
    repo.checkout("main");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("main.env", 1, "github-pat", &on_main),
            gloc("side.env", 1, "github-pat", &on_side),
        ]
    );

    let (run, found) = scan(&repo, &["--branch", "main"]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("main.env", 1, "github-pat", &on_main)]
    );
    repo.assert_provenance(&found);

    for rev in ["side", "refs/heads/side", on_side.as_str()] {
        let (run, found) = scan(&repo, &["--branch", rev]);
        run.expect_code(1);
        assert_eq!(
            git_locations(&found),
            vec![gloc("side.env", 1, "github-pat", &on_side)],
            "--branch {rev}"
        );
    }

    let run = repo.run(&["git", ".", "--branch", "no-such-branch", "--format", "json"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr_lines().len(), 1, "{run:#?}");
    assert!(run.stderr.contains("no-such-branch"), "{run:#?}");
}

#[test]
fn a_commit_reachable_only_from_a_tag_is_scanned() {
    let repo = TestRepo::with_readme();
    repo.detach("main");
    let tagged = repo.commit_file(
        "release/creds.txt",
        format!("release token: {}\n", github_pat(1010)),
        "Release build",
    );
    repo.tag("v1.0.0", &tagged);
    repo.checkout("main");
    repo.commit_file("README.md", "# service\n\nv2\n", "Docs");
    assert_eq!(repo.git(&["branch", "--contains", &tagged]), "");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("release/creds.txt", 1, "github-pat", &tagged)]
    );
    assert_eq!(found[0].message.as_deref(), Some("Release build"));
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_only_in_a_stash_is_found() {
    let repo = TestRepo::with_readme();
    repo.commit_file("app.env", "MODE=dev\n", "App config");
    repo.write("app.env", format!("MODE=dev\nTOKEN={}\n", github_pat(1011)));
    let stash = repo.stash("wip token");
    assert_eq!(repo.read("app.env"), "MODE=dev\n");

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("app.env", 2, "github-pat", &stash)]
    );
    assert_eq!(found[0].message.as_deref(), Some("On main: wip token"));
    repo.assert_provenance(&found);
}

#[test]
fn a_secret_only_in_a_merge_conflict_resolution_is_found() {
    let (repo, _) = TestRepo::with_conflicting_merge();
    let pat = github_pat(1012);
    repo.write(
        "settings.ini",
        format!("[auth]\nmode = token\ntoken = {pat}\n"),
    );
    repo.stage(&["settings.ini"]);
    let merge = repo.commit("Merge branch 'topic'");
    // Neither parent has it: only the merge's own tree does.
    for parent in ["HEAD^1", "HEAD^2"] {
        assert!(!repo
            .git(&["show", &format!("{parent}:settings.ini")])
            .contains(&pat));
    }

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("settings.ini", 3, "github-pat", &merge)]
    );
    assert_eq!(found[0].message.as_deref(), Some("Merge branch 'topic'"));
    repo.assert_provenance(&found);
}

/// A history with edits (delta-compressed once packed), a side branch and a
/// deleted file, each holding a secret.
fn varied_history() -> TestRepo {
    let repo = TestRepo::with_readme();
    let mut config = String::from("[server]\nport = 8080\n");
    for i in 0..8 {
        config.push_str(&format!("worker_{i} = {}\n", i * 7));
        if i == 3 {
            config.push_str(&format!("token = {}\n", github_pat(1013)));
        }
        repo.commit_file("server.toml", &config, &format!("Server config {i}"));
    }
    repo.commit_file("old.txt", format!("x {}\n", github_pat(1014)), "Old");
    repo.rm("old.txt");
    repo.commit("Drop old");
    repo.checkout_new("side");
    repo.commit_file("side.txt", format!("y {}\n", github_pat(1015)), "Side");
    repo.checkout("main");
    repo
}

#[test]
fn a_bare_clone_and_a_packed_repository_give_the_same_findings() {
    let repo = varied_history();
    assert!(repo.loose_objects() > 0);
    let (run, loose) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        loose
            .iter()
            .map(|f| (f.path.as_str(), f.line))
            .collect::<Vec<_>>(),
        vec![("old.txt", 1), ("server.toml", 7), ("side.txt", 1)]
    );
    repo.assert_provenance(&loose);

    let bare = repo.bare_clone();
    let (run, found) = scan(&bare, &[]);
    run.expect_code(1);
    assert_eq!(found, loose, "bare clone");
    // The bare repository named from elsewhere.
    let run = repo.run(&[
        "git",
        &bare.path().display().to_string(),
        "--format",
        "json",
    ]);
    run.expect_code(1);
    assert_eq!(run.findings(), loose, "bare clone by path");

    bare.gc();
    let (run, found) = scan(&bare, &[]);
    run.expect_code(1);
    assert_eq!(found, loose, "packed bare clone");

    repo.gc();
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found, loose, "packed repository");
    let (run, found) = scan(&repo, &["--all-occurrences"]);
    run.expect_code(1);
    assert_eq!(found, loose, "packed repository, --all-occurrences");
}

#[test]
fn new_loose_commits_on_top_of_a_pack_are_scanned_too() {
    let repo = varied_history();
    repo.gc();
    let late = repo.commit_file("late.env", format!("T={}\n", github_pat(1016)), "Late");
    assert!(repo.loose_objects() > 0);
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found
        .iter()
        .any(|f| f.path == "late.env" && f.commit.as_deref() == Some(late.as_str())));
}

#[test]
fn a_linked_worktree_gives_the_same_findings() {
    let repo = varied_history();
    repo.gc();
    let (run, want) = scan(&repo, &[]);
    run.expect_code(1);
    let elsewhere = TestDir::new();
    let wt = elsewhere.join("wt").display().to_string();
    repo.git(&["worktree", "add", "-q", "-b", "wt", &wt, "main"]);
    let run = repo.run(&["git", &wt, "--format", "json"]);
    run.expect_code(1);
    assert_eq!(run.findings(), want);
}

#[test]
fn a_shallow_clone_is_scanned_and_said_to_be_shallow() {
    let repo = TestRepo::with_readme();
    repo.commit_file("old.env", format!("T={}\n", github_pat(1017)), "Old secret");
    repo.rm("old.env");
    repo.commit("Remove the old secret");
    repo.commit_file(
        "keep.env",
        format!("K={}\n", github_pat(1018)),
        "Kept secret",
    );
    let boundary = repo.commit_file("README.md", "# service\n\nv2\n", "Docs");
    let newest = repo.commit_file("new.env", format!("N={}\n", github_pat(1019)), "New secret");

    let clone = repo.shallow_clone(2);
    assert_eq!(clone.git(&["rev-list", "--count", "HEAD"]), "2");
    let (run, found) = scan(&clone, &[]);
    run.expect_code(1);
    // What is older than the boundary is not there: the old secret is gone,
    // and the kept one is attributed to the oldest commit present.
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("keep.env", 1, "github-pat", &boundary),
            gloc("new.env", 1, "github-pat", &newest),
        ]
    );
    clone.assert_provenance(&found);
    assert!(
        run.stderr.to_lowercase().contains("shallow"),
        "stderr says the history is shallow: {run:#?}"
    );

    // The full repository says nothing about shallowness.
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(!run.stderr.contains("shallow"), "{run:#?}");
}

#[test]
fn a_submodule_entry_is_skipped_and_noted() {
    let repo = TestRepo::with_readme();
    repo.write(
        ".gitmodules",
        "[submodule \"vendor/lib\"]\n\tpath = vendor/lib\n\turl = https://git.invalid/lib.git\n",
    );
    repo.write("app.env", format!("T={}\n", github_pat(1020)));
    repo.stage(&[".gitmodules", "app.env"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        "160000,1111111111111111111111111111111111111111,vendor/lib",
    ]);
    let c = repo.commit("Add a submodule");
    assert_eq!(
        repo.git(&["ls-tree", "HEAD", "vendor/lib"]),
        "160000 commit 1111111111111111111111111111111111111111\tvendor/lib"
    );

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("app.env", 1, "github-pat", &c)]
    );
    assert!(run.stderr.contains("submodule"), "{run:#?}");
    assert!(!run.stderr.contains("missing"), "{run:#?}");

    let (run, _) = scan(&repo, &["--verbose"]);
    run.expect_code(1);
    assert!(
        run.stderr_lines()
            .iter()
            .any(|l| l.contains("vendor/lib") && l.contains("submodule")),
        "-v names the submodule: {run:#?}"
    );
}

#[test]
fn an_lfs_pointer_is_not_reported() {
    let repo = TestRepo::with_readme();
    let pointer = "version https://git-lfs.github.com/spec/v1\n\
                   oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n\
                   size 1234567\n";
    repo.write("assets/model.bin", pointer);
    repo.write("app.env", format!("T={}\n", github_pat(1021)));
    repo.stage(&["assets/model.bin", "app.env"]);
    let c = repo.commit("Assets");
    let pointer_blob = repo.blob_id("HEAD", "assets/model.bin");

    let (run, found) = scan(&repo, &["--verbose"]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("app.env", 1, "github-pat", &c)]
    );
    assert!(
        run.stderr_lines()
            .iter()
            .any(|l| l.contains(&pointer_blob) && l.contains("LFS")),
        "-v names the pointer: {run:#?}"
    );
}

#[test]
fn a_binary_blob_is_skipped() {
    let repo = TestRepo::with_readme();
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend_from_slice(format!("token={}\n", github_pat(1022)).as_bytes());
    repo.write("bin/tool", &bytes);
    repo.stage(&["bin/tool"]);
    repo.commit("Binary");
    let blob = repo.blob_id("HEAD", "bin/tool");

    let (run, found) = scan(&repo, &["--verbose"]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
    assert!(
        run.stderr_lines()
            .iter()
            .any(|l| l.contains(&blob) && l.contains("binary")),
        "-v names the binary blob: {run:#?}"
    );
}

#[test]
fn a_missing_blob_is_named_and_the_rest_is_scanned() {
    let repo = TestRepo::with_readme();
    let kept = repo.commit_file("a.env", format!("A={}\n", github_pat(1023)), "A");
    repo.write("b.env", format!("B={}\n", github_pat(1024)));
    repo.write("c.env", format!("C={}\n", github_pat(1025)));
    repo.stage(&["b.env", "c.env"]);
    let later = repo.commit("B and C");
    let lost = repo.blob_id("HEAD", "b.env");
    repo.delete_object(&lost);

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("a.env", 1, "github-pat", &kept),
            gloc("c.env", 1, "github-pat", &later),
        ]
    );
    let named: Vec<&str> = run
        .stderr_lines()
        .into_iter()
        .filter(|l| l.contains(&lost))
        .collect();
    assert_eq!(named.len(), 1, "one line names the missing blob: {run:#?}");
    assert!(named[0].contains("missing"), "{run:#?}");
    assert!(named[0].contains("b.env"), "{run:#?}");

    // With the only secret lost, nothing is found and the loss is still told.
    let repo = TestRepo::with_readme();
    repo.commit_file("b.env", format!("B={}\n", github_pat(1026)), "B");
    let lost = repo.blob_id("HEAD", "b.env");
    repo.delete_object(&lost);
    let (run, found) = scan(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
    assert!(run.stderr.contains(&lost), "{run:#?}");
}

#[test]
fn a_corrupt_blob_is_named_and_the_rest_is_scanned() {
    let repo = TestRepo::with_readme();
    let kept = repo.commit_file("a.env", format!("A={}\n", github_pat(1027)), "A");
    let bad = repo.commit_file("b.env", format!("B={}\n", github_pat(1028)), "B");
    let blob = repo.blob_id(&bad, "b.env");
    repo.corrupt_object(&blob);

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("a.env", 1, "github-pat", &kept)]
    );
    assert!(
        run.stderr_lines()
            .iter()
            .any(|l| l.contains(&blob) && l.contains("corrupt")),
        "stderr names the corrupt blob: {run:#?}"
    );
}

#[test]
fn a_path_that_is_not_a_repository_is_exit_2_and_one_error_line() {
    let t = TestDir::new();
    t.write("plain/file.txt", format!("T={}\n", github_pat(1029)));
    for path in ["plain", "no/such/dir"] {
        for format in ["json", "text"] {
            let run = t.run(&["git", path, "--format", format]);
            run.expect_code(2);
            assert_eq!(run.stdout, "", "{run:#?}");
            let lines = run.stderr_lines();
            assert_eq!(lines.len(), 1, "one error line: {run:#?}");
            assert!(
                lines[0].starts_with("leakhound: error: ") && lines[0].contains(path),
                "{run:#?}"
            );
        }
    }
    let run = t.run(&["git", "plain"]);
    assert!(run.stderr.contains("not a git repository"), "{run:#?}");
}

#[test]
fn a_repository_with_no_commits_is_clean() {
    let repo = TestRepo::new();
    let (run, found) = scan(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
    let run = repo.run(&["git"]);
    run.expect_code(0);
    assert!(run.stdout.contains("no leaks found"), "{run:#?}");

    // A staged secret is in the object database but in no commit yet.
    repo.write("app.env", format!("T={}\n", github_pat(1030)));
    repo.stage(&["app.env"]);
    let (run, found) = scan(&repo, &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
}

#[test]
fn the_text_report_shows_the_short_commit_date_and_author() {
    let repo = TestRepo::with_readme();
    let c = repo.commit_file("app.env", format!("X=1\nT={}\n", github_pat(1031)), "Add");
    let run = repo.run(&["git"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .starts_with("app.env:2:3: github-pat [critical, high confidence]\n"),
        "{run:#?}"
    );
    let want = format!(
        "  commit: {} {} {AUTHOR_NAME} <{AUTHOR_EMAIL}>\n",
        &c[..8],
        repo.author_date(&c)
    );
    assert!(run.stdout.contains(&want), "{want:?} in {run:#?}");
    assert!(run.stdout.contains("1 leak found"), "{run:#?}");
}

#[test]
fn test_repositories_have_the_same_ids_on_every_run() {
    let build = || {
        let repo = TestRepo::new();
        let a = repo.commit_file("a.txt", "a\n", "A");
        let b = repo.commit_file("b.txt", "b\n", "B");
        (repo, a, b)
    };
    let (r1, a1, b1) = build();
    let (_r2, a2, b2) = build();
    assert_eq!((&a1, &b1), (&a2, &b2));
    // Dates step one hour per commit.
    assert_eq!(r1.author_date(&a1), "2023-11-15T01:13:20+02:00");
    assert_eq!(r1.author_date(&b1), "2023-11-15T02:13:20+02:00");
}

#[test]
fn two_secrets_of_one_file_are_attributed_to_their_own_commits() {
    let repo = TestRepo::with_readme();
    let first = repo.commit_file("app.env", format!("A={}\n", github_pat(1032)), "First");
    let second = repo.commit_file(
        "app.env",
        format!("A={}\nB={}\n", github_pat(1032), github_pat(1033)),
        "Second",
    );
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("app.env", 1, "github-pat", &first),
            gloc("app.env", 2, "github-pat", &second),
        ]
    );
    repo.assert_provenance(&found);
}

#[test]
fn identical_directories_are_reported_at_each_path() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1034);
    // Two directories with the same content share one tree object.
    repo.write("eu/deploy/app.env", format!("X=1\nT={pat}\n"));
    repo.write("us/deploy/app.env", format!("X=1\nT={pat}\n"));
    repo.stage(&["eu", "us"]);
    let c = repo.commit("Two regions");
    assert_eq!(repo.rev_parse("HEAD:eu"), repo.rev_parse("HEAD:us"));

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("eu/deploy/app.env", 2, "github-pat", &c),
            gloc("us/deploy/app.env", 2, "github-pat", &c),
        ]
    );
}

#[test]
fn a_commit_only_on_a_detached_head_is_scanned() {
    let repo = TestRepo::with_readme();
    repo.detach("main");
    let c = repo.commit_file("wip.env", format!("T={}\n", github_pat(1035)), "WIP");
    // No branch or tag holds it: only HEAD.
    assert_eq!(repo.git(&["for-each-ref", "--contains", &c]), "");
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("wip.env", 1, "github-pat", &c)]
    );
}

#[test]
fn skipped_objects_are_named_by_their_path_in_the_tree() {
    let repo = TestRepo::with_readme();
    repo.write("app.env", format!("A={}\n", github_pat(1036)));
    repo.write("config/secrets/b.env", format!("B={}\n", github_pat(1037)));
    repo.stage(&["app.env", "config/secrets/b.env"]);
    repo.commit("Config");
    let lost = repo.blob_id("HEAD", "config/secrets/b.env");
    repo.delete_object(&lost);

    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found.len(), 1, "{found:#?}");
    let named: Vec<&str> = run
        .stderr_lines()
        .into_iter()
        .filter(|l| l.contains(&lost))
        .collect();
    assert_eq!(named.len(), 1, "{run:#?}");
    assert!(
        named[0].contains("config/secrets/b.env"),
        "the missing blob is named with its full path: {run:#?}"
    );
}

#[test]
fn sarif_of_a_history_scan_is_valid_and_carries_the_commit() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(1038);
    let c = repo.commit_file("app.env", format!("X=1\nT={pat}\n"), "Add the token");
    let run = repo.run(&["git", "--format", "sarif"]);
    run.expect_code(1);
    assert!(!run.stdout.contains(&pat), "redacted: {run:#?}");
    let log = run.sarif();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "github-pat");
    let props = &r["properties"];
    assert_eq!(props["commit"], c.as_str());
    assert_eq!(props["author"], AUTHOR_NAME);
    assert_eq!(props["email"], AUTHOR_EMAIL);
    assert_eq!(props["date"], repo.author_date(&c).as_str());
    assert_eq!(props["commitMessage"], "Add the token");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "app.env");
    assert_eq!(loc["region"]["startLine"], 2);
    // The issue asks for versionControlProvenance too.
    let vcp = &log["runs"][0]["versionControlProvenance"];
    assert!(
        vcp.as_array().is_some_and(|a| !a.is_empty()),
        "runs[0].versionControlProvenance is set for a git scan: {}",
        serde_json::to_string_pretty(&log["runs"][0]).unwrap()
    );
}

#[test]
fn sarif_with_a_missing_object_is_valid_and_notes_it() {
    let repo = TestRepo::with_readme();
    repo.write("a.env", format!("A={}\n", github_pat(1039)));
    repo.write("b.env", format!("B={}\n", github_pat(1040)));
    repo.stage(&["a.env", "b.env"]);
    repo.commit("A and B");
    let lost = repo.blob_id("HEAD", "b.env");
    repo.delete_object(&lost);
    let run = repo.run(&["git", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["message"]["text"].as_str().unwrap().contains(&lost)),
        "{notes:#?}"
    );
}

#[test]
fn jsonl_of_a_history_scan_has_one_finding_per_line_with_its_commit() {
    let repo = TestRepo::with_readme();
    let a = repo.commit_file("a.env", format!("A={}\n", github_pat(1041)), "A");
    let b = repo.commit_file("b.env", format!("B={}\n", github_pat(1042)), "B");
    let run = repo.run(&["git", "--format", "jsonl"]);
    run.expect_code(1);
    let found: Vec<JsonFinding> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("a.env", 1, "github-pat", &a),
            gloc("b.env", 1, "github-pat", &b),
        ]
    );
    repo.assert_provenance(&found);
}
