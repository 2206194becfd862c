//! N-Quads, for RDF stores: each relationship is a quad whose graph is its article.
//!
//! IRIs live under [`BASE`] and are stable across stores, so that exports of two
//! stores that share an article merge cleanly:
//!
//! - actors, organisations, places: `actor/NAME`, `organisation/NAME`, `place/NAME`
//!   (the name percent-encoded, e.g. `actor/Yevgeny%20Prigozhin`);
//! - statements: `statement/HASH`, 32 hex digits of the 128-bit FNV-1a hash of
//!   the normalised text (the text itself is the statement's `property/text`);
//! - articles: `article/ID`;
//! - other nodes, and nodes whose key is missing: `node/ID` with the store's node
//!   id, which is stable within one store only.
//!
//! Vocabulary: each label is a class `class/LABEL` (stated with `rdf:type`), each
//! relationship type a predicate `relation/TYPE`, each property a predicate
//! `property/KEY`. Property values are literals: strings plain, integers
//! `xsd:integer`, floats `xsd:double`, booleans `xsd:boolean`; a list of such values
//! gives one triple per element (lists have no order in RDF); a map, or a list
//! holding lists or maps, is one `rdf:JSON` literal.
//!
//! Node triples are in the default graph; an article's are also in its own
//! graph, so that each article's graph carries its date, source, title and
//! url beside the relationships it holds. A relationship `(a)-[:T]->(b)` is the
//! quad `a relation/T b G`, where `G` is the IRI of the article named by its
//! `article` property (the same IRI as the article's node), or the default graph
//! when it has none. A relationship with properties besides `article` is also
//! described by standard RDF reification, in the same graph: a resource
//! `relationship/HASH` (hashed from its subject, type, object and article) that is
//! an `rdf:Statement` with `rdf:subject`, `rdf:predicate`, `rdf:object`, and the
//! properties as `property/KEY` triples. Reification was chosen over RDF-star
//! because every RDF 1.1 store and rdflib read it.

use std::io::Write;

use oxrdf::vocab::rdf;
use oxrdf::{GraphName, Literal, NamedNode, NamedNodeRef, Quad, Term};
use oxrdfio::{RdfFormat, RdfSerializer};

use super::Subgraph;
use crate::error::{Error, Result};
use crate::model::{normalise_text, Kind, Node, Relationship, ARTICLE_PROP};
use crate::value::Value;

/// The namespace of every IRI the export makes.
pub const BASE: &str = "https://claimgraph.example/";

/// The datatype of JSON literals (RDF 1.2; an unknown datatype is fine for 1.1 readers).
const RDF_JSON: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON");

/// The IRI of a node.
pub fn node_iri(node: &Node) -> String {
    let key = |prop: &str| node.properties.get(prop).and_then(Value::as_str);
    match Kind::of(node) {
        Some(kind @ (Kind::Actor | Kind::Organisation | Kind::Place | Kind::Article)) => {
            match key(kind.key_property()) {
                Some(k) => format!("{BASE}{}/{}", kind.label().to_lowercase(), encode(k)),
                None => format!("{BASE}node/{}", node.id),
            }
        }
        Some(Kind::Statement) => match key(Kind::Statement.key_property()) {
            Some(text) => format!("{BASE}statement/{:032x}", fnv1a_128(&normalise_text(text))),
            None => format!("{BASE}node/{}", node.id),
        },
        None => format!("{BASE}node/{}", node.id),
    }
}

/// The id of an Article node, if it is one and has one.
fn article_id(node: &Node) -> Option<&str> {
    (Kind::of(node) == Some(Kind::Article))
        .then(|| node.properties.get(Kind::Article.key_property()))
        .flatten()
        .and_then(Value::as_str)
}

/// The IRI of an article's graph.
pub fn article_iri(id: &str) -> String {
    format!("{BASE}article/{}", encode(id))
}

/// Percent-encodes every byte of the UTF-8 text except the unreserved characters
/// of RFC 3986, so that the result is one path segment of a plain ASCII IRI. A
/// segment of dots alone is encoded whole, so that no tool reads it as `.` or `..`.
pub fn encode(text: &str) -> String {
    let only_dots = text.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'.' if only_dots => out.push_str("%2E"),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The 128-bit FNV-1a hash: small, fixed by its published constants, and so the
/// same in every version and on every machine.
pub fn fnv1a_128(text: &str) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    text.bytes()
        .fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME))
}

fn iri(text: String) -> Result<NamedNode> {
    NamedNode::new(text).map_err(|e| Error::query(format!("cannot make an IRI: {e}")))
}

/// The literals a property value stands for.
fn literals(value: &Value) -> Vec<Literal> {
    let scalar = |v: &Value| -> Option<Literal> {
        match v {
            Value::Bool(b) => Some(Literal::from(*b)),
            Value::Int(i) => Some(Literal::from(*i)),
            Value::Float(f) => Some(Literal::from(*f)),
            Value::String(s) => Some(Literal::new_simple_literal(s.as_str())),
            Value::Temporal(t) => Some(Literal::new_typed_literal(
                t.to_string(),
                NamedNode::new_unchecked(format!(
                    "http://www.w3.org/2001/XMLSchema#{}",
                    t.xsd_type()
                )),
            )),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        }
    };
    let json = |v: &Value| Literal::new_typed_literal(v.to_json().to_string(), RDF_JSON);
    match value {
        Value::Null => Vec::new(),
        Value::List(items) => {
            let flat: Option<Vec<Literal>> = items
                .iter()
                .filter(|v| **v != Value::Null)
                .map(scalar)
                .collect();
            flat.unwrap_or_else(|| vec![json(value)])
        }
        Value::Map(_) => vec![json(value)],
        other => scalar(other).into_iter().collect(),
    }
}

/// Writes the subgraph as N-Quads.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let mut ser = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(out);
    let positions = subgraph.node_positions();
    let mut node_iris: Vec<NamedNode> = Vec::with_capacity(subgraph.nodes.len());
    for node in &subgraph.nodes {
        let subject = iri(node_iri(node))?;
        // An article's metadata is in the default graph and in its own graph,
        // beside the relationships it holds.
        let mut graphs = vec![GraphName::DefaultGraph];
        if let Some(id) = article_id(node) {
            graphs.push(GraphName::NamedNode(iri(article_iri(id))?));
        }
        for graph in graphs {
            for label in &node.labels {
                let class = iri(format!("{BASE}class/{}", encode(label)))?;
                ser.serialize_quad(&Quad::new(subject.clone(), rdf::TYPE, class, graph.clone()))?;
            }
            for (key, value) in &node.properties {
                let predicate = iri(format!("{BASE}property/{}", encode(key)))?;
                for literal in literals(value) {
                    ser.serialize_quad(&Quad::new(
                        subject.clone(),
                        predicate.clone(),
                        literal,
                        graph.clone(),
                    ))?;
                }
            }
        }
        node_iris.push(subject);
    }
    for rel in &subgraph.relationships {
        // The subgraph is closed: both endpoints are among its nodes.
        let (Some(&s), Some(&o)) = (positions.get(&rel.start), positions.get(&rel.end)) else {
            continue;
        };
        write_relationship(&mut ser, rel, &node_iris[s], &node_iris[o])?;
    }
    ser.finish()?;
    Ok(())
}

fn write_relationship<W: Write>(
    ser: &mut oxrdfio::WriterQuadSerializer<W>,
    rel: &Relationship,
    subject: &NamedNode,
    object: &NamedNode,
) -> Result<()> {
    let predicate = iri(format!("{BASE}relation/{}", encode(&rel.rel_type)))?;
    let article = rel.article();
    let graph = match article {
        Some(id) => GraphName::NamedNode(iri(article_iri(id))?),
        None => GraphName::DefaultGraph,
    };
    ser.serialize_quad(&Quad::new(
        subject.clone(),
        predicate.clone(),
        object.clone(),
        graph.clone(),
    ))?;
    let others: Vec<(&String, &Value)> = rel
        .properties
        .iter()
        .filter(|(k, _)| k.as_str() != ARTICLE_PROP || article.is_none())
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let key = format!(
        "{}\n{}\n{}\n{}",
        subject.as_str(),
        rel.rel_type,
        object.as_str(),
        article.unwrap_or("")
    );
    let node = iri(format!("{BASE}relationship/{:032x}", fnv1a_128(&key)))?;
    let quad = |p: oxrdf::NamedNodeRef<'_>, o: Term| {
        Quad::new(node.clone(), p.into_owned(), o, graph.clone())
    };
    ser.serialize_quad(&quad(rdf::TYPE, rdf::STATEMENT.into_owned().into()))?;
    ser.serialize_quad(&quad(rdf::SUBJECT, subject.clone().into()))?;
    ser.serialize_quad(&quad(rdf::PREDICATE, predicate.into()))?;
    ser.serialize_quad(&quad(rdf::OBJECT, object.clone().into()))?;
    for (k, v) in others {
        let p = iri(format!("{BASE}property/{}", encode(k)))?;
        for literal in literals(v) {
            ser.serialize_quad(&quad(p.as_ref(), literal.into()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    fn node(label: &str, key: &str, value: &str) -> Node {
        let mut properties = Properties::new();
        properties.insert(key.into(), Value::from(value));
        Node {
            id: 42,
            labels: vec![label.into()],
            properties,
        }
    }

    #[test]
    fn iris_are_stable_and_readable() {
        assert_eq!(
            node_iri(&node("Actor", "name", "Yevgeny Prigozhin")),
            "https://claimgraph.example/actor/Yevgeny%20Prigozhin"
        );
        assert_eq!(
            node_iri(&node("Place", "name", "Київ")),
            "https://claimgraph.example/place/%D0%9A%D0%B8%D1%97%D0%B2"
        );
        assert_eq!(
            node_iri(&node("Article", "id", "bakhmut-flag-2023-04-03")),
            "https://claimgraph.example/article/bakhmut-flag-2023-04-03"
        );
        assert_eq!(
            node_iri(&node("Statement", "text", "a  b")),
            node_iri(&node("Statement", "text", "a b"))
        );
        assert_eq!(
            node_iri(&node("Thing", "name", "x")),
            "https://claimgraph.example/node/42"
        );
        assert_eq!(encode(".."), "%2E%2E");
        assert_eq!(encode("a.b"), "a.b");
        assert_eq!(encode("<>\"{}|\\^`"), "%3C%3E%22%7B%7D%7C%5C%5E%60");
    }

    #[test]
    fn the_hash_matches_the_published_test_vectors() {
        assert_eq!(fnv1a_128(""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv1a_128("a"), 0xd228cb696f1a8caf78912b704e4a8964);
    }

    #[test]
    fn lists_give_one_literal_per_element_unless_nested() {
        let flat = Value::List(vec![Value::from("a"), Value::Int(1)]);
        assert_eq!(literals(&flat).len(), 2);
        let nested = Value::List(vec![Value::List(vec![])]);
        let lits = literals(&nested);
        assert_eq!(lits.len(), 1);
        assert_eq!(lits[0].datatype(), RDF_JSON);
        assert_eq!(literals(&Value::Float(f64::INFINITY))[0].value(), "INF");
    }
}
