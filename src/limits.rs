//! Scale limits: the documented range of every number a planner can write, shared by
//! scenario validation (which reports a value outside its range with file:line:column), the
//! simulator's own model check and the work budget (`montecarlo::budget`).
//!
//! Each range is wide enough for any real contact centre and narrow enough that the
//! simulator can honour it exactly: no coefficient of variation so small that `cv²`
//! underflows, no duration so long that the millisecond clock could overflow, no volume so
//! large that a count or an allocation could run away. The README's "Scale limits" section
//! lists them for users; a test checks that the two agree.

/// Smallest coefficient of variation of a LogNormal or Gamma duration or lag (below it,
/// write `Fixed`): 1/cv² is a Gamma shape, and a cv of 1e-160 underflows to a shape of ∞.
pub const MIN_CV: f64 = 1e-3;
/// Largest coefficient of variation of a duration or lag.
pub const MAX_CV: f64 = 10.0;
/// Shortest mean duration in seconds (the simulator's clock counts milliseconds).
pub const MIN_DURATION_S: f64 = 1e-3;
/// Longest mean (or fixed, or empirical) duration in seconds: about 116 days.
pub const MAX_DURATION_S: f64 = 1e7;
/// Most points of an empirical distribution.
pub const MAX_EMPIRICAL_POINTS: usize = 10_000;
/// Largest `simulation.volume_cv` (a day-level Gamma multiplier; 0 turns it off).
pub const MAX_VOLUME_CV: f64 = 3.0;
/// Smallest positive `simulation.volume_cv` (write 0 for none).
pub const MIN_VOLUME_CV: f64 = 1e-4;
/// Most orders or contacts per day (baseline, other sources), per campaign (total or
/// reach).
pub const MAX_VOLUME: f64 = 1e9;
/// Most contacts per 1,000 orders of one reason (10 contacts per order).
pub const MAX_PER_1000_ORDERS: f64 = 10_000.0;
/// Largest multiplier: event uplift, week multiplier, contact-rate multiplier, disruption.
pub const MAX_MULTIPLIER: f64 = 1_000.0;
/// Largest weekly growth (+100% a week).
pub const MAX_WEEKLY_GROWTH: f64 = 1.0;
/// Largest relative weight (profiles, lag days, campaign shapes); weights are normalised,
/// so only their ratios matter.
pub const MAX_WEIGHT: f64 = 1e12;
/// Largest handling-time factor of a team or pool, and the smallest.
pub const MAX_AHT_FACTOR: f64 = 10.0;
pub const MIN_AHT_FACTOR: f64 = 0.1;
/// Largest chat slowdown per extra chat (+1000%).
pub const MAX_CHAT_SLOWDOWN: f64 = 10.0;
/// Largest hourly cost, price per contact, charge per abandoned contact (euros).
pub const MAX_UNIT_EUR: f64 = 1e4;
/// Largest one-off amount: training per agent, hiring cost (euros).
pub const MAX_ONE_OFF_EUR: f64 = 1e7;
/// Largest overtime premium (+1000%).
pub const MAX_OVERTIME_PREMIUM: f64 = 10.0;
/// Largest channel cost per handled minute (euros).
pub const MAX_PER_MINUTE_EUR: f64 = 1e3;
/// Longest target answer or response time in seconds (about 116 days).
pub const MAX_TARGET_S: f64 = 1e7;
/// Longest lag mean (or fixed lag) in hours: the demand's lag kernels end at 400 days.
pub const MAX_LAG_H: f64 = 400.0 * 24.0;
/// Most reasons, and most sources (events + campaigns + other sources) in a scenario.
pub const MAX_REASONS: usize = 256;
pub const MAX_SOURCES: usize = 256;
/// Most channels, and most distinct skills (the simulator routes on 64 of each).
pub const MAX_CHANNELS: usize = 64;
pub const MAX_SKILLS: usize = 64;
/// Most teams plus flex pools.
pub const MAX_GROUPS: usize = 1_024;
/// Most cells of the demand table (intervals × reasons × channels × sources), 240 MB of
/// numbers (the simulator's arrival streams hold as many again). A year of quarter hours
/// with 10 reasons, 4 channels and 17 sources is 24 million.
pub const MAX_DEMAND_CELLS: u64 = 30_000_000;
