//! JSON: `{"nodes": [...], "relationships": [...]}`, each record in the shape that
//! `query --format json` prints (see `cli.md`), one record per line.

use std::io::Write;

use serde_json::{json, Map, Value as Json};

use super::Subgraph;
use crate::error::Result;
use crate::model::{Node, Relationship};
use crate::value::Properties;

/// A node as JSON: `{"id": ID, "labels": [...], "properties": {...}}`.
pub fn node_to_json(node: &Node) -> Json {
    json!({
        "id": node.id,
        "labels": node.labels,
        "properties": properties_to_json(&node.properties),
    })
}

/// A relationship as JSON:
/// `{"id": ID, "type": "CLAIMS", "start": ID, "end": ID, "properties": {...}}`.
pub fn relationship_to_json(rel: &Relationship) -> Json {
    json!({
        "id": rel.id,
        "type": rel.rel_type,
        "start": rel.start,
        "end": rel.end,
        "properties": properties_to_json(&rel.properties),
    })
}

/// Properties as a JSON object, keys in order.
pub fn properties_to_json(properties: &Properties) -> Json {
    Json::Object(
        properties
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect::<Map<String, Json>>(),
    )
}

/// Writes the subgraph as one JSON object, streaming record by record.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    out.write_all(b"{\"nodes\": [")?;
    for (i, node) in subgraph.nodes.iter().enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, &node_to_json(node)).map_err(std::io::Error::from)?;
    }
    out.write_all(if subgraph.nodes.is_empty() {
        b"],\n\"relationships\": ["
    } else {
        b"\n],\n\"relationships\": ["
    })?;
    for (i, rel) in subgraph.relationships.iter().enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, &relationship_to_json(rel))
            .map_err(std::io::Error::from)?;
    }
    out.write_all(if subgraph.relationships.is_empty() {
        b"]}\n"
    } else {
        b"\n]}\n"
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn sample() -> Subgraph {
        let mut props = Properties::new();
        props.insert("name".into(), Value::from("Hanna \"Maliar\"\n\u{1}é"));
        props.insert("score".into(), Value::Float(f64::NAN));
        props.insert(
            "aliases".into(),
            Value::List(vec![Value::from("a"), Value::Int(2)]),
        );
        let mut rel_props = Properties::new();
        rel_props.insert("article".into(), Value::from("x"));
        Subgraph::from_records(
            vec![
                Node {
                    id: 3,
                    labels: vec!["Actor".into()],
                    properties: props,
                },
                Node {
                    id: 4,
                    labels: vec![],
                    properties: Properties::new(),
                },
            ],
            vec![Relationship {
                id: 0,
                rel_type: "KNOWS".into(),
                start: 3,
                end: 4,
                properties: rel_props,
            }],
        )
    }

    #[test]
    fn the_output_reads_back_with_the_same_records() {
        let sub = sample();
        let mut out = Vec::new();
        write(&sub, &mut out).unwrap();
        let back: Json = serde_json::from_slice(&out).unwrap();
        assert_eq!(back["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(back["nodes"][0], node_to_json(&sub.nodes[0]));
        assert_eq!(back["nodes"][0]["properties"]["score"], Json::Null);
        assert_eq!(
            back["nodes"][0]["properties"]["name"],
            "Hanna \"Maliar\"\n\u{1}é"
        );
        assert_eq!(
            back["relationships"][0],
            json!({"id": 0, "type": "KNOWS", "start": 3, "end": 4,
                   "properties": {"article": "x"}})
        );
    }

    #[test]
    fn an_empty_subgraph_is_valid_json() {
        let mut out = Vec::new();
        write(&Subgraph::default(), &mut out).unwrap();
        let back: Json = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, json!({"nodes": [], "relationships": []}));
    }
}
