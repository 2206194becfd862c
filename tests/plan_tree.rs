//! The plan as a tree of operators: unions hold one chain per single query,
//! a query without `RETURN` ends in `EmptyResult`, `PROFILE` measures each
//! operator of the tree, and a very long query is planned, printed, run and
//! dropped without deep recursion.

use claimgraph::{Database, ResultValue as R};

use crate::common::run;

fn plan_of(db: &mut Database, q: &str) -> String {
    run(db, q).plan.unwrap_or_else(|| panic!("{q}: no plan"))
}

#[test]
fn a_union_holds_each_single_query_under_it() {
    let mut db = Database::in_memory();
    run(&mut db, "CREATE (:A {v: 1}), (:B {v: 1})");
    let plan = plan_of(
        &mut db,
        "EXPLAIN MATCH (a:A) RETURN a.v AS v UNION MATCH (b:B) RETURN b.v AS v",
    );
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(
        lines,
        [
            "Union",
            "  Return [v]",
            "    Match from (a) by label scan :A",
            "  Return [v]",
            "    Match from (b) by label scan :B",
        ],
        "{plan}"
    );
    let plan = plan_of(&mut db, "EXPLAIN RETURN 1 AS v UNION ALL RETURN 2 AS v");
    assert!(plan.starts_with("UnionAll\n  Return [v]\n"), "{plan}");
    // PROFILE measures the union (which keeps one of the two equal rows)
    // and each operator under it.
    let r = run(
        &mut db,
        "PROFILE MATCH (a:A) RETURN a.v AS v UNION MATCH (b:B) RETURN b.v AS v",
    );
    assert_eq!(r.rows, vec![vec![R::Int(1)]]);
    let plan = r.plan.unwrap();
    let rows: Vec<&str> = plan
        .lines()
        .map(|l| {
            l.split("(rows: ")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(rows, ["1", "1", "1", "1", "1"], "{plan}");
}

#[test]
fn a_query_without_return_ends_in_an_empty_result() {
    let mut db = Database::in_memory();
    let plan = plan_of(&mut db, "EXPLAIN CREATE (:Never)");
    assert_eq!(plan, "EmptyResult\n  Create 1 pattern(s)\n");
    let r = run(&mut db, "PROFILE UNWIND [1, 2, 3] AS i CREATE (:N {i: i})");
    assert!(r.rows.is_empty());
    let plan = r.plan.unwrap();
    let lines: Vec<&str> = plan.lines().collect();
    assert!(lines[0].starts_with("EmptyResult (rows: 0"), "{plan}");
    assert!(
        lines[1].starts_with("  Create 1 pattern(s) (rows: 3"),
        "{plan}"
    );
    assert!(
        lines[2].starts_with("    Unwind [1, 2, 3] AS i (rows: 3"),
        "{plan}"
    );
    let r = run(&mut db, "MATCH (n:N) RETURN sum(n.i) AS s");
    assert_eq!(r.rows, vec![vec![R::Int(6)]]);
}

#[test]
fn a_query_of_many_clauses_runs_on_a_small_stack() {
    const CLAUSES: usize = 20_000;
    let mut q = String::from("WITH 1 AS x ");
    for _ in 0..CLAUSES {
        q.push_str("WITH x + 1 AS x ");
    }
    q.push_str("RETURN x");
    let explain = format!("EXPLAIN {q}");
    // Planning, printing, running and dropping the plan all happen on this
    // thread; the parser has a stack of its own.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let mut db = Database::in_memory();
            let plan = run(&mut db, &explain).plan.unwrap();
            let r = run(&mut db, &q);
            (plan.lines().count(), r.rows)
        })
        .unwrap();
    let (lines, rows) = worker.join().expect("no stack overflow");
    assert_eq!(lines, CLAUSES + 2);
    assert_eq!(rows, vec![vec![R::Int(CLAUSES as i64 + 1)]]);
}
