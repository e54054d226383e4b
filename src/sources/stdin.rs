//! Standard input (or any reader) as one blob, under a label. Read on a
//! helper thread so an interrupt (Ctrl-C) scans what arrived so far instead
//! of waiting for EOF.

use std::{
    io::Read,
    sync::{mpsc, Arc, Mutex},
    time::Duration,
};

use super::{Blob, Control, SourceError, SourceStats, Visit};
use crate::cancel::Cancel;
use crate::finding::Origin;
use crate::sync::lock;

/// How often a wait for input checks for an interrupt.
const POLL: Duration = Duration::from_millis(50);

/// A reader the source takes once, when visited.
type Input = Box<dyn Read + Send>;

/// Standard input, or another reader.
pub struct StdinSource {
    /// Name used for the blob in reports.
    pub label: String,
    input: Mutex<Option<Input>>,
}

impl StdinSource {
    /// The process's standard input, under `label`.
    pub fn new(label: String) -> Self {
        StdinSource::from_reader(label, std::io::stdin())
    }

    /// Any reader, under `label`.
    pub fn from_reader(label: String, input: impl Read + Send + 'static) -> Self {
        StdinSource {
            label,
            input: Mutex::new(Some(Box::new(input))),
        }
    }
}

impl Visit for StdinSource {
    type Item<'a> = Blob<'a>;

    /// Reads all of the input (or, if interrupted, what arrived so far) and
    /// visits it; a second visit sees no input.
    fn visit(
        &self,
        visit: &(dyn Fn(Blob<'_>) + Sync),
        control: &Control<'_>,
    ) -> Result<SourceStats, SourceError> {
        let input = lock(&self.input).take();
        let data = match input {
            Some(input) => read_interruptibly(input, control.cancel),
            None => Ok(Vec::new()),
        }
        .map_err(|error| SourceError::Io {
            what: format!("{}: cannot read standard input", self.label),
            error,
        })?;
        visit(Blob {
            data: &data,
            origin: Origin::Stdin {
                label: self.label.clone(),
            },
        });
        Ok(SourceStats {
            blobs: 1,
            bytes: data.len() as u64,
            ..SourceStats::default()
        })
    }
}

/// Reads `input` to its end on a helper thread; on an interrupt, returns
/// what was read so far (the helper stays blocked in `read` until exit).
fn read_interruptibly(mut input: Input, cancel: &Cancel) -> std::io::Result<Vec<u8>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let (done, finished) = mpsc::channel();
    let shared = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = vec![0u8; 64 * 1024];
        let result = loop {
            match input.read(&mut chunk) {
                Ok(0) => break Ok(()),
                Ok(n) => lock(&shared).extend_from_slice(&chunk[..n]),
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
            Err(mpsc::RecvTimeoutError::Timeout) if !cancel.is_requested() => {}
            Err(_) => break,
        }
    }
    let mut data = lock(&buf);
    Ok(std::mem::take(&mut *data))
}
