//! Sending a command to the process that holds its store.

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::proto::{self, Request, Response};
use crate::error::{Error, Result};

/// How long a store's new holder may take to listen on its socket.
const STARTING: std::time::Duration = std::time::Duration::from_secs(5);

/// Sends `request` to the holder of the store at `store`. `Ok(None)` when no
/// process serves it (no socket, or a stale one left by a holder that died):
/// the command then opens the store itself.
pub fn forward(store: &Path, request: &Request) -> Result<Option<Response>> {
    let path = super::socket_path(store);
    let lock_path = store.join(crate::storage::sled::LOCK_FILE);
    let started = std::time::Instant::now();
    let mut stream = loop {
        match UnixStream::connect(&path) {
            Ok(stream) => break stream,
            // A socket nobody listens on: its holder died (the store is free,
            // take it over), or a new holder is about to listen (wait for it).
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {
                let held = crate::storage::holder::lock_holder(&lock_path).is_some();
                if !held || started.elapsed() > STARTING {
                    return Ok(None);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                return Err(Error::StoreLocked {
                    path: store.to_path_buf(),
                    holder: crate::storage::holder::describe_holder(store),
                })
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
    };
    let lost = |e: proto::FrameError| {
        Error::query(format!(
            "the process holding the store {} stopped before answering ({e}); nothing of this command was written unless it had finished",
            store.display()
        ))
    };
    proto::write_frame(&mut stream, request).map_err(lost)?;
    let response: Response = proto::read_frame(&mut stream).map_err(lost)?;
    Ok(Some(response))
}
