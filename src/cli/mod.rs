//! Glue from command-line arguments to the library: load the rules, build the
//! source, run the scan, render the report. The only module that knows every
//! other one; exit codes are decided from its [`Outcome`] in `main`.

mod args;
mod hook;

use std::{
    env,
    io::{self, IsTerminal, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};

use crate::cancel;
use crate::config::{self, Config};
use crate::detect::{selftest, DetectOptions, ExampleFailure};
use crate::progress::Progress;
use crate::report::{self, Format, RenderOptions, Report};
use crate::rules::RuleSet;
use crate::scan;
use crate::sources::{git, DirSource, StdinSource};

pub use args::{Args, Command, CommonArgs, RulesCommand};

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
            let root = scan_root(paths);
            let rules = load_rules(common, &root)?;
            let source = DirSource {
                roots: paths.clone(),
                respect_ignore: !no_ignore,
                follow_links: *follow_links,
                max_file_size: common.max_file_size,
                threads: common.threads.unwrap_or(0),
            };
            let report = scan::run(&rules, detect_options(common), false, |v| source.visit(v))?;
            finish(common, &rules, &report)
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
            let size = common.max_file_size;
            let opts = detect_options(common);
            match spec {
                Some(spec) => {
                    let source = git::Diffs::range(repo, &spec, size)?;
                    let rules = load_rules(common, &source.root())?;
                    let report = scan::run(&rules, opts, !all_occurrences, |v| source.visit(v))?;
                    finish(common, &rules, &report)
                }
                None => {
                    let source = git::History::open(repo, branch.clone(), size)?;
                    let rules = load_rules(common, &source.root())?;
                    let progress = Progress::new(!common.quiet);
                    let report =
                        scan::run_history(&rules, opts, &source, *all_occurrences, &progress)?;
                    finish(common, &rules, &report)
                }
            }
        }
        Command::Staged { repo } => {
            // Set by git while hooks of `commit -a` / `commit PATH` run.
            let index_file = env::var_os("GIT_INDEX_FILE").map(PathBuf::from);
            let source = git::Diffs::staged(repo, index_file, common.max_file_size)?;
            let rules = RuleSet::new_for_small_inputs(&load_config(common, &source.root())?)?;
            let report = scan::run(&rules, detect_options(common), false, |v| source.visit(v))?;
            finish(common, &rules, &report)
        }
        Command::Stdin { label } => {
            let rules = load_rules(common, Path::new("."))?;
            let source = StdinSource {
                label: label.clone(),
            };
            let report = scan::run(&rules, detect_options(common), false, |v| {
                source.visit(io::stdin(), v)
            })?;
            finish(common, &rules, &report)
        }
        Command::InstallHook { repo, force } => {
            hook::install(repo, *force)?;
            Ok(Outcome::Clean)
        }
        Command::UninstallHook { repo } => {
            hook::uninstall(repo)?;
            Ok(Outcome::Clean)
        }
        Command::Rules { command } => {
            let rules = load_rules(common, Path::new("."))?;
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

fn load_rules(common: &CommonArgs, root: &Path) -> Result<RuleSet> {
    Ok(RuleSet::new(&load_config(common, root)?)?)
}

fn load_config(common: &CommonArgs, root: &Path) -> Result<Config> {
    let env_config = env::var_os("LEAKHOUND_CONFIG").map(PathBuf::from);
    let config = match config::discover(common.config.as_deref(), env_config, root) {
        Some(path) => {
            if common.verbose {
                eprintln!("leakhound: using config {}", path.display());
            }
            Config::load(&path)?
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
        max_findings: common.max_findings_per_file,
    }
}

/// Reports skips on stderr, renders the report, and picks the outcome.
fn finish(common: &CommonArgs, rules: &RuleSet, report: &Report) -> Result<Outcome> {
    if !common.quiet {
        for skip in &report.stats.skips {
            if common.verbose || skip.reason.is_fault() {
                eprintln!("leakhound: skipped {}: {}", skip.path, skip.reason);
            }
        }
        for note in &report.stats.notes {
            eprintln!("leakhound: note: {note}");
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

/// Writes to `-o FILE` (through a 0600 temporary file renamed into place,
/// so a failed write never leaves a partial report) or to stdout.
fn write_output(
    common: &CommonArgs,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match &common.output {
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
                        "tags": &*r.tags,
                        "keywords": r.keywords,
                        "references": r.references,
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
                    "{:width$}  {:8}  {}  [{}]",
                    r.id,
                    r.severity.as_str(),
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
