//! A store written by the release before temporal values (made with
//! `claimgraph import examples/bakhmut.triples examples/bakhmut-followup.triples`
//! and kept in `tests/data/store-before-temporal`) still opens, and answers the
//! example questions exactly as a store imported by this release does.

use std::path::{Path, PathBuf};

use claimgraph::output::result_to_json;
use claimgraph::query::script::{self, ItemKind};
use claimgraph::{Database, Params, ResultValue};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the kept store, so that opening it cannot change the test data.
fn old_store(dir: &Path) -> PathBuf {
    let from = root().join("tests/data/store-before-temporal/data");
    let to = dir.join("store");
    std::fs::create_dir_all(to.join("data")).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if !entry.path().is_file() {
            continue;
        }
        std::fs::copy(entry.path(), to.join("data").join(entry.file_name())).unwrap();
    }
    to
}

fn fresh() -> Database {
    let mut db = Database::in_memory();
    for file in ["bakhmut.triples", "bakhmut-followup.triples"] {
        db.import_file(&root().join("examples").join(file), None, None)
            .unwrap();
    }
    db
}

#[test]
fn a_store_of_the_previous_release_answers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut old = Database::open(old_store(dir.path())).expect("the old store opens");
    let mut new = fresh();
    let text = std::fs::read_to_string(root().join("examples/queries.cypher")).unwrap();
    let mut compared = 0;
    for item in script::split(&text) {
        assert_eq!(item.kind, ItemKind::Statement);
        let a = old
            .query(&item.text, &Params::new())
            .map(|r| result_to_json(&r));
        let b = new
            .query(&item.text, &Params::new())
            .map(|r| result_to_json(&r));
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", item.text),
            (a, b) => panic!("{}: {a:?} / {b:?}", item.text),
        }
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} questions compared");
}

#[test]
fn importing_again_into_an_old_store_types_its_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_store(dir.path());
    let year = "MATCH (a:Article {id: 'bakhmut-flag-2023-04-03'}) RETURN a.date AS d";
    {
        let mut old = Database::open(&path).unwrap();
        let r = old.query(year, &Params::new()).unwrap();
        // Written before dates were typed: a string, as it was.
        assert_eq!(r.rows[0][0], ResultValue::String("2023-04-03".into()));
        old.import_file(&root().join("examples/bakhmut.triples"), None, None)
            .unwrap();
    }
    let mut old = Database::open(&path).unwrap();
    let r = old
        .query(&format!("{year}, a.date.year AS y"), &Params::new())
        .unwrap();
    assert!(
        matches!(r.rows[0][0], ResultValue::Temporal(_)),
        "{:?}",
        r.rows
    );
    assert_eq!(r.rows[0][1], ResultValue::Int(2023));
}
