//! The store's history: every change is a numbered transaction.
//!
//! Each commit records, in the same atomic batch as the change itself, a
//! [`TxEntry`] (its number, UTC time, what it was and its counts) and its
//! [`TxChanges`]: the ids it created and the records it changed or deleted as
//! they were before it. Creations need only ids, so an import adds little.
//!
//! The present is what the store loads; an older state is made by undoing
//! the transactions after it, newest first, on a copy ([`undo`]). Nothing is
//! replayed at open. `compact --before N` drops the change records of the
//! transactions before N; their entries stay in the log.
//!
//! To record a change of your own (a merge, say), run it through
//! [`crate::Database::write_as`] with the words the log should show.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::{Node, NodeId, RelId, Relationship};
use crate::result::WriteStats;

use super::{BatchRef, Snapshot, Storage};

/// What a transaction was, as `claimgraph log` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TxEntry {
    pub tx: u64,
    /// UTC, RFC 3339 (`2026-12-01T14:39:08Z`).
    pub time: String,
    /// `import FILE`, the query text, or the words of another change.
    pub what: String,
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub properties_set: u64,
}

/// How to take a transaction back: ids it created (as ranges `start..end`)
/// and records it changed or deleted, as they were before it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TxChanges {
    pub created_nodes: Vec<(NodeId, NodeId)>,
    pub created_rels: Vec<(RelId, RelId)>,
    pub before_nodes: Vec<Node>,
    pub before_rels: Vec<Relationship>,
    /// The id counters before the transaction.
    pub next_node_id: NodeId,
    pub next_rel_id: RelId,
}

/// [`TxChanges`] borrowing its records, as a commit writes it (same fields,
/// same order, so the same bytes).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct TxChangesRef<'a> {
    pub created_nodes: Vec<(NodeId, NodeId)>,
    pub created_rels: Vec<(RelId, RelId)>,
    pub before_nodes: Vec<&'a Node>,
    pub before_rels: Vec<&'a Relationship>,
    pub next_node_id: NodeId,
    pub next_rel_id: RelId,
}

/// One change as a transaction hands it to storage with its batch.
#[derive(Clone, Debug, Default)]
pub struct Change<'a> {
    /// What the log shows; set by [`Labelled`] or the caller.
    pub what: &'a str,
    pub stats: WriteStats,
    pub undo: TxChangesRef<'a>,
    /// Set when states before this transaction are not kept (the first
    /// transaction of an upgraded store or a backup).
    pub starts_history: bool,
    /// The counts after this change, when the writer knows them; storage
    /// writes them with the change as the store's census.
    pub census: Option<super::Census>,
}

impl Change<'_> {
    /// The log entry of this change as transaction `tx`, timed now.
    pub fn entry(&self, tx: u64) -> TxEntry {
        TxEntry {
            tx,
            time: now(),
            what: self.what.to_string(),
            nodes_created: self.stats.nodes_created,
            nodes_deleted: self.stats.nodes_deleted,
            relationships_created: self.stats.relationships_created,
            relationships_deleted: self.stats.relationships_deleted,
            properties_set: self.stats.properties_set,
        }
    }
}

/// The time now, UTC, to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// Sorted ids as ranges `start..end`.
pub fn ranges(ids: impl IntoIterator<Item = u64>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((_, end)) if *end == id => *end += 1,
            _ => out.push((id, id + 1)),
        }
    }
    out
}

/// What a store keeps of its past.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryState {
    /// The last transaction (0 when none).
    pub last: u64,
    /// The oldest state that can be rebuilt: after transaction `floor`.
    pub floor: u64,
}

impl HistoryState {
    /// Refuses a transaction number outside what is kept.
    pub fn check(&self, tx: u64) -> Result<()> {
        if tx > self.last {
            return Err(Error::History(format!(
                "there is no transaction {tx}: the store's last transaction is {} (see `claimgraph log`)",
                self.last
            )));
        }
        if tx < self.floor {
            return Err(Error::History(format!(
                "transaction {tx} is older than the history this store keeps: the oldest state kept is after transaction {} (`compact` or an upgrade dropped the earlier ones)",
                self.floor
            )));
        }
        Ok(())
    }
}

/// The words of a change no one has named yet ([`Labelled`] names it).
pub const UNLABELLED: &str = "change";

/// A storage that gives every transaction committed through it the words
/// `what` in the history (`import FILE`, the query text).
pub struct Labelled<'a> {
    pub inner: &'a mut dyn Storage,
    pub what: &'a str,
}

impl Storage for Labelled<'_> {
    fn load(&self) -> Result<Snapshot> {
        self.inner.load()
    }

    fn commit(&mut self, batch: &BatchRef<'_>, change: &Change<'_>) -> Result<()> {
        // A decision (a merge) keeps its own words.
        let what = if change.what == UNLABELLED {
            self.what
        } else {
            change.what
        };
        let labelled = Change {
            what,
            ..change.clone()
        };
        self.inner.commit(batch, &labelled)
    }

    fn census(&self) -> Result<Option<crate::storage::Census>> {
        self.inner.census()
    }

    fn keep_census(&mut self, census: &crate::storage::Census) -> bool {
        self.inner.keep_census(census)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn size_on_disk(&self) -> Option<u64> {
        self.inner.size_on_disk()
    }

    fn history(&self) -> Result<HistoryState> {
        self.inner.history()
    }

    fn log(&self) -> Result<Vec<TxEntry>> {
        self.inner.log()
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        self.inner.changes_after(tx)
    }

    fn compact_history(&mut self, before: u64) -> Result<u64> {
        self.inner.compact_history(before)
    }
}

/// The storage of a view of the past or of an article date: it holds
/// nothing and refuses every write, saying which view it is.
pub struct Frozen {
    /// The view, for messages: `--at-tx 3`, `--as-of 2023-04-04`.
    pub view: String,
}

impl Frozen {
    fn refuse<T>(&self) -> Result<T> {
        Err(Error::History(format!(
            "a write is refused under {}: that view of the store is read-only (nothing was written); run it without {}",
            self.view,
            self.view.split(' ').next().unwrap_or_default()
        )))
    }
}

impl Storage for Frozen {
    fn load(&self) -> Result<Snapshot> {
        Ok(Snapshot::default())
    }

    fn commit(&mut self, _: &BatchRef<'_>, _: &Change<'_>) -> Result<()> {
        self.refuse()
    }

    fn describe(&self) -> String {
        format!("the store {}", self.view)
    }

    fn history(&self) -> Result<HistoryState> {
        Ok(HistoryState::default())
    }

    fn log(&self) -> Result<Vec<TxEntry>> {
        Ok(Vec::new())
    }

    fn changes_after(&self, _: u64) -> Result<Vec<(u64, TxChanges)>> {
        Ok(Vec::new())
    }

    fn compact_history(&mut self, _: u64) -> Result<u64> {
        self.refuse()
    }
}

/// Records by id, for undoing.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub nodes: BTreeMap<NodeId, Node>,
    pub rels: BTreeMap<RelId, Relationship>,
    pub next_node_id: NodeId,
    pub next_rel_id: RelId,
}

impl State {
    pub fn new<'a>(
        nodes: impl Iterator<Item = &'a Node>,
        rels: impl Iterator<Item = &'a Relationship>,
        next_node_id: NodeId,
        next_rel_id: RelId,
    ) -> Self {
        State {
            nodes: nodes.map(|n| (n.id, n.clone())).collect(),
            rels: rels.map(|r| (r.id, r.clone())).collect(),
            next_node_id,
            next_rel_id,
        }
    }

    pub fn into_snapshot(self) -> Snapshot {
        Snapshot {
            nodes: self.nodes.into_values().collect(),
            relationships: self.rels.into_values().collect(),
            next_node_id: self.next_node_id,
            next_rel_id: self.next_rel_id,
        }
    }
}

/// Takes back `changes`, given newest first.
pub fn undo(state: &mut State, changes: impl IntoIterator<Item = TxChanges>) {
    for c in changes {
        for (start, end) in c.created_rels {
            if end - start > state.rels.len() as u64 {
                state.rels.retain(|id, _| !(start..end).contains(id));
            } else {
                for id in start..end {
                    state.rels.remove(&id);
                }
            }
        }
        for (start, end) in c.created_nodes {
            if end - start > state.nodes.len() as u64 {
                state.nodes.retain(|id, _| !(start..end).contains(id));
            } else {
                for id in start..end {
                    state.nodes.remove(&id);
                }
            }
        }
        for n in c.before_nodes {
            state.nodes.insert(n.id, n);
        }
        for r in c.before_rels {
            state.rels.insert(r.id, r);
        }
        state.next_node_id = c.next_node_id;
        state.next_rel_id = c.next_rel_id;
    }
}

/// What changed between two states, as `claimgraph diff` prints it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Diff<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
    pub changed: Vec<Changed<T>>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Changed<T> {
    pub before: T,
    pub after: T,
}

fn diff_maps<T: Clone + PartialEq>(a: &BTreeMap<u64, T>, b: &BTreeMap<u64, T>) -> Diff<T> {
    let mut d = Diff {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (id, before) in a {
        match b.get(id) {
            None => d.removed.push(before.clone()),
            Some(after) if after != before => d.changed.push(Changed {
                before: before.clone(),
                after: after.clone(),
            }),
            Some(_) => {}
        }
    }
    for (id, after) in b {
        if !a.contains_key(id) {
            d.added.push(after.clone());
        }
    }
    d
}

/// The nodes and relationships added, removed and changed from `a` to `b`.
pub fn diff(a: &State, b: &State) -> (Diff<Node>, Diff<Relationship>) {
    (diff_maps(&a.nodes, &b.nodes), diff_maps(&a.rels, &b.rels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_neighbours() {
        assert_eq!(ranges([1, 2, 3, 7, 8, 10]), vec![(1, 4), (7, 9), (10, 11)]);
        assert!(ranges([]).is_empty());
    }

    #[test]
    fn a_kept_range_is_checked() {
        let h = HistoryState { last: 5, floor: 2 };
        assert!(h.check(2).is_ok() && h.check(5).is_ok());
        assert!(h.check(1).unwrap_err().to_string().contains("older"));
        assert!(h
            .check(6)
            .unwrap_err()
            .to_string()
            .contains("no transaction 6"));
    }
}
