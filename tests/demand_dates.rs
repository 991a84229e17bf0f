//! Event dates: Mother's Day in the Netherlands and the UK, checked against the rule written
//! out independently here and against published dates.
use jiff::civil::{Date, Weekday, date};
use peakplan::scenario::dates::{easter_sunday, mothers_day, resolve};
use peakplan::scenario::{Country, EventDate};

/// The second Sunday of May by walking the month day by day.
fn second_sunday_of_may(year: i16) -> Date {
    let mut d = date(year, 5, 1);
    let mut sundays = 0;
    loop {
        if d.weekday() == Weekday::Sunday {
            sundays += 1;
            if sundays == 2 {
                return d;
            }
        }
        d = d.tomorrow().unwrap();
    }
}

#[test]
fn dutch_mothers_day_2025_to_2032() {
    let known = [
        date(2025, 5, 11),
        date(2026, 5, 10),
        date(2027, 5, 9),
        date(2028, 5, 14),
        date(2029, 5, 13),
        date(2030, 5, 12),
        date(2031, 5, 11),
        date(2032, 5, 9),
    ];
    for (k, want) in known.iter().enumerate() {
        let year = 2025 + k as i16;
        let got = mothers_day(Country::NL, year);
        assert_eq!(got, *want, "published date {year}");
        assert_eq!(got, second_sunday_of_may(year), "rule {year}");
        // Resolved for a calendar around it.
        let cal = (date(year, 4, 20), date(year, 5, 20));
        assert_eq!(
            resolve(&EventDate::MothersDay(Country::NL), cal.0, cal.1),
            *want
        );
    }
    for year in 1990..2100 {
        for c in [Country::BE, Country::DE, Country::US] {
            assert_eq!(mothers_day(c, year), second_sunday_of_may(year));
        }
    }
}

#[test]
fn uk_mothering_sunday_is_three_weeks_before_easter() {
    // Published Mothering Sunday dates.
    for (y, m, d) in [
        (2019, 3, 31),
        (2023, 3, 19),
        (2024, 3, 10),
        (2025, 3, 30),
        (2026, 3, 15),
        (2027, 3, 7),
    ] {
        assert_eq!(mothers_day(Country::UK, y), date(y, m, d), "{y}");
    }
    // Easter is a Sunday between 22 March and 25 April, every year.
    for y in 1900..2200 {
        let e = easter_sunday(y);
        assert_eq!(e.weekday(), Weekday::Sunday, "{y}");
        assert!(e >= date(y, 3, 22) && e <= date(y, 4, 25), "{y}: {e}");
    }
}

#[test]
fn valentines_for_a_december_calendar_is_the_next_february() {
    let got = resolve(
        &EventDate::ValentinesDay,
        date(2027, 12, 1),
        date(2027, 12, 31),
    );
    assert_eq!(got, date(2028, 2, 14));
    let got = resolve(
        &EventDate::ValentinesDay,
        date(2027, 2, 1),
        date(2027, 2, 21),
    );
    assert_eq!(got, date(2027, 2, 14));
}
