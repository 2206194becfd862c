//! Sending a command, or a typed call, to the process that holds its store.

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::calls::{Answer, Call};
use super::proto::{self, MessageRef, Request, Response};
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// How long a store's new holder may take to listen on its socket.
const STARTING: std::time::Duration = std::time::Duration::from_secs(5);

/// Connects to the holder of the store at `store`. `Ok(None)` when no
/// process serves it (no socket, or a stale one left by a holder that died):
/// the caller then opens the store itself.
pub fn connect(store: &Path) -> Result<Option<UnixStream>> {
    let path = super::socket_path(store);
    let lock_path = store.join(crate::storage::sled::LOCK_FILE);
    let started = std::time::Instant::now();
    loop {
        match UnixStream::connect(&path) {
            Ok(stream) => return Ok(Some(stream)),
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
    }
}

/// The error of a holder that went away before answering.
fn lost(store: &Path) -> impl Fn(proto::FrameError) -> Error + '_ {
    move |e| {
        Error::query(format!(
            "the process holding the store {} stopped before answering ({e}); nothing of this command was written unless it had finished",
            store.display()
        ))
    }
}

/// Sends `request` to the holder of the store at `store`. `Ok(None)` when no
/// process serves it: the command then opens the store itself.
pub fn forward(store: &Path, request: &Request) -> Result<Option<Response>> {
    let Some(mut stream) = connect(store)? else {
        return Ok(None);
    };
    proto::write_frame(&mut stream, &MessageRef::Command(request)).map_err(lost(store))?;
    let response: Response = proto::read_frame(&mut stream).map_err(lost(store))?;
    Ok(Some(response))
}

/// Sends a typed call to the holder of the store at `store` and returns its
/// answer; `Ok(None)` when no process serves it. While it waits, `cancel` is
/// looked at every 20 ms: once it trips, the connection is closed (the
/// holder then cancels the call, which writes nothing) and the error says
/// the call was interrupted.
pub fn call(store: &Path, call: &Call, cancel: &Cancel) -> Result<Option<Answer>> {
    let Some(mut stream) = connect(store)? else {
        return Ok(None);
    };
    proto::write_frame(&mut stream, &MessageRef::Call(call)).map_err(lost(store))?;
    while !readable(&stream, 20) {
        if let Err(e) = cancel.check() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return Err(e);
        }
    }
    // A holder of another version is refused by the frame's version.
    let answer: Answer = proto::read_frame(&mut stream).map_err(lost(store))?;
    Ok(Some(answer))
}

/// Whether `stream` has bytes to read (or was closed) within `millis`.
fn readable(stream: &UnixStream, millis: i32) -> bool {
    use std::os::fd::AsRawFd;
    let mut fd = libc::pollfd {
        fd: stream.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // An interrupted or failed poll counts as readable: the read then tells.
    let ready = unsafe { libc::poll(&mut fd, 1, millis) };
    ready != 0
}
