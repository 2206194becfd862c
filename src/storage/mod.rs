//! Durable storage of the graph's records behind a small trait, with two
//! backends: [`sled`](self::sled::SledStorage) on disk (the default) and
//! [`memory`](self::memory::MemoryStorage) for tests and scratch work.
//!
//! Storage knows records, not graphs: it loads every record at open and
//! applies batches atomically. Indexes live in memory ([`crate::graph`]).

pub mod backup;
pub mod device;
pub mod holder;
pub mod memory;
pub mod sled;

use crate::error::Result;
use crate::model::{Node, NodeId, RelId, Relationship};

/// The version of the on-disk format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Everything a store holds, as loaded at open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub nodes: Vec<Node>,
    pub relationships: Vec<Relationship>,
    /// The next id to give a new node (ids are never reused).
    pub next_node_id: NodeId,
    /// The next id to give a new relationship.
    pub next_rel_id: RelId,
}

/// One atomic change: records to write or remove, and the id counters after it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Batch {
    pub put_nodes: Vec<Node>,
    pub delete_nodes: Vec<NodeId>,
    pub put_relationships: Vec<Relationship>,
    pub delete_relationships: Vec<RelId>,
    pub next_node_id: NodeId,
    pub next_rel_id: RelId,
}

/// A batch that borrows its records, as a transaction commits it: the same
/// fields in the same order as [`Batch`], so it encodes to the same bytes.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct BatchRef<'a> {
    pub put_nodes: Vec<&'a Node>,
    pub delete_nodes: Vec<NodeId>,
    pub put_relationships: Vec<&'a Relationship>,
    pub delete_relationships: Vec<RelId>,
    pub next_node_id: NodeId,
    pub next_rel_id: RelId,
}

impl Batch {
    /// The batch as borrowed records.
    pub fn as_ref(&self) -> BatchRef<'_> {
        BatchRef {
            put_nodes: self.put_nodes.iter().collect(),
            delete_nodes: self.delete_nodes.clone(),
            put_relationships: self.put_relationships.iter().collect(),
            delete_relationships: self.delete_relationships.clone(),
            next_node_id: self.next_node_id,
            next_rel_id: self.next_rel_id,
        }
    }

    /// Whether the batch writes no record (the counters may still move).
    pub fn is_empty(&self) -> bool {
        self.put_nodes.is_empty()
            && self.delete_nodes.is_empty()
            && self.put_relationships.is_empty()
            && self.delete_relationships.is_empty()
    }
}

/// A place that keeps records durably.
///
/// Architecture invariant: `commit` is all or nothing. When it returns `Ok`, the
/// whole batch survives a crash; when the process dies during it, the store
/// reopens with none of it.
pub trait Storage: Send {
    /// Reads every record.
    fn load(&self) -> Result<Snapshot>;

    /// Applies a batch atomically and durably.
    fn commit(&mut self, batch: &BatchRef<'_>) -> Result<()>;

    /// Where the records live, for messages: a path or `memory`.
    fn describe(&self) -> String;

    /// Bytes used on disk, when known.
    fn size_on_disk(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    //! One suite, run over every backend.

    use super::*;
    use crate::value::{Properties, Value};

    fn node(id: NodeId, label: &str, name: &str) -> Node {
        let mut properties = Properties::new();
        properties.insert("name".into(), Value::from(name));
        Node {
            id,
            labels: vec![label.into()],
            properties,
        }
    }

    fn rel(id: RelId, start: NodeId, end: NodeId) -> Relationship {
        Relationship {
            id,
            rel_type: "CLAIMS".into(),
            start,
            end,
            properties: Properties::new(),
        }
    }

    fn suite(open: &mut dyn FnMut() -> Box<dyn Storage>) {
        // A new store is empty.
        let mut store = open();
        assert_eq!(store.load().unwrap(), Snapshot::default());

        // A batch lands whole.
        let batch = Batch {
            put_nodes: vec![node(0, "Actor", "A"), node(1, "Statement", "s")],
            put_relationships: vec![rel(0, 0, 1)],
            next_node_id: 2,
            next_rel_id: 1,
            ..Batch::default()
        };
        store.commit(&batch.as_ref()).unwrap();
        let snap = store.load().unwrap();
        assert_eq!(snap.nodes, batch.put_nodes);
        assert_eq!(snap.relationships, batch.put_relationships);
        assert_eq!((snap.next_node_id, snap.next_rel_id), (2, 1));

        // Updates replace, deletes remove, counters move.
        let batch = Batch {
            put_nodes: vec![node(1, "Statement", "t")],
            delete_relationships: vec![0],
            next_node_id: 2,
            next_rel_id: 1,
            ..Batch::default()
        };
        store.commit(&batch.as_ref()).unwrap();
        let snap = store.load().unwrap();
        assert_eq!(snap.nodes[1].properties["name"], Value::from("t"));
        assert!(snap.relationships.is_empty());
        assert_eq!(snap.next_rel_id, 1);
        drop(store);

        // What was committed is there after reopening.
        let store = open();
        let snap = store.load().unwrap();
        assert_eq!(snap.nodes.len(), 2);
        assert_eq!(snap.next_node_id, 2);
    }

    #[test]
    fn memory_backend() {
        let shared = memory::MemoryStorage::default();
        suite(&mut || Box::new(shared.clone()));
    }

    #[test]
    fn sled_backend() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        suite(&mut || Box::new(self::sled::SledStorage::open(&path).unwrap()));
    }
}
