//! The standard workload on a small corpus: claimgraph's answers must equal the
//! reference answers (Kuzu's, which Oxigraph and SQLite matched), kept in
//! `tests/data/workload-1000.json`.

use crate::common;

use std::path::Path;

use claimgraph::{output, Database, Format, Params, Value};
use serde_json::Value as Json;

#[test]
fn workload_answers_equal_the_reference_on_1000_articles() {
    let Some(shared) = common::shared("the workload test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::generate_corpus(&shared, 1000, dir.path());

    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-1000.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let expected = expected["expected"].as_object().unwrap();
    assert_eq!(expected.len(), 6);

    for format in [Format::Triples, Format::Jsonl] {
        let mut db = Database::in_memory();
        let file = dir.path().join(match format {
            Format::Triples => "corpus.triples",
            Format::Jsonl => "corpus.jsonl",
            other => unreachable!("the corpus has no {other:?} form"),
        });
        db.import_file(&file, Some(format), None).unwrap();
        for (name, want) in expected {
            let params: Params = want["params"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect();
            let text = want["cypher"].as_str().unwrap();
            let result = db
                .query(text, &params)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let columns: Vec<Json> = result
                .columns
                .iter()
                .map(|c| Json::from(c.as_str()))
                .collect();
            assert_eq!(Json::Array(columns), want["columns"], "{name} columns");
            let rows: Vec<Json> = result
                .rows
                .iter()
                .map(|r| Json::Array(r.iter().map(output::value_to_json).collect()))
                .collect();
            let want_rows = want["rows"].as_array().unwrap();
            assert_eq!(
                rows.len(),
                want_rows.len(),
                "{name}: row count ({format:?})"
            );
            assert_eq!(&rows, want_rows, "{name}: rows ({format:?})");
        }
    }
}
