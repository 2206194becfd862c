//! Who holds a store's lock: the PID and user, for the message refusing a
//! store that another process holds and does not share.

use std::path::Path;

/// The process holding the lock file `lock_path` and its user id, read from
/// `/proc/locks` (Linux), when it can be found.
pub fn lock_holder(lock_path: &Path) -> Option<(u32, Option<u32>)> {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(lock_path).ok()?.ino();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // `1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`
        let (pid, place) = (fields.get(4)?, fields.get(5)?);
        let ino: u64 = place.rsplit(':').next()?.parse().ok()?;
        (ino == inode).then(|| pid.parse::<u32>().ok()).flatten()
    })?;
    let uid = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next()?.parse().ok())
        });
    Some((pid, uid))
}

/// Who holds the store at `store`, for the message refusing it: the PID,
/// whether the holder is another user, and what to do.
pub fn describe_holder(store: &Path) -> String {
    let lock_path = store.join(super::sled::LOCK_FILE);
    let me = unsafe { libc::geteuid() };
    match lock_holder(&lock_path) {
        Some((pid, Some(uid))) if uid != me => format!(
            "process {pid} of another user (uid {uid}) holds it, and its socket is theirs only: ask them to close it, or work on a copy they make with `claimgraph --store {} backup DEST`",
            store.display()
        ),
        Some((pid, _)) => format!(
            "process {pid} holds it without sharing it (an older claimgraph, or a command still opening the store): wait for it to finish, or stop it (`kill {pid}`) and try again"
        ),
        None => "another process holds it without sharing it (an older claimgraph?): close it and try again".to_string(),
    }
}
