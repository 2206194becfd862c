//! Query errors as users meet them: the caret under the offending part in
//! `query` and in `run` (at the script's line), the kind, detail and phase
//! through the library, and the JSON object of `--format json`.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use claimgraph::error::{ErrorKind, Phase};
use claimgraph::{Database, Params};
use serde_json::Value as Json;

fn claimgraph(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimgraph").expect("the binary is built for tests");
    cmd.arg("--store").arg(store);
    cmd.env_remove("CLAIMGRAPH_STORE");
    cmd
}

/// An empty store in `dir` (a command that only reads refuses a missing one).
fn empty_store(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("db");
    let nothing = dir.join("empty.triples");
    std::fs::write(&nothing, "").unwrap();
    claimgraph(&store)
        .arg("import")
        .arg(&nothing)
        .assert()
        .success();
    store
}

/// Errors at compile time and at runtime, each with the text the caret must
/// stand under.
const CASES: &[(&str, &str)] = &[
    ("MATCH (n) RETURN m", "m"),
    ("MATCH (a) WHERE count(a) > 1 RETURN a", "count"),
    ("RETURN toUpper(1)", "toUpper"),
    ("RETURN nosuchfunction(1)", "nosuchfunction"),
    // Literals whose type is known before anything runs: the operator or clause.
    ("RETURN NOT 1", "NOT"),
    ("RETURN 1 AND 'x'", "AND"),
    ("RETURN 1 IN 2", "IN"),
    ("MATCH (n) DELETE 1 + 1", "1 + 1"),
    ("WITH 123 AS n RETURN n.num", "n.num"),
    ("RETURN none(x IN ['a'] WHERE x % 2 = 0)", "%"),
    // Raised while running: the operator or function that failed.
    ("WITH 4 AS a RETURN a + 1, a / 0", "/"),
    ("WITH [1] AS v RETURN v, toInteger(v)", "toInteger"),
    ("RETURN 1 AS x, $missing AS y", "$missing"),
];

/// The column (1-based, in characters) of the caret in a rendered error, and the line it names.
fn caret(stderr: &str) -> (String, usize) {
    let place = stderr
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap_or_else(|| panic!("no place in {stderr}"))
        .to_string();
    let lines: Vec<&str> = stderr.lines().collect();
    let caret_line = lines
        .iter()
        .rev()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap_or_else(|| panic!("no caret in {stderr}"));
    let bar = caret_line.find('|').expect("a gutter");
    let col = caret_line[bar + 2..].chars().count();
    (place, col)
}

#[test]
fn query_shows_the_caret_under_the_offending_part() {
    let dir = tempfile::tempdir().unwrap();
    let store = empty_store(dir.path());
    for (query, part) in CASES {
        let out = claimgraph(&store)
            .args(["query", query, "--format", "table"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{query}");
        let err = String::from_utf8_lossy(&out.stderr);
        let (place, col) = caret(&err);
        let expected = query.find(part).unwrap() + 1;
        assert_eq!(place, format!("query:1:{expected}"), "{err}");
        assert_eq!(col, expected, "{err}");
        assert!(err.contains(&format!("1 | {query}")), "{err}");
    }
}

#[test]
fn run_shows_the_script_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = empty_store(dir.path());
    for (query, part) in CASES {
        let script = dir.path().join("script.cypher");
        // The failing statement starts on line 3 and its offending part is on line 4.
        let broken = query.replacen(' ', "\n", 1);
        std::fs::write(&script, format!("RETURN 1 AS one;\n\n{broken};\n")).unwrap();
        let out = claimgraph(&store)
            .args(["run", "--format", "table"])
            .arg(&script)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{query}");
        let err = String::from_utf8_lossy(&out.stderr);
        let (place, col) = caret(&err);
        let second = broken.lines().nth(1).unwrap();
        let expected = second.find(part).unwrap() + 1;
        assert!(
            place.ends_with(&format!("script.cypher:4:{expected}")),
            "{place}: {err}"
        );
        assert_eq!(col, expected, "{err}");
    }
}

#[test]
fn format_json_writes_the_error_object() {
    let dir = tempfile::tempdir().unwrap();
    let store = empty_store(dir.path());
    let refuse = |args: &[&str]| -> Json {
        let out = claimgraph(&store).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        // Only a query that failed before printing anything has an empty output.
        if args[0] == "query" {
            assert!(out.stdout.is_empty(), "{args:?}");
        }
        serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let j = refuse(&["query", "MATCH (n) RETURN m", "--format", "json"]);
    let e = &j["error"];
    assert_eq!(e["kind"], "SyntaxError");
    assert_eq!(e["detail"], "UndefinedVariable");
    assert_eq!(e["phase"], "compile time");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(1), Some(18))
    );
    assert!(e["message"].as_str().unwrap().contains("`m`"), "{j}");

    let j = refuse(&["query", "RETURN toUpper(1)", "--format", "json"]);
    assert_eq!(j["error"]["kind"], "TypeError");
    assert_eq!(j["error"]["phase"], "runtime");
    assert_eq!(j["error"]["column"], 8);

    let j = refuse(&["query", "CALL db.lables()", "--format", "json"]);
    assert_eq!(j["error"]["kind"], "ProcedureError");
    assert_eq!(j["error"]["detail"], "ProcedureNotFound");

    let j = refuse(&["query", "MATCH (n RETURN n", "--format", "json"]);
    assert_eq!(j["error"]["kind"], "SyntaxError");
    assert_eq!(j["error"]["column"], 10);

    let script = dir.path().join("s.cypher");
    std::fs::write(&script, "RETURN 1;\nRETURN $nope;\n").unwrap();
    let j = refuse(&["run", "--format", "json", script.to_str().unwrap()]);
    assert_eq!(j["error"]["kind"], "ParameterMissing");
    assert_eq!(j["error"]["line"], 2);
    assert!(
        j["error"]["file"].as_str().unwrap().ends_with("s.cypher"),
        "{j}"
    );

    // Without --format json the error stays text.
    let out = claimgraph(&store)
        .args(["query", "MATCH (n) RETURN m", "--format", "csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
}

#[test]
fn the_library_reports_kind_detail_and_phase() {
    use ErrorKind::*;
    use Phase::*;
    let mut db = Database::in_memory();
    let mut expect = |q: &str, kind: ErrorKind, detail: Option<&str>, phase: Phase| {
        let c = db
            .query(q, &Params::new())
            .err()
            .and_then(|e| e.code())
            .unwrap_or_else(|| panic!("{q} should fail with a code"));
        assert_eq!(
            (c.kind(), c.detail.name(), c.phase()),
            (kind, detail, phase),
            "{q}"
        );
    };
    expect(
        "MATCH (n) RETURN m",
        SyntaxError,
        Some("UndefinedVariable"),
        CompileTime,
    );
    expect(
        "RETURN 1 / 0",
        ArgumentError,
        Some("DivisionByZero"),
        Runtime,
    );
    // A literal's type follows its variable through WITH and into a
    // comprehension over a list of literals; untyped values wait for the rows.
    let typ = Some("InvalidArgumentType");
    expect(
        "WITH 'text' AS t RETURN t.size",
        TypeError,
        typ,
        CompileTime,
    );
    expect(
        "RETURN [x IN [true, false] | x * 2]",
        SyntaxError,
        typ,
        CompileTime,
    );
    expect("RETURN [x IN [true, 1] | x * 2]", TypeError, typ, Runtime);
    let missing = db
        .query("RETURN $p", &Params::new())
        .err()
        .and_then(|e| e.code());
    let missing = missing.expect("a missing parameter fails with a code");
    assert_eq!(
        (missing.kind(), missing.phase()),
        (ParameterMissing, CompileTime)
    );
    for fine in [
        "WITH {a: 1} AS m RETURN m.a",
        "WITH null AS m RETURN m.a",
        "RETURN [x IN [1, 2.5] | x % 2] AS r",
        "WITH 'a' AS s RETURN s + 'b'",
    ] {
        assert!(db.query(fine, &Params::new()).is_ok(), "{fine}");
    }
    db.query("CREATE (:A)-[:R]->(:B)", &Params::new()).unwrap();
    let c = db
        .query("MATCH (a:A) DELETE a", &Params::new())
        .err()
        .and_then(|e| e.code());
    let c = c.expect("deleting a connected node fails with a code");
    assert_eq!(c.kind(), ConstraintVerificationFailed);
    assert_eq!(c.detail.name(), Some("DeleteConnectedNode"));
}
