//! The query language: a subset of openCypher.
//!
//! parse (`parser`, from `grammar/cypher.pest`) → AST (`ast`) → plan (`plan`) →
//! execute (`exec`) over the [`Graph`], writes committed through a [`crate::graph::Txn`].

pub mod ast;

use std::collections::BTreeMap;

use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::result::QueryResult;
use crate::storage::Storage;
use crate::value::Value;

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// Parses, plans and runs one statement. A statement that writes commits as one
/// transaction, or not at all.
pub fn run(
    _graph: &mut Graph,
    _storage: &mut dyn Storage,
    _text: &str,
    _params: &Params,
    _cancel: &Cancel,
) -> Result<QueryResult> {
    Err(Error::query("queries are not built yet"))
}
