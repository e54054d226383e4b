//! The enumerated values of the config schema, parsed by serde when a file
//! is loaded, so a bad value is reported with its file and line. Names are
//! matched as gitleaks does (case-insensitive where it is).

use serde::{Deserialize, Serialize};

/// How bad a leak of this kind is (`severity = "high"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium (the default for user rules).
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl TryFrom<String> for Severity {
    type Error = String;

    fn try_from(s: String) -> Result<Severity, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(&s))
            .ok_or_else(|| {
                format!("severity '{s}' is not one of critical, high, medium, low, info")
            })
    }
}

/// How an allowlist combines its criteria (`condition = "AND"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Condition {
    /// Allowed when any present criterion holds (the default).
    #[default]
    Or,
    /// Allowed when every present criterion holds.
    And,
}

impl TryFrom<String> for Condition {
    type Error = String;

    fn try_from(s: String) -> Result<Condition, String> {
        match s.to_ascii_uppercase().as_str() {
            "" | "OR" | "||" => Ok(Condition::Or),
            "AND" | "&&" => Ok(Condition::And),
            _ => Err(format!("allowlist condition '{s}' is not AND or OR")),
        }
    }
}

/// What an allowlist's `regexes` are tested against (`regexTarget`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum RegexTarget {
    /// The secret (default).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The line(s) of the match.
    Line,
}

impl TryFrom<String> for RegexTarget {
    type Error = String;

    fn try_from(s: String) -> Result<RegexTarget, String> {
        match s.as_str() {
            "" | "secret" => Ok(RegexTarget::Secret),
            "match" => Ok(RegexTarget::Match),
            "line" => Ok(RegexTarget::Line),
            _ => Err(format!(
                "allowlist regexTarget '{s}' is not secret, match or line"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_gitleaks_spells_them() {
        assert_eq!(Severity::try_from("HIGH".to_string()), Ok(Severity::High));
        assert_eq!(Condition::try_from("&&".to_string()), Ok(Condition::And));
        assert_eq!(Condition::try_from(String::new()), Ok(Condition::Or));
        assert_eq!(
            RegexTarget::try_from("line".to_string()),
            Ok(RegexTarget::Line)
        );
        assert!(Condition::try_from("XOR".to_string())
            .unwrap_err()
            .contains("XOR"));
    }
}
