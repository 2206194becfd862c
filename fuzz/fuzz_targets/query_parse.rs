//! Arbitrary text through the query parser. Refusals are fine; a statement that
//! parses must print as text that parses back to the same statement, and that
//! printed text must print again unchanged.

#![no_main]

use claimgraph::query::parser::parse;
use libfuzzer_sys::fuzz_target;

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
        first.clone().without_source_names() == second.clone().without_source_names(),
        "the printed query means something else:\n{text}\n---\n{printed}\n---\n{first:?}\n---\n{second:?}"
    );
    let reprinted = second.to_string();
    assert_eq!(printed, reprinted, "printing is not stable");
});
