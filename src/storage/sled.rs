//! The on-disk backend: one sled tree holding every record under a one-byte
//! prefix, plus a few metadata keys.
//!
//! | key | value |
//! |---|---|
//! | `m` `format_version` | `u32`, big-endian |
//! | `m` `next_node_id` / `m` `next_rel_id` | `u64`, big-endian |
//! | `n` id (`u64` big-endian) | a [`Node`], postcard |
//! | `r` id (`u64` big-endian) | a [`Relationship`], postcard |
//!
//! A batch is one `sled::Batch` on one tree, which sled applies atomically,
//! followed by a flush to disk. A lock file in the store's directory keeps a
//! second process out.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::{Batch, Snapshot, Storage, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::model::{Node, Relationship};

const META_FORMAT: &[u8] = b"mformat_version";
const META_NEXT_NODE: &[u8] = b"mnext_node_id";
const META_NEXT_REL: &[u8] = b"mnext_rel_id";
const NODE_PREFIX: u8 = b'n';
const REL_PREFIX: u8 = b'r';

/// The name of the lock file inside a store's directory.
pub const LOCK_FILE: &str = "claimgraph.lock";

pub struct SledStorage {
    path: PathBuf,
    db: sled::Db,
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
        let db = sled::Config::new()
            .path(path.join("data"))
            .cache_capacity(64 * 1024 * 1024)
            .open()
            .map_err(|e| match e {
                sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => {
                    Error::Corrupt(format!("{}: {e}", path.display()))
                }
                e => Error::Storage(e),
            })?;
        let store = SledStorage {
            path: path.to_path_buf(),
            db,
            _lock: lock,
        };
        store.check_format()?;
        Ok(store)
    }

    /// Writes the format version into a new store; checks it in an existing one.
    fn check_format(&self) -> Result<()> {
        match self.db.get(META_FORMAT)? {
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

    fn read_u64(&self, key: &[u8]) -> Result<u64> {
        match self.db.get(key)? {
            None => Ok(0),
            Some(bytes) => Ok(u64::from_be_bytes(bytes.as_ref().try_into().map_err(
                |_| {
                    Error::Corrupt(format!(
                        "key {:?} does not hold a u64",
                        String::from_utf8_lossy(key)
                    ))
                },
            )?)),
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

fn record_key(prefix: u8, id: u64) -> [u8; 9] {
    let mut key = [prefix; 9];
    key[1..].copy_from_slice(&id.to_be_bytes());
    key
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| Error::Corrupt(format!("cannot encode a record: {e}")))
}

fn decode<'a, T: serde::Deserialize<'a>>(what: &str, key: &[u8], bytes: &'a [u8]) -> Result<T> {
    postcard::from_bytes(bytes).map_err(|e| {
        Error::Corrupt(format!(
            "the {what} record under key {key:02x?} does not decode: {e}"
        ))
    })
}

impl Storage for SledStorage {
    fn load(&self) -> Result<Snapshot> {
        let mut nodes = Vec::new();
        for item in self.db.scan_prefix([NODE_PREFIX]) {
            let (key, bytes) = item?;
            let node: Node = decode("node", &key, &bytes)?;
            nodes.push(node);
        }
        let mut relationships = Vec::new();
        for item in self.db.scan_prefix([REL_PREFIX]) {
            let (key, bytes) = item?;
            let rel: Relationship = decode("relationship", &key, &bytes)?;
            relationships.push(rel);
        }
        Ok(Snapshot {
            nodes,
            relationships,
            next_node_id: self.read_u64(META_NEXT_NODE)?,
            next_rel_id: self.read_u64(META_NEXT_REL)?,
        })
    }

    fn commit(&mut self, batch: &Batch) -> Result<()> {
        let mut b = sled::Batch::default();
        for id in &batch.delete_relationships {
            b.remove(&record_key(REL_PREFIX, *id));
        }
        for id in &batch.delete_nodes {
            b.remove(&record_key(NODE_PREFIX, *id));
        }
        for n in &batch.put_nodes {
            b.insert(&record_key(NODE_PREFIX, n.id), encode(n)?);
        }
        for r in &batch.put_relationships {
            b.insert(&record_key(REL_PREFIX, r.id), encode(r)?);
        }
        b.insert(META_NEXT_NODE, &batch.next_node_id.to_be_bytes());
        b.insert(META_NEXT_REL, &batch.next_rel_id.to_be_bytes());
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
