//! `COUNT { pattern }` counts what a `MATCH` of the same pattern finds.

use claimgraph::{Database, ResultValue as R};

mod common;
use common::{fail, run};

#[test]
fn count_subqueries_agree_with_matching() {
    let mut db = Database::in_memory();
    run(
        &mut db,
        "CREATE (a:A {n: 1}), (b:A {n: 2}), (c:A {n: 3}), (x:B), (y:B),
                (a)-[:R]->(x), (a)-[:R]->(y), (a)-[:S]->(x), (b)-[:R]->(x), (x)-[:R]->(y)",
    );
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
