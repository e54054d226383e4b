//! JSON (an array) and JSON Lines (one object per line) reports. Field names
//! are stable snake_case and documented in the README.

use std::io::{self, Write};

use serde::Serialize;

use super::{RenderOptions, Report};
use crate::finding::Finding;
use crate::finding::Verification;
use crate::rules::Remediation;

/// One finding as written in JSON.
#[derive(Serialize)]
pub struct JsonFinding<'a> {
    rule_id: &'a str,
    description: &'a str,
    severity: &'static str,
    confidence: &'static str,
    tags: &'a [String],
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    secret: String,
    #[serde(rename = "match")]
    matched: String,
    entropy: f64,
    fingerprint: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    decoded: &'a [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    verification: JsonVerification<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<&'a Remediation>,
}

/// A finding's verification: `state`, and `identity` or `reason`.
#[derive(Serialize)]
pub struct JsonVerification<'a> {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> JsonVerification<'a> {
    /// The JSON view of a verification.
    pub fn new(v: &'a Verification) -> Self {
        JsonVerification {
            state: v.state(),
            identity: v.identity(),
            reason: v.reason(),
        }
    }
}

impl<'a> JsonFinding<'a> {
    /// The JSON view of a finding.
    pub fn new(f: &'a Finding, opts: &RenderOptions) -> Self {
        let commit = f.origin.commit();
        JsonFinding {
            rule_id: &f.rule_id,
            description: &f.description,
            severity: f.severity.as_str(),
            confidence: f.confidence.as_str(),
            tags: &f.tags,
            path: f.origin.display_path(),
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
            secret: f.secret.shown(opts.redact),
            matched: f.matched.render(opts.redact),
            entropy: (f.entropy as f64 * 1000.0).round() / 1000.0,
            fingerprint: f.fingerprint.to_hex(),
            decoded: &f.decoded,
            commit: commit.map(|c| c.id.as_str()),
            author: commit.map(|c| c.author.as_str()),
            email: commit.map(|c| c.email.as_str()),
            date: commit.map(|c| c.date.as_str()),
            message: commit.map(|c| c.message.as_str()),
            verification: JsonVerification::new(&f.verification),
            remediation: f.remediation.as_deref(),
        }
    }
}

pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<JsonFinding<'_>> = report
        .findings
        .iter()
        .map(|f| JsonFinding::new(f, opts))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

pub fn render_lines(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        serde_json::to_writer(&mut *out, &JsonFinding::new(f, opts))?;
        writeln!(out)?;
    }
    Ok(())
}
