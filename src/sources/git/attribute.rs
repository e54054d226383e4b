//! Attribution: for blobs that hold findings, the commits that introduced
//! each (key, path) pair: the commits, oldest first, whose tree has a blob
//! with that key at that path while none of their parents' trees does.
//! Recently used trees are memoized (in bounded memory); only paths to
//! target blobs are kept, each list of them once. The walk also names
//! objects the repository lacks.

use std::{
    collections::{HashMap, HashSet},
    hash::Hash,
    sync::Arc,
};

use git2::{ObjectType, Oid, Repository, Sort};
use rayon::prelude::*;

use super::{blob_id, commit_info, git_error, object_error, oid, History, OidMap, OidSet};
use crate::cancel::Cancel;
use crate::finding::{BlobId, CommitInfo};
use crate::sources::{Skip, SkipReason, SourceError};

/// Where a (key, path) pair entered the history.
#[derive(Clone, Debug)]
pub struct Introduction<K> {
    /// The caller's key (e.g. a secret's fingerprint).
    pub key: K,
    /// The blob that holds it there.
    pub blob: BlobId,
    /// Its path in the commit's tree.
    pub path: String,
    /// The introducing commit.
    pub commit: Arc<CommitInfo>,
}

/// The result of attribution.
#[derive(Debug)]
pub struct Attribution<K> {
    /// Introductions, oldest commit first.
    pub introductions: Vec<Introduction<K>>,
    /// Objects named by trees but missing, trees that cannot be read, submodules.
    pub skips: Vec<Skip>,
    /// Target blobs no commit of the walked refs contains.
    pub unreachable: usize,
}

/// What a tree holds that matters, with paths relative to it: target blobs,
/// and entries that cannot be scanned (missing or corrupt objects, submodules).
#[derive(Default)]
struct TreeScan {
    hits: Vec<(Arc<str>, Oid)>,
    odd: Vec<(Arc<str>, Oid, SkipReason)>,
}

/// Tree scans per generation of [`TreeMemo`].
const MEMO_TREES: usize = 1 << 18;

/// The scans of recently used trees: two generations of at most
/// [`MEMO_TREES`] each. A tree found in the older one moves to the newer;
/// when the newer is full, the older is dropped. Memory stays bounded on
/// any history; a tree not used for long is read again if needed.
#[derive(Default)]
struct TreeMemo {
    new: OidMap<Arc<TreeScan>>,
    old: OidMap<Arc<TreeScan>>,
}

impl TreeMemo {
    fn get(&mut self, tree: Oid) -> Option<Arc<TreeScan>> {
        if let Some(scan) = self.new.get(&tree) {
            return Some(scan.clone());
        }
        let scan = self.old.remove(&tree)?;
        self.insert(tree, scan.clone());
        Some(scan)
    }

    fn insert(&mut self, tree: Oid, scan: Arc<TreeScan>) {
        if self.new.len() >= MEMO_TREES {
            self.old = std::mem::take(&mut self.new);
        }
        self.new.insert(tree, scan);
    }
}

struct Walker<'a, K> {
    repo: &'a Repository,
    targets: &'a OidMap<Vec<K>>,
    known: Option<&'a OidSet>,
    trees: TreeMemo,
    /// Shared by every tree without targets or odd entries (nearly all).
    empty: Arc<TreeScan>,
    /// One copy of each list of hits: the trees on the paths to targets
    /// change with nearly every commit, their hits much more rarely.
    shared: HashMap<Vec<(Arc<str>, Oid)>, Arc<TreeScan>>,
    reported: HashSet<Oid>,
    skips: Vec<Skip>,
}

impl<K> Walker<'_, K> {
    /// The target blobs of a commit's root tree, with their full paths;
    /// odd entries are recorded as skips, each object once.
    fn commit_hits(&mut self, root: Oid) -> Arc<TreeScan> {
        let scan = self.tree(root);
        for (path, id, reason) in &scan.odd {
            if self.reported.insert(*id) {
                let path = if path.is_empty() {
                    id.to_string()
                } else {
                    format!("{path} ({id})")
                };
                self.skips.push(Skip {
                    path,
                    reason: reason.clone(),
                });
            }
        }
        scan
    }

    /// What `tree` holds, memoized: each tree is read once.
    fn tree(&mut self, tree: Oid) -> Arc<TreeScan> {
        if let Some(h) = self.trees.get(tree) {
            return h;
        }
        let mut scan = TreeScan::default();
        match self.repo.find_tree(tree) {
            Err(e) => scan.odd.push((Arc::from(""), tree, object_error(&e))),
            Ok(t) => {
                for entry in t.iter() {
                    // Names are made only for the few entries that matter.
                    let name =
                        || -> Arc<str> { Arc::from(&*String::from_utf8_lossy(entry.name_bytes())) };
                    let id = entry.id();
                    match entry.kind() {
                        Some(ObjectType::Blob) if self.known.is_some_and(|k| !k.contains(&id)) => {
                            scan.odd.push((name(), id, SkipReason::Missing));
                        }
                        Some(ObjectType::Blob) if self.targets.contains_key(&id) => {
                            scan.hits.push((name(), id));
                        }
                        Some(ObjectType::Tree) => {
                            let sub = self.tree(id);
                            if sub.hits.is_empty() && sub.odd.is_empty() {
                                continue;
                            }
                            let name = name();
                            let join = |path: &str| -> Arc<str> {
                                if path.is_empty() {
                                    name.clone()
                                } else {
                                    Arc::from(format!("{name}/{path}"))
                                }
                            };
                            scan.hits
                                .extend(sub.hits.iter().map(|(p, b)| (join(p), *b)));
                            scan.odd
                                .extend(sub.odd.iter().map(|(p, o, r)| (join(p), *o, r.clone())));
                        }
                        Some(ObjectType::Commit) => {
                            scan.odd.push((name(), id, SkipReason::Submodule))
                        }
                        _ => {}
                    }
                }
            }
        }
        let scan = if scan.hits.is_empty() && scan.odd.is_empty() {
            self.empty.clone()
        } else if scan.odd.is_empty() {
            let hits = scan.hits.clone();
            self.shared
                .entry(hits)
                .or_insert_with(|| Arc::new(scan))
                .clone()
        } else {
            Arc::new(scan)
        };
        self.trees.insert(tree, scan.clone());
        scan
    }
}

/// One commit's parents and the target blobs of its tree.
struct CommitScan {
    parents: Vec<Oid>,
    scan: Arc<TreeScan>,
}

impl History {
    /// Finds the commits that introduced each key of each target blob at each
    /// path: the first only, or every one with `all_occurrences`. Trees are
    /// walked in parallel (each worker takes a contiguous run of commits in
    /// topological order, whose trees mostly overlap); the introductions
    /// are then decided in one pass, oldest commit first.
    pub fn attribute<K: Clone + Eq + Hash + Send + Sync>(
        &self,
        targets: &HashMap<BlobId, Vec<K>>,
        all_occurrences: bool,
        cancel: &Cancel,
    ) -> Result<Attribution<K>, SourceError> {
        let targets: OidMap<Vec<K>> = targets
            .iter()
            .map(|(id, keys)| (oid(*id), keys.clone()))
            .collect();
        let targets = &targets;
        let repo = self.repo()?;
        let mut walk = repo.revwalk().map_err(|e| git_error("revwalk", e))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
            .map_err(|e| git_error("revwalk", e))?;
        for tip in self.tips(&repo)? {
            walk.push(tip)
                .map_err(|e| git_error(&format!("commit {tip}"), e))?;
        }
        let commits: Vec<Oid> = walk
            .collect::<Result<_, _>>()
            .map_err(|e| git_error("revwalk", e))?;
        let per_worker = commits.len().div_ceil(rayon::current_num_threads()).max(1);
        let parts = commits
            .par_chunks(per_worker)
            .map(|chunk| self.scan_commits(chunk, targets, cancel))
            .collect::<Result<Vec<_>, SourceError>>()?;
        let mut skips = Vec::new();
        let mut scans = Vec::with_capacity(commits.len());
        let mut named = HashSet::new();
        for (part_scans, part_skips) in parts {
            scans.extend(part_scans);
            skips.extend(
                part_skips
                    .into_iter()
                    .filter(|s| named.insert(s.path.clone())),
            );
        }

        let mut present: HashMap<Oid, HashSet<(K, Arc<str>)>> = HashMap::new();
        let mut reported: HashSet<(K, Arc<str>)> = HashSet::new();
        let mut reached: HashSet<Oid> = HashSet::new();
        let mut introductions = Vec::new();
        for (&id, scan) in commits.iter().zip(scans) {
            let Some(CommitScan { parents, scan }) = scan else {
                continue;
            };
            if scan.hits.is_empty() {
                continue;
            }
            let mut info: Option<Arc<CommitInfo>> = None;
            let mut here = HashSet::new();
            for (path, blob) in &scan.hits {
                reached.insert(*blob);
                for key in &targets[blob] {
                    let pair = (key.clone(), path.clone());
                    let before = parents
                        .iter()
                        .any(|p| present.get(p).is_some_and(|s| s.contains(&pair)));
                    if !before && (all_occurrences || reported.insert(pair.clone())) {
                        let info = match &info {
                            Some(i) => i.clone(),
                            None => {
                                let commit = repo
                                    .find_commit(id)
                                    .map_err(|e| git_error(&format!("commit {id}"), e))?;
                                info.insert(Arc::new(commit_info(&commit))).clone()
                            }
                        };
                        introductions.push(Introduction {
                            key: key.clone(),
                            blob: blob_id(*blob),
                            path: path.to_string(),
                            commit: info,
                        });
                    }
                    here.insert(pair);
                }
            }
            present.insert(id, here);
        }
        Ok(Attribution {
            introductions,
            skips,
            unreachable: targets.keys().filter(|b| !reached.contains(b)).count(),
        })
    }

    /// The parents and target blobs of each of `commits` (`None` for a
    /// commit that cannot be read), with what could not be scanned.
    fn scan_commits<K>(
        &self,
        commits: &[Oid],
        targets: &OidMap<Vec<K>>,
        cancel: &Cancel,
    ) -> Result<(Vec<Option<CommitScan>>, Vec<Skip>), SourceError> {
        let repo = self.repo()?;
        let mut walker = Walker {
            repo: &repo,
            targets,
            known: self.known.get(),
            trees: TreeMemo::default(),
            empty: Arc::default(),
            shared: HashMap::new(),
            reported: HashSet::new(),
            skips: Vec::new(),
        };
        let mut out = Vec::with_capacity(commits.len());
        for &id in commits {
            if cancel.is_requested() {
                // Interrupted: the caller reports without attribution.
                out.push(None);
                continue;
            }
            match repo.find_commit(id) {
                Ok(c) => out.push(Some(CommitScan {
                    parents: c.parent_ids().collect(),
                    scan: walker.commit_hits(c.tree_id()),
                })),
                Err(e) => {
                    if walker.reported.insert(id) {
                        walker.skips.push(Skip {
                            path: id.to_string(),
                            reason: object_error(&e),
                        });
                    }
                    out.push(None);
                }
            }
        }
        Ok((out, walker.skips))
    }

    /// The commits to walk from: the branch, or every ref and HEAD.
    fn tips(&self, repo: &Repository) -> Result<Vec<Oid>, SourceError> {
        if let Some(b) = &self.branch {
            let commit = repo
                .revparse_single(b)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| git_error(&format!("branch '{b}'"), e))?;
            return Ok(vec![commit.id()]);
        }
        let mut tips = Vec::new();
        let refs = repo.references().map_err(|e| git_error("references", e))?;
        for r in refs.flatten() {
            if let Ok(c) = r.peel_to_commit() {
                tips.push(c.id());
            }
        }
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            tips.push(head.id());
        }
        tips.sort();
        tips.dedup();
        Ok(tips)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_memo_keeps_recent_trees_and_drops_old_ones() {
        let id = |i: usize| Oid::from_bytes(&[&i.to_le_bytes()[..], &[0; 12]].concat()).unwrap();
        let mut memo = TreeMemo::default();
        let scan = Arc::new(TreeScan::default());
        for i in 0..MEMO_TREES + 1 {
            memo.insert(id(i), scan.clone());
        }
        // Tree 0 is in the older generation: found, and moved up.
        assert!(memo.get(id(0)).is_some());
        for i in MEMO_TREES + 1..2 * MEMO_TREES + 1 {
            memo.insert(id(i), scan.clone());
        }
        assert!(memo.get(id(0)).is_some());
        assert!(memo.get(id(1)).is_none());
        assert!(memo.new.len() + memo.old.len() <= 2 * MEMO_TREES);
    }
}
