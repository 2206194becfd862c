//! Typed calls on a held store: what a library client (the Python module)
//! asks of the holder, with values, results and errors in their own types
//! rather than as printed text.
//!
//! A call runs on the holder exactly as it would in process, and takes the
//! store as the CLI's commands do: a query that only reads, `stats` and
//! `export` read the last committed snapshot; a query that writes takes the
//! store in turn with the other writers, one transaction; an import takes it
//! as a long write (readers go on reading meanwhile). An error comes back as
//! a [`WireError`] and becomes the same [`Error`] on the client's side,
//! kind, message and position included.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cancel::Cancel;
use crate::error::{Code, Diagnostic, Diagnostics, Error, Result};
use crate::export::ExportFormat;
use crate::model::Node;
use crate::result::{QueryResult, ResultValue, WriteStats};
use crate::value::Value;
use crate::{Database, Format, Params};

/// One typed call.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Call {
    /// An openCypher statement, optionally on a view of time (`as_of`, `at_tx`).
    Query {
        text: String,
        params: Vec<(String, Value)>,
        as_of: Option<String>,
        at_tx: Option<u64>,
        /// The statement's timeout, in milliseconds.
        timeout_ms: Option<u64>,
    },
    /// The bytes of one import file, named `name` in messages: one transaction.
    Import {
        name: String,
        #[serde(with = "super::proto::bytes")]
        bytes: Vec<u8>,
        format: Format,
    },
    /// An export of the graph or of a query's subgraph; `path` (absolute) is
    /// written by the holder, and without one the text comes back.
    Export {
        format: String,
        path: Option<PathBuf>,
        query: Option<String>,
        params: Vec<(String, Value)>,
    },
    /// The store's counts.
    Stats,
}

/// The answer to one call.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Answer {
    /// A query's result, with the endpoints of its relationships that the
    /// rows do not hold themselves (to complete a subgraph of the rows).
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<ResultValue>>,
        stats: Option<WriteStats>,
        plan: Option<String>,
        endpoints: Vec<Node>,
    },
    /// A record of counts (an import's summary, the store's stats), as the
    /// JSON object the CLI prints, made a map value.
    Counts(Value),
    /// An export's text, or the line saying how to load a directory it wrote.
    Text(Option<String>),
    Failed(WireError),
}

impl Answer {
    /// The query result of a [`Answer::Rows`] and its extra endpoints.
    pub fn into_result(self) -> Result<(QueryResult, Vec<Node>)> {
        match self {
            Answer::Rows {
                columns,
                rows,
                stats,
                plan,
                endpoints,
            } => Ok((
                QueryResult {
                    columns,
                    rows,
                    stats,
                    plan,
                    warnings: Vec::new(),
                },
                endpoints,
            )),
            other => Err(other.unexpected()),
        }
    }

    /// The counts of an [`Answer::Counts`].
    pub fn into_counts(self) -> Result<Value> {
        match self {
            Answer::Counts(v) => Ok(v),
            other => Err(other.unexpected()),
        }
    }

    /// The text of an [`Answer::Text`].
    pub fn into_text(self) -> Result<Option<String>> {
        match self {
            Answer::Text(t) => Ok(t),
            other => Err(other.unexpected()),
        }
    }

    fn unexpected(self) -> Error {
        match self {
            Answer::Failed(e) => e.into(),
            _ => Error::query(
                "internal error: the process holding the store answered another call (please report this)",
            ),
        }
    }
}

/// Runs `call` on the held store `db`; `cancel` trips when the client goes away.
pub fn serve(db: &super::Shared, call: Call, cancel: Cancel) -> Answer {
    let answered = match call {
        Call::Query {
            text,
            params,
            as_of,
            at_tx,
            timeout_ms,
        } => {
            let params: Params = params.into_iter().collect();
            let cancel =
                cancel.sharing_with_timeout(timeout_ms.map(std::time::Duration::from_millis));
            let run = |db: &mut Database| -> Result<Answer> {
                let result = db.query_with(&text, &params, &cancel)?;
                Ok(rows_answer(db, result))
            };
            match super::view(db, as_of.as_deref(), at_tx) {
                Ok(Some(mut view)) => run(&mut view),
                Ok(None) => run(&mut super::for_statement(db, Some(&text))),
                Err(e) => Err(e),
            }
        }
        Call::Import {
            name,
            bytes,
            format,
        } => super::lock_long(db)
            .import_bytes_with(&name, &bytes, format, None, &cancel)
            .and_then(|summary| counts(&summary)),
        Call::Export {
            format,
            path,
            query,
            params,
        } => format
            .parse::<ExportFormat>()
            .map_err(Error::query)
            .and_then(|format| {
                let params: Params = params.into_iter().collect();
                let mut db = super::for_statement(db, query.as_deref());
                export(
                    &mut db,
                    format,
                    path.as_deref(),
                    query.as_deref(),
                    &params,
                    &cancel,
                )
            })
            .map(Answer::Text),
        Call::Stats => counts(&super::snapshot(db).stats()),
    };
    answered.unwrap_or_else(|e| Answer::Failed(WireError::from(&e)))
}

fn rows_answer(db: &Database, result: QueryResult) -> Answer {
    let endpoints = missing_endpoints(db, &result);
    Answer::Rows {
        columns: result.columns,
        rows: result.rows,
        stats: result.stats,
        plan: result.plan,
        endpoints,
    }
}

/// The endpoints of the rows' relationships that the rows do not hold as
/// nodes, from the graph the query ran on (empty when the rows hold no
/// relationship, the common case, at the cost of one walk over the rows).
fn missing_endpoints(db: &Database, result: &QueryResult) -> Vec<Node> {
    let (nodes, relationships) = parts(result);
    if relationships.is_empty() {
        return Vec::new();
    }
    let held: std::collections::HashSet<_> = nodes.iter().map(|n| n.id).collect();
    let mut wanted: Vec<_> = relationships
        .iter()
        .flat_map(|r| [r.start, r.end])
        .filter(|id| !held.contains(id))
        .collect();
    wanted.sort();
    wanted.dedup();
    wanted
        .into_iter()
        .filter_map(|id| db.graph().node(id).cloned())
        .collect()
}

/// The subgraph of a result that came from the holder: its rows' nodes,
/// relationships and paths, with `endpoints` completing the relationships
/// (what `Subgraph::from_rows` gives on the holder's graph).
pub fn subgraph_of(result: &QueryResult, endpoints: &[Node]) -> crate::export::Subgraph {
    let (mut nodes, relationships) = parts(result);
    nodes.extend(endpoints.iter().cloned());
    crate::export::Subgraph::from_records(nodes, relationships)
}

/// The nodes and relationships in a result's rows, inside lists, maps and
/// paths too, as they appear (repeats included).
fn parts(result: &QueryResult) -> (Vec<Node>, Vec<crate::model::Relationship>) {
    let (mut nodes, mut relationships) = (Vec::new(), Vec::new());
    // An explicit stack: values nest as deep as the query makes them.
    let mut stack: Vec<&ResultValue> = result.rows.iter().flatten().collect();
    while let Some(value) = stack.pop() {
        match value {
            ResultValue::Node(n) => nodes.push(n.clone()),
            ResultValue::Relationship(r) => relationships.push(r.clone()),
            ResultValue::Path {
                nodes: n,
                relationships: r,
            } => {
                nodes.extend(n.iter().cloned());
                relationships.extend(r.iter().cloned());
            }
            ResultValue::List(items) => stack.extend(items.iter()),
            ResultValue::Map(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    (nodes, relationships)
}

fn counts(record: &impl Serialize) -> Result<Answer> {
    counts_value(record).map(Answer::Counts)
}

/// A record of counts as a map value: its JSON object, as the CLI prints it.
pub fn counts_value(record: &impl Serialize) -> Result<Value> {
    let json = serde_json::to_value(record)
        .map_err(|e| Error::query(format!("internal error: {e} (please report this)")))?;
    Ok(Value::from_json(&json))
}

/// Exports the graph, or the subgraph of `query`'s rows, in `format`: the
/// text when there is no `path`; with one, `None` for a file (written
/// atomically) and the line saying how to load it for a directory.
pub fn export(
    db: &mut Database,
    format: ExportFormat,
    path: Option<&Path>,
    query: Option<&str>,
    params: &Params,
    cancel: &Cancel,
) -> Result<Option<String>> {
    let mut out = Vec::new();
    crate::export::export_to(db, query, params, format, path, cancel, &mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    Ok(match path {
        None => Some(text),
        Some(_) if format.writes_directory() => Some(text.trim_end_matches('\n').to_string()),
        Some(_) => None,
    })
}

/// An [`Error`] as it crosses the socket: the same variants, with the
/// causes that have no portable form (I/O and storage errors) as their text.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum WireError {
    Input(Diagnostics),
    Query {
        message: String,
        diagnostic: Option<Box<Diagnostic>>,
        code: Code,
    },
    Constraint(String),
    Cancelled(String),
    ResourceLimit(String),
    NoStore {
        path: PathBuf,
    },
    Reported,
    StoreLocked {
        path: PathBuf,
        holder: String,
    },
    FormatVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    History(String),
    Corrupt(String),
    Storage(String),
    NoSpace {
        store: PathBuf,
        what: String,
        needed: Option<u64>,
    },
    DeviceIo {
        store: PathBuf,
        what: String,
        cause: String,
    },
    ReadOnly {
        store: PathBuf,
        what: String,
    },
    StoreUnusable {
        store: PathBuf,
        what: String,
        cause: String,
    },
    Io {
        path: PathBuf,
        cause: String,
    },
    Stream(String),
}

impl From<&Error> for WireError {
    fn from(e: &Error) -> Self {
        match e {
            Error::Input(d) => WireError::Input(d.clone()),
            Error::Query {
                message,
                diagnostic,
                code,
            } => WireError::Query {
                message: message.clone(),
                diagnostic: diagnostic.clone(),
                code: code.clone(),
            },
            Error::Constraint(m) => WireError::Constraint(m.clone()),
            Error::Cancelled(m) => WireError::Cancelled(m.clone()),
            Error::ResourceLimit(m) => WireError::ResourceLimit(m.clone()),
            Error::NoStore { path } => WireError::NoStore { path: path.clone() },
            Error::Reported => WireError::Reported,
            Error::StoreLocked { path, holder } => WireError::StoreLocked {
                path: path.clone(),
                holder: holder.clone(),
            },
            Error::FormatVersion {
                path,
                found,
                supported,
            } => WireError::FormatVersion {
                path: path.clone(),
                found: *found,
                supported: *supported,
            },
            Error::History(m) => WireError::History(m.clone()),
            Error::Corrupt(m) => WireError::Corrupt(m.clone()),
            Error::Storage(e) => WireError::Storage(e.to_string()),
            Error::NoSpace {
                store,
                what,
                needed,
            } => WireError::NoSpace {
                store: store.clone(),
                what: what.clone(),
                needed: *needed,
            },
            Error::DeviceIo {
                store,
                what,
                source,
            } => WireError::DeviceIo {
                store: store.clone(),
                what: what.clone(),
                cause: source.to_string(),
            },
            Error::ReadOnly { store, what } => WireError::ReadOnly {
                store: store.clone(),
                what: what.clone(),
            },
            Error::StoreUnusable { store, what, cause } => WireError::StoreUnusable {
                store: store.clone(),
                what: what.clone(),
                cause: cause.clone(),
            },
            Error::Io { path, source } => WireError::Io {
                path: path.clone(),
                cause: source.to_string(),
            },
            Error::Stream(e) => WireError::Stream(e.to_string()),
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Self {
        let io = std::io::Error::other;
        match e {
            WireError::Input(d) => Error::Input(d),
            WireError::Query {
                message,
                diagnostic,
                code,
            } => Error::Query {
                message,
                diagnostic,
                code,
            },
            WireError::Constraint(m) => Error::Constraint(m),
            WireError::Cancelled(m) => Error::Cancelled(m),
            WireError::ResourceLimit(m) => Error::ResourceLimit(m),
            WireError::NoStore { path } => Error::NoStore { path },
            WireError::Reported => Error::Reported,
            WireError::StoreLocked { path, holder } => Error::StoreLocked { path, holder },
            WireError::FormatVersion {
                path,
                found,
                supported,
            } => Error::FormatVersion {
                path,
                found,
                supported,
            },
            WireError::History(m) => Error::History(m),
            WireError::Corrupt(m) => Error::Corrupt(m),
            WireError::Storage(m) => {
                // sled prints its I/O errors as "IO error: ..."; keep the text once.
                let cause = m.strip_prefix("IO error: ").unwrap_or(&m).to_string();
                Error::Storage(sled::Error::Io(io(cause)))
            }
            WireError::NoSpace {
                store,
                what,
                needed,
            } => Error::NoSpace {
                store,
                what,
                needed,
            },
            WireError::DeviceIo { store, what, cause } => Error::DeviceIo {
                store,
                what,
                source: io(cause),
            },
            WireError::ReadOnly { store, what } => Error::ReadOnly { store, what },
            WireError::StoreUnusable { store, what, cause } => {
                Error::StoreUnusable { store, what, cause }
            }
            WireError::Io { path, cause } => Error::Io {
                path,
                source: io(cause),
            },
            WireError::Stream(m) => Error::Stream(io(m)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query error and an import error cross the socket's encoding and come
    /// back the same: text, kind and position.
    #[test]
    fn errors_cross_the_wire_unchanged() {
        let mut db = Database::in_memory();
        let query = db.query("MATCH (n) RETURN m", &Params::new()).unwrap_err();
        let import = db
            .import_bytes("x.triples", b"not a triple\n", Format::Triples, None)
            .unwrap_err();
        for e in [query, import] {
            let bytes = postcard::to_stdvec(&WireError::from(&e)).unwrap();
            let back: Error = postcard::from_bytes::<WireError>(&bytes).unwrap().into();
            assert_eq!(back.to_string(), e.to_string());
            assert_eq!(back.code(), e.code());
            assert_eq!(format!("{back:?}"), format!("{e:?}"));
        }
    }

    /// A result with every kind of value round-trips through the encoding.
    #[test]
    fn values_cross_the_wire_unchanged() {
        let mut db = Database::in_memory();
        db.query(
            "CREATE (:Actor {name: 'a'})-[:LEADS {since: date('2020-01-02')}]->(:Organisation {name: 'o'})",
            &Params::new(),
        )
        .unwrap();
        let result = db
            .query(
                "MATCH p = (a)-[r]->(o) RETURN a, r, p, [1, null, {x: 2.5, t: datetime('2021-03-04T05:06:07+01:00')}] AS l, duration('P1DT2H') AS d",
                &Params::new(),
            )
            .unwrap();
        let answer = rows_answer(&db, result.clone());
        let bytes = postcard::to_stdvec(&answer).unwrap();
        let back: Answer = postcard::from_bytes(&bytes).unwrap();
        let (back, endpoints) = back.into_result().unwrap();
        assert_eq!(back.rows, result.rows);
        assert_eq!(back.columns, result.columns);
        assert!(endpoints.is_empty(), "the rows hold both endpoints");
        let only_rel = db
            .query("MATCH ()-[r]->() RETURN r", &Params::new())
            .unwrap();
        let Answer::Rows { endpoints, .. } = rows_answer(&db, only_rel) else {
            panic!("a query answers rows");
        };
        let mut names: Vec<_> = endpoints
            .iter()
            .map(|n| n.properties.get("name").cloned())
            .collect();
        names.sort_by_key(|v| format!("{v:?}"));
        assert_eq!(
            names,
            vec![
                Some(Value::String("a".into())),
                Some(Value::String("o".into()))
            ]
        );
    }
}
