//! One Aho-Corasick automaton over every rule's keywords (ASCII
//! case-insensitive): which rules may match a byte slice, and where.
//! It does not read files, know sources or run regexes.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    OnceLock,
};

use aho_corasick::{
    automaton::OverlappingState, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, BuildError,
    Match, MatchKind,
};

/// What the automaton is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Much data: a DFA, slower to build, fastest to run.
    Bulk,
    /// A few small inputs (staged changes): an NFA that builds in a
    /// fraction of the time.
    SmallInputs,
}

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

/// Bytes searched with the NFA before the DFA is built (for bulk work).
const DFA_FROM: usize = 1 << 20;

/// The keyword automata and, per keyword, the rules that name it.
#[derive(Debug)]
pub struct Prefilter {
    words: Vec<String>,
    /// An NFA: a fraction of the DFA's build time, slower per byte. It is
    /// case-sensitive over the lowercased keywords and searches a lowercased
    /// copy of the input: an ASCII case-insensitive one takes four times as
    /// long to build, which every run pays at start.
    nfa: Option<AhoCorasick>,
    /// For [`Workload::Bulk`]: the DFA, built once [`DFA_FROM`] bytes have
    /// been searched (then used for every input), so a run on a few small
    /// inputs never pays for it; `None` inside when it exceeds the size
    /// limits (the NFA then serves every input).
    dfa: Option<OnceLock<Option<AhoCorasick>>>,
    /// Bytes searched so far, until the DFA is built.
    searched: AtomicUsize,
    rules_of_keyword: Vec<Vec<usize>>,
    keywordless: Vec<usize>,
}

impl Prefilter {
    /// Builds the automaton over `keywords[rule]` for every rule: an NFA,
    /// and for [`Workload::Bulk`] a DFA once [`DFA_FROM`] bytes have been
    /// searched; fails if the keywords exceed the NFA's size limits.
    pub fn new<'a>(
        keywords: impl IntoIterator<Item = &'a [String]>,
        workload: Workload,
    ) -> Result<Prefilter, BuildError> {
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
        let nfa = (!words.is_empty())
            .then(|| automaton(&words, AhoCorasickKind::ContiguousNFA, Case::Sensitive))
            .transpose()?;
        Ok(Prefilter {
            dfa: (workload == Workload::Bulk && nfa.is_some()).then(OnceLock::new),
            searched: AtomicUsize::new(0),
            nfa,
            words,
            rules_of_keyword,
            keywordless,
        })
    }

    /// The DFA, if built (or built now, once enough has been searched).
    fn dfa(&self, len: usize) -> Option<&AhoCorasick> {
        let dfa = self.dfa.as_ref()?;
        match dfa.get() {
            // Once built, the DFA serves every input: most blobs of a
            // history are small, and the NFA is much slower per byte.
            Some(built) => built.as_ref(),
            None if self.searched.fetch_add(len, Ordering::Relaxed) + len >= DFA_FROM => dfa
                .get_or_init(|| {
                    automaton(&self.words, AhoCorasickKind::DFA, Case::AsciiInsensitive).ok()
                })
                .as_ref(),
            None => None,
        }
    }

    /// Every keyword occurrence in `hay`, in order of position.
    fn matches<'h>(&'h self, hay: &'h [u8]) -> Box<dyn Iterator<Item = Match> + 'h> {
        if let Some(dfa) = self.dfa(hay.len()) {
            return Box::new(dfa.find_overlapping_iter(hay));
        }
        let Some(nfa) = &self.nfa else {
            return Box::new(std::iter::empty());
        };
        let lower = hay.to_ascii_lowercase();
        let mut state = OverlappingState::start();
        Box::new(std::iter::from_fn(move || {
            nfa.find_overlapping(lower.as_slice(), &mut state);
            state.get_match()
        }))
    }

    /// Rules without keywords: they run on every input.
    pub fn keywordless(&self) -> &[usize] {
        &self.keywordless
    }

    /// Every keyword occurrence in `hay`, for every rule naming that keyword,
    /// in order of position.
    /// Lazy: an input with millions of keyword hits is never held as a list.
    pub fn hits<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = Hit> + 'h {
        self.matches(hay).flat_map(move |m| {
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

/// How an automaton compares letters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    /// As written: the input must be lowercased first.
    Sensitive,
    /// ASCII letters in any case.
    AsciiInsensitive,
}

/// An overlapping automaton over `words` (lowercase).
fn automaton(
    words: &[String],
    kind: AhoCorasickKind,
    case: Case,
) -> Result<AhoCorasick, BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(case == Case::AsciiInsensitive)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(words)
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
        let p = Prefilter::new(k.iter().map(Vec::as_slice), Workload::Bulk).unwrap();
        let hits: Vec<Hit> = p.hits(b"x SK-PROJ-abc").collect();
        let rules: Vec<usize> = hits.iter().map(|h| h.rule).collect();
        assert_eq!(rules, [0, 1]);
        assert_eq!(p.keywordless(), [2]);
    }

    #[test]
    fn the_dfa_for_large_inputs_finds_what_the_nfa_finds() {
        let k = kw(&[&["sk-"], &["sk-proj-"], &["proj"]]);
        let bulk = Prefilter::new(k.iter().map(Vec::as_slice), Workload::Bulk).unwrap();
        let small = Prefilter::new(k.iter().map(Vec::as_slice), Workload::SmallInputs).unwrap();
        let hay = "x sk-proj-abc proj ".repeat(DFA_FROM / 10);
        let hits: Vec<Hit> = bulk.hits(hay.as_bytes()).collect();
        assert!(bulk.dfa.as_ref().is_some_and(|d| d.get().is_some()));
        // sk-, sk-proj-, proj within it, proj alone.
        assert_eq!(hits.len(), 4 * (DFA_FROM / 10));
        assert_eq!(hits, small.hits(hay.as_bytes()).collect::<Vec<_>>());
        assert!(small.dfa.is_none());
        // Small inputs after that use the DFA too.
        assert_eq!(bulk.dfa(5).map(|a| a.kind()), Some(AhoCorasickKind::DFA));
    }

    #[test]
    fn small_inputs_use_the_nfa_until_a_mebibyte_is_searched() {
        let k = kw(&[&["sk-"]]);
        let bulk = Prefilter::new(k.iter().map(Vec::as_slice), Workload::Bulk).unwrap();
        let small = "x sk-1 ".repeat(100);
        let searched = (DFA_FROM - 1) / small.len();
        for _ in 0..searched {
            assert_eq!(bulk.hits(small.as_bytes()).count(), 100);
        }
        assert!(bulk.dfa.as_ref().is_some_and(|d| d.get().is_none()));
        assert_eq!(bulk.hits(small.as_bytes()).count(), 100);
        assert!(bulk.dfa.as_ref().is_some_and(|d| d.get().is_some()));
    }

    #[test]
    fn shared_keywords_hit_every_rule() {
        let k = kw(&[&["token"], &["Token"]]);
        let p = Prefilter::new(k.iter().map(Vec::as_slice), Workload::Bulk).unwrap();
        assert_eq!(p.hits(b"token").count(), 2);
        assert_eq!(p.hits(b"nothing here").count(), 0);
    }
}
