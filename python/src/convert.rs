//! Values both ways between the engine and Python, in one place.
//!
//! Out: null → `None`, booleans, integers, floats, strings, lists, maps (`dict`),
//! nodes, relationships and paths ([`crate::graph_types`]). In (parameters and
//! imported records): `None`, `bool`, `int` (64-bit), `float`, `str`, lists and
//! tuples, dicts with string keys. Temporal values join here, in both
//! directions, when the engine has them.

use std::collections::BTreeMap;

use claimgraph::{ResultValue, Value};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::graph_types::{Node, Path, Relationship};

/// How deep a parameter may nest: deeper (or self-containing) values are refused
/// before they become recursion depth.
const MAX_DEPTH: usize = 200;

/// A property value as a Python object.
pub fn value_to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::Float(f) => PyFloat::new(py, *f).into_any().unbind(),
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Map(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, value_to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A record of counts (write stats, an import summary, store stats) as a
/// dict, through its serde form: its field names are its keys.
pub fn counts<'py>(
    py: Python<'py>,
    record: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyDict>> {
    let json = serde_json::to_value(record)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    let value = value_to_py(py, &Value::from_json(&json))?;
    Ok(value.into_bound(py).cast_into::<PyDict>()?)
}

/// A result value as a Python object.
pub fn result_to_py(py: Python<'_>, value: &ResultValue) -> PyResult<Py<PyAny>> {
    Ok(match value {
        ResultValue::Null => py.None(),
        ResultValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        ResultValue::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        ResultValue::Float(f) => PyFloat::new(py, *f).into_any().unbind(),
        ResultValue::String(s) => PyString::new(py, s).into_any().unbind(),
        ResultValue::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(result_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        ResultValue::Map(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, result_to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
        ResultValue::Node(n) => Py::new(py, Node::from_model(py, n)?)?.into_any(),
        ResultValue::Relationship(r) => Py::new(py, Relationship::from_model(py, r)?)?.into_any(),
        ResultValue::Path {
            nodes,
            relationships,
        } => Py::new(py, Path::from_model(py, nodes, relationships)?)?.into_any(),
    })
}

/// A Python object as a property value; `place` names it in messages (`$name`,
/// `record 3`).
pub fn from_py(obj: &Bound<'_, PyAny>, place: &str) -> PyResult<Value> {
    from_py_at(obj, place, 0)
}

fn from_py_at(obj: &Bound<'_, PyAny>, place: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "{place} nests deeper than {MAX_DEPTH} levels (or contains itself)"
        )));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // `bool` is a subclass of `int`: test it first.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<i64>().map(Value::Int).map_err(|_| {
            PyOverflowError::new_err(format!(
                "{place}: the integer {obj} does not fit in 64 bits, the range of claimgraph's integers"
            ))
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.extract::<String>()?));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list
            .iter()
            .enumerate()
            .map(|(i, item)| from_py_at(&item, &format!("{place}[{i}]"), depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::List);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return tuple
            .iter()
            .enumerate()
            .map(|(i, item)| from_py_at(&item, &format!("{place}[{i}]"), depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::List);
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = BTreeMap::new();
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{place}: map keys must be strings, not {}",
                    type_name(&k)
                )));
            };
            let key = key.extract::<String>()?;
            let value = from_py_at(&v, &format!("{place}[{key:?}]"), depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Map(map));
    }
    let name = type_name(obj);
    let hint = match name.as_str() {
        "date" | "datetime" | "time" | "timedelta" => {
            "; claimgraph has no temporal values yet: pass an ISO 8601 string"
        }
        "Node" | "Relationship" | "Path" => {
            "; pass its id and match it in the query (`MATCH (n) WHERE id(n) = $id`)"
        }
        _ => "",
    };
    Err(PyTypeError::new_err(format!(
        "{place}: a {name} cannot be a claimgraph value (expected None, bool, int, float, str, list or dict){hint}"
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".to_string())
}
