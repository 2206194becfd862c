//! [`TextIndex::find`]: the forgiving look-up itself, and the near
//! spellings of a query word it starts from.

use super::{bigrams_of, combine, fold, word_similarity, words, Found, TextIndex};
use crate::model::{Kind, NodeId};

impl TextIndex {
    /// The vocabulary words that `query` may be a spelling of, with their
    /// similarity: the word itself, and words that share enough bigrams and
    /// are within the allowed edit distance. `shared` is scratch space, one
    /// count per vocabulary word, all zero before and after.
    pub(super) fn candidates(&self, query: &str, shared: &mut Vec<u16>) -> Vec<(u32, f64)> {
        let mut out = Vec::new();
        let exact = self.word_ids.get(query).copied();
        if let Some(id) = exact {
            out.push((id, 1.0));
        }
        let len = query.chars().count();
        if len < 4 {
            return out;
        }
        let grams = bigrams_of(query);
        let needed = (grams.len() / 3).max(1);
        shared.resize(self.vocab.len(), 0);
        let mut touched: Vec<u32> = Vec::new();
        for g in &grams {
            if let Some(ws) = self.bigrams.get(g) {
                for &w in ws {
                    let n = &mut shared[w as usize];
                    if *n == 0 {
                        touched.push(w);
                    }
                    *n = n.saturating_add(1);
                }
            }
        }
        for w in touched {
            let n = std::mem::take(&mut shared[w as usize]);
            if (n as usize) < needed || exact == Some(w) {
                continue;
            }
            let word = &self.vocab[w as usize];
            if word.chars().count().abs_diff(len) > 2 {
                continue;
            }
            let s = word_similarity(query, word);
            if s > 0.0 {
                out.push((w, s));
            }
        }
        out
    }

    /// Entities (of `kinds`) and statements whose name, alias or text matches
    /// `text`, best first; ties by the node's key. Each node comes once, with
    /// its best-matching name.
    pub fn find(&self, text: &str, kinds: &[Kind]) -> Vec<Found<'_>> {
        self.find_first(text, kinds, usize::MAX)
    }

    /// The first `limit` answers of [`TextIndex::find`], in its order: the
    /// best are selected before only they are sorted.
    ///
    /// The work is proportional to the postings of the query's rarer words
    /// and their near spellings, never to the whole index. A text must hold
    /// at least half the query's words (see the module docs), and each word
    /// adds at most 1 to its sum; so when fewer than half the words are left
    /// out, every text that can match holds one of the others, and only the
    /// postings of those are walked: the most frequent words (`0` in
    /// `Irina Sokolova 0`) are left out, as many as that allows. The entries
    /// walked are marked in a bit set, which is then read in entry order, so
    /// the entries of one node (which [`TextIndex::build`] adds one after
    /// another) come together without sorting. Each text is scored against
    /// every query word, in query order, from its own words, with one
    /// look-up per word. The answers are ordered by one number each (the
    /// score's bits above the entry's rank by key).
    pub fn find_first(&self, text: &str, kinds: &[Kind], limit: usize) -> Vec<Found<'_>> {
        let query = words(text);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut shared: Vec<u16> = Vec::new();
        // Per query word, its near spellings.
        let near: Vec<Vec<(u32, f64)>> = query
            .iter()
            .map(|q| self.candidates(q, &mut shared))
            .collect();
        // The words whose postings are walked: all but the most frequent
        // (n - 1) / 2, which cannot make a match on their own.
        let cost = |c: &[(u32, f64)]| -> usize {
            c.iter()
                .map(|&(w, _)| self.postings[w as usize].len())
                .sum()
        };
        let mut by_cost: Vec<usize> = (0..query.len()).collect();
        by_cost.sort_by_key(|&i| std::cmp::Reverse(cost(&near[i])));
        let left_out = (query.len() - 1) / 2;
        let mut touched = vec![0u64; self.entries.len().div_ceil(64)];
        for &i in &by_cost[left_out..] {
            for &(w, _) in &near[i] {
                for &e in &self.postings[w as usize] {
                    touched[e as usize / 64] |= 1u64 << (e % 64);
                }
            }
        }
        // Word → its similarity to each query word (a row of `sims`; row 0
        // is "no query word"), so that a text is scored with one look-up per
        // word it holds.
        let n = query.len();
        let mut row_of: Vec<u32> = vec![0; self.vocab.len()];
        let mut sims: Vec<f64> = vec![0.0; n];
        for (q, c) in near.iter().enumerate() {
            for &(w, s) in c {
                let row = &mut row_of[w as usize];
                if *row == 0 {
                    *row = (sims.len() / n) as u32;
                    sims.resize(sims.len() + n, 0.0);
                }
                sims[*row as usize * n + q] = s;
            }
        }
        let mut best: Vec<f64> = vec![0.0; n];
        let folded = fold(text);
        // The best entry of each node, in entry order, as its order key.
        let mut found: Vec<u128> = Vec::new();
        let mut current: Option<NodeId> = None;
        for (slot, &bits) in touched.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let e = slot as u32 * 64 + bits.trailing_zeros();
                bits &= bits - 1;
                let entry = &self.entries[e as usize];
                if !kinds.contains(&entry.kind) {
                    continue;
                }
                // Per query word, its best word in the text, summed in
                // query order.
                let own = self.words_of(entry);
                best.fill(0.0);
                for &w in own {
                    let row = row_of[w as usize] as usize;
                    if row != 0 {
                        for (b, &s) in best.iter_mut().zip(&sims[row * n..(row + 1) * n]) {
                            *b = b.max(s);
                        }
                    }
                }
                let total = best.iter().fold(0.0, |t, b| t + b);
                let mut score = combine(total, n, own.len());
                if score <= 0.0 {
                    continue;
                }
                if score >= 1.0 && fold(&entry.text) != folded {
                    // Same words in another order or with repeats: just
                    // under a match of the very text.
                    score = 0.999;
                }
                let key = order_key(score, entry.rank, e);
                match (current, found.last_mut()) {
                    (Some(node), Some(last)) if node == entry.node => {
                        let (best_score, best_entry) = (score_of(*last), entry_of(*last));
                        if score > best_score
                            || (score == best_score
                                && entry.text < self.entries[best_entry as usize].text)
                        {
                            *last = key;
                        }
                    }
                    _ => {
                        current = Some(entry.node);
                        found.push(key);
                    }
                }
            }
        }
        if limit < found.len() {
            found.select_nth_unstable(limit);
            found.truncate(limit);
        }
        found.sort_unstable();
        found
            .into_iter()
            .map(|k| {
                let e = &self.entries[entry_of(k) as usize];
                Found {
                    node: e.node,
                    kind: e.kind,
                    score: score_of(k),
                    matched: &e.text,
                }
            })
            .collect()
    }
}

/// The order of an answer as one number: by score (positive, so its bits
/// order as it does), descending, then by (key, node), which the rank
/// orders; the entry rides in the lowest bits, after the unique rank.
fn order_key(score: f64, rank: u32, entry: u32) -> u128 {
    (u128::from(!score.to_bits()) << 64) | (u128::from(rank) << 32) | u128::from(entry)
}

fn score_of(key: u128) -> f64 {
    f64::from_bits(!((key >> 64) as u64))
}

fn entry_of(key: u128) -> u32 {
    key as u32
}
