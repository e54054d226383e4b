//! Arbitrary bytes through the full built-in rule set, as standard input
//! and as a file (so path rules and path allowlists run too).
#![no_main]

use std::{path::PathBuf, sync::OnceLock};

use leakhound::{Config, DetectOptions, Detector, Origin, RuleSet};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::new(&Config::builtin().expect("built-in rules")).expect("rules"))
}

fuzz_target!(|data: &[u8]| {
    let detector = Detector::new(rules(), DetectOptions::default());
    let stdin = Origin::Stdin {
        label: "fuzz".into(),
    };
    for f in detector.scan(data, &stdin) {
        assert!(f.span.start <= f.span.end && f.span.end <= data.len());
        assert!(f.start.line <= f.end.line);
    }
    let file = Origin::File {
        path: PathBuf::from("src/config/.env"),
    };
    detector.scan(data, &file);
});
