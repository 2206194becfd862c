//! Arbitrary bytes imported as a ClaimReview JSON-LD feed into an empty
//! store: any outcome is fine except a panic, a hang, or a store left
//! half-written.

#![no_main]

use claimgraph::Format;
use libfuzzer_sys::fuzz_target;

#[path = "import_check.rs"]
mod import_check;

fuzz_target!(|data: &[u8]| {
    import_check::import_once_and_again("fuzz.jsonld", data, Format::ClaimReview);
});
