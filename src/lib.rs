//! leakhound: a fast secret-leak scanner.
//!
//! ```text
//! Source --Blob--> unpack::Unpacker --> Detector(RuleSet) --Finding--> scan::run --Report--> report::render
//!                                             ^
//!                         Config --> RuleSet (compiled once, shared by all threads)
//! ```
//!
//! One entry point: build a [`scan::Plan`] (the CLI does it from the flags
//! in `cli::plan`) and call [`scan::run`]. The unpack stage runs the
//! detector on each blob, on the decoded text of its encoded runs and on the
//! members of archives. ARCHITECTURE.md says which module may import which.

pub mod baseline;
pub mod calendar;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod detect;
pub mod finding;
pub mod percent;
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
pub use scan::{run, Plan};
