//! GraphML, for Gephi, yEd and `networkx.read_graphml`.
//!
//! Properties become typed data keys: `attr.type` is `long`, `double`, `boolean`
//! or `string`, the same for every element that has the property. A key whose
//! values mix integers and floats is `double`; one that mixes other types, and
//! every list or map, is `string` holding the value as JSON (a string value in a
//! mixed key is written as itself). Besides the properties, nodes have `labels`
//! (`:Actor`, `:A:B`) and `label` (the caption a viewer shows: name, text, id),
//! and edges have `type` and `label` (the type again, which Gephi and yEd show).
//! A property whose name is taken by one of these is renamed with a `prop_` prefix.
//! Node ids are `n` and the node's id, edge ids `e` and the relationship's id.
//!
//! XML 1.0 cannot hold most control characters; they are written as U+FFFD.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::style::node_caption;
use super::Subgraph;
use crate::error::Result;
use crate::value::{Properties, Value};

/// A GraphML attribute type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrType {
    Long,
    Double,
    Boolean,
    String,
}

impl AttrType {
    fn name(self) -> &'static str {
        match self {
            AttrType::Long => "long",
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
            AttrType::String => "string",
        }
    }

    fn of(value: &Value) -> Option<AttrType> {
        match value {
            Value::Null => None,
            Value::Bool(_) => Some(AttrType::Boolean),
            Value::Int(_) => Some(AttrType::Long),
            Value::Float(_) => Some(AttrType::Double),
            Value::String(_) | Value::List(_) | Value::Map(_) | Value::Temporal(_) => {
                Some(AttrType::String)
            }
        }
    }

    /// The type that holds values of both.
    fn join(self, other: AttrType) -> AttrType {
        use AttrType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Long, Double) | (Double, Long) => Double,
            _ => String,
        }
    }
}

/// One data key: the GraphML id, the name shown to readers, the property it holds.
struct Key {
    id: String,
    name: String,
    property: String,
    ty: AttrType,
}

/// Collects the keys for a set of property maps, typed by every value they hold.
fn property_keys<'a>(
    prefix: &str,
    maps: impl Iterator<Item = &'a Properties>,
    reserved: &[&str],
) -> Vec<Key> {
    let mut types: BTreeMap<&str, AttrType> = BTreeMap::new();
    for props in maps {
        for (k, v) in props {
            if let Some(t) = AttrType::of(v) {
                types
                    .entry(k.as_str())
                    .and_modify(|old| *old = old.join(t))
                    .or_insert(t);
            }
        }
    }
    let mut taken: BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut keys = Vec::with_capacity(types.len());
    for (i, (property, ty)) in types.into_iter().enumerate() {
        let mut name = property.to_string();
        while taken.contains(&name) {
            name = format!("prop_{name}");
        }
        taken.insert(name.clone());
        keys.push(Key {
            id: format!("{prefix}{i}"),
            name,
            property: property.to_string(),
            ty,
        });
    }
    keys
}

/// A value as the text of a data element of type `ty`.
fn value_text(value: &Value, ty: AttrType) -> String {
    match (value, ty) {
        (Value::Bool(b), _) => b.to_string(),
        (Value::Int(i), AttrType::Long | AttrType::String) => i.to_string(),
        (Value::Int(i), _) => float_text(*i as f64),
        (Value::Float(f), _) => float_text(*f),
        (Value::String(s), _) => s.clone(),
        (Value::Temporal(t), _) => t.to_string(),
        (other, _) => other.to_json().to_string(),
    }
}

/// A float in the XML Schema lexical form that Java and Python both read.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "INF" } else { "-INF" }.to_string()
    } else {
        let mut s = f.to_string();
        if !s.contains(['.', 'e', 'E']) {
            s.push_str(".0");
        }
        s
    }
}

/// Replaces the characters XML 1.0 cannot hold with U+FFFD.
pub(crate) fn xml_text(s: &str) -> Cow<'_, str> {
    fn allowed(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
    }
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if allowed(c) { c } else { '\u{fffd}' })
                .collect(),
        )
    }
}

/// Writes the subgraph as a GraphML document.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let node_keys = property_keys(
        "d",
        subgraph.nodes.iter().map(|n| &n.properties),
        &["labels", "label"],
    );
    let edge_keys = property_keys(
        "r",
        subgraph.relationships.iter().map(|r| &r.properties),
        &["type", "label"],
    );

    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(BytesStart::new("graphml").with_attributes([
        ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        (
            "xsi:schemaLocation",
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        ),
    ])))?;

    let fixed = [
        ("labels", "node", "labels"),
        ("label", "node", "label"),
        ("type", "edge", "type"),
        ("edge_label", "edge", "label"),
    ];
    for (id, domain, name) in fixed {
        write_key(&mut w, id, domain, name, AttrType::String)?;
    }
    for key in &node_keys {
        write_key(&mut w, &key.id, "node", &key.name, key.ty)?;
    }
    for key in &edge_keys {
        write_key(&mut w, &key.id, "edge", &key.name, key.ty)?;
    }

    w.write_event(Event::Start(
        BytesStart::new("graph")
            .with_attributes([("id", "claimgraph"), ("edgedefault", "directed")]),
    ))?;
    for node in &subgraph.nodes {
        let id = format!("n{}", node.id);
        w.write_event(Event::Start(
            BytesStart::new("node").with_attributes([("id", id.as_str())]),
        ))?;
        let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
        write_data(&mut w, "labels", &labels)?;
        write_data(&mut w, "label", &node_caption(node).join(" "))?;
        write_properties(&mut w, &node_keys, &node.properties)?;
        w.write_event(Event::End(BytesEnd::new("node")))?;
    }
    for rel in &subgraph.relationships {
        let (id, source, target) = (
            format!("e{}", rel.id),
            format!("n{}", rel.start),
            format!("n{}", rel.end),
        );
        w.write_event(Event::Start(BytesStart::new("edge").with_attributes([
            ("id", id.as_str()),
            ("source", source.as_str()),
            ("target", target.as_str()),
        ])))?;
        write_data(&mut w, "type", &rel.rel_type)?;
        write_data(&mut w, "edge_label", &rel.rel_type)?;
        write_properties(&mut w, &edge_keys, &rel.properties)?;
        w.write_event(Event::End(BytesEnd::new("edge")))?;
    }
    w.write_event(Event::End(BytesEnd::new("graph")))?;
    w.write_event(Event::End(BytesEnd::new("graphml")))?;
    w.get_mut().write_all(b"\n")?;
    Ok(())
}

fn write_key(
    w: &mut Writer<&mut dyn Write>,
    id: &str,
    domain: &str,
    name: &str,
    ty: AttrType,
) -> Result<()> {
    let name = xml_text(name);
    w.write_event(Event::Empty(BytesStart::new("key").with_attributes([
        ("id", id),
        ("for", domain),
        ("attr.name", name.as_ref()),
        ("attr.type", ty.name()),
    ])))?;
    Ok(())
}

fn write_properties(
    w: &mut Writer<&mut dyn Write>,
    keys: &[Key],
    props: &Properties,
) -> Result<()> {
    for key in keys {
        if let Some(value) = props.get(&key.property) {
            if *value != Value::Null {
                write_data(w, &key.id, &value_text(value, key.ty))?;
            }
        }
    }
    Ok(())
}

fn write_data(w: &mut Writer<&mut dyn Write>, key: &str, text: &str) -> Result<()> {
    w.write_event(Event::Start(
        BytesStart::new("data").with_attributes([("key", key)]),
    ))?;
    w.write_event(Event::Text(BytesText::new(&xml_text(text))))?;
    w.write_event(Event::End(BytesEnd::new("data")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Relationship};
    use quick_xml::events::Event;
    use quick_xml::Reader;

    #[test]
    fn types_join_to_something_that_holds_both() {
        assert_eq!(AttrType::Long.join(AttrType::Double), AttrType::Double);
        assert_eq!(AttrType::Long.join(AttrType::Boolean), AttrType::String);
        assert_eq!(AttrType::Boolean.join(AttrType::Boolean), AttrType::Boolean);
        assert_eq!(value_text(&Value::Int(2), AttrType::Double), "2.0");
        assert_eq!(
            value_text(&Value::Float(f64::NEG_INFINITY), AttrType::Double),
            "-INF"
        );
        assert_eq!(
            value_text(&Value::List(vec![Value::from("a;b")]), AttrType::String),
            "[\"a;b\"]"
        );
    }

    #[test]
    fn hostile_text_stays_well_formed_xml() {
        let mut props = Properties::new();
        props.insert(
            "name".into(),
            Value::from("<a href=\"x\">&\u{1}\u{fffe}</a>"),
        );
        props.insert("label".into(), Value::Int(1));
        props.insert("we\"ird <key>".into(), Value::Bool(true));
        let sub = Subgraph::from_records(
            vec![Node {
                id: 1,
                labels: vec!["Act<or>".into()],
                properties: props,
            }],
            vec![Relationship {
                id: 2,
                rel_type: "SELF".into(),
                start: 1,
                end: 1,
                properties: Properties::new(),
            }],
        );
        let mut out = Vec::new();
        write(&sub, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("attr.name=\"prop_label\""), "{text}");
        let mut reader = Reader::from_str(&text);
        let mut texts = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Text(t) => texts.push(t.unescape().unwrap().into_owned()),
                _ => {}
            }
        }
        assert!(texts.contains(&"<a href=\"x\">&\u{fffd}\u{fffd}</a>".to_string()));
        assert!(texts.contains(&":Act<or>".to_string()));
    }
}
