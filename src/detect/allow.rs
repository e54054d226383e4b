//! Inline allow comments: `gitleaks:allow` (and detect-secrets'
//! `pragma: allowlist secret`) anywhere on the line allows every rule;
//! `leakhound:allow` does too, unless it is followed by a rule id, in which
//! case only that rule is allowed. Any comment syntax works.

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
    memmem::find_iter(line, LEAKHOUND).any(|at| {
        let rest = &line[at + LEAKHOUND.len()..];
        let word: Vec<u8> = rest
            .strip_prefix(b" ")
            .unwrap_or(b"")
            .iter()
            .copied()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .collect();
        match std::str::from_utf8(&word) {
            Ok(w) if !w.is_empty() && is_rule(w) => w == rule_id,
            _ => true,
        }
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
}
