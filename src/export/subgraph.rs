//! What an export covers: a closed set of nodes and relationships.

use std::collections::{BTreeMap, HashMap};

use crate::graph::Graph;
use crate::model::{Kind, Node, NodeId, RelId, Relationship};
use crate::result::{QueryResult, ResultValue};

/// Nodes and relationships to export, each sorted by id. Every relationship's
/// endpoints are among the nodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subgraph {
    pub nodes: Vec<Node>,
    pub relationships: Vec<Relationship>,
}

impl Subgraph {
    /// The whole graph.
    pub fn whole(graph: &Graph) -> Subgraph {
        let mut nodes: Vec<Node> = graph.nodes().cloned().collect();
        nodes.sort_by_key(|n| n.id);
        let mut relationships: Vec<Relationship> = graph.relationships().cloned().collect();
        relationships.sort_by_key(|r| r.id);
        Subgraph {
            nodes,
            relationships,
        }
    }

    /// The nodes, relationships and paths found anywhere in a result's rows (inside
    /// lists and maps too), with both endpoints of every relationship taken from
    /// `graph`. Records are taken from `graph` as they are now; a record that is no
    /// longer there (a query that deleted it) is kept as the row holds it. A
    /// relationship whose endpoint can be found nowhere is left out, so that the
    /// subgraph stays closed. The Article node of every relationship kept comes
    /// along, so that the export keeps each relationship's source and date.
    pub fn from_result(graph: &Graph, result: &QueryResult) -> Subgraph {
        let mut subgraph = Subgraph::from_rows(graph, result);
        let mut nodes: BTreeMap<NodeId, Node> =
            subgraph.nodes.drain(..).map(|n| (n.id, n)).collect();
        for rel in &subgraph.relationships {
            let article = rel
                .article()
                .and_then(|a| graph.lookup_key(Kind::Article, a));
            if let Some(node) = article.and_then(|a| graph.node(a)) {
                nodes.entry(node.id).or_insert_with(|| node.clone());
            }
        }
        subgraph.nodes = nodes.into_values().collect();
        subgraph
    }

    /// What [`Subgraph::from_result`] takes from the rows, without the
    /// articles: the graph a program asked for (`Result.to_networkx()`).
    pub fn from_rows(graph: &Graph, result: &QueryResult) -> Subgraph {
        let mut nodes: BTreeMap<NodeId, Node> = BTreeMap::new();
        let mut rels: BTreeMap<RelId, Relationship> = BTreeMap::new();
        let add_node = |nodes: &mut BTreeMap<NodeId, Node>, n: &Node| {
            nodes
                .entry(n.id)
                .or_insert_with(|| graph.node(n.id).cloned().unwrap_or_else(|| n.clone()));
        };
        let add_rel = |rels: &mut BTreeMap<RelId, Relationship>, r: &Relationship| {
            rels.entry(r.id).or_insert_with(|| {
                graph
                    .relationship(r.id)
                    .cloned()
                    .unwrap_or_else(|| r.clone())
            });
        };
        // An explicit stack: values nest as deep as the query makes them, and that
        // depth must not become recursion depth.
        let mut stack: Vec<&ResultValue> = result.rows.iter().flatten().collect();
        while let Some(value) = stack.pop() {
            match value {
                ResultValue::Node(n) => add_node(&mut nodes, n),
                ResultValue::Relationship(r) => add_rel(&mut rels, r),
                ResultValue::Path {
                    nodes: path_nodes,
                    relationships: path_rels,
                } => {
                    for n in path_nodes {
                        add_node(&mut nodes, n);
                    }
                    for r in path_rels {
                        add_rel(&mut rels, r);
                    }
                }
                ResultValue::List(items) => stack.extend(items.iter()),
                ResultValue::Map(map) => stack.extend(map.values()),
                ResultValue::Null
                | ResultValue::Bool(_)
                | ResultValue::Int(_)
                | ResultValue::Float(_)
                | ResultValue::String(_)
                | ResultValue::Temporal(_) => {}
            }
        }
        let mut relationships = Vec::with_capacity(rels.len());
        for rel in rels.into_values() {
            let mut closed = true;
            for end in [rel.start, rel.end] {
                if let std::collections::btree_map::Entry::Vacant(slot) = nodes.entry(end) {
                    match graph.node(end) {
                        Some(n) => {
                            slot.insert(n.clone());
                        }
                        None => closed = false,
                    }
                }
            }
            if closed {
                relationships.push(rel);
            }
        }
        Subgraph {
            nodes: nodes.into_values().collect(),
            relationships,
        }
    }

    /// Builds a subgraph from records, sorting them by id, dropping repeated ids
    /// (the first record wins) and relationships whose endpoints are missing.
    pub fn from_records(nodes: Vec<Node>, relationships: Vec<Relationship>) -> Subgraph {
        let mut by_id: BTreeMap<NodeId, Node> = BTreeMap::new();
        for n in nodes {
            by_id.entry(n.id).or_insert(n);
        }
        let mut rels: BTreeMap<RelId, Relationship> = BTreeMap::new();
        for r in relationships {
            if by_id.contains_key(&r.start) && by_id.contains_key(&r.end) {
                rels.entry(r.id).or_insert(r);
            }
        }
        Subgraph {
            nodes: by_id.into_values().collect(),
            relationships: rels.into_values().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A map from node id to the node's position in [`Subgraph::nodes`].
    pub fn node_positions(&self) -> HashMap<NodeId, usize> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id, i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    fn node(id: NodeId) -> Node {
        Node {
            id,
            labels: vec!["Actor".into()],
            properties: Properties::new(),
        }
    }

    fn rel(id: RelId, start: NodeId, end: NodeId) -> Relationship {
        Relationship {
            id,
            rel_type: "KNOWS".into(),
            start,
            end,
            properties: Properties::new(),
        }
    }

    #[test]
    fn rows_are_walked_through_lists_maps_and_paths() {
        let mut db = crate::Database::in_memory();
        let ((a, b, c, ab, bc), _) = db
            .write(|txn| {
                let mut actor = || txn.create_node(vec!["Actor".into()], Properties::new());
                let (a, b, c) = (actor()?, actor()?, actor()?);
                let _lonely = actor()?;
                let ab = txn.create_relationship(a, "KNOWS", b, Properties::new())?;
                let bc = txn.create_relationship(b, "KNOWS", c, Properties::new())?;
                Ok((a, b, c, ab, bc))
            })
            .unwrap();
        let graph = db.graph();
        let graph_rel = |id| graph.relationship(id).unwrap().clone();
        let result = QueryResult {
            columns: vec!["x".into()],
            rows: vec![
                vec![ResultValue::List(vec![ResultValue::Map(
                    [("r".to_string(), ResultValue::Relationship(graph_rel(bc)))]
                        .into_iter()
                        .collect(),
                )])],
                vec![ResultValue::Path {
                    nodes: vec![node(a), node(b)],
                    relationships: vec![graph_rel(ab)],
                }],
                vec![ResultValue::Int(3)],
            ],
            ..QueryResult::default()
        };
        let sub = Subgraph::from_result(graph, &result);
        let ids: Vec<NodeId> = sub.nodes.iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![a, b, c]);
        let rel_ids: Vec<RelId> = sub.relationships.iter().map(|r| r.id).collect();
        assert_eq!(rel_ids, vec![ab, bc]);
    }

    #[test]
    fn deeply_nested_rows_do_not_overflow_the_stack() {
        let graph = Graph::new();
        let mut value = ResultValue::Node(node(7));
        for _ in 0..200_000 {
            value = ResultValue::List(vec![value]);
        }
        let result = QueryResult {
            columns: vec!["x".into()],
            rows: vec![vec![value]],
            ..QueryResult::default()
        };
        let sub = Subgraph::from_result(&graph, &result);
        assert_eq!(sub.nodes.len(), 1);
        // Dropping a value nested this deep would itself recurse; leak it instead.
        std::mem::forget(result);
    }

    #[test]
    fn relationships_without_endpoints_are_left_out() {
        let sub = Subgraph::from_records(
            vec![node(2), node(1), node(1)],
            vec![rel(5, 1, 2), rel(4, 1, 9), rel(3, 2, 1)],
        );
        assert_eq!(sub.nodes.iter().map(|n| n.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            sub.relationships.iter().map(|r| r.id).collect::<Vec<_>>(),
            [3, 5]
        );
    }
}
