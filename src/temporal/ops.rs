//! What can be done with temporal values: read their components, add and
//! subtract durations, measure durations between them, truncate them.

use std::collections::BTreeMap;

use super::build::{from_map, Component, Kind};
use super::calendar::{
    civil_from_days, days_from_civil, days_in_month, iso_week, ordinal_day, quarter, week_one,
    weekday,
};
use super::parse::{fractional, negate};
use super::{
    write_offset, zone, Duration, Temporal, NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE,
    NANOS_PER_SECOND,
};

/// A component read from a value: a number or a string.
pub enum Part {
    Int(i64),
    Str(String),
}

/// `value.key`: `None` when the value has no such component.
pub fn property(t: &Temporal, key: &str) -> Option<Part> {
    let key = key.to_ascii_lowercase();
    if let Temporal::Duration(d) = t {
        return duration_property(d, &key).map(Part::Int);
    }
    let p = super::build_parts(t);
    if let Some(days) = p.days {
        let (y, m, d) = civil_from_days(days);
        let (wy, w) = iso_week(days);
        let (q, dq) = quarter(days);
        let v = match key.as_str() {
            "year" => Some(y),
            "quarter" => Some(q),
            "month" => Some(m),
            "week" => Some(w),
            "weekyear" => Some(wy),
            "day" => Some(d),
            "ordinalday" => Some(ordinal_day(days)),
            "weekday" | "dayofweek" => Some(weekday(days)),
            "dayofquarter" => Some(dq),
            _ => None,
        };
        if let Some(v) = v {
            return Some(Part::Int(v));
        }
    }
    if let Some(nanos) = p.nanos {
        let v = match key.as_str() {
            "hour" => Some(nanos / NANOS_PER_HOUR),
            "minute" => Some(nanos / NANOS_PER_MINUTE % 60),
            "second" => Some(nanos / NANOS_PER_SECOND % 60),
            "millisecond" => Some(nanos % NANOS_PER_SECOND / 1_000_000),
            "microsecond" => Some(nanos % NANOS_PER_SECOND / 1000),
            "nanosecond" => Some(nanos % NANOS_PER_SECOND),
            _ => None,
        };
        if let Some(v) = v {
            return Some(Part::Int(v));
        }
    }
    if let Some(offset) = p.offset {
        let mut text = String::new();
        let _ = write_offset(offset, &mut text);
        let text_offset = if offset == 0 {
            "+00:00".to_string()
        } else {
            text
        };
        match key.as_str() {
            "timezone" => return Some(Part::Str(p.zone.clone().unwrap_or(text_offset))),
            "offset" => return Some(Part::Str(text_offset)),
            "offsetminutes" => return Some(Part::Int(i64::from(offset) / 60)),
            "offsetseconds" => return Some(Part::Int(i64::from(offset))),
            _ => {}
        }
    }
    if let Some(instant) = t.epoch_nanos() {
        match key.as_str() {
            "epochseconds" => {
                return Some(Part::Int(
                    instant.div_euclid(NANOS_PER_SECOND as i128) as i64
                ))
            }
            "epochmillis" => return Some(Part::Int(instant.div_euclid(1_000_000) as i64)),
            _ => {}
        }
    }
    None
}

fn duration_property(d: &Duration, key: &str) -> Option<i64> {
    let secs = d.seconds;
    let nanos = i64::from(d.nanos);
    Some(match key {
        "years" => d.months / 12,
        "quarters" => d.months / 3,
        "months" => d.months,
        "weeks" => d.days / 7,
        "days" => d.days,
        "hours" => secs.div_euclid(3600),
        "minutes" => secs.div_euclid(60),
        "seconds" => secs,
        "milliseconds" => secs.checked_mul(1000)? + nanos / 1_000_000,
        "microseconds" => secs.checked_mul(1_000_000)? + nanos / 1000,
        "nanoseconds" => secs.checked_mul(NANOS_PER_SECOND)? + nanos,
        "quartersofyear" => d.months / 3 % 4,
        "monthsofquarter" => d.months % 3,
        "monthsofyear" => d.months % 12,
        "daysofweek" => d.days % 7,
        "minutesofhour" => secs.div_euclid(60).rem_euclid(60),
        "secondsofminute" => secs.rem_euclid(60),
        "millisecondsofsecond" => nanos / 1_000_000,
        "microsecondsofsecond" => nanos / 1000,
        "nanosecondsofsecond" => nanos,
        _ => return None,
    })
}

/// Adds months to a day number, keeping the day of the month where it exists.
fn add_months(days: i64, months: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(days);
    let total = y.checked_mul(12)?.checked_add(m - 1)?.checked_add(months)?;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    if ny.abs() > 999_999_999 {
        return None;
    }
    Some(days_from_civil(ny, nm, d.min(days_in_month(ny, nm))))
}

fn overflow() -> String {
    "invalid temporal value: the result is out of range".to_string()
}

/// `temporal + duration` (or `-` with `negative`).
pub fn add(t: &Temporal, d: &Duration, negative: bool) -> Result<Temporal, String> {
    let d = if negative {
        negate(*d).ok_or_else(overflow)?
    } else {
        *d
    };
    let shift = |days: i64, nanos: i64| -> Result<(i64, i64), String> {
        let days = add_months(days, d.months).ok_or_else(overflow)?;
        let total = (days as i128 + d.days as i128) * NANOS_PER_DAY as i128
            + nanos as i128
            + d.total_nanos();
        let nd = i64::try_from(total.div_euclid(NANOS_PER_DAY as i128)).map_err(|_| overflow())?;
        Ok((nd, total.rem_euclid(NANOS_PER_DAY as i128) as i64))
    };
    let time_shift =
        |nanos: i64| (nanos as i128 + d.total_nanos()).rem_euclid(NANOS_PER_DAY as i128) as i64;
    Ok(match t {
        Temporal::Date(days) => {
            let days = add_months(*days, d.months).ok_or_else(overflow)?;
            let whole = d.total_nanos() / NANOS_PER_DAY as i128;
            Temporal::Date(
                days.checked_add(d.days)
                    .and_then(|x| x.checked_add(whole as i64))
                    .ok_or_else(overflow)?,
            )
        }
        Temporal::LocalTime(n) => Temporal::LocalTime(time_shift(*n)),
        Temporal::Time { nanos, offset } => Temporal::Time {
            nanos: time_shift(*nanos),
            offset: *offset,
        },
        Temporal::LocalDateTime { days, nanos } => {
            let (days, nanos) = shift(*days, *nanos)?;
            Temporal::LocalDateTime { days, nanos }
        }
        Temporal::DateTime {
            days,
            nanos,
            offset,
            zone: name,
        } => {
            // Months and days move the wall clock; the rest moves the instant.
            let (dd, dn) = {
                let days = add_months(*days, d.months).ok_or_else(overflow)?;
                (days.checked_add(d.days).ok_or_else(overflow)?, *nanos)
            };
            let offset = match name {
                Some(n) => zone::resolve_local(n, dd, dn)?.2,
                None => *offset,
            };
            let instant = dd as i128 * NANOS_PER_DAY as i128 + dn as i128
                - offset as i128 * NANOS_PER_SECOND as i128
                + d.total_nanos();
            let zone_arg = name.clone().map(super::build::Zone::Named);
            let zone_arg = zone_arg.or(Some(super::build::Zone::Offset(offset)));
            super::build::from_instant(instant, zone_arg.as_ref(), Kind::DateTime)?
        }
        Temporal::Duration(a) => Temporal::Duration(add_durations(a, &d).ok_or_else(overflow)?),
    })
}

pub fn add_durations(a: &Duration, b: &Duration) -> Option<Duration> {
    Duration::new(
        a.months.checked_add(b.months)?,
        a.days.checked_add(b.days)?,
        a.total_nanos() + b.total_nanos(),
    )
}

/// `duration * number`, `duration / number`.
pub fn scale(d: &Duration, factor: f64) -> Result<Duration, String> {
    if !factor.is_finite() {
        return Err(
            "invalid argument value: a duration cannot be scaled by a non-finite number".into(),
        );
    }
    fractional(
        (0, 0, 0),
        d.months as f64 * factor,
        d.days as f64 * factor,
        d.total_nanos() as f64 * factor / NANOS_PER_SECOND as f64,
    )
    .ok_or_else(overflow)
}

/// Exact scaling by an integer.
pub fn scale_int(d: &Duration, factor: i64) -> Result<Duration, String> {
    Duration::new(
        d.months.checked_mul(factor).ok_or_else(overflow)?,
        d.days.checked_mul(factor).ok_or_else(overflow)?,
        d.total_nanos()
            .checked_mul(factor as i128)
            .ok_or_else(overflow)?,
    )
    .ok_or_else(overflow)
}

/// Which part of `duration.between` is wanted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Between {
    All,
    Months,
    Days,
    Seconds,
}

/// `duration.between(a, b)` and its `inMonths`, `inDays`, `inSeconds` forms.
pub fn between(a: &Temporal, b: &Temporal, how: Between) -> Result<Duration, String> {
    let mut pa = super::build_parts(a);
    let mut pb = super::build_parts(b);
    // A value without a date takes the other's date; a value without a zone takes
    // the other's zone.
    if pa.days.is_none() {
        pa.days = pb.days;
    } else if pb.days.is_none() {
        pb.days = pa.days;
    }
    if pa.days.is_some() {
        adopt_zone(&mut pa, &pb)?;
        adopt_zone(&mut pb, &pa)?;
    }
    // Bring b to a's offset when both have one.
    let shift = match (pa.offset, pb.offset) {
        (Some(oa), Some(ob)) => (oa - ob) as i128 * NANOS_PER_SECOND as i128,
        _ => 0,
    };
    let both_dates = pa.days.is_some() && pb.days.is_some();
    if !both_dates {
        let na = pa.nanos.unwrap_or(0) as i128;
        let nb = pb.nanos.unwrap_or(0) as i128 + shift;
        let diff = nb - na;
        return Ok(match how {
            Between::Months | Between::Days => Duration::default(),
            _ => Duration::new(0, 0, diff).ok_or_else(overflow)?,
        });
    }
    let la = pa.days.unwrap_or(0) as i128 * NANOS_PER_DAY as i128 + pa.nanos.unwrap_or(0) as i128;
    let lb = pb.days.unwrap_or(0) as i128 * NANOS_PER_DAY as i128
        + pb.nanos.unwrap_or(0) as i128
        + shift;
    let split = |x: i128| {
        (
            x.div_euclid(NANOS_PER_DAY as i128) as i64,
            x.rem_euclid(NANOS_PER_DAY as i128) as i64,
        )
    };
    let (da, na) = split(la);
    let (db, nb) = split(lb);
    match how {
        Between::Seconds => return Duration::new(0, 0, lb - la).ok_or_else(overflow),
        Between::Days => {
            let days = (lb - la) / NANOS_PER_DAY as i128;
            return Duration::new(0, days as i64, 0).ok_or_else(overflow);
        }
        _ => {}
    }
    let (ya, ma, dya) = civil_from_days(da);
    let (yb, mb, dyb) = civil_from_days(db);
    let mut months = (yb * 12 + mb) - (ya * 12 + ma);
    if months > 0 && (dyb, nb) < (dya, na) {
        months -= 1;
    } else if months < 0 && (dyb, nb) > (dya, na) {
        months += 1;
    }
    if how == Between::Months {
        return Ok(Duration {
            months,
            ..Duration::default()
        });
    }
    let moved =
        add_months(da, months).ok_or_else(overflow)? as i128 * NANOS_PER_DAY as i128 + na as i128;
    let rest = lb - moved;
    let days = rest / NANOS_PER_DAY as i128;
    let nanos = rest % NANOS_PER_DAY as i128;
    Duration::new(months, days as i64, nanos).ok_or_else(overflow)
}

/// Puts a value without an offset into the zone of `other`.
fn adopt_zone(p: &mut super::build::Parts, other: &super::build::Parts) -> Result<(), String> {
    if p.offset.is_some() {
        return Ok(());
    }
    p.offset = match (&other.zone, other.offset) {
        (Some(name), _) => {
            Some(zone::resolve_local(name, p.days.unwrap_or(0), p.nanos.unwrap_or(0))?.2)
        }
        (None, o) => o,
    };
    Ok(())
}

/// `kind.truncate(unit, value [, map])`.
pub fn truncate(
    kind: Kind,
    unit: &str,
    t: &Temporal,
    overrides: &BTreeMap<String, Component>,
) -> Result<Temporal, String> {
    let mut p = super::build_parts(t);
    if overrides.keys().any(|k| k.eq_ignore_ascii_case("timezone")) {
        // A zone given replaces the value's own: the truncated wall clock is kept.
        p.offset = None;
        p.zone = None;
    }
    let unit_l = unit.to_ascii_lowercase();
    let bad_unit = || {
        format!(
            "invalid argument value: `{unit}` is not a unit {}.truncate() accepts",
            kind.name()
        )
    };
    let date_unit = matches!(
        unit_l.as_str(),
        "millennium"
            | "century"
            | "decade"
            | "year"
            | "weekyear"
            | "quarter"
            | "month"
            | "week"
            | "day"
    );
    let days = match p.days {
        Some(days) if date_unit => {
            let (y, m, _) = civil_from_days(days);
            let first = |y: i64| days_from_civil(y, 1, 1);
            Some(match unit_l.as_str() {
                "millennium" => first(y.div_euclid(1000) * 1000),
                "century" => first(y.div_euclid(100) * 100),
                "decade" => first(y.div_euclid(10) * 10),
                "year" => first(y),
                "weekyear" => week_one(iso_week(days).0),
                "quarter" => days_from_civil(y, (m - 1) / 3 * 3 + 1, 1),
                "month" => days_from_civil(y, m, 1),
                "week" => days - (weekday(days) - 1),
                _ => days,
            })
        }
        Some(_) if matches!(kind, Kind::Date) => return Err(bad_unit()),
        None if date_unit => return Err(bad_unit()),
        other => other,
    };
    let nanos = if date_unit {
        Some(0)
    } else {
        let step = match unit_l.as_str() {
            "hour" => NANOS_PER_HOUR,
            "minute" => NANOS_PER_MINUTE,
            "second" => NANOS_PER_SECOND,
            "millisecond" => 1_000_000,
            "microsecond" => 1000,
            _ => return Err(bad_unit()),
        };
        p.nanos.map(|n| n - n % step)
    };
    let base = match (days, nanos) {
        (Some(days), Some(nanos)) => match (p.offset, &p.zone) {
            (Some(offset), zone) => Temporal::DateTime {
                days,
                nanos,
                offset,
                zone: zone.clone(),
            },
            (None, _) => Temporal::LocalDateTime { days, nanos },
        },
        (Some(days), None) => Temporal::Date(days),
        (None, Some(nanos)) => match p.offset {
            Some(offset) => Temporal::Time { nanos, offset },
            None => Temporal::LocalTime(nanos),
        },
        (None, None) => return Err(bad_unit()),
    };
    let mut map = overrides.clone();
    let key = if days.is_some() && matches!(kind, Kind::Date) {
        "date"
    } else if days.is_some() && nanos.is_some() {
        "datetime"
    } else if days.is_some() {
        "date"
    } else {
        "time"
    };
    map.insert(key.to_string(), Component::Temporal(base));
    from_map(kind, &map)
}

/// Nothing else to say for durations: they have no truncation.
pub fn is_duration(t: &Temporal) -> bool {
    matches!(t, Temporal::Duration(_))
}
