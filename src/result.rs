//! Query results: named columns and rows of values, as the library API, the CLI
//! and the tests see them.

use std::collections::BTreeMap;

use crate::model::{Node, Relationship};

/// A value in a query result: a property value, or a node, relationship or path
/// with all its data.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ResultValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<ResultValue>),
    Map(BTreeMap<String, ResultValue>),
    Node(Node),
    Relationship(Relationship),
    /// A path: `nodes.len() == relationships.len() + 1`, relationships in path order
    /// (each keeps its own start and end, whatever the direction it was walked).
    Path {
        nodes: Vec<Node>,
        relationships: Vec<Relationship>,
    },
    Temporal(crate::temporal::Temporal),
}

/// What a write query changed, as in `cli.md`'s `"stats"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WriteStats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub properties_set: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
}

impl WriteStats {
    pub fn is_empty(&self) -> bool {
        *self == WriteStats::default()
    }
}

/// The answer to one statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<ResultValue>>,
    /// Set when the statement could write (it had a write clause), even if it changed nothing.
    pub stats: Option<WriteStats>,
    /// The plan as an indented tree, for `EXPLAIN` and `PROFILE`.
    pub plan: Option<String>,
    /// Names the query reads that the store has never seen, with the nearest
    /// existing ones ([`crate::query::warnings`]).
    pub warnings: Vec<crate::query::warnings::Warning>,
}
