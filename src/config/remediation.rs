//! `[remediation]`: what to do about a leak, written once per rule file (for
//! all its rules) and optionally per rule (`[rules.remediation]`, which
//! wins field by field).

use serde::{Deserialize, Serialize};

/// Where to revoke a credential, how to rotate it, where its use is logged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// The provider page (or API documentation) where the credential is revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
    /// How to rotate it without an outage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotate: Option<String>,
    /// The provider's audit or usage logs, to look for use of the leaked one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<String>,
}

impl Remediation {
    /// This one, its missing fields taken from `fallback`.
    pub fn or(mut self, fallback: &Remediation) -> Remediation {
        self.revoke = self.revoke.or_else(|| fallback.revoke.clone());
        self.rotate = self.rotate.or_else(|| fallback.rotate.clone());
        self.logs = self.logs.or_else(|| fallback.logs.clone());
        self
    }

    /// The URLs it holds (`revoke`, `logs`).
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.revoke.iter().chain(&self.logs).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_field_wins_over_the_file_field() {
        let file = Remediation {
            revoke: Some("https://a".into()),
            rotate: Some("r".into()),
            logs: None,
        };
        let rule = Remediation {
            revoke: Some("https://b".into()),
            ..Remediation::default()
        };
        let got = rule.or(&file);
        assert_eq!(got.revoke.as_deref(), Some("https://b"));
        assert_eq!(got.rotate.as_deref(), Some("r"));
        assert_eq!(got.logs, None);
    }
}
