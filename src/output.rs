//! Printing query results: aligned tables, JSON and CSV, shared by the CLI and the shell.

use std::fmt::Write as _;
use std::io::Write;

use comfy_table::{presets, ContentArrangement, Row, Table};
use serde_json::{json, Map, Value as Json};

use crate::error::Result;
use crate::model::{Node, Relationship};

use crate::result::{QueryResult, ResultValue, WriteStats};
use crate::value::{format_float, quote_string, write_name, Value};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "csv" => Ok(OutputFormat::Csv),
            other => Err(format!("unknown format `{other}`: use table, json or csv")),
        }
    }
}

/// Options for tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableOptions {
    /// Fit the table in this many columns, wrapping long values onto more lines.
    pub max_width: Option<u16>,
    /// Show at most this many rows and say how many more there are.
    pub max_rows: Option<usize>,
}

/// Writes a result in `format`.
pub fn write_result(
    result: &QueryResult,
    format: OutputFormat,
    options: TableOptions,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        OutputFormat::Table => write_table(result, options, out),
        OutputFormat::Json => {
            serde_json::to_writer(&mut *out, &result_to_json(result))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
            Ok(())
        }
        OutputFormat::Csv => write_csv(result, out),
    }
}

/// Prints a result's warnings on `err`, one `warning: ...` line each, as the
/// text forms of the command line and the shell show them.
pub fn write_warnings(result: &QueryResult, err: &mut dyn Write) -> std::io::Result<()> {
    for w in &result.warnings {
        writeln!(err, "warning: {}", w.message)?;
    }
    Ok(())
}

/// The whole result as `cli.md`'s JSON object.
pub fn result_to_json(result: &QueryResult) -> Json {
    let mut obj = Map::new();
    obj.insert("columns".into(), json!(result.columns));
    obj.insert(
        "rows".into(),
        Json::Array(
            result
                .rows
                .iter()
                .map(|row| Json::Array(row.iter().map(value_to_json).collect()))
                .collect(),
        ),
    );
    if let Some(stats) = &result.stats {
        obj.insert("stats".into(), json!(stats));
    }
    if let Some(plan) = &result.plan {
        obj.insert("plan".into(), Json::String(plan.clone()));
    }
    if !result.warnings.is_empty() {
        let warnings = result
            .warnings
            .iter()
            .map(|w| {
                json!({
                    "code": w.code.as_str(),
                    "message": w.message,
                    "suggestion": w.suggestion,
                })
            })
            .collect();
        obj.insert("warnings".into(), Json::Array(warnings));
    }
    Json::Object(obj)
}

/// A result value as JSON, in the shapes of `cli.md`.
pub fn value_to_json(value: &ResultValue) -> Json {
    match value {
        ResultValue::Null => Json::Null,
        ResultValue::Bool(b) => Json::Bool(*b),
        ResultValue::Int(i) => json!(i),
        ResultValue::Float(f) => Value::Float(*f).to_json(),
        ResultValue::String(s) => Json::String(s.clone()),
        ResultValue::Temporal(t) => Json::String(t.to_string()),
        ResultValue::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        ResultValue::Map(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), value_to_json(v)))
                .collect(),
        ),
        ResultValue::Node(n) => node_to_json(n),
        ResultValue::Relationship(r) => relationship_to_json(r),
        ResultValue::Path {
            nodes,
            relationships,
        } => json!({
            "nodes": nodes.iter().map(node_to_json).collect::<Vec<_>>(),
            "relationships": relationships.iter().map(relationship_to_json).collect::<Vec<_>>(),
        }),
    }
}

pub use crate::export::json::{node_to_json, relationship_to_json};

/// A value as one line of text for a table or CSV cell: strings bare at the top
/// level, everything else in Cypher literal syntax.
pub fn value_to_text(value: &ResultValue) -> String {
    match value {
        ResultValue::String(s) => s.clone(),
        ResultValue::Temporal(t) => t.to_string(),
        other => {
            let mut s = String::new();
            // Writing to a String cannot fail.
            let _ = write_literal(other, &mut s);
            s
        }
    }
}

/// Writes a value in Cypher literal syntax: `'text'`, `(:Actor {name: 'X'})`,
/// `[:CLAIMS {article: 'a'}]`, paths as `(a)-[:T]->(b)`.
pub fn write_literal(value: &ResultValue, out: &mut String) -> std::fmt::Result {
    match value {
        ResultValue::Null => out.write_str("null"),
        ResultValue::Bool(b) => write!(out, "{b}"),
        ResultValue::Int(i) => write!(out, "{i}"),
        ResultValue::Float(f) => format_float(*f, out),
        ResultValue::String(s) => quote_string(s, out),
        ResultValue::Temporal(t) => write!(out, "{t}"),
        ResultValue::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(v, out)?;
            }
            out.push(']');
            Ok(())
        }
        ResultValue::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_name(k, out)?;
                out.push_str(": ");
                write_literal(v, out)?;
            }
            out.push('}');
            Ok(())
        }
        ResultValue::Node(n) => write_node(n, out),
        ResultValue::Relationship(r) => write_rel(r, out),
        ResultValue::Path {
            nodes,
            relationships,
        } => {
            let mut nodes = nodes.iter();
            if let Some(first) = nodes.next() {
                write_node(first, out)?;
                let mut prev = first.id;
                for (rel, node) in relationships.iter().zip(nodes) {
                    let forward = rel.start == prev;
                    out.push_str(if forward { "-" } else { "<-" });
                    write_rel(rel, out)?;
                    out.push_str(if forward { "->" } else { "-" });
                    write_node(node, out)?;
                    prev = node.id;
                }
            }
            Ok(())
        }
    }
}

fn write_props(props: &crate::value::Properties, out: &mut String) -> std::fmt::Result {
    write_props_keyed(props, None, out)
}

/// The properties in braces, the property `key` (when there is one) first.
fn write_props_keyed(
    props: &crate::value::Properties,
    key: Option<&str>,
    out: &mut String,
) -> std::fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    out.push_str(" {");
    let first = props.iter().filter(|(k, _)| Some(k.as_str()) == key);
    let rest = props.iter().filter(|(k, _)| Some(k.as_str()) != key);
    for (i, (k, v)) in first.chain(rest).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_name(k, out)?;
        write!(out, ": {v}")?;
    }
    out.push('}');
    Ok(())
}

/// A node in Cypher syntax, its key (an entity's name, a statement's text,
/// an article's id) first so that a cut or wrapped cell starts with it.
fn write_node(node: &Node, out: &mut String) -> std::fmt::Result {
    out.push('(');
    for l in &node.labels {
        out.push(':');
        write_name(l, out)?;
    }
    let key = node
        .labels
        .iter()
        .find_map(|l| crate::model::Kind::from_label(l))
        .map(|k| k.key_property());
    write_props_keyed(&node.properties, key, out)?;
    out.push(')');
    Ok(())
}

fn write_rel(rel: &Relationship, out: &mut String) -> std::fmt::Result {
    out.push_str("[:");
    write_name(&rel.rel_type, out)?;
    write_props(&rel.properties, out)?;
    out.push(']');
    Ok(())
}

/// A one-line summary of what a write changed, like Neo4j's:
/// `Created 2 nodes, created 1 relationship, set 3 properties`.
pub fn describe_stats(stats: &WriteStats) -> String {
    let parts: Vec<String> = [
        (stats.nodes_created, "created", "node"),
        (stats.nodes_deleted, "deleted", "node"),
        (stats.relationships_created, "created", "relationship"),
        (stats.relationships_deleted, "deleted", "relationship"),
        (stats.properties_set, "set", "property"),
        (stats.labels_added, "added", "label"),
        (stats.labels_removed, "removed", "label"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, verb, noun)| {
        let noun = match (noun, n) {
            (_, 1) => noun.to_string(),
            (&"property", _) => "properties".to_string(),
            _ => format!("{noun}s"),
        };
        format!("{verb} {n} {noun}")
    })
    .collect();
    if parts.is_empty() {
        return "No changes".to_string();
    }
    let mut s = parts.join(", ");
    // Sentence case.
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_table(result: &QueryResult, options: TableOptions, out: &mut dyn Write) -> Result<()> {
    if let Some(plan) = &result.plan {
        writeln!(out, "{plan}")?;
        // EXPLAIN runs nothing: the plan is the whole answer.
        if result.rows.is_empty() {
            return Ok(());
        }
    }
    if !result.columns.is_empty() {
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_truncation_indicator("…");
        if let Some(width) = options.max_width {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        table.set_header(result.columns.iter().map(String::as_str));
        let shown = options
            .max_rows
            .unwrap_or(usize::MAX)
            .min(result.rows.len());
        for row in &result.rows[..shown] {
            let r = Row::from(row.iter().map(|v| one_line(&value_to_text(v))));
            // Fitted to a width, a long cell wraps onto more lines of its row.
            table.add_row(r);
        }
        writeln!(out, "{table}")?;
        let total = result.rows.len();
        if shown < total {
            writeln!(
                out,
                "{} (showing the first {shown}; {} more)",
                plural(total, "row", "rows"),
                total - shown
            )?;
        } else {
            writeln!(out, "{}", plural(total, "row", "rows"))?;
        }
    }
    if let Some(stats) = &result.stats {
        writeln!(out, "{}", describe_stats(stats))?;
    }
    Ok(())
}

/// Line breaks and tabs would break a table's rows; show them as spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn write_csv(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record(&result.columns).map_err(csv_err)?;
    for row in &result.rows {
        w.write_record(row.iter().map(|v| match v {
            ResultValue::Null => String::new(),
            other => value_to_text(other),
        }))
        .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    fn sample() -> QueryResult {
        let mut props = Properties::new();
        props.insert("name".into(), Value::from("Hanna Maliar"));
        let node = Node {
            id: 7,
            labels: vec!["Actor".into()],
            properties: props,
        };
        QueryResult {
            columns: vec!["a".into(), "n".into()],
            rows: vec![
                vec![ResultValue::Node(node), ResultValue::Int(2)],
                vec![ResultValue::Null, ResultValue::String("x, \"y\"".into())],
            ],
            ..QueryResult::default()
        }
    }

    #[test]
    fn json_has_the_shapes_of_the_spec() {
        let json = result_to_json(&sample());
        assert_eq!(json["columns"], json!(["a", "n"]));
        assert_eq!(
            json["rows"][0][0],
            json!({"id": 7, "labels": ["Actor"], "properties": {"name": "Hanna Maliar"}})
        );
        assert_eq!(json["rows"][1], json!([null, "x, \"y\""]));
        assert!(json.get("stats").is_none());
    }

    #[test]
    fn csv_quotes_and_leaves_null_empty() {
        let mut out = Vec::new();
        write_result(
            &sample(),
            OutputFormat::Csv,
            TableOptions::default(),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "a,n\n(:Actor {name: 'Hanna Maliar'}),2\n,\"x, \"\"y\"\"\"\n"
        );
    }

    #[test]
    fn tables_count_rows_and_wrap_to_the_maximum() {
        let mut out = Vec::new();
        let options = TableOptions {
            max_width: Some(30),
            max_rows: Some(1),
        };
        write_result(&sample(), OutputFormat::Table, options, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("2 rows (showing the first 1; 1 more)"),
            "{text}"
        );
        let table_lines = text.lines().filter(|l| !l.starts_with(char::is_numeric));
        assert!(
            table_lines.into_iter().all(|l| l.chars().count() <= 30),
            "{text}"
        );
        // Long cells wrap onto more lines rather than being cut.
        assert!(!text.contains('…'), "{text}");
        assert!(
            text.contains("'Hanna") && text.contains("Maliar'"),
            "{text}"
        );
    }

    #[test]
    fn a_node_shows_its_key_first() {
        let mut props = Properties::new();
        props.insert("aliases".into(), Value::from("x"));
        props.insert("text".into(), Value::from("Bakhmut is taken"));
        let node = Node {
            id: 1,
            labels: vec!["Statement".into()],
            properties: props,
        };
        assert_eq!(
            value_to_text(&ResultValue::Node(node)),
            "(:Statement {text: 'Bakhmut is taken', aliases: 'x'})"
        );
    }

    #[test]
    fn stats_read_like_a_sentence() {
        let stats = WriteStats {
            nodes_created: 2,
            relationships_created: 1,
            properties_set: 3,
            ..WriteStats::default()
        };
        assert_eq!(
            describe_stats(&stats),
            "Created 2 nodes, created 1 relationship, set 3 properties"
        );
    }
}
