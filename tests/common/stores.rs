//! Helpers for the tests that break stores on purpose (`faults`, `fullfs`):
//! copying a closed store, reading back what it holds, checking it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use claimgraph::storage::sled::SledStorage;
use claimgraph::storage::{Snapshot, Storage};
use claimgraph::Database;

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// The binary on the store at `store`, as a user runs it: no store from the
/// environment, no backtraces, no standard input.
pub fn claimgraph(store: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"));
    cmd.arg("--store").arg(store);
    cmd.env_remove("CLAIMGRAPH_STORE");
    cmd.env_remove("CLAIMGRAPH_SKIP_ROOM_CHECK");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.stdin(std::process::Stdio::null());
    cmd
}

/// A closed store at `dir` holding the first example article.
pub fn store_with_one_article(dir: &Path) -> PathBuf {
    let mut db = Database::open(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    db.import_file(&example("bakhmut.triples"), None, None)
        .unwrap();
    drop(db);
    dir.to_path_buf()
}

/// Copies a closed store directory, file by file.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating a directory");
    for entry in std::fs::read_dir(from).expect("reading a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a file");
        }
    }
}

/// Every record the store at `dir` holds, in id order.
pub fn records(dir: &Path) -> Snapshot {
    let store = SledStorage::open(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut snap = store
        .load()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    snap.nodes.sort_by_key(|n| n.id);
    snap.relationships.sort_by_key(|r| r.id);
    snap
}

/// What `claimgraph check` does: opens the store and verifies that its
/// records and indexes agree. Returns its records.
pub fn check(dir: &Path) -> Snapshot {
    {
        let db = Database::open(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        db.graph()
            .verify_indexes()
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    records(dir)
}

/// "all" or "none" when `got` is one of the two, a panic naming `what` otherwise.
pub fn all_or_nothing(
    what: &str,
    got: &Snapshot,
    before: &Snapshot,
    after: &Snapshot,
) -> &'static str {
    if got == before {
        "none"
    } else if got == after {
        "all"
    } else {
        panic!(
            "{what}: the store holds neither all nor none of it ({} nodes, {} relationships; before {}/{}, after {}/{})",
            got.nodes.len(),
            got.relationships.len(),
            before.nodes.len(),
            before.relationships.len(),
            after.nodes.len(),
            after.relationships.len()
        )
    }
}

/// The bytes the files under `dir` take (what `du -sb` says).
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            dir_size(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}
