//! What bytes are, told by their first bytes: binary (a NUL early on), an
//! archive (magic bytes), or a file with the [`Magic`] bytes a `file` rule
//! names (a keystore). Shared by the sources, which skip binary files but
//! those, the unpack stage, which opens archives, and the rules. Pure: no
//! I/O, no scanning.

/// Bytes of the first block checked for NUL to call content binary.
pub const BINARY_PROBE: usize = 8 * 1024;

/// Whether `data` looks binary: a NUL byte in its first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// A container or compressed-stream format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// Zip, and formats built on it (jar, war, apk, docx).
    Zip,
    /// POSIX / GNU tar.
    Tar,
    /// gzip (one stream; `.tar.gz` is a gzip holding a tar).
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz.
    Xz,
}

impl ArchiveKind {
    /// Whether this is a compressed stream of one file, not a container.
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            ArchiveKind::Gzip | ArchiveKind::Bzip2 | ArchiveKind::Xz
        )
    }
}

/// The archive format of `data`, by its magic bytes.
pub fn archive_kind(data: &[u8]) -> Option<ArchiveKind> {
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        Some(ArchiveKind::Zip)
    } else if data.starts_with(b"\x1f\x8b") {
        Some(ArchiveKind::Gzip)
    } else if data.starts_with(b"BZh") && data.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        Some(ArchiveKind::Bzip2)
    } else if data.starts_with(b"\xfd7zXZ\x00") {
        Some(ArchiveKind::Xz)
    } else if data.get(257..262) == Some(b"ustar") {
        Some(ArchiveKind::Tar)
    } else {
        None
    }
}

/// Whether `head` starts with the magic bytes of a compressed format (a tar
/// is told by bytes further in, so it is not named here).
pub fn starts_like_archive(head: &[u8]) -> bool {
    [
        &b"PK\x03\x04"[..],
        b"PK\x05\x06",
        b"\x1f\x8b",
        b"BZh",
        b"\xfd7zXZ\x00",
    ]
    .iter()
    .any(|m| head.starts_with(&m[..m.len().min(head.len())]) && head.len() >= 2)
}

/// Magic bytes: the first bytes a file starts with, written in hex with
/// `??` for any byte (`30 82 ?? ?? 02 01 03`); `None` stands for any byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Magic(Vec<Option<u8>>);

impl Magic {
    /// Parses hex pairs (spaces allowed between them) and `??` wildcards.
    pub fn parse(text: &str) -> Result<Magic, String> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if digits.is_empty() || digits.len() % 2 != 0 {
            return Err(format!(
                "magic '{text}': needs whole bytes, two hex digits each"
            ));
        }
        let bytes = digits
            .chunks(2)
            .map(|pair| match pair {
                b"??" => Ok(None),
                _ => std::str::from_utf8(pair)
                    .ok()
                    .and_then(|p| u8::from_str_radix(p, 16).ok())
                    .map(Some)
                    .ok_or_else(|| format!("magic '{text}': not hex or '??'")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Magic(bytes))
    }

    /// Whether `data` starts with these bytes.
    pub fn starts(&self, data: &[u8]) -> bool {
        data.len() >= self.0.len()
            && self
                .0
                .iter()
                .zip(data)
                .all(|(want, got)| want.is_none_or(|w| w == *got))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_hex_and_wildcards() {
        let m = Magic::parse("30 82 ?? ?? 02 01 03").unwrap();
        assert!(m.starts(b"\x30\x82\x0a\x0b\x02\x01\x03rest"));
        assert!(!m.starts(b"\x30\x82\x0a\x0b\x02\x01\x02rest"));
        assert!(!m.starts(b"\x30\x82"));
        assert!(Magic::parse("FEEDFEED")
            .unwrap()
            .starts(b"\xfe\xed\xfe\xed\0\0\0\x02"));
        assert!(Magic::parse("FEE").is_err());
        assert!(Magic::parse("zz").is_err());
    }

    #[test]
    fn magic_bytes_tell_the_kind() {
        assert_eq!(archive_kind(b"\x1f\x8b\x08rest"), Some(ArchiveKind::Gzip));
        assert_eq!(archive_kind(b"PK\x03\x04rest"), Some(ArchiveKind::Zip));
        assert_eq!(archive_kind(b"BZh91AY&SY"), Some(ArchiveKind::Bzip2));
        assert_eq!(archive_kind(b"plain text"), None);
    }

    #[test]
    fn a_nul_in_the_first_block_is_binary() {
        assert!(is_binary(b"ab\0cd"));
        assert!(!is_binary(b"text"));
        let mut late = vec![b'a'; BINARY_PROBE];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
