//! Time on two axes over the two example articles: the graph as of an
//! article date, and the store's own history (`log`, `--at-tx`, `diff`,
//! `compact`), through the library and the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use claimgraph::output::result_to_json;
use claimgraph::{Database, Params};
use serde_json::Value as Json;

use crate::stores;

const FIRST: &str = "bakhmut.triples";
const SECOND: &str = "bakhmut-followup.triples";
/// The day before the second article (2023-05-05).
const DAY_BEFORE_SECOND: &str = "2023-05-04";
const WRITE: &str = "MATCH (o:Organisation {name: 'Wagner'}) SET o.founded = 2014";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn import(db: &mut Database, name: &str) {
    db.import_file(&example(name), None, None).unwrap();
}

fn answer(db: &mut Database, q: &str) -> Json {
    result_to_json(&db.query(q, &Params::new()).unwrap())
}

/// Claims, denials and statements: what the as-of view must get exactly.
const STANCES: &str = "MATCH (a)-[r:CLAIMS|DENIES]->(s:Statement) \
    RETURN a.name AS who, type(r) AS how, s.text AS what, r.article AS article \
    ORDER BY who, how, what, article";
const STATEMENTS: &str = "MATCH (s:Statement) RETURN s.text AS t ORDER BY t";
/// Every record, for comparing whole states.
const NODES: &str = "MATCH (n) RETURN n ORDER BY id(n)";
const RELS: &str = "MATCH ()-[r]->() RETURN r ORDER BY id(r)";

/// A store with both articles and then the write query: transactions 1, 2, 3.
fn three_transactions(path: &Path) -> Database {
    let mut db = Database::open(path).unwrap();
    import(&mut db, FIRST);
    import(&mut db, SECOND);
    db.query(WRITE, &Params::new()).unwrap();
    db
}

fn first_only() -> Database {
    let mut db = Database::in_memory();
    import(&mut db, FIRST);
    db
}

#[test]
fn as_of_the_day_before_the_second_article_shows_the_first_one_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = three_transactions(&dir.path().join("store"));
    let mut view = db.as_of(DAY_BEFORE_SECOND).unwrap();
    let mut first = first_only();
    for q in [STANCES, STATEMENTS] {
        assert_eq!(answer(&mut view, q), answer(&mut first, q), "{q}");
    }
    // Non-trivial: the whole graph holds more of each.
    let mut all = db.as_of("2023-05-05").unwrap();
    assert_ne!(answer(&mut all, STANCES), answer(&mut first, STANCES));
    let n = |db: &mut Database, q: &str| answer(db, q)["rows"][0][0].clone();
    let articles = "MATCH (a:Article) RETURN count(a)";
    assert_eq!(n(&mut view, articles), 1);
    assert_eq!(n(&mut all, articles), 2);
    // Actors, organisations and places stay, even those of the later article.
    let shoigu = "MATCH (a:Actor {name: 'Sergei Shoigu'}) RETURN count(a)";
    assert_eq!(n(&mut view, shoigu), 1);
    // Before any article: no statement, no article, every entity.
    let mut none = db.as_of("2000-01-01").unwrap();
    assert_eq!(n(&mut none, "MATCH (s:Statement) RETURN count(s)"), 0);
    assert_eq!(n(&mut none, articles), 0);
    let places = "MATCH (p:Place) RETURN count(p)";
    assert_eq!(n(&mut none, places), n(&mut all, places));
    // A view is read-only; a bad date is refused with the reason.
    let e = view.query("CREATE (:X)", &Params::new()).unwrap_err();
    assert!(e.to_string().contains("refused under --as-of"), "{e}");
    let e = db.as_of("yesterday").err().unwrap();
    assert!(e.to_string().contains("not an ISO 8601 date"), "{e}");
}

#[test]
fn at_tx_log_diff_and_compact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    drop(three_transactions(&path));
    let mut db = Database::open(&path).unwrap();

    // The log: both imports and the write query, numbered from 1.
    let log = db.log().unwrap();
    let what: Vec<&str> = log.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(log.iter().map(|e| e.tx).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(
        what[0].starts_with("import ") && what[0].ends_with(FIRST),
        "{what:?}"
    );
    assert!(what[1].ends_with(SECOND), "{what:?}");
    assert_eq!(what[2], WRITE);
    assert_eq!(
        (log[0].nodes_created, log[0].relationships_created),
        (25, 31)
    );
    assert_eq!(log[2].properties_set, 1);

    // --at-tx 1 is exactly what the first import wrote.
    let mut first = first_only();
    let mut at1 = db.at_tx(1).unwrap();
    for q in [NODES, RELS] {
        assert_eq!(answer(&mut at1, q), answer(&mut first, q), "{q}");
    }
    assert_eq!(at1.stats(), first.stats());
    // --at-tx 0 is the empty store; the last one is the present.
    assert_eq!(db.at_tx(0).unwrap().stats().nodes, 0);
    let mut at3 = db.at_tx(3).unwrap();
    assert_eq!(answer(&mut at3, NODES), answer(&mut db, NODES));
    let e = db.at_tx(4).err().unwrap();
    assert!(e.to_string().contains("no transaction 4"), "{e}");
    let e = at1.query("CREATE (:X)", &Params::new()).unwrap_err();
    assert!(e.to_string().contains("refused under --at-tx 1"), "{e}");

    // diff 2 3: the one node the write query changed.
    let d = db.diff(2, 3).unwrap();
    assert!(d.nodes.added.is_empty() && d.nodes.removed.is_empty());
    assert_eq!(d.nodes.changed.len(), 1);
    assert!(!d.nodes.changed[0].before.properties.contains_key("founded"));
    assert!(d.nodes.changed[0].after.properties.contains_key("founded"));
    let r = &d.relationships;
    assert!(r.added.is_empty() && r.removed.is_empty() && r.changed.is_empty());
    // diff 1 2: what the second import added, the other way round removed.
    let d = db.diff(1, 2).unwrap();
    assert_eq!(d.nodes.added.len(), 8);
    assert_eq!(d.relationships.added.len(), 15);
    let back = db.diff(2, 1).unwrap();
    assert_eq!(back.nodes.removed, d.nodes.added);

    // A deletion is undone with the records as they were.
    db.query("MATCH (s:Statement) DETACH DELETE s", &Params::new())
        .unwrap();
    let mut at3 = db.at_tx(3).unwrap();
    assert_eq!(answer(&mut at3, STANCES), answer(&mut three(), STANCES));

    // compact --before 3 keeps the states after 2 and later, and says so.
    let freed = db.compact_history(3).unwrap();
    assert!(freed > 0);
    assert!(db.at_tx(2).is_ok());
    let e = db.at_tx(1).err().unwrap();
    assert!(e.to_string().contains("older than the history"), "{e}");
    assert_eq!(db.log().unwrap().len(), 4, "the log keeps every entry");
}

/// The three transactions in memory, for comparing.
fn three() -> Database {
    let mut db = Database::in_memory();
    import(&mut db, FIRST);
    import(&mut db, SECOND);
    db.query(WRITE, &Params::new()).unwrap();
    db
}

#[test]
fn a_change_of_its_own_is_recorded_with_its_words() {
    let mut db = Database::in_memory();
    import(&mut db, FIRST);
    let (_, _, tx) = db
        .write_as("merge actor \"A\" \"B\"", |txn| {
            txn.create_node(vec!["Probe".into()], Default::default())
        })
        .unwrap();
    assert_eq!(tx, Some(2));
    assert_eq!(db.log().unwrap()[1].what, "merge actor \"A\" \"B\"");
    let (_, _, none) = db.write_as("nothing", |_| Ok(())).unwrap();
    assert_eq!(none, None, "a change of nothing is not recorded");
}

fn cli(store: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_speaks_of_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    drop(three_transactions(&store));
    let (ok, out, err) = cli(&store, &["log", "--format", "json"]);
    assert!(ok, "{err}");
    let log: Json = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = log[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for key in [
        "tx",
        "time",
        "what",
        "nodes_created",
        "nodes_deleted",
        "relationships_created",
        "relationships_deleted",
        "properties_set",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(log[2]["what"], WRITE);

    let (ok, out, err) = cli(&store, &["diff", "2", "3", "--format", "json"]);
    assert!(ok, "{err}");
    let d: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(
        d["nodes"]["changed"][0]["after"]["properties"]["founded"],
        2014
    );
    assert_eq!(d["relationships"]["added"], Json::Array(vec![]));

    let count = "MATCH (s:Statement) RETURN count(s) AS n";
    let n = |args: &[&str]| -> Json {
        let (ok, out, err) = cli(&store, args);
        assert!(ok, "{args:?}: {err}");
        serde_json::from_str::<Json>(&out).unwrap()["rows"][0][0].clone()
    };
    let all = n(&["query", count, "--format", "json"]);
    let first = n(&["query", count, "--format", "json", "--at-tx", "1"]);
    let dated = n(&[
        "query",
        count,
        "--format",
        "json",
        "--as-of",
        DAY_BEFORE_SECOND,
    ]);
    assert_eq!(first, dated);
    assert_ne!(first, all);

    let (ok, _, err) = cli(&store, &["query", "CREATE (:X)", "--at-tx", "1"]);
    assert!(!ok && err.contains("refused under --at-tx 1"), "{err}");
    let (ok, out, err) = cli(&store, &["compact", "--before", "2"]);
    assert!(ok && out.contains("freed"), "{out}{err}");
    let (ok, _, err) = cli(&store, &["stats", "--at-tx", "0"]);
    assert!(
        !ok && err.contains("oldest state kept is after transaction 1"),
        "{err}"
    );
}

/// A one-node write costs bytes in proportion to the change, however large
/// the store. On a store whose import is one large value (about 1 MB here),
/// 200 one-node writes in one session grow it by well under a megabyte: each
/// write adds its batch, its change record and its log entry (a few hundred
/// bytes together) plus sled's frames, and sled's log grows in segments of
/// 512 KiB. The first writes after the import take the segments after the
/// import's padding (about 1.3 MB, once), so the 200 are counted after 20
/// of them. When the writes shared a tree with the import's chunk, sled
/// rewrote that whole value every ten writes or so: 200 writes cost about
/// 20 times the store's size.
#[test]
fn one_node_writes_cost_bytes_in_proportion_to_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut text = String::from("article \"big\" {date: \"2023-04-03\"}\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "actor \"Actor {i}\" {{role: \"{}\"}}\n",
            "a role described at some length ".repeat(6)
        ));
    }
    let mut db = Database::open(&path).unwrap();
    db.import_bytes(
        "big.triples",
        text.as_bytes(),
        claimgraph::Format::Triples,
        None,
    )
    .unwrap();
    drop(db);
    let size = stores::dir_size(&path);
    assert!(size > 700_000, "the import takes {size} bytes");
    // One session of one-node writes, numbered `range`.
    let writes = |range: std::ops::Range<u32>| {
        let mut db = Database::open(&path).unwrap();
        for n in range {
            db.query(
                &format!("MATCH (a:Actor {{name: 'Actor 7'}}) SET a.n = {n}"),
                &Params::new(),
            )
            .unwrap();
        }
    };
    writes(0..20);
    let imported = stores::dir_size(&path);
    writes(0..200);
    let grown = stores::dir_size(&path) - imported;
    assert!(
        grown < 1_000_000,
        "200 one-node writes grew a store of {imported} bytes by {grown} bytes"
    );
    // Nothing was lost on the way: the last write and the history are there.
    let mut db = Database::open(&path).unwrap();
    assert_eq!(
        answer(&mut db, "MATCH (a:Actor {name: 'Actor 7'}) RETURN a.n AS n")["rows"][0][0],
        199
    );
    assert_eq!(db.log().unwrap().len(), 221);
}

/// `Database::view` is the one composition: at the transaction, then as of
/// the date; a view asked of a view is refused with one message.
#[test]
fn one_view_composes_the_two_axes_and_refuses_a_view_of_a_view() {
    let dir = tempfile::tempdir().unwrap();
    let db = three_transactions(&dir.path().join("store"));
    assert!(db.view(None, None).unwrap().is_none());
    let mut both = db.view(Some(DAY_BEFORE_SECOND), Some(2)).unwrap().unwrap();
    let mut first = first_only();
    assert_eq!(answer(&mut both, STANCES), answer(&mut first, STANCES));
    assert_eq!(
        both.time_view(),
        Some(format!("--at-tx 2 --as-of {DAY_BEFORE_SECOND}").as_str())
    );
    // At transaction 1 the second article is not there, whatever the date.
    let mut early = db.view(Some("2023-05-05"), Some(1)).unwrap().unwrap();
    assert_eq!(answer(&mut early, STANCES), answer(&mut first, STANCES));
    let at = db.at_tx(2).unwrap();
    for e in [
        at.as_of(DAY_BEFORE_SECOND).err().unwrap(),
        at.at_tx(1).err().unwrap(),
        both.view(None, Some(1)).err().unwrap(),
    ] {
        let e = e.to_string();
        assert!(e.contains("cannot be taken of a view of time"), "{e}");
        assert!(e.contains("--at-tx N --as-of DATE"), "{e}");
    }
}
