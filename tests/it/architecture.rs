//! The layers hold: every `crate::` path in `src/` (outside unit tests) names
//! a module its own module may import, and no module names an external
//! crate it must not use, as ARCHITECTURE.md's "Dependency rules" table says.

use std::{collections::BTreeMap, fs, path::Path};

/// One row of the table: what a module may import and must not use.
struct Rule {
    may_import: Vec<String>,
    any: bool,
    must_not_use: Vec<String>,
}

/// The names in backticks in one table cell.
fn names(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn rules(root: &Path) -> BTreeMap<String, Rule> {
    let doc = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let table = doc
        .split("## Dependency rules")
        .nth(1)
        .expect("a 'Dependency rules' section");
    let mut rules = BTreeMap::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, module, may, not, ..] = cells[..] else {
            panic!("bad row: {line}");
        };
        let rule = Rule {
            may_import: names(may),
            any: may == "every module",
            must_not_use: names(not),
        };
        rules.insert(names(module).remove(0), rule);
    }
    rules
}

/// The source files under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names through `crate::` (paths and
/// `use crate::{a, b::c}` groups).
fn crate_imports(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    _ if item_start && !c.is_whitespace() => {
                        found.push(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.push(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

/// Whether `code` names the external crate or path `name` (`git2`, `std::fs`).
fn names_crate(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && after.is_some_and(|c| c == ':' || c == ';' || c == ' ' || c == ',')
            && (name.contains("::") || code[at + name.len()..].starts_with("::"))
    })
}

/// The module a file belongs to (`src/sources/git/diff.rs` -> `sources`),
/// or `None` for the crate roots.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// Violations of the rules in the code under `src`.
fn violations(src: &Path, rules: &BTreeMap<String, Rule>) -> Vec<String> {
    let mut all = Vec::new();
    files(src, &mut all);
    all.sort();
    let mut bad = Vec::new();
    for file in all {
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        let shown = file
            .strip_prefix(src.parent().unwrap_or(src))
            .unwrap_or(&file);
        let Some(rule) = rules.get(&module) else {
            bad.push(format!(
                "{}: module `{module}` is not in ARCHITECTURE.md's Dependency rules",
                shown.display()
            ));
            continue;
        };
        let text = fs::read_to_string(&file).expect("source file");
        // Unit tests may reach further (a config to build rules from), and
        // comments may name any module.
        let code: String = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or(&text)
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.as_str();
        for import in crate_imports(code) {
            if import != module && !rule.any && !rule.may_import.contains(&import) {
                bad.push(format!(
                    "{}: `{module}` imports crate::{import}, which it must not (it may import: {})",
                    shown.display(),
                    rule.may_import.join(", ")
                ));
            }
        }
        for name in &rule.must_not_use {
            if names_crate(code, name) {
                bad.push(format!(
                    "{}: `{module}` names `{name}`, which it must not use",
                    shown.display()
                ));
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

#[test]
fn modules_import_only_what_architecture_md_allows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = rules(root);
    assert!(rules.len() > 10, "the Dependency rules table was not read");
    let bad = violations(&root.join("src"), &rules);
    assert!(
        bad.is_empty(),
        "imports that break ARCHITECTURE.md's Dependency rules:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let code = "use crate::{finding::Origin, rules::{Rule, RuleSet}};\nlet x = crate::sniff::is_binary(b);";
    assert_eq!(crate_imports(code), ["finding", "rules", "sniff"]);
    assert!(names_crate("use git2::Oid;", "git2"));
    assert!(!names_crate("fn open_git2_thing() {}", "git2"));
    assert!(names_crate("let f = std::fs::read(p);", "std::fs"));
}
