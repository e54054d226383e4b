//! Rule self-test: every rule's examples must be reported by the full
//! detector (prefilter, regex, entropy, allowlists) and none of its negative
//! examples, and no other specific rule may report the same text as a
//! specific rule's example; a failure names the stage that dropped the example.

use super::trace::why_missed;
use super::Detector;
use crate::finding::Origin;
use crate::rules::{Rule, RuleSet};

/// One example that did not behave as declared.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleFailure {
    /// The rule id.
    pub rule: String,
    /// Where the rule was written.
    pub at: String,
    /// 1-based index within `examples` or `negativeExamples`.
    pub index: usize,
    /// True for `examples`, false for `negativeExamples`.
    pub positive: bool,
    /// What happened.
    pub reason: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.positive {
            "example"
        } else {
            "negative example"
        };
        write!(
            f,
            "{}: rule '{}' {kind} {}: {}",
            self.at, self.rule, self.index, self.reason
        )
    }
}

/// Runs every rule's examples through a detector over the whole `rules`.
pub fn selftest(rules: &RuleSet) -> Vec<ExampleFailure> {
    let detector = Detector::new(rules, Default::default());
    let origin = Origin::Stdin {
        label: "example".into(),
    };
    let mut failures = Vec::new();
    if let Err(e) = rules.check_global_allowlists() {
        failures.push(ExampleFailure {
            rule: "(global allowlist)".into(),
            at: "allowlists".into(),
            index: 0,
            positive: true,
            reason: e,
        });
    }
    for rule in rules.rules().iter().filter(|r| !r.skip_report) {
        if let Err(e) = rule.check_regex() {
            failures.push(failure(
                rule,
                0,
                true,
                format!("regex does not compile: {e}"),
            ));
            continue;
        }
        let cases = rule.examples.iter().map(|e| (e, true));
        let negatives = rule.negative_examples.iter().map(|e| (e, false));
        let mut counts = [0, 0];
        for (text, positive) in cases.chain(negatives) {
            counts[positive as usize] += 1;
            let index = counts[positive as usize];
            let (findings, origin) = match rule.is_file_rule() {
                true => {
                    let (file, data) = file_example(text);
                    let found = detector.scan(&data, &file);
                    let found = if found.is_empty() {
                        detector.scan_binary(&data, &file)
                    } else {
                        found
                    };
                    (found, file)
                }
                false => (detector.scan(text.as_bytes(), &origin), origin.clone()),
            };
            let found = findings.iter().any(|f| f.rule_id == rule.id);
            if positive && found && !rule.is_generic() {
                // No double reports: another specific rule must not report
                // the same text as this one.
                let twin = findings.iter().find(|o| {
                    o.rule_id != rule.id
                        && !o.is_generic()
                        && findings
                            .iter()
                            .any(|f| f.rule_id == rule.id && overlap_not_nested(&f.span, &o.span))
                });
                if let Some(twin) = twin {
                    failures.push(failure(
                        rule,
                        index,
                        true,
                        format!("also reported by rule '{}' (a double report)", twin.rule_id),
                    ));
                }
            }
            if found != positive {
                let reason = if positive && rule.is_file_rule() {
                    "the file is not reported: its path, content or magic bytes do not qualify, or another rule reports a secret in it".into()
                } else if positive {
                    why_missed(&detector, rule, text.as_bytes(), &origin)
                } else {
                    "reported, but it must not be".into()
                };
                failures.push(failure(rule, index, positive, reason));
            }
        }
    }
    failures
}

/// A file rule's example: its path on the first line, the file's content
/// below (`hex:` and hex digits for binary content).
fn file_example(text: &str) -> (Origin, Vec<u8>) {
    let (path, content) = text.split_once('\n').unwrap_or((text, ""));
    let data = match content.strip_prefix("hex:") {
        Some(hex) => (0..hex.trim().len() / 2)
            .filter_map(|i| u8::from_str_radix(hex.trim().get(2 * i..2 * i + 2)?, 16).ok())
            .collect(),
        None => content.as_bytes().to_vec(),
    };
    let origin = Origin::File {
        path: path.trim().into(),
        root: 0,
    };
    (origin, data)
}

/// Spans that overlap without one holding the other: two reports of one
/// secret. (A credential file holding a key, such as a service-account JSON
/// with its private key, is two secrets.)
fn overlap_not_nested(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    let overlap = a.start < b.end && b.start < a.end;
    let nested = (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
    overlap && (!nested || a == b)
}

fn failure(rule: &Rule, index: usize, positive: bool, reason: String) -> ExampleFailure {
    ExampleFailure {
        rule: rule.id.to_string(),
        at: rule.at.to_string(),
        index,
        positive,
        reason,
    }
}
