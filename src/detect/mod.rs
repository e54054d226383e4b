//! The engine: bytes and their origin in, findings out. Keyword prefilter,
//! then each hit rule's regex in a window around its keyword hits, then the
//! filters (entropy, allowlists, inline allow comments). Pure and `Sync`: no
//! I/O, no knowledge of git, files or output formats.

mod allow;
mod composite;
mod entropy;
mod location;
mod selftest;
mod testpath;
mod trace;

use std::{
    collections::HashMap,
    ops::{Range, RangeInclusive},
};

use regex_automata::{util::captures::Captures, Input};

use crate::finding::{Excerpt, Finding, Fingerprint, Origin, Position, Secret, Verification};
use crate::rules::{basic_auth_user, Candidate, Checksum, Confidence, Rule, RuleSet};

pub use allow::{inline_allowed, unknown_allow_ids};
pub use entropy::shannon;
pub use location::{line_around, overlaps, LineIndex, EXCERPT_REACH};
pub use selftest::{selftest, ExampleFailure};
pub use testpath::is_test_path;
pub use trace::{trace, Outcome, Trace};

/// Bytes searched around a keyword beyond the rule's longest match, so a
/// keyword just outside a bounded match (a variable name) still counts;
/// none for a rule whose keywords are inside every match.
const KEYWORD_SLACK: usize = 256;

/// Which part of a blob can hold a finding that counts.
#[derive(Clone, Copy, Debug)]
pub enum Focus<'a> {
    /// All of it.
    Whole,
    /// The 1-based lines (inclusive ranges, in order) that a change added:
    /// a keyword whose regex window cannot reach them is passed over, so a
    /// rule is compiled and run only for the text near the change. File
    /// rules, and every rule of a set with composite rules (whose required
    /// rules may match anywhere), still see the whole blob.
    Lines(&'a [RangeInclusive<usize>]),
}

/// Options of the detector.
#[derive(Clone, Copy, Debug)]
pub struct DetectOptions {
    /// Honour `gitleaks:allow` / `leakhound:allow` comments.
    pub inline_allow: bool,
    /// Findings below this confidence are left out.
    pub min_confidence: Confidence,
    /// Stop a blob's scan after this many findings (0: no limit).
    pub max_findings: usize,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            inline_allow: true,
            min_confidence: Confidence::VeryLow,
            max_findings: 0,
        }
    }
}

/// One blob's findings, and whether the findings cap cut the scan short.
pub struct Scanned {
    /// Findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Findings of `file` rules: the blob itself is a secret file. They
    /// stand only if nothing else is found in the blob (its decoded runs
    /// included), which the caller knows.
    pub files: Vec<Finding>,
    /// The scan stopped at [`DetectOptions::max_findings`]: there may be more.
    pub capped: bool,
}

impl Scanned {
    /// The findings, or the file findings when there are none.
    pub fn into_findings(self) -> Vec<Finding> {
        if self.findings.is_empty() {
            self.files
        } else {
            self.findings
        }
    }
}

/// Why a regex match did not become a finding.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// The secret is empty.
    Empty,
    /// The secret fails the checksum its rule requires.
    Checksum(&'static str),
    /// Entropy at or below the rule's threshold: (entropy, threshold).
    Entropy(f64, f64),
    /// An inline allow comment on the line.
    InlineAllow,
    /// A global allowlist: its index in [`RuleSet::global_allowlists`].
    GlobalAllowlist(usize),
    /// The rule's own allowlist: its index in the rule's `allowlists`.
    RuleAllowlist(usize),
}

/// The detector: a rule set plus options.
pub struct Detector<'r> {
    rules: &'r RuleSet,
    opts: DetectOptions,
}

impl<'r> Detector<'r> {
    /// A detector over `rules`.
    pub fn new(rules: &'r RuleSet, opts: DetectOptions) -> Self {
        Detector { rules, opts }
    }

    /// The options it runs with.
    pub fn options(&self) -> DetectOptions {
        self.opts
    }

    /// The rules it runs.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Scans one blob; findings come sorted by position (a file finding
    /// only when there is no other).
    pub fn scan(&self, data: &[u8], origin: &Origin) -> Vec<Finding> {
        self.scan_capped(data, origin, Focus::Whole).into_findings()
    }

    /// The file findings of a binary blob: `file` rules that need no text,
    /// only their path and magic bytes (a Java keystore, a PKCS#12 file).
    pub fn scan_binary(&self, data: &[u8], origin: &Origin) -> Vec<Finding> {
        let path = origin.known_path();
        let ctx = Context::new(data, origin, path.as_deref());
        if ctx
            .path
            .is_some_and(|p| self.rules.allows_blob(p, ctx.commit))
        {
            return Vec::new();
        }
        self.file_findings(&ctx, &[])
    }

    /// Scans one blob, stopping after `max_findings` findings (the cap keeps
    /// a file of millions of matches in bounded time and memory).
    pub fn scan_capped(&self, data: &[u8], origin: &Origin, focus: Focus<'_>) -> Scanned {
        let path = origin.known_path();
        let ctx = Context::new(data, origin, path.as_deref());
        if ctx
            .path
            .is_some_and(|p| self.rules.allows_blob(p, ctx.commit))
        {
            return Scanned {
                findings: Vec::new(),
                files: Vec::new(),
                capped: false,
            };
        }
        let cap = match self.opts.max_findings {
            0 => usize::MAX,
            n => n,
        };
        let mut capped = false;
        let mut findings = Vec::new();
        // Matches of specific rules that an allow comment or allowlist
        // dropped: a generic rule must not report the same text instead.
        let mut allowed: Vec<Range<usize>> = Vec::new();
        // Secrets that failed their rule's checksum: not secrets, for any rule.
        let mut disproved: Vec<Range<usize>> = Vec::new();
        // File rules whose regex found values the filters keep, with them.
        let mut holding: Vec<(usize, Vec<u8>)> = Vec::new();
        let near = match focus {
            Focus::Lines(lines) if !self.rules.has_composite_rules() => {
                let index = ctx.lines.get_or_init(|| LineIndex::new(data));
                Some(index.byte_ranges(lines, 1, data.len()))
            }
            _ => None,
        };
        'rules: for (rule_idx, mut windows) in self.windows(data, near.as_deref()) {
            let rule = &self.rules.rules()[rule_idx];
            if !self.rule_applies(rule, &ctx) {
                continue;
            }
            windows.retain(|w| rule.may_match_in(data, w.clone()));
            if windows.is_empty() {
                continue;
            }
            let Some(pattern) = rule.regex() else {
                continue;
            };
            if rule.is_file_rule() {
                let values = self.kept_values(rule, pattern, windows, &ctx);
                if !values.is_empty() {
                    holding.push((rule_idx, values));
                }
                continue;
            }
            let generic = rule.is_generic();
            for window in windows {
                let input = Input::new(data).span(window);
                for caps in pattern.regex().captures_iter(input) {
                    match self.evaluate(rule, &caps, &ctx) {
                        Ok(_) if findings.len() == cap => {
                            capped = true;
                            break 'rules;
                        }
                        Ok(f) => findings.push(f),
                        Err(Filter::Checksum(_)) => {
                            let whole = caps.get_match().map(|m| m.range());
                            disproved.extend(secret_span(rule, &caps).or(whole));
                        }
                        Err(
                            Filter::InlineAllow
                            | Filter::GlobalAllowlist(_)
                            | Filter::RuleAllowlist(_),
                        ) if !generic => {
                            allowed.extend(caps.get_match().map(|m| m.range()));
                        }
                        Err(_) => {}
                    }
                }
            }
        }
        findings.extend(self.path_findings(&ctx));
        composite::apply(self.rules, &mut findings);
        drop_same_secret(self.rules, &mut findings);
        drop_shadowed_generic(self.rules, &mut findings, &allowed);
        findings.retain(|f| {
            !overlaps_any(&f.span, &disproved) && f.confidence >= self.opts.min_confidence
        });
        if findings.len() > 1 {
            let secrets: Vec<Secret> = findings.iter().map(|f| f.secret.clone()).collect();
            mark_secrets(&mut findings, &secrets);
        }
        findings.sort_by_key(|f| (f.span.start, f.span.end));
        let files = self.file_findings(&ctx, &holding);
        Scanned {
            findings,
            files,
            capped,
        }
    }

    /// The values a file rule's regex finds in its keyword windows that
    /// pass the filters (entropy, placeholders, allowlists), each followed
    /// by a NUL; empty when there is none.
    fn kept_values(
        &self,
        rule: &Rule,
        pattern: &crate::rules::Pattern,
        windows: Vec<Range<usize>>,
        ctx: &Context<'_>,
    ) -> Vec<u8> {
        let mut values = Vec::new();
        for window in windows {
            let input = Input::new(ctx.data).span(window);
            for caps in pattern.regex().captures_iter(input) {
                if let Ok(f) = self.evaluate(rule, &caps, ctx) {
                    values.extend_from_slice(&ctx.data[f.span]);
                    values.push(0);
                }
            }
        }
        values
    }

    /// The findings of the `file` rules that apply to this blob: its path
    /// matches, its magic bytes do, and its content holds values (a rule
    /// with a regex is in `holding`, with them). Standard input has no
    /// path: none.
    fn file_findings(&self, ctx: &Context<'_>, holding: &[(usize, Vec<u8>)]) -> Vec<Finding> {
        if matches!(ctx.origin, Origin::Stdin { .. }) {
            return Vec::new();
        }
        self.rules
            .file_rules()
            .filter(|(_, r)| {
                !r.skip_report
                    && r.confidence >= self.opts.min_confidence
                    && r.magic_matches(ctx.data)
                    && self.rule_applies(r, ctx)
            })
            .filter_map(|(i, rule)| {
                let held = holding.iter().find(|(h, _)| *h == i).map(|(_, v)| v);
                match (rule.has_regex(), held) {
                    (false, _) => Some(file_finding(rule, ctx.data, ctx)),
                    (true, Some(values)) => Some(file_finding(rule, values, ctx)),
                    (true, None) => None,
                }
            })
            .collect()
    }

    /// The rules whose keywords occur in `data`, each with the merged byte
    /// windows where its regex can match; keywordless rules get everything.
    /// With `near` (sorted byte ranges), only the windows that reach one of
    /// them, but for file rules.
    fn windows(
        &self,
        data: &[u8],
        near: Option<&[Range<usize>]>,
    ) -> Vec<(usize, Vec<Range<usize>>)> {
        let rules = self.rules.rules();
        // Only the rules that get a hit have an entry: the work per blob
        // grows with its keyword hits, not with the number of rules.
        let mut per_rule: Vec<(usize, Vec<Range<usize>>)> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for hit in self.rules.prefilter().hits(data) {
            let rule = &rules[hit.rule];
            if !rule.has_regex() {
                continue;
            }
            // The bound is read off the parsed regex: a rule whose windows
            // all miss `near` is never compiled.
            let slack = match rule.keywords_inside_match() {
                true => 0,
                false => KEYWORD_SLACK,
            };
            let reach = rule
                .regex_max_len()
                .map_or(data.len(), |m| m.saturating_add(slack));
            let window =
                hit.start.saturating_sub(reach)..hit.end.saturating_add(reach).min(data.len());
            if near.is_some_and(|near| !rule.is_file_rule() && !reaches(near, &window)) {
                continue;
            }
            let at = *slot.entry(hit.rule).or_insert_with(|| {
                per_rule.push((hit.rule, Vec::new()));
                per_rule.len() - 1
            });
            let list = &mut per_rule[at].1;
            match list.last_mut() {
                Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                _ => list.push(window),
            }
        }
        for &rule in self.rules.prefilter().keywordless() {
            per_rule.push((rule, std::iter::once(0..data.len()).collect()));
        }
        per_rule.sort_unstable_by_key(|(rule, _)| *rule);
        per_rule
    }

    /// Whether a rule runs on this blob: path filters pass (or the path is
    /// not known yet, in which case they are applied when it is).
    fn rule_applies(&self, rule: &Rule, ctx: &Context<'_>) -> bool {
        let Some(path) = ctx.path else {
            return true;
        };
        rule.path
            .as_ref()
            .is_none_or(|p| p.is_match(path.as_bytes()))
            && !rule
                .allowlists
                .iter()
                .any(|a| a.allows_blob(path, ctx.commit))
    }

    /// Findings of path-only rules (a `path` and no `regex`): the file itself.
    fn path_findings<'a>(&'a self, ctx: &'a Context<'_>) -> impl Iterator<Item = Finding> + 'a {
        self.rules
            .path_rules()
            .filter(|r| ctx.path.is_some() && self.rule_applies(r, ctx))
            .map(|rule| {
                let path = ctx.path.unwrap_or_default();
                let secret = Secret::new(path);
                let text = format!("file detected: {path}");
                let at = text.len() - path.len()..text.len();
                let pos = Position { line: 1, column: 1 };
                let place = Place {
                    matched: Excerpt::new(text.clone(), at.clone()),
                    line: Excerpt::new(text, at),
                    span: 0..0,
                    start: pos,
                    end: pos,
                    entropy: 0.0,
                };
                finding(rule, secret, place, ctx.origin)
            })
    }

    /// Turns one regex match into a finding, or says which filter dropped it.
    pub fn evaluate(
        &self,
        rule: &Rule,
        caps: &Captures,
        ctx: &Context<'_>,
    ) -> Result<Finding, Filter> {
        let data = ctx.data;
        let whole = caps.get_match().map(|m| m.range()).ok_or(Filter::Empty)?;
        let span = secret_span(rule, caps).unwrap_or_else(|| trim_newlines(data, whole.clone()));
        let whole = location::own_lines(data, whole, &span);
        let secret_bytes = &data[span.clone()];
        if secret_bytes.is_empty() {
            return Err(Filter::Empty);
        }
        if let Some(sum) = rule.checksum.filter(|c| !c.verify(secret_bytes)) {
            return Err(Filter::Checksum(sum.name()));
        }
        let entropy = shannon(secret_bytes);
        if let Some(min) = rule.entropy {
            if entropy <= min {
                return Err(Filter::Entropy(entropy, min));
            }
        }
        let line_span = line_around(data, whole.clone(), EXCERPT_REACH);
        let line = &data[line_span.clone()];
        if self.opts.inline_allow && inline_allowed(line, &rule.id, |w| self.rules.get(w).is_some())
        {
            return Err(Filter::InlineAllow);
        }
        let candidate = Candidate {
            secret: secret_bytes,
            matched: &data[whole.clone()],
            line,
            path: ctx.path.unwrap_or_default(),
            commit: ctx.commit,
        };
        if let Some(i) =
            self.rules.global_allowlists().iter().position(|a| {
                a.lower_to.is_none() && a.applies_to(&rule.id) && a.allows(&candidate)
            })
        {
            return Err(Filter::GlobalAllowlist(i));
        }
        if let Some(i) = rule
            .allowlists
            .iter()
            .position(|a| a.lower_to.is_none() && a.allows(&candidate))
        {
            return Err(Filter::RuleAllowlist(i));
        }
        let lowered = self.lowered_by(rule, &candidate);
        let lines = ctx.lines.get_or_init(|| LineIndex::new(data));
        let secret = Secret::new(String::from_utf8_lossy(secret_bytes));
        let relative = |outer: &Range<usize>| {
            span.start.saturating_sub(outer.start)
                ..span.end.min(outer.end).saturating_sub(outer.start)
        };
        // Basic credentials name their user in clear (the password stays
        // the redacted secret).
        let description = match rule.checksum {
            Some(Checksum::BasicAuthPair) => basic_auth_user(secret_bytes).map_or_else(
                || rule.description.clone(),
                |user| format!("{} (user '{user}')", rule.description).into(),
            ),
            _ => rule.description.clone(),
        };
        // A generic finding in test code is reported, one level lower.
        let in_test = || ctx.origin.path_in_scan().is_some_and(|p| is_test_path(&p));
        let confidence = if rule.is_generic() && in_test() {
            Confidence::VeryLow
        } else {
            rule.confidence
        };
        // A list with `lowerTo` lowers what is above its level and drops
        // what already is at it or below (a generic finding stays dropped).
        let confidence = match lowered {
            Some((to, _)) if to < confidence => to,
            Some((_, which)) => return Err(which),
            None => confidence,
        };
        let place = Place {
            matched: Excerpt::new(
                String::from_utf8_lossy(&data[whole.clone()]),
                relative(&whole),
            ),
            line: Excerpt::new(String::from_utf8_lossy(line), relative(&line_span)),
            start: lines.position(span.start),
            end: lines.position(span.end),
            span,
            entropy: entropy as f32,
        };
        let mut found = finding(rule, secret, place, ctx.origin);
        found.description = description;
        found.confidence = confidence;
        Ok(found)
    }

    /// The allowlist with `lowerTo` that allows `candidate` and lowers it
    /// the most (global lists first, then the rule's), with the level it
    /// lowers to: the allowlist is named as the [`Filter`] it would be.
    pub fn lowered_by(
        &self,
        rule: &Rule,
        candidate: &Candidate<'_>,
    ) -> Option<(Confidence, Filter)> {
        let global = self
            .rules
            .global_allowlists()
            .iter()
            .enumerate()
            .filter(|(_, a)| a.applies_to(&rule.id))
            .map(|(i, a)| (a, Filter::GlobalAllowlist(i)));
        let own = rule
            .allowlists
            .iter()
            .enumerate()
            .map(|(i, a)| (a, Filter::RuleAllowlist(i)));
        let mut best: Option<(Confidence, Filter)> = None;
        for (list, which) in global.chain(own) {
            let Some(to) = list.lower_to else {
                continue;
            };
            if best.as_ref().is_some_and(|(b, _)| *b <= to) || !list.allows(candidate) {
                continue;
            }
            best = Some((to, which));
        }
        best
    }
}

/// Where and how a secret was found: what a finding adds to its rule.
struct Place {
    matched: Excerpt,
    line: Excerpt,
    span: Range<usize>,
    start: Position,
    end: Position,
    entropy: f32,
}

/// A finding of `rule`: its secret, where it is, where the bytes came from.
fn finding(rule: &Rule, secret: Secret, at: Place, origin: &Origin) -> Finding {
    Finding {
        rule_id: rule.id.clone(),
        description: rule.description.clone(),
        severity: rule.severity,
        confidence: rule.confidence,
        tags: rule.tags.clone(),
        fingerprint: Fingerprint::new(&rule.id, &secret),
        matched: at.matched,
        line: at.line,
        start: at.start,
        end: at.end,
        span: at.span,
        entropy: at.entropy,
        secret,
        origin: origin.clone(),
        decoded: Vec::new(),
        remediation: rule.remediation.clone(),
        verification: Verification::default(),
    }
}

/// A file rule's finding: the whole file, at line 1, with no secret text.
/// Its secret is a digest of what makes it one (the values its regex kept,
/// or the whole content), so the same file is the same finding wherever it
/// is, and an edit that changes no value is no new finding (baselines, a
/// history's first occurrence, a diff).
fn file_finding(rule: &Rule, held: &[u8], ctx: &Context<'_>) -> Finding {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(held);
    let secret = Secret::new(format!("sha256:{}", crate::finding::hex(&digest[..8])));
    let path = ctx.path.unwrap_or_default();
    let pos = Position { line: 1, column: 1 };
    let place = Place {
        matched: Excerpt::new(path, 0..0),
        line: Excerpt::new(format!("{path}: {}", rule.description), 0..0),
        span: 0..0,
        start: pos,
        end: pos,
        entropy: 0.0,
    };
    finding(rule, secret, place, ctx.origin)
}

/// Whether `window` overlaps one of `near` (sorted, disjoint).
fn reaches(near: &[Range<usize>], window: &Range<usize>) -> bool {
    let i = near.partition_point(|r| r.end <= window.start);
    near.get(i).is_some_and(|r| r.start < window.end)
}

/// One blob being scanned, and what its findings share.
pub struct Context<'a> {
    data: &'a [u8],
    origin: &'a Origin,
    /// `None` for a git blob not yet attributed to a path: path filters wait.
    path: Option<&'a str>,
    commit: Option<&'a str>,
    lines: std::cell::OnceCell<LineIndex>,
}

impl<'a> Context<'a> {
    /// The context of `data` from `origin`, whose path (if known yet) is `path`.
    pub fn new(data: &'a [u8], origin: &'a Origin, path: Option<&'a str>) -> Self {
        Context {
            data,
            origin,
            path,
            commit: origin.commit().map(|c| c.id.as_str()),
            lines: std::cell::OnceCell::new(),
        }
    }
}

/// The secret: the rule's `secretGroup` if it took part in the match, else
/// the first non-empty group; `None` means the whole match.
fn secret_span(rule: &Rule, caps: &Captures) -> Option<Range<usize>> {
    let group = |g: usize| {
        caps.get_group(g)
            .map(|m| m.range())
            .filter(|r| !r.is_empty())
    };
    rule.secret_group
        .filter(|&g| g > 0)
        .and_then(group)
        .or_else(|| (1..caps.group_len()).find_map(group))
}

fn trim_newlines(data: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && matches!(data[r.start], b'\n' | b'\r') {
        r.start += 1;
    }
    while r.end > r.start && matches!(data[r.end - 1], b'\n' | b'\r') {
        r.end -= 1;
    }
    r
}

/// One warning per finding whose line carries `leakhound:allow <id>` with
/// an id no rule in `rules` has: that comment allowed nothing.
pub fn unknown_allow_warnings(findings: &[Finding], rules: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for f in findings {
        let line = f.line.render(true);
        for id in unknown_allow_ids(line.as_bytes(), |w| rules.get(w).is_some()) {
            let at = format!("{}:{}", f.origin.display_path(), f.start.line);
            let warning = format!(
                "{at}: `leakhound:allow {id}`: no rule '{id}' is in force, so it allows nothing (`leakhound rules list` lists the ids)"
            );
            if !out.contains(&warning) {
                out.push(warning);
            }
        }
    }
    out
}

/// Whether `span` overlaps one of `spans`.
fn overlaps_any(span: &Range<usize>, spans: &[Range<usize>]) -> bool {
    spans.iter().any(|s| overlaps(s, span))
}

/// Drops a generic finding whose secret overlaps a specific rule's finding
/// (the specific rule says more about the same leak) or a specific match
/// that was allowed (the allow covers the generic rule too).
fn drop_shadowed_generic(rules: &RuleSet, findings: &mut Vec<Finding>, allowed: &[Range<usize>]) {
    let specific: Vec<Range<usize>> = findings
        .iter()
        .filter(|f| !of_generic_rule(rules, f))
        .map(|f| f.span.clone())
        .chain(allowed.iter().cloned())
        .collect();
    findings.retain(|f| !of_generic_rule(rules, f) || !overlaps_any(&f.span, &specific));
}

/// Whether a finding's rule is generic: a specific rule's finding that an
/// allowlist lowered (`lowerTo`) to `low` is still specific, so it still
/// shadows the generic rules on the same text.
fn of_generic_rule(rules: &RuleSet, f: &Finding) -> bool {
    rules
        .get(&f.rule_id)
        .map_or(f.is_generic(), Rule::is_generic)
}

/// No double reports: of specific findings with the same secret span, keeps
/// the most specific: a rule that checks a checksum, then the match that
/// read the most text around the secret (`AUTH0_TOKEN=eyJ…` names the
/// provider; a bare JWT rule does not), then the rule with the longest
/// keyword (`atctt3xffgn0` says more than `atctt3`), then the first rule.
fn drop_same_secret(rules: &RuleSet, findings: &mut Vec<Finding>) {
    /// How specific a finding is: checksum, context read, longest keyword.
    type Specificity = (bool, usize, usize);
    if findings.len() < 2 {
        return;
    }
    let mut best: HashMap<(usize, usize), (usize, Specificity)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if of_generic_rule(rules, f) {
            continue;
        }
        let rule = rules.get(&f.rule_id);
        // Text read around the secret; a delimiter or two does not count.
        let context = f.matched.text().len().saturating_sub(f.span.len()) / 3;
        let len = (
            rule.is_some_and(|r| r.checksum.is_some()),
            context,
            rule.and_then(|r| r.keywords.iter().map(String::len).max())
                .unwrap_or(0),
        );
        best.entry((f.span.start, f.span.end))
            .and_modify(|b| {
                if len > b.1 {
                    *b = (i, len);
                }
            })
            .or_insert((i, len));
    }
    if best.len()
        == findings
            .iter()
            .filter(|f| !of_generic_rule(rules, f))
            .count()
    {
        return;
    }
    let mut i = 0;
    findings.retain(|f| {
        let keep = of_generic_rule(rules, f) || best[&(f.span.start, f.span.end)].0 == i;
        i += 1;
        keep
    });
}

/// Marks each of `secrets` in every finding's excerpts, so no excerpt shows
/// another finding's secret (or its encoded text) in clear.
pub fn mark_secrets(findings: &mut [Finding], secrets: &[Secret]) {
    for f in findings.iter_mut() {
        for s in secrets {
            f.line.mark(s);
            f.matched.mark(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn builtin() -> RuleSet {
        RuleSet::new_for_small_inputs(&Config::builtin().unwrap()).unwrap()
    }

    fn compiled(rules: &RuleSet) -> Vec<&str> {
        rules
            .rules()
            .iter()
            .filter(|r| r.is_compiled())
            .map(|r| &*r.id)
            .collect()
    }

    #[test]
    fn rules_without_a_keyword_hit_are_never_compiled() {
        let rules = builtin();
        let origin = Origin::Stdin { label: "t".into() };
        let found =
            Detector::new(&rules, DetectOptions::default()).scan(b"fn main() {}\n", &origin);
        assert!(found.is_empty());
        let compiled = compiled(&rules);
        assert!(
            compiled.is_empty(),
            "compiled without a keyword hit: {compiled:?}"
        );
    }

    #[test]
    fn only_the_rules_whose_keywords_occur_are_compiled() {
        let rules = builtin();
        let origin = Origin::Stdin { label: "t".into() };
        let token = format!("ghp_{}", "x".repeat(36));
        Detector::new(&rules, DetectOptions::default()).scan(token.as_bytes(), &origin);
        let compiled = compiled(&rules);
        assert!(compiled.contains(&"github-pat"), "{compiled:?}");
        assert!(compiled.len() < 10, "{compiled:?}");
    }

    #[test]
    fn a_rule_whose_keywords_are_far_from_the_focus_lines_is_never_compiled() {
        let rules = builtin();
        let origin = Origin::Stdin { label: "t".into() };
        let token = format!("ghp_{}", base62(36));
        let mut text = format!("TOKEN={token}\n");
        text.push_str(&"filler line\n".repeat(100));
        text.push_str("added = 1\n");
        let detector = Detector::new(&rules, DetectOptions::default());
        let added = [102..=102];
        let scanned = detector.scan_capped(text.as_bytes(), &origin, Focus::Lines(&added));
        assert!(scanned.findings.is_empty());
        assert!(!compiled(&rules).contains(&"github-pat"));
        // The same blob, all of it: the rule runs.
        detector.scan_capped(text.as_bytes(), &origin, Focus::Whole);
        assert!(compiled(&rules).contains(&"github-pat"));
    }

    #[test]
    fn a_context_rule_without_its_secret_shape_near_its_name_is_never_compiled() {
        let rules = builtin();
        let origin = Origin::Stdin { label: "t".into() };
        let detector = Detector::new(&rules, DetectOptions::default());
        let id = "abuseipdb-api-key";
        let short = "ABUSEIPDB_API_KEY=0yz5etzzgn85cxop9jobkyotp7\n";
        let found = detector.scan(short.as_bytes(), &origin);
        assert!(!found.iter().any(|f| &*f.rule_id == id), "{found:#?}");
        assert!(!compiled(&rules).contains(&id));
        // With an 80-character value the rule compiles and finds it.
        let key: String = (0..80)
            .map(|i| char::from(b"q7w3e9r1t5y8u2i4o6p0"[(i * 7 + i / 3) % 20]))
            .collect();
        let found = detector.scan(format!("ABUSEIPDB_API_KEY={key}\n").as_bytes(), &origin);
        assert!(compiled(&rules).contains(&id));
        assert!(found.iter().any(|f| &*f.rule_id == id), "{found:#?}");
    }

    #[test]
    fn a_context_rule_finds_its_secret_at_the_far_end_of_its_widest_syntax() {
        // The name in a section header, the key five long lines below: the
        // window around the name (no slack for a context rule) still
        // reaches the secret, in a blob with text on both sides.
        let rules = builtin();
        let origin = Origin::Stdin { label: "t".into() };
        let detector = Detector::new(&rules, DetectOptions::default());
        let secret = base62(40);
        let filler = "x = 1\n".repeat(400);
        let lines = format!("# {}\n", "y".repeat(110)).repeat(5);
        let text = format!("{filler}[pandadoc]\n{lines}api_key = {secret}\n{filler}");
        let found = detector.scan(text.as_bytes(), &origin);
        assert!(
            found.iter().any(|f| &*f.rule_id == "pandadoc-api-key"),
            "{found:#?}"
        );
        // The shape glued to a word is not a value: the guard drops it.
        let fresh = builtin();
        let glued = format!("pandadoc_api_key = f{secret}(\n");
        Detector::new(&fresh, DetectOptions::default()).scan(glued.as_bytes(), &origin);
        assert!(!compiled(&fresh).contains(&"pandadoc-api-key"));
    }

    fn base62(n: usize) -> String {
        (0..n)
            .map(|i| char::from(b"aZ3kQ9xPm2LwR7tY"[(i * 7 + i / 3) % 16]))
            .collect()
    }

    #[test]
    fn windows_reach_the_focus_ranges_they_overlap() {
        let near = [10..20, 40..50];
        assert!(reaches(&near, &(15..16)));
        assert!(reaches(&near, &(0..11)));
        assert!(!reaches(&near, &(20..40)));
        assert!(reaches(&near, &(19..41)));
        assert!(!reaches(&near, &(50..60)));
    }
}
