//! The pipeline, composed once. [`run`] takes a [`Plan`] (the CLI builds
//! one from the flags; a library user builds it by hand), lets its source
//! visit blobs, runs the unpack stage and the detector on each, and gathers
//! a [`Report`]: a diff's findings are kept to the lines it adds, a
//! history's are attributed to the commits that introduced them
//! ([`history`]), known findings (baseline, ignore files, leakhound's own
//! files) are left out, and the rest come sorted.

mod history;

use std::{collections::HashSet, ops::RangeInclusive, path::PathBuf, sync::Mutex, time::Instant};

use crate::baseline::Suppressions;
use crate::cancel::Cancel;
use crate::detect::{DetectOptions, Detector, Focus};
use crate::finding::{Finding, Fingerprint, Origin};
use crate::progress::Progress;
use crate::report::Report;
use crate::rules::RuleSet;
use crate::sources::git::{Change, Diffs};
use crate::sources::{Blob, Control, Skip, SkipReason, Source, SourceError, SourceStats, Visit};
use crate::sync::{into_inner, lock};
use crate::unpack::{UnpackOptions, Unpacked, Unpacker};

/// Everything one scan needs, decided before it starts.
pub struct Plan {
    /// Where the bytes come from.
    pub source: Source,
    /// The directory whose config and ignore files apply (git paths of
    /// findings are resolved against it to recognise leakhound's own files).
    pub root: PathBuf,
    /// The compiled rules.
    pub rules: RuleSet,
    /// Detector options.
    pub detect: DetectOptions,
    /// Decoding and archive options.
    pub unpack: UnpackOptions,
    /// Which occurrences of a secret a git scan reports.
    pub occurrences: Occurrences,
    /// Known findings to leave out.
    pub suppressions: Suppressions,
    /// Set to stop the scan early (it then reports what it found so far).
    pub cancel: Cancel,
    /// The progress bar of long scans.
    pub progress: Progress,
}

/// Which occurrences of one secret a git scan reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrences {
    /// Where it first appears: the introducing commit (history), the first
    /// commit of a range that adds it at a path.
    First,
    /// Every commit that introduces it, every file that holds it.
    All,
}

/// A fatal scan error: nothing useful could be reported.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The source could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// Runs the scan `plan` describes.
pub fn run(plan: &Plan) -> Result<Report, ScanError> {
    let started = Instant::now();
    let detector = Detector::new(&plan.rules, plan.detect);
    let stage = Stage::new(&detector, plan.unpack);
    let control = Control {
        cancel: &plan.cancel,
        progress: &plan.progress,
    };
    let (mut findings, stats) = match &plan.source {
        Source::Dir(dir) => stage.whole(dir, &control)?,
        Source::Stdin(stdin) => stage.whole(stdin, &control)?,
        Source::Changes(diffs) => stage.changes(diffs, plan.occurrences, &control)?,
        Source::History(h) => history::run(&stage, h, plan.occurrences, &control)?,
    };
    let suppressed = plan.suppressions.apply(&mut findings, &plan.root);
    let mut report = Report::new(findings, stats, started.elapsed());
    report.interrupted = plan.cancel.is_requested();
    report.suppressed = suppressed;
    Ok(report)
}

/// The detector and the unpack stage over it, with what blob scans leave
/// besides findings: archive members not read, and the blobs whose scan
/// stopped at the findings cap.
struct Stage<'d> {
    detector: &'d Detector<'d>,
    unpacker: Unpacker<'d>,
    skips: Mutex<Vec<Skip>>,
    capped: Mutex<Vec<String>>,
}

impl<'d> Stage<'d> {
    fn new(detector: &'d Detector<'d>, opts: UnpackOptions) -> Self {
        Stage {
            detector,
            unpacker: Unpacker::new(detector, opts),
            skips: Mutex::default(),
            capped: Mutex::default(),
        }
    }

    /// Scans a blob, remembering what it could not open and whether it was capped.
    fn scan(&self, data: &[u8], origin: &Origin, focus: Focus<'_>) -> Vec<Finding> {
        let Unpacked {
            findings,
            not_opened,
            capped,
        } = self.unpacker.scan(data, origin, focus);
        if !not_opened.is_empty() {
            lock(&self.skips).extend(not_opened.into_iter().map(|n| Skip {
                path: n.origin.name(),
                reason: SkipReason::Archive(n.why),
            }));
        }
        if capped {
            let name = match origin {
                Origin::Git {
                    path: None, blob, ..
                } => format!("blob {blob}"),
                _ => origin.display_path(),
            };
            lock(&self.capped).push(name);
        }
        findings
    }

    /// Whether a finding is a `file` rule's (the whole file, not a line).
    fn is_file_finding(&self, f: &Finding) -> bool {
        self.detector
            .rules()
            .get(&f.rule_id)
            .is_some_and(|r| r.is_file_rule())
    }

    /// Scans a blob again (its skips were counted the first time).
    fn rescan(&self, data: &[u8], origin: &Origin) -> Vec<Finding> {
        self.unpacker.scan(data, origin, Focus::Whole).findings
    }

    /// Adds the skips, and one note per capped blob, to `stats`.
    fn report(&self, stats: &mut SourceStats) {
        stats.skips.append(&mut lock(&self.skips));
        let mut names = std::mem::take(&mut *lock(&self.capped));
        names.sort();
        names.dedup();
        let cap = self.detector.options().max_findings;
        stats.notes.extend(
            names.into_iter().map(|name| {
                format!("{name}: stopped after {cap} findings (--max-findings-per-file)")
            }),
        );
    }

    /// A source of whole blobs: every finding counts.
    fn whole<S>(
        &self,
        source: &S,
        control: &Control<'_>,
    ) -> Result<(Vec<Finding>, SourceStats), SourceError>
    where
        S: for<'a> Visit<Item<'a> = Blob<'a>>,
    {
        let found = Mutex::new(Vec::new());
        let mut stats = source.visit(
            &|blob: Blob<'_>| {
                let mut f = self.scan(blob.data, &blob.origin, Focus::Whole);
                if !f.is_empty() {
                    lock(&found).append(&mut f);
                }
            },
            control,
        )?;
        self.report(&mut stats);
        Ok((into_inner(found), stats))
    }

    /// What changes add: findings on added lines that were not in the file
    /// before, and a `file` rule's finding (on no line: the whole file) unless
    /// the file was the same finding before (an edit to a `.env` that changes
    /// no value). With
    /// [`Occurrences::First`], a secret found again at the same path (later
    /// commits of a range) is reported once, where first seen.
    fn changes(
        &self,
        diffs: &Diffs,
        occurrences: Occurrences,
        control: &Control<'_>,
    ) -> Result<(Vec<Finding>, SourceStats), SourceError> {
        let found = Mutex::new(Vec::new());
        let mut stats = diffs.visit(
            &|change: Change<'_>| {
                let origin = &change.blob.origin;
                // Only findings on added lines count: the rest of the blob
                // is read only where a regex can reach them.
                let mut f = self.scan(change.blob.data, origin, Focus::Lines(change.added));
                f.retain(|f| self.is_file_finding(f) || on_added_line(f, change.added));
                if let (false, Some(before)) = (f.is_empty(), change.before) {
                    let old: HashSet<Fingerprint> = self
                        .rescan(before, origin)
                        .iter()
                        .map(|f| f.fingerprint)
                        .collect();
                    f.retain(|f| !old.contains(&f.fingerprint));
                }
                if !f.is_empty() {
                    lock(&found).append(&mut f);
                }
            },
            control,
        )?;
        self.report(&mut stats);
        let mut findings = into_inner(found);
        if occurrences == Occurrences::First {
            let mut seen = HashSet::new();
            findings.retain(|f| seen.insert((f.fingerprint, f.origin.display_path())));
        }
        Ok((findings, stats))
    }
}

/// Whether any line of a finding is one a diff added.
fn on_added_line(f: &Finding, added: &[RangeInclusive<usize>]) -> bool {
    added
        .iter()
        .any(|r| *r.start() <= f.end.line && f.start.line <= *r.end())
}
