//! Parameters are checked before a statement is planned: one that the query
//! names and the caller did not give is a `ParameterMissing` error at compile
//! time, whether or not a row would have reached it.

use crate::error::{Detail, Error, Result, Subject};
use crate::query::ast::{Call, Clause, Expr, Query, RemoveItem, SetItem};
use crate::query::plan::visit_expr;
use crate::query::procedures::Registry;
use crate::query::Params;

/// Calls `f` on every top-level expression of `clause`.
fn clause_exprs(clause: &Clause, f: &mut dyn FnMut(&Expr)) {
    let set_item = |item: &SetItem, f: &mut dyn FnMut(&Expr)| match item {
        SetItem::Property { target, value, .. } => {
            f(target);
            f(value);
        }
        SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => f(value),
        SetItem::Labels { .. } => {}
    };
    match clause {
        Clause::Match {
            patterns, where_, ..
        } => {
            patterns.iter().for_each(|p| p.for_each_expr(&mut |x| f(x)));
            where_.iter().for_each(&mut *f);
        }
        Clause::Unwind { expr, .. } => f(expr),
        Clause::With(p) | Clause::Return(p) => {
            p.items.iter().for_each(|i| f(&i.expr));
            p.order_by.iter().for_each(|o| f(&o.expr));
            p.skip
                .iter()
                .chain(&p.limit)
                .chain(&p.where_)
                .for_each(&mut *f);
        }
        Clause::Create(patterns) => patterns.iter().for_each(|p| p.for_each_expr(&mut |x| f(x))),
        Clause::Merge {
            pattern,
            on_create,
            on_match,
        } => {
            pattern.for_each_expr(&mut |x| f(x));
            on_create
                .iter()
                .chain(on_match)
                .for_each(|i| set_item(i, f));
        }
        Clause::Set(items) => items.iter().for_each(|i| set_item(i, f)),
        Clause::Remove(items) => items.iter().for_each(|i| {
            if let RemoveItem::Property { target, .. } = i {
                f(target)
            }
        }),
        Clause::Delete { exprs, .. } => exprs.iter().for_each(&mut *f),
        Clause::Call(c) => {
            c.args.iter().flatten().for_each(&mut *f);
            if let Some(w) = c.yield_.as_ref().and_then(|y| y.where_.as_ref()) {
                f(w);
            }
        }
    }
}

/// Refuses a query that names a parameter `params` does not hold, counting
/// the arguments of a standalone call written without parentheses.
pub fn check(query: &Query, registry: &Registry, params: &Params) -> Result<()> {
    let mut missing: Option<String> = None;
    let parts = std::iter::once(&query.first).chain(query.unions.iter().map(|(_, q)| q));
    for clause in parts.flat_map(|q| q.clauses.iter()) {
        if let Clause::Call(Call {
            procedure,
            args: None,
            ..
        }) = clause
        {
            let declared = registry.get(procedure).map(|p| p.args.as_slice());
            missing = declared
                .unwrap_or_default()
                .iter()
                .find(|a| !params.contains_key(&a.name))
                .map(|a| a.name.clone());
        }
        clause_exprs(clause, &mut |e| {
            visit_expr(e, &mut |x| {
                if let Expr::Parameter(name) = x {
                    if missing.is_none() && !params.contains_key(name) {
                        missing = Some(name.clone());
                    }
                }
            })
        });
        if let Some(name) = missing {
            return Err(Error::coded(
                Detail::MissingParameter,
                format!("missing parameter `${name}`: give it with --param {name}=VALUE (or :param {name} => VALUE in the shell)"),
            )
            .about(Subject::Parameter(name)));
        }
    }
    Ok(())
}
