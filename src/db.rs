//! The library API: open a store, import into it, query it.

use std::path::{Path, PathBuf};

use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::graph::distinct::Distinct;
use crate::graph::{Graph, Txn};
use crate::import::{self, Format, ImportSummary};
use crate::query::procedures::{Procedure, Registry};
use crate::query::{self, Params};
use crate::result::{QueryResult, WriteStats};
use crate::storage::history::{Change, Labelled, TxChangesRef};
use crate::storage::memory::MemoryStorage;
use crate::storage::sled::SledStorage;
use crate::storage::{BatchRef, Storage};

/// An open store: the graph in memory over its durable records.
///
/// ```
/// use claimgraph::Database;
/// let mut db = Database::in_memory();
/// let result = db.query("RETURN 1 + 1 AS two", &Default::default()).unwrap();
/// assert_eq!(result.columns, ["two"]);
/// ```
pub struct Database {
    graph: Graph,
    storage: Box<dyn Storage>,
    path: Option<PathBuf>,
    /// The procedures `CALL` can run: the built-in ones and any registered.
    procedures: Registry,
    /// The view of time this database is (`--at-tx 3`), if it is one.
    time_view: Option<String>,
}

/// Counts of what a store holds, as `stats` prints them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub nodes: usize,
    pub relationships: usize,
    pub articles: usize,
    /// Nodes per label, sorted by label.
    pub labels: std::collections::BTreeMap<String, usize>,
    /// Relationships per type, sorted by type.
    pub types: std::collections::BTreeMap<String, usize>,
}

impl Database {
    /// Opens (or creates) the sled store in directory `path`.
    ///
    /// Opening never damages a store. On a read-only medium, or a device too
    /// full for the store to be opened in place, it is read from a private
    /// copy: queries, exports and backups work, and writes are refused with
    /// the reason. A damaged store is refused with the files that were read
    /// and what to do.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let opened = SledStorage::open(path)
            .and_then(|storage| Self::with_storage(Box::new(storage), Some(path.to_path_buf())));
        opened.map_err(|e| match e {
            Error::Corrupt(why) => Error::Corrupt(damage_hint(path, why)),
            e => e.during("this open"),
        })
    }

    /// Writes a consistent copy of the store to `dest` (which must not
    /// exist), a store that opens on its own; returns its size in bytes.
    /// The copy holds every committed transaction, as a single batch.
    pub fn backup(&self, dest: &Path) -> Result<u64> {
        let mut nodes: Vec<_> = self.graph.nodes().collect();
        nodes.sort_unstable_by_key(|n| n.id);
        let mut relationships: Vec<_> = self.graph.relationships().collect();
        relationships.sort_unstable_by_key(|r| r.id);
        let records = BatchRef {
            put_nodes: nodes,
            put_relationships: relationships,
            next_node_id: self.graph.next_node_id(),
            next_rel_id: self.graph.next_rel_id(),
            ..BatchRef::default()
        };
        let what = format!(
            "backup of {} after transaction {}",
            self.describe(),
            self.storage.history()?.last
        );
        crate::storage::backup::write(dest, &records, &what)
    }

    /// Closes the store without freeing the graph's memory, for a process
    /// about to exit, which gives all of it back at once: freeing a large
    /// graph record by record takes a noticeable part of a short command.
    /// The storage is closed as usual; everything was durable already.
    pub fn close_for_exit(self) {
        let Database { graph, storage, .. } = self;
        drop(storage);
        std::mem::forget(graph);
    }

    /// A store that lives in memory only.
    pub fn in_memory() -> Self {
        Database {
            graph: Graph::new(),
            storage: Box::new(MemoryStorage::default()),
            path: None,
            procedures: Registry::builtin(),
            time_view: None,
        }
    }

    /// Opens a database over any storage backend, loading its records.
    pub fn with_storage(storage: Box<dyn Storage>, path: Option<PathBuf>) -> Result<Self> {
        let mut graph = Graph::from_snapshot(storage.load()?)?;
        graph.set_distinct_decisions(Distinct::from_log(&storage.log()?));
        Ok(Database {
            graph,
            storage,
            path,
            procedures: Registry::builtin(),
            time_view: None,
        })
    }

    /// Detaches the database from its store: the graph stays as loaded, and
    /// every later commit goes to memory only, so nothing reaches the disk
    /// (what `import --dry-run` uses). The store's files and lock are released.
    pub fn detach(&mut self) {
        self.storage = Box::new(MemoryStorage::default());
    }

    /// A database over a graph built elsewhere (a view of the store).
    pub(crate) fn from_parts(
        graph: Graph,
        storage: Box<dyn Storage>,
        procedures: Registry,
    ) -> Self {
        Database {
            graph,
            storage,
            path: None,
            procedures,
            time_view: None,
        }
    }

    /// The view of time this database is (`--at-tx 3`, `--as-of
    /// 2023-05-04`), or `None` for a store itself.
    pub fn time_view(&self) -> Option<&str> {
        self.time_view.as_deref()
    }

    pub(crate) fn set_time_view(&mut self, view: String) {
        self.time_view = Some(view);
    }

    /// The storage, for reading its history.
    pub(crate) fn storage(&self) -> &dyn Storage {
        self.storage.as_ref()
    }

    /// The storage, for compacting its history.
    pub(crate) fn storage_mut(&mut self) -> &mut dyn Storage {
        self.storage.as_mut()
    }

    /// The store's directory, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where the records live, for messages.
    pub fn describe(&self) -> String {
        self.storage.describe()
    }

    /// Bytes used on disk, when known.
    pub fn size_on_disk(&self) -> Option<u64> {
        self.storage.size_on_disk()
    }

    /// The graph, for reading.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Runs `f` in one transaction and commits it: all of it or nothing.
    /// The store's history records it as `change` (see [`Database::write_as`]).
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<T>,
    ) -> Result<(T, WriteStats)> {
        let (value, stats, _) = self.write_as("change", f)?;
        Ok((value, stats))
    }

    /// Runs `f` in one transaction, commits it, and records it in the
    /// store's history with the words `what` (what `claimgraph log` shows,
    /// such as `merge actor "A" "B"`): the write path for any change that is
    /// not an import or a query. Returns the transaction's number, or `None`
    /// when `f` changed nothing (nothing is recorded then).
    pub fn write_as<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Txn<'_>) -> Result<T>,
    ) -> Result<(T, WriteStats, Option<u64>)> {
        let before = self.storage.history()?.last;
        let mut txn = self.graph.begin();
        let value = f(&mut txn)?;
        let mut storage = Labelled {
            inner: self.storage.as_mut(),
            what,
        };
        let stats = txn.commit(&mut storage)?;
        let after = self.storage.history()?.last;
        Ok((value, stats, (after != before).then_some(after)))
    }

    /// Records a `distinct` decision as a transaction of its own, which
    /// changes no record; from then on every change is checked against it.
    /// Returns the transaction's number.
    pub(crate) fn record_distinct(&mut self, mut decision: Distinct) -> Result<u64> {
        let change = Change {
            what: &decision.words(),
            undo: TxChangesRef {
                next_node_id: self.graph.next_node_id(),
                next_rel_id: self.graph.next_rel_id(),
                ..TxChangesRef::default()
            },
            ..Change::default()
        };
        let records = BatchRef {
            next_node_id: self.graph.next_node_id(),
            next_rel_id: self.graph.next_rel_id(),
            ..BatchRef::default()
        };
        self.storage.commit(&records, &change)?;
        decision.tx = self.storage.history()?.last;
        let mut all = self.graph.distinct_decisions().to_vec();
        all.push(decision);
        self.graph.set_distinct_decisions(all);
        Ok(self.graph.distinct_decisions().last().map_or(0, |d| d.tx))
    }

    /// Runs one query with parameters.
    pub fn query(&mut self, text: &str, params: &Params) -> Result<QueryResult> {
        self.query_with(text, params, &Cancel::new())
    }

    /// Runs one query, stopping when `cancel` trips (nothing is written then).
    pub fn query_with(
        &mut self,
        text: &str,
        params: &Params,
        cancel: &Cancel,
    ) -> Result<QueryResult> {
        query::run_with(
            &mut self.graph,
            &mut Labelled {
                inner: self.storage.as_mut(),
                what: text.trim(),
            },
            &self.procedures,
            text,
            params,
            cancel,
        )
        .map_err(|e| e.during("this write query"))
    }

    /// Adds a procedure that `CALL` can run, replacing one of the same name
    /// (see [`crate::query::procedures`]).
    pub fn register_procedure(&mut self, procedure: Procedure) {
        self.procedures.register(procedure);
    }

    /// The procedures `CALL` can run.
    pub fn procedures(&self) -> &Registry {
        &self.procedures
    }

    /// Imports one file (its format from its extension unless given) as one transaction.
    pub fn import_file(
        &mut self,
        path: &Path,
        format: Option<Format>,
        progress: Option<&dyn Fn(u64, u64)>,
    ) -> Result<ImportSummary> {
        let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
        let format = match format {
            Some(f) => f,
            None => Format::from_path(path)?,
        };
        let name = path.display().to_string();
        self.import_bytes(&name, &bytes, format, progress)
    }

    /// Imports the bytes of one file named `name` (for messages) as one transaction.
    pub fn import_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: Format,
        progress: Option<&dyn Fn(u64, u64)>,
    ) -> Result<ImportSummary> {
        import::import_bytes(
            &mut self.graph,
            &mut Labelled {
                inner: self.storage.as_mut(),
                what: &format!("import {name}"),
            },
            name,
            bytes,
            format,
            progress,
        )
        .map_err(|e| e.during("this import"))
    }

    /// Imports a CSV or TSV table through a mapping, as one transaction.
    pub fn import_table_file(
        &mut self,
        path: &Path,
        mapping: &crate::import::Mapping,
        progress: Option<&dyn Fn(u64, u64)>,
    ) -> Result<ImportSummary> {
        let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
        self.import_table_bytes(&path.display().to_string(), &bytes, mapping, progress)
    }

    /// Imports the bytes of one table named `name` (for messages) through a
    /// mapping, as one transaction.
    pub fn import_table_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        mapping: &crate::import::Mapping,
        progress: Option<&dyn Fn(u64, u64)>,
    ) -> Result<ImportSummary> {
        import::import_table(
            &mut self.graph,
            &mut Labelled {
                inner: self.storage.as_mut(),
                what: &format!("import {name}"),
            },
            name,
            bytes,
            mapping,
            progress,
        )
    }

    /// What the store holds.
    pub fn stats(&self) -> Stats {
        let g = &self.graph;
        Stats {
            nodes: g.node_count(),
            relationships: g.relationship_count(),
            articles: g.label_count(crate::model::ARTICLE),
            labels: g.label_counts().map(|(l, n)| (l.to_string(), n)).collect(),
            types: g.type_counts().map(|(t, n)| (t.to_string(), n)).collect(),
        }
    }
}

/// The damaged-store message: what is wrong, the files that were read, and
/// what to do.
pub fn damage_hint(path: &Path, why: String) -> String {
    let files = crate::storage::sled::files_read(path);
    let shown: Vec<String> = files
        .iter()
        .take(8)
        .map(|f| f.display().to_string())
        .collect();
    let more = files.len().saturating_sub(shown.len());
    let listed = if shown.is_empty() {
        "no files".to_string()
    } else if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    format!(
        "{why}\n  files read: {listed}\n  restore a copy made with `claimgraph --store {store} backup DEST` (move it in place of {store}), or import its sources again",
        store = path.display()
    )
}
