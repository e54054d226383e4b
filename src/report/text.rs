//! The human report: one block per finding, then a summary.

use std::io::{self, Write};

use super::{summary, RenderOptions, Report};

pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, s: &str| {
        if opts.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}]",
            paint("35", &f.origin.display_path()),
            f.start.line,
            f.start.column,
            paint("1;31", &f.rule_id),
            f.severity.as_str()
        )?;
        writeln!(out, "  {}", f.description)?;
        if let Some(c) = f.origin.commit() {
            let short = &c.id[..c.id.len().min(8)];
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
