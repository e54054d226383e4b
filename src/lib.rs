//! leakhound: a fast secret-leak scanner.
//!
//! ```text
//! Source --bytes+Origin--> Detector(RuleSet) --Finding--> scan::run --Report--> report::render
//!                               ^
//!               Config --> RuleSet (compiled once, shared by all threads)
//! ```
//!
//! `scan::run` hands each blob to [`unpack::Unpacker`], which runs the
//! detector on it, on the decoded text of its encoded runs and on the
//! members of archives.

pub mod baseline;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod detect;
pub mod finding;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod sniff;
pub mod sources;
pub mod sync;
pub mod unpack;
pub mod verify;

pub use config::Config;
pub use detect::{DetectOptions, Detector};
pub use finding::{Finding, Origin, Secret};
pub use report::Report;
pub use rules::{Rule, RuleSet};
