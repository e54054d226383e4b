//! The rule files under `rules/`, embedded at build time by `build.rs`: each
//! file's TOML text and the same content as JSON (parsed and checked when
//! the binary is built). Nothing here compiles a regex.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
