//! `TestRepo`: a git repository in a temporary directory, built with the
//! real `git` binary (our users' client). System and global git config are
//! ignored, the author and committer are fixed and their dates step one
//! hour per commit, merge, stash or tag, so every object id is the same on
//! every run.

use std::{
    cell::Cell,
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use super::{leakhound, Run, TestDir};

/// Author of every commit.
pub const AUTHOR_NAME: &str = "Ada Lovelace";
/// Author email of every commit.
pub const AUTHOR_EMAIL: &str = "ada@lovelace.test";
/// Committer of every commit (differs from the author, so reports can be
/// checked to carry the author).
pub const COMMITTER_NAME: &str = "Build Bot";
/// Committer email of every commit.
pub const COMMITTER_EMAIL: &str = "bot@builds.test";

/// Seconds since the epoch of the first commit (2023-11-14T22:13:20Z).
const EPOCH: u64 = 1_700_000_000;
/// The time zone of every date.
const ZONE: &str = "+0200";

/// A git repository (work tree, or bare) in a temporary directory.
pub struct TestRepo {
    dir: TestDir,
    /// The repository's directory inside `dir`.
    root: PathBuf,
    /// Objects with dates created so far: the next one is dated one hour later.
    clock: Cell<u64>,
}

impl TestRepo {
    /// A new repository with no commits, on branch `main`.
    pub fn new() -> TestRepo {
        let dir = TestDir::new();
        let root = dir.path().to_path_buf();
        let repo = TestRepo {
            dir,
            root,
            clock: Cell::new(0),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Its directory (the work tree, or the repository itself when bare).
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The absolute path of `rel` inside it.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// `git ARGS` in the repository with the fixed identity and the current
    /// date; whatever the outcome.
    pub fn git_output(&self, args: &[&str]) -> Output {
        self.git_output_env(args, &[])
    }

    /// [`TestRepo::git_output`] with extra environment variables (which
    /// hooks inherit).
    pub fn git_output_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let date = format!("{} {ZONE}", EPOCH + self.clock.get() * 3600);
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.root)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", AUTHOR_NAME)
            .env("GIT_AUTHOR_EMAIL", AUTHOR_EMAIL)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", COMMITTER_NAME)
            .env("GIT_COMMITTER_EMAIL", COMMITTER_EMAIL)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_EDITOR", "true")
            .env("GIT_MERGE_AUTOEDIT", "no");
        // A test run from inside a git hook must not act on the outer repository.
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_CEILING_DIRECTORIES",
            "GIT_CONFIG",
            "GIT_CONFIG_PARAMETERS",
            "GIT_NAMESPACE",
            "LEAKHOUND_CONFIG",
            "LEAKHOUND_BASELINE",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        cmd.output().unwrap_or_else(|e| {
            panic!("cannot run git ({e}): the git tests need the `git` command on PATH")
        })
    }

    /// `git ARGS`, which must succeed; its stdout, trimmed.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?} failed in {}:\n{}{}",
            self.root.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Moves the clock on: the next object with a date is one hour later.
    fn tick(&self) {
        self.clock.set(self.clock.get() + 1);
    }

    /// Writes `bytes` to `rel` in the work tree (creating parent
    /// directories); does not stage it.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directories");
        }
        fs::write(&path, bytes).expect("write a file in the work tree");
        path
    }

    /// The work-tree file `rel`, as text.
    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        fs::read_to_string(self.join(rel)).expect("read a file of the work tree")
    }

    /// `git add -- PATHS`.
    #[track_caller]
    pub fn stage(&self, paths: &[&str]) {
        let mut args = vec!["add", "--"];
        args.extend_from_slice(paths);
        self.git(&args);
    }

    /// `git add -A`: every change of the work tree.
    #[track_caller]
    pub fn stage_all(&self) {
        self.git(&["add", "-A"]);
    }

    /// Commits what is staged, one hour after the previous object; its id.
    #[track_caller]
    pub fn commit(&self, message: &str) -> String {
        self.tick();
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.head()
    }

    /// Writes `content` to `rel`, stages it and commits it; the commit's id.
    #[track_caller]
    pub fn commit_file(&self, rel: &str, content: impl AsRef<[u8]>, message: &str) -> String {
        self.write(rel, content);
        self.stage(&[rel]);
        self.commit(message)
    }

    /// The object id `rev` names (`HEAD`, `main~2`, `HEAD:path`, ...).
    #[track_caller]
    pub fn rev_parse(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--verify", "-q", rev])
    }

    /// The commit HEAD names.
    #[track_caller]
    pub fn head(&self) -> String {
        self.rev_parse("HEAD")
    }

    /// The id of the blob at `path` in `rev` (`HEAD`, a commit id, ...);
    /// `:path` for the index.
    #[track_caller]
    pub fn blob_id(&self, rev: &str, path: &str) -> String {
        self.rev_parse(&format!("{rev}:{path}"))
    }

    /// The author date of `rev` in strict ISO 8601 (`%aI`), as git prints it.
    #[track_caller]
    pub fn author_date(&self, rev: &str) -> String {
        self.git(&["log", "-1", "--format=%aI", rev])
    }

    /// Creates branch `name` at HEAD (without switching to it).
    #[track_caller]
    pub fn branch(&self, name: &str) {
        self.git(&["branch", name]);
    }

    /// Deletes branch `name`, merged or not.
    #[track_caller]
    pub fn delete_branch(&self, name: &str) {
        self.git(&["branch", "-q", "-D", name]);
    }

    /// Switches to a branch or commit (`git checkout REV`).
    #[track_caller]
    pub fn checkout(&self, rev: &str) {
        self.git(&["checkout", "-q", rev]);
    }

    /// Creates branch `name` at HEAD and switches to it.
    #[track_caller]
    pub fn checkout_new(&self, name: &str) {
        self.git(&["checkout", "-q", "-b", name]);
    }

    /// Detaches HEAD at `rev`.
    #[track_caller]
    pub fn detach(&self, rev: &str) {
        self.git(&["checkout", "-q", "--detach", rev]);
    }

    /// Merges `rev` into the current branch with a merge commit (`--no-ff`),
    /// which must not conflict; its id.
    #[track_caller]
    pub fn merge(&self, rev: &str, message: &str) -> String {
        self.tick();
        self.git(&["merge", "-q", "--no-ff", "--no-verify", "-m", message, rev]);
        self.head()
    }

    /// Starts merging `rev`, which must stop on a conflict; resolve it with
    /// `write`, `stage` and `commit`.
    #[track_caller]
    pub fn merge_conflicting(&self, rev: &str) {
        let out = self.git_output(&["merge", "--no-ff", rev]);
        assert!(
            !out.status.success(),
            "merging {rev} was expected to conflict:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            self.join(".git/MERGE_HEAD").exists(),
            "a merge of {rev} is in progress"
        );
    }

    /// `git rm -q -- PATH`.
    #[track_caller]
    pub fn rm(&self, path: &str) {
        self.git(&["rm", "-q", "--", path]);
    }

    /// `git mv FROM TO`.
    #[track_caller]
    pub fn mv(&self, from: &str, to: &str) {
        self.git(&["mv", from, to]);
    }

    /// An annotated tag `name` on `rev`.
    #[track_caller]
    pub fn tag(&self, name: &str, rev: &str) {
        self.tick();
        self.git(&["tag", "-a", "-m", name, name, rev]);
    }

    /// Stashes the work tree and index changes (`git stash push`); the
    /// stash commit's id.
    #[track_caller]
    pub fn stash(&self, message: &str) -> String {
        self.tick();
        self.git(&["stash", "push", "-q", "-m", message]);
        self.rev_parse("refs/stash")
    }

    /// Packs every object and ref (`git gc`): no loose objects remain.
    #[track_caller]
    pub fn gc(&self) {
        self.git(&["gc", "-q", "--prune=now"]);
        assert_eq!(self.loose_objects(), 0, "git gc left loose objects");
    }

    /// How many loose objects the repository holds.
    #[track_caller]
    pub fn loose_objects(&self) -> usize {
        let out = self.git(&["count-objects"]);
        out.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected `git count-objects` output: {out}"))
    }

    /// A clone of this repository with the last `depth` commits of its
    /// current branch (`git clone --depth N file://...`).
    #[track_caller]
    pub fn shallow_clone(&self, depth: u32) -> TestRepo {
        let url = format!("file://{}", self.root.display());
        let clone = self.clone_with(&["clone", "-q", "--depth", &depth.to_string(), &url]);
        let shallow = clone.git(&["rev-parse", "--is-shallow-repository"]);
        assert_eq!(shallow, "true", "the clone is shallow");
        clone
    }

    /// A clone of `branch` of this repository over `file://`, as a runner's
    /// checkout: the whole history, or the last `depth` commits of `branch`
    /// only (`--depth N`, which is also `--single-branch`).
    #[track_caller]
    pub fn clone_branch(&self, branch: &str, depth: Option<u32>) -> TestRepo {
        let url = format!("file://{}", self.root.display());
        let depth = depth.map(|d| d.to_string());
        let mut args = vec!["clone", "-q", "--branch", branch];
        if let Some(d) = &depth {
            args.extend(["--depth", d]);
        }
        args.push(&url);
        self.clone_with(&args)
    }

    /// A bare clone of this repository (`git clone --bare`).
    #[track_caller]
    pub fn bare_clone(&self) -> TestRepo {
        let src = self.root.display().to_string();
        let clone = self.clone_with(&["clone", "-q", "--bare", &src]);
        assert_eq!(clone.git(&["rev-parse", "--is-bare-repository"]), "true");
        clone
    }

    fn clone_with(&self, args: &[&str]) -> TestRepo {
        let dir = TestDir::new();
        let root = dir.join("clone");
        let mut args = args.to_vec();
        let dest = root.display().to_string();
        args.push(&dest);
        self.git(&args);
        TestRepo {
            dir,
            root,
            clock: Cell::new(self.clock.get()),
        }
    }

    /// The repository's git directory (`.git`, or the repository if bare).
    #[track_caller]
    pub fn git_dir(&self) -> PathBuf {
        let dir = PathBuf::from(self.git(&["rev-parse", "--git-dir"]));
        if dir.is_absolute() {
            dir
        } else {
            self.root.join(dir)
        }
    }

    /// The file of the loose object `oid`, which must exist.
    #[track_caller]
    pub fn loose_object(&self, oid: &str) -> PathBuf {
        let path = self
            .git_dir()
            .join("objects")
            .join(&oid[..2])
            .join(&oid[2..]);
        assert!(
            path.is_file(),
            "{oid} is a loose object: {}",
            path.display()
        );
        path
    }

    /// Deletes the loose object `oid`, as a damaged or partial copy of a
    /// repository lacks it.
    #[track_caller]
    pub fn delete_object(&self, oid: &str) {
        fs::remove_file(self.loose_object(oid)).expect("delete a loose object");
    }

    /// Replaces the loose object `oid` by bytes that do not inflate.
    #[track_caller]
    pub fn corrupt_object(&self, oid: &str) {
        let path = self.loose_object(oid);
        // Loose objects are read-only: replace the file rather than write to it.
        fs::remove_file(&path).expect("remove a loose object");
        fs::write(&path, b"this is not zlib data\n").expect("write a corrupt object");
    }

    /// `leakhound` running in the repository's directory.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = leakhound();
        cmd.current_dir(&self.root);
        cmd
    }

    /// Runs `leakhound ARGS` in the repository's directory.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().expect("run leakhound"))
    }

    /// `leakhound ARGS... --format json` in the repository, with the
    /// findings of its report (none when it exits 2).
    pub fn json(&self, args: &[&str]) -> (Run, Vec<super::JsonFinding>) {
        let run = self.run(&[args, &["--format", "json"]].concat());
        let found = if run.code == 2 {
            Vec::new()
        } else {
            run.findings()
        };
        (run, found)
    }

    /// A repository in the middle of a conflicting merge of `topic` into
    /// `main` on `settings.ini`; returns it and the commit both branched from.
    pub fn with_conflicting_merge() -> (TestRepo, String) {
        let repo = TestRepo::with_readme();
        let base = repo.commit_file("settings.ini", "[auth]\nmode = none\n", "Settings");
        repo.checkout_new("topic");
        repo.commit_file("settings.ini", "[auth]\nmode = basic\n", "Basic auth");
        repo.checkout("main");
        repo.commit_file("settings.ini", "[auth]\nmode = oauth\n", "OAuth");
        repo.merge_conflicting("topic");
        (repo, base)
    }

    /// A repository whose first commit holds a harmless README.
    pub fn with_readme() -> TestRepo {
        let repo = TestRepo::new();
        repo.commit_file(
            "README.md",
            "# service\n\nNothing secret.\n",
            "Initial commit",
        );
        repo
    }

    /// The temporary directory that holds the repository.
    pub fn dir(&self) -> &TestDir {
        &self.dir
    }
}

/// `(path, line, rule_id, commit)` of a git finding, for compact assertions.
pub type GitLoc = (String, usize, String, String);

/// `(path, line, rule_id, commit)` of each finding ("" when it has no commit).
pub fn git_locations(findings: &[super::JsonFinding]) -> Vec<GitLoc> {
    findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.rule_id.clone(),
                f.commit.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// One `(path, line, rule_id, commit)`, as [`git_locations`] gives them.
pub fn gloc(path: &str, line: usize, rule: &str, commit: &str) -> GitLoc {
    (path.to_string(), line, rule.to_string(), commit.to_string())
}

impl TestRepo {
    /// Panics unless every finding names a commit and carries the author
    /// name, email, date and message summary that `git log` shows for it.
    #[track_caller]
    pub fn assert_provenance(&self, findings: &[super::JsonFinding]) {
        for f in findings {
            let commit = f
                .commit
                .as_deref()
                .unwrap_or_else(|| panic!("a git finding names its commit: {f:#?}"));
            let log = self.git(&["log", "-1", "--format=%an%n%ae%n%aI%n%s", commit]);
            let want: Vec<&str> = log.lines().collect();
            let got = [
                f.author.as_deref(),
                f.email.as_deref(),
                f.date.as_deref(),
                f.message.as_deref(),
            ];
            assert_eq!(
                got.map(Option::unwrap_or_default),
                [want[0], want[1], want[2], want[3]],
                "author, email, date and message of {commit}: {f:#?}"
            );
        }
    }
}
