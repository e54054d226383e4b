//! What verification says of a finding, and the run's totals.

use std::fmt;

/// Why a finding's secret was not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unchecked {
    /// `--verify` was not given.
    NotAsked,
    /// The rule has no verifier.
    NoVerifier,
    /// The verifier needs a partner (a key id) not found in the same file.
    NoPair,
}

impl Unchecked {
    /// Why, in a few words.
    pub fn as_str(self) -> &'static str {
        match self {
            Unchecked::NotAsked => "not checked (no --verify)",
            Unchecked::NoVerifier => "no verifier for this rule",
            Unchecked::NoPair => "its key id was not found in the same file",
        }
    }
}

/// A finding's verification state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Not checked.
    Unknown(Unchecked),
    /// The provider accepted it, maybe naming the account.
    Live {
        /// The account (login, id, ARN) the provider named; never the secret.
        identity: Option<String>,
    },
    /// The provider rejected it: revoked, expired or invalid.
    Revoked,
    /// No answer: timeout, rate limit, network, unexpected response.
    Error(String),
}

impl Default for Verification {
    fn default() -> Self {
        Verification::Unknown(Unchecked::NotAsked)
    }
}

impl Verification {
    /// `live`, `revoked`, `unknown` or `error`.
    pub fn state(&self) -> &'static str {
        match self {
            Verification::Unknown(_) => "unknown",
            Verification::Live { .. } => "live",
            Verification::Revoked => "revoked",
            Verification::Error(_) => "error",
        }
    }

    /// The identity, for live secrets that have one.
    pub fn identity(&self) -> Option<&str> {
        match self {
            Verification::Live { identity } => identity.as_deref(),
            _ => None,
        }
    }

    /// Why it is unknown or an error.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verification::Unknown(why) => Some(why.as_str()),
            Verification::Error(why) => Some(why),
            _ => None,
        }
    }

    /// Whether the provider said it is live.
    pub fn is_live(&self) -> bool {
        matches!(self, Verification::Live { .. })
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.state())?;
        match (self.identity(), self.reason()) {
            (Some(id), _) => write!(f, ": {id}"),
            (_, Some(why)) => write!(f, " ({why})"),
            _ => Ok(()),
        }
    }
}

/// Totals of one verification run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Distinct secrets asked about.
    pub checked: usize,
    /// Of those, live.
    pub live: usize,
    /// Revoked or invalid.
    pub revoked: usize,
    /// No answer.
    pub errors: usize,
    /// Findings left unknown (no verifier, no pair).
    pub unknown: usize,
}

impl Summary {
    /// Counts one distinct secret's result.
    pub fn count(&mut self, v: &Verification) {
        match v {
            Verification::Live { .. } => self.live += 1,
            Verification::Revoked => self.revoked += 1,
            Verification::Error(_) => self.errors += 1,
            Verification::Unknown(_) => {}
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "verified {} distinct secret(s): {} live, {} revoked, {} error(s); {} finding(s) unknown",
            self.checked, self.live, self.revoked, self.errors, self.unknown
        )
    }
}
