//! `claims.contested`: statements that are both claimed and denied.

use super::{date_key, key_of};
use crate::error::Result;
use crate::graph::Graph;
use crate::model::NodeId;
use crate::stances::Summary;
use crate::temporal::Temporal;
use crate::value::Value;

/// One row of `claims.contested`. Counts are of distinct nodes (articles: of
/// distinct article ids).
#[derive(Clone, Debug, PartialEq)]
pub struct Contested {
    pub statement: NodeId,
    pub claimants: usize,
    pub deniers: usize,
    pub assessors: usize,
    pub articles: usize,
    /// The earliest and latest dates of the stances counted.
    pub first: Option<Value>,
    pub last: Option<Value>,
}

/// Statements with at least one claimant and one denier, counting only the
/// stances dated within `[since, until]` when a bound is given (a stance
/// without a date then does not count). Most contested first (claimants plus
/// deniers, descending), ties by statement text.
///
/// Without bounds, the answer is the graph's stance table's, worked out
/// when the table was built; with bounds, each statement's stances are
/// summarised again from the table, each distinct plain date compared with
/// the bounds once.
pub fn contested(
    graph: &Graph,
    since: Option<&Value>,
    until: Option<&Value>,
) -> Result<Vec<Contested>> {
    let table = graph.stance_table();
    let row = |statement: NodeId, s: &Summary| {
        let (first, last) = table.first_last(s);
        Contested {
            statement,
            claimants: s.claimants,
            deniers: s.deniers,
            assessors: s.assessors,
            articles: s.articles,
            first: first.cloned(),
            last: last.cloned(),
        }
    };
    let since = since.and_then(date_key);
    let until = until.and_then(date_key);
    if since.is_none() && until.is_none() {
        return Ok(table.contested().map(|(id, s)| row(id, s)).collect());
    }
    // Plain dates (day numbers) already compared with the bounds.
    let mut within: rustc_hash::FxHashMap<i64, bool> = Default::default();
    let mut keep = |date: Option<&Value>| {
        let Some(date) = date else {
            return false;
        };
        let check = |date: &Value| {
            let Some(key) = date_key(date) else {
                return false;
            };
            !(since.as_ref().is_some_and(|s| key < *s) || until.as_ref().is_some_and(|u| key > *u))
        };
        match date {
            Value::Temporal(Temporal::Date(day)) => {
                *within.entry(*day).or_insert_with(|| check(date))
            }
            _ => check(date),
        }
    };
    let mut rows: Vec<_> = table
        .summaries_where(&mut keep)
        .filter(|(_, s)| s.claimants > 0 && s.deniers > 0)
        .map(|(id, s)| (row(id, &s), key_of(graph, id)))
        .collect();
    // Statements have unique texts, so the order is total.
    rows.sort_unstable_by(|(a, ka), (b, kb)| {
        (b.claimants + b.deniers)
            .cmp(&(a.claimants + a.deniers))
            .then_with(|| ka.cmp(kb))
            .then_with(|| a.statement.cmp(&b.statement))
    });
    Ok(rows.into_iter().map(|(r, _)| r).collect())
}
