//! The in-memory backend: the same contract as sled, gone with the process.
//! Clones share the same records, so a test can "reopen" it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::{BatchRef, Snapshot, Storage};
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

    fn commit(&mut self, batch: &BatchRef<'_>) -> Result<()> {
        let mut inner = self.inner();
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
}
