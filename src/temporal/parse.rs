//! ISO 8601 text as openCypher accepts it.
//!
//! Dates: `2015-07-21`, `20150721`, `2015-07`, `201507`, `2015-W30-2`, `2015W302`,
//! `2015-W30`, `2015-202`, `2015202`, `2015`. Times: `21:40:32.142`, `214032`,
//! `21:40`, `21`, then an offset `Z`, `+01:00`, `+0100`, `+01` and, for datetimes,
//! a zone `[Europe/Stockholm]`. Durations: `P1Y2M3W4DT5H6M7.5S` (any part may be
//! fractional or negative) and `P2012-02-02T14:37:21.545`.

use super::calendar::{days_from_civil, days_in_month, days_in_year, week_one, weeks_in_year};
use super::{zone, Duration, Temporal, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND};

/// A cursor over the text being parsed.
struct Text<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Text<'a> {
    fn new(s: &'a str) -> Self {
        Text {
            s: s.as_bytes(),
            at: 0,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.at >= self.s.len()
    }
    /// The number of digits from here on.
    fn digits_ahead(&self) -> usize {
        self.s[self.at..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    }
    fn number(&mut self, n: usize) -> Option<i64> {
        if self.digits_ahead() < n {
            return None;
        }
        let mut v = 0i64;
        for _ in 0..n {
            v = v * 10 + i64::from(self.s[self.at] - b'0');
            self.at += 1;
        }
        Some(v)
    }
}

fn bad(kind: &str, text: &str) -> String {
    format!("invalid temporal value: `{text}` is not a valid {kind}")
}

/// The day number of a date in any of the forms; `text` is the whole input, for messages.
fn date_part(t: &mut Text, kind: &str, text: &str) -> Result<i64, String> {
    let err = || bad(kind, text);
    let sign = if t.eat(b'-') {
        -1
    } else {
        t.eat(b'+');
        1
    };
    let signed = t.at > 0;
    // Four digits, or more with a sign.
    let year_digits = if signed {
        let n = t.digits_ahead();
        // An unsigned-looking form like `+2015202` is ambiguous; a signed year has
        // at least 4 digits and takes the rest only when it is followed by a dash.
        if t.s.get(t.at + n) == Some(&b'-') || n <= 4 {
            n
        } else {
            4
        }
    } else {
        4
    };
    if year_digits < 4 {
        return Err(err());
    }
    let year = sign * t.number(year_digits).ok_or_else(err)?;
    if year.abs() > 999_999_999 {
        return Err(err());
    }
    let dashed = t.eat(b'-');
    if t.done() || t.peek() == Some(b'T') {
        if dashed {
            return Err(err());
        }
        return Ok(days_from_civil(year, 1, 1));
    }
    if t.eat(b'W') {
        let week = t.number(2).ok_or_else(err)?;
        let day = if (dashed && t.eat(b'-')) || (!dashed && t.digits_ahead() == 1) {
            t.number(1).ok_or_else(err)?
        } else {
            1
        };
        return week_date(year, week, day).ok_or_else(err);
    }
    let n = t.digits_ahead();
    match (dashed, n) {
        (true, 3) | (false, 3) => {
            let ordinal = t.number(3).ok_or_else(err)?;
            ordinal_date(year, ordinal).ok_or_else(err)
        }
        (true, 2) => {
            let month = t.number(2).ok_or_else(err)?;
            let day = if t.eat(b'-') {
                t.number(2).ok_or_else(err)?
            } else {
                1
            };
            civil_date(year, month, day).ok_or_else(err)
        }
        (false, 2) => {
            let month = t.number(2).ok_or_else(err)?;
            civil_date(year, month, 1).ok_or_else(err)
        }
        (false, 4) => {
            let month = t.number(2).ok_or_else(err)?;
            let day = t.number(2).ok_or_else(err)?;
            civil_date(year, month, day).ok_or_else(err)
        }
        _ => Err(err()),
    }
}

pub fn civil_date(year: i64, month: i64, day: i64) -> Option<i64> {
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
        .then(|| days_from_civil(year, month, day))
}

pub fn week_date(year: i64, week: i64, day: i64) -> Option<i64> {
    ((1..=weeks_in_year(year)).contains(&week) && (1..=7).contains(&day))
        .then(|| week_one(year) + (week - 1) * 7 + day - 1)
}

pub fn ordinal_date(year: i64, ordinal: i64) -> Option<i64> {
    (ordinal >= 1 && ordinal <= days_in_year(year))
        .then(|| days_from_civil(year, 1, 1) + ordinal - 1)
}

/// `HH[:MM[:SS[.fff]]]` or `HH[MM[SS[.fff]]]`, as nanoseconds since midnight.
fn time_part(t: &mut Text, kind: &str, text: &str) -> Result<i64, String> {
    let err = || bad(kind, text);
    let hour = t.number(2).ok_or_else(err)?;
    let mut nanos = 0;
    let colons = t.peek() == Some(b':');
    let mut minute = 0;
    let mut second = 0;
    if (colons && t.eat(b':')) || (!colons && t.digits_ahead() >= 2) {
        minute = t.number(2).ok_or_else(err)?;
        if (colons && t.eat(b':')) || (!colons && t.digits_ahead() >= 2) {
            second = t.number(2).ok_or_else(err)?;
            if t.eat(b'.') || t.eat(b',') {
                let n = t.digits_ahead();
                if n == 0 || n > 9 {
                    return Err(err());
                }
                let frac = t.number(n).ok_or_else(err)?;
                nanos = frac * 10i64.pow(9 - n as u32);
            }
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(err());
    }
    Ok(hour * NANOS_PER_HOUR + minute * NANOS_PER_MINUTE + second * NANOS_PER_SECOND + nanos)
}

/// `Z`, `+HH`, `+HHMM`, `+HH:MM`, `+HH:MM:SS`, as seconds east of UTC.
pub fn offset(text: &str) -> Option<i32> {
    let mut t = Text::new(text);
    let o = offset_part(&mut t)?;
    t.done().then_some(o)
}

fn offset_part(t: &mut Text) -> Option<i32> {
    if t.eat(b'Z') {
        return Some(0);
    }
    let sign = if t.eat(b'+') {
        1
    } else if t.eat(b'-') {
        -1
    } else {
        return None;
    };
    let h = t.number(2)?;
    let colons = t.eat(b':');
    let mut m = 0;
    let mut s = 0;
    if colons || t.digits_ahead() >= 2 {
        m = t.number(2)?;
        if (colons && t.eat(b':')) || (!colons && t.digits_ahead() >= 2) {
            s = t.number(2)?;
        }
    }
    if h > 18 || m > 59 || s > 59 || (h == 18 && (m > 0 || s > 0)) {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + s) as i32)
}

/// The time zone after a time: an offset, a `[Zone/Name]`, both, or neither.
fn zone_part(
    t: &mut Text,
    kind: &str,
    text: &str,
) -> Result<(Option<i32>, Option<String>), String> {
    let err = || bad(kind, text);
    let offset = match t.peek() {
        Some(b'Z' | b'+' | b'-') => Some(offset_part(t).ok_or_else(err)?),
        _ => None,
    };
    let mut zone = None;
    if t.eat(b'[') {
        let rest = &t.s[t.at..];
        let end = rest.iter().position(|&c| c == b']').ok_or_else(err)?;
        let name = std::str::from_utf8(&rest[..end]).map_err(|_| err())?;
        t.at += end + 1;
        zone = Some(name.to_string());
    }
    if !t.done() {
        return Err(err());
    }
    Ok((offset, zone))
}

pub fn date(text: &str) -> Result<Temporal, String> {
    let mut t = Text::new(text.trim());
    let days = date_part(&mut t, "date", text)?;
    if !t.done() {
        return Err(bad("date", text));
    }
    Ok(Temporal::Date(days))
}

pub fn local_time(text: &str) -> Result<Temporal, String> {
    let mut t = Text::new(text.trim());
    let nanos = time_part(&mut t, "local time", text)?;
    if !t.done() {
        return Err(bad("local time", text));
    }
    Ok(Temporal::LocalTime(nanos))
}

/// A time; without an offset it takes `default_offset`.
pub fn time(text: &str, default_offset: i32) -> Result<Temporal, String> {
    let mut t = Text::new(text.trim());
    let nanos = time_part(&mut t, "time", text)?;
    let (offset, zone) = zone_part(&mut t, "time", text)?;
    if zone.is_some() {
        return Err(bad("time", text));
    }
    Ok(Temporal::Time {
        nanos,
        offset: offset.unwrap_or(default_offset),
    })
}

pub fn local_datetime(text: &str) -> Result<Temporal, String> {
    let mut t = Text::new(text.trim());
    let days = date_part(&mut t, "local date time", text)?;
    let nanos = if t.eat(b'T') {
        time_part(&mut t, "local date time", text)?
    } else {
        0
    };
    if !t.done() {
        return Err(bad("local date time", text));
    }
    Ok(Temporal::LocalDateTime { days, nanos })
}

/// A datetime; without an offset or zone it is in UTC.
pub fn datetime(text: &str) -> Result<Temporal, String> {
    let kind = "date time";
    let mut t = Text::new(text.trim());
    let days = date_part(&mut t, kind, text)?;
    let nanos = if t.eat(b'T') {
        time_part(&mut t, kind, text)?
    } else {
        0
    };
    let (offset, zone_name) = zone_part(&mut t, kind, text)?;
    match zone_name {
        Some(name) => {
            let (days, nanos, off) = match offset {
                // The offset written wins when it is valid in the zone at that time.
                Some(o) => {
                    let instant = days as i128 * super::NANOS_PER_DAY as i128 + nanos as i128
                        - o as i128 * NANOS_PER_SECOND as i128;
                    let real = zone::offset_at_instant(&name, instant)?;
                    if real == o {
                        (days, nanos, o)
                    } else {
                        zone::resolve_local(&name, days, nanos)?
                    }
                }
                None => zone::resolve_local(&name, days, nanos)?,
            };
            Ok(Temporal::DateTime {
                days,
                nanos,
                offset: off,
                zone: Some(name),
            })
        }
        None => Ok(Temporal::DateTime {
            days,
            nanos,
            offset: offset.unwrap_or(0),
            zone: None,
        }),
    }
}

/// A date or a datetime, whichever the text is: the claims model's `date`.
pub fn date_or_datetime(text: &str) -> Result<Temporal, String> {
    date(text).or_else(|_| datetime(text)).map_err(|_| {
        format!("`{text}` is not an ISO 8601 date or date time (such as 2023-04-03, 2022-12 or 2023-04-02T21:30:00+03:00)")
    })
}

/// The average Gregorian month and day, in seconds, for fractional units.
const SECONDS_PER_MONTH: f64 = 2_629_746.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

pub fn duration(text: &str) -> Result<Temporal, String> {
    let err = || bad("duration", text);
    let s = text.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let body = body.strip_prefix('P').ok_or_else(err)?;
    if body.is_empty() {
        return Err(err());
    }
    // The alternative form: P2012-02-02T14:37:21.545.
    if body.len() >= 10
        && body.as_bytes()[4] == b'-'
        && body.as_bytes()[..4].iter().all(u8::is_ascii_digit)
    {
        let ldt = local_datetime(body).map_err(|_| err())?;
        let Temporal::LocalDateTime { nanos, .. } = ldt else {
            return Err(err());
        };
        let parts: Vec<&str> = body.split('T').collect();
        let ymd: Vec<i64> = parts[0]
            .split('-')
            .map(|p| p.parse::<i64>().map_err(|_| err()))
            .collect::<Result<_, _>>()?;
        if ymd.len() != 3 {
            return Err(err());
        }
        let d = Duration::new(ymd[0] * 12 + ymd[1], ymd[2], nanos as i128).ok_or_else(err)?;
        return Ok(Temporal::Duration(if negative {
            negate(d).ok_or_else(err)?
        } else {
            d
        }));
    }
    let mut months = 0f64;
    let mut days = 0f64;
    let mut seconds = 0f64;
    let mut whole = (0i64, 0i64, 0i128);
    let mut in_time = false;
    let mut rest = body;
    let mut seen = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            if in_time {
                return Err(err());
            }
            in_time = true;
            rest = r;
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-'))
            .ok_or_else(err)?;
        let number = rest[..end].replace(',', ".");
        let unit = rest.as_bytes()[end];
        if !unit.is_ascii() {
            return Err(err());
        }
        rest = &rest[end + 1..];
        if number.is_empty() {
            return Err(err());
        }
        seen = true;
        let int = number.parse::<i64>().ok();
        let value: f64 = number.parse().map_err(|_| err())?;
        match (in_time, unit) {
            (false, b'Y') => match int {
                Some(i) => whole.0 += i.checked_mul(12).ok_or_else(err)?,
                None => months += value * 12.0,
            },
            (false, b'M') => match int {
                Some(i) => whole.0 += i,
                None => months += value,
            },
            (false, b'W') => match int {
                Some(i) => whole.1 += i.checked_mul(7).ok_or_else(err)?,
                None => days += value * 7.0,
            },
            (false, b'D') => match int {
                Some(i) => whole.1 += i,
                None => days += value,
            },
            (true, b'H') => match int {
                Some(i) => whole.2 += i as i128 * NANOS_PER_HOUR as i128,
                None => seconds += value * 3600.0,
            },
            (true, b'M') => match int {
                Some(i) => whole.2 += i as i128 * NANOS_PER_MINUTE as i128,
                None => seconds += value * 60.0,
            },
            (true, b'S') => match int {
                Some(i) => whole.2 += i as i128 * NANOS_PER_SECOND as i128,
                None => {
                    whole.2 += decimal_nanos(&number).ok_or_else(err)?;
                }
            },
            _ => return Err(err()),
        }
    }
    if !seen {
        return Err(err());
    }
    let d = fractional(whole, months, days, seconds).ok_or_else(err)?;
    Ok(Temporal::Duration(if negative {
        negate(d).ok_or_else(err)?
    } else {
        d
    }))
}

/// Exact nanoseconds of a decimal number of seconds such as `-21.545`.
pub fn decimal_nanos(number: &str) -> Option<i128> {
    let (neg, digits) = match number.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, number),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut frac = frac.to_string();
    if frac.len() > 9 {
        frac.truncate(9);
    }
    while frac.len() < 9 {
        frac.push('0');
    }
    let v = int * NANOS_PER_SECOND as i128 + frac.parse::<i128>().ok()?;
    Some(if neg { -v } else { v })
}

/// Folds fractional months into days and fractional days into seconds, as
/// openCypher does (a month is 1/12 of the average Gregorian year).
pub fn fractional(
    whole: (i64, i64, i128),
    months: f64,
    days: f64,
    seconds: f64,
) -> Option<Duration> {
    let month_whole = months.trunc();
    let month_rest = (months - month_whole) * SECONDS_PER_MONTH;
    let days_total = days + (month_rest / SECONDS_PER_DAY).trunc();
    let day_whole = days_total.trunc();
    let secs = seconds + (days_total - day_whole) * SECONDS_PER_DAY + month_rest % SECONDS_PER_DAY;
    let nanos = (secs * NANOS_PER_SECOND as f64).round();
    if !nanos.is_finite()
        || nanos.abs() > 1e36
        || month_whole.abs() > 9e18
        || day_whole.abs() > 9e18
    {
        return None;
    }
    Duration::new(
        whole.0.checked_add(month_whole as i64)?,
        whole.1.checked_add(day_whole as i64)?,
        whole.2 + nanos as i128,
    )
}

pub fn negate(d: Duration) -> Option<Duration> {
    Duration::new(
        d.months.checked_neg()?,
        d.days.checked_neg()?,
        -d.total_nanos(),
    )
}
