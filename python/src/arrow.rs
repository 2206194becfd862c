//! Result columns as Arrow arrays, built in Rust and handed to pyarrow through
//! the Arrow C data interface: no Python object per value.
//!
//! A column whose values are all null, booleans, integers, floats (integers
//! mixed with floats become floats), strings, dates (`date32`), local times
//! (`time64[ns]`), local datetimes (`timestamp[ns]`) or datetimes
//! (`timestamp[ns, tz]`: the column's zone, or UTC when its values have
//! different zones) becomes a typed array here.
//! Any other column (nodes, lists, maps, mixed types) is left to the Python
//! side, which converts it value by value.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, LargeStringBuilder, StringBuilder,
    Time64NanosecondBuilder, TimestampNanosecondBuilder,
};
use arrow_array::ffi::{to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, ArrayRef, NullArray};
use claimgraph::temporal::Temporal;
use claimgraph::ResultValue;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The Arrow type a column can take.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind<'a> {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Date,
    LocalTime,
    LocalDateTime,
    /// Datetimes in one zone (a name, or `None` for a fixed offset in seconds).
    DateTime(Option<&'a str>, i32),
    /// Datetimes in several zones: UTC instants.
    DateTimeUtc,
}

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// Nanoseconds since the Unix epoch of a local date and time, if they fit.
fn epoch_nanos(days: i64, nanos: i64) -> Option<i64> {
    days.checked_mul(NANOS_PER_DAY)?.checked_add(nanos)
}

/// A datetime's instant, as UTC nanoseconds since the epoch, if it fits.
fn instant_nanos(days: i64, nanos: i64, offset: i32) -> Option<i64> {
    epoch_nanos(days, nanos)?.checked_sub(i64::from(offset) * 1_000_000_000)
}

/// An offset in seconds as an Arrow time zone (`+05:30`).
fn offset_zone(offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

/// The single scalar kind of a column, or `None` when it has another value.
fn column_kind<'a>(values: impl Iterator<Item = &'a ResultValue>) -> Option<Kind<'a>> {
    let mut kind = Kind::Null;
    for v in values {
        let k = match v {
            ResultValue::Null => continue,
            ResultValue::Bool(_) => Kind::Bool,
            ResultValue::Int(_) => Kind::Int,
            ResultValue::Float(_) => Kind::Float,
            ResultValue::String(_) => Kind::Str,
            ResultValue::Temporal(Temporal::Date(days)) if i32::try_from(*days).is_ok() => {
                Kind::Date
            }
            ResultValue::Temporal(Temporal::LocalTime(_)) => Kind::LocalTime,
            ResultValue::Temporal(Temporal::LocalDateTime { days, nanos })
                if epoch_nanos(*days, *nanos).is_some() =>
            {
                Kind::LocalDateTime
            }
            ResultValue::Temporal(Temporal::DateTime {
                days,
                nanos,
                offset,
                zone,
            }) if instant_nanos(*days, *nanos, *offset).is_some() => match zone {
                Some(z) => Kind::DateTime(Some(z.as_str()), 0),
                None => Kind::DateTime(None, *offset),
            },
            _ => return None,
        };
        kind = match (kind, k) {
            (Kind::Null, k) => k,
            (a, b) if a == b => a,
            (Kind::DateTime(..) | Kind::DateTimeUtc, Kind::DateTime(..)) => Kind::DateTimeUtc,
            (Kind::Int, Kind::Float) | (Kind::Float, Kind::Int) => Kind::Float,
            _ => return None,
        };
    }
    Some(kind)
}

/// Column `col` of `rows` as an Arrow array, when it is a scalar column.
pub fn build_column(rows: &[Vec<ResultValue>], col: usize) -> Option<ArrayRef> {
    let values = || rows.iter().map(move |r| &r[col]);
    let kind = column_kind(values())?;
    let array: ArrayRef = match kind {
        Kind::Null => Arc::new(NullArray::new(rows.len())),
        Kind::Bool => {
            let mut b = BooleanBuilder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Bool(x) => Some(*x),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::Int => {
            let mut b = Int64Builder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Int(x) => Some(*x),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::Float => {
            let mut b = Float64Builder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Float(x) => Some(*x),
                    ResultValue::Int(x) => Some(*x as f64),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::Str => {
            let bytes: usize = values()
                .map(|v| match v {
                    ResultValue::String(s) => s.len(),
                    _ => 0,
                })
                .sum();
            // Arrow's plain strings have 32-bit offsets; past 2 GiB of text,
            // the column becomes large strings.
            if bytes <= i32::MAX as usize {
                let mut b = StringBuilder::with_capacity(rows.len(), bytes);
                for v in values() {
                    b.append_option(v_str(v));
                }
                Arc::new(b.finish())
            } else {
                let mut b = LargeStringBuilder::with_capacity(rows.len(), bytes);
                for v in values() {
                    b.append_option(v_str(v));
                }
                Arc::new(b.finish())
            }
        }
        Kind::Date => {
            let mut b = Date32Builder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Temporal(Temporal::Date(days)) => i32::try_from(*days).ok(),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::LocalTime => {
            let mut b = Time64NanosecondBuilder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Temporal(Temporal::LocalTime(nanos)) => Some(*nanos),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::LocalDateTime => {
            let mut b = TimestampNanosecondBuilder::with_capacity(rows.len());
            for v in values() {
                b.append_option(match v {
                    ResultValue::Temporal(Temporal::LocalDateTime { days, nanos }) => {
                        epoch_nanos(*days, *nanos)
                    }
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::DateTime(..) | Kind::DateTimeUtc => {
            let zone = match kind {
                Kind::DateTime(Some(name), _) => name.to_string(),
                Kind::DateTime(None, offset) => offset_zone(offset),
                _ => "UTC".to_string(),
            };
            let mut b = TimestampNanosecondBuilder::with_capacity(rows.len()).with_timezone(zone);
            for v in values() {
                b.append_option(match v {
                    ResultValue::Temporal(Temporal::DateTime {
                        days,
                        nanos,
                        offset,
                        ..
                    }) => instant_nanos(*days, *nanos, *offset),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
    };
    Some(array)
}

fn v_str(v: &ResultValue) -> Option<&str> {
    match v {
        ResultValue::String(s) => Some(s),
        _ => None,
    }
}

/// Hands an array to pyarrow (`pyarrow.Array._import_from_c`), which takes
/// ownership of its buffers through the C data interface.
pub fn to_pyarrow<'py>(
    pyarrow: &Bound<'py, PyAny>,
    array: &dyn Array,
) -> PyResult<Bound<'py, PyAny>> {
    let (ffi_array, ffi_schema) =
        to_ffi(&array.to_data()).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let array_ptr: *mut FFI_ArrowArray = Box::into_raw(Box::new(ffi_array));
    let schema_ptr: *mut FFI_ArrowSchema = Box::into_raw(Box::new(ffi_schema));
    let imported = pyarrow
        .getattr("Array")?
        .call_method1("_import_from_c", (array_ptr as usize, schema_ptr as usize));
    // SAFETY: both pointers come from `Box::into_raw` above and are taken back
    // exactly once. pyarrow moved the array out (leaving its release callback
    // empty, so dropping it frees nothing twice); the schema is only read by
    // pyarrow, and is released here.
    unsafe {
        drop(Box::from_raw(array_ptr));
        drop(Box::from_raw(schema_ptr));
    }
    imported
}
