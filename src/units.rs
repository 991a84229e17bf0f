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
