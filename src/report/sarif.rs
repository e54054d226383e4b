//! SARIF 2.1.0 for GitHub code scanning: one `reportingDescriptor` per rule
//! that fired (with help, level, tags and `security-severity`), results with
//! redacted snippets, `partialFingerprints.primaryLocationLineHash`, git
//! provenance when there is a commit, and skipped inputs as notifications.

use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{RenderOptions, Report};
use crate::finding::{hex, Finding};
use crate::rules::{Confidence, Rule, RuleSet, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/leakhound/leakhound";

// The subset of SARIF 2.1.0 leakhound writes. Fields are declared in
// alphabetical order, the order the output has always had.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    automation_details: AutomationDetails,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_control_provenance: Option<[VersionControl<'a>; 1]>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<InvocationProperties>,
}

/// What `.gitignore`/`.ignore` kept out of a `dir` scan (not an error, so
/// not a notification).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvocationProperties {
    ignored_files: usize,
    ignored_directories: usize,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'static>>,
    message: Message,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<CommitProperty<'a>>,
    uri: String,
}

#[derive(Serialize)]
struct CommitProperty<'a> {
    commit: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    snippet: Message,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Descriptor<'a>>,
    semantic_version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<DefaultConfiguration>,
    full_description: Message,
    help: Help,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<DescriptorProperties<'a>>,
    short_description: Message,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
    text: String,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    confidence: &'static str,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Message,
    partial_fingerprints: PartialFingerprints,
    properties: ResultProperties<'a>,
    rank: f64,
    rule_id: &'a str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartialFingerprints {
    #[serde(rename = "leakhound/v1")]
    leakhound_v1: String,
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit_message: Option<&'a str>,
    confidence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    decoded: &'a [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    entropy: f64,
    fingerprint: String,
    severity: &'static str,
    verification: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_identity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_reason: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionControl<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<&'a str>,
    repository_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<&'a str>,
}

/// Writes `report` as one SARIF log.
pub fn render(
    report: &Report,
    rules: &RuleSet,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut used: Vec<&str> = report.findings.iter().map(|f| &*f.rule_id).collect();
    used.sort_unstable();
    used.dedup();
    let results = report
        .findings
        .iter()
        .map(|f| result(f, used.binary_search(&&*f.rule_id).unwrap_or(0), opts))
        .collect();
    let mut notifications: Vec<Notification> = report
        .stats
        .skips
        .iter()
        .filter(|s| s.reason.is_fault())
        .map(|s| Notification {
            level: "note",
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        properties: None,
                        uri: uri(&s.path),
                    },
                    region: None,
                },
            }],
            message: Message {
                text: format!("skipped {}: {}", s.path, s.reason),
            },
        })
        .collect();
    notifications.extend(report.stats.broken.iter().map(|b| Notification {
        level: "error",
        locations: Vec::new(),
        message: Message {
            text: format!("cannot read {b}: the history was not fully scanned"),
        },
    }));
    if report.interrupted {
        notifications.push(Notification {
            level: "error",
            locations: Vec::new(),
            message: Message {
                text: "scan interrupted by a signal: results are incomplete".into(),
            },
        });
    }
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            automation_details: AutomationDetails { id: "leakhound/" },
            invocations: [Invocation {
                execution_successful: !report.interrupted && report.stats.broken.is_empty(),
                tool_execution_notifications: notifications,
                properties: match super::ignored_counts(&report.stats) {
                    (0, 0) => None,
                    (ignored_files, ignored_directories) => Some(InvocationProperties {
                        ignored_files,
                        ignored_directories,
                    }),
                },
            }],
            results,
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: "leakhound",
                    rules: used.iter().map(|id| descriptor(id, rules)).collect(),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                },
            },
            version_control_provenance: report.stats.repository.as_ref().map(|repo| {
                [VersionControl {
                    branch: repo.branch.as_deref(),
                    repository_uri: &repo.uri,
                    revision_id: repo.revision.as_deref(),
                }]
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn descriptor<'a>(id: &str, rules: &'a RuleSet) -> Descriptor<'a> {
    let text = |t: &str| Message {
        text: t.to_string(),
    };
    let Some(rule) = rules.get(id) else {
        return Descriptor {
            default_configuration: None,
            full_description: text(id),
            help: Help {
                markdown: None,
                text: id.to_string(),
            },
            id: id.to_string(),
            name: None,
            properties: None,
            short_description: text(id),
        };
    };
    let description = truncate(&rule.description, 1024);
    let (help, markdown) = help(&description, rule);
    let tags = unique_tags(&rule.tags);
    Descriptor {
        default_configuration: Some(DefaultConfiguration {
            level: level(rule.severity),
        }),
        full_description: text(&description),
        help: Help {
            markdown: Some(markdown),
            text: help,
        },
        id: id.to_string(),
        name: Some(pascal_case(id)),
        properties: Some(DescriptorProperties {
            confidence: rule.confidence.as_str(),
            precision: precision(rule.confidence),
            security_severity: security_severity(rule.severity),
            tags,
        }),
        short_description: text(&description),
    }
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

fn result<'a>(f: &'a Finding, rule_index: usize, opts: &RenderOptions) -> SarifResult<'a> {
    let path = f.origin.display_path();
    let commit = f.origin.commit();
    let region = Region {
        end_column: f.end.column.max(
            f.start
                .column
                .saturating_add(usize::from(f.end.line == f.start.line)),
        ),
        end_line: f.end.line,
        snippet: Message {
            text: f.line.render(opts.redact),
        },
        start_column: f.start.column,
        start_line: f.start.line,
    };
    SarifResult {
        level: if f.verification.is_live() {
            "error"
        } else {
            level(f.severity)
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    properties: commit.map(|c| CommitProperty { commit: &c.id }),
                    uri: uri(&path),
                },
                region: Some(region),
            },
        }],
        message: Message {
            text: format!("{} found: {}", f.description, f.secret.shown(opts.redact)),
        },
        partial_fingerprints: PartialFingerprints {
            leakhound_v1: f.fingerprint.to_hex(),
            primary_location_line_hash: line_hash(f, &path),
        },
        properties: ResultProperties {
            author: commit.map(|c| c.author.as_str()),
            commit: commit.map(|c| c.id.as_str()),
            commit_message: commit.map(|c| c.message.as_str()),
            confidence: f.confidence.as_str(),
            date: commit.map(|c| c.date.as_str()),
            decoded: &f.decoded,
            email: commit.map(|c| c.email.as_str()),
            entropy: (f.entropy as f64 * 1000.0).round() / 1000.0,
            fingerprint: f.fingerprint.to_hex(),
            severity: f.severity.as_str(),
            verification: f.verification.state(),
            verification_identity: f.verification.identity(),
            verification_reason: f.verification.reason(),
        },
        rank: rank(f.confidence),
        rule_id: &f.rule_id,
        rule_index,
    }
}

/// A stable per-alert hash for GitHub: rule, secret and path (not the line
/// number, so the alert survives lines moving).
fn line_hash(f: &Finding, path: &str) -> String {
    let mut h = Sha256::new();
    h.update(f.fingerprint.to_hex().as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    let digest = h.finalize();
    format!("{}:1", hex(&digest[..8]))
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
    crate::percent::encode(path, b"-._~/")
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
        let v = serde_json::to_value(result(&finding, 0, &opts)).unwrap();
        let region = &v["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["endColumn"], serde_json::json!(usize::MAX));
    }
}
