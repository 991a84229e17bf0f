//! Clock times and weekdays as they are written in scenario files.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A local wall-clock time of day written `"HH:MM"`, from `"00:00"` to `"24:00"` (the end of
/// the day, so a channel can be open until midnight). Stored as minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime {
    minutes: u16,
}

impl ClockTime {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: ClockTime = ClockTime { minutes: 0 };
    /// Midnight at the end of the day (`"24:00"`).
    pub const END_OF_DAY: ClockTime = ClockTime { minutes: 24 * 60 };

    /// A clock time from hours and minutes; `None` outside 00:00..=24:00.
    pub fn from_hm(hours: u16, minutes: u16) -> Option<ClockTime> {
        let total = hours.checked_mul(60)?.checked_add(minutes)?;
        (minutes < 60 && total <= 24 * 60).then_some(ClockTime { minutes: total })
    }

    /// Minutes since midnight (0..=1440).
    pub fn minutes(self) -> u32 {
        u32::from(self.minutes)
    }

    /// Seconds since midnight (0..=86,400).
    pub fn seconds(self) -> u32 {
        self.minutes() * 60
    }
}

impl std::str::FromStr for ClockTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("`{s}` is not a clock time; write \"HH:MM\" from \"00:00\" to \"24:00\"");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        ClockTime::from_hm(h, m).ok_or_else(bad)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A day of the week, written `Mon` … `Sun` in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    /// Monday first.
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];
    /// Monday to Friday.
    pub const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The weekday of a civil date.
    pub fn of(date: jiff::civil::Date) -> Day {
        Day::ALL[usize::from(date.weekday().to_monday_zero_offset() as u8)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_within_the_day_only() {
        assert_eq!("08:30".parse::<ClockTime>().unwrap().minutes(), 510);
        assert_eq!("24:00".parse::<ClockTime>().unwrap(), ClockTime::END_OF_DAY);
        for bad in ["24:01", "8", "08:5", "25:00", "ab:cd", "08:60", "-1:00"] {
            assert!(
                bad.parse::<ClockTime>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn weekday_of_known_dates() {
        // 14 February 2027 is a Sunday; 1 February 2027 a Monday.
        assert_eq!(Day::of(jiff::civil::date(2027, 2, 14)), Day::Sun);
        assert_eq!(Day::of(jiff::civil::date(2027, 2, 1)), Day::Mon);
    }
}
