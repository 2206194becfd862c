//! The store's census in sled: one record in the default tree, written in
//! the batch of each commit ([`crate::storage::census`]).

use super::layout::Writes;
use super::{read_error, SledStorage};
use crate::error::Result;
use crate::storage::{device, BatchRef, Census, Change};

/// The key of the census record (`m` for the default tree's metadata).
pub(super) const META_CENSUS: &[u8] = b"mcensus";

impl SledStorage {
    /// The census record, if the store keeps one for its last transaction.
    /// A record that does not decode is damage.
    pub(super) fn read_census(&self) -> Result<Option<Census>> {
        let Some(bytes) = self
            .db()
            .get(META_CENSUS)
            .map_err(|e| read_error(&self.path, e))?
        else {
            return Ok(None);
        };
        let census = Census::decode(&bytes)?;
        let last = self.history_state().last;
        Ok(Some(census).filter(|c| c.tx == last))
    }

    /// Adds to `w` the census after transaction `tx`
    /// ([`Census::after_commit`]), or the removal of the record when there
    /// is none.
    pub(super) fn census_writes(
        &self,
        w: &mut Writes,
        tx: u64,
        batch: &BatchRef<'_>,
        change: &Change<'_>,
    ) -> Result<u64> {
        let writes_records = !batch.is_empty();
        // Read only when it may be carried; one that does not decode is not.
        let kept = match (&change.census, writes_records) {
            (None, false) => self.read_census().ok().flatten(),
            _ => None,
        };
        match Census::after_commit(change.census.as_ref(), writes_records, kept, tx) {
            Some(c) => {
                let bytes = c.encode()?;
                let n = bytes.len() as u64;
                w.meta.insert(META_CENSUS, bytes);
                Ok(n)
            }
            None => {
                w.meta.remove(META_CENSUS);
                Ok(0)
            }
        }
    }

    /// Writes `census` as the census of the last transaction; returns
    /// whether it was written (not when the store takes no writes).
    pub(super) fn write_census(&self, census: &Census) -> bool {
        const WHAT: &str = "keeping its census";
        if self.writable(WHAT).is_err() {
            return false;
        }
        let Ok(bytes) = census.clone().at(self.history_state().last).encode() else {
            return false;
        };
        if device::ensure_room(&self.path, WHAT, bytes.len() as u64).is_err() {
            return false;
        }
        let mut w = Writes::default();
        w.meta.insert(META_CENSUS, bytes);
        self.apply(WHAT, w).is_ok()
    }

    /// Overwrites the census record with `bytes`: only for tests of a
    /// damaged or wrong census.
    #[doc(hidden)]
    pub fn set_census_bytes_for_tests(&self, bytes: &[u8]) -> Result<()> {
        self.db().insert(META_CENSUS, bytes)?;
        self.db().flush()?;
        Ok(())
    }
}
