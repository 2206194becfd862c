//! The stance table: every statement's claims, denials and assessments as
//! numbers, with each statement's summary (distinct claimants, deniers,
//! assessors and articles, first and last dates) worked out once.
//!
//! `claims.contested()` and `claims.stance` read it instead of walking every
//! relationship record, looking up every article by its id and comparing
//! dates as text on each call. The graph keeps one
//! ([`Graph::stance_table`](crate::graph::Graph::stance_table)), built on
//! first use and dropped by every transaction (when it begins and when it
//! ends, committed or rolled back), so it is never stale. It is built from
//! what the graph hands it (statements, their stances, article look-ups);
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
#[derive(Clone, Debug)]
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
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary {
    pub claimants: usize,
    pub deniers: usize,
    pub assessors: usize,
    pub articles: usize,
    /// The earliest and latest dates, as numbers into the table's dates.
    first: u32,
    last: u32,
}

/// What the graph hands the table for one statement: its id and its
/// stances, newest first as the adjacency lists them.
pub type StatementStances<R> = (NodeId, R);

/// The stance table (see the module docs).
#[derive(Debug, Default)]
pub struct StanceTable {
    /// Every statement, in id order (a statement's place is found by
    /// binary search).
    statements: Vec<NodeId>,
    /// The entries of statement `i` are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    entries: Vec<Entry>,
    /// Every distinct date value, each once (plain dates by day).
    dates: Vec<Value>,
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

/// The first sixteen bytes of a key as a number that orders as they do.
fn prefix(key: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = key.len().min(16);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

impl StanceTable {
    /// Builds the table from every statement (in id order) and its
    /// stances, with `key(statement)` giving a statement's key (read only
    /// for the contested ones) and `article(id)` the Article node an
    /// `article` id names and that article's `date` (not null), if there
    /// is one.
    pub fn build<'g, R>(
        statements: impl Iterator<Item = StatementStances<R>>,
        key: impl Fn(NodeId) -> Cow<'g, str>,
        article: impl Fn(&str) -> Option<(NodeId, Option<&'g Value>)>,
    ) -> Self
    where
        R: Iterator<Item = (Stance, &'g Relationship)>,
    {
        let mut table = StanceTable::default();
        // Article id → (number, node, date number).
        let mut articles: HashMap<&'g str, (u32, NodeId, u32)> = HashMap::default();
        let mut days: HashMap<i64, u32> = HashMap::default();
        let mut who: Vec<(Stance, NodeId)> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        for (statement, stances) in statements {
            debug_assert!(table.statements.last().is_none_or(|&l| l < statement));
            table.statements.push(statement);
            table.starts.push(table.entries.len() as u32);
            let start = table.entries.len();
            for (stance, rel) in stances {
                let (article_id, own_date) = article_and_date(rel);
                let (article_no, node, article_date) = match article_id {
                    Some(id) => {
                        let next = articles.len() as u32;
                        *articles.entry(id).or_insert_with(|| {
                            let (node, date) = article(id).unwrap_or((NodeId::MAX, None));
                            let date = date.map_or(NONE, |d| table.date_number(&mut days, d));
                            (next, node, date)
                        })
                    }
                    None => (NONE, NodeId::MAX, NONE),
                };
                let date = match own_date {
                    Some(d) => table.date_number(&mut days, d),
                    None => article_date,
                };
                table.entries.push(Entry {
                    who: rel.start,
                    relationship: rel.id,
                    article: node,
                    article_no,
                    date,
                    stance,
                });
            }
            let summary = table.summarise(&table.entries[start..], &mut who, &mut seen);
            table.summaries.push(summary);
        }
        table.starts.push(table.entries.len() as u32);
        // The contested statements by (key, id): their keys are read and
        // compared here only, most comparisons settled by the first bytes.
        let mut by_key: Vec<(u128, Cow<'g, str>, u32)> = (0..table.statements.len() as u32)
            .filter(|&i| {
                let s = &table.summaries[i as usize];
                s.claimants > 0 && s.deniers > 0
            })
            .map(|i| {
                let k = key(table.statements[i as usize]);
                (prefix(&k), k, i)
            })
            .collect();
        by_key.sort_unstable();
        table.key_rank = vec![NONE; table.statements.len()];
        for (rank, (_, _, i)) in by_key.iter().enumerate() {
            table.key_rank[*i as usize] = rank as u32;
        }
        let mut contested: Vec<u32> = by_key.into_iter().map(|(_, _, i)| i).collect();
        let summaries = &table.summaries;
        // Stable: ties keep the order by (key, id).
        contested.sort_by_key(|&i| {
            let s = &summaries[i as usize];
            std::cmp::Reverse(s.claimants + s.deniers)
        });
        table.contested = contested;
        table
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
        for e in entries {
            if !keep(e) {
                continue;
            }
            let date = self.date(e.date).filter(|d| date_key_exists(d));
            who.push((e.stance, e.who));
            if e.article_no != NONE {
                seen.push(e.article_no);
            }
            if let Some(d) = date {
                if first == NONE || cmp_present(d, &self.dates[first as usize]).is_lt() {
                    first = e.date;
                }
                if last == NONE || cmp_present(d, &self.dates[last as usize]).is_gt() {
                    last = e.date;
                }
            }
        }
        who.sort_unstable();
        who.dedup();
        seen.sort_unstable();
        seen.dedup();
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
