//! JSON escaped strings: a private key split over a notebook cell's lines,
//! or a service-account JSON embedded as a string, is found as the key it
//! is, at its line in the file.

use crate::support::{base62_noise, github_pat, JsonFinding, TestDir};

/// A PEM private key body of `lines` lines of 64 base64 characters.
fn pem(seed: u64, lines: usize) -> String {
    let body: Vec<String> = (0..lines)
        .map(|i| base62_noise(seed + i as u64, 64))
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
        body.join("\n")
    )
}

/// A JSON string literal of `s` (quotes, backslashes, newlines escaped).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn a_private_key_in_a_notebook_cell_is_found_at_its_line() {
    let t = TestDir::new();
    let key = pem(900, 4);
    let mut source = vec!["import requests\n".to_string(), "KEY = \"\"\"".to_string()];
    let mut lines: Vec<String> = key.lines().map(|l| format!("{l}\n")).collect();
    lines[0] = format!("KEY = \"\"\"{}", lines[0]);
    source.pop();
    source.extend(lines);
    source.push("\"\"\"\n".into());
    source.push(format!("client = Client(token=\"{}\")", github_pat(901)));
    let cells: Vec<String> = source
        .iter()
        .map(|l| format!("    {}", json_string(l)))
        .collect();
    let notebook = format!(
        "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"metadata\": {{}},\n   \"source\": [\n{}\n   ]\n  }}\n ],\n \"nbformat\": 4\n}}\n",
        cells.join(",\n")
    );
    // The BEGIN line is the notebook's line 8.
    assert!(notebook
        .lines()
        .nth(7)
        .unwrap()
        .contains("BEGIN PRIVATE KEY"));
    t.write("analysis.ipynb", &notebook);

    let run = t.run(&["dir", ".", "--format", "json", "--show-secrets"]);
    run.expect_code(1);
    let found = run.findings();
    let hit = key_finding(&found);
    assert_eq!(hit.line, 8);
    assert_eq!(hit.column, 18);
    assert_eq!(hit.end_line, 13);
    assert_eq!(hit.decoded, vec!["escaped"]);
    // The secret is the key itself, newlines and all.
    assert_eq!(hit.secret, key);
    let token = found.iter().find(|f| f.rule_id == "github-pat").unwrap();
    assert_eq!(token.line, 15);
    assert_eq!(found.len(), 2, "{found:#?}");

    // Without decoding, the key is still matched as written (escapes and
    // all), but not as itself.
    let plain = t.run(&[
        "dir",
        ".",
        "--format",
        "json",
        "--show-secrets",
        "--max-decode-depth",
        "0",
    ]);
    let plain = plain.findings();
    let raw = key_finding(&plain);
    assert_ne!(raw.secret, key);
}

#[test]
fn a_service_account_json_embedded_as_a_string_is_found() {
    let t = TestDir::new();
    let key = pem(910, 3);
    let account = format!(
        "{{\"type\": \"service_account\", \"project_id\": \"acme-prod\", \"private_key\": {}, \"client_email\": \"deploy@acme-prod.iam.gserviceaccount.com\"}}",
        json_string(&format!("{key}\n"))
    );
    t.write(
        "config/app.json",
        format!(
            "{{\n  \"name\": \"svc\",\n  \"gcp_credentials\": {},\n  \"region\": \"eu\"\n}}\n",
            json_string(&account)
        ),
    );
    let run = t.run(&["dir", ".", "--format", "json", "--show-secrets"]);
    run.expect_code(1);
    let found = run.findings();
    let hit = key_finding(&found);
    assert_eq!(hit.line, 3);
    assert_eq!(hit.secret, key);
    assert_eq!(hit.decoded, vec!["escaped", "escaped"]);
    assert!(found.iter().all(|f| f.line == 3), "{found:#?}");
}

/// The private-key finding among `found`.
fn key_finding(found: &[JsonFinding]) -> &JsonFinding {
    found
        .iter()
        .find(|f| f.rule_id == "private-key-pkcs8")
        .unwrap_or_else(|| panic!("no key finding: {found:#?}"))
}
