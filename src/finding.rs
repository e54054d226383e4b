//! The shared vocabulary of a scan's result: [`Finding`], the [`Secret`] it
//! carries (redacted unless a reporter is told otherwise), the [`Excerpt`]s of
//! text around it and its [`Fingerprint`]. No scanning logic lives here.

use std::{fmt, ops::Range, path::PathBuf, sync::Arc};

use sha2::{Digest, Sha256};

use crate::rules::{Confidence, Remediation, Severity};

mod verification;

pub use verification::{Summary, Unchecked, Verification};

/// A secret's text. It has no `Display` and its `Debug` hides the value, so
/// it cannot reach a log by accident: only reporters call [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret's text.
    pub fn new(text: impl Into<Box<str>>) -> Self {
        Secret(text.into())
    }

    /// The secret in clear, for reporters asked to show it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret as a report shows it: redacted, or whole.
    pub fn shown(&self, redact: bool) -> String {
        if redact {
            self.redacted()
        } else {
            self.0.to_string()
        }
    }

    /// The redacted form: a short prefix, an ellipsis and the length in characters.
    pub fn redacted(&self) -> String {
        let chars = self.0.chars().count();
        let shown = (chars / 4).min(4);
        let prefix: String = self.0.chars().take(shown).collect();
        format!("{prefix}…({chars})")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Shortest secret, or piece of one, that [`Excerpt::mark`] marks.
const MIN_MARKED: usize = 4;

/// Text around a secret (the matched text, or the source line), with the
/// byte ranges that hold secrets (its own, and any other secret found in the
/// same text), so it can be shown redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Excerpt {
    text: Box<str>,
    secrets: Vec<Range<usize>>,
}

impl Excerpt {
    /// An excerpt whose `secret` range (bytes of `text`) holds the secret.
    pub fn new(text: impl Into<Box<str>>, secret: Range<usize>) -> Self {
        let mut e = Excerpt {
            text: text.into(),
            secrets: Vec::new(),
        };
        e.add_range(secret);
        e
    }

    /// The excerpt's text, in clear.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Marks every occurrence of `secret` in the text as secret too, and a
    /// piece of it cut by either end of the text (an excerpt trimmed in the
    /// middle of another secret).
    pub fn mark(&mut self, secret: &Secret) {
        let needle = secret.expose();
        if needle.len() < MIN_MARKED {
            return;
        }
        let mut found: Vec<Range<usize>> = self
            .text
            .match_indices(needle)
            .map(|(i, m)| i..i + m.len())
            .collect();
        let (text, n) = (self.text.as_bytes(), needle.as_bytes());
        // The longest end of the text that begins the secret...
        let tail = &text[text.len().saturating_sub(n.len() - 1)..];
        let tail_start = text.len() - tail.len();
        if let Some(i) = memchr::memchr_iter(n[0], tail)
            .find(|&i| tail.len() - i >= MIN_MARKED && n.starts_with(&tail[i..]))
        {
            found.push(tail_start + i..text.len());
        }
        // ...and the longest start of the text that ends it.
        let head = &text[..text.len().min(n.len() - 1)];
        if let Some(i) = memchr::memrchr_iter(n[n.len() - 1], head)
            .find(|&i| i + 1 >= MIN_MARKED && n.ends_with(&head[..=i]))
        {
            found.push(0..i + 1);
        }
        for r in found {
            self.add_range(r);
        }
    }

    fn add_range(&mut self, r: Range<usize>) {
        let end = ceil_char(&self.text, r.end.min(self.text.len()));
        let start = floor_char(&self.text, r.start.min(end));
        if start < end && !self.secrets.contains(&(start..end)) {
            self.secrets.push(start..end);
        }
    }

    /// The excerpt as text: whole, or with every secret range replaced by
    /// the redacted form of its text.
    pub fn render(&self, redact: bool) -> String {
        if !redact {
            return self.text.to_string();
        }
        let mut ranges = self.secrets.clone();
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for r in merged {
            out.push_str(&self.text[at..r.start]);
            out.push_str(&Secret::new(&self.text[r.clone()]).redacted());
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Excerpt(<redacted>)")
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A stable identity of a leaked secret: SHA-256 of the rule id and the secret.
/// The same secret found by the same rule anywhere has the same fingerprint.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `secret` found by rule `rule_id`.
    pub fn new(rule_id: &str, secret: &Secret) -> Self {
        let mut h = Sha256::new();
        h.update(rule_id.as_bytes());
        h.update([0]);
        h.update(secret.expose().as_bytes());
        Fingerprint(h.finalize().into())
    }

    /// Lowercase hex, as written in reports, baselines and ignore files.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The id of a git blob (its SHA-1), shown as 40 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlobId([u8; 20]);

impl BlobId {
    /// The raw id.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl From<[u8; 20]> for BlobId {
    fn from(raw: [u8; 20]) -> Self {
        BlobId(raw)
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({self})")
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

/// A 1-based line and column (columns count bytes, SARIF-style).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based byte column.
    pub column: usize,
}

/// Git provenance of a blob: the commit that introduced it and who wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the commit message.
    pub message: String,
}

/// A filesystem path as shown in reports: `/` separators, no leading `./`.
pub fn path_string(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Where scanned bytes came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    File {
        /// The path as walked.
        path: PathBuf,
        /// How many leading bytes of the shown path ([`path_string`]) name
        /// the scan root, with its `/`: the rest is the path inside the scan.
        root: usize,
    },
    /// Standard input, under a label.
    Stdin {
        /// The name shown in reports.
        label: String,
    },
    /// A blob in a git repository, at a path, maybe with its introducing commit.
    Git {
        /// Path of the file in the commit's tree; `None` until the blob is
        /// attributed to one (a history scan's first pass).
        path: Option<String>,
        /// The blob.
        blob: BlobId,
        /// The commit that introduced it, once attributed.
        commit: Option<Arc<CommitInfo>>,
    },
}

impl Origin {
    /// The path shown in reports, with `/` separators.
    pub fn display_path(&self) -> String {
        match self {
            Origin::File { path, .. } => path_string(path),
            Origin::Stdin { label } => label.clone(),
            Origin::Git { path, .. } => path.clone().unwrap_or_default(),
        }
    }

    /// The path inside what was asked to be scanned: below the directory
    /// walked, or in the repository. Whether a file is test code is judged
    /// on this, so a scan of `~/samples/app` is not all test data.
    pub fn path_in_scan(&self) -> Option<String> {
        let path = self.known_path()?;
        Some(match self {
            Origin::File { root, .. } => path.get(*root..).unwrap_or(&path).to_string(),
            _ => path,
        })
    }

    /// The path that path filters see: `None` for a git blob not yet
    /// attributed to a path (the filters wait until it is).
    pub fn known_path(&self) -> Option<String> {
        match self {
            Origin::Git { path: None, .. } => None,
            _ => Some(self.display_path()),
        }
    }

    /// How a skipped input is named: its path, or the id of a git blob not
    /// yet attributed to a path.
    pub fn name(&self) -> String {
        match self {
            Origin::Git {
                path: None, blob, ..
            } => blob.to_string(),
            _ => self.display_path(),
        }
    }

    /// The introducing commit, for git origins that have one.
    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Origin::Git { commit, .. } => commit.as_deref(),
            _ => None,
        }
    }
}

/// One leaked secret at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Id of the rule that found it.
    pub rule_id: Arc<str>,
    /// The rule's description.
    pub description: Arc<str>,
    /// The rule's severity.
    pub severity: Severity,
    /// How sure it is a real secret (the rule's confidence).
    pub confidence: Confidence,
    /// The rule's tags.
    pub tags: Arc<[String]>,
    /// The secret itself.
    pub secret: Secret,
    /// The whole regex match, around the secret.
    pub matched: Excerpt,
    /// The source line(s) of the match.
    pub line: Excerpt,
    /// Byte range of the secret in the scanned bytes.
    pub span: Range<usize>,
    /// Start of the secret.
    pub start: Position,
    /// End of the secret (column exclusive).
    pub end: Position,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f32,
    /// Stable identity of rule + secret.
    pub fingerprint: Fingerprint,
    /// Where it was found.
    pub origin: Origin,
    /// The decodings that revealed the secret, outermost first (`base64`,
    /// `hex`, ...); empty when it is written as is.
    pub decoded: Vec<&'static str>,
    /// What to do about it (the rule's remediation).
    pub remediation: Option<Arc<Remediation>>,
    /// Whether the provider says the secret is live (`--verify`).
    pub verification: Verification,
}

impl Finding {
    /// Whether a generic (low-confidence) rule found it: it gives way to a
    /// specific rule's finding at the same place.
    pub fn is_generic(&self) -> bool {
        self.confidence <= Confidence::Low
    }

    /// The order of findings in a report: by path, position, then rule.
    pub fn sort_key(&self) -> (String, usize, usize, &str) {
        (
            self.origin.display_path(),
            self.start.line,
            self.start.column,
            &self.rule_id,
        )
    }
}

#[cfg(test)]
impl Finding {
    /// A minimal finding at `at` from `origin`, for reporters' unit tests.
    pub fn for_tests(at: Position, origin: Origin) -> Finding {
        let secret = Secret::new("x");
        Finding {
            rule_id: "r".into(),
            description: "d".into(),
            severity: Severity::Low,
            confidence: Confidence::Medium,
            tags: Vec::new().into(),
            fingerprint: Fingerprint::new("r", &secret),
            secret,
            matched: Excerpt::new("x", 0..1),
            line: Excerpt::new("x", 0..1),
            span: 0..0,
            start: at,
            end: at,
            entropy: 0.0,
            origin,
            decoded: Vec::new(),
            remediation: None,
            verification: Verification::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_cut_by_an_end_of_the_excerpt_is_marked() {
        let secret = Secret::new("SECRETVALUE123");
        let mut e = Excerpt::new("x=1 y=SECRETVAL", 0..0);
        e.mark(&secret);
        assert_eq!(e.render(true), "x=1 y=SE…(9)");
        let mut e = Excerpt::new("UE123 rest", 0..0);
        e.mark(&secret);
        assert_eq!(e.render(true), "U…(5) rest");
        // Pieces shorter than 4 bytes are left alone.
        let mut e = Excerpt::new("SEC and 123", 0..0);
        e.mark(&secret);
        assert_eq!(e.render(true), "SEC and 123");
    }

    #[test]
    fn redaction_keeps_a_short_prefix_and_the_length() {
        let s = Secret::new("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assert_eq!(s.redacted(), "ghp_…(40)");
        assert_eq!(Secret::new("abc").redacted(), "…(3)");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn excerpt_redacts_its_range_and_marked_secrets() {
        let own = Secret::new("hunter2hunter2");
        let other = Secret::new("swordfish99");
        let mut e = Excerpt::new("a=hunter2hunter2 b=swordfish99 c=hunter2hunter2", 2..16);
        e.mark(&own);
        e.mark(&other);
        let out = e.render(true);
        assert!(
            !out.contains("hunter2") && !out.contains("swordfish"),
            "{out}"
        );
        assert_eq!(
            out,
            format!("a={0} b={1} c={0}", own.redacted(), other.redacted())
        );
        assert_eq!(
            e.render(false),
            "a=hunter2hunter2 b=swordfish99 c=hunter2hunter2"
        );
    }

    #[test]
    fn excerpt_redacts_a_secret_cut_by_the_excerpt() {
        let e = Excerpt::new("-----BEGIN KEY-----", 0..40);
        assert_eq!(
            e.render(true),
            Secret::new("-----BEGIN KEY-----").redacted()
        );
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret() {
        let s = Secret::new("x");
        assert_eq!(Fingerprint::new("a", &s), Fingerprint::new("a", &s));
        assert_ne!(Fingerprint::new("a", &s), Fingerprint::new("b", &s));
        assert_eq!(Fingerprint::new("a", &s).to_hex().len(), 64);
    }
}
