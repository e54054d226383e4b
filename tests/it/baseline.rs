//! Baselines and ignore files: `baseline create`, `--baseline` (leakhound's
//! and gitleaks' reports), `.leakhoundignore` / `.gitleaksignore` in both
//! fingerprint forms, and leakhound's own files never reported.

use crate::support::{acme_key, github_pat, loc, locations, Run, TestDir, TestRepo, ACME_RULE};

fn json(t: &TestDir, args: &[&str]) -> Run {
    t.run(&[args, &["--format", "json"]].concat())
}

#[test]
fn a_baselined_secret_that_moves_stays_quiet_and_a_new_one_is_reported() {
    let t = TestDir::new();
    let (old, new) = (github_pat(700), github_pat(701));
    t.write("app.env", format!("TOKEN={old}\n"));
    t.run(&["baseline", "create", "-o", "baseline.json"])
        .expect_code(0);
    t.run(&["baseline", "create", "--baseline", "baseline.json"])
        .expect_code(2);
    let baseline = std::fs::read_to_string(t.join("baseline.json")).unwrap();
    assert!(!baseline.contains(&old), "the baseline holds no secret");
    assert!(!baseline.contains("\"line\""), "no line numbers to churn");

    // The old secret moves to another line and another file; a new one
    // arrives on the line the old one held.
    t.write("app.env", format!("TOKEN={new}\n# moved:\nOLD={old}\n"));
    t.write("other.env", format!("COPY={old}\n"));
    let run = json(&t, &["dir", ".", "--baseline", "baseline.json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        [loc("app.env", 1, "github-pat")]
    );
    assert_eq!(
        run.findings()[0].secret,
        json(&t, &["dir", "app.env"]).findings()[0].secret
    );
    assert!(
        run.stderr.contains("2 known finding(s) left out"),
        "{run:#?}"
    );

    // Without the baseline, all three are reported.
    json(&t, &["dir", "."]).expect_code(1);
    assert_eq!(json(&t, &["dir", "."]).findings().len(), 3);
}

#[test]
fn the_same_secret_under_another_rule_is_new() {
    let t = TestDir::new();
    let key = acme_key(710);
    t.write("rule.toml", ACME_RULE);
    t.write("a.txt", format!("{key}\n"));
    t.run(&[
        "baseline",
        "create",
        "a.txt",
        "-c",
        "rule.toml",
        "-o",
        "b.json",
    ])
    .expect_code(0);
    json(
        &t,
        &["dir", "a.txt", "-c", "rule.toml", "--baseline", "b.json"],
    )
    .expect_code(0);
    // Renamed rule, same secret: a different fingerprint.
    t.write(
        "rule.toml",
        ACME_RULE.replace("acme-api-key", "acme-key-v2"),
    );
    let run = json(
        &t,
        &["dir", "a.txt", "-c", "rule.toml", "--baseline", "b.json"],
    );
    run.expect_code(1);
    assert_eq!(locations(&run.findings()), [loc("a.txt", 1, "acme-key-v2")]);
}

#[test]
fn a_full_json_report_is_a_baseline_too() {
    let t = TestDir::new();
    t.write("a.env", format!("T={}\n", github_pat(720)));
    let report = json(&t, &["dir", "a.env", "-o", "report.json"]);
    report.expect_code(1);
    json(&t, &["dir", "a.env", "--baseline", "report.json"]).expect_code(0);
    // JSON Lines works as well.
    t.run(&["dir", "a.env", "--format", "jsonl", "-o", "report.jsonl"])
        .expect_code(1);
    json(&t, &["dir", "a.env", "--baseline", "report.jsonl"]).expect_code(0);
}

#[test]
fn gitleaks_reports_are_baselines_by_secret_or_by_position() {
    let t = TestDir::new();
    let (a, b, c) = (github_pat(730), github_pat(731), github_pat(732));
    t.write("src/a.env", format!("A={a}\nB={b}\n\nC={c}\n"));
    // A gitleaks report: one finding with its secret in clear (any rule id
    // matches, since the two tools name rules differently), one redacted
    // (matched by file, rule and line), in gitleaks' own field names.
    let gitleaks = format!(
        r#"[
 {{"RuleID": "github-pat", "File": "src/a.env", "StartLine": 9, "Secret": "{a}", "Commit": "", "Fingerprint": "src/a.env:github-pat:9"}},
 {{"RuleID": "github-pat", "File": "src/a.env", "StartLine": 2, "Secret": "REDACTED", "Commit": "", "Fingerprint": "src/a.env:github-pat:2"}}
]"#
    );
    t.write("gitleaks-report.json", gitleaks);
    let run = json(&t, &["dir", ".", "--baseline", "gitleaks-report.json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        [loc("src/a.env", 4, "github-pat")]
    );
}

#[test]
fn a_detect_secrets_baseline_matches_by_the_secrets_sha1() {
    use sha1::Digest;
    let t = TestDir::new();
    let (known, new) = (github_pat(735), github_pat(736));
    t.write("a.env", format!("A={known}\nB={new}\n"));
    let hashed: String = sha1::Sha1::digest(known.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    t.write(
        ".secrets.baseline",
        format!(
            r#"{{"version": "1.5.0", "plugins_used": [], "filters_used": [],
  "results": {{"a.env": [{{"type": "GitHub Token", "filename": "a.env", "hashed_secret": "{hashed}", "is_verified": false, "line_number": 1}}]}},
  "generated_at": "2026-11-01T00:00:00Z"}}"#
        ),
    );
    let run = json(&t, &["dir", ".", "--baseline", ".secrets.baseline"]);
    run.expect_code(1);
    assert_eq!(locations(&run.findings()), [loc("a.env", 2, "github-pat")]);
}

#[test]
fn the_baseline_file_itself_is_not_scanned_for_findings() {
    let t = TestDir::new();
    let secret = github_pat(740);
    t.write("a.env", format!("T={secret}\n"));
    // A gitleaks baseline keeps secrets in clear; it must not be reported.
    t.write(
        ".gitleaks-baseline.json",
        format!(r#"[{{"RuleID": "x", "File": "a.env", "StartLine": 1, "Secret": "{secret}"}}]"#),
    );
    let run = json(&t, &["dir", ".", "--baseline", ".gitleaks-baseline.json"]);
    run.expect_code(0);
}

#[test]
fn a_bad_baseline_is_a_one_line_error_with_file_and_line() {
    let t = TestDir::new();
    t.write("a.env", "nothing\n");
    t.write("broken.json", "[\n {\"fingerprint\": \n");
    let run = t.run(&["dir", ".", "--baseline", "broken.json"]);
    run.expect_code(2);
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    assert!(run.stderr.contains("broken.json:3"), "{run:#?}");
    t.write("other.json", "[{\"id\": 1}]");
    let run = t.run(&["dir", ".", "--baseline", "other.json"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("entry 1 is not a leakhound or gitleaks finding"),
        "{run:#?}"
    );
    t.run(&["dir", ".", "--baseline", "missing.json"])
        .expect_code(2);
}

#[test]
fn a_history_baseline_quiets_old_commits_but_not_new_secrets() {
    let repo = TestRepo::with_readme();
    let old = github_pat(750);
    repo.commit_file("cfg.env", format!("T={old}\n"), "add token");
    repo.commit_file("cfg.env", "T=\n", "remove token");
    repo.run(&["baseline", "create", "--git", ".", "-o", "../baseline.json"])
        .expect_code(0);
    let new = github_pat(751);
    repo.commit_file("later.env", format!("T={new}\nOLD={old}\n"), "oops");
    let (run, found) = repo.json(&["git", ".", "--baseline", "../baseline.json"]);
    run.expect_code(1);
    assert_eq!(locations(&found), [loc("later.env", 1, "github-pat")]);
}

// ---- ignore files ----

#[test]
fn leakhoundignore_takes_fingerprints() {
    let t = TestDir::new();
    t.write(
        "a.env",
        format!("A={}\nB={}\n", github_pat(760), github_pat(761)),
    );
    let all = json(&t, &["dir", "."]).findings();
    assert_eq!(all.len(), 2);
    t.write(
        ".leakhoundignore",
        format!("# revoked on 2026-11-01\n\n{}\n", all[1].fingerprint),
    );
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    assert_eq!(locations(&run.findings()), [loc("a.env", 1, "github-pat")]);
}

#[test]
fn gitleaksignore_takes_file_rule_line_and_commit_forms() {
    let repo = TestRepo::with_readme();
    let (a, b) = (github_pat(770), github_pat(771));
    let first = repo.commit_file("a.env", format!("A={a}\n"), "a");
    repo.commit_file("b.env", format!("\nB={b}\n"), "b");
    let (_, found) = repo.json(&["git", "."]);
    assert_eq!(found.len(), 2);
    // The commit-bound form for a.env, the global form for b.env.
    repo.write(
        ".gitleaksignore",
        format!("{first}:a.env:github-pat:1\nb.env:github-pat:2\n"),
    );
    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(0);
    assert_eq!(found, vec![]);
    // The global form applies to a dir scan; the commit-bound one does not.
    let (run, found) = repo.json(&["dir", "."]);
    run.expect_code(1);
    assert_eq!(locations(&found), [loc("a.env", 1, "github-pat")]);
    // A commit-bound entry for another commit does not match.
    repo.write(
        ".gitleaksignore",
        format!("{}:a.env:github-pat:1\n", repo.head()),
    );
    let (run, _) = repo.json(&["git", "."]);
    run.expect_code(1);
}

#[test]
fn an_ignore_file_given_on_the_command_line_adds_to_the_discovered_ones() {
    let t = TestDir::new();
    t.write(
        "a.env",
        format!("A={}\nB={}\n", github_pat(780), github_pat(781)),
    );
    t.write(".gitleaksignore", "a.env:github-pat:1\n");
    t.write("more.ignore", "a.env:github-pat:2\n");
    json(&t, &["dir", "."]).expect_code(1);
    json(&t, &["dir", ".", "--ignore-file", "more.ignore"]).expect_code(0);
}

#[test]
fn a_bad_ignore_line_names_file_and_line() {
    let t = TestDir::new();
    t.write("a.env", "x\n");
    t.write(".leakhoundignore", "# ok\nnot an entry\n");
    let run = t.run(&["dir", "."]);
    run.expect_code(2);
    assert!(run.stderr.contains(".leakhoundignore:2:"), "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
}

#[test]
fn the_config_file_in_use_is_not_reported() {
    let t = TestDir::new();
    // A rule whose example is a real-looking key: the config itself holds it.
    t.write(
        ".leakhound.toml",
        format!("{ACME_RULE}examples = [\"key = {}\"]\n", acme_key(790)),
    );
    t.write("a.txt", "nothing here\n");
    json(&t, &["dir", "."]).expect_code(0);
    // Scanned as a plain file under another config, it is reported.
    t.write("other.toml", ACME_RULE);
    json(&t, &["dir", ".", "-c", "other.toml"]).expect_code(1);
}

/// Issue 12: a baseline is used without `--baseline`, so hooks need no
/// edit: `--baseline`, else `LEAKHOUND_BASELINE`, else the config's
/// `baseline` key, else `.leakhound-baseline.json` at the scan root.
#[test]
fn the_baseline_in_force_is_the_flag_then_the_environment_then_the_config_then_the_root_file() {
    let t = TestDir::new();
    t.write("app.env", format!("TOKEN={}\n", github_pat(760)));
    t.run(&["baseline", "create", "-o", "known.json"])
        .expect_code(0);
    t.write("empty.json", "[]\n");
    let code = |args: &[&str], env: &[(&str, &str)]| {
        let run = t.run_env(&[&["dir", "."], args].concat(), env);
        assert!(run.code == 0 || run.code == 1, "{run:#?}");
        run.code
    };
    assert_eq!(code(&[], &[]), 1, "no baseline yet");
    std::fs::copy(t.join("known.json"), t.join(".leakhound-baseline.json")).unwrap();
    assert_eq!(code(&[], &[]), 0, "the root file is found");
    let run = t.run(&["dir", ".", "-v"]);
    assert!(
        run.stderr
            .contains("using baseline ./.leakhound-baseline.json (found at the scan root)"),
        "{run:#?}"
    );
    t.write(".leakhound.toml", "baseline = \"empty.json\"\n");
    assert_eq!(code(&[], &[]), 1, "the config's key beats the root file");
    let env = [("LEAKHOUND_BASELINE", "known.json")];
    assert_eq!(code(&[], &env), 0, "the environment beats the config");
    assert_eq!(
        code(&["--baseline", "empty.json"], &env),
        1,
        "the flag beats the environment"
    );
    assert_eq!(
        code(&[], &[("LEAKHOUND_BASELINE", "")]),
        1,
        "an empty variable is unset"
    );
}

#[test]
fn a_baseline_named_by_the_environment_or_the_config_must_exist() {
    let t = TestDir::new();
    t.write("app.env", format!("TOKEN={}\n", github_pat(761)));
    let run = t.run_env(&["dir", "."], &[("LEAKHOUND_BASELINE", "gone.json")]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("gone.json: cannot read")
            && run.stderr.contains("(baseline from LEAKHOUND_BASELINE)"),
        "{run:#?}"
    );
    t.write("sub/.leakhound.toml", "baseline = \"missing.json\"\n");
    let run = t.run(&["dir", "sub"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("sub/missing.json: cannot read")
            && run
                .stderr
                .contains("(baseline from the config's baseline key)"),
        "{run:#?}"
    );
}

#[test]
fn baseline_create_does_not_leave_out_what_the_found_baseline_holds() {
    let t = TestDir::new();
    t.write("app.env", format!("TOKEN={}\n", github_pat(762)));
    t.write(".leakhound-baseline.json", "[]\n");
    t.run(&["baseline", "create", "-o", ".leakhound-baseline.json"])
        .expect_code(0);
    // Rewritten from its own findings, it is not emptied by being read.
    let env = [("LEAKHOUND_BASELINE", ".leakhound-baseline.json")];
    t.run_env(
        &["baseline", "create", "-o", ".leakhound-baseline.json"],
        &env,
    )
    .expect_code(0);
    let text = std::fs::read_to_string(t.join(".leakhound-baseline.json")).unwrap();
    assert!(text.contains("\"github-pat\""), "{text}");
    t.run(&["dir", "."]).expect_code(0);
}
