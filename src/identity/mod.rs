//! Identity decisions: audited merges of entities, their undoing, and
//! `distinct` decisions that keep two names apart.
//!
//! `claimgraph merge KIND KEEP OTHER` (the work itself is
//! [`crate::claims::merge::merge_in`], shared with `claims.merge` and the
//! shell's `:merge`) makes OTHER's name and aliases aliases
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
//!
//! `claimgraph distinct KIND A B` records a transaction that changes no
//! record; its words are the decision ([`Distinct`]), which the graph
//! checks every entity change against, so a later merge, import or write
//! that would make one name an alias of the other is refused, naming it.

use std::collections::HashSet;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::graph::distinct::{quoted, Distinct};
use crate::model::{Kind, NodeId};
use crate::storage::TxEntry;

pub use crate::claims::merge::{
    entity_kind, merge_words, parse_merge, resolve, Conflict, MergeWords,
};

/// What a merge did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Merged {
    pub tx: u64,
    pub keep: NodeId,
    pub moved: usize,
    pub conflicts: Vec<Conflict>,
}

fn unmerge_words(tx: u64) -> String {
    format!("unmerge {tx}")
}

/// Merges OTHER into KEEP as one recorded transaction.
pub fn merge(
    db: &mut Database,
    kind: Kind,
    keep: &str,
    other: &str,
    reason: Option<&str>,
) -> Result<Merged> {
    let words = merge_words(kind, keep, other, reason);
    let (m, _, tx) = db.write_as(&words, |txn| {
        crate::claims::merge::merge_in(txn, kind, keep, other, reason)
    })?;
    let tx = tx.ok_or_else(|| Error::query("the merge changed nothing"))?;
    Ok(Merged {
        tx,
        keep: m.keep,
        moved: m.moved,
        conflicts: m.conflicts,
    })
}

/// What a merge did, in lines: what moved, then each conflict with both
/// values in the JSON form of query results.
pub fn describe_merge(kind: Kind, keep: &str, other: &str, m: &Merged) -> Vec<String> {
    let mut lines = vec![format!(
        "merged {} \"{other}\" into \"{keep}\": {} relationship(s) moved, \"{other}\" is an alias now",
        kind.label().to_lowercase(),
        m.moved
    )];
    for c in &m.conflicts {
        lines.push(format!(
            "conflict: {}: kept {}, dropped {}",
            c.key,
            c.kept.to_json(),
            c.dropped.to_json()
        ));
    }
    lines
}

/// Records that A and B are different entities of `kind`, as a transaction
/// of its own; returns its number. Both must name an entity now, and not
/// the same one.
pub fn distinct(
    db: &mut Database,
    kind: Kind,
    a: &str,
    b: &str,
    reason: Option<&str>,
) -> Result<u64> {
    let g = db.graph();
    let (ia, ib) = (resolve(g, kind, a)?, resolve(g, kind, b)?);
    let noun = kind.label().to_lowercase();
    if ia == ib {
        return Err(Error::query(format!(
            "\"{a}\" and \"{b}\" name the same {noun}; unmerge them first (`claimgraph decisions` lists the merges)"
        )));
    }
    let pair = [a.to_string(), b.to_string()];
    if let Some(d) = g
        .distinct_decisions()
        .iter()
        .find(|d| d.joined_by(&[kind], &pair))
    {
        return Err(Error::query(format!(
            "\"{a}\" and \"{b}\" are kept apart already, by decision {} (`{}`)",
            d.tx,
            d.words()
        )));
    }
    db.record_distinct(Distinct {
        tx: 0,
        kind,
        a: a.to_string(),
        b: b.to_string(),
        reason: reason.map(str::to_string),
    })
}

/// A merge or distinct decision from the log, with the transaction that
/// undid it (a merge's unmerge).
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

/// Every merge and distinct decision of the store, oldest first.
pub fn decisions(db: &Database) -> Result<Vec<Decision>> {
    let log = db.log()?;
    Ok(log
        .iter()
        .filter_map(|e| {
            let Some(m) = parse_merge(&e.what) else {
                let d = Distinct::from_entry(e)?;
                return Some(Decision {
                    tx: e.tx,
                    decision: "distinct",
                    kind: d.kind.label().to_lowercase(),
                    names: vec![d.a, d.b],
                    reason: d.reason,
                    time: e.time.clone(),
                    undone_by: None,
                });
            };
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

/// The decisions as the table `claimgraph decisions` prints on a terminal.
pub fn decisions_table(list: &[Decision]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header([
        "tx",
        "time",
        "decision",
        "kind",
        "names",
        "reason",
        "undone by",
    ]);
    for d in list {
        let join = if d.decision == "merge" {
            " ← "
        } else {
            " ≠ "
        };
        table.add_row(vec![
            d.tx.to_string(),
            d.time.clone(),
            d.decision.to_string(),
            d.kind.clone(),
            d.names.join(join),
            d.reason.clone().unwrap_or_default(),
            d.undone_by.map_or(String::new(), |t| t.to_string()),
        ]);
    }
    table
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
