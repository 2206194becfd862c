//! Injected faults: the Nth write or the Nth sync (fsync, fdatasync,
//! sync_file_range) of a store's files fails, for every N an import, a write
//! query and an open make, with ENOSPC or EIO. Each run is a child process
//! (this test binary run again); afterwards the store is reopened cleanly and
//! must hold all of the transaction or none of it, pass the `check` logic,
//! and the child must have answered within seconds.
//!
//! The faults are injected below the standard library: this binary defines
//! `write`, `pwrite64`, `writev`, `fsync`, `fdatasync` and `sync_file_range`,
//! which the linker prefers to libc's for all the Rust code in it (sled
//! included). They pass every call through to the kernel, except in a child
//! armed by `FAULT_PLAN`, where the calls on files under the store count and,
//! from the Nth on, fail (a full or broken device stays so).

#![cfg(all(target_os = "linux", target_env = "gnu"))]

#[path = "common/stores.rs"]
mod stores;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicU8, Ordering::SeqCst};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use claimgraph::{Database, Format};
use stores::{all_or_nothing, check, copy_dir, example, records, store_with_one_article};

// ---- the fault layer ----

const WRITE: u8 = 1;
const SYNC: u8 = 2;

static ARMED: AtomicBool = AtomicBool::new(false);
static FAIL_KIND: AtomicU8 = AtomicU8::new(0);
/// Fail from this call of `FAIL_KIND` on (1-based); 0 only counts.
static FAIL_AT: AtomicU64 = AtomicU64::new(0);
static ERRNO: AtomicI32 = AtomicI32::new(libc::EIO);
/// Whether only the Nth call fails (a passing fault) rather than every call
/// from the Nth on (a full or broken device).
static ONCE: AtomicBool = AtomicBool::new(false);
static WRITES: AtomicU64 = AtomicU64::new(0);
static SYNCS: AtomicU64 = AtomicU64::new(0);
static ROOT: OnceLock<Vec<u8>> = OnceLock::new();

/// Whether `fd` is a file under the store being faulted.
fn in_root(fd: libc::c_int) -> bool {
    let Some(root) = ROOT.get() else { return false };
    let link = format!("/proc/self/fd/{fd}\0");
    let mut buf = [0u8; 4096];
    // SAFETY: `link` is NUL-terminated and `buf` is writable for its length.
    let n = unsafe { libc::readlink(link.as_ptr().cast(), buf.as_mut_ptr().cast(), buf.len()) };
    n > 0 && buf[..n as usize].starts_with(root)
}

/// Counts a call of `kind` on `fd`; `Some(-1)` (errno set) when it must fail.
fn fault(fd: libc::c_int, kind: u8) -> Option<isize> {
    if !ARMED.load(SeqCst) || !in_root(fd) {
        return None;
    }
    let counter = if kind == WRITE { &WRITES } else { &SYNCS };
    let n = counter.fetch_add(1, SeqCst) + 1;
    let at = FAIL_AT.load(SeqCst);
    let hit = if ONCE.load(SeqCst) { n == at } else { n >= at };
    if FAIL_KIND.load(SeqCst) == kind && at > 0 && hit {
        // SAFETY: errno is this thread's own.
        unsafe { *libc::__errno_location() = ERRNO.load(SeqCst) };
        return Some(-1);
    }
    None
}

/// # Safety
/// The caller passes a buffer valid for `count` bytes, as for libc's `write`.
#[no_mangle]
pub unsafe extern "C" fn write(fd: libc::c_int, buf: *const libc::c_void, count: usize) -> isize {
    if let Some(r) = fault(fd, WRITE) {
        return r;
    }
    libc::syscall(libc::SYS_write, fd, buf, count) as isize
}

/// # Safety
/// As for libc's `pwrite64`.
#[no_mangle]
pub unsafe extern "C" fn pwrite64(
    fd: libc::c_int,
    buf: *const libc::c_void,
    count: usize,
    offset: libc::off64_t,
) -> isize {
    if let Some(r) = fault(fd, WRITE) {
        return r;
    }
    libc::syscall(libc::SYS_pwrite64, fd, buf, count, offset) as isize
}

/// # Safety
/// As for libc's `writev`.
#[no_mangle]
pub unsafe extern "C" fn writev(fd: libc::c_int, iov: *const libc::iovec, n: libc::c_int) -> isize {
    if let Some(r) = fault(fd, WRITE) {
        return r;
    }
    libc::syscall(libc::SYS_writev, fd, iov, n) as isize
}

/// # Safety
/// As for libc's `fsync`.
#[no_mangle]
pub unsafe extern "C" fn fsync(fd: libc::c_int) -> libc::c_int {
    if let Some(r) = fault(fd, SYNC) {
        return r as libc::c_int;
    }
    libc::syscall(libc::SYS_fsync, fd) as libc::c_int
}

/// # Safety
/// As for libc's `fdatasync`.
#[no_mangle]
pub unsafe extern "C" fn fdatasync(fd: libc::c_int) -> libc::c_int {
    if let Some(r) = fault(fd, SYNC) {
        return r as libc::c_int;
    }
    libc::syscall(libc::SYS_fdatasync, fd) as libc::c_int
}

/// # Safety
/// As for libc's `sync_file_range`.
#[no_mangle]
pub unsafe extern "C" fn sync_file_range(
    fd: libc::c_int,
    offset: libc::off64_t,
    nbytes: libc::off64_t,
    flags: libc::c_uint,
) -> libc::c_int {
    if let Some(r) = fault(fd, SYNC) {
        return r as libc::c_int;
    }
    libc::syscall(libc::SYS_sync_file_range, fd, offset, nbytes, flags) as libc::c_int
}

// ---- the child: one operation under one fault plan ----

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Import,
    /// An import large enough for sled to write its batch to blob files.
    LargeImport,
    Query,
    Open,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Import => "import",
            Op::LargeImport => "large-import",
            Op::Query => "query",
            Op::Open => "open",
        }
    }

    fn parse(s: &str) -> Op {
        match s {
            "import" => Op::Import,
            "large-import" => Op::LargeImport,
            "query" => Op::Query,
            _ => Op::Open,
        }
    }
}

const WRITE_QUERY: &str =
    "MATCH (a:Actor {name: 'Yevgeny Prigozhin'}) SET a.fault_note = 'written under faults'";

/// One article of 3000 claims, a batch of a few megabytes.
fn large_article() -> String {
    let mut text = String::from("article \"large\" {date: \"2024-01-01\"}\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "actor \"Speaker {i}\"\nstatement s{i} \"Claim number {i}, padded to look like a real sentence of a news article\"\n\"Speaker {i}\" claims s{i}\n"
        ));
    }
    text
}

/// Runs `op` on the store, armed from the moment the transaction starts.
fn run_op(op: Op, store: &Path) -> Result<(), String> {
    let arm = || ARMED.store(true, SeqCst);
    let mut db = match op {
        Op::Open => {
            arm();
            Database::open(store).map_err(|e| e.to_string())?
        }
        _ => Database::open(store).map_err(|e| e.to_string())?,
    };
    let result = match op {
        Op::Import => {
            arm();
            db.import_file(&example("bakhmut-followup.triples"), None, None)
                .map(drop)
        }
        Op::LargeImport => {
            let text = large_article();
            arm();
            db.import_bytes("large.triples", text.as_bytes(), Format::Triples, None)
                .map(drop)
        }
        Op::Query => {
            arm();
            db.query(WRITE_QUERY, &Default::default()).map(drop)
        }
        Op::Open => Ok(()),
    };
    let result = result.map_err(|e| e.to_string());
    if result.is_err() {
        // After a refusal the store takes no more writes in this process,
        // promptly.
        let again = db.query("CREATE (:Probe {n: 1})", &Default::default());
        if again.is_ok() {
            return Err("a write after a storage error was accepted".into());
        }
    }
    let started = Instant::now();
    drop(db);
    println!("FAULT-DROP {}", started.elapsed().as_millis());
    result
}

/// The entry point of a child process: does nothing in a normal test run.
#[test]
fn fault_child() {
    let Ok(plan) = std::env::var("FAULT_PLAN") else {
        return;
    };
    // op kind at errno once|sticky store
    let parts: Vec<&str> = plan.splitn(6, ' ').collect();
    let op = Op::parse(parts[0]);
    FAIL_KIND.store(if parts[1] == "sync" { SYNC } else { WRITE }, SeqCst);
    FAIL_AT.store(parts[2].parse().unwrap(), SeqCst);
    ERRNO.store(parts[3].parse().unwrap(), SeqCst);
    ONCE.store(parts[4] == "once", SeqCst);
    let store = PathBuf::from(parts[5]);
    let root = store.canonicalize().unwrap_or(store.clone());
    ROOT.set(root.as_os_str().as_encoded_bytes().to_vec())
        .unwrap();
    let result = run_op(op, &store);
    ARMED.store(false, SeqCst);
    println!("FAULT-COUNT {} {}", WRITES.load(SeqCst), SYNCS.load(SeqCst));
    match result {
        Ok(()) => println!("FAULT-RESULT ok"),
        Err(e) => println!("FAULT-RESULT err {}", e.replace('\n', " ")),
    }
    // End as a process that stopped here would: nothing more is written.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // SAFETY: ends the process at once, as a crash right after the answer would.
    unsafe { libc::_exit(0) };
}

/// What a child reported.
struct Outcome {
    ok: bool,
    message: String,
    writes: u64,
    syncs: u64,
    elapsed: Duration,
}

/// The longest a child may take: a fault must be answered within seconds.
const CHILD_LIMIT: Duration = Duration::from_secs(20);

fn run_child(op: Op, kind: &str, at: u64, errno: i32, mode: &str, store: &Path) -> Outcome {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fault_child", "--nocapture", "--test-threads=1"])
        .env(
            "FAULT_PLAN",
            format!(
                "{} {kind} {at} {errno} {mode} {}",
                op.name(),
                store.display()
            ),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > CHILD_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{} with {kind} {at} failing ({mode}, errno {errno}) did not answer within {CHILD_LIMIT:?}",
                op.name()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = |tag: &str| {
        text.lines()
            .find_map(|l| l.find(tag).map(|at| &l[at + tag.len()..]))
            .unwrap_or_else(|| panic!("the child printed no {tag}: {text}"))
            .to_string()
    };
    let counts = line("FAULT-COUNT ");
    let (w, s) = counts.split_once(' ').unwrap();
    let result = line("FAULT-RESULT ");
    Outcome {
        ok: result == "ok",
        message: result.strip_prefix("err ").unwrap_or("").to_string(),
        writes: w.parse().unwrap(),
        syncs: s.parse().unwrap(),
        elapsed,
    }
}

// ---- the parent: every N ----

/// A store holding one article, with a log long enough that opening it
/// compacts (so that an open writes as much as it ever does).
fn base_store(dir: &Path) -> PathBuf {
    let base = store_with_one_article(&dir.join("base"));
    let mut db = Database::open(&base).unwrap();
    for i in 0..70 {
        db.query(&format!("CREATE (:Probe {{n: {i}}})"), &Default::default())
            .unwrap();
    }
    drop(db);
    base
}

/// Runs `op` with every write, then every sync, failing from the Nth on, for
/// every N the fault-free run makes; checks each store after.
fn every_fault(op: Op) {
    let dir = tempfile::tempdir().unwrap();
    let base = base_store(dir.path());
    let before = records(&base);
    // The fault-free run, which also counts the calls.
    let clean = dir.path().join("clean");
    copy_dir(&base, &clean);
    let free = run_child(op, "write", 0, libc::EIO, "sticky", &clean);
    assert!(
        free.ok,
        "{} without faults failed: {}",
        op.name(),
        free.message
    );
    let after = check(&clean);
    if op == Op::Open {
        assert_eq!(after, before, "an open changed the records");
    } else {
        assert_ne!(after, before, "the {} changed nothing", op.name());
    }
    assert!(free.writes > 0, "{} made no writes to count", op.name());
    let mut runs = 0;
    let mut refused = 0;
    let plans = [
        ("write", free.writes, "sticky"),
        ("sync", free.syncs, "sticky"),
        ("write", free.writes, "once"),
        ("sync", free.syncs, "once"),
    ];
    for (kind, total, mode) in plans {
        for at in 1..=total {
            let errno = if at % 2 == 0 { libc::EIO } else { libc::ENOSPC };
            let store = dir.path().join(format!("{kind}-{mode}-{at}"));
            copy_dir(&base, &store);
            let got = run_child(op, kind, at, errno, mode, &store);
            let what = format!("{} with {kind} {at} of {total} failing ({mode})", op.name());
            assert!(
                got.elapsed < Duration::from_secs(10),
                "{what}: took {:?}",
                got.elapsed
            );
            if !got.ok {
                refused += 1;
                let cause = if errno == libc::ENOSPC {
                    "no space left on the device holding"
                } else {
                    "I/O error"
                };
                assert!(
                    got.message.contains(cause) || got.message.contains("met a storage error"),
                    "{what}: the refusal does not name the cause: {}",
                    got.message
                );
                assert!(
                    !got.message.contains("damaged"),
                    "{what}: called damaged: {}",
                    got.message
                );
            }
            // Reopen cleanly, twice: all or nothing, and `check` passes.
            for _ in 0..2 {
                let held = check(&store);
                let which = all_or_nothing(&what, &held, &before, &after);
                if got.ok && before != after {
                    assert_eq!(which, "all", "{what}: answered ok but the store lost it");
                }
            }
            std::fs::remove_dir_all(&store).unwrap();
            runs += 1;
        }
    }
    eprintln!(
        "{}: {runs} faulted runs ({} writes, {} syncs in a clean run), {refused} refused",
        op.name(),
        free.writes,
        free.syncs
    );
}

/// One test for the three, run one after another: a store's lock file is
/// open in this process while it is checked, and a child forked meanwhile by a
/// parallel test would hold it for a moment.
#[test]
fn every_failing_write_and_sync_of_an_import_a_write_query_and_an_open() {
    every_fault(Op::Import);
    every_fault(Op::LargeImport);
    every_fault(Op::Query);
    every_fault(Op::Open);
}
