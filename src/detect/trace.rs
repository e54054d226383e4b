//! Why a candidate was or was not reported: every rule's regex matches on
//! some lines of a blob, each with the stage that kept or dropped it
//! (keyword, path filter, checksum, entropy, inline allow, allowlist with its
//! description and criterion, a more specific rule). `leakhound explain` and
//! the rule self-test both name stages through [`Outcome`].

use std::ops::RangeInclusive;
use std::sync::Arc;

use regex_automata::{util::captures::Captures, Input};

use super::{location, secret_span, Context, Detector, Filter, LineIndex};
use crate::finding::{Origin, Secret};
use crate::rules::{Candidate, Confidence, Rule};

/// One regex match of one rule, and what became of it.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The rule.
    pub rule: Arc<str>,
    /// 1-based line of the secret's start (0 when the rule never matched).
    pub line: usize,
    /// 1-based column of the secret's start.
    pub column: usize,
    /// The candidate secret (redact it before showing it).
    pub secret: Secret,
    /// Reported, or the stage that dropped it.
    pub outcome: Outcome,
}

/// What became of a candidate.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It is in the scan's findings, at this confidence.
    Reported(Confidence),
    /// It is in the scan's findings, at a confidence an allowlist with
    /// `lowerTo` lowered it to.
    Lowered {
        /// The confidence it is reported at.
        to: Confidence,
        /// The allowlist and its criterion, in words.
        detail: String,
    },
    /// A stage dropped it: the stage's name and what it saw.
    Dropped {
        /// keyword, path filter, checksum, entropy, inline allow, allowlist,
        /// placeholder, stopword, shadowed.
        stage: &'static str,
        /// What the stage saw, in words.
        detail: String,
    },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Reported(Confidence::VeryLow) => f.write_str(
                "reported at very-low confidence (a generic finding in test code: \
                 shown with --min-confidence very-low)",
            ),
            Outcome::Reported(c) => write!(f, "reported ({c} confidence)"),
            Outcome::Lowered { to, detail } => {
                write!(f, "reported at {to} confidence: lowered by {detail}")?;
                if *to == Confidence::VeryLow {
                    f.write_str(" (shown with --min-confidence very-low)")?;
                }
                Ok(())
            }
            Outcome::Dropped { stage, detail } => write!(f, "dropped at {stage}: {detail}"),
        }
    }
}

fn dropped(stage: &'static str, detail: impl Into<String>) -> Outcome {
    Outcome::Dropped {
        stage,
        detail: detail.into(),
    }
}

/// Every match of every rule (or only of `only`) whose secret starts on one
/// of `lines` (all lines when `None`), with its outcome, in line order.
pub fn trace(
    detector: &Detector<'_>,
    data: &[u8],
    origin: &Origin,
    lines: Option<RangeInclusive<usize>>,
    only: Option<&str>,
) -> Vec<Trace> {
    let path = origin.known_path();
    let ctx = Context::new(data, origin, path.as_deref());
    let index = LineIndex::new(data);
    let reported = detector.scan(data, origin);
    let lower = String::from_utf8_lossy(data).to_ascii_lowercase();
    let blob_skip = ctx.path.and_then(|p| {
        detector
            .rules
            .global_allowlists()
            .iter()
            .find(|a| a.target_rules.is_empty() && a.allows_blob(p, ctx.commit))
    });
    let mut out = Vec::new();
    for rule in detector.rules.rules() {
        if rule.skip_report || rule.is_file_rule() || only.is_some_and(|id| *rule.id != *id) {
            continue;
        }
        let Some(pattern) = rule.regex() else {
            continue;
        };
        // Stages that drop every match of the rule in this blob.
        let whole_blob = if let Some(a) = blob_skip {
            Some(dropped(
                "path filter",
                format!("the file is skipped by a global allowlist ({})", name(a)),
            ))
        } else {
            keywords_absent(rule, &lower).or_else(|| path_filter(rule, &ctx))
        };
        for caps in pattern.regex().captures_iter(Input::new(data)) {
            let Some(whole) = caps.get_match().map(|m| m.range()) else {
                continue;
            };
            let span = secret_span(rule, &caps).unwrap_or(whole);
            let at = index.position(span.start);
            if lines.as_ref().is_some_and(|l| !l.contains(&at.line)) {
                continue;
            }
            let outcome = match &whole_blob {
                Some(o) => o.clone(),
                None => evaluate(detector, rule, &caps, &ctx, &reported, &span),
            };
            out.push(Trace {
                rule: rule.id.clone(),
                line: at.line,
                column: at.column,
                secret: Secret::new(String::from_utf8_lossy(&data[span])),
                outcome,
            });
        }
    }
    out.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
    out
}

/// Why the first match of `rule` in `data` is not reported (the rule
/// self-test's message for an example that is not found).
pub(super) fn why_missed(
    detector: &Detector<'_>,
    rule: &Rule,
    data: &[u8],
    origin: &Origin,
) -> String {
    let traces = trace(detector, data, origin, None, Some(&rule.id));
    match traces
        .iter()
        .find(|t| !matches!(t.outcome, Outcome::Reported(_) | Outcome::Lowered { .. }))
    {
        Some(t) => t.outcome.to_string(),
        None if traces.is_empty() => {
            let lower = String::from_utf8_lossy(data).to_ascii_lowercase();
            let path = origin.known_path();
            let ctx = Context::new(data, origin, path.as_deref());
            match keywords_absent(rule, &lower).or_else(|| path_filter(rule, &ctx)) {
                Some(o) => o.to_string(),
                None => "the regex does not match".into(),
            }
        }
        None => "reported, but not as this rule".into(),
    }
}

/// The keyword stage: none of the rule's keywords occurs in `lower` (the
/// blob, lowercased).
fn keywords_absent(rule: &Rule, lower: &str) -> Option<Outcome> {
    let absent =
        !rule.keywords.is_empty() && !rule.keywords.iter().any(|k| lower.contains(k.as_str()));
    absent.then(|| {
        dropped(
            "keyword",
            format!("none of the keywords {:?} occurs", rule.keywords),
        )
    })
}

/// The rule's own path filters: its `path` regex, its allowlists' paths.
fn path_filter(rule: &Rule, ctx: &Context<'_>) -> Option<Outcome> {
    let path = ctx.path?;
    if rule
        .path
        .as_ref()
        .is_some_and(|p| !p.is_match(path.as_bytes()))
    {
        return Some(dropped(
            "path filter",
            format!("the path '{path}' does not match the rule's path"),
        ));
    }
    rule.allowlists
        .iter()
        .find(|a| a.allows_blob(path, ctx.commit))
        .map(|a| {
            dropped(
                "path filter",
                format!("the rule's allowlist ({}) skips the file", name(a)),
            )
        })
}

fn name(a: &crate::rules::Allowlist) -> &str {
    a.description.as_deref().unwrap_or("no description")
}

fn evaluate(
    detector: &Detector<'_>,
    rule: &Rule,
    caps: &Captures,
    ctx: &Context<'_>,
    reported: &[crate::finding::Finding],
    span: &std::ops::Range<usize>,
) -> Outcome {
    let candidate = || {
        let whole = caps.get_match().map(|m| m.range()).unwrap_or_default();
        let line =
            &ctx.data[location::line_around(ctx.data, whole.clone(), location::EXCERPT_REACH)];
        Candidate {
            secret: &ctx.data[span.clone()],
            matched: &ctx.data[whole],
            line,
            path: ctx.path.unwrap_or_default(),
            commit: ctx.commit,
        }
    };
    let drop = match detector.evaluate(rule, caps, ctx) {
        Ok(_) => {
            let kept = reported.iter().find(|f| {
                f.rule_id == rule.id && f.span.start <= span.start && span.end <= f.span.end
            });
            let Some(f) = kept else {
                return dropped(
                    "shadowed",
                    "a more specific rule reported or allowed the same text, or a rule's checksum disproved it",
                );
            };
            return match detector.lowered_by(rule, &candidate()) {
                Some((to, which)) if to < rule.confidence => Outcome::Lowered {
                    to: f.confidence,
                    detail: list_reason(detector, rule, &which, &candidate()),
                },
                _ => Outcome::Reported(f.confidence),
            };
        }
        Err(d) => d,
    };
    match drop {
        Filter::Empty => dropped("secret", "the secret group is empty"),
        Filter::Checksum(name) => {
            let what = crate::rules::Checksum::parse(name).map_or("", |c| c.requirement());
            dropped("checksum", format!("fails its checksum ({name}): {what}"))
        }
        Filter::Entropy(e, min) => dropped("entropy", format!("entropy {e:.2} <= {min}")),
        Filter::InlineAllow => dropped("inline allow", "an allow comment is on the line"),
        Filter::GlobalAllowlist(i) => {
            let a = &detector.rules.global_allowlists()[i];
            let why = a.reason(&candidate()).unwrap_or_default();
            let stage = if why.starts_with("stopword") {
                "stopword"
            } else if why.starts_with("the path") {
                "path filter"
            } else if name(a).starts_with("Placeholders") {
                "placeholder"
            } else {
                "allowlist"
            };
            dropped(stage, list_reason(detector, rule, &drop, &candidate()))
        }
        Filter::RuleAllowlist(_) => dropped(
            "allowlist",
            list_reason(detector, rule, &drop, &candidate()),
        ),
    }
}

/// "global allowlist \"…\": the secret matches '…'" (or the rule's
/// allowlist): the list a [`Filter`] names and why it holds for `c`.
fn list_reason(detector: &Detector<'_>, rule: &Rule, which: &Filter, c: &Candidate<'_>) -> String {
    let (whose, list) = match which {
        Filter::GlobalAllowlist(i) => ("global allowlist", &detector.rules.global_allowlists()[*i]),
        Filter::RuleAllowlist(i) => ("the rule's allowlist", &rule.allowlists[*i]),
        _ => return String::new(),
    };
    let why = list.reason(c).unwrap_or_default();
    format!("{whose} \"{}\": {why}", name(list))
}
