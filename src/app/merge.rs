//! `peakplan merge PART…`: checks that the parts belong together and writes exactly the files
//! the one-machine command writes, byte for byte.
//!
//! * The parts must agree on kind, peakplan version (also this binary's), scenario hash,
//!   seed, replications, total and number of shards (and, for `sweep`, the --vary lists and
//!   --quick); each part's range must be its shard's; every shard 1..=N must be given
//!   exactly once. Otherwise the merge is refused (exit code 2) with a message naming the
//!   part and what differs.
//! * The scenario is reloaded from the path recorded in the parts and must still have the
//!   recorded hash.
//! * The statistics are merged exactly (see [`crate::montecarlo::mergeable`]) and written by
//!   the same code as the one-machine command.

use std::path::{Path, PathBuf};

use super::shard::{self, Part, PartHeader, ShardSpec};
use super::simulate;
use crate::error::{Error, Result};
use crate::montecarlo::McResult;

/// The kind of a `simulate` part.
pub const SIMULATE: &str = "simulate";
/// The kind of a `sweep` part.
pub const SWEEP: &str = "sweep";

/// What a merge wrote.
#[derive(Debug)]
pub struct MergeOutcome {
    pub kind: String,
    pub written: Vec<PathBuf>,
    /// For the terminal.
    pub summary: String,
    pub json: serde_json::Value,
}

/// `peakplan simulate --shard K/N`: runs the shard's replications and writes its part.
pub fn simulate_shard(
    file: &Path,
    opts: &simulate::Options,
    spec: ShardSpec,
) -> Result<simulate::Outcome> {
    let p = simulate::prepare(file, opts)?;
    let total = p.cfg.replications;
    spec.check(total, "replications")?;
    let range = spec.range(total);
    let hash = shard::scenario_hash(file, &opts.overrides)?;
    let result = simulate::simulate_range(file, opts, &p, range.clone())?;
    let statistics = serde_json::to_value(&result)
        .map_err(|e| Error::Internal(format!("serialising the statistics: {e}")))?;
    let part = Part {
        header: PartHeader {
            kind: SIMULATE.into(),
            peakplan_version: shard::version(),
            scenario_sha256: hash,
            scenario: file.display().to_string(),
            sets: opts.overrides.clone(),
            seed: p.cfg.seed,
            replications: total,
            total,
            shard: spec.k,
            shards: spec.n,
            range: [range.start, range.end],
            settings: serde_json::Value::Null,
        },
        statistics,
    };
    let dir = opts
        .out
        .clone()
        .unwrap_or_else(|| shard::default_parts_dir(&p.scenario.name, None));
    let path = shard::write_part(&dir, spec, &part)?;
    let summary = if opts.quiet {
        String::new()
    } else {
        format!(
            "Shard {spec}: replications {}..{} of {total} (seed {}).\nWrote:\n  {}\n",
            range.start,
            range.end,
            p.cfg.seed,
            path.display()
        )
    };
    let json = serde_json::json!({
        "shard": spec.k,
        "shards": spec.n,
        "range": [range.start, range.end],
        "replications": total,
        "seed": p.cfg.seed,
        "files": [path.display().to_string()],
    });
    Ok(simulate::Outcome {
        result,
        written: vec![path],
        summary,
        json,
    })
}

/// Reads the parts and checks that they belong together; returns them sorted by shard.
pub fn check_parts(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Part)>> {
    let Some(first_path) = paths.first() else {
        return Err(Error::Input(
            "merge: give the part files to merge (e.g. output/<name>/parts/*.json)".into(),
        ));
    };
    let mut parts = Vec::with_capacity(paths.len());
    for p in paths {
        parts.push((p.clone(), shard::read_part(p)?));
    }
    let refuse = |p: &Path, why: String| Error::Input(format!("merge: {}: {why}", p.display()));
    let first = parts[0].1.header.clone();
    let this = shard::version();
    for (path, part) in &parts {
        let h = &part.header;
        if h.kind != SIMULATE && h.kind != SWEEP {
            return Err(refuse(
                path,
                format!("unknown kind `{}` (simulate or sweep)", h.kind),
            ));
        }
        if h.peakplan_version != this {
            return Err(refuse(
                path,
                format!(
                    "written by peakplan {}, this is peakplan {this}: run every shard and the merge with the same version",
                    h.peakplan_version
                ),
            ));
        }
        let differs = |what: &str, a: String, b: String| {
            refuse(
                path,
                format!(
                    "a foreign part: its {what} is {a}, but {}'s is {b}",
                    first_path.display()
                ),
            )
        };
        if h.kind != first.kind {
            return Err(differs("kind", h.kind.clone(), first.kind.clone()));
        }
        if h.scenario_sha256 != first.scenario_sha256 {
            return Err(differs(
                "scenario (SHA-256 of the files and --sets)",
                format!("{} ({} {:?})", h.scenario_sha256, h.scenario, h.sets),
                format!(
                    "{} ({} {:?})",
                    first.scenario_sha256, first.scenario, first.sets
                ),
            ));
        }
        if h.seed != first.seed {
            return Err(differs("seed", h.seed.to_string(), first.seed.to_string()));
        }
        if h.replications != first.replications {
            return Err(differs(
                "replications",
                h.replications.to_string(),
                first.replications.to_string(),
            ));
        }
        if h.total != first.total || h.shards != first.shards {
            return Err(differs(
                "split",
                format!("{} items in {} shards", h.total, h.shards),
                format!("{} items in {} shards", first.total, first.shards),
            ));
        }
        if h.settings != first.settings {
            return Err(differs(
                "settings",
                h.settings.to_string(),
                first.settings.to_string(),
            ));
        }
        if h.shard == 0 || h.shard > h.shards {
            return Err(refuse(
                path,
                format!("shard {} is not between 1 and {}", h.shard, h.shards),
            ));
        }
        let want = shard::split(h.total, h.shard, h.shards);
        if h.range != [want.start, want.end] {
            return Err(refuse(
                path,
                format!(
                    "its range {}..{} is not shard {}/{}'s ({}..{})",
                    h.range[0], h.range[1], h.shard, h.shards, want.start, want.end
                ),
            ));
        }
    }
    parts.sort_by_key(|(_, p)| p.header.shard);
    for w in parts.windows(2) {
        if w[0].1.header.shard == w[1].1.header.shard {
            return Err(refuse(
                &w[1].0,
                format!(
                    "duplicates shard {}/{} (also given as {})",
                    w[1].1.header.shard,
                    first.shards,
                    w[0].0.display()
                ),
            ));
        }
    }
    let have: Vec<u32> = parts.iter().map(|(_, p)| p.header.shard).collect();
    if let Some(k) = (1..=first.shards).find(|k| !have.contains(k)) {
        let r = shard::split(first.total, k, first.shards);
        let name = ShardSpec { k, n: first.shards }.file_name(&first.kind);
        return Err(Error::Input(format!(
            "merge: part {name} is missing: shard {k}/{} ({} {}..{}) was not given ({} of {} parts given)",
            first.shards,
            if first.kind == SWEEP {
                "variants"
            } else {
                "replications"
            },
            r.start,
            r.end,
            parts.len(),
            first.shards
        )));
    }
    // The scenario must still be the one the parts ran.
    let scenario = Path::new(&first.scenario);
    let now = shard::scenario_hash(scenario, &first.sets)?;
    if now != first.scenario_sha256 {
        return Err(Error::Input(format!(
            "merge: {}: the scenario (or a file it extends) changed since the parts were written (SHA-256 {now}, the parts have {}); run the shards again",
            scenario.display(),
            first.scenario_sha256
        )));
    }
    Ok(parts)
}

/// `peakplan merge PART… [--out DIR]`.
pub fn merge(paths: &[PathBuf], out: Option<PathBuf>, quiet: bool) -> Result<MergeOutcome> {
    let parts = check_parts(paths)?;
    let h = parts[0].1.header.clone();
    match h.kind.as_str() {
        SIMULATE => merge_simulate(&h, &parts, out, quiet),
        _ => super::sweep::merge_parts(&h, &parts, out, quiet),
    }
}

fn merge_simulate(
    h: &PartHeader,
    parts: &[(PathBuf, Part)],
    out: Option<PathBuf>,
    quiet: bool,
) -> Result<MergeOutcome> {
    let file = PathBuf::from(&h.scenario);
    let opts = simulate::Options {
        replications: Some(h.replications),
        seed: Some(h.seed),
        out,
        overrides: h.sets.clone(),
        quiet,
        ..simulate::Options::default()
    };
    let p = simulate::prepare(&file, &opts)?;
    let staged = crate::report::atomic::OutputDir::new(&p.dir)?;
    let mut merged: Option<McResult> = None;
    for (path, part) in parts {
        let r: McResult = serde_json::from_value(part.statistics.clone()).map_err(|e| {
            Error::Input(format!(
                "merge: {}: unreadable statistics ({e})",
                path.display()
            ))
        })?;
        let want = part.header.range[1] - part.header.range[0];
        if r.replications != want {
            return Err(Error::Input(format!(
                "merge: {}: holds {} replications, its range has {want}",
                path.display(),
                r.replications
            )));
        }
        match &mut merged {
            None => merged = Some(r),
            Some(m) => m
                .merge(&r)
                .map_err(|e| Error::Input(format!("merge: {}: {e}", path.display())))?,
        }
    }
    let result = merged.ok_or_else(|| Error::Internal("no part".into()))?;
    if (result.n_intervals, result.n_channels, result.n_days)
        != (
            p.model.intervals.len(),
            p.model.channels.len(),
            p.model.n_days(),
        )
    {
        return Err(Error::Input(format!(
            "merge: {}: the parts' statistics do not fit the scenario's model",
            file.display()
        )));
    }
    let (reps, contacts) = (result.replications, result.contacts);
    let outcome = simulate::finish(&opts, p, staged, result, 0.0)?;
    // The one-machine summary's second line is the run's time and speed: say what was
    // merged instead.
    let summary = outcome
        .summary
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                format!(
                    "{reps} replications · seed {} · merged from {} parts · {contacts} contacts",
                    h.seed,
                    parts.len()
                )
            } else {
                l.to_string()
            }
        })
        .fold(String::new(), |mut s, l| {
            s.push_str(&l);
            s.push('\n');
            s
        });
    Ok(MergeOutcome {
        kind: SIMULATE.into(),
        written: outcome.written,
        summary: if quiet { String::new() } else { summary },
        json: outcome.json,
    })
}
