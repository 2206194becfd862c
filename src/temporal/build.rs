//! Temporal values from a map of components (`date({year: 1984, week: 10})`),
//! including selection from other values (`datetime({date: d, time: t, timezone: 'Europe/Paris'})`).

use std::collections::BTreeMap;

use super::calendar::{civil_from_days, iso_week, ordinal_day, quarter, weekday};
use super::parse::{civil_date, fractional, ordinal_date, week_date};
use super::{
    parse, zone, Duration, Temporal, NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE,
    NANOS_PER_SECOND,
};

/// One entry of a construction map.
#[derive(Clone, Debug)]
pub enum Component {
    Int(i64),
    Float(f64),
    Str(String),
    Temporal(Temporal),
}

/// The kind of value a constructor makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::LocalTime => "localtime",
            Kind::Time => "time",
            Kind::LocalDateTime => "localdatetime",
            Kind::DateTime => "datetime",
        }
    }
    fn has_date(self) -> bool {
        matches!(self, Kind::Date | Kind::LocalDateTime | Kind::DateTime)
    }
    fn has_time(self) -> bool {
        !matches!(self, Kind::Date)
    }
    #[allow(dead_code)]
    fn has_zone(self) -> bool {
        matches!(self, Kind::Time | Kind::DateTime)
    }
}

type Map = BTreeMap<String, Component>;

fn err(kind: Kind, what: impl std::fmt::Display) -> String {
    format!("invalid argument value: {}(): {what}", kind.name())
}

/// A time zone as a map's `timezone` names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    Offset(i32),
    Named(String),
}

fn zone_of(text: &str) -> Result<Zone, String> {
    if let Some(o) = parse::offset(text) {
        return Ok(Zone::Offset(o));
    }
    if zone::is_zone(text) {
        return Ok(Zone::Named(text.to_string()));
    }
    Err(format!(
        "invalid argument value: `{text}` is neither a UTC offset nor a known time zone"
    ))
}

/// The date, wall-clock time and zone a value carries, as far as it has them.
pub struct Parts {
    pub days: Option<i64>,
    pub nanos: Option<i64>,
    pub offset: Option<i32>,
    pub zone: Option<String>,
}

pub fn parts(t: &Temporal) -> Parts {
    let none = Parts {
        days: None,
        nanos: None,
        offset: None,
        zone: None,
    };
    match t {
        Temporal::Date(d) => Parts {
            days: Some(*d),
            ..none
        },
        Temporal::LocalTime(n) => Parts {
            nanos: Some(*n),
            ..none
        },
        Temporal::Time { nanos, offset } => Parts {
            nanos: Some(*nanos),
            offset: Some(*offset),
            ..none
        },
        Temporal::LocalDateTime { days, nanos } => Parts {
            days: Some(*days),
            nanos: Some(*nanos),
            ..none
        },
        Temporal::DateTime {
            days,
            nanos,
            offset,
            zone,
        } => Parts {
            days: Some(*days),
            nanos: Some(*nanos),
            offset: Some(*offset),
            zone: zone.clone(),
        },
        Temporal::Duration(_) => none,
    }
}

/// Builds a value of `kind` from a map, the keys compared ignoring case.
pub fn from_map(kind: Kind, map: &BTreeMap<String, Component>) -> Result<Temporal, String> {
    let map: Map = map
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    const KNOWN: &[&str] = &[
        "date",
        "time",
        "datetime",
        "year",
        "month",
        "day",
        "week",
        "dayofweek",
        "ordinalday",
        "quarter",
        "dayofquarter",
        "hour",
        "minute",
        "second",
        "millisecond",
        "microsecond",
        "nanosecond",
        "timezone",
        "epochseconds",
        "epochmillis",
    ];
    if let Some(k) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(err(kind, format!("`{k}` is not a component")));
    }
    let int = |key: &str| -> Result<Option<i64>, String> {
        match map.get(key) {
            None => Ok(None),
            Some(Component::Int(i)) => Ok(Some(*i)),
            Some(Component::Float(f)) if f.fract() == 0.0 => Ok(Some(*f as i64)),
            Some(_) => Err(err(kind, format!("`{key}` must be an integer"))),
        }
    };
    let temporal = |key: &str| -> Result<Option<&Temporal>, String> {
        match map.get(key) {
            None => Ok(None),
            Some(Component::Temporal(t)) if !matches!(t, Temporal::Duration(_)) => Ok(Some(t)),
            Some(_) => Err(err(kind, format!("`{key}` must be a temporal value"))),
        }
    };
    let target = match map.get("timezone") {
        None => None,
        Some(Component::Str(s)) => Some(zone_of(s)?),
        Some(_) => return Err(err(kind, "`timezone` must be a string")),
    };

    // An instant since the epoch.
    if map.contains_key("epochseconds") || map.contains_key("epochmillis") {
        let instant = match (int("epochseconds")?, int("epochmillis")?) {
            (Some(s), _) => s as i128 * NANOS_PER_SECOND as i128,
            (None, Some(ms)) => ms as i128 * 1_000_000,
            _ => unreachable!(),
        } + int("nanosecond")?.unwrap_or(0) as i128
            + int("microsecond")?.unwrap_or(0) as i128 * 1000
            + int("millisecond")?.unwrap_or(0) as i128 * 1_000_000;
        return from_instant(instant, target.as_ref(), kind);
    }

    let base = temporal("datetime")?.map(parts);
    let date_base = temporal("date")?.map(parts).or_else(|| {
        base.as_ref().map(|b| Parts {
            days: b.days,
            nanos: None,
            offset: None,
            zone: None,
        })
    });
    let time_base = temporal("time")?.map(parts).or(base);

    // The date.
    let days = if kind.has_date() {
        let base_days = date_base.as_ref().and_then(|p| p.days);
        Some(date_from(kind, base_days, &int)?)
    } else {
        None
    };

    // The wall-clock time, in the base's zone if it has one.
    let (mut nanos, source) = match &time_base {
        Some(p) => {
            let zone = match (&p.zone, p.offset) {
                (Some(name), _) => Some(Zone::Named(name.clone())),
                (None, Some(o)) => Some(Zone::Offset(o)),
                _ => None,
            };
            (
                p.nanos.unwrap_or(0),
                zone.map(|z| (z, p.offset.unwrap_or(0))),
            )
        }
        None => (0, None),
    };
    if kind.has_time() {
        nanos = time_from(kind, time_base.as_ref().and_then(|p| p.nanos), &int)?;
    } else if ["hour", "minute", "second"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return Err(err(kind, "a date has no time components"));
    }

    let local_days = days.unwrap_or(0);
    Ok(match kind {
        Kind::Date => Temporal::Date(local_days),
        Kind::LocalTime => Temporal::LocalTime(nanos),
        Kind::LocalDateTime => Temporal::LocalDateTime {
            days: local_days,
            nanos,
        },
        Kind::Time | Kind::DateTime => {
            let (days, nanos, offset, zone) = place(local_days, nanos, source, target, kind)?;
            if kind == Kind::Time {
                Temporal::Time { nanos, offset }
            } else {
                Temporal::DateTime {
                    days,
                    nanos,
                    offset,
                    zone,
                }
            }
        }
    })
}

/// Puts a wall-clock time into its zone: converted when the base had a zone and
/// another is asked for, re-resolved in a named zone, UTC when none is known.
fn place(
    days: i64,
    nanos: i64,
    source: Option<(Zone, i32)>,
    target: Option<Zone>,
    kind: Kind,
) -> Result<(i64, i64, i32, Option<String>), String> {
    let at_zone =
        |days: i64, nanos: i64, z: &Zone| -> Result<(i64, i64, i32, Option<String>), String> {
            match z {
                Zone::Offset(o) => Ok((days, nanos, *o, None)),
                Zone::Named(name) if kind == Kind::Time => {
                    Ok((days, nanos, zone::resolve_local(name, days, nanos)?.2, None))
                }
                Zone::Named(name) => {
                    let (d, n, o) = zone::resolve_local(name, days, nanos)?;
                    Ok((d, n, o, Some(name.clone())))
                }
            }
        };
    match (source, target) {
        (Some((source, offset)), Some(target)) => {
            // A named zone's offset is the one in force at the new wall-clock time.
            let offset = match source {
                Zone::Named(name) if kind == Kind::DateTime => {
                    zone::resolve_local(&name, days, nanos)?.2
                }
                _ => offset,
            };
            let instant = days as i128 * NANOS_PER_DAY as i128 + nanos as i128
                - offset as i128 * NANOS_PER_SECOND as i128;
            let t = from_instant(instant, Some(&target), Kind::DateTime)?;
            let Temporal::DateTime {
                days: d,
                nanos: n,
                offset: o,
                zone,
            } = t
            else {
                unreachable!()
            };
            Ok((d, n, o, zone))
        }
        (Some((z, _)), None) => at_zone(days, nanos, &z),
        (None, Some(z)) => at_zone(days, nanos, &z),
        (None, None) => Ok((days, nanos, 0, None)),
    }
}

/// The value at an instant (nanoseconds since the epoch) in a zone, UTC by default.
pub fn from_instant(instant: i128, zone: Option<&Zone>, kind: Kind) -> Result<Temporal, String> {
    let (offset, name) = match zone {
        None => (0, None),
        Some(Zone::Offset(o)) => (*o, None),
        Some(Zone::Named(n)) => (zone::offset_at_instant(n, instant)?, Some(n.clone())),
    };
    let local = instant + offset as i128 * NANOS_PER_SECOND as i128;
    let days = i64::try_from(local.div_euclid(NANOS_PER_DAY as i128))
        .map_err(|_| err(kind, "out of range"))?;
    let nanos = local.rem_euclid(NANOS_PER_DAY as i128) as i64;
    Ok(match kind {
        Kind::Date => Temporal::Date(days),
        Kind::LocalTime => Temporal::LocalTime(nanos),
        Kind::Time => Temporal::Time { nanos, offset },
        Kind::LocalDateTime => Temporal::LocalDateTime { days, nanos },
        Kind::DateTime => Temporal::DateTime {
            days,
            nanos,
            offset,
            zone: name,
        },
    })
}

/// The current value of a kind at an instant, in a zone given by name or offset.
pub fn now(kind: Kind, instant: i128, timezone: Option<&str>) -> Result<Temporal, String> {
    let zone = timezone.map(zone_of).transpose()?;
    from_instant(instant, zone.as_ref(), kind)
}

type IntOf<'a> = dyn Fn(&str) -> Result<Option<i64>, String> + 'a;

/// The date of a map: calendar, week, ordinal or quarter components, over a base date.
fn date_from(kind: Kind, base: Option<i64>, int: &IntOf) -> Result<i64, String> {
    let e = |what: &str| err(kind, what);
    let year = int("year")?;
    let week_keys = int("week")?.is_some() || int("dayofweek")?.is_some();
    let invalid = || e("the components do not name a valid date");
    if base.is_none() && year.is_none() {
        return Err(e("`year` must be given"));
    }
    if year.is_some_and(|y| !(-999_999_999..=999_999_999).contains(&y)) {
        return Err(e("`year` must be between -999999999 and 999999999"));
    }
    if week_keys {
        let (by, bw, bd) = base.map_or((0, 1, 1), |d| {
            let (wy, w) = iso_week(d);
            (wy, w, weekday(d))
        });
        let y = year.unwrap_or(by);
        let w = int("week")?.unwrap_or(if base.is_some() { bw } else { 1 });
        let d = int("dayofweek")?.unwrap_or(if base.is_some() { bd } else { 1 });
        if base.is_none() && int("week")?.is_none() {
            return Err(e("`dayOfWeek` needs `week`"));
        }
        return week_date(y, w, d).ok_or_else(invalid);
    }
    if let Some(o) = int("ordinalday")? {
        let y = year.unwrap_or_else(|| base.map_or(0, |d| civil_from_days(d).0));
        return ordinal_date(y, o).ok_or_else(invalid);
    }
    let (by, bm, bd) = base.map_or((0, 1, 1), civil_from_days);
    let y = year.unwrap_or(by);
    if int("quarter")?.is_some() || int("dayofquarter")?.is_some() {
        let (bq, bdq) = base.map_or((1, 1), quarter);
        let q = int("quarter")?.unwrap_or(bq);
        let dq = int("dayofquarter")?.unwrap_or(if base.is_some() { bdq } else { 1 });
        if !(1..=4).contains(&q) {
            return Err(invalid());
        }
        let start = civil_date(y, (q - 1) * 3 + 1, 1).ok_or_else(invalid)?;
        let next = if q == 4 {
            civil_date(y + 1, 1, 1)
        } else {
            civil_date(y, q * 3 + 1, 1)
        }
        .ok_or_else(invalid)?;
        if dq < 1 || start + dq > next {
            return Err(invalid());
        }
        return Ok(start + dq - 1);
    }
    let month = int("month")?;
    let day = int("day")?;
    if base.is_none() && day.is_some() && month.is_none() {
        return Err(e("`day` needs `month`"));
    }
    let _ = ordinal_day;
    civil_date(y, month.unwrap_or(bm), day.unwrap_or(bd)).ok_or_else(invalid)
}

/// The time of day of a map, over a base time.
fn time_from(kind: Kind, base: Option<i64>, int: &IntOf) -> Result<i64, String> {
    let b = base.unwrap_or(0);
    let (bh, bm, bs, bsub) = (
        b / NANOS_PER_HOUR,
        b / NANOS_PER_MINUTE % 60,
        b / NANOS_PER_SECOND % 60,
        b % NANOS_PER_SECOND,
    );
    let hour = int("hour")?;
    let minute = int("minute")?;
    let second = int("second")?;
    let (ms, us, ns) = (int("millisecond")?, int("microsecond")?, int("nanosecond")?);
    if base.is_none() {
        let order = [
            hour.is_some(),
            minute.is_some(),
            second.is_some(),
            ms.is_some() || us.is_some() || ns.is_some(),
        ];
        if let Some(first_missing) = order.iter().position(|x| !x) {
            if order[first_missing..].iter().any(|x| *x) {
                return Err(err(
                    kind,
                    "a smaller time unit is given without the larger ones",
                ));
            }
        }
    }
    let sub = if ms.is_some() || us.is_some() || ns.is_some() {
        // The base keeps the digits above the coarsest unit given:
        // `{nanosecond: 2}` over `.645876` gives `.645876002`.
        let group = if ms.is_some() {
            NANOS_PER_SECOND
        } else if us.is_some() {
            1_000_000
        } else {
            1000
        };
        let kept = bsub - bsub % group;
        let (ms, us, ns) = (ms.unwrap_or(0), us.unwrap_or(0), ns.unwrap_or(0));
        let ok = (0..1000).contains(&ms)
            && (0..1_000_000).contains(&us)
            && (0..1_000_000_000).contains(&ns);
        if !ok {
            return Err(err(kind, "a sub-second component is out of range"));
        }
        let total = kept + ms * 1_000_000 + us * 1000 + ns;
        if total >= NANOS_PER_SECOND {
            return Err(err(kind, "a sub-second component is out of range"));
        }
        total
    } else {
        bsub
    };
    let (h, m, s) = (
        hour.unwrap_or(bh),
        minute.unwrap_or(bm),
        second.unwrap_or(bs),
    );
    if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return Err(err(kind, "a time component is out of range"));
    }
    Ok(h * NANOS_PER_HOUR + m * NANOS_PER_MINUTE + s * NANOS_PER_SECOND + sub)
}

/// `duration({years: 1, days: 1.5, ...})`: any component may be fractional or negative.
pub fn duration_from_map(map: &BTreeMap<String, Component>) -> Result<Duration, String> {
    let mut whole = (0i64, 0i64, 0i128);
    let (mut months, mut days, mut seconds) = (0f64, 0f64, 0f64);
    let overflow = || "invalid argument value: duration(): a component is too large".to_string();
    for (key, value) in map {
        let (int, float) = match value {
            Component::Int(i) => (Some(*i), *i as f64),
            Component::Float(f) => (None, *f),
            _ => {
                return Err(format!(
                    "invalid argument value: duration(): `{key}` must be a number"
                ))
            }
        };
        let (unit_nanos, slot): (i128, u8) = match key.to_ascii_lowercase().as_str() {
            "years" => (12, 0),
            "quarters" => (3, 0),
            "months" => (1, 0),
            "weeks" => (7, 1),
            "days" => (1, 1),
            "hours" => (NANOS_PER_HOUR as i128, 2),
            "minutes" => (NANOS_PER_MINUTE as i128, 2),
            "seconds" => (NANOS_PER_SECOND as i128, 2),
            "milliseconds" => (1_000_000, 2),
            "microseconds" => (1000, 2),
            "nanoseconds" => (1, 2),
            other => {
                return Err(format!(
                    "invalid argument value: duration(): `{other}` is not a component"
                ))
            }
        };
        match (slot, int) {
            (0, Some(i)) => {
                whole.0 = whole
                    .0
                    .checked_add(i.checked_mul(unit_nanos as i64).ok_or_else(overflow)?)
                    .ok_or_else(overflow)?
            }
            (1, Some(i)) => {
                whole.1 = whole
                    .1
                    .checked_add(i.checked_mul(unit_nanos as i64).ok_or_else(overflow)?)
                    .ok_or_else(overflow)?
            }
            (2, Some(i)) => whole.2 += i as i128 * unit_nanos,
            (0, None) => months += float * unit_nanos as f64,
            (1, None) => days += float * unit_nanos as f64,
            (_, None) => seconds += float * unit_nanos as f64 / NANOS_PER_SECOND as f64,
            _ => unreachable!(),
        }
    }
    fractional(whole, months, days, seconds).ok_or_else(overflow)
}
