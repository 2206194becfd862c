//! Evaluating expressions: null propagation, three-valued logic, integer and
//! float arithmetic, comparisons, and the scalar functions.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use regex::Regex;

use super::pattern;
use super::MAX_VALUES;
use crate::cancel::Cancel;
use crate::error::{Detail, Error, ErrorKind, Result, Subject};
use crate::graph::Graph;
use crate::model::{Node, NodeId, RelId, Relationship};
use crate::query::ast::*;
pub use crate::query::values::literal;
use crate::query::values::{compare, equals, Cmp, PathVal, Val};
use crate::query::Params;

mod calls;
mod ops;

pub use calls::*;
pub use ops::*;

/// What every evaluation needs: the graph, the parameters, the cancel flag.
pub struct Ctx<'a> {
    pub graph: &'a Graph,
    pub params: &'a Params,
    pub cancel: &'a Cancel,
    /// Compiled regular expressions by pattern.
    pub regexes: &'a RefCell<HashMap<String, Regex>>,
    /// Records deleted by this statement, kept so that `type(r)` still answers
    /// and other access fails clearly.
    pub deleted: &'a RefCell<Deleted>,
    /// The graph holds committed state only (a read-only statement), so every
    /// rule checked at commit holds: a stance relationship (`CLAIMS`,
    /// `DENIES`, `ASSESSES`) ends at a `Statement`, and `ABOUT` starts at one.
    pub committed: bool,
    /// When the statement started, in nanoseconds since the epoch: what
    /// `date()`, `datetime.statement()` and the other "now" functions answer.
    pub now: i128,
    /// The plans of the subqueries inside expressions, made once per statement.
    pub inline: &'a RefCell<super::pattern::InlinePlans>,
}

/// The records a statement deleted.
#[derive(Default)]
pub struct Deleted {
    pub nodes: HashMap<NodeId, Node>,
    pub rels: HashMap<RelId, Relationship>,
}

impl Ctx<'_> {
    fn is_deleted_node(&self, id: NodeId) -> bool {
        self.graph.node(id).is_none() && self.deleted.borrow().nodes.contains_key(&id)
    }

    fn is_deleted_rel(&self, id: RelId) -> bool {
        self.graph.relationship(id).is_none() && self.deleted.borrow().rels.contains_key(&id)
    }
}

fn deleted_access(what: &str) -> Error {
    Error::coded(
        Detail::DeletedEntityAccess,
        format!("deleted entity access: the {what} was deleted by this query"),
    )
}

/// The variables visible to an expression: a row, and the frames around it
/// (comprehension variables are frames of their own).
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub names: &'a [String],
    pub vals: &'a [Val],
    pub parent: Option<&'a Frame<'a>>,
}

impl<'a> Frame<'a> {
    pub fn new(names: &'a [String], vals: &'a [Val]) -> Self {
        Frame {
            names,
            vals,
            parent: None,
        }
    }

    /// The innermost binding of `name`. Later names in one frame win, so that
    /// a frame may list a variable again to shadow it.
    pub fn get(&self, name: &str) -> Option<&'a Val> {
        let mut frame = Some(self);
        while let Some(f) = frame {
            if let Some(i) = f.names.iter().rposition(|n| n == name) {
                return f.vals.get(i);
            }
            frame = f.parent;
        }
        None
    }

    /// The value of a bound variable: `slot.up` frames out, at `slot.index`.
    /// A slot that does not name its variable there (which the planner's
    /// binding rules out, and debug builds assert) is looked up by name.
    pub fn slot(&self, slot: &Slot) -> Option<&'a Val> {
        let mut f = self;
        let mut found = None;
        for _ in 0..slot.up {
            match f.parent {
                Some(p) => f = p,
                None => break,
            }
        }
        let i = slot.index as usize;
        if f.names.get(i).is_some_and(|n| *n == slot.name) {
            found = f.vals.get(i);
        }
        debug_assert!(
            match (found, self.get(&slot.name)) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                _ => false,
            },
            "slot {slot:?} is not the binding of `{}` in its frame",
            slot.name
        );
        found.or_else(|| self.get(&slot.name))
    }

    /// Every visible variable once, the innermost binding of each.
    pub fn flatten(&self) -> (Vec<String>, Vec<Val>) {
        let mut names: Vec<String> = Vec::new();
        let mut vals = Vec::new();
        let mut frame = Some(self);
        while let Some(f) = frame {
            for (n, v) in f.names.iter().zip(f.vals).rev() {
                if !names.contains(n) {
                    names.push(n.clone());
                    vals.push(v.clone());
                }
            }
            frame = f.parent;
        }
        (names, vals)
    }
}

fn undefined(name: &str) -> Error {
    Error::coded(
        Detail::UndefinedVariable,
        format!("undefined variable `{name}`"),
    )
}

/// A value a function cannot read or convert (the conversion functions,
/// `labels`, `type`): the TCK's `InvalidArgumentValue`.
fn value_error(what: &str, v: &Val) -> Error {
    Error::coded(
        Detail::InvalidArgumentValue,
        format!("invalid argument value: {what}, not {}", v.type_name()),
    )
}

fn type_error(what: &str, v: &Val) -> Error {
    Error::coded(
        Detail::InvalidArgumentType,
        format!("invalid argument type: {what}, not {}", v.type_name()),
    )
}

/// Evaluates an expression in a frame.
pub fn eval(ctx: &Ctx, e: &Expr, frame: &Frame) -> Result<Val> {
    Ok(match e {
        Expr::Literal(l) => literal(l),
        Expr::List(items) => Val::List(
            items
                .iter()
                .map(|x| eval(ctx, x, frame))
                .collect::<Result<_>>()?,
        ),
        Expr::Map(entries) => {
            let mut m = BTreeMap::new();
            for (k, x) in entries {
                m.insert(k.clone(), eval(ctx, x, frame)?);
            }
            Val::Map(m)
        }
        Expr::Parameter(p) => match ctx.params.get(p) {
            Some(v) => Val::from(v),
            None => {
                return Err(Error::coded(
                    Detail::MissingParameter,
                    format!("missing parameter `${p}`"),
                ))
            }
        },
        Expr::Slot(s) => match frame.slot(s) {
            Some(x) => x.clone(),
            None => return Err(undefined(&s.name)),
        },
        Expr::Variable(v) => match frame.get(v) {
            Some(x) => x.clone(),
            None => return Err(undefined(v)),
        },
        Expr::Property(x, key) => {
            let base = eval(ctx, x, frame)?;
            property(ctx, &base, key)?
        }
        Expr::Index(x, i) => {
            let base = eval(ctx, x, frame)?;
            let idx = eval(ctx, i, frame)?;
            index(ctx, &base, &idx)?
        }
        Expr::Slice(x, a, b) => {
            let base = eval(ctx, x, frame)?;
            let a = a.as_ref().map(|a| eval(ctx, a, frame)).transpose()?;
            let b = b.as_ref().map(|b| eval(ctx, b, frame)).transpose()?;
            slice(&base, a, b)?
        }
        Expr::Unary(op, x) => {
            let v = eval(ctx, x, frame)?;
            match (op, v) {
                (_, Val::Null) => Val::Null,
                (UnaryOp::Not, Val::Bool(b)) => Val::Bool(!b),
                (UnaryOp::Not, v) => return Err(type_error("NOT needs a boolean", &v)),
                (UnaryOp::Neg, Val::Int(i)) => Val::Int(i.checked_neg().ok_or_else(|| {
                    Error::coded(Detail::IntegerOverflow, "integer overflow: cannot negate")
                })?),
                (UnaryOp::Neg, Val::Float(f)) => Val::Float(-f),
                (UnaryOp::Pos, v @ (Val::Int(_) | Val::Float(_))) => v,
                (_, v) => return Err(type_error("a sign needs a number", &v)),
            }
        }
        Expr::Binary(op, a, b) => {
            binary(ctx, *op, a, b, frame).map_err(|e| match op.arithmetic_symbol() {
                Some(symbol) => e.about(Subject::Operator(symbol.to_string())),
                None => e,
            })?
        }
        Expr::IsNull { expr, negated } => {
            let v = eval(ctx, expr, frame)?;
            Val::Bool(v.is_null() != *negated)
        }
        Expr::HasLabels(x, labels) => match eval(ctx, x, frame)? {
            Val::Null => Val::Null,
            Val::Node(id) => Val::Bool(
                ctx.graph
                    .node(id)
                    .is_some_and(|n| labels.iter().all(|l| n.has_label(l))),
            ),
            // On a relationship, a label test checks its type.
            Val::Rel(id) => Val::Bool(
                ctx.graph
                    .relationship(id)
                    .is_some_and(|r| labels.iter().all(|l| *l == r.rel_type)),
            ),
            v => return Err(type_error("a label test needs a node", &v)),
        },
        Expr::Function { name, args, .. } => {
            call(ctx, name, args, frame).map_err(|e| e.about(Subject::Function(name.clone())))?
        }
        Expr::CountStar => {
            return Err(Error::coded(
                Detail::InvalidAggregation,
                "invalid aggregation: count(*) is not allowed here",
            ))
        }
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            let subject = subject.as_ref().map(|s| eval(ctx, s, frame)).transpose()?;
            for (w, t) in whens {
                let wv = eval(ctx, w, frame)?;
                let hit = match &subject {
                    Some(s) => equals(s, &wv) == Some(true),
                    None => wv == Val::Bool(true),
                };
                if hit {
                    return eval(ctx, t, frame);
                }
            }
            match else_ {
                Some(x) => eval(ctx, x, frame)?,
                None => Val::Null,
            }
        }
        Expr::ListComprehension {
            variable,
            list,
            filter,
            map,
        } => {
            let items = match eval(ctx, list, frame)? {
                Val::Null => return Ok(Val::Null),
                Val::List(items) => items,
                v => return Err(type_error("a list comprehension needs a list", &v)),
            };
            let names = [variable.clone()];
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    ctx.cancel.check()?;
                }
                let vals = [item];
                let inner = Frame {
                    names: &names,
                    vals: &vals,
                    parent: Some(frame),
                };
                if let Some(f) = filter {
                    if eval(ctx, f, &inner)? != Val::Bool(true) {
                        continue;
                    }
                }
                match map {
                    Some(m) => out.push(eval(ctx, m, &inner)?),
                    None => {
                        let [item] = vals;
                        out.push(item)
                    }
                }
            }
            Val::List(out)
        }
        Expr::Quantified {
            quantifier,
            variable,
            list,
            predicate,
        } => {
            let items = match eval(ctx, list, frame)? {
                Val::Null => return Ok(Val::Null),
                Val::List(items) => items,
                v => return Err(type_error("a quantifier needs a list", &v)),
            };
            let names = [variable.clone()];
            let (mut trues, mut nulls) = (0usize, 0usize);
            let total = items.len();
            for (i, item) in items.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    ctx.cancel.check()?;
                }
                let vals = [item];
                let inner = Frame {
                    names: &names,
                    vals: &vals,
                    parent: Some(frame),
                };
                match eval(ctx, predicate, &inner)? {
                    Val::Bool(true) => trues += 1,
                    Val::Bool(false) => {}
                    Val::Null => nulls += 1,
                    v => return Err(type_error("a quantifier's predicate must be a boolean", &v)),
                }
            }
            let falses = total - trues - nulls;
            // What the known values settle (no null could change it), else
            // null when there are nulls, else the answer without them.
            let (settled, settles_as, otherwise) = match quantifier {
                Quantifier::All => (falses > 0, false, true),
                Quantifier::Any => (trues > 0, true, false),
                Quantifier::None => (trues > 0, false, true),
                Quantifier::Single => (trues > 1, false, trues == 1),
            };
            if settled {
                Val::Bool(settles_as)
            } else if nulls > 0 {
                Val::Null
            } else {
                Val::Bool(otherwise)
            }
        }
        Expr::Reduce {
            accumulator,
            init,
            variable,
            list,
            expr,
        } => {
            let mut acc = eval(ctx, init, frame)?;
            let items = match eval(ctx, list, frame)? {
                Val::Null => return Ok(Val::Null),
                Val::List(items) => items,
                v => return Err(type_error("reduce needs a list", &v)),
            };
            let names = [accumulator.clone(), variable.clone()];
            for (i, item) in items.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    ctx.cancel.check()?;
                }
                let vals = [acc, item];
                let inner = Frame {
                    names: &names,
                    vals: &vals,
                    parent: Some(frame),
                };
                acc = eval(ctx, expr, &inner)?;
                if nesting_exceeds(&acc, MAX_NESTING) {
                    return Err(Error::ResourceLimit(format!(
                        "reduce built a value nested more than {MAX_NESTING} levels deep"
                    )));
                }
            }
            acc
        }
        Expr::PatternPredicate(p) => Val::Bool(pattern::pattern_exists(
            ctx,
            std::slice::from_ref(p),
            None,
            frame,
        )?),
        Expr::Exists { patterns, where_ } => Val::Bool(pattern::pattern_exists(
            ctx,
            patterns,
            where_.as_deref(),
            frame,
        )?),
        Expr::ExistsQuery(q) => Val::Bool(super::subquery::exists(ctx, q, frame)?),
        Expr::PatternComprehension {
            pattern: p,
            filter,
            map,
        } => Val::List(pattern::pattern_comprehension(
            ctx,
            p,
            filter.as_deref(),
            map,
            frame,
        )?),
    })
}

/// How deep lists and maps may nest inside one value. Values are walked
/// recursively (comparison, hashing, dropping), so their depth is bounded.
const MAX_NESTING: usize = 1000;

/// Whether a value nests lists or maps more than `limit` levels deep, found
/// without recursion.
fn nesting_exceeds(v: &Val, limit: usize) -> bool {
    let mut stack: Vec<(&Val, usize)> = vec![(v, 0)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Val>> = match v {
            Val::List(items) => Box::new(items.iter()),
            Val::Map(m) => Box::new(m.values()),
            _ => continue,
        };
        if depth >= limit {
            return true;
        }
        for c in children {
            if matches!(c, Val::List(_) | Val::Map(_)) {
                stack.push((c, depth + 1));
            }
        }
    }
    false
}

/// Evaluates a predicate: true, false, or null (which filters like false).
pub fn truthy(ctx: &Ctx, e: &Expr, frame: &Frame) -> Result<bool> {
    match eval(ctx, e, frame)? {
        Val::Bool(b) => Ok(b),
        Val::Null => Ok(false),
        v => Err(type_error("a predicate must be a boolean", &v)),
    }
}

fn property(ctx: &Ctx, base: &Val, key: &str) -> Result<Val> {
    match base {
        Val::Node(id) if ctx.is_deleted_node(*id) => return Err(deleted_access("node")),
        Val::Rel(id) if ctx.is_deleted_rel(*id) => return Err(deleted_access("relationship")),
        _ => {}
    }
    Ok(match base {
        Val::Null => Val::Null,
        Val::Node(id) => ctx
            .graph
            .node(*id)
            .and_then(|n| n.get(key))
            .map_or(Val::Null, Val::from),
        Val::Rel(id) => ctx
            .graph
            .relationship(*id)
            .and_then(|r| r.get(key))
            .map_or(Val::Null, Val::from),
        Val::Map(m) => m.get(key).cloned().unwrap_or(Val::Null),
        Val::Temporal(t) => super::temporal_fns::property(t, key)?,
        v => {
            return Err(type_error(
                "property access needs a node, relationship or map",
                v,
            ))
        }
    })
}

fn index(ctx: &Ctx, base: &Val, idx: &Val) -> Result<Val> {
    Ok(match (base, idx) {
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::List(items), Val::Int(i)) => {
            let n = items.len() as i64;
            let i = if *i < 0 { n + i } else { *i };
            if i < 0 || i >= n {
                Val::Null
            } else {
                items[i as usize].clone()
            }
        }
        (Val::List(_), v) => return Err(type_error("a list index must be an integer", v)),
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), Val::Str(k)) => property(ctx, base, k)?,
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), v) => {
            return Err(Error::coded(
                Detail::MapElementAccessByNonString,
                format!(
                    "map element access by non-string: a key must be a string, not {}",
                    v.type_name()
                ),
            ))
        }
        (v, _) => return Err(type_error("indexing needs a list or a map", v)),
    })
}

fn slice(base: &Val, a: Option<Val>, b: Option<Val>) -> Result<Val> {
    let items = match base {
        Val::Null => return Ok(Val::Null),
        Val::List(items) => items,
        v => return Err(type_error("slicing needs a list", v)),
    };
    let n = items.len() as i64;
    let bound = |v: Option<Val>, default: i64| -> Result<Option<i64>> {
        match v {
            None => Ok(Some(default)),
            Some(Val::Null) => Ok(None),
            Some(Val::Int(i)) => Ok(Some(if i < 0 { (n + i).max(0) } else { i.min(n) })),
            Some(v) => Err(type_error("a slice bound must be an integer", &v)),
        }
    };
    let (Some(from), Some(to)) = (bound(a, 0)?, bound(b, n)?) else {
        return Ok(Val::Null);
    };
    if from >= to {
        return Ok(Val::List(Vec::new()));
    }
    Ok(Val::List(items[from as usize..to as usize].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_without_recursion() {
        let mut v = Val::Int(1);
        for _ in 0..10 {
            v = Val::List(vec![v]);
        }
        assert!(nesting_exceeds(&v, 5));
        assert!(!nesting_exceeds(&v, 20));
        let flat = Val::List((0..1000).map(Val::Int).collect());
        assert!(!nesting_exceeds(&flat, 1));
    }
}
