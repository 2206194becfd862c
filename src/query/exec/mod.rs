//! Planning and executing a parsed statement over the graph.

use super::ast::Statement;
use super::Params;
use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::result::QueryResult;
use crate::storage::Storage;

/// Plans and runs a parsed statement.
pub fn execute(
    _graph: &mut Graph,
    _storage: &mut dyn Storage,
    _statement: &Statement,
    _params: &Params,
    _cancel: &Cancel,
) -> Result<QueryResult> {
    Err(Error::query("the executor is not built yet"))
}
