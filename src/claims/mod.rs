//! Questions about claims, answered directly over the [`Graph`]: who took
//! which stance on a statement ([`stance()`]), which statements are contested
//! ([`contested()`]), what an entity said or what was said about it, in date
//! order ([`timeline()`]), who said a thing first ([`first()`]), and forgiving
//! look-ups of names and texts ([`find()`], [`entity()`], [`similar()`]).
//!
//! The columns, orderings and tie-breaks are those of `claims.md` in the
//! shared specification; the query language's procedures of the same names
//! call these functions. Every count is of distinct nodes, never of paths:
//! a statement claimed by one actor in three articles has one claimant and
//! three articles.
//!
//! A stance is a `CLAIMS`, `DENIES` or `ASSESSES` relationship; its date is the
//! relationship's `date`, else its article's `date`, else none. Dates are read
//! and compared in one place ([`stance_date`], [`date_key`]). The answers of
//! [`contested()`] and [`stance()`] are read from the graph's
//! [`StanceTable`](crate::stances::StanceTable), which holds each
//! statement's stances as numbers and its summary worked out once.

mod contested;
mod find;
pub mod merge;
mod stance;
mod timeline;

pub use contested::{contested, Contested};
pub use find::{entity, find, find_first, parse_kind, similar, Similar};
pub use stance::{first, stance, First, StanceRow};
pub use timeline::{timeline, TimelineRow};

pub use crate::stances::{cmp_dates, cmp_present, date_key, date_key_exists, Stance};

use crate::error::{Error, Result};
use std::borrow::Cow;

use crate::graph::{Dir, Graph, TypeId};
use crate::model::{self, Kind, Node, NodeId, Relationship, ARTICLE, ASSESSES, CLAIMS, DENIES};
use crate::value::Value;

/// A statement or entity argument: a node, or a string that names it.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    Node(NodeId),
    Text(&'a str),
}

/// The Article node a relationship came from, if it names one that exists.
pub fn article_of(graph: &Graph, rel: &Relationship) -> Option<NodeId> {
    graph.lookup_key(Kind::Article, rel.article()?)
}

/// A node's own `date`, if it has one that is not null.
fn date_of_node(graph: &Graph, id: NodeId) -> Option<&Value> {
    let node = graph.node(id)?;
    debug_assert!(node.has_label(ARTICLE));
    node.get("date").filter(|v| !matches!(v, Value::Null))
}

/// A relationship's own `date`, if it has one that is not null.
fn own_date(rel: &Relationship) -> Option<&Value> {
    rel.get("date").filter(|v| !matches!(v, Value::Null))
}

/// The article's own `date`, if the relationship has an article with one.
pub fn article_date(graph: &Graph, rel: &Relationship) -> Option<Value> {
    date_of_node(graph, article_of(graph, rel)?).cloned()
}

/// A stance's date: the relationship's `date`, else its article's, else none.
pub fn stance_date(graph: &Graph, rel: &Relationship) -> Option<Value> {
    match own_date(rel) {
        Some(v) => Some(v.clone()),
        None => article_date(graph, rel),
    }
}

/// Stance dates with each article's date looked up once: what the
/// procedures that read many stances use.
pub struct Dates<'g> {
    graph: &'g Graph,
    articles: rustc_hash::FxHashMap<&'g str, Option<&'g Value>>,
}

impl<'g> Dates<'g> {
    pub fn new(graph: &'g Graph) -> Self {
        Dates {
            graph,
            articles: Default::default(),
        }
    }

    /// A stance's date, as [`stance_date`] reads it.
    pub fn of(&mut self, rel: &'g Relationship) -> Option<&'g Value> {
        match own_date(rel) {
            Some(v) => Some(v),
            None => {
                let id = rel.article()?;
                let graph = self.graph;
                *self
                    .articles
                    .entry(id)
                    .or_insert_with(|| date_of_node(graph, graph.lookup_key(Kind::Article, id)?))
            }
        }
    }
}

/// The key of a node (name, text or id), for ties and for display.
pub fn node_key(graph: &Graph, id: NodeId) -> String {
    key_of(graph, id).into_owned()
}

/// [`node_key`], borrowed from the graph when the node has a key.
fn key_of(graph: &Graph, id: NodeId) -> Cow<'_, str> {
    graph
        .node(id)
        .and_then(|n| {
            let kind = Kind::of(n)?;
            n.get(kind.key_property()).and_then(Value::as_str)
        })
        .map_or_else(|| Cow::Owned(id.to_string()), Cow::Borrowed)
}

/// The type numbers of the three stances, for reading adjacency entries
/// without touching relationship records.
#[derive(Clone, Copy)]
struct StanceTypes([Option<TypeId>; 3]);

impl StanceTypes {
    fn of(graph: &Graph) -> Self {
        StanceTypes([CLAIMS, DENIES, ASSESSES].map(|t| graph.type_id(t)))
    }

    /// The stance of a type number, if it is one.
    #[inline]
    fn stance(&self, ty: TypeId) -> Option<Stance> {
        const STANCES: [Stance; 3] = [Stance::Claims, Stance::Denies, Stance::Assesses];
        self.0
            .iter()
            .position(|t| *t == Some(ty))
            .map(|i| STANCES[i])
    }
}

/// The stances on a statement: (relationship, stance), read through the
/// adjacency's type numbers.
fn stances_on(graph: &Graph, statement: NodeId) -> impl Iterator<Item = (&Relationship, Stance)> {
    let types = StanceTypes::of(graph);
    graph.adjacent(statement, Dir::In).filter_map(move |a| {
        let stance = types.stance(a.ty())?;
        Some((graph.relationship(a.rel())?, stance))
    })
}

/// A string property of a relationship, if it is a string.
fn string_prop(rel: &Relationship, key: &str) -> Option<String> {
    rel.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A procedure's refusal, naming the procedure.
fn refused(procedure: &str, message: impl std::fmt::Display) -> Error {
    Error::query(format!("{procedure}: {message}"))
}

/// `, did you mean "a", "b"?` for the nearest of `found`, or nothing.
fn did_you_mean(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("; did you mean {}?", quoted.join(", "))
}

/// Resolves a statement argument: a Statement node, or a string equal to a
/// statement's text once white space is collapsed.
pub fn resolve_statement(graph: &Graph, procedure: &str, target: Target<'_>) -> Result<NodeId> {
    match target {
        Target::Node(id) => match graph.node(id) {
            Some(n) if Kind::of(n) == Some(Kind::Statement) => Ok(id),
            Some(n) => Err(refused(
                procedure,
                format!("expects a Statement, not {}", describe(n)),
            )),
            None => Err(refused(procedure, "the node given has been deleted")),
        },
        Target::Text(text) => {
            let text = model::normalise_text(text);
            graph.lookup_key(Kind::Statement, &text).ok_or_else(|| {
                let near: Vec<String> = graph
                    .text_index()
                    .find_first(&text, &[Kind::Statement], 3)
                    .into_iter()
                    .map(|f| f.matched.to_string())
                    .collect();
                refused(
                    procedure,
                    format!("no statement has the text {text:?}{}", did_you_mean(&near)),
                )
            })
        }
    }
}

/// Resolves an entity argument: an Actor, Organisation or Place node, or a
/// name or alias as [`entity()`] resolves it.
pub fn resolve_entity(graph: &Graph, procedure: &str, target: Target<'_>) -> Result<NodeId> {
    match target {
        Target::Node(id) => match graph.node(id) {
            Some(n) if Kind::of(n).is_some_and(Kind::is_entity) => Ok(id),
            Some(n) => Err(refused(
                procedure,
                format!(
                    "expects an Actor, Organisation or Place, not {}",
                    describe(n)
                ),
            )),
            None => Err(refused(procedure, "the node given has been deleted")),
        },
        Target::Text(name) => match entity(graph, name, None)? {
            Some(id) => Ok(id),
            None => {
                let near: Vec<String> = find_first(graph, name, Some(ENTITY_KINDS), 3)
                    .into_iter()
                    .map(|f| f.matched.to_string())
                    .collect();
                Err(refused(
                    procedure,
                    format!(
                        "no actor, organisation or place is named {name:?}{}",
                        did_you_mean(&near)
                    ),
                ))
            }
        },
    }
}

/// The kinds that are entities.
pub const ENTITY_KINDS: &[Kind] = &[Kind::Actor, Kind::Organisation, Kind::Place];

fn describe(node: &Node) -> String {
    if node.labels.is_empty() {
        "a node without labels".into()
    } else {
        format!("a :{} node", node.labels.join(":"))
    }
}
