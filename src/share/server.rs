//! The listener of the process that holds a store.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::proto::{self, FrameError, Message, Request, Response};
use super::Shared;
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// Runs one request on the shared store: what the command line does in
/// process. The `Cancel` trips when the client goes away.
pub type Handler = Arc<dyn Fn(&Shared, Request, Cancel) -> Response + Send + Sync>;

/// A listening socket; dropping it removes the socket file.
pub struct Listener {
    path: PathBuf,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Listens on the socket of the store at `store` (which this process holds:
/// a socket file already there was left by a holder that died) and serves
/// each connection on its own thread.
pub fn listen(db: Shared, store: &Path, handler: Handler) -> Result<Listener> {
    let path = super::socket_path(store);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path, e)),
    }
    // Owner only from the start: the socket is created under a umask that
    // leaves no access to anyone else, then set to 0600 explicitly.
    let old = unsafe { libc::umask(0o177) };
    let bound = UnixListener::bind(&path);
    unsafe { libc::umask(old) };
    let listener = bound.map_err(|e| Error::io(&path, e))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io(&path, e))?;
    // Others read it from now on: no write may keep them waiting.
    db.serve();
    std::thread::Builder::new()
        .name("claimgraph-share".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let db = db.clone();
                let handler = handler.clone();
                let _ = std::thread::Builder::new()
                    .name("claimgraph-request".into())
                    .spawn(move || serve_one(stream, &db, &handler));
            }
        })
        .map_err(Error::from)?;
    Ok(Listener { path })
}

fn serve_one(mut stream: UnixStream, db: &Shared, handler: &Handler) {
    let response = match proto::read_frame::<Message>(&mut stream) {
        Ok(Message::Command(request)) => {
            let cancel = Cancel::new();
            watch_for_hangup(&stream, &cancel);
            handler(db, request, cancel)
        }
        Ok(Message::Call(call)) => {
            let cancel = Cancel::new();
            watch_for_hangup(&stream, &cancel);
            let answer = super::calls::serve(db, call, cancel);
            let _ = proto::write_frame(&mut stream, &answer);
            return;
        }
        Err(FrameError::Version(v)) => Response::Refused {
            message: format!(
                "the process holding this store speaks protocol version {}, and this command version {v}: use the same claimgraph for both",
                proto::VERSION
            ),
        },
        Err(_) => return,
    };
    let _ = proto::write_frame(&mut stream, &response);
}

/// Trips `cancel` when the client closes its end (it was interrupted): the
/// client sends nothing after its request, so any read that returns means
/// it is gone.
fn watch_for_hangup(stream: &UnixStream, cancel: &Cancel) {
    let Ok(mut watched) = stream.try_clone() else {
        return;
    };
    let cancel = cancel.clone();
    let _ = std::thread::Builder::new()
        .name("claimgraph-hangup".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            let _ = watched.read(&mut byte);
            cancel.cancel();
        });
}
