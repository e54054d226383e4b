//! gitleaks composite rules: a rule with `[[rules.required]]` reports a
//! finding only when every required rule also matched in the same blob,
//! within `withinLines` / `withinColumns` of it when those are set.
//! Findings of `skipReport` rules serve only as that evidence.

use crate::finding::Finding;
use crate::rules::{Required, RuleSet};

/// Drops composite findings whose required rules did not match nearby, then
/// every finding of a `skipReport` rule.
pub fn apply(rules: &RuleSet, findings: &mut Vec<Finding>) {
    if !rules.has_composite_rules() || findings.is_empty() {
        return;
    }
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            rules.get(&f.rule_id).is_none_or(|rule| {
                !rule.skip_report
                    && rule
                        .required
                        .iter()
                        .all(|req| findings.iter().any(|other| satisfies(req, f, other)))
            })
        })
        .collect();
    let mut kept = keep.into_iter();
    findings.retain(|_| kept.next().unwrap_or(true));
}

/// Whether `other` is a finding of the required rule near `primary`.
fn satisfies(req: &Required, primary: &Finding, other: &Finding) -> bool {
    other.rule_id == req.id
        && req
            .within_lines
            .is_none_or(|n| primary.start.line.abs_diff(other.start.line) <= n)
        && req
            .within_columns
            .is_none_or(|n| primary.start.column.abs_diff(other.start.column) <= n)
}
