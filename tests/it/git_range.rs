//! `leakhound git --range BASE..HEAD` and `--since-commit`: only what the
//! commits of a range add (what CI runs on a pull request).

use crate::support::{base62_noise, git_locations, github_pat, gloc, JsonFinding, Run, TestRepo};

/// `leakhound git . EXTRA... --format json` in the repository.
fn scan(repo: &TestRepo, extra: &[&str]) -> (Run, Vec<JsonFinding>) {
    repo.json(&[&["git", "."], extra].concat())
}

/// `leakhound git --range SPEC` in the repository.
fn range(repo: &TestRepo, spec: &str, extra: &[&str]) -> (Run, Vec<JsonFinding>) {
    let mut args = vec!["--range", spec];
    args.extend_from_slice(extra);
    scan(repo, &args)
}

/// A fake PKCS#1 RSA private key in PEM: 20 full lines of random-looking
/// base64, each line prefixed with `indent`. Built at run time so this
/// source holds no key.
fn rsa_private_key(seed: u64, indent: &str) -> String {
    let label = ["RSA", "PRIVATE", "KEY"].join(" ");
    let mut pem = format!("{indent}-----BEGIN {label}-----\n");
    pem.push_str(&format!(
        "{indent}MIIEowIBAAKCAQEA{}\n",
        base62_noise(seed, 48)
    ));
    for i in 0..20 {
        pem.push_str(&format!("{indent}{}\n", base62_noise(seed * 100 + i, 64)));
    }
    pem.push_str(&format!(
        "{indent}{}==\n",
        base62_noise(seed * 100 + 99, 38)
    ));
    pem.push_str(&format!("{indent}-----END {label}-----\n"));
    pem
}

/// The 1-based line of `text` that contains `needle` (the first).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} in {text:?}"))
        + 1
}

#[test]
fn a_range_reports_what_its_commits_add_and_not_what_came_before() {
    let repo = TestRepo::with_readme();
    let (old, legacy, new) = (github_pat(2000), github_pat(2001), github_pat(2002));
    repo.commit_file(
        "config.env",
        format!("MODE=prod\nOLD_TOKEN={old}\nLEVEL=1\n"),
        "Config",
    );
    let base = repo.commit_file("legacy.env", format!("T={legacy}\n"), "Legacy");
    // The range edits the file around the old secret, whose line stays as it was.
    let adds = repo.commit_file(
        "config.env",
        format!("# production\nMODE=prod\nOLD_TOKEN={old}\nLEVEL=2\nNEW_TOKEN={new}\n"),
        "Tune config\n\nAnd add the new token.",
    );
    repo.commit_file("README.md", "# service\n\nv2\n", "Docs");
    assert!(repo.read("config.env").contains(&old));

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("config.env", 5, "github-pat", &adds)]
    );
    let f = &found[0];
    assert_eq!((f.column, f.end_line, f.end_column), (11, 5, 51));
    assert_eq!(f.message.as_deref(), Some("Tune config"));
    repo.assert_provenance(&found);

    // The whole history has all three.
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(found.len(), 3, "{found:#?}");

    // A range before the new token has only what it added.
    let (run, found) = range(&repo, &format!("{base}~1..{base}"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("legacy.env", 1, "github-pat", &base)]
    );
}

#[test]
fn a_range_that_adds_no_secret_is_clean() {
    let repo = TestRepo::with_readme();
    let base = repo.commit_file("a.env", format!("T={}\n", github_pat(2003)), "A");
    repo.commit_file("a.env", format!("T={}\nX=1\n", github_pat(2003)), "Edit");
    repo.commit_file("b.txt", "hello\n", "B");

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);

    let (run, found) = range(&repo, "HEAD..HEAD", &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
}

#[test]
fn a_multi_line_private_key_added_in_the_range_is_found() {
    let rules = crate::support::leakhound()
        .args(["rules", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&rules.stdout).contains("private-key-rsa"));

    let repo = TestRepo::with_readme();
    let base = repo.commit_file(
        "deploy/values.yaml",
        "replicas: 2\nimage: app:1.0\n",
        "Deploy values",
    );
    let key = rsa_private_key(1, "    ");
    let values = format!("replicas: 2\ntls:\n  enabled: true\n  key: |\n{key}image: app:1.1\n");
    let adds = repo.commit_file("deploy/values.yaml", &values, "Enable TLS");
    let values = values.replace("replicas: 2", "replicas: 3");
    repo.commit_file("deploy/values.yaml", &values, "Scale up");

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    let begin = line_of(&values, "-----BEGIN");
    let end = line_of(&values, "-----END");
    assert_eq!((begin, end), (5, 28));
    assert_eq!(
        git_locations(&found),
        vec![gloc("deploy/values.yaml", begin, "private-key-rsa", &adds)]
    );
    assert_eq!(found[0].end_line, end);
    repo.assert_provenance(&found);

    // Only the commit that adds the key, too.
    let (run, found) = range(&repo, &format!("{base}..{adds}"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("deploy/values.yaml", begin, "private-key-rsa", &adds)]
    );
}

#[test]
fn a_private_key_from_before_the_range_is_not_reported_when_lines_around_it_change() {
    let repo = TestRepo::with_readme();
    let key = rsa_private_key(2, "");
    let base = repo.commit_file("certs/server.pem", format!("# staging\n{key}"), "Key");
    // Lines just before and just after the key change; the key does not.
    repo.commit_file(
        "certs/server.pem",
        format!("# production\n{key}# rotated yearly\n"),
        "Comments",
    );

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(0);
    assert_eq!(found, vec![]);

    // The whole history has it, at the commit that added it.
    let (run, found) = scan(&repo, &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("certs/server.pem", 2, "private-key-rsa", &base)]
    );
}

#[test]
fn since_commit_is_the_range_from_that_commit_to_head() {
    let repo = TestRepo::with_readme();
    repo.commit_file("a.env", format!("A={}\n", github_pat(2004)), "A");
    let base = repo.commit_file("b.txt", "b\n", "B");
    let c = repo.commit_file("c.env", format!("C={}\n", github_pat(2005)), "C");
    let d = repo.commit_file("d.env", format!("x\nD={}\n", github_pat(2006)), "D");

    let (run, by_range) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&by_range),
        vec![
            gloc("c.env", 1, "github-pat", &c),
            gloc("d.env", 2, "github-pat", &d),
        ]
    );
    repo.assert_provenance(&by_range);

    let (run, since) = scan(&repo, &["--since-commit", &base]);
    run.expect_code(1);
    assert_eq!(since, by_range);

    // An abbreviated id and a relative revision name the same commit.
    let (run, since) = scan(&repo, &["--since-commit", &base[..10]]);
    run.expect_code(1);
    assert_eq!(since, by_range);
    let (run, since) = scan(&repo, &["--since-commit", "HEAD~2"]);
    run.expect_code(1);
    assert_eq!(since, by_range);
}

#[test]
fn a_secret_only_in_a_merge_resolution_in_the_range_is_found() {
    let (repo, base) = TestRepo::with_conflicting_merge();
    repo.write(
        "settings.ini",
        format!("[auth]\nmode = token\ntoken = {}\n", github_pat(2007)),
    );
    repo.stage(&["settings.ini"]);
    let merge = repo.commit("Merge branch 'topic'");

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("settings.ini", 3, "github-pat", &merge)]
    );
    repo.assert_provenance(&found);

    // The merge alone (what a pull request's merge commit adds).
    let (run, found) = range(&repo, &format!("{merge}^1..{merge}"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("settings.ini", 3, "github-pat", &merge)]
    );
}

#[test]
fn a_secret_from_a_merged_branch_is_reported_at_its_commit_not_again_at_the_merge() {
    let repo = TestRepo::with_readme();
    let base = repo.head();
    repo.checkout_new("topic");
    let adds = repo.commit_file(
        "ci/deploy.sh",
        format!("#!/bin/sh\nGH_TOKEN={} ./deploy\n", github_pat(2008)),
        "Deploy script",
    );
    repo.checkout("main");
    let before_merge = repo.commit_file("src/lib.rs", "pub fn f() {}\n", "Code");
    let merge = repo.merge("topic", "Merge branch 'topic'");

    for spec in [format!("{base}..HEAD"), format!("{before_merge}..{merge}")] {
        let (run, found) = range(&repo, &spec, &[]);
        run.expect_code(1);
        assert_eq!(
            git_locations(&found),
            vec![gloc("ci/deploy.sh", 2, "github-pat", &adds)],
            "--range {spec}"
        );
        repo.assert_provenance(&found);
    }

    // The merge commit by itself adds nothing new against both parents.
    let (run, found) = range(&repo, &format!("{adds}..{merge}"), &[]);
    run.expect_code(0);
    assert_eq!(found, vec![], "{run:#?}");
}

#[test]
fn a_secret_added_twice_in_the_range_at_one_path_is_one_finding_or_two_with_all_occurrences() {
    let repo = TestRepo::with_readme();
    let base = repo.head();
    let pat = github_pat(2009);
    let first = repo.commit_file("app.env", format!("MODE=1\nT={pat}\n"), "Add");
    repo.commit_file("app.env", "MODE=1\n", "Remove");
    let again = repo.commit_file("app.env", format!("MODE=1\nLEVEL=2\nT={pat}\n"), "Re-add");

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("app.env", 2, "github-pat", &first)]
    );

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &["--all-occurrences"]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("app.env", 2, "github-pat", &first),
            gloc("app.env", 3, "github-pat", &again),
        ]
    );
    repo.assert_provenance(&found);
}

#[test]
fn a_triple_dot_range_starts_at_the_merge_base() {
    let repo = TestRepo::with_readme();
    let fork = repo.head();
    repo.checkout_new("topic");
    let on_topic = repo.commit_file("topic.env", format!("T={}\n", github_pat(2010)), "Topic");
    repo.checkout("main");
    let on_main = repo.commit_file("main.env", format!("M={}\n", github_pat(2011)), "Main");

    let (run, found) = range(&repo, "main...topic", &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("topic.env", 1, "github-pat", &on_topic)]
    );
    let (run, found) = range(&repo, "topic...main", &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("main.env", 1, "github-pat", &on_main)]
    );
    let (run, by_fork) = range(&repo, &format!("{fork}..main"), &[]);
    run.expect_code(1);
    assert_eq!(by_fork, found);
}

#[test]
fn a_range_in_a_shallow_clone_is_scanned_and_said_to_be_shallow() {
    let repo = TestRepo::with_readme();
    let old = repo.commit_file("old.env", format!("O={}\n", github_pat(2012)), "Old");
    repo.commit_file("b.txt", "b\n", "B");
    let base = repo.commit_file("c.txt", "c\n", "C");
    let adds = repo.commit_file("new.env", format!("N={}\n", github_pat(2013)), "New");

    let clone = repo.shallow_clone(2);
    let (run, found) = range(&clone, &format!("{base}..HEAD"), &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("new.env", 1, "github-pat", &adds)]
    );
    clone.assert_provenance(&found);
    assert!(
        run.stderr.to_lowercase().contains("shallow"),
        "stderr says the history is shallow: {run:#?}"
    );

    // A base the clone does not have is one clear error.
    let (run, _) = range(&clone, &format!("{old}..HEAD"), &[]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].contains(&old), "{run:#?}");
}

#[test]
fn a_bad_range_is_exit_2_and_one_error_line() {
    let repo = TestRepo::with_readme();
    for args in [
        &["--range", "no-such-ref..HEAD"][..],
        &["--since-commit", "no-such-ref"][..],
    ] {
        let (run, _) = scan(&repo, args);
        run.expect_code(2);
        assert_eq!(run.stdout, "");
        let lines = run.stderr_lines();
        assert_eq!(lines.len(), 1, "{run:#?}");
        assert!(
            lines[0].starts_with("leakhound: error: ") && lines[0].contains("no-such-ref"),
            "{run:#?}"
        );
    }
    // --range and --since-commit exclude each other, and --branch both.
    let (run, _) = scan(&repo, &["--range", "HEAD..HEAD", "--since-commit", "HEAD"]);
    run.expect_code(2);
    let (run, _) = scan(&repo, &["--range", "HEAD..HEAD", "--branch", "main"]);
    run.expect_code(2);
}

#[test]
fn a_renamed_file_in_the_range_is_not_reported_again() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(2014);
    let base = repo.commit_file(
        "config/app.env",
        format!("MODE=prod\nTOKEN={pat}\nLEVEL=1\n"),
        "Config",
    );
    repo.mv("config/app.env", "config/production.env");
    let renamed = repo.commit("Rename the config");
    assert_eq!(
        repo.git(&["diff", "--name-status", "-M", &base, &renamed]),
        "R100\tconfig/app.env\tconfig/production.env"
    );

    // A pure rename adds no line.
    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    assert_eq!(found, vec![], "{run:#?}");
    run.expect_code(0);
}

#[test]
fn a_missing_blob_in_the_range_is_named_and_the_rest_is_scanned() {
    let repo = TestRepo::with_readme();
    let base = repo.head();
    repo.write("a.env", format!("A={}\n", github_pat(2015)));
    repo.write("notes.txt", "nothing secret\n");
    repo.stage(&["a.env", "notes.txt"]);
    let adds = repo.commit("A and notes");
    let lost = repo.blob_id("HEAD", "notes.txt");
    repo.delete_object(&lost);

    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    assert!(
        run.stderr.contains(&lost) || run.stderr.contains("notes.txt"),
        "stderr names the missing blob: {run:#?}"
    );
    assert_eq!(
        git_locations(&found),
        vec![gloc("a.env", 1, "github-pat", &adds)],
        "{run:#?}"
    );
    run.expect_code(1);
}

#[test]
fn a_single_revision_is_its_whole_ancestry() {
    let repo = TestRepo::new();
    let pat = github_pat(2016);
    let a = repo.commit_file("a.env", format!("A={pat}\n"), "A");
    repo.commit_file("a.env", "A=\n", "Remove");
    repo.commit_file("a.env", format!("A={pat}\n"), "Re-add");
    let b = repo.commit_file("b.env", format!("x\nB={}\n", github_pat(2017)), "B");

    let (run, found) = range(&repo, "HEAD", &[]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![
            gloc("a.env", 1, "github-pat", &a),
            gloc("b.env", 2, "github-pat", &b),
        ]
    );
    repo.assert_provenance(&found);
}

#[test]
fn appending_to_a_file_without_a_final_newline_does_not_report_its_last_line_again() {
    let repo = TestRepo::with_readme();
    let pat = github_pat(2018);
    // The secret is on the last line, which has no newline.
    let base = repo.commit_file("app.env", format!("MODE=prod\nTOKEN={pat}"), "Config");
    repo.commit_file(
        "app.env",
        format!("MODE=prod\nTOKEN={pat}\nLEVEL=2\n"),
        "Level",
    );
    assert_eq!(
        repo.git(&["diff", "--numstat", &base, "HEAD"]),
        "2\t1\tapp.env",
        "git counts the secret's line as changed (its newline was added)"
    );

    // The secret's text did not change: the range adds only LEVEL=2.
    let (run, found) = range(&repo, &format!("{base}..HEAD"), &[]);
    assert_eq!(found, vec![], "{run:#?}");
    run.expect_code(0);
}
