//! Backslash-escaped string literals: a JSON string (a notebook cell line,
//! a service-account JSON embedded as a string) or a C-like literal with
//! `\n`, `\"`, `\/` or `\u` escapes. Consecutive literals separated only by
//! whitespace and a comma (a JSON array of lines, as notebooks store cells)
//! are joined into one text, so a key split over many literals is whole
//! again. Every decoded byte keeps the offset it came from, so a finding in
//! the text maps back to its exact line in the file.

use memchr::{memchr, memrchr};

use super::{Encoding, Run};

/// Shortest decoded text of an escaped group worth scanning.
pub const MIN_ESCAPED: usize = 32;

/// The escaped string literals (or arrays of them) of `data`, if it looks
/// like JSON (starts with `{` or `[`): in source code, escaped literals are
/// mostly messages and test fixtures, and multi-line keys written with
/// `\n` are matched as written.
pub fn runs(data: &[u8]) -> Vec<Run> {
    let first = data.iter().find(|c| !c.is_ascii_whitespace());
    if !matches!(first, Some(b'{' | b'[')) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pos = 0;
    // A position known to be outside any string literal (on its line).
    let mut outside = 0;
    while let Some(k) = data.get(pos..).and_then(|rest| memchr(b'\\', rest)) {
        let i = pos + k;
        let escapes_newline = data.get(i + 1..i + 3) == Some(b"\\n");
        if !escapes_newline && !matches!(data.get(i + 1), Some(b'n' | b'/' | b'u')) {
            pos = i + 2;
            continue;
        }
        // Read the line from its start, or from the last place known to be
        // outside a literal: each byte is read a bounded number of times.
        let from = memrchr(b'\n', &data[outside..i]).map_or(outside, |p| outside + p + 1);
        let Some(open) = open_quote(data, from, i) else {
            pos = i + 2;
            outside = pos;
            continue;
        };
        match group(data, open) {
            Some(run) => {
                pos = run.span.end;
                outside = pos;
                if run.bytes.len() >= MIN_ESCAPED {
                    out.push(run);
                }
            }
            None => {
                pos = memchr(b'\n', &data[i..]).map_or(data.len(), |p| i + p);
                outside = pos;
            }
        }
    }
    out
}

/// The opening quote of the string literal that holds offset `at`, reading
/// the line from `from` (outside any literal); `None` if `at` is outside
/// literals.
fn open_quote(data: &[u8], from: usize, at: usize) -> Option<usize> {
    let mut open = None;
    let mut j = from;
    while j < at {
        match data[j] {
            b'"' => open = if open.is_some() { None } else { Some(j) },
            b'\\' if open.is_some() => j += 1,
            _ => {}
        }
        j += 1;
    }
    open
}

/// Decodes the literal opening at `open` and the literals that follow it
/// in the same array.
fn group(data: &[u8], open: usize) -> Option<Run> {
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    let mut end = literal(data, open, &mut bytes, &mut offsets)?;
    loop {
        let mut k = end;
        let mut comma = false;
        while k < data.len() && (data[k].is_ascii_whitespace() || (data[k] == b',' && !comma)) {
            comma |= data[k] == b',';
            k += 1;
        }
        if data.get(k) != Some(&b'"') {
            break;
        }
        let kept = bytes.len();
        if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
            offsets.push(end);
        }
        match literal(data, k, &mut bytes, &mut offsets) {
            Some(e) => end = e,
            None => {
                bytes.truncate(kept);
                offsets.truncate(kept);
                break;
            }
        }
    }
    offsets.push(end - 1);
    Some(Run {
        encoding: Encoding::Escaped,
        span: open..end,
        bytes,
        offsets: Some(offsets),
    })
}

/// Decodes one literal opening at `open` into `bytes` (with each byte's
/// source offset); the offset after its closing quote, or `None` if the
/// line ends first.
fn literal(
    data: &[u8],
    open: usize,
    bytes: &mut Vec<u8>,
    offsets: &mut Vec<usize>,
) -> Option<usize> {
    let mut j = open + 1;
    loop {
        let c = *data.get(j)?;
        match c {
            b'"' => return Some(j + 1),
            b'\n' => return None,
            b'\\' => {
                let e = *data.get(j + 1)?;
                let (decoded, len): (Vec<u8>, usize) = match e {
                    b'n' => (vec![b'\n'], 2),
                    b't' => (vec![b'\t'], 2),
                    b'r' => (vec![b'\r'], 2),
                    b'"' | b'\\' | b'/' | b'\'' => (vec![e], 2),
                    b'u' => unicode(data, j),
                    _ => (vec![c, e], 2),
                };
                offsets.extend(std::iter::repeat_n(j, decoded.len()));
                bytes.extend(decoded);
                j += len;
            }
            _ => {
                bytes.push(c);
                offsets.push(j);
                j += 1;
            }
        }
    }
}

/// Decodes `\uXXXX` at `j` (and a following low surrogate): the UTF-8
/// bytes and the length of the source; an invalid escape stays as written.
fn unicode(data: &[u8], j: usize) -> (Vec<u8>, usize) {
    let unit = |at: usize| {
        let digits = data.get(at + 2..at + 6)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let Some(hi) = unit(j) else {
        return (b"\\u".to_vec(), 2);
    };
    let (code, len) = match (hi, data.get(j + 6..j + 8)) {
        (0xD800..=0xDBFF, Some(b"\\u")) => match unit(j + 6) {
            Some(lo @ 0xDC00..=0xDFFF) => (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12),
            _ => (hi, 6),
        },
        _ => (hi, 6),
    };
    let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
    (c.to_string().into_bytes(), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_of_lines_is_joined_and_mapped() {
        let data = b"{\"source\": [\n  \"-----BEGIN KEY-----\\n\",\n  \"abcdefghijklmnop\\n\",\n  \"-----END KEY-----\"\n]}";
        let found = runs(data);
        assert_eq!(found.len(), 1);
        let run = &found[0];
        assert_eq!(
            run.bytes,
            b"-----BEGIN KEY-----\nabcdefghijklmnop\n-----END KEY-----"
        );
        let at = run.bytes.iter().position(|&b| b == b'a').unwrap();
        let src = run.source_of(at..at + 16);
        assert_eq!(&data[src], b"abcdefghijklmnop");
    }

    #[test]
    fn a_json_document_in_a_string_is_unescaped() {
        let data = br#"{"creds": "{\"type\": \"service_account\", \"key\": \"x\\ny\"}"}"#;
        let found = runs(data);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].bytes,
            br#"{"type": "service_account", "key": "x\ny"}"#
        );
    }

    #[test]
    fn escapes_outside_strings_on_one_long_line_are_read_once() {
        // Quadratic reading would take minutes here.
        let data = format!("[{}]", "\\n\\/".repeat(500_000));
        assert!(runs(data.as_bytes()).is_empty());
        let data = format!("{{\"a\": \"{}\"}}", "x\\\\n".repeat(100_000));
        assert_eq!(runs(data.as_bytes()).len(), 1);
    }

    #[test]
    fn unicode_escapes_and_text_outside_strings() {
        let data = br#"["https:\/\/user:\u0070ass\ud83d\ude00@example.com/long/path"]"#;
        let found = runs(data);
        assert_eq!(
            found[0].bytes,
            "https://user:pass\u{1F600}@example.com/long/path".as_bytes()
        );
        assert!(runs(b"{ regex = /\\n+/; other = /\\u{41}/ and more text here").is_empty());
        assert!(runs(b"msg = \"a long message in code that ends\\n\"").is_empty());
    }
}
