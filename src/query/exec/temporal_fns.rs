//! The temporal functions of the query language (`date()`, `datetime.truncate()`,
//! `duration.between()`, ...), component access (`d.year`) and arithmetic with
//! durations. The values themselves live in [`crate::temporal`].

use std::collections::BTreeMap;

use crate::error::{Detail, Error, Result};
use crate::query::ast::BinaryOp;
use crate::query::values::Val;
use crate::temporal::build::{self, Component, Kind};
use crate::temporal::ops::{self, Between, Part};
use crate::temporal::{parse, Duration, Temporal};

/// The instant a statement starts, in nanoseconds since the epoch: every "now"
/// function of one statement answers from it.
pub fn statement_now() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

fn kind_of(name: &str) -> Option<Kind> {
    Some(match name {
        "date" => Kind::Date,
        "localtime" => Kind::LocalTime,
        "time" => Kind::Time,
        "localdatetime" => Kind::LocalDateTime,
        "datetime" => Kind::DateTime,
        _ => return None,
    })
}

/// The temporal module's errors are strings; those about an argument's value
/// start with the TCK's phrase for it.
fn err(message: String) -> Error {
    Error::coded(Detail::of_message(&message), message)
}

fn component(v: &Val) -> Result<Component> {
    Ok(match v {
        Val::Int(i) => Component::Int(*i),
        Val::Float(f) => Component::Float(*f),
        Val::Str(s) => Component::Str(s.clone()),
        Val::Temporal(t) => Component::Temporal((**t).clone()),
        other => {
            return Err(Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: a temporal component cannot be {}",
                    other.type_name()
                ),
            ))
        }
    })
}

fn components(map: &BTreeMap<String, Val>) -> Result<BTreeMap<String, Component>> {
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| Ok((k.clone(), component(v)?)))
        .collect()
}

/// Calls a temporal function; `name` is lower case.
pub fn call(now: i128, name: &str, vals: &[Val]) -> Result<Val> {
    let arg = vals.first();
    if let Some(kind) = kind_of(name) {
        return construct(now, kind, arg);
    }
    if name == "duration" {
        return match arg {
            None | Some(Val::Null) => Ok(Val::Null),
            Some(Val::Str(s)) => Ok(temporal(parse::duration(s).map_err(err)?)),
            Some(Val::Map(m)) => Ok(temporal(Temporal::Duration(
                build::duration_from_map(&components(m)?).map_err(err)?,
            ))),
            Some(v) => Err(Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: duration() needs a string or a map, not {}",
                    v.type_name()
                ),
            )),
        };
    }
    let (base, member) = name.split_once('.').unwrap_or((name, ""));
    if base == "duration" {
        let how = match member {
            "between" => Between::All,
            "inmonths" => Between::Months,
            "indays" => Between::Days,
            _ => Between::Seconds,
        };
        return match (&vals[0], &vals[1]) {
            (Val::Null, _) | (_, Val::Null) => Ok(Val::Null),
            (Val::Temporal(a), Val::Temporal(b))
                if !ops::is_duration(a) && !ops::is_duration(b) =>
            {
                Ok(temporal(Temporal::Duration(
                    ops::between(a, b, how).map_err(err)?,
                )))
            }
            (a, b) => Err(Error::coded(Detail::InvalidArgumentType, format!(
                "invalid argument type: duration.{member}() needs two temporal values, not {} and {}",
                a.type_name(),
                b.type_name()
            ))),
        };
    }
    let kind = kind_of(base).ok_or_else(|| {
        Error::coded(
            Detail::UnknownFunction,
            format!("unknown function `{name}`"),
        )
    })?;
    match member {
        "transaction" | "statement" | "realtime" => {
            if matches!(arg, Some(Val::Null)) {
                return Ok(Val::Null);
            }
            let instant = if member == "realtime" {
                statement_now()
            } else {
                now
            };
            let zone = match arg {
                None | Some(Val::Null) => None,
                Some(Val::Str(s)) => Some(s.as_str()),
                Some(v) => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                            "invalid argument type: a time zone must be a string, not {}",
                            v.type_name()
                        ),
                    ))
                }
            };
            Ok(temporal(build::now(kind, instant, zone).map_err(err)?))
        }
        "fromepoch" | "fromepochmillis" => {
            if vals.iter().any(Val::is_null) {
                return Ok(Val::Null);
            }
            let int = |v: &Val| match v {
                Val::Int(i) => Ok(*i),
                v => Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: datetime.{member}() needs integers, not {}",
                        v.type_name()
                    ),
                )),
            };
            let instant = if member == "fromepoch" {
                int(&vals[0])? as i128 * 1_000_000_000 + int(&vals[1])? as i128
            } else {
                int(&vals[0])? as i128 * 1_000_000
            };
            Ok(temporal(
                build::from_instant(instant, None, Kind::DateTime).map_err(err)?,
            ))
        }
        _ => {
            // truncate(unit, value [, map])
            let (unit, value) = (&vals[0], &vals[1]);
            if value.is_null() {
                return Ok(Val::Null);
            }
            let Val::Str(unit) = unit else {
                return Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: {base}.truncate() needs a unit string, not {}",
                        unit.type_name()
                    ),
                ));
            };
            let Val::Temporal(t) = value else {
                return Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: {base}.truncate() needs a temporal value, not {}",
                        value.type_name()
                    ),
                ));
            };
            let overrides = match vals.get(2) {
                None | Some(Val::Null) => BTreeMap::new(),
                Some(Val::Map(m)) => components(m)?,
                Some(v) => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                    "invalid argument type: {base}.truncate() needs a map of components, not {}",
                    v.type_name()
                ),
                    ))
                }
            };
            Ok(temporal(
                ops::truncate(kind, unit, t, &overrides).map_err(err)?,
            ))
        }
    }
}

/// `date()`, `date('2015-07-21')`, `date({year: 2015})`, `date(other)`.
fn construct(now: i128, kind: Kind, arg: Option<&Val>) -> Result<Val> {
    let t = match arg {
        None => build::now(kind, now, None).map_err(err)?,
        Some(Val::Null) => return Ok(Val::Null),
        Some(Val::Str(s)) => match kind {
            Kind::Date => parse::date(s),
            Kind::LocalTime => parse::local_time(s),
            Kind::Time => parse::time(s, 0),
            Kind::LocalDateTime => parse::local_datetime(s),
            Kind::DateTime => parse::datetime(s),
        }
        .map_err(err)?,
        Some(Val::Map(m)) => {
            if let Some(zone) = m.get("timezone").filter(|_| m.len() == 1) {
                // `datetime({timezone: 'Europe/Paris'})`: now, in that zone.
                let Val::Str(z) = zone else {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        "invalid argument type: a time zone must be a string".to_string(),
                    ));
                };
                build::now(kind, now, Some(z)).map_err(err)?
            } else {
                build::from_map(kind, &components(m)?).map_err(err)?
            }
        }
        Some(Val::Temporal(t)) if !ops::is_duration(t) => {
            let key = match kind {
                Kind::Date => "date",
                Kind::LocalTime | Kind::Time => "time",
                Kind::LocalDateTime | Kind::DateTime => "datetime",
            };
            let key = if key == "datetime" && matches!(**t, Temporal::Date(_)) {
                "date"
            } else {
                key
            };
            let map = BTreeMap::from([(key.to_string(), Component::Temporal((**t).clone()))]);
            build::from_map(kind, &map).map_err(err)?
        }
        Some(v) => {
            return Err(Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: {}() needs a string, a map or a temporal value, not {}",
                    kind.name(),
                    v.type_name()
                ),
            ))
        }
    };
    Ok(temporal(t))
}

/// `value.key` on a temporal value.
pub fn property(t: &Temporal, key: &str) -> Result<Val> {
    match ops::property(t, key) {
        Some(Part::Int(i)) => Ok(Val::Int(i)),
        Some(Part::Str(s)) => Ok(Val::Str(s)),
        None => Err(Error::query(format!(
            "invalid property access: a {} has no component `{key}`",
            t.type_name()
        ))),
    }
}

/// Arithmetic where one side is temporal; `None` when the operator does not apply.
pub fn arith(op: BinaryOp, x: &Val, y: &Val) -> Option<Result<Val>> {
    use BinaryOp as B;
    let out = |r: std::result::Result<Temporal, String>| Some(r.map(temporal).map_err(err));
    let (tx, ty) = (temporal_of(x), temporal_of(y));
    let (dx, dy) = (tx.and_then(duration), ty.and_then(duration));
    match op {
        B::Add => match (tx, dy, ty, dx) {
            (Some(t), Some(d), _, _) | (_, _, Some(t), Some(d)) => out(ops::add(t, d, false)),
            _ => None,
        },
        B::Sub => out(ops::add(tx?, dy?, true)),
        B::Mul => {
            let (d, n) = match (dx, dy) {
                (Some(d), _) => (d, y),
                (None, Some(d)) => (d, x),
                (None, None) => return None,
            };
            match n {
                Val::Int(i) => out(ops::scale_int(d, *i).map(Temporal::Duration)),
                Val::Float(f) => out(ops::scale(d, *f).map(Temporal::Duration)),
                _ => None,
            }
        }
        B::Div => {
            let d = dx?;
            let f = match y {
                Val::Int(i) => *i as f64,
                Val::Float(f) => *f,
                _ => return None,
            };
            if f == 0.0 {
                return Some(Err(Error::coded(
                    Detail::DivisionByZero,
                    "division by zero: a duration cannot be divided by zero",
                )));
            }
            out(ops::scale(d, 1.0 / f).map(Temporal::Duration))
        }
        _ => None,
    }
}

/// The temporal value a query value is, if it is one.
fn temporal_of(v: &Val) -> Option<&Temporal> {
    match v {
        Val::Temporal(t) => Some(t),
        _ => None,
    }
}

/// A temporal query value.
fn temporal(t: Temporal) -> Val {
    Val::Temporal(Box::new(t))
}

/// The duration a temporal value is, if it is one.
fn duration(t: &Temporal) -> Option<&Duration> {
    match t {
        Temporal::Duration(d) => Some(d),
        _ => None,
    }
}
