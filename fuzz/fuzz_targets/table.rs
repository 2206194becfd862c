//! A mapping (TOML) and a table (CSV, or TSV when the first byte is odd),
//! cut from arbitrary bytes at the first NUL: the mapping is parsed, and if
//! it is accepted the table is imported through it into an empty store. Any
//! outcome is fine except a panic, a hang, or a store left half-written.

#![no_main]

use claimgraph::import::Mapping;
use claimgraph::Database;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(cut) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (mapping, table) = (&data[..cut], &data[cut + 1..]);
    let Ok(mapping) = std::str::from_utf8(mapping) else {
        return;
    };
    let tsv = data.first().is_some_and(|b| b % 2 == 1);
    let Ok(mapping) = Mapping::parse("fuzz.toml", mapping) else {
        return;
    };
    let mapping = mapping.with_tsv(tsv);
    let mut db = Database::in_memory();
    let before = db.stats();
    match db.import_table_bytes("fuzz.csv", table, &mapping, None) {
        Ok(_) => {
            if let Err(e) = db.graph().verify_indexes() {
                panic!("an accepted import broke the indexes: {e}");
            }
        }
        Err(e) => {
            assert_eq!(db.stats(), before, "a refused import changed the store");
            assert!(!e.to_string().is_empty());
        }
    }
});
