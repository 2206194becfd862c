//! The executor's shortcuts give the answers of plain enumeration.
//!
//! A `MATCH` followed by an aggregation may count its last hop instead of
//! enumerating it, and one followed by `DISTINCT` or `count(DISTINCT …)`
//! skips states it has seen. Both only apply when the next clause names the
//! variables it reads; after `WITH *` every variable is read, so the same
//! query with `WITH *` inserted is answered by enumerating every match. On
//! random graphs (with loops, parallel relationships and several types), each
//! query must answer the same both ways, and the same after the graph is
//! stored and opened again (adjacency lists built in bulk instead of one by one).

use claimgraph::{Database, Params, ResultValue};
use proptest::prelude::*;

/// The queries compared: `{w}` is where `WITH *` goes.
const QUERIES: &[&str] = &[
    "MATCH (a:A)-[:R]->(b) {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)-[:R|S]->() {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)-[]-() {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)<-[:S]-(:B) {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)-[r:R]->(b)-[:R]->(c) {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)-[r]->(b)-[]-(c) {w} RETURN a.k AS k, count(*) AS n, sum(a.k) AS s",
    "MATCH (a)-[:R]->(b)<-[:S]-() {w} RETURN b.k AS k, collect(a.k) AS ks",
    "MATCH (a)-[:R {w: 1}]->() {w} RETURN a.k AS k, count(*) AS n",
    "MATCH (a)-[:R]->(:A) {w} RETURN a.k AS k, avg(a.k) AS m, count(*) AS n",
    "MATCH (a)-[:R]->(s)<-[:S]-(b) {w} RETURN count(DISTINCT s) AS n",
    "MATCH (a)-[:R]->(s)<-[:S]-(b) {w} RETURN DISTINCT b.k AS k",
    "MATCH (a:A)-[:R]->()-[:S]->()<-[:R]-(b) {w} RETURN DISTINCT b.k AS k",
    "MATCH (a)-[*1..3]-(p:B) {w} RETURN a.k AS k, count(DISTINCT p) AS n",
    "MATCH (a)-[:R]->(b), (b)-[:S]->(c) {w} RETURN a.k AS k, count(*) AS n",
];

/// A graph: nodes with labels A and/or B and a key, relationships R and S,
/// some with a property.
#[derive(Clone, Debug)]
struct Spec {
    nodes: Vec<(bool, bool)>,
    rels: Vec<(usize, usize, bool, bool)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..7)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec((any::<bool>(), any::<bool>()), n),
                proptest::collection::vec((0..n, 0..n, any::<bool>(), any::<bool>()), 0..16),
            )
        })
        .prop_map(|(nodes, rels)| Spec { nodes, rels })
}

fn create(spec: &Spec) -> String {
    let mut parts = Vec::new();
    for (i, (a, b)) in spec.nodes.iter().enumerate() {
        let labels = format!(
            "{}{}",
            if *a { ":A" } else { "" },
            if *b { ":B" } else { "" }
        );
        parts.push(format!("(n{i}{labels} {{k: {i}}})"));
    }
    for (s, e, r, w) in &spec.rels {
        let ty = if *r { "R" } else { "S" };
        let props = if *w { " {w: 1}" } else { "" };
        parts.push(format!("(n{s})-[:{ty}{props}]->(n{e})"));
    }
    format!("CREATE {}", parts.join(", "))
}

/// The rows of a query, as sorted text (row order is not part of the answer).
fn answer(db: &mut Database, q: &str) -> Vec<String> {
    let r = db
        .query(q, &Params::new())
        .unwrap_or_else(|e| panic!("{q}\n{e}"));
    let mut rows: Vec<String> = r
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    // collect() order follows enumeration order: compare as a multiset.
                    ResultValue::List(items) => {
                        let mut items: Vec<String> =
                            items.iter().map(|i| format!("{i:?}")).collect();
                        items.sort();
                        format!("{items:?}")
                    }
                    v => format!("{v:?}"),
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    rows.sort();
    rows
}

fn compare(db: &mut Database) -> Result<(), TestCaseError> {
    for q in QUERIES {
        let fast = q.replace("{w} ", "");
        let plain = q.replace("{w}", "WITH *");
        let (a, b) = (answer(db, &fast), answer(db, &plain));
        prop_assert_eq!(a, b, "{}", fast);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn shortcuts_answer_as_enumeration_does(spec in spec()) {
        let mut db = Database::in_memory();
        db.query(&create(&spec), &Params::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        compare(&mut db)?;
    }
}

#[test]
fn shortcuts_hold_after_reopening_and_deleting() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = Spec {
        nodes: vec![(true, false), (true, true), (false, true), (false, false)],
        rels: vec![
            (0, 1, true, false),
            (0, 1, true, true),
            (1, 1, true, false),
            (1, 2, false, false),
            (2, 0, false, true),
            (3, 1, false, false),
            (0, 2, true, false),
        ],
    };
    {
        let mut db = Database::open(dir.path()).expect("a new store");
        db.query(&create(&spec), &Params::new())
            .expect("the graph is created");
    }
    let mut db = Database::open(dir.path()).expect("the store opens again");
    let before = answer(&mut db, "MATCH (a)-[:R]->() RETURN a.k AS k, count(*) AS n");
    assert_eq!(before, ["Int(0) | Int(3)", "Int(1) | Int(1)"]);
    compare(&mut db).expect("same answers after opening");
    // Deleting relationships and a node, then taking a write back, keeps the
    // lists exact.
    db.query("MATCH (a {k: 0})-[r:R {w: 1}]->() DELETE r", &Params::new())
        .expect("a delete");
    db.query("MATCH (n {k: 3}) DETACH DELETE n", &Params::new())
        .expect("a detach delete");
    let failed = db.query(
        "MATCH (n {k: 1}) DETACH DELETE n WITH 1 AS x RETURN 1 / 0",
        &Params::new(),
    );
    assert!(failed.is_err(), "division by zero fails the statement");
    let after = answer(&mut db, "MATCH (a)-[:R]->() RETURN a.k AS k, count(*) AS n");
    assert_eq!(after, ["Int(0) | Int(2)", "Int(1) | Int(1)"]);
    compare(&mut db).expect("same answers after deletes and a rollback");
}

/// The workload's question shapes over the example articles, where the
/// stance rules let the end of a `CLAIMS` hop go unchecked.
#[test]
fn shortcuts_hold_on_the_example_articles() {
    let mut db = Database::in_memory();
    for f in [
        "examples/bakhmut.triples",
        "examples/bakhmut-followup.triples",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
        db.import_file(&path, None, None)
            .expect("the example imports");
    }
    let queries = [
        "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT 10",
        "MATCH (a)-[:CLAIMS|DENIES]->(:Statement) {w} RETURN a.name AS who, count(*) AS n",
        "MATCH (s:Statement)<-[:DENIES|ASSESSES]-() {w} RETURN s.text AS text, count(*) AS n",
        "MATCH (a)-[:CLAIMS]->(s:Statement)<-[:DENIES]-(b) {w} RETURN count(DISTINCT s) AS contested",
        "MATCH (o:Organisation)<-[:LEADS|MEMBER_OF]-(a)-[:CLAIMS]->(:Statement)<-[:DENIES]-(b) {w} RETURN DISTINCT b.name AS denier",
    ];
    let mut counted = 0;
    for q in queries {
        let fast = answer(&mut db, &q.replace("{w} ", ""));
        let plain = answer(&mut db, &q.replace("{w}", "WITH *"));
        assert_eq!(fast, plain, "{q}");
        counted += usize::from(!fast.is_empty());
    }
    assert!(counted >= 4, "the examples answer most of the questions");
}

/// Groups found by node when a key property tells nodes apart: nodes of the
/// kind without that property, or with a number in it, still share groups
/// by value.
#[test]
fn groups_by_a_key_property_match_groups_by_value() {
    let mut db = Database::in_memory();
    db.query(
        "CREATE (a:Actor {name: 'Ann'}), (b:Actor {name: 'Bo'}), (c:Actor), (d:Actor),
                (e:Actor {name: 5}), (f:Actor {name: 5.0}), (g:Place {name: 'Ann'}),
                (s1:Statement {text: 'one'}), (s2:Statement {text: 'two'}), (s3:Statement),
                (a)-[:CLAIMS]->(s1), (a)-[:CLAIMS]->(s2), (b)-[:CLAIMS]->(s1),
                (c)-[:CLAIMS]->(s1), (d)-[:CLAIMS]->(s2), (d)-[:DENIES]->(s3),
                (e)-[:CLAIMS]->(s1), (f)-[:DENIES]->(s2), (s3)-[:ABOUT]->(g), (s1)-[:ABOUT]->(g)",
        &Params::new(),
    )
    .expect("the graph is created");
    let queries = [
        "MATCH (a:Actor)-[:CLAIMS|DENIES]->(s) {w} RETURN a.name AS name, count(*) AS n",
        "MATCH (a:Actor)-[:CLAIMS|DENIES]->(s) {w} RETURN a.name AS name, collect(s.text) AS texts",
        "MATCH (a:Place)<-[:ABOUT]-(s) {w} RETURN a.name AS name, count(*) AS n",
        "MATCH (a)-[]-(s) {w} RETURN a.name AS name, count(*) AS n",
        "MATCH (a)-[:CLAIMS]->(s:Statement) {w} RETURN s.text AS text, count(a) AS n",
        "MATCH (a)-[:CLAIMS]->(s:Statement) {w} RETURN s, s.text AS text, count(*) AS n",
        "MATCH (a:Actor)-[:CLAIMS]->(s) {w} RETURN a.name AS name, a.name + '!' AS loud, count(*) AS n",
        "OPTIONAL MATCH (a:Actor {name: 'nobody'})-[:CLAIMS]->(s) {w} RETURN a.name AS name, count(s) AS n",
    ];
    for q in queries {
        let fast = answer(&mut db, &q.replace("{w} ", ""));
        let plain = answer(&mut db, &q.replace("{w}", "WITH *"));
        assert_eq!(fast, plain, "{q}");
    }
    // Two actors without a name share the null group; 5 and 5.0 share one too.
    let by_name = answer(
        &mut db,
        "MATCH (a:Actor)-[:CLAIMS|DENIES]->() RETURN a.name AS name, count(*) AS n",
    );
    assert_eq!(
        by_name,
        [
            "Int(5) | Int(2)",
            "Null | Int(3)",
            "String(\"Ann\") | Int(2)",
            "String(\"Bo\") | Int(1)"
        ]
    );
}
