//! Tick positions and labels for the ordinal time axis.
//!
//! Candidates go from fine to coarse — every 1, 2, 3, 4, 6 or 12 hours, every 1 or 2 days,
//! every 1, 2 or 4 weeks (Mondays) — and the finest whose labels do not overlap at the plot's
//! width wins. Sub-day ticks write the date on the first tick of each day ("Fri 12 Feb 08:00",
//! then "10:00", "12:00"); day and week ticks write only the date ("Fri 12 Feb"). When the
//! labelled ticks are further apart than a day, every day still gets a tick and, below the
//! axis, its day of the month ([`TimeTicks::daily_row`]); the dated labels then go on a
//! second row.

use jiff::civil::{DateTime, Weekday};

use super::format;

/// Ticks for an axis of `n` intervals: x positions (interval index = start of the interval)
/// with their labels, plus the start of every day (for faint separators).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TimeTicks {
    pub positions: Vec<f64>,
    pub labels: Vec<String>,
    pub day_starts: Vec<f64>,
    /// Every day on the axis: (first x, end x, day of the month), in time order.
    pub days: Vec<(f64, f64, i8)>,
    /// The labelled ticks are coarser than one per day: draw a tick and the day of the month
    /// for every day, and the labels on a second row.
    pub daily_row: bool,
}

impl TimeTicks {
    /// The label at x position `x`, or "" between ticks.
    pub fn label_at(&self, x: f64) -> String {
        self.positions
            .iter()
            .position(|p| (p - x).abs() < 1e-9)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy)]
enum Step {
    Hours(i8),
    Days(i64),
    Weeks(i64),
}

const STEPS: [Step; 11] = [
    Step::Hours(1),
    Step::Hours(2),
    Step::Hours(3),
    Step::Hours(4),
    Step::Hours(6),
    Step::Hours(12),
    Step::Days(1),
    Step::Days(2),
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Weeks(4),
];

/// Chooses ticks for `starts` on a plot area `plot_px` pixels wide, with tick labels about
/// `px_per_char` pixels per character.
pub(crate) fn time_ticks(starts: &[DateTime], plot_px: f64, px_per_char: f64) -> TimeTicks {
    let n = starts.len();
    if n == 0 {
        return TimeTicks::default();
    }
    let day_start_idx: Vec<usize> = (0..n)
        .filter(|&i| i == 0 || starts[i].date() != starts[i - 1].date())
        .collect();
    let first_date = starts[0].date();
    let day_ordinal = |i: usize| -> i64 {
        first_date
            .until(starts[i].date())
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0)
    };
    let fits = |ticks: &[(usize, String)]| -> bool {
        ticks.windows(2).all(|w| {
            let gap = (w[1].0 - w[0].0) as f64 / n as f64 * plot_px;
            let need =
                (w[0].1.chars().count() + w[1].1.chars().count()) as f64 * px_per_char / 2.0 + 14.0;
            gap >= need
        })
    };
    let mut fallback: Vec<(usize, String)> = Vec::new();
    for step in STEPS {
        let ticks: Vec<(usize, String)> = match step {
            Step::Hours(h) => {
                let mut last_date = None;
                (0..n)
                    .filter(|&i| {
                        let t = starts[i];
                        t.minute() == 0 && t.second() == 0 && t.hour() % h == 0
                    })
                    .map(|i| {
                        let t = starts[i];
                        let label = if last_date == Some(t.date()) {
                            format::clock(t)
                        } else {
                            format::day_clock(t)
                        };
                        last_date = Some(t.date());
                        (i, label)
                    })
                    .collect()
            }
            Step::Days(d) => day_start_idx
                .iter()
                .filter(|&&i| day_ordinal(i) % d == 0)
                .map(|&i| (i, format::day(starts[i].date())))
                .collect(),
            Step::Weeks(w) => {
                let mondays: Vec<usize> = day_start_idx
                    .iter()
                    .copied()
                    .filter(|&i| starts[i].date().weekday() == Weekday::Monday)
                    .collect();
                mondays
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| (*k as i64) % w == 0)
                    .map(|(_, &i)| (i, format::day(starts[i].date())))
                    .collect()
            }
        };
        if ticks.is_empty() {
            continue;
        }
        // Prefer at least two ticks; a single tick is kept only as a fallback.
        if fits(&ticks) && (ticks.len() >= 2 || n < 4) {
            let coarse = !matches!(step, Step::Hours(_) | Step::Days(1));
            return finish(ticks, &day_start_idx, starts, coarse);
        }
        if fallback.is_empty() || (fits(&ticks) && !fits(&fallback)) {
            fallback = ticks;
        }
    }
    // Nothing fits (very long axis or very narrow plot): thin out the day ticks.
    let days: Vec<(usize, String)> = day_start_idx
        .iter()
        .map(|&i| (i, format::day(starts[i].date())))
        .collect();
    let mut ticks = if fits(&fallback) { fallback } else { days };
    let mut k = 2;
    while !fits(&ticks) && ticks.len() > 1 {
        ticks = ticks.into_iter().step_by(k).collect();
        k = 2;
    }
    let coarse = ticks.len() < day_start_idx.len();
    finish(ticks, &day_start_idx, starts, coarse)
}

fn finish(
    ticks: Vec<(usize, String)>,
    day_starts: &[usize],
    starts: &[DateTime],
    coarse: bool,
) -> TimeTicks {
    let (positions, labels) = ticks.into_iter().map(|(i, l)| (i as f64, l)).unzip();
    let ends = day_starts.iter().skip(1).copied().chain([starts.len()]);
    TimeTicks {
        positions,
        labels,
        day_starts: day_starts.iter().map(|&i| i as f64).collect(),
        days: day_starts
            .iter()
            .zip(ends)
            .map(|(&a, b)| (a as f64, b as f64, starts[a].day()))
            .collect(),
        daily_row: coarse && day_starts.len() > 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Half-hour intervals from 08:00 to 22:00 on `days` consecutive days from Fri 12 Feb 2027.
    fn axis(days: i64) -> Vec<DateTime> {
        let mut out = Vec::new();
        for d in 0..days {
            let day = date(2027, 2, 12)
                .checked_add(jiff::Span::new().days(d))
                .unwrap();
            for half in 16..44 {
                out.push(day.at(half / 2, (half % 2) * 30, 0, 0));
            }
        }
        out
    }

    fn no_overlap(t: &TimeTicks, n: usize, px: f64) -> bool {
        t.positions
            .windows(2)
            .zip(t.labels.windows(2))
            .all(|(p, l)| {
                (p[1] - p[0]) / n as f64 * px
                    >= (l[0].chars().count() + l[1].chars().count()) as f64 * 7.5 / 2.0
            })
    }

    #[test]
    fn one_day_gets_clock_times_with_the_date_once() {
        let a = axis(1);
        let t = time_ticks(&a, 1000.0, 7.5);
        assert!(t.labels.len() >= 5, "{:?}", t.labels);
        assert_eq!(t.labels[0], "Fri 12 Feb 08:00");
        assert!(
            t.labels[1..]
                .iter()
                .all(|l| l.len() == 5 && l.contains(':'))
        );
        assert!(no_overlap(&t, a.len(), 1000.0));
        assert_eq!(t.day_starts, vec![0.0]);
    }

    #[test]
    fn six_weeks_get_dates_only_and_do_not_overlap() {
        let a = axis(42);
        let t = time_ticks(&a, 1000.0, 7.5);
        assert!(
            t.labels.len() >= 3 && t.labels.len() <= 12,
            "{:?}",
            t.labels
        );
        assert!(t.labels.iter().all(|l| !l.contains(':')), "{:?}", t.labels);
        assert!(no_overlap(&t, a.len(), 1000.0));
        assert_eq!(t.day_starts.len(), 42);
        // Weekly labels: every day still gets its tick and day of the month.
        assert!(t.daily_row);
        assert_eq!(t.days.len(), 42);
        assert_eq!(t.days[0], (0.0, 28.0, 12));
        assert_eq!(t.days[41], (41.0 * 28.0, 42.0 * 28.0, 25)); // Thu 25 Mar
        assert!(t.days.windows(2).all(|w| w[0].1 == w[1].0));
    }

    #[test]
    fn daily_labels_need_no_second_row() {
        let t = time_ticks(&axis(5), 1000.0, 7.5);
        assert!(!t.daily_row, "{:?}", t.labels);
        let t = time_ticks(&axis(1), 1000.0, 7.5);
        assert!(!t.daily_row);
        assert_eq!(t.days, vec![(0.0, 28.0, 12)]);
    }

    #[test]
    fn a_week_gets_at_most_one_tick_per_day() {
        let a = axis(7);
        let t = time_ticks(&a, 1000.0, 7.5);
        assert!(t.labels.len() >= 4 && t.labels.len() <= 7, "{:?}", t.labels);
        // Either one tick per day at noon ("Fri 12 Feb 12:00") or the day starts.
        assert!(t.labels[0].starts_with("Fri 12 Feb"), "{:?}", t.labels);
        let dates: std::collections::BTreeSet<&str> = t.labels.iter().map(|l| &l[..10]).collect();
        assert_eq!(dates.len(), t.labels.len(), "one tick per day at most");
        assert!(no_overlap(&t, a.len(), 1000.0));
    }

    #[test]
    fn degenerate_axes() {
        assert_eq!(time_ticks(&[], 1000.0, 7.5), TimeTicks::default());
        let one = [date(2027, 2, 14).at(10, 15, 0, 0)];
        let t = time_ticks(&one, 1000.0, 7.5);
        // 10:15 is on no hour boundary: the day tick labels it.
        assert_eq!(t.labels, vec!["Sun 14 Feb".to_string()]);
        assert_eq!(t.label_at(0.0), "Sun 14 Feb");
        assert_eq!(t.label_at(0.5), "");
        // A very narrow plot still returns non-overlapping ticks.
        let a = axis(42);
        let t = time_ticks(&a, 120.0, 7.5);
        assert!(!t.labels.is_empty());
        assert!(no_overlap(&t, a.len(), 120.0));
    }
}
