//! Building a graph in bulk from a store's records: from a [`Snapshot`], or
//! record by record as the store decodes them ([`Graph::load`]), so that a
//! large store is never held twice (once as records, once as the graph).
//!
//! Nodes come first, each indexed as it arrives; relationships follow. The
//! adjacency lists are built last, in one pass over the relationships, with
//! each list sized for its node's degree.

use super::*;

use crate::storage::{Record, Storage};

/// A graph being built from records.
struct Bulk {
    graph: Graph,
    /// The type number of each relationship added, in order.
    types: Vec<TypeId>,
    /// One more than the largest node id added.
    node_bound: u64,
}

impl Bulk {
    fn new() -> Self {
        Bulk {
            graph: Graph::default(),
            types: Vec::new(),
            node_bound: 0,
        }
    }

    fn add(&mut self, record: Record) -> Result<()> {
        match record {
            Record::Expect {
                nodes,
                relationships,
            } => {
                let g = &mut self.graph;
                g.g.reserve_nodes(nodes);
                g.g.reserve_edges(relationships);
                g.node_ix.reserve(nodes);
                g.rel_ix.reserve(relationships);
                self.types.reserve(relationships);
                Ok(())
            }
            Record::Node(node) => self.node(node),
            Record::Relationship(rel) => self.relationship(rel),
        }
    }

    fn node(&mut self, node: Node) -> Result<()> {
        let g = &mut self.graph;
        let id = node.id;
        if id >= g.next_node_id {
            g.next_node_id = id + 1;
        }
        self.node_bound = self.node_bound.max(id + 1);
        let ix = g.g.add_node(node);
        if g.node_ix.insert(id, ix)?.is_some() {
            return Err(Error::Corrupt(format!("node id {id} is stored twice")));
        }
        if let Err(e) = g.index_node(id) {
            return Err(Error::Corrupt(format!("node {id} breaks an index: {e}")));
        }
        Ok(())
    }

    fn relationship(&mut self, rel: Relationship) -> Result<()> {
        let g = &mut self.graph;
        let (id, start, end) = (rel.id, rel.start, rel.end);
        if id >= g.next_rel_id {
            g.next_rel_id = id + 1;
        }
        let (Some(&a), Some(&b)) = (g.node_ix.get(&start), g.node_ix.get(&end)) else {
            return Err(Error::Corrupt(format!(
                "relationship {id} joins node {start} to node {end}, and one of them is missing"
            )));
        };
        let ty = g.count_type(&rel.rel_type, 1);
        let ix = g.g.add_edge(a, b, rel);
        if g.rel_ix.insert(id, ix)?.is_some() {
            return Err(Error::Corrupt(format!(
                "relationship id {id} is stored twice"
            )));
        }
        self.types.push(ty);
        Ok(())
    }

    /// The graph, with the store's id counters (raised past every id seen)
    /// and its adjacency lists.
    fn finish(self, (next_node_id, next_rel_id): (NodeId, RelId)) -> Graph {
        let mut graph = self.graph;
        graph.next_node_id = graph.next_node_id.max(next_node_id);
        graph.next_rel_id = graph.next_rel_id.max(next_rel_id);
        let nodes = usize::try_from(self.node_bound.min(idmap::MAX_ID + 1)).unwrap_or(0);
        graph
            .adj
            .reserve_for(nodes, graph.g.edge_weights().map(|r| (r.start, r.end)));
        // Edge weights come in the order they were added: no relationship
        // was removed from a graph being built.
        for (rel, &ty) in graph.g.edge_weights().zip(&self.types) {
            graph.adj.add(rel.id, rel.start, rel.end, ty);
        }
        graph
    }
}

impl Graph {
    /// Builds the graph from a store's records, in bulk.
    pub fn from_snapshot(snapshot: Snapshot) -> Result<Self> {
        let mut bulk = Bulk::new();
        let ids = crate::storage::each_record(snapshot, &mut |r| bulk.add(r))?;
        Ok(bulk.finish(ids))
    }

    /// Builds the graph from every record of `storage`, each added as the
    /// store decodes it ([`Storage::load_each`]).
    pub fn load(storage: &dyn Storage) -> Result<Self> {
        let mut bulk = Bulk::new();
        match storage.load_each(&mut |r| bulk.add(r))? {
            Some(ids) => Ok(bulk.finish(ids)),
            None => {
                drop(bulk);
                Graph::from_snapshot(storage.load()?)
            }
        }
    }
}
