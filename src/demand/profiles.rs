//! Intraday arrival profiles: the shipped defaults per channel kind and the per-minute
//! densities that turn a profile of 24, 48 or 96 weights into interval weights for any
//! interval length and any DST day.

use crate::scenario::ChannelKind;

/// Shipped hourly profile of a live (phone) channel, hours 0..24.
///
/// Shape of Dutch consumer customer service: a sharp rise from 08:00, the peak mid-morning
/// (10:00–11:00), a dip over lunch (12:00), a second smaller peak after lunch (13:00–15:00),
/// a decline through the evening. Night weights are small but not zero so that a channel
/// open around the clock still gets a few calls.
pub const LIVE_PROFILE: [f64; 24] = [
    0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1.5, // 00–07
    7.0, 10.0, 11.0, 10.5, 8.0, 9.0, 9.5, 8.5, // 08–15
    7.5, 6.0, 4.5, 4.0, 3.5, 2.5, 0.8, 0.3, // 16–23
];

/// Shipped hourly profile of a chat channel: flatter than the phone, strong into the
/// evening (customers chat from home and at work alike; the evening peak 19:00–21:00 follows
/// the web-shop traffic).
pub const CHAT_PROFILE: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1.2, // 00–07
    3.0, 5.0, 6.0, 6.0, 5.5, 6.0, 6.0, 6.0, // 08–15
    5.5, 5.0, 5.0, 6.0, 6.5, 5.5, 2.0, 0.6, // 16–23
];

/// The shipped profile of a channel kind; `Deferred` channels (e-mail, social) use the
/// scenario's order hourly profile: messages are written around the clock, when customers
/// are on the web shop.
pub fn default_profile(kind: ChannelKind, order_profile: &[f64]) -> Vec<f64> {
    match kind {
        ChannelKind::Live => LIVE_PROFILE.to_vec(),
        ChannelKind::Chat => CHAT_PROFILE.to_vec(),
        ChannelKind::Deferred => order_profile.to_vec(),
    }
}

/// A profile as a cumulative density over the 1,440 minutes of a clock day: each bucket's
/// weight is spread evenly over its minutes; `prefix[m]` is the weight of minutes `0..m`.
#[derive(Debug, Clone)]
pub struct MinuteDensity {
    prefix: Vec<f64>,
}

impl MinuteDensity {
    /// From 24, 48 or 96 non-negative weights (any other count divides the day evenly only
    /// if 1,440 is a multiple of it; callers check the count first).
    pub fn new(weights: &[f64]) -> MinuteDensity {
        let n = weights.len().max(1);
        let per = 1440 / n;
        let mut prefix = Vec::with_capacity(1441);
        prefix.push(0.0);
        let mut acc = 0.0;
        for m in 0..1440 {
            let w = weights.get((m / per).min(n - 1)).copied().unwrap_or(0.0);
            acc += w / per as f64;
            prefix.push(acc);
        }
        MinuteDensity { prefix }
    }

    /// Weight of the clock minutes `from..to` (clamped to the day).
    #[inline]
    pub fn between(&self, from: u32, to: u32) -> f64 {
        let (a, b) = (from.min(1440) as usize, to.min(1440) as usize);
        if b > a {
            self.prefix[b] - self.prefix[a]
        } else {
            0.0
        }
    }
}

/// True when a profile's weight count is one the schema allows (24, 48 or 96).
pub fn valid_len(n: usize) -> bool {
    matches!(n, 24 | 48 | 96)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_spreads_each_bucket_evenly() {
        let mut w = vec![0.0; 24];
        w[9] = 6.0;
        let d = MinuteDensity::new(&w);
        assert!((d.between(540, 555) - 1.5).abs() < 1e-12);
        assert!((d.between(0, 1440) - 6.0).abs() < 1e-12);
        assert_eq!(d.between(600, 700), 0.0);
    }

    #[test]
    fn shipped_live_profile_peaks_mid_morning_and_after_lunch() {
        let peak = (0..24)
            .max_by(|a, b| LIVE_PROFILE[*a].total_cmp(&LIVE_PROFILE[*b]))
            .unwrap();
        assert_eq!(peak, 10);
        let (live, chat) = (LIVE_PROFILE.to_vec(), CHAT_PROFILE.to_vec());
        assert!(
            live[13] > live[12] && live[14] > live[12],
            "after-lunch bump"
        );
        // Chat keeps more of its volume into the evening than the phone.
        assert!(chat[20] / chat[10] > live[20] / live[10]);
    }
}
