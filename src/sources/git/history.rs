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

use super::{
    blob_id, content_skip, git_error, oid, open, open_git_dir, packs, repository_info, root_of,
    OidSet,
};
use crate::finding::{BlobId, Origin};
use crate::sniff::Magic;
use crate::sources::{Blob, Control, Skip, SkipReason, SourceError, SourceStats, Visit};
use crate::sync::{into_inner, lock};

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
    /// Visit binary blobs that start with one of these.
    pub keep_binary: Vec<Magic>,
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
                .map_err(|e| git_error(&format!("branch '{b}'"), e))?;
        }
        Ok(History {
            git_dir: repo.path().to_path_buf(),
            root: root_of(&repo),
            branch,
            max_file_size,
            archives: false,
            keep_binary: Vec::new(),
            known: OnceLock::new(),
        })
    }

    /// The work tree (or bare repository) directory.
    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }

    /// A fresh libgit2 handle on the repository.
    pub(super) fn repo(&self) -> Result<Repository, SourceError> {
        open_git_dir(&self.git_dir)
    }

    /// A reader of single blobs (for re-scanning them with their path and commit).
    pub fn reader(&self) -> Result<BlobReader, SourceError> {
        Ok(BlobReader(self.repo()?))
    }
}

impl Visit for History {
    type Item<'a> = Blob<'a>;

    /// Visits every blob of the object database once, without a path.
    fn visit(
        &self,
        visit: &(dyn Fn(Blob<'_>) + Sync),
        control: &Control<'_>,
    ) -> Result<SourceStats, SourceError> {
        let (cancel, progress) = (control.cancel, control.progress);
        let repo = self.repo()?;
        let odb = repo.odb().map_err(|e| git_error("object database", e))?;
        let packed = packs::index(&self.git_dir.join("objects"));
        let mut seen = packed.packed;
        let mut order = packed.blobs;
        odb.foreach(|oid| {
            if seen.insert(*oid) {
                order.push(*oid);
            }
            true
        })
        .map_err(|e| git_error("listing objects", e))?;
        drop(seen);
        let _ = self.known.set(order.iter().copied().collect());
        progress.set_total(order.len() as u64);

        let blobs = AtomicU64::new(0);
        let bytes = AtomicU64::new(0);
        let skips = Mutex::new(Vec::new());
        let skip = |oid: Oid, reason| {
            lock(&skips).push(Skip {
                path: oid.to_string(),
                reason,
            })
        };
        // One libgit2 handle per worker, reused across its chunks.
        order.par_chunks(CHUNK).try_for_each_init(
            || Repository::open(&self.git_dir),
            |repo, chunk| {
                let repo = repo.as_ref().map_err(|e| {
                    let again = git2::Error::new(e.code(), e.class(), e.message());
                    git_error(&self.git_dir.display().to_string(), again)
                })?;
                let odb = repo.odb().map_err(|e| git_error("object database", e))?;
                for &oid in chunk {
                    if cancel.is_requested() {
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
                    if let Some(reason) =
                        content_skip(data, self.max_file_size, self.archives, &self.keep_binary)
                    {
                        skip(oid, reason);
                        continue;
                    }
                    blobs.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                    visit(Blob {
                        data,
                        origin: Origin::Git {
                            path: None,
                            blob: blob_id(oid),
                            commit: None,
                        },
                    });
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
            skips: into_inner(skips),
            notes,
            broken: Vec::new(),
            repository: Some(repository_info(&repo)),
        })
    }
}

/// Reads single blobs of a history's repository.
pub struct BlobReader(Repository);

impl BlobReader {
    /// The content of blob `id`.
    pub fn read(&self, id: BlobId) -> Result<Vec<u8>, SourceError> {
        self.0
            .find_blob(oid(id))
            .map(|b| b.content().to_vec())
            .map_err(|e| git_error(&format!("blob {id}"), e))
    }
}
