//! Per-call records: loading with a column mapping (built-in: the Technion "Anonymous Bank"
//! format), skipping and counting malformed rows.
//!
//! A call record knows when the call arrived, whether it joined the agent queue, how long it
//! waited there, whether it was answered or abandoned, and how long the service took;
//! optionally who called (customer id), the call type and the agent who served it.
//!
//! # Column mappings
//!
//! * `anonymous-bank` (detected from the header, or forced with `--mapping anonymous-bank`):
//!   tab-separated, `date` `YYMMDD`, arrival = `vru_entry` (`H:MM:SS`), queued = `q_start` is
//!   not `0:00:00`, wait = `q_time` (integer seconds), outcome `AGENT` answered, `HANG`
//!   abandoned, `PHANTOM` ignored, service = `ser_time`, customer = `customer_id` (`0` =
//!   unknown), type = `type`, agent = `server` (`NO_SERVER` = none), service start =
//!   `ser_start`.
//! * generic ([`CallColumns::default`]): comma-separated, columns `arrival`
//!   (`YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM[:SS]`, or a clock time when a date column is
//!   given), `wait_s`, `outcome` (`answered`/`abandoned`), `service_s`; every name and value
//!   can be changed on the command line. Without a queue-start column a call counts as queued
//!   when its wait is positive or it was abandoned.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::error::{Error, Result};

/// How one call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Served by an agent.
    Answered,
    /// The caller hung up before being served (in the queue, or before queueing).
    Abandoned,
}

/// One call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// Local calendar date of the arrival.
    pub date: Date,
    /// Arrival, seconds since local midnight of `date`.
    pub arrival_s: u32,
    /// The call joined the agent queue.
    pub queued: bool,
    /// Seconds waited in the agent queue (0 when not queued).
    pub wait_s: f64,
    pub outcome: Outcome,
    /// Service (talk) seconds, 0 when not answered.
    pub service_s: f64,
    /// Caller id when known.
    pub customer: Option<u64>,
    /// Index into [`CallSet::types`].
    pub call_type: Option<u16>,
    /// Index into [`CallSet::agents`].
    pub agent: Option<u16>,
    /// Service start, seconds since local midnight of `date`, when known.
    pub service_start_s: Option<u32>,
}

/// A skipped (malformed) row.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedRow {
    pub file: PathBuf,
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

/// Everything loaded from one or more call files.
#[derive(Debug, Clone, Default)]
pub struct CallSet {
    pub records: Vec<CallRecord>,
    /// Distinct call types, in order of first appearance.
    pub types: Vec<String>,
    /// Distinct agent names, in order of first appearance.
    pub agents: Vec<String>,
    /// Rows dropped on purpose (e.g. `PHANTOM`).
    pub ignored_rows: u64,
    /// Malformed rows skipped.
    pub malformed_rows: u64,
    /// Kept rows whose customer id could not be read (e.g. `6.02E+11`); treated as unknown.
    pub unreadable_customer_ids: u64,
    /// The first few malformed rows (at most [`MAX_SKIPPED_KEPT`]).
    pub first_malformed: Vec<SkippedRow>,
    /// Files read, in order.
    pub files: Vec<PathBuf>,
}

/// How many malformed rows are kept for the report.
pub const MAX_SKIPPED_KEPT: usize = 10;

/// Which columns hold what, and which values mean what.
#[derive(Debug, Clone, PartialEq)]
pub struct CallColumns {
    /// Field delimiter.
    pub delimiter: u8,
    /// Date column (`YYMMDD`, `YYYYMMDD` or `YYYY-MM-DD`); `None` when `arrival` holds date
    /// and time.
    pub date: Option<String>,
    /// Arrival time column.
    pub arrival: String,
    /// Queue-join time column: a call is queued when it is not empty and not `0:00:00`.
    /// `None`: queued when the wait is positive or the call was abandoned.
    pub queue_start: Option<String>,
    /// Seconds waited in the queue.
    pub wait: String,
    /// Outcome column.
    pub outcome: String,
    /// Values meaning "answered" (compared case-insensitively).
    pub answered: Vec<String>,
    /// Values meaning "abandoned".
    pub abandoned: Vec<String>,
    /// Values whose rows are dropped without counting as malformed.
    pub ignored: Vec<String>,
    /// Service seconds.
    pub service: String,
    /// Customer id (`0` or empty = unknown).
    pub customer: Option<String>,
    /// Call type.
    pub call_type: Option<String>,
    /// Agent name; `NO_SERVER` or empty = none.
    pub agent: Option<String>,
    /// Service start clock time.
    pub service_start: Option<String>,
}

impl Default for CallColumns {
    fn default() -> Self {
        CallColumns {
            delimiter: b',',
            date: None,
            arrival: "arrival".into(),
            queue_start: None,
            wait: "wait_s".into(),
            outcome: "outcome".into(),
            answered: vec!["answered".into()],
            abandoned: vec!["abandoned".into()],
            ignored: vec![],
            service: "service_s".into(),
            customer: None,
            call_type: None,
            agent: None,
            service_start: None,
        }
    }
}

impl CallColumns {
    /// The Technion "Anonymous Bank" format (Guedj & Mandelbaum, 2000).
    pub fn anonymous_bank() -> CallColumns {
        CallColumns {
            delimiter: b'\t',
            date: Some("date".into()),
            arrival: "vru_entry".into(),
            queue_start: Some("q_start".into()),
            wait: "q_time".into(),
            outcome: "outcome".into(),
            answered: vec!["AGENT".into()],
            abandoned: vec!["HANG".into()],
            ignored: vec!["PHANTOM".into()],
            service: "ser_time".into(),
            customer: Some("customer_id".into()),
            call_type: Some("type".into()),
            agent: Some("server".into()),
            service_start: Some("ser_start".into()),
        }
    }

    /// True when a header line (already split) looks like the Anonymous Bank format.
    pub fn looks_like_anonymous_bank(header_line: &str) -> bool {
        let cols: Vec<&str> = header_line.split('\t').map(str::trim).collect();
        ["vru+line", "q_start", "q_time", "ser_time", "outcome"]
            .iter()
            .all(|c| cols.contains(c))
    }
}

/// Which mapping to use.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapping {
    /// Anonymous Bank when the first file's header looks like it, else the given generic one.
    Auto(CallColumns),
    /// Exactly these columns.
    Fixed(CallColumns),
}

/// Load and concatenate call files (in the order given).
pub fn load_calls<P: AsRef<Path>>(paths: &[P], mapping: &Mapping) -> Result<CallSet> {
    let mut set = CallSet::default();
    if paths.is_empty() {
        return Err(Error::Input("no call files given".into()));
    }
    for p in paths {
        let path = p.as_ref();
        let cols = match mapping {
            Mapping::Fixed(c) => c.clone(),
            Mapping::Auto(generic) => {
                let first = first_line(path)?;
                if CallColumns::looks_like_anonymous_bank(&first) {
                    CallColumns::anonymous_bank()
                } else {
                    generic.clone()
                }
            }
        };
        load_one(path, &cols, &mut set)?;
        set.files.push(path.to_path_buf());
    }
    Ok(set)
}

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn first_line(path: &Path) -> Result<String> {
    use std::io::BufRead;
    let f = super::open_input(path)?;
    let mut line = String::new();
    std::io::BufReader::new(f)
        .read_line(&mut line)
        .map_err(|e| match e.kind() {
            // Not text: the user's file is wrong (exit 2), not the machine.
            std::io::ErrorKind::InvalidData => Error::Input(format!(
                "{}: the header line is not UTF-8 text; give a CSV or tab-separated text file",
                path.display()
            )),
            _ => io_err(path, e),
        })?;
    Ok(line.trim_end().to_string())
}

struct Idx {
    date: Option<usize>,
    arrival: usize,
    queue_start: Option<usize>,
    wait: usize,
    outcome: usize,
    service: usize,
    customer: Option<usize>,
    call_type: Option<usize>,
    agent: Option<usize>,
    service_start: Option<usize>,
}

fn find_cols(path: &Path, header: &csv::ByteRecord, cols: &CallColumns) -> Result<Idx> {
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let find = |want: &str, what: &str| -> Result<usize> {
        names.iter().position(|n| n == want).ok_or_else(|| {
            Error::Input(format!(
                "{}: no column `{want}` for the {what}; the header has: {}",
                path.display(),
                names.join(", ")
            ))
        })
    };
    let opt = |want: &Option<String>, what: &str| -> Result<Option<usize>> {
        want.as_deref().map(|w| find(w, what)).transpose()
    };
    Ok(Idx {
        date: opt(&cols.date, "date")?,
        arrival: find(&cols.arrival, "arrival time")?,
        queue_start: opt(&cols.queue_start, "queue start")?,
        wait: find(&cols.wait, "queue wait")?,
        outcome: find(&cols.outcome, "outcome")?,
        service: find(&cols.service, "service time")?,
        customer: opt(&cols.customer, "customer id")?,
        call_type: opt(&cols.call_type, "call type")?,
        agent: opt(&cols.agent, "agent")?,
        service_start: opt(&cols.service_start, "service start")?,
    })
}

fn load_one(path: &Path, cols: &CallColumns, set: &mut CallSet) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(cols.delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(true)
        .from_reader(std::io::BufReader::new(super::open_input(path)?));
    let header = rdr.byte_headers().map_err(|e| csv_err(path, e))?.clone();
    let idx = find_cols(path, &header, cols)?;
    let answered: Vec<Vec<u8>> = lower_all(&cols.answered);
    let abandoned: Vec<Vec<u8>> = lower_all(&cols.abandoned);
    let ignored: Vec<Vec<u8>> = lower_all(&cols.ignored);
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // A broken row (e.g. invalid quoting): count it and carry on.
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                skip(set, path, line, format!("unreadable row: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(csv_err(path, e));
                }
                continue;
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let outcome_raw = rec.get(idx.outcome).unwrap_or(b"");
        if ignored.iter().any(|v| v.eq_ignore_ascii_case(outcome_raw)) {
            set.ignored_rows += 1;
            continue;
        }
        match parse_row(&rec, &idx, &answered, &abandoned, set) {
            Ok(r) => set.records.push(r),
            Err(reason) => skip(set, path, line, reason),
        }
    }
    Ok(())
}

fn lower_all(v: &[String]) -> Vec<Vec<u8>> {
    v.iter()
        .map(|s| s.as_bytes().to_ascii_lowercase())
        .collect()
}

fn skip(set: &mut CallSet, path: &Path, line: u64, reason: String) {
    set.malformed_rows += 1;
    if set.first_malformed.len() < MAX_SKIPPED_KEPT {
        set.first_malformed.push(SkippedRow {
            file: path.to_path_buf(),
            line,
            reason,
        });
    }
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    let msg = format!("{}: {e}", path.display());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_err(path, io),
        _ => Error::Input(msg),
    }
}

fn field<'a>(rec: &'a csv::ByteRecord, i: usize, name: &str) -> Result<&'a [u8], String> {
    rec.get(i)
        .ok_or_else(|| format!("row has {} fields, no `{name}`", rec.len()))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse_row(
    rec: &csv::ByteRecord,
    idx: &Idx,
    answered: &[Vec<u8>],
    abandoned: &[Vec<u8>],
    set: &mut CallSet,
) -> Result<CallRecord, String> {
    let outcome_raw = field(rec, idx.outcome, "outcome")?;
    let outcome = if answered.iter().any(|v| v.eq_ignore_ascii_case(outcome_raw)) {
        Outcome::Answered
    } else if abandoned
        .iter()
        .any(|v| v.eq_ignore_ascii_case(outcome_raw))
    {
        Outcome::Abandoned
    } else {
        return Err(format!(
            "outcome `{}` is not a known value",
            text(outcome_raw)
        ));
    };
    let arrival_raw = field(rec, idx.arrival, "arrival")?;
    let (date, arrival_s) = match idx.date {
        Some(di) => {
            let d = field(rec, di, "date")?;
            let date = parse_date(d).ok_or_else(|| format!("date `{}` unreadable", text(d)))?;
            let t = parse_clock(arrival_raw)
                .ok_or_else(|| format!("arrival `{}` is not H:MM[:SS]", text(arrival_raw)))?;
            (date, t)
        }
        None => parse_datetime(arrival_raw).ok_or_else(|| {
            format!(
                "arrival `{}` is not YYYY-MM-DD HH:MM[:SS]",
                text(arrival_raw)
            )
        })?,
    };
    let wait_raw = field(rec, idx.wait, "wait")?;
    let wait_s = parse_secs(wait_raw)
        .ok_or_else(|| format!("wait `{}` is not a number of seconds", text(wait_raw)))?;
    let service_raw = field(rec, idx.service, "service")?;
    let service_s = parse_secs(service_raw)
        .ok_or_else(|| format!("service `{}` is not a number of seconds", text(service_raw)))?;
    let queued = match idx.queue_start {
        Some(qi) => {
            let q = field(rec, qi, "queue start")?;
            if q.is_empty() {
                false
            } else {
                let t = parse_clock(q)
                    .ok_or_else(|| format!("queue start `{}` is not H:MM:SS", text(q)))?;
                t != 0
            }
        }
        None => wait_s > 0.0 || outcome == Outcome::Abandoned,
    };
    let customer = match idx.customer {
        Some(ci) => {
            let c = field(rec, ci, "customer")?;
            if c.is_empty() {
                None
            } else {
                // Ids mangled by a spreadsheet (`6.02E+11`) no longer identify anyone: the
                // call is kept, its customer counted as unreadable.
                match std::str::from_utf8(c)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                {
                    Some(v) => (v != 0).then_some(v),
                    None => {
                        set.unreadable_customer_ids += 1;
                        None
                    }
                }
            }
        }
        None => None,
    };
    let call_type = match idx.call_type {
        Some(ti) => intern(&mut set.types, field(rec, ti, "type")?),
        None => None,
    };
    let agent = match idx.agent {
        Some(ai) => {
            let a = field(rec, ai, "agent")?;
            if a.eq_ignore_ascii_case(b"NO_SERVER") {
                None
            } else {
                intern(&mut set.agents, a)
            }
        }
        None => None,
    };
    let service_start_s = match idx.service_start {
        Some(si) => {
            let s = field(rec, si, "service start")?;
            match parse_clock(s) {
                Some(0) | None => None,
                Some(t) => Some(t),
            }
        }
        None => None,
    };
    Ok(CallRecord {
        date,
        arrival_s,
        queued,
        wait_s: if queued { wait_s } else { 0.0 },
        outcome,
        service_s: if outcome == Outcome::Answered {
            service_s
        } else {
            0.0
        },
        customer,
        call_type,
        agent,
        service_start_s,
    })
}

fn intern(table: &mut Vec<String>, v: &[u8]) -> Option<u16> {
    if v.is_empty() {
        return None;
    }
    if let Some(i) = table.iter().position(|t| t.as_bytes() == v) {
        return u16::try_from(i).ok();
    }
    if table.len() >= usize::from(u16::MAX) {
        return None;
    }
    table.push(text(v));
    u16::try_from(table.len() - 1).ok()
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        // Checked: a field of many digits is malformed, not a panic.
        v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some(v)
}

/// `H:MM`, `HH:MM` or `H:MM:SS` → seconds since midnight (up to 24:00:00).
pub fn parse_clock(b: &[u8]) -> Option<u32> {
    let mut parts = b.split(|&c| c == b':');
    let h = digits(parts.next()?)?;
    let m_raw = parts.next()?;
    let m = digits(m_raw)?;
    let s = match parts.next() {
        Some(p) => {
            if p.len() != 2 {
                return None;
            }
            digits(p)?
        }
        None => 0,
    };
    if parts.next().is_some() || m_raw.len() != 2 || m >= 60 || s >= 60 {
        return None;
    }
    let t = h.checked_mul(3600)?.checked_add(m * 60 + s)?;
    (t <= 86_400).then_some(t)
}

/// `YYMMDD` (19YY from 70, else 20YY), `YYYYMMDD` or `YYYY-MM-DD`.
pub fn parse_date(b: &[u8]) -> Option<Date> {
    let (y, m, d) = match b.len() {
        6 => {
            let yy = digits(&b[0..2])?;
            let y = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            (y, digits(&b[2..4])?, digits(&b[4..6])?)
        }
        8 => (digits(&b[0..4])?, digits(&b[4..6])?, digits(&b[6..8])?),
        10 if b[4] == b'-' && b[7] == b'-' => {
            (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?)
        }
        _ => return None,
    };
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]` → (date, seconds since midnight).
pub fn parse_datetime(b: &[u8]) -> Option<(Date, u32)> {
    if b.len() < 16 || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let date = parse_date(&b[..10])?;
    let t = parse_clock(&b[11..])?;
    (t < 86_400).then_some((date, t))
}

/// Non-negative seconds, integer or decimal.
fn parse_secs(b: &[u8]) -> Option<f64> {
    if let Some(v) = digits(b) {
        return Some(f64::from(v));
    }
    let v: f64 = std::str::from_utf8(b).ok()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any bytes after a valid header load without a panic; every data line is kept,
        /// ignored or counted as malformed.
        #[test]
        fn arbitrary_rows_never_panic(body in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::string::string_regex("[0-9:\\- T,.a-z]{0,40}").unwrap(),
                proptest::string::string_regex(
                    "2027-0[1-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9],[0-9]{1,3},(answered|abandoned|x),[0-9]{1,4}"
                ).unwrap(),
            ],
            0..30,
        )) {
            let mut text = String::from("arrival,wait_s,outcome,service_s\n");
            for l in &body {
                text.push_str(l);
                text.push('\n');
            }
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("calls.csv");
            std::fs::write(&p, &text).unwrap();
            let set = load_calls(&[&p], &Mapping::Auto(CallColumns::default())).unwrap();
            let lines = body.iter().filter(|l| !l.is_empty()).count() as u64;
            proptest::prop_assert_eq!(set.records.len() as u64 + set.malformed_rows, lines);
        }
    }

    #[test]
    fn clock_and_dates() {
        assert_eq!(parse_clock(b"0:00:31"), Some(31));
        assert_eq!(parse_clock(b"23:59:59"), Some(86_399));
        assert_eq!(parse_clock(b"7:41"), Some(7 * 3600 + 41 * 60));
        assert_eq!(parse_clock(b"7:4:00"), None);
        assert_eq!(parse_clock(b"AGENT"), None);
        assert_eq!(parse_clock(b"7:61:00"), None);
        assert_eq!(parse_date(b"990101"), Date::new(1999, 1, 1).ok());
        assert_eq!(parse_date(b"2003-03-03"), Date::new(2003, 3, 3).ok());
        assert_eq!(parse_date(b"990231"), None);
        assert_eq!(
            parse_datetime(b"2003-03-03T07:05"),
            Some((Date::new(2003, 3, 3).unwrap(), 7 * 3600 + 300))
        );
    }
}
