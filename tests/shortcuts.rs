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

/// Actors (named, unnamed, or with a number for a name), statements, and
/// claims with a weight: the graphs of the top groups by node.
#[derive(Clone, Debug)]
struct Claims {
    /// Per actor: 0 no name, 1 a number, otherwise a name.
    actors: Vec<u8>,
    statements: usize,
    claims: Vec<(usize, usize, i64)>,
    /// Shifts the names, so that their order is not the actors' order.
    shift: usize,
}

fn claims_spec() -> impl Strategy<Value = Claims> {
    (1usize..9, 1usize..4, 0usize..11)
        .prop_flat_map(|(n, s, shift)| {
            (
                proptest::collection::vec(
                    prop_oneof![1 => Just(0u8), 1 => Just(1u8), 6 => Just(2u8)],
                    n,
                ),
                Just(s),
                proptest::collection::vec((0..n, 0..s, -2i64..4), 0..20),
                Just(shift),
            )
        })
        .prop_map(|(actors, statements, claims, shift)| Claims {
            actors,
            statements,
            claims,
            shift,
        })
}

fn create_claims(spec: &Claims) -> String {
    let mut parts = Vec::new();
    for (i, kind) in spec.actors.iter().enumerate() {
        // Distinct names, in an order of their own (7 and 11 are coprime).
        let name = match kind {
            0 => String::new(),
            1 => format!(" {{name: {}}}", i % 2),
            _ => format!(" {{name: 'n{:02}'}}", (i * 7 + spec.shift) % 11),
        };
        parts.push(format!("(a{i}:Actor{name})"));
    }
    for j in 0..spec.statements {
        parts.push(format!("(s{j}:Statement {{text: 't{j}'}})"));
    }
    for (a, s, w) in &spec.claims {
        parts.push(format!("(a{a})-[:CLAIMS {{w: {w}}}]->(s{s})"));
    }
    format!("CREATE {}", parts.join(", "))
}

/// The rows of a query in their order, as text.
fn ordered(db: &mut Database, q: &str) -> Vec<String> {
    let r = db
        .query(q, &Params::new())
        .unwrap_or_else(|e| panic!("{q}\n{e}"));
    r.rows.iter().map(|row| format!("{row:?}")).collect()
}

/// The shapes of rule `TopGroupsByNode` and their neighbours (`{k}` is the
/// limit, `{w}` where `WITH *` goes).
const TOP_QUERIES: &[&str] = &[
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, count(*) AS claims ORDER BY claims DESC LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, count(*) AS claims ORDER BY claims, actor DESC SKIP 1 LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN count(*) AS claims, a.name AS actor ORDER BY count(*) DESC, actor SKIP 2 LIMIT {k}",
    "MATCH (a:Actor)-[c:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, sum(c.w) AS total, count(*) AS n ORDER BY total DESC, n, actor LIMIT {k}",
    "MATCH (a:Actor)-[c:CLAIMS]->(s) {w} RETURN a AS actor, count(s) AS n ORDER BY n DESC, actor LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN a.name AS actor, count(*) AS claims ORDER BY actor LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} WITH a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT {k} WHERE claims > 1 RETURN actor, claims",
    "MATCH (a:Actor)-[:CLAIMS]->(:Statement) {w} RETURN DISTINCT a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(s:Statement) {w} RETURN a.name AS actor, s.text AS text, count(*) AS claims ORDER BY claims DESC, actor, text LIMIT {k}",
    "MATCH (a:Actor)-[:CLAIMS]->(s:Statement) {w} RETURN s.text AS text, count(*) AS claims ORDER BY claims DESC, text LIMIT {k}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// The top groups by node, against the same query answered by plain
    /// grouping and sorting: ties at the cut, names missing or numbers,
    /// LIMIT 0 and LIMIT beyond the groups, SKIP, WITH ... WHERE.
    #[test]
    fn top_groups_by_node_answer_as_sorting_all_groups(spec in claims_spec()) {
        let mut db = Database::in_memory();
        db.query(&create_claims(&spec), &Params::new())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for q in TOP_QUERIES {
            for k in [0, 1, 2, 3, 20] {
                let q = q.replace("{k}", &k.to_string());
                let fast = q.replace("{w} ", "");
                let plain = q.replace("{w}", "WITH *");
                prop_assert_eq!(ordered(&mut db, &fast), ordered(&mut db, &plain), "{}", fast);
            }
        }
    }
}

/// The rule is named where it applies and steps aside where it cannot.
#[test]
fn top_groups_by_node_apply_to_their_shape_only() {
    let mut db = Database::in_memory();
    let plan = |db: &mut Database, q: &str| -> String {
        let r = db
            .query(&format!("EXPLAIN {q}"), &Params::new())
            .unwrap_or_else(|e| panic!("{q}\n{e}"));
        r.plan.unwrap_or_default()
    };
    let applies = [
        "MATCH (a:Actor)-[:CLAIMS]->(:Statement) RETURN a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT 10",
        "MATCH (a:Actor)-[c:CLAIMS]->() RETURN a AS who, sum(c.w) AS s ORDER BY s LIMIT 3",
        "MATCH (s:Statement)<-[:DENIES]-() WITH s.text AS text, count(*) AS n ORDER BY n DESC SKIP 1 LIMIT 5 RETURN text",
    ];
    for q in applies {
        assert!(plan(&mut db, q).contains("TopGroupsByNode"), "{q}");
    }
    let aside = [
        // No limit, DISTINCT, several keys, a key that is not the kind's key,
        // an aggregate other than count or sum, a DISTINCT count, a computed
        // column, a sort on a computed value, an optional match, a node
        // bound before the match, no kind for the key property.
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN a.name AS actor, count(*) AS n ORDER BY n DESC",
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN DISTINCT a.name AS actor, count(*) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN a.name AS actor, a.age AS age, count(*) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN a.age AS age, count(*) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->(s) RETURN a.name AS actor, collect(s) AS ss ORDER BY actor LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->(s) RETURN a.name AS actor, count(DISTINCT s) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN a.name AS actor, count(*) + 1 AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor)-[:CLAIMS]->() RETURN a.name AS actor, count(*) AS n ORDER BY -n LIMIT 3",
        "OPTIONAL MATCH (a:Actor)-[:CLAIMS]->() RETURN a.name AS actor, count(*) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a:Actor) WITH a MATCH (a)-[:CLAIMS]->() RETURN a.name AS actor, count(*) AS n ORDER BY n DESC LIMIT 3",
        "MATCH (a)-[:CLAIMS]->() RETURN a.name AS actor, count(*) AS n ORDER BY n DESC LIMIT 3",
    ];
    for q in aside {
        assert!(!plan(&mut db, q).contains("TopGroupsByNode"), "{q}");
    }
}

/// Within one statement, nodes made before the match are grouped too, and
/// a name that stops telling actors apart sends the groups back to values.
#[test]
fn top_groups_by_node_see_the_statement_s_own_writes() {
    let mut db = Database::in_memory();
    db.query(
        "CREATE (a:Actor {name: 'Ann'}), (b:Actor {name: 'Bo'}), (s:Statement {text: 't'}),
                (a)-[:CLAIMS]->(s), (b)-[:CLAIMS]->(s), (a)-[:DENIES]->(s)",
        &Params::new(),
    )
    .expect("the graph is created");
    let top = "MATCH (a:Actor)-[:CLAIMS]->(:Statement) RETURN a.name AS actor, count(*) AS claims ORDER BY claims DESC, actor LIMIT 2";
    let written = ordered(
        &mut db,
        &format!(
            "MATCH (s:Statement) CREATE (c:Actor {{name: 'Cy'}})-[:CLAIMS]->(s), (c)-[:CLAIMS]->(s) WITH count(*) AS made {top}"
        ),
    );
    assert_eq!(
        written,
        ["[String(\"Cy\"), Int(2)]", "[String(\"Ann\"), Int(1)]"]
    );
    // Two unnamed actors share the null group, which then leads.
    let unnamed = ordered(
        &mut db,
        &format!(
            "MATCH (s:Statement) CREATE (:Actor)-[:CLAIMS]->(s), (:Actor)-[:CLAIMS]->(s), (:Actor)-[:CLAIMS]->(s) WITH count(*) AS made {top}"
        ),
    );
    assert_eq!(unnamed, ["[Null, Int(3)]", "[String(\"Cy\"), Int(2)]"]);
}
