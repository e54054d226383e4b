//! Confidence: a field of every rule (`high`, `medium`, `low`), copied to its
//! findings, shown in every report format and filtered by `--min-confidence`.

use crate::support::{acme_key, assert_valid_sarif, github_pat, rule_ids, TestDir, ACME_RULE};

/// A tree with a GitHub token (high), an Acme key (the user rule: `medium`
/// unless the config says) and a generic password (low).
fn three_levels(acme_confidence: Option<&str>) -> TestDir {
    let t = TestDir::new();
    let rule = match acme_confidence {
        Some(c) => format!("{ACME_RULE}confidence = \"{c}\"\n"),
        None => ACME_RULE.to_string(),
    };
    t.write(".leakhound.toml", rule);
    t.write(
        "app.env",
        format!(
            "GITHUB_TOKEN={}\nACME={}\nDB_PASSWORD=Tr0ub4dor-7406BcG1\n",
            github_pat(31),
            acme_key(31)
        ),
    );
    t
}

#[test]
fn every_finding_carries_its_rules_confidence() {
    let t = three_levels(None);
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let levels: Vec<(String, String)> = run
        .findings()
        .into_iter()
        .map(|f| (f.rule_id, f.confidence))
        .collect();
    assert_eq!(
        levels,
        [
            ("github-pat".to_string(), "high".to_string()),
            ("acme-api-key".to_string(), "medium".to_string()),
            ("generic-password".to_string(), "low".to_string()),
        ],
        "{run:#?}"
    );
    let text = t.run(&["dir", "."]);
    assert!(
        text.stdout
            .contains("app.env:1:14: github-pat [critical, high confidence]\n"),
        "{text:#?}"
    );
}

#[test]
fn min_confidence_leaves_out_lower_levels() {
    let t = three_levels(None);
    let ids = |level: &str| {
        let run = t.run(&["dir", ".", "--format", "json", "--min-confidence", level]);
        run.expect_code(1);
        rule_ids(&run.findings())
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids("low"),
        ["github-pat", "acme-api-key", "generic-password"]
    );
    assert_eq!(ids("medium"), ["github-pat", "acme-api-key"]);
    assert_eq!(ids("HIGH"), ["github-pat"]);
    let bad = t.run(&["dir", ".", "--min-confidence", "certain"]);
    bad.expect_code(2);
    assert!(
        bad.stderr
            .contains("is not one of very-low, low, medium, high"),
        "{bad:#?}"
    );
}

#[test]
fn a_user_rule_sets_its_confidence_and_a_bad_value_names_file_and_line() {
    let t = three_levels(Some("high"));
    let run = t.run(&["dir", ".", "--format", "json", "--min-confidence", "high"]);
    run.expect_code(1);
    assert_eq!(rule_ids(&run.findings()), ["github-pat", "acme-api-key"]);

    let t = three_levels(Some("sure"));
    let run = t.run(&["dir", "."]);
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].contains(".leakhound.toml:"), "{run:#?}");
    assert!(lines[0].contains("sure"), "{run:#?}");
}

#[test]
fn a_generic_rule_is_one_of_low_confidence_whatever_its_id() {
    // A user rule named without "generic" but marked low gives way to a
    // specific rule on the same text; one named "generic" but marked
    // medium does not.
    let t = TestDir::new();
    let token = github_pat(32);
    t.write(
        ".leakhound.toml",
        r#"
[[rules]]
id = "catch-all-token"
description = "Any token"
regex = '''TOKEN=(\S+)'''
secretGroup = 1
keywords = ["token="]
confidence = "low"

[[rules]]
id = "generic-but-sure"
description = "Sure token"
regex = '''TOKEN=(\S+)'''
secretGroup = 1
keywords = ["token="]
confidence = "medium"
"#,
    );
    t.write("a.env", format!("GITHUB_TOKEN={token}\n"));
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let findings = run.findings();
    let mut ids = rule_ids(&findings);
    ids.sort();
    assert_eq!(ids, ["generic-but-sure", "github-pat"], "{run:#?}");
}

#[test]
fn sarif_ranks_results_by_confidence() {
    let t = three_levels(None);
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let ranks: Vec<(String, f64, String)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                r["rank"].as_f64().unwrap_or(-1.0),
                r["properties"]["confidence"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            ("github-pat".to_string(), 90.0, "high".to_string()),
            ("acme-api-key".to_string(), 60.0, "medium".to_string()),
            ("generic-password".to_string(), 30.0, "low".to_string()),
        ]
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let precision = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["properties"]["precision"].clone())
    };
    assert_eq!(precision("github-pat"), Some("very-high".into()));
    assert_eq!(precision("generic-password"), Some("medium".into()));
}
