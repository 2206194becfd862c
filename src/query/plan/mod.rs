//! The planner: checks the statement's semantics, turns each single query
//! into a chain of operators that the rules rewrite, and binds the
//! variables the operators evaluate to slots of their rows (`bind.rs`).
//!
//! The plan is a tree ([`PlanNode`]): every operator reads the rows of the
//! ones below it and knows the names of the columns it produces
//! ([`PlanNode::scope`]). Variables that the user did not
//! name (anonymous nodes, relationships) get hidden names starting with a space,
//! which no query can spell.

use std::collections::HashSet;
use std::fmt;

use crate::error::{Detail, Error, Result, Subject};
use crate::graph::Graph;
use crate::model::Kind;
use crate::query::ast::*;
use crate::query::procedures::Registry;

mod bind;
mod call;
mod check;
mod explain;
pub mod functions;
mod grouping;
mod matching;
mod projection;
pub mod rules;
mod shortcuts;
mod subqueries;
mod tree;
mod walk;

pub use call::CallOp;
pub(in crate::query) use check::*;
pub use explain::*;
use grouping::*;
use shortcuts::*;
pub use subqueries::Subquery;
use tree::Upper;
pub use tree::{Plan, PlanNode};
pub use walk::*;

/// The most steps (relationships) one path pattern may have.
const MAX_PATTERN_STEPS: usize = 256;
/// How deep an expression may nest before it is refused.
pub(super) const MAX_DEPTH: usize = 200;

/// What a variable holds, as far as the planner knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Node,
    Rel,
    /// The relationships of a variable-length pattern.
    RelList,
    Path,
    /// Anything else, or not known before running.
    Value,
    /// A value known not to be a graph element or a list (a literal or a map).
    Scalar,
    /// A list built by a list literal.
    List,
    /// A boolean, number or string from a literal (or the variable of a
    /// comprehension or quantifier over a list literal of one such type).
    Atom(StaticType),
}

impl VarKind {
    fn describe(self) -> &'static str {
        match self {
            VarKind::Node => "a node",
            VarKind::Rel => "a relationship",
            VarKind::RelList => "a list of relationships",
            VarKind::Path => "a path",
            VarKind::Value => "a value",
            VarKind::Scalar => "a value that is not a graph element",
            VarKind::List => "a list",
            VarKind::Atom(t) => t.describe(),
        }
    }
}

#[derive(Debug)]
pub enum Op {
    Match(MatchOp),
    Unwind {
        expr: Expr,
        variable: String,
    },
    Project(ProjectOp),
    Create(CreateOp),
    Merge(MergeOp),
    Set(Vec<SetItem>),
    Remove(Vec<RemoveItem>),
    Delete {
        detach: bool,
        exprs: Vec<Expr>,
    },
    Call(CallOp),
    /// Runs its input for its effects and yields no rows: the end of a
    /// single query that has no `RETURN`.
    EmptyResult,
    /// The rows of every input, one per single query; without `all`, each
    /// distinct row once.
    Union {
        all: bool,
    },
}

/// `MATCH` / `OPTIONAL MATCH`: the work row is the input row followed by one
/// slot per new variable (named or hidden).
#[derive(Debug)]
pub struct MatchOp {
    pub optional: bool,
    pub patterns: Vec<PatternPlan>,
    pub where_: Option<Expr>,
    /// The WHERE's conjuncts checked as soon as their variables are bound:
    /// `early[pattern][0]` after the anchor, `early[pattern][h + 1]` after hop `h`.
    pub early: Vec<Vec<Vec<Expr>>>,
    /// The conjuncts checked once everything is bound.
    pub late: Vec<Expr>,
    /// The names of the work row's slots.
    pub work: Vec<String>,
    /// How many slots come from the input row.
    pub inputs: usize,
    /// Which work slots are output, in order.
    pub keep: Vec<usize>,
    /// Set when only the distinct values of some variables matter downstream:
    /// per pattern and hop, the bound slots that decide what can still be
    /// matched and emitted. A state seen before is not expanded again.
    pub memo: Option<Vec<Vec<Vec<usize>>>>,
    /// Per work slot, whether anything after the `MATCH` (the next clause, the
    /// `WHERE`) reads it; `None` when that is not known.
    pub needed: Option<Vec<bool>>,
    /// Per work slot, whether what reads it after the `MATCH` reads it only
    /// as the argument of a plain `count(x)`, which asks only whether it is
    /// null; `None` when that is not known.
    pub counted: Option<Vec<bool>>,
    /// Whether what follows ignores how many times each row occurs (a
    /// `DISTINCT` projection, or aggregates that are all `DISTINCT`, `min`
    /// or `max`). Set by the build; rules read it.
    pub distinct_downstream: bool,
    /// Rows stream into the aggregation that follows (rule `StreamIntoAggregate`).
    pub streams: bool,
    /// The last hop may be counted (rule `CountLastHop`).
    pub count_last_hop: bool,
    /// The projection that follows wants only its first rows (rule `EarlyLimit`).
    pub early_limit: bool,
}

impl MatchOp {
    /// Whether nothing after the match reads work slot `slot`, or reads it
    /// only as a plain `count(x)`'s argument: a hop ending there may be
    /// counted, with a stand-in value that is not null (rule `CountLastHop`).
    pub fn unread_or_counted(&self, needed: &[bool], slot: usize) -> bool {
        !needed.get(slot).copied().unwrap_or(true)
            || self
                .counted
                .as_ref()
                .is_some_and(|c| c.get(slot).copied().unwrap_or(false))
    }
}

/// How one path pattern is matched.
#[derive(Debug)]
pub struct PatternPlan {
    pub kind: PathKind,
    pub nodes: Vec<NodeStep>,
    /// `rels[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub rels: Vec<RelStep>,
    pub path_slot: Option<usize>,
    /// The node where matching starts, and how its candidates are found.
    pub anchor: usize,
    pub start: Start,
}

#[derive(Debug)]
pub struct NodeStep {
    pub slot: usize,
    pub labels: Vec<String>,
    pub properties: Option<Expr>,
}

#[derive(Debug)]
pub struct RelStep {
    pub slot: usize,
    pub types: Vec<String>,
    pub direction: Direction,
    pub length: Option<Range>,
    pub properties: Option<Expr>,
    /// Variable length, and only the set of reachable nodes matters: walk by
    /// breadth-first search with a visited set instead of enumerating paths.
    pub reach_only: bool,
}

/// Where a pattern's anchor node comes from.
#[derive(Debug)]
pub enum Start {
    /// Bound before this pattern.
    Bound,
    /// A key lookup: the anchor's key property (name, text, id) is this expression.
    Key(Kind, Expr),
    /// The node with this id (from `WHERE id(v) = expression`).
    Id(Expr),
    /// Every node with this label.
    Label(String),
    /// Every node.
    All,
}

/// `WITH` / `RETURN`.
#[derive(Debug)]
pub struct ProjectOp {
    pub is_return: bool,
    pub distinct: bool,
    /// Output columns: name and expression (aggregates replaced by hidden variables).
    pub items: Vec<(String, Expr)>,
    /// Whether each item contains an aggregate.
    pub item_aggregates: Vec<bool>,
    pub aggregates: Vec<Aggregate>,
    pub order_by: Vec<(Expr, bool)>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    pub where_: Option<Expr>,
    /// Set for an aggregation fed straight by a `MATCH` when its grouping
    /// keys read one node variable only, and key item `.1` tells nodes apart:
    /// it is the variable itself, or the key property (name, text, id) of a
    /// kind the pattern gives the node, which is unique among nodes of that
    /// kind when it is a string. Groups are then found by node.
    pub node_keyed: Option<(String, usize)>,
    /// `ORDER BY` with `LIMIT`: the rows wanted are selected before they are
    /// sorted (rule `TopK`).
    pub top_k: bool,
    /// Groups of one node, ordered by their aggregates and key and limited:
    /// one accumulator per node, and output rows only for the groups the
    /// order may keep (rule `TopGroupsByNode`).
    pub top_groups: Option<TopGroups>,
}

/// How rule `TopGroupsByNode` computes an aggregation grouped by one node
/// (`project/top_groups.rs`): the counts and sums of each node of
/// [`TopGroups::var`] are kept in a table by node id, the groups the
/// `ORDER BY` may keep are chosen by the aggregates it sorts on first, and
/// only those groups' keys are read.
#[derive(Debug, Clone, PartialEq)]
pub struct TopGroups {
    /// The node variable whose nodes are the groups, bound by the `MATCH`.
    pub var: String,
    /// The one item that is not an aggregate: the node or its key property.
    pub key_item: usize,
    /// With a key property, the kind it is the key of: its values tell the
    /// nodes apart only while every node of the kind holds a string there,
    /// which is checked when the query runs (otherwise groups are found by
    /// value, as without the rule).
    pub kind: Option<Kind>,
    /// Per `ORDER BY` key: the aggregate it sorts on, or `None` for the
    /// grouping key.
    pub sort: Vec<Option<usize>>,
}

impl ProjectOp {
    pub fn aggregating(&self) -> bool {
        !self.aggregates.is_empty()
    }
}

/// One aggregate computed per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The hidden variable the aggregate's value is bound to.
    pub name: String,
    /// The lower-case function name; `count(*)` is `count` with no arguments.
    pub function: String,
    pub distinct: bool,
    pub args: Vec<Expr>,
}

#[derive(Debug)]
pub struct CreateOp {
    pub patterns: Vec<PathPattern>,
}

#[derive(Debug)]
pub struct MergeOp {
    pub matcher: MatchOp,
    pub pattern: PathPattern,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
}

/// Plans a statement, with the built-in procedures.
pub fn plan(graph: &Graph, query: &Query) -> Result<Plan> {
    plan_with(graph, Registry::builtin_shared(), query)
}

/// Plans a statement, `CALL` naming the procedures of `registry`.
pub fn plan_with(graph: &Graph, registry: &Registry, query: &Query) -> Result<Plan> {
    plan_parts(graph, Some(registry), query, &Scope::default())
}

/// Plans a full subquery (`exists { MATCH ... RETURN ... }`) run with the
/// row's variables `names` in scope. It may only read.
pub fn plan_subquery(graph: &Graph, names: &[String], query: &Query) -> Result<Plan> {
    let scope = Scope {
        vars: names.iter().map(|n| (n.clone(), VarKind::Value)).collect(),
    };
    plan_subquery_in(graph, &scope, query)
}

/// The row's variables in `scope` are the subquery's, not the planner's
/// hidden names, which its own planner makes again.
fn plan_subquery_in(graph: &Graph, scope: &Scope, query: &Query) -> Result<Plan> {
    let scope = &Scope {
        vars: scope
            .vars
            .iter()
            .filter(|(n, _)| !is_hidden(n))
            .cloned()
            .collect(),
    };
    let writes = query.parts().flat_map(|q| q.clauses.iter()).any(|c| {
        matches!(
            c,
            Clause::Create(_)
                | Clause::Merge { .. }
                | Clause::Set(_)
                | Clause::Remove(_)
                | Clause::Delete { .. }
                | Clause::Call(_)
        )
    });
    if writes {
        return Err(Error::coded(
            Detail::InvalidClauseComposition,
            "invalid clause composition: a subquery in exists { } only reads; it cannot hold CREATE, MERGE, SET, REMOVE, DELETE or CALL",
        )
        .about(Subject::Clause("EXISTS".into())));
    }
    // Whether a row comes back needs only the first: each part's RETURN
    // without a LIMIT stops there, so nested subqueries do not run to the end.
    let mut query = query.clone();
    let parts = std::iter::once(&mut query.first).chain(query.unions.iter_mut().map(|(_, q)| q));
    for part in parts {
        match part.clauses.last_mut() {
            Some(Clause::Return(p)) => {
                p.limit.get_or_insert(Expr::Literal(Literal::Int(1)));
            }
            // As in Neo4j 5, the RETURN of a subquery that only asks
            // whether rows exist may be left out.
            _ => part.clauses.push(Clause::Return(Projection {
                distinct: false,
                star: false,
                items: vec![ProjectionItem {
                    expr: Expr::Literal(Literal::Bool(true)),
                    alias: None,
                    name: "true".into(),
                }],
                order_by: Vec::new(),
                skip: None,
                limit: Some(Expr::Literal(Literal::Int(1))),
                where_: None,
            })),
        }
    }
    plan_parts(graph, None, &query, scope)
}

/// Plans each single query of `query` from `scope` (empty for a statement,
/// the row's variables for a full subquery) and links them.
fn plan_parts(
    graph: &Graph,
    registry: Option<&Registry>,
    query: &Query,
    scope: &Scope,
) -> Result<Plan> {
    let mut parts = Vec::new();
    let mut writes = false;
    let standalone = scope.vars.is_empty()
        && query.unions.is_empty()
        && matches!(query.first.clauses.as_slice(), [Clause::Call(_)]);
    let mut planner = Planner::new(graph);
    planner.registry = registry;
    planner.standalone = standalone;
    let (first, columns, w) = planner.plan_single(&query.first, scope.clone())?;
    writes |= w;
    parts.push(first);
    for (_, single) in &query.unions {
        let mut planner = Planner::new(graph);
        planner.registry = registry;
        let (part, cols, w) = planner.plan_single(single, scope.clone())?;
        if cols != columns {
            return Err(Error::coded(
                Detail::DifferentColumnsInUnion,
                format!(
                    "different columns in union: [{}] and [{}]",
                    columns.join(", "),
                    cols.join(", ")
                ),
            ));
        }
        writes |= w;
        parts.push(part);
    }
    let all = query.unions.iter().any(|(all, _)| *all);
    if all && query.unions.iter().any(|(all, _)| !*all) {
        return Err(Error::coded(
            Detail::InvalidClauseComposition,
            "invalid clause composition: UNION and UNION ALL cannot be mixed",
        ));
    }
    let mut plan = Plan::link(parts, all, columns, writes);
    bind::bind_all(&mut plan.root);
    subqueries::plan_all(graph, &mut plan.root);
    Ok(plan)
}

/// Plans patterns used inside an expression (pattern predicates, `exists`,
/// pattern comprehensions), with `names` bound by the surrounding row.
pub fn plan_inline(
    graph: &Graph,
    names: &[String],
    patterns: &[PathPattern],
    where_: Option<&Expr>,
) -> Result<MatchOp> {
    let mut scope = Scope {
        vars: names.iter().map(|n| (n.clone(), VarKind::Value)).collect(),
    };
    Planner::new(graph).plan_match(&mut scope, false, patterns, where_)
}

/// The variables in scope, with what they hold.
#[derive(Clone, Default)]
pub(super) struct Scope {
    vars: Vec<(String, VarKind)>,
}

impl Scope {
    pub(super) fn get(&self, name: &str) -> Option<VarKind> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k)
    }

    fn names(&self) -> Vec<String> {
        self.vars.iter().map(|(n, _)| n.clone()).collect()
    }

    pub(super) fn add(&mut self, name: &str, kind: VarKind) {
        self.vars.push((name.to_string(), kind));
    }
}

struct Planner<'g> {
    graph: &'g Graph,
    hidden: usize,
    /// The procedures `CALL` may name; `None` inside expressions, where no `CALL` can be.
    registry: Option<&'g Registry>,
    /// Whether the statement is one `CALL` and nothing else.
    standalone: bool,
}

/// Whether a name is hidden (made up by the planner).
pub fn is_hidden(name: &str) -> bool {
    name.starts_with(' ')
}

impl<'g> Planner<'g> {
    fn new(graph: &'g Graph) -> Self {
        Planner {
            graph,
            hidden: 0,
            registry: None,
            standalone: false,
        }
    }

    fn hidden_name(&mut self, what: &str) -> String {
        self.hidden += 1;
        format!(" {what}{}", self.hidden)
    }

    /// Plans one single query: its chain of operators (the last on top),
    /// its columns, and whether it writes.
    fn plan_single(
        &mut self,
        q: &SingleQuery,
        mut scope: Scope,
    ) -> Result<(PlanNode, Vec<String>, bool)> {
        let mut top: Option<PlanNode> = None;
        let mut writes = false;
        let n = q.clauses.len();
        if n == 0 {
            return Err(Error::coded(
                Detail::InvalidClauseComposition,
                "invalid clause composition: the query is empty",
            ));
        }
        for (i, clause) in q.clauses.iter().enumerate() {
            let last = i + 1 == n;
            let next = q.clauses.get(i + 1);
            match clause {
                Clause::Return(_) if !last => {
                    return Err(Error::coded(
                        Detail::InvalidClauseComposition,
                        "invalid clause composition: RETURN must be the last clause",
                    ))
                }
                Clause::Match { .. } | Clause::Unwind { .. } | Clause::With(_) | Clause::Call(_)
                    if last && !self.may_end_with(clause) =>
                {
                    return Err(Error::coded(
                        Detail::InvalidClauseComposition,
                        "invalid clause composition: a query cannot end with MATCH, UNWIND or WITH; add a RETURN",
                    ))
                }
                _ => {}
            }
            let op = match clause {
                Clause::Match {
                    optional,
                    patterns,
                    where_,
                } => {
                    let mut m =
                        self.plan_match(&mut scope, *optional, patterns, where_.as_ref())?;
                    m.distinct_downstream = next.is_some_and(multiplicity_irrelevant);
                    if let Some(Clause::With(p) | Clause::Return(p)) = next {
                        if !p.star {
                            let mut needed = HashSet::new();
                            let reads: Vec<&Expr> = p
                                .items
                                .iter()
                                .map(|i| &i.expr)
                                .chain(p.order_by.iter().map(|o| &o.expr))
                                .chain(p.where_.iter())
                                .chain(where_.iter())
                                .collect();
                            for e in &reads {
                                collect_names(e, &mut needed);
                            }
                            let counted = walk::counted_only(&reads);
                            m.needed = Some(m.work.iter().map(|n| needed.contains(n)).collect());
                            m.counted = Some(m.work.iter().map(|n| counted.contains(n)).collect());
                        }
                    }
                    Op::Match(m)
                }
                Clause::Unwind { expr, variable } => {
                    check_expr(expr, &scope, ExprCtx::plain(), 0)?;
                    if scope.get(variable).is_some() {
                        return Err(Error::coded(
                            Detail::VariableAlreadyBound,
                            format!("variable already bound: `{variable}`"),
                        ));
                    }
                    scope.add(variable, VarKind::Value);
                    Op::Unwind {
                        expr: expr.clone(),
                        variable: variable.clone(),
                    }
                }
                Clause::Call(c) => {
                    let registry = self
                        .registry
                        .ok_or_else(|| Error::query("CALL cannot be used inside an expression"))?;
                    let op = call::plan(registry, &mut scope, c, self.standalone)?;
                    writes |= op.procedure.writes;
                    Op::Call(op)
                }
                Clause::With(p) => Op::Project(self.plan_projection(&mut scope, p, false)?),
                Clause::Return(p) => Op::Project(self.plan_projection(&mut scope, p, true)?),
                Clause::Create(patterns) => {
                    writes = true;
                    self.check_create(&mut scope, patterns, false)?;
                    Op::Create(CreateOp {
                        patterns: patterns.clone(),
                    })
                }
                Clause::Merge {
                    pattern,
                    on_create,
                    on_match,
                } => {
                    writes = true;
                    let before = scope.clone();
                    let mut probe = before.clone();
                    self.check_create(&mut probe, std::slice::from_ref(pattern), true)?;
                    let mut match_scope = before.clone();
                    let matcher = self.plan_match(
                        &mut match_scope,
                        false,
                        std::slice::from_ref(pattern),
                        None,
                    )?;
                    scope = match_scope;
                    for item in on_create.iter().chain(on_match) {
                        check_set_item(item, &scope)?;
                    }
                    Op::Merge(MergeOp {
                        matcher,
                        pattern: pattern.clone(),
                        on_create: on_create.clone(),
                        on_match: on_match.clone(),
                    })
                }
                Clause::Set(items) => {
                    writes = true;
                    for item in items {
                        check_set_item(item, &scope)?;
                    }
                    Op::Set(items.clone())
                }
                Clause::Remove(items) => {
                    writes = true;
                    for item in items {
                        match item {
                            RemoveItem::Property { target, .. } => {
                                check_expr(target, &scope, ExprCtx::plain(), 0)?
                            }
                            RemoveItem::Labels { variable, .. } => {
                                check_var(variable, &scope)?;
                            }
                        }
                    }
                    Op::Remove(items.clone())
                }
                Clause::Delete { detach, exprs } => {
                    writes = true;
                    for e in exprs {
                        check_expr(e, &scope, ExprCtx::plain(), 0)?;
                        if let Some(t) = static_type(e).filter(|t| *t != StaticType::Null) {
                            return Err(Error::coded(
                                Detail::InvalidArgumentType,
                                format!(
                                    "invalid argument type: DELETE needs a node, relationship or path, not {}",
                                    t.describe()
                                ),
                            )
                            .about(Subject::Clause("DELETE".into())));
                        }
                        if !matches!(e, Expr::Variable(_) | Expr::Index(..) | Expr::Property(..))
                            && !matches!(e, Expr::Function { .. })
                        {
                            return Err(Error::coded(
                                Detail::InvalidDelete,
                                "invalid delete: only nodes, relationships and paths can be deleted",
                            ));
                        }
                    }
                    Op::Delete {
                        detach: *detach,
                        exprs: exprs.clone(),
                    }
                }
            };
            top = Some(PlanNode::new(op, scope.names(), top.take()));
        }
        // A standalone call returns what it yields; one that yields nothing returns no rows.
        let items = match top.as_ref().map(|t| &t.op) {
            Some(Op::Call(c)) if self.standalone => c.variables.clone(),
            _ => Vec::new(),
        };
        if !items.is_empty() {
            let projection = Projection {
                distinct: false,
                star: false,
                items: items
                    .into_iter()
                    .map(|v| ProjectionItem {
                        expr: Expr::Variable(v.clone()),
                        alias: None,
                        name: v,
                    })
                    .collect(),
                order_by: Vec::new(),
                skip: None,
                limit: None,
                where_: None,
            };
            let op = Op::Project(self.plan_projection(&mut scope, &projection, true)?);
            top = Some(PlanNode::new(op, scope.names(), top.take()));
        }
        let columns = match q.clauses.last() {
            Some(Clause::Return(_)) => scope.names(),
            Some(Clause::Call(_)) if self.standalone => scope.names(),
            _ => Vec::new(),
        };
        let mut top = top.expect("a query has a clause");
        if !matches!(&top.op, Op::Project(p) if p.is_return) {
            top = PlanNode::new(Op::EmptyResult, Vec::new(), Some(top));
        }
        rules::rewrite(&mut top);
        Ok((top, columns, writes))
    }

    /// Whether a query may end with this clause: a standalone `CALL`, or a
    /// call of a procedure that yields nothing.
    fn may_end_with(&self, clause: &Clause) -> bool {
        match clause {
            Clause::Call(c) => {
                self.standalone
                    || self
                        .registry
                        .and_then(|r| r.get(&c.procedure))
                        .is_some_and(|p| p.outputs.is_empty())
            }
            _ => false,
        }
    }
}
