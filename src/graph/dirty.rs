//! The ids a transaction wrote, without a set entry per created record.
//!
//! A transaction hands out new ids in order from the graph's next id, and
//! every id it hands out is written (the record, or its deletion when the
//! transaction deleted it again). So the ids from the first it handed out
//! up to the graph's next id are written by definition, and only the older
//! ids it changed or deleted need a set.

use std::collections::BTreeSet;
use std::ops::Range;

/// The written ids of one kind (nodes or relationships).
pub(super) struct Dirty {
    /// Ids older than the transaction that it changed, deleted or restored.
    old: BTreeSet<u64>,
    /// The first id the transaction handed out.
    first_new: u64,
}

impl Dirty {
    /// No id written yet; ids from `first_new` on are the transaction's own.
    pub(super) fn new(first_new: u64) -> Dirty {
        Dirty {
            old: BTreeSet::new(),
            first_new,
        }
    }

    /// Notes that `id` was written.
    pub(super) fn insert(&mut self, id: u64) {
        if id < self.first_new {
            self.old.insert(id);
        }
    }

    /// The ids the transaction created, `next` being the graph's next id.
    pub(super) fn created(&self, next: u64) -> Range<u64> {
        self.first_new..next.max(self.first_new)
    }

    /// Every written id in ascending order, `next` being the graph's next id.
    pub(super) fn iter(&self, next: u64) -> impl Iterator<Item = u64> + '_ {
        self.old.iter().copied().chain(self.created(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_ids_in_a_set_and_created_ids_by_range() {
        let mut dirty = Dirty::new(10);
        for id in [7, 3, 12, 7, 10, 0] {
            dirty.insert(id);
        }
        // 12 and 10 are created ids, as are 11 and 13: the graph's next is 14.
        assert_eq!(
            dirty.iter(14).collect::<Vec<_>>(),
            vec![0, 3, 7, 10, 11, 12, 13]
        );
        assert_eq!(dirty.created(14), 10..14);
        assert_eq!(dirty.iter(10).collect::<Vec<_>>(), vec![0, 3, 7]);
        assert!(dirty.created(10).is_empty());
    }
}
