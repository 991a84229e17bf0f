//! `peakplan sweep FILE --vary PATH=V1,V2,… [--vary …]`: a grid of what-ifs.
//!
//! * The grid is the cartesian product of the --vary lists, in the order given, the last
//!   --vary changing fastest; each variant is the scenario with one `--set PATH=V` per
//!   --vary (after the common `--set`s).
//! * Every value is checked before any variant runs, by loading the scenario with it (the
//!   `--set` validation): a bad path or value is refused naming the --vary.
//! * Each variant runs `run`'s computation ([`crate::app::run::compute`], nothing
//!   written) and gives one row: the settings, the flex headcount (people to contract), the
//!   probability that the promise holds in the plan's check, the mean service level of the
//!   headline channel on the target day, its abandonment, and the total customer-service
//!   cost (EUR).
//! * Files (in `--out`, default `output/<name>/sweep/`): `sweep.csv`, `sweep.json` (rows in
//!   grid order) and `sweep.png` (total cost per variant, labelled with P(promise)).
//! * `--shard K/N` runs variants `[⌊(K−1)·V/N⌋, ⌊K·V/N⌋)` and writes
//!   `sweep-part-K-of-N.json` (default folder `output/<name>/sweep/parts/`); `peakplan
//!   merge` writes the same three files, byte for byte. Each row is computed independently
//!   of the others, so the rows of the parts are the rows of one run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::merge::{MergeOutcome, SWEEP};
use super::shard::{self, Part, PartHeader, ShardSpec};
use crate::error::{Error, Result};

/// Settings of a sweep.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `PATH=V1,V2,…`, in order.
    pub vary: Vec<String>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    /// Common `--set`s, before each variant's.
    pub sets: Vec<String>,
    pub quick: bool,
    pub shard: Option<ShardSpec>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
    pub allow_large: bool,
}

/// One --vary: a field and its values (RON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vary {
    pub path: String,
    pub values: Vec<String>,
}

/// One variant's figures (`None` where a figure is undefined).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The value of each --vary, in order.
    pub settings: Vec<String>,
    pub flex_agents: Option<f64>,
    pub p_promise: Option<f64>,
    pub mean_sl: Option<f64>,
    pub abandonment: Option<f64>,
    pub total_cost_eur: Option<f64>,
}

/// What a sweep produced.
#[derive(Debug)]
pub struct Outcome {
    pub rows: Vec<Row>,
    pub written: Vec<PathBuf>,
    pub summary: String,
    pub json: serde_json::Value,
}

/// Splits `a,b,[c,d],"e,f"` at its top-level commas.
fn split_values(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut cur) = (0i32, false, String::new());
    for ch in s.chars() {
        match ch {
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur.trim().to_string());
    out
}

/// Parses and checks the --vary lists: every value is loaded once with the scenario.
pub fn parse_vary(file: &Path, sets: &[String], vary: &[String]) -> Result<Vec<Vary>> {
    if vary.is_empty() {
        return Err(Error::Input(
            "sweep: give at least one --vary PATH=V1,V2,…".into(),
        ));
    }
    let mut out: Vec<Vary> = Vec::new();
    for v in vary {
        let (path, values) = v.split_once('=').ok_or_else(|| {
            Error::Input(format!(
                "--vary `{v}`: write PATH=V1,V2,…, e.g. --vary simulation.volume_cv=0.1,0.2"
            ))
        })?;
        let path = path.trim().to_string();
        let values = split_values(values);
        if path.is_empty() || values.iter().any(String::is_empty) {
            return Err(Error::Input(format!(
                "--vary `{v}`: a path and non-empty values are needed (PATH=V1,V2,…)"
            )));
        }
        if out.iter().any(|o| o.path == path) {
            return Err(Error::Input(format!(
                "--vary `{v}`: {path} is varied twice; give its values in one --vary"
            )));
        }
        for value in &values {
            let mut s = sets.to_vec();
            s.push(format!("{path}={value}"));
            crate::scenario::load(file, &s)
                .map_err(|e| Error::Input(format!("--vary `{v}`: value `{value}`: {e}")))?;
        }
        out.push(Vary { path, values });
    }
    Ok(out)
}

/// The grid: each variant's values, last --vary fastest.
pub fn grid(vary: &[Vary]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = vec![Vec::new()];
    for v in vary {
        rows = rows
            .into_iter()
            .flat_map(|r| {
                v.values.iter().map(move |x| {
                    let mut r = r.clone();
                    r.push(x.clone());
                    r
                })
            })
            .collect();
    }
    rows
}

fn variant_sets(sets: &[String], vary: &[Vary], values: &[String]) -> Vec<String> {
    let mut s = sets.to_vec();
    for (v, x) in vary.iter().zip(values) {
        s.push(format!("{}={x}", v.path));
    }
    s
}

/// Runs one variant.
fn run_variant(file: &Path, opts: &Options, vary: &[Vary], values: &[String]) -> Result<Row> {
    let ro = crate::app::run::RunOptions {
        replications: opts.replications,
        seed: opts.seed,
        overrides: variant_sets(&opts.sets, vary, values),
        quick: opts.quick,
        allow_large: opts.allow_large,
        ..Default::default()
    };
    let c = crate::app::run::compute(file, &ro)?;
    let fig = |id: &str| c.figures.iter().find(|f| f.id == id).and_then(|f| f.number);
    Ok(Row {
        settings: values.to_vec(),
        flex_agents: fig("flex_agents"),
        p_promise: fig("promise_check"),
        mean_sl: fig("peak_sl"),
        abandonment: fig("peak_abandon"),
        total_cost_eur: fig("total_cost"),
    })
}

fn settings_json(opts: &Options, vary: &[Vary]) -> serde_json::Value {
    serde_json::json!({
        "vary": vary,
        "quick": opts.quick,
        "replications": opts.replications,
    })
}

/// The command.
pub fn run(file: &Path, opts: &Options) -> Result<Outcome> {
    let scenario = crate::scenario::load(file, &opts.sets)?;
    let vary = parse_vary(file, &opts.sets, &opts.vary)?;
    let all = grid(&vary);
    let total = u32::try_from(all.len())
        .map_err(|_| Error::Input(format!("sweep: {} variants are too many", all.len())))?;
    let seed = opts.seed.unwrap_or(scenario.simulation.seed);
    let range = match opts.shard {
        Some(spec) => {
            spec.check(total, "variants")?;
            spec.range(total)
        }
        None => 0..total,
    };
    let mut rows = Vec::with_capacity(range.len());
    for (i, values) in all[range.start as usize..range.end as usize]
        .iter()
        .enumerate()
    {
        if !opts.quiet {
            eprintln!(
                "variant {}/{total}: {}",
                range.start as usize + i + 1,
                variant_sets(&[], &vary, values).join(" ")
            );
        }
        rows.push(run_variant(file, opts, &vary, values)?);
    }
    if let Some(spec) = opts.shard {
        let part = Part {
            header: PartHeader {
                kind: SWEEP.into(),
                peakplan_version: shard::version(),
                scenario_sha256: shard::scenario_hash(file, &opts.sets)?,
                scenario: file.display().to_string(),
                sets: opts.sets.clone(),
                seed,
                replications: opts.replications.unwrap_or(0),
                total,
                shard: spec.k,
                shards: spec.n,
                range: [range.start, range.end],
                settings: settings_json(opts, &vary),
            },
            statistics: serde_json::Value::Array(rows.iter().map(encode_row).collect()),
        };
        let dir = opts
            .out
            .clone()
            .unwrap_or_else(|| shard::default_parts_dir(&scenario.name, Some("sweep")));
        let path = shard::write_part(&dir, spec, &part)?;
        let summary = if opts.quiet {
            String::new()
        } else {
            format!(
                "Sweep shard {spec}: variants {}..{} of {total}.\nWrote:\n  {}\n",
                range.start,
                range.end,
                path.display()
            )
        };
        let json = serde_json::json!({
            "shard": spec.k, "shards": spec.n, "range": [range.start, range.end],
            "variants": total, "files": [path.display().to_string()],
        });
        return Ok(Outcome {
            rows,
            written: vec![path],
            summary,
            json,
        });
    }
    let dir = opts
        .out
        .clone()
        .unwrap_or_else(|| default_dir(&scenario.name));
    write_outputs(&scenario.name, &dir, seed, opts, &vary, rows, opts.quiet)
}

/// `output/<name>/sweep/`.
fn default_dir(name: &str) -> PathBuf {
    Path::new("output")
        .join(crate::report::atomic::folder_name(name))
        .join("sweep")
}

/// A row with its numbers as bit patterns (exact through JSON).
fn encode_row(r: &Row) -> serde_json::Value {
    let b = |x: Option<f64>| x.map(|v| format!("{:016x}", v.to_bits()));
    serde_json::json!({
        "settings": r.settings,
        "flex_agents": b(r.flex_agents),
        "p_promise": b(r.p_promise),
        "mean_sl": b(r.mean_sl),
        "abandonment": b(r.abandonment),
        "total_cost_eur": b(r.total_cost_eur),
    })
}

fn decode_row(v: &serde_json::Value) -> std::result::Result<Row, String> {
    let f = |k: &str| -> std::result::Result<Option<f64>, String> {
        match &v[k] {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => u64::from_str_radix(s, 16)
                .map(|b| Some(f64::from_bits(b)))
                .map_err(|_| format!("bad number in `{k}`")),
            _ => Err(format!("bad `{k}`")),
        }
    };
    Ok(Row {
        settings: serde_json::from_value(v["settings"].clone()).map_err(|e| e.to_string())?,
        flex_agents: f("flex_agents")?,
        p_promise: f("p_promise")?,
        mean_sl: f("mean_sl")?,
        abandonment: f("abandonment")?,
        total_cost_eur: f("total_cost_eur")?,
    })
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v:.6}"))
}

/// Writes sweep.csv, sweep.json and sweep.png (the same code for one machine and merge).
fn write_outputs(
    name: &str,
    dir: &Path,
    seed: u64,
    opts: &Options,
    vary: &[Vary],
    rows: Vec<Row>,
    quiet: bool,
) -> Result<Outcome> {
    let mut staged = crate::report::atomic::OutputDir::new(dir)?;
    let mut header: Vec<String> = vary.iter().map(|v| v.path.clone()).collect();
    header.extend(
        [
            "flex_agents",
            "p_promise",
            "mean_sl",
            "abandonment",
            "total_cost_eur",
        ]
        .map(String::from),
    );
    let mut table = vec![header];
    for r in &rows {
        let mut line = r.settings.clone();
        line.extend([
            num(r.flex_agents),
            num(r.p_promise),
            num(r.mean_sl),
            num(r.abandonment),
            num(r.total_cost_eur),
        ]);
        table.push(line);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for line in &table {
        w.write_record(line).map_err(crate::report::csv_err)?;
    }
    let csv = crate::report::csv_bytes(w)?;
    staged.write("sweep.csv", &csv)?;
    let json = serde_json::json!({
        "scenario": name,
        "seed": seed,
        "replications": opts.replications,
        "quick": opts.quick,
        "sets": opts.sets,
        "vary": vary,
        "rows": rows,
    });
    let mut bytes = serde_json::to_vec_pretty(&json)
        .map_err(|e| Error::Internal(format!("writing sweep.json: {e}")))?;
    bytes.push(b'\n');
    staged.write("sweep.json", &bytes)?;
    let plot = crate::report::plot::Plot::from(crate::report::plot::BarPlot {
        title: format!("What-if sweep: total cost and P(promise) — {name}"),
        x_label: "Customer-service cost of the period (€)".into(),
        bars: rows
            .iter()
            .map(|r| crate::report::plot::Bar {
                label: format!(
                    "{} · P {}",
                    variant_sets(&[], vary, &r.settings).join(" "),
                    r.p_promise
                        .map_or_else(|| "–".into(), |p| format!("{:.1}%", p * 100.0))
                ),
                value: r.total_cost_eur.unwrap_or(0.0),
                interval: None,
            })
            .collect(),
        unit: crate::report::plot::ValueUnit::Eur,
    });
    staged.write_path_with("sweep.png", |tmp| {
        plot.write_as(
            tmp,
            crate::report::plot::Format::Png,
            crate::report::plot::DEFAULT_SIZE,
        )
        .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })
    })?;
    let written = staged.commit()?;
    let mut summary = String::new();
    if !quiet {
        let _ = writeln!(summary, "Sweep of {name}: {} variants.", rows.len());
        for r in &rows {
            let _ = writeln!(
                summary,
                "  {:<40} flex {:>5}  P(promise) {:>6}  SL {:>6}  abandon {:>6}  cost {}",
                variant_sets(&[], vary, &r.settings).join(" "),
                r.flex_agents
                    .map_or_else(|| "–".into(), |x| format!("{x:.0}")),
                r.p_promise
                    .map_or_else(|| "–".into(), |x| format!("{:.1}%", x * 100.0)),
                r.mean_sl
                    .map_or_else(|| "–".into(), |x| format!("{:.1}%", x * 100.0)),
                r.abandonment
                    .map_or_else(|| "–".into(), |x| format!("{:.1}%", x * 100.0)),
                r.total_cost_eur
                    .map_or_else(|| "–".into(), |x| format!("€{x:.0}")),
            );
        }
        let _ = writeln!(summary, "\nWrote:");
        for p in &written {
            let _ = writeln!(summary, "  {}", p.display());
        }
    }
    let mut json = json;
    json["files"] = serde_json::json!(
        written
            .iter()
            .map(|w| w.display().to_string())
            .collect::<Vec<_>>()
    );
    Ok(Outcome {
        rows,
        written,
        summary,
        json,
    })
}

/// Assembles the parts of a sweep (already checked to belong together, sorted by shard).
pub fn merge_parts(
    h: &PartHeader,
    parts: &[(PathBuf, Part)],
    out: Option<PathBuf>,
    quiet: bool,
) -> Result<MergeOutcome> {
    let file = PathBuf::from(&h.scenario);
    let scenario = crate::scenario::load(&file, &h.sets)?;
    let bad = |p: &Path, why: String| Error::Input(format!("merge: {}: {why}", p.display()));
    let vary: Vec<Vary> = serde_json::from_value(h.settings["vary"].clone())
        .map_err(|e| bad(&parts[0].0, format!("unreadable --vary settings ({e})")))?;
    let opts = Options {
        vary: Vec::new(),
        replications: serde_json::from_value(h.settings["replications"].clone())
            .map_err(|e| bad(&parts[0].0, format!("unreadable replications ({e})")))?,
        seed: Some(h.seed),
        sets: h.sets.clone(),
        quick: h.settings["quick"].as_bool().unwrap_or(false),
        shard: None,
        out: None,
        quiet,
        allow_large: false,
    };
    let mut rows = Vec::new();
    for (path, part) in parts {
        let list = part
            .statistics
            .as_array()
            .ok_or_else(|| bad(path, "no rows".into()))?;
        let want = (part.header.range[1] - part.header.range[0]) as usize;
        if list.len() != want {
            return Err(bad(
                path,
                format!("holds {} rows, its range has {want}", list.len()),
            ));
        }
        for v in list {
            rows.push(decode_row(v).map_err(|e| bad(path, e))?);
        }
    }
    if grid(&vary) != rows.iter().map(|r| r.settings.clone()).collect::<Vec<_>>() {
        return Err(bad(
            &parts[0].0,
            "the rows do not follow the --vary grid".into(),
        ));
    }
    let dir = out.unwrap_or_else(|| default_dir(&scenario.name));
    let o = write_outputs(&scenario.name, &dir, h.seed, &opts, &vary, rows, quiet)?;
    Ok(MergeOutcome {
        kind: SWEEP.into(),
        written: o.written,
        summary: o.summary,
        json: o.json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_top_level_commas() {
        assert_eq!(split_values("0.1, 0.2"), vec!["0.1", "0.2"]);
        assert_eq!(
            split_values("[1,2],\"a,b\",(3,4)"),
            vec!["[1,2]", "\"a,b\"", "(3,4)"]
        );
    }

    #[test]
    fn the_grid_runs_the_last_vary_fastest() {
        let v = |p: &str, xs: &[&str]| Vary {
            path: p.into(),
            values: xs.iter().map(|x| x.to_string()).collect(),
        };
        let g = grid(&[v("a", &["1", "2"]), v("b", &["x", "y", "z"])]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec!["1", "x"]);
        assert_eq!(g[1], vec!["1", "y"]);
        assert_eq!(g[3], vec!["2", "x"]);
    }
}
