//! The library API: open a store, import into it, query it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Shared with the readers of a store's holder ([`Database::snapshot`]);
    /// a write copies it first while one of them still reads it.
    graph: Arc<Graph>,
    storage: Box<dyn Storage>,
    path: Option<PathBuf>,
    /// The procedures `CALL` can run: the built-in ones and any registered.
    procedures: Registry,
    /// The view of time this database is (`--at-tx 3`), if it is one.
    time_view: Option<String>,
    /// What was wrong with the store's census when it was opened, and
    /// whether the open mended it (`check` reports it).
    census_note: Option<(String, bool)>,
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
        opened.map_err(|e| open_error(path, e))
    }

    /// What the sled store in directory `path` holds, read from its census
    /// without loading its records; a store that keeps no census for its
    /// last transaction (one written by an earlier release) is loaded and
    /// counted, and keeps a census from then on.
    pub fn open_stats(path: impl AsRef<Path>) -> Result<Stats> {
        let path = path.as_ref();
        let counted = SledStorage::open(path).and_then(|storage| match storage.census() {
            Ok(Some(census)) => Ok(Stats::from(census)),
            // No census for the last transaction, or one that does not
            // decode: the records are counted, and this open writes it.
            _ => {
                Self::with_storage(Box::new(storage), Some(path.to_path_buf())).map(|db| db.stats())
            }
        });
        counted.map_err(|e| open_error(path, e))
    }

    /// What the open found wrong with the census `stats` reads (counts that
    /// are not the records', a record that does not decode), once mended:
    /// `check` says so. An error when the open could not mend it.
    pub fn census_mended(&self) -> Result<Option<&str>> {
        match &self.census_note {
            None => Ok(None),
            Some((why, true)) => Ok(Some(why)),
            Some((why, false)) => Err(Error::Corrupt(format!(
                "the census that `stats` reads {why} (the records' counts); an open that can write mends it"
            ))),
        }
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
            graph: Arc::new(Graph::new()),
            storage: Box::new(MemoryStorage::default()),
            path: None,
            procedures: Registry::builtin(),
            time_view: None,
            census_note: None,
        }
    }

    /// Opens a database over any storage backend, loading its records.
    pub fn with_storage(mut storage: Box<dyn Storage>, path: Option<PathBuf>) -> Result<Self> {
        let mut graph = Graph::load(storage.as_ref())?;
        storage.after_load()?;
        graph.set_distinct_decisions(Distinct::from_log(&storage.log()?));
        let counted = graph.census();
        let wrong = match storage.census() {
            Ok(Some(kept)) => kept.differences(&counted).map(|d| format!("said {d}")),
            Ok(None) => {
                // None for the last transaction: written before there was one.
                storage.keep_census(&counted);
                None
            }
            Err(e) => Some(e.to_string()),
        };
        let census_note = wrong.map(|why| (why, storage.keep_census(&counted)));
        Ok(Database {
            graph: Arc::new(graph),
            storage,
            path,
            procedures: Registry::builtin(),
            time_view: None,
            census_note,
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
            graph: Arc::new(graph),
            storage,
            path: None,
            procedures,
            time_view: None,
            census_note: None,
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

    /// The committed state, read-only, sharing this database's graph (no
    /// copy): what a store's holder gives each reader, so that reads run
    /// beside each other and beside a write in progress. Its storage
    /// refuses writes; the next write here copies the graph first if the
    /// snapshot is still alive, so the snapshot never changes.
    pub fn snapshot(&self) -> Database {
        self.committed().open()
    }

    /// What [`Database::snapshot`] is made of, to keep and share between threads.
    pub fn committed(&self) -> Committed {
        Committed {
            graph: self.graph.clone(),
            procedures: self.procedures.clone(),
            path: self.path.clone(),
            describe: self.storage.describe(),
            size: self.storage.size_on_disk(),
            history: self.storage.history().unwrap_or_default(),
            reader: self.storage.history_reader(),
        }
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
        let mut txn = Arc::make_mut(&mut self.graph).begin();
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
        Arc::make_mut(&mut self.graph).set_distinct_decisions(all);
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
        query::run_on(
            query::exec::Target::Shared(&mut self.graph),
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

    /// Whether the statement `text` writes (see [`query::writes`]).
    pub fn writes(&self, text: &str) -> bool {
        query::writes(&self.graph, &self.procedures, text)
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
        self.import_bytes_with(name, bytes, format, progress, &Cancel::new())
    }

    /// [`Database::import_bytes`], writing nothing once `cancel` has tripped
    /// (the client went away, Ctrl-C): the transaction commits only if it
    /// has not tripped by the time the whole file is applied.
    pub fn import_bytes_with(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: Format,
        progress: Option<&dyn Fn(u64, u64)>,
        cancel: &Cancel,
    ) -> Result<ImportSummary> {
        self.importing(name, cancel, |graph, storage| {
            import::import_bytes(graph, storage, name, bytes, format, progress, cancel)
        })
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
        self.import_table_bytes_with(name, bytes, mapping, progress, &Cancel::new())
    }

    /// [`Database::import_table_bytes`], writing nothing once `cancel` has tripped.
    pub fn import_table_bytes_with(
        &mut self,
        name: &str,
        bytes: &[u8],
        mapping: &crate::import::Mapping,
        progress: Option<&dyn Fn(u64, u64)>,
        cancel: &Cancel,
    ) -> Result<ImportSummary> {
        self.importing(name, cancel, |graph, storage| {
            import::import_table(graph, storage, name, bytes, mapping, progress, cancel)
        })
    }

    /// Runs the import `f` of the file `name` on the graph (copied first if
    /// a snapshot still holds it) and this store, its one transaction
    /// labelled in the history and committed only if `cancel` has not tripped.
    fn importing(
        &mut self,
        name: &str,
        cancel: &Cancel,
        f: impl FnOnce(&mut Graph, &mut dyn Storage) -> Result<ImportSummary>,
    ) -> Result<ImportSummary> {
        let mut labelled = Labelled {
            inner: self.storage.as_mut(),
            what: &format!("import {name}"),
        };
        f(
            Arc::make_mut(&mut self.graph),
            &mut UnlessCancelled {
                inner: &mut labelled,
                cancel,
            },
        )
    }

    /// What the store holds.
    pub fn stats(&self) -> Stats {
        Stats::from(self.graph.census())
    }
}

/// The error of an open of the store at `path`: damage names the files read.
fn open_error(path: &Path, e: Error) -> Error {
    match e {
        Error::Corrupt(why) => Error::Corrupt(damage_hint(path, why)),
        e => e.during("this open"),
    }
}

impl From<crate::storage::Census> for Stats {
    fn from(c: crate::storage::Census) -> Stats {
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Stats {
            nodes: count(c.nodes),
            relationships: count(c.relationships),
            articles: count(c.labels.get(crate::model::ARTICLE).copied().unwrap_or(0)),
            labels: c.labels.into_iter().map(|(l, n)| (l, count(n))).collect(),
            types: c.types.into_iter().map(|(t, n)| (t, count(n))).collect(),
        }
    }
}

/// A storage that commits only while `cancel` has not tripped: an import
/// whose client went away writes nothing (its transaction is rolled back).
struct UnlessCancelled<'a> {
    inner: &'a mut dyn Storage,
    cancel: &'a Cancel,
}

impl Storage for UnlessCancelled<'_> {
    fn load(&self) -> Result<crate::storage::Snapshot> {
        self.inner.load()
    }

    fn commit(&mut self, batch: &BatchRef<'_>, change: &crate::storage::Change<'_>) -> Result<()> {
        if self.cancel.check().is_err() {
            return Err(crate::import::interrupted());
        }
        self.inner.commit(batch, change)
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

    fn history(&self) -> Result<crate::storage::HistoryState> {
        self.inner.history()
    }

    fn log(&self) -> Result<Vec<crate::storage::TxEntry>> {
        self.inner.log()
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, crate::storage::TxChanges)>> {
        self.inner.changes_after(tx)
    }

    fn compact_history(&mut self, before: u64) -> Result<u64> {
        self.inner.compact_history(before)
    }
}

/// A committed state of a database, shared between threads: each reader
/// opens its own read-only [`Database`] over the same graph.
#[derive(Clone)]
pub struct Committed {
    graph: Arc<Graph>,
    procedures: Registry,
    path: Option<PathBuf>,
    describe: String,
    size: Option<u64>,
    /// The history up to this state: its last transaction, and a reader of
    /// the store's history that shows no later one.
    history: crate::storage::HistoryState,
    reader: Option<Arc<dyn crate::storage::HistoryRead>>,
}

impl Committed {
    /// A read-only database over this state (no copy of the graph).
    pub fn open(&self) -> Database {
        Database {
            graph: self.graph.clone(),
            storage: Box::new(SnapshotStorage {
                describe: self.describe.clone(),
                size: self.size,
                history: self.history.clone(),
                reader: self.reader.clone(),
            }),
            path: self.path.clone(),
            procedures: self.procedures.clone(),
            time_view: None,
            census_note: None,
        }
    }
}

/// The storage of a [`Database::snapshot`]: it names the store it was taken
/// from, reads the store's history up to the snapshot's last transaction
/// (later commits are not shown), and refuses every write (a holder runs
/// only reads on a snapshot).
struct SnapshotStorage {
    describe: String,
    size: Option<u64>,
    history: crate::storage::HistoryState,
    reader: Option<Arc<dyn crate::storage::HistoryRead>>,
}

impl Storage for SnapshotStorage {
    fn load(&self) -> Result<crate::storage::Snapshot> {
        Ok(Default::default())
    }

    fn commit(&mut self, _: &BatchRef<'_>, _: &crate::storage::Change<'_>) -> Result<()> {
        Err(Error::query(format!(
            "a write is refused on a read-only snapshot of {} (nothing was written)",
            self.describe
        )))
    }

    fn history(&self) -> Result<crate::storage::HistoryState> {
        Ok(self.history.clone())
    }

    fn log(&self) -> Result<Vec<crate::storage::TxEntry>> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let mut entries = reader.log()?;
        entries.retain(|e| e.tx <= self.history.last);
        Ok(entries)
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, crate::storage::TxChanges)>> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let mut changes = reader.changes_after(tx)?;
        changes.retain(|(t, _)| *t <= self.history.last);
        // A compaction committed meanwhile may have dropped some of them.
        let floor = reader.floor()?;
        if tx < floor {
            return Err(Error::History(format!(
                "the history before transaction {floor} was compacted while this was read; ask again"
            )));
        }
        Ok(changes)
    }

    fn compact_history(&mut self, _: u64) -> Result<u64> {
        Err(Error::query(
            "a read-only snapshot has no history to compact",
        ))
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn size_on_disk(&self) -> Option<u64> {
        self.size
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
