//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The shared material (specs, TCK, bench generator) from `CLAIMGRAPH_SHARED`.
/// When it is unset the test cannot run: in CI (`CI=true`) that is a failure,
/// elsewhere the test says plainly that it did not run and the caller returns.
pub fn shared(test: &str) -> Option<PathBuf> {
    match std::env::var_os("CLAIMGRAPH_SHARED").filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CLAIMGRAPH_SHARED must be set in CI ({test})")
        }
        None => {
            eprintln!("NOT RUN: {test} needs CLAIMGRAPH_SHARED (the shared material)");
            None
        }
    }
}
