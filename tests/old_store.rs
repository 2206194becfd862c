//! Stores written by earlier releases still open, and answer the example
//! questions exactly as a store imported by this release does:
//! `tests/data/store-before-temporal` (made with `claimgraph import
//! examples/bakhmut.triples examples/bakhmut-followup.triples` by the release
//! before temporal values) and `tests/data/store-before-history` (the same
//! imports and the write query [`WRITE`], by the release before the store's
//! history; format version 1, upgraded at open).

use std::path::{Path, PathBuf};

use claimgraph::output::result_to_json;
use claimgraph::query::script::{self, ItemKind};
use claimgraph::{Database, Params, ResultValue};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The write query run on `store-before-history` after the two imports.
const WRITE: &str = "MATCH (o:Organisation {name: 'Wagner'}) SET o.founded = 2014 RETURN o.name";

/// A copy of the kept store, so that opening it cannot change the test data.
fn old_store(dir: &Path) -> PathBuf {
    kept_store("store-before-temporal", dir)
}

/// A copy of the kept store `name` in `dir`.
fn kept_store(name: &str, dir: &Path) -> PathBuf {
    let from = root().join("tests/data").join(name).join("data");
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

/// Every example question has the same answer on `old` and `new`.
fn same_answers(old: &mut Database, new: &mut Database) {
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
fn a_store_of_the_previous_release_answers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut old = Database::open(old_store(dir.path())).expect("the old store opens");
    same_answers(&mut old, &mut fresh());
}

#[test]
fn a_store_before_history_is_upgraded_and_its_history_starts_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = kept_store("store-before-history", dir.path());
    let mut new = fresh();
    new.query(WRITE, &Params::new()).unwrap();
    {
        let mut old = Database::open(&path).expect("the old store opens");
        same_answers(&mut old, &mut new);
        let founded = "MATCH (o:Organisation {name: 'Wagner'}) RETURN o.founded";
        let r = old.query(founded, &Params::new()).unwrap();
        assert_eq!(r.rows, [[ResultValue::Int(2014)]], "the old write query");
        let log = old.log().unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].tx, 1);
        assert_eq!(log[0].what, "upgrade from format version 1");
        // The state at the upgrade is kept; nothing before it is.
        let mut at = old.at_tx(1).unwrap();
        same_answers(&mut at, &mut new);
        let e = old.at_tx(0).err().expect("no state before the upgrade");
        assert!(e.to_string().contains("older than the history"), "{e}");
        old.query("CREATE (:Probe)", &Params::new()).unwrap();
    }
    // Reopened: upgraded once, and the write after it is transaction 2.
    let old = Database::open(&path).unwrap();
    let log = old.log().unwrap();
    assert_eq!(
        log.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(),
        ["upgrade from format version 1", "CREATE (:Probe)"]
    );
    let mut at = old.at_tx(1).unwrap();
    same_answers(&mut at, &mut new);
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

#[test]
fn a_store_of_the_previous_release_gains_a_census_and_stats_read_it() {
    use claimgraph::storage::{sled::SledStorage, Storage};
    let dir = tempfile::tempdir().unwrap();
    let path = old_store(dir.path());
    assert_eq!(
        SledStorage::open(&path).unwrap().census().unwrap(),
        None,
        "the previous release kept no census"
    );
    let counted = fresh().stats();
    assert_eq!(Database::open_stats(&path).unwrap(), counted);
    let kept = SledStorage::open(&path).unwrap().census().unwrap();
    assert_eq!(kept.map(claimgraph::Stats::from), Some(counted));
}
