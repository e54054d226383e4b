//! The pipeline, composed once: a source visits blobs, the detector scans
//! each, findings are collected into a [`Report`]. A history scan adds two
//! steps: attribute the blobs with findings to the commits that introduced
//! them, then re-scan just those blobs with their path and commit, so path
//! and commit allowlists apply and each finding carries its provenance.

use std::{
    collections::{HashMap, HashSet},
    ops::RangeInclusive,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Instant,
};

use git2::Oid;

use crate::deep::{Deep, Scanned};
use crate::detect::{DetectOptions, Detector};
use crate::finding::{Finding, Fingerprint, Origin};
use crate::progress::Progress;
use crate::report::Report;
use crate::rules::RuleSet;
use crate::sources::git::History;
use crate::sources::{Blob, Skip, SkipReason, SourceError, SourceStats, Visitor};

/// Runs `visit_source` (a source's `visit`) with a detector over `rules`
/// and gathers the report. With `first_only`, a secret found again at the
/// same path (later commits of a range) is reported once, where first seen.
pub fn run(
    rules: &RuleSet,
    opts: DetectOptions,
    first_only: bool,
    visit_source: impl FnOnce(&Visitor<'_>) -> Result<SourceStats, SourceError>,
) -> Result<Report, SourceError> {
    let started = Instant::now();
    let detector = Detector::new(rules, opts);
    let deep = Deep::new(&detector, opts.deep);
    let found: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let skips: Mutex<Vec<Skip>> = Mutex::new(Vec::new());
    let visitor = |blob: Blob<'_>| {
        let mut f = scan_blob(&deep, blob.data, &blob.origin, &skips);
        if let Some(added) = blob.added {
            f.retain(|f| on_added_line(f, added));
        }
        if let (false, Some(before)) = (f.is_empty(), blob.before) {
            let old: HashSet<Fingerprint> = deep
                .scan(before, &blob.origin)
                .findings
                .iter()
                .map(|f| f.fingerprint)
                .collect();
            f.retain(|f| !old.contains(&f.fingerprint));
        }
        if !f.is_empty() {
            found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut f);
        }
    };
    let mut stats = visit_source(&visitor)?;
    stats
        .skips
        .extend(skips.into_inner().unwrap_or_else(|e| e.into_inner()));
    let mut findings = found.into_inner().unwrap_or_else(|e| e.into_inner());
    if first_only {
        let mut seen = HashSet::new();
        findings.retain(|f| seen.insert((f.fingerprint, f.origin.display_path())));
    }
    Ok(Report::new(findings, stats, started.elapsed()))
}

/// Scans a whole history: every blob once, then attribution of the blobs
/// with findings (first introduction, or all with `all_occurrences`).
pub fn run_history(
    rules: &RuleSet,
    opts: DetectOptions,
    history: &History,
    all_occurrences: bool,
    progress: &Progress,
) -> Result<Report, SourceError> {
    let started = Instant::now();
    let detector = Detector::new(rules, opts);
    let deep = Deep::new(&detector, opts.deep);
    let targets: Mutex<HashMap<Oid, Vec<Fingerprint>>> = Mutex::new(HashMap::new());
    let skips: Mutex<Vec<Skip>> = Mutex::new(Vec::new());
    let (scanned, bytes, found_count) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let visited = history.visit(
        &|blob: Blob<'_>| {
            let found = scan_blob(&deep, blob.data, &blob.origin, &skips);
            let done = scanned.fetch_add(1, Ordering::Relaxed);
            let total = bytes.fetch_add(blob.data.len() as u64, Ordering::Relaxed);
            let hits = found_count.fetch_add(found.len() as u64, Ordering::Relaxed);
            if done % 256 == 0 {
                progress.totals(total, hits);
            }
            if let (false, Origin::Git { blob: id, .. }) = (found.is_empty(), &blob.origin) {
                let mut keys: Vec<Fingerprint> = found.iter().map(|f| f.fingerprint).collect();
                keys.sort_unstable();
                keys.dedup();
                if let Ok(oid) = Oid::from_str(id) {
                    targets
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(oid, keys);
                }
            }
        },
        progress,
    );
    progress.finish();
    let mut stats = visited?;
    stats
        .skips
        .extend(skips.into_inner().unwrap_or_else(|e| e.into_inner()));
    let targets = targets.into_inner().unwrap_or_else(|e| e.into_inner());
    let attribution = history.attribute(&targets, all_occurrences)?;
    stats.skips.extend(attribution.skips);
    if attribution.unreachable > 0 {
        stats.notes.push(format!(
            "{} blob(s) with findings are not reachable from the scanned refs (not reported)",
            attribution.unreachable
        ));
    }

    // Re-scan each (blob, path, commit) once with its provenance.
    let repo = history.repo()?;
    let mut groups: Vec<(Origin, Oid, Vec<Fingerprint>)> = Vec::new();
    for intro in attribution.introductions {
        let origin = Origin::Git {
            path: intro.path,
            blob: intro.blob.to_string(),
            commit: Some(intro.commit),
        };
        match groups.last_mut() {
            Some((o, _, keys)) if *o == origin => keys.push(intro.key),
            _ => groups.push((origin, intro.blob, vec![intro.key])),
        }
    }
    let mut findings = Vec::new();
    for (origin, oid, keys) in groups {
        let data = match history.read_blob(&repo, oid) {
            Ok(d) => d,
            Err(e) => {
                stats.skips.push(Skip {
                    path: origin.display_path(),
                    reason: SkipReason::Corrupt(e.to_string()),
                });
                continue;
            }
        };
        // Skips were counted in the first pass.
        let mut found = deep.scan(&data, &origin).findings;
        found.retain(|f| keys.contains(&f.fingerprint));
        let mut seen = HashSet::new();
        found.retain(|f| seen.insert(f.fingerprint));
        findings.extend(found);
    }
    Ok(Report::new(findings, stats, started.elapsed()))
}

/// Scans one blob with `deep`, adding what it could not open to `skips`.
fn scan_blob(
    deep: &Deep<'_>,
    data: &[u8],
    origin: &Origin,
    skips: &Mutex<Vec<Skip>>,
) -> Vec<Finding> {
    let Scanned {
        findings,
        skips: mut not_opened,
    } = deep.scan(data, origin);
    if !not_opened.is_empty() {
        skips
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&mut not_opened);
    }
    findings
}

/// Whether any line of a finding is one a diff added.
fn on_added_line(f: &Finding, added: &[RangeInclusive<usize>]) -> bool {
    added
        .iter()
        .any(|r| *r.start() <= f.end.line && f.start.line <= *r.end())
}
