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
    /// NATS nkey seeds: 58 characters of base32 (RFC 4648, no padding) over
    /// two prefix bytes, 32 key bytes and the CRC16 (XMODEM) of the first
    /// 34 bytes, little-endian.
    NkeyCrc16,
    /// HTTP Basic credentials: base64 of `user:password` (RFC 7617), decoded
    /// and checked to be printable text with a user, a `:` and a password
    /// that is not a placeholder.
    BasicAuthPair,
}

/// The base62 digits in value order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// Every name accepted by `checksum = "..."`.
    pub const NAMES: &'static [&'static str] = &["github-crc32", "nkey-crc16", "basic-auth-pair"];

    /// The scheme called `name`, if there is one.
    pub fn parse(name: &str) -> Option<Checksum> {
        match name {
            "github-crc32" => Some(Checksum::GithubCrc32),
            "nkey-crc16" => Some(Checksum::NkeyCrc16),
            "basic-auth-pair" => Some(Checksum::BasicAuthPair),
            _ => None,
        }
    }

    /// The name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "github-crc32",
            Checksum::NkeyCrc16 => "nkey-crc16",
            Checksum::BasicAuthPair => "basic-auth-pair",
        }
    }

    /// What a secret must be to pass, in words (for `explain`).
    pub fn requirement(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "its last 6 characters are not the CRC32 of the 30 before",
            Checksum::NkeyCrc16 => "its base32 does not end in the CRC16 of the seed",
            Checksum::BasicAuthPair => {
                "decoded, it is not user:password with a password that is not a placeholder"
            }
        }
    }

    /// Whether `secret` carries a valid checksum.
    pub fn verify(self, secret: &[u8]) -> bool {
        match self {
            Checksum::GithubCrc32 => github_crc32(secret),
            Checksum::NkeyCrc16 => nkey_crc16(secret),
            Checksum::BasicAuthPair => basic_auth_user(secret).is_some(),
        }
    }
}

/// The RFC 4648 base32 alphabet, upper case, no padding, decoded; `None` on
/// any other character.
fn base32_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// CRC-16/XMODEM (polynomial 0x1021, initial value 0), as nkeys computes it.
fn crc16_xmodem(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// A 58-character nkey seed whose last two decoded bytes are the CRC16 of
/// the 34 before them.
fn nkey_crc16(secret: &[u8]) -> bool {
    if secret.len() != 58 || secret[0] != b'S' {
        return false;
    }
    let Some(raw) = base32_decode(secret).filter(|r| r.len() == 36) else {
        return false;
    };
    let (body, sum) = raw.split_at(34);
    crc16_xmodem(body) == u16::from_le_bytes([sum[0], sum[1]])
}

/// Standard base64 (RFC 4648 section 4), padding optional; `None` on any
/// other character or an impossible length.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Passwords that only stand in for one, in docs and samples.
const PLACEHOLDER_PASSWORDS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "changeme",
    "test",
    "testing",
    "xxx",
    "xxxx",
    "foo",
    "bar",
    "baz",
    "user",
    "admin",
    "root",
    "guest",
    "example",
    "dummy",
    "none",
    "null",
    "token",
    "api_key",
    "apikey",
    "placeholder",
    "redacted",
];

/// The user of base64 `user:password` credentials (RFC 7617): valid base64,
/// decoding to printable text with a non-empty user (no spaces) and a
/// password of 3 characters or more that is not a placeholder, a value
/// naming itself a password (`testpassword`, `my_passwd`) or a template
/// reference.
pub fn basic_auth_user(secret: &[u8]) -> Option<String> {
    let raw = base64_decode(secret)?;
    let text = std::str::from_utf8(&raw).ok()?;
    if text.chars().any(|c| c.is_control()) {
        return None;
    }
    let (user, password) = text.split_once(':')?;
    if !password.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return None;
    }
    let lower = password.to_ascii_lowercase();
    let placeholder = PLACEHOLDER_PASSWORDS
        .iter()
        .any(|p| lower.trim_end_matches(|c: char| c.is_ascii_digit()) == *p)
        || lower
            .chars()
            .all(|c| c == lower.chars().next().unwrap_or('x'))
        || lower.contains("password")
        || lower.contains("passwd")
        || ["${", "{{", "<", "%s", "$("]
            .iter()
            .any(|t| password.starts_with(t));
    let ok = !user.is_empty()
        && user.len() <= 128
        && !user.contains(' ')
        && password.chars().count() >= 3
        && !placeholder;
    ok.then(|| user.to_string())
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

    /// Base32 without padding, for building test seeds.
    fn base32(data: &[u8]) -> String {
        const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let (mut acc, mut bits, mut out) = (0u32, 0u32, String::new());
        for &b in data {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(A[((acc >> bits) & 31) as usize] as char);
            }
            acc &= (1 << bits) - 1;
        }
        if bits > 0 {
            out.push(A[((acc << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    /// A user seed ("SU...") over `key`, with its CRC16.
    fn user_seed(key: [u8; 32]) -> String {
        let mut raw = vec![0x90 | (160 >> 5), 0];
        raw.extend_from_slice(&key);
        let sum = crc16_xmodem(&raw).to_le_bytes();
        raw.extend_from_slice(&sum);
        base32(&raw)
    }

    #[test]
    fn crc16_xmodem_check_value() {
        // The CRC catalogue's check value of CRC-16/XMODEM.
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
    }

    #[test]
    fn an_nkey_seed_with_its_crc_passes_and_a_changed_one_fails() {
        let seed = user_seed(*b"leakhound-nkey-test-vector-32by!");
        assert_eq!(seed.len(), 58);
        assert!(seed.starts_with("SUA"), "{seed}");
        assert!(Checksum::NkeyCrc16.verify(seed.as_bytes()));
        let mut bad = seed.into_bytes();
        bad[20] = if bad[20] == b'A' { b'B' } else { b'A' };
        assert!(!Checksum::NkeyCrc16.verify(&bad));
        assert!(!Checksum::NkeyCrc16.verify(b"SUA"));
    }

    #[test]
    fn basic_auth_pairs_are_decoded() {
        use base64::Engine;
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            basic_auth_user(enc("deploy:Wk9!qTz").as_bytes()).as_deref(),
            Some("deploy")
        );
        for not in [
            "user:pass",
            "admin:password1",
            "nocolon",
            ":Wk9!qTz",
            "u:xx",
            "u:${PW}",
            "testuser:testpassword",
            "svc:My_Passwd7",
        ] {
            assert_eq!(basic_auth_user(enc(not).as_bytes()), None, "{not}");
        }
        assert_eq!(basic_auth_user(b"Authentication"), None);
        assert!(!Checksum::BasicAuthPair.verify(b"%%%%"));
    }

    #[test]
    fn names_round_trip() {
        for name in Checksum::NAMES {
            assert_eq!(Checksum::parse(name).map(Checksum::name), Some(*name));
        }
        assert_eq!(Checksum::parse("crc32"), None);
    }
}
