//! Cooperative cancellation: a [`Cancel`] token the pipeline hands to the
//! sources, which check it between files and blobs, so a scan stops
//! promptly and still reports what it found, marked incomplete. Who sets it
//! (the binary's signal handler, a test, an embedding program) is the
//! caller's business: the library installs no handler and never exits.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

/// A shared "please stop" flag; clones share it.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Whether the scan was asked to stop.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Asks the scan to stop; says whether it had been asked before.
    pub fn request(&self) -> bool {
        self.0.swap(true, Ordering::Relaxed)
    }
}
