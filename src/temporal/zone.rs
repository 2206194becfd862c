//! Named time zones, from the time-zone database compiled into the binary.

use jiff::tz::TimeZone;

use super::{NANOS_PER_DAY, NANOS_PER_SECOND};

fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| format!("invalid time zone: `{name}` is not a known time zone"))
}

/// Whether the name is a time zone of the database.
pub fn is_zone(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// The offset in force in `name` at an instant (nanoseconds since the epoch).
pub fn offset_at_instant(name: &str, epoch_nanos: i128) -> Result<i32, String> {
    let tz = zone(name)?;
    let secs = epoch_nanos.div_euclid(NANOS_PER_SECOND as i128);
    let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
    let ts = jiff::Timestamp::new(secs, 0).map_err(|_| out_of_range())?;
    Ok(tz.to_offset(ts).seconds())
}

/// The local date and time (normalised when it falls in a gap) and the offset in
/// force in `name` at a wall-clock time. An ambiguous time takes the earlier offset.
pub fn resolve_local(name: &str, days: i64, nanos: i64) -> Result<(i64, i64, i32), String> {
    let tz = zone(name)?;
    let (y, mo, d) = super::civil_from_days(days);
    let year = i16::try_from(y).map_err(|_| out_of_range())?;
    let dt = jiff::civil::DateTime::new(
        year,
        mo as i8,
        d as i8,
        (nanos / super::NANOS_PER_HOUR) as i8,
        (nanos / super::NANOS_PER_MINUTE % 60) as i8,
        (nanos / NANOS_PER_SECOND % 60) as i8,
        (nanos % NANOS_PER_SECOND) as i32,
    )
    .map_err(|_| out_of_range())?;
    let ts = tz
        .to_ambiguous_timestamp(dt)
        .compatible()
        .map_err(|_| out_of_range())?;
    let offset = tz.to_offset(ts).seconds();
    // The wall clock again from the instant: a time in a gap moves forward.
    let instant =
        i128::from(ts.as_second()) * NANOS_PER_SECOND as i128 + i128::from(ts.subsec_nanosecond());
    let shifted = instant + offset as i128 * NANOS_PER_SECOND as i128;
    let d = shifted.div_euclid(NANOS_PER_DAY as i128) as i64;
    let n = shifted.rem_euclid(NANOS_PER_DAY as i128) as i64;
    Ok((d, n, offset))
}

fn out_of_range() -> String {
    "invalid temporal value: outside the range of the time-zone database (years -9999 to 9999)"
        .to_string()
}
