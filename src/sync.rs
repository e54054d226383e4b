//! Poison-tolerant locking for the collectors that parallel workers feed: a
//! panic in one worker (reported by the binary's panic hook) must not hide
//! what the other workers found.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `m`, whether or not a worker panicked while holding it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The value of `m`, whether or not a worker panicked while holding it.
pub fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(PoisonError::into_inner)
}
