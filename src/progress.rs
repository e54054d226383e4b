//! A progress bar on stderr for long scans (blobs done of total, bytes,
//! findings), drawn only when stderr is a terminal outside CI; otherwise
//! every call is a no-op. It never shows scanned content.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a scan.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar if `wanted` and stderr is a terminal and `CI` is unset; else nothing.
    pub fn new(wanted: bool) -> Progress {
        let show = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {elapsed} [{bar:30}] {pos}/{len} blobs, {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Progress { bar }
    }

    /// Sets the number of blobs to scan.
    pub fn set_total(&self, blobs: u64) {
        if let Some(b) = &self.bar {
            b.set_length(blobs);
        }
    }

    /// Counts one blob done.
    pub fn blob_done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// Shows running totals of bytes and findings.
    pub fn totals(&self, bytes: u64, findings: u64) {
        if let Some(b) = &self.bar {
            b.set_message(format!("{} MB, {findings} findings", bytes / 1_000_000));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
