//! `COUNT { pattern }` and `size((a)-->())` count what a `MATCH` of the same
//! pattern finds; a full `exists { MATCH ... RETURN ... }` is true when the
//! query it holds returns a row; such subqueries are planned once per query.

use claimgraph::{Database, ResultValue as R};

use crate::common;
use common::{fail, run};

/// Three `:A` nodes with 3, 1 and 0 relationships out, two `:B` nodes.
fn three_a_two_b() -> Database {
    let mut db = Database::in_memory();
    run(
        &mut db,
        "CREATE (a:A {n: 1}), (b:A {n: 2}), (c:A {n: 3}), (x:B), (y:B),
                (a)-[:R]->(x), (a)-[:R]->(y), (a)-[:S]->(x), (b)-[:R]->(x), (x)-[:R]->(y)",
    );
    db
}

#[test]
fn count_subqueries_agree_with_matching() {
    let mut db = three_a_two_b();
    let counted = run(
        &mut db,
        "MATCH (a:A) RETURN a.n AS n, COUNT { (a)-[:R]->(:B) } AS r,
                COUNT { MATCH (a)-->(m) WHERE m:B } AS any ORDER BY n",
    );
    for row in &counted.rows {
        let R::Int(n) = row[0] else { panic!("{row:?}") };
        let mut by_hand =
            |q: &str| run(&mut db, &q.replace("$n", &n.to_string())).rows[0][0].clone();
        assert_eq!(
            row[1],
            by_hand("MATCH (a:A {n: $n})-[:R]->(:B) RETURN count(*)"),
            "{n}"
        );
        assert_eq!(
            row[2],
            by_hand("MATCH (a:A {n: $n})-->(m:B) RETURN count(*)"),
            "{n}"
        );
    }
    assert_eq!(counted.rows[0][1], R::Int(2));
    assert_eq!(counted.rows[2][1], R::Int(0));
    // As a predicate.
    let r = run(
        &mut db,
        "MATCH (a:A) WHERE COUNT { (a)-->() } > 1 RETURN a.n",
    );
    assert_eq!(r.rows, vec![vec![R::Int(1)]]);
    let e = fail(&mut db, "RETURN COUNT { (a) }").to_string();
    assert!(e.contains("at least one relationship"), "{e}");
}

#[test]
fn size_of_a_pattern_counts_like_count_subqueries() {
    let mut db = three_a_two_b();
    let sized = run(
        &mut db,
        "MATCH (a:A) RETURN a.n AS n, size((a)-[:R]->(:B)) AS r, size((a)--()) AS any,
                COUNT { (a)-[:R]->(:B) } AS r2, COUNT { (a)--() } AS any2 ORDER BY n",
    );
    let got: Vec<Vec<R>> = sized.rows.iter().map(|r| r[1..3].to_vec()).collect();
    let counted: Vec<Vec<R>> = sized.rows.iter().map(|r| r[3..5].to_vec()).collect();
    assert_eq!(got, counted);
    assert_eq!(got[0], vec![R::Int(2), R::Int(3)]);
    assert_eq!(got[2], vec![R::Int(0), R::Int(0)]);
    let r = run(&mut db, "MATCH (a:A) WHERE size((a)-->()) > 1 RETURN a.n");
    assert_eq!(r.rows, vec![vec![R::Int(1)]]);
    // A pattern as a value anywhere else is still refused, as the TCK expects.
    let e = fail(&mut db, "MATCH (n) RETURN (n)-->()").to_string();
    assert!(e.contains("pattern"), "{e}");
    let e = fail(&mut db, "MATCH (n) RETURN head((n)-->())").to_string();
    assert!(e.contains("pattern"), "{e}");
}

#[test]
fn subqueries_are_planned_once_per_query() {
    let mut db = Database::in_memory();
    run(
        &mut db,
        "UNWIND range(1, 50) AS i CREATE (:A {n: i})-[:R]->(:B)",
    );
    let r = run(
        &mut db,
        "PROFILE MATCH (a:A) WHERE (a)-[:R]->(:B) RETURN a.n AS n, COUNT { (a)-->() } AS c",
    );
    assert_eq!(r.rows.len(), 50);
    assert!(r.rows.iter().all(|row| row[1] == R::Int(1)), "{:?}", r.rows);
    let plan = r.plan.unwrap();
    // Both are planned with the statement and shown under their operator.
    let lines: Vec<&str> = plan.lines().collect();
    assert!(lines[0].starts_with("Return [n, c]"), "{plan}");
    assert!(
        lines[1].starts_with("  PatternComprehension with arguments: Match from (a) by bound"),
        "{plan}"
    );
    assert!(
        lines[2].starts_with("  Match from (a) by label scan :A"),
        "{plan}"
    );
    assert!(
        lines[3].starts_with("    PatternPredicate with arguments: Match from (a) by bound"),
        "{plan}"
    );
    assert!(!plan.contains("while running"), "{plan}");
    // One inside a list comprehension sees the comprehension's variable
    // after the row's, and is planned with the statement too.
    let r = run(
        &mut db,
        "PROFILE MATCH (a:A) RETURN a.n AS n, [x IN [1, 2] | COUNT { (a)-->() } + x] AS c",
    );
    assert_eq!(r.rows.len(), 50);
    assert!(
        r.rows
            .iter()
            .all(|row| row[1] == R::List(vec![R::Int(2), R::Int(3)])),
        "{:?}",
        r.rows
    );
    let plan = r.plan.unwrap();
    assert!(
        plan.contains("PatternComprehension with arguments"),
        "{plan}"
    );
    assert!(!plan.contains("while running"), "{plan}");
    // One inside another subquery runs on the inner match's rows: it is
    // planned when the first row reaches it, once, and gives the same answers.
    let r = run(
        &mut db,
        "PROFILE MATCH (a:A) WHERE exists { MATCH (a)-->(b) WHERE (b)<--() } RETURN count(a) AS c",
    );
    assert_eq!(r.rows, vec![vec![R::Int(50)]]);
    let plan = r.plan.unwrap();
    assert!(
        plan.contains("Subqueries planned once while running (not with the statement): 1"),
        "{plan}"
    );
}

#[test]
fn full_exists_subqueries_agree_with_matching() {
    let mut db = three_a_two_b();
    let r = run(
        &mut db,
        "MATCH (a:A) RETURN a.n AS n,
                exists { MATCH (a)-->(m) WITH a, count(*) AS c WHERE c >= 2 RETURN c } AS many,
                exists { MATCH (a)-[:R]->(m:B) WHERE a.n = 2 RETURN m } AS two,
                exists { MATCH (a)-[:S]->(x) RETURN x UNION MATCH (a)-[:R]->(x) RETURN x } AS any
         ORDER BY n",
    );
    assert_eq!(r.rows.len(), 3);
    for row in &r.rows {
        let R::Int(n) = row[0] else { panic!("{row:?}") };
        let mut by_hand =
            |q: &str| run(&mut db, &q.replace("$n", &n.to_string())).rows[0][0].clone();
        assert_eq!(
            row[1],
            by_hand("MATCH (a:A {n: $n}) OPTIONAL MATCH (a)-->(m) RETURN count(m) >= 2"),
            "{n}"
        );
        assert_eq!(
            row[2],
            by_hand(
                "MATCH (a:A {n: $n}) OPTIONAL MATCH (a)-[:R]->(m:B) WITH a, count(m) AS c RETURN a.n = 2 AND c > 0"
            ),
            "{n}"
        );
        assert_eq!(
            row[3],
            by_hand("MATCH (a:A {n: $n}) OPTIONAL MATCH (a)-->(m) RETURN count(m) > 0"),
            "{n}"
        );
    }
    assert_eq!(r.rows[0][1], R::Bool(true));
    assert_eq!(r.rows[1][2], R::Bool(true));
    assert_eq!(r.rows[2][3], R::Bool(false));
    // Without RETURN, as Neo4j 5 allows, it asks the same.
    let with_return = run(
        &mut db,
        "MATCH (a:A) RETURN a.n, exists { MATCH (a)-->(m) WITH a, count(*) AS c WHERE c >= 2 RETURN c } ORDER BY a.n",
    );
    let without = run(
        &mut db,
        "MATCH (a:A) RETURN a.n, exists { MATCH (a)-->(m) WITH a, count(*) AS c WHERE c >= 2 } ORDER BY a.n",
    );
    assert_eq!(with_return.rows, without.rows);
    assert_eq!(without.rows[0][1], R::Bool(true));
    assert_eq!(without.rows[1][1], R::Bool(false));
    // Each of the two is planned once for the statement, not per row.
    let r = run(
        &mut db,
        "PROFILE MATCH (a) WHERE exists { MATCH (a)-->(b) WHERE exists { MATCH (b)-->() RETURN 1 } RETURN b } RETURN count(a)",
    );
    assert_eq!(r.rows, vec![vec![R::Int(2)]]);
    let plan = r.plan.unwrap();
    assert!(
        plan.contains("while running (not with the statement): 2"),
        "{plan}"
    );
    // It only reads, and sees only the row's variables.
    let e = fail(
        &mut db,
        "MATCH (a) WHERE exists { MATCH (a)-->(m) SET m.x = 1 } RETURN a",
    );
    assert!(e.to_string().contains("only reads"), "{e}");
    let e = fail(
        &mut db,
        "MATCH (a) WHERE exists { MATCH (a)-->(m) WHERE m.x = $p RETURN m } RETURN a",
    );
    assert!(e.to_string().contains("missing parameter `$p`"), "{e}");
    // Found before running, not when a row reaches it.
    let phase = e.code().map(|c| c.phase());
    assert_eq!(phase, Some(claimgraph::error::Phase::CompileTime), "{e}");
    let e = fail(
        &mut db,
        "MATCH (a) WHERE exists { MATCH (m) RETURN q } RETURN a",
    );
    assert!(e.to_string().contains("undefined variable `q`"), "{e}");
}
