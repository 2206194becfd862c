//! A store another claimgraph process holds (a shell, `serve`, a long
//! import): a `Database` on it sends each operation through the holder's
//! socket as a typed call (`claimgraph::share::calls`), as the CLI's
//! commands do, and gets back the same values and errors it would get in
//! process. When the holder has gone, the next operation takes the store
//! over and runs in process, as the next CLI command would.

use std::path::{Path, PathBuf};

use claimgraph::share::calls::{Answer, Call};
use claimgraph::share::client;
use claimgraph::{Cancel, Error, Format};

/// What a `Database` works on.
pub enum Backend {
    /// The store opened here (or in memory).
    Local(claimgraph::Database),
    /// A store held by another process, by its directory.
    Held(PathBuf),
}

impl Backend {
    /// Opens the store at `path`: here, or through its holder when another
    /// claimgraph process holds it and shares it.
    pub fn open(path: &Path) -> Result<Backend, Error> {
        match claimgraph::Database::open(path) {
            Ok(engine) => Ok(Backend::Local(engine)),
            Err(Error::StoreLocked { .. }) => match client::connect(path)? {
                Some(_) => Ok(Backend::Held(absolute(path))),
                // No one serves it: its holder has just stopped (the store is
                // free now), or holds it without sharing it (refused, saying who).
                None => claimgraph::Database::open(path).map(Backend::Local),
            },
            Err(e) => Err(e),
        }
    }

    /// Whether the store is held by another process.
    pub fn is_held(&self) -> bool {
        matches!(self, Backend::Held(_))
    }

    /// The engine, when the store is open here.
    pub fn local(&mut self) -> Option<&mut claimgraph::Database> {
        match self {
            Backend::Local(engine) => Some(engine),
            Backend::Held(_) => None,
        }
    }

    /// Sends the call `make` builds to the holder, when the store is held:
    /// `Ok(Some(answer))`; `Ok(None)` when the store is open here, or once
    /// this has taken it over from a holder that has gone (then the caller
    /// runs the operation in process).
    pub fn through_holder(
        &mut self,
        make: impl FnOnce() -> Result<Call, Error>,
        cancel: &Cancel,
    ) -> Result<Option<Answer>, Error> {
        let Backend::Held(store) = self else {
            return Ok(None);
        };
        let call = make()?;
        for _ in 0..2 {
            if let Some(answer) = client::call(store, &call, cancel)? {
                return Ok(Some(answer));
            }
            // No one serves it any more: take it over, unless a new holder
            // got it first (then send the call there).
            match claimgraph::Database::open(&*store) {
                Ok(engine) => {
                    *self = Backend::Local(engine);
                    return Ok(None);
                }
                Err(Error::StoreLocked { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::StoreLocked {
            path: store.clone(),
            holder: claimgraph::storage::holder::describe_holder(store),
        })
    }
}

/// The call importing the file at `path`, read here (relative paths are
/// this process's), as `claimgraph::Database::import_file` reads it.
pub fn import_file_call(path: &Path, format: Option<Format>) -> Result<Call, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let format = match format {
        Some(f) => f,
        None => Format::from_path(path)?,
    };
    Ok(Call::Import {
        name: path.display().to_string(),
        bytes,
        format,
    })
}

/// A path the holder can use: relative paths are this process's.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
