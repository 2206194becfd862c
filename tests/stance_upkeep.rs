//! The graph's stance table kept across writes: after random sequences of
//! writes (stances made and deleted, dates changed, articles made and
//! deleted, statements renamed, actors merged and deleted, writes rolled
//! back), the table the graph holds is the one built from scratch, and
//! `claims.contested()` and `claims.stance` agree with plain Cypher.

use std::collections::BTreeSet;

use claimgraph::claims::{self, Target};
use claimgraph::{Database, Params, ResultValue, Value};
use proptest::prelude::*;

const ACTORS: usize = 4;
const STATEMENTS: usize = 3;
const ARTICLES: usize = 4;

fn base() -> Database {
    let mut db = Database::in_memory();
    let mut text = String::from("article \"art0\" {date: \"2023-01-01\"}\n");
    for a in 0..ACTORS {
        text.push_str(&format!("actor \"A{a}\"\n"));
    }
    for s in 0..STATEMENTS {
        text.push_str(&format!("statement s{s} \"S{s}\"\n"));
    }
    text.push_str("\"A0\" claims s0\n\"A1\" denies s0\n\"A2\" claims s1\n");
    db.import_bytes(
        "base.triples",
        text.as_bytes(),
        claimgraph::Format::Triples,
        None,
    )
    .unwrap();
    db.query(
        "CREATE (:Article {id: 'art1', date: date('2023-02-01')})",
        &Params::new(),
    )
    .unwrap();
    db
}

/// One write, by its parameters: actor, statement, article, day, kind.
#[derive(Clone, Debug)]
struct Write {
    kind: usize,
    a: usize,
    b: usize,
    s: usize,
    art: usize,
    day: u32,
}

fn write() -> impl Strategy<Value = Write> {
    (
        0..15usize,
        0..ACTORS,
        0..ACTORS,
        0..STATEMENTS,
        0..ARTICLES,
        1..28u32,
    )
        .prop_map(|(kind, a, b, s, art, day)| Write {
            kind,
            a,
            b,
            s,
            art,
            day,
        })
}

fn run(db: &mut Database, w: &Write) {
    let mut p = Params::new();
    p.insert("a".into(), Value::from(format!("A{}", w.a).as_str()));
    p.insert("b".into(), Value::from(format!("A{}", w.b).as_str()));
    p.insert("s".into(), Value::from(format!("S{}", w.s).as_str()));
    p.insert("art".into(), Value::from(format!("art{}", w.art).as_str()));
    p.insert(
        "d".into(),
        Value::from(format!("2023-03-{:02}", w.day).as_str()),
    );
    let stance = ["CLAIMS", "DENIES", "ASSESSES"][w.day as usize % 3];
    let text = match w.kind {
        0 => format!(
            "MATCH (a:Actor {{name: $a}}), (s:Statement {{text: $s}}) \
             CREATE (a)-[:{stance} {{article: $art}}]->(s)"
        ),
        1 => format!(
            "MATCH (a:Actor {{name: $a}}), (s:Statement {{text: $s}}) \
             CREATE (a)-[:{stance} {{article: $art, date: date($d)}}]->(s)"
        ),
        2 => "MATCH ()-[r]->(s:Statement {text: $s}) WHERE type(r) <> 'ABOUT' \
              WITH r LIMIT 1 DELETE r"
            .into(),
        3 => "MATCH ()-[r:CLAIMS|DENIES]->(:Statement {text: $s}) SET r.date = date($d)".into(),
        4 => "MATCH (a:Article {id: $art}) SET a.date = date($d)".into(),
        5 => "MATCH (a:Article {id: $art}) DETACH DELETE a".into(),
        6 => "CREATE (:Article {id: $art, date: date($d)})".into(),
        7 => "CREATE (:Note {n: 1})".into(),
        8 => "MATCH (a:Actor {name: $a}) SET a.age = 1".into(),
        // Rolled back: a stance made, then the statement fails.
        9 => format!(
            "MATCH (a:Actor {{name: $a}}), (s:Statement {{text: $s}}) \
             CREATE (a)-[:{stance} {{article: $art}}]->(s) WITH count(*) AS c RETURN 1 / (c - c)"
        ),
        // Rolled back, touching nothing the table reads.
        10 => "CREATE (:Note {n: 2}) WITH count(*) AS c RETURN 1 / (c - c)".into(),
        11 => "MATCH (a:Actor {name: $a}) DETACH DELETE a".into(),
        12 => "MATCH (s:Statement {text: $s}) SET s.text = $s + 'x'".into(),
        13 => "CALL claims.merge('actor', $a, $b)".into(),
        _ => "MATCH (s:Statement {text: $s})<-[r]-() SET r.article = $art".into(),
    };
    // Refused writes (a merge of an actor into itself, a taken key, a
    // division by zero) roll back: the table must survive those too.
    let _ = db.query(&text, &p);
}

fn ints(db: &mut Database, text: &str, params: &Params) -> BTreeSet<Vec<i64>> {
    db.query(text, params)
        .unwrap()
        .rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|v| match v {
                    ResultValue::Int(i) => i,
                    other => panic!("not an integer: {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn check(db: &mut Database) {
    let fresh = db.graph().build_stance_table();
    assert!(
        *db.graph().stance_table() == fresh,
        "the kept table is stale"
    );
    let contested: BTreeSet<Vec<i64>> = claims::contested(db.graph(), None, None)
        .unwrap()
        .into_iter()
        .map(|c| vec![c.statement as i64, c.claimants as i64, c.deniers as i64])
        .collect();
    let plain = ints(
        db,
        "MATCH (s:Statement) \
         OPTIONAL MATCH (c)-[:CLAIMS]->(s) WITH s, count(DISTINCT c) AS cl \
         OPTIONAL MATCH (d)-[:DENIES]->(s) WITH s, cl, count(DISTINCT d) AS de \
         WHERE cl > 0 AND de > 0 RETURN id(s), cl, de",
        &Params::new(),
    );
    assert_eq!(contested, plain);
    let statements = ints(db, "MATCH (s:Statement) RETURN id(s)", &Params::new());
    for s in statements {
        let id = s[0];
        let rows: BTreeSet<Vec<i64>> = claims::stance(db.graph(), Target::Node(id as u64))
            .unwrap()
            .into_iter()
            .map(|r| vec![r.relationship as i64, r.who as i64])
            .collect();
        let mut p = Params::new();
        p.insert("id".into(), Value::Int(id));
        let plain = ints(
            db,
            "MATCH (w)-[r:CLAIMS|DENIES|ASSESSES]->(s) WHERE id(s) = $id RETURN id(r), id(w)",
            &p,
        );
        assert_eq!(rows, plain);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_kept_table_is_the_one_built_from_scratch(
        writes in proptest::collection::vec(write(), 1..24)
    ) {
        let mut db = base();
        check(&mut db);
        for w in &writes {
            // Built before each write, so that there is a table to keep.
            db.graph().stance_table();
            run(&mut db, w);
            check(&mut db);
        }
    }
}

/// A write that touches no statement, article or stance keeps the table
/// (the same one, not a copy built again), and one that does replaces it.
#[test]
fn an_unrelated_write_keeps_the_table_and_a_stance_replaces_it() {
    let mut db = base();
    let s0 = claims::contested(db.graph(), None, None).unwrap()[0].statement;
    let entries = |db: &Database| db.graph().stance_table().stances(s0).as_ptr();
    let before = entries(&db);
    db.query("CREATE (:Note {n: 1})", &Params::new()).unwrap();
    assert_eq!(before, entries(&db));
    let contested = claims::contested(db.graph(), None, None).unwrap().len();
    assert_eq!(contested, 1);
    db.query(
        "MATCH (a:Actor {name: 'A3'}), (s:Statement {text: 'S1'}) \
         CREATE (a)-[:DENIES {article: 'art1'}]->(s)",
        &Params::new(),
    )
    .unwrap();
    let rows = claims::contested(db.graph(), None, None).unwrap();
    assert_eq!(rows.len(), 2);
    // The claim is dated by the first article, the new denial by its own.
    let s1 = rows
        .iter()
        .find(|r| claims::node_key(db.graph(), r.statement) == "S1")
        .unwrap();
    let day = |d: &Option<Value>| d.as_ref().and_then(claims::date_key);
    assert_eq!(day(&s1.first).as_deref(), Some("2023-01-01"));
    assert_eq!(day(&s1.last).as_deref(), Some("2023-02-01"));
    assert_eq!((s1.claimants, s1.deniers), (1, 1));
}
