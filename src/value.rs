//! Property values: what a node or relationship property can hold.
//!
//! These are the values that are stored. Query results add nodes, relationships
//! and paths on top of them (see [`crate::result::ResultValue`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A property value of the property-graph model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// A date, time, datetime or duration. Added last, so that stores written
    /// before temporal values existed keep decoding.
    Temporal(crate::temporal::Temporal),
}

pub use crate::props::Properties;

impl Value {
    /// The value as a string slice, when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Converts a JSON value (a `--param`, a `.jsonl` property) into a property value.
    /// Integers that fit in `i64` stay integers; other numbers become floats.
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Value::String(s.clone()),
            J::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            J::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The value as JSON. Non-finite floats, which JSON cannot hold, become null.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::String(s) => J::String(s.clone()),
            Value::Temporal(t) => J::String(t.to_string()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(map) => {
                J::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// Writes a float the way Cypher prints it: always with a decimal point or exponent.
pub fn format_float(f: f64, out: &mut impl fmt::Write) -> fmt::Result {
    if f.is_nan() {
        write!(out, "NaN")
    } else if f.is_infinite() {
        write!(out, "{}", if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else if f == f.trunc() && f.abs() < 1e16 {
        write!(out, "{f:.1}")
    } else {
        // Debug is the shortest text that reads back as the same f64, with an
        // exponent for large and small magnitudes (`1e17`), so it never looks
        // like an integer.
        write!(out, "{f:?}")
    }
}

/// Writes a string as a Cypher single-quoted literal.
pub fn quote_string(s: &str, out: &mut impl fmt::Write) -> fmt::Result {
    out.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => out.write_str("\\'")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\t' => out.write_str("\\t")?,
            '\r' => out.write_str("\\r")?,
            c if c.is_control() => write!(out, "\\u{:04X}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('\'')
}

/// Writes a map key or name, backquoted when it is not a plain identifier.
pub fn write_name(name: &str, out: &mut impl fmt::Write) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        out.write_str(name)
    } else {
        write!(out, "`{}`", name.replace('`', "``"))
    }
}

/// Cypher literal syntax: `'text'`, `1.0`, `[1, 2]`, `{k: 'v'}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => format_float(*x, f),
            Value::String(s) => quote_string(s, f),
            Value::Temporal(t) => {
                write!(f, "{}(", t.constructor())?;
                quote_string(&t.to_string(), f)?;
                f.write_str(")")
            }
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_name(k, f)?;
                    write!(f, ": {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_floats_and_read_back_the_same() {
        for f in [
            0.0,
            -1.0,
            1.5,
            1e15,
            1e16,
            1e17,
            1e20,
            1.5e300,
            1e-7,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let text = Value::Float(f).to_string();
            assert!(text.contains(['.', 'e']), "{f} printed as {text}");
            assert_eq!(text.parse::<f64>().unwrap(), f, "{text}");
        }
    }
}
