//! The on-disk backend: a log of batches in one sled tree.
//!
//! | key | value |
//! |---|---|
//! | `m` `format_version` | `u32`, big-endian |
//! | `l` seq (`u64` BE) chunk (`u32` BE) | one chunk (at most 8 MiB) of a postcard-encoded [`Batch`] |
//!
//! Each commit appends one batch, split into chunks, as one `sled::Batch`, which
//! sled applies atomically, then flushes to disk. Opening replays the batches in
//! order. Reading a few large values is much faster than reading a million small
//! records, and the whole import of a large corpus is written in one sequential
//! pass. When the log holds many batches, opening rewrites it as one batch of
//! the current records (again in one atomic `sled::Batch`).
//!
//! A lock file in the store's directory keeps a second process out.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::{Batch, BatchRef, Snapshot, Storage, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::model::{Node, Relationship};

const META_FORMAT: &[u8] = b"mformat_version";
const LOG_PREFIX: u8 = b'l';
/// The largest value written to sled.
const CHUNK: usize = 8 << 20;
/// Opening compacts a log of more batches than this.
const COMPACT_AFTER: usize = 64;

/// The name of the lock file inside a store's directory.
pub const LOCK_FILE: &str = "claimgraph.lock";

pub struct SledStorage {
    path: PathBuf,
    db: sled::Db,
    /// The sequence number of the next batch.
    next_seq: std::sync::atomic::AtomicU64,
    // Held for the life of the store: the OS releases it when the process ends,
    // however it ends.
    _lock: File,
}

impl SledStorage {
    /// Opens the store at `path`, creating it if absent. Refuses a store that
    /// another process has open, and one of another format version.
    pub fn open(path: &Path) -> Result<Self> {
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let lock_path = path.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::StoreLocked {
                    path: path.to_path_buf(),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let config = sled::Config::new()
            .path(path.join("data"))
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
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other,
            }
        };
        let db = opened.map_err(|e| read_error(path, e))?;
        let store = SledStorage {
            path: path.to_path_buf(),
            db,
            next_seq: std::sync::atomic::AtomicU64::new(0),
            _lock: lock,
        };
        store.check_format()?;
        let next = match store.db.scan_prefix([LOG_PREFIX]).next_back() {
            Some(item) => log_key_parts(&item.map_err(|e| read_error(path, e))?.0)?.0 + 1,
            None => 0,
        };
        store
            .next_seq
            .store(next, std::sync::atomic::Ordering::Relaxed);
        Ok(store)
    }

    /// Writes the format version into a new store; checks it in an existing one.
    fn check_format(&self) -> Result<()> {
        match self
            .db
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
                if found != FORMAT_VERSION {
                    return Err(Error::FormatVersion {
                        path: self.path.clone(),
                        found,
                        supported: FORMAT_VERSION,
                    });
                }
                Ok(())
            }
            None if self.db.is_empty() => {
                self.db.insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
                self.db.flush()?;
                Ok(())
            }
            None => Err(Error::Corrupt(format!(
                "{}: records without a format version key",
                self.path.display()
            ))),
        }
    }

    /// Overwrites the format version: only for tests of version checks.
    #[doc(hidden)]
    pub fn set_format_version_for_tests(&self, version: u32) -> Result<()> {
        self.db.insert(META_FORMAT, &version.to_be_bytes())?;
        self.db.flush()?;
        Ok(())
    }
}

/// The error for a failed read of the store at `path`: damage (data that does
/// not decode, files of an unknown layout) says so and names the store; other
/// failures keep sled's error as the cause.
fn read_error(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Corruption { at, .. } => Error::Corrupt(format!(
            "{}: some of its data cannot be read back (corrupted bytes at {}); restore it from a backup or import its sources again",
            path.display(),
            at.map_or_else(|| "an unknown place".to_string(), |at| format!("{at:?}"))
        )),
        sled::Error::Unsupported(why) => Error::Corrupt(format!("{}: {why}", path.display())),
        e => Error::Storage(e),
    }
}

fn log_key(seq: u64, chunk: u32) -> [u8; 13] {
    let mut key = [LOG_PREFIX; 13];
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
    /// Reads every batch of the log, in order.
    fn read_log(&self) -> Result<Vec<Batch>> {
        let mut batches = Vec::new();
        let mut current: Option<(u64, Vec<u8>)> = None;
        for item in self.db.scan_prefix([LOG_PREFIX]) {
            let (key, bytes) = item.map_err(|e| read_error(&self.path, e))?;
            let (seq, chunk) = log_key_parts(&key)?;
            match &mut current {
                Some((s, buf)) if *s == seq => buf.extend_from_slice(&bytes),
                _ => {
                    if let Some((s, buf)) = current.take() {
                        batches.push(decode(s, &buf)?);
                    }
                    if chunk != 0 {
                        return Err(Error::Corrupt(format!("batch {seq} lacks its first chunk")));
                    }
                    current = Some((seq, bytes.to_vec()));
                }
            }
        }
        if let Some((s, buf)) = current.take() {
            batches.push(decode(s, &buf)?);
        }
        Ok(batches)
    }

    /// Adds the chunks of `batch` under sequence number `seq` to a sled batch.
    fn append(b: &mut sled::Batch, seq: u64, batch: &BatchRef<'_>) -> Result<()> {
        let mut chunks = ChunkWriter::default();
        postcard::to_io(batch, &mut chunks)
            .map_err(|e| Error::Corrupt(format!("cannot encode a batch: {e}")))?;
        for (i, chunk) in chunks.finish().into_iter().enumerate() {
            let i = u32::try_from(i)
                .map_err(|_| Error::Corrupt("a batch of more than 2^32 chunks".into()))?;
            b.insert(&log_key(seq, i), chunk);
        }
        Ok(())
    }
}

/// Collects encoded bytes in chunks of at most [`CHUNK`] bytes, so that a large
/// batch is never copied into an ever-growing buffer.
#[derive(Default)]
struct ChunkWriter {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl ChunkWriter {
    fn finish(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() || self.done.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, mut buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len();
        while !buf.is_empty() {
            if self.current.len() == CHUNK {
                self.done.push(std::mem::take(&mut self.current));
            }
            if self.current.capacity() == 0 {
                self.current.reserve_exact(CHUNK);
            }
            let room = CHUNK - self.current.len();
            let (now, later) = buf.split_at(room.min(buf.len()));
            self.current.extend_from_slice(now);
            buf = later;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn decode(seq: u64, bytes: &[u8]) -> Result<Batch> {
    postcard::from_bytes(bytes)
        .map_err(|e| Error::Corrupt(format!("batch {seq} of the log does not decode: {e}")))
}

/// Replays batches into the records they leave.
fn replay(mut batches: Vec<Batch>) -> Snapshot {
    let Some(last) = batches.last() else {
        return Snapshot::default();
    };
    let (next_node_id, next_rel_id) = (last.next_node_id, last.next_rel_id);
    if batches.len() == 1
        && batches[0].delete_nodes.is_empty()
        && batches[0].delete_relationships.is_empty()
    {
        // The common case after an import or a compaction: no replay needed.
        let b = batches.pop().unwrap_or_default();
        return Snapshot {
            nodes: b.put_nodes,
            relationships: b.put_relationships,
            next_node_id,
            next_rel_id,
        };
    }
    let mut nodes = std::collections::HashMap::new();
    let mut rels = std::collections::HashMap::new();
    for b in batches {
        for id in b.delete_relationships {
            rels.remove(&id);
        }
        for id in b.delete_nodes {
            nodes.remove(&id);
        }
        for n in b.put_nodes {
            nodes.insert(n.id, n);
        }
        for r in b.put_relationships {
            rels.insert(r.id, r);
        }
    }
    let mut nodes: Vec<Node> = nodes.into_values().collect();
    nodes.sort_by_key(|n| n.id);
    let mut relationships: Vec<Relationship> = rels.into_values().collect();
    relationships.sort_by_key(|r| r.id);
    Snapshot {
        nodes,
        relationships,
        next_node_id,
        next_rel_id,
    }
}

impl Storage for SledStorage {
    fn load(&self) -> Result<Snapshot> {
        let batches = self.read_log()?;
        let count = batches.len();
        let snapshot = replay(batches);
        if count > COMPACT_AFTER {
            // Rewrite the log as one batch, atomically: the old batches go in the
            // same sled batch that writes the new one.
            let mut b = sled::Batch::default();
            for item in self.db.scan_prefix([LOG_PREFIX]).keys() {
                b.remove(item?);
            }
            let seq = self
                .next_seq
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let whole = BatchRef {
                put_nodes: snapshot.nodes.iter().collect(),
                put_relationships: snapshot.relationships.iter().collect(),
                next_node_id: snapshot.next_node_id,
                next_rel_id: snapshot.next_rel_id,
                ..BatchRef::default()
            };
            Self::append(&mut b, seq, &whole)?;
            self.db.apply_batch(b)?;
            self.db.flush()?;
        }
        Ok(snapshot)
    }

    fn commit(&mut self, batch: &BatchRef<'_>) -> Result<()> {
        let seq = self
            .next_seq
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut b = sled::Batch::default();
        Self::append(&mut b, seq, batch)?;
        self.db.apply_batch(b)?;
        self.db.flush()?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn size_on_disk(&self) -> Option<u64> {
        self.db.size_on_disk().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _first = SledStorage::open(dir.path()).unwrap();
        let err = SledStorage::open(dir.path()).err().unwrap();
        assert!(matches!(err, Error::StoreLocked { .. }), "{err}");
        assert!(err.to_string().contains("in use"), "{err}");
    }

    #[test]
    fn a_long_log_is_compacted_at_open_and_keeps_every_record() {
        use crate::value::{Properties, Value};
        let dir = tempfile::tempdir().unwrap();
        let mut store = SledStorage::open(dir.path()).unwrap();
        for i in 0..(COMPACT_AFTER as u64 + 10) {
            let mut properties = Properties::new();
            properties.insert("n".into(), Value::Int(i as i64));
            let batch = Batch {
                put_nodes: vec![Node {
                    id: i,
                    labels: vec!["N".into()],
                    properties,
                }],
                // Every other batch deletes the node the one before wrote.
                delete_nodes: if i % 2 == 1 { vec![i - 1] } else { vec![] },
                next_node_id: i + 1,
                ..Batch::default()
            };
            store.commit(&batch.as_ref()).unwrap();
        }
        let before = store.load().unwrap();
        assert_eq!(before.nodes.len(), (COMPACT_AFTER + 10) / 2);
        drop(store);
        let store = SledStorage::open(dir.path()).unwrap();
        assert_eq!(store.read_log().unwrap().len(), 1, "the log was compacted");
        assert_eq!(store.load().unwrap(), before);
        let mut store = store;
        store
            .commit(&BatchRef {
                next_node_id: 1000,
                ..BatchRef::default()
            })
            .unwrap();
        drop(store);
        let store = SledStorage::open(dir.path()).unwrap();
        let after = store.load().unwrap();
        assert_eq!(after.nodes, before.nodes);
        assert_eq!(after.next_node_id, 1000);
    }

    #[test]
    fn chunks_hold_every_byte_in_order_and_none_is_too_large() {
        use std::io::Write;
        let data: Vec<u8> = (0..(2 * CHUNK + 12_345)).map(|i| (i % 251) as u8).collect();
        let mut w = ChunkWriter::default();
        for piece in data.chunks(777_777) {
            w.write_all(piece).unwrap();
        }
        let chunks = w.finish();
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(chunks.concat(), data);
        assert_eq!(ChunkWriter::default().finish(), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn a_newer_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStorage::open(dir.path()).unwrap();
        store
            .set_format_version_for_tests(FORMAT_VERSION + 1)
            .unwrap();
        drop(store);
        let err = SledStorage::open(dir.path()).err().unwrap();
        assert!(matches!(err, Error::FormatVersion { .. }), "{err}");
        assert!(err.to_string().contains("newer claimgraph"), "{err}");
    }
}
