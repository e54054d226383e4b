//! Checksums that some providers build into their tokens. A rule names one
//! with the leakhound key `checksum = "NAME"`; a match whose secret fails it
//! is a look-alike (a typo, a made-up sample), not a secret, and is dropped.

/// A token checksum scheme a rule can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub's and npm's format: `prefix_` + 30 base62 characters + the
    /// CRC32 (IEEE) of those 30 characters in 6 base62 digits
    /// (`0-9A-Za-z`, most significant first, zero-padded).
    GithubCrc32,
}

/// The base62 digits in value order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// Every name accepted by `checksum = "..."`.
    pub const NAMES: &'static [&'static str] = &["github-crc32"];

    /// The scheme called `name`, if there is one.
    pub fn parse(name: &str) -> Option<Checksum> {
        match name {
            "github-crc32" => Some(Checksum::GithubCrc32),
            _ => None,
        }
    }

    /// The name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "github-crc32",
        }
    }

    /// Whether `secret` carries a valid checksum.
    pub fn verify(self, secret: &[u8]) -> bool {
        match self {
            Checksum::GithubCrc32 => github_crc32(secret),
        }
    }
}

/// `secret` ends in `_` + 30 base62 characters + their CRC32 in 6 base62
/// digits.
fn github_crc32(secret: &[u8]) -> bool {
    let Some(body) = secret
        .len()
        .checked_sub(36)
        .and_then(|i| secret.get(i..))
        .filter(|_| secret.len() == 36 || secret[secret.len() - 37] == b'_')
    else {
        return false;
    };
    let (random, sum) = body.split_at(30);
    random.iter().all(u8::is_ascii_alphanumeric) && base62(crc32fast::hash(random), 6) == sum
}

/// `n` in `width` base62 digits, most significant first.
fn base62(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_crc32_matches_a_published_test_vector() {
        // An independent implementation's unit test: these 30 characters
        // have the checksum "2oIfSC".
        assert_eq!(
            crc32fast::hash(b"fIkRGaBu5PeKsznMzXQOg3kETH1Sgx"),
            0x9983_7EC8
        );
        assert_eq!(base62(0x9983_7EC8, 6), b"2oIfSC");
        let token = format!("{}_fIkRGaBu5PeKsznMzXQOg3kETH1Sgx2oIfSC", "ghp");
        assert!(Checksum::GithubCrc32.verify(token.as_bytes()));
    }

    #[test]
    fn one_changed_character_fails() {
        let token = format!("{}_fIkRGaBu5PeKsznMzXQOg3kETH1Sgx2oIfSD", "ghp");
        assert!(!Checksum::GithubCrc32.verify(token.as_bytes()));
        let token = format!("{}_gIkRGaBu5PeKsznMzXQOg3kETH1Sgx2oIfSC", "npm");
        assert!(!Checksum::GithubCrc32.verify(token.as_bytes()));
    }

    #[test]
    fn wrong_lengths_fail_without_panicking() {
        for s in [
            "",
            "_",
            "ghp_abc",
            "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X",
        ] {
            assert!(!Checksum::GithubCrc32.verify(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn names_round_trip() {
        for name in Checksum::NAMES {
            assert_eq!(Checksum::parse(name).map(Checksum::name), Some(*name));
        }
        assert_eq!(Checksum::parse("crc32"), None);
    }
}
