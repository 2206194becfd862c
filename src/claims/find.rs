//! `claims.find`, `entity()` and `claims.similar`: forgiving look-ups of
//! names and texts, over the graph's [`TextIndex`](crate::textmatch::TextIndex).

use super::{node_key, refused, resolve_statement, Target, ENTITY_KINDS};
use crate::error::Result;
use crate::graph::Graph;
use crate::model::{Kind, NodeId};
use crate::textmatch::{self, Found};

/// Every kind `claims.find` searches when no kind is given.
const FIND_KINDS: &[Kind] = &[
    Kind::Actor,
    Kind::Organisation,
    Kind::Place,
    Kind::Statement,
];

/// The kind a procedure argument names: `actor`, `organisation` (or
/// `organization`, `org`), `place`, `statement`, in any case.
pub fn parse_kind(procedure: &str, word: &str) -> Result<Kind> {
    let lower = word.to_lowercase();
    match Kind::from_keyword(&lower) {
        Some(kind) if kind != Kind::Article => Ok(kind),
        _ => {
            let words = ["actor", "organisation", "place", "statement"];
            let near = textmatch::nearest(&lower, words, 1);
            let hint = near
                .first()
                .map_or(String::new(), |n| format!("; did you mean {n:?}?"));
            Err(refused(
                procedure,
                format!("unknown kind {word:?} (the kinds are actor, organisation, place and statement){hint}"),
            ))
        }
    }
}

/// Entities (of `kinds`, else of every entity kind and statements) whose
/// name, alias or text matches `text` ignoring case, diacritics, punctuation
/// and word order, tolerating small misspellings; best first, ties by key.
/// Scores are in (0, 1]; 1 is the very name or text.
pub fn find<'g>(graph: &'g Graph, text: &str, kinds: Option<&[Kind]>) -> Vec<Found<'g>> {
    graph.text_index().find(text, kinds.unwrap_or(FIND_KINDS))
}

/// The first `limit` answers of [`find()`], in its order (the best are
/// selected before they are sorted).
pub fn find_first<'g>(
    graph: &'g Graph,
    text: &str,
    kinds: Option<&[Kind]>,
    limit: usize,
) -> Vec<Found<'g>> {
    graph
        .text_index()
        .find_first(text, kinds.unwrap_or(FIND_KINDS), limit)
}

/// The one entity (of `kind`, else of any entity kind) whose name or alias
/// equals `name` ignoring case, or none. Several: refused, naming them.
pub fn entity(graph: &Graph, name: &str, kind: Option<Kind>) -> Result<Option<NodeId>> {
    let kinds = kind.as_ref().map_or(ENTITY_KINDS, std::slice::from_ref);
    let ids = graph.text_index().entities_named(name, kinds);
    match ids.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => {
            let named: Vec<String> = many
                .iter()
                .map(|&id| {
                    let label = graph
                        .node(id)
                        .and_then(Kind::of)
                        .map_or("node", Kind::label);
                    format!("{label} {:?}", node_key(graph, id))
                })
                .collect();
            Err(refused(
                "entity",
                format!(
                    "{name:?} names {} entities: {}; give a kind or the exact name",
                    many.len(),
                    named.join(", ")
                ),
            ))
        }
    }
}

/// A row of `claims.similar`.
#[derive(Clone, Debug, PartialEq)]
pub struct Similar {
    pub node: NodeId,
    /// The Jaccard index of the two statements' sets of folded words.
    pub score: f64,
}

/// Other statements by similarity of text, best first, at most `limit`.
pub fn similar(graph: &Graph, statement: Target<'_>, limit: usize) -> Result<Vec<Similar>> {
    let statement = resolve_statement(graph, "claims.similar", statement)?;
    Ok(graph
        .text_index()
        .similar(statement, limit)
        .into_iter()
        .map(|(node, score)| Similar { node, score })
        .collect())
}
