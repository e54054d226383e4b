//! Baselines as files: reading an earlier JSON or JSON Lines report
//! (leakhound's `fingerprint`, or gitleaks' `RuleID`/`Secret`/`File`...) or a
//! detect-secrets `.secrets.baseline`, and writing leakhound's own baseline, which keeps only what matching needs
//! (no line numbers or dates, so regenerating it does not churn).

use std::{collections::BTreeSet, io, path::Path};

use serde_json::Value;

use super::{normalise, BaselineError, PositionEntry};
use crate::finding::Finding;

/// One known finding from a baseline.
pub enum KnownEntry {
    /// leakhound's fingerprint (rule + secret).
    Fingerprint(String),
    /// A secret in clear (gitleaks report without `--redact`).
    Secret(String),
    /// A position (gitleaks report with a redacted secret).
    Position(PositionEntry),
    /// The SHA-1 of a secret, lowercase hex (detect-secrets' `hashed_secret`).
    SecretSha1(String),
}

/// Reads every entry of the report at `path`.
pub fn read(path: &Path) -> Result<Vec<KnownEntry>, BaselineError> {
    let fail = |line: Option<usize>, m: String| BaselineError::new(path, line, m);
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    let entries: Vec<(Option<usize>, Value)> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(all)) => all.into_iter().map(|v| (None, v)).collect(),
        Ok(Value::Object(doc)) if doc.get("results").is_some_and(Value::is_object) => {
            return Ok(detect_secrets(&doc["results"]));
        }
        Ok(Value::Object(one)) => vec![(Some(1), Value::Object(one))],
        Ok(_) => return Err(fail(None, "not a JSON array of findings".into())),
        Err(e) if text.trim_start().starts_with('[') => {
            return Err(fail(Some(e.line()), format!("invalid JSON: {e}")))
        }
        // JSON Lines: one finding per line.
        Err(_) => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| {
                serde_json::from_str(l)
                    .map(|v| (Some(n + 1), v))
                    .map_err(|e| fail(Some(n + 1), format!("invalid JSON: {e}")))
            })
            .collect::<Result<_, _>>()?,
    };
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (line, v))| {
            known(&v).ok_or_else(|| {
                let at = line.map_or(format!("entry {}", i + 1), |_| "this line".into());
                fail(
                    line,
                    format!(
                        "{at} is not a leakhound or gitleaks finding (no fingerprint or RuleID)"
                    ),
                )
            })
        })
        .collect()
}

/// detect-secrets' baseline: `results` maps each file to entries whose
/// `hashed_secret` is the SHA-1 of the secret.
fn detect_secrets(results: &Value) -> Vec<KnownEntry> {
    let entries = results
        .as_object()
        .into_iter()
        .flat_map(|files| files.values());
    entries
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|e| e.get("hashed_secret")?.as_str())
        .map(|h| KnownEntry::SecretSha1(h.to_ascii_lowercase()))
        .collect()
}

fn known(v: &Value) -> Option<KnownEntry> {
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    if let Some(fp) = text("fingerprint").filter(|f| f.len() == 64) {
        return Some(KnownEntry::Fingerprint(fp.to_ascii_lowercase()));
    }
    let rule_id = text("RuleID")?;
    match text("Secret") {
        // gitleaks writes "REDACTED", or a prefix and "..." with --redact=N.
        Some(s) if !s.is_empty() && s != "REDACTED" && !s.ends_with("...") => {
            Some(KnownEntry::Secret(s.to_string()))
        }
        _ => Some(KnownEntry::Position(PositionEntry {
            commit: text("Commit")
                .filter(|c| !c.is_empty())
                .map(str::to_ascii_lowercase),
            path: normalise(text("File")?),
            rule_id: rule_id.to_string(),
            line: usize::try_from(v.get("StartLine")?.as_u64()?).ok()?,
        })),
    }
}

/// Writes a baseline of `findings`: a JSON array of `rule_id`, `path` and
/// `fingerprint`, sorted and without duplicates.
pub fn write_baseline(findings: &[Finding], out: &mut dyn io::Write) -> io::Result<()> {
    let entries: BTreeSet<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f.fingerprint.to_hex(),
                f.origin.display_path(),
                f.rule_id.to_string(),
            )
        })
        .collect();
    let list: Vec<Value> = entries
        .into_iter()
        .map(|(fingerprint, path, rule_id)| {
            serde_json::json!({ "rule_id": rule_id, "path": path, "fingerprint": fingerprint })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}
