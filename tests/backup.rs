//! `claimgraph backup DEST`: a consistent copy that opens on its own, made
//! while the store is open; an existing DEST is refused; a damaged store's
//! message names `backup` and the files that were read.

use crate::stores;

use claimgraph::Database;
use stores::{check, claimgraph, example, records, store_with_one_article};

const QUESTION: &str = "MATCH (a)-[r]->(s:Statement) RETURN a.name AS who, type(r) AS how, s.text AS what ORDER BY who, how, what";

#[test]
fn a_backup_made_while_the_store_is_open_answers_like_it_and_opens_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_one_article(&dir.path().join("store"));
    let mut db = Database::open(&store).unwrap();
    db.query(
        "MATCH (a:Actor {name: 'Yevgeny Prigozhin'}) SET a.note = 'after the import'",
        &Default::default(),
    )
    .unwrap();
    // Node and relationship ids keep counting from where the store was.
    db.query("CREATE (:Probe {n: 1})", &Default::default())
        .unwrap();
    db.query("MATCH (p:Probe) DELETE p", &Default::default())
        .unwrap();
    let expected = db.query(QUESTION, &Default::default()).unwrap();
    let counters = (db.graph().next_node_id(), db.graph().next_rel_id());

    let copy = dir.path().join("copy");
    let bytes = db.backup(&copy).unwrap();
    assert!(bytes > 0);
    // The original stays open and writable after its backup.
    db.import_file(&example("bakhmut-followup.triples"), None, None)
        .unwrap();
    drop(db);

    let restored = Database::open(&copy).unwrap();
    let got = {
        let mut restored = restored;
        let got = restored.query(QUESTION, &Default::default()).unwrap();
        restored.graph().verify_indexes().unwrap();
        got
    };
    assert_eq!(got.rows, expected.rows);
    // Ids keep counting where the store was: the deleted probe's is not reused.
    let held = check(&copy);
    assert_eq!((held.next_node_id, held.next_rel_id), counters);
    assert!(held
        .nodes
        .iter()
        .all(|n| !n.labels.contains(&"Probe".to_string())));

    // The same from the command line; an existing DEST is refused, untouched.
    let second = dir.path().join("second");
    let out = claimgraph(&store)
        .arg("backup")
        .arg(&second)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("backed up to"), "{said}");
    assert_eq!(records(&second), records(&store));
    let out = claimgraph(&store)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(records(&copy), held, "a refused backup changed its DEST");
    // No staging directory is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_damaged_store_names_backup_and_the_files_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_one_article(&dir.path().join("store"));
    // Reopened, sled writes a snapshot of its recovery.
    drop(Database::open(&store).unwrap());
    // A snapshot that cannot be read: the newest sled finds.
    let snapshot = std::fs::read_dir(store.join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
        })
        .expect("sled wrote a snapshot");
    std::fs::write(&snapshot, b"not a snapshot at all, and long enough").unwrap();
    for command in ["check", "stats"] {
        let out = claimgraph(&store).arg(command).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("damaged"), "{command}: {err}");
        assert!(err.contains("files read:"), "{command}: {err}");
        assert!(
            err.contains(&snapshot.display().to_string()),
            "{command}: {err}"
        );
        assert!(err.contains("backup DEST"), "{command}: {err}");
    }
}

#[test]
fn an_unfinished_snapshot_left_by_a_full_disk_does_not_damage_the_store() {
    // sled writes `snap.N.generating` and renames it when whole; a full disk
    // or a kill leaves it empty, and sled would read it as the newest.
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_one_article(&dir.path().join("store"));
    let before = records(&store);
    std::fs::write(
        store.join("data").join("snap.FFFFFFFFFFFFFFFF.generating"),
        b"",
    )
    .unwrap();
    assert_eq!(check(&store), before);
}
