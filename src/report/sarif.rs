//! SARIF 2.1.0 for GitHub code scanning: one `reportingDescriptor` per rule
//! that fired (with help, level, tags and `security-severity`), results with
//! redacted snippets, `partialFingerprints.primaryLocationLineHash`, git
//! provenance when there is a commit, and skipped inputs as notifications.

use std::io::{self, Write};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{RenderOptions, Report};
use crate::finding::Finding;
use crate::rules::{Confidence, Rule, RuleSet, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/leakhound/leakhound";

pub fn render(
    report: &Report,
    rules: &RuleSet,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut used: Vec<&str> = report.findings.iter().map(|f| &*f.rule_id).collect();
    used.sort_unstable();
    used.dedup();
    let descriptors: Vec<Value> = used.iter().map(|id| descriptor(id, rules)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, used.binary_search(&&*f.rule_id).unwrap_or(0), opts))
        .collect();
    let mut notifications: Vec<Value> = report
        .stats
        .skips
        .iter()
        .filter(|s| s.reason.is_fault())
        .map(|s| {
            json!({
                "level": "note",
                "message": { "text": format!("skipped {}: {}", s.path, s.reason) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&s.path) } } }],
            })
        })
        .collect();
    if report.interrupted {
        notifications.push(json!({
            "level": "error",
            "message": { "text": "scan interrupted by a signal: results are incomplete" },
        }));
    }
    let mut doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakhound",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "automationDetails": { "id": "leakhound/" },
            "invocations": [{
                "executionSuccessful": !report.interrupted,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    if let Some(repo) = &report.stats.repository {
        let mut details = json!({ "repositoryUri": repo.uri });
        if let Some(rev) = &repo.revision {
            details["revisionId"] = json!(rev);
        }
        if let Some(branch) = &repo.branch {
            details["branch"] = json!(branch);
        }
        doc["runs"][0]["versionControlProvenance"] = json!([details]);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn descriptor(id: &str, rules: &RuleSet) -> Value {
    let Some(rule) = rules.get(id) else {
        return json!({ "id": id, "shortDescription": { "text": id }, "fullDescription": { "text": id }, "help": { "text": id } });
    };
    let description = truncate(&rule.description, 1024);
    let (text, markdown) = help(&description, rule);
    let tags = unique_tags(&rule.tags);
    json!({
        "id": id,
        "name": pascal_case(id),
        "shortDescription": { "text": description },
        "fullDescription": { "text": description },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "precision": precision(rule.confidence),
            "confidence": rule.confidence.as_str(),
            "security-severity": security_severity(rule.severity),
        },
    })
}

/// A rule's help as text and markdown: what to do (revoke, rotate, logs),
/// then the references.
fn help(description: &str, rule: &Rule) -> (String, String) {
    let mut text = format!("{description}.");
    let mut markdown = format!("**{description}**\n");
    let steps = rule.remediation.as_deref().cloned().unwrap_or_default();
    let rotate = steps.rotate.as_deref().unwrap_or(
        "Rotate the secret at its provider: issue a new one, update every consumer, then revoke the leaked one.",
    );
    if let Some(url) = &steps.revoke {
        text.push_str(&format!(" Revoke: {url}."));
        markdown.push_str(&format!("\n- **Revoke:** <{url}>"));
    }
    text.push_str(&format!(" Rotate: {rotate}"));
    markdown.push_str(&format!("\n- **Rotate:** {rotate}"));
    if let Some(url) = &steps.logs {
        text.push_str(&format!(" Logs: {url}."));
        markdown.push_str(&format!("\n- **Check the logs:** <{url}>"));
    }
    let cleanup =
        "Then remove the secret from the code (and from git history if it was committed).";
    text.push_str(&format!(" {cleanup}"));
    markdown.push_str(&format!("\n\n{cleanup}\n"));
    if !rule.references.is_empty() {
        text.push_str(&format!(" See {}", rule.references.join(", ")));
        markdown.push_str("\nReferences:\n");
        for r in &rule.references {
            markdown.push_str(&format!("\n- <{r}>"));
        }
        markdown.push('\n');
    }
    (text, markdown)
}

fn result(f: &Finding, rule_index: usize, opts: &RenderOptions) -> Value {
    let path = f.origin.display_path();
    let mut properties = json!({
        "fingerprint": f.fingerprint.to_hex(),
        "severity": f.severity.as_str(),
        "confidence": f.confidence.as_str(),
        "entropy": (f.entropy as f64 * 1000.0).round() / 1000.0,
    });
    if let Some(c) = f.origin.commit() {
        properties["commit"] = json!(c.id);
        properties["author"] = json!(c.author);
        properties["email"] = json!(c.email);
        properties["date"] = json!(c.date);
        properties["commitMessage"] = json!(c.message);
    }
    if !f.decoded.is_empty() {
        properties["decoded"] = json!(f.decoded);
    }
    properties["verification"] = json!(f.verification.state());
    if let Some(id) = f.verification.identity() {
        properties["verificationIdentity"] = json!(id);
    }
    if let Some(why) = f.verification.reason() {
        properties["verificationReason"] = json!(why);
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&path) },
            "region": {
                "startLine": f.start.line,
                "startColumn": f.start.column,
                "endLine": f.end.line,
                "endColumn": f.end.column.max(f.start.column.saturating_add(usize::from(f.end.line == f.start.line))),
                "snippet": { "text": f.line.render(opts.redact) },
            },
        },
    });
    let mut value = json!({
        "ruleId": &*f.rule_id,
        "ruleIndex": rule_index,
        "level": if f.verification.is_live() { "error" } else { level(f.severity) },
        "rank": rank(f.confidence),
        "message": { "text": format!("{} found: {}", f.description, f.secret.shown(opts.redact)) },
        "locations": [],
        "partialFingerprints": {
            "primaryLocationLineHash": line_hash(f, &path),
            "leakhound/v1": f.fingerprint.to_hex(),
        },
        "properties": properties,
    });
    if let Some(c) = f.origin.commit() {
        location["physicalLocation"]["artifactLocation"]["properties"] = json!({ "commit": c.id });
    }
    value["locations"] = json!([location]);
    value
}

/// A stable per-alert hash for GitHub: rule, secret and path (not the line
/// number, so the alert survives lines moving).
fn line_hash(f: &Finding, path: &str) -> String {
    let mut h = Sha256::new();
    h.update(f.fingerprint.to_hex().as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}:1")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `precision` of a rule: how often its alerts are true.
fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "very-high",
        Confidence::Medium => "high",
        Confidence::Low => "medium",
        Confidence::VeryLow => "low",
    }
}

/// SARIF `rank` (0 to 100) of a result: its confidence.
fn rank(c: Confidence) -> f64 {
    match c {
        Confidence::High => 90.0,
        Confidence::Medium => 60.0,
        Confidence::Low => 30.0,
        Confidence::VeryLow => 10.0,
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `security`, `secret`, then the rule's tags, each once (the schema wants
/// unique items) and at most 20.
fn unique_tags(rule_tags: &[String]) -> Vec<&str> {
    let mut tags: Vec<&str> = Vec::new();
    for t in ["security", "secret"]
        .into_iter()
        .chain(rule_tags.iter().map(String::as_str))
    {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags.truncate(20);
    tags
}

fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A relative URI reference for a path: `/` separators, percent-encoding
/// everything outside RFC 3986's unreserved set and `/`.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("a b/c#d.txt"), "a%20b/c%23d.txt");
        assert_eq!(uri("é"), "%C3%A9");
    }

    #[test]
    fn tags_are_unique() {
        let rule = [
            "google".to_string(),
            "secret".to_string(),
            "google".to_string(),
        ];
        assert_eq!(unique_tags(&rule), ["security", "secret", "google"]);
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("github-pat"), "GithubPat");
    }

    /// Found by the `report` fuzz target (fuzz/regressions/report/): a
    /// start column of `usize::MAX` overflowed computing `endColumn`.
    #[test]
    fn extreme_positions_render() {
        use crate::finding::{Origin, Position};
        let at = Position {
            line: usize::MAX,
            column: usize::MAX,
        };
        let finding = Finding::for_tests(at, Origin::Stdin { label: "s".into() });
        let opts = RenderOptions {
            redact: true,
            color: false,
        };
        let v = result(&finding, 0, &opts);
        let region = &v["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["endColumn"], json!(usize::MAX));
    }
}
