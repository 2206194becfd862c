//! The sled backend's reading and compacting of the store's history (the
//! `h` entries and `c` change records; see the parent module's key table).

use std::path::{Path, PathBuf};

use super::layout::{Trees, Writes};
use super::{
    chunk_key, log_key_parts, read_error, SledStorage, CHANGES_PREFIX, ENTRY_PREFIX,
    FORMAT_VERSION, META_FLOOR, META_FORMAT,
};
use crate::error::{Error, Result};
use crate::storage::history::{Change, HistoryState, TxChanges, TxEntry};
use crate::storage::HistoryRead;

impl SledStorage {
    /// The last transaction and the oldest state kept, read at open.
    pub(super) fn read_history_state(&self) -> Result<HistoryState> {
        let path = &self.path;
        let last = match self.trees().entries.scan_prefix([ENTRY_PREFIX]).next_back() {
            Some(item) => tx_of(&item.map_err(|e| read_error(path, e))?.0)?,
            None => 0,
        };
        let floor = read_floor(path, self.trees())?;
        Ok(HistoryState { last, floor })
    }

    /// Upgrades a store written before the history, in one atomic batch: the
    /// new version and a first transaction saying so, from which the history
    /// starts; its log moves into the log's own tree in the same batch. A
    /// store read from a private copy is upgraded in the copy.
    pub(super) fn upgrade_from(&self, found: u32) -> Result<()> {
        let what = format!("upgrade from format version {found}");
        let entry = Change {
            what: &what,
            ..Change::default()
        }
        .entry(1);
        let mut w = Writes::default();
        w.meta.insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes());
        w.meta.insert(META_FLOOR, &1u64.to_be_bytes());
        w.entries.insert(&entry_key(1)[..], encode_entry(&entry)?);
        self.move_into_trees(w)
    }

    pub(super) fn read_entries(&self) -> Result<Vec<TxEntry>> {
        read_entries(&self.path, self.trees())
    }

    pub(super) fn read_changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        read_changes_after(&self.path, self.trees(), tx)
    }

    /// A reader of the history for other threads (see [`HistoryRead`]).
    pub(super) fn reader(&self) -> SledHistory {
        SledHistory {
            path: self.path.clone(),
            trees: self.trees().clone(),
        }
    }

    pub(super) fn drop_changes_before(&mut self, before: u64) -> Result<u64> {
        const WHAT: &str = "this compaction";
        self.writable(WHAT)?;
        let floor = {
            let h = self.history_state();
            h.floor.max(before.saturating_sub(1))
        };
        let mut w = Writes::default();
        let mut freed = 0u64;
        let from = chunk_key(CHANGES_PREFIX, 0, 0);
        let to = chunk_key(CHANGES_PREFIX, before, 0);
        for item in self.trees().changes.range(from..to) {
            let (key, bytes) = item.map_err(|e| read_error(&self.path, e))?;
            freed += (key.len() + bytes.len()) as u64;
            w.changes.remove(key);
        }
        w.meta.insert(META_FLOOR, &floor.to_be_bytes());
        self.apply(WHAT, w)?;
        self.history_state().floor = floor;
        Ok(freed)
    }
}

/// Every transaction's entry, oldest first.
fn read_entries(path: &Path, trees: &Trees) -> Result<Vec<TxEntry>> {
    let mut out = Vec::new();
    for item in trees.entries.scan_prefix([ENTRY_PREFIX]) {
        let (key, bytes) = item.map_err(|e| read_error(path, e))?;
        let tx = tx_of(&key)?;
        out.push(postcard::from_bytes(&bytes).map_err(|e| {
            Error::Corrupt(format!(
                "the entry of transaction {tx} does not decode: {e}"
            ))
        })?);
    }
    Ok(out)
}

/// The change records of the transactions after `tx`, newest first.
fn read_changes_after(path: &Path, trees: &Trees, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
    let from = chunk_key(CHANGES_PREFIX, tx.saturating_add(1), 0);
    let to = chunk_key(CHANGES_PREFIX, u64::MAX, u32::MAX);
    let mut out = Vec::new();
    let mut current: Option<(u64, Vec<u8>)> = None;
    let finish = |(t, buf): (u64, Vec<u8>)| -> Result<(u64, TxChanges)> {
        let c = postcard::from_bytes(&buf).map_err(|e| {
            Error::Corrupt(format!("the changes of transaction {t} do not decode: {e}"))
        })?;
        Ok((t, c))
    };
    for item in trees.changes.range(from..=to) {
        let (key, bytes) = item.map_err(|e| read_error(path, e))?;
        let (t, _) = log_key_parts(&key)?;
        match &mut current {
            Some((s, buf)) if *s == t => buf.extend_from_slice(&bytes),
            _ => {
                if let Some(done) = current.take() {
                    out.push(finish(done)?);
                }
                current = Some((t, bytes.to_vec()));
            }
        }
    }
    if let Some(done) = current.take() {
        out.push(finish(done)?);
    }
    out.reverse();
    Ok(out)
}

/// The history floor: the oldest state that can be rebuilt.
fn read_floor(path: &Path, trees: &Trees) -> Result<u64> {
    match trees
        .meta
        .get(META_FLOOR)
        .map_err(|e| read_error(path, e))?
    {
        Some(bytes) => Ok(u64::from_be_bytes(bytes.as_ref().try_into().map_err(
            |_| {
                Error::Corrupt(format!(
                    "{}: the history floor key holds {} bytes, not 8",
                    path.display(),
                    bytes.len()
                ))
            },
        )?)),
        None => Ok(0),
    }
}

/// The history of a sled store read from other threads: sled's trees are
/// shared handles, and every commit is one atomic batch, so a read sees a
/// commit whole or not at all.
pub(super) struct SledHistory {
    path: PathBuf,
    trees: Trees,
}

impl HistoryRead for SledHistory {
    fn log(&self) -> Result<Vec<TxEntry>> {
        read_entries(&self.path, &self.trees)
    }

    fn changes_after(&self, tx: u64) -> Result<Vec<(u64, TxChanges)>> {
        read_changes_after(&self.path, &self.trees, tx)
    }

    fn floor(&self) -> Result<u64> {
        read_floor(&self.path, &self.trees)
    }
}

pub(super) fn entry_key(tx: u64) -> [u8; 9] {
    let mut key = [ENTRY_PREFIX; 9];
    key[1..].copy_from_slice(&tx.to_be_bytes());
    key
}

pub(super) fn tx_of(key: &[u8]) -> Result<u64> {
    let bytes: [u8; 8] = key
        .get(1..9)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Corrupt(format!("a history key has {} bytes, not 9", key.len())))?;
    Ok(u64::from_be_bytes(bytes))
}

pub(super) fn encode_entry(entry: &TxEntry) -> Result<Vec<u8>> {
    postcard::to_allocvec(entry)
        .map_err(|e| Error::Corrupt(format!("cannot encode a history entry: {e}")))
}
