//! What the command line and the interactive shell share: the [`Session`]
//! (the open store, parameters, display settings and the `:commands`), the
//! shell's claims and schema commands, importing one file (`import.rs`) and
//! the report line of an import.
//! `cli` (one-shot commands and `run`) and `repl` (the line editor) both sit
//! on this module; it depends on neither.

mod claims;
mod help;
mod identity;
pub mod import;
mod schema;
mod session;
pub(crate) mod source;
pub mod time;

use std::path::Path;

use crate::import::ImportSummary;

pub use session::{render_error, run_command, Flow, Session, DEFAULT_MAX_ROWS};

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `examples/bakhmut.triples: added 1 article, 14 nodes, 20 relationships (already there: 0 nodes, 0 relationships)`,
/// then `; new relationship types: LEADS, MEMBER_OF` when the import created types.
pub fn describe_import(file: &Path, s: &ImportSummary) -> String {
    let new_types = if s.new_types.is_empty() {
        String::new()
    } else {
        format!("; new relationship types: {}", s.new_types.join(", "))
    };
    format!(
        "{}: added {}, {}, {} (already there: {}, {}, {}){new_types}",
        file.display(),
        count(s.articles_added, "article", "articles"),
        count(s.nodes_added, "node", "nodes"),
        count(s.relationships_added, "relationship", "relationships"),
        count(s.articles_existing, "article", "articles"),
        count(s.nodes_existing, "node", "nodes"),
        count(s.relationships_existing, "relationship", "relationships"),
    )
}
