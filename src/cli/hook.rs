//! `leakhound install-hook` / `uninstall-hook`: the repository's git
//! pre-commit hook, a POSIX sh script that runs `leakhound staged`. A hook
//! that is already there and is not ours is kept: it is renamed to
//! `pre-commit.leakhound-chained` and our hook runs it first.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};

/// The line that marks a hook as ours.
const MARKER: &str = "# leakhound-hook: installed by `leakhound install-hook`";
/// The name an existing hook is moved to.
const CHAINED: &str = "pre-commit.leakhound-chained";

/// Installs the pre-commit hook in the repository at (or above) `repo`.
pub fn install(repo: &Path, force: bool) -> Result<()> {
    let dir = hooks_dir(repo)?;
    fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the hooks directory", dir.display()))?;
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    let mut note = String::new();
    if exists(&hook) && !is_ours(&hook) {
        if force {
            note = " (replacing the existing hook: --force)".to_string();
        } else if exists(&chained) {
            bail!(
                "{}: a hook is already chained at {}; remove one of them, or use --force to overwrite the pre-commit hook",
                hook.display(),
                chained.display()
            );
        } else {
            fs::rename(&hook, &chained).with_context(|| {
                format!("{}: cannot move the existing hook aside", hook.display())
            })?;
            note = format!(
                " (the existing hook was moved to {} and runs first)",
                chained.display()
            );
        }
    }
    write_hook(&hook, &script())
        .with_context(|| format!("{}: cannot write the pre-commit hook", hook.display()))?;
    eprintln!(
        "leakhound: installed the pre-commit hook at {}{note}",
        hook.display()
    );
    Ok(())
}

/// Removes our pre-commit hook and puts back the hook it chained.
pub fn uninstall(repo: &Path) -> Result<()> {
    let dir = hooks_dir(repo)?;
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    if exists(&hook) {
        if !is_ours(&hook) {
            bail!("{}: not installed by leakhound; left alone", hook.display());
        }
        fs::remove_file(&hook)
            .with_context(|| format!("{}: cannot remove the hook", hook.display()))?;
        eprintln!("leakhound: removed the pre-commit hook {}", hook.display());
    } else {
        eprintln!("leakhound: no pre-commit hook at {}", hook.display());
    }
    if exists(&chained) {
        fs::rename(&chained, &hook)
            .with_context(|| format!("{}: cannot restore the chained hook", chained.display()))?;
        eprintln!(
            "leakhound: restored the previous hook at {}",
            hook.display()
        );
    }
    Ok(())
}

/// The hooks directory: `core.hooksPath` (relative to the work tree, or to
/// the git directory of a bare repository), else `hooks` in the common git
/// directory (shared by every worktree).
fn hooks_dir(path: &Path) -> Result<PathBuf> {
    let repo = git2::Repository::discover(path).map_err(|e| {
        anyhow::anyhow!("{}: not a git repository ({})", path.display(), e.message())
    })?;
    let config = repo
        .config()
        .with_context(|| format!("{}: cannot read the git config", path.display()))?;
    match config.get_path("core.hooksPath") {
        Ok(p) if !p.as_os_str().is_empty() => {
            let base = repo.workdir().unwrap_or_else(|| repo.path());
            Ok(base.join(p))
        }
        _ => Ok(repo.commondir().join("hooks")),
    }
}

/// Whether `path` exists, a dangling symbolic link included.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Whether the hook at `path` is one we wrote.
fn is_ours(path: &Path) -> bool {
    fs::read(path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(MARKER))
}

/// The hook: runs the chained hook, then `leakhound staged`.
fn script() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .map_or_else(String::new, |p| quote(&p));
    format!(
        r#"#!/bin/sh
{MARKER}
# Blocks a commit whose staged changes add a secret. Bypass once with
# `git commit --no-verify`; remove with `leakhound uninstall-hook`.
chained="$(dirname "$0")/{CHAINED}"
if [ -x "$chained" ]; then
    "$chained" "$@" || exit $?
fi
leakhound={exe}
if [ -z "$leakhound" ] || [ ! -x "$leakhound" ]; then
    leakhound=leakhound
fi
"$leakhound" staged .
status=$?
if [ "$status" -ne 0 ]; then
    echo "leakhound: commit refused (exit $status); bypass with git commit --no-verify" >&2
fi
exit "$status"
"#
    )
}

/// `s` quoted for sh.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Writes the hook (replacing a file or link there) with mode 0755.
fn write_hook(path: &Path, text: &str) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::remove_file(path)?;
    }
    fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_single_quotes() {
        assert_eq!(quote("/a b/it's"), r"'/a b/it'\''s'");
    }

    #[test]
    fn the_script_is_marked() {
        assert!(script().contains(MARKER));
    }
}
