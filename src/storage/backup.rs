//! `backup DEST`: a consistent copy of a store that opens on its own.
//!
//! The copy is written from the records as they stand between transactions
//! (a process runs one at a time), as one batch of a new store in a hidden
//! directory beside `DEST`, flushed, then renamed to `DEST`: an interrupted
//! backup leaves no `DEST`, never half of one.

use std::path::{Path, PathBuf};

use super::sled::SledStorage;
use super::{BatchRef, Storage};
use crate::error::{Error, Result};

/// Writes `records` as a new store at `dest`, which must not exist. Returns
/// the bytes the copy takes on disk. The copy's history starts with one
/// transaction, `what`: states of the store before it are not copied.
pub fn write(dest: &Path, records: &BatchRef<'_>, what: &str) -> Result<u64> {
    refuse_existing(dest)?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Error::io(
            dest,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "the directory {} does not exist (backup creates DEST itself, not its parents)",
                    parent.display()
                ),
            ),
        ));
    }
    let name = dest.file_name().map_or_else(
        || "backup".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(&parent)
        .map_err(|e| super::device::io_error(dest, "this backup", e))?;
    let size = {
        let mut copy = SledStorage::open(staging.path()).map_err(|e| e.during("this backup"))?;
        let mut change = super::Change {
            what,
            starts_history: true,
            census: Some(super::Census::of_records(
                records.put_nodes.iter().copied(),
                records.put_relationships.iter().copied(),
            )),
            ..super::Change::default()
        };
        change.stats.nodes_created = records.put_nodes.len() as u64;
        change.stats.relationships_created = records.put_relationships.len() as u64;
        change.undo.created_nodes = super::history::ranges(records.put_nodes.iter().map(|n| n.id));
        change.undo.created_rels =
            super::history::ranges(records.put_relationships.iter().map(|r| r.id));
        copy.commit(records, &change)
            .map_err(|e| e.during("this backup"))?;
        copy.size_on_disk().unwrap_or(0)
    };
    refuse_existing(dest)?;
    std::fs::rename(staging.path(), dest).map_err(|e| Error::io(dest, e))?;
    // The rename is durable once the directory holding it is synced.
    if let Ok(dir) = std::fs::File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(size)
}

fn refuse_existing(dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::io(
            dest,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "already exists; a backup is written to a new path and never over anything: name another one",
            ),
        ));
    }
    Ok(())
}
