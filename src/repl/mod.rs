//! The interactive shell.

use crate::db::Database;
use crate::error::{Error, Result};

/// Runs the shell over `db` until the user leaves.
pub fn run(_db: Database) -> Result<()> {
    Err(Error::query("the shell is not built yet"))
}
