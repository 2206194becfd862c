//! Subqueries inside expressions (pattern predicates, `exists { }`, pattern
//! comprehensions, and `COUNT { }`, which is read as one), planned with the
//! statement: each operator of the tree gets the plans of the subqueries its
//! expressions hold, for the row the executor evaluates them with, and
//! `EXPLAIN` prints them under it.
//!
//! The row's names are known here for the expressions an operator evaluates
//! on its own rows: a `MATCH`'s `WHERE` (on the work row), a projection's
//! items, aggregate arguments, `ORDER BY` and `WHERE`, `UNWIND`, a `CALL`'s
//! arguments, `DELETE` and the values of `SET`; inside a list
//! comprehension, a quantifier or `reduce`, the variables they add come
//! after the row's. A subquery the planner cannot place (the properties of
//! a pattern, `CREATE`, `MERGE`, a subquery inside another) or plan is planned by the executor the first time a row
//! reaches it, once per statement (`exec/pattern/inline.rs`), and `PROFILE`
//! counts those.

use std::rc::Rc;

use super::*;

/// One subquery's plan, made with the statement.
#[derive(Debug)]
pub struct Subquery {
    /// What kind of subquery it is, as `EXPLAIN` names it.
    pub kind: &'static str,
    /// The address of the subquery's patterns in the plan's expressions,
    /// which the executor finds it by (with the patterns and names).
    pub at: usize,
    pub patterns: Vec<PathPattern>,
    pub where_: Option<Expr>,
    /// The names of the row it binds from, in the order the executor
    /// passes their values.
    pub names: Vec<String>,
    pub op: Rc<MatchOp>,
}

/// The names of a row as the executor passes them to a subquery: the last
/// binding of each name first (`Frame::flatten`).
fn flat(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names.iter().rev() {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

/// Plans the subqueries of every operator in the tree.
pub(super) fn plan_all(graph: &Graph, root: &mut PlanNode) {
    let mut pending: Vec<&mut PlanNode> = vec![root];
    while let Some(node) = pending.pop() {
        let input: Vec<String> = node.inputs.first().map_or(Vec::new(), |i| i.scope.clone());
        let mut found = Vec::new();
        match &node.op {
            Op::Match(m) => {
                let work = &m.work;
                let conjuncts = m.where_.iter().chain(m.late.iter());
                let early = m.early.iter().flatten().flatten();
                for e in conjuncts.chain(early) {
                    collect(graph, e, work, &mut found);
                }
            }
            Op::Project(p) => {
                let args = p.aggregates.iter().flat_map(|a| a.args.iter());
                for e in p.items.iter().map(|(_, e)| e).chain(args) {
                    collect(graph, e, &input, &mut found);
                }
                // `ORDER BY` and `WHERE` see the output columns after the
                // input's (or, aggregating, after the aggregates).
                let mut after: Vec<String> = if p.aggregating() {
                    p.aggregates.iter().map(|a| a.name.clone()).collect()
                } else {
                    node.inputs.first().map_or(Vec::new(), |i| i.scope.clone())
                };
                after.extend(p.items.iter().map(|(n, _)| n.clone()));
                for e in p.order_by.iter().map(|(e, _)| e).chain(&p.where_) {
                    collect(graph, e, &after, &mut found);
                }
            }
            Op::Unwind { expr, .. } => collect(graph, expr, &input, &mut found),
            Op::Call(c) => {
                for e in &c.args {
                    collect(graph, e, &input, &mut found);
                }
            }
            Op::Delete { exprs, .. } => {
                for e in exprs {
                    collect(graph, e, &input, &mut found);
                }
            }
            Op::Set(items) => {
                for item in items {
                    if let SetItem::Property { value, .. }
                    | SetItem::Replace { value, .. }
                    | SetItem::Merge { value, .. } = item
                    {
                        collect(graph, value, &input, &mut found);
                    }
                }
            }
            _ => {}
        }
        // Two mentions of one subquery at one address are one plan.
        found.dedup_by(|a, b| a.at == b.at && a.names == b.names);
        node.subqueries = found;
        pending.extend(node.inputs.iter_mut());
    }
}

/// Plans the subqueries of `e`, evaluated on a row whose frame holds
/// `names` (before [`flat`]); a list comprehension, a quantifier and
/// `reduce` add their variables to the frame of the parts they repeat.
fn collect(graph: &Graph, e: &Expr, names: &[String], out: &mut Vec<Subquery>) {
    let mut pending: Vec<(&Expr, Rc<Vec<String>>)> = vec![(e, Rc::new(names.to_vec()))];
    while let Some((e, names)) = pending.pop() {
        let (kind, patterns, where_): (_, &[PathPattern], _) = match e {
            Expr::PatternPredicate(p) => ("PatternPredicate", std::slice::from_ref(&**p), None),
            Expr::Exists { patterns, where_ } => ("Exists", patterns, where_.as_deref()),
            Expr::PatternComprehension {
                pattern, filter, ..
            } => (
                "PatternComprehension",
                std::slice::from_ref(&**pattern),
                filter.as_deref(),
            ),
            other => {
                for (x, declared) in other.scoped_sub_exprs() {
                    let names = if declared.is_empty() {
                        names.clone()
                    } else {
                        let mut inner = names.as_ref().clone();
                        inner.extend(declared.into_iter().map(String::from));
                        Rc::new(inner)
                    };
                    pending.push((x, names));
                }
                continue;
            }
        };
        let names = flat(&names);
        // One that cannot be planned here is planned, and refused, by the
        // executor when a row reaches it, as before.
        let Ok(op) = plan_inline(graph, &names, patterns, where_) else {
            continue;
        };
        out.push(Subquery {
            kind,
            at: patterns.as_ptr() as usize,
            patterns: patterns.to_vec(),
            where_: where_.cloned(),
            names,
            op: Rc::new(op),
        });
    }
}
