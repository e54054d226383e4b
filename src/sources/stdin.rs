//! Standard input as one blob, under a label. Read on a helper thread so an
//! interrupt (Ctrl-C) scans what arrived so far instead of waiting for EOF.

use std::{
    io::Read,
    sync::{mpsc, Arc, Mutex},
    time::Duration,
};

use super::{Blob, SourceError, SourceStats, Visitor};
use crate::cancel;
use crate::finding::Origin;

/// How often a wait for input checks for an interrupt.
const POLL: Duration = Duration::from_millis(50);

/// Standard input.
pub struct StdinSource {
    /// Name used for the blob in reports.
    pub label: String,
}

impl StdinSource {
    /// Reads all of `input` (or, if interrupted, what arrived so far) and
    /// visits it.
    pub fn visit(
        &self,
        input: impl Read + Send + 'static,
        visit: &Visitor<'_>,
    ) -> Result<SourceStats, SourceError> {
        let data = read_interruptibly(input).map_err(|e| {
            SourceError::Io(format!("{}: cannot read standard input: {e}", self.label))
        })?;
        visit(Blob::whole(
            &data,
            Origin::Stdin {
                label: self.label.clone(),
            },
        ));
        Ok(SourceStats {
            blobs: 1,
            bytes: data.len() as u64,
            skips: Vec::new(),
            notes: Vec::new(),
            repository: None,
        })
    }
}

/// Reads `input` to its end on a helper thread; on an interrupt, returns
/// what was read so far (the helper stays blocked in `read` until exit).
fn read_interruptibly(mut input: impl Read + Send + 'static) -> std::io::Result<Vec<u8>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let (done, finished) = mpsc::channel();
    let shared = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = vec![0u8; 64 * 1024];
        let result = loop {
            match input.read(&mut chunk) {
                Ok(0) => break Ok(()),
                Ok(n) => shared
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let _ = done.send(result);
    });
    loop {
        match finished.recv_timeout(POLL) {
            Ok(result) => {
                result?;
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) if !cancel::requested() => {}
            Err(_) => break,
        }
    }
    let mut data = buf.lock().unwrap_or_else(|e| e.into_inner());
    Ok(std::mem::take(&mut *data))
}
