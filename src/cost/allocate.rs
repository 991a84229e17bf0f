//! Largest-remainder (Hamilton) allocation of an amount in cents over weights.
//!
//! Every share gets the floor of its exact quota `total × wᵢ / Σw`; the cents left over
//! (fewer than the number of shares) go one each to the shares with the largest remainders,
//! ties to the lower index. So the shares sum exactly to the total, and each share is within
//! one cent of its exact quota (strictly: `floor(q) ≤ share ≤ ceil(q)`). A negative total is
//! allocated as its absolute value and negated, so the rule is symmetric.
//!
//! Integer weights give exact quotas. `f64` weights are first scaled to integers: each
//! becomes `round(w / max_w × 2⁵³)`, which moves a quota by at most `total × n × 2⁻⁵³` cents —
//! far below a cent for any real amount — and makes weights below `max_w × 2⁻⁵⁴` zero.

use super::{CostError, Money};

/// Allocates `total` over integer `weights` by largest remainders (see the module docs).
///
/// Errors when every weight is zero and the total is not (there is nowhere to put it).
pub fn largest_remainder_int(total: Money, weights: &[u128]) -> Result<Vec<Money>, CostError> {
    let sum: u128 = weights
        .iter()
        .try_fold(0u128, |a, &w| a.checked_add(w))
        .ok_or_else(|| CostError::Allocation("weights too large to add".into()))?;
    if total.is_zero() {
        return Ok(vec![Money::ZERO; weights.len()]);
    }
    if sum == 0 {
        return Err(CostError::Allocation(format!(
            "cannot allocate {} over {} zero weights",
            total.plain(),
            weights.len()
        )));
    }
    let t = u128::from(total.cents().unsigned_abs());
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given: u128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let prod = t
            .checked_mul(w)
            .ok_or_else(|| CostError::Allocation("amount × weight overflows".into()))?;
        let q = prod / sum;
        given += q;
        shares.push(q);
        remainders.push((prod % sum, i));
    }
    let left = t - given; // < weights.len()
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(left as usize) {
        shares[i] += 1;
    }
    let negative = total.cents() < 0;
    Ok(shares
        .into_iter()
        .map(|s| {
            // s ≤ |total| fits in i64.
            let c = s as i64;
            Money::from_cents(if negative { -c } else { c })
        })
        .collect())
}

/// Allocates `total` over non-negative finite `f64` weights by largest remainders (see the
/// module docs for how the weights become integers).
pub fn largest_remainder(total: Money, weights: &[f64]) -> Result<Vec<Money>, CostError> {
    if let Some((i, w)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !w.is_finite() || **w < 0.0)
    {
        return Err(CostError::Allocation(format!(
            "weight {i} is {w}; weights must be finite and ≥ 0"
        )));
    }
    let max = weights.iter().copied().fold(0.0f64, f64::max);
    if max == 0.0 {
        return largest_remainder_int(total, &vec![0; weights.len()]);
    }
    const TOP: f64 = 9_007_199_254_740_992.0; // 2^53
    let ints: Vec<u128> = weights
        .iter()
        .map(|&w| (w / max * TOP).round() as u128)
        .collect();
    largest_remainder_int(total, &ints)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_solved_cases() {
        // 100 cents over 1:1:1 → 34, 33, 33 (tie goes to the first).
        let s = largest_remainder_int(Money::from_cents(100), &[1, 1, 1]).unwrap();
        assert_eq!(s, [34, 33, 33].map(Money::from_cents));
        // 10 cents over 0.15:0.25:0.6 → quotas 1.5, 2.5, 6 → 2, 2, 6 (tie to lower index).
        let s = largest_remainder(Money::from_cents(10), &[0.15, 0.25, 0.6]).unwrap();
        assert_eq!(s.iter().copied().sum::<Money>(), Money::from_cents(10));
        assert_eq!(s[2], Money::from_cents(6));
        // Negative totals mirror positive ones.
        let s = largest_remainder_int(Money::from_cents(-100), &[1, 1, 1]).unwrap();
        assert_eq!(s, [-34, -33, -33].map(Money::from_cents));
        assert!(largest_remainder(Money::from_cents(1), &[0.0, 0.0]).is_err());
        assert!(largest_remainder(Money::from_cents(1), &[f64::NAN]).is_err());
        assert_eq!(
            largest_remainder(Money::ZERO, &[0.0]).unwrap(),
            [Money::ZERO]
        );
    }
}
