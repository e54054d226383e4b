//! JSON and JSON Lines reports, decoded into typed structs.

use std::{collections::BTreeSet, fs, os::unix::fs::PermissionsExt};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{acme_key, acme_only_config, github_pat, JsonFinding, TestDir, ACME_RULE};

fn shannon(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(secret.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A tree with a known user rule, so every field has a known value.
fn acme_tree() -> (TestDir, String) {
    let t = TestDir::new();
    let key = acme_key(200);
    t.write("lh.toml", acme_only_config());
    t.write(
        "svc/settings.py",
        format!("# settings\nDEBUG = False\nACME_KEY = \"{key}\"  # prod\n"),
    );
    (t, key)
}

#[test]
fn every_field_has_its_documented_value() {
    let (t, key) = acme_tree();
    let run = t.run(&[
        "dir",
        ".",
        "-c",
        "lh.toml",
        "--format",
        "json",
        "--show-secrets",
    ]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{run:#?}");
    let f = &found[0];
    assert_eq!(f.rule_id, "acme-api-key");
    assert_eq!(f.description, "Acme API key");
    assert_eq!(f.severity, "high");
    assert_eq!(f.tags, ["acme", "test"]);
    assert_eq!(f.path, "svc/settings.py");
    // `ACME_KEY = "` is 12 bytes: the secret starts at column 13; the end is exclusive.
    assert_eq!(
        (f.line, f.column, f.end_line, f.end_column),
        (3, 13, 3, 13 + key.len())
    );
    assert_eq!(f.secret, key);
    assert_eq!(f.matched, key);
    assert!(
        (f.entropy - shannon(&key)).abs() < 0.001,
        "{} vs {}",
        f.entropy,
        shannon(&key)
    );
    assert_eq!(f.fingerprint, fingerprint("acme-api-key", &key));
    assert_eq!(f.commit, None);
    assert_eq!(f.author, None);
}

#[test]
fn the_field_set_of_a_file_finding_is_stable() {
    let (t, _) = acme_tree();
    let run = t.run(&["dir", ".", "-c", "lh.toml", "--format", "json"]);
    run.expect_code(1);
    let raw: Value = serde_json::from_str(&run.stdout).unwrap();
    let keys: BTreeSet<&str> = raw[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let documented: BTreeSet<&str> = [
        "rule_id",
        "description",
        "severity",
        "confidence",
        "tags",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "secret",
        "match",
        "entropy",
        "fingerprint",
        "verification",
    ]
    .into();
    assert_eq!(keys, documented);
}

#[test]
fn the_match_is_the_whole_regex_match_and_the_secret_its_group() {
    let t = TestDir::new();
    let rule = r#"
[extend]
useDefault = false
[[rules]]
id = "acme-assignment"
description = "Acme key assignment"
regex = '''(?i)acme_key\s*=\s*"(acme_[0-9A-Za-z]{32})"'''
secretGroup = 1
keywords = ["acme_key"]
"#;
    t.write("lh.toml", rule);
    let key = acme_key(201);
    t.write("a.py", format!("x = 1\nACME_KEY = \"{key}\"\n"));
    let run = t.run(&["dir", ".", "-c", "lh.toml", "-f", "json", "--show-secrets"]);
    run.expect_code(1);
    let f = &run.findings()[0];
    assert_eq!(f.matched, format!("ACME_KEY = \"{key}\""));
    assert_eq!(f.secret, key);
    assert_eq!((f.line, f.column, f.end_column), (2, 13, 13 + key.len()));
    assert_eq!(f.severity, "medium", "user rules default to medium");
    assert_eq!(f.tags, Vec::<String>::new());
}

#[test]
fn columns_count_bytes_and_crlf_does_not_shift_lines() {
    let t = TestDir::new();
    let a = github_pat(202);
    let b = github_pat(203);
    // "é" is two bytes; the second file uses CRLF line ends.
    t.write("utf8.txt", format!("é = \"{a}\"\n"));
    t.write("crlf.txt", format!("one\r\ntwo\r\nkey: {b}\r\nfour\r\n"));
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 2, "{run:#?}");
    let crlf = &found[0];
    assert_eq!(crlf.path, "crlf.txt");
    assert_eq!(
        (crlf.line, crlf.column, crlf.end_line, crlf.end_column),
        (3, 6, 3, 46)
    );
    let utf8 = &found[1];
    assert_eq!(utf8.path, "utf8.txt");
    assert_eq!(
        (utf8.line, utf8.column, utf8.end_line, utf8.end_column),
        (1, 7, 1, 47)
    );
}

#[test]
fn findings_are_sorted_by_path_then_position() {
    let t = TestDir::new();
    t.write(
        "b.txt",
        format!("{}\nx\n{}\n", github_pat(210), github_pat(211)),
    );
    t.write(
        "a/z.txt",
        format!("x {} y {}\n", github_pat(212), github_pat(213)),
    );
    t.write("a.txt", format!("\n\n{}\n", github_pat(214)));
    let run = t.run(&["dir", ".", "--format", "json", "-j", "2"]);
    run.expect_code(1);
    let order: Vec<(String, usize, usize)> = run
        .findings()
        .into_iter()
        .map(|f| (f.path, f.line, f.column))
        .collect();
    assert_eq!(
        order,
        vec![
            ("a.txt".into(), 3, 1),
            ("a/z.txt".into(), 1, 3),
            ("a/z.txt".into(), 1, 46),
            ("b.txt".into(), 1, 1),
            ("b.txt".into(), 3, 1),
        ]
    );
}

#[test]
fn the_same_secret_has_the_same_fingerprint_everywhere() {
    let t = TestDir::new();
    let pat = github_pat(220);
    t.write("one.env", format!("T={pat}\n"));
    t.write("two/other.yaml", format!("x:\n  y: {pat}\n"));
    t.write("three.txt", format!("T={}\n", github_pat(221)));
    let first = t.run(&["dir", ".", "--format", "json"]).findings();
    let second = t.run(&["dir", ".", "--format", "json"]).findings();
    assert_eq!(first, second, "two runs give the same report");
    let print_of = |path: &str| {
        first
            .iter()
            .find(|f| f.path == path)
            .unwrap()
            .fingerprint
            .clone()
    };
    assert_eq!(print_of("one.env"), print_of("two/other.yaml"));
    assert_ne!(print_of("one.env"), print_of("three.txt"));
    assert_eq!(print_of("one.env"), fingerprint("github-pat", &pat));
    assert!(first.iter().all(|f| f.fingerprint.len() == 64
        && f.fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
}

#[test]
fn jsonl_is_one_object_per_line_with_the_same_findings() {
    let t = TestDir::new();
    t.write("lh.toml", ACME_RULE);
    t.write("a.txt", format!("{}\n{}\n", github_pat(230), acme_key(230)));
    t.write("b/c.txt", format!("{}\n", github_pat(231)));
    let json = t.run(&["dir", ".", "-c", "lh.toml", "--format", "json"]);
    let jsonl = t.run(&["dir", ".", "-c", "lh.toml", "--format", "jsonl"]);
    jsonl.expect_code(1);
    assert!(jsonl.stdout.ends_with('\n'));
    let lines: Vec<&str> = jsonl.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{jsonl:#?}");
    let decoded: Vec<JsonFinding> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(decoded, json.findings());
    assert_eq!(
        decoded
            .iter()
            .map(|f| f.rule_id.as_str())
            .collect::<Vec<_>>(),
        ["github-pat", "acme-api-key", "github-pat"]
    );
}

#[test]
fn no_findings_is_an_empty_array_and_no_lines() {
    let t = TestDir::new();
    t.write("a.txt", "clean\n");
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        Value::Array(vec![])
    );
    let run = t.run(&["dir", ".", "--format", "jsonl"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn output_file_is_private_and_stdout_stays_empty() {
    let t = TestDir::new();
    t.write("a.env", format!("T={}\n", github_pat(240)));
    // An existing, world-readable report is replaced by a private one.
    let report = t.write("out/report.json", "old");
    fs::set_permissions(&report, fs::Permissions::from_mode(0o644)).unwrap();
    for format in ["json", "jsonl", "sarif", "text"] {
        let run = t.run(&["dir", "a.env", "--format", format, "-o", "out/report.json"]);
        run.expect_code(1);
        assert_eq!(run.stdout, "", "format {format}: {run:#?}");
        let mode = fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "format {format}");
        let text = fs::read_to_string(&report).unwrap();
        match format {
            "json" => assert_eq!(
                serde_json::from_str::<Vec<JsonFinding>>(&text)
                    .unwrap()
                    .len(),
                1
            ),
            "jsonl" => assert_eq!(text.lines().count(), 1),
            "sarif" => crate::support::assert_valid_sarif(&serde_json::from_str(&text).unwrap()),
            _ => assert!(text.contains("a.env:1:3: github-pat"), "{text}"),
        }
    }
    // A new file, given with a long option.
    let run = t.run(&["dir", "a.env", "--format", "json", "--output", "new.json"]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    let mode = fs::metadata(t.join("new.json"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn an_unwritable_output_path_is_an_error() {
    let t = TestDir::new();
    t.write("a.env", "clean\n");
    let run = t.run(&["dir", "a.env", "-o", "missing-dir/r.json"]);
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].contains("missing-dir/r.json"), "{run:#?}");
}

#[test]
fn a_report_to_a_pipe_or_device_is_written_into_it_not_over_it() {
    use std::os::unix::fs::FileTypeExt;
    let t = TestDir::new();
    t.write("a.env", format!("T={}\n", github_pat(900)));
    let fifo = t.join("report.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A second name for the pipe, to unblock the reader if the first is replaced.
    let spare = t.join("spare.pipe");
    fs::hard_link(&fifo, &spare).unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    t.run(&["dir", "a.env", "--format", "json", "-o", "report.pipe"])
        .expect_code(1);
    // Still a pipe: not replaced by a regular file (as /dev/null once was).
    let still_a_pipe = fs::metadata(&fifo).unwrap().file_type().is_fifo();
    if !still_a_pipe {
        drop(fs::OpenOptions::new().write(true).open(&spare));
    }
    let text = reader.join().unwrap();
    assert!(still_a_pipe, "the pipe was replaced by a file");
    assert_eq!(
        serde_json::from_str::<Vec<JsonFinding>>(&text)
            .unwrap()
            .len(),
        1
    );
}
