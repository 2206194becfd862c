//! Time on two axes, as views of a [`Database`]: the store as it was after a
//! transaction (`--at-tx N`), and the graph as the articles dated on or
//! before a day tell it (`--as-of DATE`); with the store's log, `diff` and
//! `compact` over its history ([`crate::storage::history`]).
//!
//! A view is a detached, read-only copy: a [`Database`] over its own graph
//! whose storage refuses every write. Every query, procedure and export run
//! on it sees only what the view shows, and the executor knows nothing of it.

use std::collections::HashSet;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{Node, Relationship, ARTICLE, ID_PROP, STATEMENT};
use crate::storage::history::{self, Diff, Frozen, HistoryState, State, TxEntry};
use crate::storage::Snapshot;
use crate::temporal::Temporal;
use crate::value::Value;

/// What changed between two transactions, as `claimgraph diff` prints it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoreDiff {
    pub nodes: Diff<Node>,
    pub relationships: Diff<Relationship>,
}

impl Database {
    /// Every transaction of the store's history, oldest first.
    pub fn log(&self) -> Result<Vec<TxEntry>> {
        self.storage().log()
    }

    /// The last transaction and the oldest state the history can rebuild.
    pub fn history(&self) -> Result<HistoryState> {
        self.storage().history()
    }

    /// The records exactly as they were after transaction `tx`: the present
    /// with every later transaction undone, newest first.
    fn state_at(&self, tx: u64) -> Result<State> {
        self.history()?.check(tx)?;
        let g = self.graph();
        let mut state = State::new(
            g.nodes(),
            g.relationships(),
            g.next_node_id(),
            g.next_rel_id(),
        );
        let changes = self.storage().changes_after(tx)?;
        history::undo(&mut state, changes.into_iter().map(|(_, c)| c));
        Ok(state)
    }

    /// The view of time that `as_of` and `at_tx` ask for, the one
    /// composition every command uses: the store as it was after
    /// transaction `at_tx`, then that state as of the article date `as_of`.
    /// `None` when neither is set. Views are taken of the store itself: a
    /// view asked of a view is refused ([`Database::at_tx`],
    /// [`Database::as_of`] likewise), saying how to ask for both at once.
    pub fn view(&self, as_of: Option<&str>, at_tx: Option<u64>) -> Result<Option<Database>> {
        if as_of.is_none() && at_tx.is_none() {
            return Ok(None);
        }
        self.refuse_a_view_of_a_view(as_of, at_tx)?;
        let at = at_tx.map(|tx| self.at_tx_of_store(tx)).transpose()?;
        match as_of {
            Some(date) => at.as_ref().unwrap_or(self).as_of_any(date).map(Some),
            None => Ok(at),
        }
    }

    /// The store as it was after transaction `tx`, read-only. Refused when
    /// `tx` is later than the last transaction or older than what is kept.
    pub fn at_tx(&self, tx: u64) -> Result<Database> {
        self.refuse_a_view_of_a_view(None, Some(tx))?;
        self.at_tx_of_store(tx)
    }

    /// The graph as the articles dated on or before `date` (ISO 8601) tell
    /// it, read-only: relationships whose article is dated later or has no
    /// date are hidden, and so are those articles; a statement is hidden
    /// when no visible relationship touches it; actors, organisations and
    /// places stay, and so do relationships without an article.
    pub fn as_of(&self, date: &str) -> Result<Database> {
        self.refuse_a_view_of_a_view(Some(date), None)?;
        self.as_of_any(date)
    }

    fn at_tx_of_store(&self, tx: u64) -> Result<Database> {
        let graph = Graph::from_snapshot(self.state_at(tx)?.into_snapshot())?;
        Ok(self.frozen(graph, format!("--at-tx {tx}")))
    }

    /// As of `date`, of the store or of the view at a transaction.
    fn as_of_any(&self, date: &str) -> Result<Database> {
        let limit = parse_day(date)?;
        let graph = Graph::from_snapshot(as_of_snapshot(self.graph(), limit))?;
        let view = match self.time_view() {
            Some(at) => format!("{at} --as-of {}", date.trim()),
            None => format!("--as-of {}", date.trim()),
        };
        Ok(self.frozen(graph, view))
    }

    /// The one message for a bad combination: a view of time of a view.
    fn refuse_a_view_of_a_view(&self, as_of: Option<&str>, at_tx: Option<u64>) -> Result<()> {
        let Some(current) = self.time_view() else {
            return Ok(());
        };
        let wanted: Vec<String> = [
            at_tx.map(|tx| format!("--at-tx {tx}")),
            as_of.map(|date| format!("--as-of {}", date.trim())),
        ]
        .into_iter()
        .flatten()
        .collect();
        Err(Error::History(format!(
            "{} cannot be taken of a view of time ({current}): views are taken of the store itself; ask for both at once (`--at-tx N --as-of DATE` answers from the store after transaction N, as of DATE)",
            wanted.join(" ")
        )))
    }

    fn frozen(&self, graph: Graph, view: String) -> Database {
        let frozen = Box::new(Frozen { view: view.clone() });
        let mut db = Database::from_parts(graph, frozen, self.procedures().clone());
        db.set_time_view(view);
        db
    }

    /// The nodes and relationships added, removed and changed from the state
    /// after transaction `from` to the state after transaction `to`.
    pub fn diff(&self, from: u64, to: u64) -> Result<StoreDiff> {
        let h = self.history()?;
        h.check(from)?;
        h.check(to)?;
        let (lo, hi) = (from.min(to), from.max(to));
        let changes = self.storage().changes_after(lo)?;
        let mut state = self.state_at(hi)?;
        let at_hi = state.clone();
        history::undo(
            &mut state,
            changes
                .into_iter()
                .filter(|(t, _)| *t <= hi)
                .map(|(_, c)| c),
        );
        let (a, b) = if from <= to {
            (&state, &at_hi)
        } else {
            (&at_hi, &state)
        };
        let (nodes, relationships) = history::diff(a, b);
        Ok(StoreDiff {
            nodes,
            relationships,
        })
    }

    /// Drops what only the states before transaction `before` need; returns
    /// the bytes freed. The log keeps every entry.
    pub fn compact_history(&mut self, before: u64) -> Result<u64> {
        let h = self.history()?;
        if before == 0 || before > h.last {
            return Err(Error::History(format!(
                "compact --before {before}: there is no transaction {before} (the store's transactions are 1 to {}; see `claimgraph log`)",
                h.last
            )));
        }
        self.storage_mut().compact_history(before)
    }
}

/// The day (days since 1970-01-01) of an `--as-of` date.
fn parse_day(date: &str) -> Result<i64> {
    crate::temporal::parse::date_or_datetime(date.trim())
        .ok()
        .and_then(|t| day_of(&t))
        .ok_or_else(|| {
            Error::History(format!(
                "--as-of `{date}` is not an ISO 8601 date (such as 2023-04-04, 2023-04 or 2023-W14-2)"
            ))
        })
}

/// The local day of a date or date time.
fn day_of(t: &Temporal) -> Option<i64> {
    match t {
        Temporal::Date(days)
        | Temporal::LocalDateTime { days, .. }
        | Temporal::DateTime { days, .. } => Some(*days),
        _ => None,
    }
}

/// The day of an article's `date`: typed, or ISO text in a store written
/// before dates were typed.
fn article_day(node: &Node) -> Option<i64> {
    match node.properties.get("date")? {
        Value::Temporal(t) => day_of(t),
        Value::String(s) => crate::temporal::parse::date_or_datetime(s.trim())
            .ok()
            .and_then(|t| day_of(&t)),
        _ => None,
    }
}

/// The records visible as of day `limit`.
fn as_of_snapshot(g: &Graph, limit: i64) -> Snapshot {
    let mut visible_articles = HashSet::new();
    let mut hidden = HashSet::new();
    for node in g.nodes().filter(|n| n.labels.iter().any(|l| l == ARTICLE)) {
        let key = node.properties.get(ID_PROP).and_then(Value::as_str);
        match (article_day(node), key) {
            (Some(day), Some(key)) if day <= limit => {
                visible_articles.insert(key.to_string());
            }
            _ => {
                hidden.insert(node.id);
            }
        }
    }
    let relationships: Vec<Relationship> = g
        .relationships()
        .filter(|r| match r.article() {
            None => !r.properties.contains_key(crate::model::ARTICLE_PROP),
            Some(a) => visible_articles.contains(a),
        })
        .filter(|r| !hidden.contains(&r.start) && !hidden.contains(&r.end))
        .cloned()
        .collect();
    let touched: HashSet<u64> = relationships
        .iter()
        .flat_map(|r| [r.start, r.end])
        .collect();
    for node in g.nodes() {
        if node.labels.iter().any(|l| l == STATEMENT) && !touched.contains(&node.id) {
            hidden.insert(node.id);
        }
    }
    let mut nodes: Vec<Node> = g
        .nodes()
        .filter(|n| !hidden.contains(&n.id))
        .cloned()
        .collect();
    nodes.sort_unstable_by_key(|n| n.id);
    let mut relationships = relationships;
    relationships.sort_unstable_by_key(|r| r.id);
    Snapshot {
        nodes,
        relationships,
        next_node_id: g.next_node_id(),
        next_rel_id: g.next_rel_id(),
    }
}
