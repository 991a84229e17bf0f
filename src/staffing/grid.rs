//! The interval grid staffing works on: days, and per day the planning intervals in local
//! clock time (a 23-hour DST day has 92 quarter-hours, a 25-hour day 100, the repeated hour
//! appearing twice).
//!
//! Rosters and shifts are written in local clock time (`"08:00"`–`"16:30"`), so a shift covers
//! the intervals of its day whose local start lies in `[start, end)`; on a 25-hour day a shift
//! across the repeated hour covers it twice (the agent really works an hour longer), on a
//! 23-hour day one across the missing hour is an hour shorter. Paid and counted hours are
//! always the real length: the sum of the covered intervals' lengths.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::StaffingError;
use crate::demand::Demand;

/// One planning interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Index of its day in [`Grid::days`].
    pub day: usize,
    /// Local clock start, minutes since midnight (0..1440).
    pub start_min: u32,
    /// Real length in minutes.
    pub length_min: u32,
}

/// Days and their intervals in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// The days, consecutive or not, in order.
    pub days: Vec<Date>,
    /// All intervals, in time order (day by day).
    pub slots: Vec<Slot>,
    /// Planning step in minutes (the shortest interval); shift lengths move in this step.
    pub step_min: u32,
    /// `day_slots[d]` is the range of [`Grid::slots`] that belong to day `d`.
    day_ranges: Vec<(usize, usize)>,
}

impl Grid {
    /// A grid from its days and slots (slots in time order, grouped by day).
    ///
    /// Errors when a slot names a day that does not exist, days are out of order, or a slot
    /// has zero length.
    pub fn from_slots(days: Vec<Date>, slots: Vec<Slot>) -> Result<Grid, StaffingError> {
        let bad = |why: String| Err(StaffingError::Grid(why));
        if days.windows(2).any(|w| w[0] >= w[1]) {
            return bad("days must be strictly increasing".into());
        }
        let mut day_ranges = vec![(0usize, 0usize); days.len()];
        let mut last_day = 0usize;
        for (i, s) in slots.iter().enumerate() {
            if s.day >= days.len() {
                return bad(format!(
                    "slot {i} names day {} but the grid has {} days",
                    s.day,
                    days.len()
                ));
            }
            if s.day < last_day {
                return bad(format!("slot {i} is out of day order"));
            }
            if s.length_min == 0 || s.start_min >= 24 * 60 {
                return bad(format!(
                    "slot {i} must start within the day and last at least a minute"
                ));
            }
            if i == 0 || s.day != last_day {
                day_ranges[s.day] = (i, i);
            }
            day_ranges[s.day].1 = i + 1;
            last_day = s.day;
        }
        let step_min = slots.iter().map(|s| s.length_min).min().unwrap_or(60);
        Ok(Grid {
            days,
            slots,
            step_min,
            day_ranges,
        })
    }

    /// Every day from `start` to `end` (inclusive) cut into `interval_min` intervals of local
    /// clock time in the IANA `time_zone`: DST days get 92 or 100 quarter-hours.
    pub fn for_time_zone(
        start: Date,
        end: Date,
        interval_min: u32,
        time_zone: &str,
    ) -> Result<Grid, StaffingError> {
        if !matches!(interval_min, 5 | 10 | 15 | 20 | 30 | 60) {
            return Err(StaffingError::Grid(format!(
                "interval of {interval_min} min; allowed: 15, 30 or 60 (or 5, 10, 20)"
            )));
        }
        let tz = jiff::tz::TimeZone::get(time_zone)
            .map_err(|e| StaffingError::Grid(format!("unknown time zone `{time_zone}`: {e}")))?;
        let tz_err = |e: jiff::Error| StaffingError::Grid(format!("time zone arithmetic: {e}"));
        let mut days = Vec::new();
        let mut slots = Vec::new();
        let mut date = start;
        let step = jiff::SignedDuration::from_mins(i64::from(interval_min));
        while date <= end {
            let day = days.len();
            days.push(date);
            let next = date.tomorrow().map_err(tz_err)?;
            let t_end = next.to_zoned(tz.clone()).map_err(tz_err)?.timestamp();
            let mut t = date.to_zoned(tz.clone()).map_err(tz_err)?.timestamp();
            while t < t_end {
                let local = t.to_zoned(tz.clone()).datetime();
                let t_next = t.checked_add(step).map_err(tz_err)?.min(t_end);
                let length_min =
                    u32::try_from(t.duration_until(t_next).as_secs() / 60).unwrap_or(0);
                slots.push(Slot {
                    day,
                    start_min: u32::from(local.hour().unsigned_abs()) * 60
                        + u32::from(local.minute().unsigned_abs()),
                    length_min,
                });
                t = t_next;
            }
            date = next;
        }
        Grid::from_slots(days, slots)
    }

    /// The same number of equal intervals on every day, no DST (handy for tests and what-ifs).
    pub fn uniform(days: Vec<Date>, interval_min: u32) -> Result<Grid, StaffingError> {
        if interval_min == 0 || (24 * 60) % interval_min != 0 {
            return Err(StaffingError::Grid(format!(
                "interval of {interval_min} min does not divide the day"
            )));
        }
        let per_day = 24 * 60 / interval_min;
        let slots = (0..days.len())
            .flat_map(|day| {
                (0..per_day).map(move |k| Slot {
                    day,
                    start_min: k * interval_min,
                    length_min: interval_min,
                })
            })
            .collect();
        Grid::from_slots(days, slots)
    }

    /// The grid of a [`Demand`]: the same days and intervals, so that per-slot vectors line up
    /// with `Demand::intervals`.
    pub fn from_demand(demand: &Demand) -> Result<Grid, StaffingError> {
        let slots = demand
            .intervals
            .iter()
            .map(|iv| Slot {
                day: iv.day,
                start_min: u32::from(iv.local_start.hour().unsigned_abs()) * 60
                    + u32::from(iv.local_start.minute().unsigned_abs()),
                length_min: iv.length_s / 60,
            })
            .collect();
        Grid::from_slots(demand.days.clone(), slots)
    }

    /// The grid coarsened to planning intervals of `plan_min` minutes: consecutive slots of
    /// a day whose clock starts fall in the same `plan_min` block of the day become one slot
    /// (its start the first one's, its length the sum). On a 25-hour day the repeated hour
    /// stays two blocks (a new block begins whenever the clock goes back). Returns the
    /// coarse grid and, per slot of `self`, the index of its coarse slot.
    ///
    /// Errors unless `plan_min` is a multiple of every slot's length that divides the day.
    pub fn coarsen(&self, plan_min: u32) -> Result<(Grid, Vec<usize>), StaffingError> {
        if plan_min == 0 || (24 * 60) % plan_min != 0 || plan_min % self.step_min != 0 {
            return Err(StaffingError::Grid(format!(
                "planning interval of {plan_min} min must be a multiple of the simulation \
                 interval ({} min) that divides the day (e.g. 15, 30 or 60)",
                self.step_min
            )));
        }
        let mut slots: Vec<Slot> = Vec::new();
        let mut block_of = Vec::with_capacity(self.len());
        let mut prev: Option<Slot> = None;
        for s in &self.slots {
            let same = prev.is_some_and(|p| {
                p.day == s.day
                    && s.start_min > p.start_min
                    && s.start_min / plan_min == p.start_min / plan_min
            });
            if same {
                if let Some(last) = slots.last_mut() {
                    last.length_min += s.length_min;
                }
            } else {
                slots.push(*s);
            }
            block_of.push(slots.len() - 1);
            prev = Some(*s);
        }
        Ok((Grid::from_slots(self.days.clone(), slots)?, block_of))
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the grid has no interval.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Indices of the slots of day `d`.
    pub fn day_slots(&self, d: usize) -> std::ops::Range<usize> {
        let (a, b) = self.day_ranges[d];
        a..b
    }

    /// The slots of day `d` a shift from clock `from_min` to `to_min` covers: from the first
    /// slot starting at or after `from_min` up to (not including) the first later slot
    /// starting at or after `to_min`. Always a contiguous range of real time: on a 25-hour
    /// day a shift across the repeated hour covers it twice, on a 23-hour day one across the
    /// missing hour is an hour shorter; an ambiguous end clock means its first occurrence.
    pub fn covered(&self, d: usize, from_min: u32, to_min: u32) -> std::ops::Range<usize> {
        let day = self.day_slots(d);
        let Some(first) = day.clone().find(|&i| self.slots[i].start_min >= from_min) else {
            return day.end..day.end;
        };
        let end = (first..day.end)
            .find(|&i| self.slots[i].start_min >= to_min)
            .unwrap_or(day.end);
        first..end
    }
}
