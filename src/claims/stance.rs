//! `claims.stance` and `claims.first`: the stances on one statement.

use std::borrow::Cow;

use super::{
    article_of, cmp_dates, date_of_node, key_of, own_date, resolve_statement, stances_on,
    string_prop, Stance, Target,
};
use crate::error::Result;
use crate::graph::Graph;
use crate::model::{NodeId, RelId};
use crate::value::Value;

/// One row of `claims.stance`.
#[derive(Clone, Debug, PartialEq)]
pub struct StanceRow {
    pub who: NodeId,
    pub stance: Stance,
    /// The stance's date (see [`super::stance_date`]).
    pub date: Option<Value>,
    /// The Article node it came from.
    pub article: Option<NodeId>,
    pub quote: Option<String>,
    pub verdict: Option<String>,
    pub relationship: RelId,
}

/// Every claim, denial and assessment of a statement, by date (missing
/// dates last), then by who (their name), then by relationship id. Who,
/// article and date come from the graph's stance table; only the quote and
/// verdict are read from the relationship.
pub fn stance(graph: &Graph, statement: Target<'_>) -> Result<Vec<StanceRow>> {
    let statement = resolve_statement(graph, "claims.stance", statement)?;
    let table = graph.stance_table();
    let mut rows: Vec<(StanceRow, Cow<'_, str>)> = table
        .stances(statement)
        .iter()
        .map(|e| {
            let rel = graph.relationship(e.relationship);
            let row = StanceRow {
                who: e.who,
                stance: e.stance,
                date: table.date_of(e).cloned(),
                article: table.article_of(e),
                quote: rel.and_then(|r| string_prop(r, "quote")),
                verdict: rel.and_then(|r| string_prop(r, "verdict")),
                relationship: e.relationship,
            };
            (row, key_of(graph, e.who))
        })
        .collect();
    rows.sort_unstable_by(|(a, wa), (b, wb)| {
        cmp_dates(&a.date, &b.date)
            .then_with(|| wa.cmp(wb))
            .then_with(|| a.relationship.cmp(&b.relationship))
    });
    Ok(rows.into_iter().map(|(r, _)| r).collect())
}

/// One row of `claims.first`.
#[derive(Clone, Debug, PartialEq)]
pub struct First {
    /// 1 for the first claim.
    pub rank: usize,
    pub who: NodeId,
    /// The claim's date (see [`super::stance_date`]).
    pub date: Option<Value>,
    pub article: Option<NodeId>,
    pub relationship: RelId,
}

/// The `CLAIMS` relationships of a statement in the order it spread: by the
/// relationship's own date, then its article's date (missing ones last),
/// then who, then relationship id.
pub fn first(graph: &Graph, statement: Target<'_>) -> Result<Vec<First>> {
    let statement = resolve_statement(graph, "claims.first", statement)?;
    let mut rows: Vec<_> = stances_on(graph, statement)
        .filter(|(_, s)| *s == Stance::Claims)
        .map(|(r, _)| {
            let article = article_of(graph, r);
            let own = own_date(r).cloned();
            let of_article = article.and_then(|a| date_of_node(graph, a)).cloned();
            (own, of_article, key_of(graph, r.start), r, article)
        })
        .collect();
    rows.sort_unstable_by(|a, b| {
        cmp_dates(&a.0, &b.0)
            .then_with(|| cmp_dates(&a.1, &b.1))
            .then_with(|| a.2.cmp(&b.2))
            .then_with(|| a.3.id.cmp(&b.3.id))
    });
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, (own, of_article, _, r, article))| First {
            rank: i + 1,
            who: r.start,
            date: own.or(of_article),
            article,
            relationship: r.id,
        })
        .collect())
}
