//! The rule files under `rules/`, embedded at build time by `build.rs`.
//! Syntax only: nothing here parses TOML or compiles a regex.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
