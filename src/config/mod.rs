//! Rule configuration as written: the gitleaks v8 TOML schema plus
//! leakhound's fields (`examples`, `negativeExamples`, `severity`,
//! `references`, `checksum`, `confidence`, `remediation`, `verify`), the
//! embedded defaults, discovery and `[extend]` merging.
//! Syntax only: no regex is compiled here.

mod builtin;
mod remediation;
mod unknown;
mod values;
mod verify;

use std::{
    collections::HashMap,
    fmt,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use builtin::{BUILTIN_RULE_EXAMPLES, BUILTIN_RULE_FILES, BUILTIN_RULE_JSON};
pub use remediation::Remediation;
pub use values::{Condition, RegexTarget, Severity};
pub use verify::{
    fill, https_host, url_escape, Check, Code, HttpCheck, Method, Verifier, VerifySyntax, STS_HOST,
};

/// Where a piece of configuration was written, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// The file (or `builtin:<name>` for embedded rules).
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

impl fmt::Display for SourceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An error in a configuration file, naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read config: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the schema.
    #[error("{at}: invalid config: {message}")]
    Parse {
        /// File and line.
        at: SourceLine,
        /// What is wrong.
        message: String,
    },
    /// A rule or allowlist is invalid (bad regex, bad group, missing field).
    #[error("{at}: rule '{rule}': {message}")]
    Rule {
        /// File and line of the rule.
        at: SourceLine,
        /// The rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// A global allowlist or `[extend]` entry is invalid.
    #[error("{at}: {message}")]
    Invalid {
        /// File and line.
        at: SourceLine,
        /// What is wrong.
        message: String,
    },
}

/// One configuration file as parsed.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSyntax {
    /// Free-form title.
    pub title: Option<String>,
    /// Free-form description.
    pub description: Option<String>,
    /// gitleaks' minimum version (accepted, ignored).
    pub min_version: Option<String>,
    /// What this file builds on.
    pub extend: Option<ExtendSyntax>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    /// Legacy single global allowlist.
    #[serde(default, deserialize_with = "one_table")]
    pub allowlist: Option<AllowlistSyntax>,
    /// Global allowlists.
    #[serde(default)]
    pub allowlists: Vec<AllowlistSyntax>,
    /// leakhound: what to do about a leak, for every rule of this file.
    pub remediation: Option<Remediation>,
    /// leakhound: the baseline to use with this file, relative to its directory.
    pub baseline: Option<String>,
    /// Warnings about the file: keys leakhound does not read.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// `[extend]`: inherit the built-in rules or another file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtendSyntax {
    /// Inherit the built-in rules (leakhound's default: yes).
    pub use_default: Option<bool>,
    /// Inherit another config file.
    pub path: Option<String>,
    /// gitleaks' remote extension (not supported).
    pub url: Option<String>,
    /// Inherited rule ids to drop.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
}

/// One `[[rules]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSyntax {
    /// Unique id.
    pub id: Spanned<String>,
    /// What the rule finds.
    pub description: Option<String>,
    /// The pattern (Go RE2 / Rust regex syntax, Unicode classes off).
    pub regex: Option<String>,
    /// Capture group holding the secret.
    pub secret_group: Option<usize>,
    /// Minimum Shannon entropy of the secret (exclusive).
    pub entropy: Option<f64>,
    /// Literal strings, one of which must occur for the rule to run.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regex the file path must match.
    pub path: Option<String>,
    /// Labels copied to findings.
    #[serde(default)]
    pub tags: Vec<String>,
    /// gitleaks: the rule only serves other rules' `required` (not reported).
    #[serde(default)]
    pub skip_report: bool,
    /// gitleaks composite rules: rules that must also match near a finding.
    #[serde(default)]
    pub required: Vec<RequiredSyntax>,
    /// Legacy single allowlist.
    #[serde(default, deserialize_with = "one_table")]
    pub allowlist: Option<AllowlistSyntax>,
    /// Allowlists of this rule.
    #[serde(default)]
    pub allowlists: Vec<AllowlistSyntax>,
    /// critical, high, medium, low or info.
    pub severity: Option<Severity>,
    /// Provider documentation.
    #[serde(default)]
    pub references: Vec<String>,
    /// Texts the rule must report.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the rule must not report.
    #[serde(default, alias = "negative_examples")]
    pub negative_examples: Vec<String>,
    /// leakhound: a checksum the secret must carry (`github-crc32`).
    pub checksum: Option<String>,
    /// leakhound: how sure a finding of this rule is a real secret.
    pub confidence: Option<Confidence>,
    /// leakhound: a context rule (provider names and the secret's shape),
    /// expanded into the regex by the engine.
    pub context: Option<ContextSyntax>,
    /// leakhound: what to do about a leak (overrides the file's, field by field).
    pub remediation: Option<Remediation>,
    /// leakhound: how `--verify` asks the provider whether the secret is live.
    pub verify: Option<VerifySyntax>,
    /// leakhound: what a finding is, a secret in the text or a whole file.
    pub kind: Option<RuleKind>,
    /// leakhound: a `file` rule's magic bytes, in hex (`??`: any byte); the
    /// file must start with one of them. A file with magic bytes is checked
    /// even when it is binary.
    #[serde(default)]
    pub magic: Vec<String>,
}

/// What a rule reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A secret in the text: where its regex matches.
    #[default]
    Content,
    /// A file that is a secret by nature (`.env`, `.netrc`, a keystore):
    /// reported once, at its path, when its content looks like the real
    /// thing (the regex finds a value the filters keep, the magic bytes
    /// match) and no other rule reported a secret in it.
    File,
}

/// How sure a rule's finding is a real secret, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A generic rule's finding in test code, a spec, a fixture or an
    /// example (see `crate::detect::is_test_path`): a credential-like name
    /// and value there is often test data, but is still committed.
    #[serde(rename = "very-low")]
    VeryLow,
    /// A generic rule: a credential-like name and a secret-like value.
    Low,
    /// The provider's name or host beside a value of its documented shape.
    Medium,
    /// A prefix unique to the provider, or a checksum that holds.
    High,
}

impl Confidence {
    /// Every level, lowest first.
    pub const ALL: [Confidence; 4] = [
        Confidence::VeryLow,
        Confidence::Low,
        Confidence::Medium,
        Confidence::High,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::VeryLow => "very-low",
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// The level of a rule that does not set one: `low` for a rule whose id
    /// says `generic` (gitleaks' `generic-api-key` in a drop-in config),
    /// else `medium`. Built-in rules always set it (a lint test checks).
    pub fn default_for(id: &str) -> Confidence {
        if id.contains("generic") {
            Confidence::Low
        } else {
            Confidence::Medium
        }
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;

    fn from_str(s: &str) -> Result<Confidence, String> {
        Confidence::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("'{s}' is not one of very-low, low, medium, high"))
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[rules.context]` as written (see `rules::context` for what it builds).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContextSyntax {
    /// Provider names (and env/SDK/config names) that mark the context.
    #[serde(default)]
    pub names: Vec<String>,
    /// The secret's shape: a regex fragment without capture groups.
    pub secret: String,
    /// API hosts, for URLs (`?key=`, `user:secret@host`) and header lines.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Words a key or variable must also hold (`key`, `token`); any when empty.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// One `[[rules.required]]` entry: another rule that must match near each
/// finding of this one for it to be reported.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequiredSyntax {
    /// The required rule's id.
    pub id: String,
    /// At most this many lines apart (start lines).
    pub within_lines: Option<usize>,
    /// At most this many columns apart (start columns).
    pub within_columns: Option<usize>,
}

/// An allowlist as written (per rule or global).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowlistSyntax {
    /// Free-form description.
    pub description: Option<String>,
    /// `OR` (default) or `AND` of the criteria below.
    pub condition: Option<Condition>,
    /// Commit ids.
    #[serde(default)]
    pub commits: Vec<String>,
    /// Path regexes.
    #[serde(default)]
    pub paths: Vec<String>,
    /// What `regexes` test: `secret` (default), `match` or `line`.
    pub regex_target: Option<RegexTarget>,
    /// Regexes.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Substrings of the (lowercased) secret.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Global allowlists only: the rules it applies to (all when empty).
    #[serde(default)]
    pub target_rules: Vec<String>,
    /// leakhound: a match lowers the finding's confidence to this level
    /// (`low` or `very-low`) instead of dropping it.
    #[serde(default, deserialize_with = "lower_to")]
    pub lower_to: Option<Confidence>,
}

/// `lowerTo`: `low` or `very-low` (an allowlist lowers, it never raises a
/// finding to `medium` or `high`).
fn lower_to<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Confidence>, D::Error> {
    let text = String::deserialize(d)?;
    match text.parse::<Confidence>() {
        Ok(c @ (Confidence::Low | Confidence::VeryLow)) => Ok(Some(c)),
        _ => Err(serde::de::Error::custom(format!(
            "lowerTo: '{text}' is not one of low, very-low"
        ))),
    }
}

/// `allowlist` as one table; `[[allowlist]]` (an array of tables) gets a
/// message saying what to write instead of serde's `invalid type: map`.
fn one_table<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<AllowlistSyntax>, D::Error> {
    struct OneTable;
    impl<'de> serde::de::Visitor<'de> for OneTable {
        type Value = AllowlistSyntax;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one [allowlist] table")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            AllowlistSyntax::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(serde::de::Error::custom(
                "`allowlist` is one table: write [allowlist] (or [rules.allowlist]), or [[allowlists]] (or [[rules.allowlists]]) for several",
            ))
        }
    }
    d.deserialize_any(OneTable).map(Some)
}

/// Whether the built-in rules' examples are loaded: only the self-test
/// reads them, and they are a third of the rules' text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Examples {
    /// With the examples.
    Load,
    /// Without: for a scan.
    Skip,
}

/// A built-in rule file's examples, rule by rule (see `build.rs`).
#[derive(Deserialize)]
struct ExamplesSyntax {
    rules: Vec<RuleExamples>,
}

/// One rule's examples.
#[derive(Deserialize)]
struct RuleExamples {
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default, rename = "negativeExamples", alias = "negative_examples")]
    negative_examples: Vec<String>,
}

/// A rule with the file it came from.
#[derive(Debug, Clone)]
pub struct RuleEntry {
    /// The rule as written.
    pub syntax: RuleSyntax,
    /// File and line of its `id`.
    pub at: SourceLine,
    /// True for rules embedded in leakhound.
    pub builtin: bool,
    /// Whether its verifier and regex both come from built-in rule files
    /// (see [`Config::drop_untrusted_verifiers`]).
    pub verify_builtin: bool,
}

/// A global allowlist with the file it came from.
#[derive(Debug, Clone)]
pub struct AllowlistEntry {
    /// The allowlist as written.
    pub syntax: AllowlistSyntax,
    /// The file that holds it.
    pub at: SourceLine,
    /// True for the embedded allowlists.
    pub builtin: bool,
}

/// The merged configuration: every rule and global allowlist in force.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Rules in order (built-in files sorted by name, then user files).
    pub rules: Vec<RuleEntry>,
    /// Global allowlists.
    pub allowlists: Vec<AllowlistEntry>,
    /// Files loaded, outermost first (empty for the defaults alone).
    pub files: Vec<PathBuf>,
    /// Warnings about the files loaded (`file:line: ...`): unknown keys.
    pub warnings: Vec<String>,
    /// The `baseline` key of the outermost file that sets one, resolved
    /// against that file's directory.
    pub baseline: Option<PathBuf>,
    /// Where each rule id is in `rules` (kept by the methods that change it),
    /// so merging a file costs one lookup per rule, not a search.
    positions: HashMap<String, usize>,
}

impl Config {
    /// The built-in rules alone, with their examples.
    pub fn builtin() -> Result<Config, ConfigError> {
        Config::builtin_with(Examples::Load)
    }

    /// The built-in rules alone, from the JSON `build.rs` made of them (the
    /// TOML text only gives line numbers); their examples if asked.
    pub fn builtin_with(examples: Examples) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let files = BUILTIN_RULE_FILES.iter().zip(BUILTIN_RULE_JSON);
        for (((name, text), json), examples_json) in files.zip(BUILTIN_RULE_EXAMPLES) {
            let file = format!("builtin:rules/{name}");
            let fail = |e: serde_json::Error| ConfigError::Parse {
                at: SourceLine {
                    file: file.clone(),
                    line: 1,
                },
                message: e.to_string(),
            };
            let mut syntax: ConfigSyntax = serde_json::from_str(json).map_err(fail)?;
            if examples == Examples::Load {
                let own: ExamplesSyntax = serde_json::from_str(examples_json).map_err(fail)?;
                for (rule, own) in syntax.rules.iter_mut().zip(own.rules) {
                    rule.examples = own.examples;
                    rule.negative_examples = own.negative_examples;
                }
            }
            config.merge_file(syntax, &file, text, true)?;
        }
        Ok(config)
    }

    /// Loads a user config file, resolving `[extend]` (built-ins by default,
    /// with their examples if asked).
    pub fn load(path: &Path, examples: Examples) -> Result<Config, ConfigError> {
        load_file(path, 0, true, examples)
    }

    /// Drops the verifiers that a user file wrote or whose regex a user file
    /// replaced, for a config found in the scanned tree rather than named
    /// by the user: it must not choose where secrets are sent. Returns how
    /// many were dropped.
    pub fn drop_untrusted_verifiers(&mut self) -> usize {
        let mut dropped = 0;
        for r in &mut self.rules {
            if r.syntax.verify.is_some() && !r.verify_builtin {
                r.syntax.verify = None;
                dropped += 1;
            }
        }
        dropped
    }

    /// Drops the rules `ids`, and their names from allowlists' `targetRules`;
    /// an allowlist left with no target goes too (it would apply to every rule).
    fn disable_rules(&mut self, ids: &[String]) {
        self.rules.retain(|r| !ids.contains(r.syntax.id.get_ref()));
        self.positions = (self.rules.iter().enumerate())
            .map(|(i, r)| (r.syntax.id.get_ref().clone(), i))
            .collect();
        self.allowlists.retain_mut(|a| {
            let targets = &mut a.syntax.target_rules;
            if targets.is_empty() {
                return true;
            }
            targets.retain(|id| !ids.contains(id));
            !targets.is_empty()
        });
    }

    /// Adds a parsed file's rules and allowlists; same-id rules are merged
    /// the gitleaks way (scalars replaced, lists appended).
    fn merge_file(
        &mut self,
        mut syntax: ConfigSyntax,
        file: &str,
        text: &str,
        builtin: bool,
    ) -> Result<(), ConfigError> {
        self.warnings.append(&mut syntax.warnings);
        let lines = Lines::new(text);
        let at = |offset: usize| SourceLine {
            file: file.to_string(),
            line: lines.line_of(offset),
        };
        if syntax.allowlist.is_some() && !syntax.allowlists.is_empty() {
            return Err(ConfigError::Invalid {
                at: at(0),
                message: "both [allowlist] and [[allowlists]] are set; use one".into(),
            });
        }
        for a in syntax.allowlist.into_iter().chain(syntax.allowlists) {
            self.allowlists.push(AllowlistEntry {
                syntax: a,
                at: at(0),
                builtin,
            });
        }
        let file_remediation = syntax.remediation.unwrap_or_default();
        for mut rule in syntax.rules {
            if file_remediation != Remediation::default() {
                let own = rule.remediation.take().unwrap_or_default();
                rule.remediation = Some(own.or(&file_remediation));
            }
            let entry = RuleEntry {
                at: at(rule.id.span().start),
                syntax: rule,
                builtin,
                verify_builtin: builtin,
            };
            let id = entry.syntax.id.get_ref();
            if id.is_empty() {
                return Err(ConfigError::Invalid {
                    at: entry.at,
                    message: "a rule has an empty id".into(),
                });
            }
            match self.positions.get(id) {
                Some(&i) => merge_rule(&mut self.rules[i], entry),
                None => {
                    self.positions.insert(id.clone(), self.rules.len());
                    self.rules.push(entry);
                }
            }
        }
        Ok(())
    }
}

/// Loads `path` and what it extends. `builtins`: whether a file without
/// `[extend]` builds on the built-in rules (an outer `useDefault = false`
/// turns them off for the whole chain).
fn load_file(
    path: &Path,
    depth: usize,
    builtins: bool,
    examples: Examples,
) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let file = path.display().to_string();
    let syntax = parse(&file, &text)?;
    let extend = syntax.extend.as_ref();
    let whole = SourceLine {
        file: file.clone(),
        line: 1,
    };
    let invalid = |message: String| ConfigError::Invalid {
        at: whole.clone(),
        message,
    };
    if extend.and_then(|e| e.url.as_ref()).is_some() {
        return Err(invalid("[extend] url is not supported; use path".into()));
    }
    let extend_path = extend.and_then(|e| e.path.as_ref());
    let use_default = extend.and_then(|e| e.use_default);
    if extend_path.is_some() && use_default == Some(true) {
        return Err(invalid(
            "[extend] sets both useDefault and path; choose one".into(),
        ));
    }
    let mut config = match extend_path {
        Some(_) if depth >= 2 => {
            return Err(invalid("[extend] path nests more than 2 levels".into()))
        }
        Some(p) => load_file(
            Path::new(p),
            depth + 1,
            builtins && use_default != Some(false),
            examples,
        )?,
        None if !builtins || use_default == Some(false) => Config::default(),
        None => Config::builtin_with(examples)?,
    };
    if let Some(extend) = extend {
        config.disable_rules(&extend.disabled_rules);
    }
    if let Some(baseline) = &syntax.baseline {
        let dir = path.parent().unwrap_or(Path::new(""));
        config.baseline = Some(dir.join(baseline));
    }
    config.merge_file(syntax, &file, &text, false)?;
    config.files.insert(0, path.to_path_buf());
    Ok(config)
}

/// Parses one TOML file, reporting errors as `file:line: message`.
pub fn parse(file: &str, text: &str) -> Result<ConfigSyntax, ConfigError> {
    unknown::parse(file, text)
        .map(|(mut syntax, warnings)| {
            syntax.warnings = warnings;
            syntax
        })
        .map_err(|e| ConfigError::Parse {
            at: SourceLine {
                file: file.to_string(),
                line: e.span().map_or(1, |s| line_of(text, s.start)),
            },
            message: without_string_values(e.message().trim()).replace('\n', " "),
        })
}

/// A TOML error message without the string values it quotes (`invalid
/// type: string "ghp_..."`): a config may hold a secret, e.g. allowlisted.
fn without_string_values(message: &str) -> String {
    const QUOTE: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(QUOTE) {
        out.push_str(&rest[..at]);
        out.push_str("a string");
        let value = &rest[at + QUOTE.len()..];
        let mut escaped = false;
        let end = value
            .char_indices()
            .find(|&(_, c)| {
                let closes = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                closes
            })
            .map_or(value.len(), |(i, _)| i + 1);
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    Lines::new(text).line_of(offset)
}

/// The lines of a file, for many offsets in order: each counts the newlines
/// after the one before, so a file of thousands of rules is read once.
struct Lines<'t> {
    text: &'t str,
    /// The last offset asked for and its line.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            text,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// The 1-based line of `offset`.
    fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, line) = match self.last.get() {
            (from, line) if from <= offset => (from, line),
            _ => (0, 1),
        };
        let line = line + memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..offset]).count();
        self.last.set((offset, line));
        line
    }
}

fn merge_rule(existing: &mut RuleEntry, new: RuleEntry) {
    let (old, new_syntax) = (&mut existing.syntax, new.syntax);
    if new_syntax.description.is_some() {
        old.description = new_syntax.description;
    }
    if new_syntax.regex.is_some() || new_syntax.context.is_some() {
        // A new regex brings its own groups and examples; the old ones
        // belong to the old regex.
        old.regex = new_syntax.regex;
        old.context = new_syntax.context;
        old.secret_group = new_syntax.secret_group;
        old.examples.clear();
        old.negative_examples.clear();
        existing.at = new.at;
        existing.builtin = new.builtin;
        existing.verify_builtin &= new.builtin;
    } else if new_syntax.secret_group.is_some() {
        old.secret_group = new_syntax.secret_group;
    }
    if new_syntax.entropy.is_some() {
        old.entropy = new_syntax.entropy;
    }
    if new_syntax.path.is_some() {
        old.path = new_syntax.path;
    }
    if new_syntax.severity.is_some() {
        old.severity = new_syntax.severity;
    }
    if new_syntax.checksum.is_some() {
        old.checksum = new_syntax.checksum;
    }
    if new_syntax.confidence.is_some() {
        old.confidence = new_syntax.confidence;
    }
    if new_syntax.kind.is_some() {
        old.kind = new_syntax.kind;
    }
    if !new_syntax.magic.is_empty() {
        old.magic = new_syntax.magic;
    }
    if let Some(r) = new_syntax.remediation {
        old.remediation = Some(match old.remediation.take() {
            Some(before) => r.or(&before),
            None => r,
        });
    }
    if new_syntax.verify.is_some() {
        old.verify = new_syntax.verify;
        existing.verify_builtin = new.builtin;
    }
    old.tags.extend(new_syntax.tags);
    old.required.extend(new_syntax.required);
    old.keywords.extend(new_syntax.keywords);
    old.allowlists.extend(
        new_syntax
            .allowlist
            .into_iter()
            .chain(new_syntax.allowlists),
    );
    old.references.extend(new_syntax.references);
    old.examples.extend(new_syntax.examples);
    old.negative_examples.extend(new_syntax.negative_examples);
}

/// Finds the config to use: `explicit`, else `$LEAKHOUND_CONFIG`, else
/// `.leakhound.toml` then `.gitleaks.toml` in `root`. `None`: built-ins only.
pub fn discover(explicit: Option<&Path>, env: Option<PathBuf>, root: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = env.filter(|p| !p.as_os_str().is_empty()) {
        return Some(p);
    }
    [".leakhound.toml", ".gitleaks.toml"]
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_json_holds_what_the_toml_says() {
        let from_json = Config::builtin().unwrap();
        let mut from_toml = Config::default();
        for (name, text) in BUILTIN_RULE_FILES {
            let file = format!("builtin:rules/{name}");
            let syntax = parse(&file, text).unwrap();
            from_toml.merge_file(syntax, &file, text, true).unwrap();
        }
        let shown = |c: &Config| format!("{:?} {:?} {:?}", c.rules, c.allowlists, c.warnings);
        assert_eq!(shown(&from_json), shown(&from_toml));
    }

    #[test]
    fn lines_of_offsets_in_any_order() {
        let text = "a\nb\n\nc";
        let lines = Lines::new(text);
        let offsets = [0, 2, 5, 6, 1, 4, 100];
        let got: Vec<usize> = offsets.iter().map(|&o| lines.line_of(o)).collect();
        let want: Vec<usize> = offsets.iter().map(|&o| line_of(text, o)).collect();
        assert_eq!(got, want);
        assert_eq!(want, [1, 2, 4, 4, 1, 3, 4]);
    }

    #[test]
    fn a_scan_loads_the_builtin_rules_without_their_examples() {
        let full = Config::builtin().unwrap();
        let lean = Config::builtin_with(Examples::Skip).unwrap();
        assert!(full.rules.iter().all(|r| !r.syntax.examples.is_empty()));
        assert!(lean
            .rules
            .iter()
            .all(|r| r.syntax.examples.is_empty() && r.syntax.negative_examples.is_empty()));
        let without_examples = |c: &Config| {
            let mut rules = c.rules.clone();
            for r in &mut rules {
                r.syntax.examples.clear();
                r.syntax.negative_examples.clear();
            }
            format!("{rules:?}")
        };
        assert_eq!(without_examples(&full), without_examples(&lean));
    }

    #[test]
    fn parse_errors_do_not_quote_string_values() {
        let text = "[allowlist]\nregexes = \"ghp_not\\\"really-a-token\"\n";
        let err = parse("c.toml", text).unwrap_err().to_string();
        assert!(!err.contains("ghp_"), "{err}");
        assert!(!err.contains("really"), "{err}");
        assert!(
            err.contains("invalid type: a string, expected a sequence"),
            "{err}"
        );
    }

    #[test]
    fn an_array_of_allowlist_tables_says_what_to_write() {
        for text in [
            "[[allowlist]]\npaths = ['x']\n",
            "[[rules]]\nid = 'a'\nregex = 'a'\n[[rules.allowlist]]\npaths = ['x']\n",
        ] {
            let e = parse("lh.toml", text).unwrap_err().to_string();
            assert!(e.starts_with("lh.toml:"), "{e}");
            assert!(e.contains("write [allowlist]"), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
        assert!(parse("lh.toml", "[allowlist]\npaths = ['x']\n").is_ok());
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let err = parse("c.toml", "title = 'x'\n[[rules]]\nid = 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("c.toml:3: invalid config:"), "{msg}");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn extending_rule_replaces_scalars_and_appends_lists() {
        let mut cfg = Config::default();
        let a = "[[rules]]\nid='r'\nregex='a'\nkeywords=['a']\n";
        let b = "[[rules]]\nid='r'\nentropy=2.0\nkeywords=['b']\n";
        cfg.merge_file(parse("a", a).unwrap(), "a", a, true)
            .unwrap();
        cfg.merge_file(parse("b", b).unwrap(), "b", b, false)
            .unwrap();
        assert_eq!(cfg.rules.len(), 1);
        let r = &cfg.rules[0].syntax;
        assert_eq!(r.regex.as_deref(), Some("a"));
        assert_eq!(r.entropy, Some(2.0));
        assert_eq!(r.keywords, ["a", "b"]);
    }

    #[test]
    fn disabled_rules_leave_allowlist_targets() {
        let t = "[[rules]]\nid='a'\nregex='a'\n[[rules]]\nid='b'\nregex='b'\n\
                 [[allowlists]]\ntargetRules=['a','b']\npaths=['x']\n\
                 [[allowlists]]\ntargetRules=['a']\npaths=['y']\n";
        let mut cfg = Config::default();
        cfg.merge_file(parse("f", t).unwrap(), "f", t, false)
            .unwrap();
        cfg.disable_rules(&["a".to_string()]);
        assert_eq!(cfg.rules.len(), 1);
        assert_eq!(cfg.allowlists.len(), 1);
        assert_eq!(cfg.allowlists[0].syntax.target_rules, ["b"]);
    }

    #[test]
    fn legacy_and_new_global_allowlists_cannot_mix() {
        let t = "[allowlist]\npaths=['x']\n[[allowlists]]\npaths=['y']\n";
        let err = Config::default()
            .merge_file(parse("f", t).unwrap(), "f", t, false)
            .unwrap_err();
        assert!(err.to_string().contains("both [allowlist]"));
    }
}
