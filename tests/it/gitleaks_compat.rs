//! Coming from gitleaks: a team's `.gitleaks.toml` as gitleaks users write
//! it (legacy and new allowlist spellings, AND conditions, regexTarget line,
//! commits, stopwords, `[extend]`), Go RE2 patterns, and a gitleaks-style
//! config that replaces the built-in rules through `[extend] path`.

use crate::support::{base62_noise, github_pat, loc, locations, TestDir, TestRepo};

/// An internal token the team's config knows: `isvc_` + 32 lowercase base62.
fn isvc(seed: u64) -> String {
    format!("isvc_{}", base62_noise(seed, 32).to_ascii_lowercase())
}

/// The team's config; `allowed_commit` goes into the global allowlist.
fn team_config(allowed_commit: &str) -> String {
    format!(
        r#"title = "team secrets config"
minVersion = "v8.25.0"

[extend]
useDefault = true
disabledRules = ["generic-password"]

[[rules]]
id = "internal-service-token"
description = "Internal service token"
regex = '''(?i)\b(isvc_[a-z0-9]{{32}})\b'''
secretGroup = 1
entropy = 3
keywords = ["isvc_"]
tags = ["internal"]

    [[rules.allowlists]]
    description = "marked fixtures (both a fixture path and a FAKE marker on the line)"
    condition = "AND"
    paths = ['''^fixtures/''']
    regexTarget = "line"
    regexes = ['''FAKE''']

[[rules]]
id = "legacy-db-password"
description = "Database password in the legacy properties format"
# Go RE2: \Q...\E quotes literal text.
regex = '''\Qdb.pass=\E([A-Za-z0-9!#%]{{10,40}})'''
secretGroup = 1
keywords = ["db.pass="]

    [rules.allowlist]
    stopwords = ["example"]

[allowlist]
description = "vendored code, a known commit, and the all-zero test token"
paths = ['''(^|/)vendor/''']
commits = ["{allowed_commit}"]
regexTarget = "match"
regexes = ['''isvc_0{{32}}''']
"#
    )
}

#[test]
fn a_team_gitleaks_toml_applies_every_kind_of_allowlist() {
    let repo = TestRepo::with_readme();
    let allowed = repo.commit_file(
        "old/legacy.env",
        format!("T={}\n", isvc(800)),
        "old token, rotated long ago",
    );
    let zero = format!("isvc_{}", "0".repeat(32));
    repo.write("svc/app.env", format!("T={}\n", isvc(801)));
    repo.write("svc/test.env", format!("T={zero}\n"));
    repo.write("vendor/lib.env", format!("T={}\n", isvc(802)));
    repo.write("fixtures/marked.env", format!("T={} # FAKE\n", isvc(803)));
    repo.write("fixtures/unmarked.env", format!("T={}\n", isvc(804)));
    repo.write("other/marked.env", format!("T={} # FAKE\n", isvc(805)));
    repo.write(
        "db.properties",
        "db.pass=Zq8#kLm2!pW9xR\ndb.pass=example-password-1\npassword = \"Hx83kslq02Pmz\"\n",
    );
    repo.write(".gitleaks.toml", team_config(&allowed));
    repo.stage_all();
    repo.commit("services");

    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(1);
    assert_eq!(
        locations(&found),
        [
            loc("db.properties", 1, "legacy-db-password"),
            loc("fixtures/unmarked.env", 1, "internal-service-token"),
            loc("other/marked.env", 1, "internal-service-token"),
            loc("svc/app.env", 1, "internal-service-token"),
        ]
    );
    // The same config in a dir scan: no commits, so old/legacy.env counts.
    let (run, found) = repo.json(&["dir", "."]);
    run.expect_code(1);
    assert!(locations(&found).contains(&loc("old/legacy.env", 1, "internal-service-token")));
    assert_eq!(found.len(), 5);
}

#[test]
fn go_re2_patterns_are_translated_or_rejected_with_the_rule_id() {
    let t = TestDir::new();
    t.write(
        "go.toml",
        r#"
[extend]
useDefault = false

[[rules]]
id = "bracketed-key"
# In Go, [ inside a class and \< are literals; {, is not a repetition.
regex = '''\<key\>=([A-Za-z0-9[]{12})\{,\}'''
secretGroup = 1
keywords = ["<key>"]
"#,
    );
    t.write("a.txt", "<key>=Ab3[Xy9Qw2Lm{,}\n");
    let run = t.run(&[
        "dir",
        "a.txt",
        "-c",
        "go.toml",
        "--format",
        "json",
        "--show-secrets",
    ]);
    run.expect_code(1);
    assert_eq!(run.findings()[0].secret, "Ab3[Xy9Qw2Lm");

    t.write(
        "look.toml",
        "[[rules]]\nid = \"uses-lookahead\"\nregex = '''tok_(?=[a-z]+)'''\n",
    );
    let run = t.run(&["dir", "a.txt", "-c", "look.toml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("look.toml:2"), "{run:#?}");
    assert!(run.stderr.contains("'uses-lookahead'"), "{run:#?}");
    assert!(run.stderr.contains("lookahead"), "{run:#?}");
}

#[test]
fn a_rule_with_a_builtin_id_and_its_own_regex_brings_its_own_groups() {
    // gitleaks' default config names rules like ours; its regex has no group
    // where ours has one. The new regex's (absent) group must be used.
    let t = TestDir::new();
    let pat = github_pat(810);
    t.write(
        "lh.toml",
        "[[rules]]\nid = \"github-pat\"\nregex = '''ghp_[0-9a-zA-Z]{36}'''\nkeywords = [\"ghp_\"]\n",
    );
    t.write("a.env", format!("T={pat}\n"));
    let run = t.run(&[
        "dir",
        "a.env",
        "-c",
        "lh.toml",
        "--format",
        "json",
        "--show-secrets",
    ]);
    run.expect_code(1);
    assert_eq!(run.findings()[0].secret, pat);
    // The self-test no longer runs the built-in examples against the new regex.
    t.run(&["rules", "check", "-c", "lh.toml"]).expect_code(0);
}

#[test]
fn use_default_false_with_path_runs_exactly_that_file() {
    let t = TestDir::new();
    // A full gitleaks-style config: no [extend], so on its own it would
    // build on the built-in rules.
    t.write(
        "gitleaks-full.toml",
        "title = 'full'\n[[rules]]\nid = 'only-rule'\nregex = '''only_[a-z]{8}'''\nkeywords = ['only_']\n",
    );
    t.write(
        "exact.toml",
        "[extend]\nuseDefault = false\npath = 'gitleaks-full.toml'\n",
    );
    let run = t.run(&["rules", "list", "-c", "exact.toml"]);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().last(), Some("1 rules"), "{run:#?}");
    let run = t.run(&["rules", "list", "-c", "gitleaks-full.toml"]);
    let builtin_and_one: usize = run.stdout.lines().count();
    assert!(builtin_and_one > 100, "{run:#?}");
}

const EXCHANGE_RULES: &str = r#"
[extend]
useDefault = false

[[rules]]
id = "exchange-key-id"
regex = '''exch_key\s*=\s*"([A-Za-z0-9]{20})"'''
keywords = ["exch_key"]
skipReport = true

[[rules]]
id = "exchange-secret"
regex = '''exch_secret\s*=\s*"([A-Za-z0-9]{40})"'''
keywords = ["exch_secret"]

    [[rules.required]]
    id = "exchange-key-id"
    withinLines = 2
"#;

#[test]
fn composite_rules_report_only_with_their_required_rules_nearby() {
    let t = TestDir::new();
    t.write("rules.toml", EXCHANGE_RULES);
    let (key, secret) = (base62_noise(820, 20), base62_noise(821, 40));
    let pair = format!("exch_key = \"{key}\"\nexch_secret = \"{secret}\"\n");
    t.write("near.py", &pair);
    t.write("alone.py", format!("exch_secret = \"{secret}\"\n"));
    t.write("key-only.py", format!("exch_key = \"{key}\"\n"));
    t.write(
        "far.py",
        format!("exch_key = \"{key}\"\n\n\n\n\nexch_secret = \"{secret}\"\n"),
    );
    let run = t.run(&["dir", ".", "-c", "rules.toml", "--format", "json"]);
    run.expect_code(1);
    // The skipReport rule is never reported itself.
    assert_eq!(
        locations(&run.findings()),
        [loc("near.py", 2, "exchange-secret")]
    );

    // Without bounds, anywhere in the same file will do.
    t.write("rules.toml", EXCHANGE_RULES.replace("withinLines = 2", ""));
    let run = t.run(&["dir", ".", "-c", "rules.toml", "--format", "json"]);
    assert_eq!(
        locations(&run.findings()),
        [
            loc("far.py", 6, "exchange-secret"),
            loc("near.py", 2, "exchange-secret")
        ]
    );
}

#[test]
fn a_composite_rule_requiring_an_unknown_rule_is_an_error() {
    let t = TestDir::new();
    t.write(
        "rules.toml",
        EXCHANGE_RULES.replace(
            "id = \"exchange-key-id\"\n    withinLines",
            "id = \"nope\"\n    withinLines",
        ),
    );
    let run = t.run(&["dir", ".", "-c", "rules.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("'exchange-secret': requires unknown rule 'nope'"),
        "{run:#?}"
    );
}
