//! Reports: a scan's findings and statistics, rendered as text, JSON, JSON
//! Lines or SARIF. Redaction is applied here, following [`RenderOptions`].
//! Reporters do not scan, open repositories or decide exit codes.

mod json;
mod sarif;
mod text;

use std::{io, time::Duration};

use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::sources::{Skip, SkipReason, SourceStats};

/// The result of a scan: findings in a stable order, and statistics.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings, sorted by path, line, column and rule.
    pub findings: Vec<Finding>,
    /// What the source read and skipped.
    pub stats: SourceStats,
    /// Wall time of the scan.
    pub duration: Duration,
    /// A signal stopped the scan: the findings are those found so far.
    pub interrupted: bool,
    /// Known findings left out (baseline, ignore files, leakhound's own files).
    pub suppressed: usize,
}

impl Report {
    /// A report; findings are sorted into their stable order.
    pub fn new(mut findings: Vec<Finding>, stats: SourceStats, duration: Duration) -> Report {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Report {
            findings,
            stats,
            duration,
            interrupted: false,
            suppressed: 0,
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: one block per finding and a summary.
    Text,
    /// A JSON array of findings.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Replace secrets by their redacted form.
    pub redact: bool,
    /// ANSI colours (text only).
    pub color: bool,
}

/// Renders `report` in `format` to `out`.
pub fn render(
    report: &Report,
    rules: &RuleSet,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, opts, out),
        Format::Json => json::render(report, opts, out),
        Format::Jsonl => json::render_lines(report, opts, out),
        Format::Sarif => sarif::render(report, rules, opts, out),
    }
}

/// A human summary of a scan, e.g. `120 files, 1.2 MB in 0.05 s; skipped 2 (binary 1)`.
pub fn summary(stats: &SourceStats, duration: Duration) -> String {
    let mut s = format!(
        "{} files, {} in {:.2} s",
        stats.blobs,
        human_bytes(stats.bytes),
        duration.as_secs_f64()
    );
    let skipped: Vec<&Skip> = stats
        .skips
        .iter()
        .filter(|s| !matches!(s.reason, SkipReason::Ignored { .. }))
        .collect();
    if !skipped.is_empty() {
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for skip in &skipped {
            match kinds.iter_mut().find(|(k, _)| *k == skip.reason.kind()) {
                Some((_, n)) => *n += 1,
                None => kinds.push((skip.reason.kind(), 1)),
            }
        }
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        s.push_str(&format!(
            "; skipped {} ({})",
            skipped.len(),
            parts.join(", ")
        ));
    }
    let (files, dirs) = ignored_counts(stats);
    if files + dirs > 0 {
        s.push_str(&format!("; ignored {}", files + dirs));
        if dirs > 0 {
            s.push_str(&format!(
                " ({files} file{}, {dirs} director{})",
                if files == 1 { "" } else { "s" },
                if dirs == 1 { "y" } else { "ies" }
            ));
        }
    }
    s
}

/// How many files and directories the ignore files kept out.
pub fn ignored_counts(stats: &SourceStats) -> (usize, usize) {
    stats.skips.iter().fold((0, 0), |(f, d), s| match s.reason {
        SkipReason::Ignored { directory: false } => (f + 1, d),
        SkipReason::Ignored { directory: true } => (f, d + 1),
        _ => (f, d),
    })
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_skips_by_kind() {
        let skip = |reason| Skip {
            path: "p".into(),
            reason,
        };
        let stats = SourceStats {
            blobs: 3,
            bytes: 1500,
            skips: vec![
                skip(SkipReason::Binary),
                skip(SkipReason::Binary),
                skip(SkipReason::Symlink),
            ],
            notes: Vec::new(),
            broken: Vec::new(),
            repository: None,
        };
        assert_eq!(
            summary(&stats, Duration::from_millis(20)),
            "3 files, 1.5 KB in 0.02 s; skipped 3 (binary 2, symlink 1)"
        );
        let file = || skip(SkipReason::Ignored { directory: false });
        let mut stats = SourceStats {
            skips: vec![file(), skip(SkipReason::Binary), file()],
            ..stats
        };
        assert_eq!(
            summary(&stats, Duration::from_millis(20)),
            "3 files, 1.5 KB in 0.02 s; skipped 1 (binary 1); ignored 2"
        );
        stats.skips = vec![file(), skip(SkipReason::Ignored { directory: true })];
        assert_eq!(
            summary(&stats, Duration::from_millis(20)),
            "3 files, 1.5 KB in 0.02 s; ignored 2 (1 file, 1 directory)"
        );
    }
}
