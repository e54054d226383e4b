//! Where bytes come from: files on disk, standard input (git follows).
//! A source hands each blob's bytes and [`Origin`] to a visitor, in
//! parallel where it can, and counts what it skipped and why. Sources know
//! nothing of rules, findings or output formats.

mod dir;
mod stdin;

use std::fmt;

use crate::finding::Origin;

pub use dir::DirSource;
pub use stdin::StdinSource;

/// Bytes of the first block checked for NUL to call a file binary.
pub const BINARY_PROBE: usize = 8 * 1024;

/// Whether `data` looks binary: a NUL byte in its first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
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
}

impl SkipReason {
    /// A short stable name for summaries: binary, too-large, symlink, unreadable.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge(_) => "too-large",
            SkipReason::Symlink => "symlink",
            SkipReason::Unreadable(_) => "unreadable",
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

/// The visitor every source feeds: a blob's bytes and where they came from.
pub type Visitor<'v> = dyn Fn(&[u8], &Origin) + Sync + 'v;
