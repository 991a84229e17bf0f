//! Contacts per date (`volumes`): the CSV file a scenario may name, and the validation rules
//! of the construct (dates inside the calendar, known channels and reason, no gaps, no
//! date written twice, units and bands that make sense).
//!
//! A volumes CSV has the header `date,channel,contacts` and optionally the band columns
//! `lo80,hi80,lo95,hi95` (in pairs); `contacts` is contacts per day. Problems are reported
//! at the file's line and column; rows that read are checked like inline rows, and their
//! findings are placed at the CSV cell too (see `load`).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::error::{DiagnosticKind, Severity};
use super::schema::{ChannelKind, DatedContacts, Reason, Scenario, VolumeCvByLead, Volumes};
use super::suggest::unknown_tail;
use super::syntax::FieldPath;
use super::time::Day;
use super::validate::{Issue, MAX_VOLUME};
use DiagnosticKind as K;
use Severity::{Error, Warning};

/// The columns a volumes CSV may have, in this order of meaning.
pub const CSV_COLUMNS: [&str; 7] = [
    "date", "channel", "contacts", "lo80", "hi80", "lo95", "hi95",
];

/// Where the cells of one CSV row start (byte offsets into the file's text), by column of
/// [`CSV_COLUMNS`] (a column the file lacks points at the row's start).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowPos {
    pub cells: [usize; 7],
}

/// A problem of a volumes CSV at a byte offset of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvProblem {
    pub offset: usize,
    pub message: String,
}

/// Reads a volumes CSV text: the rows that read (with their cell positions) and every
/// problem found (all of them, not just the first).
pub fn read_csv(text: &str) -> (Vec<DatedContacts>, Vec<RowPos>, Vec<CsvProblem>) {
    let mut rows = Vec::new();
    let mut pos = Vec::new();
    let mut problems = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::ByteRecord::new();
    let mut col: Option<[Option<usize>; 7]> = None;
    loop {
        let start = rdr.position().byte() as usize;
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let offset = e.position().map_or(start, |p| p.byte() as usize);
                problems.push(CsvProblem {
                    offset,
                    message: format!("unreadable CSV row: {e}"),
                });
                break;
            }
        }
        let start = rec.position().map_or(start, |p| p.byte() as usize);
        let Some(col) = &col else {
            let c = header(&rec, start, &mut problems);
            let complete = c[..3].iter().all(Option::is_some);
            col = Some(c);
            if complete {
                continue;
            }
            break;
        };
        if rec.len() == 1
            && rec
                .get(0)
                .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            continue; // a blank line
        }
        if let Some((row, cells)) = data_row(&rec, start, col, &mut problems) {
            rows.push(row);
            pos.push(cells);
        }
    }
    if col.is_none() {
        problems.push(CsvProblem {
            offset: 0,
            message: "the file is empty; write the header `date,channel,contacts` and one row per date and channel".into(),
        });
    }
    (rows, pos, problems)
}

/// Where field `i` of a record that starts at byte `start` starts. A record's field ranges
/// leave out the delimiters: field i starts i bytes later in the text (exact for unquoted
/// fields).
fn cell_at(rec: &csv::ByteRecord, start: usize, i: usize) -> usize {
    start + rec.range(i).map_or(0, |r| r.start) + i
}

/// Field `i` of a record, trimmed (empty when the record has no such field).
fn field(rec: &csv::ByteRecord, i: usize) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(rec.get(i).unwrap_or(b"")).map(str::trim)
}

/// Reads the header: the record field of each of [`CSV_COLUMNS`], with a problem for each
/// unknown, repeated, missing or unpaired column.
fn header(
    rec: &csv::ByteRecord,
    start: usize,
    problems: &mut Vec<CsvProblem>,
) -> [Option<usize>; 7] {
    let mut col: [Option<usize>; 7] = [None; 7];
    for i in 0..rec.len() {
        let name = field(rec, i).unwrap_or("");
        match CSV_COLUMNS.iter().position(|c| *c == name) {
            Some(k) if col[k].is_none() => col[k] = Some(i),
            Some(_) => problems.push(CsvProblem {
                offset: cell_at(rec, start, i),
                message: format!("column `{name}` is written twice; write it once"),
            }),
            None => problems.push(CsvProblem {
                offset: cell_at(rec, start, i),
                message: format!(
                    "unknown column `{name}`{}",
                    unknown_tail(name, &CSV_COLUMNS, "allowed columns")
                ),
            }),
        }
    }
    for (k, need) in CSV_COLUMNS.iter().enumerate().take(3) {
        if col[k].is_none() {
            problems.push(CsvProblem {
                offset: start,
                message: format!(
                    "no `{need}` column; the header must name `date,channel,contacts` (contacts per day), optionally `lo80,hi80,lo95,hi95`"
                ),
            });
        }
    }
    for (lo, hi) in [(3, 4), (5, 6)] {
        if col[lo].is_some() != col[hi].is_some() {
            problems.push(CsvProblem {
                offset: start,
                message: format!(
                    "`{}` and `{}` come in pairs: give both or neither",
                    CSV_COLUMNS[lo], CSV_COLUMNS[hi]
                ),
            });
        }
    }
    col
}

/// Reads one data row with the header's columns `col`: the row and its cell positions
/// when every cell reads, else `None` with the problems found.
fn data_row(
    rec: &csv::ByteRecord,
    start: usize,
    col: &[Option<usize>; 7],
    problems: &mut Vec<CsvProblem>,
) -> Option<(DatedContacts, RowPos)> {
    let mut cells = [start; 7];
    for (k, c) in col.iter().enumerate() {
        if let Some(i) = c {
            cells[k] = cell_at(rec, start, *i);
        }
    }
    let mut ok = true;
    let mut text_of = |k: usize| -> Option<String> {
        let i = col[k]?;
        match field(rec, i) {
            Ok(v) if rec.get(i).is_some() => Some(v.to_string()),
            Ok(_) => {
                problems.push(CsvProblem {
                    offset: start,
                    message: format!(
                        "the row has {} cells; `{}` is missing",
                        rec.len(),
                        CSV_COLUMNS[k]
                    ),
                });
                ok = false;
                None
            }
            Err(_) => {
                problems.push(CsvProblem {
                    offset: cells[k],
                    message: format!("`{}` is not UTF-8 text", CSV_COLUMNS[k]),
                });
                ok = false;
                None
            }
        }
    };
    let date = text_of(0);
    let channel = text_of(1);
    let nums: Vec<Option<String>> = (2..7).map(&mut text_of).collect();
    let date = date.and_then(|d| match d.parse::<Date>() {
        Ok(v) if d.len() == 10 => Some(v),
        _ => {
            problems.push(CsvProblem {
                offset: cells[0],
                message: format!("`{d}` is not a date; write YYYY-MM-DD"),
            });
            None
        }
    });
    let mut num = |k: usize, v: &Option<String>| -> Option<f64> {
        let v = v.as_ref()?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                problems.push(CsvProblem {
                    offset: cells[k],
                    message: format!(
                        "`{v}` in `{}` is not a number ≥ 0 (contacts per day)",
                        CSV_COLUMNS[k]
                    ),
                });
                None
            }
        }
    };
    let contacts = num(2, &nums[0]);
    let band = |lo: Option<f64>, hi: Option<f64>| lo.zip(hi);
    let b80 = band(num(3, &nums[1]), num(4, &nums[2]));
    let b95 = band(num(5, &nums[3]), num(6, &nums[4]));
    let bad_band =
        |k: usize, n: &[Option<String>]| col[k].is_some() && n.iter().any(Option::is_none);
    if !ok || bad_band(3, &nums[1..3]) && b80.is_none() || bad_band(5, &nums[3..5]) && b95.is_none()
    {
        return None;
    }
    let (date, channel, contacts) = (date?, channel?, contacts?);
    if channel.is_empty() {
        problems.push(CsvProblem {
            offset: cells[1],
            message: "the channel is empty; name one of the scenario's channels".into(),
        });
        return None;
    }
    let row = DatedContacts {
        date,
        channel,
        contacts,
        band80: b80,
        band95: b95,
    };
    Some((row, RowPos { cells }))
}

/// The column index (into [`CSV_COLUMNS`]) a row field path ends with.
pub fn column_of(field: &str) -> Option<usize> {
    match field {
        "date" => Some(0),
        "channel" => Some(1),
        "contacts" => Some(2),
        "band80" => Some(3),
        "band95" => Some(5),
        _ => None,
    }
}

fn issue(severity: Severity, kind: DiagnosticKind, path: FieldPath, message: String) -> Issue {
    Issue {
        severity,
        kind,
        path,
        message,
    }
}

/// Does `channel` take contacts on `date` (a live or chat channel open that weekday and
/// not on a closed day; a deferred channel every day)?
pub fn takes_contacts(s: &Scenario, channel: &str, date: Date) -> bool {
    let Some(ch) = s.channels.iter().find(|c| c.name == channel) else {
        return false;
    };
    if ch.kind == ChannelKind::Deferred {
        return true;
    }
    !s.calendar.closed_days.contains(&date)
        && ch
            .opening_hours
            .on(Day::of(date))
            .is_some_and(|(f, t)| t > f)
}

/// Every finding about `volumes` and `simulation.volume_cv_by_lead`.
pub fn issues(s: &Scenario) -> Vec<Issue> {
    let mut c = Checker {
        s,
        calendar_ok: s.calendar.end >= s.calendar.start,
        channels: s.channels.iter().map(|c| c.name.as_str()).collect(),
        reasons: s.reasons.iter().map(|r| r.name.as_str()).collect(),
        seen: BTreeMap::new(),
        covered: BTreeSet::new(),
        out: Vec::new(),
    };
    for (i, v) in s.volumes.iter().enumerate() {
        let vp = FieldPath::root().field("volumes").index(i);
        let dates_of = c.entry(i, v, &vp);
        // The reason must be able to take these contacts on each channel they use.
        if let Some(r) = s.reasons.iter().find(|r| r.name == v.reason) {
            for channel in dates_of.keys() {
                c.reason_takes(r, channel, &vp);
            }
        }
        // No gaps: every date a covered channel takes contacts needs a row.
        if c.calendar_ok && (s.calendar.end - s.calendar.start).get_days() < 4000 {
            for (channel, dates) in &dates_of {
                c.gaps(v, &vp, channel, dates);
            }
        }
    }
    if !c.covered.is_empty() {
        c.replaced();
    }
    if let Some(l) = &s.simulation.volume_cv_by_lead {
        c.cv_by_lead(l);
    }
    c.out
}

/// The findings about volumes so far, and what the rows read so far cover.
struct Checker<'a> {
    s: &'a Scenario,
    calendar_ok: bool,
    channels: Vec<&'a str>,
    reasons: Vec<&'a str>,
    /// (date, channel) → first writer, across all entries.
    seen: BTreeMap<(Date, &'a str), String>,
    /// Channels some volumes cover.
    covered: BTreeSet<&'a str>,
    out: Vec<Issue>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, severity: Severity, kind: DiagnosticKind, path: FieldPath, message: String) {
        self.out.push(issue(severity, kind, path, message));
    }

    /// Checks volumes entry `i` and its rows; returns the dates it covers per channel.
    fn entry(
        &mut self,
        i: usize,
        v: &'a Volumes,
        vp: &FieldPath,
    ) -> BTreeMap<&'a str, BTreeSet<Date>> {
        if !self.reasons.contains(&v.reason.as_str()) {
            let tail = unknown_tail(&v.reason, &self.reasons, "defined reasons");
            self.push(
                Error,
                K::UnknownName,
                vp.field("reason"),
                format!("unknown reason `{}`{tail}", v.reason),
            );
        }
        if v.per_date.is_empty() {
            self.push(
                Error,
                K::Invalid,
                if v.file.is_some() {
                    vp.field("file")
                } else {
                    vp.clone()
                },
                "no contacts per date: write `per_date: [(date: \"YYYY-MM-DD\", channel: \"phone\", contacts: 1234.0), …]` or name a CSV `file`".into(),
            );
        }
        let mut dates_of: BTreeMap<&str, BTreeSet<Date>> = BTreeMap::new();
        for (k, row) in v.per_date.iter().enumerate() {
            let rp = vp.field("per_date").index(k);
            if !self.row(row, &rp) {
                continue;
            }
            let here = format!("volumes[{i}].per_date[{k}]");
            if let Some(first) = self.seen.get(&(row.date, row.channel.as_str())) {
                let message = format!(
                    "{} on `{}` is given twice (first at {first}); give each date and channel once",
                    row.date, row.channel
                );
                self.push(Error, K::Invalid, rp.field("date"), message);
            } else {
                self.seen.insert((row.date, row.channel.as_str()), here);
            }
            dates_of
                .entry(row.channel.as_str())
                .or_default()
                .insert(row.date);
            self.covered.insert(row.channel.as_str());
        }
        dates_of
    }

    /// Checks one row at `rp`; true when its channel is known and its date in the
    /// calendar (so it covers that date and channel).
    fn row(&mut self, row: &DatedContacts, rp: &FieldPath) -> bool {
        let cal = &self.s.calendar;
        let channel_ok = self.channels.contains(&row.channel.as_str());
        if !channel_ok {
            let tail = unknown_tail(&row.channel, &self.channels, "defined channels");
            self.push(
                Error,
                K::UnknownName,
                rp.field("channel"),
                format!("unknown channel `{}`{tail}", row.channel),
            );
        }
        let in_cal = !self.calendar_ok || (row.date >= cal.start && row.date <= cal.end);
        if !in_cal {
            self.push(
                Error,
                K::Invalid,
                rp.field("date"),
                format!(
                    "{} is outside the calendar; give contacts for dates from {} to {}",
                    row.date, cal.start, cal.end
                ),
            );
        }
        if !(row.contacts.is_finite() && row.contacts >= 0.0) {
            self.push(
                Error,
                K::Invalid,
                rp.field("contacts"),
                format!(
                    "{} is not allowed; use a finite number ≥ 0 (contacts per day)",
                    row.contacts
                ),
            );
        } else if row.contacts > MAX_VOLUME {
            self.push(
                Error,
                K::Invalid,
                rp.field("contacts"),
                format!(
                    "{} contacts a day is not a plausible volume; at most {MAX_VOLUME:e}",
                    row.contacts
                ),
            );
        }
        for (name, band) in [("band80", row.band80), ("band95", row.band95)] {
            let Some((lo, hi)) = band else { continue };
            if !(lo.is_finite() && hi.is_finite() && lo >= 0.0 && lo <= hi) {
                self.push(
                    Error,
                    K::Invalid,
                    rp.field(name),
                    format!("({lo}, {hi}) is not an interval; write (low, high) with 0 ≤ low ≤ high, contacts per day"),
                );
            } else if row.contacts.is_finite() && (row.contacts < lo || row.contacts > hi) {
                self.push(
                    Warning,
                    K::Invalid,
                    rp.field(name),
                    format!(
                        "the interval ({lo}, {hi}) does not hold the day's contacts {}",
                        row.contacts
                    ),
                );
            }
        }
        channel_ok && in_cal
    }

    /// Reason `r` must have a handling time on `channel` and someone to answer it there.
    fn reason_takes(&mut self, r: &Reason, channel: &str, vp: &FieldPath) {
        if !r.handling.contains_key(channel) {
            self.push(
                Error,
                K::Invalid,
                vp.field("reason"),
                format!(
                    "reason `{}` has no handling time for `{channel}`, which these volumes use; add `\"{channel}\": LogNormal(mean_s: …, cv: …)` to its handling",
                    r.name
                ),
            );
        }
        let a = &self.s.agents;
        let serves = |skills: &[String], channels: &[String]| {
            skills.contains(&r.skill) && channels.iter().any(|c| c == channel)
        };
        if !a.teams.iter().any(|t| serves(&t.skills, &t.channels))
            && !a.flex_pools.iter().any(|p| serves(&p.skills, &p.channels))
        {
            self.push(
                Error,
                K::Invalid,
                vp.field("reason"),
                format!(
                    "no team or pool has skill `{}` on channel `{channel}`; these contacts would never be answered",
                    r.skill
                ),
            );
        }
    }

    /// Every calendar date `channel` takes contacts needs a row of `v`.
    fn gaps(&mut self, v: &Volumes, vp: &FieldPath, channel: &str, dates: &BTreeSet<Date>) {
        let cal = &self.s.calendar;
        let mut missing = Vec::new();
        let mut d = cal.start;
        while d <= cal.end {
            if !dates.contains(&d) && takes_contacts(self.s, channel, d) {
                missing.push(d);
            }
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        if missing.is_empty() {
            return;
        }
        let shown: Vec<String> = missing
            .iter()
            .take(5)
            .map(|d| format!("{d} ({:?})", Day::of(*d)))
            .collect();
        let more = if missing.len() > 5 {
            format!(" and {} more", missing.len() - 5)
        } else {
            String::new()
        };
        self.push(
            Error,
            K::Invalid,
            if v.file.is_some() && v.per_date.iter().all(|r| r.channel != *channel) {
                vp.field("file")
            } else {
                vp.field("per_date")
            },
            format!(
                "no contacts given for `{channel}` on {}{more}, days the channel takes contacts; give every date a row (contacts: 0 for a day without any) — a gap is never filled silently",
                shown.join(", ")
            ),
        );
    }

    /// What the volumes replace: say so once per kind.
    fn replaced(&mut self) {
        let s = self.s;
        let covered = &self.covered;
        let covers = |r: &Reason| {
            r.channel_mix
                .iter()
                .any(|(c, m)| *m > 0.0 && covered.contains(c.as_str()))
        };
        let baseline: f64 = Day::ALL
            .iter()
            .map(|d| s.orders.baseline_per_day.on(*d))
            .sum();
        let via_orders: Vec<&str> = s
            .reasons
            .iter()
            .filter(|r| r.per_1000_orders > 0.0 && covers(r))
            .map(|r| r.name.as_str())
            .collect();
        let mut found = Vec::new();
        if baseline > 0.0 && !via_orders.is_empty() {
            found.push(issue(
                Warning,
                K::Invalid,
                FieldPath::root().field("volumes"),
                format!(
                    "baseline orders' contacts ({}) on {} are replaced by the volumes on the dates they cover (the history holds them; not counted twice); events scale the volumes there, campaigns add on top",
                    via_orders.join(", "),
                    covered.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        for (oi, o) in s.other_sources.iter().enumerate() {
            let hit = s
                .reasons
                .iter()
                .find(|r| r.name == o.reason)
                .is_some_and(covers);
            if hit {
                found.push(issue(
                    Warning,
                    K::Invalid,
                    FieldPath::root().field("other_sources").index(oi),
                    format!(
                        "`{}` contacts on a channel the volumes cover are replaced by the volumes on the dates they cover (not counted twice)",
                        o.name
                    ),
                ));
            }
        }
        self.out.extend(found);
    }

    /// The cv by lead: points in range and in increasing lead, an origin before the
    /// calendar and the same as the fitted volumes'.
    fn cv_by_lead(&mut self, l: &VolumeCvByLead) {
        let cal = &self.s.calendar;
        let lp = FieldPath::root()
            .field("simulation")
            .field("volume_cv_by_lead");
        if l.cv.is_empty() {
            self.push(
                Error,
                K::Invalid,
                lp.field("cv"),
                "no points; write `cv: [(1, 0.05), (28, 0.09)]` (lead in days, cv)".into(),
            );
        }
        for (k, &(lead, cv)) in l.cv.iter().enumerate() {
            if !(cv.is_finite() && (0.0..=3.0).contains(&cv)) {
                self.push(
                    Error,
                    K::Invalid,
                    lp.field("cv").index(k),
                    format!("cv {cv} is not allowed; use a number from 0 to 3 (0.1 = 10%)"),
                );
            }
            if k > 0 && lead <= l.cv[k - 1].0 {
                self.push(
                    Error,
                    K::Invalid,
                    lp.field("cv").index(k),
                    format!(
                        "lead {lead} does not follow lead {}; give the points in increasing lead",
                        l.cv[k - 1].0
                    ),
                );
            }
        }
        if self.calendar_ok && l.origin >= cal.start {
            self.push(
                Warning,
                K::Invalid,
                lp.field("origin"),
                format!(
                    "the forecast origin {} is not before the calendar start {}; days up to the origin get the first point's cv",
                    l.origin, cal.start
                ),
            );
        }
        for (i, v) in self.s.volumes.iter().enumerate() {
            if let Some(f) = &v.fitted
                && f.origin != l.origin
            {
                self.push(
                    Warning,
                    K::Invalid,
                    lp.field("origin"),
                    format!(
                        "{} differs from the forecast origin of volumes[{i}] ({}); the leads count from here",
                        l.origin, f.origin
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_and_positions() {
        let text = "date,channel,contacts,lo80,hi80\n2027-07-01,phone,100,90,110\n2027-07-02, phone ,0,0,0\n";
        let (rows, pos, problems) = read_csv(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].band80, Some((90.0, 110.0)));
        assert_eq!(rows[1].channel, "phone");
        assert_eq!(&text[pos[1].cells[2]..pos[1].cells[2] + 1], "0");
        assert_eq!(&text[pos[0].cells[0]..pos[0].cells[0] + 10], "2027-07-01");
    }

    #[test]
    fn csv_problems_are_all_reported_with_positions() {
        let text = "date,channel,contacts,extra\n2027-13-01,phone,-5,1\nx\n";
        let (rows, _, problems) = read_csv(text);
        assert!(rows.is_empty());
        let msgs: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("unknown column `extra`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("`2027-13-01` is not a date"))
        );
        assert!(msgs.iter().any(|m| m.contains("`-5` in `contacts`")));
        assert!(
            msgs.iter()
                .any(|m| m.contains("`contacts` is missing") || m.contains("`channel` is missing"))
        );
        let bad_date = problems
            .iter()
            .find(|p| p.message.contains("not a date"))
            .unwrap();
        assert_eq!(&text[bad_date.offset..bad_date.offset + 10], "2027-13-01");
    }
}
