//! Glue from command-line arguments to the library: [`plan`] turns the
//! flags into a scan plan, [`crate::scan::run`] runs it, the report is
//! rendered. The only module that knows every other one; exit codes are
//! decided from its [`Outcome`] in `main`.

mod args;
mod explain;
mod habits;
mod hook;
mod plan;
mod refusal;

use std::{
    env,
    io::{self, IsTerminal, Write},
    path::Path,
};

use anyhow::{Context, Result};

use crate::baseline;
use crate::cancel::Cancel;
use crate::config::Examples;
use crate::detect::{selftest, ExampleFailure};
use crate::report::{self, Format, RenderOptions, Report};
use crate::rules::RuleSet;
use crate::scan;
use crate::verify;

pub use args::{Args, BaselineCommand, Command, CommonArgs, RulesCommand};
pub use habits::rewrite as gitleaks_habits;

/// How a successful run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing found, or a command that finds nothing.
    Clean,
    /// Leaks were found; the exit code to use.
    Leaks(u8),
    /// A signal stopped the scan; what was found so far was reported.
    Interrupted,
    /// The scan could not read what it needed (a ref's commit, a tree):
    /// what it found was reported, but the result is not a clean one.
    Incomplete,
}

/// Runs one command; a scan stops early once `cancel` is requested.
pub fn run(args: Args, cancel: &Cancel) -> Result<Outcome> {
    let common = &args.common;
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start worker threads")?;
    }
    if let Some(scan) = plan::for_command(common, &args.command, cancel)? {
        let outcome = run_scan(&args, &scan, cancel);
        // The process ends next: freeing every compiled rule would cost
        // more than a pre-commit scan does.
        std::mem::forget(scan);
        return outcome;
    }
    match &args.command {
        Command::InstallHook { repo, force } => hook::install(repo, *force)?,
        Command::UninstallHook { repo } => hook::uninstall(repo)?,
        Command::Explain { target } => {
            let rules = RuleSet::new_for_small_inputs(&plan::load_config(
                common,
                Path::new("."),
                Examples::Load,
            )?)?;
            let text = explain::render(&rules, target)?;
            write_output(common, |out| out.write_all(text.as_bytes()))?;
        }
        Command::Rules { command } => {
            let rules = RuleSet::new(&plan::load_config(common, Path::new("."), Examples::Load)?)?;
            return rules_command(common, &rules, command);
        }
        Command::Dir { .. }
        | Command::Git { .. }
        | Command::Staged { .. }
        | Command::Stdin { .. }
        | Command::Baseline { .. } => {}
    }
    Ok(Outcome::Clean)
}

/// Runs a scan's plan, verifies if asked, and writes the report.
fn run_scan(args: &Args, scan: &plan::Scan, cancel: &Cancel) -> Result<Outcome> {
    let common = &args.common;
    let rules = &scan.plan.rules;
    let mut report = scan::run(&scan.plan)?;
    match args.command {
        Command::Baseline { .. } => write_baseline(common, &report),
        _ => {
            if common.verify {
                verify_findings(common, rules, &mut report, cancel)?;
            }
            let outcome = finish(common, rules, &report)?;
            if matches!(args.command, Command::Staged { .. })
                && !report.findings.is_empty()
                && !common.quiet
            {
                eprint!(
                    "{}",
                    refusal::ways_out(&report.findings, scan.baseline.as_deref())
                );
            }
            Ok(outcome)
        }
    }
}

/// `rules list` and `rules check`.
fn rules_command(common: &CommonArgs, rules: &RuleSet, command: &RulesCommand) -> Result<Outcome> {
    match command {
        RulesCommand::List => {
            write_output(common, |out| list_rules(rules, common.format, out))?;
            Ok(Outcome::Clean)
        }
        RulesCommand::Check => {
            let failures = selftest(rules);
            write_output(common, |out| write_check(rules, &failures, out))?;
            Ok(if failures.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Leaks(1)
            })
        }
    }
}

/// Says on stderr how many known findings were left out.
fn tell_suppressed(common: &CommonArgs, report: &Report) {
    if report.suppressed > 0 && !common.quiet {
        eprintln!(
            "leakhound: {} known finding(s) left out (baseline, ignore files)",
            report.suppressed
        );
    }
}

/// `baseline create`: writes the findings as a baseline.
fn write_baseline(common: &CommonArgs, report: &Report) -> Result<Outcome> {
    tell_suppressed(common, report);
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

/// `--verify`: asks the providers, says how it went on stderr, and keeps
/// only live findings with `--only-verified`.
fn verify_findings(
    common: &CommonArgs,
    rules: &RuleSet,
    report: &mut Report,
    cancel: &Cancel,
) -> Result<()> {
    let timeout = std::time::Duration::from_secs(common.verify_timeout);
    let client = verify::Client::new(timeout).map_err(anyhow::Error::msg)?;
    let concurrency = usize::from(common.verify_concurrency);
    let summary = verify::run(&mut report.findings, rules, &client, concurrency, cancel);
    if !common.quiet {
        eprintln!("leakhound: {summary}");
    }
    if common.only_verified {
        report.findings.retain(|f| f.verification.is_live());
    }
    Ok(())
}

/// Reports skips on stderr, renders the report, and picks the outcome.
fn finish(common: &CommonArgs, rules: &RuleSet, report: &Report) -> Result<Outcome> {
    tell_suppressed(common, report);
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
    for broken in &report.stats.broken {
        eprintln!("leakhound: error: cannot read {broken}: the history was not fully scanned");
    }
    Ok(if report.interrupted {
        Outcome::Interrupted
    } else if !report.stats.broken.is_empty() {
        Outcome::Incomplete
    } else if report.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Leaks(common.exit_code)
    })
}

/// Why no file can be made in `dir`, without the temporary file's name.
fn not_in(dir: &Path, e: &io::Error) -> anyhow::Error {
    match e.kind() {
        io::ErrorKind::NotFound => anyhow::anyhow!("directory {} does not exist", dir.display()),
        io::ErrorKind::PermissionDenied => {
            anyhow::anyhow!("directory {} is not writable", dir.display())
        }
        kind => anyhow::anyhow!("cannot create a file in {}: {kind}", dir.display()),
    }
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
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| not_in(dir, &e))
                .with_context(fail)?;
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
                        "verify_host": r.verifier.as_deref().map(crate::config::Verifier::host),
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
