//! The pipeline, composed once: a source visits blobs, the detector scans
//! each, findings are collected and sorted into a [`Report`].

use std::{sync::Mutex, time::Instant};

use crate::detect::{DetectOptions, Detector};
use crate::finding::{Finding, Origin};
use crate::report::Report;
use crate::rules::RuleSet;
use crate::sources::{SourceError, SourceStats, Visitor};

/// Runs `visit_source` (a source's `visit`) with a detector over `rules`
/// and gathers the report.
pub fn run(
    rules: &RuleSet,
    opts: DetectOptions,
    visit_source: impl FnOnce(&Visitor<'_>) -> Result<SourceStats, SourceError>,
) -> Result<Report, SourceError> {
    let started = Instant::now();
    let detector = Detector::new(rules, opts);
    let found: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let visitor = |data: &[u8], origin: &Origin| {
        let mut f = detector.scan(data, origin);
        if !f.is_empty() {
            found.lock().unwrap_or_else(|e| e.into_inner()).append(&mut f);
        }
    };
    let stats = visit_source(&visitor)?;
    let findings = found.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(Report::new(findings, stats, started.elapsed()))
}
