//! Arbitrary text as a user config file without the built-in rules (TOML,
//! user regexes, allowlists): load it, compile every rule, and scan the
//! text itself with the result.
#![no_main]

use std::io::Write;

use leakhound::config::Examples;
use leakhound::{Config, DetectOptions, Detector, Origin, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // An [extend] path may name any file; keep the fuzzer off the disk.
    if text.contains("extend") {
        return;
    }
    // Without the built-in rules: compiling them on every input would leave
    // the fuzzer a few runs a minute for the user's own rules.
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(b"[extend]\nuseDefault = false\n\n")
        .expect("write config");
    file.write_all(data).expect("write config");
    let Ok(config) = Config::load(file.path(), Examples::Skip) else {
        return;
    };
    let Ok(rules) = RuleSet::new(&config) else {
        return;
    };
    for rule in rules.rules() {
        let _ = rule.check_regex();
    }
    let origin = Origin::Stdin {
        label: "fuzz".into(),
    };
    Detector::new(&rules, DetectOptions::default()).scan(data, &origin);
});
