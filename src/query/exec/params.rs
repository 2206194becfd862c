//! Parameters are checked before a statement is planned: one that the query
//! names and the caller did not give is a `ParameterMissing` error at compile
//! time, whether or not a row would have reached it.

use crate::error::{Detail, Error, Result, Subject};
use crate::query::ast::{Call, Clause, Expr, Query};
use crate::query::plan::visit_expr;
use crate::query::procedures::Registry;
use crate::query::Params;

/// Refuses a query that names a parameter `params` does not hold, counting
/// the arguments of a standalone call written without parentheses.
pub fn check(query: &Query, registry: &Registry, params: &Params) -> Result<()> {
    match first_missing(query, registry, params) {
        Some(name) => Err(Error::coded(
            Detail::MissingParameter,
            format!("missing parameter `${name}`: give it with --param {name}=VALUE (or :param {name} => VALUE in the shell)"),
        )
        .about(Subject::Parameter(name))),
        None => Ok(()),
    }
}

/// The first parameter the query names (full subqueries included) that
/// `params` does not hold.
fn first_missing(query: &Query, registry: &Registry, params: &Params) -> Option<String> {
    let mut missing: Option<String> = None;
    for clause in query.parts().flat_map(|q| q.clauses.iter()) {
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
        clause.for_each_expr(&mut |e| {
            visit_expr(e, &mut |x| match x {
                _ if missing.is_some() => {}
                Expr::Parameter(name) if !params.contains_key(name) => missing = Some(name.clone()),
                Expr::ExistsQuery(q) => missing = first_missing(q, registry, params),
                _ => {}
            })
        });
        if missing.is_some() {
            return missing;
        }
    }
    None
}
