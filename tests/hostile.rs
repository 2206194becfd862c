//! A catalogue of hostile input, fed to the command line as users would: each
//! case must be refused with exit status 1 (2 for a wrong command line), a
//! message on stderr that says what is wrong and where, no panic, and the store
//! exactly as it was.
//!
//! Every child process runs under a wall-clock guard and a cap on its address
//! space, so that a case the program does not bound fails this test instead of
//! hanging it or taking the machine down.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The longest any single command of this catalogue may run.
const GUARD: Duration = Duration::from_secs(120);

/// The address space a child may use: enough for every honest case here, far
/// less than it takes to make the machine swap.
#[cfg(unix)]
const ADDRESS_SPACE: u64 = 6 << 30;

fn claimgraph(store: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
    cmd.arg("--store").arg(store);
    cmd.env_remove("CLAIMGRAPH_STORE");
    cmd.env("RUST_BACKTRACE", "0");
    limit_memory(&mut cmd);
    cmd
}

#[cfg(unix)]
fn limit_memory(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the child between fork and exec and calls only
    // setrlimit(2), which is async-signal-safe, on a value on its own stack.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_memory(_cmd: &mut Command) {}

/// Waits for `child` at most `limit`, killing it past that. Returns its output
/// and how long it ran, or panics naming `what` if it had to be killed.
fn wait_guarded(mut child: Child, limit: Duration, what: &str) -> (Output, Duration) {
    let started = Instant::now();
    // Read the pipes on threads, so that a child writing a lot never blocks.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut buf);
        }
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child works") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}; it was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let output = Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    (output, elapsed)
}

/// Runs a prepared command with optional standard input, under the guards.
fn run(mut cmd: Command, stdin: Option<&[u8]>, what: &str) -> (Output, Duration) {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // The child may refuse before reading everything; a broken pipe is fine.
        let _ = pipe.write_all(bytes);
    }
    wait_guarded(child, GUARD, what)
}

/// The store's counts, as `stats --format json` prints them.
fn stats(store: &Path) -> Json {
    let mut cmd = claimgraph(store);
    cmd.args(["stats", "--format", "json"]);
    let (out, _) = run(cmd, None, "stats");
    assert!(
        out.status.success(),
        "stats failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stats prints JSON")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// A store holding the example article, so that "unchanged" means something.
struct Fixture {
    dir: tempfile::TempDir,
    store: PathBuf,
    baseline: Json,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = dir.path().join("store");
        let mut cmd = claimgraph(&store);
        cmd.arg("import").arg(example("bakhmut.triples"));
        let (out, _) = run(cmd, None, "importing the example");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let baseline = stats(&store);
        assert!(baseline["nodes"].as_u64().unwrap_or(0) > 0);
        Fixture {
            dir,
            store,
            baseline,
        }
    }

    /// Writes a file in the fixture's directory and returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("writing a test file");
        path
    }

    fn command(&self) -> Command {
        claimgraph(&self.store)
    }

    /// Runs `args` and checks the refusal: `code`, no panic, every fragment of
    /// `expect` on stderr, and the store unchanged. Returns stderr and the time.
    fn refuse(&self, what: &str, args: &[&str], code: i32, expect: &[&str]) -> (String, Duration) {
        let mut cmd = self.command();
        cmd.args(args);
        self.refuse_cmd(what, cmd, None, code, expect)
    }

    fn refuse_cmd(
        &self,
        what: &str,
        cmd: Command,
        stdin: Option<&[u8]>,
        code: i32,
        expect: &[&str],
    ) -> (String, Duration) {
        let (out, elapsed) = run(cmd, stdin, what);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !err.contains("panicked"),
            "{what}: the program panicked:\n{err}"
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: exit status {:?} (killed by a signal when None); stderr:\n{}",
            out.status,
            clip(&err)
        );
        assert!(
            err.starts_with("error:"),
            "{what}: the message does not start with `error:`:\n{}",
            clip(&err)
        );
        for fragment in expect {
            assert!(
                err.contains(fragment),
                "{what}: stderr lacks {fragment:?}:\n{}",
                clip(&err)
            );
        }
        assert_eq!(
            stats(&self.store),
            self.baseline,
            "{what}: the store changed"
        );
        (err, elapsed)
    }

    /// Imports `bytes` as a file called `name` and checks the refusal.
    fn refuse_import(&self, name: &str, bytes: &[u8], expect: &[&str]) -> String {
        let path = self.file(name, bytes);
        let path = path.to_str().expect("temporary paths are UTF-8");
        let place = format!("{path}:");
        let mut all = vec![place.as_str()];
        all.extend_from_slice(expect);
        self.refuse(&format!("import {name}"), &["import", path], 1, &all)
            .0
    }
}

/// The start of a long message, for assertion failures.
fn clip(text: &str) -> String {
    text.chars().take(2000).collect()
}

/// Asserts that `err` names a position `file:line:column` (or `query:line:column`).
fn assert_positioned(err: &str, place: &str, line: usize, column: usize) {
    let expected = format!("{place}:{line}:{column}");
    assert!(
        err.contains(&expected),
        "expected the position {expected} in:\n{}",
        clip(err)
    );
}

// ---------------------------------------------------------------- queries

#[test]
fn deeply_nested_queries_are_refused() {
    let f = Fixture::new();
    // A command-line argument holds at most 128 kB, which is deep enough.
    let depth = 20_000;
    let parens = format!("RETURN {}1{}", "(".repeat(depth), ")".repeat(depth));
    let lists = format!("RETURN {}1{}", "[".repeat(depth), "]".repeat(depth));
    let maps = format!("RETURN {}1{}", "{a: ".repeat(depth), "}".repeat(depth));
    for (what, q) in [("parentheses", parens), ("lists", lists), ("maps", maps)] {
        let (err, _) = f.refuse(what, &["query", &q], 1, &["nested too deeply"]);
        assert!(err.contains(" --> query:1:"), "{what}: {}", clip(&err));
        // The message shows a window of the line, not all of it.
        assert!(err.len() < 4000, "{what}: a message of {} bytes", err.len());
    }
    // CASE nests without brackets.
    let n = 2_000;
    let case = format!(
        "RETURN {}1{}",
        "CASE WHEN true THEN ".repeat(n),
        " END".repeat(n)
    );
    f.refuse("CASE", &["query", &case], 1, &["nested too deeply"]);
    // Full subqueries nest through their braces: refused past the limit,
    // answered below it without reading any body twice.
    let subqueries = |n: usize| {
        format!(
            "MATCH (n) WHERE {}true{} RETURN count(*) AS c",
            "exists { MATCH (m) WHERE ".repeat(n),
            " RETURN 1 }".repeat(n)
        )
    };
    f.refuse(
        "exists",
        &["query", &subqueries(2_000)],
        1,
        &["nested too deeply"],
    );
    let (out, _) = run(
        {
            let mut c = f.command();
            c.args(["query", &subqueries(120)]);
            c
        },
        None,
        "nested exists",
    );
    assert!(
        out.status.success(),
        "{}",
        clip(&String::from_utf8_lossy(&out.stderr))
    );
    // So do NOT and unary minus, which the parser folds in loops.
    let nots = format!("RETURN {}true", "NOT ".repeat(25_000));
    let (out, _) = run(
        {
            let mut c = f.command();
            c.args(["query", &nots]);
            c
        },
        None,
        "NOT chain",
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn huge_literals_in_queries_are_refused() {
    let f = Fixture::new();
    f.refuse(
        "an integer past 64 bits",
        &["query", "RETURN 123456789012345678901234567890 AS n"],
        1,
        &["integer", " --> query:1:8"],
    );
    f.refuse(
        "an integer just past i64::MAX",
        &["query", "RETURN 9223372036854775808 AS n"],
        1,
        &["integer"],
    );
    f.refuse(
        "a float past f64",
        &["query", "RETURN 1e999 AS x"],
        1,
        &["1e999"],
    );
    // A 100 kB literal fits a command line; larger ones come through `run`.
    let big = format!(
        "RETURN '{}' AS s, 99999999999999999999 AS n",
        "x".repeat(100_000)
    );
    f.refuse(
        "a long string beside a huge integer",
        &["query", &big],
        1,
        &["integer"],
    );
}

#[test]
fn control_characters_and_nul_bytes_in_queries_are_refused() {
    let f = Fixture::new();
    // A NUL byte cannot travel in a command-line argument; import files carry
    // it below.
    for (what, q) in [
        ("a bell", "RETURN \u{7} 1"),
        ("an escape sequence", "MATCH (n)\u{1b}[2J RETURN n"),
        ("a form feed inside a name", "MATCH (n:Act\u{c}or) RETURN n"),
    ] {
        let (err, _) = f.refuse(what, &["query", q], 1, &[" --> query:1:"]);
        // The caret line shows control characters as spaces: nothing raw reaches
        // the terminal.
        assert!(
            !err.chars().any(|c| c.is_control() && c != '\n'),
            "{what}: raw control characters in the message: {err:?}"
        );
    }
}

#[test]
fn parameters_of_the_wrong_type_are_refused() {
    let f = Fixture::new();
    // (UNWIND of a single value is one row in openCypher, and a list plus an
    // integer appends: neither is a wrong type.)
    for (what, q, param, expect) in [
        (
            "a string where range needs an integer",
            "UNWIND range(1, $n) AS i CREATE (:Item {n: i})",
            "n=\"three\"",
            &["range", "integer", "string"][..],
        ),
        (
            "a list where a number is needed",
            "CREATE (:Item {n: $n * 2})",
            "n=[1, 2]",
            &["list", "integer", "`*`"],
        ),
        (
            "a map where SKIP needs an integer",
            "MATCH (a:Actor) RETURN a.name SKIP $k",
            "k={\"a\": 1}",
            &["SKIP", "integer", "map"],
        ),
        (
            "a string where LIMIT needs an integer",
            "MATCH (a:Actor) RETURN a.name LIMIT $k",
            "k=\"5\"",
            &["LIMIT", "integer", "string"],
        ),
        (
            "numbers where UNWIND needs maps",
            "UNWIND $xs AS x CREATE (:Item {n: x.y})",
            "xs=[1, 2]",
            &["property", "integer"],
        ),
        (
            "an unknown parameter",
            "CREATE (:Item {n: $missing})",
            "other=1",
            &["$missing"],
        ),
    ] {
        let param_arg = param.to_string();
        f.refuse(what, &["query", q, "--param", &param_arg], 1, expect);
    }
    // A parameter that is not JSON is a wrong command line.
    f.refuse(
        "a parameter that is not JSON",
        &["query", "RETURN $x", "--param", "x=not json"],
        2,
        &["not JSON"],
    );
}

// ---------------------------------------------------------------- bounds

/// A dense graph: `n` actors who each claim each of `n` statements.
fn dense_graph(n: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::from("article \"dense\" {date: \"2023-05-01\"}\n");
    for i in 0..n {
        let _ = writeln!(s, "actor \"Actor {i}\"");
        let _ = writeln!(s, "statement s{i} \"Statement {i}\"");
    }
    for a in 0..n {
        for t in 0..n {
            let _ = writeln!(s, "\"Actor {a}\" claims s{t}");
        }
    }
    s
}

#[test]
fn timeouts_stop_runaway_queries_promptly() {
    let f = Fixture::new();
    let dense = f.file("dense.triples", dense_graph(30).as_bytes());
    let mut cmd = f.command();
    cmd.arg("import").arg(&dense);
    let (out, _) = run(cmd, None, "importing the dense graph");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = Fixture {
        baseline: stats(&f.store),
        ..f
    };
    let timeout = 1.0;
    for (what, q) in [
        (
            "unbounded variable-length paths",
            "MATCH (a)-[*]-(b) RETURN count(*)",
        ),
        (
            "four billion rows",
            "UNWIND range(1, 4000000000) AS x RETURN count(x)",
        ),
        (
            "a runaway write",
            "UNWIND range(1, 4000000000) AS x CREATE (:Item {n: x})",
        ),
    ] {
        let (err, elapsed) = f.refuse(
            what,
            &["query", q, "--timeout", &timeout.to_string()],
            1,
            &[],
        );
        // Stopped by the timeout, or refused up front by a limit: either way,
        // promptly and saying why.
        assert!(
            err.contains("timeout") || err.contains("limit"),
            "{what}: {err}"
        );
        assert!(
            elapsed < Duration::from_secs_f64(timeout + 1.5),
            "{what}: stopped after {elapsed:?}, for a timeout of {timeout} s: {err}"
        );
    }
}

#[test]
fn results_that_would_exhaust_memory_are_refused() {
    let f = Fixture::new();
    let (err, _) = f.refuse(
        "ten billion values collected",
        &[
            "query",
            "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN collect(a + b)",
        ],
        1,
        &["more than"],
    );
    assert!(err.len() < 4000, "{}", clip(&err));
    f.refuse(
        "a list of four billion integers",
        &["query", "RETURN size(range(1, 4000000000)) AS n"],
        1,
        &["more than"],
    );
}

// ---------------------------------------------------------------- import files

#[test]
fn deep_nesting_in_import_files_is_refused() {
    let f = Fixture::new();
    let depth = 100_000;
    let lists = format!(
        "article \"deep\"\nactor \"A\" {{k: {}1{}}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = f.refuse_import("lists.triples", lists.as_bytes(), &[]);
    assert_positioned(
        &err,
        &f.dir.path().join("lists.triples").display().to_string(),
        2,
        16,
    );
    let maps = format!(
        "article \"deep\"\nactor \"A\" {}}}\n",
        "{k: ".repeat(depth) + "1" + &"}".repeat(depth - 1)
    );
    f.refuse_import("maps.triples", maps.as_bytes(), &[":2:"]);
    let json = format!(
        "{{\"article\": {{\"id\": \"deep\"}}}}\n{{\"entity\": {{\"kind\": \"actor\", \"name\": \"A\", \"k\": {}1{}}}}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    f.refuse_import("deep.jsonl", json.as_bytes(), &[":2:"]);
}

#[test]
fn huge_literals_in_import_files_are_refused() {
    let f = Fixture::new();
    let err = f.refuse_import(
        "int.triples",
        b"article \"big\"\nactor \"A\" {n: 123456789012345678901234567890}\n",
        &["integer"],
    );
    assert_positioned(
        &err,
        &f.dir.path().join("int.triples").display().to_string(),
        2,
        15,
    );
    f.refuse_import(
        "float.triples",
        b"article \"big\"\nactor \"A\" {x: 1e999}\n",
        &[":2:15", "too large"],
    );
    f.refuse_import(
        "float.jsonl",
        b"{\"article\": {\"id\": \"big\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": \"A\", \"x\": 1e999}}\n",
        &[":2:"],
    );
}

#[test]
fn control_characters_and_nul_bytes_in_import_files_are_refused() {
    let f = Fixture::new();
    let err = f.refuse_import(
        "nul.triples",
        b"article \"c\"\nactor \"A\"\0 {role: \"x\"}\n",
        &[":2:10"],
    );
    assert!(
        !err.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in the message: {err:?}"
    );
    f.refuse_import(
        "escape.triples",
        b"article \"c\"\n\x1b[31mactor \"A\"\n",
        &[":2:1"],
    );
    f.refuse_import(
        "nul.jsonl",
        b"{\"article\": {\"id\": \"c\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": \"A\"}}\0\n",
        &[":2:"],
    );
    f.refuse_import(
        "raw-control.jsonl",
        b"{\"article\": {\"id\": \"c\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": \"A\x01B\"}}\n",
        &[":2:"],
    );
}

#[test]
fn invalid_utf8_is_refused_at_its_position() {
    let f = Fixture::new();
    let err = f.refuse_import(
        "latin1.triples",
        b"article \"u\"\nactor \"Bj\xf6rn\"\n",
        &["UTF-8", "0xF6"],
    );
    assert_positioned(
        &err,
        &f.dir.path().join("latin1.triples").display().to_string(),
        2,
        10,
    );
    f.refuse_import(
        "latin1.jsonl",
        b"{\"article\": {\"id\": \"u\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": \"Bj\xf6rn\"}}\n",
        &["UTF-8", ":2:"],
    );
    // A sequence cut short at the very end of the file.
    f.refuse_import(
        "cut.triples",
        b"article \"u\"\nactor \"\xe2\x82",
        &["UTF-8", ":2:8"],
    );
    // A script for `run`.
    let script = f.file("script.cypher", b"MATCH (n) RETURN n;\nRETURN '\xff';\n");
    let script = script.to_str().expect("temporary paths are UTF-8");
    f.refuse(
        "a script that is not UTF-8",
        &["run", script],
        1,
        &["UTF-8", &format!("{script}:2:9")],
    );
}

#[test]
fn files_that_end_mid_item_are_refused() {
    let f = Fixture::new();
    let head = "article \"cut\" {date: \"2023-05-01\"}\nactor \"A\"\nstatement s \"S\"\n";
    for (name, tail, expect) in [
        (
            "string.triples",
            "\"A\" claims s {quote: \"never clo",
            ":4:22",
        ),
        (
            "map.triples",
            "\"A\" claims s {quote: \"q\",\n  page: 3",
            ":4:14: never closed",
        ),
        ("triple.triples", "\"A\" claims", ":4:11"),
        ("decl.triples", "statement t", ":4:12"),
        (
            "list.triples",
            "actor \"B\" {aliases: [\"b\",",
            ":4:21: never closed",
        ),
    ] {
        let (place, words) = expect.split_once(": ").unwrap_or((expect, ""));
        f.refuse_import(name, format!("{head}{tail}").as_bytes(), &[place, words]);
    }
    let head =
        "{\"article\": {\"id\": \"cut\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": \"A\"}}\n";
    for (name, tail) in [
        (
            "string.jsonl",
            "{\"entity\": {\"kind\": \"actor\", \"name\": \"B",
        ),
        (
            "object.jsonl",
            "{\"entity\": {\"kind\": \"actor\", \"name\": \"B\"",
        ),
        ("key.jsonl", "{\"entity\": {\"kind\""),
    ] {
        f.refuse_import(name, format!("{head}{tail}").as_bytes(), &[":3:"]);
    }
}

#[test]
fn an_enormous_line_is_refused_with_a_short_message() {
    let f = Fixture::new();
    // 50 MB of text that is not an item, on one line after a good one.
    let mut bytes = b"article \"huge\"\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 50 << 20));
    bytes.push(b'\n');
    let err = f.refuse_import("huge.triples", &bytes, &[":2:"]);
    assert!(err.len() < 4000, "a message of {} bytes", err.len());
    // 50 MB inside an unclosed JSON string.
    let mut bytes = b"{\"article\": {\"id\": \"huge\", \"title\": \"".to_vec();
    bytes.extend(std::iter::repeat_n(b'y', 50 << 20));
    bytes.push(b'\n');
    let err = f.refuse_import("huge.jsonl", &bytes, &[":1:"]);
    assert!(err.len() < 4000, "a message of {} bytes", err.len());
}

#[test]
fn many_errors_are_capped() {
    let f = Fixture::new();
    let bad: String = (0..10_000).map(|i| format!("??? {i}\n")).collect();
    let err = f.refuse_import("many.triples", bad.as_bytes(), &["10000 errors in all"]);
    assert!(err.len() < 100_000, "a message of {} bytes", err.len());
}

// ---------------------------------------------------------------- the store

#[test]
fn a_store_held_by_another_process_is_refused_until_it_exits() {
    let f = Fixture::new();
    // `run -` opens the store, then waits for its script on standard input.
    let spawn_holder = || {
        let mut holder = f.command();
        holder
            .args(["run", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        holder.spawn().expect("the binary starts")
    };
    let mut holder = spawn_holder();
    // Wait until the holder has the lock: a second open is refused then.
    let store = f.store.display().to_string();
    let started = Instant::now();
    loop {
        let mut cmd = f.command();
        cmd.args(["stats", "--format", "json"]);
        let (out, _) = run(cmd, None, "stats beside a holder");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(1), "{err}");
            assert!(err.contains("in use by another process"), "{err}");
            assert!(
                err.contains(&store),
                "the message does not name the store: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            break;
        }
        if let Ok(Some(status)) = holder.try_wait() {
            let mut err = String::new();
            if let Some(mut pipe) = holder.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut err);
            }
            // The holder may have started while this test's own probe had the
            // store open; then it was refused, rightly, and starts again.
            assert!(
                err.contains("in use by another process"),
                "the holder exited ({status}) while the test still needed it: {err}"
            );
            holder = spawn_holder();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the holder never took the lock"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Writes are refused too, and leave nothing.
    let mut cmd = f.command();
    cmd.arg("import").arg(example("bakhmut-followup.triples"));
    let (out, _) = run(cmd, None, "import beside a holder");
    assert_eq!(out.status.code(), Some(1));
    // A holder killed outright releases the store: the OS drops its lock.
    // SAFETY: kill(2) with the pid of a child we own and a valid signal.
    unsafe {
        libc::kill(holder.id() as i32, libc::SIGKILL);
    }
    let _ = holder.wait();
    assert_eq!(stats(&f.store), f.baseline);
}

#[test]
fn a_store_of_another_format_version_is_refused() {
    use claimgraph::storage::sled::SledStorage;
    use claimgraph::storage::FORMAT_VERSION;
    for (version, hint) in [(FORMAT_VERSION + 1, Some("newer claimgraph")), (0, None)] {
        let f = Fixture::new();
        {
            let s = SledStorage::open(&f.store).expect("the store opens");
            s.set_format_version_for_tests(version)
                .expect("the version is written");
        }
        let store = f.store.display().to_string();
        for args in [&["stats"][..], &["query", "RETURN 1"], &["check"]] {
            let mut cmd = f.command();
            cmd.args(args);
            let (out, _) = run(cmd, None, "opening another version");
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(err.contains(&store), "{err}");
            assert!(err.contains(&format!("format version {version}")), "{err}");
            assert!(
                err.contains(&format!("reads version {FORMAT_VERSION}")),
                "{err}"
            );
            if let Some(hint) = hint {
                assert!(err.contains(hint), "{err}");
            }
        }
        // Refusing did not rewrite the version.
        {
            let s = SledStorage::open(&f.store);
            assert!(s.is_err(), "the store was rewritten to this version");
        }
    }
}

#[test]
fn a_store_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("not-a-store");
    std::fs::write(&file, b"hello").expect("writing a file");
    let mut cmd = claimgraph(&file);
    cmd.arg("stats");
    let (out, _) = run(cmd, None, "a file as a store");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not-a-store"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(&file).expect("the file is there"), b"hello");
}

// ---------------------------------------------------------------- fuzz findings and mutations

/// The checks of the fuzz targets in `fuzz/fuzz_targets/`, run here on stable
/// so that every input fuzzing has found stays fixed.
mod checks {
    use std::time::Duration;

    use claimgraph::query::parser::parse;
    use claimgraph::{Cancel, Database, Format};

    /// Imports `bytes`: a refusal writes nothing; an accepted file leaves exact
    /// indexes, and importing it again adds nothing.
    pub fn import(bytes: &[u8], format: Format) -> Result<(), String> {
        let mut db = Database::in_memory();
        let before = db.stats();
        match db.import_bytes("input", bytes, format, None) {
            Ok(_) => {
                db.graph()
                    .verify_indexes()
                    .map_err(|e| format!("an accepted import broke the indexes: {e}"))?;
                let once = db.stats();
                db.import_bytes("input", bytes, format, None)
                    .map_err(|e| format!("a file accepted once is refused the second time: {e}"))?;
                if db.stats() != once {
                    return Err("importing the same file twice added records".into());
                }
            }
            Err(e) => {
                if db.stats() != before {
                    return Err(format!("a refused import changed the store: {e}"));
                }
            }
        }
        Ok(())
    }

    /// Parses `mapping`; if it is accepted, imports `table` through it: a
    /// refusal writes nothing, an accepted table leaves exact indexes.
    pub fn table(mapping: &str, table: &[u8]) -> Result<(), String> {
        let Ok(mapping) = claimgraph::import::Mapping::parse("mapping.toml", mapping) else {
            return Ok(());
        };
        let mut db = Database::in_memory();
        let before = db.stats();
        match db.import_table_bytes("table.tsv", table, &mapping, None) {
            Ok(_) => db
                .graph()
                .verify_indexes()
                .map_err(|e| format!("an accepted import broke the indexes: {e}")),
            Err(e) if db.stats() != before => {
                Err(format!("a refused import changed the store: {e}"))
            }
            Err(_) => Ok(()),
        }
    }

    /// Parses `text`; a statement that parses prints as text that parses back
    /// to the same statement and prints the same again.
    pub fn query_round_trip(text: &str) -> Result<(), String> {
        let Ok(first) = parse(text) else {
            return Ok(());
        };
        let printed = first.to_string();
        let second = parse(&printed)
            .map_err(|e| format!("the printed query does not parse:\n{printed}\n{e}"))?;
        if first.without_source_names() != second.clone().without_source_names() {
            return Err(format!(
                "the printed query means something else:\n{printed}"
            ));
        }
        if second.to_string() != printed {
            return Err(format!("printing is not stable:\n{printed}"));
        }
        Ok(())
    }

    /// Runs `text` over the example article with a one-second timeout: errors
    /// are fine, but a failed query must not change the graph and the indexes
    /// must stay exact.
    pub fn query_exec(text: &str) -> Result<(), String> {
        let article = include_bytes!("../examples/bakhmut.triples");
        let mut db = Database::in_memory();
        db.import_bytes("bakhmut.triples", article, Format::Triples, None)
            .map_err(|e| format!("the example does not import: {e}"))?;
        let before = db.stats();
        let cancel = Cancel::with_timeout(Duration::from_secs(1));
        let result = db.query_with(text, &Default::default(), &cancel);
        if result.is_err() && db.stats() != before {
            return Err("a failed query changed the graph".into());
        }
        db.graph()
            .verify_indexes()
            .map_err(|e| format!("the indexes drifted from the records: {e}"))
    }
}

/// Every input saved in `tests/data/regressions/TARGET/` passes its target's checks.
#[test]
fn fuzz_findings_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regressions");
    let mut failures = Vec::new();
    let mut seen = 0;
    for target in ["triples", "jsonl", "query_parse", "query_exec"] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).expect("reading a saved input");
            let text = String::from_utf8_lossy(&bytes);
            let outcome = match target {
                "triples" => checks::import(&bytes, claimgraph::Format::Triples),
                "jsonl" => checks::import(&bytes, claimgraph::Format::Jsonl),
                "query_parse" => checks::query_round_trip(&text),
                _ => checks::query_exec(&text),
            };
            seen += 1;
            if let Err(e) = outcome {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
    }
    eprintln!("{seen} saved inputs checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

mod mutations {
    //! Random damage to the example files, imported through the library: a
    //! small, always-on cousin of the fuzz targets.

    use proptest::prelude::*;

    use super::checks;

    /// A mutation: replace, insert or delete one byte at a position (taken
    /// modulo the length).
    #[derive(Clone, Debug)]
    enum Edit {
        Set(usize, u8),
        Insert(usize, u8),
        Delete(usize),
        Truncate(usize),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let byte = prop_oneof![
            Just(b'"'),
            Just(b'{'),
            Just(b'}'),
            Just(b'['),
            Just(b']'),
            Just(b'\n'),
            Just(b'\\'),
            Just(b':'),
            Just(b','),
            Just(0u8),
            any::<u8>(),
        ];
        prop_oneof![
            (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
            (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
            any::<usize>().prop_map(Edit::Delete),
            any::<usize>().prop_map(Edit::Truncate),
        ]
    }

    fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
        for e in edits {
            let n = bytes.len().max(1);
            match *e {
                Edit::Set(i, b) if !bytes.is_empty() => bytes[i % n] = b,
                Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
                Edit::Delete(i) if !bytes.is_empty() => {
                    bytes.remove(i % n);
                }
                Edit::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
                _ => {}
            }
        }
        bytes
    }

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200)
    }

    /// Rows shaped as LIAR's (14 tab-separated columns, no header), made up.
    const LIAR_LIKE: &str = "\
1.json\tfalse\tThe moon is made of cheese.\tscience,food\tann-example\tAstronomer\tTexas\tdemocrat\t1\t2\t0\t0\t0\ta radio interview
2.json\thalf-true\t\"Taxes rose\" last year, by a lot.\ttaxes\tbo-sample\t\tOhio\trepublican\t0\t0\t3\t1\t0\ta debate
3.json\tpants-fire\tThe moon is made of cheese.\tscience\tbo-sample\tSenator\tOhio\trepublican\t0\t0\t3\t1\t1\ta tweet
";

    #[test]
    fn the_undamaged_mapping_and_table_import() {
        let mapping = claimgraph::import::Mapping::parse(
            "liar-mapping.toml",
            include_str!("../examples/liar-mapping.toml"),
        )
        .unwrap();
        let mut db = claimgraph::Database::in_memory();
        db.import_table_bytes("liar-like.tsv", LIAR_LIKE.as_bytes(), &mapping, None)
            .unwrap();
        let r = db
            .query(
                "MATCH (s:Statement) RETURN count(s) AS statements",
                &Default::default(),
            )
            .unwrap();
        assert_eq!(r.rows, vec![vec![claimgraph::ResultValue::Int(2)]]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        #[test]
        fn damaged_triples_files_are_refused_cleanly(edits in prop::collection::vec(edit(), 1..6)) {
            let bytes = apply(include_bytes!("../examples/bakhmut.triples").to_vec(), &edits);
            if let Err(e) = checks::import(&bytes, claimgraph::Format::Triples) {
                return Err(TestCaseError::fail(e));
            }
        }

        #[test]
        fn damaged_jsonl_files_are_refused_cleanly(edits in prop::collection::vec(edit(), 1..6)) {
            let bytes = apply(include_bytes!("../examples/bakhmut.jsonl").to_vec(), &edits);
            if let Err(e) = checks::import(&bytes, claimgraph::Format::Jsonl) {
                return Err(TestCaseError::fail(e));
            }
        }

        #[test]
        fn damaged_claimreview_feeds_are_refused_cleanly(edits in prop::collection::vec(edit(), 1..6)) {
            let bytes = apply(include_bytes!("../examples/claimreview-feed.json").to_vec(), &edits);
            if let Err(e) = checks::import(&bytes, claimgraph::Format::ClaimReview) {
                return Err(TestCaseError::fail(e));
            }
        }

        #[test]
        fn damaged_mappings_and_tables_are_refused_cleanly(
            mapping_edits in prop::collection::vec(edit(), 0..3),
            table_edits in prop::collection::vec(edit(), 0..6),
        ) {
            let mapping = apply(include_bytes!("../examples/liar-mapping.toml").to_vec(), &mapping_edits);
            let table = apply(LIAR_LIKE.as_bytes().to_vec(), &table_edits);
            if let Err(e) = checks::table(&String::from_utf8_lossy(&mapping), &table) {
                return Err(TestCaseError::fail(e));
            }
        }
    }
}
