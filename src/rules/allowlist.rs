//! Compiled allowlists (per rule and global) and their gitleaks semantics:
//! criteria are commits, path regexes, regexes on the secret / match / line,
//! and stopwords in the secret; `OR` allows when any present criterion
//! holds, `AND` when all present criteria hold.

pub use crate::config::RegexTarget;
use crate::config::{AllowlistSyntax, Condition, Confidence};

use super::pattern::{Compile, LazyPattern};
use super::Workload;

/// The facts about one candidate finding that allowlists look at.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    /// The secret's bytes.
    pub secret: &'a [u8],
    /// The whole match.
    pub matched: &'a [u8],
    /// The line(s) of the match.
    pub line: &'a [u8],
    /// The path being scanned, `/`-separated.
    pub path: &'a str,
    /// The commit, for git scans.
    pub commit: Option<&'a str>,
}

/// One compiled allowlist.
#[derive(Debug)]
pub struct Allowlist {
    /// What it allows, as written (`description`).
    pub description: Option<String>,
    and: bool,
    commits: Vec<String>,
    paths: Vec<LazyPattern>,
    target: RegexTarget,
    regexes: Vec<LazyPattern>,
    stopwords: Vec<String>,
    /// Global allowlists only: rule ids it applies to (all when empty).
    pub target_rules: Vec<String>,
    /// `lowerTo`: a match lowers the finding to this confidence instead of
    /// dropping it.
    pub lower_to: Option<Confidence>,
}

impl Allowlist {
    /// Builds an allowlist whose regexes compile `when` said (errors are one line).
    pub fn new(syntax: &AllowlistSyntax, when: Compile) -> Result<Allowlist, String> {
        let and = syntax.condition.unwrap_or_default() == Condition::And;
        let target = syntax.regex_target.unwrap_or_default();
        if syntax.commits.is_empty()
            && syntax.paths.is_empty()
            && syntax.regexes.is_empty()
            && syntax.stopwords.is_empty()
        {
            return Err("allowlist has none of commits, paths, regexes, stopwords".into());
        }
        let compile = |list: &[String], what: &str| -> Result<Vec<LazyPattern>, String> {
            list.iter()
                .map(|p| {
                    LazyPattern::new(p, when).map_err(|e| format!("allowlist {what} '{p}': {e}"))
                })
                .collect()
        };
        Ok(Allowlist {
            description: syntax.description.clone(),
            and,
            commits: syntax
                .commits
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .collect(),
            paths: compile(&syntax.paths, "path")?,
            target,
            regexes: compile(&syntax.regexes, "regex")?,
            stopwords: syntax.stopwords.iter().map(|s| s.to_lowercase()).collect(),
            target_rules: syntax.target_rules.clone(),
            lower_to: syntax.lower_to,
        })
    }

    /// The allowlist with its regexes compiled for `workload` when they compile.
    pub fn for_workload(mut self, workload: Workload) -> Allowlist {
        let each =
            |list: Vec<LazyPattern>| list.into_iter().map(|p| p.for_workload(workload)).collect();
        self.paths = each(self.paths);
        self.regexes = each(self.regexes);
        self
    }

    /// Compiles every regex now, naming the first that does not compile.
    pub fn check(&self) -> Result<(), String> {
        for p in self.paths.iter().chain(&self.regexes) {
            p.check()
                .map_err(|e| format!("allowlist regex '{}': {e}", p.source()))?;
        }
        Ok(())
    }

    /// Whether commit and path alone allow everything in a blob, so it need
    /// not be searched: an OR list with a matching commit or path, or an AND
    /// list that only has commits and paths, all matching.
    /// A lowering list (`lowerTo`) never skips a blob: its findings stay.
    pub fn allows_blob(&self, path: &str, commit: Option<&str>) -> bool {
        if self.lower_to.is_some() {
            return false;
        }
        let commit_hit = self.commit_matches(commit);
        let path_hit = self.path_matches(path);
        if self.and {
            self.regexes.is_empty()
                && self.stopwords.is_empty()
                && (self.commits.is_empty() || commit_hit)
                && (self.paths.is_empty() || path_hit)
        } else {
            commit_hit || path_hit
        }
    }

    /// Whether this (global) allowlist applies to `rule`: it has no
    /// `targetRules`, or names it.
    pub fn applies_to(&self, rule: &str) -> bool {
        self.target_rules.is_empty() || self.target_rules.iter().any(|t| t == rule)
    }

    /// Whether this allowlist allows a candidate finding.
    pub fn allows(&self, c: &Candidate<'_>) -> bool {
        let checks = [
            (!self.commits.is_empty()).then(|| self.commit_matches(c.commit)),
            (!self.paths.is_empty()).then(|| self.path_matches(c.path)),
            (!self.regexes.is_empty()).then(|| self.regex_matches(c)),
            (!self.stopwords.is_empty()).then(|| self.has_stopword(c.secret)),
        ];
        let mut present = checks.iter().flatten();
        if self.and {
            present.all(|&hit| hit)
        } else {
            present.any(|&hit| hit)
        }
    }

    /// Which of its criteria allow `c` (for `explain`): e.g. "the secret
    /// matches '^\$\{'" or "stopword 'dummy'"; `None` if it does not allow it.
    pub fn reason(&self, c: &Candidate<'_>) -> Option<String> {
        if !self.allows(c) {
            return None;
        }
        let mut why = Vec::new();
        if self.commit_matches(c.commit) {
            why.push("the commit is listed".to_string());
        }
        if let Some(p) = self.paths.iter().find(|p| p.is_match(c.path.as_bytes())) {
            why.push(format!("the path matches '{}'", p.source()));
        }
        let (what, hay) = match self.target {
            RegexTarget::Secret => ("the secret", c.secret),
            RegexTarget::Match => ("the match", c.matched),
            RegexTarget::Line => ("the line", c.line),
        };
        if let Some(r) = self.regexes.iter().find(|r| r.is_match(hay)) {
            why.push(format!("{what} matches '{}'", r.source()));
        }
        let lower = String::from_utf8_lossy(c.secret).to_lowercase();
        if let Some(w) = self.stopwords.iter().find(|w| lower.contains(w.as_str())) {
            why.push(format!("stopword '{w}' in the secret"));
        }
        Some(why.join(if self.and { " and " } else { "; " }))
    }

    fn commit_matches(&self, commit: Option<&str>) -> bool {
        commit.is_some_and(|c| self.commits.iter().any(|a| a.eq_ignore_ascii_case(c)))
    }

    fn path_matches(&self, path: &str) -> bool {
        self.paths.iter().any(|p| p.is_match(path.as_bytes()))
    }

    fn regex_matches(&self, c: &Candidate<'_>) -> bool {
        let hay = match self.target {
            RegexTarget::Secret => c.secret,
            RegexTarget::Match => c.matched,
            RegexTarget::Line => c.line,
        };
        self.regexes.iter().any(|r| r.is_match(hay))
    }

    fn has_stopword(&self, secret: &[u8]) -> bool {
        let lower = String::from_utf8_lossy(secret).to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(toml_text: &str) -> Allowlist {
        let syntax: AllowlistSyntax = toml::from_str(toml_text).unwrap();
        Allowlist::new(&syntax, Compile::Now).unwrap()
    }

    fn cand<'a>(secret: &'a str, line: &'a str, path: &'a str) -> Candidate<'a> {
        Candidate {
            secret: secret.as_bytes(),
            matched: secret.as_bytes(),
            line: line.as_bytes(),
            path,
            commit: None,
        }
    }

    #[test]
    fn or_allows_on_any_criterion() {
        let a = list("paths=['^docs/']\nstopwords=['example']");
        assert!(a.allows(&cand("abcEXAMPLEdef", "", "src/a")));
        assert!(a.allows(&cand("real", "", "docs/x")));
        assert!(!a.allows(&cand("real", "", "src/a")));
        assert!(a.allows_blob("docs/x", None));
        assert_eq!(
            a.reason(&cand("abcEXAMPLEdef", "", "src/a")).as_deref(),
            Some("stopword 'example' in the secret")
        );
        assert_eq!(a.reason(&cand("real", "", "src/a")), None);
    }

    #[test]
    fn and_needs_every_present_criterion() {
        let a = list("condition='AND'\npaths=['test']\nregexTarget='line'\nregexes=['mock']");
        assert!(a.allows(&cand("s", "mock = s", "test/a")));
        assert!(!a.allows(&cand("s", "mock = s", "src/a")));
        assert!(!a.allows(&cand("s", "real = s", "test/a")));
        assert!(!a.allows_blob("test/a", None));
    }

    #[test]
    fn rejects_empty_and_unknown_values() {
        let empty: AllowlistSyntax = toml::from_str("description='x'").unwrap();
        assert!(Allowlist::new(&empty, Compile::Now).is_err());
        // An unknown condition is refused when the file is read.
        let bad = toml::from_str::<AllowlistSyntax>("condition='XOR'\npaths=['a']");
        assert!(bad.unwrap_err().to_string().contains("XOR"));
    }
}
