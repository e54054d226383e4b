//! Files on disk: a parallel `ignore` walk (respecting `.gitignore` and
//! `.ignore` unless told not to, never entering `.git/`), reading each
//! regular file once; binary, oversized, unreadable files, symlinks (unless
//! followed) and what the ignore files keep out are counted as skips, never
//! silently dropped. Stops early when the scan is interrupted.

mod ignored;

use std::{
    fs::File,
    io::Read,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use ignore::{WalkBuilder, WalkState};

use self::ignored::IgnoreRules;
use super::{skip_as_binary, Blob, Control, Skip, SkipReason, SourceError, SourceStats, Visit};
use crate::finding::{path_string, Origin};
use crate::sniff::Magic;
use crate::sync::{into_inner, lock};

/// A set of files and directories to scan.
pub struct DirSource {
    /// Roots: files or directories.
    pub roots: Vec<PathBuf>,
    /// Respect `.gitignore`, `.ignore` and git excludes.
    pub respect_ignore: bool,
    /// Follow symbolic links (a link loop is skipped and named).
    pub follow_links: bool,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Hand archives (zip, tar, gzip, ...) to the visitor although binary.
    pub archives: bool,
    /// Hand binary files that start with one of these to the visitor.
    pub keep_binary: Vec<Magic>,
}

impl DirSource {
    /// The directory whose config files apply: the first root, or its parent.
    pub fn root(&self) -> PathBuf {
        let first = self
            .roots
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        if first.is_dir() {
            first
        } else {
            first
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        }
    }
}

impl Visit for DirSource {
    type Item<'a> = Blob<'a>;

    /// Walks the roots in parallel and visits every scannable file.
    fn visit(
        &self,
        visit: &(dyn Fn(Blob<'_>) + Sync),
        control: &Control<'_>,
    ) -> Result<SourceStats, SourceError> {
        let Some((first, rest)) = self.roots.split_first() else {
            return Ok(SourceStats::default());
        };
        for root in &self.roots {
            check_root(root)?;
        }
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        // The ignore files are applied here, not by the walker, so that what
        // they keep out is counted as it is met.
        let rules = self.respect_ignore.then(|| IgnoreRules::new(&self.roots));
        let ignored = Arc::new(Mutex::new(Vec::new()));
        let kept_out = Arc::clone(&ignored);
        builder
            .standard_filters(false)
            .follow_links(self.follow_links)
            .threads(self.threads)
            .filter_entry(move |e| {
                let directory = e.file_type().is_some_and(|t| t.is_dir());
                if directory && e.file_name() == ".git" {
                    return false;
                }
                if rules
                    .as_ref()
                    .is_some_and(|r| r.ignores(e.path(), directory))
                {
                    lock(&kept_out).push(Skip {
                        path: path_string(e.path()),
                        reason: SkipReason::Ignored { directory },
                    });
                    return false;
                }
                true
            });
        let blobs = AtomicU64::new(0);
        let bytes = AtomicU64::new(0);
        let skips = Mutex::new(Vec::new());
        let skip = |path: &Path, reason: SkipReason| {
            let path = path_string(path);
            lock(&skips).push(Skip { path, reason });
        };
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                if control.cancel.is_requested() {
                    return WalkState::Quit;
                }
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        let path = error_path(&err).unwrap_or_default();
                        skip(&path, SkipReason::Unreadable(error_message(&err)));
                        return WalkState::Continue;
                    }
                };
                let Some(kind) = entry.file_type() else {
                    return WalkState::Continue;
                };
                if kind.is_symlink() {
                    skip(entry.path(), SkipReason::Symlink);
                    return WalkState::Continue;
                }
                if !kind.is_file() {
                    return WalkState::Continue;
                }
                match self.read(entry.path()) {
                    Ok(data) => {
                        blobs.fetch_add(1, Ordering::Relaxed);
                        bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                        visit(Blob {
                            data: &data,
                            origin: Origin::File {
                                path: entry.path().to_path_buf(),
                                root: root_len(entry.path(), entry.depth()),
                            },
                        });
                    }
                    Err(reason) => skip(entry.path(), reason),
                }
                WalkState::Continue
            })
        });
        let mut skips = into_inner(skips);
        skips.append(&mut lock(&ignored));
        skips.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(SourceStats {
            blobs: blobs.into_inner(),
            bytes: bytes.into_inner(),
            skips,
            notes: Vec::new(),
            broken: Vec::new(),
            repository: None,
        })
    }
}

/// How many bytes of `path`'s shown form name the root it was walked from
/// `depth` levels below (a root that is a file: its directory).
fn root_len(path: &Path, depth: usize) -> usize {
    let inside = path
        .ancestors()
        .nth(depth.max(1))
        .and_then(|root| path.strip_prefix(root).ok())
        .map_or(0, |rel| path_string(rel).len());
    path_string(path).len().saturating_sub(inside)
}

impl DirSource {
    /// Reads a file, or says why it is skipped. Never more than the size
    /// limit is read, even from a file that grows while it is read.
    fn read(&self, path: &Path) -> Result<Vec<u8>, SkipReason> {
        let unreadable = |e: std::io::Error| SkipReason::Unreadable(e.to_string());
        let file = File::open(path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        if len > self.max_file_size {
            return Err(SkipReason::TooLarge(len));
        }
        let mut data = Vec::with_capacity(len as usize);
        file.take(self.max_file_size.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(unreadable)?;
        if data.len() as u64 > self.max_file_size {
            return Err(SkipReason::TooLarge(data.len() as u64));
        }
        if skip_as_binary(&data, self.archives, &self.keep_binary) {
            return Err(SkipReason::Binary);
        }
        Ok(data)
    }
}

/// A path given to scan exists and can be read: one that cannot is an
/// error like a missing one, not a skip (the user asked for it by name).
fn check_root(root: &Path) -> Result<(), SourceError> {
    let meta =
        std::fs::symlink_metadata(root).map_err(|_| SourceError::NotFound(root.to_path_buf()))?;
    let opened = if meta.is_dir() {
        std::fs::read_dir(root).map(drop)
    } else if meta.is_file() {
        File::open(root).map(drop)
    } else {
        Ok(())
    };
    opened.map_err(|error| SourceError::Io {
        what: format!("{}: cannot read", root.display()),
        error,
    })
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        other => other.to_string(),
    }
}
