//! Crash tests: write queries killed with SIGKILL at many moments, and stores
//! whose files were damaged on disk. After a crash a store holds all of each
//! write or none of it, and its indexes agree with its records; a damaged store
//! is either read correctly or refused with a clear message, never a panic.
//!
//! (Imports killed at many moments are tested in `tests/cli.rs`.)

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The longest any single command here may run before the test gives up on it.
const GUARD: Duration = Duration::from_secs(300);

fn claimgraph(store: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
    cmd.arg("--store").arg(store);
    cmd.env_remove("CLAIMGRAPH_STORE");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `cmd` to its end, killing it (and failing) past [`GUARD`].
fn output(mut cmd: Command, what: &str) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("waiting for a child works") {
            Some(_) => break,
            None if started.elapsed() > GUARD => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: still running after {GUARD:?}; it was killed");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    child.wait_with_output().expect("the output is read")
}

/// Runs `args` on `store` and requires success; returns standard output.
fn succeed(store: &Path, args: &[&str]) -> String {
    let mut cmd = claimgraph(store);
    cmd.args(args);
    let out = output(cmd, &args.join(" "));
    assert!(
        out.status.success(),
        "`claimgraph {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stats(store: &Path) -> Json {
    serde_json::from_str(&succeed(store, &["stats", "--format", "json"]))
        .expect("stats prints JSON")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Copies a closed store directory, file by file.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating a directory");
    for entry in std::fs::read_dir(from).expect("reading a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a file");
        }
    }
}

/// Sends SIGKILL to a child.
fn kill(child: &std::process::Child) {
    // SAFETY: kill(2) with the pid of a child we own and a valid signal number.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGKILL);
    }
}

// ---------------------------------------------------------------- kill points

/// How many moments each write is killed at.
const KILL_POINTS: u32 = 20;

/// Kills `query` on copies of the store `before` at [`KILL_POINTS`] moments
/// spread over the time it takes (`full`) and a little past it, and checks each
/// copy holds exactly the state before or the state after, with exact indexes.
/// Returns how many copies held nothing of the write and how many all of it.
fn kill_at_many_moments(
    dir: &Path,
    name: &str,
    before: &Path,
    query: &str,
    full: Duration,
    (state_before, state_after): (&Json, &Json),
) -> (u32, u32) {
    let (mut none, mut all) = (0, 0);
    for k in 0..KILL_POINTS {
        let victim = dir.join(format!("{name}-{k}"));
        copy_dir(before, &victim);
        let mut child = claimgraph(&victim)
            .args(["query", query, "--format", "json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let at = full.mul_f64(f64::from(k + 1) / f64::from(KILL_POINTS) * 1.1);
        std::thread::sleep(at);
        kill(&child);
        let _ = child.wait();
        let now = stats(&victim);
        if &now == state_before {
            none += 1;
        } else if &now == state_after {
            all += 1;
        } else {
            panic!("{name}: kill point {k} ({at:?}) left a partial write: {now}");
        }
        let report = succeed(&victim, &["check"]);
        assert!(report.contains("agree"), "{report}");
        // The history agrees with the records: one more transaction exactly
        // when the write landed, and undoing it gives the state before.
        let before_tx = log_len(before);
        let now_tx = log_len(&victim);
        if &now == state_before {
            assert_eq!(
                now_tx, before_tx,
                "{name}: kill point {k}: a transaction without its records"
            );
        } else {
            assert_eq!(
                now_tx,
                before_tx + 1,
                "{name}: kill point {k}: records without their transaction"
            );
            if k % 5 == 0 {
                let tx = before_tx.to_string();
                let past: Json = serde_json::from_str(&succeed(
                    &victim,
                    &["stats", "--at-tx", &tx, "--format", "json"],
                ))
                .expect("stats prints JSON");
                assert_eq!(&past, state_before, "{name}: kill point {k}: --at-tx {tx}");
            }
        }
        // The store takes writes again after the crash (checked at every fifth
        // point: each check costs a full load of the store).
        if k % 5 == 0 {
            succeed(
                &victim,
                &["query", "CREATE (:Probe {k: 1})", "--format", "json"],
            );
        }
        std::fs::remove_dir_all(&victim).expect("removing a victim store");
    }
    (none, all)
}

/// How many transactions the store's log lists.
fn log_len(store: &Path) -> usize {
    let log: Json = serde_json::from_str(&succeed(store, &["log", "--format", "json"]))
        .expect("log prints JSON");
    log.as_array().expect("the log is an array").len()
}

/// Runs `query` to its end on `store` and returns how long it took.
fn timed_write(store: &Path, query: &str) -> Duration {
    let started = Instant::now();
    succeed(store, &["query", query, "--format", "json"]);
    started.elapsed()
}

#[test]
fn write_queries_killed_at_any_moment_leave_all_or_nothing() {
    const CREATE: &str = "UNWIND range(1, 100000) AS i CREATE (:Item {n: i})";
    const DELETE: &str = "MATCH (i:Item) DETACH DELETE i";
    let dir = tempfile::tempdir().expect("a temporary directory");

    // Reference stores: the example article; then the same with the items.
    let base = dir.path().join("base");
    let bakhmut = example("bakhmut.triples");
    succeed(&base, &["import", bakhmut.to_str().expect("a UTF-8 path")]);
    let state_base = stats(&base);
    let with_items = dir.path().join("with-items");
    copy_dir(&base, &with_items);
    let create_time = timed_write(&with_items, CREATE);
    let state_items = stats(&with_items);
    assert_eq!(
        state_items["labels"]["Item"], 100_000,
        "the reference write created {state_items}"
    );
    let scratch = dir.path().join("scratch");
    copy_dir(&with_items, &scratch);
    let delete_time = timed_write(&scratch, DELETE);
    assert_eq!(
        stats(&scratch),
        state_base,
        "deleting the items restores the base"
    );

    let (none, all) = kill_at_many_moments(
        dir.path(),
        "create",
        &base,
        CREATE,
        create_time,
        (&state_base, &state_items),
    );
    eprintln!("CREATE: {KILL_POINTS} kill points over {create_time:?}: {none} left nothing, {all} left everything");
    assert!(none > 0, "no kill point landed before the commit of CREATE");

    let (none, all) = kill_at_many_moments(
        dir.path(),
        "delete",
        &with_items,
        DELETE,
        delete_time,
        (&state_items, &state_base),
    );
    eprintln!("DELETE: {KILL_POINTS} kill points over {delete_time:?}: {none} left nothing, {all} left everything");
    assert!(none > 0, "no kill point landed before the commit of DELETE");
}

// ---------------------------------------------------------------- damage

/// One way of damaging a file.
#[derive(Clone, Copy, Debug)]
enum Damage {
    /// Cut to zero bytes.
    Empty,
    /// Cut to half its length.
    Half,
    /// The last 100 bytes cut off.
    Tail,
    /// Every 512th byte inverted.
    FlipSparse,
    /// A run of 4 KiB overwritten with a pattern, in the middle.
    Smear,
    /// The whole file replaced by noise of the same length.
    Noise,
    /// The file removed.
    Remove,
}

const DAMAGES: [Damage; 7] = [
    Damage::Empty,
    Damage::Half,
    Damage::Tail,
    Damage::FlipSparse,
    Damage::Smear,
    Damage::Noise,
    Damage::Remove,
];

fn damage(path: &Path, how: Damage) {
    let mut bytes = std::fs::read(path).expect("reading a store file");
    match how {
        Damage::Empty => bytes.clear(),
        Damage::Half => bytes.truncate(bytes.len() / 2),
        Damage::Tail => bytes.truncate(bytes.len().saturating_sub(100)),
        Damage::FlipSparse => {
            for b in bytes.iter_mut().step_by(512) {
                *b = !*b;
            }
        }
        Damage::Smear => {
            let start = bytes.len() / 2;
            let end = (start + 4096).min(bytes.len());
            for (i, b) in bytes[start..end].iter_mut().enumerate() {
                *b = (i % 251) as u8;
            }
        }
        Damage::Noise => {
            // A small linear congruential generator: reproducible noise.
            let mut x: u32 = 0x2545_f491;
            for b in bytes.iter_mut() {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *b = (x >> 16) as u8;
            }
        }
        Damage::Remove => {
            std::fs::remove_file(path).expect("removing a store file");
            return;
        }
    }
    std::fs::write(path, bytes).expect("writing a damaged file");
}

/// `articles` small articles naming recurring actors and places.
fn corpus(articles: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for a in 0..articles {
        let _ = writeln!(
            s,
            "article \"bulk-{a}\" {{date: \"2023-06-{:02}\"}}",
            a % 28 + 1
        );
        let _ = writeln!(s, "actor \"Bulk actor {}\"", a % 41);
        let _ = writeln!(s, "place \"Bulk place {}\"", a % 13);
        let _ = writeln!(
            s,
            "statement s \"Bulk statement {a} about place {}\"",
            a % 13
        );
        let _ = writeln!(s, "\"Bulk actor {}\" claims s {{quote: \"q{a}\"}}", a % 41);
        let _ = writeln!(s, "s about \"Bulk place {}\"", a % 13);
    }
    s
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reading a directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn a_damaged_store_is_read_correctly_or_refused_clearly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let pristine = dir.path().join("pristine");
    // An import of an empty file makes the empty store that the first state is.
    let nothing = dir.path().join("empty.triples");
    std::fs::write(&nothing, "").expect("writing an empty file");
    succeed(
        &pristine,
        &["import", nothing.to_str().expect("a UTF-8 path")],
    );
    // Every state the store went through: any of them is a correct reading
    // after damage that looks like a crash (a log cut short).
    let mut states = vec![stats(&pristine)];
    for file in ["bakhmut.triples", "bakhmut-followup.triples"] {
        let path = example(file);
        succeed(&pristine, &["import", path.to_str().expect("a UTF-8 path")]);
        states.push(stats(&pristine));
    }
    // A third commit, large enough to fill several pages of the store.
    let bulk = dir.path().join("bulk.triples");
    std::fs::write(&bulk, corpus(300)).expect("writing the bulk file");
    succeed(&pristine, &["import", bulk.to_str().expect("a UTF-8 path")]);
    states.push(stats(&pristine));
    let full = states.last().cloned().expect("states were recorded");

    let data = pristine.join("data");
    let files = files_under(&data);
    assert!(!files.is_empty(), "the store has no data files");
    let (mut intact, mut earlier, mut refused) = (0, 0, 0);
    let mut outcomes = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&pristine).expect("under the store");
        for how in DAMAGES {
            let victim = dir.path().join("victim");
            copy_dir(&pristine, &victim);
            damage(&victim.join(relative), how);
            let what = format!("{} {how:?}", relative.display());
            for args in [&["stats", "--format", "json"][..], &["check"]] {
                let mut cmd = claimgraph(&victim);
                cmd.args(args);
                let out = output(cmd, &what);
                let err = String::from_utf8_lossy(&out.stderr).into_owned();
                assert!(
                    !err.contains("panicked"),
                    "{what}: {args:?} panicked:\n{err}"
                );
                match out.status.code() {
                    Some(0) if args[0] == "stats" => {
                        let now: Json = serde_json::from_slice(&out.stdout)
                            .unwrap_or_else(|e| panic!("{what}: stats printed no JSON: {e}"));
                        if now == full {
                            intact += 1;
                            outcomes.push(format!("{what}: read in full"));
                        } else if states.contains(&now) {
                            earlier += 1;
                            outcomes.push(format!("{what}: read as an earlier commit"));
                        } else {
                            panic!("{what}: the store reads as something it never held: {now}");
                        }
                    }
                    Some(0) => {}
                    Some(1) => {
                        // With --format json the refusal is the JSON error object.
                        let text = if args.contains(&"json") {
                            let j: Json = serde_json::from_str(&err)
                                .unwrap_or_else(|e| panic!("{what}: no JSON error ({e}): {err}"));
                            j["error"]["message"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string()
                        } else {
                            assert!(err.starts_with("error:"), "{what}: {err}");
                            err.clone()
                        };
                        let clear = text.contains("damaged")
                            && text.contains(&victim.display().to_string());
                        assert!(clear, "{what}: {args:?} gave an unclear message:\n{err}");
                        if args[0] == "stats" {
                            refused += 1;
                            outcomes.push(format!("{what}: refused: {}", err.trim()));
                        }
                    }
                    other => panic!(
                        "{what}: {args:?} ended with {other:?} ({}):\n{err}",
                        out.status
                    ),
                }
            }
            std::fs::remove_dir_all(&victim).expect("removing the victim");
        }
    }
    eprintln!("{}", outcomes.join("\n"));
    eprintln!(
        "{} damaged stores: {intact} read in full, {earlier} read as an earlier commit, {refused} refused",
        files.len() * DAMAGES.len()
    );
    // Destroying the main file must not go unnoticed.
    assert!(refused > 0, "no damage was ever refused");
}
