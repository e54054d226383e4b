//! Compiled rules: [`Rule`] and [`RuleSet`], built from a [`Config`] and
//! shared read-only by every scanning thread. Built-in regexes compile on
//! first use (a rule whose keywords never occur costs nothing); user regexes
//! compile at load so a bad one is reported with its file and rule id.

mod allowlist;
mod checksum;
pub mod context;
mod pattern;
mod prefilter;
mod re2;

use std::{collections::HashMap, ops::Range, sync::Arc};

use regex_automata::Input;

pub use crate::config::{Confidence, RuleKind, Severity};
use crate::config::{Config, ConfigError, RuleEntry, SourceLine};
pub use crate::config::{Remediation, Verifier};

pub use crate::sniff::Magic;
pub use allowlist::{Allowlist, Candidate, RegexTarget};
pub use checksum::{basic_auth_user, Checksum};

pub use crate::config::ContextSyntax;
pub use pattern::{Compile, LazyPattern, Pattern};
pub use prefilter::{Hit, Prefilter, Workload};

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Unique id.
    pub id: Arc<str>,
    /// What it finds.
    pub description: Arc<str>,
    /// How bad a leak is.
    pub severity: Severity,
    /// How sure a finding is a real secret; `low` marks a generic rule,
    /// which gives way to a specific one on the same text.
    pub confidence: Confidence,
    /// Labels copied to findings.
    pub tags: Arc<[String]>,
    /// Provider documentation.
    pub references: Vec<String>,
    /// Lowercased keywords.
    pub keywords: Vec<String>,
    /// Texts the rule must report.
    pub examples: Vec<String>,
    /// Texts the rule must not report.
    pub negative_examples: Vec<String>,
    /// Where the rule was written.
    pub at: SourceLine,
    /// The capture group of the secret, if set.
    pub secret_group: Option<usize>,
    /// Minimum entropy (exclusive).
    pub entropy: Option<f64>,
    /// Path regex.
    pub path: Option<LazyPattern>,
    /// The rule's own allowlists.
    pub allowlists: Vec<Allowlist>,
    /// gitleaks `skipReport`: never reported, only evidence for `required`.
    pub skip_report: bool,
    /// Rules that must match near a finding of this one (composite rule).
    pub required: Vec<Required>,
    /// A checksum the secret must carry, if the provider builds one in.
    pub checksum: Option<Checksum>,
    /// What to do about a leak.
    pub remediation: Option<Arc<Remediation>>,
    /// How `--verify` checks its secrets.
    pub verifier: Option<Arc<Verifier>>,
    /// A secret in the text, or a whole file.
    pub kind: RuleKind,
    /// A `file` rule's magic bytes: the file starts with one of them.
    pub magic: Vec<Magic>,
    regex: Option<LazyPattern>,
    /// A context rule's secret shape between delimiters ([`context::guard`]):
    /// where it does not match, the rule's (large) regex cannot either, and
    /// is neither compiled nor run.
    guard: Option<LazyPattern>,
}

/// A rule that must also match, and how near, for a composite rule's finding.
#[derive(Debug, Clone)]
pub struct Required {
    /// The required rule's id.
    pub id: Arc<str>,
    /// Start lines at most this far apart.
    pub within_lines: Option<usize>,
    /// Start columns at most this far apart.
    pub within_columns: Option<usize>,
}

impl Rule {
    /// Whether this is a generic (low-confidence) rule: it gives way to a
    /// specific rule on the same text.
    pub fn is_generic(&self) -> bool {
        self.confidence <= Confidence::Low
    }

    fn new(entry: &RuleEntry) -> Result<Rule, ConfigError> {
        let s = &entry.syntax;
        let id = s.id.get_ref().clone();
        let fail = |message: String| ConfigError::Rule {
            at: entry.at.clone(),
            rule: id.clone(),
            message,
        };
        if s.regex.is_none() && s.path.is_none() && s.context.is_none() {
            return Err(fail("needs a regex, a context or a path".into()));
        }
        if s.regex.is_some() && s.context.is_some() {
            return Err(fail("has both a regex and a context; use one".into()));
        }
        let kind = s.kind.unwrap_or_default();
        match kind {
            RuleKind::File if s.path.is_none() => {
                return Err(fail("a file rule needs a path".into()))
            }
            RuleKind::File if s.regex.is_none() && s.context.is_none() && s.magic.is_empty() => {
                return Err(fail(
                    "a file rule needs a regex (what its content holds) or magic bytes".into(),
                ))
            }
            RuleKind::Content if !s.magic.is_empty() => {
                return Err(fail(
                    "magic bytes are for file rules (kind = \"file\")".into(),
                ))
            }
            _ => {}
        }
        let magic = s
            .magic
            .iter()
            .map(|m| Magic::parse(m))
            .collect::<Result<Vec<_>, _>>()
            .map_err(&fail)?;
        let severity = s.severity.unwrap_or(Severity::Medium);
        let checksum = s
            .checksum
            .as_deref()
            .map(|name| {
                Checksum::parse(name).ok_or_else(|| {
                    fail(format!(
                        "unknown checksum '{name}' (known: {})",
                        Checksum::NAMES.join(", ")
                    ))
                })
            })
            .transpose()?;
        // Built-in rules are proven by their self-test and compile on first
        // use; user rules compile now, so a mistake is reported at load.
        let when = compile_when(entry.builtin);
        let path = s
            .path
            .as_deref()
            .map(|p| LazyPattern::new(p, when).map_err(|e| fail(format!("path: {e}"))))
            .transpose()?;
        // A context rule's regex is expanded when it compiles.
        let regex = match (&s.regex, &s.context) {
            (Some(p), _) => Some(LazyPattern::new(p, Compile::OnFirstUse)),
            (None, Some(ctx)) => Some(LazyPattern::context(ctx, Compile::OnFirstUse)),
            (None, None) => None,
        }
        .transpose()
        .map_err(&fail)?;
        let guard = match (&s.regex, &s.context) {
            (None, Some(ctx)) => LazyPattern::new(&context::guard(ctx), Compile::OnFirstUse).ok(),
            _ => None,
        };
        let allowlists = s
            .allowlist
            .iter()
            .chain(&s.allowlists)
            .map(|a| Allowlist::new(a, when).map_err(&fail))
            .collect::<Result<Vec<_>, _>>()?;
        let verifier = s
            .verify
            .as_ref()
            .map(Verifier::new)
            .transpose()
            .map_err(&fail)?
            .map(Arc::new);
        let rule = Rule {
            id: Arc::from(id.as_str()),
            description: Arc::from(s.description.as_deref().unwrap_or(id.as_str())),
            severity,
            confidence: s.confidence.unwrap_or_else(|| Confidence::default_for(&id)),
            tags: s.tags.clone().into(),
            references: s.references.clone(),
            keywords: {
                let mut k: Vec<String> =
                    s.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
                for c in s.context.iter().flat_map(context::keywords) {
                    if !k.contains(&c) {
                        k.push(c);
                    }
                }
                k
            },
            examples: s.examples.clone(),
            negative_examples: s.negative_examples.clone(),
            at: entry.at.clone(),
            secret_group: s.secret_group,
            entropy: s.entropy,
            path,
            allowlists,
            skip_report: s.skip_report,
            required: s
                .required
                .iter()
                .map(|r| Required {
                    id: Arc::from(r.id.as_str()),
                    within_lines: r.within_lines,
                    within_columns: r.within_columns,
                })
                .collect(),
            checksum,
            remediation: s.remediation.clone().map(Arc::new),
            verifier,
            kind,
            magic,
            regex,
            guard,
        };
        // A user rule's regex is parsed and checked now, and compiled when
        // its keyword first occurs: a config of thousands of rules starts
        // in milliseconds (`rules check` compiles every one).
        if when == Compile::Now {
            rule.check_syntax().map_err(fail)?;
        }
        Ok(rule)
    }

    /// Parses the regex (without compiling it) and checks the secret group.
    /// A context rule's regex is built from parts that are checked as it
    /// expands (the engine picks its secret group): it is not parsed whole.
    pub fn check_syntax(&self) -> Result<(), String> {
        match &self.regex {
            None => Ok(()),
            Some(regex) if regex.is_context() && self.secret_group.is_none() => regex.expand(),
            Some(regex) => self.check_secret_group(regex.groups()?),
        }
    }

    fn check_secret_group(&self, groups: usize) -> Result<(), String> {
        match self.secret_group {
            Some(g) if g >= groups => Err(format!(
                "secretGroup {g} but the regex has {} capture group(s)",
                groups - 1
            )),
            _ => Ok(()),
        }
    }

    /// Compiles the regexes now (if not yet: the rule's, its path's and its
    /// allowlists') and checks the secret group.
    pub fn check_regex(&self) -> Result<(), String> {
        if let Some(path) = &self.path {
            path.check().map_err(|e| format!("path: {e}"))?;
        }
        for a in &self.allowlists {
            a.check()?;
        }
        let Some(regex) = &self.regex else {
            return Ok(());
        };
        self.check_secret_group(regex.check()?.group_count())
    }

    /// The compiled regex (compiled on first call); `None` for path-only rules.
    pub fn regex(&self) -> Option<&Pattern> {
        self.regex.as_ref().and_then(LazyPattern::get)
    }

    /// The longest match of the rule's regex, if bounded, read off the
    /// parsed regex without compiling it.
    pub fn regex_max_len(&self) -> Option<usize> {
        self.regex.as_ref().and_then(LazyPattern::max_len)
    }

    /// Whether the rule's regex has been compiled yet (built-in rules compile
    /// on their first keyword hit).
    pub fn is_compiled(&self) -> bool {
        self.regex.as_ref().is_some_and(LazyPattern::is_compiled)
    }

    /// True for a rule that only matches file paths (gitleaks: a `path`
    /// The rule with its regexes compiled for `workload` when they compile.
    fn for_workload(mut self, workload: Workload) -> Rule {
        self.regex = self.regex.map(|r| r.for_workload(workload));
        self.guard = self.guard.map(|g| g.for_workload(workload));
        self.path = self.path.map(|p| p.for_workload(workload));
        self.allowlists = self
            .allowlists
            .into_iter()
            .map(|a| a.for_workload(workload))
            .collect();
        self
    }

    /// Whether the rule's regex may match in `window` of `data`: false only
    /// when a context rule's secret shape matches nowhere in it.
    pub fn may_match_in(&self, data: &[u8], window: Range<usize>) -> bool {
        self.guard
            .as_ref()
            .and_then(LazyPattern::get)
            .is_none_or(|g| g.is_match_in(Input::new(data).span(window)))
    }

    /// Whether every match of the rule holds one of its keywords: true for
    /// a context rule (its keywords are spellings of its names, and its
    /// hosts, one of which every syntax holds). A gitleaks rule's keyword
    /// may lie outside its match (a variable name before a bare value).
    pub fn keywords_inside_match(&self) -> bool {
        self.guard.is_some()
    }

    /// Whether the rule can apply to a file whose path ends in `name`:
    /// false only when its path regex, judged on a path's last component,
    /// rejects `name`.
    pub fn may_apply_to_name(&self, name: &str) -> bool {
        self.path
            .as_ref()
            .is_none_or(|p| p.matches_name(name) != Some(false))
    }

    /// and no `regex`): every file at such a path is reported.
    pub fn is_path_only(&self) -> bool {
        self.regex.is_none() && self.kind == RuleKind::Content
    }

    /// Whether the rule has a regex (or a context expanded into one).
    pub fn has_regex(&self) -> bool {
        self.regex.is_some()
    }

    /// True for a `file` rule: it reports a whole file, once.
    pub fn is_file_rule(&self) -> bool {
        self.kind == RuleKind::File
    }

    /// Whether `data` starts with one of the rule's magic bytes (true when
    /// it has none).
    pub fn magic_matches(&self, data: &[u8]) -> bool {
        self.magic.is_empty() || self.magic.iter().any(|m| m.starts(data))
    }
}

/// Every rule in force, the keyword prefilter over them and the global allowlists.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_id: HashMap<Arc<str>, usize>,
    prefilter: Prefilter,
    global: Vec<Allowlist>,
    composite: bool,
    /// Indices of the `file` rules, which every blob is checked against.
    file_rules: Vec<usize>,
    /// Indices of the path-only rules ([`Rule::is_path_only`]), likewise.
    path_rules: Vec<usize>,
}

impl RuleSet {
    /// Compiles a merged configuration, for scanning much data.
    pub fn new(config: &Config) -> Result<RuleSet, ConfigError> {
        RuleSet::build(config, Workload::Bulk)
    }

    /// Compiles a merged configuration for a quick scan of a few small
    /// inputs (staged changes): cheaper to build, a little slower per byte.
    pub fn new_for_small_inputs(config: &Config) -> Result<RuleSet, ConfigError> {
        RuleSet::build(config, Workload::SmallInputs)
    }

    fn build(config: &Config, workload: Workload) -> Result<RuleSet, ConfigError> {
        let rules = config
            .rules
            .iter()
            .map(|entry| Rule::new(entry).map(|r| r.for_workload(workload)))
            .collect::<Result<Vec<_>, _>>()?;
        let global = config
            .allowlists
            .iter()
            .map(|a| {
                let list = Allowlist::new(&a.syntax, compile_when(a.builtin))
                    .map(|l| l.for_workload(workload))
                    .map_err(|message| ConfigError::Invalid {
                        at: a.at.clone(),
                        message,
                    })?;
                if let Some(unknown) = list
                    .target_rules
                    .iter()
                    .find(|t| !rules.iter().any(|r| *r.id == ***t))
                {
                    return Err(ConfigError::Invalid {
                        at: a.at.clone(),
                        message: format!("allowlist targets unknown rule '{unknown}'"),
                    });
                }
                Ok(list)
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (rule, entry) in rules.iter().zip(&config.rules) {
            let pair = rule.verifier.as_ref().and_then(|v| v.pair.as_deref());
            if let Some(pair) = pair.filter(|p| !rules.iter().any(|r| &*r.id == *p)) {
                return Err(ConfigError::Rule {
                    at: entry.at.clone(),
                    rule: rule.id.to_string(),
                    message: format!("verify: pair names unknown rule '{pair}'"),
                });
            }
            if let Some(missing) = rule
                .required
                .iter()
                .find(|req| !rules.iter().any(|r| r.id == req.id))
            {
                return Err(ConfigError::Rule {
                    at: entry.at.clone(),
                    rule: rule.id.to_string(),
                    message: format!("requires unknown rule '{}'", missing.id),
                });
            }
        }
        let composite = rules
            .iter()
            .any(|r| r.skip_report || !r.required.is_empty());
        let prefilter = Prefilter::new(rules.iter().map(|r| r.keywords.as_slice()), workload);
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let file_rules = (0..rules.len())
            .filter(|&i| rules[i].is_file_rule())
            .collect();
        let path_rules = (0..rules.len())
            .filter(|&i| rules[i].is_path_only())
            .collect();
        Ok(RuleSet {
            rules,
            by_id,
            prefilter,
            global,
            composite,
            file_rules,
            path_rules,
        })
    }

    /// The rules, in configuration order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Whether any rule is composite (`required`) or `skipReport`.
    pub fn has_composite_rules(&self) -> bool {
        self.composite
    }

    /// The keyword prefilter.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// Global allowlists that apply to `rule` (those with no `targetRules`,
    /// or naming it).
    pub fn global_allowlists_for<'s>(
        &'s self,
        rule: &'s str,
    ) -> impl Iterator<Item = &'s Allowlist> {
        self.global.iter().filter(move |a| a.applies_to(rule))
    }

    /// Every global allowlist, in configuration order.
    pub fn global_allowlists(&self) -> &[Allowlist] {
        &self.global
    }

    /// Compiles every global allowlist regex now, naming the first that fails.
    pub fn check_global_allowlists(&self) -> Result<(), String> {
        self.global.iter().try_for_each(Allowlist::check)
    }

    /// The `file` rules with their indices, in configuration order.
    pub fn file_rules(&self) -> impl Iterator<Item = (usize, &Rule)> {
        self.file_rules.iter().map(|&i| (i, &self.rules[i]))
    }

    /// The path-only rules, in configuration order.
    pub fn path_rules(&self) -> impl Iterator<Item = &Rule> {
        self.path_rules.iter().map(|&i| &self.rules[i])
    }

    /// The magic bytes of every `file` rule: binary files that start with
    /// one are worth handing to the detector.
    pub fn file_magic(&self) -> Vec<Magic> {
        let mut all: Vec<Magic> = Vec::new();
        for m in self.file_rules().flat_map(|(_, r)| &r.magic) {
            if !all.contains(m) {
                all.push(m.clone());
            }
        }
        all
    }

    /// Whether a global allowlist excludes a whole blob by path or commit.
    pub fn allows_blob(&self, path: &str, commit: Option<&str>) -> bool {
        self.global
            .iter()
            .any(|a| a.target_rules.is_empty() && a.allows_blob(path, commit))
    }
}

/// Built-in patterns are proven by their self-test and compile on first
/// use; a user's compile at load, so a mistake is reported with its file.
fn compile_when(builtin: bool) -> Compile {
    if builtin {
        Compile::OnFirstUse
    } else {
        Compile::Now
    }
}
