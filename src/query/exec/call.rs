//! `CALL`: running a planned procedure call ([`CallOp`], planned in
//! `plan/call.rs`) once per input row.

use super::eval::{eval, Ctx, Frame};
use super::MAX_VALUES;
use crate::error::{Detail, Error, Result};
use crate::graph::Txn;
use crate::query::plan::CallOp;
use crate::query::procedures::{ProcCtx, WriteCtx, WriteFn};
use crate::query::values::Val;

/// Runs the call for every input row.
pub fn run(
    ctx: &Ctx,
    op: &CallOp,
    scope: &[String],
    out_scope: &[String],
    rows: Vec<Vec<Val>>,
) -> Result<Vec<Vec<Val>>> {
    let pctx = ProcCtx {
        graph: ctx.graph,
        cancel: ctx.cancel,
    };
    let mut out = Vec::new();
    for row in rows {
        ctx.cancel.check()?;
        let args = arguments(ctx, op, scope, &row)?;
        let results = (op.procedure.run)(&pctx, &args)?;
        emit(ctx, op, out_scope, row, results, &mut out)?;
    }
    Ok(out)
}

/// Runs the call of a procedure that writes for every input row, through
/// the statement's transaction.
pub(super) fn run_writing(
    env: &super::Env,
    txn: &mut Txn<'_>,
    write: &WriteFn,
    op: &CallOp,
    (scope, out_scope): (&[String], &[String]),
    rows: Vec<Vec<Val>>,
) -> Result<Vec<Vec<Val>>> {
    let mut out = Vec::new();
    for row in rows {
        env.cancel.check()?;
        let args = arguments(&env.ctx(txn.graph()), op, scope, &row)?;
        let wctx = WriteCtx {
            tx: env.next_tx,
            cancel: env.cancel,
        };
        let results = write(txn, &wctx, &args)?;
        emit(&env.ctx(txn.graph()), op, out_scope, row, results, &mut out)?;
    }
    Ok(out)
}

/// The arguments of one call, evaluated in `row` and converted to the declared types.
fn arguments(ctx: &Ctx, op: &CallOp, scope: &[String], row: &[Val]) -> Result<Vec<Val>> {
    let p = &op.procedure;
    let frame = Frame::new(scope, row);
    let mut args = Vec::with_capacity(p.args.len());
    for (i, decl) in p.args.iter().enumerate() {
        let v = match op.args.get(i) {
            Some(e) => eval(ctx, e, &frame)?,
            None => decl.default.clone().unwrap_or(Val::Null),
        };
        let type_name = v.type_name();
        let v = decl.ty.admit(v).ok_or_else(|| {
            Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: `{}` takes {} for `{}`, not {type_name}",
                    p.name, decl.ty, decl.name
                ),
            )
        })?;
        args.push(v);
    }
    Ok(args)
}

/// Adds the rows of one call's results to `out`.
fn emit(
    ctx: &Ctx,
    op: &CallOp,
    out_scope: &[String],
    row: Vec<Val>,
    results: Vec<Vec<Val>>,
    out: &mut Vec<Vec<Val>>,
) -> Result<()> {
    let p = &op.procedure;
    if op.void() {
        out.push(row);
        return Ok(());
    }
    let limit = MAX_VALUES / out_scope.len().max(1);
    for result in results {
        if result.len() != p.outputs.len() {
            return Err(Error::coded(
                Detail::ProcedureFailed,
                format!(
                    "procedure error: `{}` returned a row of {} values for its {} columns",
                    p.name,
                    result.len(),
                    p.outputs.len()
                ),
            ));
        }
        let mut r = row.clone();
        r.extend(op.yields.iter().map(|&i| result[i].clone()));
        if let Some(w) = &op.where_ {
            if !matches!(eval(ctx, w, &Frame::new(out_scope, &r))?, Val::Bool(true)) {
                continue;
            }
        }
        out.push(r);
        if out.len() > limit {
            return Err(Error::ResourceLimit(format!(
                "the call would hold more than {MAX_VALUES} values at once; add a LIMIT or a filter"
            )));
        }
    }
    Ok(())
}
