//! Tests of the executor over hand-built syntax trees (independent of the parser).

use super::*;
use crate::query::ast::*;
use crate::result::ResultValue as R;
use crate::storage::memory::MemoryStorage;

fn var(v: &str) -> Expr {
    Expr::Variable(v.into())
}
fn int(i: i64) -> Expr {
    Expr::Literal(Literal::Int(i))
}
fn string(s: &str) -> Expr {
    Expr::Literal(Literal::String(s.into()))
}
fn prop(e: Expr, k: &str) -> Expr {
    Expr::Property(Box::new(e), k.into())
}
fn func(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function {
        name: name.into(),
        distinct: false,
        args,
    }
}
fn bin(op: BinaryOp, a: Expr, b: Expr) -> Expr {
    Expr::Binary(op, Box::new(a), Box::new(b))
}
fn node(v: Option<&str>, labels: &[&str], props: Vec<(&str, Expr)>) -> NodePattern {
    NodePattern {
        variable: v.map(Into::into),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        properties: if props.is_empty() {
            None
        } else {
            Some(Expr::Map(
                props.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            ))
        },
    }
}
fn rel(v: Option<&str>, types: &[&str], dir: Direction, length: Option<Range>) -> RelPattern {
    RelPattern {
        variable: v.map(Into::into),
        types: types.iter().map(|t| t.to_string()).collect(),
        direction: dir,
        length,
        properties: None,
    }
}
fn path(start: NodePattern, steps: Vec<(RelPattern, NodePattern)>) -> PathPattern {
    PathPattern {
        variable: None,
        kind: PathKind::Normal,
        start,
        steps,
    }
}
fn item(e: Expr, name: &str) -> ProjectionItem {
    ProjectionItem {
        expr: e,
        alias: Some(name.into()),
        name: name.into(),
    }
}
fn proj(items: Vec<ProjectionItem>) -> Projection {
    Projection {
        distinct: false,
        star: false,
        items,
        order_by: Vec::new(),
        skip: None,
        limit: None,
        where_: None,
    }
}
fn query(clauses: Vec<Clause>) -> Statement {
    Statement {
        mode: Mode::Run,
        query: Query {
            first: SingleQuery { clauses },
            unions: Vec::new(),
        },
    }
}

struct Db {
    graph: Graph,
    storage: MemoryStorage,
}

impl Db {
    fn new() -> Self {
        Db {
            graph: Graph::new(),
            storage: MemoryStorage::default(),
        }
    }
    fn run(&mut self, s: &Statement) -> Result<QueryResult> {
        execute(
            &mut self.graph,
            &mut self.storage,
            s,
            &Params::new(),
            &Cancel::new(),
        )
    }
}

/// A chain a -> b -> c -> d of :N nodes named by letter, with :T relationships.
fn chain(db: &mut Db) {
    let n = |v: &str| node(Some(v), &["N"], vec![("name", string(&v.to_uppercase()))]);
    let t = || rel(None, &["T"], Direction::Outgoing, None);
    db.run(&query(vec![Clause::Create(vec![path(
        n("a"),
        vec![(t(), n("b")), (t(), n("c")), (t(), n("d"))],
    )])]))
    .unwrap();
}

#[test]
fn create_then_match_and_aggregate() {
    let mut db = Db::new();
    chain(&mut db);
    assert_eq!(db.graph.node_count(), 4);
    assert_eq!(db.graph.relationship_count(), 3);
    // MATCH (x:N)-[:T]->(y) RETURN x.name AS x, y.name AS y ORDER BY x
    let mut p = proj(vec![
        item(prop(var("x"), "name"), "x"),
        item(prop(var("y"), "name"), "y"),
    ]);
    p.order_by = vec![SortItem {
        expr: var("x"),
        descending: true,
    }];
    let r = db
        .run(&query(vec![
            Clause::Match {
                optional: false,
                patterns: vec![path(
                    node(Some("x"), &["N"], vec![]),
                    vec![(
                        rel(None, &["T"], Direction::Outgoing, None),
                        node(Some("y"), &[], vec![]),
                    )],
                )],
                where_: None,
            },
            Clause::Return(p),
        ]))
        .unwrap();
    assert_eq!(r.columns, ["x", "y"]);
    assert_eq!(
        r.rows,
        vec![
            vec![R::String("C".into()), R::String("D".into())],
            vec![R::String("B".into()), R::String("C".into())],
            vec![R::String("A".into()), R::String("B".into())],
        ]
    );
    // MATCH (a {name:'A'})-[*]->(x) RETURN count(*) AS n, count(DISTINCT x) AS d
    let r = db
        .run(&query(vec![
            Clause::Match {
                optional: false,
                patterns: vec![path(
                    node(Some("a"), &[], vec![("name", string("A"))]),
                    vec![(
                        rel(
                            None,
                            &[],
                            Direction::Both,
                            Some(Range {
                                min: None,
                                max: None,
                            }),
                        ),
                        node(Some("x"), &[], vec![]),
                    )],
                )],
                where_: None,
            },
            Clause::Return(proj(vec![
                item(Expr::CountStar, "n"),
                item(
                    Expr::Function {
                        name: "count".into(),
                        distinct: true,
                        args: vec![var("x")],
                    },
                    "d",
                ),
            ])),
        ]))
        .unwrap();
    assert_eq!(r.rows, vec![vec![R::Int(3), R::Int(3)]]);
}

#[test]
fn reachability_is_used_for_distinct_counts() {
    let mut db = Db::new();
    chain(&mut db);
    let s = query(vec![
        Clause::Match {
            optional: false,
            patterns: vec![path(
                node(Some("a"), &["N"], vec![]),
                vec![(
                    rel(
                        None,
                        &[],
                        Direction::Both,
                        Some(Range {
                            min: None,
                            max: None,
                        }),
                    ),
                    node(Some("x"), &[], vec![]),
                )],
            )],
            where_: None,
        },
        Clause::Return(proj(vec![item(
            Expr::Function {
                name: "count".into(),
                distinct: true,
                args: vec![var("x")],
            },
            "d",
        )])),
    ]);
    let r = db.run(&s).unwrap();
    assert_eq!(r.rows, vec![vec![R::Int(4)]]);
    let mut explain = s.clone();
    explain.mode = Mode::Explain;
    let plan = db.run(&explain).unwrap().plan.unwrap();
    assert!(plan.contains("reachability"), "{plan}");
}

#[test]
fn optional_match_gives_nulls() {
    let mut db = Db::new();
    chain(&mut db);
    let r = db
        .run(&query(vec![
            Clause::Match {
                optional: false,
                patterns: vec![path(
                    node(Some("a"), &["N"], vec![("name", string("D"))]),
                    vec![],
                )],
                where_: None,
            },
            Clause::Match {
                optional: true,
                patterns: vec![path(
                    node(Some("a"), &[], vec![]),
                    vec![(
                        rel(None, &[], Direction::Outgoing, None),
                        node(Some("b"), &[], vec![]),
                    )],
                )],
                where_: None,
            },
            Clause::Return(proj(vec![item(var("b"), "b")])),
        ]))
        .unwrap();
    assert_eq!(r.rows, vec![vec![R::Null]]);
}

#[test]
fn semantic_errors_are_named() {
    let mut db = Db::new();
    let e = db
        .run(&query(vec![Clause::Return(proj(vec![item(
            var("x"),
            "x",
        )]))]))
        .unwrap_err();
    assert!(e.to_string().starts_with("undefined variable `x`"), "{e}");
    let e = db
        .run(&query(vec![Clause::Return(proj(vec![item(
            func("nope", vec![]),
            "x",
        )]))]))
        .unwrap_err();
    assert!(e.to_string().starts_with("unknown function `nope`"), "{e}");
    let e = db
        .run(&query(vec![Clause::Return(proj(vec![item(
            func("count", vec![func("count", vec![int(1)])]),
            "x",
        )]))]))
        .unwrap_err();
    assert!(e.to_string().starts_with("nested aggregation"), "{e}");
    let e = db
        .run(&query(vec![Clause::Return(proj(vec![item(
            bin(BinaryOp::Div, int(1), int(0)),
            "x",
        )]))]))
        .unwrap_err();
    assert!(e.to_string().starts_with("division by zero"), "{e}");
}

#[test]
fn cancelled_writes_nothing() {
    let mut db = Db::new();
    let cancel = Cancel::new();
    cancel.cancel();
    let s = query(vec![
        Clause::Unwind {
            expr: func("range", vec![int(1), int(100_000)]),
            variable: "i".into(),
        },
        Clause::Create(vec![path(
            node(None, &["X"], vec![("i", var("i"))]),
            vec![],
        )]),
    ]);
    let e = execute(&mut db.graph, &mut db.storage, &s, &Params::new(), &cancel).unwrap_err();
    assert!(matches!(e, Error::Cancelled(_)), "{e}");
    assert_eq!(db.graph.node_count(), 0);
}

#[test]
fn explain_prints_the_plan_as_a_tree() {
    let mut db = Db::new();
    chain(&mut db);
    let mut s = query(vec![
        Clause::Match {
            optional: false,
            patterns: vec![path(
                node(Some("a"), &[], vec![]),
                vec![(
                    rel(None, &["T"], Direction::Incoming, None),
                    node(Some("b"), &["N"], vec![("name", string("B"))]),
                )],
            )],
            where_: None,
        },
        Clause::Return(proj(vec![item(prop(var("a"), "name"), "x")])),
    ]);
    s.mode = Mode::Explain;
    let plan = db.run(&s).unwrap().plan.unwrap();
    assert_eq!(
        plan,
        "Return [x]\n  Match from (b) by label scan :N expand (b)-[:T]->(a)\n"
    );
}
