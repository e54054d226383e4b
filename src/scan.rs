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

use crate::cancel;
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
    let blobs = BlobScans::default();
    let visitor = |blob: Blob<'_>| {
        let mut f = blobs.scan(&deep, blob.data, &blob.origin);
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
    blobs.report(&detector, &mut stats);
    let mut findings = found.into_inner().unwrap_or_else(|e| e.into_inner());
    if first_only {
        let mut seen = HashSet::new();
        findings.retain(|f| seen.insert((f.fingerprint, f.origin.display_path())));
    }
    Ok(finish(findings, stats, started))
}

/// The report, marked interrupted if a signal stopped the scan.
fn finish(findings: Vec<Finding>, stats: SourceStats, started: Instant) -> Report {
    let mut report = Report::new(findings, stats, started.elapsed());
    report.interrupted = cancel::requested();
    report
}

/// What blob scans leave besides findings: archive members not read, and
/// the blobs whose scan stopped at the findings cap.
#[derive(Default)]
struct BlobScans {
    skips: Mutex<Vec<Skip>>,
    capped: Mutex<Vec<String>>,
}

impl BlobScans {
    /// Scans a blob with `deep`, remembering its skips and whether it was capped.
    fn scan(&self, deep: &Deep<'_>, data: &[u8], origin: &Origin) -> Vec<Finding> {
        let Scanned {
            findings,
            skips: mut not_opened,
            capped,
        } = deep.scan(data, origin);
        if !not_opened.is_empty() {
            lock(&self.skips).append(&mut not_opened);
        }
        if capped {
            let name = match origin {
                Origin::Git { path, blob, .. } if path.is_empty() => format!("blob {blob}"),
                _ => origin.display_path(),
            };
            lock(&self.capped).push(name);
        }
        findings
    }

    /// Adds the skips, and one note per capped blob, to `stats`.
    fn report(self, detector: &Detector<'_>, stats: &mut SourceStats) {
        stats
            .skips
            .extend(self.skips.into_inner().unwrap_or_else(|e| e.into_inner()));
        let mut names = self.capped.into_inner().unwrap_or_else(|e| e.into_inner());
        names.sort();
        names.dedup();
        let cap = detector.options().max_findings;
        stats.notes.extend(
            names.into_iter().map(|name| {
                format!("{name}: stopped after {cap} findings (--max-findings-per-file)")
            }),
        );
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    let blobs = BlobScans::default();
    let (scanned, bytes, found_count) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let visited = history.visit(
        &|blob: Blob<'_>| {
            let found = blobs.scan(&deep, blob.data, &blob.origin);
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
    blobs.report(&detector, &mut stats);
    let targets = targets.into_inner().unwrap_or_else(|e| e.into_inner());
    let repo = history.repo()?;
    let attribution = if cancel::requested() {
        None
    } else {
        Some(history.attribute(&targets, all_occurrences)?)
    };
    // Interrupted before or during attribution: report without it.
    let Some(attribution) = attribution.filter(|_| !cancel::requested()) else {
        let findings = unattributed(history, &repo, &detector, &targets);
        return Ok(finish(findings, stats, started));
    };
    stats.skips.extend(attribution.skips);
    if attribution.unreachable > 0 {
        stats.notes.push(format!(
            "{} blob(s) with findings are not reachable from the scanned refs (not reported)",
            attribution.unreachable
        ));
    }

    // Re-scan each (blob, path, commit) once with its provenance.
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
    Ok(finish(findings, stats, started))
}

/// After an interrupt, with no time to walk the commits: the findings of
/// the blobs found so far, by blob id, without path or commit.
fn unattributed(
    history: &History,
    repo: &git2::Repository,
    detector: &Detector<'_>,
    targets: &HashMap<Oid, Vec<Fingerprint>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &oid in targets.keys() {
        let origin = Origin::Git {
            path: String::new(),
            blob: oid.to_string(),
            commit: None,
        };
        if let Ok(data) = history.read_blob(repo, oid) {
            findings.extend(detector.scan(&data, &origin));
        }
    }
    findings
}

/// Whether any line of a finding is one a diff added.
fn on_added_line(f: &Finding, added: &[RangeInclusive<usize>]) -> bool {
    added
        .iter()
        .any(|r| *r.start() <= f.end.line && f.start.line <= *r.end())
}
