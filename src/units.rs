//! Small shared vocabulary used by several modules (kept here so that `scenario`,
//! `erlang` and the simulator speak the same words without depending on each other).

use serde::{Deserialize, Serialize};

/// How a service level X/Y ("X% answered within Y seconds") counts abandoned contacts.
///
/// * `Offered` — answered within Y / all offered contacts (abandoned contacts count as misses).
///   peakplan's default: NEN 8878 asks for 85% *of calls* answered within 15 s, and a caller
///   who hung up was not answered.
/// * `Answered` — answered within Y / answered contacts (abandoned contacts ignored).
/// * `Virtual` — P(an infinitely patient caller would wait ≤ Y): the waiting-time law
///   without abandonment effects on the numerator or denominator.
/// * `ExcludingShortAbandons` — answered within Y / (offered − abandoned within Y).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlDefinition {
    #[default]
    Offered,
    Answered,
    Virtual,
    ExcludingShortAbandons,
}

impl SlDefinition {
    /// All definitions, in the order reports list them.
    pub const ALL: [SlDefinition; 4] = [
        SlDefinition::Offered,
        SlDefinition::Answered,
        SlDefinition::Virtual,
        SlDefinition::ExcludingShortAbandons,
    ];

    /// The stable snake_case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SlDefinition::Offered => "offered",
            SlDefinition::Answered => "answered",
            SlDefinition::Virtual => "virtual",
            SlDefinition::ExcludingShortAbandons => "excluding_short_abandons",
        }
    }
}

impl std::str::FromStr for SlDefinition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SlDefinition::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown service-level definition `{s}`; allowed: offered, answered, virtual, excluding_short_abandons"
                )
            })
    }
}

impl std::fmt::Display for SlDefinition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a duration such as `15s`, `4m`, `30m`, `1h`, `2.5m` or `1h30m` into seconds.
/// Units: `s` (also `sec`), `m` (also `min`), `h`. A bare number is refused: `30` could be
/// seconds or minutes, so the message asks for a unit.
pub fn parse_duration_s(text: &str) -> Result<f64, String> {
    let s = text.trim();
    let bad = |why: &str| {
        format!(
            "invalid duration `{text}`: {why}; write a number with a unit s, m or h, e.g. 15s, 4m, 30m, 1h or 1h30m"
        )
    };
    if s.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut total = 0.0_f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad("expected a number"));
        }
        let value: f64 = rest[..num_len]
            .parse()
            .map_err(|_| bad("the number is malformed"))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match rest[..unit_len].trim() {
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "" => return Err(bad("the unit is missing")),
            _ => return Err(bad("unknown unit")),
        };
        rest = &rest[unit_len..];
        total += value * factor;
    }
    if !total.is_finite() {
        return Err(bad("it is too large"));
    }
    Ok(total)
}

/// Parses an arrival rate such as `720/h`, `12/m`, `0.2/s` or `100/30m` ("100 per 30
/// minutes") into calls per hour.
pub fn parse_rate_per_hour(text: &str) -> Result<f64, String> {
    let bad = |why: &str| {
        format!(
            "invalid rate `{text}`: {why}; write calls per period, e.g. 720/h, 12/m, 0.2/s or 100/30m"
        )
    };
    let (count, per) = text
        .trim()
        .split_once('/')
        .ok_or_else(|| bad("the `/period` is missing"))?;
    let count: f64 = count
        .trim()
        .parse()
        .map_err(|_| bad("the number of calls is not a number"))?;
    if !count.is_finite() || count < 0.0 {
        return Err(bad("the number of calls must be a finite number ≥ 0"));
    }
    let per = per.trim();
    let period_s = if per.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        parse_duration_s(per).map_err(|_| bad("the period is not a duration"))?
    } else {
        parse_duration_s(&format!("1{per}")).map_err(|_| bad("unknown period unit"))?
    };
    if period_s <= 0.0 {
        return Err(bad("the period must be longer than zero"));
    }
    Ok(count * 3600.0 / period_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_s("15s"), Ok(15.0));
        assert_eq!(parse_duration_s("4m"), Ok(240.0));
        assert_eq!(parse_duration_s("30m"), Ok(1800.0));
        assert_eq!(parse_duration_s("1h"), Ok(3600.0));
        assert_eq!(parse_duration_s("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration_s("2.5min"), Ok(150.0));
        assert!(
            parse_duration_s("30")
                .unwrap_err()
                .contains("unit is missing")
        );
        assert!(parse_duration_s("3d").unwrap_err().contains("unknown unit"));
        assert!(parse_duration_s("").is_err());
        assert!(parse_duration_s("-5s").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate_per_hour("720/h"), Ok(720.0));
        assert_eq!(parse_rate_per_hour("12/m"), Ok(720.0));
        assert_eq!(parse_rate_per_hour("100/30m"), Ok(200.0));
        assert!(parse_rate_per_hour("720").is_err());
        assert!(parse_rate_per_hour("-1/h").is_err());
        assert!(parse_rate_per_hour("5/0s").is_err());
        assert!(parse_rate_per_hour("5/week").is_err());
    }
}
