//! Helpers shared by every integration test: the binary under test, a
//! temporary directory to build trees in, fake secrets built at run time
//! (so these sources never look like leaks), typed views of the reports and
//! the SARIF schema validator; git repositories in `repo`.

#![allow(dead_code)]

mod http;
mod repo;

pub use http::{FakeProvider, Hit, Reply};

pub use repo::{git_locations, gloc, TestRepo, AUTHOR_EMAIL, AUTHOR_NAME, COMMITTER_NAME};

use std::{
    fs,
    path::{Path, PathBuf},
    process::Output,
    sync::LazyLock,
};

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

/// The `leakhound` binary, with a clean environment: no `LEAKHOUND_CONFIG`
/// or `LEAKHOUND_BASELINE` from the developer's shell, no colour.
pub fn leakhound() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leakhound"));
    cmd.env_remove("LEAKHOUND_CONFIG")
        .env_remove("LEAKHOUND_BASELINE")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary directory to build a scan tree in; removed on drop.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A new empty directory.
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("leakhound-it-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// Its absolute path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The absolute path of `rel` inside it.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `bytes` to `rel`, creating parent directories; returns the path.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directories");
        }
        fs::write(&path, bytes).expect("write a test file");
        path
    }

    /// Creates the directory `rel` (and its parents).
    pub fn mkdir(&self, rel: impl AsRef<Path>) -> PathBuf {
        let path = self.join(rel);
        fs::create_dir_all(&path).expect("create a directory");
        path
    }

    /// `leakhound` running in this directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = leakhound();
        cmd.current_dir(self.path());
        cmd
    }

    /// Runs `leakhound ARGS` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().expect("run leakhound"))
    }

    /// Runs `leakhound ARGS` in this directory with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run leakhound"))
    }

    /// Runs `leakhound ARGS` in this directory with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: impl Into<Vec<u8>>) -> Run {
        Run::from(
            self.cmd()
                .args(args)
                .write_stdin(input.into())
                .output()
                .expect("run leakhound"),
        )
    }
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panics, showing the whole run, unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "unexpected exit code; run: {self:#?}");
        self
    }

    /// The JSON report on stdout, decoded.
    #[track_caller]
    pub fn findings(&self) -> Vec<JsonFinding> {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}); run: {self:#?}"))
    }

    /// The SARIF log on stdout, decoded and validated against the schema.
    #[track_caller]
    pub fn sarif(&self) -> Value {
        let log: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); run: {self:#?}"));
        assert_valid_sarif(&log);
        log
    }

    /// The `FAIL ...` lines of `rules check`.
    pub fn check_failures(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("FAIL "))
            .collect()
    }

    /// The lines of stderr that are not empty.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

/// One finding of the JSON / JSON Lines report, as documented in the README.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct JsonFinding {
    pub rule_id: String,
    pub description: String,
    pub severity: String,
    pub confidence: String,
    pub tags: Vec<String>,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub secret: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub entropy: f64,
    pub fingerprint: String,
    #[serde(default)]
    pub decoded: Vec<String>,
    pub commit: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub date: Option<String>,
    pub message: Option<String>,
    pub verification: JsonVerification,
    pub remediation: Option<JsonRemediation>,
}

/// A finding's `verification`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JsonVerification {
    pub state: String,
    pub identity: Option<String>,
    pub reason: Option<String>,
}

/// A finding's `remediation`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JsonRemediation {
    pub revoke: Option<String>,
    pub rotate: Option<String>,
    pub logs: Option<String>,
}

/// `(path, line, rule_id)` of each finding, for compact assertions.
pub fn locations(findings: &[JsonFinding]) -> Vec<(String, usize, String)> {
    findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.rule_id.clone()))
        .collect()
}

/// One `(path, line, rule_id)`, as [`locations`] gives them.
pub fn loc(path: &str, line: usize, rule: &str) -> (String, usize, String) {
    (path.to_string(), line, rule.to_string())
}

/// The rule ids of `findings`, in report order.
pub fn rule_ids(findings: &[JsonFinding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule_id.as_str()).collect()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` pseudo-random base62 characters, the same for the same seed.
pub fn base62_noise(seed: u64, n: usize) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..n)
        .map(|_| {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            BASE62[(z % 62) as usize] as char
        })
        .collect()
}

fn base62_fixed(mut n: u32, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// A GitHub classic personal access token in the real format (`ghp_`, 30
/// random base62 characters, their CRC32 in 6 base62 characters): what the
/// built-in `github-pat` rule reports. Fake, different per seed.
pub fn github_pat(seed: u64) -> String {
    let body = base62_noise(seed, 30);
    let sum = base62_fixed(crc32fast::hash(body.as_bytes()), 6);
    format!("{}{body}{sum}", "ghp_")
}

/// A key for the test rule [`ACME_RULE`]: `acme_` and 32 base62 characters.
pub fn acme_key(seed: u64) -> String {
    format!("{}{}", "acme_", base62_noise(seed ^ 0xACE, 32))
}

/// A user rule defined by the tests, so they do not depend on the built-in
/// rule files: `acme_` followed by 32 base62 characters.
pub const ACME_RULE: &str = r#"
[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''\b(acme_[0-9A-Za-z]{32})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]
tags = ["acme", "test"]
severity = "high"
references = ["https://acme.invalid/docs/keys"]
"#;

/// A config holding only [`ACME_RULE`] (built-in rules off).
pub fn acme_only_config() -> String {
    format!("[extend]\nuseDefault = false\n{ACME_RULE}")
}

static SARIF_VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read the SARIF schema: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
});

/// Every violation of the SARIF 2.1.0 schema in `log`.
pub fn sarif_errors(log: &Value) -> Vec<String> {
    SARIF_VALIDATOR
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Panics, listing every violation, unless `log` is valid SARIF 2.1.0.
#[track_caller]
pub fn assert_valid_sarif(log: &Value) {
    let errors = sarif_errors(log);
    assert!(
        errors.is_empty(),
        "SARIF does not validate against the 2.1.0 schema:\n{}\n\nlog:\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(log).unwrap()
    );
}

/// Whether this process can bypass file permissions (runs as root): a file
/// made unreadable with chmod 000 can still be opened.
pub fn can_read_unreadable(path: &Path) -> bool {
    fs::File::open(path).is_ok()
}
