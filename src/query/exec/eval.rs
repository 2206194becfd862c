//! Evaluating expressions: null propagation, three-valued logic, integer and
//! float arithmetic, comparisons, and the scalar functions.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use regex::Regex;

use super::pattern;
use super::values::{compare, equals, Cmp, PathVal, Val};
use super::MAX_VALUES;
use crate::cancel::Cancel;
use crate::error::{Error, Result, Subject};
use crate::graph::Graph;
use crate::model::{Node, NodeId, RelId, Relationship};
use crate::query::ast::*;
use crate::query::Params;

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
    Error::query(format!(
        "deleted entity access: the {what} was deleted by this query"
    ))
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

fn type_error(what: &str, v: &Val) -> Error {
    Error::query(format!(
        "invalid argument type: {what}, not {}",
        v.type_name()
    ))
}

/// Evaluates an expression in a frame.
/// The value of a literal.
pub fn literal(l: &Literal) -> Val {
    match l {
        Literal::Null => Val::Null,
        Literal::Bool(b) => Val::Bool(*b),
        Literal::Int(i) => Val::Int(*i),
        Literal::Float(f) => Val::Float(*f),
        Literal::String(s) => Val::Str(s.clone()),
    }
}

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
            None => return Err(Error::query(format!("missing parameter `${p}`"))),
        },
        Expr::Variable(v) => match frame.get(v) {
            Some(x) => x.clone(),
            None => return Err(Error::query(format!("undefined variable `{v}`"))),
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
                (UnaryOp::Neg, Val::Int(i)) => Val::Int(
                    i.checked_neg()
                        .ok_or_else(|| Error::query("integer overflow: cannot negate"))?,
                ),
                (UnaryOp::Neg, Val::Float(f)) => Val::Float(-f),
                (UnaryOp::Pos, v @ (Val::Int(_) | Val::Float(_))) => v,
                (_, v) => return Err(type_error("a sign needs a number", &v)),
            }
        }
        Expr::Binary(op, a, b) => binary(ctx, *op, a, b, frame)?,
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
            return Err(Error::query(
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
            match quantifier {
                Quantifier::All => {
                    if falses > 0 {
                        Val::Bool(false)
                    } else if nulls > 0 {
                        Val::Null
                    } else {
                        Val::Bool(true)
                    }
                }
                Quantifier::Any => {
                    if trues > 0 {
                        Val::Bool(true)
                    } else if nulls > 0 {
                        Val::Null
                    } else {
                        Val::Bool(false)
                    }
                }
                Quantifier::None => {
                    if trues > 0 {
                        Val::Bool(false)
                    } else if nulls > 0 {
                        Val::Null
                    } else {
                        Val::Bool(true)
                    }
                }
                Quantifier::Single => {
                    if trues > 1 {
                        Val::Bool(false)
                    } else if nulls > 0 {
                        Val::Null
                    } else {
                        Val::Bool(trues == 1)
                    }
                }
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
            return Err(Error::query(format!(
                "map element access by non-string: a key must be a string, not {}",
                v.type_name()
            )))
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

fn binary(ctx: &Ctx, op: BinaryOp, a: &Expr, b: &Expr, frame: &Frame) -> Result<Val> {
    // Logic first: it must not evaluate what it does not need to type-check.
    if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
        let x = logic_operand(eval(ctx, a, frame)?)?;
        let y = logic_operand(eval(ctx, b, frame)?)?;
        return Ok(match op {
            BinaryOp::And => match (x, y) {
                (Some(false), _) | (_, Some(false)) => Val::Bool(false),
                (Some(true), Some(true)) => Val::Bool(true),
                _ => Val::Null,
            },
            BinaryOp::Or => match (x, y) {
                (Some(true), _) | (_, Some(true)) => Val::Bool(true),
                (Some(false), Some(false)) => Val::Bool(false),
                _ => Val::Null,
            },
            _ => match (x, y) {
                (Some(p), Some(q)) => Val::Bool(p != q),
                _ => Val::Null,
            },
        });
    }
    let x = eval(ctx, a, frame)?;
    let y = eval(ctx, b, frame)?;
    binary_values(ctx, op, x, y)
}

fn logic_operand(v: Val) -> Result<Option<bool>> {
    match v {
        Val::Bool(b) => Ok(Some(b)),
        Val::Null => Ok(None),
        v => Err(type_error("AND, OR, XOR need booleans", &v)),
    }
}

fn tri(o: Option<bool>) -> Val {
    o.map_or(Val::Null, Val::Bool)
}

/// Applies a non-logical binary operator to two values.
pub fn binary_values(ctx: &Ctx, op: BinaryOp, x: Val, y: Val) -> Result<Val> {
    use BinaryOp as B;
    Ok(match op {
        B::Eq => tri(equals(&x, &y)),
        B::Ne => tri(equals(&x, &y).map(|b| !b)),
        B::Lt | B::Le | B::Gt | B::Ge => {
            if x.is_null() || y.is_null() {
                return Ok(Val::Null);
            }
            match compare(&x, &y) {
                Cmp::Null => Val::Null,
                Cmp::False => Val::Bool(false),
                Cmp::Ord(o) => Val::Bool(match op {
                    B::Lt => o == Ordering::Less,
                    B::Le => o != Ordering::Greater,
                    B::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }),
            }
        }
        B::In => match y {
            Val::Null => Val::Null,
            Val::List(items) => {
                let mut unknown = false;
                for item in &items {
                    match equals(&x, item) {
                        Some(true) => return Ok(Val::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    Val::Null
                } else {
                    Val::Bool(false)
                }
            }
            v => return Err(type_error("IN needs a list on its right", &v)),
        },
        B::StartsWith | B::EndsWith | B::Contains => match (&x, &y) {
            (Val::Str(s), Val::Str(t)) => Val::Bool(match op {
                B::StartsWith => s.starts_with(t.as_str()),
                B::EndsWith => s.ends_with(t.as_str()),
                _ => s.contains(t.as_str()),
            }),
            _ => Val::Null,
        },
        B::Regex => match (&x, &y) {
            (Val::Str(s), Val::Str(p)) => {
                let mut cache = ctx.regexes.borrow_mut();
                if !cache.contains_key(p) {
                    let re = Regex::new(&format!("^(?:{p})$")).map_err(|e| {
                        Error::query(format!(
                            "invalid argument value: bad regular expression: {e}"
                        ))
                    })?;
                    cache.insert(p.clone(), re);
                }
                Val::Bool(cache.get(p).is_some_and(|re| re.is_match(s)))
            }
            _ => Val::Null,
        },
        B::Add => add(x, y)?,
        B::Sub | B::Mul | B::Div | B::Mod | B::Pow => arith(op, x, y)?,
        B::And | B::Or | B::Xor => {
            let p = logic_operand(x)?;
            let q = logic_operand(y)?;
            match op {
                B::And => match (p, q) {
                    (Some(false), _) | (_, Some(false)) => Val::Bool(false),
                    (Some(true), Some(true)) => Val::Bool(true),
                    _ => Val::Null,
                },
                B::Or => match (p, q) {
                    (Some(true), _) | (_, Some(true)) => Val::Bool(true),
                    (Some(false), Some(false)) => Val::Bool(false),
                    _ => Val::Null,
                },
                _ => match (p, q) {
                    (Some(a), Some(b)) => Val::Bool(a != b),
                    _ => Val::Null,
                },
            }
        }
    })
}

fn overflow(what: &str) -> Error {
    Error::query(format!("integer overflow: {what}"))
}

fn add(x: Val, y: Val) -> Result<Val> {
    Ok(match (x, y) {
        (Val::List(mut a), Val::List(b)) => {
            a.extend(b);
            Val::List(a)
        }
        (Val::List(mut a), v) => {
            a.push(v);
            Val::List(a)
        }
        (v, Val::List(mut b)) => {
            b.insert(0, v);
            Val::List(b)
        }
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::Str(a), Val::Str(b)) => Val::Str(a + &b),
        (Val::Str(a), v @ (Val::Int(_) | Val::Float(_))) => Val::Str(a + &to_string_val(&v)),
        (v @ (Val::Int(_) | Val::Float(_)), Val::Str(b)) => Val::Str(to_string_val(&v) + &b),
        (x, y) => arith(BinaryOp::Add, x, y)?,
    })
}

fn arith(op: BinaryOp, x: Val, y: Val) -> Result<Val> {
    use BinaryOp as B;
    Ok(match (x, y) {
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::Int(a), Val::Int(b)) => match op {
            B::Add => Val::Int(a.checked_add(b).ok_or_else(|| overflow("addition"))?),
            B::Sub => Val::Int(a.checked_sub(b).ok_or_else(|| overflow("subtraction"))?),
            B::Mul => Val::Int(a.checked_mul(b).ok_or_else(|| overflow("multiplication"))?),
            B::Div => {
                if b == 0 {
                    return Err(Error::query("division by zero: integer division by zero"));
                }
                Val::Int(a.checked_div(b).ok_or_else(|| overflow("division"))?)
            }
            B::Mod => {
                if b == 0 {
                    return Err(Error::query("division by zero: integer modulo by zero"));
                }
                Val::Int(a.checked_rem(b).ok_or_else(|| overflow("modulo"))?)
            }
            _ => Val::Float((a as f64).powf(b as f64)),
        },
        (a @ (Val::Int(_) | Val::Float(_)), b @ (Val::Int(_) | Val::Float(_))) => {
            let (a, b) = (as_f64(&a), as_f64(&b));
            Val::Float(match op {
                B::Add => a + b,
                B::Sub => a - b,
                B::Mul => a * b,
                B::Div => a / b,
                B::Mod => a % b,
                _ => a.powf(b),
            })
        }
        (a, b) => {
            if let Some(r) = super::temporal_fns::arith(op, &a, &b) {
                return r;
            }
            let symbol = match op {
                B::Add => "+",
                B::Sub => "-",
                B::Mul => "*",
                B::Div => "/",
                B::Mod => "%",
                _ => "^",
            };
            return Err(Error::query(format!(
                "invalid argument type: cannot apply `{symbol}` to {} and {}",
                a.type_name(),
                b.type_name()
            )));
        }
    })
}

fn as_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// The text of a number, boolean or string, as `toString` gives it.
fn to_string_val(v: &Val) -> String {
    match v {
        Val::Int(i) => i.to_string(),
        Val::Float(f) => {
            let mut s = String::new();
            // Writing to a String cannot fail.
            let _ = crate::value::format_float(*f, &mut s);
            s
        }
        Val::Bool(b) => b.to_string(),
        Val::Str(s) => s.clone(),
        _ => String::new(),
    }
}

fn arg_int(v: &Val, what: &str) -> Result<i64> {
    match v {
        Val::Int(i) => Ok(*i),
        Val::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        v => Err(type_error(what, v)),
    }
}

/// `entity(name [, kind])`: the one entity that a name or alias names
/// ignoring case (see [`crate::claims::entity`]), or null.
fn entity(g: &crate::graph::Graph, name: &str, kind: Option<&Val>) -> Result<Val> {
    let kind = match kind {
        None | Some(Val::Null) => None,
        Some(Val::Str(k)) => Some(crate::claims::parse_kind("entity", k)?),
        Some(v) => return Err(type_error("entity needs its kind as a string", v)),
    };
    Ok(crate::claims::entity(g, name, kind)?.map_or(Val::Null, Val::Node))
}

/// Calls a scalar function.
fn call(ctx: &Ctx, name: &str, args: &[Expr], frame: &Frame) -> Result<Val> {
    let lower = name.to_lowercase();
    if lower == "coalesce" {
        for a in args {
            let v = eval(ctx, a, frame)?;
            if !v.is_null() {
                return Ok(v);
            }
        }
        return Ok(Val::Null);
    }
    let vals: Vec<Val> = args
        .iter()
        .map(|a| eval(ctx, a, frame))
        .collect::<Result<_>>()?;
    call_values(ctx, name, &lower, vals)
}

fn call_values(ctx: &Ctx, name: &str, lower: &str, mut vals: Vec<Val>) -> Result<Val> {
    let g = ctx.graph;
    if super::temporal_fns::arity(lower).is_some() {
        return super::temporal_fns::call(ctx.now, lower, &vals);
    }
    let arg0 = vals.first().cloned().unwrap_or(Val::Null);
    // Functions that take nulls themselves.
    match lower {
        "rand" => return Ok(Val::Float(random())),
        "pi" => return Ok(Val::Float(std::f64::consts::PI)),
        "e" => return Ok(Val::Float(std::f64::consts::E)),
        "timestamp" => {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            return Ok(Val::Int(ms));
        }
        "range" => return range(&vals),
        "exists" => return Ok(Val::Bool(!arg0.is_null())),
        _ => {}
    }
    if arg0.is_null() {
        return Ok(Val::Null);
    }
    let num = |v: &Val| -> Result<f64> {
        match v {
            Val::Int(i) => Ok(*i as f64),
            Val::Float(f) => Ok(*f),
            v => Err(type_error(&format!("{name} needs a number"), v)),
        }
    };
    let string = |v: &Val| -> Result<String> {
        match v {
            Val::Str(s) => Ok(s.clone()),
            v => Err(type_error(&format!("{name} needs a string"), v)),
        }
    };
    Ok(match lower {
        "id" => match arg0 {
            Val::Node(id) | Val::Rel(id) => Val::Int(id as i64),
            v => return Err(type_error("id needs a node or relationship", &v)),
        },
        "labels" => match arg0 {
            Val::Node(id) if ctx.is_deleted_node(id) => return Err(deleted_access("node")),
            Val::Node(id) => Val::List(
                g.node(id)
                    .map(|n| n.labels.iter().map(|l| Val::Str(l.clone())).collect())
                    .unwrap_or_default(),
            ),
            v => return Err(type_error("labels needs a node", &v)),
        },
        "type" => match arg0 {
            Val::Rel(id) => match g.relationship(id) {
                Some(r) => Val::Str(r.rel_type.clone()),
                None => ctx
                    .deleted
                    .borrow()
                    .rels
                    .get(&id)
                    .map_or(Val::Null, |r| Val::Str(r.rel_type.clone())),
            },
            v => return Err(type_error("type needs a relationship", &v)),
        },
        "article" => match arg0 {
            Val::Rel(id) if ctx.is_deleted_rel(id) => return Err(deleted_access("relationship")),
            Val::Rel(id) => g
                .relationship(id)
                .and_then(|r| r.article())
                .and_then(|a| g.lookup_key(crate::model::Kind::Article, a))
                .map_or(Val::Null, Val::Node),
            v => return Err(type_error("article needs a relationship", &v)),
        },
        "properties" => match arg0 {
            Val::Node(id) => Val::Map(
                g.node(id)
                    .map(|n| {
                        n.properties
                            .iter()
                            .map(|(k, v)| (k.clone(), Val::from(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Val::Rel(id) => Val::Map(
                g.relationship(id)
                    .map(|r| {
                        r.properties
                            .iter()
                            .map(|(k, v)| (k.clone(), Val::from(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            m @ Val::Map(_) => m,
            v => {
                return Err(type_error(
                    "properties needs a node, relationship or map",
                    &v,
                ))
            }
        },
        "keys" => match arg0 {
            Val::Node(id) => Val::List(
                g.node(id)
                    .map(|n| n.properties.keys().map(|k| Val::Str(k.clone())).collect())
                    .unwrap_or_default(),
            ),
            Val::Rel(id) => Val::List(
                g.relationship(id)
                    .map(|r| r.properties.keys().map(|k| Val::Str(k.clone())).collect())
                    .unwrap_or_default(),
            ),
            Val::Map(m) => Val::List(m.keys().map(|k| Val::Str(k.clone())).collect()),
            v => return Err(type_error("keys needs a node, relationship or map", &v)),
        },
        "startnode" | "endnode" => match arg0 {
            Val::Rel(id) => g.relationship(id).map_or(Val::Null, |r| {
                Val::Node(if lower == "startnode" { r.start } else { r.end })
            }),
            v => return Err(type_error(&format!("{name} needs a relationship"), &v)),
        },
        "nodes" => match arg0 {
            Val::Path(p) => Val::List(p.nodes.iter().map(|n| Val::Node(*n)).collect()),
            v => return Err(type_error("nodes needs a path", &v)),
        },
        "relationships" => match arg0 {
            Val::Path(p) => Val::List(p.rels.iter().map(|r| Val::Rel(*r)).collect()),
            v => return Err(type_error("relationships needs a path", &v)),
        },
        "length" => match arg0 {
            Val::Path(p) => Val::Int(p.rels.len() as i64),
            Val::List(l) => Val::Int(l.len() as i64),
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            v => return Err(type_error("length needs a path", &v)),
        },
        "size" => match arg0 {
            Val::List(l) => Val::Int(l.len() as i64),
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            v => return Err(type_error("size needs a list or a string", &v)),
        },
        "isempty" => match arg0 {
            Val::List(l) => Val::Bool(l.is_empty()),
            Val::Str(s) => Val::Bool(s.is_empty()),
            Val::Map(m) => Val::Bool(m.is_empty()),
            v => return Err(type_error("isEmpty needs a list, string or map", &v)),
        },
        "head" | "last" | "tail" => match arg0 {
            Val::List(mut l) => match lower {
                "head" => {
                    if l.is_empty() {
                        Val::Null
                    } else {
                        l.swap_remove(0)
                    }
                }
                "last" => l.pop().unwrap_or(Val::Null),
                _ => {
                    if l.is_empty() {
                        Val::List(l)
                    } else {
                        l.remove(0);
                        Val::List(l)
                    }
                }
            },
            v => return Err(type_error(&format!("{name} needs a list"), &v)),
        },
        "entity" => entity(g, &string(&arg0)?, vals.get(1))?,
        "tolower" => Val::Str(string(&arg0)?.to_lowercase()),
        "toupper" => Val::Str(string(&arg0)?.to_uppercase()),
        "trim" => Val::Str(string(&arg0)?.trim().to_string()),
        "ltrim" => Val::Str(string(&arg0)?.trim_start().to_string()),
        "rtrim" => Val::Str(string(&arg0)?.trim_end().to_string()),
        "reverse" => match arg0 {
            Val::Str(s) => Val::Str(s.chars().rev().collect()),
            Val::List(mut l) => {
                l.reverse();
                Val::List(l)
            }
            v => return Err(type_error("reverse needs a string or a list", &v)),
        },
        "replace" => {
            let (Some(a), Some(b)) = (vals.get(1), vals.get(2)) else {
                return Ok(Val::Null);
            };
            if a.is_null() || b.is_null() {
                return Ok(Val::Null);
            }
            Val::Str(string(&arg0)?.replace(string(a)?.as_str(), &string(b)?))
        }
        "split" => {
            let d = vals.get(1).cloned().unwrap_or(Val::Null);
            if d.is_null() {
                return Ok(Val::Null);
            }
            let s = string(&arg0)?;
            let d = string(&d)?;
            if d.is_empty() {
                Val::List(s.chars().map(|c| Val::Str(c.to_string())).collect())
            } else {
                Val::List(
                    s.split(d.as_str())
                        .map(|p| Val::Str(p.to_string()))
                        .collect(),
                )
            }
        }
        "substring" => {
            let s = string(&arg0)?;
            let start = match vals.get(1) {
                Some(Val::Null) | None => return Ok(Val::Null),
                Some(v) => arg_int(v, "substring's start must be an integer")?,
            };
            let len = match vals.get(2) {
                None => None,
                Some(Val::Null) => return Ok(Val::Null),
                Some(v) => Some(arg_int(v, "substring's length must be an integer")?),
            };
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(Error::query(
                    "negative integer argument: substring's start and length cannot be negative",
                ));
            }
            let it = s.chars().skip(start as usize);
            Val::Str(match len {
                Some(l) => it.take(l as usize).collect(),
                None => it.collect(),
            })
        }
        "left" | "right" => {
            let s = string(&arg0)?;
            let n = match vals.get(1) {
                Some(Val::Null) | None => {
                    return Err(Error::query(format!(
                        "invalid argument value: {name} needs a length"
                    )))
                }
                Some(v) => arg_int(v, &format!("{name}'s length must be an integer"))?,
            };
            if n < 0 {
                return Err(Error::query(format!(
                    "negative integer argument: {name}'s length cannot be negative"
                )));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            Val::Str(if lower == "left" {
                s.chars().take(n).collect()
            } else {
                s.chars().skip(count - n).collect()
            })
        }
        "tostring" | "tostringornull" => match &arg0 {
            Val::Int(_) | Val::Float(_) | Val::Bool(_) | Val::Str(_) => {
                Val::Str(to_string_val(&arg0))
            }
            Val::Temporal(t) => Val::Str(t.to_string()),
            _ if lower == "tostringornull" => Val::Null,
            v => return Err(type_error("toString needs a number, boolean or string", v)),
        },
        "tointeger" | "tointegerornull" => match &arg0 {
            Val::Int(i) => Val::Int(*i),
            Val::Float(f) => {
                if f.is_finite() && *f >= -9.223_372_036_854_776e18 && *f < 9.223_372_036_854_776e18
                {
                    Val::Int(f.trunc() as i64)
                } else {
                    Val::Null
                }
            }
            Val::Bool(b) => Val::Int(*b as i64),
            Val::Str(s) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(i) => Val::Int(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() && f.abs() < 9.2e18 => Val::Int(f.trunc() as i64),
                        _ => Val::Null,
                    },
                }
            }
            _ if lower == "tointegerornull" => Val::Null,
            v => return Err(type_error("toInteger needs a number, boolean or string", v)),
        },
        "tofloat" | "tofloatornull" => match &arg0 {
            Val::Int(i) => Val::Float(*i as f64),
            Val::Float(f) => Val::Float(*f),
            Val::Str(s) => s.trim().parse::<f64>().map_or(Val::Null, Val::Float),
            _ if lower == "tofloatornull" => Val::Null,
            v => return Err(type_error("toFloat needs a number or string", v)),
        },
        "toboolean" | "tobooleanornull" => match &arg0 {
            Val::Bool(b) => Val::Bool(*b),
            Val::Str(s) => match s.trim().to_lowercase().as_str() {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                _ => Val::Null,
            },
            Val::Int(i) => Val::Bool(*i != 0),
            _ if lower == "tobooleanornull" => Val::Null,
            v => {
                return Err(type_error(
                    "toBoolean needs a boolean, string or integer",
                    v,
                ))
            }
        },
        "abs" => match arg0 {
            Val::Int(i) => Val::Int(i.checked_abs().ok_or_else(|| overflow("abs"))?),
            v => Val::Float(num(&v)?.abs()),
        },
        "ceil" => Val::Float(num(&arg0)?.ceil()),
        "floor" => Val::Float(num(&arg0)?.floor()),
        "round" => {
            let x = num(&arg0)?;
            if vals.len() == 1 {
                // Halves round up, towards positive infinity.
                Val::Float((x + 0.5).floor())
            } else {
                let p = arg_int(&vals[1], "round's precision must be an integer")?;
                let f = 10f64.powi(p.clamp(-300, 300) as i32);
                Val::Float((x * f).round() / f)
            }
        }
        "sign" => match arg0 {
            Val::Int(i) => Val::Int(i.signum()),
            v => {
                let f = num(&v)?;
                Val::Int(if f > 0.0 {
                    1
                } else if f < 0.0 {
                    -1
                } else {
                    0
                })
            }
        },
        "sqrt" => Val::Float(num(&arg0)?.sqrt()),
        "exp" => Val::Float(num(&arg0)?.exp()),
        "log" => Val::Float(num(&arg0)?.ln()),
        "log10" => Val::Float(num(&arg0)?.log10()),
        "sin" => Val::Float(num(&arg0)?.sin()),
        "cos" => Val::Float(num(&arg0)?.cos()),
        "tan" => Val::Float(num(&arg0)?.tan()),
        "asin" => Val::Float(num(&arg0)?.asin()),
        "acos" => Val::Float(num(&arg0)?.acos()),
        "atan" => Val::Float(num(&arg0)?.atan()),
        "atan2" => {
            let y = vals.pop().unwrap_or(Val::Null);
            if y.is_null() {
                return Ok(Val::Null);
            }
            Val::Float(num(&arg0)?.atan2(num(&y)?))
        }
        "degrees" => Val::Float(num(&arg0)?.to_degrees()),
        "radians" => Val::Float(num(&arg0)?.to_radians()),
        _ => {
            return Err(Error::query(format!("unknown function `{name}`")));
        }
    })
}

/// `range(start, end[, step])`, refusing lists larger than the memory bound.
fn range(vals: &[Val]) -> Result<Val> {
    if vals.iter().any(Val::is_null) {
        return Ok(Val::Null);
    }
    let int = |v: &Val| match v {
        Val::Int(i) => Ok(*i),
        v => Err(type_error("range needs integers", v)),
    };
    let start = int(&vals[0])?;
    let end = int(&vals[1])?;
    let step = match vals.get(2) {
        Some(v) => int(v)?,
        None => 1,
    };
    if step == 0 {
        return Err(Error::query(
            "invalid argument value: range's step cannot be zero",
        ));
    }
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        ((end as i128 - start as i128) / step as i128 + 1) as u128
    };
    if count > MAX_VALUES as u128 {
        return Err(Error::ResourceLimit(format!(
            "range would make {count} values, more than the limit of {MAX_VALUES}"
        )));
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut x = start as i128;
    for _ in 0..count {
        out.push(Val::Int(x as i64));
        x += step as i128;
    }
    Ok(Val::List(out))
}

/// A pseudo-random float in [0, 1), from a per-thread xorshift generator.
fn random() -> f64 {
    thread_local! {
        static STATE: std::cell::Cell<u64> = std::cell::Cell::new({
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64);
            t | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// Builds a path value from a start node and the relationships walked in order.
pub fn build_path(graph: &Graph, start: u64, rels: &[u64]) -> Val {
    let mut nodes = Vec::with_capacity(rels.len() + 1);
    nodes.push(start);
    let mut at = start;
    for r in rels {
        if let Some(rel) = graph.relationship(*r) {
            at = if rel.start == at { rel.end } else { rel.start };
        }
        nodes.push(at);
    }
    Val::Path(Box::new(PathVal {
        nodes,
        rels: rels.to_vec(),
    }))
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
