//! `CALL`: planning a procedure call against its declaration, and running it
//! once per input row.
//!
//! A call is checked when the statement is planned: the procedure must be
//! registered (else a suggestion of the nearest name), the number of arguments
//! must fit its declaration, literal arguments must have the declared type,
//! and each `YIELD` column must be one of its outputs, bound to a new
//! variable. A standalone call (`CALL db.labels()` alone) returns the yielded
//! columns, all of them without `YIELD`, and may take its arguments from the
//! parameters of the same names when written without parentheses.

use std::sync::Arc;

use super::eval::{eval, literal, Ctx, Frame};
use super::plan::{check_expr, ExprCtx, Scope, VarKind};
use super::procedures::{ProcCtx, Procedure, Registry, WriteCtx, WriteFn};
use super::values::Val;
use super::MAX_VALUES;
use crate::error::{Detail, Error, Result};
use crate::graph::Txn;
use crate::query::ast::{Call, Expr};

/// A planned `CALL`.
#[derive(Debug)]
pub struct CallOp {
    pub procedure: Arc<Procedure>,
    /// The arguments given, in order; declared arguments past them take their defaults.
    pub args: Vec<Expr>,
    /// The index of the output column bound to each new slot, in slot order.
    pub yields: Vec<usize>,
    /// The new variables, in slot order.
    pub variables: Vec<String>,
    /// `YIELD ... WHERE`, checked on each output row.
    pub where_: Option<Expr>,
}

impl CallOp {
    /// Whether the procedure has no outputs: each input row then passes once.
    pub fn void(&self) -> bool {
        self.procedure.outputs.is_empty()
    }
}

/// Checks a call and binds its yielded variables in `scope`.
pub fn plan(
    registry: &Registry,
    scope: &mut Scope,
    call: &Call,
    standalone: bool,
) -> Result<CallOp> {
    let name = &call.procedure;
    let Some(procedure) = registry.get(name) else {
        let hint = registry
            .suggest(name)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Error::coded(
            Detail::ProcedureNotFound,
            format!("procedure not found: there is no procedure `{name}`{hint}"),
        ));
    };
    let procedure = Arc::clone(procedure);
    let args = match &call.args {
        Some(args) => args.clone(),
        None if standalone => procedure
            .args
            .iter()
            .map(|a| Expr::Parameter(a.name.clone()))
            .collect(),
        None if procedure.args.is_empty() => Vec::new(),
        None => {
            return Err(Error::coded(Detail::InvalidArgumentPassingMode, format!(
                "invalid argument passing mode: `{name}` takes arguments, which a call inside a query must pass in parentheses: {}",
                procedure.signature()
            )))
        }
    };
    if args.len() < procedure.required_args() || args.len() > procedure.args.len() {
        return Err(Error::coded(
            Detail::InvalidNumberOfArguments,
            format!(
                "invalid number of arguments: `{name}` takes {}, not {}: {}",
                if procedure.required_args() == procedure.args.len() {
                    format!("{} argument(s)", procedure.args.len())
                } else {
                    format!(
                        "{} to {} arguments",
                        procedure.required_args(),
                        procedure.args.len()
                    )
                },
                args.len(),
                procedure.signature()
            ),
        ));
    }
    for (arg, decl) in args.iter().zip(&procedure.args) {
        check_expr(arg, scope, ExprCtx::plain(), 0)?;
        if let Expr::Literal(l) = arg {
            let v = literal(l);
            if decl.ty.admit(v.clone()).is_none() {
                return Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: `{name}` takes {} for `{}`, not {}",
                        decl.ty,
                        decl.name,
                        v.type_name()
                    ),
                ));
            }
        }
    }
    let mut yields = Vec::new();
    let mut variables: Vec<String> = Vec::new();
    let mut where_ = None;
    match &call.yield_ {
        None if standalone => {
            yields.extend(0..procedure.outputs.len());
            variables.extend(procedure.outputs.iter().map(|c| c.name.clone()));
        }
        None => {}
        Some(y) => {
            if y.star {
                if !standalone {
                    return Err(Error::coded(
                        Detail::UnexpectedSyntax,
                        "unexpected syntax: YIELD * is allowed only in a standalone CALL; name the columns to yield",
                    ));
                }
                yields.extend(0..procedure.outputs.len());
                variables.extend(procedure.outputs.iter().map(|c| c.name.clone()));
            }
            for item in &y.items {
                let Some(i) = procedure.outputs.iter().position(|c| c.name == item.column) else {
                    let columns: Vec<&str> =
                        procedure.outputs.iter().map(|c| c.name.as_str()).collect();
                    return Err(Error::coded(
                        Detail::UndefinedVariable,
                        format!(
                            "undefined variable `{}`: `{name}` yields no such column; it yields {}",
                            item.column,
                            if columns.is_empty() {
                                "nothing".to_string()
                            } else {
                                columns.join(", ")
                            }
                        ),
                    ));
                };
                let var = item.variable();
                if scope.get(var).is_some() || variables.iter().any(|v| v == var) {
                    return Err(Error::coded(
                        Detail::VariableAlreadyBound,
                        format!("variable already bound: `{var}`"),
                    ));
                }
                yields.push(i);
                variables.push(var.to_string());
            }
            where_ = y.where_.clone();
        }
    }
    for v in &variables {
        scope.add(v, VarKind::Value);
    }
    if let Some(w) = &where_ {
        check_expr(w, scope, ExprCtx::predicate(), 0)?;
    }
    Ok(CallOp {
        procedure,
        args,
        yields,
        variables,
        where_,
    })
}

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
