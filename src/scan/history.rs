//! The pipeline for a whole history, in three passes: every blob once
//! without a path, then attribution of the blobs with findings to the
//! commits that introduced them, then a re-scan of just those blobs with
//! their path and commit, so path and commit allowlists apply and each
//! finding carries its provenance. Interrupted before attribution ends,
//! the findings so far are reported by blob id, without path or commit.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use super::{Occurrences, Stage};
use crate::detect::Focus;
use crate::finding::{BlobId, Finding, Fingerprint, Origin};
use crate::sniff;
use crate::sources::git::{BlobReader, History, Introduction};
use crate::sources::{Blob, Control, Skip, SkipReason, SourceError, SourceStats, Visit};
use crate::sync::{into_inner, lock};

/// Scans `history`: its findings, attributed unless interrupted, and stats.
pub(super) fn run(
    stage: &Stage<'_>,
    history: &History,
    occurrences: Occurrences,
    control: &Control<'_>,
) -> Result<(Vec<Finding>, SourceStats), SourceError> {
    let targets: Mutex<HashMap<BlobId, Vec<Fingerprint>>> = Mutex::default();
    // Target blobs whose every finding comes from a rule with a path regex
    // (a dotenv file, a kubeconfig, ...): the rules, to judge the names the
    // blob has in trees. Without a path, such a rule matches many blobs.
    let by_path: Mutex<HashMap<BlobId, Vec<Arc<str>>>> = Mutex::default();
    let rules = stage.detector.rules();
    let (scanned, bytes, found_count) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let progress = control.progress;
    let visited = history.visit(
        &|blob: Blob<'_>| {
            let found = stage.scan(blob.data, &blob.origin, Focus::Whole);
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
                lock(&targets).insert(*id, keys);
                // An archive's members have paths of their own.
                let on_path = |f: &Finding| rules.get(&f.rule_id).is_some_and(|r| r.path.is_some());
                if sniff::archive_kind(blob.data).is_none() && found.iter().all(on_path) {
                    let mut ids: Vec<Arc<str>> = found.iter().map(|f| f.rule_id.clone()).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    lock(&by_path).insert(*id, ids);
                }
            }
        },
        control,
    );
    progress.finish();
    let mut stats = visited?;
    stage.report(&mut stats);
    let targets = into_inner(targets);
    let reader = history.reader()?;
    let cancel = control.cancel;
    let attribution = if cancel.is_requested() {
        None
    } else {
        let all = occurrences == Occurrences::All;
        let by_path = into_inner(by_path);
        // A blob is looked for at a name only where one of its rules may apply.
        let at_name = |blob: BlobId, name: &str| {
            by_path.get(&blob).is_none_or(|ids| {
                ids.iter()
                    .any(|id| rules.get(id).is_none_or(|r| r.may_apply_to_name(name)))
            })
        };
        Some(history.attribute(&targets, &at_name, all, cancel)?)
    };
    // Interrupted before or during attribution: report without it.
    let Some(attribution) = attribution.filter(|_| !cancel.is_requested()) else {
        return Ok((unattributed(stage, &reader, &targets), stats));
    };
    stats.skips.extend(attribution.skips);
    stats.broken.extend(attribution.broken);
    if attribution.unreachable > 0 {
        stats.notes.push(format!(
            "{} blob(s) with findings are not reachable from the scanned refs (not reported)",
            attribution.unreachable
        ));
    }
    let findings = rescan(stage, &reader, attribution.introductions, &mut stats);
    Ok((findings, stats))
}

/// Re-scans each (blob, path, commit) once with its provenance, keeping
/// the findings whose keys were introduced there.
fn rescan(
    stage: &Stage<'_>,
    reader: &BlobReader,
    introductions: Vec<Introduction<Fingerprint>>,
    stats: &mut SourceStats,
) -> Vec<Finding> {
    let mut groups: Vec<(Origin, BlobId, Vec<Fingerprint>)> = Vec::new();
    for intro in introductions {
        let origin = Origin::Git {
            path: Some(intro.path),
            blob: intro.blob,
            commit: Some(intro.commit),
        };
        match groups.last_mut() {
            Some((o, _, keys)) if *o == origin => keys.push(intro.key),
            _ => groups.push((origin, intro.blob, vec![intro.key])),
        }
    }
    let mut findings = Vec::new();
    for (origin, id, keys) in groups {
        let data = match reader.read(id) {
            Ok(d) => d,
            Err(e) => {
                stats.skips.push(Skip {
                    path: origin.display_path(),
                    reason: SkipReason::Corrupt(e.to_string()),
                });
                continue;
            }
        };
        let mut found = stage.rescan(&data, &origin);
        found.retain(|f| keys.contains(&f.fingerprint));
        let mut seen = HashSet::new();
        found.retain(|f| seen.insert(f.fingerprint));
        findings.extend(found);
    }
    findings
}

/// After an interrupt, with no time to walk the commits: the findings of
/// the blobs found so far, by blob id, without path or commit.
fn unattributed(
    stage: &Stage<'_>,
    reader: &BlobReader,
    targets: &HashMap<BlobId, Vec<Fingerprint>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &id in targets.keys() {
        let origin = Origin::Git {
            path: None,
            blob: id,
            commit: None,
        };
        if let Ok(data) = reader.read(id) {
            findings.extend(stage.detector.scan(&data, &origin));
        }
    }
    findings
}
