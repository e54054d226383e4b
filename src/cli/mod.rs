//! Glue from command-line arguments to the library: load the rules, build the
//! source, run the scan, render the report. The only module that knows every
//! other one; exit codes are decided from its [`Outcome`] in `main`.

mod args;
mod explain;
mod hook;

use std::{
    env,
    io::{self, IsTerminal, Write},
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};

use crate::archive;
use crate::baseline::{self, Suppressions};
use crate::cancel;
use crate::config::{self, Config};
use crate::deep::DeepOptions;
use crate::detect::{selftest, DetectOptions, ExampleFailure};
use crate::progress::Progress;
use crate::report::{self, Format, RenderOptions, Report};
use crate::rules::RuleSet;
use crate::scan;
use crate::sources::{git, DirSource, StdinSource};
use crate::verify;

pub use args::{Args, BaselineCommand, Command, CommonArgs, RulesCommand};

/// How a successful run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing found, or a command that finds nothing.
    Clean,
    /// Leaks were found; the exit code to use.
    Leaks(u8),
    /// A signal stopped the scan; what was found so far was reported.
    Interrupted,
}

/// Runs one command.
pub fn run(args: Args) -> Result<Outcome> {
    let common = &args.common;
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start worker threads")?;
    }
    if matches!(
        args.command,
        Command::Dir { .. } | Command::Git { .. } | Command::Staged { .. } | Command::Stdin { .. }
    ) {
        cancel::install_handler().context("cannot install the Ctrl-C handler")?;
    }
    match &args.command {
        Command::Dir {
            paths,
            no_ignore,
            follow_links,
        } => {
            let (setup, report) = scan_dir(common, paths, !no_ignore, *follow_links)?;
            finish(common, &setup, report)
        }
        Command::Git {
            repo,
            range,
            since_commit,
            branch,
            all_occurrences,
        } => {
            let spec = range
                .clone()
                .or_else(|| since_commit.as_ref().map(|c| format!("{c}..HEAD")));
            let (setup, report) = match spec {
                Some(spec) => {
                    let source = git::Diffs::range(repo, &spec, common.max_file_size)?;
                    let setup = Setup::load(common, source.root(), false)?;
                    let report = scan::run(
                        &setup.rules,
                        detect_options(common),
                        !all_occurrences,
                        |v| source.visit(v),
                    )?;
                    (setup, report)
                }
                None => scan_history(common, repo, branch.clone(), *all_occurrences)?,
            };
            finish(common, &setup, report)
        }
        Command::Staged { repo } => {
            // Set by git while hooks of `commit -a` / `commit PATH` run.
            let index_file = env::var_os("GIT_INDEX_FILE").map(PathBuf::from);
            let source = git::Diffs::staged(repo, index_file, common.max_file_size)?;
            let setup = Setup::load(common, source.root(), true)?;
            let report = scan::run(&setup.rules, detect_options(common), false, |v| {
                source.visit(v)
            })?;
            finish(common, &setup, report)
        }
        Command::Stdin { label } => {
            let setup = Setup::load(common, PathBuf::from("."), false)?;
            let source = StdinSource {
                label: label.clone(),
            };
            let report = scan::run(&setup.rules, detect_options(common), false, |v| {
                source.visit(io::stdin(), v)
            })?;
            finish(common, &setup, report)
        }
        Command::Baseline {
            command: BaselineCommand::Create { paths, git },
        } => {
            if common.baseline.is_some() {
                // It would leave the old baseline's findings out of the new one.
                bail!("baseline create does not take --baseline");
            }
            let (setup, mut report) = match (git, paths.as_slice()) {
                (true, [repo]) => scan_history(common, repo, None, false)?,
                (true, _) => bail!("baseline create --git takes one repository"),
                (false, _) => scan_dir(common, paths, true, false)?,
            };
            setup.suppress(common, &mut report);
            write_output(common, |out| {
                baseline::write_baseline(&report.findings, out)
            })?;
            if !common.quiet {
                eprintln!(
                    "leakhound: baseline of {} finding(s) written",
                    report.findings.len()
                );
            }
            Ok(Outcome::Clean)
        }
        Command::InstallHook { repo, force } => {
            hook::install(repo, *force)?;
            Ok(Outcome::Clean)
        }
        Command::UninstallHook { repo } => {
            hook::uninstall(repo)?;
            Ok(Outcome::Clean)
        }
        Command::Explain { target } => {
            let rules = RuleSet::new_for_small_inputs(&load_config(common, Path::new("."))?)?;
            let text = explain::render(&rules, target)?;
            write_output(common, |out| out.write_all(text.as_bytes()))?;
            Ok(Outcome::Clean)
        }
        Command::Rules { command } => {
            let rules = RuleSet::new(&load_config(common, Path::new("."))?)?;
            match command {
                RulesCommand::List => {
                    write_output(common, |out| list_rules(&rules, common.format, out))?;
                    Ok(Outcome::Clean)
                }
                RulesCommand::Check => {
                    let failures = selftest(&rules);
                    write_output(common, |out| write_check(&rules, &failures, out))?;
                    Ok(if failures.is_empty() {
                        Outcome::Clean
                    } else {
                        Outcome::Leaks(1)
                    })
                }
            }
        }
    }
}

/// What a scan needs besides its source: the rules, and what to stay quiet
/// about (baseline, ignore files, leakhound's own files), for a scan root.
struct Setup {
    rules: RuleSet,
    suppressions: Suppressions,
    root: PathBuf,
}

impl Setup {
    /// Loads the config found for `root` (rules built for a few small
    /// inputs when `small_inputs`), the baseline and the ignore files.
    fn load(common: &CommonArgs, root: PathBuf, small_inputs: bool) -> Result<Setup> {
        let config = load_config(common, &root)?;
        let rules = if small_inputs {
            RuleSet::new_for_small_inputs(&config)?
        } else {
            RuleSet::new(&config)?
        };
        let mut suppressions = Suppressions::default();
        for file in &config.files {
            suppressions.add_own_file(file);
        }
        if let Some(path) = &common.baseline {
            suppressions.add_baseline(path)?;
            if common.verbose {
                eprintln!("leakhound: using baseline {}", path.display());
            }
        }
        for path in baseline::ignore_files_in(&root)
            .iter()
            .chain(&common.ignore_file)
        {
            suppressions.add_ignore_file(path)?;
            if common.verbose {
                eprintln!("leakhound: using ignore file {}", path.display());
            }
        }
        Ok(Setup {
            rules,
            suppressions,
            root,
        })
    }

    /// Drops known findings from `report`, saying how many on stderr.
    fn suppress(&self, common: &CommonArgs, report: &mut Report) {
        let dropped = self.suppressions.apply(&mut report.findings, &self.root);
        if dropped > 0 && !common.quiet {
            eprintln!("leakhound: {dropped} known finding(s) left out (baseline, ignore files)");
        }
    }
}

fn scan_dir(
    common: &CommonArgs,
    paths: &[PathBuf],
    respect_ignore: bool,
    follow_links: bool,
) -> Result<(Setup, Report)> {
    let setup = Setup::load(common, scan_root(paths), false)?;
    let source = DirSource {
        roots: paths.to_vec(),
        respect_ignore,
        follow_links,
        max_file_size: common.max_file_size,
        threads: common.threads.unwrap_or(0),
        archives: !common.no_archives,
    };
    let report = scan::run(&setup.rules, detect_options(common), false, |v| {
        source.visit(v)
    })?;
    Ok((setup, report))
}

fn scan_history(
    common: &CommonArgs,
    repo: &Path,
    branch: Option<String>,
    all_occurrences: bool,
) -> Result<(Setup, Report)> {
    let mut source = git::History::open(repo, branch, common.max_file_size)?;
    source.archives = !common.no_archives;
    let setup = Setup::load(common, source.root(), false)?;
    let progress = Progress::new(!common.quiet);
    let report = scan::run_history(
        &setup.rules,
        detect_options(common),
        &source,
        all_occurrences,
        &progress,
    )?;
    Ok((setup, report))
}

/// The directory whose config files apply: the first path, or its parent.
fn scan_root(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if first.is_dir() {
        first
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

fn load_config(common: &CommonArgs, root: &Path) -> Result<Config> {
    let env_config = env::var_os("LEAKHOUND_CONFIG").map(PathBuf::from);
    let named = common.config.is_some()
        || env_config
            .as_ref()
            .is_some_and(|p| !p.as_os_str().is_empty());
    let config = match config::discover(common.config.as_deref(), env_config, root) {
        Some(path) => {
            if common.verbose {
                eprintln!("leakhound: using config {}", path.display());
            }
            let mut config = Config::load(&path)?;
            // A config found in the scanned tree must not choose where secrets go.
            let dropped = if named {
                0
            } else {
                config.drop_untrusted_verifiers()
            };
            if dropped > 0 && common.verify && !common.quiet {
                eprintln!(
                    "leakhound: note: {}: {dropped} verifier(s) ignored: only built-in rules and a config named with -c or LEAKHOUND_CONFIG may define them",
                    path.display()
                );
            }
            config
        }
        None => {
            if common.verbose {
                eprintln!("leakhound: using the built-in rules");
            }
            Config::builtin()?
        }
    };
    Ok(config)
}

fn detect_options(common: &CommonArgs) -> DetectOptions {
    DetectOptions {
        inline_allow: !common.no_inline_allow,
        min_confidence: common.min_confidence,
        deep: DeepOptions {
            max_decode_depth: common.max_decode_depth,
            archives: (!common.no_archives).then_some(archive::Limits {
                max_depth: common.max_archive_depth,
                max_member: common.max_file_size,
                max_total: archive::MAX_TOTAL,
            }),
        },
        max_findings: common.max_findings_per_file,
    }
}

/// Leaves out known findings, reports skips on stderr, renders the report,
/// and picks the outcome.
fn finish(common: &CommonArgs, setup: &Setup, mut report: Report) -> Result<Outcome> {
    setup.suppress(common, &mut report);
    if common.verify {
        verify_findings(common, &setup.rules, &mut report)?;
    }
    let (rules, report) = (&setup.rules, &report);
    if !common.quiet {
        for skip in &report.stats.skips {
            if common.verbose || skip.reason.is_fault() {
                eprintln!("leakhound: skipped {}: {}", skip.path, skip.reason);
            }
        }
        for note in &report.stats.notes {
            eprintln!("leakhound: note: {note}");
        }
        if !common.no_inline_allow {
            for w in crate::detect::unknown_allow_warnings(&report.findings, rules) {
                eprintln!("leakhound: warning: {w}");
            }
        }
    }
    let to_terminal = common.output.is_none() && io::stdout().is_terminal();
    let opts = RenderOptions {
        redact: !common.show_secrets,
        color: to_terminal && !common.no_color && env::var_os("NO_COLOR").is_none(),
    };
    write_output(common, |out| {
        report::render(report, rules, common.format, &opts, out)
    })?;
    if !common.quiet && common.format != Format::Text {
        eprintln!(
            "leakhound: {}{} leak(s) found: {}",
            if report.interrupted {
                "INCOMPLETE (interrupted): "
            } else {
                ""
            },
            report.findings.len(),
            report::summary(&report.stats, report.duration)
        );
    }
    Ok(if report.interrupted {
        Outcome::Interrupted
    } else if report.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Leaks(common.exit_code)
    })
}

/// `--verify`: asks the providers, says how it went on stderr, and keeps
/// only live findings with `--only-verified`.
fn verify_findings(common: &CommonArgs, rules: &RuleSet, report: &mut Report) -> Result<()> {
    let timeout = std::time::Duration::from_secs(common.verify_timeout);
    let client = verify::Client::new(timeout).map_err(anyhow::Error::msg)?;
    let concurrency = usize::from(common.verify_concurrency);
    let summary = verify::run(&mut report.findings, rules, &client, concurrency);
    if !common.quiet {
        eprintln!("leakhound: {summary}");
    }
    if common.only_verified {
        report.findings.retain(|f| f.verification.is_live());
    }
    Ok(())
}

/// Writes to `-o FILE` (through a 0600 temporary file renamed into place,
/// so a failed write never leaves a partial report; straight into FILE when
/// it is not a regular file, such as `/dev/null` or a pipe) or to stdout.
fn write_output(
    common: &CommonArgs,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match &common.output {
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
            let fail = || format!("{}: cannot write report", path.display());
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(fail)?;
            let mut out = io::BufWriter::new(file);
            render(&mut out)
                .and_then(|()| out.flush())
                .with_context(fail)
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let fail = || format!("{}: cannot write report", path.display());
            let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(fail)?;
            let mut out = io::BufWriter::new(tmp.as_file_mut());
            render(&mut out).with_context(fail)?;
            out.flush().with_context(fail)?;
            drop(out);
            tmp.as_file().sync_all().with_context(fail)?;
            tmp.persist(path).map_err(|e| e.error).with_context(fail)?;
            Ok(())
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            match render(&mut out).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(e).context("cannot write to standard output")
                }
                _ => Ok(()),
            }
        }
    }
}

fn list_rules(rules: &RuleSet, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json | Format::Jsonl | Format::Sarif => {
            let list: Vec<serde_json::Value> = rules
                .rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": &*r.id,
                        "description": &*r.description,
                        "severity": r.severity,
                        "confidence": r.confidence,
                        "tags": &*r.tags,
                        "keywords": r.keywords,
                        "references": r.references,
                        "remediation": r.remediation.as_deref(),
                        "verify_host": r.verifier.as_deref().map(verify::Verifier::host),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)
        }
        Format::Text => {
            let width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in rules.rules() {
                writeln!(
                    out,
                    "{:width$}  {:8}  {:6}  {}  [{}]",
                    r.id,
                    r.severity.as_str(),
                    r.confidence.as_str(),
                    r.description,
                    r.tags.join(", ")
                )?;
            }
            writeln!(out, "{} rules", rules.rules().len())
        }
    }
}

fn write_check(
    rules: &RuleSet,
    failures: &[ExampleFailure],
    out: &mut dyn Write,
) -> io::Result<()> {
    let examples: usize = rules
        .rules()
        .iter()
        .map(|r| r.examples.len() + r.negative_examples.len())
        .sum();
    for f in failures {
        writeln!(out, "FAIL {f}")?;
    }
    writeln!(
        out,
        "{} rules, {examples} examples checked: {} failure(s)",
        rules.rules().len(),
        failures.len()
    )
}
