//! Which rules may match a byte slice, and where: every rule's keywords,
//! ASCII case-insensitive. Bulk work searches with one Aho-Corasick DFA over
//! them all; until it is built (and for a few small inputs, which never pay
//! for it) a gram filter finds them. It does not read files, know sources or
//! run regexes.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        OnceLock,
    },
};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

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

/// Bytes searched with the gram filter before the DFA is built (for bulk work).
const DFA_FROM: usize = 1 << 20;

/// The keyword finders and, per keyword, the rules that name it.
#[derive(Debug)]
pub struct Prefilter {
    words: Vec<String>,
    /// Costs next to nothing to build, slower per byte than the DFA.
    grams: Grams,
    /// For [`Workload::Bulk`]: the DFA, built once [`DFA_FROM`] bytes have
    /// been searched (then used for every input), so a run on a few small
    /// inputs never pays for it; `None` inside when it exceeds the size
    /// limits (the gram filter then serves every input).
    dfa: Option<OnceLock<Option<AhoCorasick>>>,
    /// Bytes searched so far, until the DFA is built.
    searched: AtomicUsize,
    rules_of_keyword: Vec<Vec<usize>>,
    keywordless: Vec<usize>,
}

impl Prefilter {
    /// Builds the finders over `keywords[rule]` for every rule: the gram
    /// filter, and for [`Workload::Bulk`] a DFA once [`DFA_FROM`] bytes have
    /// been searched.
    pub fn new<'a>(
        keywords: impl IntoIterator<Item = &'a [String]>,
        workload: Workload,
    ) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        let mut keywordless = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
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
        Prefilter {
            dfa: (workload == Workload::Bulk && !words.is_empty()).then(OnceLock::new),
            searched: AtomicUsize::new(0),
            grams: Grams::new(&words),
            words,
            rules_of_keyword,
            keywordless,
        }
    }

    /// The DFA, if built (or built now, once enough has been searched).
    fn dfa(&self, len: usize) -> Option<&AhoCorasick> {
        let dfa = self.dfa.as_ref()?;
        match dfa.get() {
            // Once built, the DFA serves every input: most blobs of a
            // history are small, and the NFA is much slower per byte.
            Some(built) => built.as_ref(),
            None if self.searched.fetch_add(len, Ordering::Relaxed) + len >= DFA_FROM => {
                dfa.get_or_init(|| dfa_over(&self.words)).as_ref()
            }
            None => None,
        }
    }

    /// Every keyword occurrence in `hay` as (keyword, start, end), in order
    /// of position (the DFA's by end, the gram filter's by start).
    fn matches<'h>(
        &'h self,
        hay: &'h [u8],
    ) -> Box<dyn Iterator<Item = (usize, usize, usize)> + 'h> {
        match self.dfa(hay.len()) {
            Some(dfa) => Box::new(
                dfa.find_overlapping_iter(hay)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end())),
            ),
            None => Box::new(self.grams.matches(hay)),
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
        self.matches(hay).flat_map(move |(word, start, end)| {
            self.rules_of_keyword[word]
                .iter()
                .map(move |&rule| Hit { rule, start, end })
        })
    }
}

/// The overlapping DFA over `words` (lowercase), ASCII case-insensitive;
/// `None` when it exceeds the size limits.
fn dfa_over(words: &[String]) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words)
        .ok()
}

/// Bits of a gram's hash: bitmaps of 64 Ki bits (8 KiB) each.
const BITS: u32 = 16;

/// A bitmap over gram hashes.
type Bitmap = Box<[u64; 1 << (BITS - 6)]>;

/// Keywords found without an automaton: a position may start one when its
/// first bytes (as many as the keyword has, up to four, folded with `| 0x20`
/// so ASCII letters lose their case) hash into a bitmap of the keywords'
/// prefixes; the keywords with that prefix are then compared. Nothing to
/// build but a few small tables.
#[derive(Debug)]
struct Grams {
    /// Per prefix length in use (1 to 4 bytes): the mask that keeps that
    /// many bytes of a little-endian word, the bitmap of the prefixes, and
    /// the keywords (their indices) by folded prefix.
    classes: Vec<(u32, Bitmap, HashMap<u32, Vec<usize>>)>,
    /// The keywords, lowercase.
    words: Vec<Box<[u8]>>,
}

impl Grams {
    fn new(words: &[String]) -> Grams {
        let mut classes: Vec<(u32, Bitmap, HashMap<u32, Vec<usize>>)> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let n = word.len().min(4);
            let mask = u32::MAX >> (8 * (4 - n));
            let gram = fold(word_at(word.as_bytes(), 0)) & mask;
            let at = match classes.iter().position(|(m, ..)| *m == mask) {
                Some(at) => at,
                None => {
                    classes.push((mask, Box::new([0; 1 << (BITS - 6)]), HashMap::new()));
                    classes.len() - 1
                }
            };
            let (_, bits, by_gram) = &mut classes[at];
            let slot = slot(gram);
            bits[slot >> 6] |= 1 << (slot & 63);
            by_gram.entry(gram).or_default().push(i);
        }
        Grams {
            classes,
            words: words.iter().map(|w| w.as_bytes().into()).collect(),
        }
    }

    /// Every keyword occurrence in `hay` as (keyword, start, end), by start.
    fn matches<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = (usize, usize, usize)> + 'h {
        (0..hay.len()).flat_map(move |at| {
            let folded = fold(word_at(hay, at));
            self.classes
                .iter()
                .filter(move |(mask, bits, _)| {
                    let slot = slot(folded & mask);
                    bits[slot >> 6] >> (slot & 63) & 1 == 1
                })
                .filter_map(move |(mask, _, by_gram)| by_gram.get(&(folded & mask)))
                .flatten()
                .filter(move |&&w| {
                    let word = &self.words[w];
                    hay.len() - at >= word.len()
                        && hay[at..at + word.len()].eq_ignore_ascii_case(word)
                })
                .map(move |&w| (w, at, at + self.words[w].len()))
        })
    }
}

/// Up to four bytes of `hay` from `at` as a little-endian word, zero-padded.
#[inline]
fn word_at(hay: &[u8], at: usize) -> u32 {
    match hay.get(at..at + 4) {
        Some(four) => u32::from_le_bytes([four[0], four[1], four[2], four[3]]),
        None => {
            let mut last = [0u8; 4];
            let rest = &hay[at.min(hay.len())..];
            last[..rest.len()].copy_from_slice(rest);
            u32::from_le_bytes(last)
        }
    }
}

#[inline]
fn fold(word: u32) -> u32 {
    word | 0x2020_2020
}

#[inline]
fn slot(gram: u32) -> usize {
    (gram.wrapping_mul(0x9E37_79B1) >> (32 - BITS)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|ks| ks.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn prefilter(list: &[&[&str]], workload: Workload) -> Prefilter {
        Prefilter::new(kw(list).iter().map(Vec::as_slice), workload)
    }

    fn sorted(mut hits: Vec<Hit>) -> Vec<Hit> {
        hits.sort_by_key(|h| (h.start, h.end, h.rule));
        hits
    }

    #[test]
    fn finds_overlapping_keywords_case_insensitively() {
        let p = prefilter(&[&["sk-"], &["sk-proj-"], &[]], Workload::SmallInputs);
        let hits: Vec<Hit> = p.hits(b"x SK-PROJ-abc").collect();
        let rules: Vec<usize> = hits.iter().map(|h| h.rule).collect();
        assert_eq!(rules, [0, 1]);
        assert_eq!((hits[1].start, hits[1].end), (2, 10));
        assert_eq!(p.keywordless(), [2]);
    }

    #[test]
    fn the_gram_filter_finds_every_occurrence_a_plain_search_finds() {
        let words = [
            "key", "token", "sk_live_", "aws", "q~", "x", "passwd", "[a", "{a",
        ];
        let list: Vec<&[&str]> = words.iter().map(std::slice::from_ref).collect();
        let p = prefilter(&list, Workload::SmallInputs);
        let hay = "A Key=TOKEN; sk_LIVE_q~X passwd\n [A awsAWSKEYkey q~x".repeat(20);
        let lower = hay.to_ascii_lowercase();
        let mut want: Vec<(usize, usize)> = Vec::new();
        for start in 0..hay.len() {
            for (rule, w) in words.iter().enumerate() {
                if lower[start..].starts_with(w) {
                    want.push((start, rule));
                }
            }
        }
        let got: Vec<(usize, usize)> = p.hits(hay.as_bytes()).map(|h| (h.start, h.rule)).collect();
        assert_eq!(got, want, "in order of position");
        assert!(p.hits(b"{A").all(|h| h.rule == 8));
        assert_eq!(p.hits(b"pass").count(), 0);
        assert_eq!(p.hits(b"ke").count(), 0);
        assert_eq!(p.hits(b"").count(), 0);
    }

    #[test]
    fn the_dfa_for_large_inputs_finds_what_the_gram_filter_finds() {
        let k: &[&[&str]] = &[&["sk-"], &["sk-proj-"], &["proj"]];
        let bulk = prefilter(k, Workload::Bulk);
        let small = prefilter(k, Workload::SmallInputs);
        let hay = "x sk-proj-abc proj ".repeat(DFA_FROM / 10);
        let hits: Vec<Hit> = bulk.hits(hay.as_bytes()).collect();
        assert!(bulk.dfa.as_ref().is_some_and(|d| d.get().is_some()));
        // sk-, sk-proj-, proj within it, proj alone.
        assert_eq!(hits.len(), 4 * (DFA_FROM / 10));
        assert_eq!(sorted(hits), small.hits(hay.as_bytes()).collect::<Vec<_>>());
        assert!(small.dfa.is_none());
        // Small inputs after that use the DFA too.
        assert_eq!(bulk.dfa(5).map(|a| a.kind()), Some(AhoCorasickKind::DFA));
    }

    #[test]
    fn small_inputs_use_the_gram_filter_until_a_mebibyte_is_searched() {
        let bulk = prefilter(&[&["sk-"]], Workload::Bulk);
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
        let p = prefilter(&[&["token"], &["Token"]], Workload::Bulk);
        assert_eq!(p.hits(b"token").count(), 2);
        assert_eq!(p.hits(b"nothing here").count(), 0);
        let none = prefilter(&[&[]], Workload::Bulk);
        assert!(none.dfa.is_none());
        assert_eq!(none.hits(b"token").count(), 0);
    }
}
