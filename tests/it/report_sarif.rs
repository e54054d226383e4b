//! SARIF 2.1.0: every log the tests produce validates against the OASIS
//! schema (tests/fixtures/sarif-schema-2.1.0.json), plus what GitHub code
//! scanning relies on.

use std::{collections::BTreeSet, os::unix::fs::symlink};

use serde_json::Value;

use crate::support::{acme_key, github_pat, sarif_errors, TestDir, ACME_RULE};

fn run0(log: &Value) -> &Value {
    &log["runs"][0]
}

fn results(log: &Value) -> &Vec<Value> {
    run0(log)["results"]
        .as_array()
        .expect("runs[0].results is an array")
}

fn descriptors(log: &Value) -> &Vec<Value> {
    run0(log)["tool"]["driver"]["rules"]
        .as_array()
        .expect("runs[0].tool.driver.rules is an array")
}

fn region(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]["region"]
}

#[test]
fn an_empty_report_is_valid() {
    let t = TestDir::new();
    t.write("clean.txt", "nothing\n");
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(0);
    let log = run.sarif();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().is_some_and(|s| s.contains("sarif")));
    assert_eq!(run0(&log)["tool"]["driver"]["name"], "leakhound");
    assert!(results(&log).is_empty());
    assert!(descriptors(&log).is_empty());
}

#[test]
fn findings_are_valid_with_one_descriptor_per_rule_used() {
    let t = TestDir::new();
    t.write("lh.toml", ACME_RULE);
    t.write(
        "a.env",
        format!("A={}\nB={}\n", github_pat(300), acme_key(300)),
    );
    t.write(
        "b/c.yaml",
        format!("x: {}\ny: {}\n", github_pat(301), acme_key(301)),
    );
    t.write("d.txt", format!("{}\n", github_pat(302)));
    let run = t.run(&["dir", ".", "-c", "lh.toml", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    let rules = descriptors(&log);
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "one descriptor per rule: {ids:?}");
    assert_eq!(unique, BTreeSet::from(["acme-api-key", "github-pat"]));

    let results = results(&log);
    assert_eq!(results.len(), 5);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], id,
            "ruleIndex points at the rule's descriptor"
        );
        assert!(r["message"]["text"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(r["locations"].as_array().unwrap().len(), 1);
    }

    for d in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = d[field]["text"].as_str().unwrap_or_default();
            assert!(
                !text.is_empty() && text.chars().count() <= 1024,
                "{field} of {d}"
            );
        }
        let severity: f64 = d["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .expect("security-severity is a number");
        assert!((0.1..=10.0).contains(&severity), "{d}");
    }
    let acme = rules.iter().find(|d| d["id"] == "acme-api-key").unwrap();
    assert_eq!(
        acme["defaultConfiguration"]["level"], "error",
        "high severity is an error"
    );
    assert!(
        acme["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            >= 7.0
    );
    let tags: Vec<&str> = acme["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"acme") && tags.contains(&"security"),
        "{tags:?}"
    );
    assert!(acme["help"]["text"]
        .as_str()
        .unwrap()
        .contains("https://acme.invalid/docs/keys"));
}

#[test]
fn unreadable_inputs_become_valid_notifications() {
    let t = TestDir::new();
    // Faults: a symlink loop and a dangling symlink named as roots cannot be
    // read (this works as root too, unlike chmod 000).
    symlink("loop-b", t.join("loop-a")).unwrap();
    symlink("loop-a", t.join("loop-b")).unwrap();
    symlink("nowhere", t.join("dangling")).unwrap();
    // Ordinary exclusions: binary, too large, a symlink met while walking.
    t.write("tree/tool.bin", b"\0\x01\x02binary");
    t.write("tree/big.txt", "x".repeat(2000));
    t.write("tree/target.txt", "fine\n");
    symlink("target.txt", t.join("tree/link.txt")).unwrap();
    let run = t.run(&[
        "dir",
        "loop-a",
        "dangling",
        "tree",
        "--format",
        "sarif",
        "--max-file-size",
        "1K",
    ]);
    run.expect_code(0);
    let log = run.sarif();
    let notes = run0(&log)["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("faults are toolExecutionNotifications");
    let uris: BTreeSet<&str> = notes
        .iter()
        .map(|n| {
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, BTreeSet::from(["dangling", "loop-a"]));
    assert!(notes
        .iter()
        .all(|n| n["message"]["text"].as_str().is_some_and(|m| !m.is_empty())));
}

#[test]
fn primary_location_line_hash_is_present_and_stable() {
    let t = TestDir::new();
    let pat = github_pat(310);
    t.write("app.py", format!("import os\nTOKEN = \"{pat}\"\n"));
    t.write("other.py", format!("TOKEN = \"{}\"\n", github_pat(311)));
    let hashes = |t: &TestDir| -> Vec<(String, String)> {
        let run = t.run(&["dir", ".", "--format", "sarif"]);
        run.expect_code(1);
        let log = run.sarif();
        results(&log)
            .iter()
            .map(|r| {
                let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let hash = r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .expect("primaryLocationLineHash is set")
                    .to_string();
                (uri, hash)
            })
            .collect()
    };
    let first = hashes(&t);
    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|(_, h)| !h.is_empty()));
    assert_ne!(
        first[0].1, first[1].1,
        "different secrets, different alerts"
    );
    assert_eq!(first, hashes(&t), "the same across two runs");

    // Lines added above the secret do not turn it into a new alert.
    t.write(
        "app.py",
        format!("import os\nimport sys\n\n\nTOKEN = \"{pat}\"\n"),
    );
    assert_eq!(first, hashes(&t));
}

#[test]
fn regions_are_one_based_with_an_exclusive_end_column() {
    let t = TestDir::new();
    let pat = github_pat(320);
    t.write(
        "cfg/app.yml",
        format!("a: 1\ngithub:\n  token: {pat} # prod\n"),
    );
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    let r = &results(&log)[0];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "cfg/app.yml"
    );
    let region = region(r);
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["endLine"], 3);
    assert_eq!(region["startColumn"], 10);
    // Exclusive: endColumn - startColumn is the secret's length.
    assert_eq!(region["endColumn"], 10 + pat.len() as u64);
    assert_eq!(r["ruleId"], "github-pat");
    assert_eq!(r["level"], "error");
}

#[test]
fn uris_of_odd_file_names_are_valid() {
    let t = TestDir::new();
    t.write(
        "dir with space/#hash%.env",
        format!("T={}\n", github_pat(330)),
    );
    t.write("ünï/cödé.txt", format!("T={}\n", github_pat(331)));
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    let uris: BTreeSet<&str> = results(&log)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter().all(|u| !u.contains(' ') && !u.contains('#')),
        "{uris:?}"
    );
    assert_eq!(uris.len(), 2);
}

#[test]
fn stdin_findings_are_valid_sarif() {
    let t = TestDir::new();
    let run = t.run_stdin(
        &["stdin", "--label", "job log", "--format", "sarif"],
        format!("{}\n", github_pat(340)),
    );
    run.expect_code(1);
    let log = run.sarif();
    assert_eq!(results(&log).len(), 1);
}

#[test]
fn the_schema_check_rejects_broken_logs() {
    // Guards the guard: a validator that accepted anything would make every
    // other test here vacuous.
    let t = TestDir::new();
    t.write("a.env", format!("T={}\n", github_pat(350)));
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    let good = run.sarif();
    let rejects = |what: &str, change: &dyn Fn(&mut Value)| {
        let mut bad = good.clone();
        change(&mut bad);
        assert!(
            !sarif_errors(&bad).is_empty(),
            "the schema accepted a log with {what}"
        );
    };
    rejects("a wrong version", &|log| log["version"] = "2.0.0".into());
    rejects("a result without a message", &|log| {
        log["runs"][0]["results"][0]
            .as_object_mut()
            .unwrap()
            .remove("message");
    });
    rejects("startLine 0", &|log| {
        region_mut(log)["startLine"] = 0.into();
    });
    rejects("an unknown property", &|log| log["extra"] = true.into());
}

fn region_mut(log: &mut Value) -> &mut Value {
    &mut log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
}

/// Issue 12: one rule's metadata (a tag repeating `secret`) made the whole
/// log fail the schema. A tree holding every built-in rule's examples must
/// give a valid log in which every rule with examples has fired.
#[test]
fn every_builtin_rule_firing_gives_a_valid_log() {
    let rules = leakhound::RuleSet::new(&leakhound::Config::builtin().unwrap()).unwrap();
    let t = TestDir::new();
    let mut expected = BTreeSet::new();
    for rule in rules.rules().iter().filter(|r| !r.skip_report) {
        for (i, example) in rule.examples.iter().enumerate() {
            t.write(format!("{}/{i}.txt", rule.id), format!("{example}\n"));
        }
        if !rule.examples.is_empty() && rule.path.is_none() {
            expected.insert(rule.id.to_string());
        }
    }
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    let log = run.sarif();
    let fired: BTreeSet<String> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<_> = expected.difference(&fired).collect();
    assert!(missing.is_empty(), "rules that did not fire: {missing:?}");
    for d in descriptors(&log) {
        let tags = d["properties"]["tags"].as_array().unwrap();
        let unique: BTreeSet<_> = tags.iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(unique.len(), tags.len(), "{d}");
    }
}
