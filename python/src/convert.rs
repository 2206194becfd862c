//! Values both ways between the engine and Python, in one place.
//!
//! Out: null → `None`, booleans, integers, floats, strings, lists, maps (`dict`),
//! nodes, relationships and paths ([`crate::graph_types`]). In (parameters and
//! imported records): `None`, `bool`, `int` (64-bit), `float`, `str`, lists and
//! tuples, dicts with string keys.
//!
//! Temporal values, both ways: date ↔ `datetime.date`, localtime ↔ naive
//! `datetime.time`, time ↔ `datetime.time` with a fixed-offset tzinfo,
//! localdatetime ↔ naive `datetime.datetime`, datetime ↔ aware
//! `datetime.datetime` (a named zone as `zoneinfo.ZoneInfo`, else a fixed
//! offset), duration ↔ `datetime.timedelta` when it has no months. Python's
//! types hold microseconds: nanoseconds are truncated on the way out. A
//! duration with months, or a value out of Python's range (years 1 to 9999),
//! comes out as its ISO 8601 text.

use std::collections::BTreeMap;

use claimgraph::temporal::{self, Duration, Temporal};
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
        Value::Temporal(t) => temporal_to_py(py, t)?,
    })
}

/// Splits nanoseconds since midnight into hour, minute, second and microsecond.
fn clock(nanos: i64) -> (i64, i64, i64, i64) {
    let secs = nanos / temporal::NANOS_PER_SECOND;
    (
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        nanos % temporal::NANOS_PER_SECOND / 1000,
    )
}

/// A fixed-offset `datetime.timezone`.
fn fixed_zone<'py>(dt: &Bound<'py, PyModule>, offset: i32) -> PyResult<Bound<'py, PyAny>> {
    let delta = dt.getattr("timedelta")?.call1((0, offset))?;
    dt.getattr("timezone")?.call1((delta,))
}

/// A temporal value as a Python object (see the module's notes).
pub fn temporal_to_py(py: Python<'_>, t: &Temporal) -> PyResult<Py<PyAny>> {
    match temporal_object(py, t) {
        Ok(obj) => Ok(obj.unbind()),
        // Out of Python's range (or a duration with months): its ISO text.
        Err(_) => Ok(PyString::new(py, &t.to_string()).into_any().unbind()),
    }
}

fn temporal_object<'py>(py: Python<'py>, t: &Temporal) -> PyResult<Bound<'py, PyAny>> {
    let dt = py.import("datetime")?;
    match t {
        Temporal::Date(days) => {
            let (y, m, d) = temporal::civil_from_days(*days);
            dt.getattr("date")?.call1((y, m, d))
        }
        Temporal::LocalTime(nanos) => {
            let (h, mi, s, us) = clock(*nanos);
            dt.getattr("time")?.call1((h, mi, s, us))
        }
        Temporal::Time { nanos, offset } => {
            let (h, mi, s, us) = clock(*nanos);
            dt.getattr("time")?
                .call1((h, mi, s, us, fixed_zone(&dt, *offset)?))
        }
        Temporal::LocalDateTime { days, nanos } => {
            let (y, m, d) = temporal::civil_from_days(*days);
            let (h, mi, s, us) = clock(*nanos);
            dt.getattr("datetime")?.call1((y, m, d, h, mi, s, us))
        }
        Temporal::DateTime {
            days,
            nanos,
            offset,
            zone,
        } => {
            let (y, m, d) = temporal::civil_from_days(*days);
            let (h, mi, s, us) = clock(*nanos);
            let class = dt.getattr("datetime")?;
            if let Some(name) = zone {
                if let Ok(tz) = py
                    .import("zoneinfo")
                    .and_then(|z| z.getattr("ZoneInfo")?.call1((name,)))
                {
                    // The named zone, with the fold that gives the offset in force.
                    for fold in [0, 1] {
                        let kwargs = PyDict::new(py);
                        kwargs.set_item("tzinfo", &tz)?;
                        kwargs.set_item("fold", fold)?;
                        let value = class.call((y, m, d, h, mi, s, us), Some(&kwargs))?;
                        let utc = value.call_method0("utcoffset")?;
                        let seconds: f64 = utc.call_method0("total_seconds")?.extract()?;
                        if seconds == f64::from(*offset) {
                            return Ok(value);
                        }
                    }
                }
            }
            class.call1((y, m, d, h, mi, s, us, fixed_zone(&dt, *offset)?))
        }
        Temporal::Duration(duration) => {
            if duration.months != 0 {
                return Err(PyValueError::new_err("a duration with months"));
            }
            let kwargs = PyDict::new(py);
            kwargs.set_item("days", duration.days)?;
            kwargs.set_item("seconds", duration.seconds)?;
            kwargs.set_item("microseconds", duration.nanos / 1000)?;
            dt.getattr("timedelta")?.call((), Some(&kwargs))
        }
    }
}

/// A `datetime` object as a temporal value, or `None` when it is not one.
fn temporal_from_py(obj: &Bound<'_, PyAny>, place: &str) -> PyResult<Option<Temporal>> {
    let py = obj.py();
    let dt = py.import("datetime")?;
    let refuse = |e: String| PyValueError::new_err(format!("{place}: {e}"));
    let aware = || -> PyResult<bool> { Ok(!obj.call_method0("utcoffset")?.is_none()) };
    let iso = || -> PyResult<String> { obj.call_method0("isoformat")?.extract() };
    // `datetime` is a subclass of `date`: test it first.
    if obj.is_instance(&dt.getattr("datetime")?)? {
        if !aware()? {
            return temporal::parse::local_datetime(&iso()?)
                .map(Some)
                .map_err(refuse);
        }
        let mut text = iso()?;
        let tz = obj.getattr("tzinfo")?;
        if let Ok(key) = tz.getattr("key").and_then(|k| k.extract::<String>()) {
            text.push_str(&format!("[{key}]"));
        }
        return temporal::parse::datetime(&text).map(Some).map_err(refuse);
    }
    if obj.is_instance(&dt.getattr("date")?)? {
        return temporal::parse::date(&iso()?).map(Some).map_err(refuse);
    }
    if obj.is_instance(&dt.getattr("time")?)? {
        if !aware()? {
            return temporal::parse::local_time(&iso()?)
                .map(Some)
                .map_err(refuse);
        }
        return temporal::parse::time(&iso()?, 0).map(Some).map_err(refuse);
    }
    if obj.is_instance(&dt.getattr("timedelta")?)? {
        let days: i64 = obj.getattr("days")?.extract()?;
        let seconds: i64 = obj.getattr("seconds")?.extract()?;
        let micros: i64 = obj.getattr("microseconds")?.extract()?;
        let nanos = i128::from(seconds) * 1_000_000_000 + i128::from(micros) * 1000;
        return Duration::new(0, days, nanos)
            .map(|d| Some(Temporal::Duration(d)))
            .ok_or_else(|| refuse("the duration is out of range".to_string()));
    }
    Ok(None)
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
        ResultValue::Temporal(t) => temporal_to_py(py, t)?,
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
    if let Some(t) = temporal_from_py(obj, place)? {
        return Ok(Value::Temporal(t));
    }
    let name = type_name(obj);
    let hint = match name.as_str() {
        "Node" | "Relationship" | "Path" => {
            "; pass its id and match it in the query (`MATCH (n) WHERE id(n) = $id`)"
        }
        _ => "",
    };
    Err(PyTypeError::new_err(format!(
        "{place}: a {name} cannot be a claimgraph value (expected None, bool, int, float, str, list, dict, or a datetime date, time, datetime or timedelta){hint}"
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".to_string())
}
