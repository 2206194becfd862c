//! Exporting the graph or a query's subgraph: JSON, DOT, SVG, GraphML, N-Quads,
//! Cypher scripts, Neo4j bulk-import CSV, schema.org ClaimReview JSON-LD and
//! Parquet edge lists.
//!
//! Every export goes the same way:
//!
//! 1. select a [`Subgraph`]: the whole graph, or the nodes, relationships and
//!    paths found in a query's rows, with both endpoints of every relationship
//!    ([`Subgraph::whole`], [`Subgraph::from_result`]); an export only reads, so a
//!    query with a write clause is refused before it runs;
//! 2. hand it to the writer of the chosen format, one submodule per format, each
//!    taking `&Subgraph` and a `&mut dyn Write` (Neo4j CSV and Parquet write a
//!    directory);
//! 3. when the output is a file, write a temporary file beside it and rename it
//!    into place at the end, so that a failed export leaves no half-written file.
//!
//! Architecture invariant: a [`Subgraph`] is closed. Every relationship's start and
//! end node are among its nodes, so no writer ever has to handle a dangling edge.
//! Nodes and relationships are sorted by id, so the same store gives the same bytes.
//!
//! Text that a format cannot carry is replaced, never dropped silently without a
//! trace: XML 1.0 cannot hold most control characters, so SVG and GraphML write
//! U+FFFD in their place.

pub mod claimreview;
pub mod cypher;
pub mod dot;
mod draw_articles;
pub mod graphml;
pub mod json;
pub mod neo4j_csv;
pub mod nquads;
pub mod parquet;
mod style;
mod subgraph;
pub mod svg;
pub mod timeline;

pub use subgraph::Subgraph;

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::cancel::Cancel;
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
    ClaimReview,
    Parquet,
}

impl ExportFormat {
    /// Every format, in the order the help text lists them.
    pub const ALL: [ExportFormat; 9] = [
        ExportFormat::Json,
        ExportFormat::Dot,
        ExportFormat::Svg,
        ExportFormat::Graphml,
        ExportFormat::Nquads,
        ExportFormat::Cypher,
        ExportFormat::Neo4jCsv,
        ExportFormat::ClaimReview,
        ExportFormat::Parquet,
    ];

    /// The name used on the command line and in the shell: `json`, `neo4j-csv`, ...
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Dot => "dot",
            ExportFormat::Svg => "svg",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Nquads => "nquads",
            ExportFormat::Cypher => "cypher",
            ExportFormat::Neo4jCsv => "neo4j-csv",
            ExportFormat::ClaimReview => "claimreview",
            ExportFormat::Parquet => "parquet",
        }
    }

    /// Whether the format writes a directory of files rather than one stream.
    pub fn writes_directory(self) -> bool {
        matches!(self, ExportFormat::Neo4jCsv | ExportFormat::Parquet)
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    /// Parses a format name, ignoring case; `neo4j_csv` is accepted too.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown export format {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Exports the whole graph (`query` is `None`) or the subgraph of a query's rows,
/// to `output` (a file, or a directory for `neo4j-csv`) or to standard output.
pub fn export(
    db: &mut Database,
    query: Option<&str>,
    params: &Params,
    format: ExportFormat,
    output: Option<&Path>,
) -> Result<()> {
    export_with(db, query, params, format, output, &Cancel::new())
}

/// [`export`], with a flag that stops the query (and the export) when it trips.
pub fn export_with(
    db: &mut Database,
    query: Option<&str>,
    params: &Params,
    format: ExportFormat,
    output: Option<&Path>,
    cancel: &Cancel,
) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    export_to(db, query, params, format, output, cancel, &mut out)?;
    out.flush()?;
    Ok(())
}

/// [`export_with`], printing to `out` what would go to standard output.
pub fn export_to(
    db: &mut Database,
    query: Option<&str>,
    params: &Params,
    format: ExportFormat,
    output: Option<&Path>,
    cancel: &Cancel,
    out: &mut dyn Write,
) -> Result<()> {
    if format == ExportFormat::Parquet && query.is_none() {
        // The whole graph goes to Parquet read in place, without a copy.
        let Some(dir) = output else {
            return Err(directory_needed(format));
        };
        cancel.check()?;
        let command = parquet::write_graph_dir(db.graph(), dir)?;
        writeln!(out, "{command}")?;
        return Ok(());
    }
    let subgraph = select(db, query, params, cancel)?;
    cancel.check()?;
    if format.writes_directory() {
        let Some(dir) = output else {
            return Err(directory_needed(format));
        };
        let command = if format == ExportFormat::Parquet {
            parquet::write_dir(&subgraph, dir)?
        } else {
            neo4j_csv::write_dir(&subgraph, dir)?
        };
        writeln!(out, "{command}")?;
        return Ok(());
    }
    match output {
        Some(path) => write_file_atomically(path, |out| write(&subgraph, format, out)),
        None => write(&subgraph, format, out),
    }
}

fn directory_needed(format: ExportFormat) -> Error {
    Error::query(format!(
        "the {format} export writes a directory of files: name it with --output DIR"
    ))
}

/// The subgraph an export covers: the whole graph, or the one found in a query's rows.
pub fn select(
    db: &mut Database,
    query: Option<&str>,
    params: &Params,
    cancel: &Cancel,
) -> Result<Subgraph> {
    match query {
        None => Ok(Subgraph::whole(db.graph())),
        Some(text) => {
            // A query that does not parse is left to `query_with`, which reports
            // it with its position.
            if let Ok(statement) = crate::query::syntax::parse(text) {
                if let Some(clause) = write_clause(&statement) {
                    return Err(Error::query(format!(
                        "an export only reads, and this query writes ({clause}); \
                         run it with `query` first, then export what it made"
                    )));
                }
            }
            let result = db.query_with(text, params, cancel)?;
            Ok(Subgraph::from_result(db.graph(), &result))
        }
    }
}

/// The first clause of a statement that writes, named as the user typed it.
pub fn write_clause(statement: &crate::query::ast::Statement) -> Option<&'static str> {
    use crate::query::ast::Clause;
    let query = &statement.query;
    std::iter::once(&query.first)
        .chain(query.unions.iter().map(|(_, q)| q))
        .flat_map(|q| q.clauses.iter())
        .find_map(|clause| match clause {
            Clause::Create(_) => Some("CREATE"),
            Clause::Merge { .. } => Some("MERGE"),
            Clause::Set(_) => Some("SET"),
            Clause::Remove(_) => Some("REMOVE"),
            Clause::Delete { detach: true, .. } => Some("DETACH DELETE"),
            Clause::Delete { .. } => Some("DELETE"),
            Clause::Match { .. }
            | Clause::Unwind { .. }
            | Clause::With(_)
            | Clause::Return(_)
            | Clause::Call(_) => None,
        })
}

/// Writes a subgraph in a stream format. `neo4j-csv` writes a directory and is
/// refused here: use [`neo4j_csv::write_dir`].
pub fn write(subgraph: &Subgraph, format: ExportFormat, out: &mut dyn Write) -> Result<()> {
    match format {
        ExportFormat::Json => json::write(subgraph, out),
        ExportFormat::Dot => dot::write(subgraph, out),
        ExportFormat::Svg => svg::write(subgraph, out),
        ExportFormat::Graphml => graphml::write(subgraph, out),
        ExportFormat::Nquads => nquads::write(subgraph, out),
        ExportFormat::Cypher => cypher::write(subgraph, out),
        ExportFormat::ClaimReview => claimreview::write(subgraph, out),
        ExportFormat::Neo4jCsv | ExportFormat::Parquet => Err(Error::query(format!(
            "the {format} export writes a directory of files, not one stream"
        ))),
    }
}

/// Writes `path` through a temporary file in the same directory, renamed into
/// place only when `fill` succeeds; on failure the temporary file is removed and
/// whatever was at `path` before is left as it was.
pub fn write_file_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let tmp = temporary_sibling(path);
    let outcome = (|| -> Result<()> {
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut out = BufWriter::new(file);
        fill(&mut out)?;
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if outcome.is_err() {
        // The temporary file may not exist (creating it may be what failed);
        // either way there is nothing more to do about it.
        let _ = fs::remove_file(&tmp);
    }
    outcome
}

/// `dir/.name.tmp-PID` for `dir/name`.
fn temporary_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_string());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>(), Ok(f));
        }
        assert_eq!("NEO4J_CSV".parse(), Ok(ExportFormat::Neo4jCsv));
        let err = "pdf".parse::<ExportFormat>().unwrap_err();
        assert!(err.contains("neo4j-csv"), "{err}");
    }

    #[test]
    fn a_query_that_writes_is_refused_before_it_runs() {
        let mut db = Database::in_memory();
        let err = select(
            &mut db,
            Some("MATCH (n) DETACH DELETE n RETURN n"),
            &Params::new(),
            &Cancel::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("DETACH DELETE"), "{err}");
        let err = select(
            &mut db,
            Some("MATCH (n) RETURN n UNION CREATE (m) RETURN m"),
            &Params::new(),
            &Cancel::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("CREATE"), "{err}");
        assert_eq!(db.graph().node_count(), 0);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        fs::write(&path, "old").unwrap();
        let result = write_file_atomically(&path, |out| {
            out.write_all(b"partial")?;
            Err(Error::query("stopped"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        write_file_atomically(&path, |out| Ok(out.write_all(b"new")?)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }
}
