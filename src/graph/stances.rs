//! The graph's [`StanceTable`]: what it is handed (each statement, its key
//! and its stances in adjacency order; articles by id), and when it is
//! dropped (by every transaction, in [`Graph::begin`] and when the
//! transaction ends).

use std::borrow::Cow;

use super::{Dir, Graph};
use crate::model::{Kind, STATEMENT};
use crate::stances::{Stance, StanceTable};
use crate::value::Value;

impl Graph {
    /// The stances on every statement as numbers, with each statement's
    /// summary (see [`crate::stances`]). Built on first use after a
    /// transaction.
    pub fn stance_table(&self) -> &StanceTable {
        self.stances.get_or_init(|| {
            let types = Stance::ALL.map(|s| self.type_id(s.rel_type()));
            let stance_of = move |ty| {
                let i = types.iter().position(|t| *t == Some(ty))?;
                Some(Stance::ALL[i])
            };
            let statements = self.nodes_with_label(STATEMENT).map(|s| {
                let stances = self
                    .adjacent(s, Dir::In)
                    .filter_map(move |a| Some((stance_of(a.ty())?, self.relationship(a.rel())?)));
                (s, stances)
            });
            let key = |s| {
                self.node(s)
                    .and_then(|n| n.get(Kind::of(n)?.key_property()))
                    .and_then(Value::as_str)
                    .map_or_else(|| Cow::Owned(s.to_string()), Cow::Borrowed)
            };
            StanceTable::build(statements, key, |id| {
                let node = self.lookup_key(Kind::Article, id)?;
                let date = self
                    .node(node)?
                    .get("date")
                    .filter(|v| !matches!(v, Value::Null));
                Some((node, date))
            })
        })
    }
}
