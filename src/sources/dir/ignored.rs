//! The `.ignore`, `.gitignore` and `.git/info/exclude` rules of a walk,
//! applied by the walk's own entry filter instead of the `ignore` crate's,
//! so that each entry they keep out is counted as the walk meets it (one
//! walk; never a second one to find what the first left out). The
//! precedence is the crate's: for each kind of file, the deepest directory
//! whose rules match decides (a `!pattern` lets an entry back in); then
//! `.ignore` beats `.gitignore`, which beats the exclude file. Files in the
//! roots' parent directories apply too, matched against absolute paths.

use std::{
    collections::HashMap,
    fs,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::sync::lock;

/// A walk root as given, and its absolute path.
struct Root {
    given: PathBuf,
    absolute: PathBuf,
}

impl Root {
    /// `path` (under the root as given) as an absolute path.
    fn absolute(&self, path: &Path) -> PathBuf {
        self.absolute
            .join(path.strip_prefix(&self.given).unwrap_or(path))
    }
}

/// The rules in force in one directory: its own files, then its parents'.
/// A directory without ignore files shares its parent's level.
struct Level {
    /// `.ignore`, `.gitignore`, `.git/info/exclude`, in order of precedence.
    files: [Gitignore; 3],
    /// Set for a directory above a walk root: its rules see absolute paths.
    above: Option<Arc<Root>>,
    parent: Option<Arc<Level>>,
}

/// The ignore rules of every directory the walk has entered (`None`: no
/// rules there or above).
pub struct IgnoreRules {
    levels: Mutex<HashMap<PathBuf, Option<Arc<Level>>>>,
}

impl IgnoreRules {
    /// The rules for a walk of `roots`.
    pub fn new(roots: &[PathBuf]) -> IgnoreRules {
        let mut levels = HashMap::new();
        for given in roots.iter().filter(|r| r.is_dir()) {
            let mut parent = None;
            if let Ok(absolute) = given.canonicalize() {
                let root = Arc::new(Root {
                    given: given.clone(),
                    absolute: absolute.clone(),
                });
                let mut above: Vec<&Path> = absolute.ancestors().skip(1).collect();
                above.reverse();
                for dir in above {
                    parent = level(dir, parent, Some(&root));
                }
            }
            levels.insert(given.clone(), level(given, parent, None));
        }
        IgnoreRules {
            levels: Mutex::new(levels),
        }
    }

    /// Whether the rules keep `path` (an entry of a directory the walk
    /// entered) out of the walk.
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let Some(level) = path.parent().and_then(|dir| self.level_of(dir)) else {
            return false;
        };
        let mut decided: [Option<bool>; 3] = [None; 3];
        let mut absolute: Option<PathBuf> = None;
        let mut at = Some(&level);
        while let Some(l) = at {
            let seen: &Path = match &l.above {
                None => path,
                Some(root) => absolute.get_or_insert_with(|| root.absolute(path)),
            };
            for (slot, rules) in decided.iter_mut().zip(&l.files) {
                if slot.is_none() {
                    *slot = match rules.matched(seen, is_dir) {
                        Match::None => None,
                        Match::Ignore(_) => Some(true),
                        Match::Whitelist(_) => Some(false),
                    };
                }
            }
            at = l.parent.as_ref();
        }
        decided.into_iter().flatten().next().unwrap_or(false)
    }

    /// The level of `dir`, read on first use. The walk filters a directory
    /// (as its parent's entry) before it enters it, so the parent's level
    /// is known by then.
    fn level_of(&self, dir: &Path) -> Option<Arc<Level>> {
        let mut levels = lock(&self.levels);
        if let Some(l) = levels.get(dir) {
            return l.clone();
        }
        let parent = dir.parent().and_then(|p| levels.get(p)).cloned().flatten();
        let l = level(dir, parent, None);
        levels.insert(dir.to_path_buf(), l.clone());
        l
    }
}

/// The level of `dir` over `parent`: `parent` itself when `dir` has no
/// ignore file; `None` when neither has rules.
fn level(dir: &Path, parent: Option<Arc<Level>>, above: Option<&Arc<Root>>) -> Option<Arc<Level>> {
    let files = [
        rules(dir, &dir.join(".ignore")),
        rules(dir, &dir.join(".gitignore")),
        exclude_file(dir).map_or_else(Gitignore::empty, |f| rules(dir, &f)),
    ];
    if files.iter().all(Gitignore::is_empty) {
        return parent;
    }
    Some(Arc::new(Level {
        files,
        above: above.cloned(),
        parent,
    }))
}

/// The rules in `file`, relative to `dir`; none when it is missing. Bad
/// lines are left out, as the `ignore` crate does.
fn rules(dir: &Path, file: &Path) -> Gitignore {
    if !file.is_file() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(dir);
    let _ = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// `info/exclude` of the repository whose work tree is `dir`: in `.git`,
/// or, when `.git` is a file (a linked worktree, a submodule), in the
/// common directory it leads to.
fn exclude_file(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let meta = fs::metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git.join("info/exclude"));
    }
    let text = fs::read_to_string(&dot_git).ok()?;
    let git_dir = dir.join(text.lines().next()?.strip_prefix("gitdir: ")?);
    let common = match fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) => git_dir.join(c.lines().next()?),
        Err(_) => git_dir,
    };
    Some(common.join("info/exclude"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ignore::WalkBuilder;

    /// The files a walk of `root` yields: with the `ignore` crate's own
    /// filters (`rules: None`) or with [`IgnoreRules`].
    fn walk(root: &Path, ours: bool) -> Vec<String> {
        let mut builder = WalkBuilder::new(root);
        builder
            .hidden(false)
            .git_global(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git");
        if ours {
            let rules = IgnoreRules::new(&[root.to_path_buf()]);
            builder.standard_filters(false).filter_entry(move |e| {
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                e.file_name() != ".git" && !rules.ignores(e.path(), dir)
            });
        }
        let mut files: Vec<String> = builder
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_rules_keep_out_what_the_ignore_crate_keeps_out() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        let write = |rel: &str, text: &str| {
            let p = top.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        };
        write(".gitignore", "*.log\n!keep.log\n/d/e\nvendor/\n");
        write("repo/.gitignore", "c/\n*.tmp\nsecret.txt\n");
        write("repo/a/.gitignore", "!x.tmp\n");
        write("repo/.ignore", "x.log\n!secret.txt\n");
        fs::create_dir_all(top.join("repo/.git/info")).unwrap();
        write("repo/.git/info/exclude", "excluded.md\n");
        for f in [
            "repo/x.log",
            "repo/y.log",
            "repo/keep.log",
            "repo/a/y.tmp",
            "repo/a/x.tmp",
            "repo/c/f",
            "repo/a/c/f",
            "repo/d/e/g",
            "repo/d/h",
            "repo/vendor/v",
            "repo/secret.txt",
            "repo/excluded.md",
            "repo/a/excluded.md",
            "repo/top.txt",
        ] {
            write(f, "x\n");
        }
        for root in [top.to_path_buf(), top.join("repo"), top.join("repo/a")] {
            let (crate_files, our_files) = (walk(&root, false), walk(&root, true));
            assert!(crate_files.len() >= 2, "{crate_files:?}");
            assert_eq!(our_files, crate_files, "walking {}", root.display());
        }
    }
}
