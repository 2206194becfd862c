//! A merge of two entities inside one transaction: the one code path of
//! `claimgraph merge`, the shell's `:merge` and `claims.merge(...)`.
//!
//! OTHER's name and aliases become aliases of KEEP, every relationship of
//! OTHER moves to KEEP (ids, types, articles and properties kept), KEEP's
//! properties win a conflict (listed) and OTHER is deleted. The transaction
//! is marked as the decision ([`Txn::decide`]), so the log shows the merge's
//! words whoever ran it, and no other change may share it.

use crate::error::{Error, Result};
use crate::graph::distinct::{decision_words, parse_decision, quoted};
use crate::graph::{Dir, Graph, Txn};
use crate::import::suggest;
use crate::model::{Kind, NodeId, ALIASES_PROP, NAME_PROP};
use crate::value::{Properties, Value};

use super::entity;

/// A property both entities had, with different values (in the JSON form
/// of query results).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Conflict {
    pub key: String,
    #[serde(serialize_with = "as_json")]
    pub kept: Value,
    #[serde(serialize_with = "as_json")]
    pub dropped: Value,
}

fn as_json<S: serde::Serializer>(v: &Value, s: S) -> std::result::Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&v.to_json(), s)
}

/// What a merge did in its transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct MergedIn {
    pub keep: NodeId,
    pub moved: usize,
    pub conflicts: Vec<Conflict>,
}

/// A merge as its log entry records it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MergeWords {
    pub kind: String,
    pub keep: String,
    pub other: String,
    pub reason: Option<String>,
}

/// The kinds that can be merged or kept apart, by their words (any case).
pub fn entity_kind(word: &str) -> Result<Kind> {
    match Kind::from_keyword(&word.to_lowercase()) {
        Some(k) if k.is_entity() => Ok(k),
        _ => {
            let near = crate::textmatch::nearest(word, ["actor", "organisation", "place"], 1);
            let hint = near
                .first()
                .map_or(String::new(), |n| format!(": did you mean \"{n}\"?"));
            Err(Error::query(format!(
                "unknown kind \"{word}\"{hint} (actor, organisation or place)"
            )))
        }
    }
}

/// The log words of a merge: `merge place "Bakhmut" "Artemivsk" --reason "..."`.
pub fn merge_words(kind: Kind, keep: &str, other: &str, reason: Option<&str>) -> String {
    decision_words("merge", kind, keep, other, reason)
}

/// The decision in a log entry's words, when they are a merge's.
pub fn parse_merge(what: &str) -> Option<MergeWords> {
    let (kind, keep, other, reason) = parse_decision("merge", what)?;
    entity_kind(kind).ok()?;
    Some(MergeWords {
        kind: kind.to_string(),
        keep,
        other,
        reason,
    })
}

/// The entity of `kind` that `name` names, as `entity()` resolves it, or an
/// error with the nearest names and aliases.
pub fn resolve(graph: &Graph, kind: Kind, name: &str) -> Result<NodeId> {
    if let Some(id) = entity(graph, name, Some(kind))? {
        return Ok(id);
    }
    let near = suggest::nearest_names(graph.text_index(), name, &[kind]);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggest::one_of(&near))
    };
    Err(Error::query(format!(
        "no {} is named \"{name}\"{hint}",
        kind.label().to_lowercase()
    )))
}

/// The names of a `name` or `aliases` value.
pub fn names_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::List(l)) => l
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every name an entity answers to.
pub fn all_names(props: &Properties) -> Vec<String> {
    let mut names = names_of(props.get(NAME_PROP));
    names.extend(names_of(props.get(ALIASES_PROP)));
    names
}

/// KEEP's properties after the merge, and the conflicts.
fn merged_properties(keep: &Properties, other: &Properties) -> (Properties, Vec<Conflict>) {
    let mut out = keep.clone();
    let mut conflicts = Vec::new();
    let keep_name = keep.get(NAME_PROP).and_then(Value::as_str).unwrap_or("");
    let mut aliases = names_of(keep.get(ALIASES_PROP));
    for a in all_names(other) {
        if a != keep_name && !aliases.contains(&a) {
            aliases.push(a);
        }
    }
    for (k, v) in other {
        if k == NAME_PROP || k == ALIASES_PROP {
            continue;
        }
        match keep.get(k) {
            None => {
                out.insert(k.clone(), v.clone());
            }
            Some(kept) if kept != v => conflicts.push(Conflict {
                key: k.clone(),
                kept: kept.clone(),
                dropped: v.clone(),
            }),
            Some(_) => {}
        }
    }
    if !aliases.is_empty() {
        out.insert(
            ALIASES_PROP.to_string(),
            Value::List(aliases.into_iter().map(Value::String).collect()),
        );
    }
    (out, conflicts)
}

/// Merges OTHER into KEEP in `txn`, which must have made no change yet,
/// and marks the transaction as this merge.
pub fn merge_in(
    txn: &mut Txn<'_>,
    kind: Kind,
    keep: &str,
    other: &str,
    reason: Option<&str>,
) -> Result<MergedIn> {
    let words = merge_words(kind, keep, other, reason);
    if txn.has_changes() {
        return Err(Error::query(format!(
            "`{words}` must be the only change of its statement; make the other changes in a statement of their own"
        )));
    }
    let g = txn.graph();
    let keep_id = resolve(g, kind, keep)?;
    let other_id = resolve(g, kind, other)?;
    if keep_id == other_id {
        return Err(Error::query(format!(
            "\"{keep}\" and \"{other}\" name the same {} already",
            kind.label().to_lowercase()
        )));
    }
    let (Some(k), Some(o)) = (g.node(keep_id), g.node(other_id)) else {
        return Err(Error::query("an entity to merge is gone"));
    };
    let (props, conflicts) = merged_properties(&k.properties, &o.properties);
    let names = all_names(&props);
    if let Some(d) = g
        .distinct_decisions()
        .iter()
        .find(|d| d.joined_by(&[kind], &names))
    {
        return Err(Error::query(format!(
            "the merge of {} into {} is refused: {}",
            quoted(other),
            quoted(keep),
            d.why()
        )));
    }
    let rels: Vec<(u64, NodeId, NodeId)> = g
        .relationships_of(other_id, Dir::Both)
        .map(|(r, _)| (r.id, r.start, r.end))
        .collect();
    let at = |n: NodeId| if n == other_id { keep_id } else { n };
    for &(id, start, end) in &rels {
        txn.move_relationship(id, at(start), at(end))?;
    }
    txn.delete_node(other_id, false)?;
    txn.replace_node_properties(keep_id, props)?;
    txn.decide(words);
    Ok(MergedIn {
        keep: keep_id,
        moved: rels.len(),
        conflicts,
    })
}
