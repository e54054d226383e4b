//! `leakhound explain FILE[:LINE]`: for each candidate on the line (every
//! line without LINE), the rule whose regex matched and the stage that
//! dropped it, or that it is reported. Secrets are shown redacted.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::detect::{trace, Detector};
use crate::finding::Origin;
use crate::rules::RuleSet;

/// `FILE` or `FILE:LINE`: a trailing `:N` is a line number unless a file of
/// that whole name exists.
fn parse_target(target: &str) -> Result<(PathBuf, Option<usize>)> {
    if let Some((file, line)) = target.rsplit_once(':') {
        if let Ok(n) = line.parse::<usize>() {
            if !std::path::Path::new(target).exists() {
                if n == 0 {
                    bail!("{target}: lines are numbered from 1");
                }
                return Ok((PathBuf::from(file), Some(n)));
            }
        }
    }
    Ok((PathBuf::from(target), None))
}

/// The explanation of `target`, as text.
pub fn render(rules: &RuleSet, target: &str) -> Result<String> {
    let (path, line) = parse_target(target)?;
    let data = std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
    let origin = Origin::File {
        path: path.clone(),
        root: 0,
    };
    let detector = Detector::new(rules, Default::default());
    let traces = trace(&detector, &data, &origin, line.map(|n| n..=n), None);
    let shown = origin.display_path();
    let mut out = String::new();
    if traces.is_empty() {
        let _ = match line {
            Some(n) => writeln!(out, "{shown}:{n}: no rule's regex matches on this line"),
            None => writeln!(out, "{shown}: no rule's regex matches in this file"),
        };
        return Ok(out);
    }
    for t in &traces {
        let _ = writeln!(
            out,
            "{shown}:{}:{}: {} secret {}: {}",
            t.line,
            t.column,
            t.rule,
            t.secret.redacted(),
            t.outcome
        );
    }
    Ok(out)
}
