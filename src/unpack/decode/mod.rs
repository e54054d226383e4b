//! Encoded runs in a blob: base64, base64url, hex, percent-encoding and
//! backslash-escaped string literals (JSON, notebooks, C-like code). Each
//! finder reads each byte a bounded number of times (a lookup table or `memchr`, no
//! regex) and returns the runs it could decode; callers scan the decoded
//! bytes and map what they find back to the run. Pure: no rules, no I/O.

mod base64;
mod escaped;
mod percent;

use std::ops::Range;

use crate::sniff::starts_like_archive;

/// An encoding a run was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Standard base64 (`+`, `/`).
    Base64,
    /// URL-safe base64 (`-`, `_`).
    Base64Url,
    /// Hexadecimal, two digits a byte.
    Hex,
    /// Percent-encoding (`%41`).
    Percent,
    /// A double-quoted string literal with backslash escapes (`\n`, `\"`,
    /// `\u0041`), or an array of them, joined.
    Escaped,
}

impl Encoding {
    /// The name reports use: base64, base64url, hex, percent, escaped.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Escaped => "escaped",
        }
    }
}

/// One encoded run of a blob, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// How it was encoded.
    pub encoding: Encoding,
    /// The encoded bytes' range in the blob.
    pub span: Range<usize>,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// For encodings that keep most bytes as written (escaped strings): the
    /// blob offset of each decoded byte, plus one entry for the end. `None`:
    /// every decoded byte maps to the whole run.
    pub offsets: Option<Vec<usize>>,
}

impl Run {
    /// The blob range that the decoded bytes `r` came from.
    pub fn source_of(&self, r: Range<usize>) -> Range<usize> {
        match &self.offsets {
            Some(map) if r.start < r.end && r.end < map.len() => {
                map[r.start]..map[r.end].max(map[r.start] + 1)
            }
            _ => self.span.clone(),
        }
    }
}

/// Every decodable run in `data[within]`, in order of position. Runs that
/// decode to the same bytes as written are not returned.
pub fn runs(data: &[u8], within: Range<usize>) -> Vec<Run> {
    let part = &data[within.clone()];
    let mut all = base64::runs(part);
    all.extend(percent::runs(part));
    all.extend(escaped::runs(part));
    for run in &mut all {
        run.span = run.span.start + within.start..run.span.end + within.start;
        if let Some(map) = &mut run.offsets {
            map.iter_mut().for_each(|o| *o += within.start);
        }
    }
    all.sort_by_key(|r| (r.span.start, r.span.end));
    all
}

/// Whether the first decoded bytes of a run may start text or an archive
/// (so the whole run is worth decoding): text that may be cut mid-character,
/// or an archive's magic bytes.
pub fn may_be_worth_decoding(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return starts_like_archive(head),
    };
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || starts_like_archive(head)
}

/// Whether decoded bytes are text worth scanning: valid UTF-8 without
/// control characters other than tab, CR and LF. Random bytes (what an
/// identifier or a hash "decodes" to) almost never pass.
pub fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf8_without_control_characters() {
        assert!(is_text(b"user:hunter2\n"));
        assert!(is_text("caf\u{e9}".as_bytes()));
        assert!(!is_text(b"ab\x00cd"));
        assert!(!is_text(b"\xff\xfe\x10"));
    }

    #[test]
    fn runs_are_offset_into_the_blob() {
        let data = b"xx key: aGVsbG8sIHdvcmxkIGhlbGxvIQ== yy";
        let found = runs(data, 3..data.len());
        assert_eq!(found.len(), 1);
        assert_eq!(
            &data[found[0].span.clone()],
            b"aGVsbG8sIHdvcmxkIGhlbGxvIQ=="
        );
        assert_eq!(found[0].bytes, b"hello, world hello!");
    }
}
