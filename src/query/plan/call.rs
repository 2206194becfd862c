//! `CALL`: planning a procedure call against its declaration (the executor's
//! `exec/call.rs` runs it once per input row).
//!
//! A call is checked when the statement is planned: the procedure must be
//! registered (else a suggestion of the nearest name), the number of arguments
//! must fit its declaration, literal arguments must have the declared type,
//! and each `YIELD` column must be one of its outputs, bound to a new
//! variable. A standalone call (`CALL db.labels()` alone) returns the yielded
//! columns, all of them without `YIELD`, and may take its arguments from the
//! parameters of the same names when written without parentheses.

use std::sync::Arc;

use super::{check_expr, ExprCtx, Scope, VarKind};
use crate::error::{Detail, Error, Result};
use crate::query::ast::{Call, Expr};
use crate::query::procedures::{Procedure, Registry};
use crate::query::values::literal;

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
