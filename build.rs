//! Embeds every `rules/*.toml` into the binary, parsed at build time: writes
//! `OUT_DIR/builtin_rules.rs` with each file's TOML text (`include_str!`,
//! sorted by name, so rustc tracks each file) and the same content as JSON,
//! which loads several times faster than TOML at every start. The rules'
//! examples are a JSON of their own, read only by the self-test: they are a
//! third of the text, and a scan does not need them. A rule file that is not
//! valid TOML fails the build.

use std::{env, fs, path::PathBuf};

use serde::Deserialize;

/// A rule file's rule ids with their byte spans (JSON has no spans).
#[derive(Deserialize)]
struct Ids {
    #[serde(default)]
    rules: Vec<Id>,
}

#[derive(Deserialize)]
struct Id {
    id: toml::Spanned<String>,
}

/// The keys of a rule's examples, which go to the examples JSON.
const EXAMPLE_KEYS: [&str; 3] = ["examples", "negativeExamples", "negative_examples"];

/// The file as JSON, without the rules' examples; each rule id is written in
/// the form `toml::Spanned` deserializes from, so its line is still known.
/// And the examples: `{"rules": [{"examples": [...], ...}, ...]}`, one entry
/// per rule, in order.
fn to_json(name: &str, text: &str) -> (String, String) {
    let fail = |e: toml::de::Error| -> ! { panic!("rules/{name}: {e}") };
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| fail(e));
    let ids: Ids = toml::from_str(text).unwrap_or_else(|e| fail(e));
    let mut json = serde_json::to_value(&table).expect("TOML maps to JSON");
    let mut examples = Vec::new();
    if let Some(rules) = json.get_mut("rules").and_then(|r| r.as_array_mut()) {
        for (rule, id) in rules.iter_mut().zip(&ids.rules) {
            let mut own = serde_json::Map::new();
            if let Some(fields) = rule.as_object_mut() {
                for key in EXAMPLE_KEYS {
                    if let Some(v) = fields.remove(key) {
                        own.insert(key.to_string(), v);
                    }
                }
            }
            examples.push(serde_json::Value::Object(own));
            let span = id.id.span();
            rule["id"] = serde_json::json!({
                serde_spanned::__unstable::START_FIELD: span.start,
                serde_spanned::__unstable::END_FIELD: span.end,
                serde_spanned::__unstable::VALUE_FIELD: id.id.get_ref(),
            });
        }
    }
    let examples = serde_json::json!({ "rules": examples });
    (json.to_string(), examples.to_string())
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut text_table = String::from(
        "/// The embedded rule files: (file name, TOML text).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    let mut json_table = String::from(
        "/// The embedded rule files as JSON, without examples, in the order of [`BUILTIN_RULE_FILES`].\npub static BUILTIN_RULE_JSON: &[&str] = &[\n",
    );
    let mut examples_table = String::from(
        "/// Each embedded rule file's examples as JSON, in the order of [`BUILTIN_RULE_FILES`].\npub static BUILTIN_RULE_EXAMPLES: &[&str] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let (json, examples) = to_json(&name, &text);
        let json_path = out_dir.join(format!("{name}.json"));
        let examples_path = out_dir.join(format!("{name}.examples.json"));
        fs::write(&json_path, json).unwrap();
        fs::write(&examples_path, examples).unwrap();
        text_table.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
        json_table.push_str(&format!(
            "    include_str!({:?}),\n",
            json_path.display().to_string()
        ));
        examples_table.push_str(&format!(
            "    include_str!({:?}),\n",
            examples_path.display().to_string()
        ));
    }
    text_table.push_str("];\n");
    json_table.push_str("];\n");
    examples_table.push_str("];\n");
    fs::write(
        out_dir.join("builtin_rules.rs"),
        text_table + "\n" + &json_table + "\n" + &examples_table,
    )
    .unwrap();
}
