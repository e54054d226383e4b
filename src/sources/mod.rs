//! Where bytes come from: files on disk, standard input, git (history,
//! ranges, staged changes). Every source implements [`Visit`]: it hands each
//! blob's bytes and [`Origin`] to a visitor, in parallel where it can, and
//! counts what it skipped and why; [`Source`] is the one value a scan plan
//! holds. Sources know nothing of rules, findings or output formats.

mod dir;
pub mod git;
mod stdin;

use std::{fmt, path::PathBuf};

use crate::cancel::Cancel;
use crate::finding::Origin;
use crate::progress::Progress;
use crate::sniff::{archive_kind, is_binary, Magic};

pub use dir::DirSource;
pub use stdin::StdinSource;

/// What a visit is given besides its visitor: when to stop, where to show
/// progress.
pub struct Control<'a> {
    /// Checked between blobs: once set, the visit ends early.
    pub cancel: &'a Cancel,
    /// The progress bar (a no-op unless on a terminal).
    pub progress: &'a Progress,
}

/// A source of blobs. `Item` is what it hands the visitor: a [`Blob`], or
/// a richer value (a diff's [`git::Change`]). Items borrow from the visit,
/// never from the source value, which owns what it reads from ('static).
pub trait Visit: 'static {
    /// One visited blob.
    type Item<'a>;

    /// Hands every blob to `visitor` (from several threads, maybe) and
    /// returns what was read and skipped.
    fn visit(
        &self,
        visitor: &(dyn Fn(Self::Item<'_>) + Sync),
        control: &Control<'_>,
    ) -> Result<SourceStats, SourceError>;
}

/// Every kind of source, as a scan plan holds it.
pub enum Source {
    /// Files and directories on disk.
    Dir(DirSource),
    /// Standard input.
    Stdin(StdinSource),
    /// What commits of a range, or the staged changes, add.
    Changes(git::Diffs),
    /// Every blob of a repository's history.
    History(git::History),
}

impl Source {
    /// The directory whose config and ignore files apply to this source.
    pub fn root(&self) -> PathBuf {
        match self {
            Source::Dir(d) => d.root(),
            Source::Stdin(_) => PathBuf::from("."),
            Source::Changes(c) => c.root(),
            Source::History(h) => h.root(),
        }
    }

    /// Hands binary files that start with one of `magic` to the visitor
    /// (standard input is read whatever it holds).
    pub fn keep_binary(&mut self, magic: Vec<Magic>) {
        match self {
            Source::Dir(d) => d.keep_binary = magic,
            Source::Stdin(_) => {}
            Source::Changes(c) => c.keep_binary = magic,
            Source::History(h) => h.keep_binary = magic,
        }
    }
}

/// Whether a source passes over `data` as binary: binary, not an archive
/// to open (with `archives`) and starting with none of `keep` (the magic
/// bytes of the files that `file` rules report, such as keystores).
pub fn skip_as_binary(data: &[u8], archives: bool, keep: &[Magic]) -> bool {
    is_binary(data)
        && !(archives && archive_kind(data).is_some())
        && !keep.iter().any(|m| m.starts(data))
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
    /// Kept out by `.gitignore`, `.ignore` or `.git/info/exclude` (`dir`
    /// without `--no-ignore`); an ignored directory is one entry, not walked.
    Ignored {
        /// A directory, not a file.
        directory: bool,
    },
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
            SkipReason::Ignored { .. } => "ignored",
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
            SkipReason::Ignored { directory } => write!(
                f,
                "{} kept out by .gitignore/.ignore (--no-ignore scans it)",
                if *directory { "directory" } else { "file" }
            ),
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
    /// What the scan needed and could not read (a ref's commit, a commit,
    /// a tree): the result is incomplete, so the run is an error (exit 2),
    /// with the findings it has still reported.
    pub broken: Vec<String>,
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
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    /// A path that is not in a git repository.
    #[error("{}: not a git repository", .0.display())]
    NotARepo(PathBuf),
    /// A libgit2 call failed; `what` names the object or step. (The error
    /// is shown in the message, one line, not as a separate cause.)
    #[error("{what}: {}", .error.message())]
    Git {
        /// What was being read.
        what: String,
        /// The libgit2 error.
        error: git2::Error,
    },
    /// Reading failed; `what` names the input.
    #[error("{what}: {error}")]
    Io {
        /// What was being read.
        what: String,
        /// The error.
        error: std::io::Error,
    },
    /// A range spec that names no commit.
    #[error("range '{0}': no commit")]
    EmptyRange(String),
}

/// The bytes of one file version and where they came from.
pub struct Blob<'a> {
    /// The content.
    pub data: &'a [u8],
    /// Where it came from.
    pub origin: Origin,
}
