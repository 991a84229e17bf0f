//! Exact money: integer cents, and the exact decimal arithmetic that turns scenario prices
//! and simulated quantities into cents.
//!
//! # Rounding rule
//!
//! An `f64` from a scenario file or a simulation is read as its *shortest decimal
//! representation* (the digits Rust prints for it, which are the digits a planner wrote: `2.675`
//! is read as 2.675, not as the binary 2.67499999…). That decimal is rounded **half away from
//! zero** to the wanted precision: cents for [`Money::from_eur`] (`0.125` → `0.13`, `-0.125` →
//! `-0.13`), micro-units (10⁻⁶) for quantities (contacts, hours) and nano-euros (10⁻⁹) for
//! prices in the cost model. A cost line is then the exact product of those integers, rounded
//! once, half away from zero, to the cent. Nothing is ever formatted from a float.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What went wrong turning a number or a text into money.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoneyError {
    /// NaN or infinite.
    #[error("{0} is not a finite amount")]
    NotFinite(f64),
    /// Beyond ±92,233,720,368,547,758.07 (what fits in i64 cents).
    #[error("{0} is too large for an amount in cents")]
    Overflow(String),
    /// Text that is not an amount.
    #[error(
        "`{0}` is not an amount; write e.g. `9800.00`, `-0.79`, `€9,800.00` (at most two decimals)"
    )]
    Parse(String),
}

/// An exact amount of money in cents (hundredths of the currency unit).
///
/// The currency is not part of the value: a costing carries the scenario's currency code and
/// passes it to [`Money::format`] for display. `Display` and serde use the plain CSV form
/// (`9800.00`, `-0.79`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money { cents: 0 };

    /// An amount from whole cents.
    pub const fn from_cents(cents: i64) -> Money {
        Money { cents }
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.cents
    }

    /// An amount from euros (or the scenario's currency unit): the shortest decimal of `eur`
    /// rounded half away from zero to the cent (`0.125` → 0.13, `-0.125` → −0.13, `2.675` →
    /// 2.68). Errors on NaN, infinities and amounts beyond i64 cents.
    pub fn from_eur(eur: f64) -> Result<Money, MoneyError> {
        let cents = decimal_scaled(eur, 2)?;
        i64::try_from(cents)
            .map(Money::from_cents)
            .map_err(|_| MoneyError::Overflow(format!("{eur}")))
    }

    /// The amount as an `f64` in currency units (for plots and ratios only, never for
    /// formatting or sums).
    pub fn to_eur_f64(self) -> f64 {
        self.cents as f64 / 100.0
    }

    /// True when the amount is zero.
    pub fn is_zero(self) -> bool {
        self.cents == 0
    }

    /// `self / count` per unit, rounded half away from zero to the cent; zero when `count`
    /// is zero or not positive (a campaign without orders costs nothing per order).
    /// `count` is read to 10⁻⁶ like every quantity.
    pub fn per_unit(self, count: f64) -> Money {
        let Ok(q) = decimal_scaled(count, QTY_DIGITS) else {
            return Money::ZERO;
        };
        if q <= 0 {
            return Money::ZERO;
        }
        let cents = round_div(i128::from(self.cents) * QTY_SCALE, q);
        Money::from_cents(i64::try_from(cents).unwrap_or(i64::MAX))
    }

    /// The plain CSV form: optional minus, digits, a point and two decimals (`9800.00`).
    pub fn plain(self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The display form with the currency's symbol and thousands separators:
    /// `€9,800.00`, `-€0.79`, `$12.00`, `£3.50`; other codes are written before the amount
    /// (`CHF 1,000.00`).
    pub fn format(self, currency: &str) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::with_capacity(units.len() + units.len() / 3);
        for (i, ch) in units.chars().enumerate() {
            if i > 0 && (units.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let symbol = match currency {
            "EUR" => "€".to_string(),
            "USD" => "$".to_string(),
            "GBP" => "£".to_string(),
            other => format!("{other} "),
        };
        format!("{sign}{symbol}{grouped}.{:02}", abs % 100)
    }

    /// Checked sum (None on i64 overflow).
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.cents.checked_add(other.cents).map(Money::from_cents)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Reads `9800.00`, `9800`, `-0.79`, `9,800.5`, `€9,800.00`, `-€0.79`, `EUR 12.00`:
    /// an optional sign, an optional currency symbol or code, digits (commas allowed as
    /// thousands separators between groups of three), and at most two decimals. More decimals
    /// are an error rather than a silent rounding.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let bad = || MoneyError::Parse(s.to_string());
        let mut t = s.trim();
        let mut negative = false;
        if let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest;
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest;
        }
        t = t.trim_start_matches(|c: char| c.is_alphabetic() || "€$£".contains(c));
        t = t.trim_start();
        if !negative && let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest;
        }
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if int.is_empty() || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        if int.contains(',') {
            let groups: Vec<&str> = int.split(',').collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(bad());
            }
        }
        let digits: String = int.chars().filter(|&c| c != ',').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let units: i128 = digits.parse().map_err(|_| bad())?;
        let frac_cents: i128 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i128>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let cents = units
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_cents))
            .ok_or_else(|| MoneyError::Overflow(s.to_string()))?;
        let cents = if negative { -cents } else { cents };
        i64::try_from(cents)
            .map(Money::from_cents)
            .map_err(|_| MoneyError::Overflow(s.to_string()))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    /// Panics on i64 overflow (±92 quadrillion euros) like integer addition in debug builds.
    fn add(self, o: Money) -> Money {
        Money::from_cents(self.cents + o.cents)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money::from_cents(self.cents - o.cents)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_cents(-self.cents)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.cents += o.cents;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.cents -= o.cents;
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

// ---------------------------------------------------------------------------------------
// Exact decimals
// ---------------------------------------------------------------------------------------

/// Quantities (contacts, hours) are read to 10⁻⁶.
pub(crate) const QTY_DIGITS: u32 = 6;
pub(crate) const QTY_SCALE: i128 = 1_000_000;
/// Prices are read to 10⁻⁹ of the currency unit.
pub(crate) const PRICE_DIGITS: u32 = 9;
pub(crate) const PRICE_SCALE: i128 = 1_000_000_000;

/// `x`'s shortest decimal representation times 10^`digits`, rounded half away from zero.
pub(crate) fn decimal_scaled(x: f64, digits: u32) -> Result<i128, MoneyError> {
    if !x.is_finite() {
        return Err(MoneyError::NotFinite(x));
    }
    // Rust's `Display` for f64 is the shortest representation that reads back to the same
    // value, and never uses an exponent.
    let text = format!("{}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let overflow = || MoneyError::Overflow(format!("{x}"));
    let mut value: i128 = 0;
    for c in int.bytes().chain(frac.bytes().take(digits as usize)) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(c - b'0')))
            .ok_or_else(overflow)?;
    }
    for _ in frac.len()..digits as usize {
        value = value.checked_mul(10).ok_or_else(overflow)?;
    }
    if frac.len() > digits as usize && frac.as_bytes()[digits as usize] >= b'5' {
        value += 1;
    }
    Ok(if x < 0.0 { -value } else { value })
}

/// `num / den` rounded half away from zero (`den` ≠ 0).
pub(crate) fn round_div(num: i128, den: i128) -> i128 {
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_reading_is_the_written_decimal() {
        assert_eq!(decimal_scaled(2.675, 2).unwrap(), 268);
        assert_eq!(decimal_scaled(-2.675, 2).unwrap(), -268);
        assert_eq!(decimal_scaled(1.005, 2).unwrap(), 101);
        assert_eq!(decimal_scaled(0.1 + 0.2, 2).unwrap(), 30);
        assert_eq!(decimal_scaled(1e-12, 6).unwrap(), 0);
        assert_eq!(decimal_scaled(0.0000005, 6).unwrap(), 1);
        assert_eq!(decimal_scaled(12.0, 3).unwrap(), 12_000);
        assert!(decimal_scaled(f64::NAN, 2).is_err());
        assert!(decimal_scaled(1e300, 2).is_err());
    }

    #[test]
    fn round_div_half_away_from_zero() {
        assert_eq!(round_div(5, 10), 1);
        assert_eq!(round_div(-5, 10), -1);
        assert_eq!(round_div(4, 10), 0);
        assert_eq!(round_div(-4, 10), 0);
        assert_eq!(round_div(15, -10), -2);
        assert_eq!(round_div(14, 10), 1);
    }
}
