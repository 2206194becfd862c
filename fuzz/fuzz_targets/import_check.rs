//! The property both import fuzz targets check: any outcome is fine except a
//! panic, a hang, or a store left half-written.

use claimgraph::{Database, Format};

/// Imports `data` as the file `name` into an empty store and checks that an
/// accepted import keeps the indexes exact and is idempotent, and that a
/// refused one writes nothing and says why.
pub fn import_once_and_again(name: &str, data: &[u8], format: Format) {
    let mut db = Database::in_memory();
    let before = db.stats();
    match db.import_bytes(name, data, format, None) {
        Ok(_) => {
            // What was imported leaves the indexes exact, and importing the
            // same bytes again adds no node and no relationship.
            if let Err(e) = db.graph().verify_indexes() {
                panic!("an accepted import broke the indexes: {e}");
            }
            let once = db.stats();
            if let Err(e) = db.import_bytes(name, data, format, None) {
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
}
