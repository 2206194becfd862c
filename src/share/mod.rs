//! Sharing a store: the process that holds a store (the shell, `serve`)
//! listens on a Unix socket inside the store's directory, readable and
//! writable by the store's owner only, and every other claimgraph command on
//! that store sends its command line there instead of being refused.
//!
//! - [`proto`]: the frames (length-prefixed, versioned postcard).
//! - [`Store`]: writes queue, each one transaction; reads run on a snapshot
//!   of the last committed state, beside each other and beside a long
//!   write (an import builds on its own copy of the graph and publishes it
//!   when it commits).
//! - [`server`]: the listener; each connection runs on its own thread; a
//!   client that goes away (Ctrl-C) cancels its request.
//! - [`calls`]: typed calls (the Python module's): values, results and
//!   errors in their own types, each call taking the store as the command
//!   it stands for would.
//! - [`client`]: sending a command and printing its answer; a socket left
//!   by a holder that died is stale, and the command then opens the store
//!   itself (the lock died with the holder, so nothing committed is lost).
//!
//! The holder runs a request exactly as the command would run in process
//! (the same code prints the same result and the same error), so output,
//! errors and exit status do not depend on who holds the store.

pub mod calls;
pub mod client;
pub mod proto;
pub mod server;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockWriteGuard};

use crate::db::{Committed, Database};

/// A store used by several threads: the shell and the requests it serves.
pub type Shared = Arc<Store>;

/// The store of a holder: the database writers take in turn, and the last
/// committed state that readers take a snapshot of.
///
/// Readers never wait for a write: [`snapshot`] holds the `RwLock` only to
/// clone the committed graph's `Arc`. Once the store is served to other
/// processes ([`Store::serve`]), every write ([`lock`], [`lock_long`])
/// works on a copy of the graph (made by its first change, since the
/// committed snapshot still holds the graph) and publishes it when it
/// ends. A store no one else reads (a script run in process) has no reader
/// to wait, so a short write there takes the committed state out instead
/// and changes the graph in place rather than copying it.
pub struct Store {
    writer: Mutex<Database>,
    /// `None` only while a short write holds the write lock of a store not served.
    committed: RwLock<Option<Committed>>,
    /// Whether other processes read this store (its socket listens).
    served: AtomicBool,
}

impl Store {
    /// Shares `db`.
    pub fn new(db: Database) -> Shared {
        let committed = RwLock::new(Some(db.committed()));
        Arc::new(Store {
            writer: Mutex::new(db),
            committed,
            served: AtomicBool::new(false),
        })
    }

    /// From now on readers never wait for a short write either: the store
    /// is read beside its writers (its socket listens).
    pub fn serve(&self) {
        self.served.store(true, Ordering::SeqCst);
    }

    /// The database, when no one else shares it any more.
    pub fn into_inner(self) -> Database {
        self.writer
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The store taken by one writer (or by a command that needs the storage,
/// such as `log` or `backup`); when dropped, what it committed becomes the
/// state new snapshots show.
pub struct Held<'a> {
    db: MutexGuard<'a, Database>,
    /// The committed state, kept from readers during a short write.
    readers_out: Option<RwLockWriteGuard<'a, Option<Committed>>>,
    committed: &'a RwLock<Option<Committed>>,
}

impl Deref for Held<'_> {
    type Target = Database;
    fn deref(&self) -> &Database {
        &self.db
    }
}

impl DerefMut for Held<'_> {
    fn deref_mut(&mut self) -> &mut Database {
        &mut self.db
    }
}

impl Held<'_> {
    /// Makes what this writer has committed so far the state new snapshots
    /// show (between the files of one import, say); dropping it does too.
    pub fn publish(&mut self) {
        let published = Some(self.db.committed());
        match self.readers_out.as_mut() {
            Some(slot) => **slot = published,
            None => *write_committed(self.committed) = published,
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.publish();
    }
}

fn write_committed(lock: &RwLock<Option<Committed>>) -> RwLockWriteGuard<'_, Option<Committed>> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock_writer(db: &Shared) -> MutexGuard<'_, Database> {
    // A thread that panicked while holding it left the graph as its
    // transaction's rollback made it, so the lock is taken anyway.
    db.writer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes the store for a short write (a write query, a merge): writers
/// queue; on a served store readers go on reading the last committed state
/// (the write works on a copy of the graph), on one not served no reader
/// can come and the graph is changed in place.
pub fn lock(db: &Shared) -> Held<'_> {
    if db.served.load(Ordering::SeqCst) {
        return lock_long(db);
    }
    let writer = lock_writer(db);
    let mut slot = write_committed(&db.committed);
    // Dropping the committed snapshot leaves the writer's graph unshared
    // (unless a reader still runs on it), so a change does not copy it.
    *slot = None;
    Held {
        db: writer,
        readers_out: Some(slot),
        committed: &db.committed,
    }
}

/// Takes the store for a long write (an import): writers queue, readers go
/// on reading the last committed state, and the write works on its own copy
/// of the graph until it is dropped.
pub fn lock_long(db: &Shared) -> Held<'_> {
    Held {
        db: lock_writer(db),
        readers_out: None,
        committed: &db.committed,
    }
}

/// A read-only snapshot of the last committed state, for a command that
/// only reads: it never waits for a long write, and what it shows does not
/// change while it runs.
pub fn snapshot(db: &Shared) -> Database {
    let committed = db
        .committed
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match committed.as_ref() {
        Some(committed) => committed.open(),
        // Only a short write on a store not served empties it, and it
        // holds the lock meanwhile.
        None => {
            drop(committed);
            lock(db).snapshot()
        }
    }
}

/// The store as a command sees it: a snapshot for one that only reads, the
/// store itself for one that writes.
pub enum Access<'a> {
    Snapshot(Database),
    Held(Held<'a>),
}

impl Deref for Access<'_> {
    type Target = Database;
    fn deref(&self) -> &Database {
        match self {
            Access::Snapshot(db) => db,
            Access::Held(db) => db,
        }
    }
}

impl DerefMut for Access<'_> {
    fn deref_mut(&mut self) -> &mut Database {
        match self {
            Access::Snapshot(db) => db,
            Access::Held(db) => db,
        }
    }
}

/// The store for a command that runs the statement `text` (none: it only
/// reads): a snapshot when the statement only reads, so it neither waits
/// for a write in progress nor keeps others waiting, else the store, taken
/// in turn with the other writers.
pub fn for_statement<'a>(db: &'a Shared, text: Option<&str>) -> Access<'a> {
    let snapshot = snapshot(db);
    match text {
        Some(text) if snapshot.writes(text) => Access::Held(lock(db)),
        _ => Access::Snapshot(snapshot),
    }
}

/// The view of time a command asks for (`--at-tx`, `--as-of`; `at_tx` and
/// `as_of` over HTTP), made from a snapshot of the store (its graph, and
/// its history up to the snapshot's last transaction), beside any write in
/// progress; `None` when it asks for the store as it is.
pub fn view(
    db: &Shared,
    as_of: Option<&str>,
    at_tx: Option<u64>,
) -> crate::error::Result<Option<Database>> {
    snapshot(db).view(as_of, at_tx)
}

/// The name of the socket inside a store's directory.
pub const SOCKET_FILE: &str = "claimgraph.sock";

/// Where the socket of the store at `store` lives.
pub fn socket_path(store: &Path) -> PathBuf {
    store.join(SOCKET_FILE)
}
