//! Shards: a deterministic part of a command's work (`--shard K/N`), written as a part file
//! that [`super::merge`] assembles.
//!
//! * Shard K of N (1-based) gets items `[⌊(K−1)·T/N⌋, ⌊K·T/N⌋)` of T (replications for
//!   `simulate`, variants for `sweep`): the shards cover `0..T` exactly once, and their
//!   sizes differ by at most one. N may not exceed T (no empty shards): such a request is
//!   refused, so every part holds work.
//! * Replication r uses stream r of the master seed whoever runs it, so a shard's result
//!   does not depend on the machine, the thread count or the other shards; re-running a
//!   shard writes the identical file (a retried task is harmless).
//! * A part is one JSON file, `<kind>-part-K-of-N.json`, written atomically (temporary file,
//!   then rename). Its header ([`PartHeader`]) says what it belongs to: kind, peakplan
//!   version, the scenario's SHA-256 ([`scenario_hash`]), the scenario path as given and the
//!   `--set`s, seed, the total T, the range, K and N, and the command's settings; then
//!   `statistics`, the accumulated state (exact integers and float bit patterns as strings:
//!   the state round-trips bit for bit).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `--shard K/N`: shard K (1-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub k: u32,
    pub n: u32,
}

impl FromStr for ShardSpec {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = |why: &str| format!("--shard `{s}`: {why}; write K/N, e.g. 2/8 (shard 2 of 8)");
        let (k, n) = s.split_once('/').ok_or_else(|| bad("no `/`"))?;
        let k: u32 = k
            .trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if n == 0 {
            return Err(bad("N must be at least 1"));
        }
        if k == 0 || k > n {
            return Err(bad("K counts from 1 to N"));
        }
        Ok(ShardSpec { k, n })
    }
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl ShardSpec {
    /// The items of this shard out of `total`: `[⌊(K−1)·T/N⌋, ⌊K·T/N⌋)`.
    pub fn range(&self, total: u32) -> std::ops::Range<u32> {
        split(total, self.k, self.n)
    }

    /// Refuses more shards than items (`what`: "replications", "variants").
    pub fn check(&self, total: u32, what: &str) -> Result<()> {
        if self.n > total {
            return Err(Error::Input(format!(
                "--shard {self}: {} shards for {total} {what}; give at most {total} shards (each shard needs work)",
                self.n
            )));
        }
        Ok(())
    }

    /// The part's file name: `<kind>-part-K-of-N.json`.
    pub fn file_name(&self, kind: &str) -> String {
        format!("{kind}-part-{}-of-{}.json", self.k, self.n)
    }
}

/// Items `[⌊(k−1)·t/n⌋, ⌊k·t/n⌋)` of `t` for shard `k` (1-based) of `n`.
pub fn split(total: u32, k: u32, n: u32) -> std::ops::Range<u32> {
    let at = |i: u32| (u64::from(i) * u64::from(total) / u64::from(n.max(1))) as u32;
    at(k - 1)..at(k)
}

/// What a part belongs to; parts merge only when everything but `shard` and `range` is
/// equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    /// The command: `simulate` or `sweep`.
    pub kind: String,
    pub peakplan_version: String,
    /// [`scenario_hash`] of the scenario and its `--set`s.
    pub scenario_sha256: String,
    /// The scenario path as given on the command line.
    pub scenario: String,
    pub sets: Vec<String>,
    pub seed: u64,
    /// Replications of the whole command (`simulate`), or of each variant (`sweep`).
    pub replications: u32,
    /// The total split between the shards: replications (`simulate`) or variants (`sweep`).
    pub total: u32,
    /// 1-based.
    pub shard: u32,
    pub shards: u32,
    /// `[first, end)` of `0..total`.
    pub range: [u32; 2],
    /// The command's other settings (`sweep`: the --vary lists and --quick), compared as is.
    pub settings: serde_json::Value,
}

/// A part: its header and the state of its work.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    #[serde(flatten)]
    pub header: PartHeader,
    pub statistics: serde_json::Value,
}

/// The version written in every part.
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// SHA-256 of a scenario as run: for each file of its `extends` chain, in the order the
/// loader reads them, `file\n<byte count>\n<bytes>`, then for each `--set`,
/// `set\n<byte count>\n<text>` — 64 lowercase hex digits.
pub fn scenario_hash(file: &Path, sets: &[String]) -> Result<String> {
    let loaded = crate::scenario::load_with_warnings(file, sets)?;
    let mut all = Vec::new();
    for f in &loaded.files {
        let bytes = std::fs::read(f).map_err(|source| Error::Io {
            path: f.clone(),
            source,
        })?;
        all.extend_from_slice(format!("file\n{}\n", bytes.len()).as_bytes());
        all.extend_from_slice(&bytes);
    }
    for s in sets {
        all.extend_from_slice(format!("set\n{}\n", s.len()).as_bytes());
        all.extend_from_slice(s.as_bytes());
    }
    Ok(super::sha256_hex(&all))
}

/// The default folder of parts: `output/<scenario folder name>/parts/` (`sweep`:
/// `output/<name>/sweep/parts/`).
pub fn default_parts_dir(scenario_name: &str, sub: Option<&str>) -> PathBuf {
    let mut p = Path::new("output").join(crate::report::atomic::folder_name(scenario_name));
    if let Some(s) = sub {
        p.push(s);
    }
    p.join("parts")
}

/// Writes a part atomically into `dir`; returns its path.
pub fn write_part(dir: &Path, spec: ShardSpec, part: &Part) -> Result<PathBuf> {
    let path = dir.join(spec.file_name(&part.header.kind));
    let mut bytes = serde_json::to_vec(part)
        .map_err(|e| Error::Internal(format!("serialising the part: {e}")))?;
    bytes.push(b'\n');
    crate::report::atomic::write_atomic(&path, &bytes)?;
    Ok(path)
}

/// Reads a part file.
pub fn read_part(path: &Path) -> Result<Part> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(format!(
            "{}: not a peakplan part file ({e})",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_items_once() {
        for t in [1u32, 7, 10, 40, 1000] {
            for n in 1..=t.min(9) {
                let mut next = 0;
                for k in 1..=n {
                    let r = split(t, k, n);
                    assert_eq!(r.start, next);
                    assert!(r.end > r.start);
                    next = r.end;
                }
                assert_eq!(next, t);
            }
        }
        assert_eq!(split(7, 1, 3), 0..2);
        assert_eq!(split(7, 2, 3), 2..4);
        assert_eq!(split(7, 3, 3), 4..7);
    }

    #[test]
    fn spec_parses_and_explains() {
        assert_eq!("2/8".parse::<ShardSpec>(), Ok(ShardSpec { k: 2, n: 8 }));
        for bad in ["0/3", "4/3", "3", "a/3", "1/0", "1/x"] {
            let e = bad.parse::<ShardSpec>().unwrap_err();
            assert!(e.contains(bad) && e.contains("K/N"), "{e}");
        }
        let s: ShardSpec = "2/5".parse().unwrap();
        assert!(s.check(4, "replications").is_err());
        assert!(s.check(5, "replications").is_ok());
    }
}
