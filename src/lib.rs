//! claimgraph: a persistent knowledge-graph store for news claims.
//!
//! News is made of attributed statements: a warlord *claims* a city is taken, a
//! ministry *denies* it, a think tank *assesses* it. claimgraph keeps a graph of
//! actors, organisations, places, statements and articles, linked by typed
//! relationships (`CLAIMS`, `DENIES`, `ASSESSES`, `ABOUT`, and open ones such as
//! `LEADS`), each carrying the article it came from. It imports triples written
//! by hand or by a pipeline, answers openCypher queries, and exports subgraphs.
//!
//! ```
//! use claimgraph::{Database, Format};
//! let mut db = Database::in_memory();
//! let article = br#"
//! article "a1" {date: "2023-04-03"}
//! actor "Yevgeny Prigozhin"
//! statement s1 "Bakhmut is Russian in a legal sense"
//! "Yevgeny Prigozhin" claims s1
//! "#;
//! db.import_bytes("a1.triples", article, Format::Triples, None).unwrap();
//! let result = db
//!     .query("MATCH (a:Actor)-[:CLAIMS]->(s) RETURN a.name, s.text", &Default::default())
//!     .unwrap();
//! assert_eq!(result.rows.len(), 1);
//! ```
//!
//! # The life of a query
//!
//! 1. **Parse** ([`query::parser`]): `grammar/cypher.pest` turns the text into
//!    pest pairs, which are converted at once into our own AST ([`query::ast`]).
//!    Syntax errors leave here with a line, a column and a caret.
//! 2. **Plan** ([`query::exec`]): variables are bound, semantics checked
//!    (undefined variables, unknown functions, misplaced aggregation) and each
//!    pattern gets a starting point: a key index lookup, a label scan, or a
//!    variable already bound. `EXPLAIN` prints this plan.
//! 3. **Execute** ([`query::exec`]): operators walk the in-memory [`graph::Graph`]
//!    through its adjacency lists, checking the [`Cancel`] flag in every long
//!    loop. A match feeding an aggregation counts its last hop when nothing
//!    reads that hop's ends, and one feeding `DISTINCT` skips states it has
//!    seen. Writes go through one [`graph::Txn`], which keeps the indexes
//!    exact and can be undone.
//! 4. **Store** ([`storage`]): when the whole query has succeeded, the transaction
//!    becomes one atomic batch in the [`storage::Storage`] backend (sled on
//!    disk), flushed before the answer is returned. Any error before that rolls
//!    the graph back and writes nothing.
//!
//! Imports ([`import`]) follow the same road: parse the whole file
//! (`grammar/triples.pest` or JSON Lines), resolve names, apply every item in
//! one transaction, commit once.
//!
//! # Code map
//!
//! - [`value`], [`model`]: property values; nodes and relationships with stable
//!   ids; the domain's labels, keys and stance rules.
//! - [`storage`]: the `Storage` trait, with the sled and memory backends.
//! - [`graph`]: petgraph plus indexes (label, key, name and alias, adjacency
//!   lists with relationship types as numbers), and `Txn`.
//! - [`import`]: `.triples` and `.jsonl`.
//! - [`query`]: parser, AST, planner and executor.
//!   - `CALL ... YIELD`: parsed in [`query::parser`], checked against the
//!     procedure's declaration and run per row in `query/exec/call.rs`; the
//!     registry of procedures, and how to add one, in [`query::procedures`]
//!     (the `db.*` family in `query/exec/procedures/db.rs`). The shell's
//!     `:schema` prints `db.schema()` (`repl/schema.rs`).
//!   - `COUNT { pattern }` is read by the parser as the size of a pattern
//!     comprehension ([`query::parser`], `count_subquery`).
//! - [`error`]: the one error type. A query error's TCK kind, detail and phase
//!   are an [`error::Code`] (`error/code.rs`); the phase is set where planning
//!   ends in `query/exec/mod.rs` (`execute_with`); an error about a variable,
//!   function or parameter gets its caret in `query/mod.rs` (`locate`), from
//!   the places the parser records ([`query::parser::Places`]); the JSON form
//!   of `--format json` is `error/json.rs`. Parameters are checked before
//!   running in `query/exec/params.rs`.
//! - [`db`]: [`Database`], the library API the CLI, the shell and tests use.
//! - [`output`], [`export`], [`repl`], [`cli`]: what users see.
//!
//! # Architecture invariants
//!
//! - The pipeline runs one way: parse → plan → execute → storage. No stage calls
//!   back into an earlier one.
//! - pest's types never leave the parser modules; the rest of the crate sees
//!   only our AST and [`error::Diagnostic`]s.
//! - Storage knows records, not graphs: it never sees petgraph indices, only
//!   stable `u64` ids, which are never reused. Type numbers of the adjacency
//!   lists live only in memory.
//! - Every change to the graph goes through a `Txn`; a `Txn` commits to storage
//!   as one batch or not at all, so the store holds all of an import or a
//!   write query, or none of it, even after `kill -9`.
//! - The store carries a format version, checked on open.
//! - No user input reaches a panic: errors are values with positions, nesting
//!   is bounded before recursive code runs, and long loops can be cancelled.

pub mod cancel;
pub mod cli;
pub mod db;
pub mod error;
pub mod export;
pub mod graph;
pub mod import;
pub mod model;
pub mod output;
pub mod props;
pub mod query;
pub mod repl;
pub mod result;
pub mod storage;
pub mod value;

pub use cancel::Cancel;
pub use db::{Database, Stats};
pub use error::{Error, Result};
pub use import::{Format, ImportSummary};
pub use model::{Node, NodeId, RelId, Relationship};
pub use query::Params;
pub use result::{QueryResult, ResultValue, WriteStats};
pub use value::Value;
