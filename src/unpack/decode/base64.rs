//! Base64, base64url and hex runs: a class table, looked up at every
//! eighth byte until a run may be there, finds each maximal run of the
//! base64 alphabets (plus padding) of at least 16 bytes; a
//! run of hex digits only is hex, one using `-`/`_` is base64url, others
//! are base64. A run mixing both base64 alphabets is neither.

use std::ops::Range;

use super::{Encoding, Run};

/// Shortest base64 run decoded (12 bytes of content).
pub const MIN_BASE64: usize = 16;
/// Shortest hex run decoded (16 bytes of content).
pub const MIN_HEX: usize = 32;
/// Characters decoded first, to tell noise from content cheaply.
const PROBE: usize = 12;

const ALNUM: u8 = 1;
const STD: u8 = 2;
const URL: u8 = 4;
const HEX: u8 = 8;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => ALNUM | HEX,
            b'g'..=b'z' | b'G'..=b'Z' => ALNUM,
            b'+' | b'/' => STD,
            b'-' | b'_' => URL,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Distance between the positions [`runs`] samples: a run of
/// [`MIN_BASE64`] bytes or more holds two consecutive samples.
const STRIDE: usize = MIN_BASE64 / 2;

/// The decodable base64, base64url and hex runs of `data`. Only every
/// [`STRIDE`]th byte is looked up until two consecutive samples and the bytes
/// between them are in the alphabets; the run around them is then measured.
pub fn runs(data: &[u8]) -> Vec<Run> {
    let inside = |i: usize| CLASS[usize::from(data[i])] != 0;
    let mut out = Vec::new();
    // Sample positions `q` and `q + STRIDE`; runs ending before `q` are done.
    let mut q = 0;
    while q + STRIDE < data.len() {
        if !inside(q + STRIDE) {
            q += 2 * STRIDE;
            continue;
        }
        if !inside(q) || !(q + 1..q + STRIDE).all(inside) {
            q += STRIDE;
            continue;
        }
        let start = (0..q).rev().find(|&i| !inside(i)).map_or(0, |i| i + 1);
        let end = (q + STRIDE + 1..data.len())
            .find(|&i| !inside(i))
            .unwrap_or(data.len());
        if end - start >= MIN_BASE64 {
            out.extend(decode_run(data, start..end));
        }
        // The first sample after the run.
        q = (end / STRIDE + 1) * STRIDE;
    }
    out
}

/// The run whose characters are `data[core]` (and the padding after them),
/// decoded; `None` if it is not one or decodes to noise.
fn decode_run(data: &[u8], core: Range<usize>) -> Option<Run> {
    let mut padded = core.end;
    while padded < data.len() && data[padded] == b'=' && padded - core.end < 2 {
        padded += 1;
    }
    let text = &data[core.clone()];
    let (any, all) = text.iter().fold((0u8, HEX), |(any, all), &c| {
        let c = CLASS[c as usize];
        (any | c, all & c)
    });
    let hex_run = all == HEX && padded == core.end && text.len() >= MIN_HEX && text.len() % 2 == 0;
    let encoding = if hex_run {
        Encoding::Hex
    } else if any & STD != 0 && any & URL != 0 {
        return None;
    } else if any & URL != 0 {
        Encoding::Base64Url
    } else {
        Encoding::Base64
    };
    // Most runs are identifiers and paths, whose "decoding" is noise:
    // look at the first bytes before decoding the whole run.
    let mut head = [0u8; PROBE];
    let mut n = 0;
    decode(encoding, &text[..PROBE], |b| {
        head[n] = b;
        n += 1;
    });
    if !super::may_be_worth_decoding(&head[..n]) {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    decode(encoding, text, |b| bytes.push(b));
    Some(Run {
        encoding,
        span: core.start..padded,
        bytes,
        offsets: None,
    })
}

fn sextet(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    }
}

fn hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// Decodes `text` (all in the alphabet of `encoding`) byte by byte into
/// `push`. Base64 is read unpadded; a dangling sixth bit group is dropped.
fn decode(encoding: Encoding, text: &[u8], mut push: impl FnMut(u8)) {
    if encoding == Encoding::Hex {
        for p in text.chunks_exact(2) {
            push(hex_digit(p[0]) << 4 | hex_digit(p[1]));
        }
        return;
    }
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        acc = (acc << 6) | u32::from(sextet(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(data: &[u8]) -> Run {
        let found = runs(data);
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn base64_with_and_without_padding() {
        let r = one(b"x = \"dXNlcjpodW50ZXIyaHVudGVyMg==\";");
        assert_eq!(r.encoding, Encoding::Base64);
        assert_eq!(r.bytes, b"user:hunter2hunter2");
        assert_eq!(r.span, 5..33);
        assert_eq!(
            one(b"dXNlcjpodW50ZXIyaHVudGVyMg").bytes,
            b"user:hunter2hunter2"
        );
    }

    #[test]
    fn base64url_and_hex() {
        let r = one(b"t=PD94bWwgdmVyc2lvbj0iMS4wIj8-PGE-");
        assert_eq!(r.encoding, Encoding::Base64Url);
        assert_eq!(r.bytes, b"<?xml version=\"1.0\"?><a>");
        // Too short for hex; as base64 it decodes to noise.
        assert!(runs(b"k: 757365723a68756e746572326875").is_empty());
        let r = one(b"k: 757365723a68756e7465723268756e74");
        assert_eq!(r.encoding, Encoding::Hex);
        assert_eq!(r.bytes, b"user:hunter2hunt");
    }

    /// The maximal runs of at least `MIN_BASE64` bytes, byte by byte.
    fn every_run(data: &[u8]) -> Vec<Run> {
        let mut out = Vec::new();
        let mut len = 0usize;
        for (i, &c) in data.iter().enumerate() {
            let inside = usize::from(CLASS[c as usize] != 0);
            if len >= MIN_BASE64 && inside == 0 {
                out.extend(decode_run(data, i - len..i));
            }
            len = (len + 1) * inside;
        }
        if len >= MIN_BASE64 {
            out.extend(decode_run(data, data.len() - len..data.len()));
        }
        out
    }

    #[test]
    fn sampling_finds_every_run() {
        let text = "dXNlcjpodW50ZXIyaHVudGVyMg== x dXNlcjpodW50ZXIy\n";
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..300 {
            let mut data = Vec::new();
            while data.len() < 200 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = seed as usize % text.len();
                let n = (seed >> 32) as usize % 40;
                data.extend(text.as_bytes()[at..].iter().take(n));
            }
            for cut in [0, 1, 7, 8, 9, 15, 16, 17] {
                let part = &data[cut.min(data.len())..];
                assert_eq!(
                    runs(part),
                    every_run(part),
                    "{:?}",
                    String::from_utf8_lossy(part)
                );
            }
        }
    }

    #[test]
    fn short_and_mixed_runs_are_not_runs() {
        assert!(runs(b"abc def ghi").is_empty());
        assert!(runs(b"a-b_c/d+e-f_g/h+i-j_k").is_empty());
    }
}
