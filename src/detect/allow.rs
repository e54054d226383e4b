//! Inline allow comments: `gitleaks:allow` (and detect-secrets'
//! `pragma: allowlist secret`) anywhere on the line allows every rule;
//! `leakhound:allow` does too, unless it is followed by a rule id, in which
//! case only that rule is allowed. A word that looks like a rule id
//! (lowercase, with a `-`) but names no rule in force allows nothing (a typo
//! must not allow everything) and [`unknown_allow_ids`] names it; any other
//! word is a free-text reason. Any comment syntax works.

use memchr::memmem;

const GITLEAKS: &[u8] = b"gitleaks:allow";
const LEAKHOUND: &[u8] = b"leakhound:allow";
const DETECT_SECRETS: &[u8] = b"pragma: allowlist secret";

/// Whether `line` carries an allow comment that covers `rule_id`;
/// `is_rule` tells whether a word after `leakhound:allow` names a rule.
pub fn inline_allowed(line: &[u8], rule_id: &str, is_rule: impl Fn(&str) -> bool) -> bool {
    if memmem::find(line, GITLEAKS).is_some() || memmem::find(line, DETECT_SECRETS).is_some() {
        return true;
    }
    allow_words(line).any(|word| match word {
        Some(w) if is_rule(w) => w == rule_id,
        Some(w) if looks_like_id(w) => false,
        _ => true,
    })
}

/// The words after `leakhound:allow` on `line` that look like rule ids but
/// name no rule (`is_rule` is false): typos, or another tool's ids.
pub fn unknown_allow_ids(line: &[u8], is_rule: impl Fn(&str) -> bool) -> Vec<&str> {
    allow_words(line)
        .flatten()
        .filter(|w| looks_like_id(w) && !is_rule(w))
        .collect()
}

/// One item per `leakhound:allow` on the line: the word right after it.
fn allow_words(line: &[u8]) -> impl Iterator<Item = Option<&str>> {
    memmem::find_iter(line, LEAKHOUND).map(move |at| {
        let rest = line[at + LEAKHOUND.len()..].strip_prefix(b" ")?;
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .count();
        std::str::from_utf8(&rest[..len])
            .ok()
            .filter(|w| !w.is_empty())
    })
}

/// A lowercase letter or digit, then those, `-`, `_`, `.`, with at least one
/// `-`: the shape of rule ids (`github-pat`), not of a reason (`because
/// ...`) or a comment's end (`-->`).
fn looks_like_id(word: &str) -> bool {
    word.contains('-')
        && word
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && word.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str) -> bool {
        matches!(id, "aws-access-key-id" | "github-pat")
    }

    #[test]
    fn any_comment_syntax_works() {
        for line in [
            "key = 'x' # gitleaks:allow",
            "key = 'x' // leakhound:allow",
            "<!-- leakhound:allow --> x",
            "x /* leakhound:allow because it is a fixture */",
            "x -- leakhound:allow",
            "password = 'x'  # pragma: allowlist secret",
        ] {
            assert!(
                inline_allowed(line.as_bytes(), "github-pat", known),
                "{line}"
            );
        }
        assert!(!inline_allowed(b"key = 'x' # allow", "github-pat", known));
    }

    #[test]
    fn a_rule_id_narrows_the_allow() {
        let line = b"x # leakhound:allow aws-access-key-id";
        assert!(inline_allowed(line, "aws-access-key-id", known));
        assert!(!inline_allowed(line, "github-pat", known));
    }

    #[test]
    fn an_unknown_rule_id_allows_nothing_and_is_named() {
        let line = b"x # leakhound:allow stripe-secrt-key";
        assert!(!inline_allowed(line, "github-pat", known));
        assert_eq!(unknown_allow_ids(line, known), ["stripe-secrt-key"]);
        let reason = b"x # leakhound:allow because it is revoked";
        assert!(inline_allowed(reason, "github-pat", known));
        assert!(unknown_allow_ids(reason, known).is_empty());
    }
}
