//! `:as-of DATE|off` and `:at-tx N|off`: the shell's views of time. While
//! one is on, statements answer from a read-only view of the store and the
//! prompt shows it; the store itself is kept aside until both are off.

use std::io::Write;

use super::session::Session;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::share::Shared;

/// The views the shell has on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeView {
    pub as_of: Option<String>,
    pub at_tx: Option<u64>,
}

impl TimeView {
    /// The view for the prompt: `as of 2023-05-04, tx 3`.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(d) = &self.as_of {
            parts.push(format!("as of {d}"));
        }
        if let Some(t) = self.at_tx {
            parts.push(format!("tx {t}"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The view of `store`: at the transaction, then as of the date.
    pub fn apply(&self, store: &Database) -> Result<Option<Database>> {
        store.view(self.as_of.as_deref(), self.at_tx)
    }
}

/// Which of the two a command sets.
#[derive(Clone, Copy, Debug)]
pub enum Axis {
    AsOf,
    AtTx,
}

/// Runs `:as-of ARGS` or `:at-tx ARGS`.
pub fn command(session: &mut Session, axis: Axis, args: &str, out: &mut dyn Write) -> Result<()> {
    let mut wanted = session.time_view().clone();
    let off = args.eq_ignore_ascii_case("off");
    match axis {
        Axis::AsOf if args.is_empty() => {
            return Err(Error::query(":as-of needs a date (2023-05-04) or off"))
        }
        Axis::AtTx if args.is_empty() => {
            return Err(Error::query(
                ":at-tx needs a transaction number (see `claimgraph log`) or off",
            ))
        }
        Axis::AsOf => wanted.as_of = (!off).then(|| args.to_string()),
        Axis::AtTx => {
            wanted.at_tx = if off {
                None
            } else {
                Some(args.parse().map_err(|_| {
                    Error::query(format!(
                        "`{args}` is not a transaction number (see `claimgraph log`)"
                    ))
                })?)
            }
        }
    }
    session.set_time_view(wanted)?;
    match session.time_view().describe() {
        Some(view) => writeln!(out, "Answering {view} (read-only)")?,
        None => writeln!(out, "Answering from the store as it is")?,
    }
    Ok(())
}

impl Session {
    /// The views of time on, and the prompt's words for them.
    pub fn time_view(&self) -> &super::time::TimeView {
        &self.view
    }

    pub(super) fn set_view(&mut self, view: super::time::TimeView) {
        self.view = view;
    }

    /// The store itself, under any view.
    pub(super) fn store(&self) -> &Shared {
        self.store.as_ref().unwrap_or(&self.db)
    }

    pub(super) fn keep_store(&mut self, store: Shared) {
        if self.store.is_none() {
            self.store = Some(store);
        }
    }

    pub(super) fn take_store(&mut self) -> Option<Shared> {
        self.store.take()
    }

    /// Turns views of time on or off; on an error nothing changes.
    pub fn set_time_view(&mut self, wanted: TimeView) -> Result<()> {
        let view = wanted.apply(&crate::share::snapshot(self.store()))?;
        match view {
            Some(view) => {
                let before = std::mem::replace(&mut self.db, crate::share::Store::new(view));
                self.keep_store(before);
            }
            None => {
                if let Some(store) = self.take_store() {
                    self.db = store;
                }
            }
        }
        self.set_view(wanted);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_go_on_and_off_and_the_store_comes_back() {
        let mut db = Database::in_memory();
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for file in ["bakhmut.triples", "bakhmut-followup.triples"] {
            db.import_file(&examples.join(file), None, None).unwrap();
        }
        let mut s = Session::new(db);
        let articles = |s: &Session| s.db().graph().label_count(crate::model::ARTICLE);
        let mut out = Vec::new();
        command(&mut s, Axis::AsOf, "2023-05-04", &mut out).unwrap();
        assert_eq!(articles(&s), 1);
        assert_eq!(
            s.time_view().describe().as_deref(),
            Some("as of 2023-05-04")
        );
        command(&mut s, Axis::AtTx, "1", &mut out).unwrap();
        assert_eq!(
            s.time_view().describe().as_deref(),
            Some("as of 2023-05-04, tx 1")
        );
        command(&mut s, Axis::AsOf, "off", &mut out).unwrap();
        assert_eq!(articles(&s), 1, "still at transaction 1");
        command(&mut s, Axis::AtTx, "off", &mut out).unwrap();
        assert_eq!(articles(&s), 2);
        assert_eq!(s.time_view().describe(), None);
        // A refused view changes nothing.
        assert!(command(&mut s, Axis::AsOf, "yesterday", &mut out).is_err());
        assert!(command(&mut s, Axis::AtTx, "9", &mut out).is_err());
        assert_eq!((articles(&s), s.time_view().describe()), (2, None));
        command(&mut s, Axis::AtTx, "1", &mut out).unwrap();
        assert_eq!(
            s.into_database().graph().label_count(crate::model::ARTICLE),
            2
        );
    }
}
