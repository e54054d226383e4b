//! The whole history: every blob in the object database, each read and
//! visited once, in pack order, in parallel (one libgit2 handle per worker).
//! Blobs are visited without a path or commit; [`History::attribute`] later
//! finds where the interesting ones entered the history.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, OnceLock,
    },
};

use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;

use super::{git_error, is_lfs_pointer, open, packs, repository_info, root_of, OidSet};
use crate::cancel;
use crate::finding::Origin;
use crate::progress::Progress;
use crate::sources::{skip_as_binary, Blob, Skip, SkipReason, SourceError, SourceStats, Visitor};

/// Blobs handed to one worker at a time: contiguous in pack order.
const CHUNK: usize = 512;

/// A repository's history, scanned blob by blob.
pub struct History {
    git_dir: PathBuf,
    root: PathBuf,
    /// Only commits reachable from this ref (default: every ref).
    pub branch: Option<String>,
    /// Blobs larger than this are skipped.
    pub max_file_size: u64,
    /// Visit archive blobs (zip, tar, gzip, ...) although binary.
    pub archives: bool,
    /// Ids of the blobs in the object database (and of objects whose type
    /// the pack index could not tell), filled by `visit`.
    pub(super) known: OnceLock<OidSet>,
}

impl History {
    /// Opens the repository at or above `path`.
    pub fn open(
        path: &Path,
        branch: Option<String>,
        max_file_size: u64,
    ) -> Result<History, SourceError> {
        let repo = open(path)?;
        if let Some(b) = &branch {
            repo.revparse_single(b)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| git_error(&format!("branch '{b}'"), &e))?;
        }
        Ok(History {
            git_dir: repo.path().to_path_buf(),
            root: root_of(&repo),
            branch,
            max_file_size,
            archives: false,
            known: OnceLock::new(),
        })
    }

    /// The work tree (or bare repository) directory.
    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }

    /// A fresh libgit2 handle on the repository.
    pub fn repo(&self) -> Result<Repository, SourceError> {
        Repository::open(&self.git_dir)
            .map_err(|e| git_error(&self.git_dir.display().to_string(), &e))
    }

    /// Visits every blob of the object database once.
    pub fn visit(
        &self,
        visit: &Visitor<'_>,
        progress: &Progress,
    ) -> Result<SourceStats, SourceError> {
        let repo = self.repo()?;
        let odb = repo.odb().map_err(|e| git_error("object database", &e))?;
        let packed = packs::index(&self.git_dir.join("objects"));
        let mut seen = packed.packed;
        let mut order = packed.blobs;
        odb.foreach(|oid| {
            if seen.insert(*oid) {
                order.push(*oid);
            }
            true
        })
        .map_err(|e| git_error("listing objects", &e))?;
        drop(seen);
        let _ = self.known.set(order.iter().copied().collect());
        progress.set_total(order.len() as u64);

        let blobs = AtomicU64::new(0);
        let bytes = AtomicU64::new(0);
        let skips = Mutex::new(Vec::new());
        let skip = |oid: Oid, reason| {
            skips.lock().unwrap_or_else(|e| e.into_inner()).push(Skip {
                path: oid.to_string(),
                reason,
            })
        };
        // One libgit2 handle per worker, reused across its chunks.
        order.par_chunks(CHUNK).try_for_each_init(
            || self.repo(),
            |repo, chunk| {
                let repo = repo.as_ref().map_err(|e| SourceError::Io(e.to_string()))?;
                let odb = repo.odb().map_err(|e| git_error("object database", &e))?;
                for &oid in chunk {
                    if cancel::requested() {
                        break;
                    }
                    progress.blob_done();
                    // The header tells the inflated size without inflating:
                    // a blob above the limit is never read into memory.
                    match odb.read_header(oid) {
                        Ok((size, ObjectType::Blob)) if size as u64 > self.max_file_size => {
                            skip(oid, SkipReason::TooLarge(size as u64));
                            continue;
                        }
                        Ok((_, ObjectType::Blob)) => {}
                        Ok(_) => continue,
                        Err(e) => {
                            skip(oid, SkipReason::Corrupt(e.message().to_string()));
                            continue;
                        }
                    }
                    let object = match odb.read(oid) {
                        Ok(o) => o,
                        Err(e) => {
                            skip(oid, SkipReason::Corrupt(e.message().to_string()));
                            continue;
                        }
                    };
                    if object.kind() != ObjectType::Blob {
                        continue;
                    }
                    let data = object.data();
                    let reason = if data.len() as u64 > self.max_file_size {
                        Some(SkipReason::TooLarge(data.len() as u64))
                    } else if skip_as_binary(data, self.archives) {
                        Some(SkipReason::Binary)
                    } else if is_lfs_pointer(data) {
                        Some(SkipReason::LfsPointer)
                    } else {
                        None
                    };
                    if let Some(reason) = reason {
                        skip(oid, reason);
                        continue;
                    }
                    blobs.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                    visit(Blob::whole(
                        data,
                        Origin::Git {
                            path: String::new(),
                            blob: oid.to_string(),
                            commit: None,
                        },
                    ));
                }
                Ok::<(), SourceError>(())
            },
        )?;
        let mut notes = Vec::new();
        if repo.is_shallow() {
            notes.push(
                "shallow clone: history before the shallow boundary is not in the repository"
                    .into(),
            );
        }
        Ok(SourceStats {
            blobs: blobs.into_inner(),
            bytes: bytes.into_inner(),
            skips: skips.into_inner().unwrap_or_else(|e| e.into_inner()),
            notes,
            repository: Some(repository_info(&repo)),
        })
    }

    /// Reads one blob (for re-scanning it with its path and commit).
    pub fn read_blob(&self, repo: &Repository, oid: Oid) -> Result<Vec<u8>, SourceError> {
        repo.find_blob(oid)
            .map(|b| b.content().to_vec())
            .map_err(|e| git_error(&format!("blob {oid}"), &e))
    }
}
