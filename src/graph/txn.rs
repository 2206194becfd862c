//! Transactions: every change to the graph, undoable until committed, and
//! committed to storage as one batch.

use std::collections::{BTreeSet, HashSet};

use super::dirty::Dirty;
use super::{stances, Dir, Graph};
use crate::error::{Error, Result};
use crate::model::{stance_rule_violation, Node, NodeId, RelId, Relationship};
use crate::result::WriteStats;
use crate::search::SearchIndex;
use crate::stances::StanceTable;
use crate::storage::history::{ranges, Change, TxChangesRef, UNLABELLED};
use crate::storage::{BatchRef, Storage};
use crate::value::{Properties, Value};

/// How to take one change back.
///
/// Records are boxed so that a step is two words: a bulk import logs a step
/// per node and relationship it creates, and those need only an id.
pub(super) enum Undo {
    CreatedNode(NodeId),
    CreatedRel(RelId),
    /// The node as it was before a change to its labels or properties.
    ChangedNode(Box<Node>),
    /// The relationship as it was before a change to its properties.
    ChangedRel(Box<Relationship>),
    DeletedNode(Box<Node>),
    DeletedRel(Box<Relationship>),
}

/// A transaction over a [`Graph`]. Reads through [`Txn::graph`] see its own writes.
///
/// Dropping a transaction without committing it rolls it back, so an error
/// anywhere (`?`) leaves the graph as it was.
pub struct Txn<'g> {
    graph: &'g mut Graph,
    undo: Vec<Undo>,
    dirty_nodes: Dirty,
    dirty_rels: Dirty,
    /// Nodes whose labels changed: their relationships' stance rules are checked at commit.
    relabelled: HashSet<NodeId>,
    stats: WriteStats,
    /// Nodes given back their old ids (an unmerge): created by this
    /// transaction although their ids are older than it.
    restored_nodes: BTreeSet<NodeId>,
    start_next_node: NodeId,
    start_next_rel: RelId,
    /// The graph's search index as it was when the transaction began (the
    /// graph holds none meanwhile: one built by a read inside the
    /// transaction is dropped at its end). Given back grown by a commit
    /// that only created, unchanged by a rollback.
    search: Option<SearchIndex>,
    /// The graph's stance table when the transaction began (the graph
    /// holds none meanwhile), given back at the end if still true.
    stances: Option<StanceTable>,
    /// Set once committed: nothing is left to undo.
    committed: bool,
    /// The decision this transaction is (a merge), with the number of
    /// changes it made: the log shows these words, and no other change may
    /// share the transaction.
    decision: Option<(String, usize)>,
}

impl<'g> Txn<'g> {
    pub(super) fn new(
        graph: &'g mut Graph,
        search: Option<SearchIndex>,
        stances: Option<StanceTable>,
    ) -> Self {
        let (start_next_node, start_next_rel) = (graph.next_node_id, graph.next_rel_id);
        Txn {
            graph,
            undo: Vec::new(),
            dirty_nodes: Dirty::new(start_next_node),
            dirty_rels: Dirty::new(start_next_rel),
            relabelled: HashSet::new(),
            stats: WriteStats::default(),
            restored_nodes: BTreeSet::new(),
            start_next_node,
            start_next_rel,
            search,
            stances,
            committed: false,
            decision: None,
        }
    }

    /// Whether the transaction has changed anything yet.
    pub fn has_changes(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Marks the changes made so far as a decision with these log words (a
    /// merge), shown by the log in place of the words of the query or
    /// command that made it. Committing then refuses any other change.
    pub fn decide(&mut self, words: String) {
        self.decision = Some((words, self.undo.len()));
    }

    /// Makes room for about `nodes` more nodes and `relationships` more
    /// relationships, so that a bulk change (an import) grows the undo log
    /// and, in an empty graph, the graph's storage once instead of by
    /// doubling. A graph that holds records already is left to grow as it
    /// needs: the change may add nothing to it.
    pub fn reserve(&mut self, nodes: usize, relationships: usize) {
        self.undo.reserve(nodes.saturating_add(relationships));
        if self.graph.g.node_count() == 0 {
            self.graph.g.reserve_nodes(nodes);
            self.graph.g.reserve_edges(relationships);
            self.graph.node_ix.reserve(nodes);
            self.graph.rel_ix.reserve(relationships);
        }
    }

    /// The graph with this transaction's changes.
    pub fn graph(&self) -> &Graph {
        self.graph
    }

    /// What this transaction changed so far.
    pub fn stats(&self) -> WriteStats {
        self.stats
    }

    /// Creates a node. Null properties are not stored. Refused when the node's key
    /// (name, text, id) is already taken.
    pub fn create_node(&mut self, labels: Vec<String>, properties: Properties) -> Result<NodeId> {
        let mut labels_unique: Vec<String> = Vec::with_capacity(labels.len());
        for l in labels {
            if !labels_unique.contains(&l) {
                labels_unique.push(l);
            }
        }
        let properties = properties.without_nulls();
        let id = self.graph.next_node_id;
        let (nlabels, nprops) = (labels_unique.len() as u64, properties.len() as u64);
        self.place_node(Node {
            id,
            labels: labels_unique,
            properties,
        })?;
        self.graph.next_node_id += 1;
        self.undo.push(Undo::CreatedNode(id));
        self.dirty_nodes.insert(id);
        self.stats.nodes_created += 1;
        self.stats.labels_added += nlabels;
        self.stats.properties_set += nprops;
        Ok(id)
    }

    /// Creates a relationship. Null properties are not stored. The stance rules are
    /// checked here and again at commit.
    pub fn create_relationship(
        &mut self,
        start: NodeId,
        rel_type: &str,
        end: NodeId,
        properties: Properties,
    ) -> Result<RelId> {
        let (Some(&a), Some(&b)) = (self.graph.node_ix.get(&start), self.graph.node_ix.get(&end))
        else {
            return Err(Error::query(format!(
                "cannot create a {rel_type} relationship: node {start} or {end} does not exist"
            )));
        };
        if let Some(rule) = stance_rule_violation(rel_type, &self.graph.g[a], &self.graph.g[b]) {
            return Err(Error::constraint(rule));
        }
        let properties = properties.without_nulls();
        let id = self.graph.next_rel_id;
        if id > super::idmap::MAX_ID {
            return Err(Error::ResourceLimit(format!(
                "the store holds the most relationships it can ({})",
                super::idmap::MAX_ID
            )));
        }
        self.graph.next_rel_id += 1;
        self.stats.properties_set += properties.len() as u64;
        let ty = self.graph.count_type(rel_type, 1);
        let ix = self.graph.g.add_edge(
            a,
            b,
            Relationship {
                id,
                rel_type: rel_type.to_string(),
                start,
                end,
                properties,
            },
        );
        // The id was checked against MAX_ID above.
        let _ = self.graph.rel_ix.insert(id, ix);
        self.graph.adj.add(id, start, end, ty);
        self.graph.note_relationship_keys(id);
        self.undo.push(Undo::CreatedRel(id));
        self.dirty_rels.insert(id);
        self.stats.relationships_created += 1;
        Ok(id)
    }

    fn node_exists(&self, id: NodeId) -> Result<()> {
        if self.graph.node_ix.contains_key(&id) {
            Ok(())
        } else {
            Err(Error::query(format!(
                "node {id} does not exist (it was deleted)"
            )))
        }
    }

    /// Applies `change` to a node, keeping the indexes exact and recording the undo.
    /// When the change would break a unique key, the node is left as it was.
    fn change_node(&mut self, id: NodeId, change: impl FnOnce(&mut Node)) -> Result<()> {
        self.node_exists(id)?;
        // node_exists just checked the id map.
        let ix = self.graph.node_ix[&id];
        let before = self.graph.g[ix].clone();
        self.graph.unindex_node(id);
        change(&mut self.graph.g[ix]);
        if let Err(e) = self
            .graph
            .check_name_keys(id)
            .and_then(|()| self.graph.index_node(id))
        {
            self.graph.g[ix] = before;
            // The old entries were consistent before; putting them back cannot fail.
            let _ = self.graph.index_node(id);
            return Err(e);
        }
        if self.graph.g[ix].labels != before.labels {
            self.relabelled.insert(id);
        }
        self.undo.push(Undo::ChangedNode(Box::new(before)));
        self.dirty_nodes.insert(id);
        Ok(())
    }

    /// Sets a node property; null removes it.
    pub fn set_node_property(&mut self, id: NodeId, key: &str, value: Value) -> Result<()> {
        self.node_exists(id)?;
        let current = self.graph.node(id).and_then(|n| n.properties.get(key));
        if value == Value::Null && current.is_none() {
            return Ok(());
        }
        self.change_node(id, |n| {
            if value == Value::Null {
                n.properties.remove(key);
            } else {
                n.properties.insert(key.to_string(), value);
            }
        })?;
        self.stats.properties_set += 1;
        Ok(())
    }

    /// Replaces all of a node's properties (`SET n = {..}`).
    pub fn replace_node_properties(&mut self, id: NodeId, properties: Properties) -> Result<()> {
        let properties = properties.without_nulls();
        let old = self
            .graph
            .node(id)
            .map(|n| n.properties.clone())
            .unwrap_or_default();
        let set = properties.len() as u64
            + old.keys().filter(|k| !properties.contains_key(*k)).count() as u64;
        self.change_node(id, |n| n.properties = properties)?;
        self.stats.properties_set += set;
        Ok(())
    }

    /// Adds a label; returns whether the node did not have it.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        self.node_exists(id)?;
        if self.graph.node(id).is_some_and(|n| n.has_label(label)) {
            return Ok(false);
        }
        self.change_node(id, |n| n.labels.push(label.to_string()))?;
        self.stats.labels_added += 1;
        Ok(true)
    }

    /// Removes a label; returns whether the node had it.
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        self.node_exists(id)?;
        if !self.graph.node(id).is_some_and(|n| n.has_label(label)) {
            return Ok(false);
        }
        self.change_node(id, |n| n.labels.retain(|l| l != label))?;
        self.stats.labels_removed += 1;
        Ok(true)
    }

    /// Sets a relationship property; null removes it.
    pub fn set_relationship_property(&mut self, id: RelId, key: &str, value: Value) -> Result<()> {
        let Some(&ix) = self.graph.rel_ix.get(&id) else {
            return Err(Error::query(format!(
                "relationship {id} does not exist (it was deleted)"
            )));
        };
        let rel = &mut self.graph.g[ix];
        if value == Value::Null && !rel.properties.contains_key(key) {
            return Ok(());
        }
        let before = rel.clone();
        if value == Value::Null {
            rel.properties.remove(key);
        } else {
            rel.properties.insert(key.to_string(), value);
        }
        self.undo.push(Undo::ChangedRel(Box::new(before)));
        self.graph.note_relationship_keys(id);
        self.dirty_rels.insert(id);
        self.stats.properties_set += 1;
        Ok(())
    }

    /// Replaces all of a relationship's properties.
    pub fn replace_relationship_properties(
        &mut self,
        id: RelId,
        properties: Properties,
    ) -> Result<()> {
        let Some(&ix) = self.graph.rel_ix.get(&id) else {
            return Err(Error::query(format!(
                "relationship {id} does not exist (it was deleted)"
            )));
        };
        let properties = properties.without_nulls();
        let rel = &mut self.graph.g[ix];
        let set = properties.len() as u64
            + rel
                .properties
                .keys()
                .filter(|k| !properties.contains_key(*k))
                .count() as u64;
        let before = rel.clone();
        rel.properties = properties;
        self.undo.push(Undo::ChangedRel(Box::new(before)));
        self.graph.note_relationship_keys(id);
        self.dirty_rels.insert(id);
        self.stats.properties_set += set;
        Ok(())
    }

    /// Gives a relationship new ends, keeping its id, type and properties
    /// (a merge moves them). The stance rules are checked at commit.
    pub fn move_relationship(&mut self, id: RelId, start: NodeId, end: NodeId) -> Result<()> {
        let Some(rel) = self.graph.relationship(id).cloned() else {
            return Err(Error::query(format!("relationship {id} does not exist")));
        };
        self.node_exists(start)?;
        self.node_exists(end)?;
        self.delete_relationship(id)?;
        self.stats.relationships_deleted -= 1;
        let g = &mut *self.graph;
        // Both ends were just checked.
        let (a, b) = (g.node_ix[&start], g.node_ix[&end]);
        let ty = g.count_type(&rel.rel_type, 1);
        let ix = g.g.add_edge(a, b, Relationship { start, end, ..rel });
        // The id was in the map a moment ago: it fits.
        let _ = g.rel_ix.insert(id, ix);
        g.adj.add(id, start, end, ty);
        self.undo.push(Undo::CreatedRel(id));
        Ok(())
    }

    /// Adds `node` to the graph and its indexes, or leaves the graph as it
    /// was when its id or a key or name is taken.
    fn place_node(&mut self, node: Node) -> Result<()> {
        let id = node.id;
        let ix = self.graph.g.add_node(node);
        if let Err(e) = self.graph.node_ix.insert(id, ix) {
            self.graph.g.remove_node(ix);
            return Err(e);
        }
        if let Err(e) = self
            .graph
            .check_name_keys(id)
            .and_then(|()| self.graph.index_node(id))
        {
            self.graph.g.remove_node(ix);
            self.graph.node_ix.remove(&id);
            return Err(e);
        }
        Ok(())
    }

    /// Puts back a node that an earlier transaction deleted, with its old id
    /// (an unmerge). Refused when the id is live or was never given, or when
    /// its names now belong to another entity.
    pub fn restore_node(&mut self, node: Node) -> Result<()> {
        let id = node.id;
        if self.graph.node_ix.contains_key(&id) || id >= self.start_next_node {
            return Err(Error::query(format!(
                "node {id} cannot be restored: it exists or never did"
            )));
        }
        let nlabels = node.labels.len() as u64;
        self.place_node(node)?;
        self.undo.push(Undo::CreatedNode(id));
        self.dirty_nodes.insert(id);
        self.restored_nodes.insert(id);
        self.stats.nodes_created += 1;
        self.stats.labels_added += nlabels;
        Ok(())
    }

    /// Deletes a relationship. Deleting one already deleted in this transaction does nothing.
    pub fn delete_relationship(&mut self, id: RelId) -> Result<()> {
        let Some(ix) = self.graph.rel_ix.remove(&id) else {
            return Ok(());
        };
        // The index came from rel_ix, which only holds live edges.
        let Some(rel) = self.graph.g.remove_edge(ix) else {
            return Err(Error::Corrupt(format!(
                "relationship {id} is indexed but absent"
            )));
        };
        self.graph.count_type(&rel.rel_type, -1);
        self.graph.adj.remove(id, rel.start, rel.end);
        self.undo.push(Undo::DeletedRel(Box::new(rel)));
        self.dirty_rels.insert(id);
        self.stats.relationships_deleted += 1;
        Ok(())
    }

    /// Deletes a node. With `detach`, its relationships go too; without, a node
    /// that still has relationships is refused. Deleting one already deleted does nothing.
    pub fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<()> {
        if !self.graph.node_ix.contains_key(&id) {
            return Ok(());
        }
        let rels: Vec<RelId> = self
            .graph
            .relationships_of(id, Dir::Both)
            .map(|(r, _)| r.id)
            .collect();
        if !rels.is_empty() && !detach {
            return Err(Error::constraint(format!(
                "cannot delete node {id} because it still has {} relationship(s); use DETACH DELETE to delete them too",
                rels.len()
            )));
        }
        for r in rels {
            self.delete_relationship(r)?;
        }
        self.graph.unindex_node(id);
        let Some(ix) = self.graph.node_ix.remove(&id) else {
            return Ok(());
        };
        let Some(node) = self.graph.g.remove_node(ix) else {
            return Err(Error::Corrupt(format!("node {id} is indexed but absent")));
        };
        self.undo.push(Undo::DeletedNode(Box::new(node)));
        self.dirty_nodes.insert(id);
        self.relabelled.remove(&id);
        self.stats.nodes_deleted += 1;
        Ok(())
    }

    /// Checks the rules that can only be judged at the end: stance rules of
    /// relationships whose endpoints changed labels.
    fn check_deferred(&self) -> Result<()> {
        let written = self.dirty_rels.iter(self.graph.next_rel_id);
        let to_check: Box<dyn Iterator<Item = RelId>> = if self.relabelled.is_empty() {
            Box::new(written)
        } else {
            let mut to_check: BTreeSet<RelId> = written.collect();
            for &id in &self.relabelled {
                to_check.extend(
                    self.graph
                        .relationships_of(id, Dir::Both)
                        .map(|(r, _)| r.id),
                );
            }
            Box::new(to_check.into_iter())
        };
        for id in to_check {
            let Some(rel) = self.graph.relationship(id) else {
                continue;
            };
            let (Some(a), Some(b)) = (self.graph.node(rel.start), self.graph.node(rel.end)) else {
                continue;
            };
            if let Some(rule) = stance_rule_violation(&rel.rel_type, a, b) {
                return Err(Error::constraint(rule));
            }
        }
        Ok(())
    }

    /// The batch that makes storage agree with the graph.
    fn batch(&self) -> BatchRef<'_> {
        let mut batch = BatchRef {
            next_node_id: self.graph.next_node_id,
            next_rel_id: self.graph.next_rel_id,
            ..BatchRef::default()
        };
        for id in self.dirty_nodes.iter(self.graph.next_node_id) {
            match self.graph.node(id) {
                Some(n) => batch.put_nodes.push(n),
                None => batch.delete_nodes.push(id),
            }
        }
        for id in self.dirty_rels.iter(self.graph.next_rel_id) {
            match self.graph.relationship(id) {
                Some(r) => batch.put_relationships.push(r),
                None => batch.delete_relationships.push(id),
            }
        }
        batch
    }

    /// How to take this transaction back, for the store's history: the ids
    /// it created, and the records it changed or deleted as they were before
    /// it (the first undo step of each holds that).
    fn undo_record(&self) -> TxChangesRef<'_> {
        let created_nodes = ranges(
            self.restored_nodes
                .iter()
                .copied()
                .chain(self.dirty_nodes.created(self.graph.next_node_id))
                .filter(|&id| self.graph.node(id).is_some()),
        );
        let created_rels = ranges(
            self.dirty_rels
                .created(self.graph.next_rel_id)
                .filter(|&id| self.graph.relationship(id).is_some()),
        );
        let mut seen_nodes = HashSet::new();
        let mut seen_rels = HashSet::new();
        let mut before_nodes = Vec::new();
        let mut before_rels = Vec::new();
        for step in &self.undo {
            match step {
                Undo::ChangedNode(n) | Undo::DeletedNode(n)
                    if n.id < self.start_next_node
                        && !self.restored_nodes.contains(&n.id)
                        && seen_nodes.insert(n.id) =>
                {
                    before_nodes.push(&**n)
                }
                Undo::ChangedRel(r) | Undo::DeletedRel(r)
                    if r.id < self.start_next_rel && seen_rels.insert(r.id) =>
                {
                    before_rels.push(&**r)
                }
                _ => {}
            }
        }
        TxChangesRef {
            created_nodes,
            created_rels,
            before_nodes,
            before_rels,
            next_node_id: self.start_next_node,
            next_rel_id: self.start_next_rel,
        }
    }

    /// Writes every change to storage as one atomic batch, with its entry in
    /// the store's history. On any error the graph is rolled back and storage
    /// is untouched.
    pub fn commit(mut self, storage: &mut dyn Storage) -> Result<WriteStats> {
        self.check_deferred()?;
        if let Some((words, made)) = &self.decision {
            if self.undo.len() != *made {
                return Err(Error::query(format!(
                    "`{words}` must be the only change of its statement; make the other changes in a statement of their own"
                )));
            }
        }
        let changed = !self.undo.is_empty();
        if changed {
            let batch = self.batch();
            let change = Change {
                what: self
                    .decision
                    .as_ref()
                    .map_or(UNLABELLED, |(words, _)| words.as_str()),
                stats: self.stats,
                undo: self.undo_record(),
                starts_history: false,
                census: Some(self.graph.census()),
            };
            storage.commit(&batch, &change)?;
        }
        self.give_back_search();
        stances::give_back(self.graph, self.stances.take(), &self.undo);
        self.undo.clear();
        self.committed = true;
        Ok(self.stats)
    }

    /// After a commit: the index of the graph before, grown by what the
    /// transaction created, if it changed or deleted no statement or stance.
    fn give_back_search(&mut self) {
        let graph = &mut *self.graph;
        graph.search.take();
        let Some(mut index) = self.search.take() else {
            return;
        };
        let (mut nodes, mut rels) = (Vec::new(), Vec::new());
        for step in &self.undo {
            match step {
                Undo::CreatedNode(id) => nodes.extend(graph.node(*id)),
                Undo::CreatedRel(id) => rels.extend(graph.relationship(*id)),
                Undo::ChangedNode(before) | Undo::DeletedNode(before) => {
                    let now = graph.node(before.id);
                    if SearchIndex::concerns_node(before)
                        || now.is_some_and(SearchIndex::concerns_node)
                    {
                        return;
                    }
                }
                Undo::ChangedRel(before) | Undo::DeletedRel(before) => {
                    if SearchIndex::concerns_relationship(before) {
                        return;
                    }
                }
            }
        }
        index.extend(nodes.into_iter(), rels.into_iter());
        let _ = graph.search.set(index);
    }

    /// Takes every change back.
    pub fn rollback(mut self) {
        self.undo_all();
    }

    fn undo_all(&mut self) {
        if self.committed {
            return;
        }
        stances::give_back(self.graph, self.stances.take(), &self.undo);
        // The graph goes back to the state the index was built on.
        self.graph.search.take();
        if let Some(index) = self.search.take() {
            let _ = self.graph.search.set(index);
        }
        while let Some(step) = self.undo.pop() {
            let g = &mut *self.graph;
            match step {
                Undo::CreatedRel(id) => {
                    if let Some(ix) = g.rel_ix.remove(&id) {
                        if let Some(rel) = g.g.remove_edge(ix) {
                            g.count_type(&rel.rel_type, -1);
                            g.adj.remove(id, rel.start, rel.end);
                        }
                    }
                }
                Undo::CreatedNode(id) => {
                    if g.node_ix.contains_key(&id) {
                        g.unindex_node(id);
                        if let Some(ix) = g.node_ix.remove(&id) {
                            g.g.remove_node(ix);
                        }
                    }
                }
                Undo::ChangedNode(before) => {
                    let id = before.id;
                    if let Some(&ix) = g.node_ix.get(&id) {
                        g.unindex_node(id);
                        g.g[ix] = *before;
                        let _ = g.index_node(id);
                    }
                }
                Undo::ChangedRel(before) => {
                    if let Some(&ix) = g.rel_ix.get(&before.id) {
                        g.g[ix] = *before;
                    }
                }
                Undo::DeletedNode(node) => {
                    let id = node.id;
                    let ix = g.g.add_node(*node);
                    // The id was in the map before: it fits.
                    let _ = g.node_ix.insert(id, ix);
                    let _ = g.index_node(id);
                }
                Undo::DeletedRel(rel) => {
                    // Undo runs in reverse: a deleted endpoint was restored before this.
                    let (Some(&a), Some(&b)) = (g.node_ix.get(&rel.start), g.node_ix.get(&rel.end))
                    else {
                        continue;
                    };
                    let (id, start, end) = (rel.id, rel.start, rel.end);
                    let ty = g.count_type(&rel.rel_type, 1);
                    let ix = g.g.add_edge(a, b, *rel);
                    let _ = g.rel_ix.insert(id, ix);
                    g.adj.add(id, start, end, ty);
                }
            }
        }
        self.graph.next_node_id = self.start_next_node;
        self.graph.next_rel_id = self.start_next_rel;
    }
}

impl Drop for Txn<'_> {
    fn drop(&mut self) {
        self.undo_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::storage::memory::MemoryStorage;

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect()
    }

    #[test]
    fn commit_writes_and_rollback_restores() {
        let mut storage = MemoryStorage::default();
        let mut graph = Graph::new();
        let mut txn = graph.begin();
        let a = txn
            .create_node(
                vec!["Actor".into()],
                props(&[("name", "A"), ("aliases", "x")]),
            )
            .unwrap();
        let s = txn
            .create_node(vec!["Statement".into()], props(&[("text", "t")]))
            .unwrap();
        txn.create_relationship(a, "CLAIMS", s, Properties::new())
            .unwrap();
        let stats = txn.commit(&mut storage).unwrap();
        assert_eq!((stats.nodes_created, stats.relationships_created), (2, 1));
        assert_eq!(storage.load().unwrap().relationships.len(), 1);

        let mut txn = graph.begin();
        txn.delete_node(a, true).unwrap();
        txn.set_node_property(s, "text", Value::from("u")).unwrap();
        txn.create_node(vec!["Actor".into()], props(&[("name", "A")]))
            .unwrap();
        drop(txn);
        assert_eq!(graph.lookup_key(Kind::Actor, "A"), Some(a));
        assert_eq!(graph.lookup_key(Kind::Statement, "t"), Some(s));
        assert_eq!(graph.relationship_count(), 1);
        assert_eq!(graph.next_node_id(), 2);
        graph.verify_indexes().unwrap();
    }

    #[test]
    fn keys_are_unique_and_stance_rules_hold() {
        let mut graph = Graph::new();
        let mut txn = graph.begin();
        let a = txn
            .create_node(vec!["Actor".into()], props(&[("name", "A")]))
            .unwrap();
        let err = txn
            .create_node(vec!["Actor".into()], props(&[("name", "A")]))
            .unwrap_err();
        assert!(matches!(err, Error::Constraint(_)), "{err}");
        let p = txn
            .create_node(vec!["Place".into()], props(&[("name", "A")]))
            .unwrap();
        let err = txn
            .create_relationship(a, "CLAIMS", p, Properties::new())
            .unwrap_err();
        assert!(err.to_string().contains("CLAIMS must go"), "{err}");
        let err = txn.delete_node(a, false);
        assert!(err.is_ok());
        assert_eq!(graph_resolve(&txn, "A"), vec![p]);
    }

    fn graph_resolve(txn: &Txn<'_>, name: &str) -> Vec<NodeId> {
        txn.graph().resolve_name(name).to_vec()
    }

    #[test]
    fn removing_a_label_that_a_stance_needs_fails_at_commit() {
        let mut storage = MemoryStorage::default();
        let mut graph = Graph::new();
        let mut txn = graph.begin();
        let a = txn
            .create_node(vec!["Actor".into()], props(&[("name", "A")]))
            .unwrap();
        let s = txn
            .create_node(vec!["Statement".into()], props(&[("text", "t")]))
            .unwrap();
        txn.create_relationship(a, "DENIES", s, Properties::new())
            .unwrap();
        txn.commit(&mut storage).unwrap();
        let mut txn = graph.begin();
        txn.remove_label(a, "Actor").unwrap();
        assert!(txn.commit(&mut storage).is_err());
        assert!(graph.node(a).unwrap().has_label("Actor"));
        graph.verify_indexes().unwrap();
    }
}
