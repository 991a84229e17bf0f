//! Exactly mergeable statistics: the state of [`MStat`] depends only on the **multiset** of
//! values pushed, not on their order nor on how they were split between machines, so
//! `merge(shards)` is bit for bit the state of one machine that pushed every value
//! (`peakplan simulate --shard K/N` then `peakplan merge`).
//!
//! * **Count**: an integer.
//! * **Sum and sum of squares**: exact fixed-point integers. Every value `x` is rounded once
//!   to `q = round(x · 2^24)` (resolution 2^-24 ≈ 6·10⁻⁸; |x| up to 2^39 ≈ 5.5·10¹¹, beyond
//!   which `q` saturates). `Σq` is an `i128` and `Σq²` a 256-bit unsigned integer, so neither
//!   overflows for fewer than 2^64 values. The mean is `Σq / n / 2^24`; the variance is
//!   computed from the exact integer `n·Σq² − (Σq)²` (no cancellation: it is exact, then
//!   converted to floating point once), divided by `n(n − 1)·2^48`. The mean and sd are
//!   therefore those of the values rounded to 2^-24, i.e. within 3·10⁻⁸ of the exact ones
//!   (absolute) plus floating-point rounding of the last step.
//! * **Quantiles** (P5/P50/P95): up to [`EXACT_MAX`] values the sorted values themselves
//!   (exact order statistics, linearly interpolated at position `p(n − 1)`); beyond, a
//!   log-bucketed histogram (DDSketch-style): bucket `k = ⌈log_γ |x|⌉` with
//!   `γ = (1 + α)/(1 − α)`, `α = 0.5 %`, a separate bucket for `|x| < 10⁻⁹`, negative values
//!   mirrored; each bucket keeps its count and the smallest and largest value it received
//!   (all merged by addition, min and max). An order statistic is read as the bucket's
//!   representative `2γ^k/(γ + 1)` clamped to the bucket's [min, max] — exact when the bucket
//!   holds one distinct value (integer counts, 0/1 outcomes) and otherwise within a relative
//!   error α = 0.5 % of the exact order statistic; quantiles interpolate two such order
//!   statistics, so they are within 0.5 % (relative) of the exact interpolated quantile.

use std::fmt::Write as _;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::stats::Summary;

/// Fraction bits of the fixed-point sums.
pub const SCALE_BITS: u32 = 24;
/// Values kept exactly (sorted) before the histogram takes over.
pub const EXACT_MAX: usize = 9;
/// Relative accuracy of the histogram's quantiles.
pub const ALPHA: f64 = 0.005;
/// Values of smaller magnitude fall into the zero bucket.
const ZERO_BELOW: f64 = 1e-9;
/// Keeps positive bucket keys ≥ 1 (zero is the zero bucket, negatives mirror).
const KEY_OFFSET: i64 = 1 << 20;

fn gamma() -> f64 {
    (1.0 + ALPHA) / (1.0 - ALPHA)
}

/// The histogram key of a value (monotone in the value).
fn key(x: f64) -> i64 {
    let a = x.abs();
    if a.is_nan() || a < ZERO_BELOW {
        return 0;
    }
    let k = (a.ln() / gamma().ln()).ceil();
    let k = k.clamp(-(KEY_OFFSET as f64) + 1.0, KEY_OFFSET as f64) as i64 + KEY_OFFSET;
    if x < 0.0 { -k } else { k }
}

/// The representative value of a key (before clamping to the bucket's range).
fn representative(key: i64) -> f64 {
    if key == 0 {
        return 0.0;
    }
    let g = gamma();
    let k = (key.abs() - KEY_OFFSET) as f64;
    let v = 2.0 * g.powf(k) / (g + 1.0);
    if key < 0 { -v } else { v }
}

/// One histogram bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bucket {
    key: i64,
    count: u64,
    min: f64,
    max: f64,
}

/// A 256-bit unsigned integer, little-endian 64-bit limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct U256([u64; 4]);

impl U256 {
    fn add(&mut self, o: U256) {
        let mut carry = 0u128;
        for i in 0..4 {
            let s = self.0[i] as u128 + o.0[i] as u128 + carry;
            self.0[i] = s as u64;
            carry = s >> 64;
        }
    }

    fn sub(self, o: U256) -> U256 {
        let mut r = [0u64; 4];
        let mut borrow = false;
        for (i, ri) in r.iter_mut().enumerate() {
            let (d1, b1) = self.0[i].overflowing_sub(o.0[i]);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            *ri = d2;
            borrow = b1 || b2;
        }
        U256(r)
    }

    fn from_u128(x: u128) -> U256 {
        U256([x as u64, (x >> 64) as u64, 0, 0])
    }

    /// a·b for 128-bit a, b.
    fn mul_u128(a: u128, b: u128) -> U256 {
        let (a0, a1) = (a as u64 as u128, a >> 64);
        let (b0, b1) = (b as u64 as u128, b >> 64);
        let mut r = U256::from_u128(a0 * b0);
        let mut mid = U256::from_u128(a0 * b1);
        mid.0 = [0, mid.0[0], mid.0[1], 0];
        r.add(mid);
        let mut mid = U256::from_u128(a1 * b0);
        mid.0 = [0, mid.0[0], mid.0[1], 0];
        r.add(mid);
        let hi = U256::from_u128(a1 * b1);
        r.add(U256([0, 0, hi.0[0], hi.0[1]]));
        r
    }

    /// self·m (the caller keeps the product below 2^256).
    fn mul_u64(self, m: u64) -> U256 {
        let mut r = [0u64; 4];
        let mut carry = 0u128;
        for (i, ri) in r.iter_mut().enumerate() {
            let p = self.0[i] as u128 * m as u128 + carry;
            *ri = p as u64;
            carry = p >> 64;
        }
        U256(r)
    }

    fn to_f64(self) -> f64 {
        self.0
            .iter()
            .rev()
            .fold(0.0, |acc, &l| acc * 18_446_744_073_709_551_616.0 + l as f64)
    }
}

/// Count, exact fixed-point sums and a mergeable quantile structure of one metric (see the
/// module docs for the resolution and the accuracy).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MStat {
    n: u64,
    /// Σ round(x · 2^24).
    s1: i128,
    /// Σ round(x · 2^24)².
    s2: U256,
    /// Sorted values while n ≤ [`EXACT_MAX`] (then `buckets` is empty).
    exact: Vec<f64>,
    /// Buckets sorted by key once n > [`EXACT_MAX`] (then `exact` is empty).
    buckets: Vec<Bucket>,
}

fn fixed(x: f64) -> i64 {
    // `as` saturates (and maps NaN to 0).
    (x * f64::from(1u32 << SCALE_BITS)).round() as i64
}

impl MStat {
    /// Adds one replication's value.
    pub fn push(&mut self, x: f64) {
        let q = fixed(x);
        self.n += 1;
        self.s1 += i128::from(q);
        let a = u128::from(q.unsigned_abs());
        self.s2.add(U256::from_u128(a * a));
        if self.n as usize <= EXACT_MAX {
            let at = self.exact.partition_point(|v| v.total_cmp(&x).is_le());
            self.exact.insert(at, x);
        } else {
            for v in std::mem::take(&mut self.exact) {
                self.bucket_add(v, 1, v, v);
            }
            self.bucket_add(x, 1, x, x);
        }
    }

    /// Adds a value when defined.
    pub fn push_opt(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.push(x);
        }
    }

    fn bucket_add(&mut self, x: f64, count: u64, min: f64, max: f64) {
        let k = key(x);
        match self.buckets.binary_search_by_key(&k, |b| b.key) {
            Ok(i) => {
                let b = &mut self.buckets[i];
                b.count += count;
                if min.total_cmp(&b.min).is_lt() {
                    b.min = min;
                }
                if max.total_cmp(&b.max).is_gt() {
                    b.max = max;
                }
            }
            Err(i) => self.buckets.insert(
                i,
                Bucket {
                    key: k,
                    count,
                    min,
                    max,
                },
            ),
        }
    }

    /// Adds the values of `other`: the result is the state of pushing both sets of values,
    /// in any order.
    pub fn merge(&mut self, other: &MStat) {
        self.n += other.n;
        self.s1 += other.s1;
        self.s2.add(other.s2);
        if self.n as usize <= EXACT_MAX {
            self.exact.extend_from_slice(&other.exact);
            self.exact.sort_by(f64::total_cmp);
        } else {
            for v in std::mem::take(&mut self.exact) {
                self.bucket_add(v, 1, v, v);
            }
            for &v in &other.exact {
                self.bucket_add(v, 1, v, v);
            }
            for b in &other.buckets {
                self.bucket_add(b.min, b.count, b.min, b.max);
            }
        }
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        self.s1 as f64 / f64::from(1u32 << SCALE_BITS) / self.n as f64
    }

    /// Sample standard deviation (0 when n < 2).
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let sq = U256::mul_u128(self.s1.unsigned_abs(), self.s1.unsigned_abs());
        let d = self.s2.mul_u64(self.n).sub(sq).to_f64();
        let scale = f64::from(1u32 << SCALE_BITS);
        (d / (self.n as f64 * (self.n - 1) as f64)).sqrt() / scale
    }

    /// Half-width of the two-sided confidence interval at `level` (e.g. 0.95).
    pub fn half_width(&self, level: f64) -> f64 {
        super::stats::half_width(level, self.n, self.sd())
    }

    /// The value of rank `r` (0-based, < n).
    fn order_statistic(&self, r: u64) -> f64 {
        if !self.exact.is_empty() {
            return self.exact[r as usize];
        }
        let mut seen = 0;
        for b in &self.buckets {
            seen += b.count;
            if r < seen {
                return if b.min == b.max {
                    b.min
                } else {
                    representative(b.key).clamp(b.min, b.max)
                };
            }
        }
        f64::NAN
    }

    /// Quantile `p` ∈ [0, 1] (interpolated at position p(n − 1)); `None` without data.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let pos = p * (self.n - 1) as f64;
        let lo = pos.floor() as u64;
        let hi = (lo + 1).min(self.n - 1);
        let f = pos - lo as f64;
        let a = self.order_statistic(lo);
        let b = self.order_statistic(hi);
        Some(a + f * (b - a))
    }

    /// The summary; `None` when the metric was never defined.
    pub fn summary(&self) -> Option<Summary> {
        (self.n > 0).then(|| Summary::of(self.n, self.mean(), self.sd(), |p| self.quantile(p)))
    }

    /// The state as one line of text: `n s1 s2 e:v,v… | b:key:count:min:max,…` with the
    /// 256-bit sum as four hex limbs and every float as its 16 hex-digit bit pattern (exact,
    /// independent of any float printing or parsing).
    pub fn encode(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{} {} {:x}.{:x}.{:x}.{:x} ",
            self.n, self.s1, self.s2.0[0], self.s2.0[1], self.s2.0[2], self.s2.0[3]
        );
        if self.buckets.is_empty() {
            s.push('e');
            for (i, v) in self.exact.iter().enumerate() {
                let _ = write!(s, "{}{:x}", if i == 0 { ":" } else { "," }, v.to_bits());
            }
        } else {
            s.push('b');
            for (i, b) in self.buckets.iter().enumerate() {
                let _ = write!(
                    s,
                    "{}{}/{}/{:x}/{:x}",
                    if i == 0 { ":" } else { "," },
                    b.key,
                    b.count,
                    b.min.to_bits(),
                    b.max.to_bits()
                );
            }
        }
        s
    }

    /// The inverse of [`MStat::encode`].
    pub fn decode(text: &str) -> Result<MStat, String> {
        let bad = || {
            format!(
                "malformed statistic `{}`",
                text.chars().take(60).collect::<String>()
            )
        };
        let mut it = text.split(' ');
        let n: u64 = it.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
        let s1: i128 = it.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
        let limbs: Vec<u64> = it
            .next()
            .ok_or_else(bad)?
            .split('.')
            .map(|l| u64::from_str_radix(l, 16))
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let s2 = U256(limbs.try_into().map_err(|_| bad())?);
        let q = it.next().ok_or_else(bad)?;
        if it.next().is_some() {
            return Err(bad());
        }
        let bits = |h: &str| {
            u64::from_str_radix(h, 16)
                .map(f64::from_bits)
                .map_err(|_| bad())
        };
        let (kind, list) = q.split_at(1.min(q.len()));
        let list = list.strip_prefix(':').unwrap_or(list);
        let mut st = MStat {
            n,
            s1,
            s2,
            ..MStat::default()
        };
        let items = list.split(',').filter(|x| !x.is_empty());
        match kind {
            "e" => {
                for v in items {
                    st.exact.push(bits(v)?);
                }
            }
            "b" => {
                for b in items {
                    let f: Vec<&str> = b.split('/').collect();
                    let [k, c, lo, hi] = f[..] else {
                        return Err(bad());
                    };
                    st.buckets.push(Bucket {
                        key: k.parse().map_err(|_| bad())?,
                        count: c.parse().map_err(|_| bad())?,
                        min: bits(lo)?,
                        max: bits(hi)?,
                    });
                }
            }
            _ => return Err(bad()),
        }
        let held: u64 = st.exact.len() as u64 + st.buckets.iter().map(|b| b.count).sum::<u64>();
        if held != n {
            return Err(bad());
        }
        Ok(st)
    }
}

impl Serialize for MStat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for MStat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MStat, D::Error> {
        let s = String::deserialize(d)?;
        MStat::decode(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u64) -> Vec<f64> {
        // A simple deterministic generator (splitmix64) over a wide range of magnitudes.
        let mut z = seed;
        (0..n)
            .map(|i| {
                z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut x = z;
                x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                x ^= x >> 31;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                match i % 4 {
                    0 => u,
                    1 => (u * 300.0).floor(),
                    2 => u * 1e5,
                    _ => 0.0,
                }
            })
            .collect()
    }

    fn all(xs: &[f64]) -> MStat {
        let mut s = MStat::default();
        xs.iter().for_each(|&x| s.push(x));
        s
    }

    #[test]
    fn any_split_merges_to_the_same_bits() {
        for n in [0, 1, 5, 9, 10, 11, 40, 300] {
            let xs = values(n, n as u64 + 1);
            let one = all(&xs);
            for parts in [2, 3, 4, 7] {
                let mut merged = MStat::default();
                for k in 0..parts {
                    let (lo, hi) = (k * n / parts, (k + 1) * n / parts);
                    merged.merge(&all(&xs[lo..hi]));
                }
                assert_eq!(merged, one, "n={n} parts={parts}");
                assert_eq!(merged.encode(), one.encode());
            }
            // Reversed order: the same state.
            let rev: Vec<f64> = xs.iter().rev().copied().collect();
            assert_eq!(all(&rev), one);
            assert_eq!(MStat::decode(&one.encode()).unwrap(), one);
        }
    }

    #[test]
    fn mean_and_sd_match_two_pass() {
        let xs = values(1000, 7);
        let s = all(&xs);
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!(
            (s.mean() - m).abs() < 1e-7 * m.abs().max(1.0),
            "{} {m}",
            s.mean()
        );
        assert!(
            (s.sd() - v.sqrt()).abs() < 1e-9 * v.sqrt(),
            "{} {}",
            s.sd(),
            v.sqrt()
        );
        // Constant values: sd exactly 0 (no cancellation).
        let c = all(&[0.1; 50]);
        assert_eq!(c.sd(), 0.0);
        assert!((c.mean() - 0.1).abs() < 1e-7);
    }

    #[test]
    fn quantiles_within_the_stated_accuracy() {
        let mut xs = values(2000, 3);
        let s = all(&xs);
        xs.sort_by(f64::total_cmp);
        for p in [0.05, 0.5, 0.95] {
            let pos = p * (xs.len() - 1) as f64;
            let lo = pos.floor() as usize;
            let exact = xs[lo] + (pos - lo as f64) * (xs[lo + 1] - xs[lo]);
            let est = s.quantile(p).unwrap();
            assert!(
                (est - exact).abs() <= ALPHA * exact.abs() + 1e-12,
                "p{p}: {est} vs {exact}"
            );
        }
        // Few values: exact order statistics.
        let small = all(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]);
        assert_eq!(small.quantile(0.5), Some(3.5));
        // Integer counts stay exact through the histogram.
        let counts: Vec<f64> = (0..100).map(|i| (i % 7) as f64).collect();
        assert_eq!(all(&counts).quantile(0.5), Some(3.0));
    }
}
