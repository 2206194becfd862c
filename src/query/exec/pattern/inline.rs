//! Subqueries inside expressions: pattern predicates, `exists { }`, pattern
//! comprehensions and `COUNT { }`, each planned once per statement and run
//! per row with that row's values as arguments.

use std::rc::Rc;

use super::super::eval::{eval, Ctx, Frame};
use super::super::MAX_VALUES;
use super::{match_row, too_many};
use crate::error::Result;
use crate::query::ast::{Expr, PathPattern};
use crate::query::plan::{self, MatchOp};
use crate::query::values::Val;

/// The plans of the patterns inside a statement's expressions (pattern
/// predicates, `exists { }`, pattern comprehensions, `COUNT { }`): those the
/// planner made with the statement, and those made the first time a row
/// reached them; each is run with each row's values as arguments, and
/// nothing is planned again per row.
#[derive(Default)]
pub struct InlinePlans {
    plans: Vec<InlinePlan>,
    /// The plans of full subqueries (`exists { MATCH ... RETURN ... }`):
    /// where the query is in the statement, the row's names, the plan.
    full: Vec<(usize, Vec<String>, Rc<plan::Plan>)>,
    /// How many of `plans` were made while running.
    while_running: usize,
}

struct InlinePlan {
    /// Where the patterns are in the statement's plan: a quick first test.
    at: usize,
    patterns: Vec<PathPattern>,
    where_: Option<Expr>,
    /// The names of the row the plan binds from.
    names: Vec<String>,
    op: Rc<MatchOp>,
}

impl InlinePlans {
    /// The subqueries the planner planned with the statement.
    pub fn of_plan(plan: &plan::Plan) -> Self {
        let mut plans = Vec::new();
        let mut pending = vec![&plan.root];
        while let Some(node) = pending.pop() {
            plans.extend(node.subqueries.iter().map(|s| InlinePlan {
                at: s.at,
                patterns: s.patterns.clone(),
                where_: s.where_.clone(),
                names: s.names.clone(),
                op: s.op.clone(),
            }));
            pending.extend(node.inputs.iter());
        }
        InlinePlans {
            plans,
            full: Vec::new(),
            while_running: 0,
        }
    }

    /// The plan of the full subquery `query` for a row of `names`: planned
    /// the first time a row reaches it, then kept for the statement.
    pub fn full(
        &mut self,
        graph: &crate::graph::Graph,
        query: &crate::query::ast::Query,
        names: &[String],
    ) -> Result<Rc<plan::Plan>> {
        let at = query as *const _ as usize;
        if let Some((_, _, p)) = self.full.iter().find(|(a, n, _)| *a == at && n == names) {
            return Ok(p.clone());
        }
        let p = Rc::new(plan::plan_subquery(graph, names, query)?);
        self.while_running += 1;
        self.full.push((at, names.to_vec(), p.clone()));
        Ok(p)
    }

    /// How many subquery plans were made while running, not with the statement.
    pub fn planned_while_running(&self) -> usize {
        self.while_running
    }

    fn find(
        &self,
        patterns: &[PathPattern],
        where_: Option<&Expr>,
        names: &[String],
    ) -> Option<Rc<MatchOp>> {
        self.plans
            .iter()
            .find(|p| {
                p.at == patterns.as_ptr() as usize
                    && p.names == names
                    && p.patterns == patterns
                    && p.where_.as_ref() == where_
            })
            .map(|p| p.op.clone())
    }
}

/// The plan of patterns that appear inside an expression, for the variables
/// of `frame`, and the frame's values, its arguments.
fn inline_match(
    ctx: &Ctx,
    patterns: &[PathPattern],
    where_: Option<&Expr>,
    frame: &Frame,
) -> Result<(Rc<MatchOp>, Vec<Val>)> {
    let (names, vals) = frame.flatten();
    if let Some(op) = ctx.inline.borrow().find(patterns, where_, &names) {
        return Ok((op, vals));
    }
    let op = Rc::new(plan::plan_inline(ctx.graph, &names, patterns, where_)?);
    let mut inline = ctx.inline.borrow_mut();
    inline.while_running += 1;
    inline.plans.push(InlinePlan {
        at: patterns.as_ptr() as usize,
        patterns: patterns.to_vec(),
        where_: where_.cloned(),
        names,
        op: op.clone(),
    });
    Ok((op, vals))
}

/// Whether the patterns match at least once (pattern predicates and `exists`).
pub fn pattern_exists(
    ctx: &Ctx,
    patterns: &[PathPattern],
    where_: Option<&Expr>,
    frame: &Frame,
) -> Result<bool> {
    let (op, vals) = inline_match(ctx, patterns, where_, frame)?;
    let mut found = false;
    match_row(ctx, &op, &vals, false, &mut |_, _| {
        found = true;
        Ok(false)
    })?;
    Ok(found)
}

/// `[pattern WHERE filter | map]`.
pub fn pattern_comprehension(
    ctx: &Ctx,
    pattern: &PathPattern,
    filter: Option<&Expr>,
    map: &Expr,
    frame: &Frame,
) -> Result<Vec<Val>> {
    let (op, vals) = inline_match(ctx, std::slice::from_ref(pattern), filter, frame)?;
    let names: Vec<String> = op.keep.iter().map(|&i| op.work[i].clone()).collect();
    let mut out = Vec::new();
    let mut err = None;
    match_row(ctx, &op, &vals, false, &mut |row, _| {
        let f = Frame::new(&names, &row);
        match eval(ctx, map, &f) {
            Ok(v) => {
                out.push(v);
                if out.len() > MAX_VALUES {
                    err = Some(too_many());
                    return Ok(false);
                }
                Ok(true)
            }
            Err(e) => {
                err = Some(e);
                Ok(false)
            }
        }
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
