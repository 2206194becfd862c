//! Durable storage of the graph's records behind a small trait, with two
//! backends: [`sled`](self::sled::SledStorage) on disk (the default) and
//! [`memory`](self::memory::MemoryStorage) for tests and scratch work.
//!
//! Storage knows records, not graphs: it loads every record at open and
//! applies batches atomically. Indexes live in memory ([`crate::graph`]).

pub mod backup;
pub mod census;
pub mod device;
pub mod history;
pub mod holder;
pub mod memory;
pub mod sled;

use crate::error::Result;
use crate::model::{Node, NodeId, RelId, Relationship};
pub use census::Census;
pub use history::{Change, HistoryState, TxChanges, TxEntry};

/// The version of the on-disk format this build reads and writes (3: the
/// store's history, each kind of key in a sled tree of its own). A store of
/// version 1 (before the history) or 2 (one tree) is upgraded in place at
/// open.
pub const FORMAT_VERSION: u32 = 3;

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

/// One record as [`Storage::load_each`] hands it over.
#[derive(Debug)]
pub enum Record {
    /// How many nodes and relationships are coming, as the store says
    /// (a hint for reserving room; a damaged store may say anything).
    Expect {
        nodes: usize,
        relationships: usize,
    },
    Node(Node),
    Relationship(Relationship),
}

/// Hands `snapshot`'s records to `sink`, nodes first; returns the id counters.
pub fn each_record(
    snapshot: Snapshot,
    sink: &mut dyn FnMut(Record) -> Result<()>,
) -> Result<(NodeId, RelId)> {
    sink(Record::Expect {
        nodes: snapshot.nodes.len(),
        relationships: snapshot.relationships.len(),
    })?;
    for n in snapshot.nodes {
        sink(Record::Node(n))?;
    }
    for r in snapshot.relationships {
        sink(Record::Relationship(r))?;
    }
    Ok((snapshot.next_node_id, snapshot.next_rel_id))
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

impl BatchRef<'_> {
    /// Whether the batch writes no record (the counters may still move).
    pub fn is_empty(&self) -> bool {
        self.put_nodes.is_empty()
            && self.delete_nodes.is_empty()
            && self.put_relationships.is_empty()
            && self.delete_relationships.is_empty()
    }
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

    /// Reads every record into `sink`, all nodes before any relationship,
    /// in the order [`Storage::load`] returns them; returns the id counters
    /// (next node id, next relationship id). A backend that can decode its
    /// records as it reads them hands each over without holding them all.
    ///
    /// `None` when what was handed over turned out, at its end, not to be
    /// in that order (a log whose records need replaying): the caller drops
    /// it and calls [`Storage::load`].
    fn load_each(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<()>,
    ) -> Result<Option<(NodeId, RelId)>> {
        each_record(self.load()?, sink).map(Some)
    }

    /// Lets go of what reading every record left in the backend's caches,
    /// once the graph is built from them: sled keeps in memory the pages of
    /// a large log it read, several hundred megabytes for a large import.
    fn after_load(&mut self) -> Result<()> {
        Ok(())
    }

    /// Applies a batch atomically and durably, with its entry in the
    /// store's history (the next transaction number) in the same batch, and
    /// the change's census ([`Change::census`]): a change without one keeps
    /// the census when it writes no record and drops it otherwise.
    fn commit(&mut self, batch: &BatchRef<'_>, change: &Change<'_>) -> Result<()>;

    /// The census of the last transaction, read without the records; `None`
    /// when the store keeps none that holds for its last transaction.
    fn census(&self) -> Result<Option<Census>> {
        Ok(None)
    }

    /// Writes `census` (counted from the records just loaded) as the census
    /// of the last transaction; returns whether it was written (a store
    /// that takes no writes, or whose device is full, is left as it is).
    fn keep_census(&mut self, census: &Census) -> bool {
        let _ = census;
        false
    }

    /// The last transaction and the oldest state that can be rebuilt.
    fn history(&self) -> Result<HistoryState>;

    /// Every transaction's entry, oldest first.
    fn log(&self) -> Result<Vec<TxEntry>>;

    /// The change records of the transactions after `tx`, newest first.
    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>>;

    /// Drops the change records of the transactions before `before` (their
    /// entries stay in the log); returns the bytes freed.
    fn compact_history(&mut self, before: u64) -> Result<u64>;

    /// Where the records live, for messages: a path or `memory`.
    fn describe(&self) -> String;

    /// Bytes used on disk, when known.
    fn size_on_disk(&self) -> Option<u64> {
        None
    }

    /// A reader of this store's history for other threads, which goes on
    /// reading while this storage commits (the snapshots of a store's
    /// holder); `None` when the backend has none to share.
    fn history_reader(&self) -> Option<std::sync::Arc<dyn HistoryRead>> {
        None
    }
}

/// The history of a store read beside its writer: it sees every commit
/// made so far, so a reader of a committed state keeps only the
/// transactions up to that state's last (see `db::Committed`).
pub trait HistoryRead: Send + Sync {
    /// Every transaction's entry, oldest first.
    fn log(&self) -> Result<Vec<TxEntry>>;

    /// The change records of the transactions after `tx`, newest first.
    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>>;

    /// The oldest state that can be rebuilt now (a compaction raises it).
    fn floor(&self) -> Result<u64>;
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
        store
            .commit(&batch.as_ref(), &change("import a", 2, 1))
            .unwrap();
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
        let before_node = node(1, "Statement", "s");
        let before_rel = rel(0, 0, 1);
        let mut second = change("SET", 0, 0);
        (second.undo.next_node_id, second.undo.next_rel_id) = (2, 1);
        second.undo.before_nodes = vec![&before_node];
        second.undo.before_rels = vec![&before_rel];
        store.commit(&batch.as_ref(), &second).unwrap();
        let snap = store.load().unwrap();
        assert_eq!(snap.nodes[1].properties["name"], Value::from("t"));
        assert!(snap.relationships.is_empty());
        assert_eq!(snap.next_rel_id, 1);
        drop(store);

        // What was committed is there after reopening.
        let mut store = open();
        let snap = store.load().unwrap();
        assert_eq!(snap.nodes.len(), 2);
        assert_eq!(snap.next_node_id, 2);

        // Both transactions are in the history, in order, with their counts.
        let log = store.log().unwrap();
        assert_eq!(
            log.iter()
                .map(|e| (e.tx, e.what.as_str()))
                .collect::<Vec<_>>(),
            [(1, "import a"), (2, "SET")]
        );
        assert_eq!(log[0].nodes_created, 2);
        assert!(log[0].time.ends_with('Z'), "{}", log[0].time);
        assert_eq!(store.history().unwrap(), HistoryState { last: 2, floor: 0 });

        // Undoing them gives back each earlier state.
        let mut state = history::State::new(
            snap.nodes.iter(),
            snap.relationships.iter(),
            snap.next_node_id,
            snap.next_rel_id,
        );
        let changes = store.changes_after(0).unwrap();
        assert_eq!(changes.iter().map(|c| c.0).collect::<Vec<_>>(), [2, 1]);
        let mut changes = changes.into_iter().map(|c| c.1);
        history::undo(&mut state, changes.next());
        assert_eq!(state.nodes[&1].properties["name"], Value::from("s"));
        assert_eq!(state.rels.len(), 1);
        assert_eq!((state.next_node_id, state.next_rel_id), (2, 1));
        history::undo(&mut state, changes.next());
        assert!(state.nodes.is_empty() && state.rels.is_empty());
        assert_eq!((state.next_node_id, state.next_rel_id), (0, 0));

        // Compacting drops the older change records and moves the floor.
        let freed = store.compact_history(2).unwrap();
        assert!(freed > 0);
        assert_eq!(store.history().unwrap(), HistoryState { last: 2, floor: 1 });
        assert_eq!(store.changes_after(1).unwrap().len(), 1);
        assert_eq!(store.log().unwrap().len(), 2, "the log keeps every entry");
        drop(store);
        let store = open();
        assert_eq!(store.history().unwrap(), HistoryState { last: 2, floor: 1 });
    }

    /// The census a store keeps: written with each change that brings one,
    /// carried over a change of no record, dropped by a change of records
    /// without one, and kept at open only when missing.
    fn census_suite(open: &mut dyn FnMut() -> Box<dyn Storage>) {
        let mut store = open();
        assert_eq!(store.census().unwrap(), None, "a new store keeps none");
        let nodes = [node(0, "Actor", "A"), node(1, "Statement", "s")];
        let rels = [rel(0, 0, 1)];
        let batch = Batch {
            put_nodes: nodes.to_vec(),
            put_relationships: rels.to_vec(),
            next_node_id: 2,
            next_rel_id: 1,
            ..Batch::default()
        };
        let counted = Census::of_records(&nodes, &rels);
        let mut first = change("import a", 2, 1);
        first.census = Some(counted.clone());
        store.commit(&batch.as_ref(), &first).unwrap();
        drop(store);

        let mut store = open();
        let kept = store.census().unwrap().expect("the import's census");
        assert_eq!(kept, counted.clone().at(1));
        assert_eq!(kept.labels["Statement"], 1);

        // A change of no record (a decision) carries it to its transaction.
        let none = BatchRef {
            next_node_id: 2,
            next_rel_id: 1,
            ..BatchRef::default()
        };
        store.commit(&none, &change("distinct", 0, 0)).unwrap();
        assert_eq!(store.census().unwrap(), Some(counted.clone().at(2)));

        // A change of records without a census leaves the store without one.
        let update = Batch {
            put_nodes: vec![node(1, "Statement", "t")],
            next_node_id: 2,
            next_rel_id: 1,
            ..Batch::default()
        };
        store
            .commit(&update.as_ref(), &change("SET", 0, 0))
            .unwrap();
        assert_eq!(store.census().unwrap(), None);
        drop(store);

        // An open that counted the records keeps their census for the last
        // transaction, whatever the one before said.
        let mut store = open();
        assert_eq!(store.census().unwrap(), None);
        let mut other = counted.clone();
        other.nodes = 7;
        assert!(store.keep_census(&other));
        assert_eq!(
            store.census().unwrap().map(|c| (c.tx, c.nodes)),
            Some((3, 7))
        );
        assert!(store.keep_census(&counted));
        drop(store);
        assert_eq!(open().census().unwrap(), Some(counted.at(3)));
    }

    /// A change that creates `nodes` nodes and `rels` relationships from ids 0.
    fn change(what: &str, nodes: u64, rels: u64) -> Change<'_> {
        let mut c = Change {
            what,
            ..Change::default()
        };
        c.stats.nodes_created = nodes;
        c.undo.created_nodes = history::ranges(0..nodes);
        c.undo.created_rels = history::ranges(0..rels);
        c
    }

    #[test]
    fn memory_backend() {
        let shared = memory::MemoryStorage::default();
        suite(&mut || Box::new(shared.clone()));
        let shared = memory::MemoryStorage::default();
        census_suite(&mut || Box::new(shared.clone()));
    }

    #[test]
    fn sled_backend() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        suite(&mut || Box::new(self::sled::SledStorage::open(&path).unwrap()));
        let path = dir.path().join("census");
        census_suite(&mut || Box::new(self::sled::SledStorage::open(&path).unwrap()));
    }
}
