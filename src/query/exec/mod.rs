//! Planning and executing a parsed statement over the graph.
//!
//! The life of a statement here: [`plan::plan`] binds variables, checks the
//! semantics and builds a tree of operators (a chain per single query, under
//! a union when there are several), then runs the named rewrite rules of
//! [`plan::rules::RULES`] over each chain (each shortcut below is one, and
//! `EXPLAIN` names the rules that fired) and plans the subqueries of each
//! operator; the executor runs each chain from its first operator up, each
//! materialising its rows (a `Vec` of rows of `Val`s), and converts the
//! root's rows into [`ResultValue`]s. A statement
//! with a write clause runs inside one [`Txn`], committed only when every
//! clause succeeded; an error or a cancellation drops the transaction, which
//! rolls it back.
//!
//! Architecture invariant: rows hold node and relationship ids, never records;
//! records are read from the graph when an expression needs them and copied
//! only into the final result.
//!
//! # What keeps large graphs fast
//!
//! - Matching starts at a key lookup (`{name: ..}` on an entity label, `{text: ..}`
//!   on `Statement`, normalised, `{id: ..}` on `Article`, or the same as an
//!   equality in `WHERE`), an `id(n) = ..` lookup, a bound node, or the
//!   smallest label.
//! - `WHERE` conjuncts are checked as soon as their variables are bound.
//! - When the next projection only needs distinct values (`DISTINCT`,
//!   `count(DISTINCT ..)`, `min`, `max`), variable-length steps without a
//!   variable are walked by reachability (a breadth-first search with a visited
//!   set), and a matching state seen before is not expanded again. A hop
//!   whose resulting state depends only on what was bound before it is an
//!   existence check: it stops at the first relationship that leads on.
//! - Reachability toward an end label rarer than the last level's frontier
//!   walks that level backwards, from the nodes with the label.
//! - In a read-only statement, labels that the stance rules guarantee (the
//!   `Statement` at the end of `CLAIMS`, `DENIES`, `ASSESSES`, at the start of
//!   `ABOUT`) and the label of a label scan are not checked again on the node.
//! - A `MATCH` feeding an aggregation streams its rows into the groups, and
//!   matches identical input rows once, counting them with a weight; a `MATCH`
//!   feeding a plain projection with `LIMIT` stops after the rows needed.
//!   Grouping reuses the previous row's group when its key values repeat.
//! - `ORDER BY` with `LIMIT` selects the rows wanted before sorting them.
//!   An aggregation grouped by node and sorted on its counts, sums and key
//!   keeps one accumulator per node and reads the keys of the groups the
//!   order may keep only.
//! - Loops check the cancel flag, and results larger than [`MAX_VALUES`] are
//!   refused with [`Error::ResourceLimit`].
//!
//! # Error messages
//!
//! Every [`Error::Query`] raised here starts with one of these phrases, so that
//! a caller (the TCK runner) can classify it:
//!
//! | phrase | openCypher error |
//! |---|---|
//! | `undefined variable` | SyntaxError: UndefinedVariable |
//! | `variable already bound` | SyntaxError: VariableAlreadyBound |
//! | `variable type conflict` | SyntaxError: VariableTypeConflict |
//! | `unknown function` | SyntaxError: UnknownFunction |
//! | `invalid number of arguments` | SyntaxError: InvalidNumberOfArguments |
//! | `invalid argument passing mode` | SyntaxError: InvalidArgumentPassingMode |
//! | `nested aggregation` | SyntaxError: NestedAggregation |
//! | `invalid aggregation` | SyntaxError: InvalidAggregation |
//! | `ambiguous aggregation expression` | SyntaxError: AmbiguousAggregationExpression |
//! | `no variables in scope` | SyntaxError: NoVariablesInScope |
//! | `no expression alias` | SyntaxError: NoExpressionAlias |
//! | `column name conflict` | SyntaxError: ColumnNameConflict |
//! | `different columns in union` | SyntaxError: DifferentColumnsInUnion |
//! | `invalid clause composition` | SyntaxError: InvalidClauseComposition |
//! | `relationship uniqueness violation` | SyntaxError: RelationshipUniquenessViolation |
//! | `no single relationship type` | SyntaxError: NoSingleRelationshipType |
//! | `requires directed relationship` | SyntaxError: RequiresDirectedRelationship |
//! | `creating var length` | SyntaxError: CreatingVarLength |
//! | `invalid delete` | SyntaxError: InvalidDelete |
//! | `non-constant expression` | SyntaxError: NonConstantExpression |
//! | `missing parameter` | ParameterMissing: MissingParameter |
//! | `procedure not found` | ProcedureError: ProcedureNotFound |
//! | `unexpected syntax` | SyntaxError: UnexpectedSyntax |
//! | `invalid argument type` | TypeError: InvalidArgumentType |
//! | `invalid property type` | TypeError: InvalidPropertyType |
//! | `map element access by non-string` | TypeError: MapElementAccessByNonString |
//! | `invalid argument value` | ArgumentError / TypeError: InvalidArgumentValue |
//! | `negative integer argument` | ArgumentError: NegativeIntegerArgument |
//! | `integer overflow` | ArgumentError: IntegerOverflow |
//! | `division by zero` | ArgumentError: DivisionByZero |
//!
//! Resource limits raise [`Error::ResourceLimit`], cancellation
//! [`Error::Cancelled`], broken domain rules (a node deleted while it still has
//! relationships, a duplicate key) [`Error::Constraint`].

mod call;
mod eval;
mod params;
mod pattern;
mod project;
mod subquery;
mod temporal_fns;
mod write;

pub use crate::query::values::{PathVal, Val};

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use self::eval::{eval, Ctx, Frame};
use super::ast::{Mode, Statement};
use super::Params;
use crate::cancel::Cancel;
use crate::error::{Detail, Error, Phase, Result};
use crate::graph::{Graph, Txn};
use crate::query::plan::{self, Op, Plan, PlanNode, StepProfile};
use crate::query::procedures;
use crate::query::values::Key;
use crate::result::{QueryResult, ResultValue};
use crate::storage::Storage;

/// The most values (rows × columns, list items) a query may hold at once.
pub const MAX_VALUES: usize = 50_000_000;

/// Plans and runs a parsed statement, with the built-in procedures.
pub fn execute(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    statement: &Statement,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    let registry = procedures::Registry::builtin_shared();
    execute_with(graph, storage, registry, statement, params, cancel)
}

/// Plans and runs a parsed statement, `CALL` naming the procedures of `registry`.
pub fn execute_with(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    registry: &procedures::Registry,
    statement: &Statement,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    execute_on(
        Target::Owned(graph),
        storage,
        registry,
        statement,
        params,
        cancel,
    )
}

/// The graph a statement runs on: owned, or shared with readers that keep
/// the committed state (a store's holder), which a statement that writes
/// copies first when a reader still holds it ([`std::sync::Arc::make_mut`]); one that
/// only reads never copies it.
pub enum Target<'a> {
    Owned(&'a mut Graph),
    Shared(&'a mut std::sync::Arc<Graph>),
}

impl Target<'_> {
    /// The graph, to read.
    pub fn read(&self) -> &Graph {
        match self {
            Target::Owned(g) => g,
            Target::Shared(g) => g,
        }
    }

    fn write(&mut self) -> &mut Graph {
        match self {
            Target::Owned(g) => g,
            Target::Shared(g) => std::sync::Arc::make_mut(g),
        }
    }
}

/// [`execute_with`] on a [`Target`].
pub fn execute_on(
    graph: Target<'_>,
    storage: &mut dyn Storage,
    registry: &procedures::Registry,
    statement: &Statement,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    // Errors found before the graph is touched are compile-time errors; the rest are runtime.
    let compile = |e: Error| e.in_phase(Phase::CompileTime);
    let plan = plan::plan_with(graph.read(), registry, &statement.query).map_err(compile)?;
    if statement.mode != Mode::Explain {
        params::check(&statement.query, registry, params).map_err(compile)?;
    }
    if statement.mode == Mode::Explain {
        return Ok(QueryResult {
            columns: plan.columns.clone(),
            rows: Vec::new(),
            stats: None,
            plan: Some(plan.to_string()),
            warnings: Vec::new(),
        });
    }
    run_planned(graph, storage, statement, &plan, params, cancel)
        .map_err(|e| e.in_phase(Phase::Runtime))
}

/// Runs a planned statement: one that writes as one transaction (on a
/// graph it may have to copy first), one that only reads on the graph as it is.
fn run_planned(
    mut graph: Target<'_>,
    storage: &mut dyn Storage,
    statement: &Statement,
    plan: &Plan,
    params: &Params,
    cancel: &Cancel,
) -> Result<QueryResult> {
    let regexes = RefCell::new(HashMap::new());
    let deleted = RefCell::new(eval::Deleted::default());
    let inline = RefCell::new(pattern::InlinePlans::of_plan(plan));
    let env = Env {
        inline: &inline,
        params,
        cancel,
        regexes: &regexes,
        deleted: &deleted,
        committed: !plan.writes,
        now: temporal_fns::statement_now(),
        next_tx: if plan.writes {
            storage.history()?.last + 1
        } else {
            0
        },
    };
    let mut profile = Vec::new();
    let (rows, stats) = if plan.writes {
        let mut txn = graph.write().begin();
        let rows = {
            let mut access = Access::Write(&mut txn);
            let rows = run_plan(plan, &mut access, &env, &mut profile)?;
            to_results(rows, access.graph(), cancel)?
        };
        cancel.check()?;
        let stats = txn.stats();
        txn.commit(storage)?;
        (rows, Some(stats))
    } else {
        let mut access = Access::Read(graph.read());
        let rows = run_plan(plan, &mut access, &env, &mut profile)?;
        (to_results(rows, access.graph(), cancel)?, None)
    };
    let plan_text = (statement.mode == Mode::Profile).then(|| {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = plan.fmt_with(&mut s, Some(&profile));
        let late = inline.borrow().planned_while_running();
        if late > 0 {
            s.push_str(&format!(
                "Subqueries planned once while running (not with the statement): {late}\n"
            ));
        }
        s
    });
    Ok(QueryResult {
        columns: plan.columns.clone(),
        rows,
        stats,
        plan: plan_text,
        warnings: Vec::new(),
    })
}

/// What stays the same for a whole statement.
struct Env<'a> {
    params: &'a Params,
    cancel: &'a Cancel,
    regexes: &'a RefCell<HashMap<String, regex::Regex>>,
    deleted: &'a RefCell<eval::Deleted>,
    inline: &'a RefCell<pattern::InlinePlans>,
    /// Whether the statement only reads (see [`Ctx::committed`]).
    committed: bool,
    /// When the statement started (see [`Ctx::now`]).
    now: i128,
    /// The number the statement's transaction gets if it commits (what a
    /// writing procedure such as `claims.merge` yields as `tx`).
    next_tx: u64,
}

impl<'a> Env<'a> {
    fn ctx<'g>(&'g self, graph: &'g Graph) -> Ctx<'g> {
        Ctx {
            graph,
            params: self.params,
            cancel: self.cancel,
            regexes: self.regexes,
            deleted: self.deleted,
            committed: self.committed,
            now: self.now,
            inline: self.inline,
        }
    }
}

/// The graph, read-only or through a transaction.
enum Access<'t, 'g> {
    Read(&'g Graph),
    Write(&'t mut Txn<'g>),
}

impl Access<'_, '_> {
    fn graph(&self) -> &Graph {
        match self {
            Access::Read(g) => g,
            Access::Write(t) => t.graph(),
        }
    }
}

type Row = Vec<Val>;

fn to_results(rows: Vec<Row>, graph: &Graph, cancel: &Cancel) -> Result<Vec<Vec<ResultValue>>> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        if i % 4096 == 4095 {
            cancel.check()?;
        }
        out.push(row.iter().map(|v| v.to_result(graph)).collect());
    }
    Ok(out)
}

fn run_plan(
    plan: &Plan,
    access: &mut Access,
    env: &Env,
    profile: &mut Vec<StepProfile>,
) -> Result<Vec<Row>> {
    run_plan_from(plan, access, env, profile, (&Vec::new(), &[]))
}

/// Runs a plan whose chains start from one row: the values and names of
/// `start` (none for a statement; the row's for a full subquery).
fn run_plan_from(
    plan: &Plan,
    access: &mut Access,
    env: &Env,
    profile: &mut Vec<StepProfile>,
    start: (&Row, &[String]),
) -> Result<Vec<Row>> {
    *profile = vec![StepProfile::default(); plan.size];
    let root = &plan.root;
    let Op::Union { all } = root.op else {
        return run_chain(root, access, env, profile, start);
    };
    let mut rows: Vec<Row> = Vec::new();
    for input in &root.inputs {
        rows.extend(run_chain(input, access, env, profile, start)?);
        check_rows(rows.len(), plan.columns.len())?;
    }
    let started = Instant::now();
    if !all {
        let mut seen = HashSet::new();
        rows.retain(|r| seen.insert(Key::of_row(r)));
    }
    profile[root.id] = StepProfile {
        rows: rows.len(),
        micros: started.elapsed().as_micros(),
    };
    Ok(rows)
}

/// Refuses more rows than the memory bound allows.
fn check_rows(rows: usize, width: usize) -> Result<()> {
    if rows.saturating_mul(width.max(1)) > MAX_VALUES {
        return Err(Error::ResourceLimit(format!(
            "the query would hold more than {MAX_VALUES} values at once; add a LIMIT or a filter"
        )));
    }
    Ok(())
}

/// The `MATCH` a projection reads from, when the projection runs it itself:
/// streaming its rows into the groups (rule `StreamIntoAggregate`) or taking
/// only the first rows it wants (rule `EarlyLimit`).
fn pulled_match(node: &PlanNode) -> Option<(&plan::MatchOp, &plan::ProjectOp)> {
    let (Op::Project(p), Some(input)) = (&node.op, node.input()) else {
        return None;
    };
    match &input.op {
        Op::Match(m) if m.streams || m.early_limit => Some((m, p)),
        _ => None,
    }
}

/// Runs a single query's chain of operators ([`PlanNode::chain`]) from
/// its first operator up, each materialising its rows for the next.
fn run_chain(
    top: &PlanNode,
    access: &mut Access,
    env: &Env,
    profile: &mut [StepProfile],
    (first, names): (&Row, &[String]),
) -> Result<Vec<Row>> {
    let chain = top.chain();
    let mut rows: Vec<Row> = vec![first.clone()];
    // The names of the columns of `rows`.
    let mut scope: &[String] = names;
    for (at, step) in chain.iter().enumerate().rev() {
        env.cancel.check()?;
        // A match that the projection above runs itself waits for it.
        if at > 0 && pulled_match(chain[at - 1]).is_some() {
            continue;
        }
        let started = Instant::now();
        if let Some((m, p)) = pulled_match(step) {
            let input = &chain[at + 1];
            let ctx = env.ctx(access.graph());
            if m.streams {
                let mut grouper = project::Sink::new(&ctx, p, &input.scope);
                // Identical input rows are matched once and counted with a weight.
                let weighted = collapse(rows, env.cancel)?;
                let matched = match_into(&ctx, m, weighted, None, true, &mut |r, w| {
                    grouper.add(&ctx, &input.scope, &r, w)
                })?;
                let middle = Instant::now();
                profile[input.id] = StepProfile {
                    rows: matched,
                    micros: (middle - started).as_micros(),
                };
                rows = grouper.finish(&ctx, p)?;
                profile[step.id] = StepProfile {
                    rows: rows.len(),
                    micros: middle.elapsed().as_micros(),
                };
            } else {
                // A plain projection with LIMIT needs only the first rows.
                let wanted = project::rows_wanted(&ctx, p)?;
                rows = run_match(&ctx, m, rows, input.scope.len(), wanted)?;
                let middle = Instant::now();
                profile[input.id] = StepProfile {
                    rows: rows.len(),
                    micros: (middle - started).as_micros(),
                };
                rows = project::run(&ctx, p, &input.scope, rows)?;
                profile[step.id] = StepProfile {
                    rows: rows.len(),
                    micros: middle.elapsed().as_micros(),
                };
            }
            scope = &step.scope;
            continue;
        }
        rows = match &step.op {
            Op::Match(m) => {
                let ctx = env.ctx(access.graph());
                run_match(&ctx, m, rows, step.scope.len(), None)?
            }
            Op::Unwind { expr, .. } => {
                let ctx = env.ctx(access.graph());
                run_unwind(&ctx, expr, scope, rows, step.scope.len())?
            }
            Op::Project(p) => {
                let ctx = env.ctx(access.graph());
                project::run(&ctx, p, scope, rows)?
            }
            Op::Call(c) => match (&c.procedure.write, &mut *access) {
                (Some(write), Access::Write(txn)) => {
                    call::run_writing(env, txn, &**write, c, (scope, &step.scope), rows)?
                }
                _ => {
                    let ctx = env.ctx(access.graph());
                    call::run(&ctx, c, scope, &step.scope, rows)?
                }
            },
            // A single query without RETURN returns no rows.
            Op::EmptyResult => Vec::new(),
            Op::Union { .. } => return Err(Error::query("a union can only be the top of a plan")),
            write_op => match access {
                Access::Write(txn) => write::run(txn, env, write_op, scope, &step.scope, rows)?,
                Access::Read(_) => {
                    return Err(Error::coded(
                        Detail::InvalidClauseComposition,
                        "invalid clause composition: a write clause in a read-only statement",
                    ))
                }
            },
        };
        profile[step.id] = StepProfile {
            rows: rows.len(),
            micros: started.elapsed().as_micros(),
        };
        scope = &step.scope;
    }
    Ok(rows)
}

fn run_match(
    ctx: &Ctx,
    m: &plan::MatchOp,
    rows: Vec<Row>,
    width: usize,
    wanted: Option<usize>,
) -> Result<Vec<Row>> {
    let mut out: Vec<Row> = Vec::new();
    let limit = MAX_VALUES / width.max(1);
    let rows = rows.into_iter().map(|r| (r, 1)).collect();
    match_into(ctx, m, rows, wanted, false, &mut |r, _| {
        out.push(r);
        if out.len() > limit {
            return Err(Error::ResourceLimit(format!(
                "the match would hold more than {MAX_VALUES} values at once; add a LIMIT or a filter"
            )));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Matches every input row, passing each output row to `emit` with the number
/// of rows it stands for, and stops after `limit` rows; returns how many rows
/// were emitted. Only a `weighted` caller gets rows standing for several
/// matches (see [`pattern::match_row`]).
fn match_into(
    ctx: &Ctx,
    m: &plan::MatchOp,
    rows: Vec<(Row, u64)>,
    limit: Option<usize>,
    weighted: bool,
    emit: &mut dyn FnMut(Row, u64) -> Result<()>,
) -> Result<usize> {
    let mut count = 0;
    let limit = limit.unwrap_or(usize::MAX);
    for (row, weight) in rows {
        if count >= limit {
            break;
        }
        ctx.cancel.check()?;
        let before = count;
        pattern::match_row(ctx, m, &row, weighted, &mut |r, w| {
            count += 1;
            emit(r, weight.saturating_mul(w))?;
            Ok(count < limit)
        })?;
        if m.optional && count == before {
            count += 1;
            emit(
                m.keep
                    .iter()
                    .map(|&i| {
                        if i < m.inputs {
                            row[i].clone()
                        } else {
                            Val::Null
                        }
                    })
                    .collect(),
                weight,
            )?;
        }
    }
    Ok(count)
}

fn contains_float(v: &Val) -> bool {
    match v {
        Val::Float(_) => true,
        Val::List(items) => items.iter().any(contains_float),
        Val::Map(m) => m.values().any(contains_float),
        _ => false,
    }
}

/// Groups identical rows, keeping the order of first appearance, with how many there were.
fn collapse(rows: Vec<Row>, cancel: &Cancel) -> Result<Vec<(Row, u64)>> {
    let mut index: rustc_hash::FxHashMap<Vec<Key>, usize> = rustc_hash::FxHashMap::default();
    let mut out: Vec<(Row, u64)> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        if i % 4096 == 4095 {
            cancel.check()?;
        }
        // Keys equate 1 and 1.0, which must stay apart here: rows with floats are kept as they are.
        if row.iter().any(contains_float) {
            out.push((row, 1));
            continue;
        }
        let key = Key::of_row(&row);
        match index.get(&key) {
            Some(&j) => out[j].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((row, 1));
            }
        }
    }
    Ok(out)
}

fn run_unwind(
    ctx: &Ctx,
    expr: &super::ast::Expr,
    scope: &[String],
    rows: Vec<Row>,
    width: usize,
) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    let limit = MAX_VALUES / width.max(1);
    for row in rows {
        ctx.cancel.check()?;
        let v = eval(ctx, expr, &Frame::new(scope, &row))?;
        match v {
            Val::Null => {}
            Val::List(items) => {
                for item in items {
                    let mut r = row.clone();
                    r.push(item);
                    out.push(r);
                    if out.len() > limit {
                        check_rows(out.len(), width)?;
                    }
                }
            }
            other => {
                let mut r = row;
                r.push(other);
                out.push(r);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
