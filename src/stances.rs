//! The stance table: every statement's claims, denials and assessments as
//! numbers, with each statement's summary (distinct claimants, deniers,
//! assessors and articles, first and last dates) worked out once.
//!
//! `claims.contested()` and `claims.stance` read it instead of walking every
//! relationship record, looking up every article by its id and comparing
//! dates as text on each call. The graph keeps one
//! ([`Graph::stance_table`](crate::graph::Graph::stance_table)), built on
//! first use and kept only across a transaction that changed no statement,
//! article or stance, so it is never stale. It is built from what the graph
//! hands it (statements, their stances, relationships and articles);
//! it depends on [`crate::model`] and values, not on the graph.
//!
//! Dates are read and compared here, in one place ([`date_key`],
//! [`cmp_present`]); [`crate::claims`] re-exports them.

use std::borrow::Cow;
use std::cmp::Ordering;

use rustc_hash::FxHashMap as HashMap;

use crate::model::{NodeId, RelId, Relationship, ARTICLE_PROP, ASSESSES, CLAIMS, DENIES};
use crate::temporal::Temporal;
use crate::value::Value;

/// The three stances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stance {
    Claims,
    Denies,
    Assesses,
}

impl Stance {
    /// The three, in the order of their type names `CLAIMS`, `DENIES`,
    /// `ASSESSES`.
    pub const ALL: [Stance; 3] = [Stance::Claims, Stance::Denies, Stance::Assesses];

    /// The stance of a relationship type, if it is one.
    pub fn of_type(rel_type: &str) -> Option<Stance> {
        match rel_type {
            CLAIMS => Some(Stance::Claims),
            DENIES => Some(Stance::Denies),
            ASSESSES => Some(Stance::Assesses),
            _ => None,
        }
    }

    /// The relationship type of the stance.
    pub fn rel_type(self) -> &'static str {
        match self {
            Stance::Claims => CLAIMS,
            Stance::Denies => DENIES,
            Stance::Assesses => ASSESSES,
        }
    }

    /// The word the procedures yield: `claims`, `denies` or `assesses`.
    pub fn word(self) -> &'static str {
        match self {
            Stance::Claims => "claims",
            Stance::Denies => "denies",
            Stance::Assesses => "assesses",
        }
    }
}

/// A date as the procedures compare it: its ISO 8601 text, which sorts in
/// time order for dates and for datetimes given in one offset. Imports store
/// dates as temporal values; a store written before that holds the same text
/// as strings.
pub fn date_key(value: &Value) -> Option<String> {
    match value {
        Value::Temporal(t) => Some(t.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Whether a value is a date the procedures compare ([`date_key`] has one),
/// without formatting it.
pub fn date_key_exists(value: &Value) -> bool {
    matches!(value, Value::Temporal(_) | Value::String(_))
}

/// The day number of a date whose ISO text sorts as its day does (years 0
/// to 9999).
fn plain_day(value: &Value) -> Option<i64> {
    match value {
        Value::Temporal(Temporal::Date(d)) if (-719_528..=2_932_896).contains(d) => Some(*d),
        _ => None,
    }
}

/// Orders two dates as their [`date_key`]s order, comparing two dates by
/// their day numbers without formatting them (ISO dates of years 0 to 9999
/// sort as their days do).
pub fn cmp_present(a: &Value, b: &Value) -> Ordering {
    match (plain_day(a), plain_day(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => date_key(a).cmp(&date_key(b)),
    }
}

/// Orders two optional dates, the missing ones last.
pub fn cmp_dates(a: &Option<Value>, b: &Option<Value>) -> Ordering {
    fn present(v: &Option<Value>) -> Option<&Value> {
        v.as_ref().filter(|v| date_key_exists(v))
    }
    match (present(a), present(b)) {
        (Some(x), Some(y)) => cmp_present(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// "None" for the numbers of an entry.
const NONE: u32 = u32::MAX;

/// One stance on a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub who: NodeId,
    pub relationship: RelId,
    /// The Article node its `article` names, if that node exists.
    article: NodeId,
    /// Its `article` id as a number (one number per id), or [`NONE`].
    article_no: u32,
    /// Its date in the table's dates, or [`NONE`].
    date: u32,
    pub stance: Stance,
}

/// The distinct counts and dates of every stance on one statement.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub claimants: usize,
    pub deniers: usize,
    pub assessors: usize,
    pub articles: usize,
    /// The earliest and latest dates, as numbers into the table's dates.
    first: u32,
    last: u32,
}

/// One stance as the graph hands it, from the statement's adjacency: its
/// stance, who took it and its relationship.
pub type RawStance = (Stance, NodeId, RelId);

/// The stance table (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StanceTable {
    /// Every statement, in id order (a statement's place is found by
    /// binary search).
    statements: Vec<NodeId>,
    /// The entries of statement `i` are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    entries: Vec<Entry>,
    /// Every distinct date value, each once (plain dates by day).
    dates: Vec<Value>,
    /// Per date, its place in time order (dates that compare equal share
    /// one), or [`NONE`] for a value that is not a date the procedures
    /// compare.
    date_rank: Vec<u32>,
    summaries: Vec<Summary>,
    /// The statements claimed and denied, most contested first (claimants
    /// plus deniers, descending), then by key, then by id.
    contested: Vec<u32>,
    /// Per statement, its place among the contested ones by (key, id), or
    /// [`NONE`]: the order of ties wherever a subset of them is ordered.
    key_rank: Vec<u32>,
}

/// A stance relationship's `article` (a string) and own `date` (not null),
/// read in one pass over its few properties.
fn article_and_date(rel: &Relationship) -> (Option<&str>, Option<&Value>) {
    let (mut article, mut date) = (None, None);
    for (k, v) in rel.properties.iter() {
        if k == ARTICLE_PROP {
            article = v.as_str();
        } else if k == "date" && !matches!(v, Value::Null) {
            date = Some(v);
        }
    }
    (article, date)
}

/// The first thirty-two bytes of a key as two numbers that order as they
/// do, so that most comparisons of keys never read the texts.
fn prefix(key: &str) -> (u128, u128) {
    let mut bytes = [0u8; 32];
    let n = key.len().min(32);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    let (a, b) = bytes.split_at(16);
    (
        u128::from_be_bytes(a.try_into().unwrap_or_default()),
        u128::from_be_bytes(b.try_into().unwrap_or_default()),
    )
}

/// Leaves each value of `items` once: by comparing each with those kept
/// before it when there are few (a statement has a handful of stances),
/// else by sorting.
fn dedup<T: Copy + Ord>(items: &mut Vec<T>) {
    if items.len() > 16 {
        items.sort_unstable();
        items.dedup();
        return;
    }
    let (mut kept, mut next) = (0, 0);
    while next < items.len() {
        let item = items[next];
        if !items[..kept].contains(&item) {
            items[kept] = item;
            kept += 1;
        }
        next += 1;
    }
    items.truncate(kept);
}

impl StanceTable {
    /// Builds the table from every statement (in id order) with its
    /// stances (`raw[starts[i]..starts[i + 1]]` for statement `i`, newest
    /// first as the adjacency lists them), with `rel(id)` giving a
    /// stance's relationship, `key(statement)` a statement's key (read
    /// only for the contested ones) and `article(id)` the Article node an
    /// `article` id names and that article's `date` (not null), if there
    /// is one.
    ///
    /// The relationships are read in id order, which is the order an
    /// import made them in and (mostly) the order they lie in memory, so
    /// that the stances of one article come together and its look-up is
    /// made once for them.
    pub fn build<'g>(
        statements: Vec<NodeId>,
        starts: Vec<u32>,
        raw: &[RawStance],
        rel: impl Fn(RelId) -> Option<&'g Relationship>,
        key: impl Fn(NodeId) -> Cow<'g, str> + Sync,
        article: impl Fn(&str) -> Option<(NodeId, Option<&'g Value>)>,
    ) -> Self {
        // The contested statements (a claim and a denial among their
        // stances) ordered by (key, id), on the other core while this one
        // reads the relationships: their keys are read and compared there
        // only, most comparisons settled by the first bytes.
        let sort_keys = || {
            let mut by_key: Vec<((u128, u128), Cow<'g, str>, u32)> = (0..statements.len())
                .filter(|&i| {
                    let (from, to) = (starts[i] as usize, starts[i + 1] as usize);
                    let stances = raw.get(from..to).unwrap_or_default();
                    stances.iter().any(|r| r.0 == Stance::Claims)
                        && stances.iter().any(|r| r.0 == Stance::Denies)
                })
                .map(|i| {
                    let k = key(statements[i]);
                    (prefix(&k), k, i as u32)
                })
                .collect();
            by_key.sort_unstable();
            by_key.into_iter().map(|(_, _, i)| i).collect::<Vec<u32>>()
        };
        std::thread::scope(|scope| {
            let sorted = std::thread::Builder::new()
                .name("claimgraph-stances".into())
                .spawn_scoped(scope, sort_keys);
            let mut table = Self::build_entries(&statements, &starts, raw, rel, article);
            let by_key = match sorted {
                // A panic of the other thread goes on here, with its cause.
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|cause| std::panic::resume_unwind(cause)),
                // No thread to be had: the sort runs here.
                Err(_) => sort_keys(),
            };
            table.order_contested(by_key);
            table
        })
    }

    /// The entries of every stance with their articles and dates, and each
    /// statement's summary.
    fn build_entries<'g>(
        statements: &[NodeId],
        starts: &[u32],
        raw: &[RawStance],
        rel: impl Fn(RelId) -> Option<&'g Relationship>,
        article: impl Fn(&str) -> Option<(NodeId, Option<&'g Value>)>,
    ) -> Self {
        debug_assert_eq!(starts.len(), statements.len() + 1);
        debug_assert!(statements.windows(2).all(|w| w[0] < w[1]));
        let mut table = StanceTable {
            statements: statements.to_vec(),
            starts: starts.to_vec(),
            entries: raw
                .iter()
                .map(|&(stance, who, relationship)| Entry {
                    who,
                    relationship,
                    article: NodeId::MAX,
                    article_no: NONE,
                    date: NONE,
                    stance,
                })
                .collect(),
            ..StanceTable::default()
        };
        // Each relationship's place in `entries`, by relationship id.
        let top = raw.iter().map(|r| r.2).max().map_or(0, |m| m + 1);
        let mut place = vec![NONE; usize::try_from(top).unwrap_or(0)];
        for (i, r) in raw.iter().enumerate() {
            if let Some(p) = place.get_mut(r.2 as usize) {
                *p = i as u32;
            }
        }
        // Article id → (number, node, date number); the last one apart.
        let mut articles: HashMap<&'g str, (u32, NodeId, u32)> = HashMap::default();
        let mut last: Option<(&'g str, (u32, NodeId, u32))> = None;
        let mut days: HashMap<i64, u32> = HashMap::default();
        for (id, &i) in place.iter().enumerate() {
            if i == NONE {
                continue;
            }
            let Some(r) = rel(id as RelId) else {
                continue;
            };
            let (article_id, own_date) = article_and_date(r);
            let (article_no, node, article_date) = match article_id {
                Some(a) => match last {
                    Some((l, found)) if l == a => found,
                    _ => {
                        let next = articles.len() as u32;
                        let found = *articles.entry(a).or_insert_with(|| {
                            let (node, date) = article(a).unwrap_or((NodeId::MAX, None));
                            let date = date.map_or(NONE, |d| table.date_number(&mut days, d));
                            (next, node, date)
                        });
                        last = Some((a, found));
                        found
                    }
                },
                None => (NONE, NodeId::MAX, NONE),
            };
            let date = match own_date {
                Some(d) => table.date_number(&mut days, d),
                None => article_date,
            };
            let e = &mut table.entries[i as usize];
            e.article = node;
            e.article_no = article_no;
            e.date = date;
        }
        table.rank_dates();
        let (mut who, mut seen) = (Vec::new(), Vec::new());
        table.summaries = (0..table.statements.len() as u32)
            .map(|i| table.summarise(table.entries_of(i), &mut who, &mut seen))
            .collect();
        table
    }

    /// Ranks the contested statements, given in (key, id) order, and
    /// orders them most contested first, ties by (key, id).
    fn order_contested(&mut self, by_key: Vec<u32>) {
        // Told from the stances alone, the contested statements are those
        // the summaries count a claimant and a denier for.
        debug_assert_eq!(
            by_key.len(),
            self.summaries
                .iter()
                .filter(|s| s.claimants > 0 && s.deniers > 0)
                .count()
        );
        self.key_rank = vec![NONE; self.statements.len()];
        for (rank, &i) in by_key.iter().enumerate() {
            self.key_rank[i as usize] = rank as u32;
        }
        let mut contested = by_key;
        let summaries = &self.summaries;
        // Stable: ties keep the order by (key, id).
        contested.sort_by_key(|&i| {
            let s = &summaries[i as usize];
            std::cmp::Reverse(s.claimants + s.deniers)
        });
        self.contested = contested;
    }

    /// Gives every date its place in time order ([`cmp_present`]), equal
    /// dates the same place, so that summaries compare numbers.
    fn rank_dates(&mut self) {
        let mut order: Vec<u32> = (0..self.dates.len() as u32)
            .filter(|&d| date_key_exists(&self.dates[d as usize]))
            .collect();
        order.sort_by(|&a, &b| cmp_present(&self.dates[a as usize], &self.dates[b as usize]));
        self.date_rank = vec![NONE; self.dates.len()];
        let mut rank = 0;
        for (n, &d) in order.iter().enumerate() {
            if n > 0
                && cmp_present(&self.dates[order[n - 1] as usize], &self.dates[d as usize]).is_lt()
            {
                rank += 1;
            }
            self.date_rank[d as usize] = rank;
        }
    }

    /// The number of a date value in `dates`, adding it if it is new (plain
    /// dates are shared by day).
    fn date_number(&mut self, days: &mut HashMap<i64, u32>, date: &Value) -> u32 {
        let next = self.dates.len() as u32;
        let number = match plain_day(date) {
            Some(day) => *days.entry(day).or_insert(next),
            None => next,
        };
        if number == next {
            self.dates.push(date.clone());
        }
        number
    }

    /// The summary of some stances, counting those `keep` accepts (by
    /// date). `who` and `seen` are scratch space.
    fn summarise_where(
        &self,
        entries: &[Entry],
        who: &mut Vec<(Stance, NodeId)>,
        seen: &mut Vec<u32>,
        mut keep: impl FnMut(&Entry) -> bool,
    ) -> Summary {
        who.clear();
        seen.clear();
        let (mut first, mut last) = (NONE, NONE);
        let (mut first_rank, mut last_rank) = (NONE, 0);
        for e in entries {
            if !keep(e) {
                continue;
            }
            who.push((e.stance, e.who));
            if e.article_no != NONE {
                seen.push(e.article_no);
            }
            let rank = self.date_rank.get(e.date as usize).copied().unwrap_or(NONE);
            if rank != NONE {
                if first == NONE || rank < first_rank {
                    (first, first_rank) = (e.date, rank);
                }
                if last == NONE || rank > last_rank {
                    (last, last_rank) = (e.date, rank);
                }
            }
        }
        dedup(who);
        dedup(seen);
        let count = |s: Stance| who.iter().filter(|w| w.0 == s).count();
        Summary {
            claimants: count(Stance::Claims),
            deniers: count(Stance::Denies),
            assessors: count(Stance::Assesses),
            articles: seen.len(),
            first,
            last,
        }
    }

    fn summarise(
        &self,
        entries: &[Entry],
        who: &mut Vec<(Stance, NodeId)>,
        seen: &mut Vec<u32>,
    ) -> Summary {
        self.summarise_where(entries, who, seen, |_| true)
    }

    fn date(&self, number: u32) -> Option<&Value> {
        self.dates.get(number as usize)
    }

    /// The stances on a statement, newest first; none for a node that is
    /// not a statement.
    pub fn stances(&self, statement: NodeId) -> &[Entry] {
        match self.statements.binary_search(&statement) {
            Ok(i) => self.entries_of(i as u32),
            Err(_) => &[],
        }
    }

    fn entries_of(&self, i: u32) -> &[Entry] {
        let (a, b) = (self.starts[i as usize], self.starts[i as usize + 1]);
        &self.entries[a as usize..b as usize]
    }

    /// A stance's date: its own, else its article's.
    pub fn date_of(&self, entry: &Entry) -> Option<&Value> {
        self.date(entry.date)
    }

    /// The Article node a stance's `article` names, if it exists.
    pub fn article_of(&self, entry: &Entry) -> Option<NodeId> {
        (entry.article != NodeId::MAX).then_some(entry.article)
    }

    /// The earliest and latest dates of a summary.
    pub fn first_last(&self, summary: &Summary) -> (Option<&Value>, Option<&Value>) {
        (self.date(summary.first), self.date(summary.last))
    }

    /// The statements claimed and denied, with their summaries, most
    /// contested first (claimants plus deniers, descending), then by key.
    pub fn contested(&self) -> impl Iterator<Item = (NodeId, &Summary)> + '_ {
        self.contested
            .iter()
            .map(|&i| (self.statements[i as usize], &self.summaries[i as usize]))
    }

    /// The statements claimed and denied counting only the stances whose
    /// dates `keep` accepts (dates that [`date_key`] reads; `None` for a
    /// stance without one), with those summaries, most contested first
    /// (claimants plus deniers, descending), then by key, then by id.
    /// `keep` is asked once per distinct date of the table, and only the
    /// statements contested overall are summarised again.
    pub fn contested_where(
        &self,
        mut keep: impl FnMut(Option<&Value>) -> bool,
    ) -> Vec<(NodeId, Summary)> {
        let kept: Vec<bool> = self
            .dates
            .iter()
            .map(|d| keep(Some(d).filter(|d| date_key_exists(d))))
            .collect();
        let undated = keep(None);
        let (mut who, mut seen) = (Vec::new(), Vec::new());
        let mut rows: Vec<(u32, Summary)> = self
            .contested
            .iter()
            .map(|&i| {
                let summary = self.summarise_where(self.entries_of(i), &mut who, &mut seen, |e| {
                    kept.get(e.date as usize).copied().unwrap_or(undated)
                });
                (i, summary)
            })
            .filter(|(_, s)| s.claimants > 0 && s.deniers > 0)
            .collect();
        rows.sort_unstable_by_key(|(i, s)| {
            (
                std::cmp::Reverse(s.claimants + s.deniers),
                self.key_rank[*i as usize],
            )
        });
        rows.into_iter()
            .map(|(i, s)| (self.statements[i as usize], s))
            .collect()
    }
}
