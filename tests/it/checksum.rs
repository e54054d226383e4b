//! Token checksums (`checksum = "github-crc32"`): a token whose CRC32 does
//! not match is not reported, by the built-in rules or by a user rule, and a
//! config naming an unknown checksum is a one-line error.

use crate::support::{github_pat, rule_ids, TestDir};

/// `token` with its last character changed, so the checksum no longer matches.
fn corrupt(token: &str) -> String {
    let (head, last) = token.split_at(token.len() - 1);
    format!("{head}{}", if last == "A" { "B" } else { "A" })
}

/// A user rule for `zz_` + 30 base62 characters + CRC32, with a checksum.
const ZZ_RULE: &str = r#"[extend]
useDefault = false

[[rules]]
id = "zz-token"
description = "ZZ token"
regex = '''\b(zz_[0-9A-Za-z]{36})\b'''
secretGroup = 1
checksum = "github-crc32"
keywords = ["zz_"]
"#;

#[test]
fn github_tokens_with_a_wrong_checksum_are_not_reported() {
    let t = TestDir::new();
    let good = github_pat(41);
    let npm = good.replacen("ghp_", "npm_", 1);
    t.write(
        "good.env",
        format!("GITHUB_TOKEN={good}\nNPM_TOKEN={npm}\n"),
    );
    t.write("bad.env", format!("GITHUB_TOKEN={}\n", corrupt(&good)));
    // Not reported by a rule without the checksum either (a Secret manifest).
    t.write(
        "bad.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\nstringData:\n  token: {}\n",
            corrupt(&good)
        ),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    let mut ids: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.path.as_str(), f.rule_id.as_str()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [("good.env", "github-pat"), ("good.env", "npm-access-token")],
        "{run:#?}"
    );
}

#[test]
fn a_user_rule_can_require_the_checksum() {
    let t = TestDir::new();
    t.write("zz.toml", ZZ_RULE);
    let good = github_pat(42).replacen("ghp_", "zz_", 1);
    t.write("a.txt", format!("k = {good}\nk = {}\n", corrupt(&good)));
    let run = t.run(&["dir", "a.txt", "-c", "zz.toml", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(rule_ids(&found), ["zz-token"], "{run:#?}");
    assert_eq!(found[0].line, 1, "{run:#?}");
}

#[test]
fn rules_check_names_the_checksum_when_an_example_fails_it() {
    let t = TestDir::new();
    let good = github_pat(43).replacen("ghp_", "zz_", 1);
    let config = format!(
        "{ZZ_RULE}examples = ['''{good}''', '''{}''']\nnegativeExamples = ['''{}''', '''zz_short''']\n",
        corrupt(&good),
        corrupt(&good)
    );
    t.write("zz.toml", config);
    let run = t.run(&["rules", "check", "-c", "zz.toml"]);
    run.expect_code(1);
    let fails: Vec<&str> = run.check_failures();
    assert_eq!(fails.len(), 1, "{run:#?}");
    assert!(
        fails[0].contains("example 2") && fails[0].contains("checksum (github-crc32)"),
        "{fails:?}"
    );
}

#[test]
fn an_unknown_checksum_is_a_one_line_error_with_file_and_line() {
    let t = TestDir::new();
    t.write("a.txt", "nothing\n");
    t.write("zz.toml", ZZ_RULE.replace("github-crc32", "crc64"));
    for args in [
        &["dir", "a.txt", "-c", "zz.toml"][..],
        &["rules", "check", "-c", "zz.toml"],
    ] {
        let run = t.run(args);
        run.expect_code(2);
        let lines = run.stderr_lines();
        assert_eq!(lines.len(), 1, "{run:#?}");
        assert!(
            lines[0].contains("zz.toml:5")
                && lines[0].contains("zz-token")
                && lines[0].contains("unknown checksum 'crc64'"),
            "{run:#?}"
        );
    }
}
