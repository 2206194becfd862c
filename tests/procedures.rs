//! `CALL ... YIELD` over the procedure registry: the built-in `db.*`
//! procedures checked against plain queries, calls inside queries, procedures
//! a library registers, and the errors of a wrong call.

use claimgraph::query::exec::Val;
use claimgraph::query::procedures::{Procedure, Type};
use claimgraph::{Database, Error, Params, QueryResult, ResultValue as R, Value};

use crate::common;
use common::run;

fn fail(db: &mut Database, q: &str) -> String {
    common::fail(db, q).to_string()
}

/// The first column of every row.
fn column(r: &QueryResult) -> Vec<R> {
    r.rows.iter().map(|row| row[0].clone()).collect()
}

fn sample() -> Database {
    let mut db = Database::in_memory();
    run(
        &mut db,
        "CREATE (a:Actor {name: 'Yevgeny Prigozhin', role: 'founder'}),
                (o:Organisation {name: 'Wagner Group'}), (p:Place {name: 'Bakhmut'}),
                (s:Statement {text: 'Bakhmut is taken'}), (z:Zebra {stripes: 3}),
                (a)-[:LEADS]->(o), (o)-[:FIGHTS_IN {since: 2022}]->(p),
                (a)-[:CLAIMS {quote: 'taken'}]->(s), (s)-[:ABOUT]->(p)",
    );
    db
}

#[test]
fn db_procedures_agree_with_plain_queries() {
    let mut db = sample();
    let labels = run(&mut db, "CALL db.labels()");
    assert_eq!(labels.columns, ["label"]);
    let plain = run(
        &mut db,
        "MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l ORDER BY l",
    );
    assert_eq!(column(&labels), column(&plain));
    assert_eq!(labels.rows.len(), 5);

    let types = run(&mut db, "CALL db.relationshipTypes()");
    assert_eq!(types.columns, ["relationshipType"]);
    let plain = run(
        &mut db,
        "MATCH ()-[r]->() RETURN DISTINCT type(r) AS t ORDER BY t",
    );
    assert_eq!(column(&types), column(&plain));

    let keys = run(
        &mut db,
        "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
    );
    assert_eq!(keys.columns, ["propertyKey"]);
    let plain = run(
        &mut db,
        "MATCH (n) UNWIND keys(n) AS k RETURN k
         UNION MATCH ()-[r]->() UNWIND keys(r) AS k RETURN k",
    );
    let mut expected = column(&plain);
    expected.sort_by_key(|v| format!("{v:?}"));
    assert_eq!(column(&keys), expected);

    // What is deleted is gone from the lists.
    run(&mut db, "MATCH (z:Zebra) DELETE z");
    let labels = run(&mut db, "CALL db.labels()");
    assert!(!column(&labels).contains(&R::String("Zebra".into())));
    let keys = run(&mut db, "CALL db.propertyKeys()");
    assert!(!column(&keys).contains(&R::String("stripes".into())));
}

#[test]
fn calls_inside_queries_yield_rename_and_filter() {
    let mut db = sample();
    let r = run(
        &mut db,
        "CALL db.labels() YIELD label AS l WHERE l STARTS WITH 'P' OR l = 'Actor' RETURN l",
    );
    assert_eq!(r.columns, ["l"]);
    assert_eq!(
        column(&r),
        [R::String("Actor".into()), R::String("Place".into())]
    );
    // Once per input row.
    let r = run(
        &mut db,
        "MATCH (n:Actor) CALL db.relationshipTypes() YIELD relationshipType AS t RETURN count(*) AS c",
    );
    assert_eq!(r.rows, vec![vec![R::Int(4)]]);
    let r = run(
        &mut db,
        "CALL db.labels() YIELD label WITH collect(label) AS ls RETURN size(ls) AS n",
    );
    assert_eq!(r.rows, vec![vec![R::Int(5)]]);
    let r = run(&mut db, "CALL db.labels() YIELD *");
    assert_eq!(r.columns, ["label"]);
    assert_eq!(r.rows.len(), 5);
    let plan = run(&mut db, "EXPLAIN CALL db.labels() YIELD label RETURN label");
    assert!(
        plan.plan
            .as_deref()
            .unwrap_or("")
            .contains("ProcedureCall db.labels()"),
        "{:?}",
        plan.plan
    );
}

#[test]
fn the_schema_counts_labels_and_relationship_ends() {
    let mut db = sample();
    let r = run(
        &mut db,
        "CALL db.schema() YIELD kind, name, count, key, from, to RETURN *",
    );
    let cols = &r.columns;
    let at = |n: &str| cols.iter().position(|c| c == n).unwrap();
    let row = |kind: &str, name: &str| {
        r.rows
            .iter()
            .find(|row| {
                row[at("kind")] == R::String(kind.into())
                    && row[at("name")] == R::String(name.into())
            })
            .unwrap_or_else(|| panic!("no {kind} {name} in {:?}", r.rows))
            .clone()
    };
    let actor = row("node", "Actor");
    assert_eq!(actor[at("count")], R::Int(1));
    assert_eq!(actor[at("key")], R::String("name".into()));
    assert_eq!(row("node", "Zebra")[at("key")], R::Null);
    assert_eq!(
        row("node", "Statement")[at("key")],
        R::String("text".into())
    );
    let fights = row("relationship", "FIGHTS_IN");
    assert_eq!(
        fights[at("from")],
        R::List(vec![R::String("Organisation".into())])
    );
    assert_eq!(fights[at("to")], R::List(vec![R::String("Place".into())]));
    // Counts agree with counting by hand.
    for kind_row in &r.rows {
        if kind_row[at("kind")] == R::String("node".into()) {
            let R::String(label) = &kind_row[at("name")] else {
                panic!()
            };
            let counted = run(&mut db, &format!("MATCH (n:`{label}`) RETURN count(n)"));
            assert_eq!(counted.rows[0][0], kind_row[at("count")], "{label}");
        }
    }
}

#[test]
fn registered_procedures_take_arguments_defaults_and_types() {
    let mut db = Database::in_memory();
    db.register_procedure(
        Procedure::new("test.scale", "multiplies", |_, args| {
            let (Val::Float(x), Val::Int(times)) = (&args[0], &args[1]) else {
                return Ok(vec![vec![Val::Null]]);
            };
            Ok((1..=*times)
                .map(|i| vec![Val::Float(x * i as f64)])
                .collect())
        })
        .arg("x", Type::Float)
        .optional_arg("times", Type::Integer, Val::Int(2))
        .output("y", Type::Float),
    );
    // An integer passed as a FLOAT becomes a float; the default fills `times`.
    let r = run(&mut db, "CALL test.scale(3)");
    assert_eq!(r.rows, vec![vec![R::Float(3.0)], vec![R::Float(6.0)]]);
    let r = run(
        &mut db,
        "UNWIND [1, 2] AS n CALL test.scale(n, 3) YIELD y RETURN sum(y) AS s",
    );
    assert_eq!(r.rows, vec![vec![R::Float(18.0)]]);
    // Standalone calls without parentheses take parameters of the argument names.
    let mut params = Params::new();
    params.insert("x".into(), Value::Float(0.5));
    params.insert("times".into(), Value::Int(1));
    let r = db.query("CALL test.scale", &params).unwrap();
    assert_eq!(r.rows, vec![vec![R::Float(0.5)]]);
    // A value of the wrong type is refused when the call runs.
    let e = fail(&mut db, "WITH 'x' AS s CALL test.scale(s) YIELD y RETURN y");
    assert!(e.contains("invalid argument type"), "{e}");
    assert!(e.contains("FLOAT"), "{e}");
}

#[test]
fn wrong_calls_are_refused_with_the_reason() {
    let mut db = sample();
    let e = fail(&mut db, "CALL db.lables()");
    assert!(e.contains("procedure not found"), "{e}");
    assert!(e.contains("did you mean `db.labels`"), "{e}");
    let e = fail(&mut db, "CALL db.labels('x')");
    assert!(e.contains("invalid number of arguments"), "{e}");
    assert!(e.contains("db.labels() :: (label :: STRING)"), "{e}");
    let e = fail(&mut db, "CALL db.labels() YIELD name RETURN name");
    assert!(e.contains("yields no such column; it yields label"), "{e}");
    let e = fail(&mut db, "MATCH (n) CALL db.labels() YIELD * RETURN label");
    assert!(
        e.contains("YIELD * is allowed only in a standalone CALL"),
        "{e}"
    );
    let e = fail(&mut db, "MATCH (n) CALL db.labels() YIELD label");
    assert!(e.contains("invalid clause composition"), "{e}");
    let e = fail(
        &mut db,
        "WITH 1 AS label CALL db.labels() YIELD label RETURN label",
    );
    assert!(e.contains("variable already bound"), "{e}");
    assert!(matches!(
        db.query("CALL db.labels(", &Params::new()),
        Err(Error::Input(_))
    ));
}
