//! The human report: one block per finding, then a summary.

use std::io::{self, Write};

use super::{summary, RenderOptions, Report};
use crate::finding::{Unchecked, Verification};

pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, s: &str| {
        if opts.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    for f in &report.findings {
        let verified = match &f.verification {
            Verification::Unknown(Unchecked::NotAsked) => String::new(),
            v if v.is_live() => format!(", {}", paint("1;31", &v.to_string())),
            v => format!(", {v}"),
        };
        writeln!(
            out,
            "{}:{}:{}: {} [{}, {} confidence{verified}]",
            paint("35", &f.origin.display_path()),
            f.start.line,
            f.start.column,
            paint("1;31", &f.rule_id),
            f.severity.as_str(),
            f.confidence.as_str()
        )?;
        writeln!(out, "  {}", f.description)?;
        if let Some(c) = f.origin.commit() {
            let short: String = c.id.chars().take(8).collect();
            writeln!(
                out,
                "  commit: {short} {} {} <{}>",
                c.date, c.author, c.email
            )?;
        }
        if !f.decoded.is_empty() {
            writeln!(out, "  decoded: {}", f.decoded.join(" > "))?;
        }
        writeln!(out, "  secret: {}", f.secret.shown(opts.redact))?;
        writeln!(out, "  line:   {}", f.line.render(opts.redact).trim())?;
        writeln!(out, "  fingerprint: {}", f.fingerprint.to_hex())?;
        if let Some(r) = &f.remediation {
            match (&r.revoke, &r.rotate) {
                (Some(url), _) => writeln!(out, "  revoke: {url}")?,
                (None, Some(how)) => writeln!(out, "  remediation: {how}")?,
                (None, None) => {}
            }
        }
        writeln!(out)?;
    }
    let n = report.findings.len();
    let verdict = match n {
        0 => paint("32", "no leaks found"),
        1 => paint("1;31", "1 leak found"),
        _ => paint("1;31", &format!("{n} leaks found")),
    };
    let incomplete = if report.interrupted {
        paint("1;33", "INCOMPLETE (interrupted): ")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{incomplete}{verdict}: {}",
        summary(&report.stats, report.duration)
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::finding::{BlobId, CommitInfo, Finding, Origin, Position};

    /// Found by the `report` fuzz target (fuzz/regressions/report/): a
    /// commit id whose eighth byte is inside a multi-byte character.
    #[test]
    fn a_commit_id_is_shortened_by_characters() {
        let commit = CommitInfo {
            id: "abcdefg\u{2cd}h".into(),
            author: "a".into(),
            email: "e".into(),
            date: "d".into(),
            message: "m".into(),
        };
        let origin = Origin::Git {
            path: Some("p".into()),
            blob: BlobId::from([0; 20]),
            commit: Some(Arc::new(commit)),
        };
        let at = Position { line: 1, column: 1 };
        let mut report = Report::default();
        report.findings.push(Finding::for_tests(at, origin));
        let opts = RenderOptions {
            redact: true,
            color: false,
        };
        let mut out = Vec::new();
        render(&report, &opts, &mut out).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("commit: abcdefg\u{2cd} "));
    }
}
