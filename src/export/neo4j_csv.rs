//! Neo4j bulk-import CSV: `nodes.csv` and `relationships.csv` in the layout that
//! `neo4j-admin database import full` reads, the fast path into a new Neo4j
//! database (Memgraph's `LOAD CSV ... WITH HEADER` reads the same files).
//!
//! `nodes.csv` has `:ID` (the node's id), one column per property and `:LABEL`;
//! `relationships.csv` has `:START_ID`, `:END_ID`, `:TYPE` and one column per
//! property. A property column is typed by every value it holds: `name:long`,
//! `name:double` (integers and floats mixed), `name:boolean`, `name` (strings), and
//! arrays `name:string[]`, `name:long[]`, `name:double[]`, `name:boolean[]` whose
//! elements are joined by the array delimiter (`;`, or `|` when some element or
//! label holds a `;`). Values that fit none of these (maps, nested or mixed lists,
//! a column mixing strings and numbers) are written as JSON text in a string
//! column. An absent property is an empty field; Neo4j reads an empty string the
//! same way.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::Path;

use super::{write_file_atomically, Subgraph};
use crate::error::{Error, Result};
use crate::value::{Properties, Value};

/// The file of nodes inside the export directory.
pub const NODES_FILE: &str = "nodes.csv";
/// The file of relationships inside the export directory.
pub const RELATIONSHIPS_FILE: &str = "relationships.csv";

/// The type of a property column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnType {
    Long,
    Double,
    Boolean,
    String,
    Array(Scalar),
    /// A temporal type, by the name neo4j-admin gives it (`date`, `datetime`, ...).
    Temporal(&'static str),
    /// Anything else, written as JSON text (strings as themselves).
    Json,
}

/// The element type of an array column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    /// No element seen yet: every list so far was empty.
    Unknown,
    Long,
    Double,
    Boolean,
    String,
}

impl Scalar {
    fn of(value: &Value) -> Option<Scalar> {
        match value {
            Value::Int(_) => Some(Scalar::Long),
            Value::Float(_) => Some(Scalar::Double),
            Value::Bool(_) => Some(Scalar::Boolean),
            Value::String(_) | Value::Temporal(_) => Some(Scalar::String),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        }
    }

    fn join(self, other: Scalar) -> Option<Scalar> {
        use Scalar::*;
        match (self, other) {
            (a, b) if a == b => Some(a),
            (Unknown, x) | (x, Unknown) => Some(x),
            (Long, Double) | (Double, Long) => Some(Double),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scalar::Long => "long",
            Scalar::Double => "double",
            Scalar::Boolean => "boolean",
            Scalar::String | Scalar::Unknown => "string",
        }
    }
}

impl ColumnType {
    fn of(value: &Value) -> Option<ColumnType> {
        match value {
            Value::Null => None,
            Value::Int(_) => Some(ColumnType::Long),
            Value::Float(_) => Some(ColumnType::Double),
            Value::Bool(_) => Some(ColumnType::Boolean),
            Value::String(_) => Some(ColumnType::String),
            Value::Temporal(t) => Some(ColumnType::Temporal(t.constructor())),
            Value::Map(_) => Some(ColumnType::Json),
            Value::List(items) => {
                let mut elem = Scalar::Unknown;
                for item in items {
                    match Scalar::of(item).and_then(|s| elem.join(s)) {
                        Some(s) => elem = s,
                        None => return Some(ColumnType::Json),
                    }
                }
                Some(ColumnType::Array(elem))
            }
        }
    }

    fn join(self, other: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Long, Double) | (Double, Long) => Double,
            (Array(a), Array(b)) => a.join(b).map_or(Json, Array),
            _ => Json,
        }
    }

    /// The type suffix of the header, empty for strings.
    fn suffix(self) -> String {
        match self {
            ColumnType::Long => ":long".into(),
            ColumnType::Double => ":double".into(),
            ColumnType::Boolean => ":boolean".into(),
            ColumnType::String | ColumnType::Json => String::new(),
            ColumnType::Array(s) => format!(":{}[]", s.name()),
            ColumnType::Temporal(name) => format!(":{name}"),
        }
    }
}

/// The property columns of a set of records, sorted by name.
fn columns<'a>(maps: impl Iterator<Item = &'a Properties>) -> Vec<(String, ColumnType)> {
    let mut types: BTreeMap<&str, ColumnType> = BTreeMap::new();
    for props in maps {
        for (k, v) in props {
            if let Some(t) = ColumnType::of(v) {
                types
                    .entry(k.as_str())
                    .and_modify(|old| *old = old.join(t))
                    .or_insert(t);
            }
        }
    }
    types.into_iter().map(|(k, t)| (k.to_string(), t)).collect()
}

/// The array delimiter: `;` unless some string array element or label holds one.
fn array_delimiter(subgraph: &Subgraph) -> char {
    let holds_semicolon = |props: &Properties| {
        props.values().any(|v| match v {
            Value::List(items) => items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.contains(';'))),
            _ => false,
        })
    };
    let clash = subgraph
        .nodes
        .iter()
        .any(|n| n.labels.iter().any(|l| l.contains(';')) || holds_semicolon(&n.properties))
        || subgraph
            .relationships
            .iter()
            .any(|r| holds_semicolon(&r.properties));
    if clash {
        '|'
    } else {
        ';'
    }
}

/// A float as Java's `Double.parseDouble` reads it.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{f:?}")
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_text(*f),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Temporal(t) => t.to_string(),
        other => other.to_json().to_string(),
    }
}

/// A property value as the field of a column of type `ty`.
fn field(value: Option<&Value>, ty: ColumnType, delimiter: char) -> String {
    let Some(value) = value else {
        return String::new();
    };
    match (value, ty) {
        (Value::Null, _) => String::new(),
        (Value::List(items), ColumnType::Array(_)) => {
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(delimiter);
                }
                out.push_str(&scalar_text(item));
            }
            out
        }
        (Value::String(s), _) => s.clone(),
        (Value::Int(i), ColumnType::Double) => float_text(*i as f64),
        (other, _) => scalar_text(other),
    }
}

/// Writes `nodes.csv`.
pub fn write_nodes(subgraph: &Subgraph, delimiter: char, out: &mut dyn Write) -> Result<()> {
    let cols = columns(subgraph.nodes.iter().map(|n| &n.properties));
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![":ID".to_string()];
    header.extend(cols.iter().map(|(k, t)| format!("{k}{}", t.suffix())));
    header.push(":LABEL".into());
    w.write_record(&header).map_err(csv_error)?;
    let delim = delimiter.to_string();
    for node in &subgraph.nodes {
        let mut record = Vec::with_capacity(cols.len() + 2);
        record.push(node.id.to_string());
        for (k, t) in &cols {
            record.push(field(node.properties.get(k), *t, delimiter));
        }
        record.push(node.labels.join(&delim));
        w.write_record(&record).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `relationships.csv`.
pub fn write_relationships(
    subgraph: &Subgraph,
    delimiter: char,
    out: &mut dyn Write,
) -> Result<()> {
    let cols = columns(subgraph.relationships.iter().map(|r| &r.properties));
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        ":START_ID".to_string(),
        ":END_ID".to_string(),
        ":TYPE".to_string(),
    ];
    header.extend(cols.iter().map(|(k, t)| format!("{k}{}", t.suffix())));
    w.write_record(&header).map_err(csv_error)?;
    for rel in &subgraph.relationships {
        let mut record = Vec::with_capacity(cols.len() + 3);
        record.push(rel.start.to_string());
        record.push(rel.end.to_string());
        record.push(rel.rel_type.clone());
        for (k, t) in &cols {
            record.push(field(rel.properties.get(k), *t, delimiter));
        }
        w.write_record(&record).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes both files into `dir` (created when missing) and returns what to tell
/// the user: what was written and the `neo4j-admin` command that loads it.
pub fn write_dir(subgraph: &Subgraph, dir: &Path) -> Result<String> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let delimiter = array_delimiter(subgraph);
    let nodes = dir.join(NODES_FILE);
    let rels = dir.join(RELATIONSHIPS_FILE);
    write_file_atomically(&nodes, |out| write_nodes(subgraph, delimiter, out))?;
    write_file_atomically(&rels, |out| write_relationships(subgraph, delimiter, out))?;
    Ok(instructions(subgraph, &nodes, &rels, delimiter))
}

/// The message printed after a CSV export.
fn instructions(subgraph: &Subgraph, nodes: &Path, rels: &Path, delimiter: char) -> String {
    let (n, r) = (
        shell_quote(&nodes.display().to_string()),
        shell_quote(&rels.display().to_string()),
    );
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Wrote {} nodes to {n} and {} relationships to {r}.",
        subgraph.nodes.len(),
        subgraph.relationships.len()
    );
    let _ = writeln!(
        text,
        "Load them into a new Neo4j database (with the database stopped) with:"
    );
    let _ = write!(
        text,
        "  neo4j-admin database import full --nodes={n} --relationships={r} --array-delimiter='{delimiter}' --overwrite-destination neo4j"
    );
    text
}

/// Quotes a path for a POSIX shell when it holds anything but plain characters.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '=')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Stream(io),
        other => Error::Stream(std::io::Error::other(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Relationship};

    fn sample() -> Subgraph {
        let mut a = Properties::new();
        a.insert("name".into(), Value::from("Hanna, \"HM\"\nMaliar"));
        a.insert(
            "aliases".into(),
            Value::List(vec![Value::from("HM"), Value::from("Maliar")]),
        );
        a.insert("age".into(), Value::Int(40));
        a.insert("weight".into(), Value::Int(1));
        let mut b = Properties::new();
        b.insert("name".into(), Value::from("Bakhmut"));
        b.insert("weight".into(), Value::Float(0.5));
        b.insert("meta".into(), Value::Map(Default::default()));
        let mut r = Properties::new();
        r.insert("article".into(), Value::from("x"));
        r.insert("certain".into(), Value::Bool(false));
        Subgraph::from_records(
            vec![
                Node {
                    id: 1,
                    labels: vec!["Actor".into()],
                    properties: a,
                },
                Node {
                    id: 2,
                    labels: vec!["Place".into(), "City".into()],
                    properties: b,
                },
            ],
            vec![Relationship {
                id: 0,
                rel_type: "VISITED".into(),
                start: 1,
                end: 2,
                properties: r,
            }],
        )
    }

    #[test]
    fn headers_are_typed_and_fields_read_back() {
        let sub = sample();
        let mut out = Vec::new();
        write_nodes(&sub, ';', &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                ":ID",
                "age:long",
                "aliases:string[]",
                "meta",
                "name",
                "weight:double",
                ":LABEL"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][2], "HM;Maliar");
        assert_eq!(&rows[0][4], "Hanna, \"HM\"\nMaliar");
        assert_eq!(&rows[0][5], "1.0");
        assert_eq!(&rows[1][1], "");
        assert_eq!(&rows[1][3], "{}");
        assert_eq!(&rows[1][6], "Place;City");

        let mut out = Vec::new();
        write_relationships(&sub, ';', &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            ":START_ID,:END_ID,:TYPE,article,certain:boolean\n1,2,VISITED,x,false\n"
        );
    }

    #[test]
    fn column_types_join() {
        let list = |v: Vec<Value>| ColumnType::of(&Value::List(v)).unwrap();
        assert_eq!(list(vec![]), ColumnType::Array(Scalar::Unknown));
        assert_eq!(
            list(vec![Value::Int(1)]).join(list(vec![Value::Float(1.0)])),
            ColumnType::Array(Scalar::Double)
        );
        assert_eq!(
            list(vec![Value::Int(1), Value::from("a")]),
            ColumnType::Json
        );
        assert_eq!(ColumnType::String.join(ColumnType::Long), ColumnType::Json);
        assert_eq!(ColumnType::Array(Scalar::Unknown).suffix(), ":string[]");
    }

    #[test]
    fn a_semicolon_in_the_data_switches_the_delimiter() {
        let mut sub = sample();
        assert_eq!(array_delimiter(&sub), ';');
        sub.nodes[0]
            .properties
            .insert("aliases".into(), Value::List(vec![Value::from("a;b")]));
        assert_eq!(array_delimiter(&sub), '|');
        assert_eq!(
            shell_quote("/tmp/out dir/nodes.csv"),
            "'/tmp/out dir/nodes.csv'"
        );
        assert_eq!(shell_quote("/tmp/x.csv"), "/tmp/x.csv");
    }
}
