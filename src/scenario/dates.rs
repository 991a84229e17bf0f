//! Date rules of the peak events: Valentine's Day, Mother's Day per country, Christmas, Black
//! Friday, and the Gregorian Easter computus the UK and French rules need.
//!
//! An [`EventDate`] names a recurring day without a year; [`resolve`] picks the occurrence
//! that falls inside the scenario's calendar or, when none does, the one nearest to it (so a
//! calendar of 1–31 December resolves Valentine's Day to 14 February of the next year, 45
//! days after the end, rather than to the February 290 days before the start).
//!
//! Day arithmetic uses plain day numbers (days since 1970-01-01, proleptic Gregorian), so
//! nothing here can fail or panic for the years a scenario can express.

use jiff::civil::{Date, Weekday};

use super::schema::{Country, EventDate};

/// Days since 1970-01-01 of a civil date (negative before), proleptic Gregorian calendar.
///
/// Howard Hinnant's `days_from_civil`: exact for every date `jiff` can represent.
pub fn day_number(date: Date) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`day_number`]); `None` outside the years
/// `jiff` supports (−9999 to 9999).
pub fn from_day_number(n: i64) -> Option<Date> {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// The civil date of a day number, clamped to `jiff`'s range (for day numbers computed from
/// dates, which are always inside it).
pub fn date_of_day_number(n: i64) -> Date {
    from_day_number(n).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Weekday index of a day number, Monday = 0 (1970-01-01 was a Thursday).
pub fn weekday_index(n: i64) -> usize {
    (n + 3).rem_euclid(7) as usize
}

/// Three-letter English weekday name: "Mon" … "Sun".
pub fn weekday_short(date: Date) -> &'static str {
    WEEKDAYS_SHORT[weekday_index(day_number(date))]
}

/// "Mon" … "Sun".
pub const WEEKDAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// "Jan" … "Dec".
pub const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "January" … "December".
pub const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "13 February", as in a headline sentence.
pub fn day_month(date: Date) -> String {
    format!(
        "{} {}",
        date.day(),
        MONTHS_LONG[(date.month() as usize).clamp(1, 12) - 1]
    )
}

/// "Fri 12 Feb".
pub fn weekday_day_month(date: Date) -> String {
    format!(
        "{} {} {}",
        weekday_short(date),
        date.day(),
        MONTHS_SHORT[(date.month() as usize).clamp(1, 12) - 1]
    )
}

/// `date` shifted by `days` (may be negative); `None` outside the supported years.
pub fn add_days(date: Date, days: i64) -> Option<Date> {
    from_day_number(day_number(date).checked_add(days)?)
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day 1..=31 by construction.
    jiff::civil::date(year, month as i8, day as i8)
}

/// The `n`-th (1-based) `weekday` of a month.
fn nth_weekday(year: i16, month: i8, weekday: Weekday, n: i64) -> Date {
    let first = jiff::civil::date(year, month, 1);
    let offset = (i64::from(weekday.to_monday_zero_offset())
        - i64::from(first.weekday().to_monday_zero_offset()))
    .rem_euclid(7);
    add_days(first, offset + 7 * (n - 1)).unwrap_or(first)
}

/// The last `weekday` of a month.
fn last_weekday(year: i16, month: i8, weekday: Weekday) -> Date {
    let last = jiff::civil::date(year, month, 1).last_of_month();
    let back = (i64::from(last.weekday().to_monday_zero_offset())
        - i64::from(weekday.to_monday_zero_offset()))
    .rem_euclid(7);
    add_days(last, -back).unwrap_or(last)
}

/// Mother's Day of a country in a year.
///
/// * NL, BE, DE, US: the second Sunday of May.
/// * UK: Mothering Sunday, the fourth Sunday of Lent = Easter Sunday − 21 days.
/// * FR: the last Sunday of May, unless that is Pentecost (Easter + 49 days); then the first
///   Sunday of June.
pub fn mothers_day(country: Country, year: i16) -> Date {
    match country {
        Country::NL | Country::BE | Country::DE | Country::US => {
            nth_weekday(year, 5, Weekday::Sunday, 2)
        }
        Country::UK => add_days(easter_sunday(year), -21).unwrap_or_else(|| easter_sunday(year)),
        Country::FR => {
            let last = last_weekday(year, 5, Weekday::Sunday);
            let pentecost = add_days(easter_sunday(year), 49);
            if Some(last) == pentecost {
                nth_weekday(year, 6, Weekday::Sunday, 1)
            } else {
                last
            }
        }
    }
}

/// Black Friday: the day after the fourth Thursday of November (US Thanksgiving).
pub fn black_friday(year: i16) -> Date {
    let thanksgiving = nth_weekday(year, 11, Weekday::Thursday, 4);
    add_days(thanksgiving, 1).unwrap_or(thanksgiving)
}

/// The occurrence of an event in one year (`On` ignores the year).
pub fn in_year(event: &EventDate, year: i16) -> Date {
    match event {
        EventDate::ValentinesDay => jiff::civil::date(year, 2, 14),
        EventDate::MothersDay(country) => mothers_day(*country, year),
        EventDate::ChristmasDay => jiff::civil::date(year, 12, 25),
        EventDate::BlackFriday => black_friday(year),
        EventDate::On(date) => *date,
    }
}

/// The occurrence of `event` for a calendar from `start` to `end` (inclusive): the one inside
/// the calendar, else the one nearest to it (distance in days to the nearer end; on a tie
/// the earlier occurrence). `On` dates are returned as written.
pub fn resolve(event: &EventDate, start: Date, end: Date) -> Date {
    if let EventDate::On(date) = event {
        return *date;
    }
    let (s, e) = (day_number(start), day_number(end));
    let distance = |d: Date| {
        let n = day_number(d);
        if n < s {
            s - n
        } else if n > e {
            n - e
        } else {
            0
        }
    };
    let lo = start.year().saturating_sub(1).max(-9998);
    let hi = end.year().saturating_add(1).min(9998);
    let mut best: Option<(i64, Date)> = None;
    for year in lo..=hi {
        let d = in_year(event, year);
        let dist = distance(d);
        if best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, d));
        }
    }
    best.map_or_else(|| in_year(event, start.year()), |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_round_trip_and_match_jiff() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(2000, 3, 1)), 11_017);
        let mut d = date(1899, 12, 25);
        let mut n = day_number(d);
        for _ in 0..3000 {
            assert_eq!(from_day_number(n), Some(d));
            d = d.tomorrow().unwrap();
            n += 1;
            assert_eq!(day_number(d), n);
        }
    }

    #[test]
    fn easter_of_known_years() {
        // Published Western Easter dates.
        for (y, m, d) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "Easter {y}");
        }
    }

    #[test]
    fn french_rule_moves_when_pentecost() {
        // 2024: Pentecost is 19 May, last Sunday of May 26 May → stays.
        assert_eq!(mothers_day(Country::FR, 2024), date(2024, 5, 26));
        // 2027: Easter 28 March → Pentecost 16 May; last Sunday of May is 30 May.
        assert_eq!(mothers_day(Country::FR, 2027), date(2027, 5, 30));
        // 2020: Easter 12 April → Pentecost 31 May = last Sunday of May → 7 June (as in 2020).
        assert_eq!(mothers_day(Country::FR, 2020), date(2020, 6, 7));
    }

    #[test]
    fn black_friday_of_known_years() {
        assert_eq!(black_friday(2024), date(2024, 11, 29));
        assert_eq!(black_friday(2026), date(2026, 11, 27));
        assert_eq!(black_friday(2027), date(2027, 11, 26));
    }

    #[test]
    fn resolve_picks_the_nearest_occurrence() {
        let dec = (date(2027, 12, 1), date(2027, 12, 31));
        assert_eq!(
            resolve(&EventDate::ChristmasDay, dec.0, dec.1),
            date(2027, 12, 25)
        );
        assert_eq!(
            resolve(&EventDate::ValentinesDay, dec.0, dec.1),
            date(2028, 2, 14)
        );
        assert_eq!(
            resolve(&EventDate::BlackFriday, dec.0, dec.1),
            date(2027, 11, 26)
        );
    }
}
