//! Adjacency lists by node id, with relationship types interned as numbers.
//!
//! petgraph keeps each node's relationships as a linked list threaded through
//! the relationship records, so walking a node's neighbourhood touches one
//! scattered record per relationship, and checking a type compares a string
//! behind another pointer. Queries walk neighbourhoods more than anything
//! else, so the graph also keeps, per node and direction, a compact vector of
//! (relationship, other node, type number): twelve bytes an entry, read in
//! order. The records stay in petgraph; these lists only say where to look.
//!
//! Lists are in creation order and are read newest first, which is the order
//! petgraph's own lists have: results come out the same either way.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{NodeId, RelId};

/// A relationship type, interned: the same name always has the same number
/// within one open graph. Numbers are not stored and mean nothing elsewhere.
pub type TypeId = u32;

/// One relationship as seen from one of its nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Adj {
    rel: u32,
    other: u32,
    ty: TypeId,
}

impl Adj {
    /// The relationship's id.
    #[inline]
    pub fn rel(self) -> RelId {
        RelId::from(self.rel)
    }

    /// The node at the relationship's other end (the node itself for a loop).
    #[inline]
    pub fn other(self) -> NodeId {
        NodeId::from(self.other)
    }

    /// The relationship's type.
    #[inline]
    pub fn ty(self) -> TypeId {
        self.ty
    }
}

/// The names of relationship types and their numbers. Names are only added:
/// a type whose last relationship is deleted keeps its number.
#[derive(Clone, Debug, Default)]
pub struct Types {
    names: Vec<String>,
    ids: HashMap<String, TypeId>,
}

impl Types {
    /// The number of `name`, given one if it has none yet.
    pub fn intern(&mut self, name: &str) -> TypeId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        // Fewer than 2^32 distinct types: each needs a relationship, and
        // relationship ids are 32 bits wide.
        let id = self.names.len() as TypeId;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    /// The number of `name`, if a relationship ever had that type.
    #[inline]
    pub fn id(&self, name: &str) -> Option<TypeId> {
        self.ids.get(name).copied()
    }

    /// The name of type number `id`.
    pub fn name(&self, id: TypeId) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// Per node id, its outgoing and incoming relationships.
///
/// Invariant: every id handed in is at most `idmap::MAX_ID`, which fits in
/// 32 bits; the graph checks ids against it before they get here.
#[derive(Clone, Debug, Default)]
pub struct Adjacency {
    out: Vec<Vec<Adj>>,
    inc: Vec<Vec<Adj>>,
}

const NONE: &[Adj] = &[];

impl Adjacency {
    /// Makes room for nodes up to `node`.
    fn ensure(&mut self, node: NodeId) {
        let want = node as usize + 1;
        if self.out.len() < want {
            self.out.resize_with(want, Vec::new);
            self.inc.resize_with(want, Vec::new);
        }
    }

    /// Sizes every list for the degrees given, for loading in bulk:
    /// `degrees` yields each relationship's (start, end).
    pub fn reserve_for(&mut self, nodes: usize, degrees: impl Iterator<Item = (NodeId, NodeId)>) {
        let mut out = vec![0u32; nodes];
        let mut inc = vec![0u32; nodes];
        for (s, e) in degrees {
            if let Some(n) = out.get_mut(s as usize) {
                *n += 1;
            }
            if let Some(n) = inc.get_mut(e as usize) {
                *n += 1;
            }
        }
        self.out = out
            .iter()
            .map(|&n| Vec::with_capacity(n as usize))
            .collect();
        self.inc = inc
            .iter()
            .map(|&n| Vec::with_capacity(n as usize))
            .collect();
    }

    /// Records a new relationship.
    pub fn add(&mut self, rel: RelId, start: NodeId, end: NodeId, ty: TypeId) {
        self.ensure(start.max(end));
        let (rel, s, e) = (rel as u32, start as u32, end as u32);
        self.out[start as usize].push(Adj { rel, other: e, ty });
        self.inc[end as usize].push(Adj { rel, other: s, ty });
    }

    /// Forgets a relationship. Lists keep their order; the search starts at
    /// the newest entry, where deletions usually are.
    pub fn remove(&mut self, rel: RelId, start: NodeId, end: NodeId) {
        let rel = rel as u32;
        for list in [
            self.out.get_mut(start as usize),
            self.inc.get_mut(end as usize),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(pos) = list.iter().rposition(|a| a.rel == rel) {
                list.remove(pos);
            }
        }
    }

    /// A node's outgoing relationships, oldest first.
    #[inline]
    pub fn out(&self, node: NodeId) -> &[Adj] {
        self.out.get(node as usize).map_or(NONE, Vec::as_slice)
    }

    /// A node's incoming relationships, oldest first.
    #[inline]
    pub fn inc(&self, node: NodeId) -> &[Adj] {
        self.inc.get(node as usize).map_or(NONE, Vec::as_slice)
    }

    /// Every list, sorted, for comparing two adjacencies built differently.
    pub fn normalised(&self) -> Vec<(NodeId, Vec<Adj>, Vec<Adj>)> {
        let len = self.out.len().max(self.inc.len());
        (0..len)
            .filter_map(|i| {
                let mut o = self.out.get(i).cloned().unwrap_or_default();
                let mut n = self.inc.get(i).cloned().unwrap_or_default();
                if o.is_empty() && n.is_empty() {
                    return None;
                }
                o.sort_unstable();
                n.sort_unstable();
                Some((i as NodeId, o, n))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_order_and_forget_what_is_removed() {
        let mut adj = Adjacency::default();
        adj.add(0, 1, 2, 0);
        adj.add(1, 1, 3, 1);
        adj.add(2, 3, 1, 0);
        adj.add(3, 1, 1, 1);
        let rels = |l: &[Adj]| l.iter().map(|a| a.rel()).collect::<Vec<_>>();
        assert_eq!(rels(adj.out(1)), [0, 1, 3]);
        assert_eq!(rels(adj.inc(1)), [2, 3]);
        assert_eq!(adj.out(1)[1].other(), 3);
        assert_eq!(adj.inc(1)[0].other(), 3);
        adj.remove(1, 1, 3);
        assert_eq!(rels(adj.out(1)), [0, 3]);
        assert!(adj.inc(3).is_empty());
        adj.remove(3, 1, 1);
        assert_eq!(rels(adj.out(1)), [0]);
        assert_eq!(rels(adj.inc(1)), [2]);
        assert!(adj.out(99).is_empty());
    }

    #[test]
    fn types_are_numbered_once() {
        let mut t = Types::default();
        let a = t.intern("CLAIMS");
        let b = t.intern("DENIES");
        assert_ne!(a, b);
        assert_eq!(t.intern("CLAIMS"), a);
        assert_eq!(t.id("DENIES"), Some(b));
        assert_eq!(t.id("claims"), None);
        assert_eq!(t.name(b), "DENIES");
        assert_eq!(t.name(7), "");
    }
}
