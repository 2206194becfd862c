//! Identity decisions: audited merges of entities and their undoing.
//!
//! `claimgraph merge KIND KEEP OTHER` makes OTHER's name and aliases aliases
//! of KEEP, moves every relationship of OTHER to KEEP (ids, types, articles
//! and properties kept), merges properties (KEEP's value wins a conflict,
//! which is listed) and deletes OTHER, in one transaction recorded through
//! [`Database::write_as`]. The log entry's words are the decision (kind,
//! names, reason; the entry has the UTC time), and the transaction's change
//! records hold all that `unmerge` needs: OTHER as it was, KEEP as it was,
//! and the moved relationships with their old ends.
//!
//! `claimgraph unmerge TX` puts those records back as a new transaction, so
//! the export after a merge and its unmerge equals the export before, ids
//! included. It is refused for a transaction that is not a merge, one undone
//! already, or one whose records a later transaction changed.

use std::collections::HashSet;

use crate::claims::entity;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::graph::Dir;
use crate::model::{Kind, NodeId, ALIASES_PROP, NAME_PROP};
use crate::storage::TxEntry;
use crate::value::{Properties, Value};

/// A property both entities had, with different values.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Conflict {
    pub key: String,
    pub kept: Value,
    pub dropped: Value,
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Merged {
    pub tx: u64,
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

/// The kinds that can be merged, by their command-line words.
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

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// The log words of a merge: `merge place "Bakhmut" "Artemivsk" --reason "..."`.
pub fn merge_words(kind: Kind, keep: &str, other: &str, reason: Option<&str>) -> String {
    let mut w = format!(
        "merge {} {} {}",
        kind.label().to_lowercase(),
        quoted(keep),
        quoted(other)
    );
    if let Some(r) = reason {
        w.push_str(" --reason ");
        w.push_str(&quoted(r));
    }
    w
}

/// Reads one JSON string at the start of `text`, returning it and the rest.
fn take_string(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    if !text.starts_with('"') {
        return None;
    }
    let mut it = serde_json::Deserializer::from_str(text).into_iter::<String>();
    let s = it.next()?.ok()?;
    Some((s, &text[it.byte_offset()..]))
}

/// The decision in a log entry's words, when they are a merge's.
pub fn parse_merge(what: &str) -> Option<MergeWords> {
    let rest = what.strip_prefix("merge ")?;
    let (kind, rest) = rest.split_once(' ')?;
    entity_kind(kind).ok()?;
    let (keep, rest) = take_string(rest)?;
    let (other, rest) = take_string(rest)?;
    let rest = rest.trim();
    let reason = if rest.is_empty() {
        None
    } else {
        let (r, tail) = take_string(rest.strip_prefix("--reason")?)?;
        if !tail.trim().is_empty() {
            return None;
        }
        Some(r)
    };
    Some(MergeWords {
        kind: kind.to_string(),
        keep,
        other,
        reason,
    })
}

fn unmerge_words(tx: u64) -> String {
    format!("unmerge {tx}")
}

/// The entity of `kind` that `name` names, as `entity()` resolves it, or an
/// error with the nearest names.
fn resolve(db: &Database, kind: Kind, name: &str) -> Result<NodeId> {
    if let Some(id) = entity(db.graph(), name, Some(kind))? {
        return Ok(id);
    }
    let mut near: Vec<String> = Vec::new();
    for found in db.graph().text_index().find(name, &[kind]) {
        if found.score < 0.6 || near.len() == 3 {
            break;
        }
        if !near.contains(&found.matched) {
            near.push(found.matched);
        }
    }
    let hint = if near.is_empty() {
        String::new()
    } else {
        let q: Vec<String> = near.iter().map(|n| quoted(n)).collect();
        format!("; did you mean {}?", q.join(" or "))
    };
    Err(Error::query(format!(
        "no {} is named \"{name}\"{hint}",
        kind.label().to_lowercase()
    )))
}

fn names_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::List(l)) => l
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// KEEP's properties after the merge, and the conflicts.
fn merged_properties(keep: &Properties, other: &Properties) -> (Properties, Vec<Conflict>) {
    let mut out = keep.clone();
    let mut conflicts = Vec::new();
    let keep_name = keep.get(NAME_PROP).and_then(Value::as_str).unwrap_or("");
    let mut aliases = names_of(keep.get(ALIASES_PROP));
    let joined = names_of(other.get(NAME_PROP))
        .into_iter()
        .chain(names_of(other.get(ALIASES_PROP)));
    for a in joined {
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

/// Merges OTHER into KEEP as one recorded transaction.
pub fn merge(
    db: &mut Database,
    kind: Kind,
    keep: &str,
    other: &str,
    reason: Option<&str>,
) -> Result<Merged> {
    let keep_id = resolve(db, kind, keep)?;
    let other_id = resolve(db, kind, other)?;
    if keep_id == other_id {
        return Err(Error::query(format!(
            "\"{keep}\" and \"{other}\" name the same {} already",
            kind.label().to_lowercase()
        )));
    }
    let words = merge_words(kind, keep, other, reason);
    let ((moved, conflicts), _, tx) = db.write_as(&words, |txn| {
        let g = txn.graph();
        let rels: Vec<(u64, NodeId, NodeId)> = g
            .relationships_of(other_id, Dir::Both)
            .map(|(r, _)| (r.id, r.start, r.end))
            .collect();
        let (Some(k), Some(o)) = (g.node(keep_id), g.node(other_id)) else {
            return Err(Error::query("an entity to merge is gone"));
        };
        let (props, conflicts) = merged_properties(&k.properties, &o.properties);
        let at = |n: NodeId| if n == other_id { keep_id } else { n };
        for &(id, start, end) in &rels {
            txn.move_relationship(id, at(start), at(end))?;
        }
        txn.delete_node(other_id, false)?;
        txn.replace_node_properties(keep_id, props)?;
        Ok((rels.len(), conflicts))
    })?;
    let tx = tx.ok_or_else(|| Error::query("the merge changed nothing"))?;
    Ok(Merged {
        tx,
        keep: keep_id,
        moved,
        conflicts,
    })
}

/// A merge decision from the log, with the transaction that undid it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    pub tx: u64,
    pub decision: &'static str,
    pub kind: String,
    pub names: Vec<String>,
    pub reason: Option<String>,
    pub time: String,
    pub undone_by: Option<u64>,
}

/// Every merge decision of the store, oldest first.
pub fn decisions(db: &Database) -> Result<Vec<Decision>> {
    let log = db.log()?;
    Ok(log
        .iter()
        .filter_map(|e| {
            let m = parse_merge(&e.what)?;
            Some(Decision {
                tx: e.tx,
                decision: "merge",
                kind: m.kind,
                names: vec![m.keep, m.other],
                reason: m.reason,
                time: e.time.clone(),
                undone_by: undone_by(&log, e.tx),
            })
        })
        .collect())
}

fn undone_by(log: &[TxEntry], tx: u64) -> Option<u64> {
    let words = unmerge_words(tx);
    log.iter()
        .find(|e| e.tx > tx && e.what == words)
        .map(|e| e.tx)
}

/// Undoes merge `tx` as a new transaction; returns its number.
pub fn unmerge(db: &mut Database, tx: u64) -> Result<u64> {
    let log = db.log()?;
    let Some(entry) = log.iter().find(|e| e.tx == tx) else {
        return Err(Error::query(format!(
            "there is no transaction {tx} (the log has 1 to {})",
            log.last().map_or(0, |e| e.tx)
        )));
    };
    let Some(words) = parse_merge(&entry.what) else {
        return Err(Error::query(format!(
            "transaction {tx} is not a merge (it was: {}); only a merge can be unmerged",
            entry.what
        )));
    };
    if let Some(by) = undone_by(&log, tx) {
        return Err(Error::query(format!(
            "merge {tx} ({} into {}) was undone already, by transaction {by}",
            quoted(&words.other),
            quoted(&words.keep)
        )));
    }
    let floor = db.history()?.floor;
    let mut changes = db.storage().changes_after(tx.saturating_sub(1))?;
    let Some(pos) = changes.iter().position(|(n, _)| *n == tx) else {
        return Err(Error::query(format!(
            "merge {tx} cannot be undone: its records were compacted (the history starts after {floor})"
        )));
    };
    let (_, change) = changes.swap_remove(pos);
    let nodes: HashSet<NodeId> = change.before_nodes.iter().map(|n| n.id).collect();
    let rels: HashSet<u64> = change.before_rels.iter().map(|r| r.id).collect();
    if let Some((later, _)) = changes.iter().filter(|(n, _)| *n > tx).find(|(_, c)| {
        c.before_nodes.iter().any(|n| nodes.contains(&n.id))
            || c.before_rels.iter().any(|r| rels.contains(&r.id))
    }) {
        return Err(Error::query(format!(
            "merge {tx} cannot be undone exactly: transaction {later} changed {} or its relationships since",
            quoted(&words.keep)
        )));
    }
    let (_, _, done) = db.write_as(&unmerge_words(tx), |txn| {
        let (present, absent): (Vec<_>, Vec<_>) = change
            .before_nodes
            .into_iter()
            .partition(|n| txn.graph().node(n.id).is_some());
        for n in present {
            txn.replace_node_properties(n.id, n.properties)?;
        }
        for n in absent {
            txn.restore_node(n)?;
        }
        for r in change.before_rels {
            txn.move_relationship(r.id, r.start, r.end)?;
        }
        Ok(())
    })?;
    done.ok_or_else(|| Error::query(format!("unmerge {tx} changed nothing")))
}
