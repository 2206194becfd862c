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

use arrow_array::builder::{Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use serde::Serialize;

use super::{write_file_atomically, Subgraph};
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{Kind, Node, Relationship};
use crate::value::{Properties, Value};

pub const NODES_FILE: &str = "nodes.parquet";
pub const RELATIONSHIPS_FILE: &str = "relationships.parquet";

/// The node properties that get a column of their own.
pub const NODE_KEYS: [&str; 7] = ["name", "text", "date", "source", "title", "url", "role"];
/// The relationship properties that get a column of their own.
pub const RELATIONSHIP_KEYS: [&str; 4] = ["article", "date", "verdict", "quote"];

/// Rows per record batch and per row group: small enough for a reader to
/// split a file between its cores, large enough to compress well.
const BATCH: usize = 128 * 1024;

/// Columns whose values are mostly distinct: a dictionary would only be
/// built to be thrown away, so they are written plainly.
const DISTINCT_COLUMNS: [&str; 5] = ["properties", "key", "text", "quote", "url"];

/// Writes `nodes.parquet` and `relationships.parquet` into `dir` (created when
/// missing), each through a temporary file; returns what to tell the user.
pub fn write_dir(subgraph: &Subgraph, dir: &Path) -> Result<String> {
    let nodes: Vec<&Node> = subgraph.nodes.iter().collect();
    let rels: Vec<&Relationship> = subgraph.relationships.iter().collect();
    write_records(&nodes, &rels, dir)
}

/// [`write_dir`] of the whole graph, read in place (no copy of its records).
pub fn write_graph_dir(graph: &Graph, dir: &Path) -> Result<String> {
    let mut nodes: Vec<&Node> = graph.nodes().collect();
    nodes.sort_unstable_by_key(|n| n.id);
    let mut rels: Vec<&Relationship> = graph.relationships().collect();
    rels.sort_unstable_by_key(|r| r.id);
    write_records(&nodes, &rels, dir)
}

/// The two files, written at the same time on two threads.
fn write_records(nodes: &[&Node], rels: &[&Relationship], dir: &Path) -> Result<String> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let nodes_path = dir.join(NODES_FILE);
    let rels_path = dir.join(RELATIONSHIPS_FILE);
    let (wrote_nodes, wrote_rels) = std::thread::scope(|scope| {
        let nodes_thread =
            scope.spawn(|| write_file_atomically(&nodes_path, |out| node_rows(nodes, out)));
        let wrote_rels = write_file_atomically(&rels_path, |out| relationship_rows(rels, out));
        let wrote_nodes = nodes_thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (wrote_nodes, wrote_rels)
    });
    wrote_nodes?;
    wrote_rels?;
    Ok(format!(
        "Wrote {} nodes to {} and {} relationships to {}.",
        nodes.len(),
        nodes_path.display(),
        rels.len(),
        rels_path.display()
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
    node_rows(&subgraph.nodes.iter().collect::<Vec<_>>(), out)
}

/// Writes the relationships as one Parquet file.
pub fn write_relationships(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    relationship_rows(&subgraph.relationships.iter().collect::<Vec<_>>(), out)
}

fn node_rows(nodes: &[&Node], out: &mut dyn Write) -> Result<()> {
    let schema = node_schema();
    let mut writer = Writer::new(schema.clone())?;
    let mut json = Vec::new();
    for chunk in nodes.chunks(BATCH) {
        let rows = chunk.len();
        let mut ids = Int64Builder::with_capacity(rows);
        let mut labels =
            ListBuilder::with_capacity(StringBuilder::with_capacity(rows, rows * 8), rows);
        let mut label = StringBuilder::with_capacity(rows, rows * 8);
        let mut key = StringBuilder::with_capacity(rows, rows * 24);
        let mut properties = StringBuilder::with_capacity(rows, rows * 48);
        let mut keys: Vec<StringBuilder> = NODE_KEYS
            .iter()
            .map(|_| StringBuilder::with_capacity(rows, rows * 8))
            .collect();
        for node in chunk {
            ids.append_value(node.id as i64);
            for l in &node.labels {
                labels.values().append_value(l);
            }
            labels.append(true);
            label.append_option(node.labels.first());
            match Kind::of(node).and_then(|kind| node.get(kind.key_property())) {
                Some(value) => append_text(&mut key, value, &mut json),
                None => key.append_null(),
            }
            append_json(&mut properties, &node.properties, &mut json);
            for (builder, k) in keys.iter_mut().zip(NODE_KEYS) {
                append_property(builder, &node.properties, k, &mut json);
            }
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            Arc::new(labels.finish()),
            Arc::new(label.finish()),
            Arc::new(key.finish()),
            Arc::new(properties.finish()),
        ];
        columns.extend(keys.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
        writer.write(&schema, columns)?;
    }
    writer.finish(out)
}

fn relationship_rows(rels: &[&Relationship], out: &mut dyn Write) -> Result<()> {
    let schema = relationship_schema();
    let mut writer = Writer::new(schema.clone())?;
    let mut json = Vec::new();
    for chunk in rels.chunks(BATCH) {
        let rows = chunk.len();
        let mut ids = Int64Builder::with_capacity(rows);
        let mut src = Int64Builder::with_capacity(rows);
        let mut dst = Int64Builder::with_capacity(rows);
        let mut types = StringBuilder::with_capacity(rows, rows * 8);
        let mut keys: Vec<StringBuilder> = RELATIONSHIP_KEYS
            .iter()
            .map(|_| StringBuilder::with_capacity(rows, rows * 12))
            .collect();
        let mut properties = StringBuilder::with_capacity(rows, rows * 64);
        for rel in chunk {
            ids.append_value(rel.id as i64);
            src.append_value(rel.start as i64);
            dst.append_value(rel.end as i64);
            types.append_value(&rel.rel_type);
            for (builder, k) in keys.iter_mut().zip(RELATIONSHIP_KEYS) {
                append_property(builder, &rel.properties, k, &mut json);
            }
            append_json(&mut properties, &rel.properties, &mut json);
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            Arc::new(src.finish()),
            Arc::new(dst.finish()),
            Arc::new(types.finish()),
        ];
        columns.extend(keys.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
        columns.push(Arc::new(properties.finish()));
        writer.write(&schema, columns)?;
    }
    writer.finish(out)
}

/// A property's column cell: null when absent or null.
fn append_property(
    builder: &mut StringBuilder,
    properties: &Properties,
    key: &str,
    json: &mut Vec<u8>,
) {
    match properties.get(key) {
        None | Some(Value::Null) => builder.append_null(),
        Some(value) => append_text(builder, value, json),
    }
}

/// A value as column text: strings as they are, other values as JSON.
fn append_text(builder: &mut StringBuilder, value: &Value, json: &mut Vec<u8>) {
    match value {
        Value::String(s) => builder.append_value(s),
        other => {
            json.clear();
            serde_json::to_writer(&mut *json, &JsonValue(other)).expect("JSON into memory");
            builder.append_value(std::str::from_utf8(json).expect("JSON is UTF-8"));
        }
    }
}

/// A property map as a JSON object, the text `properties_to_json` gives,
/// written straight from the values.
fn append_json(builder: &mut StringBuilder, properties: &Properties, json: &mut Vec<u8>) {
    json.clear();
    serde_json::to_writer(&mut *json, &JsonProperties(properties)).expect("JSON into memory");
    builder.append_value(std::str::from_utf8(json).expect("JSON is UTF-8"));
}

/// Serialises a property map as [`Value::to_json`] would, without building it.
struct JsonProperties<'a>(&'a Properties);

impl Serialize for JsonProperties<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, JsonValue(v))))
    }
}

/// Serialises a value as [`Value::to_json`] would (a float that is not finite
/// becomes null, a temporal value its text), without building it.
struct JsonValue<'a>(&'a Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(_) => s.serialize_unit(),
            Value::String(text) => s.serialize_str(text),
            Value::Temporal(t) => s.collect_str(t),
            Value::List(items) => s.collect_seq(items.iter().map(JsonValue)),
            Value::Map(map) => s.collect_map(map.iter().map(|(k, v)| (k, JsonValue(v)))),
        }
    }
}

/// An Arrow writer into memory (it needs a `Send` sink; `out` is not one).
struct Writer {
    inner: ArrowWriter<Vec<u8>>,
}

impl Writer {
    fn new(schema: Arc<Schema>) -> Result<Self> {
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(BATCH))
            .set_created_by(format!("claimgraph {}", env!("CARGO_PKG_VERSION")));
        for column in DISTINCT_COLUMNS {
            if schema.field_with_name(column).is_ok() {
                props = props.set_column_dictionary_enabled(ColumnPath::from(column), false);
            }
        }
        let inner =
            ArrowWriter::try_new(Vec::new(), schema, Some(props.build())).map_err(parquet_error)?;
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
