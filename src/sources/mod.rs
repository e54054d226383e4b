//! Where bytes come from: files on disk, standard input (git follows).
//! A source hands each blob's bytes and [`Origin`] to a visitor, in
//! parallel where it can, and counts what it skipped and why. Sources know
//! nothing of rules, findings or output formats.

mod dir;
pub mod git;
mod stdin;

use std::{fmt, ops::RangeInclusive};

use crate::finding::Origin;

pub use dir::DirSource;
pub use stdin::StdinSource;

/// Bytes of the first block checked for NUL to call a file binary.
pub const BINARY_PROBE: usize = 8 * 1024;

/// Whether `data` looks binary: a NUL byte in its first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// Whether a source passes over `data` as binary: binary and not an
/// archive to open (with `archives`).
pub fn skip_as_binary(data: &[u8], archives: bool) -> bool {
    is_binary(data) && !(archives && crate::archive::kind(data).is_some())
}

/// Why an input was not scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// NUL bytes in the first 8 KiB.
    Binary,
    /// Larger than the size limit (its size in bytes).
    TooLarge(u64),
    /// A symbolic link (not followed).
    Symlink,
    /// Could not be read (the error).
    Unreadable(String),
    /// A git object that is corrupt or cannot be inflated (the error).
    Corrupt(String),
    /// A git object that a tree names but the repository lacks.
    Missing,
    /// A Git LFS pointer (its content is not in the repository).
    LfsPointer,
    /// A submodule (its commits live in another repository).
    Submodule,
    /// An archive, or a member of one, not opened: a size or depth limit,
    /// or a corrupt archive (why).
    Archive(String),
}

impl SkipReason {
    /// Whether this skip is a fault worth telling (an unreadable file, a
    /// corrupt or missing object), not an ordinary exclusion.
    pub fn is_fault(&self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable(_)
                | SkipReason::Corrupt(_)
                | SkipReason::Missing
                | SkipReason::Archive(_)
        )
    }

    /// A short stable name for summaries: binary, too-large, symlink, unreadable.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge(_) => "too-large",
            SkipReason::Symlink => "symlink",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::Corrupt(_) => "corrupt",
            SkipReason::Missing => "missing",
            SkipReason::LfsPointer => "lfs-pointer",
            SkipReason::Submodule => "submodule",
            SkipReason::Archive(_) => "archive",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary file"),
            SkipReason::TooLarge(n) => write!(f, "too large ({n} bytes)"),
            SkipReason::Symlink => f.write_str("symbolic link, not followed"),
            SkipReason::Unreadable(e) => write!(f, "cannot read: {e}"),
            SkipReason::Corrupt(e) => write!(f, "corrupt object: {e}"),
            SkipReason::Missing => f.write_str("object missing from the repository"),
            SkipReason::LfsPointer => f.write_str("Git LFS pointer"),
            SkipReason::Submodule => f.write_str("submodule, not scanned"),
            SkipReason::Archive(why) => write!(f, "archive: {why}"),
        }
    }
}

/// One input that was not scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The input's path (or label).
    pub path: String,
    /// Why.
    pub reason: SkipReason,
}

/// What a source read.
#[derive(Clone, Debug, Default)]
pub struct SourceStats {
    /// Blobs (files) scanned.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Inputs not scanned, with reasons.
    pub skips: Vec<Skip>,
    /// Facts about the scan worth telling (e.g. a shallow history).
    pub notes: Vec<String>,
    /// For git sources: the repository that was read.
    pub repository: Option<RepositoryInfo>,
}

/// The repository a git scan read (SARIF's `versionControlProvenance`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepositoryInfo {
    /// The `origin` remote's URL without credentials, else a `file://` URI.
    pub uri: String,
    /// The commit HEAD points at, if any.
    pub revision: Option<String>,
    /// The branch HEAD points at, if any.
    pub branch: Option<String>,
}

/// A fatal source error: nothing could be scanned.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A path to scan does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(String),
    /// Reading failed.
    #[error("{0}")]
    Io(String),
}

/// The bytes of one file version and where they came from.
pub struct Blob<'a> {
    /// The content.
    pub data: &'a [u8],
    /// Where it came from.
    pub origin: Origin,
    /// For diffs: the 1-based line ranges (inclusive) the change added;
    /// findings on other lines were there before. `None`: every line counts.
    pub added: Option<&'a [RangeInclusive<usize>]>,
    /// For diffs: the file's content before the change. A secret already
    /// there is not one the change adds, even on a line git calls changed.
    pub before: Option<&'a [u8]>,
}

impl<'a> Blob<'a> {
    /// A whole blob: every line counts.
    pub fn whole(data: &'a [u8], origin: Origin) -> Self {
        Blob {
            data,
            origin,
            added: None,
            before: None,
        }
    }
}

/// The visitor every source feeds.
pub type Visitor<'v> = dyn Fn(Blob<'_>) + Sync + 'v;
