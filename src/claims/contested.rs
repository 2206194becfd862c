//! `claims.contested`: statements that are both claimed and denied.

use super::date_key;
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
/// when the table was built; with bounds, the stances of each statement
/// contested overall are summarised again from the table, each distinct
/// date compared with the bounds once, and ties ordered by the table's
/// ranks by key.
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
    Ok(table
        .contested_where(&mut keep)
        .into_iter()
        .map(|(id, s)| row(id, &s))
        .collect())
}
