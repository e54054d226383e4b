//! What `staged` says on stderr when it finds leaks: the ways to let the
//! commit through besides `git commit --no-verify` (an inline allow
//! comment, an ignore-file line per finding ready to paste, the baseline
//! command), so that neither hook has to be edited.

use std::{fmt::Write, path::Path};

use super::hook::quote;
use crate::baseline::DEFAULT_BASELINE;
use crate::finding::Finding;

/// Ignore entries printed; the rest are counted.
const LISTED: usize = 10;

/// The ways out for `findings` (not empty). `baseline`: the baseline in
/// force, which the printed command rewrites (else the default file).
pub fn ways_out(findings: &[Finding], baseline: Option<&Path>) -> String {
    let mut rules: Vec<&str> = findings.iter().map(|f| &*f.rule_id).collect();
    rules.sort_unstable();
    rules.dedup();
    let rule = match rules.as_slice() {
        [one] => one,
        _ => "RULE-ID",
    };
    // One entry per fingerprint: it ignores that secret wherever it is.
    let mut entries: Vec<(String, Vec<String>, &str)> = Vec::new();
    for f in findings {
        let fingerprint = f.fingerprint.to_hex();
        let at = format!("{}:{}", f.origin.display_path(), f.start.line);
        match entries.iter_mut().find(|(fp, _, _)| *fp == fingerprint) {
            Some((_, places, _)) => places.push(at),
            None => entries.push((fingerprint, vec![at], &f.rule_id)),
        }
    }
    let mut s = format!(
        "leakhound: {} leak(s) in the staged changes. For one that is not a secret, or is known:\n  \
         - allow it inline: a comment `leakhound:allow {rule}` on its line\n  \
         - or ignore it: paste its entry below into .leakhoundignore (that secret, anywhere)\n",
        findings.len()
    );
    for (fingerprint, places, rule_id) in entries.iter().take(LISTED) {
        let _ = writeln!(
            s,
            "      # {} {rule_id}\n      {fingerprint}",
            places.join(", ")
        );
    }
    if entries.len() > LISTED {
        let _ = writeln!(
            s,
            "      # ... and {} more (`leakhound staged -f json` has every fingerprint)",
            entries.len() - LISTED
        );
    }
    let baseline = baseline.map_or_else(
        || DEFAULT_BASELINE.to_string(),
        |p| shell_word(&p.display().to_string()),
    );
    let _ = writeln!(
        s,
        "  - or put every finding of the work tree in the baseline (from the repository root):\n      \
         leakhound baseline create -o {baseline}"
    );
    s
}

/// `s` as one sh word: as is when plain, else quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%".contains(&b))
    {
        s.to_string()
    } else {
        quote(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_paths_are_quoted_for_the_shell() {
        assert_eq!(shell_word("ci/base.json"), "ci/base.json");
        assert_eq!(shell_word("my base's.json"), r"'my base'\''s.json'");
    }
}
