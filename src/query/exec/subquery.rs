//! Full subqueries, `exists { MATCH ... WITH ... RETURN ... }`: planned the
//! first time a row reaches one (once per statement, with the row's
//! variables in scope) and run with the row's values as the first row of
//! their chains.

use super::eval::{Ctx, Frame};
use super::{run_plan_from, Access, Env};
use crate::error::Result;
use crate::query::ast::Query;
use crate::query::plan::{self, StepProfile};

/// Whether `query`, run with the variables of `frame` in scope, returns a row.
pub(super) fn exists(ctx: &Ctx, query: &Query, frame: &Frame) -> Result<bool> {
    let (names, vals) = frame.flatten();
    // The planner's own names stay out of the subquery's scope.
    let (names, vals): (Vec<String>, Vec<_>) = names
        .into_iter()
        .zip(vals)
        .filter(|(n, _)| !plan::is_hidden(n))
        .unzip();
    let plan = ctx.inline.borrow_mut().full(ctx.graph, query, &names)?;
    let env = Env {
        params: ctx.params,
        cancel: ctx.cancel,
        regexes: ctx.regexes,
        deleted: ctx.deleted,
        inline: ctx.inline,
        committed: ctx.committed,
        now: ctx.now,
        next_tx: 0,
    };
    let mut profile: Vec<StepProfile> = Vec::new();
    let mut access = Access::Read(ctx.graph);
    let rows = run_plan_from(&plan, &mut access, &env, &mut profile, (&vals, &names))?;
    Ok(!rows.is_empty())
}
