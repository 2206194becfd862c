//! Facts about the device holding a store, and storage errors in words a
//! user can act on.
//!
//! A full disk, an I/O error and a read-only medium each get their own
//! [`Error`] variant naming the store; a store's backend asks here how much
//! room is free before it writes and whether its medium takes writes at all.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Room kept free beyond a commit's own bytes: the log's headers, a segment
/// being rewritten, the snapshot sled writes when it is reopened.
pub const COMMIT_RESERVE: u64 = 1 << 20;

/// Below this much free room an open does not let sled write in the store's
/// directory (recovery writes a snapshot and may zero a log segment): it reads
/// a private copy instead.
pub const OPEN_RESERVE: u64 = 1 << 20;

/// A device with less free room than this is full for all purposes.
const FULL: u64 = 1 << 20;

/// How long a write that has not returned may run on a full device before it
/// is refused as out of space.
const STALL_ON_FULL: Duration = Duration::from_secs(2);

/// The nearest existing directory at or above `path` (a new store's directory
/// may not exist yet).
fn existing(path: &Path) -> Option<PathBuf> {
    let mut p = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    loop {
        if p.exists() {
            return Some(p.to_path_buf());
        }
        p = match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
    }
}

fn statvfs(path: &Path) -> Option<libc::statvfs> {
    use std::os::unix::ffi::OsStrExt;
    let dir = existing(path)?;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` is written by the call.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    // SAFETY: statvfs filled `st` when it returned 0.
    (rc == 0).then(|| unsafe { st.assume_init() })
}

/// Bytes free for an unprivileged writer on the device holding `path`, when
/// the system says.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let st = statvfs(path)?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

/// Whether the file system holding `path` is mounted read-only.
pub fn is_read_only(path: &Path) -> bool {
    statvfs(path).is_some_and(|st| st.f_flag & libc::ST_RDONLY != 0)
}

/// The OS error code of `e`, looking inside an error that wraps another
/// (sled wraps the errors of its I/O threads).
fn os_code(e: &std::io::Error) -> Option<i32> {
    e.raw_os_error()
        .or_else(|| {
            e.get_ref()
                .and_then(|inner| inner.downcast_ref::<std::io::Error>())
                .and_then(os_code)
        })
        .or_else(|| {
            // Some of sled's threads hand on the error's rendering only:
            // `Os { code: 28, kind: StorageFull, ... }`.
            let text = e.to_string();
            let at = text.find("Os { code: ")? + "Os { code: ".len();
            let digits: String = text[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
}

/// Whether `e` comes from the operating system (rather than from a reader
/// that found bytes it did not expect).
pub fn is_os_error(e: &std::io::Error) -> bool {
    os_code(e).is_some()
}

/// Whether `e` says the device is full.
pub fn is_no_space(e: &std::io::Error) -> bool {
    matches!(os_code(e), Some(libc::ENOSPC | libc::EDQUOT))
        || matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        )
}

/// Whether `e` says the medium takes no writes.
pub fn is_read_only_error(e: &std::io::Error) -> bool {
    os_code(e) == Some(libc::EROFS) || e.kind() == std::io::ErrorKind::ReadOnlyFilesystem
}

/// The error for an I/O failure on the device holding `store`, during `what`.
pub fn io_error(store: &Path, what: &str, e: std::io::Error) -> Error {
    if is_no_space(&e) {
        Error::NoSpace {
            store: store.to_path_buf(),
            what: what.to_string(),
            needed: None,
        }
    } else if is_read_only_error(&e) {
        Error::ReadOnly {
            store: store.to_path_buf(),
            what: what.to_string(),
        }
    } else {
        // The OS's own error, not a wrapper's rendering of it.
        let source = match os_code(&e) {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => e,
        };
        Error::DeviceIo {
            store: store.to_path_buf(),
            what: what.to_string(),
            source,
        }
    }
}

/// Whether the device holding `store` is too full for sled to open it in
/// place (see [`OPEN_RESERVE`]; `CLAIMGRAPH_SKIP_ROOM_CHECK` says no).
pub fn too_full_to_open(store: &Path) -> bool {
    std::env::var_os("CLAIMGRAPH_SKIP_ROOM_CHECK").is_none()
        && free_bytes(store).is_some_and(|free| free < OPEN_RESERVE)
}

/// Refuses a write of about `bytes` up front when the device holding `store`
/// clearly lacks the room for it and the reserve.
///
/// `CLAIMGRAPH_SKIP_ROOM_CHECK` (any value) turns the check off, for the tests
/// that let a disk fill up in the middle of a write.
pub fn ensure_room(store: &Path, what: &str, bytes: u64) -> Result<(), Error> {
    if std::env::var_os("CLAIMGRAPH_SKIP_ROOM_CHECK").is_some() {
        return Ok(());
    }
    let need = bytes
        .saturating_add(bytes / 8)
        .saturating_add(COMMIT_RESERVE);
    match free_bytes(store) {
        Some(free) if free < need => Err(Error::NoSpace {
            store: store.to_path_buf(),
            what: what.to_string(),
            needed: Some(need - free),
        }),
        _ => Ok(()),
    }
}

/// Runs `work` (a write to sled and its flush) on a thread of its own and
/// waits for it. When it has not returned after a moment and the device is
/// full, it is refused as out of space instead of waiting for ever: sled's
/// writers wait for a buffer that a full disk never takes. The thread is left
/// to finish or not; the caller must treat its store as failed then.
///
/// After the same moment `nudge` runs once, on a thread of its own (a second
/// flush of the same store): when a write of sled's has failed, a flush that
/// was already waiting can miss the wake-up and wait for ever, and a flush
/// that starts after the failure wakes it with the error. On a store that is
/// only slow, the second flush waits like the first and changes nothing.
pub fn bounded<T: Send + 'static>(
    store: &Path,
    what: &str,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
    nudge: impl FnOnce() + Send + 'static,
) -> Result<T, Error> {
    let mut nudge = Some(nudge);
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("claimgraph-commit".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    if let Err(e) = spawned {
        return Err(io_error(store, what, e));
    }
    let start = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => return result,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::StoreUnusable {
                    store: store.to_path_buf(),
                    what: what.to_string(),
                    cause: "the write stopped without an answer".into(),
                })
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if start.elapsed() < STALL_ON_FULL {
                    continue;
                }
                if let Some(nudge) = nudge.take() {
                    let _ = std::thread::Builder::new()
                        .name("claimgraph-nudge".into())
                        .spawn(nudge);
                }
                if free_bytes(store).is_some_and(|f| f < FULL) {
                    return Err(Error::NoSpace {
                        store: store.to_path_buf(),
                        what: what.to_string(),
                        needed: None,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that waits for a wake-up it missed (as sled's flush can after
    /// a failed write) answers once the nudge, run after the stall, wakes it.
    #[test]
    fn a_stalled_write_is_nudged_and_answers() {
        let dir = tempfile::tempdir().unwrap();
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        let started = Instant::now();
        let result = bounded(
            dir.path(),
            "a test write",
            move || {
                woken
                    .recv_timeout(Duration::from_secs(30))
                    .map_err(|_| Error::Cancelled("never woken".into()))
            },
            move || {
                let _ = wake.send(());
            },
        );
        assert!(result.is_ok(), "{result:?}");
        let took = started.elapsed();
        assert!(took >= STALL_ON_FULL, "nudged before the stall: {took:?}");
        assert!(took < Duration::from_secs(20), "never nudged: {took:?}");
    }

    #[test]
    fn free_room_is_known_for_a_new_path_under_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let free = free_bytes(&dir.path().join("not/yet/here")).unwrap();
        assert!(free > 0);
        assert!(!is_read_only(dir.path()));
    }

    #[test]
    fn a_write_larger_than_the_free_room_is_refused_with_the_figure() {
        let dir = tempfile::tempdir().unwrap();
        let free = free_bytes(dir.path()).unwrap();
        let err = ensure_room(dir.path(), "this import", free + (50 << 20)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("no space left on the device holding"),
            "{text}"
        );
        assert!(
            text.contains("nothing of this import was written"),
            "{text}"
        );
        let Error::NoSpace {
            needed: Some(needed),
            ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert!(needed >= 50 << 20, "{needed}");
        ensure_room(dir.path(), "this import", 1).unwrap();
    }

    #[test]
    fn errors_are_told_apart_by_their_cause() {
        let store = Path::new("s");
        let e = |n| std::io::Error::from_raw_os_error(n);
        assert!(matches!(
            io_error(store, "x", e(libc::ENOSPC)),
            Error::NoSpace { .. }
        ));
        assert!(matches!(
            io_error(store, "x", e(libc::EROFS)),
            Error::ReadOnly { .. }
        ));
        assert!(matches!(
            io_error(store, "x", e(libc::EIO)),
            Error::DeviceIo { .. }
        ));
    }
}
