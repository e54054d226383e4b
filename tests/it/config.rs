//! Configuration: `--config`, discovery, `[extend]`, errors, allowlists and
//! inline allow comments.

use crate::support::{
    acme_key, acme_only_config, github_pat, loc, locations, rule_ids, Run, TestDir, ACME_RULE,
};

/// A second user rule: `zeta-` and 24 lowercase hex digits.
const ZETA_RULE: &str = r#"
[[rules]]
id = "zeta-token"
description = "Zeta token"
regex = '''\b(zeta-[0-9a-f]{24})\b'''
keywords = ["zeta-"]
"#;

fn zeta_token(seed: u64) -> String {
    let hex: String = crate::support::base62_noise(seed, 24)
        .bytes()
        .map(|b| char::from_digit(u32::from(b) % 16, 16).unwrap())
        .collect();
    format!("zeta-{hex}")
}

/// A tree holding one secret for each of github-pat, acme-api-key and zeta-token.
fn three_secrets() -> TestDir {
    let t = TestDir::new();
    t.write(
        "data.txt",
        format!(
            "gh={}\nacme={}\nzeta={}\n",
            github_pat(500),
            acme_key(500),
            zeta_token(500)
        ),
    );
    t
}

fn json(t: &TestDir, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    t.run(&all)
}

#[test]
fn a_user_config_extends_the_builtin_rules() {
    let t = three_secrets();
    t.write("custom.toml", ACME_RULE);
    let run = json(&t, &["dir", ".", "--config", "custom.toml"]);
    run.expect_code(1);
    assert_eq!(rule_ids(&run.findings()), ["github-pat", "acme-api-key"]);
}

#[test]
fn use_default_false_replaces_the_builtin_rules() {
    let t = three_secrets();
    t.write("custom.toml", acme_only_config());
    let run = json(&t, &["dir", ".", "-c", "custom.toml"]);
    run.expect_code(1);
    assert_eq!(rule_ids(&run.findings()), ["acme-api-key"]);
}

#[test]
fn extend_path_and_disabled_rules() {
    let t = three_secrets();
    t.write("base.toml", ACME_RULE);
    t.write(
        "child.toml",
        format!("[extend]\npath = \"base.toml\"\ndisabledRules = [\"github-pat\"]\n{ZETA_RULE}"),
    );
    let run = json(&t, &["dir", "data.txt", "-c", "child.toml"]);
    run.expect_code(1);
    assert_eq!(rule_ids(&run.findings()), ["acme-api-key", "zeta-token"]);
}

#[test]
fn a_rule_with_a_builtin_id_extends_that_rule() {
    let t = TestDir::new();
    let pat = github_pat(501);
    t.write("a.txt", format!("{pat}\n"));
    // gitleaks' merge: lists are appended, so this allowlist joins github-pat.
    let cfg = format!(
        "[[rules]]\nid = \"github-pat\"\ntags = [\"ours\"]\n[[rules.allowlists]]\nregexes = ['''^{}$''']\n",
        &pat
    );
    t.write("lh.toml", &cfg);
    let run = json(&t, &["dir", "a.txt", "-c", "lh.toml"]);
    run.expect_code(0);
    t.write(
        "lh.toml",
        "[[rules]]\nid = \"github-pat\"\ntags = [\"ours\"]\n",
    );
    let run = json(&t, &["dir", "a.txt", "-c", "lh.toml"]);
    run.expect_code(1);
    assert!(run.findings()[0].tags.contains(&"ours".to_string()));
}

#[test]
fn discovery_prefers_leakhound_toml_then_gitleaks_toml() {
    let t = three_secrets();
    t.write(
        ".gitleaks.toml",
        format!("[extend]\nuseDefault = false\n{ZETA_RULE}"),
    );
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    assert_eq!(
        rule_ids(&run.findings()),
        ["zeta-token"],
        ".gitleaks.toml alone"
    );

    t.write(".leakhound.toml", acme_only_config());
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    assert_eq!(
        rule_ids(&run.findings()),
        ["acme-api-key"],
        ".leakhound.toml wins"
    );

    // The scan root is the first path, not the current directory.
    let outer = TestDir::new();
    let root = t.path().to_str().unwrap();
    let run = json(&outer, &["dir", root]);
    run.expect_code(1);
    assert_eq!(rule_ids(&run.findings()), ["acme-api-key"]);
    let run = json(&outer, &["dir", "-v", root]);
    assert!(
        run.stderr.contains(".leakhound.toml"),
        "-v names the config: {run:#?}"
    );
}

#[test]
fn leakhound_config_env_comes_before_discovery_and_after_the_flag() {
    let t = three_secrets();
    t.write(".leakhound.toml", acme_only_config());
    let zeta = t.write(
        "env.toml",
        format!("[extend]\nuseDefault = false\n{ZETA_RULE}"),
    );
    let run = Run::from(
        t.cmd()
            .args(["dir", ".", "--format", "json"])
            .env("LEAKHOUND_CONFIG", &zeta)
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    assert_eq!(
        rule_ids(&run.findings()),
        ["zeta-token"],
        "LEAKHOUND_CONFIG beats discovery"
    );

    let run = Run::from(
        t.cmd()
            .args([
                "dir",
                ".",
                "--format",
                "json",
                "--config",
                ".leakhound.toml",
            ])
            .env("LEAKHOUND_CONFIG", &zeta)
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    assert_eq!(
        rule_ids(&run.findings()),
        ["acme-api-key"],
        "--config beats LEAKHOUND_CONFIG"
    );
}

#[test]
fn a_missing_config_file_is_an_error() {
    let t = three_secrets();
    let run = t.run(&["dir", ".", "-c", "nope.toml"]);
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].contains("nope.toml"), "{run:#?}");
}

#[test]
fn an_invalid_regex_names_file_line_and_rule() {
    let t = three_secrets();
    t.write(
        "bad.toml",
        "title = \"x\"\n\n[[rules]]\nid = \"broken-rule\"\nregex = '''key_[a-z{4}('''\nkeywords = [\"key_\"]\n",
    );
    let run = t.run(&["dir", ".", "-c", "bad.toml"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "one line: {run:#?}");
    assert!(
        lines[0].contains("bad.toml:4"),
        "file and line of the rule: {run:#?}"
    );
    assert!(lines[0].contains("broken-rule"), "rule id: {run:#?}");
    assert!(lines[0].contains("regex"), "{run:#?}");
}

#[test]
fn a_secret_group_beyond_the_regex_is_an_error() {
    let t = three_secrets();
    t.write(
        "bad.toml",
        "[[rules]]\nid = \"grouped\"\nregex = '''k_(\\w+)'''\nsecretGroup = 2\nkeywords = [\"k_\"]\n",
    );
    let run = t.run(&["dir", ".", "-c", "bad.toml"]);
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(
        lines[0].contains("bad.toml:2") && lines[0].contains("grouped"),
        "{run:#?}"
    );
}

#[test]
fn invalid_toml_names_file_and_line() {
    let t = three_secrets();
    t.write("bad.toml", "title = \"x\"\n\n[[rules]\nid = \"r\"\n");
    let run = t.run(&["dir", ".", "-c", "bad.toml"]);
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].contains("bad.toml:3:"), "{run:#?}");

    // A value of the wrong type is located too.
    t.write(
        "bad.toml",
        "[[rules]]\nid = \"r\"\nregex = 'x'\nentropy = \"high\"\n",
    );
    let run = t.run(&["dir", ".", "-c", "bad.toml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("bad.toml:4:"), "{run:#?}");
}

// ---- allowlists ----

fn allowlist_run(t: &TestDir, allowlist: &str) -> Vec<(String, usize, String)> {
    t.write("lh.toml", format!("{ACME_RULE}\n{allowlist}"));
    let run = json(t, &["dir", ".", "-c", "lh.toml"]);
    assert!(run.code == 0 || run.code == 1, "{run:#?}");
    locations(&run.findings())
}

#[test]
fn global_allowlist_paths() {
    let t = TestDir::new();
    t.write("fixtures/a.txt", format!("{}\n", acme_key(510)));
    t.write("src/fixtures.txt", format!("{}\n", github_pat(510)));
    t.write("src/b.txt", format!("{}\n", acme_key(511)));
    let found = allowlist_run(
        &t,
        "[[allowlists]]\npaths = ['''^fixtures/''', '''\\.txt$''']\n",
    );
    assert_eq!(found, vec![]);
    let found = allowlist_run(&t, "[[allowlists]]\npaths = ['''^fixtures/''']\n");
    assert_eq!(
        found,
        vec![
            loc("src/b.txt", 1, "acme-api-key"),
            loc("src/fixtures.txt", 1, "github-pat")
        ]
    );
    // The legacy single [allowlist] table is read too.
    let found = allowlist_run(&t, "[allowlist]\npaths = ['''^src/''']\n");
    assert_eq!(found, vec![loc("fixtures/a.txt", 1, "acme-api-key")]);
}

#[test]
fn global_allowlist_regexes_on_secret_match_and_line() {
    let t = TestDir::new();
    t.write("lh.toml", "");
    let (k1, k2) = (acme_key(520), acme_key(521));
    t.write(
        "a.py",
        format!("ACME_KEY = \"{k1}\"  # mock value\nOTHER = \"{k2}\"\n"),
    );
    let rule = r#"
[[rules]]
id = "acme-assignment"
regex = '''(?i)([a-z_]+)\s*=\s*"(acme_[0-9A-Za-z]{32})"'''
secretGroup = 2
keywords = ["acme_"]
"#;
    let run_with = |allow: &str| -> Vec<usize> {
        t.write(
            "lh.toml",
            format!("[extend]\nuseDefault = false\n{rule}\n{allow}"),
        );
        let run = json(&t, &["dir", "a.py", "-c", "lh.toml"]);
        assert!(run.code <= 1, "{run:#?}");
        run.findings().iter().map(|f| f.line).collect()
    };
    assert_eq!(run_with(""), [1, 2]);
    // secret (the default target): the regex sees only the secret.
    let tail1 = &k1[k1.len() - 6..];
    assert_eq!(
        run_with(&format!("[[allowlists]]\nregexes = ['''{tail1}$''']\n")),
        [2]
    );
    assert_eq!(
        run_with("[[allowlists]]\nregexes = ['''^ACME_KEY''']\n"),
        [1, 2]
    );
    // match: the whole regex match.
    assert_eq!(
        run_with("[[allowlists]]\nregexTarget = \"match\"\nregexes = ['''^ACME_KEY''']\n"),
        [2]
    );
    assert_eq!(
        run_with("[[allowlists]]\nregexTarget = \"match\"\nregexes = ['''mock''']\n"),
        [1, 2]
    );
    // line: the whole line, comment included.
    assert_eq!(
        run_with("[[allowlists]]\nregexTarget = \"line\"\nregexes = ['''# mock''']\n"),
        [2]
    );
}

#[test]
fn global_allowlist_stopwords_are_case_insensitive_substrings_of_the_secret() {
    let t = TestDir::new();
    let key = acme_key(530);
    let marked = format!("acme_{}ZzQ{}", &key[5..15], &key[18..]);
    assert_eq!(marked.len(), key.len());
    t.write("a.txt", format!("{key}\n{marked}\n"));
    let found = allowlist_run(&t, "[[allowlists]]\nstopwords = [\"zzq\"]\n");
    assert_eq!(found, vec![loc("a.txt", 1, "acme-api-key")]);
    // A stopword on the line but not in the secret does not allow.
    t.write("a.txt", format!("{key} # zzq\n"));
    let found = allowlist_run(&t, "[[allowlists]]\nstopwords = [\"zzq\"]\n");
    assert_eq!(found, vec![loc("a.txt", 1, "acme-api-key")]);
}

#[test]
fn an_and_allowlist_needs_every_criterion() {
    let t = TestDir::new();
    t.write("tests/a.py", format!("mock_key = \"{}\"\n", acme_key(540)));
    t.write("tests/b.py", format!("real_key = \"{}\"\n", acme_key(541)));
    t.write("src/c.py", format!("mock_key = \"{}\"\n", acme_key(542)));
    let and = "[[allowlists]]\ncondition = \"AND\"\npaths = ['''^tests/''']\nregexTarget = \"line\"\nregexes = ['''mock''']\n";
    assert_eq!(
        allowlist_run(&t, and),
        vec![
            loc("src/c.py", 1, "acme-api-key"),
            loc("tests/b.py", 1, "acme-api-key")
        ]
    );
    let or = and.replace("AND", "OR");
    assert_eq!(allowlist_run(&t, &or), vec![]);
}

#[test]
fn rule_allowlists_and_target_rules_apply_to_their_rules_only() {
    let t = TestDir::new();
    t.write(
        "testdata/a.txt",
        format!("{}\n{}\n", acme_key(550), github_pat(550)),
    );
    t.write(
        "src/b.txt",
        format!("{}\n{}\n", acme_key(551), github_pat(551)),
    );
    let per_rule = "[[rules.allowlists]]\npaths = ['''(^|/)testdata/''']\n";
    t.write("lh.toml", format!("{ACME_RULE}{per_rule}"));
    let run = json(&t, &["dir", ".", "-c", "lh.toml"]);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("src/b.txt", 1, "acme-api-key"),
            loc("src/b.txt", 2, "github-pat"),
            loc("testdata/a.txt", 2, "github-pat"),
        ]
    );
    let targeted = "[[allowlists]]\ntargetRules = [\"github-pat\"]\npaths = ['''^testdata/''']\n";
    assert_eq!(
        allowlist_run(&t, targeted),
        vec![
            loc("src/b.txt", 1, "acme-api-key"),
            loc("src/b.txt", 2, "github-pat"),
            loc("testdata/a.txt", 1, "acme-api-key"),
        ]
    );
}

#[test]
fn an_empty_allowlist_or_unknown_target_rule_is_an_error() {
    let t = three_secrets();
    for bad in [
        "[[allowlists]]\ndescription = \"nothing in it\"\n",
        "[[allowlists]]\ntargetRules = [\"no-such-rule\"]\npaths = ['''x''']\n",
        "[[allowlists]]\ncondition = \"XOR\"\npaths = ['''x''']\n",
    ] {
        t.write("lh.toml", format!("{ACME_RULE}{bad}"));
        let run = t.run(&["dir", ".", "-c", "lh.toml"]);
        run.expect_code(2);
        assert_eq!(run.stderr_lines().len(), 1, "{run:#?}");
        assert!(run.stderr.contains("lh.toml"), "{run:#?}");
    }
}

/// A user rule whose secret is the part after `acme_`, so the built-in
/// placeholder list (values starting `abcdef`, `123456`, `abc123`) sees it.
const ACME_TAIL_RULE: &str = r#"
[[rules]]
id = "acme-tail"
description = "Acme key body"
regex = '''\bacme_([0-9A-Za-z]{32})\b'''
secretGroup = 1
keywords = ["acme_"]
confidence = "high"
"#;

#[test]
fn a_placeholder_run_lowers_a_specific_finding_instead_of_dropping_it() {
    let t = TestDir::new();
    t.write("lh.toml", ACME_TAIL_RULE);
    let body = &acme_key(530)["acme_".len()..];
    let lowered = format!("acme_abcdef{}", &body[6..]);
    t.write(
        "a.env",
        format!("ACME_ONE=acme_{body}\nACME_TWO={lowered}\n"),
    );
    let levels = |min: &str| -> Vec<(usize, String)> {
        let run = json(&t, &["dir", ".", "-c", "lh.toml", "--min-confidence", min]);
        assert!(run.code == 0 || run.code == 1, "{run:#?}");
        run.findings()
            .into_iter()
            .filter(|f| f.rule_id == "acme-tail")
            .map(|f| (f.line, f.confidence))
            .collect()
    };
    // Reported by default, at the level the built-in list lowers to...
    assert_eq!(
        levels("low"),
        [(1, "high".to_string()), (2, "low".to_string())]
    );
    // ...and left out by a minimum above it.
    assert_eq!(levels("medium"), [(1, "high".to_string())]);
    let explained = t.run(&["explain", "a.env:2", "-c", "lh.toml"]);
    explained.expect_code(0);
    assert!(
        explained.stdout.contains("acme-tail")
            && explained
                .stdout
                .contains("reported at low confidence: lowered by global allowlist \"Placeholders")
            && explained.stdout.contains("abcdef|123456"),
        "{explained:#?}"
    );

    // A user list lowers further (the lowest level wins); a generic
    // finding at or below a list's level is dropped as by a plain list.
    t.write(
        "lh.toml",
        format!(
            "{ACME_TAIL_RULE}\n[[allowlists]]\ndescription = \"mock keys\"\nlowerTo = \"very-low\"\nregexTarget = \"line\"\nregexes = [\'\'\'ACME_TWO\'\'\']\n"
        ),
    );
    assert_eq!(levels("low"), [(1, "high".to_string())]);
    assert_eq!(
        levels("very-low"),
        [(1, "high".to_string()), (2, "very-low".to_string())]
    );
    let explained = t.run(&["explain", "a.env:2", "-c", "lh.toml"]);
    assert!(
        explained
            .stdout
            .contains("lowered by global allowlist \"mock keys\": the line matches")
            && explained.stdout.contains("--min-confidence very-low"),
        "{explained:#?}"
    );
}

#[test]
fn a_lowering_allowlist_does_not_skip_the_files_its_paths_match() {
    let t = TestDir::new();
    t.write("fixtures/a.txt", format!("{}\n", acme_key(540)));
    t.write(
        "lh.toml",
        format!(
            "{ACME_RULE}\n[[allowlists]]\nlowerTo = \"low\"\npaths = [\'\'\'^fixtures/\'\'\']\n"
        ),
    );
    let run = json(&t, &["dir", ".", "-c", "lh.toml"]);
    run.expect_code(1);
    let found: Vec<(String, String)> = run
        .findings()
        .into_iter()
        .map(|f| (f.rule_id, f.confidence))
        .collect();
    assert_eq!(found, [("acme-api-key".to_string(), "low".to_string())]);
}

#[test]
fn a_bad_lower_to_names_file_and_line() {
    let t = three_secrets();
    for bad in ["high", "sure"] {
        t.write(
            "lh.toml",
            format!(
                "{ACME_RULE}\n[[allowlists]]\nregexes = [\'\'\'x\'\'\']\nlowerTo = \"{bad}\"\n"
            ),
        );
        let run = t.run(&["dir", ".", "-c", "lh.toml"]);
        run.expect_code(2);
        let lines = run.stderr_lines();
        assert_eq!(lines.len(), 1, "{run:#?}");
        assert!(lines[0].contains("lh.toml:15:"), "{run:#?}");
        assert!(
            lines[0].contains(&format!("lowerTo: '{bad}' is not one of low, very-low")),
            "{run:#?}"
        );
    }
}

// ---- inline allow comments ----

#[test]
fn inline_allow_comments_work_in_every_comment_syntax() {
    let t = TestDir::new();
    let lines = [
        ("a.py", "token = \"{}\"  # leakhound:allow"),
        ("b.js", "const token = \"{}\"; // gitleaks:allow"),
        ("c.c", "char *token = \"{}\"; /* leakhound:allow */"),
        (
            "d.html",
            "<!-- leakhound:allow --><meta name=\"token\" content=\"{}\">",
        ),
        ("e.sql", "INSERT INTO t VALUES ('{}'); -- leakhound:allow"),
        ("f.sh", "echo {} # leakhound:allow github-pat"),
        (
            "g.yaml",
            "token: {} # leakhound:allow because it is a revoked demo key",
        ),
        ("h.py", "token = \"{}\"  # pragma: allowlist secret"),
    ];
    for (i, (file, line)) in lines.iter().enumerate() {
        t.write(
            file,
            format!("{}\n", line.replace("{}", &github_pat(560 + i as u64))),
        );
    }
    let run = json(&t, &["dir", "."]);
    run.expect_code(0);
    assert_eq!(run.findings(), vec![]);

    let run = json(&t, &["dir", ".", "--no-inline-allow"]);
    run.expect_code(1);
    let files: Vec<String> = run.findings().into_iter().map(|f| f.path).collect();
    assert_eq!(
        files,
        lines.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>()
    );
}

#[test]
fn leakhound_allow_with_a_rule_id_allows_only_that_rule() {
    let t = TestDir::new();
    t.write("lh.toml", ACME_RULE);
    t.write(
        "a.env",
        format!(
            "A={} B={} # leakhound:allow acme-api-key\nC={} # leakhound:allow github-pat\n",
            acme_key(570),
            github_pat(570),
            acme_key(571)
        ),
    );
    let run = json(&t, &["dir", ".", "-c", "lh.toml"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("a.env", 1, "github-pat"),
            loc("a.env", 2, "acme-api-key")
        ]
    );
}

#[test]
fn an_allow_comment_covers_its_own_line_only() {
    let t = TestDir::new();
    t.write(
        "a.py",
        format!(
            "# leakhound:allow\nTOKEN = \"{}\"\n\nOK = \"{}\"  # gitleaks:allow\n",
            github_pat(580),
            github_pat(581)
        ),
    );
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("a.py", 2, "github-pat")]
    );
}

#[test]
fn a_rule_specific_allow_is_not_undone_by_the_generic_rule() {
    // `leakhound:allow github-pat` says this token is known; a generic
    // rule must not report the same secret instead.
    let t = TestDir::new();
    t.write(
        "a.sh",
        format!(
            "export TOKEN={} # leakhound:allow github-pat\n",
            github_pat(590)
        ),
    );
    let run = json(&t, &["dir", "."]);
    run.expect_code(0);
    assert_eq!(run.findings(), vec![]);
}

/// Issue 12: the AWS rule's terminator ate the newline, so an allow comment
/// on the NEXT line silenced the secret above it and the match showed the
/// next line. Each syntax, marker below the secret: still a finding, whose
/// match and line are its own line.
#[test]
fn an_allow_comment_on_the_next_line_does_not_allow_the_secret_above() {
    let t = TestDir::new();
    let key = "aGyBURhzZEfhU3n7OzTG18FX76FAKEGaB/d94z8C";
    let markers = [
        ("a.sh", "# gitleaks:allow"),
        ("b.js", "// leakhound:allow"),
        ("c.html", "<!-- leakhound:allow -->"),
        ("d.py", "# pragma: allowlist secret"),
    ];
    for (file, marker) in markers {
        t.write(file, format!("AWS_SECRET_ACCESS_KEY={key}\n{marker}\n"));
    }
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        locations(&found),
        markers
            .iter()
            .map(|(f, _)| loc(f, 1, "aws-secret-access-key"))
            .collect::<Vec<_>>()
    );
    for f in &found {
        assert!(!f.matched.contains('\n'), "{f:?}");
        assert_eq!(f.end_line, 1, "{f:?}");
    }
    let text = t.run(&["dir", "."]);
    assert!(!text.stdout.contains("allow"), "{text:#?}");
}

/// The bound is the engine's, not the rules': a user rule whose terminator
/// (`\s`) eats the newline is cut at its own line too.
#[test]
fn a_user_rule_ending_in_whitespace_stays_on_its_line() {
    let t = TestDir::new();
    t.write(
        "lh.toml",
        "[extend]\nuseDefault = false\n[[rules]]\nid = \"zz-token\"\nregex = '''zz_token=([a-z0-9]{24})\\s'''\nkeywords = [\"zz_token\"]\n",
    );
    t.write(
        "a.env",
        "zz_token=k3j4h5g6f7d8s9a0q1w2e3r4\n# gitleaks:allow\n",
    );
    let run = json(&t, &["dir", ".", "-c", "lh.toml"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(locations(&found), vec![loc("a.env", 1, "zz-token")]);
    assert_eq!(found[0].matched, "zz_token=k3j4…(24)", "{found:?}");
}

/// Issue 12: `leakhound:allow stripe-secrt-key` (a typo) or gitleaks'
/// `generic-api-key` allowed everything, silently. An id no rule has allows
/// nothing and is named in a warning with the file and line; a free-text
/// reason still allows everything.
#[test]
fn an_unknown_rule_id_after_leakhound_allow_allows_nothing_and_warns() {
    let t = TestDir::new();
    t.write(
        "a.env",
        format!(
            "A={} # leakhound:allow github-patt\nB={} # leakhound:allow generic-api-key\nC={} # leakhound:allow because it is revoked\n",
            github_pat(600),
            github_pat(601),
            github_pat(602)
        ),
    );
    let run = json(&t, &["dir", "."]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("a.env", 1, "github-pat"), loc("a.env", 2, "github-pat")]
    );
    for (line, id) in [(1, "github-patt"), (2, "generic-api-key")] {
        assert!(
            run.stderr.contains(&format!(
                "warning: a.env:{line}: `leakhound:allow {id}`: no rule '{id}'"
            )),
            "{run:#?}"
        );
    }
}

/// Issue 12: a typo'd key (`keywrods`) was silently ignored, so the rule
/// ran without it. It stays a warning (gitleaks ignores unknown keys; an
/// error would break drop-in use), naming file, line and the nearest key.
#[test]
fn unknown_config_keys_are_warnings_with_file_line_and_nearest_key() {
    let t = TestDir::new();
    t.write(
        "lh.toml",
        "[[rules]]\nid = \"zz-token\"\nregex = '''zz_token=([a-z0-9]{24})'''\nkeywrods = [\"zz_token\"]\nnegative_example = ['''x''']\n\n[allowlist]\npaths = ['''^vendor/''']\nstopword = [\"x\"]\n",
    );
    t.write("a.env", "zz_token=k3j4h5g6f7d8s9a0q1w2e3r4\n");
    let run = json(&t, &["dir", "a.env", "-c", "lh.toml"]);
    run.expect_code(1);
    let warnings: Vec<&str> = run
        .stderr_lines()
        .into_iter()
        .filter(|l| l.starts_with("leakhound: warning: "))
        .collect();
    assert_eq!(
        warnings,
        [
            "leakhound: warning: lh.toml:4: unknown key 'keywrods' in [rules] (did you mean 'keywords'?); ignored",
            "leakhound: warning: lh.toml:5: unknown key 'negative_example' in [rules] (did you mean 'negativeExamples'?); ignored",
            "leakhound: warning: lh.toml:9: unknown key 'stopword' in [allowlist] (did you mean 'stopwords'?); ignored",
        ],
        "{run:#?}"
    );
    // -q keeps stderr for errors only.
    let quiet = json(&t, &["dir", "a.env", "-c", "lh.toml", "-q"]);
    assert!(!quiet.stderr.contains("warning"), "{quiet:#?}");
}
