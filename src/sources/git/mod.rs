//! Git as a source, through libgit2: the whole history ([`History`]: every
//! unique blob once, then attribution of the few that matter), a range of
//! commits and the staged changes ([`Diffs`]: what a change adds).
//! Yields bytes and origins only: no rules, findings or formats here.

mod attribute;
mod diff;
mod history;
mod packs;

use std::{
    collections::{HashMap, HashSet},
    hash::{BuildHasherDefault, Hasher},
    path::{Path, PathBuf},
    sync::Once,
};

use git2::{Oid, Repository, Time};

use super::{skip_as_binary, RepositoryInfo, SkipReason, SourceError};
use crate::calendar::civil_from_days;
use crate::finding::{BlobId, CommitInfo};
use crate::sniff::Magic;

pub use attribute::{AtName, Attribution, Introduction};
pub use diff::{Change, Diffs};
pub use history::{BlobReader, History};

/// A map keyed by object id. Ids are already uniform hashes, so the hasher
/// just takes their first 8 bytes (SipHash on millions of tree entries shows).
pub(super) type OidMap<V> = HashMap<Oid, V, BuildHasherDefault<OidHasher>>;
/// A set of object ids (see [`OidMap`]).
pub(super) type OidSet = HashSet<Oid, BuildHasherDefault<OidHasher>>;

/// Hashes an object id by its leading bytes.
#[derive(Default)]
pub(super) struct OidHasher(u64);

impl Hasher for OidHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8).take(1) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }

    // The slice length prefix carries no information here.
    fn write_usize(&mut self, _: usize) {}
}

/// Sets libgit2's process-wide options, once, before any repository is
/// opened: every path to a repository goes through [`open`] and
/// [`History::repo`], which call this first.
fn configure_libgit2() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Re-hashing every object to check its id costs more than inflating
        // it; a corrupt object still fails to inflate or parse.
        git2::opts::strict_hash_verification(false);
        // Each object is read once and trees are memoized by the walk
        // itself: libgit2's object cache would only hold memory.
        git2::opts::enable_caching(false);
        // Map packs in 64 MiB windows, at most 256 MiB in all, not whole:
        // memory stays bounded on packs of any size, while windows large
        // enough for delta bases keep remapping (system time) rare.
        // SAFETY: libgit2 reads these globals when it maps a pack; `Once`
        // runs this before the first repository of the process is opened
        // (every open calls this first) and never again, so no mapping
        // is in progress while they change.
        unsafe {
            let _ = git2::opts::set_mwindow_size(64 << 20);
            let _ = git2::opts::set_mwindow_mapped_limit(256 << 20);
        }
    });
}

/// Opens the repository at or above `path` (work tree, `.git` dir or bare).
pub fn open(path: &Path) -> Result<Repository, SourceError> {
    configure_libgit2();
    if !path.exists() {
        return Err(SourceError::NotFound(path.to_path_buf()));
    }
    Repository::discover(path).map_err(|_| SourceError::NotARepo(path.to_path_buf()))
}

/// Opens the repository at its git directory (a worker's own handle).
fn open_git_dir(git_dir: &Path) -> Result<Repository, SourceError> {
    configure_libgit2();
    Repository::open(git_dir).map_err(|e| git_error(&git_dir.display().to_string(), e))
}

/// The directory whose config files apply to a repository: its work tree,
/// or the repository itself when bare.
fn root_of(repo: &Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf()
}

/// The repository's identity for reports: remote URL (credentials removed)
/// or a `file://` URI, and HEAD's commit and branch.
fn repository_info(repo: &Repository) -> RepositoryInfo {
    let remote = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().map(remote_uri));
    let uri = remote.unwrap_or_else(|| {
        let path = repo
            .path()
            .canonicalize()
            .unwrap_or_else(|_| repo.path().to_path_buf());
        format!("file://{}", path.display())
    });
    let head = repo.head().ok();
    RepositoryInfo {
        uri,
        revision: head
            .as_ref()
            .and_then(|h| h.target())
            .map(|id| id.to_string()),
        branch: head
            .as_ref()
            .filter(|h| h.is_branch())
            .and_then(|h| h.shorthand().map(str::to_string)),
    }
}

/// A remote URL as a URI without user info: `git@host:org/repo` becomes
/// `ssh://host/org/repo`, and `https://user:token@host/x` loses `user:token@`.
fn remote_uri(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let rest = match rest.split_once('/') {
            Some((authority, path)) => {
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                format!("{host}/{path}")
            }
            None => rest.rsplit_once('@').map_or(rest, |(_, h)| h).to_string(),
        };
        return format!("{scheme}://{rest}");
    }
    match url.split_once(':') {
        Some((user_host, path)) if !user_host.contains('/') => {
            let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
            format!("ssh://{host}/{path}")
        }
        _ => format!("file://{url}"),
    }
}

/// A libgit2 object error as a skip reason.
pub(super) fn object_error(e: &git2::Error) -> SkipReason {
    if e.code() == git2::ErrorCode::NotFound {
        SkipReason::Missing
    } else {
        SkipReason::Corrupt(e.message().to_string())
    }
}

/// A libgit2 error, naming what was being read.
fn git_error(what: &str, error: git2::Error) -> SourceError {
    SourceError::Git {
        what: what.to_string(),
        error,
    }
}

/// The first line of text of a blob that makes it a Git LFS pointer.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/";

/// Whether a blob is a Git LFS pointer (its content lives elsewhere).
pub fn is_lfs_pointer(data: &[u8]) -> bool {
    data.len() < 1024 && data.starts_with(LFS_POINTER)
}

/// Why a blob's content is not scanned, if it is not: too large, binary
/// (unless an archive and `archives`), or an LFS pointer. A history scan
/// passes archives on to be opened; a diff does not (`archives` false): it
/// scans the lines a change adds, and an archive has no lines.
fn content_skip(
    data: &[u8],
    max_file_size: u64,
    archives: bool,
    keep_binary: &[Magic],
) -> Option<SkipReason> {
    if data.len() as u64 > max_file_size {
        Some(SkipReason::TooLarge(data.len() as u64))
    } else if skip_as_binary(data, archives, keep_binary) {
        Some(SkipReason::Binary)
    } else if is_lfs_pointer(data) {
        Some(SkipReason::LfsPointer)
    } else {
        None
    }
}

/// A libgit2 object id as a blob id.
fn blob_id(oid: Oid) -> BlobId {
    let mut raw = [0u8; 20];
    let bytes = oid.as_bytes();
    raw[..bytes.len().min(20)].copy_from_slice(&bytes[..bytes.len().min(20)]);
    BlobId::from(raw)
}

/// A blob id as a libgit2 object id.
fn oid(id: BlobId) -> Oid {
    Oid::from_bytes(id.as_bytes()).unwrap_or_else(|_| Oid::zero())
}

/// Author, date and summary of a commit.
pub fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        id: commit.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date: rfc3339(author.when()),
        message: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}

/// A git time as RFC 3339 in its own offset, e.g. `2024-05-01T12:00:00+02:00`.
fn rfc3339(t: Time) -> String {
    let offset = i64::from(t.offset_minutes());
    let local = t.seconds() + offset * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_in_the_authors_offset() {
        assert_eq!(rfc3339(Time::new(0, 0)), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            rfc3339(Time::new(1_709_210_096, 120)),
            "2024-02-29T14:34:56+02:00"
        );
        assert_eq!(
            rfc3339(Time::new(1_700_000_000, -330)),
            "2023-11-14T16:43:20-05:30"
        );
    }

    #[test]
    fn remote_urls_lose_credentials() {
        assert_eq!(
            remote_uri("https://u:tok@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            remote_uri("git@github.com:o/r.git"),
            "ssh://github.com/o/r.git"
        );
        assert_eq!(remote_uri("/srv/repo.git"), "file:///srv/repo.git");
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        let p = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n";
        assert!(is_lfs_pointer(p));
        assert!(!is_lfs_pointer(b"version 1\n"));
    }
}
