//! Runtime values: property values plus graph elements held by id.
//!
//! Rows carry [`Val`]s; nodes and relationships stay ids until the result is
//! built, so that matching never clones a record.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::error::{Detail, Error, Result};
use crate::graph::Graph;
use crate::model::{NodeId, RelId};
use crate::query::ast::Literal;
use crate::result::ResultValue;
use crate::temporal::Temporal;
use crate::value::Value;

/// A value while a query runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    Node(NodeId),
    Rel(RelId),
    /// A path: `nodes.len() == rels.len() + 1`.
    Path(Box<PathVal>),
    /// Boxed, so that a value stays four words: rows of values are copied and
    /// dropped on every step of a match, and most of them are ids.
    Temporal(Box<Temporal>),
}

/// The elements of a path, in path order.
#[derive(Clone, Debug, PartialEq)]
pub struct PathVal {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

impl From<&Value> for Val {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Float(f) => Val::Float(*f),
            Value::String(s) => Val::Str(s.clone()),
            Value::List(items) => Val::List(items.iter().map(Val::from).collect()),
            Value::Map(m) => Val::Map(m.iter().map(|(k, v)| (k.clone(), Val::from(v))).collect()),
            Value::Temporal(t) => Val::Temporal(Box::new(t.clone())),
        }
    }
}

impl Val {
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Str(_) => "a string",
            Val::List(_) => "a list",
            Val::Map(_) => "a map",
            Val::Node(_) => "a node",
            Val::Rel(_) => "a relationship",
            Val::Path(_) => "a path",
            Val::Temporal(t) => temporal_type_name(t),
        }
    }

    /// The value as a storable property value; graph elements cannot be stored.
    pub fn to_property(&self) -> Result<Value> {
        Ok(match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::Float(f) => Value::Float(*f),
            Val::Str(s) => Value::String(s.clone()),
            Val::Temporal(t) => Value::Temporal((**t).clone()),
            Val::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Val::List(_) | Val::Map(_) => {
                            return Err(Error::coded(
                                Detail::InvalidPropertyType,
                                format!(
                                    "invalid property type: a list property cannot hold {}",
                                    item.type_name()
                                ),
                            ))
                        }
                        other => out.push(other.to_property()?),
                    }
                }
                Value::List(out)
            }
            Val::Map(_) | Val::Node(_) | Val::Rel(_) | Val::Path(_) => {
                return Err(Error::coded(
                    Detail::InvalidPropertyType,
                    format!(
                        "invalid property type: a property cannot hold {}",
                        self.type_name()
                    ),
                ))
            }
        })
    }

    /// The full result value, with records read from the graph. An element
    /// deleted by the query itself becomes null.
    pub fn to_result(&self, graph: &Graph) -> ResultValue {
        match self {
            Val::Null => ResultValue::Null,
            Val::Bool(b) => ResultValue::Bool(*b),
            Val::Int(i) => ResultValue::Int(*i),
            Val::Float(f) => ResultValue::Float(*f),
            Val::Str(s) => ResultValue::String(s.clone()),
            Val::Temporal(t) => ResultValue::Temporal((**t).clone()),
            Val::List(items) => {
                ResultValue::List(items.iter().map(|v| v.to_result(graph)).collect())
            }
            Val::Map(m) => ResultValue::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.to_result(graph)))
                    .collect(),
            ),
            Val::Node(id) => graph
                .node(*id)
                .map_or(ResultValue::Null, |n| ResultValue::Node(n.clone())),
            Val::Rel(id) => graph
                .relationship(*id)
                .map_or(ResultValue::Null, |r| ResultValue::Relationship(r.clone())),
            Val::Path(p) => ResultValue::Path {
                nodes: p
                    .nodes
                    .iter()
                    .filter_map(|id| graph.node(*id).cloned())
                    .collect(),
                relationships: p
                    .rels
                    .iter()
                    .filter_map(|id| graph.relationship(*id).cloned())
                    .collect(),
            },
        }
    }
}

/// The type name of a temporal value, for messages.
fn temporal_type_name(t: &Temporal) -> &'static str {
    match t {
        Temporal::Date(_) => "a date",
        Temporal::LocalTime(_) => "a local time",
        Temporal::Time { .. } => "a time",
        Temporal::LocalDateTime { .. } => "a local date time",
        Temporal::DateTime { .. } => "a date time",
        Temporal::Duration(_) => "a duration",
    }
}

/// Ternary equality of openCypher: `None` is null (unknown).
pub fn equals(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Int(x), Val::Int(y)) => Some(x == y),
        (Val::Int(x), Val::Float(y)) | (Val::Float(y), Val::Int(x)) => Some(int_float_eq(*x, *y)),
        (Val::Float(x), Val::Float(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut unknown = false;
            for (p, q) in x.iter().zip(y) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(true)
            }
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(p, q)| p != q) {
                return Some(false);
            }
            let mut unknown = false;
            for (p, q) in x.values().zip(y.values()) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(true)
            }
        }
        (Val::Node(x), Val::Node(y)) => Some(x == y),
        (Val::Rel(x), Val::Rel(y)) => Some(x == y),
        (Val::Path(x), Val::Path(y)) => Some(x == y),
        (Val::Temporal(x), Val::Temporal(y)) => Some(x.equals(y)),
        _ => Some(false),
    }
}

fn int_float_eq(i: i64, f: f64) -> bool {
    // Exact comparison: the float must be integral and convert back to the same integer.
    f.fract() == 0.0
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        && f as i64 == i
}

/// Compares two numbers exactly, even when an integer cannot be represented as a float.
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= 9.223_372_036_854_776e18 {
        return Some(Ordering::Less);
    }
    if f < -9.223_372_036_854_776e18 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Ordering::Equal => (0.0).partial_cmp(&(f - t)),
        o => Some(o),
    }
}

/// The outcome of comparing two values with `<`, `>` and the like.
pub enum Cmp {
    /// The values are ordered.
    Ord(Ordering),
    /// The values cannot be compared: the comparison is null.
    Null,
    /// The values are comparable but unordered (NaN): the comparison is false.
    False,
}

/// Compares for `<`, `<=`, `>`, `>=`: only values of the same kind compare.
pub fn compare(a: &Val, b: &Val) -> Cmp {
    let of = |o: Option<Ordering>| o.map_or(Cmp::False, Cmp::Ord);
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Cmp::Ord(x.cmp(y)),
        (Val::Float(x), Val::Float(y)) => of(x.partial_cmp(y)),
        (Val::Int(x), Val::Float(y)) => of(cmp_int_float(*x, *y)),
        (Val::Float(x), Val::Int(y)) => of(cmp_int_float(*y, *x).map(Ordering::reverse)),
        (Val::Str(x), Val::Str(y)) => Cmp::Ord(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Cmp::Ord(x.cmp(y)),
        (Val::Temporal(x), Val::Temporal(y)) => x.compare(y).map_or(Cmp::Null, Cmp::Ord),
        (Val::List(x), Val::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q) {
                    Cmp::Ord(Ordering::Equal) => {}
                    Cmp::Ord(o) => return Cmp::Ord(o),
                    other => return other,
                }
            }
            Cmp::Ord(x.len().cmp(&y.len()))
        }
        _ => Cmp::Null,
    }
}

/// The rank of a value's type in the global sort order.
fn rank(v: &Val) -> u8 {
    match v {
        Val::Map(_) => 0,
        Val::Node(_) => 1,
        Val::Rel(_) => 2,
        Val::List(_) => 3,
        Val::Path(_) => 4,
        Val::Temporal(_) => 5,
        Val::Str(_) => 5,
        Val::Bool(_) => 6,
        Val::Int(_) | Val::Float(_) => 7,
        Val::Null => 8,
    }
}

/// The global sort order of `ORDER BY`, `min` and `max`: every pair of values is ordered,
/// nulls last. NaN sorts after every other number.
pub fn order(a: &Val, b: &Val) -> Ordering {
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => x.cmp(y),
        (Val::Float(x), Val::Float(y)) => float_order(*x, *y),
        (Val::Int(x), Val::Float(y)) => {
            if y.is_nan() {
                Ordering::Less
            } else {
                cmp_int_float(*x, *y).unwrap_or(Ordering::Equal)
            }
        }
        (Val::Float(x), Val::Int(y)) => {
            if x.is_nan() {
                Ordering::Greater
            } else {
                cmp_int_float(*y, *x).unwrap_or(Ordering::Equal).reverse()
            }
        }
        (Val::Str(x), Val::Str(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::List(x), Val::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Val::Map(x), Val::Map(y)) => {
            for ((kx, vx), (ky, vy)) in x.iter().zip(y) {
                let o = kx.cmp(ky).then_with(|| order(vx, vy));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Val::Node(x), Val::Node(y)) => x.cmp(y),
        (Val::Rel(x), Val::Rel(y)) => x.cmp(y),
        (Val::Path(x), Val::Path(y)) => x.nodes.cmp(&y.nodes).then_with(|| x.rels.cmp(&y.rels)),
        (Val::Temporal(x), Val::Temporal(y)) => x.order(y),
        (Val::Temporal(_), Val::Str(_)) => Ordering::Less,
        (Val::Str(_), Val::Temporal(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

fn float_order(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// A row's key with its hash worked out once: a table that grows moves its
/// entries by the stored number instead of reading every key again.
#[derive(Debug, Eq)]
pub struct HashedKey {
    hash: u64,
    key: Vec<Key>,
}

impl HashedKey {
    pub fn new(key: Vec<Key>) -> Self {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        key.hash(&mut h);
        HashedKey {
            hash: h.finish(),
            key,
        }
    }
}

impl PartialEq for HashedKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key == other.key
    }
}

impl std::hash::Hash for HashedKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A hashable form of a value, for grouping and `DISTINCT`: equal values (1 and
/// 1.0 included) give equal keys, and null equals null.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Null,
    Bool(bool),
    Int(i64),
    /// A float that is not an integer, by its bits (NaN normalised).
    Float(u64),
    Str(String),
    List(Vec<Key>),
    Map(Vec<(String, Key)>),
    Node(NodeId),
    Rel(RelId),
    /// Boxed, as is a temporal value, so that a key stays four words: keys
    /// fill the hash tables of grouping and `DISTINCT`.
    Path(Box<(Vec<NodeId>, Vec<RelId>)>),
    Temporal(Box<Temporal>),
}

impl Key {
    pub fn of(v: &Val) -> Key {
        match v {
            Val::Null => Key::Null,
            Val::Bool(b) => Key::Bool(*b),
            Val::Int(i) => Key::Int(*i),
            Val::Float(f) => {
                if f.fract() == 0.0 && *f >= -9.2e18 && *f <= 9.2e18 {
                    Key::Int(*f as i64)
                } else if f.is_nan() {
                    Key::Float(f64::NAN.to_bits())
                } else {
                    Key::Float(f.to_bits())
                }
            }
            Val::Str(s) => Key::Str(s.clone()),
            Val::List(items) => Key::List(items.iter().map(Key::of).collect()),
            Val::Map(m) => Key::Map(m.iter().map(|(k, v)| (k.clone(), Key::of(v))).collect()),
            Val::Node(id) => Key::Node(*id),
            Val::Rel(id) => Key::Rel(*id),
            Val::Path(p) => Key::Path(Box::new((p.nodes.clone(), p.rels.clone()))),
            Val::Temporal(t) => Key::Temporal(t.clone()),
        }
    }

    pub fn of_row(vals: &[Val]) -> Vec<Key> {
        vals.iter().map(Key::of).collect()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_four_words() {
        // Every step of a match copies, binds and drops values; a temporal
        // value held inline would make all of them half as large again.
        assert!(
            std::mem::size_of::<Val>() <= 32,
            "{}",
            std::mem::size_of::<Val>()
        );
        // Keys fill the hash tables of grouping and DISTINCT.
        assert!(
            std::mem::size_of::<Key>() <= 32,
            "{}",
            std::mem::size_of::<Key>()
        );
    }

    #[test]
    fn null_equality_is_unknown() {
        assert_eq!(equals(&Val::Null, &Val::Int(1)), None);
        assert_eq!(equals(&Val::Int(1), &Val::Float(1.0)), Some(true));
        assert_eq!(
            equals(
                &Val::List(vec![Val::Int(1), Val::Null]),
                &Val::List(vec![Val::Int(2), Val::Null])
            ),
            Some(false)
        );
        assert_eq!(
            equals(
                &Val::List(vec![Val::Int(1), Val::Null]),
                &Val::List(vec![Val::Int(1), Val::Null])
            ),
            None
        );
    }

    #[test]
    fn global_order_puts_nulls_last() {
        let mut v = [
            Val::Null,
            Val::Int(2),
            Val::Str("a".into()),
            Val::Float(1.5),
            Val::Bool(true),
            Val::Float(f64::NAN),
        ];
        v.sort_by(order);
        assert_eq!(v[0], Val::Str("a".into()));
        assert_eq!(v[1], Val::Bool(true));
        assert_eq!(v[2], Val::Float(1.5));
        assert_eq!(v[3], Val::Int(2));
        assert!(matches!(v[4], Val::Float(f) if f.is_nan()));
        assert_eq!(v[5], Val::Null);
    }

    #[test]
    fn keys_identify_equal_numbers() {
        assert_eq!(Key::of(&Val::Int(1)), Key::of(&Val::Float(1.0)));
        assert_ne!(Key::of(&Val::Int(1)), Key::of(&Val::Float(1.5)));
    }
}
