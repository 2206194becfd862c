//! The library API: open a store, import into it, query it.

use std::path::{Path, PathBuf};

use crate::cancel::Cancel;
use crate::error::Result;
use crate::graph::{Graph, Txn};
use crate::import::{self, Format, ImportSummary};
use crate::query::{self, Params};
use crate::result::{QueryResult, WriteStats};
use crate::storage::memory::MemoryStorage;
use crate::storage::sled::SledStorage;
use crate::storage::Storage;

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
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let storage = SledStorage::open(path)?;
        Self::with_storage(Box::new(storage), Some(path.to_path_buf()))
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
        }
    }

    /// Opens a database over any storage backend, loading its records.
    pub fn with_storage(storage: Box<dyn Storage>, path: Option<PathBuf>) -> Result<Self> {
        let graph = Graph::from_snapshot(storage.load()?)?;
        Ok(Database {
            graph,
            storage,
            path,
        })
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
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<T>,
    ) -> Result<(T, WriteStats)> {
        let mut txn = self.graph.begin();
        let value = f(&mut txn)?;
        let stats = txn.commit(self.storage.as_mut())?;
        Ok((value, stats))
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
        query::run(&mut self.graph, self.storage.as_mut(), text, params, cancel)
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
            self.storage.as_mut(),
            name,
            bytes,
            format,
            progress,
        )
    }

    /// Imports a CSV or TSV table through a mapping, as one transaction.
    pub fn import_table_file(
        &mut self,
        path: &Path,
        mapping: &crate::import::Mapping,
        progress: Option<&dyn Fn(u64, u64)>,
    ) -> Result<ImportSummary> {
        let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
        import::import_table(
            &mut self.graph,
            self.storage.as_mut(),
            &path.display().to_string(),
            &bytes,
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
