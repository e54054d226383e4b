//! leakhound's integration tests: one binary, one module per area.

// helpers: the binary, temporary trees, git repositories, fake secrets, report types, SARIF schema
mod support;

// the layers: imports in src/ follow ARCHITECTURE.md's Dependency rules
mod architecture;
// baselines and ignore files: baseline create, --baseline, .leakhoundignore, .gitleaksignore
mod baseline;
// the GitHub Action: scripts/github-action.sh in a simulated GitHub environment
mod action;
// token checksums: failed CRC32 = not a secret; unknown checksum names
mod checksum;
// command line: exit codes, --help, --version, bad flags
mod cli;
// confidence: the rule field, in every report, --min-confidence
mod confidence;
// configuration: --config, discovery, [extend], allowlists, inline allow comments
mod config;
// generic rules: test paths at very-low confidence, values that are not secrets dropped
mod generic;
// `leakhound dir`: trees, ignore files, .git, binary/size/unreadable skips, symlinks, odd names
mod dir;
// coming from gitleaks: a team .gitleaks.toml, Go RE2 patterns, replacing the built-ins
mod gitleaks_compat;
// install-hook / uninstall-hook: the git pre-commit hook, with real commits
mod hooks;
// faults survived and reported: permissions, vanishing files, followed links, truncated packs, full disk, caps
mod faults;
// `leakhound git`: whole history, every ref, introducing commits, packed/bare/shallow, bad objects
mod git_history;
// `leakhound git --range / --since-commit`: only what a range of commits adds
mod git_range;
// redaction: secrets never reach any output unless --show-secrets
mod redaction;
// JSON and JSON Lines reports: typed fields, -o FILE
mod report_json;
// SARIF: schema validity, rule descriptors, fingerprints, regions
mod report_sarif;
// decoding: base64, base64url, hex, percent; nesting, depth, k8s Secret, docker auths
mod encoded;
// archives: zip, jar, tar.gz, bz2, xz, nesting, a zip bomb, git history, --no-archives
mod archives;
// JSON escaped strings: a notebook cell, a service-account JSON in a string
mod notebooks;
// built-in rules: self-test through the detector, rule-file lint, `rules` command
mod rules;
// SIGINT / SIGTERM: partial report marked incomplete, exit 130
mod signals;
// `leakhound staged`: the index against HEAD, not the work tree
mod staged;
// `leakhound stdin`: --label, exit codes
mod stdin;
// --verify against a loopback fake provider; remediation in every format
mod verify;
// secret files (.env, .netrc, keystores, ...): one file finding, every source
mod files;
// `leakhound explain FILE[:LINE]`: which rule matched, which stage dropped it
mod explain;
