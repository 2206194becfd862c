//! The integration tests, in one test binary: each file beside this one is a
//! module of it, so the suite links once and its tests share both cores. Two
//! files stay binaries of their own, declared in `Cargo.toml`: `faults.rs`
//! defines libc's write and sync functions for the whole binary it is in, and
//! `tck.rs` installs a panic hook of its own. `every_test_file_is_built` below
//! keeps a new file from being left out.

mod common;
#[path = "common/liar.rs"]
mod liar;
#[path = "common/stores.rs"]
mod stores;

mod backup;
mod census;
mod claims;
mod cli;
mod count_subquery;
mod crash;
mod did_you_mean;
mod errors;
mod export;
mod feeds;
mod fullfs;
mod golden;
mod history;
mod hostile;
mod import;
mod merges;
mod old_store;
mod plan_tree;
mod procedures;
mod query_exec;
mod query_parser;
mod repl;
mod search;
mod share;
mod shortcuts;
mod stance_upkeep;
mod workload;

/// Every `tests/*.rs` file is a module of this suite or a test target of its
/// own in `Cargo.toml` (test discovery is off, so a file named nowhere would
/// never run).
#[test]
fn every_test_file_is_built() {
    let root = env!("CARGO_MANIFEST_DIR");
    let suite = include_str!("suite.rs");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let mut left_out = Vec::new();
    for entry in std::fs::read_dir(format!("{root}/tests")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        let module = format!("\nmod {stem};");
        let target = format!("path = \"tests/{name}\"");
        if !suite.contains(&module) && !manifest.contains(&target) {
            left_out.push(name);
        }
    }
    assert!(
        left_out.is_empty(),
        "test files built by no target: {left_out:?}"
    );
}
