//! Semantic checks of expressions: undefined variables, wrong kinds of
//! variables, unknown functions and their arguments, misplaced aggregates.

use super::*;
use crate::error::ErrorKind;

/// Where an expression appears, which decides what it may contain.
#[derive(Clone, Copy)]
pub(in crate::query) struct ExprCtx {
    aggregates: bool,
    /// Whether a bare pattern may be used as a predicate here.
    patterns: bool,
}

impl ExprCtx {
    pub(in crate::query) fn plain() -> Self {
        ExprCtx {
            aggregates: false,
            patterns: false,
        }
    }
    pub(in crate::query) fn predicate() -> Self {
        ExprCtx {
            aggregates: false,
            patterns: true,
        }
    }
    pub(in crate::query) fn projection() -> Self {
        ExprCtx {
            aggregates: true,
            patterns: false,
        }
    }
}

/// Refuses a function applied to a variable that certainly has the wrong type.
pub(super) fn check_argument_kind(
    lower: &str,
    name: &str,
    v: &str,
    kind: Option<VarKind>,
) -> Result<()> {
    let Some(kind) = kind else {
        return Ok(());
    };
    let wrong = match lower {
        "type" | "startnode" | "endnode" => !matches!(kind, VarKind::Rel | VarKind::Value),
        "labels" => !matches!(kind, VarKind::Node | VarKind::Value),
        "length" | "nodes" | "relationships" => {
            matches!(
                kind,
                VarKind::Node | VarKind::Rel | VarKind::Scalar | VarKind::Atom(_)
            )
        }
        "size" => matches!(kind, VarKind::Node | VarKind::Rel | VarKind::Path),
        _ => false,
    };
    if wrong {
        return Err(Error::coded(
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: `{name}` cannot take `{v}`, which is {}",
                kind.describe()
            ),
        ));
    }
    Ok(())
}

pub(super) fn check_var(v: &str, scope: &Scope) -> Result<VarKind> {
    scope.get(v).ok_or_else(|| {
        Error::coded(
            Detail::UndefinedVariable,
            format!("undefined variable `{v}`"),
        )
        .about(Subject::Variable(v.into()))
    })
}

pub(super) fn check_set_item(item: &SetItem, scope: &Scope) -> Result<()> {
    match item {
        SetItem::Property { target, value, .. } => {
            check_expr(target, scope, ExprCtx::plain(), 0)?;
            check_expr(value, scope, ExprCtx::plain(), 0)
        }
        SetItem::Replace { variable, value } | SetItem::Merge { variable, value } => {
            check_var(variable, scope)?;
            check_expr(value, scope, ExprCtx::plain(), 0)
        }
        SetItem::Labels { variable, .. } => check_var(variable, scope).map(|_| ()),
    }
}

/// Checks variables, functions and aggregation in an expression.
pub(in crate::query) fn check_expr(
    e: &Expr,
    scope: &Scope,
    ctx: ExprCtx,
    depth: usize,
) -> Result<()> {
    // An error about a call points at the function, unless a part of it is to blame.
    check_expr_here(e, scope, ctx, depth).map_err(|err| match e {
        Expr::Function { name, .. } => err.about(Subject::Function(name.clone())),
        Expr::CountStar => err.about(Subject::Function("count".into())),
        _ => err,
    })
}

pub(super) fn check_expr_here(e: &Expr, scope: &Scope, ctx: ExprCtx, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::query(format!(
            "the expression nests more than {MAX_DEPTH} levels deep"
        )));
    }
    let d = depth + 1;
    let go = |x: &Expr| check_expr(x, scope, ctx, d);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) => Ok(()),
        Expr::Variable(v) | Expr::Slot(Slot { name: v, .. }) => check_var(v, scope).map(|_| ()),
        Expr::CountStar => {
            if ctx.aggregates {
                Ok(())
            } else {
                Err(Error::coded(
                    Detail::InvalidAggregation,
                    "invalid aggregation: count(*) is not allowed here",
                ))
            }
        }
        Expr::Property(x, key) => {
            if let Expr::Variable(v) = &**x {
                if matches!(scope.get(v), Some(VarKind::Path | VarKind::RelList)) {
                    return Err(Error::coded(Detail::InvalidArgumentType, format!(
                        "invalid argument type: `{v}` is not a node, relationship or map and has no property `{key}`"
                    )));
                }
                if let Some(kind @ (VarKind::Atom(_) | VarKind::List)) = scope.get(v) {
                    return Err(Error::typed(ErrorKind::TypeError, Detail::InvalidArgumentType, format!(
                        "invalid argument type: `{v}` is {} and has no property `{key}`; only nodes, relationships and maps have properties",
                        kind.describe()
                    )).about(Subject::Variable(v.clone())));
                }
            }
            go(x)
        }
        Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or | BinaryOp::Xor), a, b) => {
            let word = op.word();
            for side in [a, b] {
                check_operand(side, word, &[StaticType::Bool], "booleans")
                    .map_err(|e| e.about(Subject::Operator(word.into())))?;
            }
            e.sub_exprs().into_iter().try_for_each(go)
        }
        Expr::Unary(UnaryOp::Not, x) => {
            check_operand(x, "NOT", &[StaticType::Bool], "a boolean")
                .map_err(|e| e.about(Subject::Operator("NOT".into())))?;
            go(x)
        }
        Expr::Binary(
            op @ (BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow),
            a,
            b,
        ) => {
            let symbol = op.arithmetic_symbol().unwrap_or_default();
            let (ta, tb) = (operand_type(a, scope), operand_type(b, scope));
            let wrong =
                |t: Option<StaticType>| matches!(t, Some(StaticType::Bool | StaticType::String));
            if wrong(ta) || wrong(tb) {
                // Worded as the runtime words it when both sides are known.
                let message = match (ta, tb) {
                    (Some(x), Some(y)) => format!(
                        "invalid argument type: cannot apply `{symbol}` to {} and {}",
                        x.describe(),
                        y.describe()
                    ),
                    (x, y) => format!(
                        "invalid argument type: `{symbol}` needs numbers, not {}",
                        x.or(y).map_or("a value", StaticType::describe)
                    ),
                };
                return Err(Error::coded(Detail::InvalidArgumentType, message)
                    .about(Subject::Operator(symbol.into())));
            }
            go(a)?;
            go(b)
        }
        Expr::Binary(BinaryOp::In, a, b) => {
            check_operand(b, "IN", &[StaticType::List], "a list on its right")
                .map_err(|e| e.about(Subject::Operator("IN".into())))?;
            go(a)?;
            go(b)
        }
        // Expressions whose parts are checked alike.
        Expr::List(_)
        | Expr::Map(_)
        | Expr::Unary(..)
        | Expr::HasLabels(..)
        | Expr::IsNull { .. }
        | Expr::Index(..)
        | Expr::Binary(..)
        | Expr::Slice(..)
        | Expr::Case { .. } => e.sub_exprs().into_iter().try_for_each(go),
        Expr::Function {
            name,
            distinct,
            args,
        } => {
            let lower = name.to_lowercase();
            let Some((min, max)) = functions::arity(&lower) else {
                return Err(Error::coded(
                    Detail::UnknownFunction,
                    format!("unknown function `{name}`"),
                ));
            };
            if args.len() < min || args.len() > max {
                return Err(Error::coded(
                    Detail::InvalidNumberOfArguments,
                    format!(
                        "invalid number of arguments: `{name}` takes {}",
                        if min == max {
                            format!("{min} argument(s)")
                        } else if max == usize::MAX {
                            format!("at least {min} argument(s)")
                        } else {
                            format!("{min} to {max} arguments")
                        }
                    ),
                ));
            }
            if functions::is_aggregate(&lower) {
                if !ctx.aggregates {
                    return Err(Error::coded(
                        Detail::InvalidAggregation,
                        format!("invalid aggregation: `{name}` is not allowed here"),
                    ));
                }
                if args.iter().any(contains_aggregate) {
                    return Err(Error::coded(
                        Detail::NestedAggregation,
                        format!(
                            "nested aggregation: `{name}` cannot take an aggregate as its argument"
                        ),
                    ));
                }
                let inner = ExprCtx::plain();
                return args.iter().try_for_each(|a| check_expr(a, scope, inner, d));
            }
            if *distinct {
                return Err(Error::coded(Detail::InvalidArgumentPassingMode, format!(
                    "invalid argument passing mode: DISTINCT only applies to aggregates, not `{name}`"
                )));
            }
            if let [Expr::Variable(v)] = args.as_slice() {
                check_argument_kind(&lower, name, v, scope.get(v))?;
            }
            if let ("properties", [arg]) = (lower.as_str(), args.as_slice()) {
                check_operand(arg, name, &[StaticType::Map], "a node, relationship or map")?;
            }
            if lower == "exists" {
                let inner = ExprCtx {
                    patterns: true,
                    ..ctx
                };
                return args.iter().try_for_each(|a| check_expr(a, scope, inner, d));
            }
            args.iter().try_for_each(go)
        }
        Expr::ListComprehension {
            variable,
            list,
            filter,
            map,
        } => {
            go(list)?;
            let mut inner = scope.clone();
            inner.add(variable, element_kind(list));
            if let Some(x) = filter {
                check_expr(x, &inner, ExprCtx::predicate(), d)?;
            }
            if let Some(x) = map {
                check_expr(
                    x,
                    &inner,
                    ExprCtx {
                        aggregates: false,
                        ..ctx
                    },
                    d,
                )?;
            }
            Ok(())
        }
        Expr::Quantified {
            variable,
            list,
            predicate,
            ..
        } => {
            go(list)?;
            let mut inner = scope.clone();
            inner.add(variable, element_kind(list));
            check_expr(predicate, &inner, ExprCtx::predicate(), d)
        }
        Expr::Reduce {
            accumulator,
            init,
            variable,
            list,
            expr,
        } => {
            go(init)?;
            go(list)?;
            let mut inner = scope.clone();
            inner.add(accumulator, VarKind::Value);
            inner.add(variable, VarKind::Value);
            check_expr(expr, &inner, ExprCtx::plain(), d)
        }
        Expr::PatternPredicate(p) => {
            if !ctx.patterns {
                return Err(Error::coded(
                    Detail::UnexpectedSyntax,
                    "unexpected syntax: a pattern can only be used as a predicate in WHERE",
                ));
            }
            if p.steps.is_empty() {
                return Err(Error::coded(
                    Detail::InvalidArgumentType,
                    "invalid argument type: a single node is not a pattern predicate",
                ));
            }
            check_pattern_expr(p, scope, false, d)?;
            Ok(())
        }
        Expr::PatternComprehension {
            pattern,
            filter,
            map,
        } => {
            let inner = check_pattern_expr(pattern, scope, true, d)?;
            if let Some(x) = filter {
                check_expr(x, &inner, ExprCtx::predicate(), d)?;
            }
            check_expr(map, &inner, ExprCtx::plain(), d)
        }
        Expr::Exists { patterns, where_ } => {
            let mut inner = scope.clone();
            for p in patterns {
                inner = check_pattern_expr(p, &inner, true, d)?;
            }
            if let Some(w) = where_ {
                check_expr(w, &inner, ExprCtx::predicate(), d)?;
            }
            Ok(())
        }
        // Planned here on an empty graph for its checks; the executor plans
        // it again on the graph when a row first reaches it.
        Expr::ExistsQuery(q) => super::plan_subquery_in(&Graph::new(), scope, q).map(|_| ()),
    }
}

/// Checks a pattern inside an expression; returns the scope with its variables.
/// A pattern predicate may not introduce new named variables.
pub(super) fn check_pattern_expr(
    p: &PathPattern,
    scope: &Scope,
    may_bind: bool,
    depth: usize,
) -> Result<Scope> {
    let mut inner = scope.clone();
    let mut nodes = vec![&p.start];
    nodes.extend(p.steps.iter().map(|(_, n)| n));
    let ctx = ExprCtx::plain();
    for n in nodes {
        if let Some(x) = &n.properties {
            check_expr(x, scope, ctx, depth)?;
        }
        if let Some(v) = &n.variable {
            match inner.get(v) {
                Some(VarKind::Node) | Some(VarKind::Value) => {}
                Some(k) => {
                    return Err(Error::coded(
                        Detail::VariableTypeConflict,
                        format!(
                            "variable type conflict: `{v}` is {} and cannot be used as a node",
                            k.describe()
                        ),
                    ))
                }
                None if may_bind => inner.add(v, VarKind::Node),
                None => {
                    return Err(Error::coded(
                        Detail::UndefinedVariable,
                        format!("undefined variable `{v}`"),
                    ))
                }
            }
        }
    }
    for (r, _) in &p.steps {
        if let Some(x) = &r.properties {
            check_expr(x, scope, ctx, depth)?;
        }
        if let Some(v) = &r.variable {
            match inner.get(v) {
                Some(_) => {}
                None if may_bind => inner.add(
                    v,
                    if r.length.is_some() {
                        VarKind::RelList
                    } else {
                        VarKind::Rel
                    },
                ),
                None => {
                    return Err(Error::coded(
                        Detail::UndefinedVariable,
                        format!("undefined variable `{v}`"),
                    ))
                }
            }
        }
    }
    if let Some(v) = &p.variable {
        if may_bind {
            inner.add(v, VarKind::Path);
        } else {
            return Err(Error::coded(
                Detail::UndefinedVariable,
                format!("undefined variable `{v}`: a pattern predicate cannot name its path"),
            ));
        }
    }
    Ok(inner)
}

/// The type of an expression when the query's text alone settles it (literals
/// and arithmetic over them), which lets the checks refuse at compile time
/// what could never run, as the openCypher TCK expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticType {
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
}

impl StaticType {
    pub fn describe(self) -> &'static str {
        match self {
            StaticType::Null => "null",
            StaticType::Bool => "a boolean",
            StaticType::Int => "an integer",
            StaticType::Float => "a float",
            StaticType::String => "a string",
            StaticType::List => "a list",
            StaticType::Map => "a map",
        }
    }
}

/// The type of `e` if its text settles it, `None` otherwise.
pub(super) fn static_type(e: &Expr) -> Option<StaticType> {
    use StaticType as T;
    Some(match e {
        Expr::Literal(Literal::Null) => T::Null,
        Expr::Literal(Literal::Bool(_)) => T::Bool,
        Expr::Literal(Literal::Int(_)) => T::Int,
        Expr::Literal(Literal::Float(_)) => T::Float,
        Expr::Literal(Literal::String(_)) => T::String,
        Expr::List(_) => T::List,
        Expr::Map(_) => T::Map,
        Expr::Unary(UnaryOp::Neg | UnaryOp::Pos, x) => match static_type(x)? {
            t @ (T::Int | T::Float) => t,
            _ => return None,
        },
        Expr::Binary(op, a, b) if op.arithmetic_symbol().is_some() => {
            match (static_type(a)?, static_type(b)?, op) {
                (T::Int, T::Int, BinaryOp::Pow) => T::Float,
                (T::Int, T::Int, _) => T::Int,
                (T::Int | T::Float, T::Int | T::Float, _) => T::Float,
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// The type of an operand if its text settles it: a literal, or a variable
/// bound to one.
fn operand_type(e: &Expr, scope: &Scope) -> Option<StaticType> {
    match e {
        Expr::Variable(v) => match scope.get(v) {
            Some(VarKind::Atom(t)) => Some(t),
            _ => None,
        },
        _ => static_type(e),
    }
}

/// What the variable of a comprehension or quantifier over `list` holds: the
/// elements' type when `list` is a list literal whose elements are all
/// literals of one type (a boolean, number or string), a value otherwise.
fn element_kind(list: &Expr) -> VarKind {
    let Expr::List(items) = list else {
        return VarKind::Value;
    };
    let mut types = items.iter().map(static_type);
    match types.next().flatten() {
        Some(t @ (StaticType::Bool | StaticType::Int | StaticType::Float | StaticType::String))
            if types.all(|u| u == Some(t)) =>
        {
            VarKind::Atom(t)
        }
        _ => VarKind::Value,
    }
}

/// Refuses an operand whose text shows it can never be of the types `op` takes.
fn check_operand(e: &Expr, op: &str, takes: &[StaticType], needs: &str) -> Result<()> {
    match static_type(e) {
        Some(t) if t != StaticType::Null && !takes.contains(&t) => Err(Error::coded(
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: {op} needs {needs}, not {}",
                t.describe()
            ),
        )),
        _ => Ok(()),
    }
}
