//! Golden tests: scripts of queries over the example articles, with their
//! results, errors and plans, compared with reviewed snapshots
//! (`tests/snapshots/`). After a deliberate change, regenerate with
//! `INSTA_UPDATE=always cargo test --test suite golden::` and review the diff.

use crate::common;

use std::path::Path;

use claimgraph::output::{self, OutputFormat, TableOptions};
use claimgraph::query::script::{self, ItemKind};
use claimgraph::{Database, Error, Params, Value};

fn examples_store() -> Database {
    let mut db = Database::in_memory();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for file in ["bakhmut.triples", "bakhmut-followup.triples"] {
        db.import_file(&dir.join(file), None, None).unwrap();
    }
    db
}

/// Runs every statement of a script (going on after errors) and writes what a
/// user would see: the statement, then its table or its error.
fn transcript(script_path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(script_path);
    let text = std::fs::read_to_string(&path).unwrap();
    transcript_of(script_path, &text, "", &Params::new())
}

/// [`transcript`] of a script's text, each statement prefixed with `prefix`
/// and run with `params`.
fn transcript_of(script_path: &str, text: &str, prefix: &str, params: &Params) -> String {
    let mut db = examples_store();
    let mut out = Vec::new();
    for item in script::split(text) {
        assert_eq!(
            item.kind,
            ItemKind::Statement,
            "{script_path}: commands are not used here"
        );
        let statement = format!("{prefix}{}", item.text);
        // Leading comment lines belong to the statement: show them once, as text.
        out.extend_from_slice(format!("> {}\n", statement.replace('\n', "\n> ")).as_bytes());
        match db.query(&statement, params) {
            Ok(result) => {
                output::write_result(
                    &result,
                    OutputFormat::Table,
                    TableOptions::default(),
                    &mut out,
                )
                .unwrap();
            }
            Err(e) => {
                let shown = match &e {
                    Error::Input(_) => e.to_string(),
                    Error::Query {
                        diagnostic: Some(d),
                        ..
                    } => d.to_string(),
                    other => format!("error: {other}"),
                };
                out.extend_from_slice(shown.as_bytes());
                out.push(b'\n');
            }
        }
        out.push(b'\n');
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn queries() {
    insta::assert_snapshot!(transcript("examples/queries.cypher"));
}

#[test]
fn errors() {
    insta::assert_snapshot!(transcript("tests/golden/errors.cypher"));
}

#[test]
fn explain() {
    insta::assert_snapshot!(transcript("tests/golden/explain.cypher"));
}

/// The plans of the six standard queries (`bench/queries.cypher` in the shared
/// material), with hubs of the example articles as their parameters.
#[test]
fn explain_standard_workload() {
    let Some(shared) = common::shared("explain_standard_workload") else {
        return;
    };
    let path = shared.join("bench/queries.cypher");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut params = Params::new();
    for (name, value) in [
        ("actor", "Yevgeny Prigozhin"),
        ("org", "Wagner"),
        ("place", "Bakhmut"),
    ] {
        params.insert(name.into(), Value::from(value));
    }
    let shown = transcript_of("bench/queries.cypher", &text, "EXPLAIN ", &params);
    assert_eq!(shown.matches("\n> EXPLAIN").count() + 1, 6, "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn writes() {
    insta::assert_snapshot!(transcript("tests/golden/writes.cypher"));
}

/// A write that fails half-way leaves every record as it was.
#[test]
fn a_failed_write_changes_nothing() {
    let mut db = examples_store();
    let before = db.stats();
    let nodes_before: Vec<_> = db.graph().nodes().cloned().collect();
    let err = db
        .query(
            "MATCH (a:Actor) SET a.touched = true WITH count(a) AS n CREATE (:Place {name: 'X'}) RETURN n / 0",
            &Params::new(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("zero"), "{err}");
    assert_eq!(db.stats(), before);
    let mut nodes_after: Vec<_> = db.graph().nodes().cloned().collect();
    let mut nodes_before = nodes_before;
    nodes_before.sort_by_key(|n| n.id);
    nodes_after.sort_by_key(|n| n.id);
    assert_eq!(nodes_after, nodes_before);
    db.graph().verify_indexes().unwrap();
}
