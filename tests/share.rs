//! A store in use is shared: a shell (or `serve`) holds it, and other
//! processes' commands are answered through its socket, with the same output,
//! errors and exit status as in process.

#![cfg(unix)]

use crate::common;
use crate::stores;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use stores::{claimgraph, example};

/// A shell holding `store`, fed through a pipe.
struct Shell {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Shell {
    fn start(store: &Path) -> Shell {
        let mut child = claimgraph(store)
            .arg("repl")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the shell starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let socket = store.join("claimgraph.sock");
        let started = Instant::now();
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "no socket");
            std::thread::sleep(Duration::from_millis(20));
        }
        Shell {
            child,
            stdin,
            stdout,
        }
    }

    /// Runs one statement in JSON and returns its result.
    fn query(&mut self, q: &str) -> Json {
        writeln!(self.stdin, ":format json").unwrap();
        writeln!(self.stdin, "{q};").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "shell ended");
            if line.starts_with('{') {
                return serde_json::from_str(&line).unwrap();
            }
        }
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn store_with_example(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let out = claimgraph(&store)
        .arg("import")
        .arg(example("bakhmut.triples"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    store
}

fn json_of(out: &std::process::Output) -> Json {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_shell_holds_the_store_and_other_commands_answer_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    // What the commands say with nobody holding the store.
    let count = "MATCH (n) RETURN count(n) AS c";
    let alone = json_of(&claimgraph(&store).args(["query", count]).output().unwrap());
    let stats_alone = json_of(
        &claimgraph(&store)
            .args(["stats", "--format", "json"])
            .output()
            .unwrap(),
    );
    let bad = claimgraph(&store)
        .args(["query", "MATCH (n RETURN n"])
        .output()
        .unwrap();
    let export_alone = claimgraph(&store)
        .args(["export", "--format", "cypher"])
        .output()
        .unwrap();

    let mut shell = Shell::start(&store);
    let mode = std::fs::metadata(store.join("claimgraph.sock")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
    assert_eq!(
        json_of(&claimgraph(&store).args(["query", count]).output().unwrap()),
        alone
    );
    assert_eq!(
        json_of(
            &claimgraph(&store)
                .args(["stats", "--format", "json"])
                .output()
                .unwrap()
        ),
        stats_alone
    );
    let shared_bad = claimgraph(&store)
        .args(["query", "MATCH (n RETURN n"])
        .output()
        .unwrap();
    assert_eq!(shared_bad.status.code(), Some(1));
    assert_eq!(
        shared_bad.stderr, bad.stderr,
        "the same error, caret and all"
    );
    let shared_export = claimgraph(&store)
        .args(["export", "--format", "cypher"])
        .output()
        .unwrap();
    assert!(shared_export.status.success());
    assert_eq!(shared_export.stdout, export_alone.stdout);

    // A write from a script in another process is seen by the shell's next query.
    let script = dir.path().join("add.cypher");
    std::fs::write(&script, "CREATE (:Actor {name: 'Beside the shell'});\n").unwrap();
    let ran = claimgraph(&store)
        .arg("run")
        .arg(&script)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(ran.status.success(), "{ran:?}");
    let seen = shell.query("MATCH (a:Actor {name: 'Beside the shell'}) RETURN count(a) AS c");
    assert_eq!(seen["rows"][0][0], 1);
    // And the shell's own write is seen by the next command.
    shell.query("CREATE (:Actor {name: 'From the shell'}) RETURN 1 AS one");
    let other = json_of(
        &claimgraph(&store)
            .args([
                "query",
                "MATCH (a:Actor {name: 'From the shell'}) RETURN count(a) AS c",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(other["rows"][0][0], 1);
    // A timeout through the socket is refused as in process, nothing written.
    let slow = claimgraph(&store)
        .args([
            "query",
            "UNWIND range(1, 3000) AS i UNWIND range(1, 3000) AS j CREATE (:Tmp {i: i})",
            "--timeout",
            "0.2",
        ])
        .output()
        .unwrap();
    assert_eq!(slow.status.code(), Some(1), "{slow:?}");
    assert!(
        String::from_utf8_lossy(&slow.stderr).contains("timeout"),
        "{slow:?}"
    );
    let tmp = shell.query("MATCH (t:Tmp) RETURN count(t) AS c");
    assert_eq!(tmp["rows"][0][0], 0);
}

/// The views of time and the log, asked of a held store and of the same store alone.
const HISTORY_VIEWS: [&[&str]; 4] = [
    &["query", "MATCH (n) RETURN count(n) AS c", "--at-tx", "1"],
    &[
        "query",
        "MATCH (s:Statement) RETURN count(s) AS c",
        "--as-of",
        "2023-05-04",
    ],
    &["stats", "--format", "json", "--at-tx", "1"],
    &["log", "--format", "json"],
];

#[test]
fn views_of_time_and_the_log_answer_through_the_holder_as_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let second = claimgraph(&store)
        .arg("import")
        .arg(example("bakhmut-followup.triples"))
        .output()
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    let commands = HISTORY_VIEWS;
    let alone: Vec<Json> = commands
        .iter()
        .map(|args| json_of(&claimgraph(&store).args(*args).output().unwrap()))
        .collect();
    // The first import alone, and the store now, differ: the views are real.
    let now = json_of(
        &claimgraph(&store)
            .args(["query", "MATCH (n) RETURN count(n) AS c"])
            .output()
            .unwrap(),
    );
    assert_ne!(now, alone[0], "--at-tx 1 answered as the store is now");
    assert_eq!(alone[3].as_array().map(Vec::len), Some(2), "{}", alone[3]);

    let _shell = Shell::start(&store);
    for (args, expected) in commands.iter().zip(&alone) {
        let held = json_of(&claimgraph(&store).args(*args).output().unwrap());
        assert_eq!(&held, expected, "{args:?} through the holder");
    }
    // A write under a view is refused through the holder too, and writes nothing.
    let refused = claimgraph(&store)
        .args(["query", "CREATE (:Probe)", "--at-tx", "1"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let log = json_of(
        &claimgraph(&store)
            .args(["log", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(log, alone[3], "the refused write was logged");
}

#[test]
fn killing_the_holder_mid_write_leaves_all_or_nothing_and_the_next_command_takes_over() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let mut shell = Shell::start(&store);
    writeln!(
        shell.stdin,
        "UNWIND range(1, 200000) AS i CREATE (:Bulk {{i: i}});"
    )
    .unwrap();
    shell.stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    shell.child.kill().unwrap();
    shell.child.wait().unwrap();
    assert!(
        store.join("claimgraph.sock").exists(),
        "a stale socket is left"
    );
    let after = json_of(
        &claimgraph(&store)
            .args(["query", "MATCH (b:Bulk) RETURN count(b) AS c"])
            .output()
            .unwrap(),
    );
    let n = after["rows"][0][0].as_i64().unwrap();
    assert!(n == 0 || n == 200000, "all or nothing, not {n}");
    let check = claimgraph(&store).arg("check").output().unwrap();
    assert!(check.status.success(), "{check:?}");
    // The next shell takes the store over and serves it again.
    let _shell = Shell::start(&store);
    let count = json_of(
        &claimgraph(&store)
            .args(["query", "MATCH (a:Article) RETURN count(a) AS c"])
            .output()
            .unwrap(),
    );
    assert_eq!(count["rows"][0][0], 1);
}

#[test]
fn eight_readers_and_an_importer_beside_a_shell_get_correct_answers() {
    let Some(shared) = common::shared("the shared-store concurrency test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_of_1k(&shared, dir.path());
    let store = store_with_example(dir.path());
    let _shell = Shell::start(&store);
    let before = "MATCH (a:Article) RETURN count(a) AS c";
    let importer = claimgraph(&store)
        .arg("import")
        .arg(&corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                for _ in 0..3 {
                    let out = claimgraph(&store).args(["query", before]).output().unwrap();
                    let j = json_of(&out);
                    seen.push(j["rows"][0][0].as_i64().unwrap());
                }
                seen
            })
        })
        .collect();
    let imported = importer.wait_with_output().unwrap();
    assert!(imported.status.success(), "{imported:?}");
    for reader in readers {
        for n in reader.join().unwrap() {
            // Before the import's transaction or after all of it, never between.
            assert!(n == 1 || n == 1001, "a reader saw {n} articles");
        }
    }
    let after = json_of(&claimgraph(&store).args(["query", before]).output().unwrap());
    assert_eq!(after["rows"][0][0], 1001);
}

/// The standard corpus of 1,000 articles, generated into `dir`: its JSON Lines file.
fn corpus_of_1k(shared: &Path, dir: &Path) -> PathBuf {
    common::generate_corpus(shared, 1000, dir);
    dir.join("corpus.jsonl")
}

const ARTICLES: &str = "MATCH (a:Article) RETURN count(a) AS c";

#[test]
fn readers_answer_from_the_last_commit_while_an_import_is_in_progress() {
    use claimgraph::share;
    use std::sync::mpsc;
    let Some(shared) = common::shared("the snapshot-read test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_of_1k(&shared, dir.path());
    let store = store_with_example(dir.path());
    let held = share::Store::new(claimgraph::Database::open(&store).unwrap());
    let _listener =
        share::server::listen(held.clone(), &store, claimgraph::cli::holder_handler()).unwrap();

    // The import stops at its first progress report, holding the store,
    // until the readers have answered.
    let import = PausedImport::start(&held, &corpus, claimgraph::Format::Jsonl);

    let (answered, answers) = mpsc::channel();
    for _ in 0..8 {
        let (store, answered) = (store.clone(), answered.clone());
        std::thread::spawn(move || {
            let out = claimgraph(&store).args(["query", ARTICLES]).output();
            let _ = answered.send(out);
        });
    }
    let mut counts = Vec::new();
    for _ in 0..8 {
        match answers.recv_timeout(Duration::from_secs(30)) {
            Ok(out) => counts.push(json_of(&out.unwrap())["rows"][0][0].as_i64()),
            Err(_) => panic!("a reader waited for the import in progress"),
        }
    }
    // Every reader answered while the import was still in progress, with the
    // state before it.
    assert!(import.in_progress());
    assert_eq!(counts, vec![Some(1); 8]);
    let summary = import.finish().expect("the import commits");
    assert_eq!(summary.articles_added, 1000, "{summary:?}");

    // The import's transaction is whole: the same as importing both files in memory.
    let mut expected = claimgraph::Database::in_memory();
    expected
        .import_file(&example("bakhmut.triples"), None, None)
        .unwrap();
    expected.import_file(&corpus, None, None).unwrap();
    let stats = json_of(
        &claimgraph(&store)
            .args(["stats", "--format", "json"])
            .output()
            .unwrap(),
    );
    let want = serde_json::to_value(expected.stats()).unwrap();
    assert_eq!(stats, want);
    assert_eq!(share::snapshot(&held).stats(), expected.stats());
}

/// An import into a held store, stopped at its first progress report
/// (holding the store) until [`PausedImport::finish`]; a test that fails
/// meanwhile drops it, which lets the import go on.
struct PausedImport {
    go: Option<std::sync::mpsc::Sender<()>>,
    thread: std::thread::JoinHandle<claimgraph::Result<claimgraph::ImportSummary>>,
}

impl PausedImport {
    fn start(held: &claimgraph::share::Shared, file: &Path, format: claimgraph::Format) -> Self {
        use std::sync::{mpsc, Mutex};
        let (started, import_started) = mpsc::channel();
        let (go, import_may_go) = mpsc::channel::<()>();
        let (started, import_may_go) = (Mutex::new(Some(started)), Mutex::new(import_may_go));
        let bytes = std::fs::read(file).unwrap();
        let name = file.display().to_string();
        let held = held.clone();
        let thread = std::thread::spawn(move || {
            let progress = |_: u64, _: u64| {
                if let Some(started) = started.lock().unwrap().take() {
                    started.send(()).unwrap();
                    let _ = import_may_go.lock().unwrap().recv();
                }
            };
            claimgraph::share::lock_long(&held).import_bytes(&name, &bytes, format, Some(&progress))
        });
        import_started
            .recv_timeout(Duration::from_secs(60))
            .expect("the import reports its progress");
        PausedImport {
            go: Some(go),
            thread,
        }
    }

    fn in_progress(&self) -> bool {
        !self.thread.is_finished()
    }

    /// Lets the import go on, and its outcome.
    fn finish(mut self) -> claimgraph::Result<claimgraph::ImportSummary> {
        drop(self.go.take());
        self.thread.join().unwrap()
    }
}

/// Runs a claimgraph command on `store` that must answer within 30 s (a
/// command that waits for a write in progress does not).
fn answers_soon(store: &Path, args: &[&str]) -> std::process::Output {
    let mut command = claimgraph(store);
    command.args(args);
    let (sent, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(command.output().unwrap());
    });
    answer
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{args:?} waited for the write in progress"))
}

#[test]
fn every_read_command_answers_from_a_snapshot_while_an_import_is_in_progress() {
    use claimgraph::share;
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let script = dir.path().join("reads.cypher");
    std::fs::write(
        &script,
        "MATCH (a:Article) RETURN count(a) AS c;\nMATCH (n) RETURN count(n) AS c;\n",
    )
    .unwrap();
    let script = script.to_str().unwrap();
    let run: &[&str] = &["run", script, "--format", "json"];
    let commands: Vec<&[&str]> = std::iter::once(run)
        .chain(HISTORY_VIEWS)
        .chain([
            &["diff", "0", "1", "--format", "json"][..],
            &["decisions", "--format", "json"],
            &["check"],
        ])
        .collect();
    // What each command answers in process, before the import.
    let alone: Vec<_> = commands
        .iter()
        .map(|args| {
            let out = claimgraph(&store).args(*args).output().unwrap();
            assert!(out.status.success(), "{args:?}: {out:?}");
            out.stdout
        })
        .collect();
    let stats_before = json_of(
        &claimgraph(&store)
            .args(["stats", "--format", "json"])
            .output()
            .unwrap(),
    );

    let held = share::Store::new(claimgraph::Database::open(&store).unwrap());
    let _listener =
        share::server::listen(held.clone(), &store, claimgraph::cli::holder_handler()).unwrap();
    let import = PausedImport::start(
        &held,
        &example("bakhmut-followup.triples"),
        claimgraph::Format::Triples,
    );
    for (args, expected) in commands.iter().zip(&alone) {
        let out = answers_soon(&store, args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(expected),
            "{args:?} during the import"
        );
    }
    // The backup is the state after the last committed transaction.
    let copy = dir.path().join("copy");
    let backup = answers_soon(&store, &["backup", copy.to_str().unwrap()]);
    assert!(backup.status.success(), "{backup:?}");
    assert!(import.in_progress());
    import.finish().expect("the import commits");
    let of_copy = json_of(
        &claimgraph(&copy)
            .args(["stats", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(of_copy, stats_before);
    // The import was real: the store now differs, and the log has it.
    let log = json_of(
        &claimgraph(&store)
            .args(["log", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(log.as_array().map(Vec::len), Some(2), "{log}");
    let now = json_of(
        &claimgraph(&store)
            .args(["stats", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_ne!(now, stats_before);
}

#[test]
fn readers_answer_from_the_last_commit_while_a_short_write_is_in_progress() {
    use claimgraph::share;
    use std::sync::mpsc;
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let held = share::Store::new(claimgraph::Database::open(&store).unwrap());
    let _listener =
        share::server::listen(held.clone(), &store, claimgraph::cli::holder_handler()).unwrap();
    // A write that has created a node and holds its transaction open.
    let (created, node_created) = mpsc::channel();
    let (go, write_may_go) = mpsc::channel::<()>();
    let writer = std::thread::spawn({
        let held = held.clone();
        move || {
            share::lock(&held).write(|txn| {
                txn.create_node(vec!["Probe".into()], Default::default())?;
                created.send(()).unwrap();
                let _ = write_may_go.recv();
                Ok(())
            })
        }
    });
    node_created
        .recv_timeout(Duration::from_secs(30))
        .expect("the write starts");
    let probes = "MATCH (p:Probe) RETURN count(p) AS c";
    for args in [
        &["query", probes][..],
        &["run", "-", "--format", "json"][..],
        &["stats", "--format", "json"][..],
    ] {
        let out = if args[0] == "run" {
            let mut child = claimgraph(&store)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            writeln!(child.stdin.take().unwrap(), "{probes};").unwrap();
            let (sent, answer) = mpsc::channel();
            std::thread::spawn(move || {
                let _ = sent.send(child.wait_with_output().unwrap());
            });
            answer
                .recv_timeout(Duration::from_secs(30))
                .expect("`run` answers beside the write")
        } else {
            answers_soon(&store, args)
        };
        let j = json_of(&out);
        match args[0] {
            "stats" => assert_eq!(j["labels"].get("Probe"), None, "{j}"),
            _ => assert_eq!(j["rows"][0][0], 0, "{args:?}: {j}"),
        }
    }
    assert!(!writer.is_finished(), "the write was over before the reads");
    drop(go);
    writer.join().unwrap().expect("the write commits");
    let after = json_of(&answers_soon(&store, &["query", probes]));
    assert_eq!(
        after["rows"][0][0], 1,
        "the write was committed and published"
    );
}

/// A `.triples` file of `n` actors and a statement each claims, about 60
/// bytes a line: large enough that its import has many batches.
fn many_claims(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("article \"bulk\" {date: \"2024-01-01\"}\n");
    for i in 0..n {
        text.push_str(&format!(
            "actor \"Bulk {i}\"\nstatement s{i} \"bulk claim {i}\"\n\"Bulk {i}\" claims s{i}\n"
        ));
    }
    let path = dir.join("bulk.triples");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_import_whose_client_goes_away_stops_between_batches_with_nothing_written() {
    use claimgraph::share;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let bulk = many_claims(dir.path(), 20_000);
    let bytes = std::fs::read(&bulk).unwrap();
    assert!(bytes.len() > 1 << 20, "{} bytes", bytes.len());

    // The client goes away at the first progress report: the import stops
    // there, not after parsing and applying the whole file.
    let mut db = claimgraph::Database::in_memory();
    let hangup = claimgraph::Cancel::new();
    let reports = AtomicUsize::new(0);
    let progress = |_: u64, _: u64| {
        reports.fetch_add(1, Ordering::SeqCst);
        hangup.cancel();
    };
    let stopped = db.import_bytes_with(
        "bulk.triples",
        &bytes,
        claimgraph::Format::Triples,
        Some(&progress),
        &hangup,
    );
    assert!(
        matches!(stopped, Err(claimgraph::Error::Cancelled(_))),
        "{stopped:?}"
    );
    assert_eq!(reports.load(Ordering::SeqCst), 1, "the import went on");
    assert_eq!(db.stats(), claimgraph::Database::in_memory().stats());
    assert!(db.log().unwrap().is_empty());

    // A forwarded import whose client is killed: the holder writes none of
    // it and goes on serving. The holder is kept busy until the client is
    // gone, so the import starts after its client went away.
    let store = store_with_example(dir.path());
    let held = share::Store::new(claimgraph::Database::open(&store).unwrap());
    let _listener =
        share::server::listen(held.clone(), &store, claimgraph::cli::holder_handler()).unwrap();
    let busy = share::lock(&held);
    let mut client = claimgraph(&store)
        .arg("import")
        .arg(&bulk)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    client.kill().unwrap();
    client.wait().unwrap();
    drop(busy);
    let started = Instant::now();
    let count = json_of(&answers_soon(
        &store,
        &[
            "query",
            "CREATE (:After) WITH 1 AS one MATCH (a:Actor) RETURN count(a) AS c",
        ],
    ));
    let mut alone = claimgraph::Database::in_memory();
    alone
        .import_file(&example("bakhmut.triples"), None, None)
        .unwrap();
    let actors = match &common::run(&mut alone, "MATCH (a:Actor) RETURN count(a) AS c").rows[0][0] {
        claimgraph::ResultValue::Int(n) => *n,
        other => panic!("{other:?}"),
    };
    assert_eq!(count["rows"][0][0].as_i64(), Some(actors), "{count}");
    let log = json_of(&answers_soon(&store, &["log", "--format", "json"]));
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log[1]["what"].as_str().unwrap().starts_with("CREATE"),
        "{log:?}"
    );
    eprintln!(
        "the holder answered {:?} after the client went away",
        started.elapsed()
    );
}

/// `claimgraph serve` on a free port, and its address.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(store: &Path, extra: &[&str]) -> Server {
        let mut child = claimgraph(store)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        // Keep reading stderr so the server never blocks on it.
        std::thread::spawn(move || for _ in err.lines() {});
        Server { child, url }
    }

    fn stop(mut self) -> std::process::ExitStatus {
        unsafe { libc_kill(self.child.id() as i32, 15) };
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

/// Runs curl, returning the HTTP status and the body; `None` without curl.
fn curl(args: &[&str]) -> Option<(u16, Vec<u8>)> {
    let out = match Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
    {
        Ok(out) => out,
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => panic!("curl is needed in CI"),
        Err(_) => {
            eprintln!("NOT RUN: the serve tests need curl");
            return None;
        }
    };
    let text = out.stdout;
    let split = text.iter().rposition(|&b| b == b'\n').unwrap();
    let status = String::from_utf8_lossy(&text[split + 1..])
        .trim()
        .parse()
        .unwrap();
    Some((status, text[..split].to_vec()))
}

#[test]
fn serve_answers_curl_and_python_with_the_cli_json_and_refuses_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let server = Server::start(&store, &["--max-body", "4096"]);
    let url = server.url.clone();
    let Some((status, body)) = curl(&[&format!("{url}/health")]) else {
        return;
    };
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Json>(&body).unwrap()["status"],
        "ok"
    );

    let q =
        "MATCH (a:Actor)-[:CLAIMS]->(s) RETURN a.name AS who, s.text AS what ORDER BY who, what";
    let request = serde_json::json!({"query": q}).to_string();
    let (status, body) = curl(&["-X", "POST", "-d", &request, &format!("{url}/query")]).unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // The same JSON as `query --format json` (which runs through the server's socket).
    let cli = claimgraph(&store)
        .args(["query", q, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Json>(&body).unwrap(),
        json_of(&cli)
    );
    // A refused query: 400 with the JSON error object of the CLI.
    let bad = serde_json::json!({"query": "MATCH (n RETURN n"}).to_string();
    let (status, body) = curl(&["-X", "POST", "-d", &bad, &format!("{url}/query")]).unwrap();
    assert_eq!(status, 400);
    let cli = claimgraph(&store)
        .args(["query", "MATCH (n RETURN n", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Json>(&body).unwrap(),
        serde_json::from_slice::<Json>(&cli.stderr).unwrap()
    );
    // Views of time: the same JSON as the CLI's `--as-of` and `--at-tx`.
    let counted = "MATCH (n) RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label";
    for (field, value, flag) in [
        (
            "as_of",
            serde_json::json!("2000-01-01"),
            ["--as-of", "2000-01-01"],
        ),
        ("at_tx", serde_json::json!(1), ["--at-tx", "1"]),
    ] {
        let request = serde_json::json!({"query": counted, field: value}).to_string();
        let (status, body) =
            curl(&["-X", "POST", "-d", &request, &format!("{url}/query")]).unwrap();
        assert_eq!(status, 200, "{field}: {}", String::from_utf8_lossy(&body));
        let cli = claimgraph(&store)
            .args(["query", counted, "--format", "json"])
            .args(flag)
            .output()
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Json>(&body).unwrap(),
            json_of(&cli)
        );
    }
    let bad_tx = serde_json::json!({"query": "RETURN 1", "at_tx": "x"}).to_string();
    let (status, body) = curl(&["-X", "POST", "-d", &bad_tx, &format!("{url}/query")]).unwrap();
    assert_eq!(status, 400);
    let error = serde_json::from_slice::<Json>(&body).unwrap();
    assert!(error.to_string().contains("transaction number"), "{error}");
    // A body over the limit is refused with 413, and nothing is written.
    let big = format!(
        "article \"big\" {{date: \"2023-01-01\"}}\n{}",
        "actor \"x\"\n".repeat(1000)
    );
    let (status, body) = curl(&[
        "-X",
        "POST",
        "--data-binary",
        &big,
        &format!("{url}/import?format=triples"),
    ])
    .unwrap();
    assert_eq!(status, 413);
    let error = serde_json::from_slice::<Json>(&body).expect("a JSON error");
    assert!(error.to_string().contains("limit of 4096 bytes"), "{error}");
    // A small import is one transaction, seen by the next query.
    let small = "article \"small\" {date: \"2023-05-01\"}\nactor \"Posted Actor\"\n";
    let (status, body) = curl(&[
        "-X",
        "POST",
        "--data-binary",
        small,
        &format!("{url}/import?format=triples"),
    ])
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (status, body) = curl(&[&format!("{url}/stats")]).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Json>(&body).unwrap()["articles"],
        2
    );
    let (status, body) = curl(&[&format!("{url}/export?format=cypher")]).unwrap();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Posted Actor"));

    // Python's standard library, as a notebook would call it.
    let script = r#"
import json, sys, urllib.request, urllib.error
url = sys.argv[1]
req = urllib.request.Request(url + "/query", data=json.dumps({"query": "MATCH (a:Article) RETURN count(a) AS n"}).encode(), method="POST")
print(json.load(urllib.request.urlopen(req))["rows"][0][0])
try:
    urllib.request.urlopen(urllib.request.Request(url + "/query", data=b'{"query": "RETURN nope"}', method="POST"))
except urllib.error.HTTPError as e:
    print(e.code, json.load(e)["error"]["kind"])
"#;
    let py = Command::new("python3")
        .args(["-c", script, &url])
        .output()
        .unwrap();
    assert!(py.status.success(), "{py:?}");
    let printed = String::from_utf8_lossy(&py.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "2");
    assert!(lines[1].starts_with("400 "), "{printed}");
    assert!(server.stop().success());

    // With a token, a request without it (or with another) is 401.
    let server = Server::start(&store, &["--token", "s3cret"]);
    let url = server.url.clone();
    let (status, _) = curl(&[&format!("{url}/stats")]).unwrap();
    assert_eq!(status, 401);
    let (status, _) =
        curl(&["-H", "Authorization: Bearer wrong", &format!("{url}/stats")]).unwrap();
    assert_eq!(status, 401);
    let (status, _) = curl(&[
        "-H",
        "Authorization: Bearer s3cret",
        &format!("{url}/stats"),
    ])
    .unwrap();
    assert_eq!(status, 200);
    drop(server);
    // Beyond loopback without a token it does not start.
    let out = claimgraph(&store)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"));
}

#[test]
fn sigterm_during_an_http_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_example(dir.path());
    let mut body = String::new();
    for i in 0..3000 {
        body +=
            &format!("article \"bulk{i}\" {{date: \"2023-01-01\"}}\nactor \"Bulk actor {i}\"\n");
    }
    let file = dir.path().join("bulk.triples");
    std::fs::write(&file, &body).unwrap();
    let server = Server::start(&store, &[]);
    let url = server.url.clone();
    let mut post = match Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-X", "POST", "--data-binary"])
        .arg(format!("@{}", file.display()))
        .arg(format!("{url}/import?format=triples"))
        .spawn()
    {
        Ok(child) => child,
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => panic!("curl is needed in CI"),
        Err(_) => return eprintln!("NOT RUN: the serve tests need curl"),
    };
    std::thread::sleep(Duration::from_millis(150));
    let status = server.stop();
    let _ = post.wait();
    assert!(status.success(), "serve stops cleanly: {status}");
    let out = json_of(
        &claimgraph(&store)
            .args(["query", "MATCH (a:Article) RETURN count(a) AS c"])
            .output()
            .unwrap(),
    );
    let n = out["rows"][0][0].as_i64().unwrap();
    assert!(n == 1 || n == 3001, "all or nothing, not {n}");
    let check = claimgraph(&store).arg("check").output().unwrap();
    assert!(check.status.success(), "{check:?}");
}
