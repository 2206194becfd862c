//! `claims.timeline`: what an entity said, and what was said about it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{
    article_of, cmp_dates, key_of, resolve_entity, stance_date, stances_on, Stance, Target,
};
use crate::error::Result;
use crate::graph::{Dir, Graph};
use crate::model::{Kind, NodeId, RelId, ABOUT};
use crate::value::Value;

/// One row of `claims.timeline`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    pub date: Option<Value>,
    pub stance: Stance,
    pub who: NodeId,
    pub statement: NodeId,
    pub article: Option<NodeId>,
    pub relationship: RelId,
}

/// For an actor or organisation, its own stances; for any entity, also the
/// stances on the statements `ABOUT` it; each stance once. By date (missing
/// last), then statement text, then who, then relationship id.
pub fn timeline(graph: &Graph, entity: Target<'_>) -> Result<Vec<TimelineRow>> {
    let entity = resolve_entity(graph, "claims.timeline", entity)?;
    let mut rels: BTreeSet<RelId> = BTreeSet::new();
    let speaks = graph
        .node(entity)
        .and_then(Kind::of)
        .is_some_and(|k| matches!(k, Kind::Actor | Kind::Organisation));
    if speaks {
        for (r, _) in graph.relationships_of(entity, Dir::Out) {
            if Stance::of_type(&r.rel_type).is_some() {
                rels.insert(r.id);
            }
        }
    }
    let about: BTreeSet<NodeId> = graph
        .relationships_of(entity, Dir::In)
        .filter(|(r, _)| r.rel_type == ABOUT)
        .map(|(_, statement)| statement)
        .collect();
    for statement in about {
        rels.extend(stances_on(graph, statement).map(|(r, _)| r.id));
    }
    let mut rows: Vec<(TimelineRow, Cow<'_, str>, Cow<'_, str>)> = rels
        .into_iter()
        .filter_map(|id| graph.relationship(id))
        .filter_map(|r| {
            let row = TimelineRow {
                date: stance_date(graph, r),
                stance: Stance::of_type(&r.rel_type)?,
                who: r.start,
                statement: r.end,
                article: article_of(graph, r),
                relationship: r.id,
            };
            Some((row, key_of(graph, r.end), key_of(graph, r.start)))
        })
        .collect();
    rows.sort_unstable_by(|(a, sa, wa), (b, sb, wb)| {
        cmp_dates(&a.date, &b.date)
            .then_with(|| sa.cmp(sb))
            .then_with(|| wa.cmp(wb))
            .then_with(|| a.relationship.cmp(&b.relationship))
    });
    Ok(rows.into_iter().map(|(r, _, _)| r).collect())
}
