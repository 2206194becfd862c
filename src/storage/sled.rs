//! The on-disk backend: a log of batches in one sled tree.
//!
//! | key | tree | value |
//! |---|---|---|
//! | `m` `format_version` | default | `u32`, big-endian |
//! | `l` seq (`u64` BE) chunk (`u32` BE) | `base` (large batches), `log` (small ones) | one chunk (at most 8 MiB) of a postcard-encoded [`Batch`] |
//! | `h` tx (`u64` BE) | `entries` | the transaction's postcard-encoded [`TxEntry`] |
//! | `c` tx (`u64` BE) chunk (`u32` BE) | `changes` | one chunk of its [`TxChanges`] |
//! | `m` `history_floor` | default | `u64` BE: the oldest state kept is after this transaction |
//! | `m` `census` | default | the postcard-encoded [`Census`] after the last transaction (`sled/census.rs`) |
//!
//! Each commit appends one batch, split into chunks, in one sled transaction
//! over the trees (`sled/layout.rs`), which sled applies atomically, then flushes to
//! disk. Each tree is only appended to, and small batches never share a tree
//! with large ones, so a small commit costs bytes in proportion to its change. Opening replays the batches in
//! order. Reading a few large values is much faster than reading a million small
//! records, and the whole import of a large corpus is written in one sequential
//! pass. When the log holds many batches, opening rewrites it as one batch of
//! the current records (again in one atomic `sled::Batch`).
//!
//! sled keeps a large batch's chunks as blob files and its log holds
//! pointers to them; at every open it reads its log from the start of the
//! segment its last snapshot ends in, reading every blob pointed to from
//! there. After a large batch the log is padded past that segment
//! (`sled/layout.rs`, `pad_past_segment`), so an open that only reads the
//! census (`sled/census.rs`) reads a few hundred kilobytes, not the import.
//!
//! A commit writes its history entry and change records in the same
//! `sled::Batch` as its records ([`super::history`]). A store of format 1
//! (before history) is upgraded at open in one atomic batch: its history
//! starts with a transaction that says so. A store of format 2 (every key in
//! the default tree) has its keys moved into their trees at open, atomically.
//!
//! A lock file in the store's directory keeps a second process out.
//!
//! Faults: a commit is checked against the device's free room first, runs on
//! a thread of its own bounded in time once the device is full (sled's
//! writers otherwise wait for ever for a buffer a full disk never takes), and
//! after any failure the store writes nothing more; closing it does not wait
//! for ever either. Opening removes the snapshots sled left unfinished, and
//! reads a private copy of the store when its medium is read-only or its
//! device too full for sled's recovery, refusing writes then.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use super::device;
mod census;
mod encode;
mod history;
mod layout;
mod replay;
mod stream;

use self::encode::{encode_batch, encode_chunks};
use self::history::{encode_entry, entry_key};
use self::layout::{Trees, Writes, FORMAT_ONE_TREE};
use self::replay::{fold, replay};
use self::stream::BatchStream;
use super::history::{Change, HistoryState, TxChanges, TxEntry};
use super::{Batch, BatchRef, Census, Record, Snapshot, Storage, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::model::{NodeId, RelId};

const META_FORMAT: &[u8] = b"mformat_version";
const META_FLOOR: &[u8] = b"mhistory_floor";
const LOG_PREFIX: u8 = b'l';
const ENTRY_PREFIX: u8 = b'h';
const CHANGES_PREFIX: u8 = b'c';
/// The format before the store's history, upgraded at open.
const FORMAT_BEFORE_HISTORY: u32 = 1;
/// The largest value written to sled.
const CHUNK: usize = 8 << 20;
/// Opening compacts a log of more batches than this.
const COMPACT_AFTER: usize = 64;
/// The suffix of a snapshot sled has not finished writing (it renames the
/// file only once it is whole and synced).
const UNFINISHED_SNAPSHOT: &str = ".generating";

/// The sequence number and the bytes of each batch of the log, in order.
type BatchSizes = Vec<(u64, u64)>;

/// The name of the lock file inside a store's directory.
pub const LOCK_FILE: &str = "claimgraph.lock";

/// Why a store was opened for reading only, from a private copy.
#[derive(Clone, Debug)]
enum ReadOnly {
    /// The medium takes no writes.
    Medium,
    /// The device is too full for sled to open the store in place.
    NoSpace,
}

pub struct SledStorage {
    path: PathBuf,
    /// `None` only while the store is dropped.
    db: Option<sled::Db>,
    /// The trees of `db`; `None` only while the store is dropped.
    trees: Option<Trees>,
    /// The sequence number of the next batch, once known ([`SledStorage::take_seq`]).
    next_seq: std::sync::Mutex<Option<u64>>,
    /// The last transaction of the history and the oldest state kept.
    history: std::sync::Mutex<HistoryState>,
    /// Set when the store is read from a private copy: writes are refused.
    read_only: Option<ReadOnly>,
    /// The first storage error met: after it nothing more is written.
    failed: OnceLock<String>,
    /// Bytes of log read by the loads so far (`stream.rs`, `after_load`).
    log_read: std::sync::atomic::AtomicU64,
    // Held for the life of the store: the OS releases it when the process ends,
    // however it ends. Absent on a read-only medium.
    _lock: Option<File>,
    /// The private copy a read-only store is read from, removed on drop.
    _copy: Option<tempfile::TempDir>,
}

impl SledStorage {
    /// Opens the store at `path`, creating it if absent. Refuses a store that
    /// another process has open, and one of another format version.
    ///
    /// Opening never damages a store: a snapshot sled left unfinished is
    /// removed first; when the medium is read-only or the device too full for
    /// sled's recovery, the store is read from a private copy and every write
    /// is refused with the reason.
    pub fn open(path: &Path) -> Result<Self> {
        if device::is_read_only(path) {
            return Self::open_copy(path, ReadOnly::Medium);
        }
        match std::fs::create_dir_all(path) {
            Ok(()) => {}
            Err(e) if device::is_read_only_error(&e) => {
                return Self::open_copy(path, ReadOnly::Medium)
            }
            Err(e) => return Err(device::io_error(path, "this open", e)),
        }
        let lock_path = path.join(LOCK_FILE);
        let lock = match OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
        {
            Ok(lock) => lock,
            Err(e) if device::is_read_only_error(&e) => {
                return Self::open_copy(path, ReadOnly::Medium)
            }
            Err(e) if device::is_no_space(&e) => return Self::open_copy(path, ReadOnly::NoSpace),
            Err(e) => return Err(Error::io(&lock_path, e)),
        };
        lock_store(&lock, path, &lock_path)?;
        let data = path.join("data");
        match remove_unfinished_snapshots(&data) {
            Ok(()) => {}
            Err(e) if device::is_read_only_error(&e) => {
                return Self::open_copy(path, ReadOnly::Medium)
            }
            Err(e) => return Err(device::io_error(path, "this open", e)),
        }
        if device::too_full_to_open(path) {
            drop(lock);
            return Self::open_copy(path, ReadOnly::NoSpace);
        }
        match open_sled(&data, path) {
            Ok(db) => Self::finish_open(path, db, None, Some(lock), None),
            Err(Error::NoSpace { .. }) => {
                // Whatever sled began writing is unfinished: take it away and
                // read the store as it was.
                let _ = remove_unfinished_snapshots(&data);
                drop(lock);
                Self::open_copy(path, ReadOnly::NoSpace)
            }
            Err(Error::ReadOnly { .. }) => {
                drop(lock);
                Self::open_copy(path, ReadOnly::Medium)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens a private copy of the store at `path` for reading only.
    fn open_copy(path: &Path, why: ReadOnly) -> Result<Self> {
        let data = path.join("data");
        let copy = tempfile::Builder::new()
            .prefix("claimgraph-readonly-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let copy_data = copy.path().join("data");
        if data.exists() {
            copy_tree(&data, &copy_data).map_err(|e| Error::io(copy.path(), e))?;
        } else if matches!(why, ReadOnly::Medium) {
            return Err(Error::ReadOnly {
                store: path.to_path_buf(),
                what: "creating the store".into(),
            });
        }
        let db = open_sled(&copy_data, path)?;
        Self::finish_open(path, db, Some(why), None, Some(copy))
    }

    fn finish_open(
        path: &Path,
        db: sled::Db,
        read_only: Option<ReadOnly>,
        lock: Option<File>,
        copy: Option<tempfile::TempDir>,
    ) -> Result<Self> {
        let trees = Trees::open(&db).map_err(|e| read_error(path, e))?;
        let store = SledStorage {
            path: path.to_path_buf(),
            db: Some(db),
            trees: Some(trees),
            next_seq: std::sync::Mutex::new(None),
            history: Default::default(),
            read_only,
            log_read: Default::default(),
            failed: OnceLock::new(),
            _lock: lock,
            _copy: copy,
        };
        store.check_format()?;
        *store.history_state() = store.read_history_state()?;
        Ok(store)
    }

    /// The next sequence number of the log, counted from its last batch at
    /// the first write: finding that batch pages in the large batches' tree,
    /// which a command that only reads the census never needs.
    fn take_seq(&self) -> Result<u64> {
        let mut next = self.next_seq.lock().unwrap_or_else(|e| e.into_inner());
        let seq = match *next {
            Some(seq) => seq,
            None => {
                let mut seq = 0;
                for tree in [&self.trees().base, &self.trees().log] {
                    if let Some(item) = tree.scan_prefix([LOG_PREFIX]).next_back() {
                        let key = item.map_err(|e| read_error(&self.path, e))?.0;
                        seq = u64::max(seq, log_key_parts(&key)?.0 + 1);
                    }
                }
                seq
            }
        };
        *next = Some(seq + 1);
        Ok(seq)
    }

    fn db(&self) -> &sled::Db {
        self.db.as_ref().expect("the store is open")
    }

    fn trees(&self) -> &Trees {
        self.trees.as_ref().expect("the store is open")
    }

    /// Whether this store was opened for reading only (a read-only medium or
    /// a device too full to open it in place), and why.
    pub fn read_only_reason(&self) -> Option<&'static str> {
        self.read_only.as_ref().map(|r| match r {
            ReadOnly::Medium => "its file system is read-only",
            ReadOnly::NoSpace => "the device holding it is full",
        })
    }

    /// Refuses a write when the store takes none.
    fn writable(&self, what: &str) -> Result<()> {
        match &self.read_only {
            Some(ReadOnly::Medium) => {
                return Err(Error::ReadOnly {
                    store: self.path.clone(),
                    what: what.into(),
                })
            }
            Some(ReadOnly::NoSpace) => {
                return Err(Error::NoSpace {
                    store: self.path.clone(),
                    what: what.into(),
                    needed: device::free_bytes(&self.path)
                        .map(|free| device::OPEN_RESERVE.saturating_sub(free)),
                })
            }
            None => {}
        }
        if let Some(cause) = self.failed.get() {
            return Err(Error::StoreUnusable {
                store: self.path.clone(),
                what: what.into(),
                cause: cause.clone(),
            });
        }
        Ok(())
    }

    /// Applies `writes` atomically and flushes them, bounded in time,
    /// remembering a failure. After a large batch the log is padded past
    /// its segment (`Trees::pad_past_segment`), as a write of its own: the
    /// change is durable by then, so a failure of the padding is not the
    /// change's, though it stops the store's writes like any other.
    fn apply(&self, what: &str, writes: Writes) -> Result<()> {
        let large = writes.large;
        self.bounded(what, move |trees| trees.apply(&writes))?;
        const PADDING: &str = "padding its log";
        if large && device::ensure_room(&self.path, PADDING, layout::PAD_BYTES as u64).is_ok() {
            let _ = self.bounded(PADDING, Trees::pad_past_segment);
        }
        Ok(())
    }

    /// Runs `write` on the trees, bounded in time, remembering a failure.
    fn bounded(
        &self,
        what: &str,
        write: impl FnOnce(&Trees) -> sled::Result<()> + Send + 'static,
    ) -> Result<()> {
        let trees = self.trees().clone();
        let store = self.path.clone();
        let what_owned = what.to_string();
        let db = self.db().clone();
        let result = device::bounded(
            &self.path,
            what,
            move || write(&trees).map_err(|e| write_error(&store, &what_owned, e)),
            move || {
                let _ = db.flush();
            },
        );
        if let Err(e) = &result {
            let _ = self.failed.set(e.to_string());
        }
        result
    }

    /// Writes the format version into a new store; checks it in an existing one.
    fn check_format(&self) -> Result<()> {
        match self
            .db()
            .get(META_FORMAT)
            .map_err(|e| read_error(&self.path, e))?
        {
            Some(bytes) => {
                let found = u32::from_be_bytes(bytes.as_ref().try_into().map_err(|_| {
                    Error::Corrupt(format!(
                        "{}: the format version key holds {} bytes, not 4",
                        self.path.display(),
                        bytes.len()
                    ))
                })?);
                if found == FORMAT_BEFORE_HISTORY {
                    return self.upgrade_from(found);
                }
                if found == FORMAT_ONE_TREE {
                    let mut version = Writes::default();
                    version
                        .meta
                        .insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes());
                    return self.move_into_trees(version);
                }
                if found != FORMAT_VERSION {
                    return Err(Error::FormatVersion {
                        path: self.path.clone(),
                        found,
                        supported: FORMAT_VERSION,
                    });
                }
                Ok(())
            }
            None if self.db().is_empty() => {
                let db = self.db();
                db.insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())
                    .and_then(|_| db.flush())
                    .map_err(|e| write_error(&self.path, "creating the store", e))?;
                Ok(())
            }
            None => Err(Error::Corrupt(format!(
                "{}: records without a format version key",
                self.path.display()
            ))),
        }
    }

    fn history_state(&self) -> std::sync::MutexGuard<'_, HistoryState> {
        self.history.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Overwrites the format version: only for tests of version checks.
    #[doc(hidden)]
    pub fn set_format_version_for_tests(&self, version: u32) -> Result<()> {
        self.db().insert(META_FORMAT, &version.to_be_bytes())?;
        self.db().flush()?;
        Ok(())
    }
}

/// The error for a failed read of the store at `path`: damage (data that does
/// not decode, files of an unknown layout) says so and names the store; other
/// failures keep sled's error as the cause.
fn read_error(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Corruption { at, .. } => Error::Corrupt(format!(
            "{}: some of its data cannot be read back (corrupted bytes at {})",
            path.display(),
            at.map_or_else(|| "an unknown place".to_string(), |at| format!("{at:?}"))
        )),
        sled::Error::Unsupported(why) => Error::Corrupt(format!("{}: {why}", path.display())),
        e => Error::Storage(e),
    }
}

/// The error for a failed write to the store at `path`: a full device, an
/// I/O error or a read-only medium in words; anything else as a read error.
fn write_error(path: &Path, what: &str, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if device::is_os_error(&io) => device::io_error(path, what, io),
        e => read_error(path, e),
    }
}

/// Takes the store's lock file, refusing a store another process has open.
/// A lock still held for a moment (a process that is ending, or a child just
/// forked by this one, which holds its copy of the lock until it runs its
/// program) is waited for, briefly.
fn lock_store(lock: &File, path: &Path, lock_path: &Path) -> Result<()> {
    let mut attempts = 0;
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if attempts < 25 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::StoreLocked {
                    path: path.to_path_buf(),
                    holder: super::holder::describe_holder(path),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(lock_path, e)),
        }
    }
}

/// Opens sled in `data`, the files of the store at `store`.
fn open_sled(data: &Path, store: &Path) -> Result<sled::Db> {
    let config = sled::Config::new()
        .path(data)
        .cache_capacity(64 * 1024 * 1024);
    // Holding the lock file means no other process has the store. sled's own
    // file lock can still be held for a moment by this process's previous
    // handle, whose background thread releases it after the handle is
    // dropped: wait for it rather than fail.
    let mut attempts = 0;
    let opened = loop {
        match config.open() {
            Err(sled::Error::Io(e)) if e.to_string().contains("lock") && attempts < 250 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => break other,
        }
    };
    opened.map_err(|e| write_error(store, "this open", e))
}

/// Removes the snapshots sled began and did not finish. sled writes a
/// snapshot as `snap.N.generating` and renames it once it is whole, but it
/// reads the highest-named file whatever its suffix: an unfinished one (left
/// by a full disk or a kill) would make the next open report damage.
fn remove_unfinished_snapshots(data: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(data) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(UNFINISHED_SNAPSHOT) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Copies the directory tree `from` to `to`, leaving out unfinished snapshots.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(UNFINISHED_SNAPSHOT) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// The files a damaged store was read from, for the message.
pub fn files_read(path: &Path) -> Vec<PathBuf> {
    let data = path.join("data");
    let mut files = Vec::new();
    let mut dirs = vec![data];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn chunk_key(prefix: u8, seq: u64, chunk: u32) -> [u8; 13] {
    let mut key = [prefix; 13];
    key[1..9].copy_from_slice(&seq.to_be_bytes());
    key[9..].copy_from_slice(&chunk.to_be_bytes());
    key
}

fn log_key_parts(key: &[u8]) -> Result<(u64, u32)> {
    if key.len() != 13 {
        return Err(Error::Corrupt(format!(
            "a log key has {} bytes, not 13",
            key.len()
        )));
    }
    let mut seq = [0; 8];
    seq.copy_from_slice(&key[1..9]);
    let mut chunk = [0; 4];
    chunk.copy_from_slice(&key[9..]);
    Ok((u64::from_be_bytes(seq), u32::from_be_bytes(chunk)))
}

impl SledStorage {
    /// Reads every batch of the log, in order, with the bytes they take.
    fn read_log(&self) -> Result<(Vec<Batch>, BatchSizes)> {
        let mut batches = Vec::new();
        let mut sizes: Vec<(u64, u64)> = Vec::new();
        // Each batch is decoded as its chunks are read (`stream.rs`).
        let mut current: Option<(u64, BatchStream)> = None;
        let trees = self.trees();
        let items = layout::merged(
            trees.base.scan_prefix([LOG_PREFIX]),
            trees.log.scan_prefix([LOG_PREFIX]),
        );
        for item in items {
            let (key, bytes) = item.map_err(|e| read_error(&self.path, e))?;
            let (seq, chunk) = log_key_parts(&key)?;
            self.note_read(bytes.len());
            match sizes.last_mut() {
                Some((s, n)) if *s == seq => *n += bytes.len() as u64,
                _ => sizes.push((seq, bytes.len() as u64)),
            }
            if current.as_ref().is_none_or(|(s, _)| *s != seq) {
                if let Some((_, stream)) = current.take() {
                    batches.push(stream.finish()?);
                }
                if chunk != 0 {
                    return Err(Error::Corrupt(format!("batch {seq} lacks its first chunk")));
                }
                current = Some((seq, BatchStream::new(seq)));
            }
            if let Some((_, stream)) = &mut current {
                stream.feed(&bytes)?;
            }
        }
        if let Some((_, stream)) = current.take() {
            batches.push(stream.finish()?);
        }
        Ok((batches, sizes))
    }

    /// Adds the chunks of `batch` under sequence number `seq` to the
    /// writes, in the `base` tree when it is large and the `log` tree when
    /// not; returns the bytes they take.
    fn append(w: &mut Writes, seq: u64, batch: &BatchRef<'_>) -> Result<u64> {
        let chunks = encode_batch(batch)?;
        let large = chunks.len() > 1 || chunks[0].len() >= layout::LARGE;
        w.large |= large;
        let b = if large { &mut w.base } else { &mut w.log };
        Self::append_chunks(b, LOG_PREFIX, seq, chunks)
    }

    /// Adds `chunks` under `prefix` and `seq`; returns the bytes.
    fn append_chunks(
        b: &mut sled::Batch,
        prefix: u8,
        seq: u64,
        chunks: Vec<Vec<u8>>,
    ) -> Result<u64> {
        let mut bytes = 0;
        for (i, chunk) in chunks.into_iter().enumerate() {
            let i = u32::try_from(i)
                .map_err(|_| Error::Corrupt("a batch of more than 2^32 chunks".into()))?;
            bytes += chunk.len() as u64;
            b.insert(&chunk_key(prefix, seq, i), chunk);
        }
        Ok(bytes)
    }
}

impl Storage for SledStorage {
    fn load(&self) -> Result<Snapshot> {
        let (mut batches, sizes) = self.read_log()?;
        if batches.len() <= COMPACT_AFTER {
            return Ok(replay(batches));
        }
        let total: u64 = sizes.iter().map(|s| s.1).sum();
        let (first_seq, first) = sizes[0];
        if (total - first).saturating_mul(4) >= first {
            // The later batches are a good part of the store (a re-import,
            // many writes): the whole log becomes one batch.
            let snapshot = replay(batches);
            self.compact(&snapshot, total);
            return Ok(snapshot);
        }
        // A large first batch and small ones after it: the small ones are
        // folded into one and the first is left where it is, so that a
        // compaction costs what the writes changed, not the store's size.
        let folded = fold(batches.split_off(1));
        self.compact_tail(first_seq, &folded, total - first);
        batches.push(folded);
        Ok(replay(batches))
    }

    fn load_each(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<()>,
    ) -> Result<Option<(NodeId, RelId)>> {
        match self.load_lone_batch(sink)? {
            Some(done) => Ok(done),
            None => super::each_record(self.load()?, sink).map(Some),
        }
    }

    fn commit(&mut self, batch: &BatchRef<'_>, change: &Change<'_>) -> Result<()> {
        const WHAT: &str = "this change";
        self.writable(WHAT)?;
        let seq = self.take_seq()?;
        let tx = self.history_state().last + 1;
        let mut w = Writes::default();
        let mut bytes = Self::append(&mut w, seq, batch)?;
        let undo = encode_chunks(&change.undo)?;
        bytes += Self::append_chunks(&mut w.changes, CHANGES_PREFIX, tx, undo)?;
        let entry = encode_entry(&change.entry(tx))?;
        bytes += entry.len() as u64;
        w.entries.insert(&entry_key(tx)[..], entry);
        if change.starts_history {
            w.meta.insert(META_FLOOR, &tx.to_be_bytes());
        }
        bytes += self.census_writes(&mut w, tx, batch, change)?;
        device::ensure_room(&self.path, WHAT, bytes)?;
        self.apply(WHAT, w)?;
        let mut h = self.history_state();
        h.last = tx;
        if change.starts_history {
            h.floor = tx;
        }
        Ok(())
    }

    fn history(&self) -> Result<HistoryState> {
        Ok(self.history_state().clone())
    }

    fn log(&self) -> Result<Vec<TxEntry>> {
        self.read_entries()
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        self.read_changes_after(tx)
    }

    fn compact_history(&mut self, before: u64) -> Result<u64> {
        self.drop_changes_before(before)
    }

    fn history_reader(&self) -> Option<std::sync::Arc<dyn super::HistoryRead>> {
        Some(std::sync::Arc::new(self.reader()))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn census(&self) -> Result<Option<Census>> {
        self.read_census()
    }

    fn after_load(&mut self) -> Result<()> {
        self.reopen_after_large_read()
    }

    fn keep_census(&mut self, census: &Census) -> bool {
        self.write_census(census)
    }

    fn size_on_disk(&self) -> Option<u64> {
        self.db().size_on_disk().ok()
    }
}

impl SledStorage {
    /// Rewrites the log as one batch, atomically: the old batches go in the
    /// same sled batch that writes the new one. Skipped (the log stays as it
    /// is, and is compacted at a later open) when the store takes no writes
    /// or the device lacks the room for a second copy of the records.
    fn compact(&self, snapshot: &Snapshot, bytes: u64) {
        let whole = BatchRef {
            put_nodes: snapshot.nodes.iter().collect(),
            put_relationships: snapshot.relationships.iter().collect(),
            next_node_id: snapshot.next_node_id,
            next_rel_id: snapshot.next_rel_id,
            ..BatchRef::default()
        };
        self.replace_log(None, &whole, bytes);
    }

    /// Replaces every batch after the one numbered `first` by `folded`,
    /// atomically; skipped like [`SledStorage::compact`].
    fn compact_tail(&self, first: u64, folded: &Batch, bytes: u64) {
        self.replace_log(Some(first), &folded.as_ref(), bytes);
    }

    /// Removes every batch of the log but the one numbered `keep` and
    /// appends `batch`, in one sled batch. A failure leaves the log as it
    /// was (the batch is atomic) and marks the store failed, so that nothing
    /// more is written.
    fn replace_log(&self, keep: Option<u64>, batch: &BatchRef<'_>, bytes: u64) {
        const WHAT: &str = "compacting its log";
        if self.writable(WHAT).is_err() || device::ensure_room(&self.path, WHAT, bytes).is_err() {
            return;
        }
        let mut w = Writes::default();
        let trees = self.trees();
        for (tree, removed) in [(&trees.base, &mut w.base), (&trees.log, &mut w.log)] {
            for item in tree.scan_prefix([LOG_PREFIX]).keys() {
                let Ok(key) = item else { return };
                match log_key_parts(&key) {
                    Ok((seq, _)) if Some(seq) == keep => {}
                    Ok(_) => removed.remove(key),
                    Err(_) => return,
                }
            }
        }
        let Ok(seq) = self.take_seq() else { return };
        if Self::append(&mut w, seq, batch).is_ok() {
            let _ = self.apply(WHAT, w);
        }
    }
}

impl Drop for SledStorage {
    /// Closes sled without waiting for ever: after a failed write its close
    /// waits for a buffer the device never takes. Everything committed was
    /// flushed already, so a close that does not return in time is left.
    fn drop(&mut self) {
        let Some(db) = self.db.take() else { return };
        let trees = self.trees.take();
        let wait = if self.failed.get().is_some() {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(10)
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("claimgraph-close".into())
            .spawn(move || {
                drop(trees);
                drop(db);
                let _ = tx.send(());
            });
        if spawned.is_ok() {
            let _ = rx.recv_timeout(wait);
        }
    }
}

#[cfg(test)]
mod tests;
