//! Cooperative cancellation: Ctrl-C (SIGINT) or SIGTERM sets one flag that
//! the sources check between files and blobs, so a scan stops promptly and
//! still reports what it found, marked incomplete. A second signal exits
//! at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code of an interrupted scan (128 + SIGINT, as shells use).
pub const EXIT_INTERRUPTED: u8 = 130;

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Whether the scan was asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Asks the scan to stop (what the signal handler does).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Installs the SIGINT/SIGTERM handler: the first signal asks the scan to
/// stop, a second one exits with [`EXIT_INTERRUPTED`] without a report.
pub fn install_handler() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::Relaxed) {
            eprintln!("leakhound: interrupted again, exiting without a report");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("leakhound: interrupted, stopping (press Ctrl-C again to exit now)");
    })
}
