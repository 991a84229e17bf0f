//! Number and date formatting for people, shared by plots, HTML and Markdown so that the same
//! figure reads the same everywhere ("1,240", "€41,300", "85.3%", "Fri 12 Feb 10:00").
//! English conventions: comma thousands separator, point decimal separator.

use jiff::civil::{Date, DateTime, Weekday};

/// `v` rounded to `decimals` places (half away from zero, as money is rounded) with comma
/// thousands separators: `1240.0 → "1,240"`. Non-finite values are written "n/a".
pub fn thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(i32::MAX).min(12));
    let rounded = (v.abs() * scale).round() / scale;
    let s = format!(
        "{:.*}",
        decimals,
        if rounded.is_finite() {
            rounded
        } else {
            v.abs()
        }
    );
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    // "-0" after rounding is written "0".
    let is_zero = s.bytes().all(|b| b == b'0' || b == b'.');
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Whole euros: `41300.4 → "€41,300"`, `-12.0 → "-€12"`.
pub fn eur(v: f64) -> String {
    let s = thousands(v, 0);
    match s.strip_prefix('-') {
        Some(rest) => format!("-€{rest}"),
        None if s == "n/a" => s,
        None => format!("€{s}"),
    }
}

/// A value already in percent: `85.25, 1 → "85.3%"`.
pub fn percent(v: f64, decimals: usize) -> String {
    let s = thousands(v, decimals);
    if s == "n/a" { s } else { format!("{s}%") }
}

/// A fraction as percent: `0.853, 1 → "85.3%"`.
pub fn fraction_percent(f: f64, decimals: usize) -> String {
    percent(f * 100.0, decimals)
}

use crate::scenario::dates::{MONTHS_SHORT as MONTHS, WEEKDAYS_SHORT};

/// Three-letter English weekday name.
pub fn weekday(w: Weekday) -> &'static str {
    WEEKDAYS_SHORT[usize::try_from(w.to_monday_zero_offset()).unwrap_or(0)]
}

/// "Fri 12 Feb".
pub fn day(d: Date) -> String {
    let month = MONTHS[(d.month() as usize).clamp(1, 12) - 1];
    format!("{} {} {}", weekday(d.weekday()), d.day(), month)
}

/// "13 February", as in a headline sentence.
pub use crate::scenario::dates::day_month;

/// "Fri 12 Feb 2027".
pub fn day_with_year(d: Date) -> String {
    format!("{} {}", day(d), d.year())
}

/// "10:00".
pub fn clock(t: DateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "Fri 12 Feb 10:00".
pub fn day_clock(t: DateTime) -> String {
    format!("{} {}", day(t.date()), clock(t))
}

/// `3–21 February`, `28 February – 2 March`, `14 February`.
pub fn date_range(a: Date, b: Date) -> String {
    if a == b {
        crate::scenario::dates::day_month(a)
    } else if a.month() == b.month() {
        format!("{}–{}", a.day(), crate::scenario::dates::day_month(b))
    } else {
        format!(
            "{} – {}",
            crate::scenario::dates::day_month(a),
            crate::scenario::dates::day_month(b)
        )
    }
}

/// `13–16 February`, `12 and 14 February`, `12, 14, 16 February`, `28 February – 2 March`
/// (consecutive dates as ranges).
pub fn dates_list(dates: &[Date]) -> String {
    let mut d: Vec<Date> = dates.to_vec();
    d.sort();
    d.dedup();
    let mut runs: Vec<(Date, Date)> = Vec::new();
    for x in d {
        match runs.last_mut() {
            Some((_, b)) if b.tomorrow().ok() == Some(x) => *b = x,
            _ => runs.push((x, x)),
        }
    }
    let parts: Vec<String> = runs.iter().map(|&(a, b)| date_range(a, b)).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn halves_round_away_from_zero_as_money_does() {
        assert_eq!(thousands(2.5, 0), "3");
        assert_eq!(thousands(1_239.5, 0), "1,240");
        assert_eq!(thousands(-2.5, 0), "-3");
        assert_eq!(thousands(-0.4, 0), "0");
        assert_eq!(thousands(0.125, 2), "0.13");
        assert_eq!(eur(-12.5), "-€13");
        assert_eq!(thousands(f64::NAN, 0), "n/a");
    }

    use super::*;

    #[test]
    fn thousands_groups_and_rounds() {
        assert_eq!(thousands(0.0, 0), "0");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(1000.0, 0), "1,000");
        assert_eq!(thousands(1240.4, 0), "1,240");
        assert_eq!(thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(thousands(-0.004, 2), "0.00");
        assert_eq!(thousands(f64::NAN, 0), "n/a");
        assert_eq!(thousands(f64::INFINITY, 0), "n/a");
    }

    #[test]
    fn money_and_percent() {
        assert_eq!(eur(41300.4), "€41,300");
        assert_eq!(eur(-1200.0), "-€1,200");
        assert_eq!(eur(f64::NAN), "n/a");
        assert_eq!(percent(85.26, 1), "85.3%");
        assert_eq!(fraction_percent(0.95, 0), "95%");
    }

    #[test]
    fn dates() {
        let d = jiff::civil::date(2027, 2, 12);
        assert_eq!(day(d), "Fri 12 Feb");
        assert_eq!(day_with_year(d), "Fri 12 Feb 2027");
        assert_eq!(day_month(jiff::civil::date(2027, 5, 9)), "9 May");
        assert_eq!(day_clock(d.at(9, 30, 0, 0)), "Fri 12 Feb 09:30");
    }

    #[test]
    fn dates_read_as_ranges() {
        let d = |m, d| jiff::civil::date(2027, m, d);
        assert_eq!(dates_list(&[d(2, 14)]), "14 February");
        assert_eq!(
            dates_list(&[d(2, 15), d(2, 13), d(2, 14), d(2, 14)]),
            "13–15 February"
        );
        assert_eq!(
            dates_list(&[d(2, 12), d(2, 14), d(2, 15), d(2, 28), d(3, 1)]),
            "12 February, 14–15 February and 28 February – 1 March"
        );
        assert_eq!(dates_list(&[]), "");
    }
}
