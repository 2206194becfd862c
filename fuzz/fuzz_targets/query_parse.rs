//! Arbitrary text through the query parser. Refusals are fine; a statement that
//! parses must print as text that parses back to the same statement, and that
//! printed text must print again unchanged.

#![no_main]

use claimgraph::query::ast::{Clause, Statement};
use claimgraph::query::parser::parse;
use libfuzzer_sys::fuzz_target;

/// Clears the column names of unaliased items: they hold the source text as
/// typed, which printing normalises.
fn without_names(mut statement: Statement) -> Statement {
    let parts = std::iter::once(&mut statement.query.first)
        .chain(statement.query.unions.iter_mut().map(|(_, q)| q));
    for part in parts {
        for clause in &mut part.clauses {
            if let Clause::With(p) | Clause::Return(p) = clause {
                for item in &mut p.items {
                    if item.alias.is_none() {
                        item.name.clear();
                    }
                }
            }
        }
    }
    statement
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(first) = parse(text) else {
        return;
    };
    let printed = first.to_string();
    let second = match parse(&printed) {
        Ok(s) => s,
        Err(e) => panic!("the printed query does not parse:\n{text}\n---\n{printed}\n---\n{e}"),
    };
    assert!(
        without_names(first.clone()) == without_names(second.clone()),
        "the printed query means something else:\n{text}\n---\n{printed}\n---\n{first:?}\n---\n{second:?}"
    );
    let reprinted = second.to_string();
    assert_eq!(printed, reprinted, "printing is not stable");
});
