//! Attribution: for blobs that hold findings, the commits that introduced
//! each (key, path) pair: the commits, oldest first, whose tree has a blob
//! with that key at that path while none of their parents' trees does.
//! Recently used trees are memoized (in bounded memory); a tree's scan
//! keeps only its entries on the way to target blobs, and subtrees are
//! shared, so a commit costs what its tree changed. The walk also names
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
    /// Refs, commits and trees the walk needed and could not read: the
    /// attribution (so the report) is incomplete.
    pub broken: Vec<String>,
}

/// What a tree holds that matters: the target blobs and the subtrees that
/// lead to target blobs, each by name and sorted by it, and the entries
/// below it that cannot be scanned (missing or corrupt objects,
/// submodules), by path relative to it.
#[derive(Default)]
struct TreeScan {
    blobs: Vec<(Arc<str>, Oid)>,
    trees: Vec<(Arc<str>, Arc<TreeScan>)>,
    odd: Vec<(Arc<str>, Oid, SkipReason)>,
}

impl TreeScan {
    /// No target blob below.
    fn is_empty(&self) -> bool {
        self.blobs.is_empty() && self.trees.is_empty()
    }

    /// The target blob named `name`.
    fn blob(&self, name: &str) -> Option<Oid> {
        let i = self.blobs.binary_search_by(|(n, _)| (**n).cmp(name)).ok()?;
        Some(self.blobs[i].1)
    }

    /// The subtree named `name`, when it leads to target blobs.
    fn tree(&self, name: &str) -> Option<&TreeScan> {
        let i = self.trees.binary_search_by(|(n, _)| (**n).cmp(name)).ok()?;
        Some(&self.trees[i].1)
    }
}

/// `name` under `prefix` (the empty prefix is the root).
fn join(prefix: &str, name: &str) -> Arc<str> {
    if prefix.is_empty() {
        Arc::from(name)
    } else {
        Arc::from(format!("{prefix}/{name}"))
    }
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

/// Whether a target blob may matter at an entry with this name.
pub type AtName<'a> = dyn Fn(BlobId, &str) -> bool + Sync + 'a;

struct Walker<'a, K> {
    repo: &'a Repository,
    targets: &'a OidMap<Vec<K>>,
    at_name: &'a AtName<'a>,
    known: Option<&'a OidSet>,
    trees: TreeMemo,
    /// Shared by every tree without targets or odd entries (nearly all).
    empty: Arc<TreeScan>,
    reported: HashSet<Oid>,
    skips: Vec<Skip>,
    broken: Vec<String>,
    passed: OidSet,
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
            Err(e) => {
                let reason = object_error(&e);
                self.broken.push(format!("tree {tree}: {reason}"));
                scan.odd.push((Arc::from(""), tree, reason));
            }
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
                            let entry_name = String::from_utf8_lossy(entry.name_bytes());
                            if (self.at_name)(blob_id(id), &entry_name) {
                                scan.blobs.push((Arc::from(&*entry_name), id));
                            } else {
                                self.passed.insert(id);
                            }
                        }
                        Some(ObjectType::Tree) => {
                            let sub = self.tree(id);
                            if sub.is_empty() && sub.odd.is_empty() {
                                continue;
                            }
                            let name = name();
                            scan.odd.extend(sub.odd.iter().map(|(p, o, r)| {
                                let path = if p.is_empty() {
                                    name.clone()
                                } else {
                                    join(&name, p)
                                };
                                (path, *o, r.clone())
                            }));
                            if !sub.is_empty() {
                                scan.trees.push((name, sub));
                            }
                        }
                        Some(ObjectType::Commit) => {
                            scan.odd.push((name(), id, SkipReason::Submodule))
                        }
                        _ => {}
                    }
                }
            }
        }
        let scan = if scan.is_empty() && scan.odd.is_empty() {
            self.empty.clone()
        } else {
            // Git orders a subtree as if its name ended in '/'.
            scan.blobs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            scan.trees.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            Arc::new(scan)
        };
        self.trees.insert(tree, scan.clone());
        scan
    }
}

/// Decides, commit by commit in topological order, which (key, path)
/// pairs of a commit's tree none of its parents' trees has.
struct Decide<'a, K> {
    targets: &'a OidMap<Vec<K>>,
    all_occurrences: bool,
    /// Pairs introduced so far (first occurrences only).
    reported: HashSet<(K, Arc<str>)>,
    /// Target blobs found in some commit.
    reached: HashSet<Oid>,
    /// The current commit's introductions: key, blob, path.
    new: Vec<(K, Oid, Arc<str>)>,
}

impl<K: Clone + Eq + Hash> Decide<'_, K> {
    /// Adds to `new` the pairs of `scan` (the tree at `prefix`) that none of
    /// `parents` (the parents' trees at the same path) has. A subtree
    /// shared with a parent has nothing new and is not entered.
    fn new_pairs(&mut self, scan: &TreeScan, parents: &[&TreeScan], prefix: &str) {
        for (name, blob) in &scan.blobs {
            self.reached.insert(*blob);
            let before: Vec<Oid> = parents.iter().filter_map(|p| p.blob(name)).collect();
            for key in &self.targets[blob] {
                let seen = before
                    .iter()
                    .any(|b| b == blob || self.targets[b].contains(key));
                if seen {
                    continue;
                }
                let path = join(prefix, name);
                if self.all_occurrences || self.reported.insert((key.clone(), path.clone())) {
                    self.new.push((key.clone(), *blob, path));
                }
            }
        }
        for (name, sub) in &scan.trees {
            let subs: Vec<&TreeScan> = parents.iter().filter_map(|p| p.tree(name)).collect();
            if subs.iter().any(|s| std::ptr::eq(*s, &**sub)) {
                continue;
            }
            self.new_pairs(sub, &subs, &join(prefix, name));
        }
    }
}

/// What [`History::scan_commits`] found in a run of commits.
struct CommitScans {
    /// Each commit's scan (`None` for a commit that cannot be read).
    scans: Vec<Option<CommitScan>>,
    skips: Vec<Skip>,
    broken: Vec<String>,
    /// Target blobs met only at names where they do not matter.
    passed: OidSet,
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
    /// `at_name` says whether a target blob may matter at an entry of that
    /// name (the last component of its path); where it says no, the blob
    /// is not looked for.
    pub fn attribute<K: Clone + Eq + Hash + Send + Sync>(
        &self,
        targets: &HashMap<BlobId, Vec<K>>,
        at_name: &AtName<'_>,
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
        let (tips, mut broken) = self.tips(&repo)?;
        for tip in tips {
            walk.push(tip)
                .map_err(|e| git_error(&format!("commit {tip}"), e))?;
        }
        let commits: Vec<Oid> = walk
            .collect::<Result<_, _>>()
            .map_err(|e| git_error("revwalk", e))?;
        let per_worker = commits.len().div_ceil(rayon::current_num_threads()).max(1);
        let parts = commits
            .par_chunks(per_worker)
            .map(|chunk| self.scan_commits(chunk, targets, at_name, cancel))
            .collect::<Result<Vec<_>, SourceError>>()?;
        let mut skips = Vec::new();
        let mut scans = Vec::with_capacity(commits.len());
        let mut named = HashSet::new();
        let mut passed = OidSet::default();
        for part in parts {
            scans.extend(part.scans);
            broken.extend(part.broken);
            passed.extend(part.passed);
            skips.extend(
                part.skips
                    .into_iter()
                    .filter(|s| named.insert(s.path.clone())),
            );
        }

        // Each commit keeps its tree scan, whose unchanged subtrees are
        // shared with its parents': only what differs is compared.
        let mut present: OidMap<Arc<TreeScan>> = OidMap::default();
        let mut decide = Decide {
            targets,
            all_occurrences,
            reported: HashSet::new(),
            reached: HashSet::new(),
            new: Vec::new(),
        };
        let mut introductions = Vec::new();
        for (&id, scan) in commits.iter().zip(scans) {
            let Some(CommitScan { parents, scan }) = scan else {
                continue;
            };
            let before: Vec<&TreeScan> = parents
                .iter()
                .filter_map(|p| present.get(p).map(|s| &**s))
                .collect();
            decide.new_pairs(&scan, &before, "");
            if !decide.new.is_empty() {
                let commit = repo
                    .find_commit(id)
                    .map_err(|e| git_error(&format!("commit {id}"), e))?;
                let info = Arc::new(commit_info(&commit));
                introductions.extend(decide.new.drain(..).map(|(key, blob, path)| Introduction {
                    key,
                    blob: blob_id(blob),
                    path: path.to_string(),
                    commit: info.clone(),
                }));
            }
            present.insert(id, scan);
        }
        let reached = decide.reached;
        Ok(Attribution {
            introductions,
            skips,
            unreachable: targets
                .keys()
                .filter(|b| !reached.contains(b) && !passed.contains(b))
                .count(),
            broken,
        })
    }

    /// The parents and target blobs of each of `commits` (`None` for a
    /// commit that cannot be read), with what could not be scanned and the
    /// commits and trees that could not be read.
    fn scan_commits<K>(
        &self,
        commits: &[Oid],
        targets: &OidMap<Vec<K>>,
        at_name: &AtName<'_>,
        cancel: &Cancel,
    ) -> Result<CommitScans, SourceError> {
        let repo = self.repo()?;
        let mut walker = Walker {
            repo: &repo,
            targets,
            at_name,
            passed: OidSet::default(),
            known: self.known.get(),
            trees: TreeMemo::default(),
            empty: Arc::default(),
            reported: HashSet::new(),
            skips: Vec::new(),
            broken: Vec::new(),
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
                        let reason = object_error(&e);
                        walker.broken.push(format!("commit {id}: {reason}"));
                        walker.skips.push(Skip {
                            path: id.to_string(),
                            reason,
                        });
                    }
                    out.push(None);
                }
            }
        }
        Ok(CommitScans {
            scans: out,
            skips: walker.skips,
            broken: walker.broken,
            passed: walker.passed,
        })
    }

    /// The commits to walk from: the branch, or every ref and HEAD; and the
    /// refs whose object cannot be read (a ref to a readable tree or blob
    /// has no history and is left out quietly).
    fn tips(&self, repo: &Repository) -> Result<(Vec<Oid>, Vec<String>), SourceError> {
        if let Some(b) = &self.branch {
            let commit = repo
                .revparse_single(b)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| git_error(&format!("branch '{b}'"), e))?;
            return Ok((vec![commit.id()], Vec::new()));
        }
        let mut tips = Vec::new();
        let mut broken = Vec::new();
        let refs = repo.references().map_err(|e| git_error("references", e))?;
        for r in refs.flatten() {
            match r.peel_to_commit() {
                Ok(c) => tips.push(c.id()),
                Err(_) => {
                    if let Some(Err(e)) = r.target().map(|t| repo.find_object(t, None)) {
                        let name = String::from_utf8_lossy(r.name_bytes()).into_owned();
                        broken.push(format!("{name}: {}", object_error(&e)));
                    }
                }
            }
        }
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            tips.push(head.id());
        }
        tips.sort();
        tips.dedup();
        Ok((tips, broken))
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
