//! Known findings to stay quiet about: ignore files (`.leakhoundignore`,
//! `.gitleaksignore`), baselines (an earlier JSON report, leakhound's or
//! gitleaks', or a detect-secrets baseline), and the config and baseline
//! files themselves. Matching is by secret fingerprint where the entry
//! carries one, so a known secret that moves stays known while a new secret
//! on a known line is new; gitleaks' position entries
//! (`commit:file:rule-id:line`) match by position.

mod ignore_file;
mod report_file;

use std::{
    collections::HashSet,
    fmt,
    path::{Path, PathBuf},
};

use sha1::{Digest, Sha1};

use crate::finding::{hex, path_string, Finding, Origin};

pub use report_file::write_baseline;

/// An ignore or baseline file that cannot be used, with file and line.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct BaselineError {
    /// The file.
    pub path: String,
    /// 1-based line, when one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl BaselineError {
    fn new(path: &Path, line: Option<usize>, message: impl fmt::Display) -> Self {
        BaselineError {
            path: path.display().to_string(),
            line,
            message: message.to_string(),
        }
    }
}

/// A finding identified by where it was (gitleaks' fingerprint form).
#[derive(Clone, Debug, PartialEq, Eq)]
struct PositionEntry {
    /// Full or abbreviated commit id; `None` matches any commit and file scans.
    commit: Option<String>,
    path: String,
    rule_id: String,
    line: usize,
}

impl PositionEntry {
    fn matches(&self, f: &Finding) -> bool {
        if f.rule_id.as_ref() != self.rule_id || f.start.line != self.line {
            return false;
        }
        let commit_ok = match (&self.commit, f.origin.commit()) {
            (None, _) => true,
            (Some(want), Some(c)) => c.id.starts_with(&want.to_ascii_lowercase()),
            (Some(_), None) => false,
        };
        commit_ok && same_path(&f.origin.display_path(), &self.path)
    }
}

/// Equal paths, or `found` ending in `/entry` (entries are written relative
/// to the repository root; a scan may name files from a parent directory).
fn same_path(found: &str, entry: &str) -> bool {
    let entry = entry.strip_prefix("./").unwrap_or(entry);
    found == entry
        || found
            .strip_suffix(entry)
            .is_some_and(|head| head.ends_with('/'))
}

/// The SHA-1 of a secret, lowercase hex: detect-secrets' `hashed_secret`,
/// and how secrets in clear from gitleaks reports are kept.
fn sha1_hex(secret: &str) -> String {
    hex(&Sha1::digest(secret.as_bytes()))
}

/// Everything that suppresses findings.
#[derive(Debug, Default)]
pub struct Suppressions {
    fingerprints: HashSet<String>,
    secret_sha1s: HashSet<String>,
    positions: Vec<PositionEntry>,
    own_files: Vec<PathBuf>,
}

impl Suppressions {
    /// Reads an ignore file: one entry per line, `#` comments.
    pub fn add_ignore_file(&mut self, path: &Path) -> Result<(), BaselineError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BaselineError::new(path, None, format!("cannot read: {e}")))?;
        for (n, line) in text.lines().enumerate() {
            match ignore_file::parse_line(line) {
                Ok(None) => {}
                Ok(Some(ignore_file::Entry::Fingerprint(f))) => {
                    self.fingerprints.insert(f);
                }
                Ok(Some(ignore_file::Entry::Position(p))) => self.positions.push(p),
                Err(message) => return Err(BaselineError::new(path, Some(n + 1), message)),
            }
        }
        Ok(())
    }

    /// Reads a baseline: a JSON (or JSON Lines) report of leakhound or gitleaks.
    pub fn add_baseline(&mut self, path: &Path) -> Result<(), BaselineError> {
        for entry in report_file::read(path)? {
            match entry {
                report_file::KnownEntry::Fingerprint(f) => {
                    self.fingerprints.insert(f);
                }
                report_file::KnownEntry::Secret(s) => {
                    self.secret_sha1s.insert(sha1_hex(&s));
                }
                report_file::KnownEntry::Position(p) => self.positions.push(p),
                report_file::KnownEntry::SecretSha1(h) => {
                    self.secret_sha1s.insert(h);
                }
            }
        }
        self.add_own_file(path);
        Ok(())
    }

    /// A file of leakhound's own (config, baseline): findings in it are not reported.
    pub fn add_own_file(&mut self, path: &Path) {
        if let Ok(p) = path.canonicalize() {
            self.own_files.push(p);
        }
    }

    /// Whether nothing is suppressed.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
            && self.secret_sha1s.is_empty()
            && self.positions.is_empty()
            && self.own_files.is_empty()
    }

    /// Whether `f` is known. `root` is the scan root, against which git paths
    /// are resolved to recognise leakhound's own files.
    pub fn suppresses(&self, f: &Finding, root: &Path) -> bool {
        self.fingerprints.contains(&f.fingerprint.to_hex())
            || (!self.secret_sha1s.is_empty()
                && self.secret_sha1s.contains(&sha1_hex(f.secret.expose())))
            || self.positions.iter().any(|p| p.matches(f))
            || self.is_own_file(&f.origin, root)
    }

    fn is_own_file(&self, origin: &Origin, root: &Path) -> bool {
        if self.own_files.is_empty() {
            return false;
        }
        let on_disk = match origin {
            Origin::File { path, .. } => path.canonicalize().ok(),
            Origin::Git { path, .. } => path
                .as_ref()
                .and_then(|p| Some(root.canonicalize().ok()?.join(p))),
            Origin::Stdin { .. } => None,
        };
        on_disk.is_some_and(|p| self.own_files.contains(&p))
    }

    /// Drops suppressed findings; returns how many were dropped.
    pub fn apply(&self, findings: &mut Vec<Finding>, root: &Path) -> usize {
        let before = findings.len();
        if !self.is_empty() {
            findings.retain(|f| !self.suppresses(f, root));
        }
        before - findings.len()
    }
}

/// The baseline file found at a scan root when none is named.
pub const DEFAULT_BASELINE: &str = ".leakhound-baseline.json";

/// Who chose the baseline in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineChoice {
    /// `--baseline FILE`.
    Flag,
    /// The `LEAKHOUND_BASELINE` environment variable.
    Env,
    /// The config's `baseline` key.
    Config,
    /// [`DEFAULT_BASELINE`] at the scan root.
    Found,
}

impl fmt::Display for BaselineChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaselineChoice::Flag => "--baseline",
            BaselineChoice::Env => "LEAKHOUND_BASELINE",
            BaselineChoice::Config => "the config's baseline key",
            BaselineChoice::Found => "found at the scan root",
        })
    }
}

/// The baseline to use: `explicit` (`--baseline`), else `env`
/// (`LEAKHOUND_BASELINE`, unless empty), else `configured` (the config's
/// `baseline` key), else [`DEFAULT_BASELINE`] in `root` if it is a file.
pub fn discover(
    explicit: Option<&Path>,
    env: Option<PathBuf>,
    configured: Option<&Path>,
    root: &Path,
) -> Option<(PathBuf, BaselineChoice)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), BaselineChoice::Flag));
    }
    if let Some(p) = env.filter(|p| !p.as_os_str().is_empty()) {
        return Some((p, BaselineChoice::Env));
    }
    if let Some(p) = configured {
        return Some((p.to_path_buf(), BaselineChoice::Config));
    }
    let found = root.join(DEFAULT_BASELINE);
    found.is_file().then_some((found, BaselineChoice::Found))
}

/// The ignore files that apply to a scan rooted at `root`, in the order read.
pub fn ignore_files_in(root: &Path) -> Vec<PathBuf> {
    [".leakhoundignore", ".gitleaksignore"]
        .iter()
        .map(|name| root.join(name))
        .filter(|p| p.is_file())
        .collect()
}

/// A path as written in ignore entries: `/` separators, no leading `./`.
fn normalise(path: &str) -> String {
    path_string(Path::new(path))
}
