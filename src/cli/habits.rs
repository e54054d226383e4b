//! gitleaks users' muscle memory, read before clap: flags that mean the same
//! in leakhound become leakhound's (`--report-format`, `--report-path`,
//! `--redact`, `version`); commands and flags that do not get one line
//! naming the leakhound equivalent instead of clap's generic tip.

use std::ffi::OsString;

/// `args` (program name first) with gitleaks' spellings rewritten, or the
/// one-line message for a gitleaks form leakhound does not take.
pub fn rewrite(args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let mut out = Vec::with_capacity(args.len());
    let mut positional = 0;
    let mut command = None;
    let mut rest = args.into_iter();
    while let Some(arg) = rest.next() {
        let Some(s) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if s == "--" {
            out.push(arg);
            out.extend(rest.by_ref());
            break;
        }
        if let Some(flag) = s.strip_prefix("--") {
            let (name, value) = flag
                .split_once('=')
                .map_or((flag, None), |(n, v)| (n, Some(v)));
            match name {
                // Redaction is the default; gitleaks' percentage has no equivalent.
                "redact" => continue,
                "report-format" | "report-path" => {
                    let ours = if name == "report-format" { "--format" } else { "--output" };
                    out.push(OsString::from(match value {
                        Some(v) => format!("{ours}={v}"),
                        None => ours.to_string(),
                    }));
                    continue;
                }
                "log-opts" => return Err(
                    "--log-opts is gitleaks'; in leakhound: `git --range BASE..HEAD`, `--since-commit COMMIT` or `--branch REF`".into(),
                ),
                "staged" if command == Some("git") => return Err(
                    "`git --staged` is gitleaks'; in leakhound: `leakhound staged [REPO]`".into(),
                ),
                _ => {}
            }
        } else if !s.starts_with('-') {
            positional += 1;
            if positional == 2 {
                // The first word after the program name: the command.
                match s {
                    "version" => {
                        out.push(OsString::from("--version"));
                        continue;
                    }
                    "detect" => return Err(
                        "`detect` is gitleaks'; in leakhound: `leakhound git [REPO]` (history) or `leakhound dir [PATH]` (files, gitleaks' --no-git)".into(),
                    ),
                    "protect" => return Err(
                        "`protect` is gitleaks'; in leakhound: `leakhound staged [REPO]` (what the next commit adds)".into(),
                    ),
                    _ => {}
                }
                command = Some(match s {
                    "git" => "git",
                    _ => "",
                });
            }
        }
        out.push(arg);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Result<Vec<String>, String> {
        rewrite(args.iter().map(OsString::from).collect())
            .map(|v| v.into_iter().map(|s| s.into_string().unwrap()).collect())
    }

    #[test]
    fn gitleaks_flags_become_leakhounds() {
        assert_eq!(
            words(&[
                "lh",
                "git",
                ".",
                "--redact",
                "--redact=80",
                "--report-format",
                "sarif",
                "--report-path=r.sarif"
            ]),
            Ok(
                vec!["lh", "git", ".", "--format", "sarif", "--output=r.sarif"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(
            words(&["lh", "version"]),
            Ok(vec!["lh".into(), "--version".into()])
        );
        // After `--`, nothing is rewritten; a path named `version` stays.
        assert_eq!(words(&["lh", "dir", "version"]).unwrap()[2], "version");
        assert_eq!(
            words(&["lh", "dir", "--", "--redact"]).unwrap()[3],
            "--redact"
        );
    }

    #[test]
    fn gitleaks_commands_name_the_equivalent() {
        for (args, says) in [
            (&["lh", "detect"][..], "leakhound git"),
            (&["lh", "protect", "--staged"], "leakhound staged"),
            (&["lh", "git", ".", "--staged"], "leakhound staged"),
            (&["lh", "git", "--log-opts=--all"], "--range"),
        ] {
            let e = words(args).unwrap_err();
            assert!(e.contains(says), "{args:?}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
