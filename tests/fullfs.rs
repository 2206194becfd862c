//! A real full disk: small tmpfs file systems, filled to different points
//! before an import (with the up-front room check on, and off so that the
//! disk fills in the middle of sled's writes). Every import ends in a success
//! or a refusal about space within 60 s; the store is then reopened several
//! times with the disk still full, and again after space is freed: it holds
//! all of the import or none of it, and `check` passes.
//!
//! These tests mount file systems, which needs root on a system that allows
//! it. Where mounting is refused they print `NOT RUN` and return; in CI
//! (`CI=true`) as root they must run.

#![cfg(target_os = "linux")]

use crate::stores;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use claimgraph::storage::device::free_bytes;
use claimgraph::Database;
use stores::{all_or_nothing, check, claimgraph, example, records, store_with_one_article};

/// The size of the smallest file system; each point adds a little.
const DISK: u64 = 6 << 20;
/// The longest an import on a full disk may take to answer.
const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// A mounted tmpfs, unmounted on drop.
struct Mount {
    dir: PathBuf,
}

impl Mount {
    fn new(dir: &Path, bytes: u64) -> Result<Mount, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Mount {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Whether this machine lets the test mount a tmpfs; says so when not, and
/// fails in CI as root, where it must.
fn mounting_allowed(scratch: &Path) -> bool {
    match Mount::new(&scratch.join("probe"), 1 << 20) {
        Ok(_) => true,
        Err(why) => {
            // SAFETY: geteuid has no preconditions.
            let root = unsafe { libc::geteuid() } == 0;
            if std::env::var("CI").as_deref() == Ok("true") && root {
                panic!("CI runs as root and must be able to mount a tmpfs: {why}");
            }
            eprintln!("NOT RUN: the full-disk tests need to mount a tmpfs, which this machine refused ({why})");
            false
        }
    }
}

/// Runs `cmd`, killing it (and failing) past `limit`.
fn run(mut cmd: Command, what: &str, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: no answer within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Forty articles of forty claims each: an import of about a megabyte.
fn payload(path: &Path) {
    let mut text = String::new();
    for a in 0..40 {
        text.push_str(&format!(
            "article \"fill-{a}\" {{date: \"2024-02-{:02}\"}}\n",
            a % 28 + 1
        ));
        for c in 0..40 {
            text.push_str(&format!(
                "actor \"Speaker {a}-{c}\"\nstatement s{c} \"Claim {c} of article {a}, about as long as the sentences that news articles attribute to people\"\n\"Speaker {a}-{c}\" claims s{c}\n"
            ));
        }
    }
    std::fs::write(path, text).unwrap();
}

/// Grows `filler` until the device holding it has at most `left` bytes free
/// (0: until it is full).
fn fill(filler: &Path, left: u64) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(filler)
        .unwrap();
    let block = vec![0u8; 64 << 10];
    loop {
        let free = free_bytes(filler).unwrap();
        if free <= left {
            break;
        }
        let n = (free - left).min(block.len() as u64) as usize;
        if f.write_all(&block[..n]).is_err() {
            break;
        }
    }
    let _ = f.sync_all();
}

#[test]
fn imports_on_a_filling_disk_end_promptly_and_lose_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    if !mounting_allowed(scratch.path()) {
        return;
    }
    let started = Instant::now();
    let input = scratch.path().join("large.triples");
    payload(&input);

    // What the store holds before and after the import, on an ordinary disk.
    let reference = store_with_one_article(&scratch.path().join("reference"));
    let before = records(&reference);
    let small = stores::dir_size(&reference);
    let mut db = Database::open(&reference).unwrap();
    db.import_file(&input, None, None).unwrap();
    drop(db);
    let after = records(&reference);
    assert_ne!(before, after);
    let grow = stores::dir_size(&reference).saturating_sub(small);
    assert!(
        grow > 256 << 10,
        "the import should take some room: {grow} bytes"
    );

    // Twenty points: the room left before the import, from none of what it
    // takes to more than all of it; each with the up-front checks on, and off
    // so that the disk fills during the write itself.
    let mut outcomes = Vec::new();
    for point in 0..20u64 {
        let left = (64 << 10) + (grow + (1 << 20)) * (point / 2) / 6;
        let skip_check = point % 2 == 1;
        let what = format!(
            "import with {} KiB free{}",
            left >> 10,
            if skip_check { ", room check off" } else { "" }
        );
        let mount = Mount::new(
            &scratch.path().join(format!("disk-{point}")),
            DISK + point * (128 << 10),
        )
        .expect("mounting worked a moment ago");
        let store = mount.dir.join("store");
        let (out, _) = run(
            {
                let mut c = claimgraph(&store);
                c.arg("import").arg(example("bakhmut.triples"));
                c
            },
            "the first import",
            ANSWER_WITHIN,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let filler = mount.dir.join("filler");
        fill(&filler, left);

        let mut cmd = claimgraph(&store);
        cmd.arg("import").arg(&input);
        if skip_check {
            cmd.env("CLAIMGRAPH_SKIP_ROOM_CHECK", "1");
        }
        let (out, took) = run(cmd, &what, ANSWER_WITHIN);
        let imported = out.status.success();
        if !imported {
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{what}: {err}");
            assert!(
                err.contains("no space left on the device holding"),
                "{what}: the refusal does not say the disk is full: {err}"
            );
            assert!(
                !err.contains("damaged") && !err.contains("panicked"),
                "{what}: {err}"
            );
        }

        // The disk still full: every reopen reads the same store, all or none.
        fill(&filler, 0);
        let mut held = None;
        for _ in 0..3 {
            let (out, _) = run(
                {
                    let mut c = claimgraph(&store);
                    c.arg("check");
                    c
                },
                "check on a full disk",
                ANSWER_WITHIN,
            );
            assert!(
                out.status.success(),
                "{what}: check on a full disk: {}",
                stderr(&out)
            );
            let got = records(&store);
            let which = all_or_nothing(&what, &got, &before, &after);
            assert!(
                held.is_none_or(|h| h == which),
                "{what}: reopening changed the store"
            );
            held = Some(which);
        }
        // A write on the full disk is refused with the cause, and changes nothing.
        let (out, _) = run(
            {
                let mut c = claimgraph(&store);
                c.args(["query", "CREATE (:Probe {n: 1})"]);
                c
            },
            "a write on a full disk",
            ANSWER_WITHIN,
        );
        assert!(
            !out.status.success(),
            "{what}: a write on a full disk succeeded"
        );
        assert!(
            stderr(&out).contains("no space left on the device holding"),
            "{what}: {}",
            stderr(&out)
        );

        // Space freed: the same store, and `check` passes.
        std::fs::remove_file(&filler).unwrap();
        let got = check(&store);
        let which = all_or_nothing(&what, &got, &before, &after);
        assert_eq!(Some(which), held, "{what}: freeing space changed the store");
        if imported {
            assert_eq!(
                which, "all",
                "{what}: reported done but the import is missing"
            );
        }
        let (out, _) = run(
            {
                let mut c = claimgraph(&store);
                c.arg("check");
                c
            },
            "check after freeing space",
            ANSWER_WITHIN,
        );
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        outcomes.push(format!(
            "{what}: {} in {:.1} s",
            if imported { "imported" } else { "refused" },
            took.as_secs_f64()
        ));
        drop(mount);
    }
    for line in &outcomes {
        eprintln!("{line}");
    }
    let refused = outcomes.iter().filter(|l| l.contains("refused")).count();
    assert!(
        refused > 0 && refused < outcomes.len(),
        "the points should include both refusals and successes (the import takes {grow} bytes): {outcomes:#?}"
    );
    eprintln!("20 points in {:.1} s", started.elapsed().as_secs_f64());
}

/// Every file under `dir` with its bytes, to see that nothing changed.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_store_on_a_read_only_file_system_is_read_and_never_changed() {
    let scratch = tempfile::tempdir().unwrap();
    if !mounting_allowed(scratch.path()) {
        return;
    }
    let mount = Mount::new(&scratch.path().join("disk"), 16 << 20).unwrap();
    let store = store_with_one_article(&mount.dir.join("store"));
    let before = records(&store);
    let status = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mount.dir)
        .status()
        .unwrap();
    assert!(status.success(), "remounting read-only failed");
    let files = contents(&store);

    // Reads work: stats, queries, exports, check, backup to a writable place.
    for args in [
        vec!["stats", "--format", "json"],
        vec![
            "query",
            "MATCH (a:Actor) RETURN count(a) AS n",
            "--format",
            "json",
        ],
        vec!["export", "--format", "json"],
        vec!["check"],
    ] {
        let (out, _) = run(
            {
                let mut c = claimgraph(&store);
                c.args(&args);
                c
            },
            &args.join(" "),
            ANSWER_WITHIN,
        );
        assert!(out.status.success(), "{}: {}", args.join(" "), stderr(&out));
    }
    let copy = scratch.path().join("copy");
    let (out, _) = run(
        {
            let mut c = claimgraph(&store);
            c.arg("backup").arg(&copy);
            c
        },
        "backup",
        ANSWER_WITHIN,
    );
    assert!(out.status.success(), "backup: {}", stderr(&out));
    assert_eq!(records(&copy), before);

    // Writes are refused with the reason, and nothing changes.
    for args in [
        vec!["query".to_string(), "CREATE (:Probe {n: 1})".to_string()],
        vec![
            "import".to_string(),
            example("bakhmut-followup.triples").display().to_string(),
        ],
    ] {
        let (out, _) = run(
            {
                let mut c = claimgraph(&store);
                c.args(&args);
                c
            },
            &args.join(" "),
            ANSWER_WITHIN,
        );
        assert_eq!(out.status.code(), Some(1), "{}", args.join(" "));
        assert!(
            stderr(&out).contains("is on a read-only file system"),
            "{}: {}",
            args.join(" "),
            stderr(&out)
        );
    }
    assert_eq!(records(&store), before);
    assert!(
        contents(&store) == files,
        "a file of the read-only store changed"
    );
}
