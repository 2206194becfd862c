//! Arbitrary bytes imported as a `.triples` file into an empty store: any
//! outcome is fine except a panic, a hang, or a store left half-written.

#![no_main]

use claimgraph::{Database, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut db = Database::in_memory();
    let before = db.stats();
    match db.import_bytes("fuzz.triples", data, Format::Triples, None) {
        Ok(_) => {
            // What was imported leaves the indexes exact, and importing the
            // same bytes again adds no node and no relationship.
            if let Err(e) = db.graph().verify_indexes() {
                panic!("an accepted import broke the indexes: {e}");
            }
            let once = db.stats();
            if let Err(e) = db.import_bytes("fuzz.triples", data, Format::Triples, None) {
                panic!("a file accepted once is refused the second time: {e}");
            }
            assert_eq!(
                db.stats(),
                once,
                "importing the same file twice added records"
            );
        }
        Err(e) => {
            // A refused import writes nothing, and says why.
            assert_eq!(db.stats(), before, "a refused import changed the store");
            assert!(!e.to_string().is_empty());
        }
    }
});
