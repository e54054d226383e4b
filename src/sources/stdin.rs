//! Standard input as one blob, under a label.

use std::io::Read;

use super::{Blob, SourceError, SourceStats, Visitor};
use crate::finding::Origin;

/// Standard input.
pub struct StdinSource {
    /// Name used for the blob in reports.
    pub label: String,
}

impl StdinSource {
    /// Reads all of `input` and visits it.
    pub fn visit(
        &self,
        mut input: impl Read,
        visit: &Visitor<'_>,
    ) -> Result<SourceStats, SourceError> {
        let mut data = Vec::new();
        input.read_to_end(&mut data).map_err(|e| {
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
