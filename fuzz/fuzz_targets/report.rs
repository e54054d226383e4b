//! Arbitrary findings (secrets, excerpts with arbitrary secret ranges,
//! paths, commit metadata, skips) through every report writer; JSON, JSON
//! Lines and SARIF output must parse.
#![no_main]

use std::{sync::Arc, sync::OnceLock, time::Duration};

use leakhound::finding::{BlobId, CommitInfo, Excerpt, Fingerprint, Position};
use leakhound::report::{self, Format, RenderOptions};
use leakhound::rules::{Confidence, Severity};
use leakhound::finding::{Unchecked, Verification};
use leakhound::sources::{Skip, SkipReason, SourceStats};
use leakhound::{Config, Finding, Origin, Report, RuleSet, Secret};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::new(&Config::builtin().expect("built-in rules")).expect("rules"))
}

fn excerpt(u: &mut Unstructured<'_>) -> Result<Excerpt> {
    let text: String = u.arbitrary()?;
    let (a, b): (usize, usize) = (u.arbitrary()?, u.arbitrary()?);
    Ok(Excerpt::new(text, a.min(b)..a.max(b)))
}

fn finding(u: &mut Unstructured<'_>) -> Result<Finding> {
    let ids = [
        "github-pat",
        "aws-access-token",
        "generic-api-key",
        "no-such-rule",
    ];
    let rule_id: Arc<str> = (*u.choose(&ids)?).into();
    let secret = Secret::new(u.arbitrary::<String>()?);
    let origin = match u.int_in_range(0..=2)? {
        0 => Origin::File {
            path: u.arbitrary::<String>()?.into(),
            root: 0,
        },
        1 => Origin::Stdin {
            label: u.arbitrary()?,
        },
        _ => Origin::Git {
            path: u.arbitrary()?,
            blob: BlobId::from(u.arbitrary::<[u8; 20]>()?),
            commit: if u.arbitrary()? {
                Some(Arc::new(CommitInfo {
                    id: u.arbitrary()?,
                    author: u.arbitrary()?,
                    email: u.arbitrary()?,
                    date: u.arbitrary()?,
                    message: u.arbitrary()?,
                }))
            } else {
                None
            },
        },
    };
    let pos = |u: &mut Unstructured<'_>| -> Result<Position> {
        Ok(Position {
            line: u.arbitrary()?,
            column: u.arbitrary()?,
        })
    };
    Ok(Finding {
        fingerprint: Fingerprint::new(&rule_id, &secret),
        rule_id,
        description: u.arbitrary::<String>()?.into(),
        severity: *u.choose(&[
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ])?,
        confidence: *u.choose(&Confidence::ALL)?,
        tags: u.arbitrary::<Vec<String>>()?.into(),
        matched: excerpt(u)?,
        line: excerpt(u)?,
        span: 0..0,
        start: pos(u)?,
        end: pos(u)?,
        entropy: u.arbitrary()?,
        secret,
        origin,
        decoded: (0..u.int_in_range(0..=2)?)
            .map(|_| u.choose(&["base64", "hex", "percent", "escaped"]).copied())
            .collect::<Result<_>>()?,
        remediation: None,
        verification: match u.int_in_range(0..=3)? {
            0 => Verification::Unknown(Unchecked::NoVerifier),
            1 => Verification::Live {
                identity: u.arbitrary()?,
            },
            2 => Verification::Revoked,
            _ => Verification::Error(u.arbitrary()?),
        },
    })
}

fn report(u: &mut Unstructured<'_>) -> Result<Report> {
    let findings = (0..u.int_in_range(0..=4)?)
        .map(|_| finding(u))
        .collect::<Result<_>>()?;
    let skips = (0..u.int_in_range(0..=2)?)
        .map(|_| {
            Ok(Skip {
                path: u.arbitrary()?,
                reason: SkipReason::Unreadable(u.arbitrary()?),
            })
        })
        .collect::<Result<_>>()?;
    let stats = SourceStats {
        blobs: u.arbitrary()?,
        bytes: u.arbitrary()?,
        skips,
        notes: u.arbitrary()?,
        broken: Vec::new(),
        repository: None,
    };
    Ok(Report::new(
        findings,
        stats,
        Duration::from_millis(u.arbitrary::<u32>()?.into()),
    ))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(report) = report(&mut u) else {
        return;
    };
    for format in [Format::Text, Format::Json, Format::Jsonl, Format::Sarif] {
        for redact in [true, false] {
            let opts = RenderOptions {
                redact,
                color: !redact,
            };
            let mut out = Vec::new();
            report::render(&report, rules(), format, &opts, &mut out).expect("render");
            let text = String::from_utf8(out).expect("reports are UTF-8");
            match format {
                Format::Json | Format::Sarif => {
                    serde_json::from_str::<serde_json::Value>(&text).expect("JSON parses");
                }
                Format::Jsonl => {
                    for line in text.lines() {
                        serde_json::from_str::<serde_json::Value>(line).expect("JSON line parses");
                    }
                }
                Format::Text => {}
            }
        }
    }
});
