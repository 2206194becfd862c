//! The planner: binds variables, checks the statement's semantics, and turns
//! each single query into a pipeline of operators.
//!
//! Every operator reads the rows of the one before it and knows the names of
//! the columns it produces ([`Step::scope`]). Variables that the user did not
//! name (anonymous nodes, relationships) get hidden names starting with a space,
//! which no query can spell.

use std::collections::HashSet;
use std::fmt;

use super::call::{self, CallOp};
use super::functions;
use super::procedures::Registry;
use crate::error::{Detail, Error, Result, Subject};
use crate::graph::Graph;
use crate::model::Kind;
use crate::query::ast::*;

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
        }
    }
}

/// A planned statement.
#[derive(Debug)]
pub struct Plan {
    pub parts: Vec<Part>,
    /// For each part after the first: `true` for `UNION ALL`.
    pub union_all: Vec<bool>,
    pub columns: Vec<String>,
    /// Whether any part writes.
    pub writes: bool,
}

/// One single query: a pipeline of steps.
#[derive(Debug)]
pub struct Part {
    pub steps: Vec<Step>,
}

/// An operator with the names of the columns it outputs.
#[derive(Debug)]
pub struct Step {
    pub op: Op,
    pub scope: Vec<String>,
}

#[derive(Debug)]
pub enum Op {
    Match(MatchOp),
    Unwind { expr: Expr, variable: String },
    Project(ProjectOp),
    Create(CreateOp),
    Merge(MergeOp),
    Set(Vec<SetItem>),
    Remove(Vec<RemoveItem>),
    Delete { detach: bool, exprs: Vec<Expr> },
    Call(CallOp),
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
    let mut parts = Vec::new();
    let mut union_all = Vec::new();
    let mut writes = false;
    let standalone =
        query.unions.is_empty() && matches!(query.first.clauses.as_slice(), [Clause::Call(_)]);
    let mut planner = Planner::new(graph);
    planner.registry = Some(registry);
    planner.standalone = standalone;
    let first = planner.plan_single(&query.first)?;
    let columns = first.1.clone();
    writes |= first.2;
    parts.push(first.0);
    for (all, single) in &query.unions {
        let mut planner = Planner::new(graph);
        planner.registry = Some(registry);
        let (part, cols, w) = planner.plan_single(single)?;
        if cols != columns {
            return Err(Error::query(format!(
                "different columns in union: [{}] and [{}]",
                columns.join(", "),
                cols.join(", ")
            )));
        }
        writes |= w;
        union_all.push(*all);
        parts.push(part);
    }
    if !union_all.is_empty() && union_all.iter().any(|a| *a) && union_all.iter().any(|a| !*a) {
        return Err(Error::query(
            "invalid clause composition: UNION and UNION ALL cannot be mixed",
        ));
    }
    Ok(Plan {
        parts,
        union_all,
        columns,
        writes,
    })
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
    Planner::new(graph).plan_match(&mut scope, false, patterns, where_, false)
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

    /// Plans one single query: its part, its columns, and whether it writes.
    fn plan_single(&mut self, q: &SingleQuery) -> Result<(Part, Vec<String>, bool)> {
        let mut scope = Scope::default();
        let mut steps = Vec::new();
        let mut writes = false;
        let n = q.clauses.len();
        if n == 0 {
            return Err(Error::query(
                "invalid clause composition: the query is empty",
            ));
        }
        for (i, clause) in q.clauses.iter().enumerate() {
            let last = i + 1 == n;
            let next = q.clauses.get(i + 1);
            match clause {
                Clause::Return(_) if !last => {
                    return Err(Error::query(
                        "invalid clause composition: RETURN must be the last clause",
                    ))
                }
                Clause::Match { .. } | Clause::Unwind { .. } | Clause::With(_) | Clause::Call(_)
                    if last && !self.may_end_with(clause) =>
                {
                    return Err(Error::query(
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
                    let reach = next.is_some_and(multiplicity_irrelevant);
                    let mut m =
                        self.plan_match(&mut scope, *optional, patterns, where_.as_ref(), reach)?;
                    if let Some(Clause::With(p) | Clause::Return(p)) = next {
                        if !p.star {
                            let mut needed = HashSet::new();
                            for e in p
                                .items
                                .iter()
                                .map(|i| &i.expr)
                                .chain(p.order_by.iter().map(|o| &o.expr))
                                .chain(p.where_.iter())
                                .chain(where_.iter())
                            {
                                collect_names(e, &mut needed);
                            }
                            m.needed = Some(m.work.iter().map(|n| needed.contains(n)).collect());
                            if reach {
                                m.memo = Some(memo_plan(&m, &needed));
                            }
                        }
                    }
                    Op::Match(m)
                }
                Clause::Unwind { expr, variable } => {
                    check_expr(expr, &scope, ExprCtx::plain(), 0)?;
                    if scope.get(variable).is_some() {
                        return Err(Error::query(format!(
                            "variable already bound: `{variable}`"
                        )));
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
                        false,
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
                        if !matches!(e, Expr::Variable(_) | Expr::Index(..) | Expr::Property(..))
                            && !matches!(e, Expr::Function { .. })
                        {
                            return Err(Error::query(
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
            let mut op = op;
            if let (
                Op::Project(p),
                Some(Step {
                    op: Op::Match(m), ..
                }),
            ) = (&mut op, steps.last())
            {
                if p.aggregating() {
                    p.node_keyed = node_keyed(p, m);
                }
            }
            steps.push(Step {
                op,
                scope: scope.names(),
            });
        }
        // A standalone call returns what it yields; one that yields nothing returns no rows.
        let items = match steps.last() {
            Some(Step {
                op: Op::Call(c), ..
            }) if self.standalone => c.variables.clone(),
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
            steps.push(Step {
                op,
                scope: scope.names(),
            });
        }
        let columns = match q.clauses.last() {
            Some(Clause::Return(_)) => scope.names(),
            Some(Clause::Call(_)) if self.standalone => scope.names(),
            _ => Vec::new(),
        };
        Ok((Part { steps }, columns, writes))
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

    fn plan_match(
        &mut self,
        scope: &mut Scope,
        optional: bool,
        patterns: &[PathPattern],
        where_: Option<&Expr>,
        reach: bool,
    ) -> Result<MatchOp> {
        let inputs = scope.vars.len();
        let mut work: Vec<String> = scope.names();
        let mut bound: HashSet<usize> = (0..inputs).collect();
        let mut keep: Vec<usize> = (0..inputs).collect();
        let mut plans = Vec::new();
        let mut rel_vars_here: HashSet<String> = HashSet::new();
        // `v.key = constant` and `id(v) = constant` in WHERE can pick where matching starts.
        let mut where_eqs = Vec::new();
        if let Some(w) = where_ {
            where_equalities(w, &mut where_eqs, 0);
        }
        // First pass: declare every named variable so that property maps may refer to them.
        for pattern in patterns {
            if pattern.steps.len() > MAX_PATTERN_STEPS {
                return Err(Error::query(format!(
                    "the pattern is too long: more than {MAX_PATTERN_STEPS} relationships"
                )));
            }
            if let Some(p) = &pattern.variable {
                if scope.get(p).is_some() {
                    return Err(Error::query(format!("variable already bound: `{p}`")));
                }
            }
            let props = std::iter::once(&pattern.start.properties).chain(
                pattern
                    .steps
                    .iter()
                    .flat_map(|(r, n)| [&r.properties, &n.properties]),
            );
            if let Some(Some(Expr::Parameter(name))) = props
                .into_iter()
                .find(|p| matches!(p, Some(Expr::Parameter(_))))
            {
                return Err(Error::coded(
                    Detail::InvalidParameterUse,
                    format!(
                        "invalid parameter use: a pattern to match cannot take its properties from `${name}`; write a map such as {{name: ${name}.name}}"
                    ),
                ));
            }
            let declare = |scope: &mut Scope, v: &str, kind: VarKind| -> Result<()> {
                match scope.get(v) {
                    Some(VarKind::List) if kind == VarKind::RelList => Ok(()),
                    Some(k) if k != kind && k != VarKind::Value => Err(Error::query(format!(
                        "variable type conflict: `{v}` is {} and cannot be used as {}",
                        k.describe(),
                        kind.describe()
                    ))),
                    Some(_) => Ok(()),
                    None => {
                        scope.add(v, kind);
                        Ok(())
                    }
                }
            };
            if let Some(v) = &pattern.start.variable {
                declare(scope, v, VarKind::Node)?;
            }
            for (rel, node) in &pattern.steps {
                if let Some(v) = &rel.variable {
                    let kind = if rel.length.is_some() {
                        VarKind::RelList
                    } else {
                        VarKind::Rel
                    };
                    if !rel_vars_here.insert(v.clone()) {
                        return Err(Error::query(format!(
                            "relationship uniqueness violation: `{v}` is used twice in one pattern"
                        )));
                    }
                    declare(scope, v, kind)?;
                }
                if let Some(v) = &node.variable {
                    declare(scope, v, VarKind::Node)?;
                }
            }
            if let Some(p) = &pattern.variable {
                declare(scope, p, VarKind::Path)?;
            }
        }
        for pattern in patterns {
            if pattern.kind != PathKind::Normal {
                if pattern.steps.len() != 1 {
                    return Err(Error::query(
                        "invalid argument type: shortestPath needs a pattern with exactly one relationship",
                    ));
                }
                if pattern.steps[0]
                    .0
                    .length
                    .is_some_and(|r| r.min.unwrap_or(1) > 1)
                {
                    return Err(Error::query(
                        "invalid argument value: shortestPath cannot have a minimal length above 1",
                    ));
                }
            }
            let slot_of = |work: &mut Vec<String>,
                           keep: &mut Vec<usize>,
                           name: &Option<String>,
                           planner: &mut Self,
                           what: &str|
             -> usize {
                match name {
                    Some(n) => match work.iter().position(|w| w == n) {
                        Some(i) => i,
                        None => {
                            work.push(n.clone());
                            keep.push(work.len() - 1);
                            work.len() - 1
                        }
                    },
                    None => {
                        work.push(planner.hidden_name(what));
                        work.len() - 1
                    }
                }
            };
            let mut nodes = Vec::new();
            let mut rels = Vec::new();
            let mut all_nodes = vec![&pattern.start];
            all_nodes.extend(pattern.steps.iter().map(|(_, n)| n));
            for node in &all_nodes {
                if let Some(p) = &node.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                let slot = slot_of(&mut work, &mut keep, &node.variable, self, "node");
                nodes.push(NodeStep {
                    slot,
                    labels: node.labels.clone(),
                    properties: node.properties.clone(),
                });
            }
            let named_path = pattern.variable.is_some();
            for (rel, _) in &pattern.steps {
                if let Some(p) = &rel.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                let slot = slot_of(&mut work, &mut keep, &rel.variable, self, "rel");
                let reach_only = reach
                    && rel.variable.is_none()
                    && !named_path
                    && pattern.kind == PathKind::Normal
                    && rel.length.is_some_and(|r| r.min.unwrap_or(1) <= 1);
                rels.push(RelStep {
                    slot,
                    types: rel.types.clone(),
                    direction: rel.direction,
                    length: rel.length,
                    properties: rel.properties.clone(),
                    reach_only,
                });
            }
            let path_slot = pattern
                .variable
                .as_ref()
                .map(|_| slot_of(&mut work, &mut keep, &pattern.variable, self, "path"));
            let (anchor, start) = self.choose_anchor(&nodes, &all_nodes, &bound, &where_eqs);
            for n in &nodes {
                bound.insert(n.slot);
            }
            for r in &rels {
                bound.insert(r.slot);
            }
            if let Some(p) = path_slot {
                bound.insert(p);
            }
            plans.push(PatternPlan {
                kind: pattern.kind,
                nodes,
                rels,
                path_slot,
                anchor,
                start,
            });
        }
        if let Some(w) = where_ {
            if let Expr::Variable(v) = w {
                if let Some(k @ (VarKind::Node | VarKind::Rel | VarKind::Path)) = scope.get(v) {
                    return Err(Error::query(format!(
                        "invalid argument type: WHERE needs a boolean, and `{v}` is {}",
                        k.describe()
                    )));
                }
            }
            check_expr(w, scope, ExprCtx::predicate(), 0)?;
        }
        // The scope lists the variables in the order of the output row.
        scope.vars = keep
            .iter()
            .map(|&i| {
                let name = work[i].clone();
                let kind = scope.get(&name).unwrap_or(VarKind::Value);
                (name, kind)
            })
            .collect();
        let (early, late) = place_filters(where_, &plans, &work, inputs);
        Ok(MatchOp {
            optional,
            patterns: plans,
            where_: where_.cloned(),
            early,
            late,
            work,
            inputs,
            keep,
            memo: None,
            needed: None,
        })
    }

    /// Picks where a pattern starts: a bound node, a key lookup, the smallest label, or all nodes.
    fn choose_anchor(
        &self,
        nodes: &[NodeStep],
        ast: &[&NodePattern],
        bound: &HashSet<usize>,
        where_eqs: &[(String, Option<String>, Expr)],
    ) -> (usize, Start) {
        if let Some(i) = nodes.iter().position(|n| bound.contains(&n.slot)) {
            return (i, Start::Bound);
        }
        for (i, node) in ast.iter().enumerate() {
            let Some(v) = &node.variable else { continue };
            for (var, key, e) in where_eqs {
                if var != v {
                    continue;
                }
                match key {
                    None => return (i, Start::Id(e.clone())),
                    Some(key) => {
                        for label in &node.labels {
                            if let Some(kind) = Kind::from_label(label) {
                                if kind.key_property() == key {
                                    return (i, Start::Key(kind, e.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (i, node) in ast.iter().enumerate() {
            if let Some(Expr::Map(entries)) = &node.properties {
                for label in &node.labels {
                    if let Some(kind) = Kind::from_label(label) {
                        if let Some((_, e)) = entries.iter().find(|(k, _)| k == kind.key_property())
                        {
                            if is_row_independent(e) {
                                return (i, Start::Key(kind, e.clone()));
                            }
                        }
                    }
                }
            }
        }
        let mut best: Option<(usize, &str, usize)> = None;
        for (i, node) in nodes.iter().enumerate() {
            for label in &node.labels {
                let count = self.graph.label_count(label);
                if best.is_none_or(|(_, _, c)| count < c) {
                    best = Some((i, label, count));
                }
            }
        }
        match best {
            Some((i, label, _)) => (i, Start::Label(label.to_string())),
            None => (0, Start::All),
        }
    }

    fn plan_projection(
        &mut self,
        scope: &mut Scope,
        p: &Projection,
        is_return: bool,
    ) -> Result<ProjectOp> {
        let mut items: Vec<(String, Expr)> = Vec::new();
        if p.star {
            let mut names: Vec<&(String, VarKind)> =
                scope.vars.iter().filter(|(n, _)| !is_hidden(n)).collect();
            names.sort_by(|a, b| a.0.cmp(&b.0));
            names.dedup_by(|a, b| a.0 == b.0);
            if names.is_empty() && is_return {
                return Err(Error::query(
                    "no variables in scope: RETURN * and WITH * need at least one variable",
                ));
            }
            for (n, _) in names {
                items.push((n.clone(), Expr::Variable(n.clone())));
            }
        }
        let mut no_alias = None;
        for item in &p.items {
            check_expr(&item.expr, scope, ExprCtx::projection(), 0)?;
            if !is_return
                && item.alias.is_none()
                && !matches!(item.expr, Expr::Variable(_))
                && no_alias.is_none()
            {
                // Raised after ORDER BY is checked, whose errors the TCK expects first.
                no_alias = Some(Error::query(format!(
                    "no expression alias: `{}` in WITH must be given a name with AS",
                    item.name
                )));
            }
            if items.iter().any(|(n, _)| *n == item.name) {
                return Err(Error::query(format!(
                    "column name conflict: `{}` is used twice",
                    item.name
                )));
            }
            items.push((item.name.clone(), item.expr.clone()));
        }
        // Aggregates become hidden variables.
        let mut aggregates: Vec<Aggregate> = Vec::new();
        let mut item_aggregates = Vec::new();
        let mut rewritten = Vec::new();
        for (name, e) in &items {
            let r = self.extract_aggregates(e, &mut aggregates)?;
            item_aggregates.push(contains_aggregate(e));
            rewritten.push((name.clone(), r));
        }
        let aggregating = !aggregates.is_empty();
        // The scope after the projection.
        let mut out = Scope::default();
        for (name, e) in &items {
            let kind = match e {
                Expr::Variable(v) => scope.get(v).unwrap_or(VarKind::Value),
                Expr::Literal(Literal::Null) => VarKind::Value,
                Expr::Literal(_) | Expr::Map(_) => VarKind::Scalar,
                Expr::List(_) => VarKind::List,
                _ => VarKind::Value,
            };
            out.add(name, kind);
        }
        // ORDER BY and WHERE see the output, and the input unless the rows were grouped.
        let mut sort_scope = out.clone();
        if !aggregating && !p.distinct {
            for v in scope.vars.iter().rev() {
                if out.get(&v.0).is_none() {
                    sort_scope.vars.insert(0, v.clone());
                }
            }
        }
        // Around an aggregate, an expression may only use grouping keys that are
        // variables or property accesses projected as such.
        let simple_keys: Vec<(String, Expr)> = items
            .iter()
            .zip(&item_aggregates)
            .filter(|((_, e), agg)| {
                !**agg
                    && match e {
                        Expr::Variable(_) => true,
                        Expr::Property(x, _) => matches!(**x, Expr::Variable(_)),
                        _ => false,
                    }
            })
            .map(|(item, _)| item.clone())
            .collect();
        let key_vars: Vec<String> = simple_keys
            .iter()
            .filter_map(|(_, e)| match e {
                Expr::Variable(v) => Some(v.clone()),
                _ => None,
            })
            .chain(simple_keys.iter().map(|(n, _)| n.clone()))
            .chain(aggregates.iter().map(|a| a.name.clone()))
            .collect();
        for (i, agg) in item_aggregates.iter().enumerate() {
            if *agg {
                let r = substitute_items(&rewritten[i].1, &simple_keys);
                check_grouping_vars(&r, &key_vars)?;
                rewritten[i].1 = r;
            }
        }
        let mut order_by = Vec::new();
        for s in &p.order_by {
            let r = if aggregating && contains_aggregate(&s.expr) {
                // Aggregate arguments see the input; the rest sees the output.
                let mut both = scope.clone();
                both.vars.extend(out.vars.iter().cloned());
                check_expr(&s.expr, &both, ExprCtx::projection(), 0)?;
                let known = aggregates.len();
                let r = self.extract_aggregates(&s.expr, &mut aggregates)?;
                if aggregates.len() > known {
                    return Err(Error::query(
                        "undefined variable: an aggregate in ORDER BY must also be projected",
                    ));
                }
                let mut allowed = key_vars.clone();
                allowed.extend(items.iter().map(|(n, _)| n.clone()));
                allowed.extend(aggregates.iter().map(|a| a.name.clone()));
                check_grouping_vars(&substitute_items(&r, &simple_keys), &allowed).map_err(
                    |e| {
                        // A variable that no projected item uses is not in scope at all.
                        let projected: HashSet<String> = items
                            .iter()
                            .flat_map(|(_, x)| expr_names(x))
                            .collect();
                        let mut free = Vec::new();
                        free_vars(&r, &mut free, &mut Vec::new(), 0);
                        match free.iter().find(|v| {
                            !allowed.contains(v) && !projected.contains(*v) && !is_hidden(v)
                        }) {
                            Some(v) => Error::coded(
                                Detail::UndefinedVariable,
                                format!(
                                    "undefined variable `{v}`: ORDER BY after aggregation can only use the projected columns"
                                ),
                            ),
                            None => e,
                        }
                    },
                )?;
                substitute_items(&r, &items)
            } else {
                let substituted = substitute_items(&s.expr, &items);
                if aggregating || p.distinct {
                    check_expr(&substituted, &sort_scope, ExprCtx::projection(), 0)
                        .map_err(|e| order_by_error(e, aggregating))?;
                } else {
                    check_expr(&substituted, &sort_scope, ExprCtx::projection(), 0)?;
                }
                if contains_aggregate(&substituted) {
                    return Err(Error::query(
                        "invalid aggregation: ORDER BY cannot aggregate in a projection that does not",
                    ));
                }
                substituted
            };
            order_by.push((r, s.descending));
        }
        if let Some(e) = no_alias {
            return Err(e);
        }
        for (what, e) in [("SKIP", &p.skip), ("LIMIT", &p.limit)] {
            let Some(e) = e else { continue };
            check_expr(e, &Scope::default(), ExprCtx::plain(), 0).map_err(|_| {
                Error::query(
                    "non-constant expression: SKIP and LIMIT take a constant or a parameter",
                )
            })?;
            check_count_literal(e, what)?;
        }
        let where_ = match &p.where_ {
            Some(w) => {
                let w2 = substitute_items(w, &items);
                check_expr(&w2, &sort_scope, ExprCtx::predicate(), 0)?;
                Some(w2)
            }
            None => None,
        };
        *scope = out;
        Ok(ProjectOp {
            is_return,
            distinct: p.distinct,
            items: rewritten,
            item_aggregates,
            aggregates,
            order_by,
            skip: p.skip.clone(),
            limit: p.limit.clone(),
            where_,
            node_keyed: None,
        })
    }

    /// Replaces every aggregate call in `e` by a hidden variable, recording the aggregate.
    fn extract_aggregates(&mut self, e: &Expr, aggs: &mut Vec<Aggregate>) -> Result<Expr> {
        let mut err = None;
        let out = map_expr(e, &mut |x| {
            let (function, distinct, args) = match x {
                Expr::CountStar => ("count".to_string(), false, Vec::new()),
                Expr::Function {
                    name,
                    distinct,
                    args,
                } if functions::is_aggregate(&name.to_lowercase()) => {
                    (name.to_lowercase(), *distinct, args.clone())
                }
                _ => return None,
            };
            if args.iter().any(contains_aggregate) {
                err = Some(Error::query(format!(
                    "nested aggregation: `{function}` cannot take an aggregate as its argument"
                )));
            }
            if args.iter().any(calls_rand) {
                err = Some(Error::query(format!(
                    "non-constant expression: `{function}` cannot aggregate rand()"
                )));
            }
            let agg = Aggregate {
                name: String::new(),
                function,
                distinct,
                args,
            };
            let existing = aggs.iter().find(|a| {
                a.function == agg.function && a.distinct == agg.distinct && a.args == agg.args
            });
            let name = match existing {
                Some(a) => a.name.clone(),
                None => {
                    self.hidden += 1;
                    let name = format!(" agg{}", self.hidden);
                    aggs.push(Aggregate {
                        name: name.clone(),
                        ..agg
                    });
                    name
                }
            };
            Some(Expr::Variable(name))
        });
        match err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Checks a CREATE (or MERGE) pattern and binds its new variables.
    fn check_create(
        &mut self,
        scope: &mut Scope,
        patterns: &[PathPattern],
        merge: bool,
    ) -> Result<()> {
        for pattern in patterns {
            if pattern.kind != PathKind::Normal {
                return Err(Error::query(
                    "invalid clause composition: shortestPath cannot be created",
                ));
            }
            let mut nodes = vec![&pattern.start];
            nodes.extend(pattern.steps.iter().map(|(_, n)| n));
            for node in &nodes {
                if let Some(p) = &node.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
            }
            for node in &nodes {
                if let Some(v) = &node.variable {
                    match scope.get(v) {
                        Some(VarKind::Node) | Some(VarKind::Value) => {
                            let alone = node.labels.is_empty() && node.properties.is_none();
                            // A bound node may only be referred to, alone, inside a longer pattern.
                            if !alone || nodes.len() == 1 {
                                return Err(Error::query(format!("variable already bound: `{v}`")));
                            }
                        }
                        Some(k) => {
                            return Err(Error::query(format!(
                                "variable type conflict: `{v}` is {} and cannot be used as a node",
                                k.describe()
                            )))
                        }
                        None => scope.add(v, VarKind::Node),
                    }
                }
            }
            for (rel, _) in &pattern.steps {
                if let Some(v) = &rel.variable {
                    if scope.get(v).is_some() {
                        return Err(Error::query(format!("variable already bound: `{v}`")));
                    }
                }
                if rel.types.len() != 1 {
                    return Err(Error::query(
                        "no single relationship type: a created relationship needs exactly one type",
                    ));
                }
                if rel.direction == Direction::Both && !merge {
                    return Err(Error::query(
                        "requires directed relationship: a created relationship needs a direction",
                    ));
                }
                if rel.length.is_some() {
                    return Err(Error::query(
                        "creating var length: a variable-length relationship cannot be created",
                    ));
                }
                if let Some(p) = &rel.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                if let Some(v) = &rel.variable {
                    if scope.get(v).is_some() {
                        return Err(Error::query(format!("variable already bound: `{v}`")));
                    }
                    scope.add(v, VarKind::Rel);
                }
            }
            if let Some(p) = &pattern.variable {
                if scope.get(p).is_some() {
                    return Err(Error::query(format!("variable already bound: `{p}`")));
                }
                scope.add(p, VarKind::Path);
            }
        }
        Ok(())
    }
}

/// Checks that the variables an expression uses outside its aggregates are all `allowed`.
fn check_grouping_vars(e: &Expr, allowed: &[String]) -> Result<()> {
    let mut free = Vec::new();
    let mut local = Vec::new();
    free_vars(e, &mut free, &mut local, 0);
    for v in free {
        if !local.contains(&v) && !allowed.contains(&v) {
            return Err(Error::query(format!(
                "ambiguous aggregation expression: `{v}` is used next to an aggregate but is not a grouping key"
            )));
        }
    }
    Ok(())
}

/// The variables used outside aggregates, and the names bound by comprehensions.
fn free_vars(e: &Expr, free: &mut Vec<String>, local: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match e {
        Expr::CountStar => {}
        Expr::Function { name, .. } if functions::is_aggregate(&name.to_lowercase()) => {}
        Expr::Variable(v) => free.push(v.clone()),
        Expr::ListComprehension { variable, .. } | Expr::Quantified { variable, .. } => {
            local.push(variable.clone());
            walk_children(e, free, local, depth);
        }
        Expr::Reduce {
            accumulator,
            variable,
            ..
        } => {
            local.push(accumulator.clone());
            local.push(variable.clone());
            walk_children(e, free, local, depth);
        }
        Expr::PatternPredicate(_) | Expr::PatternComprehension { .. } | Expr::Exists { .. } => {}
        _ => walk_children(e, free, local, depth),
    }
}

fn walk_children(e: &Expr, free: &mut Vec<String>, local: &mut Vec<String>, depth: usize) {
    let mut children: Vec<&Expr> = Vec::new();
    match e {
        Expr::List(items) => children.extend(items),
        Expr::Map(entries) => children.extend(entries.iter().map(|(_, v)| v)),
        Expr::Property(x, _) | Expr::Unary(_, x) | Expr::HasLabels(x, _) => children.push(x),
        Expr::IsNull { expr, .. } => children.push(expr),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            children.push(a);
            children.push(b);
        }
        Expr::Slice(a, b, c) => {
            children.push(a);
            children.extend(b.as_deref());
            children.extend(c.as_deref());
        }
        Expr::Function { args, .. } => children.extend(args),
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            children.extend(subject.as_deref());
            for (w, t) in whens {
                children.push(w);
                children.push(t);
            }
            children.extend(else_.as_deref());
        }
        Expr::ListComprehension {
            list, filter, map, ..
        } => {
            children.push(list);
            children.extend(filter.as_deref());
            children.extend(map.as_deref());
        }
        Expr::Quantified {
            list, predicate, ..
        } => {
            children.push(list);
            children.push(predicate);
        }
        Expr::Reduce {
            init, list, expr, ..
        } => {
            children.push(init);
            children.push(list);
            children.push(expr);
        }
        _ => {}
    }
    for c in children {
        free_vars(c, free, local, depth + 1);
    }
}

/// Refuses a negative or fractional number written as `SKIP` or `LIMIT`
/// (a parameter is checked when the query runs).
fn check_count_literal(e: &Expr, what: &str) -> Result<()> {
    let (negative, literal) = match e {
        Expr::Unary(UnaryOp::Neg, x) => match &**x {
            Expr::Literal(l) => (true, l),
            _ => return Ok(()),
        },
        Expr::Literal(l) => (false, l),
        _ => return Ok(()),
    };
    match literal {
        Literal::Int(n) if (*n < 0) != negative && *n != 0 => Err(Error::coded(
            Detail::NegativeIntegerArgument,
            format!("negative integer argument: {what} cannot be negative"),
        )),
        Literal::Float(_) => Err(Error::coded(
            Detail::InvalidArgumentType,
            format!("invalid argument type: {what} needs an integer, not a float"),
        )),
        _ => Ok(()),
    }
}

/// `ORDER BY` after `DISTINCT` or aggregation can only see what was projected.
fn order_by_error(e: Error, aggregating: bool) -> Error {
    match e {
        Error::Query { message, code, .. } if code.detail == Detail::UndefinedVariable => {
            if aggregating {
                Error::coded(
                    Detail::UndefinedVariable,
                    format!(
                        "{message}: ORDER BY after aggregation can only use the projected columns"
                    ),
                )
            } else {
                Error::coded(Detail::UndefinedVariable, message)
            }
        }
        other => other,
    }
}

/// Splits a WHERE into its conjuncts and places each at the first point of
/// matching where every variable it uses is bound.
fn place_filters(
    where_: Option<&Expr>,
    plans: &[PatternPlan],
    work: &[String],
    inputs: usize,
) -> (Vec<Vec<Vec<Expr>>>, Vec<Expr>) {
    let mut early: Vec<Vec<Vec<Expr>>> = plans
        .iter()
        .map(|p| vec![Vec::new(); p.rels.len() + 1])
        .collect();
    let mut late = Vec::new();
    let mut conjuncts = Vec::new();
    if let Some(w) = where_ {
        split_and(w, &mut conjuncts, 0);
    }
    let path_slots: HashSet<usize> = plans.iter().filter_map(|p| p.path_slot).collect();
    for c in conjuncts {
        let slots: HashSet<usize> = expr_names(c)
            .iter()
            .filter_map(|n| work.iter().position(|w| w == n))
            .collect();
        if plans.is_empty() || slots.iter().any(|s| path_slots.contains(s)) {
            late.push(c.clone());
            continue;
        }
        let mut bound: HashSet<usize> = (0..inputs).collect();
        let mut placed = false;
        'patterns: for (pi, p) in plans.iter().enumerate() {
            if p.kind != PathKind::Normal {
                bound.extend(p.nodes.iter().map(|n| n.slot));
                bound.extend(p.rels.iter().map(|r| r.slot));
                continue;
            }
            bound.insert(p.nodes[p.anchor].slot);
            if slots.is_subset(&bound) {
                early[pi][0].push(c.clone());
                placed = true;
                break;
            }
            for (h, (ri, _, to)) in hop_order(p).into_iter().enumerate() {
                bound.insert(p.rels[ri].slot);
                bound.insert(p.nodes[to].slot);
                if slots.is_subset(&bound) {
                    early[pi][h + 1].push(c.clone());
                    placed = true;
                    break 'patterns;
                }
            }
        }
        if !placed {
            late.push(c.clone());
        }
    }
    (early, late)
}

fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>, depth: usize) {
    match e {
        Expr::Binary(BinaryOp::And, a, b) if depth < MAX_DEPTH => {
            split_and(a, out, depth + 1);
            split_and(b, out, depth + 1);
        }
        _ => out.push(e),
    }
}

/// The hops of a pattern in matching order: (relationship, from node, to node),
/// right of the anchor first, then left.
pub fn hop_order(p: &PatternPlan) -> Vec<(usize, usize, usize)> {
    let k = p.rels.len();
    let right = k - p.anchor;
    (0..k)
        .map(|h| {
            if h < right {
                let ri = p.anchor + h;
                (ri, ri, ri + 1)
            } else {
                let ri = p.anchor - 1 - (h - right);
                (ri, ri + 1, ri)
            }
        })
        .collect()
}

/// Whether an aggregation's grouping keys tell the nodes of one variable of
/// the `MATCH` feeding it apart (see [`ProjectOp::node_keyed`]): the
/// variable, and the position among the key items of the item that does.
fn node_keyed(p: &ProjectOp, m: &MatchOp) -> Option<(String, usize)> {
    let keys: Vec<&Expr> = p
        .items
        .iter()
        .zip(&p.item_aggregates)
        .filter(|(_, agg)| !**agg)
        .map(|((_, e), _)| e)
        .collect();
    let mut var: Option<&str> = None;
    for e in &keys {
        if is_volatile(e) {
            return None;
        }
        for name in expr_names(e) {
            match var {
                None => var = Some(m.work.iter().find(|w| **w == name)?.as_str()),
                Some(v) if v == name => {}
                Some(_) => return None,
            }
        }
    }
    let var = var?;
    // The labels the patterns give the variable: a match has all of them.
    let labels: Vec<&String> = m
        .patterns
        .iter()
        .flat_map(|pat| pat.nodes.iter())
        .filter(|n| m.work[n.slot] == var)
        .flat_map(|n| n.labels.iter())
        .collect();
    let telling = keys.iter().position(|e| match e {
        Expr::Variable(v) => v == var,
        Expr::Property(base, prop) => {
            matches!(&**base, Expr::Variable(v) if v == var)
                && labels
                    .iter()
                    .any(|l| Kind::from_label(l).is_some_and(|k| k.key_property() == prop))
        }
        _ => false,
    })?;
    Some((var.to_string(), telling))
}

/// For each pattern and hop, the slots bound so far that are still needed: by
/// the rest of the query (`needed` names), by later hops, or by later patterns.
fn memo_plan(m: &MatchOp, needed: &HashSet<String>) -> Vec<Vec<Vec<usize>>> {
    let needed_slots: HashSet<usize> = m
        .work
        .iter()
        .enumerate()
        .filter(|(_, n)| needed.contains(*n))
        .map(|(i, _)| i)
        .collect();
    let all_slots = |p: &PatternPlan| -> Vec<usize> {
        let mut v: Vec<usize> = p.nodes.iter().map(|n| n.slot).collect();
        v.extend(p.rels.iter().map(|r| r.slot));
        v.extend(p.path_slot);
        v
    };
    // A relationship bound earlier can block a later hop (relationships are
    // unique within a MATCH) when their types may be the same: such a
    // relationship is part of the state.
    let compatible = |a: &[String], b: &[String]| {
        a.is_empty() || b.is_empty() || a.iter().any(|t| b.contains(t))
    };
    let mut out = Vec::new();
    let mut bound_before: HashSet<usize> = HashSet::new();
    let mut rels_before: Vec<&RelStep> = Vec::new();
    for (pi, p) in m.patterns.iter().enumerate() {
        let hops = hop_order(p);
        let mut later_patterns: HashSet<usize> = HashSet::new();
        for q in &m.patterns[pi + 1..] {
            later_patterns.extend(all_slots(q));
        }
        let mut per_hop = Vec::new();
        let mut bound: HashSet<usize> = bound_before.clone();
        bound.insert(p.nodes[p.anchor].slot);
        for h in 0..hops.len() {
            let (ri, _, to) = hops[h];
            bound.insert(p.rels[ri].slot);
            bound.insert(p.nodes[to].slot);
            let mut later: HashSet<usize> = later_patterns.clone();
            for &(r2, f2, t2) in &hops[h + 1..] {
                later.insert(p.rels[r2].slot);
                later.insert(p.nodes[f2].slot);
                later.insert(p.nodes[t2].slot);
            }
            if p.path_slot.is_some() {
                later.extend(all_slots(p));
            }
            let later_rels: Vec<&RelStep> = hops[h + 1..]
                .iter()
                .map(|&(r2, _, _)| &p.rels[r2])
                .chain(m.patterns[pi + 1..].iter().flat_map(|q| q.rels.iter()))
                .collect();
            let bound_rels = rels_before
                .iter()
                .copied()
                .chain(hops[..=h].iter().map(|&(r1, _, _)| &p.rels[r1]));
            for r in bound_rels {
                if later_rels.iter().any(|l| compatible(&r.types, &l.types)) {
                    later.insert(r.slot);
                }
            }
            let mut live: Vec<usize> = bound
                .iter()
                .copied()
                .filter(|s| *s >= m.inputs && (needed_slots.contains(s) || later.contains(s)))
                .collect();
            live.sort_unstable();
            per_hop.push(live);
        }
        bound_before.extend(all_slots(p));
        rels_before.extend(p.rels.iter());
        out.push(per_hop);
    }
    out
}

/// Every variable name an expression mentions, patterns included.
pub fn expr_names(e: &Expr) -> HashSet<String> {
    let mut out = HashSet::new();
    collect_names(e, &mut out);
    out
}

/// Whether an expression's value may change between two evaluations on the same row.
pub fn is_volatile(e: &Expr) -> bool {
    calls_rand(e)
}

/// Every variable name an expression mentions, patterns included.
fn collect_names(e: &Expr, out: &mut HashSet<String>) {
    visit_expr(e, &mut |x| {
        let mut pattern = |p: &PathPattern| {
            out.extend(p.variable.iter().cloned());
            out.extend(p.start.variable.iter().cloned());
            for (r, n) in &p.steps {
                out.extend(r.variable.iter().cloned());
                out.extend(n.variable.iter().cloned());
            }
        };
        match x {
            Expr::Variable(v) => {
                out.insert(v.clone());
            }
            Expr::PatternPredicate(p) => pattern(p),
            Expr::PatternComprehension { pattern: p, .. } => pattern(p),
            Expr::Exists { patterns, .. } => patterns.iter().for_each(pattern),
            _ => {}
        }
    });
}

/// Whether the clause after a MATCH ignores how many times each row occurs, so
/// that variable-length steps may be walked by reachability.
fn multiplicity_irrelevant(next: &Clause) -> bool {
    let p = match next {
        Clause::With(p) | Clause::Return(p) => p,
        _ => return false,
    };
    let mut aggs = Vec::new();
    for item in &p.items {
        collect_aggregates(&item.expr, &mut aggs);
    }
    if p.distinct && aggs.is_empty() {
        return true;
    }
    if aggs.is_empty() {
        return false;
    }
    aggs.iter()
        .all(|(name, distinct)| *distinct || matches!(name.as_str(), "min" | "max"))
}

fn collect_aggregates(e: &Expr, out: &mut Vec<(String, bool)>) {
    visit_expr(e, &mut |x| match x {
        Expr::CountStar => out.push(("count".into(), false)),
        Expr::Function { name, distinct, .. } if functions::is_aggregate(&name.to_lowercase()) => {
            out.push((name.to_lowercase(), *distinct))
        }
        _ => {}
    });
}

/// Collects the conjuncts of a WHERE that equate a node's property (`Some(key)`)
/// or its id (`None`) with an expression that does not depend on the row.
fn where_equalities(e: &Expr, out: &mut Vec<(String, Option<String>, Expr)>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            where_equalities(a, out, depth + 1);
            where_equalities(b, out, depth + 1);
        }
        Expr::Binary(BinaryOp::Eq, a, b) => {
            for (x, y) in [(a, b), (b, a)] {
                if !is_row_independent(y) {
                    continue;
                }
                match &**x {
                    Expr::Property(v, key) => {
                        if let Expr::Variable(v) = &**v {
                            out.push((v.clone(), Some(key.clone()), (**y).clone()));
                        }
                    }
                    Expr::Function { name, args, .. } if name.eq_ignore_ascii_case("id") => {
                        if let [Expr::Variable(v)] = args.as_slice() {
                            out.push((v.clone(), None, (**y).clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Whether an expression refers to no variable (a literal or parameters).
fn is_row_independent(e: &Expr) -> bool {
    let mut independent = true;
    visit_expr(e, &mut |x| {
        if matches!(
            x,
            Expr::Variable(_)
                | Expr::PatternPredicate(_)
                | Expr::PatternComprehension { .. }
                | Expr::Exists { .. }
                | Expr::ListComprehension { .. }
                | Expr::Quantified { .. }
                | Expr::Reduce { .. }
        ) {
            independent = false;
        }
    });
    independent
}

/// Whether an expression calls `rand()`.
fn calls_rand(e: &Expr) -> bool {
    let mut found = false;
    visit_expr(e, &mut |x| {
        if let Expr::Function { name, .. } = x {
            if name.eq_ignore_ascii_case("rand") {
                found = true;
            }
        }
    });
    found
}

/// Whether an expression contains an aggregate call.
pub fn contains_aggregate(e: &Expr) -> bool {
    let mut found = false;
    visit_expr(e, &mut |x| match x {
        Expr::CountStar => found = true,
        Expr::Function { name, .. } if functions::is_aggregate(&name.to_lowercase()) => {
            found = true
        }
        _ => {}
    });
    found
}

/// Replaces each sub-expression equal to a projected item by the item's column.
fn substitute_items(e: &Expr, items: &[(String, Expr)]) -> Expr {
    map_expr(e, &mut |x| {
        if matches!(x, Expr::Variable(_)) {
            return None;
        }
        items
            .iter()
            .find(|(_, ie)| ie == x)
            .map(|(n, _)| Expr::Variable(n.clone()))
    })
}

/// Calls `f` on every sub-expression, outermost first (patterns' property maps included).
pub fn visit_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    visit_depth(e, f, 0)
}

fn visit_depth(e: &Expr, f: &mut dyn FnMut(&Expr), depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    f(e);
    let d = depth + 1;
    let mut go = |x: &Expr| visit_depth(x, f, d);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) | Expr::Variable(_) | Expr::CountStar => {}
        Expr::List(items) => items.iter().for_each(go),
        Expr::Map(entries) => entries.iter().for_each(|(_, v)| go(v)),
        Expr::Property(x, _) | Expr::Unary(_, x) | Expr::HasLabels(x, _) => go(x),
        Expr::IsNull { expr, .. } => go(expr),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            go(a);
            go(b);
        }
        Expr::Slice(a, b, c) => {
            go(a);
            if let Some(b) = b {
                go(b);
            }
            if let Some(c) = c {
                go(c);
            }
        }
        Expr::Function { args, .. } => args.iter().for_each(go),
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            if let Some(s) = subject {
                go(s);
            }
            for (w, t) in whens {
                go(w);
                go(t);
            }
            if let Some(e) = else_ {
                go(e);
            }
        }
        Expr::ListComprehension {
            list, filter, map, ..
        } => {
            go(list);
            if let Some(x) = filter {
                go(x);
            }
            if let Some(x) = map {
                go(x);
            }
        }
        Expr::PatternComprehension {
            pattern,
            filter,
            map,
        } => {
            visit_pattern(pattern, &mut go);
            if let Some(x) = filter {
                go(x);
            }
            go(map);
        }
        Expr::Quantified {
            list, predicate, ..
        } => {
            go(list);
            go(predicate);
        }
        Expr::Reduce {
            init, list, expr, ..
        } => {
            go(init);
            go(list);
            go(expr);
        }
        Expr::PatternPredicate(p) => visit_pattern(p, &mut go),
        Expr::Exists { patterns, where_ } => {
            for p in patterns {
                visit_pattern(p, &mut go);
            }
            if let Some(w) = where_ {
                go(w);
            }
        }
    }
}

pub(super) fn visit_pattern(p: &PathPattern, go: &mut dyn FnMut(&Expr)) {
    if let Some(x) = &p.start.properties {
        go(x);
    }
    for (r, n) in &p.steps {
        if let Some(x) = &r.properties {
            go(x);
        }
        if let Some(x) = &n.properties {
            go(x);
        }
    }
}

/// Rebuilds an expression, replacing each sub-expression for which `f` returns
/// `Some` (outermost first; a replaced sub-expression is not descended into).
pub fn map_expr(e: &Expr, f: &mut dyn FnMut(&Expr) -> Option<Expr>) -> Expr {
    map_depth(e, f, 0)
}

fn map_depth(e: &Expr, f: &mut dyn FnMut(&Expr) -> Option<Expr>, depth: usize) -> Expr {
    if depth > MAX_DEPTH {
        return e.clone();
    }
    if let Some(r) = f(e) {
        return r;
    }
    let d = depth + 1;
    let mut m = |x: &Expr| map_depth(x, f, d);
    let bx = |x: Expr| Box::new(x);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) | Expr::Variable(_) | Expr::CountStar => e.clone(),
        Expr::List(items) => Expr::List(items.iter().map(&mut m).collect()),
        Expr::Map(entries) => Expr::Map(entries.iter().map(|(k, v)| (k.clone(), m(v))).collect()),
        Expr::Property(x, k) => Expr::Property(bx(m(x)), k.clone()),
        Expr::Unary(op, x) => Expr::Unary(*op, bx(m(x))),
        Expr::HasLabels(x, l) => Expr::HasLabels(bx(m(x)), l.clone()),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: bx(m(expr)),
            negated: *negated,
        },
        Expr::Index(a, b) => Expr::Index(bx(m(a)), bx(m(b))),
        Expr::Binary(op, a, b) => Expr::Binary(*op, bx(m(a)), bx(m(b))),
        Expr::Slice(a, b, c) => Expr::Slice(
            bx(m(a)),
            b.as_ref().map(|x| bx(m(x))),
            c.as_ref().map(|x| bx(m(x))),
        ),
        Expr::Function {
            name,
            distinct,
            args,
        } => Expr::Function {
            name: name.clone(),
            distinct: *distinct,
            args: args.iter().map(&mut m).collect(),
        },
        Expr::Case {
            subject,
            whens,
            else_,
        } => Expr::Case {
            subject: subject.as_ref().map(|x| bx(m(x))),
            whens: whens.iter().map(|(w, t)| (m(w), m(t))).collect(),
            else_: else_.as_ref().map(|x| bx(m(x))),
        },
        Expr::ListComprehension {
            variable,
            list,
            filter,
            map,
        } => Expr::ListComprehension {
            variable: variable.clone(),
            list: bx(m(list)),
            filter: filter.as_ref().map(|x| bx(m(x))),
            map: map.as_ref().map(|x| bx(m(x))),
        },
        Expr::Quantified {
            quantifier,
            variable,
            list,
            predicate,
        } => Expr::Quantified {
            quantifier: *quantifier,
            variable: variable.clone(),
            list: bx(m(list)),
            predicate: bx(m(predicate)),
        },
        Expr::Reduce {
            accumulator,
            init,
            variable,
            list,
            expr,
        } => Expr::Reduce {
            accumulator: accumulator.clone(),
            init: bx(m(init)),
            variable: variable.clone(),
            list: bx(m(list)),
            expr: bx(m(expr)),
        },
        // Patterns keep their own expressions.
        Expr::PatternComprehension { .. } | Expr::PatternPredicate(_) | Expr::Exists { .. } => {
            e.clone()
        }
    }
}

/// Where an expression appears, which decides what it may contain.
#[derive(Clone, Copy)]
pub(super) struct ExprCtx {
    aggregates: bool,
    /// Whether a bare pattern may be used as a predicate here.
    patterns: bool,
}

impl ExprCtx {
    pub(super) fn plain() -> Self {
        ExprCtx {
            aggregates: false,
            patterns: false,
        }
    }
    pub(super) fn predicate() -> Self {
        ExprCtx {
            aggregates: false,
            patterns: true,
        }
    }
    fn projection() -> Self {
        ExprCtx {
            aggregates: true,
            patterns: false,
        }
    }
}

/// Refuses a function applied to a variable that certainly has the wrong type.
fn check_argument_kind(lower: &str, name: &str, v: &str, kind: Option<VarKind>) -> Result<()> {
    let Some(kind) = kind else {
        return Ok(());
    };
    let wrong = match lower {
        "type" | "startnode" | "endnode" => !matches!(kind, VarKind::Rel | VarKind::Value),
        "labels" => !matches!(kind, VarKind::Node | VarKind::Value),
        "length" | "nodes" | "relationships" => {
            matches!(kind, VarKind::Node | VarKind::Rel | VarKind::Scalar)
        }
        "size" => matches!(kind, VarKind::Node | VarKind::Rel | VarKind::Path),
        _ => false,
    };
    if wrong {
        return Err(Error::query(format!(
            "invalid argument type: `{name}` cannot take `{v}`, which is {}",
            kind.describe()
        )));
    }
    Ok(())
}

fn check_var(v: &str, scope: &Scope) -> Result<VarKind> {
    scope.get(v).ok_or_else(|| {
        Error::query(format!("undefined variable `{v}`")).about(Subject::Variable(v.into()))
    })
}

fn check_set_item(item: &SetItem, scope: &Scope) -> Result<()> {
    match item {
        SetItem::Property { target, value, .. } => {
            check_expr(target, scope, ExprCtx::plain(), 0)?;
            check_expr(value, scope, ExprCtx::plain(), 0)
        }
        SetItem::Replace { variable, value } | SetItem::Merge { variable, value } => {
            check_var(variable, scope)?;
            check_expr(value, scope, ExprCtx::plain(), 0)
        }
        SetItem::Labels { variable, .. } => check_var(variable, scope).map(|_| ()),
    }
}

/// Checks variables, functions and aggregation in an expression.
pub(super) fn check_expr(e: &Expr, scope: &Scope, ctx: ExprCtx, depth: usize) -> Result<()> {
    // An error about a call points at the function, unless a part of it is to blame.
    check_expr_here(e, scope, ctx, depth).map_err(|err| match e {
        Expr::Function { name, .. } => err.about(Subject::Function(name.clone())),
        Expr::CountStar => err.about(Subject::Function("count".into())),
        _ => err,
    })
}

fn check_expr_here(e: &Expr, scope: &Scope, ctx: ExprCtx, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::query(format!(
            "the expression nests more than {MAX_DEPTH} levels deep"
        )));
    }
    let d = depth + 1;
    let go = |x: &Expr| check_expr(x, scope, ctx, d);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) => Ok(()),
        Expr::Variable(v) => check_var(v, scope).map(|_| ()),
        Expr::CountStar => {
            if ctx.aggregates {
                Ok(())
            } else {
                Err(Error::query(
                    "invalid aggregation: count(*) is not allowed here",
                ))
            }
        }
        Expr::List(items) => items.iter().try_for_each(go),
        Expr::Map(entries) => entries.iter().try_for_each(|(_, v)| go(v)),
        Expr::Property(x, key) => {
            if let Expr::Variable(v) = &**x {
                if matches!(scope.get(v), Some(VarKind::Path | VarKind::RelList)) {
                    return Err(Error::query(format!(
                        "invalid argument type: `{v}` is not a node, relationship or map and has no property `{key}`"
                    )));
                }
            }
            go(x)
        }
        Expr::Unary(_, x) | Expr::HasLabels(x, _) => go(x),
        Expr::IsNull { expr, .. } => go(expr),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            go(a)?;
            go(b)
        }
        Expr::Slice(a, b, c) => {
            go(a)?;
            b.as_deref().map_or(Ok(()), go)?;
            c.as_deref().map_or(Ok(()), go)
        }
        Expr::Function {
            name,
            distinct,
            args,
        } => {
            let lower = name.to_lowercase();
            let Some((min, max)) = functions::arity(&lower) else {
                return Err(Error::query(format!("unknown function `{name}`")));
            };
            if args.len() < min || args.len() > max {
                return Err(Error::query(format!(
                    "invalid number of arguments: `{name}` takes {}",
                    if min == max {
                        format!("{min} argument(s)")
                    } else if max == usize::MAX {
                        format!("at least {min} argument(s)")
                    } else {
                        format!("{min} to {max} arguments")
                    }
                )));
            }
            if functions::is_aggregate(&lower) {
                if !ctx.aggregates {
                    return Err(Error::query(format!(
                        "invalid aggregation: `{name}` is not allowed here"
                    )));
                }
                if args.iter().any(contains_aggregate) {
                    return Err(Error::query(format!(
                        "nested aggregation: `{name}` cannot take an aggregate as its argument"
                    )));
                }
                let inner = ExprCtx::plain();
                return args.iter().try_for_each(|a| check_expr(a, scope, inner, d));
            }
            if *distinct {
                return Err(Error::query(format!(
                    "invalid argument passing mode: DISTINCT only applies to aggregates, not `{name}`"
                )));
            }
            if let [Expr::Variable(v)] = args.as_slice() {
                check_argument_kind(&lower, name, v, scope.get(v))?;
            }
            if lower == "exists" {
                let inner = ExprCtx {
                    patterns: true,
                    ..ctx
                };
                return args.iter().try_for_each(|a| check_expr(a, scope, inner, d));
            }
            args.iter().try_for_each(go)
        }
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            subject.as_deref().map_or(Ok(()), go)?;
            for (w, t) in whens {
                go(w)?;
                go(t)?;
            }
            else_.as_deref().map_or(Ok(()), go)
        }
        Expr::ListComprehension {
            variable,
            list,
            filter,
            map,
        } => {
            go(list)?;
            let mut inner = scope.clone();
            inner.add(variable, VarKind::Value);
            if let Some(x) = filter {
                check_expr(x, &inner, ExprCtx::predicate(), d)?;
            }
            if let Some(x) = map {
                check_expr(
                    x,
                    &inner,
                    ExprCtx {
                        aggregates: false,
                        ..ctx
                    },
                    d,
                )?;
            }
            Ok(())
        }
        Expr::Quantified {
            variable,
            list,
            predicate,
            ..
        } => {
            go(list)?;
            let mut inner = scope.clone();
            inner.add(variable, VarKind::Value);
            check_expr(predicate, &inner, ExprCtx::predicate(), d)
        }
        Expr::Reduce {
            accumulator,
            init,
            variable,
            list,
            expr,
        } => {
            go(init)?;
            go(list)?;
            let mut inner = scope.clone();
            inner.add(accumulator, VarKind::Value);
            inner.add(variable, VarKind::Value);
            check_expr(expr, &inner, ExprCtx::plain(), d)
        }
        Expr::PatternPredicate(p) => {
            if !ctx.patterns {
                return Err(Error::query(
                    "unexpected syntax: a pattern can only be used as a predicate in WHERE",
                ));
            }
            if p.steps.is_empty() {
                return Err(Error::query(
                    "invalid argument type: a single node is not a pattern predicate",
                ));
            }
            check_pattern_expr(p, scope, false, d)?;
            Ok(())
        }
        Expr::PatternComprehension {
            pattern,
            filter,
            map,
        } => {
            let inner = check_pattern_expr(pattern, scope, true, d)?;
            if let Some(x) = filter {
                check_expr(x, &inner, ExprCtx::predicate(), d)?;
            }
            check_expr(map, &inner, ExprCtx::plain(), d)
        }
        Expr::Exists { patterns, where_ } => {
            let mut inner = scope.clone();
            for p in patterns {
                inner = check_pattern_expr(p, &inner, true, d)?;
            }
            if let Some(w) = where_ {
                check_expr(w, &inner, ExprCtx::predicate(), d)?;
            }
            Ok(())
        }
    }
}

/// Checks a pattern inside an expression; returns the scope with its variables.
/// A pattern predicate may not introduce new named variables.
fn check_pattern_expr(
    p: &PathPattern,
    scope: &Scope,
    may_bind: bool,
    depth: usize,
) -> Result<Scope> {
    let mut inner = scope.clone();
    let mut nodes = vec![&p.start];
    nodes.extend(p.steps.iter().map(|(_, n)| n));
    let ctx = ExprCtx::plain();
    for n in nodes {
        if let Some(x) = &n.properties {
            check_expr(x, scope, ctx, depth)?;
        }
        if let Some(v) = &n.variable {
            match inner.get(v) {
                Some(VarKind::Node) | Some(VarKind::Value) => {}
                Some(k) => {
                    return Err(Error::query(format!(
                        "variable type conflict: `{v}` is {} and cannot be used as a node",
                        k.describe()
                    )))
                }
                None if may_bind => inner.add(v, VarKind::Node),
                None => return Err(Error::query(format!("undefined variable `{v}`"))),
            }
        }
    }
    for (r, _) in &p.steps {
        if let Some(x) = &r.properties {
            check_expr(x, scope, ctx, depth)?;
        }
        if let Some(v) = &r.variable {
            match inner.get(v) {
                Some(_) => {}
                None if may_bind => inner.add(
                    v,
                    if r.length.is_some() {
                        VarKind::RelList
                    } else {
                        VarKind::Rel
                    },
                ),
                None => return Err(Error::query(format!("undefined variable `{v}`"))),
            }
        }
    }
    if let Some(v) = &p.variable {
        if may_bind {
            inner.add(v, VarKind::Path);
        } else {
            return Err(Error::query(format!(
                "undefined variable `{v}`: a pattern predicate cannot name its path"
            )));
        }
    }
    Ok(inner)
}

// ---- EXPLAIN ----

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_with(f, None)
    }
}

/// Rows and time measured for one step, for `PROFILE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepProfile {
    pub rows: usize,
    pub micros: u128,
}

impl Plan {
    /// Writes the plan as an indented tree: the result at the top, each operator
    /// above the one that feeds it. `profile[part][step]` adds measured figures.
    pub fn fmt_with(
        &self,
        f: &mut dyn fmt::Write,
        profile: Option<&[Vec<StepProfile>]>,
    ) -> fmt::Result {
        let mut indent = 0;
        if self.parts.len() > 1 {
            let all = self.union_all.first().copied().unwrap_or(false);
            writeln!(f, "{}", if all { "UnionAll" } else { "Union" })?;
            indent = 1;
        }
        for (pi, part) in self.parts.iter().enumerate() {
            for (depth, (si, step)) in part.steps.iter().enumerate().rev().enumerate() {
                let pad = "  ".repeat(indent + depth);
                write!(f, "{pad}{}", describe(&step.op))?;
                if let Some(p) = profile.and_then(|p| p.get(pi)).and_then(|p| p.get(si)) {
                    write!(
                        f,
                        " (rows: {}, time: {:.3} ms)",
                        p.rows,
                        p.micros as f64 / 1000.0
                    )?;
                }
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

fn describe(op: &Op) -> String {
    match op {
        Op::Match(m) => {
            let mut s = String::from(if m.optional { "OptionalMatch" } else { "Match" });
            for (i, p) in m.patterns.iter().enumerate() {
                s.push_str(if i == 0 { " " } else { "; " });
                s.push_str(&describe_pattern(p, &m.work));
            }
            if let Some(w) = &m.where_ {
                s.push_str(&format!(" where {}", show(w)));
            }
            if m.memo.is_some() {
                s.push_str(" (distinct states)");
            }
            s
        }
        Op::Unwind { expr, variable } => format!("Unwind {} AS {variable}", show(expr)),
        Op::Call(c) => {
            let args: Vec<String> = c.args.iter().map(show).collect();
            let mut s = format!("ProcedureCall {}({})", c.procedure.name, args.join(", "));
            if !c.variables.is_empty() {
                s.push_str(&format!(" YIELD {}", c.variables.join(", ")));
            }
            if let Some(w) = &c.where_ {
                s.push_str(&format!(" where {}", show(w)));
            }
            s
        }
        Op::Project(p) => {
            let mut s = String::from(if p.is_return { "Return" } else { "With" });
            if p.distinct {
                s.push_str(" distinct");
            }
            let cols: Vec<&str> = p.items.iter().map(|(n, _)| n.as_str()).collect();
            s.push_str(&format!(" [{}]", cols.join(", ")));
            if p.aggregating() {
                let aggs: Vec<String> = p
                    .aggregates
                    .iter()
                    .map(|a| {
                        let args: Vec<String> = a.args.iter().map(show).collect();
                        format!(
                            "{}({}{})",
                            a.function,
                            if a.distinct { "DISTINCT " } else { "" },
                            if args.is_empty() {
                                "*".to_string()
                            } else {
                                args.join(", ")
                            }
                        )
                    })
                    .collect();
                s.push_str(&format!(" aggregate {}", aggs.join(", ")));
            }
            if !p.order_by.is_empty() {
                s.push_str(" order by");
            }
            if p.skip.is_some() {
                s.push_str(" skip");
            }
            if p.limit.is_some() {
                s.push_str(" limit");
            }
            if p.where_.is_some() {
                s.push_str(" where");
            }
            s
        }
        Op::Create(c) => format!("Create {} pattern(s)", c.patterns.len()),
        Op::Merge(_) => "Merge".to_string(),
        Op::Set(items) => format!("Set {} item(s)", items.len()),
        Op::Remove(items) => format!("Remove {} item(s)", items.len()),
        Op::Delete { detach, exprs } => format!(
            "{}Delete {} item(s)",
            if *detach { "Detach" } else { "" },
            exprs.len()
        ),
    }
}

fn describe_pattern(p: &PatternPlan, work: &[String]) -> String {
    let name = |slot: usize| {
        let n = work.get(slot).map_or("", String::as_str);
        if is_hidden(n) {
            String::new()
        } else {
            n.to_string()
        }
    };
    let start = match &p.start {
        Start::Bound => "bound".to_string(),
        Start::Key(kind, e) => format!("key lookup :{} {}", kind.label(), show(e)),
        Start::Label(l) => format!("label scan :{l}"),
        Start::Id(e) => format!("id lookup {}", show(e)),
        Start::All => "all nodes".to_string(),
    };
    let mut s = format!("from ({}) by {start}", name(p.nodes[p.anchor].slot));
    for (ri, from, to) in hop_order(p) {
        let r = &p.rels[ri];
        let mut t = format!("[{}", name(r.slot));
        if !r.types.is_empty() {
            t.push(':');
            t.push_str(&r.types.join("|"));
        }
        if let Some(range) = r.length {
            t.push('*');
            if let Some(a) = range.min {
                t.push_str(&a.to_string());
            }
            t.push_str("..");
            if let Some(b) = range.max {
                t.push_str(&b.to_string());
            }
            if r.reach_only {
                t.push_str(" reachability");
            }
        }
        t.push(']');
        // Written as walked: from the node already bound to the next one.
        let forward = to > from;
        let (left, right) = match (r.direction, forward) {
            (Direction::Both, _) => ("-", "-"),
            (Direction::Outgoing, true) | (Direction::Incoming, false) => ("-", "->"),
            _ => ("<-", "-"),
        };
        s.push_str(&format!(
            " expand ({}){left}{t}{right}({})",
            name(p.nodes[from].slot),
            name(p.nodes[to].slot)
        ));
    }
    match p.kind {
        PathKind::Shortest => format!("shortestPath {s}"),
        PathKind::AllShortest => format!("allShortestPaths {s}"),
        PathKind::Normal => s,
    }
}

/// A short rendering of an expression for plans.
fn show(e: &Expr) -> String {
    match e {
        Expr::Literal(Literal::Null) => "null".into(),
        Expr::Literal(Literal::Bool(b)) => b.to_string(),
        Expr::Literal(Literal::Int(i)) => i.to_string(),
        Expr::Literal(Literal::Float(x)) => crate::value::Value::Float(*x).to_string(),
        Expr::Literal(Literal::String(s)) => crate::value::Value::from(s.as_str()).to_string(),
        Expr::Parameter(p) => format!("${p}"),
        Expr::Variable(v) if is_hidden(v) => format!("#{}", v.trim_start()),
        Expr::Variable(v) => v.clone(),
        Expr::Property(x, k) => format!("{}.{k}", show(x)),
        Expr::CountStar => "count(*)".into(),
        Expr::Function { name, args, .. } => {
            let a: Vec<String> = args.iter().map(show).collect();
            format!("{name}({})", a.join(", "))
        }
        Expr::Binary(op, a, b) => format!("{} {op:?} {}", show(a), show(b)),
        Expr::List(items) => {
            let a: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", a.join(", "))
        }
        _ => "…".into(),
    }
}
