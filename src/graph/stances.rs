//! The graph's [`StanceTable`]: what it is handed (each statement, its key
//! and its stances in adjacency order; relationships by id; articles by
//! id), and when it is kept across a transaction (see [`Graph::begin`] and
//! `txn.rs`: only one that changed no statement, article or stance).

use std::borrow::Cow;

use super::txn::Undo;
use super::{Dir, Graph};
use crate::model::{Kind, Node, Relationship, ARTICLE, STATEMENT};
use crate::stances::{RawStance, Stance, StanceTable};
use crate::value::Value;

impl Graph {
    /// The stances on every statement as numbers, with each statement's
    /// summary (see [`crate::stances`]). Built on first use after an
    /// import or a transaction that changed a statement, an article or a
    /// stance.
    pub fn stance_table(&self) -> &StanceTable {
        self.stances.get_or_init(|| self.build_stance_table())
    }

    /// The table built from the graph as it is.
    pub fn build_stance_table(&self) -> StanceTable {
        let types = Stance::ALL.map(|s| self.type_id(s.rel_type()));
        let statements: Vec<_> = self.nodes_with_label(STATEMENT).collect();
        let mut starts = Vec::with_capacity(statements.len() + 1);
        let mut raw: Vec<RawStance> = Vec::new();
        for &s in &statements {
            starts.push(raw.len() as u32);
            raw.extend(self.adjacent(s, Dir::In).filter_map(|a| {
                let i = types.iter().position(|t| *t == Some(a.ty()))?;
                Some((Stance::ALL[i], a.other(), a.rel()))
            }));
        }
        starts.push(raw.len() as u32);
        let key = |s| {
            self.node(s)
                .and_then(|n| n.get(Kind::of(n)?.key_property()))
                .and_then(Value::as_str)
                .map_or_else(|| Cow::Owned(s.to_string()), Cow::Borrowed)
        };
        StanceTable::build(
            statements,
            starts,
            &raw,
            |id| self.relationship(id),
            key,
            |id| {
                let node = self.lookup_key(Kind::Article, id)?;
                let date = self
                    .node(node)?
                    .get("date")
                    .filter(|v| !matches!(v, Value::Null));
                Some((node, date))
            },
        )
    }
}

/// At the end of a transaction, committed or rolled back (before its undo
/// log is spent): the stance table of the graph before, if no change of the
/// transaction concerns it (the graph then answers as it did); a table
/// built by a read inside the transaction is dropped, as it saw the
/// transaction half done.
pub(super) fn give_back(graph: &mut Graph, table: Option<StanceTable>, undo: &[Undo]) {
    graph.stances.take();
    if let Some(table) = table {
        if !undo.iter().any(|step| concerns(graph, step)) {
            let _ = graph.stances.set(table);
        }
    }
}

/// Whether a step of a transaction (with the graph after it) concerns the
/// stance table: it made, changed or deleted a statement, an article or a
/// stance.
pub(super) fn concerns(graph: &Graph, step: &Undo) -> bool {
    match step {
        Undo::CreatedNode(id) => graph.node(*id).is_some_and(concerns_node),
        Undo::CreatedRel(id) => graph.relationship(*id).is_some_and(concerns_relationship),
        Undo::ChangedNode(before) | Undo::DeletedNode(before) => {
            concerns_node(before) || graph.node(before.id).is_some_and(concerns_node)
        }
        Undo::ChangedRel(before) | Undo::DeletedRel(before) => {
            concerns_relationship(before)
                || graph
                    .relationship(before.id)
                    .is_some_and(concerns_relationship)
        }
    }
}

/// Whether the stance table can depend on a node: a statement or an
/// article.
fn concerns_node(node: &Node) -> bool {
    node.has_label(STATEMENT) || node.has_label(ARTICLE)
}

/// Whether the stance table can depend on a relationship: a stance.
fn concerns_relationship(rel: &Relationship) -> bool {
    Stance::of_type(&rel.rel_type).is_some()
}
