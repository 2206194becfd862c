//! Full-text search over statement texts and the quotes on stance
//! relationships: the index behind `claims.search`.
//!
//! **Analysis.** A text is split into words at every character that is not a
//! letter, a digit or a combining mark; each word is folded as
//! [`crate::textmatch::fold`] folds (NFKD, no diacritics, lower case) and
//! reduced to its English stem (Snowball, from `rust-stemmers`), so `Taxes`,
//! `taxed` and `TAX` are one term and `élection` matches `election`. No word
//! is dropped as a stop word. A word keeps its position for phrases.
//!
//! **Documents.** Each statement's text is one document (yielded with a null
//! relationship); each `quote` on a `CLAIMS`, `DENIES` or `ASSESSES`
//! relationship is another (yielded with that relationship and its
//! statement).
//!
//! **Matching** ([`query::Query`]). A document matches when it holds at least
//! one of the query's words or phrases (a phrase: its terms at consecutive
//! positions) and none of its `-excluded` ones, as Lucene's and tantivy's
//! default `OR` does.
//!
//! **Ranking** is Okapi BM25 with `k1 = 1.2`, `b = 0.75`, summed over the
//! query's clauses: a word scores
//! `idf × tf × (k1 + 1) / (tf + k1 × (1 − b + b × len / avglen))` with
//! `idf = ln(1 + (N − df + 0.5) / (df + 0.5))`, where `N` is the number of
//! documents, `df` the number holding the term, `tf` its occurrences in the
//! document and `len` the document's number of words; a phrase scores the
//! same with `tf` its occurrences and `idf` the sum of its terms' idfs. Ties
//! go by the statement's text, then the relationship (the statement's own
//! text first).
//!
//! **Layout.** Each term's postings are sorted vectors: its documents, and
//! all its positions in one flat vector cut by per-document ends. A search
//! walks only the posting lists of the query's terms, sums scores in a dense
//! vector in clause order (the same floating-point sums as the formula
//! above), keeps the best `limit` by partial selection and finds the matched
//! positions for the snippets of those alone.
//!
//! The index is derived from the graph: built on first use, grown by a
//! committed transaction that only created nodes and relationships (an
//! import), dropped by any other transaction that touched a statement or a
//! stance, and put back as it was by a rolled-back one (see
//! [`crate::graph::Graph::search_index`]), so it is exact after imports,
//! writes, rollbacks and reopening after a crash, and costs an import
//! nothing until it is first used.

pub mod query;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap as HashMap;
use unicode_normalization::char::is_combining_mark;

use crate::model::{Kind, Node, NodeId, RelId, Relationship, ASSESSES, CLAIMS, DENIES, TEXT_PROP};
use crate::textmatch::fold;
use crate::value::Value;

pub use query::Query;

/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25's length normalisation.
pub const B: f64 = 0.75;

/// One analysed word of a text: its term and its place in the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    /// Byte range of the word in the text it came from.
    pub start: usize,
    pub end: usize,
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: std::sync::LazyLock<Stemmer> =
        std::sync::LazyLock::new(|| Stemmer::create(Algorithm::English));
    &STEMMER
}

/// The analysed words of a text, in order (see the module docs).
pub fn analyse(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    let is_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let push = |s: usize, e: usize, out: &mut Vec<Token>| {
        for word in fold(&text[s..e]).split(' ').filter(|w| !w.is_empty()) {
            out.push(Token {
                term: stemmer().stem(word).into_owned(),
                start: s,
                end: e,
            });
        }
    };
    for (i, c) in text.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    out
}

/// A searched text: a statement's, or a quote on a stance.
#[derive(Clone, Debug)]
struct Doc {
    statement: NodeId,
    relationship: Option<RelId>,
    text: String,
    /// The document holding the statement's text, whose text breaks ties.
    key: u32,
    len: u32,
}

/// A term's documents, in document order, with the term's positions in
/// each: one flat vector of positions, `ends[i]` the end of `docs[i]`'s.
#[derive(Clone, Debug, Default)]
struct Postings {
    docs: Vec<u32>,
    ends: Vec<u32>,
    positions: Vec<u32>,
}

impl Postings {
    /// The positions of the term in the `i`th of its documents.
    #[inline]
    fn at(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.positions[start as usize..self.ends[i] as usize]
    }

    /// The positions of the term in document `doc`, if it holds the term.
    fn in_doc(&self, doc: u32) -> Option<&[u32]> {
        self.docs.binary_search(&doc).ok().map(|i| self.at(i))
    }
}

/// A match of [`SearchIndex::search`].
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub statement: NodeId,
    /// The stance whose quote matched, or none for the statement's text.
    pub relationship: Option<RelId>,
    pub score: f64,
    /// The matched text around its first matching word, matching words in
    /// `**`, cut to about [`SNIPPET_CHARS`] characters with `…`.
    pub snippet: String,
}

/// About how long a snippet is, in characters.
pub const SNIPPET_CHARS: usize = 120;

/// The inverted index over statement texts and stance quotes.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    terms: HashMap<String, Postings>,
    total_len: u64,
    /// The document of each indexed statement's text.
    statement_docs: HashMap<NodeId, u32>,
}

impl SearchIndex {
    /// Indexes the statements among `nodes` and the quotes of the stances
    /// among `relationships` whose end is one of them.
    pub fn build<'a>(
        nodes: impl Iterator<Item = &'a Node>,
        relationships: impl Iterator<Item = &'a Relationship>,
    ) -> Self {
        let mut index = SearchIndex::default();
        index.extend(nodes, relationships);
        index
    }

    /// Whether a change to this node or relationship can change the index:
    /// a statement's, or a stance's (whose quote is indexed).
    pub fn concerns_node(node: &Node) -> bool {
        Kind::of(node) == Some(Kind::Statement)
    }

    /// See [`SearchIndex::concerns_node`].
    pub fn concerns_relationship(rel: &Relationship) -> bool {
        [CLAIMS, DENIES, ASSESSES].contains(&rel.rel_type.as_str())
    }

    /// Adds the statements among `nodes` and the quotes of the stances among
    /// `relationships` whose statement is indexed: what [`SearchIndex::build`]
    /// does from nothing, and a committed transaction that only created
    /// nodes and relationships does to the index of the graph before it.
    /// Answers do not depend on the order of documents (see the module docs:
    /// scores are summed per document in clause order, ties go by text).
    pub fn extend<'a>(
        &mut self,
        nodes: impl Iterator<Item = &'a Node>,
        relationships: impl Iterator<Item = &'a Relationship>,
    ) {
        let mut statements: Vec<(NodeId, &str)> = nodes
            .filter(|node| Self::concerns_node(node))
            .filter_map(|node| Some((node.id, node.get(TEXT_PROP).and_then(Value::as_str)?)))
            .collect();
        statements.sort_unstable_by_key(|s| s.0);
        self.statement_docs.reserve(statements.len());
        for (id, text) in statements {
            self.statement_docs.insert(id, self.docs.len() as u32);
            self.add(id, None, text.to_string(), None);
        }
        let mut quotes: Vec<(RelId, NodeId, &str, u32)> = relationships
            .filter(|r| Self::concerns_relationship(r))
            .filter_map(|r| {
                let quote = r.properties.get("quote").and_then(Value::as_str)?;
                Some((r.id, r.end, quote, *self.statement_docs.get(&r.end)?))
            })
            .collect();
        quotes.sort_unstable_by_key(|q| q.0);
        for (rel, statement, quote, key) in quotes {
            self.add(statement, Some(rel), quote.to_string(), Some(key));
        }
    }

    /// Adds a text; `key` is the document of its statement's text (none:
    /// this is that document).
    fn add(
        &mut self,
        statement: NodeId,
        relationship: Option<RelId>,
        text: String,
        key: Option<u32>,
    ) {
        let doc = self.docs.len() as u32;
        let tokens = analyse(&text);
        for (pos, token) in tokens.iter().enumerate() {
            let postings = match self.terms.get_mut(&token.term) {
                Some(p) => p,
                None => self.terms.entry(token.term.clone()).or_default(),
            };
            postings.positions.push(pos as u32);
            let end = postings.positions.len() as u32;
            if postings.docs.last() == Some(&doc) {
                if let Some(e) = postings.ends.last_mut() {
                    *e = end;
                }
            } else {
                postings.docs.push(doc);
                postings.ends.push(end);
            }
        }
        self.total_len += tokens.len() as u64;
        self.docs.push(Doc {
            statement,
            relationship,
            text,
            key: key.unwrap_or(doc),
            len: tokens.len() as u32,
        });
    }

    /// The number of indexed texts (statements and quotes).
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    fn idf(&self, term: &str) -> f64 {
        let n = self.docs.len() as f64;
        let df = self.terms.get(term).map_or(0, |p| p.docs.len()) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The postings of each of a clause's terms, or none if one is absent.
    fn lists(&self, clause: &query::Clause) -> Option<Vec<&Postings>> {
        clause.terms.iter().map(|t| self.terms.get(t)).collect()
    }

    /// Calls `found(doc, tf)` for each document holding a clause, in
    /// document order, `tf` the clause's number of occurrences there.
    fn matches(&self, clause: &query::Clause, mut found: impl FnMut(u32, u32)) {
        let Some(lists) = self.lists(clause) else {
            return;
        };
        let (first, rest) = lists.split_first().expect("a clause has a term");
        if rest.is_empty() {
            for (i, &doc) in first.docs.iter().enumerate() {
                found(doc, first.at(i).len() as u32);
            }
            return;
        }
        let mut others = Vec::with_capacity(rest.len());
        'docs: for (i, &doc) in first.docs.iter().enumerate() {
            others.clear();
            for list in rest {
                match list.in_doc(doc) {
                    Some(ps) => others.push(ps),
                    None => continue 'docs,
                }
            }
            let tf = phrase_starts(first.at(i), &others).count() as u32;
            if tf > 0 {
                found(doc, tf);
            }
        }
    }

    /// The positions of the words of a clause's occurrences in `doc`.
    fn positions_in(&self, clause: &query::Clause, doc: u32, out: &mut Vec<u32>) {
        let Some(lists) = self.lists(clause) else {
            return;
        };
        let in_doc: Option<Vec<&[u32]>> = lists.iter().map(|l| l.in_doc(doc)).collect();
        let Some(in_doc) = in_doc else {
            return;
        };
        let (first, rest) = in_doc.split_first().expect("a clause has a term");
        let n = clause.terms.len() as u32;
        for p in phrase_starts(first, rest).collect::<Vec<_>>() {
            out.extend((0..n).map(|k| p + k));
        }
    }

    /// The best `limit` texts for `query`, best first (see the module docs).
    pub fn search(&self, query: &Query, limit: usize) -> Vec<Hit> {
        if limit == 0 || self.docs.is_empty() {
            return Vec::new();
        }
        let avg = (self.total_len as f64 / self.docs.len() as f64).max(f64::MIN_POSITIVE);
        let mut excluded = vec![
            false;
            if query.exclude.is_empty() {
                0
            } else {
                self.docs.len()
            }
        ];
        for clause in &query.exclude {
            self.matches(clause, |doc, _| excluded[doc as usize] = true);
        }
        // Scores summed in clause order over only the documents that match.
        let mut scores = vec![0.0f64; self.docs.len()];
        let mut matched = vec![false; self.docs.len()];
        let mut ranked: Vec<(u32, f64)> = Vec::new();
        for clause in &query.should {
            let idf: f64 = clause.terms.iter().map(|t| self.idf(t)).sum();
            self.matches(clause, |doc, tf| {
                if excluded.get(doc as usize).copied().unwrap_or(false) {
                    return;
                }
                let len = f64::from(self.docs[doc as usize].len);
                let tf = f64::from(tf);
                let s = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
                scores[doc as usize] += s;
                if !matched[doc as usize] {
                    matched[doc as usize] = true;
                    ranked.push((doc, 0.0));
                }
            });
        }
        for r in &mut ranked {
            r.1 = scores[r.0 as usize];
        }
        let order = |a: &(u32, f64), b: &(u32, f64)| {
            let (da, db) = (&self.docs[a.0 as usize], &self.docs[b.0 as usize]);
            b.1.total_cmp(&a.1)
                .then_with(|| {
                    self.docs[da.key as usize]
                        .text
                        .cmp(&self.docs[db.key as usize].text)
                })
                .then_with(|| da.relationship.cmp(&db.relationship))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        let mut positions = Vec::new();
        ranked
            .into_iter()
            .map(|(doc, score)| {
                positions.clear();
                for clause in &query.should {
                    self.positions_in(clause, doc, &mut positions);
                }
                let d = &self.docs[doc as usize];
                Hit {
                    statement: d.statement,
                    relationship: d.relationship,
                    score,
                    snippet: snippet(&d.text, &positions),
                }
            })
            .collect()
    }
}

/// The positions in `first` where a phrase starts: each of `rest`'s terms
/// at the following positions in turn.
fn phrase_starts<'a>(first: &'a [u32], rest: &'a [&'a [u32]]) -> impl Iterator<Item = u32> + 'a {
    first.iter().copied().filter(move |&p| {
        rest.iter()
            .enumerate()
            .all(|(k, ps)| ps.binary_search(&(p + 1 + k as u32)).is_ok())
    })
}

/// The text around its first matched word, matched words in `**`.
fn snippet(text: &str, positions: &[u32]) -> String {
    let tokens = analyse(text);
    let mut marked = vec![false; tokens.len()];
    for &p in positions {
        if let Some(m) = marked.get_mut(p as usize) {
            *m = true;
        }
    }
    // Words that NFKD split share one range: mark the range once.
    let mut ranges: Vec<(usize, usize)> = tokens
        .iter()
        .zip(&marked)
        .filter(|(_, m)| **m)
        .map(|(t, _)| (t.start, t.end))
        .collect();
    ranges.dedup();
    let first = ranges.first().map_or(0, |r| r.0);
    // Start a few words before the first match, at a character boundary.
    let lead = text[..first]
        .char_indices()
        .rev()
        .nth(SNIPPET_CHARS / 4)
        .map_or(0, |(i, _)| i);
    let from = if lead == 0 {
        0
    } else {
        text[lead..]
            .find(char::is_whitespace)
            .map_or(lead, |i| lead + i + 1)
            .min(first)
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    let mut chars = 0;
    let mut ranges = ranges.into_iter().filter(|r| r.0 >= from).peekable();
    for (i, c) in text[from..].char_indices() {
        let i = from + i;
        if i < at {
            continue;
        }
        if chars >= SNIPPET_CHARS && c.is_whitespace() {
            out.push('…');
            return out;
        }
        if let Some(&(s, e)) = ranges.peek() {
            if s == i {
                out.push_str("**");
                out.push_str(&text[s..e]);
                out.push_str("**");
                chars += text[s..e].chars().count();
                at = e;
                ranges.next();
                continue;
            }
        }
        out.push(c);
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_folds_and_stems() {
        let terms: Vec<String> = analyse("Élections: TAXES, taxed; Côte-d'Ivoire")
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(terms, ["elect", "tax", "tax", "cote", "d", "ivoir"]);
    }

    #[test]
    fn snippets_mark_matches_and_cut_long_texts() {
        let text = "The mayor said the flag on the city hall was new.";
        let q = Query::parse("flags");
        let mut index = SearchIndex::default();
        index.add(1, None, text.into(), None);
        let hits = index.search(&q, 10);
        assert_eq!(
            hits[0].snippet,
            "The mayor said the **flag** on the city hall was new."
        );
        let long = format!("{} taxes {}", "word ".repeat(80), "more ".repeat(80));
        let s = snippet(&long, &[80]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("**taxes**"), "{s}");
        assert!(s.chars().count() < SNIPPET_CHARS + 40, "{s}");
    }
}
