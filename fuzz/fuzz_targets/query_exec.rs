//! Arbitrary text run as a query over a small graph (the Bakhmut article) with a
//! one-second timeout. Any error is fine; a panic or a hang is a finding, and so
//! is a failed query that changed the graph or a graph whose indexes drift.

#![no_main]

use std::time::Duration;

use claimgraph::{Cancel, Database, Format};
use libfuzzer_sys::fuzz_target;

const ARTICLE: &[u8] = include_bytes!("../../examples/bakhmut.triples");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut db = Database::in_memory();
    if let Err(e) = db.import_bytes("bakhmut.triples", ARTICLE, Format::Triples, None) {
        panic!("the example article does not import: {e}");
    }
    let before = db.stats();
    let cancel = Cancel::with_timeout(Duration::from_secs(1));
    let result = db.query_with(text, &Default::default(), &cancel);
    if result.is_err() {
        assert_eq!(db.stats(), before, "a failed query changed the graph");
    }
    if let Err(e) = db.graph().verify_indexes() {
        panic!("the indexes drifted from the records after the query:\n{text}\n---\n{e}");
    }
});
