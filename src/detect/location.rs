//! Byte offsets to 1-based lines and columns, and the text of the line(s)
//! around a match. Built only for blobs that have a match.

use std::ops::{Range, RangeInclusive};

use memchr::{memchr, memchr_iter, memrchr};

use crate::finding::Position;

/// Longest line excerpt kept around a match on each side, in bytes.
pub const EXCERPT_REACH: usize = 160;

/// Start offsets of every line of a blob.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `data`.
    pub fn new(data: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_iter(b'\n', data).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The byte ranges of `lines` (1-based, inclusive, in order), each
    /// widened by `pad` lines either side and merged where they meet; `len`
    /// is the blob's length.
    pub fn byte_ranges(
        &self,
        lines: &[RangeInclusive<usize>],
        pad: usize,
        len: usize,
    ) -> Vec<Range<usize>> {
        let start_of = |line: usize| self.starts.get(line.max(1) - 1).copied().unwrap_or(len);
        let mut out: Vec<Range<usize>> = Vec::new();
        for l in lines {
            let r = start_of(l.start().saturating_sub(pad))..start_of(l.end() + pad + 1);
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }

    /// The 1-based line and byte column of `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset);
        Position {
            line,
            column: offset - self.starts[line - 1] + 1,
        }
    }
}

/// The byte range of the line(s) holding `span`, without a final CR, trimmed
/// to at most `reach` bytes either side of it (minified files have huge lines).
pub fn line_around(data: &[u8], span: Range<usize>, reach: usize) -> Range<usize> {
    // Look no further than the excerpt can reach: on a line of hundreds of
    // megabytes, each finding would otherwise scan the whole line.
    let lo = span.start.saturating_sub(reach);
    let hi = span.end.saturating_add(reach).min(data.len()).max(span.end);
    let start = memrchr(b'\n', &data[lo..span.start]).map_or(lo, |i| lo + i + 1);
    let end = memchr(b'\n', &data[span.end..hi]).map_or(hi, |i| span.end + i);
    let end = if end > span.end && data[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end.max(span.end)
}

/// Whether two byte ranges share a byte.
pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// `whole` (a match) clipped to the line(s) of `secret` inside it: a
/// terminator that ate the newline, or anything the regex matched on a
/// neighbouring line, is not part of this finding.
pub fn own_lines(
    data: &[u8],
    whole: std::ops::Range<usize>,
    secret: &std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    if secret.start < whole.start || secret.end > whole.end {
        return whole;
    }
    let start = memrchr(b'\n', &data[whole.start..secret.start])
        .map_or(whole.start, |i| whole.start + i + 1);
    let mut end = memchr(b'\n', &data[secret.end..whole.end]).map_or(whole.end, |i| secret.end + i);
    if end > secret.end && data[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_become_padded_byte_ranges() {
        let data = b"a\nbb\nccc\ndddd\ne\n";
        let index = LineIndex::new(data);
        // Lines 2 and 4, no padding: "bb\n" and "dddd\n".
        assert_eq!(
            index.byte_ranges(&[2..=2, 4..=4], 0, data.len()),
            [2..5, 9..14]
        );
        // One line either side: they meet and merge; the end is clamped.
        assert_eq!(
            index.byte_ranges(&[2..=2, 4..=4], 1, data.len()),
            [Range { start: 0, end: 16 }]
        );
        assert_eq!(
            index.byte_ranges(&[5..=9], 0, data.len()),
            [Range { start: 14, end: 16 }]
        );
    }

    #[test]
    fn positions_are_one_based() {
        let data = b"ab\ncd\r\nef";
        let idx = LineIndex::new(data);
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(4), Position { line: 2, column: 2 });
        assert_eq!(idx.position(7), Position { line: 3, column: 1 });
    }

    #[test]
    fn line_around_drops_crlf_and_trims_long_lines() {
        let data = b"x\r\nkey=abc\r\ny";
        assert_eq!(&data[line_around(data, 7..10, EXCERPT_REACH)], b"key=abc");
        let long = vec![b'a'; 10_000];
        let r = line_around(&long, 5000..5010, EXCERPT_REACH);
        assert_eq!(r, 5000 - EXCERPT_REACH..5010 + EXCERPT_REACH);
    }

    #[test]
    fn own_lines_drops_neighbouring_lines() {
        let data = b"a\nkey=abc\r\n# allow\n";
        // A match from the line above to the line below the secret (5..8).
        assert_eq!(&data[own_lines(data, 0..data.len(), &(6..9))], b"key=abc");
        assert_eq!(own_lines(data, 2..9, &(6..9)), 2..9);
    }
}
