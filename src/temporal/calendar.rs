//! The proleptic Gregorian calendar on day numbers (days since 1970-01-01):
//! civil dates, ISO weeks, ordinal days and quarters.

/// Days since 1970-01-01 of a civil date (month and day already checked).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn days_in_year(year: i64) -> i64 {
    if is_leap(year) {
        366
    } else {
        365
    }
}

/// The ISO day of the week, Monday 1 to Sunday 7.
pub fn weekday(days: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (days + 3).rem_euclid(7) + 1
}

/// The day number of Monday of ISO week 1 of `week_year`.
pub fn week_one(week_year: i64) -> i64 {
    let jan4 = days_from_civil(week_year, 1, 4);
    jan4 - (weekday(jan4) - 1)
}

/// The number of ISO weeks in a week-based year (52 or 53).
pub fn weeks_in_year(week_year: i64) -> i64 {
    (week_one(week_year + 1) - week_one(week_year)) / 7
}

/// The ISO `(week_year, week)` of a day number.
pub fn iso_week(days: i64) -> (i64, i64) {
    let (year, _, _) = civil_from_days(days);
    let mut wy = year + 1;
    while days < week_one(wy) {
        wy -= 1;
    }
    (wy, (days - week_one(wy)) / 7 + 1)
}

/// The day of the year, from 1.
pub fn ordinal_day(days: i64) -> i64 {
    let (year, _, _) = civil_from_days(days);
    days - days_from_civil(year, 1, 1) + 1
}

/// The quarter (1 to 4) and the day within it, from 1.
pub fn quarter(days: i64) -> (i64, i64) {
    let (year, month, _) = civil_from_days(days);
    let q = (month - 1) / 3 + 1;
    (q, days - days_from_civil(year, (q - 1) * 3 + 1, 1) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(19_450), (2023, 4, 3));
    }

    #[test]
    fn iso_weeks_follow_the_standard() {
        assert_eq!(iso_week(days_from_civil(1984, 1, 1)), (1983, 52));
        assert_eq!(iso_week(days_from_civil(1984, 10, 11)), (1984, 41));
        assert_eq!(iso_week(days_from_civil(2015, 7, 21)), (2015, 30));
        assert_eq!(weekday(days_from_civil(2015, 7, 21)), 2);
        assert_eq!(weeks_in_year(2015), 53);
        assert_eq!(weeks_in_year(2016), 52);
    }
}
