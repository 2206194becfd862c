//! Where the sled backend keeps each kind of key, and the atomic write that
//! spans them.
//!
//! The large batches of the log (`l` keys of an import or a compaction), its
//! small batches, the change records (`c`) and the history entries (`h`)
//! each live in a sled tree of their own; the default tree holds only the
//! `m` keys. Every stream of keys is appended at the end of its tree, so a
//! small write touches only the last leaf of the small trees, never a leaf
//! holding the large chunks of an import. sled keeps up to 16 values in a
//! leaf and rewrites the whole leaf when it consolidates it (every ten
//! changes): in format 2, which kept every key in one tree, the leaf of an
//! import's 8 MiB chunk took the keys of the writes after it, and each
//! one-node write cost about a megabyte.
//!
//! A commit writes into several trees in one sled transaction, which sled
//! seals as one batch in its log: after a crash all of it is there or none.

use super::{read_error, write_error, SledStorage, CHANGES_PREFIX, ENTRY_PREFIX, LOG_PREFIX};
use crate::error::Result;
use sled::Transactional;

/// The tree of the log's large batches (`l` keys).
pub(super) const BASE_TREE: &[u8] = b"base";
/// The tree of the log's small batches (`l` keys).
pub(super) const LOG_TREE: &[u8] = b"log";
/// A batch whose encoding takes at least this many bytes is large.
pub(super) const LARGE: usize = 256 << 10;
/// The tree of the change records (`c` keys).
pub(super) const CHANGES_TREE: &[u8] = b"changes";
/// The tree of the history entries (`h` keys).
pub(super) const ENTRIES_TREE: &[u8] = b"entries";

/// The key of the padding written after a large batch, removed at once.
const PAD_KEY: &[u8] = b"mpadding";
/// The bytes of padding: one sled segment (512 KiB) and a value more, in
/// values small enough for sled to write them inside its segments.
pub(super) const PAD_BYTES: usize = (512 << 10) + PAD_VALUE;
const PAD_VALUE: usize = 64 << 10;

/// The format that kept every key in sled's default tree.
pub(super) const FORMAT_ONE_TREE: u32 = 2;

/// The trees of one store.
#[derive(Clone)]
pub(super) struct Trees {
    pub meta: sled::Tree,
    pub base: sled::Tree,
    pub log: sled::Tree,
    pub changes: sled::Tree,
    pub entries: sled::Tree,
}

impl Trees {
    pub fn open(db: &sled::Db) -> sled::Result<Self> {
        Ok(Trees {
            meta: (**db).clone(),
            base: db.open_tree(BASE_TREE)?,
            log: db.open_tree(LOG_TREE)?,
            changes: db.open_tree(CHANGES_TREE)?,
            entries: db.open_tree(ENTRIES_TREE)?,
        })
    }

    /// Applies `writes` as one atomic sled batch and flushes it.
    pub fn apply(&self, writes: &Writes) -> sled::Result<()> {
        (
            &self.meta,
            &self.base,
            &self.log,
            &self.changes,
            &self.entries,
        )
            .transaction(|(meta, base, log, changes, entries)| {
                meta.apply_batch(&writes.meta)?;
                base.apply_batch(&writes.base)?;
                log.apply_batch(&writes.log)?;
                changes.apply_batch(&writes.changes)?;
                entries.apply_batch(&writes.entries)?;
                Ok(())
            })
            .map_err(|e: sled::transaction::TransactionError<()>| match e {
                sled::transaction::TransactionError::Storage(e) => e,
                sled::transaction::TransactionError::Abort(()) => {
                    sled::Error::ReportableBug("a commit aborted itself".into())
                }
            })?;
        self.meta.flush().map(drop)
    }

    /// Moves the end of sled's log past the segment that holds the pointers
    /// to a large batch's blobs. At every open sled reads its log from the
    /// start of the segment its last snapshot ends in, and reads in full
    /// every blob a message there points to: left in the last segment, the
    /// pointers to an import's chunks would make every later open read the
    /// whole import once more before anything else. A segment's worth of
    /// writes to one key (each value different: sled skips a write of the
    /// value a key holds), then its removal, ends the log in a later segment.
    pub fn pad_past_segment(&self) -> sled::Result<()> {
        let mut value = vec![0u8; PAD_VALUE];
        for i in 0..PAD_BYTES / PAD_VALUE {
            value[0] = i as u8;
            self.meta.insert(PAD_KEY, &value[..])?;
        }
        self.meta.remove(PAD_KEY)?;
        self.meta.flush().map(drop)
    }
}

/// The writes of one atomic change, tree by tree.
#[derive(Default)]
pub(super) struct Writes {
    /// Whether the change writes a large batch (chunks sled keeps as blobs).
    pub large: bool,
    pub meta: sled::Batch,
    pub base: sled::Batch,
    pub log: sled::Batch,
    pub changes: sled::Batch,
    pub entries: sled::Batch,
}

impl Writes {
    /// The batch of the tree that holds `key` with `value`: a log key goes
    /// with the large batches when it is a chunk of a batch of several or
    /// large itself (every chunk of one batch goes to the same tree).
    fn of(&mut self, key: &[u8], value: &[u8]) -> &mut sled::Batch {
        match key.first() {
            Some(&LOG_PREFIX) => {
                let later_chunk = key.get(9..).is_some_and(|c| c.iter().any(|b| *b != 0));
                if later_chunk || value.len() >= LARGE {
                    &mut self.base
                } else {
                    &mut self.log
                }
            }
            Some(&CHANGES_PREFIX) => &mut self.changes,
            Some(&ENTRY_PREFIX) => &mut self.entries,
            _ => &mut self.meta,
        }
    }
}

/// The items of two sorted scans, in the order of their keys.
pub(super) fn merged(
    a: sled::Iter,
    b: sled::Iter,
) -> impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(Ok((ka, _))), Some(Ok((kb, _)))) if kb < ka => b.next(),
        (Some(Ok(_)), Some(Ok(_))) | (Some(_), None) | (Some(Err(_)), _) => a.next(),
        (_, Some(_)) => b.next(),
        (None, None) => None,
    })
}

impl SledStorage {
    /// Moves the log, the change records and the entries of a store that
    /// kept them in the default tree into their own trees, adding `more`
    /// (the new format version, an upgrade's entry) to the same atomic batch.
    pub(super) fn move_into_trees(&self, mut more: Writes) -> Result<()> {
        let trees = self.trees();
        for prefix in [LOG_PREFIX, CHANGES_PREFIX, ENTRY_PREFIX] {
            for item in trees.meta.scan_prefix([prefix]) {
                let (key, value) = item.map_err(|e| read_error(&self.path, e))?;
                more.meta.remove(key.clone());
                more.of(&key, &value).insert(key, value);
            }
        }
        trees
            .apply(&more)
            .map_err(|e| write_error(&self.path, "upgrading the store", e))
    }
}
