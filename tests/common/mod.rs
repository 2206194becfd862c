//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use claimgraph::{Database, Error, Params, QueryResult};

/// Runs a query that must succeed.
#[allow(dead_code)]
pub fn run(db: &mut Database, q: &str) -> QueryResult {
    match db.query(q, &Params::new()) {
        Ok(r) => r,
        Err(e) => panic!("{q}\n{e}"),
    }
}

/// Runs a query that must fail, and gives its error.
#[allow(dead_code)]
pub fn fail(db: &mut Database, q: &str) -> Error {
    match db.query(q, &Params::new()) {
        Ok(r) => panic!("{q} should fail, got {:?}", r.rows),
        Err(e) => e,
    }
}

/// The shared material (specs, TCK, bench generator) from `CLAIMGRAPH_SHARED`.
/// When it is unset the test cannot run: in CI (`CI=true`) that is a failure,
/// elsewhere the test says plainly that it did not run and the caller returns.
#[allow(dead_code)]
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

/// Runs the benchmark's corpus generator (`bench/gen_corpus.py` of the shared
/// material) for `articles` articles into `dir`, which then holds
/// `corpus.triples`, `corpus.jsonl` and `params.json` (the workload's parameters).
#[allow(dead_code)]
pub fn generate_corpus(shared: &Path, articles: u32, dir: &Path) {
    let status = std::process::Command::new("python3")
        .arg(shared.join("bench/gen_corpus.py"))
        .args(["--articles", &articles.to_string(), "--out"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(
        status.success(),
        "gen_corpus.py --articles {articles} failed"
    );
}
