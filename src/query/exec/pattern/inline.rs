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
/// predicates, `exists { }`, pattern comprehensions, `COUNT { }`), made the
/// first time a row reaches each one and run with each later row's values as
/// arguments: nothing is planned again per row.
#[derive(Default)]
pub struct InlinePlans {
    plans: Vec<InlinePlan>,
}

struct InlinePlan {
    /// Where the patterns are in the statement's plan: a quick first test.
    at: *const PathPattern,
    patterns: Vec<PathPattern>,
    where_: Option<Expr>,
    /// The names of the row the plan binds from.
    names: Vec<String>,
    op: Rc<MatchOp>,
}

impl InlinePlans {
    /// How many subquery plans were made.
    pub fn planned(&self) -> usize {
        self.plans.len()
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
                p.at == patterns.as_ptr()
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
    ctx.inline.borrow_mut().plans.push(InlinePlan {
        at: patterns.as_ptr(),
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
