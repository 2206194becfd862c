//! Forgiving text matching: the index behind `claims.find`, `entity()` and
//! `claims.similar`, and the "did you mean" of imports.
//!
//! Text is *folded* before it is compared: decomposed (NFKD), stripped of
//! combining marks (so `é` is `e`), lower-cased, and every run of characters
//! that are not letters or digits becomes one space. `"Donald Trump"`,
//! `"donald-trump"` and `"DONALD  TRUMP!"` all fold to `donald trump`.
//!
//! A folded text is a bag of words; order does not count. Two words match when
//! they are equal or, for words of four letters or more, within a small edit
//! distance (Damerau–Levenshtein: one edit up to five letters, two beyond), so
//! `trmup` finds `trump`. Candidates for a misspelt word come from an index of
//! letter bigrams, so a look-up never compares against the whole vocabulary.
//!
//! The score of a text for a query (see [`TextIndex::find`]) is
//! `recall × (3 + precision) / 4`, where `recall` is the summed word similarity
//! divided by the number of query words and `precision` the same sum divided
//! by the number of the text's words: 1 for the same words, a little less for
//! a longer name that holds every query word, less again for misspellings.
//! Texts that match fewer than half the query words are left out.
//!
//! [`similarity`](TextIndex::similar) between two statements is the Jaccard
//! index of their sets of folded words (1 when they fold to the same words, as
//! `"On abortion"` and `"On abortion."` do).
//!
//! The index is built from the nodes alone (it depends on [`crate::model`],
//! not on the graph), so the graph can keep one and drop it when a node
//! changes.

mod find;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::model::{Kind, Node, NodeId, ALIASES_PROP};
use crate::value::Value;

/// Folds a text for comparison: no diacritics, lower case, words separated by
/// one space, punctuation gone.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// The folded words of a text, without repeats, in order of first appearance.
pub fn words(text: &str) -> Vec<String> {
    let mut seen = HashSet::default();
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty() && seen.insert(w.to_string()))
        .map(str::to_string)
        .collect()
}

/// How alike two folded words are, in [0, 1]; 0 when they are too far apart
/// to count as a misspelling of each other.
pub fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let len = a.chars().count().max(b.chars().count());
    let allowed = match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    let d = strsim::damerau_levenshtein(a, b);
    if d > allowed {
        0.0
    } else {
        1.0 - d as f64 / len as f64
    }
}

/// The candidates among `names` that are nearest to `wanted`, best first, at
/// most `limit`: names whose folded words match (see the module docs). Used
/// for "did you mean" over small sets such as kind words or predicates.
pub fn nearest<'a>(
    wanted: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let query = words(wanted);
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let s = score_words(&query, &words(name), word_similarity);
            (s > 0.0).then_some((s, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, n)| n).collect()
}

/// The score of a text's words for the query's words (see the module docs).
fn score_words(query: &[String], text: &[String], sim: impl Fn(&str, &str) -> f64) -> f64 {
    if query.is_empty() || text.is_empty() {
        return 0.0;
    }
    let total: f64 = query
        .iter()
        .map(|q| text.iter().map(|t| sim(q, t)).fold(0.0, f64::max))
        .sum();
    combine(total, query.len(), text.len())
}

fn combine(total: f64, query_words: usize, text_words: usize) -> f64 {
    let recall = total / query_words as f64;
    if recall < 0.5 {
        return 0.0;
    }
    let precision = (total / text_words as f64).min(1.0);
    (recall * (3.0 + precision) / 4.0).min(1.0)
}

/// One searchable text: an entity's name or alias, or a statement's text.
/// Its words live in the index's flat array, so that a look-up touching
/// thousands of entries reads small records one after another.
#[derive(Debug)]
struct Entry {
    node: NodeId,
    /// The name, alias or text, as stored.
    text: Box<str>,
    /// Its folded words, as numbers into the vocabulary:
    /// `entry_words[words.0..words.1]`.
    words: (u32, u32),
    /// The place of (key, node) among every entry's, so that ties are
    /// broken by comparing two numbers rather than two strings.
    rank: u32,
    /// The entry whose text is the node's key (name or text), for ties.
    key: u32,
    kind: Kind,
}

/// A match of [`TextIndex::find`], borrowing the matched text from the index.
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    pub node: NodeId,
    pub kind: Kind,
    pub score: f64,
    /// The name, alias or text that matched.
    pub matched: &'a str,
}

/// Word and bigram indexes over entity names, aliases and statement texts.
#[derive(Debug, Default)]
pub struct TextIndex {
    entries: Vec<Entry>,
    /// Every entry's words, one after another.
    entry_words: Vec<u32>,
    vocab: Vec<String>,
    word_ids: HashMap<String, u32>,
    /// Word → the entries that hold it, in entry order.
    postings: Vec<Vec<u32>>,
    /// Letter bigram of a padded word → the words that hold it.
    bigrams: HashMap<(char, char), Vec<u32>>,
    /// Lower-cased name or alias → entries, for `entity()`.
    by_lower: HashMap<String, Vec<u32>>,
}

fn bigrams_of(word: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = std::iter::once('\u{2}')
        .chain(word.chars())
        .chain(std::iter::once('\u{3}'))
        .collect();
    let mut grams: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

impl TextIndex {
    /// Indexes the names and aliases of actors, organisations and places, and
    /// the texts of statements.
    pub fn build<'a>(nodes: impl Iterator<Item = &'a Node>) -> Self {
        let mut index = TextIndex::default();
        for node in nodes {
            let Some(kind) = Kind::of(node) else { continue };
            if !(kind.is_entity() || kind == Kind::Statement) {
                continue;
            }
            let Some(key) = node.get(kind.key_property()).and_then(Value::as_str) else {
                continue;
            };
            let key_entry = index.add(node.id, kind, key, None);
            if kind.is_entity() {
                if let Some(Value::List(aliases)) = node.get(ALIASES_PROP) {
                    for alias in aliases.iter().filter_map(Value::as_str) {
                        if alias != key {
                            index.add(node.id, kind, alias, Some(key_entry));
                        }
                    }
                }
            }
        }
        index.rank_entries();
        index
    }

    /// Sets each entry's [`Entry::rank`]: its place in the order by key,
    /// then node.
    fn rank_entries(&mut self) {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        let entries = &self.entries;
        let key = |e: &Entry| &entries[e.key as usize].text;
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&entries[a as usize], &entries[b as usize]);
            key(a).cmp(key(b)).then_with(|| a.node.cmp(&b.node))
        });
        for (rank, e) in order.into_iter().enumerate() {
            self.entries[e as usize].rank = rank as u32;
        }
    }

    /// Adds an entry for `text`; its key is the text of entry `key`, or the
    /// text itself. Returns the new entry's number.
    fn add(&mut self, node: NodeId, kind: Kind, text: &str, key: Option<u32>) -> u32 {
        let ix = self.entries.len() as u32;
        let start = self.entry_words.len() as u32;
        for w in words(text) {
            let w = self.word_id(w);
            self.entry_words.push(w);
            self.postings[w as usize].push(ix);
        }
        if kind.is_entity() {
            self.by_lower
                .entry(text.to_lowercase())
                .or_default()
                .push(ix);
        }
        self.entries.push(Entry {
            node,
            text: text.into(),
            words: (start, self.entry_words.len() as u32),
            rank: 0,
            key: key.unwrap_or(ix),
            kind,
        });
        ix
    }

    fn word_id(&mut self, word: String) -> u32 {
        if let Some(&id) = self.word_ids.get(&word) {
            return id;
        }
        let id = self.vocab.len() as u32;
        for g in bigrams_of(&word) {
            self.bigrams.entry(g).or_default().push(id);
        }
        self.word_ids.insert(word.clone(), id);
        self.vocab.push(word);
        self.postings.push(Vec::new());
        id
    }

    /// An entry's folded words, as vocabulary numbers.
    fn words_of(&self, e: &Entry) -> &[u32] {
        &self.entry_words[e.words.0 as usize..e.words.1 as usize]
    }

    /// The entities of `kinds` with a name or alias equal to `name` ignoring
    /// case, in id order, each once.
    pub fn entities_named(&self, name: &str, kinds: &[Kind]) -> Vec<NodeId> {
        let mut ids: Vec<NodeId> = self
            .by_lower
            .get(&name.to_lowercase())
            .into_iter()
            .flatten()
            .map(|&e| &self.entries[e as usize])
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| e.node)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Other statements by the Jaccard index of their folded word sets with
    /// `statement`'s, best first (ties by text), at most `limit`.
    pub fn similar(&self, statement: NodeId, limit: usize) -> Vec<(NodeId, f64)> {
        let Some(entry) = self
            .entries
            .iter()
            .find(|e| e.node == statement && e.kind == Kind::Statement)
        else {
            return Vec::new();
        };
        let mut shared: HashMap<u32, usize> = HashMap::default();
        for &w in self.words_of(entry) {
            for &e in &self.postings[w as usize] {
                *shared.entry(e).or_default() += 1;
            }
        }
        let own = self.words_of(entry).len();
        let mut found: Vec<(f64, &Entry)> = shared
            .into_iter()
            .map(|(e, n)| (&self.entries[e as usize], n))
            .filter(|(e, _)| e.kind == Kind::Statement && e.node != statement)
            .map(|(e, n)| {
                let union = own + self.words_of(e).len() - n;
                (n as f64 / union as f64, e)
            })
            .collect();
        // A statement's key is its text; the rank orders keys.
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.rank.cmp(&b.1.rank)));
        found
            .into_iter()
            .take(limit)
            .map(|(s, e)| (e.node, s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    #[test]
    fn folding_drops_case_diacritics_and_punctuation() {
        assert_eq!(fold("Donald-Trump"), "donald trump");
        assert_eq!(fold("  Zelenskyy, Volodymyr!  "), "zelenskyy volodymyr");
        assert_eq!(fold("Artëmivsk"), "artemivsk");
        assert_eq!(fold("Ça   va?"), "ca va");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn word_similarity_allows_small_misspellings_only() {
        assert_eq!(word_similarity("trump", "trump"), 1.0);
        assert!((word_similarity("trmup", "trump") - 0.8).abs() < 1e-9);
        assert_eq!(word_similarity("cat", "cot"), 0.0);
        assert_eq!(word_similarity("maliar", "smith"), 0.0);
        assert!(word_similarity("prigozhin", "prigojin") > 0.7);
    }

    #[test]
    fn nearest_ranks_and_drops_the_far() {
        let kinds = ["actor", "organisation", "place", "statement", "article"];
        assert_eq!(nearest("statment", kinds, 3), ["statement"]);
        assert_eq!(nearest("acter", kinds, 3), ["actor"]);
        assert!(nearest("zzz", kinds, 3).is_empty());
    }

    /// `find` as plain evaluation: every query word's postings walked,
    /// scores summed per word in query order, ties by comparing keys.
    fn find_plain<'a>(index: &'a TextIndex, text: &str, kinds: &[Kind]) -> Vec<Found<'a>> {
        let query = words(text);
        let mut shared = Vec::new();
        let mut totals: HashMap<u32, f64> = HashMap::default();
        for q in &query {
            let mut best: HashMap<u32, f64> = HashMap::default();
            for (w, s) in index.candidates(q, &mut shared) {
                for &e in &index.postings[w as usize] {
                    let b = best.entry(e).or_default();
                    *b = b.max(s);
                }
            }
            for (e, b) in best {
                *totals.entry(e).or_default() += b;
            }
        }
        let key = |e: &Entry| &index.entries[e.key as usize].text;
        let mut best: HashMap<NodeId, (f64, &Entry)> = HashMap::default();
        for (e, total) in totals {
            let entry = &index.entries[e as usize];
            if !kinds.contains(&entry.kind) {
                continue;
            }
            let mut score = combine(total, query.len(), index.words_of(entry).len());
            if score <= 0.0 {
                continue;
            }
            if score >= 1.0 && fold(&entry.text) != fold(text) {
                score = 0.999;
            }
            let slot = best.entry(entry.node).or_insert((score, entry));
            if score > slot.0 || (score == slot.0 && entry.text < slot.1.text) {
                *slot = (score, entry);
            }
        }
        let mut found: Vec<(f64, &Entry)> = best.into_values().collect();
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| key(a.1).cmp(key(b.1)))
                .then_with(|| a.1.node.cmp(&b.1.node))
        });
        found
            .into_iter()
            .map(|(score, e)| Found {
                node: e.node,
                kind: e.kind,
                score,
                matched: &e.text,
            })
            .collect()
    }

    #[test]
    fn find_agrees_with_walking_every_posting() {
        // Names and texts from a few words, some frequent, some misspelt.
        let words = [
            "irina", "sokolova", "sokolva", "0", "3", "bakhmut", "bakhmut", "ministry", "of",
            "defence", "defense", "7", "mission", "shelled", "petrov", "0", "3",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        fn text(next: &mut impl FnMut(usize) -> usize, words: &[&str], n: usize) -> String {
            (0..n)
                .map(|_| words[next(words.len())])
                .collect::<Vec<_>>()
                .join(" ")
        }
        let kinds = [Kind::Actor, Kind::Place, Kind::Statement];
        let mut nodes = Vec::new();
        for id in 0..400u64 {
            let kind = kinds[next(kinds.len())];
            let n = 1 + next(4);
            let key = text(&mut next, &words, n);
            let mut properties: Properties =
                [(kind.key_property().to_string(), Value::from(key.as_str()))]
                    .into_iter()
                    .collect();
            if kind != Kind::Statement && next(3) == 0 {
                let n = 1 + next(3);
                let aliases = vec![
                    Value::from(text(&mut next, &words, n)),
                    Value::from(text(&mut next, &words, 2)),
                ];
                properties.insert(ALIASES_PROP.to_string(), Value::List(aliases));
            }
            nodes.push(Node {
                id,
                labels: vec![kind.label().to_string()],
                properties,
            });
        }
        let index = TextIndex::build(nodes.iter());
        let mut queries = vec![
            "Irina Sokolova 0".to_string(),
            "irina sokolva".to_string(),
            "Sokolova Irina 0".to_string(),
            "Bakhmut 3".to_string(),
            "Ministry of Defence 7".to_string(),
            "0 3 7 of".to_string(),
        ];
        for _ in 0..60 {
            let n = 1 + next(5);
            queries.push(
                (0..n)
                    .map(|_| words[next(words.len())])
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        for q in &queries {
            for kinds in [&kinds[..], &[Kind::Actor][..]] {
                let got = index.find(q, kinds);
                let plain = find_plain(&index, q, kinds);
                assert_eq!(got, plain, "{q:?} in {kinds:?}");
                for limit in [0, 1, 3, 10] {
                    let first = index.find_first(q, kinds, limit);
                    assert_eq!(first, plain[..limit.min(plain.len())], "{q:?}, {limit}");
                }
            }
        }
    }
}
