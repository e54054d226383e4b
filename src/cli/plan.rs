//! From parsed flags to a [`Plan`]: the one place where flags turn into
//! behaviour (ripgrep's low-level to high-level arguments). Builds the
//! source a command names, then loads the config found for its root,
//! compiles the rules and reads the baseline and ignore files.

use std::{
    env,
    path::{Path, PathBuf},
};

use anyhow::{bail, Result};

use super::args::{BaselineCommand, Command, CommonArgs};
use crate::baseline::{self, BaselineChoice, Suppressions};
use crate::cancel::Cancel;
use crate::config::{self, Config, Examples};
use crate::detect::DetectOptions;
use crate::progress::Progress;
use crate::rules::RuleSet;
use crate::scan::{Occurrences, Plan};
use crate::sources::{git, DirSource, Source, StdinSource};
use crate::unpack::{archive, UnpackOptions};

/// A scan to run, and the baseline file it reads (if any).
pub struct Scan {
    /// The plan.
    pub plan: Plan,
    /// The baseline in force: named, configured or found.
    pub baseline: Option<PathBuf>,
}

/// The scan `command` asks for, or `None` for a command that does not scan.
pub fn for_command(
    common: &CommonArgs,
    command: &Command,
    cancel: &Cancel,
) -> Result<Option<Scan>> {
    let (source, occurrences) = match command {
        Command::Dir {
            paths,
            no_ignore,
            follow_links,
        } => (
            dir(common, paths, !no_ignore, *follow_links),
            Occurrences::All,
        ),
        Command::Git {
            repo,
            range,
            since_commit,
            branch,
            all_occurrences,
        } => {
            let occurrences = if *all_occurrences {
                Occurrences::All
            } else {
                Occurrences::First
            };
            let spec = range
                .clone()
                .or_else(|| since_commit.as_ref().map(|c| format!("{c}..HEAD")));
            let source = match spec {
                Some(spec) => {
                    Source::Changes(git::Diffs::range(repo, &spec, common.max_file_size)?)
                }
                None => history(common, repo, branch.clone())?,
            };
            (source, occurrences)
        }
        Command::Staged { repo } => {
            // Set by git while hooks of `commit -a` / `commit PATH` run.
            let index_file = env::var_os("GIT_INDEX_FILE").map(PathBuf::from);
            let diffs = git::Diffs::staged(repo, index_file, common.max_file_size)?;
            (Source::Changes(diffs), Occurrences::All)
        }
        Command::Stdin { label } => (
            Source::Stdin(StdinSource::new(label.clone())),
            Occurrences::All,
        ),
        Command::Baseline {
            command: BaselineCommand::Create { paths, git },
        } => {
            if common.baseline.is_some() {
                // It would leave the old baseline's findings out of the new one.
                bail!("baseline create does not take --baseline");
            }
            let source = match (git, paths.as_slice()) {
                (true, [repo]) => history(common, repo, None)?,
                (true, _) => bail!("baseline create --git takes one repository"),
                (false, _) => dir(common, paths, true, false),
            };
            (source, Occurrences::First)
        }
        Command::InstallHook { .. }
        | Command::UninstallHook { .. }
        | Command::Rules { .. }
        | Command::Explain { .. } => return Ok(None),
    };
    let root = source.root();
    let config = load_config(common, &root, Examples::Skip)?;
    // A pre-commit hook scans a few small files: compiling every rule
    // up front would cost more than the scan.
    let rules = if matches!(command, Command::Staged { .. }) {
        RuleSet::new_for_small_inputs(&config)?
    } else {
        RuleSet::new(&config)?
    };
    // A new baseline must not leave the old one's findings out.
    let baseline = if matches!(command, Command::Baseline { .. }) {
        None
    } else {
        baseline_in_force(common, &config, &root)
    };
    let suppressions = suppressions(common, &config, &root, baseline.as_ref())?;
    let mut source = source;
    source.keep_binary(rules.file_magic());
    let progress = Progress::new(matches!(source, Source::History(_)) && !common.quiet);
    let plan = Plan {
        source,
        root,
        rules,
        detect: DetectOptions {
            inline_allow: !common.no_inline_allow,
            min_confidence: common.min_confidence,
            max_findings: common.max_findings_per_file,
        },
        unpack: UnpackOptions {
            max_decode_depth: common.max_decode_depth,
            archives: (!common.no_archives).then_some(archive::Limits {
                max_depth: common.max_archive_depth,
                max_member: common.max_file_size,
                max_total: archive::MAX_TOTAL,
            }),
        },
        occurrences,
        suppressions,
        cancel: cancel.clone(),
        progress,
    };
    Ok(Some(Scan {
        plan,
        baseline: baseline.map(|(path, _)| path),
    }))
}

/// The baseline to use: `--baseline`, else `LEAKHOUND_BASELINE`, else the
/// config's `baseline` key, else `.leakhound-baseline.json` at `root`.
fn baseline_in_force(
    common: &CommonArgs,
    config: &Config,
    root: &Path,
) -> Option<(PathBuf, BaselineChoice)> {
    baseline::discover(
        common.baseline.as_deref(),
        env::var_os("LEAKHOUND_BASELINE").map(PathBuf::from),
        config.baseline.as_deref(),
        root,
    )
}

fn dir(common: &CommonArgs, paths: &[PathBuf], respect_ignore: bool, follow_links: bool) -> Source {
    Source::Dir(DirSource {
        roots: paths.to_vec(),
        respect_ignore,
        follow_links,
        max_file_size: common.max_file_size,
        threads: common.threads.unwrap_or(0),
        archives: !common.no_archives,
        keep_binary: Vec::new(),
    })
}

fn history(common: &CommonArgs, repo: &Path, branch: Option<String>) -> Result<Source> {
    let mut history = git::History::open(repo, branch, common.max_file_size)?;
    history.archives = !common.no_archives;
    Ok(Source::History(history))
}

/// What to stay quiet about: leakhound's own config files, the `baseline`,
/// the ignore files at `root` and those named by flags.
fn suppressions(
    common: &CommonArgs,
    config: &Config,
    root: &Path,
    baseline: Option<&(PathBuf, BaselineChoice)>,
) -> Result<Suppressions> {
    let mut suppressions = Suppressions::default();
    for file in &config.files {
        suppressions.add_own_file(file);
    }
    if let Some((path, choice)) = baseline {
        match suppressions.add_baseline(path) {
            Err(e) if *choice != BaselineChoice::Flag => bail!("{e} (baseline from {choice})"),
            other => other?,
        }
        if common.verbose {
            eprintln!("leakhound: using baseline {} ({choice})", path.display());
        }
    }
    for path in baseline::ignore_files_in(root)
        .iter()
        .chain(&common.ignore_file)
    {
        suppressions.add_ignore_file(path)?;
        if common.verbose {
            eprintln!("leakhound: using ignore file {}", path.display());
        }
    }
    Ok(suppressions)
}

/// The config that applies at `root`: `--config`, `LEAKHOUND_CONFIG`, a
/// config file found there, or the built-in rules (with their examples if
/// asked).
pub fn load_config(common: &CommonArgs, root: &Path, examples: Examples) -> Result<Config> {
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
            let mut config = Config::load(&path, examples)?;
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
            Config::builtin_with(examples)?
        }
    };
    if !common.quiet {
        for w in &config.warnings {
            eprintln!("leakhound: warning: {w}");
        }
    }
    Ok(config)
}
