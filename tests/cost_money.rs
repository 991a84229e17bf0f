//! Money: rounding half away from zero, formatting, parsing, serde.

use peakplan::cost::{Money, MoneyError};
use proptest::prelude::*;

fn c(cents: i64) -> Money {
    Money::from_cents(cents)
}

#[test]
fn from_eur_rounds_the_written_decimal_half_away_from_zero() {
    let cases = [
        (0.125, 13),
        (-0.125, -13),
        (0.005, 1),
        (-0.005, -1),
        (0.0049999, 0),
        (2.675, 268), // binary 2.67499999… but written 2.675
        (-2.675, -268),
        (1.005, 101),
        (0.1 + 0.2, 30),
        (9800.0, 980_000),
        (0.79, 79),
        (-0.0, 0),
        (1e-9, 0),
    ];
    for (x, cents) in cases {
        assert_eq!(Money::from_eur(x).unwrap(), c(cents), "{x}");
    }
    assert!(matches!(
        Money::from_eur(f64::NAN),
        Err(MoneyError::NotFinite(_))
    ));
    assert!(matches!(
        Money::from_eur(f64::INFINITY),
        Err(MoneyError::NotFinite(_))
    ));
    assert!(matches!(
        Money::from_eur(1e30),
        Err(MoneyError::Overflow(_))
    ));
}

#[test]
fn display_and_plain_forms() {
    assert_eq!(c(980_000).format("EUR"), "€9,800.00");
    assert_eq!(c(79).format("EUR"), "€0.79");
    assert_eq!(c(-79).format("EUR"), "-€0.79");
    assert_eq!(c(123_456_789).format("EUR"), "€1,234,567.89");
    assert_eq!(c(100_000).format("USD"), "$1,000.00");
    assert_eq!(c(350).format("GBP"), "£3.50");
    assert_eq!(c(100_000).format("CHF"), "CHF 1,000.00");
    assert_eq!(c(0).format("EUR"), "€0.00");
    assert_eq!(c(980_000).plain(), "9800.00");
    assert_eq!(c(-5).plain(), "-0.05");
    assert_eq!(c(-105).to_string(), "-1.05");
    assert_eq!(c(i64::MIN).plain(), "-92233720368547758.08");
}

#[test]
fn parsing_accepts_plain_and_display_forms_only() {
    for (s, cents) in [
        ("9800.00", 980_000),
        ("9800", 980_000),
        ("9800.5", 980_050),
        ("-0.79", -79),
        ("+0.79", 79),
        ("€9,800.00", 980_000),
        ("-€0.79", -79),
        ("€-0.79", -79),
        ("EUR 12.00", 1200),
        ("CHF 1,000.00", 100_000),
        (" 1,234,567.89 ", 123_456_789),
    ] {
        assert_eq!(s.parse::<Money>().unwrap(), c(cents), "{s}");
    }
    for bad in [
        "", "abc", "1.234", "1,23", "12,3456", "1.2.3", "€", "1e3", "--1", "1,,000", ".5",
    ] {
        assert!(bad.parse::<Money>().is_err(), "{bad} should be rejected");
    }
    assert!("99999999999999999999".parse::<Money>().is_err());
}

#[test]
fn arithmetic_is_exact() {
    // 0.1 + 0.2 in cents is exactly 0.30.
    assert_eq!(c(10) + c(20), c(30));
    assert_eq!(c(10) - c(20), c(-10));
    assert_eq!(-c(10), c(-10));
    assert_eq!([c(1), c(2), c(3)].iter().sum::<Money>(), c(6));
    assert_eq!(c(i64::MAX).checked_add(c(1)), None);
    // Per unit: half away from zero, zero for no units.
    assert_eq!(c(52_514).per_unit(28.0), c(1876));
    assert_eq!(c(-52_514).per_unit(28.0), c(-1876));
    assert_eq!(c(100).per_unit(0.0), Money::ZERO);
    assert_eq!(c(100).per_unit(3.0), c(33));
    assert_eq!(c(200).per_unit(3.0), c(67));
}

#[test]
fn serde_uses_the_plain_form() {
    let json = serde_json::to_string(&c(-79)).unwrap();
    assert_eq!(json, "\"-0.79\"");
    let back: Money = serde_json::from_str("\"9800.00\"").unwrap();
    assert_eq!(back, c(980_000));
}

proptest! {
    #[test]
    fn plain_and_display_forms_read_back(cents in any::<i64>()) {
        let m = c(cents);
        prop_assert_eq!(m.plain().parse::<Money>().unwrap(), m);
        prop_assert_eq!(m.format("EUR").parse::<Money>().unwrap(), m);
    }

    #[test]
    fn from_eur_is_within_half_a_cent_and_symmetric(x in -1e9f64..1e9) {
        let m = Money::from_eur(x).unwrap();
        prop_assert!((m.cents() as f64 - x * 100.0).abs() <= 0.5 + 1e-6 * x.abs().max(1.0));
        prop_assert_eq!(Money::from_eur(-x).unwrap(), -m);
    }

    #[test]
    fn two_decimal_amounts_convert_exactly(cents in -1_000_000_000_000i64..1_000_000_000_000) {
        // The f64 nearest to a two-decimal amount reads back as that amount.
        let x: f64 = format!("{}.{:02}", cents / 100, (cents % 100).abs()).parse().unwrap();
        let x = if cents < 0 && cents > -100 { -x } else { x };
        prop_assert_eq!(Money::from_eur(x).unwrap(), c(cents));
    }
}
