//! Arbitrary bytes through the full built-in rule set, the way a scan runs
//! them: the detector plus decoding (base64, hex, percent, escaped strings)
//! and archives (zip, tar, gzip, bzip2, xz), as standard input and as a file
//! (so path rules and path allowlists run too).
#![no_main]

use std::{path::PathBuf, sync::OnceLock};

use leakhound::detect::Focus;
use leakhound::unpack::{UnpackOptions, Unpacker};
use leakhound::{Config, DetectOptions, Detector, Origin, RuleSet};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::new(&Config::builtin().expect("built-in rules")).expect("rules"))
}

fuzz_target!(|data: &[u8]| {
    let opts = DetectOptions::default();
    let detector = Detector::new(rules(), opts);
    let unpacker = Unpacker::new(&detector, UnpackOptions::default());
    let stdin = Origin::Stdin {
        label: "fuzz".into(),
    };
    for f in unpacker.scan(data, &stdin, Focus::Whole).findings {
        // Findings of archive members point into the member, not `data`.
        if f.origin == stdin {
            assert!(f.span.start <= f.span.end && f.span.end <= data.len());
        }
        assert!(f.start.line <= f.end.line);
    }
    let file = Origin::File {
        path: PathBuf::from("src/config/.env"),
        root: 0,
    };
    unpacker.scan(data, &file, Focus::Whole);
});
