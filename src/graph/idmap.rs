//! A map from stable ids to petgraph indices, as a vector indexed by id.
//!
//! Ids are handed out densely from a counter and never reused, so a vector
//! with a sentinel for missing ids is smaller and much faster than a hash map
//! (four bytes an id, no hashing), which matters when a store of a million
//! relationships is opened.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::error::{Error, Result};

/// The largest id a graph holds: petgraph's indices are 32 bits wide.
pub const MAX_ID: u64 = u32::MAX as u64 - 1;

/// A petgraph index with a value that means "none".
pub trait Slot: Copy + PartialEq {
    fn none() -> Self;
}

impl Slot for NodeIndex {
    fn none() -> Self {
        NodeIndex::end()
    }
}

impl Slot for EdgeIndex {
    fn none() -> Self {
        EdgeIndex::end()
    }
}

#[derive(Clone, Debug)]
pub struct IdMap<I> {
    slots: Vec<I>,
}

impl<I> Default for IdMap<I> {
    fn default() -> Self {
        IdMap { slots: Vec::new() }
    }
}

impl<I: Slot> IdMap<I> {
    pub fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }

    pub fn get(&self, id: &u64) -> Option<&I> {
        let slot = self.slots.get(usize::try_from(*id).ok()?)?;
        (*slot != I::none()).then_some(slot)
    }

    pub fn contains_key(&self, id: &u64) -> bool {
        self.get(id).is_some()
    }

    /// Maps `id` to `ix`, returning what it mapped to before. Ids above
    /// [`MAX_ID`] are refused.
    pub fn insert(&mut self, id: u64, ix: I) -> Result<Option<I>> {
        if id > MAX_ID {
            return Err(Error::ResourceLimit(format!(
                "id {id} is beyond the {MAX_ID} nodes or relationships a store can hold"
            )));
        }
        let i = id as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, I::none());
        }
        let old = std::mem::replace(&mut self.slots[i], ix);
        Ok((old != I::none()).then_some(old))
    }

    pub fn remove(&mut self, id: &u64) -> Option<I> {
        let slot = self.slots.get_mut(usize::try_from(*id).ok()?)?;
        let old = std::mem::replace(slot, I::none());
        (old != I::none()).then_some(old)
    }
}

impl<I: Slot> std::ops::Index<&u64> for IdMap<I> {
    type Output = I;

    /// Panics when the id is absent: only for ids an invariant guarantees.
    fn index(&self, id: &u64) -> &I {
        match self.get(id) {
            Some(ix) => ix,
            None => panic!("id {id} is not in the graph"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut m: IdMap<NodeIndex> = IdMap::default();
        assert_eq!(m.insert(5, NodeIndex::new(1)).unwrap(), None);
        assert_eq!(m.get(&5), Some(&NodeIndex::new(1)));
        assert_eq!(m.get(&4), None);
        assert_eq!(m.get(&u64::MAX), None);
        assert_eq!(m.remove(&5), Some(NodeIndex::new(1)));
        assert_eq!(m.remove(&5), None);
        assert!(!m.contains_key(&5));
        assert!(m.insert(u64::MAX, NodeIndex::new(1)).is_err());
    }
}
