//! One line of a `.leakhoundignore` / `.gitleaksignore` file: leakhound's
//! fingerprint (64 hex digits), or gitleaks' `commit:file:rule-id:line` or
//! `file:rule-id:line`. The rule id and line are split off from the right,
//! so a file path may contain `:` (gitleaks cannot ignore such a path).

use super::{normalise, PositionEntry};

/// What one line says.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// A finding fingerprint, lowercase hex.
    Fingerprint(String),
    /// A finding position.
    Position(PositionEntry),
}

/// Parses a line; `Ok(None)` for blank lines and `#` comments.
pub fn parse_line(line: &str) -> Result<Option<Entry>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    if line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Some(Entry::Fingerprint(line.to_ascii_lowercase())));
    }
    let mut fields = line.rsplitn(3, ':');
    let (Some(number), Some(rule_id), Some(rest)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err(format!(
            "'{line}' is not a fingerprint, file:rule-id:line or commit:file:rule-id:line"
        ));
    };
    let line_number = number
        .parse::<usize>()
        .map_err(|_| format!("'{number}' is not a line number"))?;
    let (commit, path) = match rest.split_once(':') {
        Some((c, p)) if is_commit_id(c) => (Some(c.to_ascii_lowercase()), p),
        _ => (None, rest),
    };
    if path.is_empty() || rule_id.is_empty() {
        return Err(format!("'{line}' has an empty file or rule id"));
    }
    Ok(Some(Entry::Position(PositionEntry {
        commit,
        path: normalise(&path.replace('\\', "/")),
        rule_id: rule_id.to_string(),
        line: line_number,
    })))
}

/// A full or abbreviated (at least 7 digits) SHA-1 or SHA-256 commit id.
fn is_commit_id(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(line: &str) -> PositionEntry {
        match parse_line(line) {
            Ok(Some(Entry::Position(p))) => p,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn comments_blanks_and_fingerprints() {
        assert_eq!(parse_line("  # note"), Ok(None));
        assert_eq!(parse_line(""), Ok(None));
        let fp = "AB".repeat(32);
        assert_eq!(
            parse_line(&fp),
            Ok(Some(Entry::Fingerprint("ab".repeat(32))))
        );
    }

    #[test]
    fn gitleaks_forms() {
        let p = position("0123456789abcdef0123456789abcdef01234567:src/a.py:aws-access-key:12");
        assert_eq!(
            p.commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(
            (p.path.as_str(), p.rule_id.as_str(), p.line),
            ("src/a.py", "aws-access-key", 12)
        );
        let p = position(r"src\win\b.env:generic-password:3");
        assert_eq!((p.commit, p.path.as_str()), (None, "src/win/b.env"));
    }

    #[test]
    fn paths_may_hold_colons() {
        let p = position("docs/a:b.md:slack-token:7");
        assert_eq!((p.commit, p.path.as_str()), (None, "docs/a:b.md"));
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(parse_line("just-a-word")
            .unwrap_err()
            .contains("not a fingerprint"));
        assert!(parse_line("a.py:rule:x")
            .unwrap_err()
            .contains("not a line number"));
    }
}
