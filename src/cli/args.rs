//! Command-line syntax (clap derive). Doc comments are the help text. No I/O here.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};

use crate::report::Format;
use crate::rules::Confidence;

/// The end of `--help`: exit codes and examples.
const AFTER_HELP: &str = "\
Exit codes: 0 no leaks, 1 leaks found (--exit-code N), 2 error, 130 interrupted.

Examples:
  leakhound dir .                            # the files under the current directory
  leakhound git . -f sarif -o lh.sarif       # the whole git history, SARIF for code scanning
  leakhound git . --range origin/main..HEAD  # only what a branch's commits add
  leakhound install-hook                     # check each commit before it is made";

/// Find leaked secrets (API keys, tokens, passwords, private keys) in files,
/// standard input and git history.
#[derive(Debug, Parser)]
#[command(name = "leakhound", version, about, max_term_width = 100, after_help = AFTER_HELP)]
pub struct Args {
    /// What to scan.
    #[command(subcommand)]
    pub command: Command,
    /// Options shared by every command.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The entry points.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (default: the current directory).
    Dir {
        /// Files or directories to scan.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Scan files that .gitignore / .ignore would exclude.
        #[arg(long)]
        no_ignore: bool,
        /// Follow symbolic links (loops are detected and skipped).
        #[arg(long)]
        follow_links: bool,
    },
    /// Scan git history: every blob reachable from every ref, each leaked
    /// secret reported once with the commit that introduced it; or, with
    /// --range / --since-commit, only what those commits add.
    Git {
        /// Repository (work tree, .git directory or bare repository).
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Only what the commits in BASE..HEAD add (also A...B, from the merge base).
        #[arg(long, value_name = "BASE..HEAD")]
        range: Option<String>,
        /// Only what the commits after COMMIT (up to HEAD) add.
        #[arg(long, value_name = "COMMIT", conflicts_with = "range")]
        since_commit: Option<String>,
        /// Only commits reachable from REF (default: every ref and HEAD).
        #[arg(long, value_name = "REF", conflicts_with_all = ["range", "since_commit"])]
        branch: Option<String>,
        /// Report every commit that introduces a secret at a path (e.g. re-added
        /// after removal, or added on two branches), not just the first.
        #[arg(long)]
        all_occurrences: bool,
    },
    /// Scan what the next commit adds: the index against HEAD (pre-commit hook).
    Staged {
        /// Repository.
        #[arg(default_value = ".")]
        repo: PathBuf,
    },
    /// Scan standard input.
    Stdin {
        /// Name of the input in reports.
        #[arg(long, default_value = "stdin")]
        label: String,
    },
    /// Install a git pre-commit hook that runs `leakhound staged` (honours
    /// core.hooksPath); an existing hook is kept and run first, unless --force.
    InstallHook {
        /// Repository.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Overwrite an existing pre-commit hook instead of chaining it.
        #[arg(long)]
        force: bool,
    },
    /// Remove the hook install-hook wrote, restoring the hook it chained.
    UninstallHook {
        /// Repository.
        #[arg(default_value = ".")]
        repo: PathBuf,
    },
    /// Write a baseline: the fingerprints of every current finding, for
    /// `--baseline` to leave out of later scans.
    Baseline {
        /// create.
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// List the rules in force, or check every rule against its examples.
    Rules {
        /// list or check.
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Explain a silence: for each candidate on a line of a file, which rule
    /// matched and which stage dropped it (or that it is reported).
    Explain {
        /// FILE or FILE:LINE (every line of the file without LINE).
        target: String,
    },
}

impl Command {
    /// Whether the command is a scan (which Ctrl-C stops with a partial report).
    pub fn is_scan(&self) -> bool {
        matches!(
            self,
            Command::Dir { .. }
                | Command::Git { .. }
                | Command::Staged { .. }
                | Command::Stdin { .. }
        )
    }
}

/// `leakhound rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, severity, tags, description (`--format json` for JSON).
    List,
    /// Compile every rule and run its examples and negative examples through
    /// the detector, naming each failure; exit 1 if any fails.
    Check,
}

/// `leakhound baseline ...`
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan files (or, with --git, a repository's whole history) and write
    /// every finding's fingerprint as a JSON baseline (to -o FILE or stdout).
    Create {
        /// Files or directories to scan; with --git, the repository.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Scan the git history of the repository instead of files on disk.
        #[arg(long)]
        git: bool,
    },
}

/// Options shared by every command.
#[derive(Debug, ClapArgs)]
pub struct CommonArgs {
    /// Report format.
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (mode 0600) instead of standard output.
    #[arg(short, long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules file (gitleaks schema); default: $LEAKHOUND_CONFIG, else
    /// .leakhound.toml, else .gitleaks.toml at the scan root.
    #[arg(short, long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings not in FILE: a leakhound baseline or JSON report
    /// (matched by fingerprint), a gitleaks JSON report, or a detect-secrets
    /// .secrets.baseline. Default: $LEAKHOUND_BASELINE, else the config's
    /// `baseline` key, else .leakhound-baseline.json at the scan root.
    #[arg(long, global = true, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Ignore file (fingerprints, or gitleaks' [commit:]file:rule-id:line), in
    /// addition to .leakhoundignore and .gitleaksignore at the scan root.
    #[arg(long, global = true, value_name = "FILE")]
    pub ignore_file: Vec<PathBuf>,
    /// Show secrets in full in reports (redacted by default).
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Exit code when leaks are found.
    #[arg(long, global = true, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Skip files larger than SIZE (bytes, or with K, M, G, KiB, MiB, GiB).
    #[arg(long, global = true, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Stop scanning a file after N findings, with a note (0: no limit).
    #[arg(long, global = true, value_name = "N", default_value_t = 100)]
    pub max_findings_per_file: usize,
    /// Report only findings of at least this confidence: `very-low`
    /// (everything: also generic findings in test code, specs, fixtures and
    /// examples), `low` (the default), `medium` (no generic rules) or `high`
    /// (provider-unique prefixes and checksums only).
    #[arg(long, global = true, value_name = "LEVEL", default_value = "low")]
    pub min_confidence: Confidence,
    /// Ignore inline allow comments: `gitleaks:allow`, `leakhound:allow` and
    /// `pragma: allowlist secret`.
    #[arg(long, global = true)]
    pub no_inline_allow: bool,
    /// Decode base64, hex, percent-encoded and escaped-string runs and scan
    /// what they hold, up to N nested decodings (0: off).
    #[arg(long, global = true, value_name = "N", default_value_t = 2)]
    pub max_decode_depth: u8,
    /// Open archives (zip, jar, tar, gzip, bzip2, xz) nested up to N deep.
    #[arg(long, global = true, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u8).range(1..))]
    pub max_archive_depth: u8,
    /// Do not open archives.
    #[arg(long, global = true)]
    pub no_archives: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Say more on stderr (which config was loaded, each skipped file).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Say nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Never colour the text report.
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Ask each secret's provider whether it is live (sends the secret to
    /// the host its rule names, over https; off by default).
    #[arg(long, global = true)]
    pub verify: bool,
    /// Report only findings whose secret --verify found live.
    #[arg(long, global = true, requires = "verify")]
    pub only_verified: bool,
    /// Seconds each verification request may take.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub verify_timeout: u64,
    /// Verification requests in flight at once.
    #[arg(long, global = true, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub verify_concurrency: u16,
}

/// Parses `10MiB`, `500K`, `1G`, `1024`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size like 10MiB or 500K"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}'")),
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("'{s}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("500K"), Ok(500_000));
        assert_eq!(parse_size("7"), Ok(7));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("1XB").is_err());
    }

    #[test]
    fn common_flags_go_after_the_subcommand() {
        let a = Args::try_parse_from(["leakhound", "dir", "x", "--format", "json", "-o", "r.json"])
            .unwrap();
        assert_eq!(a.common.format, Format::Json);
        assert!(
            matches!(a.command, Command::Dir { ref paths, .. } if paths == &[PathBuf::from("x")])
        );
    }
}
