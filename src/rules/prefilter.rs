//! One Aho-Corasick automaton over every rule's keywords (ASCII
//! case-insensitive): which rules may match a byte slice, and where.
//! It does not read files, know sources or run regexes.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// A keyword occurrence for one rule: rule index and byte range of the keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index of the rule in its `RuleSet`.
    pub rule: usize,
    /// Start of the keyword.
    pub start: usize,
    /// End of the keyword.
    pub end: usize,
}

/// The keyword automaton and, per keyword, the rules that name it.
#[derive(Debug)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    rules_of_keyword: Vec<Vec<usize>>,
    keywordless: Vec<usize>,
}

impl Prefilter {
    /// Builds the automaton over `keywords[rule]` for every rule: a DFA
    /// (slower to build, fastest to run) for `bulk` work, else an NFA that
    /// builds in a fraction of the time, for scans of a few small inputs.
    pub fn new<'a>(keywords: impl IntoIterator<Item = &'a [String]>, bulk: bool) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        let mut keywordless = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for (rule, kws) in keywords.into_iter().enumerate() {
            if kws.iter().all(|k| k.is_empty()) {
                keywordless.push(rule);
            }
            for kw in kws.iter().filter(|k| !k.is_empty()) {
                let kw = kw.to_ascii_lowercase();
                match index.get(&kw) {
                    Some(&i) => {
                        if rules_of_keyword[i].last() != Some(&rule) {
                            rules_of_keyword[i].push(rule);
                        }
                    }
                    None => {
                        index.insert(kw.clone(), words.len());
                        words.push(kw);
                        rules_of_keyword.push(vec![rule]);
                    }
                }
            }
        }
        let automaton = (!words.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(if bulk {
                    AhoCorasickKind::DFA
                } else {
                    AhoCorasickKind::ContiguousNFA
                }))
                .build(&words)
                .expect("keyword automaton within size limits")
        });
        Prefilter {
            automaton,
            rules_of_keyword,
            keywordless,
        }
    }

    /// Rules without keywords: they run on every input.
    pub fn keywordless(&self) -> &[usize] {
        &self.keywordless
    }

    /// Every keyword occurrence in `hay`, for every rule naming that keyword,
    /// in order of position.
    /// Lazy: an input with millions of keyword hits is never held as a list.
    pub fn hits<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = Hit> + 'h {
        self.automaton
            .iter()
            .flat_map(move |ac| ac.find_overlapping_iter(hay))
            .flat_map(move |m| {
                self.rules_of_keyword[m.pattern().as_usize()]
                    .iter()
                    .map(move |&rule| Hit {
                        rule,
                        start: m.start(),
                        end: m.end(),
                    })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|ks| ks.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn finds_overlapping_keywords_case_insensitively() {
        let k = kw(&[&["sk-"], &["sk-proj-"], &[]]);
        let p = Prefilter::new(k.iter().map(Vec::as_slice), true);
        let hits: Vec<Hit> = p.hits(b"x SK-PROJ-abc").collect();
        let rules: Vec<usize> = hits.iter().map(|h| h.rule).collect();
        assert_eq!(rules, [0, 1]);
        assert_eq!(p.keywordless(), [2]);
    }

    #[test]
    fn shared_keywords_hit_every_rule() {
        let k = kw(&[&["token"], &["Token"]]);
        let p = Prefilter::new(k.iter().map(Vec::as_slice), true);
        assert_eq!(p.hits(b"token").count(), 2);
        assert_eq!(p.hits(b"nothing here").count(), 0);
    }
}
