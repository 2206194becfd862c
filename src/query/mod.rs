//! The query language: a subset of openCypher.
//!
//! parse (`parser`, from `grammar/cypher.pest`) → AST (`ast`) → plan (`plan`) →
//! execute (`exec`) over the [`Graph`], writes committed through a [`crate::graph::Txn`].

pub mod ast;
pub mod exec;
pub mod plan;
pub mod print;
pub mod procedures;
pub mod syntax;
pub mod values;

/// The parser, by its older name.
pub use syntax as parser;
pub use syntax::script;
pub mod warnings;

use std::collections::BTreeMap;

use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::result::QueryResult;
use crate::storage::Storage;
use crate::value::Value;

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// Parses, plans and runs one statement, with the built-in procedures. A
/// statement that writes commits as one transaction, or not at all.
pub fn run(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    text: &str,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    run_on(
        exec::Target::Owned(graph),
        storage,
        procedures::Registry::builtin_shared(),
        text,
        params,
        cancel,
    )
}

/// [`run`] on a [`exec::Target`] (a graph owned, or shared with readers of
/// the committed state, which only a statement that writes copies), `CALL`
/// naming the procedures of `registry`.
pub fn run_on(
    graph: exec::Target<'_>,
    storage: &mut dyn Storage,
    registry: &procedures::Registry,
    text: &str,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    let (statement, places) = syntax::parse_with_places(text)?;
    let warnings = warnings::check(&statement, graph.read());
    let mut result = exec::execute_on(graph, storage, registry, &statement, params, cancel)
        .map_err(|e| locate(e, text, &places))?;
    result.warnings = warnings;
    Ok(result)
}

/// Whether `text` is a statement that writes (its plan has a write clause
/// or a writing procedure). A statement that does not parse or plan is
/// refused the same way on any state of the graph, so it counts as a read.
pub fn writes(graph: &Graph, registry: &procedures::Registry, text: &str) -> bool {
    syntax::parse_with_places(text)
        .ok()
        .and_then(|(statement, _)| plan::plan_with(graph, registry, &statement.query).ok())
        .is_some_and(|plan| plan.writes)
}

/// Points an error raised after parsing at the name it is about.
fn locate(e: Error, text: &str, places: &syntax::Places) -> Error {
    let at = match &e {
        Error::Query {
            diagnostic: None,
            code,
            ..
        } => code.subject.as_ref().and_then(|s| places.of(s)),
        _ => None,
    };
    match at {
        Some(offset) => e.at_offset(text, offset),
        None => e,
    }
}
