//! Compiling one rule regex: Go RE2 syntax translated ([`super::re2`]),
//! bytes, Unicode classes off (Go RE2's ASCII `\w \d \s \b`), linear-time
//! search, and the longest match it can produce (which sizes the window the
//! detector searches around a keyword).

use std::sync::OnceLock;

use regex_automata::{meta, util::syntax, Input};
use regex_syntax::{hir::Hir, ParserBuilder};

use super::{context, Workload};
use crate::config::ContextSyntax;

/// A compiled regex.
#[derive(Debug)]
pub struct Pattern {
    regex: meta::Regex,
    max_len: Option<usize>,
}

impl Pattern {
    /// Compiles `source`; the error is one line naming the offset and problem.
    pub fn new(source: &str) -> Result<Pattern, String> {
        Pattern::for_workload(source, Workload::Bulk)
    }

    /// Compiles `source` for `workload`: for a few small inputs, without
    /// the full DFA a small regex gets for bulk work (its build costs more
    /// than it saves on a few kilobytes).
    pub fn for_workload(source: &str, workload: Workload) -> Result<Pattern, String> {
        let hir = parse(source)?;
        let max_len = hir.properties().maximum_len();
        let full_dfa = workload == Workload::Bulk;
        let regex = meta::Builder::new()
            .configure(meta::Config::new().utf8_empty(false).dfa(full_dfa))
            .syntax(syntax::Config::new().utf8(false))
            .build_from_hir(&hir)
            .map_err(|e| format!("invalid regex: {e}"))?;
        Ok(Pattern { regex, max_len })
    }

    /// The longest match in bytes, if bounded.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// Number of capture groups, the whole match (group 0) included.
    pub fn group_count(&self) -> usize {
        self.regex.captures_len()
    }

    /// The compiled regex.
    pub fn regex(&self) -> &meta::Regex {
        &self.regex
    }

    /// Whether the pattern matches anywhere in `hay`.
    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.is_match_in(Input::new(hay))
    }

    /// Whether the pattern matches in `input` (a span of a haystack). A
    /// half search that stops at the first match: `meta::Regex::is_match`
    /// is 30-40x slower on shapes with an inner literal and no prefix
    /// (`[\w-]{11}\.[\w-]{43}`: 64 ms against 1.6 ms on 660 KB).
    pub fn is_match_in(&self, input: Input<'_>) -> bool {
        self.regex.search_half(&input.earliest(true)).is_some()
    }
}

/// When a [`LazyPattern`] compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compile {
    /// At once: a bad (user) pattern is reported at load.
    Now,
    /// On first use: a (built-in) rule that never gets a candidate costs nothing.
    OnFirstUse,
}

/// A pattern compiled on first use, so rules that never get a candidate cost
/// nothing; or at once, to report a bad user pattern at load.
#[derive(Debug)]
pub struct LazyPattern {
    from: Source,
    /// A context rule's regex, expanded with the pattern.
    expanded: OnceLock<Result<String, String>>,
    /// The longest match, from the parsed regex (`None`: unbounded or invalid).
    max_len: OnceLock<Option<usize>>,
    /// Whether, as a path regex, it can be judged on a path's last component.
    by_name: OnceLock<bool>,
    /// What it is compiled for.
    workload: Workload,
    compiled: OnceLock<Option<Pattern>>,
}

/// What a [`LazyPattern`] is made from.
#[derive(Debug)]
enum Source {
    /// A regex as written.
    Regex(String),
    /// A context rule, expanded into its regex ([`context::expand`]) when
    /// the pattern compiles.
    Context(Box<ContextSyntax>),
}

impl LazyPattern {
    /// A pattern from `source`, compiled `when` said.
    pub fn new(source: &str, when: Compile) -> Result<LazyPattern, String> {
        LazyPattern::with_source(Source::Regex(source.to_string()), when)
    }

    /// The pattern of a context rule, expanded and compiled `when` said.
    pub fn context(ctx: &ContextSyntax, when: Compile) -> Result<LazyPattern, String> {
        LazyPattern::with_source(Source::Context(Box::new(ctx.clone())), when)
    }

    fn with_source(from: Source, when: Compile) -> Result<LazyPattern, String> {
        let lazy = LazyPattern {
            from,
            expanded: OnceLock::new(),
            max_len: OnceLock::new(),
            by_name: OnceLock::new(),
            workload: Workload::Bulk,
            compiled: OnceLock::new(),
        };
        if when == Compile::Now {
            lazy.check()?;
        }
        Ok(lazy)
    }

    /// The regex text, or why a context rule does not expand into one.
    fn text(&self) -> Result<&str, &str> {
        match &self.from {
            Source::Regex(source) => Ok(source),
            Source::Context(ctx) => self
                .expanded
                .get_or_init(|| context::expand(ctx))
                .as_deref()
                .map_err(String::as_str),
        }
    }

    /// The same pattern, compiled for `workload` when it compiles.
    pub fn for_workload(mut self, workload: Workload) -> LazyPattern {
        self.workload = workload;
        self
    }

    /// The compiled pattern; `None` if it does not compile (see [`Self::check`]).
    pub fn get(&self) -> Option<&Pattern> {
        self.compiled
            .get_or_init(|| Pattern::for_workload(self.text().ok()?, self.workload).ok())
            .as_ref()
    }

    /// Compiles the pattern if needed and says why it does not compile.
    pub fn check(&self) -> Result<&Pattern, String> {
        match self.get() {
            Some(p) => Ok(p),
            None => Err(match self.text() {
                Ok(text) => Pattern::new(text).err().unwrap_or_default(),
                Err(e) => e.to_string(),
            }),
        }
    }

    /// The longest match in bytes, if bounded; parsed, not compiled (a
    /// pattern that does not parse counts as unbounded). For a context
    /// rule, an upper bound read off its parts ([`context::max_len`]).
    pub fn max_len(&self) -> Option<usize> {
        if let Some(Some(p)) = self.compiled.get() {
            return p.max_len();
        }
        *self.max_len.get_or_init(|| {
            let measure = |text: &str| parse(text).ok()?.properties().maximum_len();
            let text = self.text().ok()?;
            match &self.from {
                Source::Context(ctx) => context::max_len(ctx, measure),
                Source::Regex(_) => measure(text),
            }
        })
    }

    /// As a path regex: whether it matches `name`, the last component of a
    /// path, whenever it matches the whole path; `None` when the name alone
    /// cannot tell (the regex can match a `/` other than a leading
    /// `(?:^|/)`, or is not anchored at the end).
    pub fn matches_name(&self, name: &str) -> Option<bool> {
        let by_name = *self.by_name.get_or_init(|| {
            self.text()
                .ok()
                .and_then(|t| parse(t).ok())
                .is_some_and(|hir| judged_by_name(&hir))
        });
        by_name.then(|| self.is_match(name.as_bytes()))
    }

    /// Whether it is a context rule's, built by the engine from checked parts.
    pub fn is_context(&self) -> bool {
        matches!(self.from, Source::Context(_))
    }

    /// Expands a context rule's pattern, which checks its parts (names,
    /// hosts, the secret's shape); a plain regex has nothing to expand.
    pub fn expand(&self) -> Result<(), String> {
        self.text().map(|_| ()).map_err(str::to_string)
    }

    /// Parses the pattern without compiling it: its number of capture
    /// groups (the whole match included), or why it does not parse.
    pub fn groups(&self) -> Result<usize, String> {
        let hir = parse(self.text().map_err(str::to_string)?)?;
        let _ = self.max_len.set(hir.properties().maximum_len());
        Ok(hir.properties().explicit_captures_len() + 1)
    }

    /// Whether the pattern has been compiled yet.
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }

    /// The regex (a context rule's expanded; empty if it does not expand).
    pub fn source(&self) -> &str {
        self.text().unwrap_or_default()
    }

    /// Whether the pattern matches anywhere in `hay` (never, if it does not compile).
    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.get().is_some_and(|p| p.is_match(hay))
    }
}

fn parse(source: &str) -> Result<Hir, String> {
    let translated = super::re2::translate(source).map_err(|e| format!("invalid regex: {e}"))?;
    let source = translated.as_ref();
    let ascii = ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(source);
    match ascii {
        Ok(hir) => Ok(hir),
        // A literal non-ASCII character needs Unicode mode; classes stay ASCII
        // only where the pattern says `(?-u)`, which is the rare case.
        Err(regex_syntax::Error::Translate(e))
            if matches!(e.kind(), regex_syntax::hir::ErrorKind::UnicodeNotAllowed) =>
        {
            ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(source)
                .map_err(describe)
        }
        Err(e) => Err(describe(e)),
    }
}

/// Whether a path regex's matches lie in a path's last component: it ends
/// with `$`, and no part of it but a leading `(?:^|/)` can match a `/`.
/// Such a regex matches a path exactly when it matches the path's last
/// component (a leading `/` there becomes `^`).
fn judged_by_name(hir: &Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    let parts: &[Hir] = match hir.kind() {
        HirKind::Concat(parts) => parts,
        _ => std::slice::from_ref(hir),
    };
    let ends_anchored = parts
        .last()
        .is_some_and(|h| matches!(h.kind(), HirKind::Look(Look::End)));
    let body = match parts.first().map(Hir::kind) {
        Some(HirKind::Alternation(alts)) if alts.len() == 2 && is_start_or_slash(alts) => {
            &parts[1..]
        }
        _ => parts,
    };
    ends_anchored && body.iter().all(|h| !can_match_slash(h))
}

/// `^|/` (in either order).
fn is_start_or_slash(alts: &[Hir]) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    let start = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::Start));
    let slash = |h: &Hir| matches!(h.kind(), HirKind::Literal(l) if &*l.0 == b"/");
    (start(&alts[0]) && slash(&alts[1])) || (slash(&alts[0]) && start(&alts[1]))
}

/// Whether any match of `hir` can hold the byte `/`.
fn can_match_slash(hir: &Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.contains(&b'/'),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&b'/')),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&'/')),
        HirKind::Repetition(r) => can_match_slash(&r.sub),
        HirKind::Capture(c) => can_match_slash(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(can_match_slash),
    }
}

fn describe(e: regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(e) => format!(
            "invalid regex at offset {}: {}",
            e.span().start.offset,
            e.kind()
        ),
        regex_syntax::Error::Translate(e) => format!(
            "invalid regex at offset {}: {}",
            e.span().start.offset,
            e.kind()
        ),
        other => format!("invalid regex: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_ascii_only() {
        let p = Pattern::new(r"\w+").unwrap();
        assert!(p.is_match(b"abc"));
        assert!(!p.is_match("é".as_bytes()));
        assert!(Pattern::new(r"\b\d{3}\b")
            .unwrap()
            .is_match("x 123 y".as_bytes()));
    }

    #[test]
    fn bounded_patterns_report_their_longest_match() {
        assert_eq!(Pattern::new(r"ghp_[a-z]{36}").unwrap().max_len(), Some(40));
        assert_eq!(Pattern::new(r"a+").unwrap().max_len(), None);
    }

    #[test]
    fn errors_are_one_line() {
        let e = Pattern::new(r"(abc").unwrap_err();
        assert!(e.starts_with("invalid regex at offset 0"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn non_ascii_literals_are_accepted() {
        assert!(Pattern::new("mot de passe é")
            .unwrap()
            .is_match("mot de passe é".as_bytes()));
    }

    #[test]
    fn lazy_patterns_compile_on_use_or_at_once() {
        let lazy = LazyPattern::new("(", Compile::OnFirstUse).unwrap();
        assert!(!lazy.is_match(b"("));
        assert!(lazy.check().unwrap_err().starts_with("invalid regex"));
        assert!(LazyPattern::new("(", Compile::Now).is_err());
        assert!(LazyPattern::new("a.c", Compile::OnFirstUse)
            .unwrap()
            .is_match(b"abc"));
    }

    #[test]
    fn a_lazy_pattern_knows_its_longest_match_before_it_compiles() {
        let lazy = LazyPattern::new(r"tok_[a-z]{8}", Compile::OnFirstUse).unwrap();
        assert_eq!(lazy.max_len(), Some(12));
        assert!(!lazy.is_compiled());
        let unbounded = LazyPattern::new(r"tok_[a-z]+", Compile::OnFirstUse).unwrap();
        assert_eq!(unbounded.max_len(), None);
        assert_eq!(
            LazyPattern::new("(", Compile::OnFirstUse)
                .unwrap()
                .max_len(),
            None
        );
    }

    #[test]
    fn a_path_regex_on_the_last_component_is_judged_by_name_others_are_not() {
        let judge = |re: &str, name: &str| {
            LazyPattern::new(re, Compile::Now)
                .unwrap()
                .matches_name(name)
        };
        assert_eq!(
            judge(r"(?:^|/)\.env(?:\.[a-z]+)*$", ".env.production"),
            Some(true)
        );
        assert_eq!(judge(r"(?:^|/)\.env(?:\.[a-z]+)*$", "env.rb"), Some(false));
        assert_eq!(judge(r"(?i)\.(?:p12|pfx)$", "Cert.PFX"), Some(true));
        assert_eq!(judge(r"(?:^|/)[^/]+\.pem$", "a.pem"), Some(true));
        // A directory in the regex, `.` or a class that can match `/`, no `$`:
        // the last component cannot tell.
        assert_eq!(judge(r"(?:^|/)\.aws/credentials$", "credentials"), None);
        assert_eq!(judge(r"config.secrets$", "secrets"), None);
        assert_eq!(judge(r"[^x]+\.key$", "a.key"), None);
        assert_eq!(judge(r"(?:^|/)\.env", ".env"), None);
    }

    #[test]
    fn a_pattern_for_a_few_small_inputs_is_built_without_a_full_dfa() {
        let re = r"tok_[a-z0-9]{8}";
        let bulk = Pattern::for_workload(re, Workload::Bulk).unwrap();
        let small = Pattern::for_workload(re, Workload::SmallInputs).unwrap();
        assert!(small.regex().memory_usage() < bulk.regex().memory_usage());
        let lazy = LazyPattern::new(re, Compile::OnFirstUse)
            .unwrap()
            .for_workload(Workload::SmallInputs);
        assert_eq!(
            lazy.get().unwrap().regex().memory_usage(),
            small.regex().memory_usage()
        );
        assert!(small.is_match(b"tok_abcd1234"));
    }

    #[test]
    fn matches_invalid_utf8() {
        assert!(Pattern::new(r"key=\w{4}")
            .unwrap()
            .is_match(b"\xff\xfekey=abcd\xff"));
    }
}
