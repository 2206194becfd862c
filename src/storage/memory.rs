//! The in-memory backend: the same contract as sled, gone with the process.
//! Clones share the same records, so a test can "reopen" it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::history::{Change, HistoryState, TxChanges, TxEntry};
use super::{BatchRef, Census, HistoryRead, Snapshot, Storage};
use crate::error::Result;
use crate::model::{Node, NodeId, RelId, Relationship};

#[derive(Clone, Default)]
pub struct MemoryStorage {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    nodes: BTreeMap<NodeId, Node>,
    relationships: BTreeMap<RelId, Relationship>,
    next_node_id: NodeId,
    next_rel_id: RelId,
    entries: BTreeMap<u64, TxEntry>,
    changes: BTreeMap<u64, TxChanges>,
    floor: u64,
    census: Option<Census>,
}

impl Inner {
    /// The last transaction (0 before the first).
    fn last(&self) -> u64 {
        self.entries.keys().next_back().copied().unwrap_or(0)
    }
}

impl MemoryStorage {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied batch
        // (batches are applied without panicking paths), so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Storage for MemoryStorage {
    fn load(&self) -> Result<Snapshot> {
        let inner = self.inner();
        Ok(Snapshot {
            nodes: inner.nodes.values().cloned().collect(),
            relationships: inner.relationships.values().cloned().collect(),
            next_node_id: inner.next_node_id,
            next_rel_id: inner.next_rel_id,
        })
    }

    fn commit(&mut self, batch: &BatchRef<'_>, change: &Change<'_>) -> Result<()> {
        let mut inner = self.inner();
        let tx = inner.last() + 1;
        inner.entries.insert(tx, change.entry(tx));
        let u = &change.undo;
        inner.changes.insert(
            tx,
            TxChanges {
                created_nodes: u.created_nodes.clone(),
                created_rels: u.created_rels.clone(),
                before_nodes: u.before_nodes.iter().map(|n| (*n).clone()).collect(),
                before_rels: u.before_rels.iter().map(|r| (*r).clone()).collect(),
                next_node_id: u.next_node_id,
                next_rel_id: u.next_rel_id,
            },
        );
        if change.starts_history {
            inner.floor = tx;
        }
        let kept = inner.census.take().filter(|c| c.tx + 1 == tx);
        inner.census = Census::after_commit(change.census.as_ref(), !batch.is_empty(), kept, tx);
        for id in &batch.delete_relationships {
            inner.relationships.remove(id);
        }
        for id in &batch.delete_nodes {
            inner.nodes.remove(id);
        }
        for n in &batch.put_nodes {
            inner.nodes.insert(n.id, (*n).clone());
        }
        for r in &batch.put_relationships {
            inner.relationships.insert(r.id, (*r).clone());
        }
        inner.next_node_id = batch.next_node_id;
        inner.next_rel_id = batch.next_rel_id;
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".to_string()
    }

    fn census(&self) -> Result<Option<Census>> {
        let inner = self.inner();
        Ok(inner.census.clone().filter(|c| c.tx == inner.last()))
    }

    fn keep_census(&mut self, census: &Census) -> bool {
        let mut inner = self.inner();
        inner.census = Some(census.clone().at(inner.last()));
        true
    }

    fn history(&self) -> Result<HistoryState> {
        let inner = self.inner();
        Ok(HistoryState {
            last: inner.last(),
            floor: inner.floor,
        })
    }

    fn log(&self) -> Result<Vec<TxEntry>> {
        Ok(self.inner().entries.values().cloned().collect())
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        let inner = self.inner();
        Ok(inner
            .changes
            .range(tx.saturating_add(1)..)
            .rev()
            .map(|(t, c)| (*t, c.clone()))
            .collect())
    }

    fn compact_history(&mut self, before: u64) -> Result<u64> {
        let mut inner = self.inner();
        let kept = inner.changes.split_off(&before);
        let dropped = std::mem::replace(&mut inner.changes, kept);
        let freed = dropped
            .values()
            .map(|c| postcard::to_allocvec(c).map_or(0, |b| b.len() as u64))
            .sum();
        inner.floor = inner.floor.max(before.saturating_sub(1));
        Ok(freed)
    }

    fn history_reader(&self) -> Option<Arc<dyn HistoryRead>> {
        Some(Arc::new(self.clone()))
    }
}

impl HistoryRead for MemoryStorage {
    fn log(&self) -> Result<Vec<TxEntry>> {
        Storage::log(self)
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        Storage::changes_after(self, tx)
    }

    fn floor(&self) -> Result<u64> {
        Ok(self.inner().floor)
    }
}
