//! Percent-encoding (RFC 3986) for URLs the reports and verifiers write.

/// `s` with every byte percent-encoded except ASCII letters, digits and
/// the bytes in `keep`.
pub fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
