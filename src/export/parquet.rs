//! Parquet edge lists for the engines that scale out: Spark (GraphFrames),
//! DuckDB, Polars. Two files in a directory:
//!
//! - `nodes.parquet`: `id`, `labels` (a list), `label` (the first label),
//!   `key` (the value of the kind's key: name, statement text or article id),
//!   `properties` (all of them, as a JSON object), and a typed column for each
//!   of the common keys ([`NODE_KEYS`]), null where the node has none;
//! - `relationships.parquet`: `id`, `src`, `dst`, `type`, `article`, `date`,
//!   `verdict`, `quote` and `properties` (all of them, as JSON).
//!
//! `id`, `src` and `dst` are the names GraphFrames, DuckDB's and Polars' graph
//! recipes expect of an edge list. Columns are Snappy-compressed.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use super::json::properties_to_json;
use super::{write_file_atomically, Subgraph};
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::value::{Properties, Value};

pub const NODES_FILE: &str = "nodes.parquet";
pub const RELATIONSHIPS_FILE: &str = "relationships.parquet";

/// The node properties that get a column of their own.
pub const NODE_KEYS: [&str; 7] = ["name", "text", "date", "source", "title", "url", "role"];
/// The relationship properties that get a column of their own.
pub const RELATIONSHIP_KEYS: [&str; 4] = ["article", "date", "verdict", "quote"];

/// Rows per record batch (and so per row group at most).
const BATCH: usize = 64 * 1024;

/// Writes `nodes.parquet` and `relationships.parquet` into `dir` (created when
/// missing), each through a temporary file; returns what to tell the user.
pub fn write_dir(subgraph: &Subgraph, dir: &Path) -> Result<String> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let nodes = dir.join(NODES_FILE);
    let rels = dir.join(RELATIONSHIPS_FILE);
    write_file_atomically(&nodes, |out| write_nodes(subgraph, out))?;
    write_file_atomically(&rels, |out| write_relationships(subgraph, out))?;
    Ok(format!(
        "Wrote {} nodes to {} and {} relationships to {}.",
        subgraph.nodes.len(),
        nodes.display(),
        subgraph.relationships.len(),
        rels.display()
    ))
}

/// The schema of `nodes.parquet`.
pub fn node_schema() -> Arc<Schema> {
    let mut fields = vec![
        Field::new("id", DataType::Int64, false),
        Field::new(
            "labels",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        ),
        Field::new("label", DataType::Utf8, true),
        Field::new("key", DataType::Utf8, true),
        Field::new("properties", DataType::Utf8, false),
    ];
    fields.extend(
        NODE_KEYS
            .iter()
            .map(|k| Field::new(*k, DataType::Utf8, true)),
    );
    Arc::new(Schema::new(fields))
}

/// The schema of `relationships.parquet`.
pub fn relationship_schema() -> Arc<Schema> {
    let mut fields = vec![
        Field::new("id", DataType::Int64, false),
        Field::new("src", DataType::Int64, false),
        Field::new("dst", DataType::Int64, false),
        Field::new("type", DataType::Utf8, false),
    ];
    fields.extend(
        RELATIONSHIP_KEYS
            .iter()
            .map(|k| Field::new(*k, DataType::Utf8, true)),
    );
    fields.push(Field::new("properties", DataType::Utf8, false));
    Arc::new(Schema::new(fields))
}

/// Writes the nodes as one Parquet file.
pub fn write_nodes(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let schema = node_schema();
    let mut writer = Writer::new(schema.clone())?;
    for chunk in subgraph.nodes.chunks(BATCH) {
        let ids = Int64Array::from_iter_values(chunk.iter().map(|n| n.id as i64));
        let mut labels = ListBuilder::new(StringBuilder::new());
        for node in chunk {
            for label in &node.labels {
                labels.values().append_value(label);
            }
            labels.append(true);
        }
        let label: StringArray = chunk.iter().map(|n| n.labels.first()).collect();
        let key: StringArray = chunk
            .iter()
            .map(|n| {
                let kind = Kind::of(n)?;
                n.get(kind.key_property()).map(text_of)
            })
            .collect();
        let properties = json_column(chunk.iter().map(|n| &n.properties));
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids),
            Arc::new(labels.finish()),
            Arc::new(label),
            Arc::new(key),
            Arc::new(properties),
        ];
        for k in NODE_KEYS {
            columns.push(Arc::new(text_column(
                chunk.iter().map(|n| &n.properties),
                k,
            )));
        }
        writer.write(&schema, columns)?;
    }
    writer.finish(out)
}

/// Writes the relationships as one Parquet file.
pub fn write_relationships(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let schema = relationship_schema();
    let mut writer = Writer::new(schema.clone())?;
    for chunk in subgraph.relationships.chunks(BATCH) {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(
                chunk.iter().map(|r| r.id as i64),
            )),
            Arc::new(Int64Array::from_iter_values(
                chunk.iter().map(|r| r.start as i64),
            )),
            Arc::new(Int64Array::from_iter_values(
                chunk.iter().map(|r| r.end as i64),
            )),
            Arc::new(StringArray::from_iter_values(
                chunk.iter().map(|r| r.rel_type.as_str()),
            )),
        ];
        for k in RELATIONSHIP_KEYS {
            columns.push(Arc::new(text_column(
                chunk.iter().map(|r| &r.properties),
                k,
            )));
        }
        columns.push(Arc::new(json_column(chunk.iter().map(|r| &r.properties))));
        writer.write(&schema, columns)?;
    }
    writer.finish(out)
}

/// A property as column text: strings as they are, other values as JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_json().to_string(),
    }
}

fn text_column<'a>(maps: impl Iterator<Item = &'a Properties>, key: &str) -> StringArray {
    maps.map(|p| {
        p.get(key)
            .filter(|v| !matches!(v, Value::Null))
            .map(text_of)
    })
    .collect()
}

fn json_column<'a>(maps: impl Iterator<Item = &'a Properties>) -> StringArray {
    StringArray::from_iter_values(maps.map(|p| properties_to_json(p).to_string()))
}

/// An Arrow writer into memory (it needs a `Send` sink; `out` is not one).
struct Writer {
    inner: ArrowWriter<Vec<u8>>,
}

impl Writer {
    fn new(schema: Arc<Schema>) -> Result<Self> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("claimgraph {}", env!("CARGO_PKG_VERSION")))
            .build();
        let inner = ArrowWriter::try_new(Vec::new(), schema, Some(props)).map_err(parquet_error)?;
        Ok(Writer { inner })
    }

    fn write(&mut self, schema: &Arc<Schema>, columns: Vec<ArrayRef>) -> Result<()> {
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_error)?;
        self.inner.write(&batch).map_err(parquet_error)
    }

    fn finish(self, out: &mut dyn Write) -> Result<()> {
        let bytes = self.inner.into_inner().map_err(parquet_error)?;
        out.write_all(&bytes)?;
        Ok(())
    }
}

fn parquet_error(e: ParquetError) -> Error {
    Error::query(format!("writing Parquet failed: {e}"))
}

fn arrow_error(e: ArrowError) -> Error {
    Error::query(format!("writing Parquet failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Relationship};
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn sample() -> Subgraph {
        let mut a = Properties::new();
        a.insert("name".into(), Value::from("Wagner"));
        a.insert(
            "aliases".into(),
            Value::List(vec![Value::from("Wagner Group")]),
        );
        let mut s = Properties::new();
        s.insert("text".into(), Value::from("Bakhmut is Russian"));
        let mut r = Properties::new();
        r.insert("article".into(), Value::from("a1"));
        r.insert("date".into(), Value::from("2023-04-02"));
        Subgraph {
            nodes: vec![
                Node {
                    id: 0,
                    labels: vec!["Organisation".into()],
                    properties: a,
                },
                Node {
                    id: 1,
                    labels: vec!["Statement".into()],
                    properties: s,
                },
            ],
            relationships: vec![Relationship {
                id: 0,
                rel_type: "CLAIMS".into(),
                start: 0,
                end: 1,
                properties: r,
            }],
        }
    }

    #[test]
    fn files_read_back_with_their_rows_and_columns() {
        let dir = tempfile::tempdir().unwrap();
        write_dir(&sample(), dir.path()).unwrap();
        let open = |name| std::fs::File::open(dir.path().join(name)).unwrap();
        let reader = SerializedFileReader::new(open(NODES_FILE)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let columns: Vec<String> = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.path().string())
            .collect();
        assert!(columns.contains(&"key".to_string()), "{columns:?}");
        let reader = SerializedFileReader::new(open(RELATIONSHIPS_FILE)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 1);
        let rows: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert!(
            rows[0].contains("src: 0") && rows[0].contains("dst: 1"),
            "{rows:?}"
        );
        assert!(rows[0].contains("article: \"a1\""), "{rows:?}");
    }
}
