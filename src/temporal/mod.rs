//! Temporal values as openCypher defines them: `date`, `localtime`, `time`,
//! `localdatetime`, `datetime` and `duration`.
//!
//! Dates are kept as days since 1970-01-01 and times as nanoseconds since
//! midnight, so arithmetic and ordering are plain integer work; named time zones
//! are resolved with the time-zone database compiled into the binary (jiff's
//! bundled copy), never read from the system.
//!
//! - [`parse`]: ISO 8601 text, every form openCypher accepts.
//! - [`build`]: construction from a map of components, and selection from
//!   other temporal values.
//! - [`ops`]: properties, arithmetic with durations, `duration.between`,
//!   `truncate`.

pub mod build;
pub mod calendar;
pub mod ops;
pub mod parse;
mod zone;

pub(crate) use build::parts as build_parts;

use std::cmp::Ordering;
use std::fmt;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use calendar::{civil_from_days, days_from_civil};

#[cfg(test)]
mod tests;

/// Nanoseconds in a second, a minute, an hour and a day.
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
pub const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;
pub const NANOS_PER_DAY: i64 = 24 * NANOS_PER_HOUR;

/// A temporal value. Stored as it is (postcard), so variants are only ever added
/// at the end.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Temporal {
    /// Days since 1970-01-01.
    Date(i64),
    /// Nanoseconds since midnight.
    LocalTime(i64),
    /// Nanoseconds since midnight, local to an offset in seconds east of UTC.
    Time {
        nanos: i64,
        offset: i32,
    },
    LocalDateTime {
        days: i64,
        nanos: i64,
    },
    /// The local date and time, the offset in force there, and the named zone if any.
    DateTime {
        days: i64,
        nanos: i64,
        offset: i32,
        zone: Option<String>,
    },
    Duration(Duration),
}

/// An openCypher duration: months, days and seconds are kept apart, since a month
/// has no fixed number of days and a day (across a clock change) no fixed number
/// of seconds. `nanos` is in `0..1_000_000_000` and adds to `seconds`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}

impl Duration {
    /// A duration from months, days and a number of nanoseconds, normalised.
    pub fn new(months: i64, days: i64, total_nanos: i128) -> Option<Duration> {
        let seconds = total_nanos.div_euclid(NANOS_PER_SECOND as i128);
        let nanos = total_nanos.rem_euclid(NANOS_PER_SECOND as i128) as i32;
        Some(Duration {
            months,
            days,
            seconds: i64::try_from(seconds).ok()?,
            nanos,
        })
    }

    /// The seconds part in nanoseconds.
    pub fn total_nanos(&self) -> i128 {
        self.seconds as i128 * NANOS_PER_SECOND as i128 + self.nanos as i128
    }
}

impl Temporal {
    /// The openCypher type name: `Date`, `LocalTime`, `Time`, ...
    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "Date",
            Temporal::LocalTime(_) => "LocalTime",
            Temporal::Time { .. } => "Time",
            Temporal::LocalDateTime { .. } => "LocalDateTime",
            Temporal::DateTime { .. } => "DateTime",
            Temporal::Duration(_) => "Duration",
        }
    }

    /// The constructor function of the type, as the Cypher export writes it.
    pub fn constructor(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "date",
            Temporal::LocalTime(_) => "localtime",
            Temporal::Time { .. } => "time",
            Temporal::LocalDateTime { .. } => "localdatetime",
            Temporal::DateTime { .. } => "datetime",
            Temporal::Duration(_) => "duration",
        }
    }

    /// The XML Schema datatype of the value, for N-Quads and GraphML.
    pub fn xsd_type(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "date",
            Temporal::LocalTime(_) | Temporal::Time { .. } => "time",
            Temporal::LocalDateTime { .. } | Temporal::DateTime { .. } => "dateTime",
            Temporal::Duration(_) => "duration",
        }
    }

    /// The instant of a datetime, in nanoseconds since the Unix epoch.
    pub fn epoch_nanos(&self) -> Option<i128> {
        match self {
            Temporal::DateTime {
                days,
                nanos,
                offset,
                ..
            } => Some(
                *days as i128 * NANOS_PER_DAY as i128 + *nanos as i128
                    - *offset as i128 * NANOS_PER_SECOND as i128,
            ),
            _ => None,
        }
    }

    /// Ordering within one type, as `<` and `ORDER BY` see it; `None` across
    /// types and for durations, which have no order.
    pub fn compare(&self, other: &Temporal) -> Option<Ordering> {
        use Temporal as T;
        match (self, other) {
            (T::Date(a), T::Date(b)) => Some(a.cmp(b)),
            (T::LocalTime(a), T::LocalTime(b)) => Some(a.cmp(b)),
            (
                T::Time {
                    nanos: a,
                    offset: oa,
                },
                T::Time {
                    nanos: b,
                    offset: ob,
                },
            ) => {
                let ua = *a - *oa as i64 * NANOS_PER_SECOND;
                let ub = *b - *ob as i64 * NANOS_PER_SECOND;
                Some(ua.cmp(&ub).then(ob.cmp(oa)))
            }
            (
                T::LocalDateTime {
                    days: da,
                    nanos: na,
                },
                T::LocalDateTime {
                    days: db,
                    nanos: nb,
                },
            ) => Some((da, na).cmp(&(db, nb))),
            (T::DateTime { .. }, T::DateTime { .. }) => {
                Some(self.epoch_nanos()?.cmp(&other.epoch_nanos()?))
            }
            _ => None,
        }
    }

    /// Cypher equality: same type and same value (a datetime also the same zone).
    pub fn equals(&self, other: &Temporal) -> bool {
        use Temporal as T;
        match (self, other) {
            (T::DateTime { zone: za, .. }, T::DateTime { zone: zb, .. }) => {
                self.epoch_nanos() == other.epoch_nanos() && za == zb && {
                    let (T::DateTime { offset: oa, .. }, T::DateTime { offset: ob, .. }) =
                        (self, other)
                    else {
                        return false;
                    };
                    oa == ob
                }
            }
            (T::Duration(a), T::Duration(b)) => a == b,
            _ => self.compare(other) == Some(Ordering::Equal),
        }
    }

    /// A total order for `ORDER BY`: by type, then by value; durations by their
    /// components.
    pub fn order(&self, other: &Temporal) -> Ordering {
        let rank = |t: &Temporal| match t {
            Temporal::DateTime { .. } => 0,
            Temporal::LocalDateTime { .. } => 1,
            Temporal::Date(_) => 2,
            Temporal::Time { .. } => 3,
            Temporal::LocalTime(_) => 4,
            Temporal::Duration(_) => 5,
        };
        rank(self)
            .cmp(&rank(other))
            .then_with(|| match (self, other) {
                (Temporal::Duration(a), Temporal::Duration(b)) => {
                    (a.months, a.days, a.total_nanos()).cmp(&(b.months, b.days, b.total_nanos()))
                }
                _ => self.compare(other).unwrap_or(Ordering::Equal),
            })
    }
}

/// Writes `HH:MM[:SS[.fraction]]`, leaving out zero seconds and trailing zeros.
pub(crate) fn write_time(nanos: i64, f: &mut impl fmt::Write) -> fmt::Result {
    let (h, rest) = (nanos / NANOS_PER_HOUR, nanos % NANOS_PER_HOUR);
    let (m, rest) = (rest / NANOS_PER_MINUTE, rest % NANOS_PER_MINUTE);
    let (s, frac) = (rest / NANOS_PER_SECOND, rest % NANOS_PER_SECOND);
    write!(f, "{h:02}:{m:02}")?;
    if s != 0 || frac != 0 {
        write!(f, ":{s:02}")?;
        write_fraction(frac, f)?;
    }
    Ok(())
}

fn write_fraction(frac: i64, f: &mut impl fmt::Write) -> fmt::Result {
    if frac != 0 {
        let digits = format!("{frac:09}");
        write!(f, ".{}", digits.trim_end_matches('0'))?;
    }
    Ok(())
}

pub(crate) fn write_date(days: i64, f: &mut impl fmt::Write) -> fmt::Result {
    let (y, m, d) = civil_from_days(days);
    if y > 9999 {
        write!(f, "+{y}")?;
    } else if y < 0 {
        write!(f, "-{:04}", -y)?;
    } else {
        write!(f, "{y:04}")?;
    }
    write!(f, "-{m:02}-{d:02}")
}

/// `Z`, `+HH:MM` or `+HH:MM:SS`.
pub(crate) fn write_offset(offset: i32, f: &mut impl fmt::Write) -> fmt::Result {
    if offset == 0 {
        return f.write_char('Z');
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    write!(f, "{sign}{:02}:{:02}", a / 3600, a / 60 % 60)?;
    if !a.is_multiple_of(60) {
        write!(f, ":{:02}", a % 60)?;
    }
    Ok(())
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('P')?;
        let (years, months) = (self.months / 12, self.months % 12);
        if years != 0 {
            write!(f, "{years}Y")?;
        }
        if months != 0 {
            write!(f, "{months}M")?;
        }
        if self.days != 0 {
            write!(f, "{}D", self.days)?;
        }
        let total = self.total_nanos();
        if total != 0 {
            f.write_char('T')?;
            let hours = total / NANOS_PER_HOUR as i128;
            let rest = total % NANOS_PER_HOUR as i128;
            let minutes = rest / NANOS_PER_MINUTE as i128;
            let rest = rest % NANOS_PER_MINUTE as i128;
            if hours != 0 {
                write!(f, "{hours}H")?;
            }
            if minutes != 0 {
                write!(f, "{minutes}M")?;
            }
            if rest != 0 {
                if rest < 0 {
                    f.write_char('-')?;
                }
                let rest = rest.abs();
                write!(f, "{}", rest / NANOS_PER_SECOND as i128)?;
                write_fraction((rest % NANOS_PER_SECOND as i128) as i64, f)?;
                f.write_char('S')?;
            }
        } else if self.months == 0 && self.days == 0 {
            f.write_str("T0S")?;
        }
        Ok(())
    }
}

/// ISO 8601, as openCypher's `toString` writes it.
impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Temporal::Date(days) => write_date(*days, f),
            Temporal::LocalTime(nanos) => write_time(*nanos, f),
            Temporal::Time { nanos, offset } => {
                write_time(*nanos, f)?;
                write_offset(*offset, f)
            }
            Temporal::LocalDateTime { days, nanos } => {
                write_date(*days, f)?;
                f.write_char('T')?;
                write_time(*nanos, f)
            }
            Temporal::DateTime {
                days,
                nanos,
                offset,
                zone,
            } => {
                write_date(*days, f)?;
                f.write_char('T')?;
                write_time(*nanos, f)?;
                write_offset(*offset, f)?;
                if let Some(zone) = zone {
                    write!(f, "[{zone}]")?;
                }
                Ok(())
            }
            Temporal::Duration(d) => write!(f, "{d}"),
        }
    }
}
