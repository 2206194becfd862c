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
//! 2. **Plan** ([`query::plan`]): the build binds variables, checks
//!    semantics (undefined variables, unknown functions, misplaced
//!    aggregation), gives each pattern a starting point (a key index lookup,
//!    a label scan, or a variable already bound) and builds a tree of
//!    operators ([`query::plan::PlanNode`]: each owns the operators it
//!    reads; a union holds one chain per single query), recording what each
//!    operator needs from the one it reads (the columns read after a
//!    `MATCH`, whether only distinct rows matter). Then the rewrite rules of
//!    [`query::plan::rules::RULES`] run in order, each a named
//!    function over a single query's chain: `ReachabilityUnderDistinct`, `MemoStates`,
//!    `GroupByNode`, `StreamIntoAggregate`, `CountLastHop`, `EarlyLimit`,
//!    `TopK`, `TopGroupsByNode`. Then the variables of the expressions an
//!    operator evaluates on its own rows become slots, indexes into the row
//!    (`query/plan/bind.rs`). Last, the subqueries inside expressions
//!    (pattern predicates, `exists { }`, pattern comprehensions,
//!    `COUNT { }`, `size((a)-->())`) are planned for the row their operator
//!    evaluates them on (`query/plan/subqueries.rs`). `EXPLAIN` prints the
//!    tree with the rules that changed each operator and its subqueries;
//!    `PROFILE` adds rows and time per operator.
//! 3. **Execute** ([`query::exec`]): operators walk the in-memory [`graph::Graph`]
//!    through its adjacency lists, checking the [`Cancel`] flag in every long
//!    loop, taking the shortcuts the rules marked and no other; a single
//!    query's chain runs from its first operator up, each materialising its
//!    rows. Subqueries run per row with the row's values as arguments
//!    (`query/exec/pattern/inline.rs`); one the planner could not place (a
//!    subquery inside another) is planned when a row first reaches it, once
//!    per statement. Writes go through one
//!    [`graph::Txn`], which keeps the indexes exact and can be undone.
//! 4. **Store** ([`storage`]): when the whole query has succeeded, the transaction
//!    becomes one atomic batch in the [`storage::Storage`] backend (sled on
//!    disk), flushed before the answer is returned. Any error before that rolls
//!    the graph back and writes nothing.
//!
//! Imports ([`import`]) follow the same road: parse the whole file
//! (`grammar/triples.pest`, JSON Lines, ClaimReview JSON-LD, or a table with
//! its mapping), resolve names, apply every item in one transaction, commit once.
//!
//! # Code map
//!
//! - [`value`], [`model`]: property values; nodes and relationships with stable
//!   ids; the domain's labels, keys and stance rules.
//! - [`temporal`]: openCypher's dates, times, datetimes and durations: ISO 8601
//!   parsing, construction from maps, components, arithmetic, `between` and
//!   `truncate`; named zones from the compiled-in tz database. The query
//!   functions over them are in `query::exec::temporal_fns`.
//! - [`storage`]: the `Storage` trait, with the sled and memory backends;
//!   [`storage::device`] (free room, read-only media, storage errors in words,
//!   the time bound on a commit) and [`storage::backup`] (`backup DEST`).
//!   An open builds the graph record by record as the store decodes them
//!   ([`graph::Graph::load`], `graph/load.rs`; [`storage::Storage::load_each`]):
//!   a log of one batch (a fresh import, a compacted store) is decoded from
//!   its chunks as sled reads them (`storage/sled/stream.rs`), so the
//!   records are never held beside the graph; a longer log is replayed first.
//!   After a large read sled is closed and opened again
//!   ([`storage::Storage::after_load`]), which lets go of the pages it kept.
//! - [`storage::census`]: the counts `claimgraph stats` prints without
//!   loading the records ([`Database::open_stats`]): written by each commit
//!   (`graph/txn.rs`, from [`graph::Graph::census`]) in the batch of its
//!   records (`storage/sled/census.rs`); an open that loads the records
//!   writes one that is missing and mends one that is wrong, which `check`
//!   reports. So that such an open reads little, a large batch is followed
//!   by padding that ends sled's log past the segment pointing to its blobs
//!   (`storage/sled/layout.rs`, `pad_past_segment`), and the log's next
//!   sequence number is found at the first write (`SledStorage::take_seq`).
//! - [`storage::history`]: the store's history: every commit's numbered
//!   entry (UTC time, what it was, counts) and change records (ids created,
//!   records changed or deleted as they were), undone newest first to rebuild
//!   a past state; `Labelled` names the transactions of an import or query,
//!   [`Database::write_as`] any other change (a merge).
//! - [`identity`]: audited merges of entities (`claimgraph merge`,
//!   `unmerge`, `distinct`, `decisions`; the commands in `cli/identity.rs`,
//!   the shell's `:merge`, `:unmerge`, `:distinct`, `:decisions` in
//!   `shell/identity.rs`). The merge itself is `claims/merge.rs`
//!   (`merge_in`, on a `Txn`), which `claims.merge` (a procedure that
//!   writes, `query/procedures/merge.rs`) also calls; it marks its
//!   transaction with `Txn::decide`, so the log shows the merge's words
//!   whoever ran it. A `distinct` decision is a transaction that changes no
//!   record ([`Database`]'s `record_distinct`); its log words are read back
//!   on open into the graph (`graph/distinct.rs`), which refuses any entity
//!   change that would join the two names. A merge is
//!   one transaction through [`Database::write_as`]: relationships keep
//!   their ids and move with `Txn::move_relationship`, OTHER's names become
//!   KEEP's aliases, OTHER is deleted; the log entry's words are the
//!   decision, the change records what unmerge puts back (with
//!   `Txn::restore_node`, which gives a deleted node its old id).
//! - [`views`]: time as views of a [`Database`]: `--at-tx N`
//!   ([`Database::at_tx`]), `--as-of DATE` ([`Database::as_of`]), both at
//!   once through the one composition [`Database::view`] (at the
//!   transaction, then as of the date; a view of a view is refused), which
//!   the CLI, the store's holder, the shell and Python call; `log`, `diff`
//!   and `compact`; the CLI commands are in `cli/history.rs`.
//! - [`graph`]: petgraph plus indexes (label, key (one map per kind, read
//!   without allocating: `graph/keys.rs`), name and alias, adjacency
//!   lists with relationship types as numbers), and `Txn`. The graph keeps
//!   names and aliases one key space per entity kind
//!   (`Graph::check_name_keys`, run by every `Txn` change) and finds the
//!   entity a single-node `MERGE` names by an alias
//!   ([`graph::Graph::entity_answering_to`]).
//! - [`import`]: `.triples` and `.jsonl`; "did you mean" for unknown names,
//!   misspelt kind words and near misses of the stance predicates.
//! - Where an import becomes one transaction: `import/mod.rs` (`commit`);
//!   where a name or alias in a file is resolved to an entity (declared
//!   names first, then by name, then by alias of the same kind):
//!   `import/apply.rs`; the string escapes both `.triples` parsers share:
//!   `import/escape.rs`. A `.jsonl` line is read straight into borrowed items
//!   (`import/jsonl_fast.rs`, no `serde_json::Value`), and the general reader
//!   (`import/jsonl.rs`) takes and reports whatever that path gives up on;
//!   a large file of either format is parsed in line-aligned parts on every
//!   core and put back in file order (`import/parallel.rs`), so ids, error
//!   positions and the one transaction are those of a single pass.
//! - [`textmatch`]: text folding (case, diacritics, punctuation), word
//!   similarity and the index of names, aliases and statement texts behind
//!   forgiving look-ups; `claims.find` (`textmatch/find.rs`) walks the
//!   postings of all but the most frequent query words (those that cannot
//!   make a match alone) into a bit set read in entry order, and orders
//!   the answers by one number each (score, then each entry's precomputed
//!   rank by key), selecting the first few before sorting when only those
//!   are wanted (`find_first`).
//! - [`claims`]: the questions about claims over the graph (stance,
//!   contested, timeline, first, find, entity, similar), which the `claims.*`
//!   procedures, the `entity()` function and the shell's `:contested`,
//!   `:stance`, `:timeline` and `:first` call.
//! - [`stances`]: the stance table behind `claims.contested` and
//!   `claims.stance`: each statement's stances as numbers (who, article,
//!   date) and its summary (distinct claimants, deniers, assessors and
//!   articles, first and last dates) worked out once, with the contested
//!   statements already in order and ranked by key (so a bounded
//!   `claims.contested(since, until)` sorts numbers, not texts); the graph builds it on first use
//!   ([`graph::Graph::stance_table`], `graph/stances.rs`) in one pass over
//!   the stances in relationship id order (so the stances of an article
//!   come together and its look-up is made once), and keeps it across a
//!   transaction that changed no statement, article or stance, dropping it
//!   otherwise. The dates of stances are read and compared there
//!   (`date_key`, `cmp_present`; summaries compare the dates' ranks).
//! - [`export::timeline`]: `claimgraph timeline`, the stances of a statement
//!   or an entity drawn on a date axis as SVG.
//! - `export/draw_articles.rs`: provenance in the DOT and SVG pictures: the
//!   articles as a numbered legend (id, date, source) instead of boxes no
//!   edge reaches, and each stance edge's verdict, date, article number and
//!   start of its quote.
//! - [`search`]: full-text search of statement texts and stance quotes
//!   (folding, English stems, phrases, `-exclusions`, BM25, snippets) behind
//!   `claims.search` and the shell's `:search`.
//! - [`import`]: `.triples` and `.jsonl`; schema.org ClaimReview JSON-LD (one
//!   review, an array, a `@graph` or a `dataFeedElement` feed; errors carry the
//!   JSON path); CSV and TSV tables through a TOML [`import::Mapping`] (errors
//!   at the cell). Every format parses into the same items and goes through
//!   the same apply step, so identity, provenance and re-import are shared.
//! - [`query`]: parser, AST, planner and executor.
//!   - `query/syntax/`: the pest parser split by topic (`prescan.rs` nesting
//!     and unclosed text, `errors.rs` syntax errors in words, `clauses.rs`,
//!     `patterns.rs`, `expressions.rs`, `literals.rs`), the forgiving lexer
//!     of the shell's completion and highlighting (`lex.rs`) and the script
//!     splitter (`script.rs`).
//!   - `query/ast/`: the syntax tree; `visit.rs` is the one walk over an
//!     expression's children (`for_each_child`, `sub_exprs`, `map_children`,
//!     a pattern's `for_each_expr`), on which the planner's walkers
//!     (`plan/walk.rs`), the semantic checks (`plan/check.rs`), the
//!     parameter check (`exec/params.rs`) and the warnings are written.
//!   - `query/plan/`: binding and the build of each single query
//!     (`mod.rs`); the tree of operators and its loops (`tree.rs`: a plan of
//!     thousands of clauses is walked and dropped without recursion); the
//!     subqueries planned with the statement (`subqueries.rs`); where a
//!     variable becomes a slot of its row, and which expressions stay
//!     looked up by name (`bind.rs`); static types of literals, and of the
//!     variables bound to them, that refuse `NOT 1`, `1 IN 2` or
//!     `WITH 1 AS x RETURN x.p` before running (`check.rs`, the kinds
//!     in `projection.rs`); the function
//!     catalogue (names, arities, aggregates) in `functions.rs`; `CALL`
//!     checked against the procedure's declaration in `call.rs`; where a match starts (key lookup, label scan, bound variable,
//!     `WHERE` key equalities) in `matching.rs`; where `WHERE` filters go,
//!     and the analyses the rules use (grouping keys that tell nodes apart,
//!     the memo states of a match, whether multiplicity matters) in
//!     `shortcuts.rs`; the named rewrite rules and their order in
//!     `rules.rs` (each rule's doc names the file whose code takes the
//!     shortcut); semantic checks of expressions in `check.rs` and of
//!     projections in `grouping.rs`; expression walkers in `walk.rs`;
//!     `EXPLAIN`/`PROFILE` text in `explain.rs`.
//!   - `query/exec/pattern.rs` and `query/exec/pattern/`: matching patterns;
//!     the counted last hop (`CountLastHop`) in `hops.rs`; var-length
//!     expansion, reachability under `DISTINCT`
//!     (`ReachabilityUnderDistinct`) and its pruning in `varlen.rs`; the
//!     memo sets of `MemoStates` in `pattern.rs`; subqueries run (and, for
//!     those the planner could not place, planned once) in `inline.rs`.
//!     A full `exists { MATCH ... RETURN ... }` is planned once (capped at
//!     one row, writes refused: `plan_subquery` in `query/plan/mod.rs`)
//!     and run from the row's values in `query/exec/subquery.rs`.
//!     Rows streamed into an aggregation
//!     (`StreamIntoAggregate`) and the early stop of `EarlyLimit` are in
//!     `query/exec/mod.rs` (`run_chain`, where a projection runs the `MATCH`
//!     it reads); grouping by node (`GroupByNode`)
//!     and top-k selection (`TopK`) in `query/exec/project/mod.rs`; the
//!     accumulators of an aggregation kept per node, with keys read only
//!     for the groups its `ORDER BY ... LIMIT` may keep (`TopGroupsByNode`),
//!     in `query/exec/project/top_groups.rs`; the aggregates' running
//!     states in `query/exec/project/acc.rs`.
//!   - [`query::values`]: the values rows hold while a query runs (nodes and
//!     relationships by id, paths, temporal values), their comparison and
//!     ordering, shared by the plan, the executor and the procedures.
//!   - `query/exec/eval.rs` and `query/exec/eval/`: expressions; operators in
//!     `ops.rs`, scalar functions in `calls.rs`.
//!   - `CALL ... YIELD`: parsed in [`query::parser`], checked against the
//!     procedure's declaration in `query/plan/call.rs` and run per row in
//!     `query/exec/call.rs`; the registry of procedures, and how to add one,
//!     in [`query::procedures`] (the `db.*` family in
//!     `query/procedures/db.rs`). The shell's
//!     `:schema` prints `db.schema()` (`shell/schema.rs`).
//!   - Warnings ([`query::warnings`]): a walk over the AST after parsing
//!     finds the labels, relationship types and property keys a query reads
//!     that the store has never seen, with the nearest existing names; they
//!     ride on [`QueryResult::warnings`] to the CLI, the JSON and the shell.
//!   - `COUNT { pattern }` and Neo4j's `size((a)-->())` are read by the
//!     parser as the size of a pattern comprehension ([`query::parser`],
//!     `count_subquery` and `function_call` in `query/syntax/expressions.rs`).
//! - [`error`]: the one error type. A query error's TCK kind, detail and phase
//!   are an [`error::Code`] (`error/code.rs`); the phase is set where planning
//!   ends in `query/exec/mod.rs` (`execute_with`); an error about a variable,
//!   function, parameter or arithmetic operator (`1/0` at runtime: the
//!   operator is named in `query/exec/eval.rs`) gets its caret in
//!   `query/mod.rs` (`locate`), from
//!   the places the parser records ([`query::parser::Places`]); the JSON form
//!   of `--format json` is `error/json.rs`. Parameters are checked before
//!   running in `query/exec/params.rs`.
//! - [`db`]: [`Database`], the library API the CLI, the shell and tests use.
//! - [`serve`]: `claimgraph serve`, the store over HTTP with JSON (axum on a
//!   two-thread tokio runtime); each request runs on a blocking thread, a
//!   read on a snapshot, a write under the store's lock; `as_of`/`at_tx`
//!   through [`share::view`]; bearer token, body and result bounds (413
//!   as a JSON error), graceful stop.
//! - [`share`]: a store in use is shared. The shell holds the store in a
//!   [`share::Shared`] and listens on `claimgraph.sock` in its directory
//!   (owner only); other commands send their command line there
//!   (`cli/remote.rs`), and the holder runs it with the in-process code
//!   (one function per command, taking the store and the output writers:
//!   `cli/print.rs`, `cli/import.rs`, `shell/import.rs`), printing into the
//!   answer; a stale socket (its holder died) is taken over. Snapshot
//!   reads: the [`Database`]'s graph is an `Arc`; [`share::Store`] keeps
//!   the last committed state ([`db::Committed`]) behind an `RwLock` held
//!   only to clone or swap it; a read runs on its own
//!   [`Database::snapshot`]; on a served store every write
//!   ([`share::lock_long`], [`share::lock`]) changes a copy of the graph
//!   (`Arc::make_mut`, in `db.rs`; a read-only query never copies,
//!   `query::exec::Target`) and publishes it when it commits; on a store
//!   no one else reads (a script in process) a short write changes the
//!   graph in place. A snapshot also reads the store's history up to its
//!   own last transaction ([`storage::HistoryRead`], the sled trees shared
//!   between threads), so `run`'s reads, `--at-tx`/`--as-of`, `log`,
//!   `diff`, `decisions`, `check` and `backup` answer beside a write in
//!   progress. A forwarded or HTTP import whose client goes away stops between
//!   batches of parsing or applying (the import's progress checks the
//!   client's `Cancel`, `import/item.rs`) and writes nothing; one that
//!   goes away at the very end is refused at commit
//!   ([`Database::import_bytes_with`]). Frames are versioned postcard ([`share::proto`], fuzzed in
//!   `fuzz/fuzz_targets/share_frame.rs`). The holder of a lock that does not
//!   share is named from `/proc/locks` ([`storage::holder`]). A library
//!   client (the Python module) sends typed calls instead of a command line
//!   ([`share::calls`]): parameters, results (nodes, relationships, paths,
//!   temporal values) and errors (kind, message, position) cross the socket
//!   in their own types, so a held store answers as one opened in process;
//!   each call takes the store as the command it stands for does.
//! - [`shell`]: the session (store, parameters, display settings and the
//!   `:commands`) that both [`cli`] (`run` scripts) and [`repl`] (the line
//!   editor) sit on, and the report line of an import. `shell/source.rs`
//!   runs scripts in a session (`claimgraph run` and `:source`, errors moved to
//!   the script's file and line) and holds `:history` and `:clear`.
//! - [`output`], [`export`], [`repl`], [`cli`]: what users see. The SVG
//!   picture is laid out in `export/svg.rs` and drawn in `export/svg/draw.rs`. Exports
//!   include ClaimReview JSON-LD (the `ASSESSES` relationships, re-importable)
//!   and Parquet edge lists (`nodes.parquet`, `relationships.parquet` with
//!   `id`, `src`, `dst`) for Spark, DuckDB and Polars, built column by column
//!   from the records (the whole graph read in place, not copied) and written
//!   as two files on two threads.
//! - `python/` (a member crate of the workspace, built by maturin from
//!   `pyproject.toml`): the `claimgraph` Python module over [`Database`]. It runs
//!   engine work on each database's long-lived worker thread (jobs fed through
//!   a channel) with the GIL released and trips the query's [`Cancel`] on
//!   Ctrl-C; converts values in one module both ways; builds scalar and
//!   temporal result columns as Arrow arrays (`timestamp[ns, tz]` for
//!   datetimes). This crate never depends on it, so no pyo3 is compiled unless
//!   the module is built.
//! - Tables through a mapping (`import/mapping.rs`, `import/mapping_csv.rs`)
//!   are read from a file or, with `--format csv|tsv`, standard input
//!   ([`Database::import_table_bytes`]); the shell's `:export` takes every
//!   format of `claimgraph export` (Parquet and neo4j-csv into a directory).
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
//! - The store carries a format version, checked on open; a store of format 1
//!   (before the history) is upgraded in place in one atomic batch, and its
//!   history starts with that upgrade; a store of format 2 (every key in one
//!   sled tree) has its keys moved into their trees, atomically.
//! - In the sled backend each stream of keys (large batches, small batches,
//!   change records, log entries) is appended to a tree of its own
//!   (`storage/sled/layout.rs`), so a one-node write costs bytes in
//!   proportion to the change, not a rewrite of an import's chunk.
//! - The census names the transaction after which it holds; `stats` uses
//!   it only when that is the store's last transaction (a store written by
//!   a release without one is loaded and counted instead), and a commit of
//!   records without a census removes it in the same batch.
//! - Every commit writes its history entry and change records in the same
//!   atomic batch as its records, so the history always agrees with the
//!   store. Opening never replays the history; only a view of the past reads
//!   it. Creations are kept as id ranges, so an import adds little to it.
//! - A snapshot never changes: the graph behind it is shared (`Arc`), and a
//!   write to a graph a snapshot still holds copies it first. The holder
//!   publishes a new committed state only after a transaction's commit or
//!   rollback, so a reader sees a whole transaction or none of it.
//! - Views of time (`--at-tx`, `--as-of`) are detached, read-only copies at
//!   the [`Database`] level: their storage refuses every write, and the
//!   executor, procedures and exports need not know of them.
//! - A full disk, an I/O error or a read-only medium fails the transaction
//!   that met it, promptly and with its cause ([`Error::NoSpace`],
//!   [`Error::DeviceIo`], [`Error::ReadOnly`]), and nothing else: a commit
//!   checks the room for its batch before writing, waits for sled at most a
//!   moment once the device is full, and after a failure the store writes
//!   nothing more until it is reopened ([`Error::StoreUnusable`]).
//! - Within Actor, Organisation and Place, a name or alias names at most one
//!   entity: every transaction refuses a change that would break it (the check
//!   is in the graph, not in the executor or the importer); loading a store
//!   does not, so stores written before the rule keep opening. The same
//!   check refuses an entity answering to both names of a `distinct`
//!   decision.
//! - Opening never damages a store: snapshots sled left unfinished are
//!   removed before it starts (sled would read one as the newest); on a
//!   read-only medium or a device too full for sled's recovery the store is
//!   read from a private copy and writes are refused; the log is compacted
//!   only when the device has room for a second copy of the records.
//!   Compaction costs what the writes changed: the small batches after a
//!   large one are folded into one (`storage/sled/replay.rs`), and the
//!   whole log is rewritten only when they reach a quarter of its size.
//! - A backup is written beside its destination and renamed into place when
//!   complete: it exists whole or not at all.
//! - Stored values only ever gain enum variants at the end (`Value::Temporal`
//!   came last), so the bytes of an older store decode unchanged.
//! - An article's and a relationship's `date` are temporal values (a date or a
//!   datetime): imports convert the ISO text and refuse anything else.
//! - The graph's text index ([`graph::Graph::text_index`]) is derived: built
//!   from the nodes on first use and dropped by every node change, so it can
//!   never disagree with the records; claims counts are of distinct nodes.
//! - So is the full-text index ([`graph::Graph::search_index`]): built from
//!   the nodes and relationships on first use, grown by a commit that only
//!   created, dropped by one that changed or deleted a statement or a
//!   stance, given back unchanged by a rollback (`graph/txn.rs`), never
//!   stored, so it is exact after any write and after a crash, and an
//!   import does not pay for it.
//! - So is the stance table ([`graph::Graph::stance_table`]): built from
//!   the statements' stances on first use; a transaction takes it when it
//!   begins and gives it back at its end (committed or rolled back) only
//!   if none of its changes made, changed or deleted a statement, an
//!   article or a stance, else it is built again on first use (a table
//!   read inside a write query saw it half done and is dropped); never
//!   stored; imports do not build it.
//! - A command sent to a store's holder runs through the same code as in
//!   process; one that writes holds the store's lock for its whole run (it
//!   is one transaction, and writes on one store never interleave), one
//!   that reads runs on a snapshot and waits for no write.
//! - No user input reaches a panic: errors are values with positions, nesting
//!   is bounded before recursive code runs, and long loops can be cancelled.

pub mod cancel;
pub mod claims;
pub mod cli;
pub mod db;
pub mod error;
pub mod export;
pub mod graph;
pub mod identity;
pub mod import;
pub mod model;
pub mod output;
pub mod props;
pub mod query;
pub mod repl;
pub mod result;
pub mod search;
pub mod serve;
pub mod share;
pub mod shell;
pub mod stances;
pub mod storage;
pub mod temporal;
pub mod textmatch;
pub mod value;
pub mod views;

pub use cancel::Cancel;
pub use db::{Database, Stats};
pub use error::{Error, Result};
pub use import::{Format, ImportSummary};
pub use model::{Node, NodeId, RelId, Relationship};
pub use query::Params;
pub use result::{QueryResult, ResultValue, WriteStats};
pub use value::Value;
