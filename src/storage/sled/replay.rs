//! The log's batches turned into the records they leave, and the batches
//! after the first folded into one.
//!
//! A store's log is usually one large batch (an import, or the last
//! compaction) followed by small ones (write queries, merges). Replaying
//! keeps the large batch's vectors and applies the small ones on top of
//! them, so opening a store after a few writes costs a filter and a sort,
//! not a hash map of every record. Compacting at open folds the small
//! batches into one and leaves the large one where it is, so that a write
//! does not, some opens later, cost a rewrite of the whole store.

use rustc_hash::{FxHashMap, FxHashSet};

use super::super::{Batch, Snapshot};
use crate::model::{Node, NodeId, RelId, Relationship};

/// What a run of batches leaves: the last version of every record they
/// put, and the records they delete that no later batch puts back. Within
/// a batch deletes come first, then puts (as a transaction writes them).
#[derive(Default)]
struct Folded {
    nodes: FxHashMap<NodeId, Node>,
    deleted_nodes: FxHashSet<NodeId>,
    rels: FxHashMap<RelId, Relationship>,
    deleted_rels: FxHashSet<RelId>,
    next_node_id: NodeId,
    next_rel_id: RelId,
}

impl Folded {
    fn of(batches: impl IntoIterator<Item = Batch>) -> Folded {
        let mut f = Folded::default();
        for b in batches {
            for id in b.delete_relationships {
                f.rels.remove(&id);
                f.deleted_rels.insert(id);
            }
            for id in b.delete_nodes {
                f.nodes.remove(&id);
                f.deleted_nodes.insert(id);
            }
            for n in b.put_nodes {
                f.deleted_nodes.remove(&n.id);
                f.nodes.insert(n.id, n);
            }
            for r in b.put_relationships {
                f.deleted_rels.remove(&r.id);
                f.rels.insert(r.id, r);
            }
            f.next_node_id = b.next_node_id;
            f.next_rel_id = b.next_rel_id;
        }
        f
    }

    /// Applies the run on top of `nodes` and `relationships` (what the
    /// batches before it left), in id order.
    fn apply(self, mut nodes: Vec<Node>, mut relationships: Vec<Relationship>) -> Snapshot {
        if !(self.nodes.is_empty() && self.deleted_nodes.is_empty()) {
            nodes
                .retain(|n| !self.deleted_nodes.contains(&n.id) && !self.nodes.contains_key(&n.id));
            nodes.extend(self.nodes.into_values());
            nodes.sort_by_key(|n| n.id);
        }
        if !(self.rels.is_empty() && self.deleted_rels.is_empty()) {
            relationships
                .retain(|r| !self.deleted_rels.contains(&r.id) && !self.rels.contains_key(&r.id));
            relationships.extend(self.rels.into_values());
            relationships.sort_by_key(|r| r.id);
        }
        Snapshot {
            nodes,
            relationships,
            next_node_id: self.next_node_id,
            next_rel_id: self.next_rel_id,
        }
    }

    /// The run as one batch that replays to the same records.
    fn into_batch(self) -> Batch {
        let mut put_nodes: Vec<Node> = self.nodes.into_values().collect();
        put_nodes.sort_by_key(|n| n.id);
        let mut put_relationships: Vec<Relationship> = self.rels.into_values().collect();
        put_relationships.sort_by_key(|r| r.id);
        let mut delete_nodes: Vec<NodeId> = self.deleted_nodes.into_iter().collect();
        delete_nodes.sort_unstable();
        let mut delete_relationships: Vec<RelId> = self.deleted_rels.into_iter().collect();
        delete_relationships.sort_unstable();
        Batch {
            put_nodes,
            delete_nodes,
            put_relationships,
            delete_relationships,
            next_node_id: self.next_node_id,
            next_rel_id: self.next_rel_id,
        }
    }
}

/// Replays batches, oldest first, into the records they leave.
pub(super) fn replay(batches: Vec<Batch>) -> Snapshot {
    let mut batches = batches.into_iter();
    let Some(first) = batches.next() else {
        return Snapshot::default();
    };
    if !(first.delete_nodes.is_empty() && first.delete_relationships.is_empty()) {
        // A first batch that deletes is replayed like the others.
        return Folded::of(std::iter::once(first).chain(batches)).apply(Vec::new(), Vec::new());
    }
    let mut rest = Folded::of(batches);
    if rest.next_node_id == 0 && rest.next_rel_id == 0 {
        // No batch after the first (a fresh import or compaction).
        rest.next_node_id = first.next_node_id;
        rest.next_rel_id = first.next_rel_id;
    }
    rest.apply(first.put_nodes, first.put_relationships)
}

/// The batches after the first folded into one that replays, after the
/// first, to the same records.
pub(super) fn fold(batches: Vec<Batch>) -> Batch {
    Folded::of(batches).into_batch()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Properties, Value};
    use proptest::prelude::*;

    fn node(id: NodeId, v: i64) -> Node {
        let mut properties = Properties::new();
        properties.insert("v".into(), Value::Int(v));
        Node {
            id,
            labels: vec!["N".into()],
            properties,
        }
    }

    /// Plain replay: one map, every batch applied in order.
    fn plain(batches: &[Batch]) -> Vec<Node> {
        let mut m = std::collections::BTreeMap::new();
        for b in batches {
            for id in &b.delete_nodes {
                m.remove(id);
            }
            for n in &b.put_nodes {
                m.insert(n.id, n.clone());
            }
        }
        m.into_values().collect()
    }

    fn batch(ops: &[(bool, u64, i64)], next: u64) -> Batch {
        Batch {
            delete_nodes: ops.iter().filter(|o| !o.0).map(|o| o.1).collect(),
            put_nodes: ops.iter().filter(|o| o.0).map(|o| node(o.1, o.2)).collect(),
            next_node_id: next,
            ..Batch::default()
        }
    }

    proptest! {
        /// Replaying, and replaying the first batch followed by the fold of
        /// the others, both leave what plain replay leaves.
        #[test]
        fn replay_and_fold_agree_with_plain_replay(
            base in proptest::collection::btree_set(0u64..20, 0..20),
            rest in proptest::collection::vec(
                proptest::collection::vec((any::<bool>(), 0u64..20, 0i64..5), 0..6), 0..12),
        ) {
            // A batch holds each record once.
            let base: Vec<(bool, u64, i64)> = base.into_iter().map(|id| (true, id, 0)).collect();
            let mut batches = vec![batch(&base, 20)];
            batches.extend(rest.iter().enumerate().map(|(i, ops)| batch(ops, 21 + i as u64)));
            let want = plain(&batches);
            let replayed = replay(batches.clone());
            prop_assert_eq!(&replayed.nodes, &want);
            prop_assert_eq!(replayed.next_node_id, batches.last().unwrap().next_node_id);
            let first = batches[0].clone();
            let folded = fold(batches[1..].to_vec());
            let compacted = replay(vec![first, folded]);
            prop_assert_eq!(&compacted.nodes, &want);
            prop_assert_eq!(compacted.next_node_id, replayed.next_node_id);
        }
    }
}
