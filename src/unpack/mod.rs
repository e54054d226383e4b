//! The unpack stage, between the sources and the detector: secrets that
//! hide from a plain scan, inside encoded runs ([`decode`]: base64, hex,
//! percent, escaped strings) and inside archives ([`archive`]).
//! [`Unpacker::scan`] runs the detector on a blob, then on the decoded text
//! of each encoded run (with the rest of the run's line around it, so
//! `password: <base64>` reads as `password: <secret>`) and on each archive
//! member, recursively within the depth limits. A finding in decoded text is
//! reported at the encoded run in the blob, with the chain of decodings; one
//! in an archive member is reported at `archive.zip!member/path`.
//! Fingerprints are the secret's own, so baselines and ignore entries work
//! whatever the wrapping. What it cannot open it returns as [`NotOpened`]:
//! it knows nothing of sources, skips or reports.

pub mod archive;
pub mod decode;

use std::{
    cell::{Cell, OnceCell, RefCell},
    ops::Range,
    path::PathBuf,
};

use crate::detect::{
    line_around, mark_secrets, overlaps, Detector, Focus, LineIndex, EXCERPT_REACH,
};
use crate::finding::{path_string, Excerpt, Finding, Origin, Secret};
use crate::sniff::{archive_kind, is_binary, ArchiveKind};
use archive::Limits;
use decode::Run;

/// Bytes of the encoded run's line kept around its decoded text, each
/// side: more than an excerpt's reach, so a key name far before a long
/// encoded value still counts.
const DECODE_CONTEXT: usize = 256;

/// How far to look past what is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnpackOptions {
    /// Nested decodings followed (0: none).
    pub max_decode_depth: u8,
    /// Archive limits; `None`: archives are not opened.
    pub archives: Option<Limits>,
}

impl Default for UnpackOptions {
    fn default() -> Self {
        UnpackOptions {
            max_decode_depth: 2,
            archives: Some(Limits {
                max_depth: 3,
                max_member: 10 << 20,
                max_total: archive::MAX_TOTAL,
            }),
        }
    }
}

/// An archive, or a member of one, that was not read, and why (a size or
/// depth limit, a corrupt archive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotOpened {
    /// Where it is.
    pub origin: Origin,
    /// Why it was not read.
    pub why: String,
}

/// What an unpacking scan of one blob found, and what it could not open.
#[derive(Debug, Default)]
pub struct Unpacked {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Archives or members not read.
    pub not_opened: Vec<NotOpened>,
    /// A scan stopped at `--max-findings-per-file`: there may be more.
    pub capped: bool,
}

/// The detector, plus decoding and archives.
pub struct Unpacker<'d> {
    detector: &'d Detector<'d>,
    opts: UnpackOptions,
}

/// The depths still allowed below the current layer.
#[derive(Clone, Copy)]
struct Depth {
    decode: u8,
    archive: u8,
}

/// What only the outermost text layer of a blob has.
struct Top<'f, 'a> {
    /// Where its file findings go.
    files: &'f mut Vec<Finding>,
    /// Which part of it counts.
    focus: Focus<'a>,
}

/// What the layers of one blob's scan share.
struct Shared {
    not_opened: RefCell<Vec<NotOpened>>,
    budget: Cell<u64>,
    capped: Cell<bool>,
}

impl Shared {
    fn not_opened(&self, origin: &Origin, why: String) {
        self.not_opened.borrow_mut().push(NotOpened {
            origin: origin.clone(),
            why,
        });
    }
}

impl<'d> Unpacker<'d> {
    /// An unpacker over `detector`.
    pub fn new(detector: &'d Detector<'d>, opts: UnpackOptions) -> Self {
        Unpacker { detector, opts }
    }

    /// Scans one blob, its encoded runs and, if it is an archive, its
    /// members; the plain text of a text blob only where `focus` says.
    pub fn scan(&self, data: &[u8], origin: &Origin, focus: Focus<'_>) -> Unpacked {
        let state = Shared {
            not_opened: RefCell::new(Vec::new()),
            capped: Cell::new(false),
            budget: Cell::new(self.opts.archives.map_or(0, |l| l.max_total)),
        };
        let depth = Depth {
            decode: self.opts.max_decode_depth,
            archive: self.opts.archives.map_or(0, |l| l.max_depth),
        };
        let findings = self.blob(data, origin, depth, &state, focus);
        Unpacked {
            findings,
            not_opened: state.not_opened.into_inner(),
            capped: state.capped.get(),
        }
    }

    /// Any bytes: an archive is opened, binary is passed over, text is scanned.
    fn blob(
        &self,
        data: &[u8],
        origin: &Origin,
        depth: Depth,
        state: &Shared,
        focus: Focus<'_>,
    ) -> Vec<Finding> {
        if let (Some(limits), Some(kind)) = (self.opts.archives, archive_kind(data)) {
            return self.archive(data, kind, limits, origin, depth, state);
        }
        if is_binary(data) {
            return self.detector.scan_binary(data, origin);
        }
        let mut files = Vec::new();
        let mut found = self.text(
            data,
            origin,
            depth,
            0..data.len(),
            state,
            Some(Top {
                files: &mut files,
                focus,
            }),
        );
        // A file finding stands only where nothing else was found.
        if !found.iter().any(|f| f.origin == *origin) {
            found.append(&mut files);
        }
        found
    }

    fn archive(
        &self,
        data: &[u8],
        kind: ArchiveKind,
        limits: Limits,
        origin: &Origin,
        depth: Depth,
        state: &Shared,
    ) -> Vec<Finding> {
        if depth.archive == 0 {
            state.not_opened(
                origin,
                format!(
                    "archive nested deeper than {}, not opened",
                    limits.max_depth
                ),
            );
            return Vec::new();
        }
        let mut found = Vec::new();
        let read = archive::members(data, kind, limits.max_member, &state.budget, &mut |m| {
            let inner = match &m.name {
                Some(name) => nested(origin, name),
                None => origin.clone(),
            };
            match m.content {
                Ok(bytes) => {
                    // A compressed stream holding a container is one layer.
                    let holds_container = kind.is_stream()
                        && matches!(
                            archive_kind(&bytes),
                            Some(ArchiveKind::Tar | ArchiveKind::Zip)
                        );
                    let below = Depth {
                        archive: depth.archive - u8::from(!holds_container),
                        ..depth
                    };
                    found.extend(self.blob(&bytes, &inner, below, state, Focus::Whole));
                }
                Err(why) => state.not_opened(&inner, why),
            }
        });
        if let Err(why) = read {
            state.not_opened(origin, why);
        }
        found
    }

    /// Text: the detector, then each decodable run of `data[within]`. For
    /// the blob itself (`top`; decoded text is no file), the plain scan's
    /// file findings go to `top.files`, and it reads where `top.focus` says.
    fn text(
        &self,
        data: &[u8],
        origin: &Origin,
        depth: Depth,
        within: Range<usize>,
        state: &Shared,
        top: Option<Top<'_, '_>>,
    ) -> Vec<Finding> {
        let focus = top.as_ref().map_or(Focus::Whole, |t| t.focus);
        let plain = self.detector.scan_capped(data, origin, focus);
        if plain.capped {
            state.capped.set(true);
        }
        if let Some(top) = top {
            *top.files = plain.files;
        }
        let mut found = plain.findings;
        if depth.decode == 0 {
            return found;
        }
        let below = Depth {
            decode: depth.decode - 1,
            ..depth
        };
        let lines = OnceCell::new();
        let mut hidden: Vec<Finding> = Vec::new();
        for run in decode::runs(data, within) {
            if decode::is_text(&run.bytes) {
                let (buf, region) = with_line(data, &run);
                for f in self.text(&buf, origin, below, region.clone(), state, None) {
                    let lines = lines.get_or_init(|| LineIndex::new(data));
                    hidden.extend(lift(f, data, origin, &run, &region, lines));
                }
            } else if self.opts.archives.is_some() && archive_kind(&run.bytes).is_some() {
                for mut f in self.blob(&run.bytes, origin, below, state, Focus::Whole) {
                    f.decoded.insert(0, run.encoding.name());
                    hidden.push(f);
                }
            }
        }
        if hidden.is_empty() {
            return found;
        }
        // Where the plain scan and a decoding found the same rule at the
        // same place, one finding stays: the plain one if the secrets are
        // the same, else the decoded one (its secret is the real one, the
        // plain one's is the encoded text). A generic finding gives way to a
        // specific one at the same place, plain or decoded, as within one scan.
        let same_place =
            |f: &Finding, h: &Finding| f.origin == h.origin && overlaps(&f.span, &h.span);
        hidden.retain(|h| {
            !found.iter().any(|f| {
                same_place(f, h)
                    && ((f.rule_id == h.rule_id && f.fingerprint == h.fingerprint)
                        || (h.is_generic() && !f.is_generic()))
            })
        });
        found.retain(|f| {
            !hidden.iter().any(|h| {
                same_place(f, h) && (f.rule_id == h.rule_id || (f.is_generic() && !h.is_generic()))
            })
        });
        let mut seen = Vec::new();
        hidden.retain(|h| {
            let key = (
                h.rule_id.clone(),
                h.fingerprint,
                h.span.clone(),
                h.origin.clone(),
            );
            !seen.contains(&key) && {
                seen.push(key);
                true
            }
        });
        // The encoded text of a hidden secret is as good as the secret:
        // redact it wherever an excerpt of this blob shows it.
        let encoded: Vec<Secret> = hidden
            .iter()
            .filter(|h| h.origin == *origin)
            .map(|h| Secret::new(String::from_utf8_lossy(&data[h.span.clone()])))
            .collect();
        found.extend(hidden);
        let (mut here, elsewhere): (Vec<Finding>, Vec<Finding>) =
            found.into_iter().partition(|f| f.origin == *origin);
        mark_secrets(&mut here, &encoded);
        here.extend(elsewhere);
        here
    }
}

/// The decoded bytes of `run` with the rest of its line (up to
/// `DECODE_CONTEXT` bytes each side) around them, and where they sit.
fn with_line(data: &[u8], run: &Run) -> (Vec<u8>, Range<usize>) {
    let (s, e) = (run.span.start, run.span.end);
    let line = line_around(data, s..e, DECODE_CONTEXT);
    let mut buf = Vec::with_capacity(line.len() - run.span.len() + run.bytes.len());
    buf.extend_from_slice(&data[line.start..s]);
    buf.extend_from_slice(&run.bytes);
    buf.extend_from_slice(&data[e..line.end]);
    let region = s - line.start..s - line.start + run.bytes.len();
    (buf, region)
}

/// A finding in the decoded text of `run` (`region` of the scanned buffer),
/// moved to the run's place in `data`; `None` if it lies in the line
/// context only (the plain scan saw that text). Findings from archives
/// inside the decoded bytes keep their own place.
fn lift(
    mut f: Finding,
    data: &[u8],
    origin: &Origin,
    run: &Run,
    region: &Range<usize>,
    lines: &LineIndex,
) -> Option<Finding> {
    f.decoded.insert(0, run.encoding.name());
    if f.origin != *origin {
        return Some(f);
    }
    let start = f.span.start.max(region.start);
    let end = f.span.end.min(region.end);
    if start >= end {
        return None;
    }
    let span = run.source_of(start - region.start..end - region.start);
    let line = line_around(data, span.clone(), EXCERPT_REACH);
    f.line = Excerpt::new(
        String::from_utf8_lossy(&data[line.clone()]),
        span.start - line.start..span.end - line.start,
    );
    f.start = lines.position(span.start);
    f.end = lines.position(span.end);
    f.span = span;
    Some(f)
}

/// The origin of a member `name` of the archive at `origin`: its path is
/// `archive!name`. A git blob not yet placed at a path stays unplaced.
fn nested(origin: &Origin, name: &str) -> Origin {
    match origin {
        Origin::File { path, root } => Origin::File {
            path: PathBuf::from(format!("{}!{name}", path_string(path))),
            root: *root,
        },
        Origin::Stdin { label } => Origin::Stdin {
            label: format!("{label}!{name}"),
        },
        Origin::Git { path, blob, commit } => Origin::Git {
            path: path.as_ref().map(|p| format!("{p}!{name}")),
            blob: *blob,
            commit: commit.clone(),
        },
    }
}
