//! Keys a config file sets that leakhound does not read (`keywrods`,
//! `negative_example`): gitleaks ignores them silently, so they are not an
//! error, but each is reported with its file, line and the nearest key the
//! table does have. Which keys are unknown is serde's answer
//! (`serde_ignored`); the known keys are the ones serde derived for the
//! struct; the line comes from the TOML document's spans.

use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use toml_edit::{ImDocument, Item, TableLike, Value};

use super::{AllowlistSyntax, ConfigSyntax, ExtendSyntax, RequiredSyntax, RuleSyntax};
use crate::rules::ContextSyntax;

/// One step of a key's path in the document.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Deserializes the config `text` from `file`, with one warning
/// (`file:line: ...`) per key serde ignored.
pub fn parse(file: &str, text: &str) -> Result<(ConfigSyntax, Vec<String>), toml::de::Error> {
    let (syntax, ignored) = deserialize(text)?;
    Ok((syntax, warnings(file, text, &ignored)))
}

/// Deserializes a config, collecting the path of every key serde ignored.
fn deserialize(text: &str) -> Result<(ConfigSyntax, Vec<Vec<Step>>), toml::de::Error> {
    let mut ignored = Vec::new();
    let syntax = serde_ignored::deserialize(toml::Deserializer::new(text), |path| {
        ignored.push(steps(&path))
    })?;
    Ok((syntax, ignored))
}

/// One warning (`file:line: ...`) per ignored key path.
fn warnings(file: &str, text: &str, ignored: &[Vec<Step>]) -> Vec<String> {
    let doc = ImDocument::parse(text).ok();
    ignored
        .iter()
        .map(|path| {
            let line = doc
                .as_ref()
                .and_then(|d| key_span(d.as_table(), path))
                .map_or(1, |span| super::line_of(text, span.start));
            let keys: Vec<&str> = path
                .iter()
                .filter_map(|s| match s {
                    Step::Key(k) => Some(k.as_str()),
                    Step::Index(_) => None,
                })
                .collect();
            let (table, key) = keys.split_at(keys.len().saturating_sub(1));
            let key = key.first().copied().unwrap_or_default();
            let place = if table.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in [{}]", table.join("."))
            };
            let hint = nearest(key, known_keys(table))
                .map_or_else(String::new, |k| format!(" (did you mean '{k}'?)"));
            format!("{file}:{line}: unknown key '{key}' {place}{hint}; ignored")
        })
        .collect()
}

fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => steps(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Step::Index(*index)),
        Path::Map { key, .. } => out.push(Step::Key(key.clone())),
        _ => {}
    }
    out
}

/// The span of the last key of `path` in `table`.
fn key_span(table: &dyn TableLike, path: &[Step]) -> Option<Range<usize>> {
    let (Step::Key(k), rest) = path.split_first()? else {
        return None;
    };
    let (key, item) = table.get_key_value(k)?;
    let inner = match rest.first() {
        None => return key.span(),
        Some(Step::Index(i)) => match item {
            Item::ArrayOfTables(a) => a.get(*i).map(|t| t as &dyn TableLike),
            Item::Value(Value::Array(a)) => a
                .get(*i)
                .and_then(Value::as_inline_table)
                .map(|t| t as &dyn TableLike),
            _ => None,
        },
        Some(Step::Key(_)) => item.as_table_like(),
    }?;
    let rest = match rest.first() {
        Some(Step::Index(_)) => &rest[1..],
        _ => rest,
    };
    key_span(inner, rest).or_else(|| key.span())
}

/// The keys serde knows for the table at `table` (its key names, indices
/// left out).
fn known_keys(table: &[&str]) -> &'static [&'static str] {
    match table {
        [] => fields::<ConfigSyntax>(),
        ["extend"] => fields::<ExtendSyntax>(),
        ["rules"] => fields::<RuleSyntax>(),
        ["rules", "required"] => fields::<RequiredSyntax>(),
        ["rules", "context"] => fields::<ContextSyntax>(),
        ["allowlist" | "allowlists"] | ["rules", "allowlist" | "allowlists"] => {
            fields::<AllowlistSyntax>()
        }
        _ => &[],
    }
}

/// The field names serde derived for `T` (what `deserialize_struct` is
/// told), read by a deserializer that records them and stops.
fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The known key closest to `key` (case-insensitive edit distance), if it
/// is close enough to be a typo.
fn nearest(key: &str, known: &'static [&'static str]) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (distance(&key, &k.to_ascii_lowercase()), *k))
        .filter(|&(d, k)| d <= (k.len() / 3).max(2))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, `_` and `-` ignored (`negative_example`).
fn distance(a: &str, b: &str) -> usize {
    let clean = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .collect::<Vec<_>>()
    };
    let (a, b) = (clean(a), clean(b));
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(text: &str) -> Vec<String> {
        parse("lh.toml", text).unwrap().1
    }

    #[test]
    fn unknown_keys_name_file_line_and_the_nearest_key() {
        let text = "title = 't'\n[[rules]]\nid = 'a'\nregex = 'x'\nkeywrods = ['x']\nnegative_example = ['y']\n[[rules.allowlists]]\nstopword = ['z']\n[extend]\nuse_default = false\nfoo = 1\n";
        assert_eq!(
            warn(text),
            [
                "lh.toml:5: unknown key 'keywrods' in [rules] (did you mean 'keywords'?); ignored",
                "lh.toml:6: unknown key 'negative_example' in [rules] (did you mean 'negativeExamples'?); ignored",
                "lh.toml:8: unknown key 'stopword' in [rules.allowlists] (did you mean 'stopwords'?); ignored",
                "lh.toml:10: unknown key 'use_default' in [extend] (did you mean 'useDefault'?); ignored",
                "lh.toml:11: unknown key 'foo' in [extend]; ignored",
            ]
        );
    }

    #[test]
    fn known_keys_come_from_serde() {
        assert!(fields::<RuleSyntax>().contains(&"secretGroup"));
        assert!(fields::<AllowlistSyntax>().contains(&"regexTarget"));
    }
}
