//! Percent-encoded runs (`p%40ss`, `%67%68%70%5F...`): around each valid
//! `%XX` escape found with `memchr`, the run is the surrounding text up to
//! whitespace, a quote or an angle bracket.

use memchr::memchr;

use super::{Encoding, Run};

/// Shortest percent-encoded run decoded.
pub const MIN_PERCENT: usize = 16;

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn escape_at(data: &[u8], i: usize) -> Option<u8> {
    let hi = hex_digit(*data.get(i + 1)?)?;
    let lo = hex_digit(*data.get(i + 2)?)?;
    Some(hi << 4 | lo)
}

fn is_delimiter(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'`' | b'<' | b'>')
}

/// The percent-encoded runs of `data`.
pub fn runs(data: &[u8]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(k) = memchr(b'%', &data[pos..]) {
        let i = pos + k;
        if escape_at(data, i).is_none() {
            pos = i + 1;
            continue;
        }
        let start = data[pos..i]
            .iter()
            .rposition(|&c| is_delimiter(c))
            .map_or(pos, |p| pos + p + 1);
        let end = data[i..]
            .iter()
            .position(|&c| is_delimiter(c))
            .map_or(data.len(), |p| i + p);
        pos = end;
        if end - start < MIN_PERCENT {
            continue;
        }
        let mut bytes = Vec::with_capacity(end - start);
        let mut j = start;
        while j < end {
            match (data[j], escape_at(&data[..end], j)) {
                (b'%', Some(b)) => {
                    bytes.push(b);
                    j += 3;
                }
                (c, _) => {
                    bytes.push(c);
                    j += 1;
                }
            }
        }
        out.push(Run {
            encoding: Encoding::Percent,
            span: start..end,
            bytes,
            offsets: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_escapes_is_one_run() {
        let data = b"url = \"https://db.local/?password=p%40ss%2Fw0rd%21\" # x";
        let found = runs(data);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &data[found[0].span.clone()],
            b"https://db.local/?password=p%40ss%2Fw0rd%21"
        );
        assert_eq!(found[0].bytes, b"https://db.local/?password=p@ss/w0rd!");
    }

    #[test]
    fn percent_signs_that_are_not_escapes_are_ignored() {
        assert!(runs(b"printf(\"%s is 100% done\", name_of_the_thing)").is_empty());
        assert!(runs(b"%4").is_empty());
    }
}
