//! Semantic checks of projections: grouping keys beside aggregates, literal
//! counts of `SKIP` and `LIMIT`, `ORDER BY` over what is projected.

use super::*;

/// Checks that the variables an expression uses outside its aggregates are all `allowed`.
pub(super) fn check_grouping_vars(e: &Expr, allowed: &[String]) -> Result<()> {
    let mut free = Vec::new();
    let mut local = Vec::new();
    free_vars(e, &mut free, &mut local, 0);
    for v in free {
        if !local.contains(&v) && !allowed.contains(&v) {
            return Err(Error::coded(Detail::AmbiguousAggregationExpression, format!(
                "ambiguous aggregation expression: `{v}` is used next to an aggregate but is not a grouping key"
            )));
        }
    }
    Ok(())
}

/// Refuses a negative or fractional number written as `SKIP` or `LIMIT`
/// (a parameter is checked when the query runs).
pub(super) fn check_count_literal(e: &Expr, what: &str) -> Result<()> {
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
pub(super) fn order_by_error(e: Error, aggregating: bool) -> Error {
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
