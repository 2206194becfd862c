//! The key index: (kind, key) → node, one map per [`Kind`], so a look-up by a
//! borrowed key allocates nothing.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Kind, NodeId};

/// Entity names, statement texts and article ids, each kind its own map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyIndex {
    maps: [HashMap<String, NodeId>; Kind::ALL.len()],
}

impl KeyIndex {
    /// The node of `kind` whose key is `key`.
    #[inline]
    pub fn get(&self, kind: Kind, key: &str) -> Option<NodeId> {
        self.maps[kind as usize].get(key).copied()
    }

    /// How many nodes of `kind` are indexed, one per distinct key.
    pub fn len(&self, kind: Kind) -> usize {
        self.maps[kind as usize].len()
    }

    pub fn insert(&mut self, kind: Kind, key: String, id: NodeId) {
        self.maps[kind as usize].insert(key, id);
    }

    pub fn remove(&mut self, kind: Kind, key: &str) {
        self.maps[kind as usize].remove(key);
    }
}
