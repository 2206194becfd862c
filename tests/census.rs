//! The census `claimgraph stats` reads without loading the records: it is
//! the records' count after every kind of change, an old store gains one at
//! its first open, and `check` reports (and an open mends) one that is wrong
//! or damaged.

use claimgraph::storage::sled::SledStorage;
use claimgraph::storage::{Census, Storage};
use claimgraph::{Database, Params, Stats};

use crate::stores::{claimgraph, example};

/// Overwrites the census record of the closed store at `path`.
fn set_census(path: &std::path::Path, bytes: &[u8]) {
    SledStorage::open(path)
        .unwrap()
        .set_census_bytes_for_tests(bytes)
        .unwrap();
}

/// The counts from the census alone, and from loading every record.
fn both(path: &std::path::Path) -> (Stats, Stats) {
    let kept = SledStorage::open(path)
        .unwrap()
        .census()
        .unwrap()
        .expect("a census for the last transaction");
    let db = Database::open(path).unwrap();
    let counted = db.stats();
    drop(db);
    assert_eq!(
        Database::open_stats(path).unwrap(),
        Stats::from(kept.clone())
    );
    (Stats::from(kept), counted)
}

#[test]
fn the_census_is_the_records_count_after_each_kind_of_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut db = Database::open(&path).unwrap();
    db.import_file(&example("bakhmut.triples"), None, None)
        .unwrap();
    drop(db);
    let (kept, counted) = both(&path);
    assert_eq!(kept, counted);
    assert!(kept.nodes > 0 && kept.articles == 1, "{kept:?}");

    let writes = [
        "CREATE (:Actor {name: 'Census Test'})-[:LEADS]->(:Organisation {name: 'Census Org'})",
        "MATCH (a:Actor {name: 'Census Test'}) SET a:Person",
        "MATCH (a:Actor {name: 'Census Test'}) REMOVE a:Actor",
        "MATCH ()-[r:LEADS]->(o:Organisation {name: 'Census Org'}) DELETE r",
        "MATCH (o:Organisation {name: 'Census Org'}) DETACH DELETE o",
        "MATCH (p:Person) DETACH DELETE p",
    ];
    for (i, q) in writes.iter().enumerate() {
        let mut db = Database::open(&path).unwrap();
        db.query(q, &Params::default()).unwrap();
        drop(db);
        let (kept, counted) = both(&path);
        assert_eq!(kept, counted, "after {q}");
        if i == 1 {
            assert_eq!(kept.labels.get("Person"), Some(&1), "after {q}");
        }
    }
    let (kept, _) = both(&path);
    assert!(!kept.labels.contains_key("Person"));

    // A second import: still the records' counts.
    let mut db = Database::open(&path).unwrap();
    db.import_file(&example("bakhmut-followup.triples"), None, None)
        .unwrap();
    drop(db);
    let (kept, counted) = both(&path);
    assert_eq!(kept, counted);
    assert_eq!(kept.articles, 2);
}

#[test]
fn a_backup_keeps_a_census() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::stores::store_with_one_article(&dir.path().join("store"));
    let db = Database::open(&path).unwrap();
    let dest = dir.path().join("copy");
    db.backup(&dest).unwrap();
    let counted = db.stats();
    drop(db);
    let (kept, copied) = both(&dest);
    assert_eq!(kept, counted);
    assert_eq!(copied, counted);
}

#[test]
fn a_store_without_a_census_gains_one_at_its_first_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::stores::store_with_one_article(&dir.path().join("store"));
    // Stand for a store of an earlier release: a census of an earlier
    // transaction is not used.
    let stale = Census::of_records([], []).at(0);
    set_census(&path, &stale.encode().unwrap());
    assert_eq!(SledStorage::open(&path).unwrap().census().unwrap(), None);
    let stats = Database::open_stats(&path).unwrap();
    assert!(stats.nodes > 0);
    let (kept, counted) = both(&path);
    assert_eq!(kept, counted);
    assert_eq!(stats, counted);
}

#[test]
fn check_reports_a_wrong_or_damaged_census_and_the_open_mends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::stores::store_with_one_article(&dir.path().join("store"));
    let mut wrong = SledStorage::open(&path).unwrap().census().unwrap().unwrap();
    wrong.nodes += 5;
    wrong.labels.insert("Actor".into(), 999);
    set_census(&path, &wrong.encode().unwrap());
    // `stats` trusts the census; `check` counts the records and says so.
    let out = claimgraph(&path)
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"Actor\":999"));
    let out = claimgraph(&path).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("999 of label Actor, not"), "{text}");
    assert!(text.contains("it now holds the records' counts"), "{text}");
    let (kept, counted) = both(&path);
    assert_eq!(kept, counted);

    // Bytes that do not decode: `stats` counts the records instead, and
    // the open that does so writes a census again.
    set_census(&path, &[0xff, 0xff, 0xff]);
    let out = claimgraph(&path)
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["nodes"], counted.nodes);
    let (kept, counted) = both(&path);
    assert_eq!(kept, counted);

    // Again damaged, then `check`: it says what it mended.
    set_census(&path, &[0xff]);
    let out = claimgraph(&path).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("census") && text.contains("does not decode"),
        "{text}"
    );
}
