//! What changes add: the commits of a range (`BASE..HEAD`), or the index
//! against HEAD (staged changes). Each changed file's new blob is visited
//! whole, with the line ranges the change added, so a multi-line secret
//! added in the change is found and a secret on an untouched line is not
//! reported again. For a merge, added means added against every parent.

use std::{
    collections::BTreeMap,
    ops::RangeInclusive,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    thread::JoinHandle,
};

use git2::{Commit, Delta, Diff, DiffFindOptions, DiffOptions, Oid, Patch, Repository, Sort};

use super::{
    blob_id, commit_info, content_skip, git_error, object_error, open, repository_info, root_of,
};
use crate::finding::{CommitInfo, Origin};
use crate::sniff::Magic;
use crate::sources::{Blob, Control, Skip, SkipReason, SourceError, SourceStats, Visit};
use crate::sync::lock;

/// Which changes to scan.
enum Changes {
    /// Commits reachable from `to` and not from `from`.
    Range { from: Option<Oid>, to: Oid },
    /// The index against HEAD: the repository's, or another index file
    /// (git names the one a `commit -a` or `commit PATH` builds in
    /// `GIT_INDEX_FILE` while hooks run). The diff is computed on its own
    /// thread from the moment the source is made, so that it overlaps the
    /// loading of the rules (in a pre-commit hook, the two take most of the
    /// time); the visit waits for it.
    Staged {
        path: PathBuf,
        index_file: Option<PathBuf>,
        pending: Mutex<Option<JoinHandle<StagedDiff>>>,
    },
}

/// The staged changes, and the files the diff could not read.
type StagedDiff = Result<(Vec<FileChange>, Vec<Skip>), SourceError>;

/// Diffs the index (the repository's, or `index_file`) against HEAD.
fn staged_diff(path: &Path, index_file: Option<&Path>) -> StagedDiff {
    let repo = open(path)?;
    let index = match index_file {
        Some(file) => git2::Index::open(file).map_err(|e| index_error(file, e))?,
        None => repo
            .index()
            .map_err(|e| index_error(&repo.path().join("index"), e))?,
    };
    let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut options()))
        .map_err(|e| git_error("staged changes", e))?;
    Ok(changes_of(&mut diff))
}

/// A source of changes in a repository.
pub struct Diffs {
    repo: Repository,
    changes: Changes,
    /// Blobs larger than this are skipped.
    pub max_file_size: u64,
    /// Binary blobs that start with one of these are visited (a diff has
    /// no lines for them: only `file` rules see them).
    pub keep_binary: Vec<Magic>,
}

/// What a diff hands its visitor: a changed file's new blob, the lines the
/// change added and the file's content before it.
pub struct Change<'a> {
    /// The new blob, with its path (and commit, for a range).
    pub blob: Blob<'a>,
    /// The 1-based line ranges (inclusive) the change added; findings on
    /// other lines were there before.
    pub added: &'a [RangeInclusive<usize>],
    /// The file's content before the change: a secret already there is not
    /// one the change adds, even on a line git calls changed.
    pub before: Option<&'a [u8]>,
}

/// The new blob of one changed file and the lines the change added.
struct FileChange {
    path: String,
    blob: Oid,
    /// The file's blob before the change (at the first parent, or HEAD).
    before: Option<Oid>,
    added: Vec<RangeInclusive<usize>>,
}

impl Diffs {
    /// The commits of `spec`: `A..B`, `A...B` (from their merge base), or a
    /// single revision (its whole ancestry).
    pub fn range(path: &Path, spec: &str, max_file_size: u64) -> Result<Diffs, SourceError> {
        let repo = open(path)?;
        let (from, to) = resolve_range(&repo, spec)?;
        Ok(Diffs {
            repo,
            changes: Changes::Range { from, to },
            max_file_size,
            keep_binary: Vec::new(),
        })
    }

    /// The staged changes: the index (the repository's, or `index_file`)
    /// against HEAD, or against nothing in a repository without commits.
    pub fn staged(
        path: &Path,
        index_file: Option<PathBuf>,
        max_file_size: u64,
    ) -> Result<Diffs, SourceError> {
        let repo = open(path)?;
        let pending = {
            let (path, index_file) = (path.to_path_buf(), index_file.clone());
            std::thread::Builder::new()
                .name("staged-diff".into())
                .spawn(move || staged_diff(&path, index_file.as_deref()))
                .ok()
        };
        Ok(Diffs {
            repo,
            changes: Changes::Staged {
                path: path.to_path_buf(),
                index_file,
                pending: Mutex::new(pending),
            },
            max_file_size,
            keep_binary: Vec::new(),
        })
    }

    /// The work tree (or bare repository) directory.
    pub fn root(&self) -> PathBuf {
        root_of(&self.repo)
    }
}

impl Visit for Diffs {
    type Item<'a> = Change<'a>;

    /// Visits each changed file's new blob, commit by commit (oldest first).
    fn visit(
        &self,
        visit: &(dyn Fn(Change<'_>) + Sync),
        control: &Control<'_>,
    ) -> Result<SourceStats, SourceError> {
        let mut stats = SourceStats {
            repository: Some(repository_info(&self.repo)),
            ..SourceStats::default()
        };
        match &self.changes {
            Changes::Staged {
                path,
                index_file,
                pending,
            } => {
                // Diffed again if the thread could not start or died.
                let (changes, skips) = match lock(pending).take().and_then(|h| h.join().ok()) {
                    Some(diff) => diff?,
                    None => staged_diff(path, index_file.as_deref())?,
                };
                stats.skips.extend(skips);
                self.visit_changes(changes, None, visit, &mut stats);
            }
            Changes::Range { from, to } => {
                let mut walk = self.repo.revwalk().map_err(|e| git_error("revwalk", e))?;
                walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
                    .map_err(|e| git_error("revwalk", e))?;
                walk.push(*to).map_err(|e| git_error("revwalk", e))?;
                if let Some(f) = from {
                    walk.hide(*f).map_err(|e| git_error("revwalk", e))?;
                }
                for id in walk {
                    if control.cancel.is_requested() {
                        break;
                    }
                    let id = id.map_err(|e| git_error("revwalk", e))?;
                    let commit = self
                        .repo
                        .find_commit(id)
                        .map_err(|e| git_error(&format!("commit {id}"), e))?;
                    let changes = self.commit_changes(&commit, &mut stats)?;
                    let info = Arc::new(commit_info(&commit));
                    self.visit_changes(changes, Some(info), visit, &mut stats);
                }
            }
        }
        if self.repo.is_shallow() {
            stats.notes.push(
                "shallow clone: commits before the shallow boundary are not in the repository"
                    .into(),
            );
        }
        Ok(stats)
    }
}

impl Diffs {
    /// What a commit adds: against its first parent, keeping for a merge
    /// only the lines that are new against every other parent too.
    fn commit_changes(
        &self,
        commit: &Commit<'_>,
        stats: &mut SourceStats,
    ) -> Result<Vec<FileChange>, SourceError> {
        let tree = commit.tree().map_err(|e| git_error("tree", e))?;
        let mut diff_with = |parent: Option<&Commit<'_>>| -> Result<Vec<FileChange>, SourceError> {
            let parent_tree = parent
                .map(|p| p.tree())
                .transpose()
                .map_err(|e| git_error("tree", e))?;
            let mut diff = self
                .repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut options()))
                .map_err(|e| git_error(&format!("diff of {}", commit.id()), e))?;
            let (changes, skips) = changes_of(&mut diff);
            stats.skips.extend(skips);
            Ok(changes)
        };
        let parents: Vec<Commit<'_>> = commit.parents().collect();
        let mut changes = diff_with(parents.first())?;
        for other in parents.iter().skip(1) {
            let against: BTreeMap<String, FileChange> = diff_with(Some(other))?
                .into_iter()
                .map(|c| (c.path.clone(), c))
                .collect();
            changes.retain_mut(|c| match against.get(&c.path) {
                None => false,
                Some(o) => {
                    c.added = intersect(&c.added, &o.added);
                    !c.added.is_empty()
                }
            });
        }
        Ok(changes)
    }

    fn visit_changes(
        &self,
        changes: Vec<FileChange>,
        commit: Option<Arc<CommitInfo>>,
        visit: &(dyn Fn(Change<'_>) + Sync),
        stats: &mut SourceStats,
    ) {
        for change in changes {
            let mut skip = |reason| {
                stats.skips.push(Skip {
                    path: change.path.clone(),
                    reason,
                })
            };
            // The header tells the size without inflating the blob.
            match self.repo.odb().and_then(|odb| odb.read_header(change.blob)) {
                Ok((size, _)) if size as u64 > self.max_file_size => {
                    skip(SkipReason::TooLarge(size as u64));
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    skip(object_error(&e));
                    continue;
                }
            }
            let blob = match self.repo.find_blob(change.blob) {
                Ok(b) => b,
                Err(e) => {
                    skip(object_error(&e));
                    continue;
                }
            };
            let before = change.before.and_then(|id| self.repo.find_blob(id).ok());
            let data = blob.content();
            if let Some(reason) = content_skip(data, self.max_file_size, false, &self.keep_binary) {
                skip(reason);
                continue;
            }
            stats.blobs += 1;
            stats.bytes += data.len() as u64;
            visit(Change {
                blob: Blob {
                    data,
                    origin: Origin::Git {
                        path: Some(change.path),
                        blob: blob_id(change.blob),
                        commit: commit.clone(),
                    },
                },
                added: &change.added,
                before: before.as_ref().map(|b| b.content()),
            });
        }
    }
}

/// The (hidden, shown) commits of a range spec.
fn resolve_range(repo: &Repository, spec: &str) -> Result<(Option<Oid>, Oid), SourceError> {
    let rs = repo
        .revparse(spec)
        .map_err(|e| git_error(&format!("range '{spec}'"), e))?;
    let commit_of = |o: Option<&git2::Object<'_>>| -> Result<Option<Oid>, SourceError> {
        o.map(|o| o.peel_to_commit().map(|c| c.id()))
            .transpose()
            .map_err(|e| git_error(&format!("range '{spec}'"), e))
    };
    Ok(match (commit_of(rs.from())?, commit_of(rs.to())?) {
        (Some(f), Some(t)) if rs.mode().contains(git2::RevparseMode::MERGE_BASE) => {
            let base = repo
                .merge_base(f, t)
                .map_err(|e| git_error("merge base", e))?;
            (Some(base), t)
        }
        (f, Some(t)) => (f, t),
        (Some(single), None) => (None, single),
        (None, None) => return Err(SourceError::EmptyRange(spec.to_string())),
    })
}

fn options() -> DiffOptions {
    let mut o = DiffOptions::new();
    o.context_lines(0)
        .ignore_submodules(true)
        .include_typechange(true);
    o
}

/// Every added or modified file of a diff (renames detected) with the line
/// ranges it adds; a file whose content cannot be read is skipped, named.
fn changes_of(diff: &mut Diff<'_>) -> (Vec<FileChange>, Vec<Skip>) {
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(false);
    // Rename detection reads blobs; if one is missing, renames go undetected
    // and the file is handled (and named) below like any other.
    let _ = diff.find_similar(Some(&mut find));
    let mut changes = Vec::new();
    let mut skips = Vec::new();
    for (idx, delta) in diff.deltas().enumerate() {
        let new = delta.new_file();
        if new.id().is_zero()
            || !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            )
        {
            continue;
        }
        let path = String::from_utf8_lossy(new.path_bytes().unwrap_or_default()).into_owned();
        let patch = match Patch::from_diff(diff, idx) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(e) => {
                skips.push(Skip {
                    path,
                    reason: object_error(&e),
                });
                continue;
            }
        };
        let mut added: Vec<RangeInclusive<usize>> = Vec::new();
        for hunk in 0..patch.num_hunks() {
            for l in 0..patch.num_lines_in_hunk(hunk).unwrap_or(0) {
                let Ok(line) = patch.line_in_hunk(hunk, l) else {
                    continue;
                };
                if let (true, Some(n)) = (line.origin() == '+', line.new_lineno()) {
                    let n = n as usize;
                    match added.last_mut() {
                        Some(r) if *r.end() + 1 == n => *r = *r.start()..=n,
                        _ => added.push(n..=n),
                    }
                }
            }
        }
        // A binary file has no lines; it is visited for the `file` rules
        // (a keystore), if it starts with their magic bytes.
        if !added.is_empty() || patch.delta().flags().is_binary() {
            let old = delta.old_file().id();
            changes.push(FileChange {
                path,
                blob: new.id(),
                before: (!old.is_zero()).then_some(old),
                added,
            });
        }
    }
    (changes, skips)
}

/// The lines in both sets of sorted, disjoint ranges.
fn intersect(
    a: &[RangeInclusive<usize>],
    b: &[RangeInclusive<usize>],
) -> Vec<RangeInclusive<usize>> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (s, e) = ((*x.start()).max(*y.start()), (*x.end()).min(*y.end()));
            if s <= e {
                out.push(s..=e);
            }
        }
    }
    out
}

/// A git index that cannot be read: when the file is there, it is corrupt
/// (libgit2 says it "no longer exists"), and the way out is to rebuild it.
fn index_error(path: &Path, e: git2::Error) -> SourceError {
    if path.is_file() {
        SourceError::Io {
            what: path.display().to_string(),
            error: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the git index is corrupt; `rm {} && git reset` rebuilds it from HEAD (then stage your changes again)",
                    path.display()
                ),
            ),
        }
    } else {
        git_error(&format!("index {}", path.display()), e)
    }
}

#[cfg(test)]
mod tests {
    use super::intersect;

    #[test]
    fn intersection_of_line_ranges() {
        assert_eq!(intersect(&[1..=5, 9..=12], &[4..=10]), vec![4..=5, 9..=10]);
        assert!(intersect(&[1..=2], &[3..=4]).is_empty());
    }
}
