//! The time grid: the calendar's days, and its intervals in local clock time with the
//! lead-in days before it (see "Calendar" and "Spill and lead-in" in the module docs).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::{DemandError, invalid};
use crate::scenario::Calendar;
use crate::scenario::dates::{self, add_days, day_number};

/// The calendar's days, checked: a valid range, interval length and time zone.
pub(super) struct Days<'a> {
    /// The scenario's calendar.
    pub cal: &'a Calendar,
    /// Its time zone.
    pub tz: TimeZone,
    /// Day number of the first day.
    pub start_n: i64,
    /// Its days, in order.
    pub dates: Vec<Date>,
}

impl<'a> Days<'a> {
    /// Checks the calendar and lists its days.
    pub fn of(cal: &'a Calendar) -> Result<Days<'a>, DemandError> {
        if cal.end < cal.start {
            return Err(invalid(
                "calendar.end",
                format!("{} is before calendar.start {}", cal.end, cal.start),
            ));
        }
        if cal.interval_min == 0 || 1440 % cal.interval_min != 0 {
            return Err(invalid(
                "calendar.interval_min",
                format!(
                    "{} does not divide a day; allowed: 15, 30 or 60",
                    cal.interval_min
                ),
            ));
        }
        let tz = TimeZone::get(&cal.time_zone).map_err(|e| {
            invalid(
                "calendar.time_zone",
                format!(
                    "unknown time zone `{}` ({e}); use an IANA name such as \"Europe/Amsterdam\"",
                    cal.time_zone
                ),
            )
        })?;
        let start_n = day_number(cal.start);
        let n_days = (day_number(cal.end) - start_n + 1) as usize;
        if n_days > 3 * 366 {
            return Err(invalid(
                "calendar.end",
                format!("the calendar has {n_days} days; at most 3 years are supported"),
            ));
        }
        let dates = (0..n_days)
            .map(|d| {
                add_days(cal.start, d as i64)
                    .ok_or_else(|| invalid("calendar", "date out of range"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Days {
            cal,
            tz,
            start_n,
            dates,
        })
    }

    /// Number of calendar days.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// The interval length in hours.
    pub fn interval_h(&self) -> f64 {
        f64::from(self.cal.interval_min) / 60.0
    }

    /// Index of `date` among the calendar's days; an error at `path` when outside it.
    pub fn index(&self, path: &str, date: Date) -> Result<usize, DemandError> {
        let off = day_number(date) - self.start_n;
        if off < 0 || off >= self.len() as i64 {
            return Err(invalid(
                path,
                format!(
                    "{} is outside the calendar {} … {}",
                    date, self.cal.start, self.cal.end
                ),
            ));
        }
        Ok(off as usize)
    }
}

/// Everything about the time grid: calendar intervals plus the lead-in intervals before.
pub(super) struct Grid {
    /// Intervals of the lead-in days and the calendar, in time order.
    pub intervals: Vec<GridInterval>,
    /// First interval of each extended day, plus one past the end.
    pub day_start: Vec<usize>,
    /// Index of the first calendar interval.
    pub cal_first: usize,
    /// The first extended day (the first lead-in day).
    pub first: Date,
    /// Lead-in days before the calendar.
    pub lead: usize,
}

#[derive(Clone, Copy)]
pub(super) struct GridInterval {
    /// Extended day index (lead-in days first).
    pub day: usize,
    /// Local clock minute of the start (0..1440).
    pub minute: u32,
    /// Length in minutes (rounded up; a partial minute counts as open).
    pub len_min: u32,
    pub start: jiff::Timestamp,
    pub local: DateTime,
    pub length_s: u32,
}

impl Grid {
    /// Cuts the `lead` days before the calendar and the calendar's days into intervals.
    pub fn build(days: &Days, lead: usize) -> Result<Grid, DemandError> {
        let first = add_days(days.cal.start, -(lead as i64))
            .ok_or_else(|| invalid("calendar.start", "date out of range"))?;
        let n_days = lead + days.len();
        let interval_min = days.cal.interval_min;
        let tz = &days.tz;
        let step = i64::from(interval_min) * 60;
        let mut intervals = Vec::with_capacity(n_days * (1440 / interval_min as usize + 4));
        let mut day_start = Vec::with_capacity(n_days + 1);
        let mut cal_first = 0;
        let day_ts = |n: i64| -> Result<jiff::Timestamp, DemandError> {
            let d = dates::from_day_number(n)
                .ok_or_else(|| invalid("calendar", "date out of range"))?;
            d.to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|e| invalid("calendar", format!("{d} in the time zone: {e}")))
        };
        let first_n = day_number(first);
        let mut next = day_ts(first_n)?;
        for e in 0..n_days {
            if e == lead {
                cal_first = intervals.len();
            }
            day_start.push(intervals.len());
            let start = next;
            next = day_ts(first_n + e as i64 + 1)?;
            let (a, b) = (start.as_second(), next.as_second());
            let mut t = a;
            while t < b {
                let len = step.min(b - t);
                let ts = jiff::Timestamp::from_second(t)
                    .map_err(|e| invalid("calendar", format!("timestamp: {e}")))?;
                let local = tz.to_datetime(ts);
                intervals.push(GridInterval {
                    day: e,
                    minute: local.hour() as u32 * 60 + local.minute() as u32,
                    len_min: ((len + 59) / 60) as u32,
                    start: ts,
                    local,
                    length_s: len as u32,
                });
                t += len;
            }
        }
        day_start.push(intervals.len());
        Ok(Grid {
            intervals,
            day_start,
            cal_first,
            first,
            lead,
        })
    }

    /// Number of extended days (lead-in and calendar).
    pub fn n_ext(&self) -> usize {
        self.day_start.len() - 1
    }

    /// Number of calendar intervals.
    pub fn n_cal(&self) -> usize {
        self.intervals.len() - self.cal_first
    }

    /// The date of extended day `e`.
    pub fn date(&self, e: usize) -> Result<Date, DemandError> {
        add_days(self.first, e as i64).ok_or_else(|| invalid("calendar", "date out of range"))
    }

    /// Grid intervals of extended day `e`.
    pub fn day(&self, e: usize) -> std::ops::Range<usize> {
        self.day_start[e]..self.day_start[e + 1]
    }

    /// Calendar intervals (`Demand::intervals` indices) of calendar day `d`.
    pub fn cal_day(&self, d: usize) -> (usize, usize) {
        (
            self.day_start[self.lead + d] - self.cal_first,
            self.day_start[self.lead + d + 1] - self.cal_first,
        )
    }
}
