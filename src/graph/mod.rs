//! The working graph in memory: petgraph holds the records, and indexes answer
//! the questions that imports and queries ask most.
//!
//! - label → node ids ([`Graph::nodes_with_label`]);
//! - (kind, key) → node: entity names, statement texts, article ids
//!   ([`Graph::lookup_key`]);
//! - name or alias → entities ([`Graph::resolve_name`]);
//! - folded words of names, aliases and statement texts → nodes, for
//!   forgiving look-ups ([`Graph::text_index`], built lazily, dropped on change);
//! - statement → its stances as numbers, with distinct counts and dates
//!   ([`Graph::stance_table`], `stances.rs`; built lazily, kept across a
//!   transaction that changed no statement, article or stance);
//! - node → its relationships with their types as numbers ([`Graph::adjacent`],
//!   see [`adjacency`]), which every walk and the relationship key
//!   (start, type, end, article) ([`Graph::find_relationship`]) go through.
//!
//! Architecture invariant: petgraph indices never leave this module. Everything
//! outside speaks of stable [`NodeId`]s and [`RelId`]s.
//!
//! All changes go through a [`Txn`], which keeps the indexes exact after every
//! operation, records how to undo it, and commits to storage as one batch.

pub mod adjacency;
mod dirty;
pub mod distinct;
mod idmap;
mod keys;
mod load;
mod stances;
mod txn;

use adjacency::{Adj, Adjacency, Types};
use idmap::IdMap;
use keys::KeyIndex;

pub use adjacency::TypeId;

pub use txn::Txn;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};

use crate::error::{Error, Result};
use crate::model::{Kind, Node, NodeId, RelId, Relationship, ALIASES_PROP};
use crate::search::SearchIndex;
use crate::stances::StanceTable;
use crate::storage::Snapshot;
use crate::textmatch::TextIndex;
use crate::value::Value;

/// The graph and its indexes.
#[derive(Default)]
pub struct Graph {
    g: StableDiGraph<Node, Relationship>,
    node_ix: IdMap<NodeIndex>,
    rel_ix: IdMap<EdgeIndex>,
    by_label: HashMap<String, BTreeSet<NodeId>>,
    by_key: KeyIndex,
    by_name: HashMap<String, Vec<NodeId>>,
    adj: Adjacency,
    types: Types,
    /// Relationships per type number.
    type_counts: Vec<usize>,
    next_node_id: NodeId,
    next_rel_id: RelId,
    /// The forgiving text index, built on first use and dropped whenever a
    /// node changes, so it is never stale.
    text: OnceLock<TextIndex>,
    /// Every property key a node or relationship has held, built on first
    /// use and then grown by every change that adds one (never shrunk: a key
    /// once held has been seen).
    keys: OnceLock<BTreeSet<String>>,
    /// The full-text index of statements and quotes, built on first use;
    /// a transaction takes it for its duration and gives it back grown,
    /// unchanged or not at all (see [`Txn`]), so it is never stale.
    search: OnceLock<SearchIndex>,
    /// The stances on every statement as numbers, built on first use; a
    /// transaction takes it for its duration and gives it back at its end
    /// only if it changed no statement, article or stance (see [`Txn`]),
    /// so it is never stale.
    stances: OnceLock<StanceTable>,
    /// The `distinct` decisions every entity change is checked against.
    distinct: Vec<distinct::Distinct>,
}

/// A copy of the graph for a writer that must not disturb its readers (a
/// store's holder imports into a copy while others read the committed
/// graph). The text index is left to be rebuilt on first use; the search
/// index and the stance table, dearer to build, are copied when built.
impl Clone for Graph {
    fn clone(&self) -> Self {
        let keys = OnceLock::new();
        if let Some(k) = self.keys.get() {
            let _ = keys.set(k.clone());
        }
        let search = OnceLock::new();
        if let Some(index) = self.search.get() {
            let _ = search.set(index.clone());
        }
        let stances = OnceLock::new();
        if let Some(table) = self.stances.get() {
            let _ = stances.set(table.clone());
        }
        Graph {
            g: self.g.clone(),
            node_ix: self.node_ix.clone(),
            rel_ix: self.rel_ix.clone(),
            by_label: self.by_label.clone(),
            by_key: self.by_key.clone(),
            by_name: self.by_name.clone(),
            adj: self.adj.clone(),
            types: self.types.clone(),
            type_counts: self.type_counts.clone(),
            next_node_id: self.next_node_id,
            next_rel_id: self.next_rel_id,
            text: OnceLock::new(),
            keys,
            search,
            stances,
            distinct: self.distinct.clone(),
        }
    }
}

/// Which way to walk from a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Out,
    In,
    Both,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Graph::default()
    }

    /// Starts a transaction: every change goes through one.
    pub fn begin(&mut self) -> Txn<'_> {
        let stances = self.stances.take();
        let search = self.search.take();
        Txn::new(self, search, stances)
    }

    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }

    pub fn relationship_count(&self) -> usize {
        self.g.edge_count()
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.node_ix.get(&id).map(|&ix| &self.g[ix])
    }

    pub fn relationship(&self, id: RelId) -> Option<&Relationship> {
        self.rel_ix.get(&id).map(|&ix| &self.g[ix])
    }

    /// Every node, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.g.node_weights()
    }

    /// Every relationship, in no particular order.
    pub fn relationships(&self) -> impl Iterator<Item = &Relationship> + '_ {
        self.g.edge_weights()
    }

    /// The ids of the nodes that carry `label`, in id order.
    pub fn nodes_with_label<'a>(&'a self, label: &str) -> impl Iterator<Item = NodeId> + 'a {
        self.by_label
            .get(label)
            .into_iter()
            .flat_map(|ids| ids.iter().copied())
    }

    /// How many nodes carry `label`.
    pub fn label_count(&self, label: &str) -> usize {
        self.by_label.get(label).map_or(0, BTreeSet::len)
    }

    /// Node counts per label, for labels in use.
    pub fn label_counts(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.by_label
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(l, ids)| (l.as_str(), ids.len()))
    }

    /// Relationship counts per type, for types in use.
    pub fn type_counts(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.type_counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| (self.types.name(t as TypeId), *n))
    }

    /// The counts the store keeps as its census, from the indexes.
    pub fn census(&self) -> crate::storage::Census {
        crate::storage::Census {
            tx: 0,
            nodes: self.node_count() as u64,
            relationships: self.relationship_count() as u64,
            labels: self
                .label_counts()
                .map(|(l, n)| (l.to_string(), n as u64))
                .collect(),
            types: self
                .type_counts()
                .map(|(t, n)| (t.to_string(), n as u64))
                .collect(),
        }
    }

    /// How many relationships have type `rel_type`.
    pub fn type_count(&self, rel_type: &str) -> usize {
        self.type_id(rel_type)
            .and_then(|t| self.type_counts.get(t as usize))
            .copied()
            .unwrap_or(0)
    }

    /// The number of relationship type `rel_type`, if any relationship ever had
    /// it while the graph was open. No number: no relationship has the type.
    #[inline]
    pub fn type_id(&self, rel_type: &str) -> Option<TypeId> {
        self.types.id(rel_type)
    }

    /// Adds `delta` to the count of `rel_type`, numbering the type if new.
    fn count_type(&mut self, rel_type: &str, delta: isize) -> TypeId {
        let ty = self.types.intern(rel_type);
        if self.type_counts.len() <= ty as usize {
            self.type_counts.resize(ty as usize + 1, 0);
        }
        let n = &mut self.type_counts[ty as usize];
        *n = n.saturating_add_signed(delta);
        ty
    }

    /// The node of `kind` whose key property (name, text or id) is `key`.
    /// Statement texts are looked up as given: normalise them first.
    pub fn lookup_key(&self, kind: Kind, key: &str) -> Option<NodeId> {
        self.by_key.get(kind, key)
    }

    /// Whether every node carrying `kind`'s label holds a string in its key
    /// property, no two the same: the index holds one entry per distinct
    /// key of a node with the label, so it is as large as the label's set
    /// exactly then.
    pub fn keys_tell_apart(&self, kind: Kind) -> bool {
        self.by_key.len(kind) == self.label_count(kind.label())
    }

    /// The entities (actors, organisations, places) whose name or one of whose
    /// aliases is `name`, in id order.
    pub fn resolve_name(&self, name: &str) -> &[NodeId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The one node carrying every label in `labels` (one of them an entity
    /// kind) that answers to `name` as its name or an alias, and whose other
    /// properties equal `others`. What `MERGE (a:Actor {name: ...})` matches
    /// when no actor has that exact name, as an import does.
    pub fn entity_answering_to(
        &self,
        labels: &[String],
        name: &str,
        others: &[(&str, &Value)],
    ) -> Option<NodeId> {
        if !labels
            .iter()
            .any(|l| Kind::from_label(l).is_some_and(Kind::is_entity))
        {
            return None;
        }
        let mut found = self.resolve_name(name).iter().copied().filter(|&id| {
            self.node(id).is_some_and(|n| {
                labels.iter().all(|l| n.has_label(l))
                    && others.iter().all(|(k, v)| n.properties.get(*k) == Some(*v))
            })
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Every property key a node or relationship holds or has held while the
    /// graph was open, sorted: what query warnings compare a query's keys with.
    pub fn property_keys(&self) -> &BTreeSet<String> {
        self.keys.get_or_init(|| {
            let mut keys: BTreeSet<String> = BTreeSet::new();
            let all = self
                .nodes()
                .flat_map(|n| n.properties.keys())
                .chain(self.relationships().flat_map(|r| r.properties.keys()));
            for k in all {
                if !keys.contains(k) {
                    keys.insert(k.clone());
                }
            }
            keys
        })
    }

    /// Whether some node or relationship holds or has held `key` (as
    /// [`Graph::property_keys`] tells), answered from the key set when it is
    /// built and otherwise by a scan that stops at the first holder.
    pub fn has_property_key(&self, key: &str) -> bool {
        if let Some(keys) = self.keys.get() {
            return keys.contains(key);
        }
        // Before the set is built, no change has been noted: the keys held
        // now are all the graph has held.
        self.nodes().any(|n| n.properties.get(key).is_some())
            || self
                .relationships()
                .any(|r| r.properties.get(key).is_some())
    }

    /// Adds the keys of a new or changed relationship to the key set, if built.
    fn note_relationship_keys(&mut self, id: RelId) {
        if let (Some(keys), Some(&ix)) = (self.keys.get_mut(), self.rel_ix.get(&id)) {
            note_keys(keys, self.g[ix].properties.keys());
        }
    }

    /// The index of names, aliases and statement texts that forgiving look-ups
    /// use (see [`crate::textmatch`]). Built on first use after a change.
    pub fn text_index(&self) -> &TextIndex {
        self.text.get_or_init(|| TextIndex::build(self.nodes()))
    }

    /// The full-text index of statement texts and stance quotes that
    /// `claims.search` reads (see [`crate::search`]). Built on first use
    /// after a transaction.
    pub fn search_index(&self) -> &SearchIndex {
        self.search
            .get_or_init(|| SearchIndex::build(self.nodes(), self.relationships()))
    }

    /// The relationships at a node, walked in `dir`, as adjacency entries:
    /// newest first, outgoing before incoming for `Both` (a self-loop walked
    /// `Both` comes twice). Reading an entry touches no relationship record.
    #[inline]
    pub fn adjacent(&self, id: NodeId, dir: Dir) -> impl Iterator<Item = Adj> + '_ {
        let (out, inc): (&[Adj], &[Adj]) = match dir {
            Dir::Out => (self.adj.out(id), &[]),
            Dir::In => (&[], self.adj.inc(id)),
            Dir::Both => (self.adj.out(id), self.adj.inc(id)),
        };
        out.iter().rev().chain(inc.iter().rev()).copied()
    }

    /// The relationships at a node, walked in `dir`. Each comes with the node at
    /// its other end (for a self-loop walked `Both`, it comes twice).
    pub fn relationships_of(
        &self,
        id: NodeId,
        dir: Dir,
    ) -> impl Iterator<Item = (&Relationship, NodeId)> + '_ {
        self.adjacent(id, dir)
            .filter_map(move |a| Some((self.relationship(a.rel())?, a.other())))
    }

    /// How many relationships a node has in `dir`.
    pub fn degree(&self, id: NodeId, dir: Dir) -> usize {
        match dir {
            Dir::Out => self.adj.out(id).len(),
            Dir::In => self.adj.inc(id).len(),
            Dir::Both => self.adj.out(id).len() + self.adj.inc(id).len(),
        }
    }

    /// How many relationships of one of `types` a node has in `dir`.
    pub fn degree_of_types(&self, id: NodeId, dir: Dir, types: &[TypeId]) -> usize {
        let count = |list: &[Adj]| match types {
            [] => 0,
            [t] => list.iter().filter(|a| a.ty() == *t).count(),
            _ => list.iter().filter(|a| types.contains(&a.ty())).count(),
        };
        match dir {
            Dir::Out => count(self.adj.out(id)),
            Dir::In => count(self.adj.inc(id)),
            Dir::Both => count(self.adj.out(id)) + count(self.adj.inc(id)),
        }
    }

    /// The relationship with this key (start, type, end, article), if there is one.
    ///
    /// Walks the start's outgoing and the end's incoming relationships in
    /// lockstep and stops when either list is done, so the cost is twice the
    /// smaller degree: a hub at one end does not slow the lookup down. Only
    /// entries of the right type and other end have their record read.
    pub fn find_relationship(
        &self,
        start: NodeId,
        rel_type: &str,
        end: NodeId,
        article: Option<&str>,
    ) -> Option<RelId> {
        let ty = self.type_id(rel_type)?;
        let found = |a: Adj, other: NodeId| {
            a.ty() == ty
                && a.other() == other
                && self
                    .relationship(a.rel())
                    .is_some_and(|r| r.article() == article)
        };
        let mut outgoing = self.adj.out(start).iter().rev();
        let mut incoming = self.adj.inc(end).iter().rev();
        loop {
            let &a = outgoing.next()?;
            if found(a, end) {
                return Some(a.rel());
            }
            let &a = incoming.next()?;
            if found(a, start) {
                return Some(a.rel());
            }
        }
    }

    /// The underlying petgraph graph, for algorithms. Its indices are not ids:
    /// map them back with the weights' `id` fields.
    pub fn petgraph(&self) -> &StableDiGraph<Node, Relationship> {
        &self.g
    }

    /// The next id a new node would get.
    pub fn next_node_id(&self) -> NodeId {
        self.next_node_id
    }

    /// The next id a new relationship would get.
    pub fn next_rel_id(&self) -> RelId {
        self.next_rel_id
    }

    // ---- index maintenance (used by Txn and at load) ----

    /// The key a node is indexed under, if its kind has one and it holds it as a string.
    fn node_key(node: &Node) -> Vec<(Kind, String)> {
        node.labels
            .iter()
            .filter_map(|l| Kind::from_label(l))
            .filter_map(|k| {
                node.properties
                    .get(k.key_property())
                    .and_then(Value::as_str)
                    .map(|s| (k, s.to_string()))
            })
            .collect()
    }

    /// The names an entity answers to: its name and its aliases.
    fn node_names(node: &Node) -> Vec<String> {
        if !node
            .labels
            .iter()
            .any(|l| Kind::from_label(l).is_some_and(Kind::is_entity))
        {
            return Vec::new();
        }
        let mut names = Vec::new();
        if let Some(Value::String(n)) = node.properties.get(crate::model::NAME_PROP) {
            names.push(n.clone());
        }
        if let Some(Value::List(aliases)) = node.properties.get(ALIASES_PROP) {
            for a in aliases {
                if let Value::String(a) = a {
                    if !names.contains(a) {
                        names.push(a.clone());
                    }
                }
            }
        }
        names
    }

    /// Checks that no name or alias of node `id` already names another entity
    /// of one of its kinds: within Actor, Organisation and Place, names and
    /// aliases are one key space. The node's own index entries are ignored,
    /// so this can run before or after it is indexed. Only transactions
    /// check this; a store written before the rule opens as it is.
    pub(crate) fn check_name_keys(&self, id: NodeId) -> Result<()> {
        let Some(node) = self.node(id) else {
            return Ok(());
        };
        let kinds: Vec<Kind> = node
            .labels
            .iter()
            .filter_map(|l| Kind::from_label(l))
            .filter(|k| k.is_entity())
            .collect();
        if kinds.is_empty() {
            return Ok(());
        }
        let own_name = node
            .properties
            .get(crate::model::NAME_PROP)
            .and_then(Value::as_str);
        let names = Self::node_names(node);
        distinct::check(&self.distinct, &kinds, &names)?;
        for name in names {
            for &other in self.resolve_name(&name) {
                if other == id {
                    continue;
                }
                let Some(o) = self.node(other) else { continue };
                let Some(kind) = kinds.iter().find(|k| o.has_label(k.label())) else {
                    continue;
                };
                let other_name = o
                    .properties
                    .get(crate::model::NAME_PROP)
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if other_name == name && own_name == Some(name.as_str()) {
                    // Two names alike: the key index refuses it, in its words.
                    continue;
                }
                let how = if other_name == name {
                    "the name"
                } else {
                    "an alias"
                };
                return Err(Error::constraint(format!(
                    "{} already names :{} {} (node {other}), {how} of it; within a kind a name or alias names one entity (merge them with `claimgraph merge {} KEEP OTHER`)",
                    Value::from(name.as_str()),
                    kind.label(),
                    Value::from(other_name),
                    kind.label().to_lowercase(),
                )));
            }
        }
        Ok(())
    }

    /// The `distinct` decisions of the store, oldest first.
    pub fn distinct_decisions(&self) -> &[distinct::Distinct] {
        &self.distinct
    }

    /// Sets the `distinct` decisions (read from the log on open, or added
    /// by a decision just recorded).
    pub(crate) fn set_distinct_decisions(&mut self, decisions: Vec<distinct::Distinct>) {
        self.distinct = decisions;
    }

    /// Adds a node's entries to the indexes. Fails, changing nothing, when its key
    /// is already taken by another node.
    fn index_node(&mut self, id: NodeId) -> Result<()> {
        // Callers add the node to the graph and the id map first.
        self.text.take();
        let node = &self.g[self.node_ix[&id]];
        if let Some(known) = self.keys.get_mut() {
            note_keys(known, node.properties.keys());
        }
        let keys = Self::node_key(node);
        for key in &keys {
            if let Some(other) = self.by_key.get(key.0, &key.1) {
                if other != id {
                    return Err(Error::constraint(format!(
                        "there is already a node :{} with {} {}",
                        key.0.label(),
                        key.0.key_property(),
                        Value::from(key.1.as_str())
                    )));
                }
            }
        }
        let names = Self::node_names(node);
        let labels = node.labels.clone();
        for key in keys {
            self.by_key.insert(key.0, key.1, id);
        }
        for name in names {
            let ids = self.by_name.entry(name).or_default();
            if let Err(pos) = ids.binary_search(&id) {
                ids.insert(pos, id);
            }
        }
        for label in labels {
            self.by_label.entry(label).or_default().insert(id);
        }
        Ok(())
    }

    /// Removes a node's entries from the indexes.
    fn unindex_node(&mut self, id: NodeId) {
        // Callers check that the node exists first.
        self.text.take();
        let node = &self.g[self.node_ix[&id]];
        let keys = Self::node_key(node);
        let names = Self::node_names(node);
        let labels = node.labels.clone();
        for key in keys {
            if self.by_key.get(key.0, &key.1) == Some(id) {
                self.by_key.remove(key.0, &key.1);
            }
        }
        for name in names {
            if let Some(ids) = self.by_name.get_mut(&name) {
                ids.retain(|&x| x != id);
                if ids.is_empty() {
                    self.by_name.remove(&name);
                }
            }
        }
        for label in labels {
            if let Some(ids) = self.by_label.get_mut(&label) {
                ids.remove(&id);
            }
        }
    }

    /// Checks that every index agrees with the records: what `check` runs.
    pub fn verify_indexes(&self) -> Result<()> {
        let mut fresh = Graph::default();
        for node in self.nodes() {
            let ix = fresh.g.add_node(node.clone());
            fresh.node_ix.insert(node.id, ix)?;
            fresh.index_node(node.id)?;
        }
        let relabel = |m: &HashMap<String, BTreeSet<NodeId>>| -> Vec<(String, BTreeSet<NodeId>)> {
            let mut v: Vec<_> = m
                .iter()
                .filter(|(_, s)| !s.is_empty())
                .map(|(k, s)| (k.clone(), s.clone()))
                .collect();
            v.sort();
            v
        };
        if relabel(&fresh.by_label) != relabel(&self.by_label) {
            return Err(Error::Corrupt(
                "the label index disagrees with the nodes".into(),
            ));
        }
        if fresh.by_key != self.by_key {
            return Err(Error::Corrupt(
                "the key index disagrees with the nodes".into(),
            ));
        }
        if fresh.by_name != self.by_name {
            return Err(Error::Corrupt(
                "the name index disagrees with the nodes".into(),
            ));
        }
        let mut types: HashMap<String, usize> = HashMap::default();
        let mut adj = Adjacency::default();
        for r in self.relationships() {
            *types.entry(r.rel_type.clone()).or_default() += 1;
            let Some(ty) = self.type_id(&r.rel_type) else {
                return Err(Error::Corrupt(format!(
                    "relationship {} has a type the graph never numbered",
                    r.id
                )));
            };
            adj.add(r.id, r.start, r.end, ty);
            let (Some(a), Some(b)) = (self.node_ix.get(&r.start), self.node_ix.get(&r.end)) else {
                return Err(Error::Corrupt(format!(
                    "relationship {} has a missing endpoint",
                    r.id
                )));
            };
            let Some(&ix) = self.rel_ix.get(&r.id) else {
                return Err(Error::Corrupt(format!(
                    "relationship {} is not in the id map",
                    r.id
                )));
            };
            if self.g.edge_endpoints(ix) != Some((*a, *b)) {
                return Err(Error::Corrupt(format!(
                    "relationship {} is attached to the wrong nodes",
                    r.id
                )));
            }
        }
        if adj.normalised() != self.adj.normalised() {
            return Err(Error::Corrupt(
                "the adjacency lists disagree with the relationships".into(),
            ));
        }
        let counted: HashMap<String, usize> = self
            .type_counts()
            .map(|(t, n)| (t.to_string(), n))
            .collect();
        if counted != types {
            return Err(Error::Corrupt(
                "the type counts disagree with the relationships".into(),
            ));
        }
        Ok(())
    }
}

/// Adds to `known` the keys it lacks, allocating only for those.
fn note_keys<'a>(known: &mut BTreeSet<String>, keys: impl Iterator<Item = &'a String>) {
    for k in keys {
        if !known.contains(k) {
            known.insert(k.clone());
        }
    }
}
