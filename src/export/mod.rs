//! Exporting the graph or a query's subgraph: JSON, DOT, SVG, GraphML, N-Quads,
//! Cypher scripts and Neo4j bulk-import CSV.

use std::path::Path;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::query::Params;

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Dot,
    Svg,
    Graphml,
    Nquads,
    Cypher,
    Neo4jCsv,
}

/// Exports the whole graph (`query` is `None`) or the subgraph of a query's rows,
/// to `output` (a file, or a directory for `neo4j-csv`) or to standard output.
pub fn export(
    _db: &mut Database,
    _query: Option<&str>,
    _params: &Params,
    _format: ExportFormat,
    _output: Option<&Path>,
) -> Result<()> {
    Err(Error::query("export is not built yet"))
}
