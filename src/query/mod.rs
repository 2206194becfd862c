//! The query language: a subset of openCypher.
//!
//! parse (`parser`, from `grammar/cypher.pest`) → AST (`ast`) → plan (`plan`) →
//! execute (`exec`) over the [`Graph`], writes committed through a [`crate::graph::Txn`].

pub mod ast;
pub mod exec;
pub mod parser;
pub mod print;
pub mod script;

use std::collections::BTreeMap;

use crate::cancel::Cancel;
use crate::error::Result;
use crate::graph::Graph;
use crate::result::QueryResult;
use crate::storage::Storage;
use crate::value::Value;

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// Parses, plans and runs one statement. A statement that writes commits as one
/// transaction, or not at all.
pub fn run(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    text: &str,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    let statement = parser::parse(text)?;
    exec::execute(graph, storage, &statement, params, cancel)
}
