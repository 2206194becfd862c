//! Sharing a store: the process that holds a store (the shell, `serve`)
//! listens on a Unix socket inside the store's directory, readable and
//! writable by the store's owner only, and every other claimgraph command on
//! that store sends its command line there instead of being refused.
//!
//! - [`proto`]: the frames (length-prefixed, versioned postcard).
//! - [`server`]: the listener; each connection runs on its own thread, under
//!   the store's lock, so writes queue and each stays one transaction; a
//!   client that goes away (Ctrl-C) cancels its request.
//! - [`client`]: sending a command and printing its answer; a socket left
//!   by a holder that died is stale, and the command then opens the store
//!   itself (the lock died with the holder, so nothing committed is lost).
//!
//! The holder runs a request exactly as the command would run in process
//! (the same code prints the same result and the same error), so output,
//! errors and exit status do not depend on who holds the store.

pub mod client;
pub mod proto;
pub mod server;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::db::Database;

/// A store used by several threads: the shell and the requests it serves.
pub type Shared = Arc<Mutex<Database>>;

/// The name of the socket inside a store's directory.
pub const SOCKET_FILE: &str = "claimgraph.sock";

/// Locks a shared store. A thread that panicked while holding it left the
/// graph as its transaction's rollback made it, so the lock is taken anyway.
pub fn lock(db: &Shared) -> MutexGuard<'_, Database> {
    db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where the socket of the store at `store` lives.
pub fn socket_path(store: &Path) -> PathBuf {
    store.join(SOCKET_FILE)
}
