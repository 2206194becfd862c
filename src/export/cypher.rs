//! Cypher: a script of `;`-ended statements that rebuilds the subgraph in an empty
//! store, whether claimgraph (`claimgraph run FILE`), Neo4j (`cypher-shell -f FILE`)
//! or Memgraph (`mgconsole < FILE`).
//!
//! The script creates the nodes in batches, then each relationship by matching
//! its two endpoints, then cleans up. An actor, organisation, place, statement or
//! article is matched by its label and key (`(a:Actor {name: '...'})`), which
//! claimgraph answers from its key index and Neo4j or Memgraph from an index on
//! it. Any other node carries a temporary property (`_export_id` unless the data
//! already uses that name) holding its id, is matched on it and its first label,
//! and loses it in the last statement.
//! Floats that Cypher has no literal for are written as divisions: `0.0 / 0.0`
//! (NaN), `1.0 / 0.0` (infinity). A property cannot hold a map or a list of
//! lists or maps in Cypher (nor in Neo4j or Memgraph), so such a value is written
//! as its JSON text, a string.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;

use super::Subgraph;
use crate::error::Result;
use crate::model::{normalise_text, Kind, Node};
use crate::value::{format_float, quote_string, write_name, Properties, Value};

/// Nodes created per `CREATE` statement.
const NODES_PER_STATEMENT: usize = 100;

/// Writes the subgraph as a Cypher script.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let temp = temporary_key(subgraph);
    writeln!(
        out,
        "// claimgraph export: {} nodes, {} relationships.",
        subgraph.nodes.len(),
        subgraph.relationships.len()
    )?;
    writeln!(
        out,
        "// Run into an empty store. Relationships find their nodes by key, or by the temporary property {temp}."
    )?;
    for batch in subgraph.nodes.chunks(NODES_PER_STATEMENT) {
        let mut stmt = String::from("CREATE ");
        for (i, node) in batch.iter().enumerate() {
            if i > 0 {
                stmt.push_str(",\n       ");
            }
            stmt.push('(');
            write_labels(&mut stmt, &node.labels);
            if !node.labels.is_empty() {
                stmt.push(' ');
            }
            let temp_id = match_key(node)
                .is_none()
                .then_some((temp.as_str(), node.id));
            write_map(&mut stmt, &node.properties, temp_id);
            stmt.push(')');
        }
        stmt.push(';');
        writeln!(out, "{stmt}")?;
    }
    let positions = subgraph.node_positions();
    for rel in &subgraph.relationships {
        // The subgraph is closed: both endpoints are among its nodes.
        let (Some(&s), Some(&e)) = (positions.get(&rel.start), positions.get(&rel.end)) else {
            continue;
        };
        let (start, end) = (&subgraph.nodes[s], &subgraph.nodes[e]);
        let mut stmt = String::from("MATCH ");
        write_match(&mut stmt, "a", start, &temp);
        let end_var = if rel.start == rel.end {
            "a"
        } else {
            stmt.push_str(", ");
            write_match(&mut stmt, "b", end, &temp);
            "b"
        };
        stmt.push_str(" CREATE (a)-[:");
        write_name_to(&mut stmt, &rel.rel_type);
        if !rel.properties.is_empty() {
            stmt.push(' ');
            write_map(&mut stmt, &rel.properties, None);
        }
        let _ = write!(stmt, "]->({end_var});");
        writeln!(out, "{stmt}")?;
    }
    if subgraph.nodes.iter().any(|n| match_key(n).is_none()) {
        let mut stmt = String::from("MATCH (n) WHERE n.");
        write_name_to(&mut stmt, &temp);
        stmt.push_str(" IS NOT NULL REMOVE n.");
        write_name_to(&mut stmt, &temp);
        stmt.push(';');
        writeln!(out, "{stmt}")?;
    }
    Ok(())
}

/// `_export_id`, or with more underscores in front while the data uses the name.
fn temporary_key(subgraph: &Subgraph) -> String {
    let used: BTreeSet<&str> = subgraph
        .nodes
        .iter()
        .flat_map(|n| n.properties.keys().map(String::as_str))
        .collect();
    let mut key = String::from("_export_id");
    while used.contains(key.as_str()) {
        key.insert(0, '_');
    }
    key
}

/// The label and key property a node can be matched on, with the key's value:
/// those of its domain kind, when it holds the key as a string. A statement's text
/// must be normalised, as claimgraph looks statements up by normalised text.
fn match_key(node: &Node) -> Option<(&'static str, &'static str, &str)> {
    let kind = Kind::of(node)?;
    let key = node.properties.get(kind.key_property())?.as_str()?;
    if kind == Kind::Statement && normalise_text(key) != key {
        return None;
    }
    Some((kind.label(), kind.key_property(), key))
}

/// `(var:Label {key: 'value'})` by the node's key, or else
/// `(var:FirstLabel {temp: id})`.
fn write_match(out: &mut String, var: &str, node: &Node, temp: &str) {
    out.push('(');
    out.push_str(var);
    if let Some((label, key, value)) = match_key(node) {
        out.push(':');
        write_name_to(out, label);
        out.push_str(" {");
        write_name_to(out, key);
        out.push_str(": ");
        let _ = quote_string(value, out);
        out.push_str("})");
        return;
    }
    if let Some(label) = node.labels.first() {
        out.push(':');
        write_name_to(out, label);
    }
    out.push_str(" {");
    write_name_to(out, temp);
    let _ = write!(out, ": {}}})", node.id);
}

fn write_labels(out: &mut String, labels: &[String]) {
    for label in labels {
        out.push(':');
        write_name_to(out, label);
    }
}

/// A name, backquoted when it is not a plain identifier. Writing to a `String`
/// cannot fail.
fn write_name_to(out: &mut String, name: &str) {
    let _ = write_name(name, out);
}

/// `{key: value, ...}`, with the temporary id last when given.
fn write_map(out: &mut String, props: &Properties, temp: Option<(&str, u64)>) {
    out.push('{');
    let mut first = true;
    for (k, v) in props {
        if *v == Value::Null {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        write_name_to(out, k);
        out.push_str(": ");
        write_literal(out, &storable(v));
    }
    if let Some((key, id)) = temp {
        if !first {
            out.push_str(", ");
        }
        write_name_to(out, key);
        let _ = write!(out, ": {id}");
    }
    out.push('}');
}

/// The value as a Cypher property can hold it: maps, and lists that hold lists or
/// maps, become their JSON text.
pub fn storable(value: &Value) -> std::borrow::Cow<'_, Value> {
    let nested = match value {
        Value::Map(_) => true,
        Value::List(items) => items
            .iter()
            .any(|i| matches!(i, Value::List(_) | Value::Map(_))),
        _ => false,
    };
    if nested {
        std::borrow::Cow::Owned(Value::String(value.to_json().to_string()))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A value as a Cypher literal. Writing to a `String` cannot fail.
pub fn write_literal(out: &mut String, value: &Value) {
    match value {
        Value::Float(f) if f.is_nan() => out.push_str("(0.0 / 0.0)"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 {
            "(1.0 / 0.0)"
        } else {
            "(-1.0 / 0.0)"
        }),
        Value::Float(f) => {
            let _ = format_float(*f, out);
        }
        Value::String(s) => {
            let _ = quote_string(s, out);
        }
        Value::Temporal(_) => {
            let _ = write!(out, "{value}");
        }
        Value::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, v);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_name_to(out, k);
                out.push_str(": ");
                write_literal(out, v);
            }
            out.push('}');
        }
        Value::Null | Value::Bool(_) | Value::Int(_) => {
            let _ = write!(out, "{value}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relationship;

    fn literal(v: &Value) -> String {
        let mut s = String::new();
        write_literal(&mut s, v);
        s
    }

    #[test]
    fn literals_cover_every_value() {
        assert_eq!(literal(&Value::from("it's \\ \n")), "'it\\'s \\\\ \\n'");
        assert_eq!(literal(&Value::Float(2.0)), "2.0");
        assert_eq!(literal(&Value::Float(f64::NAN)), "(0.0 / 0.0)");
        assert_eq!(literal(&Value::Float(f64::NEG_INFINITY)), "(-1.0 / 0.0)");
        assert_eq!(
            literal(&Value::List(vec![
                Value::Int(1),
                Value::Null,
                Value::Bool(true)
            ])),
            "[1, null, true]"
        );
        let map = Value::Map(
            [("odd key".to_string(), Value::Int(1))]
                .into_iter()
                .collect(),
        );
        assert_eq!(literal(&map), "{`odd key`: 1}");
    }

    #[test]
    fn values_that_no_property_holds_become_json_text() {
        let nested = Value::List(vec![Value::List(vec![Value::Int(1)])]);
        assert_eq!(*storable(&nested), Value::from("[[1]]"));
        let map = Value::Map([("k".to_string(), Value::Int(1))].into_iter().collect());
        assert_eq!(*storable(&map), Value::from("{\"k\":1}"));
        let flat = Value::List(vec![Value::Int(1), Value::from("a")]);
        assert_eq!(*storable(&flat), flat);
    }

    #[test]
    fn the_script_creates_nodes_then_relationships_then_cleans_up() {
        let mut props = Properties::new();
        props.insert("_export_id".into(), Value::Int(5));
        props.insert("name".into(), Value::from("Ann"));
        let sub = Subgraph::from_records(
            vec![
                Node {
                    id: 1,
                    labels: vec!["Actor".into(), "Odd Label".into()],
                    properties: props,
                },
                Node {
                    id: 2,
                    labels: vec![],
                    properties: Properties::new(),
                },
            ],
            vec![
                Relationship {
                    id: 0,
                    rel_type: "KNOWS".into(),
                    start: 1,
                    end: 2,
                    properties: Properties::new(),
                },
                Relationship {
                    id: 1,
                    rel_type: "SELF".into(),
                    start: 2,
                    end: 2,
                    properties: Properties::new(),
                },
            ],
        );
        let mut out = Vec::new();
        write(&sub, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let statements: Vec<&str> = text.lines().filter(|l| !l.starts_with("//")).collect();
        assert_eq!(
            statements,
            [
                "CREATE (:Actor:`Odd Label` {_export_id: 5, name: 'Ann'}),",
                "       ({__export_id: 2});",
                "MATCH (a:Actor {name: 'Ann'}), (b {__export_id: 2}) CREATE (a)-[:KNOWS]->(b);",
                "MATCH (a {__export_id: 2}) CREATE (a)-[:SELF]->(a);",
                "MATCH (n) WHERE n.__export_id IS NOT NULL REMOVE n.__export_id;",
            ]
        );
    }
}
