//! The built-in rules: every example through the full detector, a lint of
//! the rule files, and the `rules list` / `rules check` commands.

use std::collections::{BTreeMap, BTreeSet};

use leakhound::config::{parse, Remediation, BUILTIN_RULE_FILES};
use leakhound::{
    detect::selftest,
    rules::{Checksum, Pattern},
    Config, RuleSet,
};
use serde_json::Value;

use crate::support::{acme_key, TestDir};

fn builtin_rules() -> RuleSet {
    let config = Config::builtin().expect("the built-in rule files parse");
    RuleSet::new(&config).expect("the built-in rules compile")
}

#[test]
fn builtin_rules_pass_their_self_test() {
    let rules = builtin_rules();
    assert!(!rules.rules().is_empty(), "there are built-in rules");
    let failures = selftest(&rules);
    assert!(
        failures.is_empty(),
        "{} built-in example(s) misbehave:\n{}",
        failures.len(),
        failures
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Keys a `[[rules]]` table may have: the gitleaks schema leakhound reads,
/// plus leakhound's own. Anything else is a typo or an unsupported feature
/// that would be silently ignored.
const RULE_KEYS: &[&str] = &[
    "id",
    "kind",
    "magic",
    "description",
    "regex",
    "secretGroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "skipReport",
    "allowlist",
    "allowlists",
    "severity",
    "references",
    "examples",
    "negativeExamples",
    "negative_examples",
    "checksum",
    "confidence",
    "remediation",
    "verify",
    "context",
];

const FILE_KEYS: &[&str] = &[
    "title",
    "description",
    "minVersion",
    "extend",
    "rules",
    "allowlist",
    "allowlists",
    "remediation",
];

/// `^[a-z0-9]+(-[a-z0-9]+)*$`: lowercase ASCII words joined by single dashes.
fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The house rules for rule files `(file name, TOML text)`: one line per problem.
fn lint(files: &[(&str, &str)]) -> Vec<String> {
    let mut problems: Vec<String> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, text) in files {
        let file = format!("rules/{name}");
        let Some(stem) = name.strip_suffix(".toml") else {
            problems.push(format!("{file}: not a .toml file"));
            continue;
        };
        if !is_kebab(stem) {
            problems.push(format!(
                "{file}: the file name is not lowercase-with-dashes"
            ));
        }
        let raw: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{file}: not TOML: {e}"));
                continue;
            }
        };
        for key in raw.keys().filter(|k| !FILE_KEYS.contains(&k.as_str())) {
            problems.push(format!("{file}: unknown top-level key '{key}'"));
        }
        let syntax = match parse(&file, text) {
            Ok(s) => s,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let file_remediation = syntax.remediation.clone().unwrap_or_default();
        let raw_rules = raw
            .get("rules")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        for (rule, raw_rule) in syntax.rules.iter().zip(&raw_rules) {
            let id = rule.id.get_ref();
            let mut bad = |what: String| problems.push(format!("{file}: rule '{id}': {what}"));
            if let Some(table) = raw_rule.as_table() {
                for key in table.keys().filter(|k| !RULE_KEYS.contains(&k.as_str())) {
                    bad(format!("unknown key '{key}'"));
                }
            }
            if !is_kebab(id) {
                bad("the id is not lowercase words joined by '-'".into());
            }
            if id != stem && !id.starts_with(&format!("{stem}-")) {
                bad(format!(
                    "the id does not start with the file stem '{stem}-'"
                ));
            }
            if let Some(other) = seen.insert(id.clone(), file.clone()) {
                bad(format!("the id is also used in {other}"));
            }
            let context_keywords = rule
                .context
                .as_ref()
                .map(leakhound::rules::context::keywords)
                .unwrap_or_default();
            // A file rule told by its magic bytes alone needs no keyword.
            let by_magic = rule.regex.is_none() && !rule.magic.is_empty();
            if (rule.keywords.is_empty() && context_keywords.is_empty() && !by_magic)
                || rule.keywords.iter().any(|k| k.trim().is_empty())
            {
                bad("needs at least one non-empty keyword".into());
            }
            if rule.examples.len() < 2 {
                bad(format!(
                    "needs at least 2 examples, has {}",
                    rule.examples.len()
                ));
            }
            if rule.negative_examples.len() < 2 {
                bad(format!(
                    "needs at least 2 negativeExamples, has {}",
                    rule.negative_examples.len()
                ));
            }
            if rule
                .description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                bad("needs a description".into());
            }
            if rule.severity.is_none() {
                bad("needs a severity".into());
            }
            if rule.confidence.is_none() {
                bad("needs a confidence (high, medium or low)".into());
            }
            if rule.references.is_empty() {
                bad("needs a reference (provider documentation URL)".into());
            }
            for r in rule
                .references
                .iter()
                .filter(|r| !r.starts_with("https://"))
            {
                bad(format!("reference '{r}' is not an https URL"));
            }
            let remediation = rule
                .remediation
                .clone()
                .unwrap_or_default()
                .or(&file_remediation);
            match Some(&remediation).filter(|r| **r != Remediation::default()) {
                None => {
                    bad("needs a remediation ([remediation] for the file, or the rule's)".into())
                }
                Some(r) => {
                    if r.rotate.as_deref().is_none_or(|t| t.trim().is_empty()) {
                        bad("remediation needs 'rotate' (how to rotate without an outage)".into());
                    }
                    let generic = rule.confidence == Some(leakhound::rules::Confidence::Low);
                    if !generic && r.revoke.is_none() {
                        bad("remediation needs a 'revoke' URL".into());
                    }
                    for url in r.urls().filter(|u| !u.starts_with("https://")) {
                        bad(format!("remediation URL '{url}' is not https"));
                    }
                }
            }
            if let Some(sum) = rule.checksum.as_deref() {
                if Checksum::parse(sum).is_none() {
                    bad(format!("unknown checksum '{sum}'"));
                }
            }
            let regex = match (&rule.regex, &rule.context) {
                (Some(_), Some(_)) => {
                    bad("has both a regex and a context".into());
                    None
                }
                (Some(r), None) => Some(Ok(r.clone())),
                (None, Some(c)) => Some(leakhound::rules::context::expand(c)),
                (None, None) => None,
            };
            match regex.map(|r| r.and_then(|r| Pattern::new(&r))) {
                None if by_magic => {}
                None => bad("needs a regex or a context".into()),
                Some(Err(e)) => bad(e),
                Some(Ok(p)) => {
                    let groups = p.group_count() - 1;
                    if rule.secret_group.is_some_and(|g| g > groups) {
                        bad(format!("secretGroup is beyond the {groups} group(s)"));
                    }
                    // The self-test then proves the checksum drops it.
                    let near_miss = rule
                        .negative_examples
                        .iter()
                        .any(|n| p.is_match(n.as_bytes()));
                    if rule.checksum.is_some() && !near_miss {
                        bad("a rule with a checksum needs a negative example its regex matches (a wrong checksum)".into());
                    }
                }
            }
        }
    }
    problems
}

#[test]
fn rule_files_follow_the_house_rules() {
    assert!(!BUILTIN_RULE_FILES.is_empty(), "rules/*.toml are embedded");
    let mut problems = lint(BUILTIN_RULE_FILES);

    // Each compiled rule says where it was written, in the file its id names.
    match Config::builtin().map(|c| RuleSet::new(&c)) {
        Ok(Ok(rules)) => {
            for rule in rules.rules() {
                let at = rule.at.to_string();
                let stem = at
                    .strip_prefix("builtin:rules/")
                    .and_then(|rest| rest.split_once(".toml:"))
                    .filter(|(_, line)| line.parse::<usize>().is_ok_and(|n| n > 0))
                    .map(|(stem, _)| stem);
                let named = stem.is_some_and(|stem| {
                    *rule.id == *stem || rule.id.starts_with(&format!("{stem}-"))
                });
                if !named {
                    problems.push(format!("rule '{}': unexpected origin '{at}'", rule.id));
                }
            }
        }
        Ok(Err(e)) | Err(e) => problems.push(format!("the built-in rules do not load: {e}")),
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) in rules/*.toml:\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_lint_reports_each_broken_rule() {
    let good = r#"
[remediation]
revoke = "https://acme.invalid/keys"
rotate = "New key first, then revoke the old one."
logs = "https://acme.invalid/audit"

[[rules]]
id = "acme-key"
description = "Acme key"
regex = '''acme_[a-z]{8}'''
keywords = ["acme_"]
severity = "high"
confidence = "high"
references = ["https://acme.invalid/keys"]
examples = ["acme_abcdefgh", "k=acme_hgfedcba"]
negativeExamples = ["acme_", "acme_ABCDEFGH"]
"#;
    assert_eq!(lint(&[("acme.toml", good)]), Vec::<String>::new());
    let no_revoke = good.replace("revoke = \"https://acme.invalid/keys\"", "");
    assert!(lint(&[("acme.toml", &no_revoke)])
        .iter()
        .any(|p| p.contains("a 'revoke' URL")));
    let plain = good.replace("revoke = \"https:", "revoke = \"http:");
    assert!(lint(&[("acme.toml", &plain)])
        .iter()
        .any(|p| p.contains("is not https")));
    let broken = r#"
[[rules]]
id = "Other_Key"
regex = '''(acme_[a-z]{8}'''
secretGroup = 1
keywords = []
references = ["http://acme.invalid/keys"]
examples = ["one"]
negative_example = ["typo"]
"#;
    let problems = lint(&[
        ("acme.toml", good),
        ("acme.toml", good),
        ("acme.toml", broken),
    ]);
    for expected in [
        "the id is also used in rules/acme.toml",
        "the id is not lowercase words",
        "does not start with the file stem 'acme-'",
        "unknown key 'negative_example'",
        "needs at least one non-empty keyword",
        "needs at least 2 examples, has 1",
        "needs at least 2 negativeExamples, has 0",
        "needs a description",
        "needs a severity",
        "needs a confidence",
        "is not an https URL",
        "invalid regex",
        "needs a remediation",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "the lint misses '{expected}': {problems:#?}"
        );
    }
    let group = good.replace("regex = ", "secretGroup = 2\nregex = ");
    assert!(lint(&[("acme.toml", &group)])
        .iter()
        .any(|p| p.contains("secretGroup")));
    assert!(lint(&[("Acme.toml", good)])
        .iter()
        .any(|p| p.contains("file name")));
}

#[test]
fn rules_list_json_lists_the_rules_in_force() {
    let t = TestDir::new();
    let run = t.run(&["rules", "list", "--format", "json"]);
    run.expect_code(0);
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    let rules = builtin_rules();
    let ids: Vec<&str> = listed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = rules.rules().iter().map(|r| &*r.id).collect();
    assert_eq!(ids, expected);
    let severities = BTreeSet::from(["critical", "high", "medium", "low", "info"]);
    for r in &listed {
        assert!(
            r["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{r}"
        );
        assert!(
            severities.contains(r["severity"].as_str().unwrap_or("?")),
            "{r}"
        );
        assert!(
            r["tags"].is_array() && r["keywords"].is_array() && r["references"].is_array(),
            "{r}"
        );
    }

    let run = t.run(&["rules", "list"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.lines().last(),
        Some(format!("{} rules", expected.len()).as_str())
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with("github-pat ")),
        "{run:#?}"
    );
}

#[test]
fn rules_list_shows_user_rules() {
    let t = TestDir::new();
    t.write(".leakhound.toml", crate::support::ACME_RULE);
    let run = t.run(&["rules", "list", "--format", "json"]);
    run.expect_code(0);
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let acme = listed
        .iter()
        .find(|r| r["id"] == "acme-api-key")
        .expect("the user rule is listed");
    assert_eq!(acme["severity"], "high");
    assert_eq!(acme["keywords"], serde_json::json!(["acme_"]));
    assert!(
        listed.iter().any(|r| r["id"] == "github-pat"),
        "built-ins are kept"
    );
}

#[test]
fn rules_check_agrees_with_the_library_self_test() {
    let t = TestDir::new();
    let failures = selftest(&builtin_rules());
    let run = t.run(&["rules", "check"]);
    run.expect_code(if failures.is_empty() { 0 } else { 1 });
    let fails = run.check_failures().len();
    assert_eq!(fails, failures.len(), "{run:#?}");
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(&format!(": {} failure(s)", failures.len())),
        "{last}"
    );
}

#[test]
fn rules_check_runs_the_examples_of_a_user_config() {
    let t = TestDir::new();
    let good = format!(
        "{}examples = ['''key = \"{}\"''', '''{}''']\nnegativeExamples = ['''acme_short''', '''key = \"acme_{}\"''']\n",
        crate::support::acme_only_config(),
        acme_key(700),
        acme_key(701),
        "a".repeat(32)
    );
    t.write("good.toml", &good);
    let run = t.run(&["rules", "check", "-c", "good.toml"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.lines().last(),
        Some("1 rules, 4 examples checked: 0 failure(s)")
    );

    // A negative example that is reported, and an example that is not.
    let bad = format!(
        "{}examples = ['''nothing here''']\nnegativeExamples = ['''{}''']\n",
        crate::support::acme_only_config(),
        acme_key(702)
    );
    t.write("bad.toml", &bad);
    let run = t.run(&["rules", "check", "-c", "bad.toml"]);
    run.expect_code(1);
    let fails: Vec<&str> = run.check_failures();
    assert_eq!(fails.len(), 2, "{run:#?}");
    assert!(
        fails
            .iter()
            .all(|l| l.contains("bad.toml:") && l.contains("acme-api-key")),
        "{fails:?}"
    );
    assert!(
        fails.iter().any(|l| l.contains("negative example 1")),
        "{fails:?}"
    );
    assert!(
        fails
            .iter()
            .any(|l| l.contains("example 1") && l.contains("keyword")),
        "{fails:?}"
    );
}

/// Issue 12: a regex ending in a terminator class that can consume `\n`
/// (`(?:[^A-Za-z0-9/+=]|$)`) glued the next line onto the match, and an
/// allow comment there silenced the finding. No built-in regex may match
/// past the end of one of its examples when another line follows.
#[test]
fn no_builtin_regex_reaches_into_the_next_line() {
    let rules = builtin_rules();
    let mut problems = Vec::new();
    for rule in rules.rules() {
        let Some(pattern) = rule.regex() else {
            continue;
        };
        for example in &rule.examples {
            let text = format!("{example}\nnext = 1 # gitleaks:allow\n");
            for m in pattern.regex().find_iter(text.as_bytes()) {
                if m.end() > example.len() {
                    problems.push(format!("{}: {:?}", rule.id, &text[m.range()]));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} match(es) reach into the next line (end the regex with `(?:[^\\n...]|(?m:$))`):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `rules/INVENTORY.tsv` (regenerated by `bench/inventory.py`): every
/// leakhound rule id it names exists, and a provider with no rule says why.
#[test]
fn the_inventory_names_only_rules_that_exist() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/INVENTORY.tsv"))
        .expect("rules/INVENTORY.tsv exists");
    let rules = builtin_rules();
    let ids: BTreeSet<&str> = rules.rules().iter().map(|r| &*r.id).collect();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("provider\tpeers\tleakhound\treason"),
        "the header"
    );
    let mut problems = Vec::new();
    for (n, line) in lines.enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            problems.push(format!("line {}: {} columns, not 4", n + 2, cols.len()));
            continue;
        }
        for id in cols[2].split_whitespace() {
            if !ids.contains(id) {
                problems.push(format!("line {}: no rule '{id}'", n + 2));
            }
        }
        if cols[2].trim().is_empty() && cols[3].trim().is_empty() {
            problems.push(format!(
                "line {}: '{}' has no rule and no reason",
                n + 2,
                cols[0]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The built-in rule files set no key leakhound does not read (serde's
/// own list, not a hand-kept one).
#[test]
fn builtin_rule_files_have_no_unknown_keys() {
    let config = Config::builtin().unwrap();
    assert_eq!(config.warnings, Vec::<String>::new());
}
