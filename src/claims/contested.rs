//! `claims.contested`: statements that are both claimed and denied.

use super::{cmp_present, date_key, date_key_exists, key_of, Dates, StanceTypes};
use crate::error::Result;
use crate::graph::{Dir, Graph};
use crate::model::{NodeId, CLAIMS, DENIES, STATEMENT};
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
pub fn contested(
    graph: &Graph,
    since: Option<&Value>,
    until: Option<&Value>,
) -> Result<Vec<Contested>> {
    let since = since.and_then(date_key);
    let until = until.and_then(date_key);
    let bounded = since.is_some() || until.is_some();
    let (Some(claims), Some(denies)) = (graph.type_id(CLAIMS), graph.type_id(DENIES)) else {
        return Ok(Vec::new());
    };
    let types = StanceTypes::of(graph);
    let mut rows = Vec::new();
    let mut dates = Dates::new(graph);
    // Buffers reused across statements: (stance, who) and article ids.
    let mut who: Vec<(u8, NodeId)> = Vec::new();
    let mut articles: Vec<&str> = Vec::new();
    for statement in graph.nodes_with_label(STATEMENT) {
        // A cheap look at the adjacency types first: most statements are
        // not contested, and this reads no relationship record.
        let (mut claimed, mut denied) = (false, false);
        for a in graph.adjacent(statement, Dir::In) {
            claimed |= a.ty() == claims;
            denied |= a.ty() == denies;
        }
        if !(claimed && denied) {
            continue;
        }
        who.clear();
        articles.clear();
        let (mut first, mut last): (Option<&Value>, Option<&Value>) = (None, None);
        for a in graph.adjacent(statement, Dir::In) {
            let Some(stance) = types.stance(a.ty()) else {
                continue;
            };
            let Some(rel) = graph.relationship(a.rel()) else {
                continue;
            };
            let date = dates.of(rel).filter(|d| date_key_exists(d));
            if bounded {
                let Some(key) = date.and_then(date_key) else {
                    continue;
                };
                if since.as_ref().is_some_and(|s| key < *s)
                    || until.as_ref().is_some_and(|u| key > *u)
                {
                    continue;
                }
            }
            // Claims, denies, assesses: 0, 1, 2.
            who.push((stance as u8, rel.start));
            if let Some(a) = rel.article() {
                articles.push(a);
            }
            if let Some(d) = date {
                if first.is_none_or(|f| cmp_present(d, f).is_lt()) {
                    first = Some(d);
                }
                if last.is_none_or(|l| cmp_present(d, l).is_gt()) {
                    last = Some(d);
                }
            }
        }
        who.sort_unstable();
        who.dedup();
        let count = |s: u8| who.iter().filter(|w| w.0 == s).count();
        let (claimants, deniers, assessors) = (count(0), count(1), count(2));
        if claimants == 0 || deniers == 0 {
            continue;
        }
        articles.sort_unstable();
        articles.dedup();
        rows.push((
            Contested {
                statement,
                claimants,
                deniers,
                assessors,
                articles: articles.len(),
                first: first.cloned(),
                last: last.cloned(),
            },
            key_of(graph, statement),
        ));
    }
    // Statements have unique texts, so the order is total.
    rows.sort_unstable_by(|(a, ka), (b, kb)| {
        (b.claimants + b.deniers)
            .cmp(&(a.claimants + a.deniers))
            .then_with(|| ka.cmp(kb))
            .then_with(|| a.statement.cmp(&b.statement))
    });
    Ok(rows.into_iter().map(|(r, _)| r).collect())
}
