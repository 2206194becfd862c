//! The command line as users meet it: exit statuses, output shapes, the store
//! lock, and imports killed with SIGKILL.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use assert_cmd::prelude::*;
use serde_json::Value as Json;

fn claimgraph(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimgraph").expect("the binary is built for tests");
    cmd.arg("--store").arg(store);
    cmd.env_remove("CLAIMGRAPH_STORE");
    cmd
}

fn stats(store: &Path) -> Json {
    let out = claimgraph(store)
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn a_wrong_command_line_exits_2_and_a_refused_request_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    claimgraph(&store).arg("frobnicate").assert().code(2);
    claimgraph(&store)
        .args(["query", "RETURN 1", "--param", "novalue"])
        .assert()
        .code(2);
    claimgraph(&store)
        .args(["query", "RETURN 1", "--format", "xml"])
        .assert()
        .code(2);
    let out = claimgraph(&store)
        .args(["import", "does-not-exist.triples"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does-not-exist.triples"), "{err}");
    claimgraph(&store)
        .args(["query", "MATCH (n RETURN n"])
        .assert()
        .code(1);
}

#[test]
fn stats_json_has_the_shape_of_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    // An import of an empty file creates an empty store.
    let nothing = dir.path().join("empty.triples");
    std::fs::write(&nothing, "").unwrap();
    claimgraph(&store)
        .arg("import")
        .arg(&nothing)
        .assert()
        .success();
    let empty = stats(&store);
    assert_eq!(
        empty,
        serde_json::json!({"nodes": 0, "relationships": 0, "articles": 0, "labels": {}, "types": {}})
    );
    claimgraph(&store)
        .arg("import")
        .arg(example("bakhmut.triples"))
        .assert()
        .success();
    let s = stats(&store);
    let labels = s["labels"].as_object().unwrap();
    let types = s["types"].as_object().unwrap();
    let by_label: u64 = labels.values().map(|v| v.as_u64().unwrap()).sum();
    let by_type: u64 = types.values().map(|v| v.as_u64().unwrap()).sum();
    // Every imported node has exactly one label, every relationship one type.
    assert_eq!(by_label, s["nodes"].as_u64().unwrap());
    assert_eq!(by_type, s["relationships"].as_u64().unwrap());
    assert_eq!(s["articles"], labels["Article"]);
    assert_eq!(s["articles"], 1);
    assert!(types["CLAIMS"].as_u64().unwrap() > 0);
    assert!(types["DENIES"].as_u64().unwrap() > 0);
}

#[test]
fn a_store_in_use_is_refused_with_a_message_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    let _holder = claimgraph::Database::open(&store).unwrap();
    let out = claimgraph(&store).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another process"), "{err}");
    assert!(err.contains(&store.display().to_string()), "{err}");
    // The holder (this test's process, which does not share the store) is named.
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
}

#[test]
fn import_reads_standard_input_and_reports_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    let text = std::fs::read(example("bakhmut.triples")).unwrap();
    let run = |text: &[u8]| {
        let mut child = claimgraph(&store)
            .args(["import", "-", "--format", "triples"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), text).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run(&text);
    let second = run(&text);
    assert!(first.contains("added 1 article"), "{first}");
    assert!(
        second.contains("added 0 articles, 0 nodes, 0 relationships"),
        "{second}"
    );
    // Without --format, standard input is a wrong command line.
    claimgraph(&store).args(["import", "-"]).assert().code(2);
}

/// A corpus big enough that its import takes a while: `articles` articles, each
/// naming a few recurring actors and places and new statements.
fn synthetic_corpus(articles: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for a in 0..articles {
        let _ = writeln!(
            s,
            "article \"crash-{a}\" {{date: \"2023-05-{:02}\"}}",
            a % 28 + 1
        );
        let _ = writeln!(s, "actor \"Actor {}\"", a % 97);
        let _ = writeln!(s, "actor \"Actor {}\"", (a * 7 + 3) % 97);
        let _ = writeln!(s, "place \"Place {}\"", a % 31);
        let _ = writeln!(
            s,
            "statement s \"Statement number {a} about Place {}\"",
            a % 31
        );
        let _ = writeln!(s, "\"Actor {}\" claims s {{quote: \"q{a}\"}}", a % 97);
        let _ = writeln!(s, "\"Actor {}\" denies s", (a * 7 + 3) % 97);
        let _ = writeln!(s, "s about \"Place {}\"", a % 31);
    }
    s
}

#[cfg(unix)]
#[test]
fn an_import_killed_at_any_moment_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base_file = dir.path().join("base.triples");
    let big_file = dir.path().join("big.triples");
    std::fs::write(&base_file, synthetic_corpus(50)).unwrap();
    std::fs::write(&big_file, synthetic_corpus(6_000)).unwrap();

    // Reference: the store with the base only, and with base and big.
    let reference = dir.path().join("reference");
    claimgraph(&reference)
        .arg("import")
        .arg(&base_file)
        .assert()
        .success();
    let before = stats(&reference);
    let started = Instant::now();
    claimgraph(&reference)
        .arg("import")
        .arg(&big_file)
        .assert()
        .success();
    let full_time = started.elapsed();
    let after = stats(&reference);
    assert_ne!(before, after);

    // Kill the import of the big file at moments spread over its whole run
    // (and a little past it), then check the store holds exactly one of the two.
    const KILL_POINTS: u32 = 20;
    let (mut none, mut all) = (0, 0);
    for k in 0..KILL_POINTS {
        let store = dir.path().join(format!("victim-{k}"));
        claimgraph(&store)
            .arg("import")
            .arg(&base_file)
            .assert()
            .success();
        let mut child = claimgraph(&store)
            .arg("import")
            .arg(&big_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let at = full_time.mul_f64(f64::from(k + 1) / f64::from(KILL_POINTS) * 1.1);
        std::thread::sleep(at);
        // SAFETY: kill(2) with a pid we own and a valid signal number.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        let _ = child.wait();
        let now = stats(&store);
        if now == before {
            none += 1;
        } else if now == after {
            all += 1;
        } else {
            panic!("kill point {k} ({at:?}) left a partial import: {now}");
        }
        claimgraph(&store).arg("check").assert().success();
    }
    eprintln!("{KILL_POINTS} kill points: {none} left nothing, {all} left everything");
    assert!(none > 0, "no kill point landed before the commit");
}

#[test]
fn a_command_that_only_reads_refuses_a_missing_store_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("nowhere");
    for args in [
        vec!["stats"],
        vec!["check"],
        vec!["export", "--format", "json"],
        vec!["query", "MATCH (n) RETURN count(n)"],
    ] {
        let out = claimgraph(&store).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no store at"), "{args:?}: {err}");
        assert!(err.contains("claimgraph import"), "{args:?}: {err}");
        assert!(!store.exists(), "{args:?} created the store");
    }
    // A query that does not parse says so, rather than talking about the store.
    let out = claimgraph(&store)
        .args(["query", "MATCH (n RETURN n"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no store at"));
    // A query that writes creates the store, as import does.
    claimgraph(&store)
        .args(["query", "CREATE (:Actor {name: 'A'})"])
        .assert()
        .success();
    assert_eq!(stats(&store)["nodes"], 1);
}

#[test]
fn import_from_standard_input_without_a_format_is_a_command_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    let out = claimgraph(&store)
        .args(["import", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--format"), "{err}");
    assert!(!store.exists());
}

#[test]
fn a_dry_run_checks_every_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    let files = [
        example("bakhmut.triples"),
        example("bakhmut-followup.triples"),
    ];
    // Without a store: the files are checked against an empty graph, no store appears.
    let out = claimgraph(&store)
        .arg("import")
        .arg("--dry-run")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("dry run: nothing written").count(),
        2,
        "{text}"
    );
    assert!(!store.exists());
    // With a store: it keeps exactly what it held.
    claimgraph(&store)
        .arg("import")
        .arg(&files[0])
        .assert()
        .success();
    let before = stats(&store);
    claimgraph(&store)
        .arg("import")
        .arg("--dry-run")
        .arg(&files[1])
        .assert()
        .success();
    assert_eq!(stats(&store), before);
    // A bad file is refused as the import would refuse it.
    let bad = dir.path().join("bad.triples");
    std::fs::write(&bad, "article \"x\"\n\"Nobody\" claims s9\n").unwrap();
    let out = claimgraph(&store)
        .args(["import", "--dry-run"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.triples:2:"));
    assert_eq!(stats(&store), before);
}

#[test]
fn an_import_of_several_files_says_which_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("db");
    let bad = dir.path().join("bad.triples");
    std::fs::write(&bad, "article \"x\"\n\"Nobody\" claims s9\n").unwrap();
    let out = claimgraph(&store)
        .arg("import")
        .arg(example("bakhmut.triples"))
        .arg(&bad)
        .arg(example("bakhmut-followup.triples"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.triples:2:"), "{err}");
    assert!(err.contains("imported 1 of 3 files"), "{err}");
    assert!(
        err.contains("refused: ") && err.contains("bad.triples (nothing of it written)"),
        "{err}"
    );
    assert!(
        err.contains("not attempted: ") && err.contains("bakhmut-followup.triples"),
        "{err}"
    );
    // The first file is in the store, the rest is not.
    assert_eq!(stats(&store)["articles"], 1);
}
