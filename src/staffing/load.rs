//! The load customers actually bring: expected contacts per interval and need group,
//! first contacts *and* everything the simulator adds to them.
//!
//! The forecast (`demand`) counts first contacts only. A simulated customer also
//!
//! * **redials** after abandoning (channel's `redial_probability`, after its redial delay),
//!   or **switches** channel (`channel_switch`: share of those who do not redial);
//! * is **transferred** to another skill when the reason says so (arriving there when the
//!   first handling ends, i.e. after one handling time);
//! * comes back with a **repeat** contact when not resolved (1 − FCR), after the repeat
//!   delay counted from the end of the handling, on the same channel or, for a share, on
//!   another one;
//! * finding a live channel closed when coming back, arrives instead uniformly over the first
//!   hour of its next opening ([`OPENING_SPREAD_MIN`]), as the simulator and `demand` place
//!   closed-hour contacts; returns after the last interval are lost.
//!
//! [`offered_load`] propagates these flows forward through the interval grid, interval by
//! interval, in expectation: a contact is uniform within its arrival interval, each delay is
//! discretised on the grid by its exact distribution function ([`Dist::cdf_s`]) at eight
//! points of the source interval, and a flow that lands in its own interval is propagated
//! again in the same step until it vanishes (geometric waves). The only inputs that depend
//! on staffing are the abandonment probability and the mean wait per interval and queue
//! ([`Observed`], measured by the simulation of the current plan); without them nobody
//! abandons and deferred contacts are answered on arrival. Counting follows the simulator's
//! `offered` and `transfers_in` counters, so the two are directly comparable.
//!
//! Delays are discretised on the first interval's length: planning models have intervals of
//! one length (a DST day has more or fewer of them, not longer ones).
//!
//! Need groups are the simulator's queues (skill × channel) with any load, in first-seen
//! order of the model's streams, then the queues that only returns or transfers reach.

use crate::demand::OPENING_SPREAD_MIN;
use crate::sim::{ChannelKind, Dist, Model};

/// Sub-points of a source interval at which delay distributions are evaluated.
const SUB: usize = 8;
/// A flow smaller than this (contacts) is not propagated further.
const EPS: f64 = 1e-9;

/// What the simulation of the current plan measured per interval and queue
/// (`queue = channel * n_skills + skill`), `[interval * n_queues + queue]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// Share of offered contacts (and of transfers) that abandoned.
    pub abandon: Vec<f64>,
    /// Mean wait of answered contacts, seconds (used for deferred channels, whose answer may
    /// come hours later; a repeat is counted from the end of its handling).
    pub wait_s: Vec<f64>,
}

/// Expected contacts per interval and need group.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub n_intervals: usize,
    /// Need groups as model `(skill, channel)` indices.
    pub groups: Vec<(usize, usize)>,
    /// First contacts (the forecast), `[interval * groups + group]`.
    pub first: Vec<f64>,
    /// Contacts offered as the simulator counts them: first contacts, redials, repeats and
    /// channel switches, closed-hour returns placed at the next opening.
    pub offered: Vec<f64>,
    /// Internal transfers arriving (not part of the service level, but work).
    pub transfers: Vec<f64>,
    /// Handling seconds at standard speed of the contacts offered and transferred there.
    pub work_s: Vec<f64>,
}

impl Load {
    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }

    /// Index of the group `(skill, channel)`.
    pub fn group(&self, skill: usize, channel: usize) -> Option<usize> {
        self.groups.iter().position(|&g| g == (skill, channel))
    }

    /// Contacts and transfers of a cell.
    pub fn arrivals(&self, i: usize, g: usize) -> f64 {
        let j = i * self.groups.len() + g;
        self.offered[j] + self.transfers[j]
    }

    /// Mean handling seconds of a cell's arrivals (0 without arrivals).
    pub fn aht_s(&self, i: usize, g: usize) -> f64 {
        let n = self.arrivals(i, g);
        if n > 0.0 {
            self.work_s[i * self.groups.len() + g] / n
        } else {
            0.0
        }
    }
}

/// The reason's mean handling time on a channel, falling back (as the simulator does) to
/// its first channel with a handling time.
pub fn aht_s(model: &Model, reason: usize, channel: usize) -> f64 {
    let r = &model.reasons[reason];
    r.handling[channel]
        .as_ref()
        .or_else(|| r.handling.iter().flatten().next())
        .map_or(0.0, Dist::mean_s)
}

/// Mean handling time of a transferred contact of `reason` on `channel`.
fn transfer_aht_s(model: &Model, reason: usize, channel: usize) -> f64 {
    model.reasons[reason]
        .transfer
        .as_ref()
        .and_then(|t| t.handling.get(channel).cloned().flatten())
        .map_or_else(|| aht_s(model, reason, channel), |d| d.mean_s())
}

/// P(a contact uniform in a source interval of `len_s` seconds, delayed by `shift_s` plus
/// `d`, lands `k` intervals later), k = 0, 1, …, up to `max_bins` (the remaining tail is
/// dropped: it falls beyond the horizon).
fn kernel(d: &Dist, shift_s: f64, len_s: f64, max_bins: usize) -> Vec<f64> {
    let cdf = |x: f64| d.cdf_s(x - shift_s);
    let mut out = Vec::new();
    let mut acc = 0.0;
    for k in 0..max_bins.max(1) {
        let (lo, hi) = (k as f64 * len_s, (k + 1) as f64 * len_s);
        let mut p = 0.0;
        for s in 0..SUB {
            let u = (s as f64 + 0.5) / SUB as f64 * len_s;
            p += cdf(hi - u) - cdf(lo - u);
        }
        p = (p / SUB as f64).max(0.0);
        out.push(p);
        acc += p;
        if 1.0 - acc < 1e-9 {
            break;
        }
    }
    while out.len() > 1 && out.last() == Some(&0.0) {
        out.pop();
    }
    out
}

/// Per interval: `None` when open, else where a return landing there arrives instead
/// (intervals and weights).
type Redirects = Vec<Option<Vec<(usize, f64)>>>;

/// For every interval in which live channel `c` is closed: where a return that lands there
/// arrives instead (intervals and weights summing to 1; empty when the channel never opens
/// again before the horizon). Open intervals map to `None`.
fn redirects(model: &Model, c: usize) -> Redirects {
    let ch = &model.channels[c];
    let ni = model.intervals.len();
    let mut out = vec![None; ni];
    if ch.kind == ChannelKind::Deferred {
        return out;
    }
    let spread_ms = u64::from(OPENING_SPREAD_MIN) * 60_000;
    let mut next: Option<Vec<(usize, f64)>> = Some(Vec::new());
    for i in (0..ni).rev() {
        if ch.is_open(i) {
            // An opening starts here when the previous interval is closed (or this is the
            // first interval).
            if i == 0 || !ch.is_open(i - 1) {
                let iv0 = model.intervals[i];
                let limit = iv0.start_ms + spread_ms;
                let mut parts = Vec::new();
                let mut j = i;
                while j < ni
                    && model.intervals[j].start_ms < limit
                    && model.intervals[j].day == iv0.day
                    && ch.is_open(j)
                {
                    let iv = model.intervals[j];
                    let end = (iv.start_ms + iv.len_ms).min(limit);
                    parts.push((j, (end - iv.start_ms) as f64));
                    j += 1;
                }
                let total: f64 = parts.iter().map(|p| p.1).sum();
                if total > 0.0 {
                    for p in &mut parts {
                        p.1 /= total;
                    }
                }
                next = Some(parts);
            }
        } else {
            out[i] = next.clone();
        }
    }
    out
}

/// For every interval in which deferred channel `c` is not worked: the first worked interval
/// after it (weight 1; empty when none follows before the horizon), where a handling that
/// would end there ends instead: the backlog is worked from the opening. Worked intervals,
/// the interval right after a worked one (a handling started before the close ends there)
/// and every interval of a live channel map to `None`.
fn worked_redirects(model: &Model, c: usize) -> Redirects {
    let ch = &model.channels[c];
    let ni = model.intervals.len();
    let mut out = vec![None; ni];
    if ch.kind != ChannelKind::Deferred {
        return out;
    }
    let mut next: Vec<(usize, f64)> = Vec::new();
    for i in (0..ni).rev() {
        if ch.is_open(i) {
            next = vec![(i, 1.0)];
        } else if i == 0 || !ch.is_open(i - 1) {
            out[i] = Some(next.clone());
        }
    }
    out
}

/// The need groups of a model: every queue (skill × channel) a contact can reach — the
/// streams' own, then (in channel, skill order) those only redials, switches, repeats or
/// transfers reach — whatever the staffing, so the list is the same for every plan.
pub fn reachable_groups(model: &Model) -> Vec<(usize, usize)> {
    let nc = model.channels.len();
    let nr = model.reasons.len();
    let mut seen = vec![false; nr * nc];
    let mut stack = Vec::new();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for s in &model.streams {
        let key = (model.reasons[s.reason].skill, s.channel);
        if !groups.contains(&key) {
            groups.push(key);
        }
        if !seen[s.reason * nc + s.channel] {
            seen[s.reason * nc + s.channel] = true;
            stack.push((s.reason, s.channel));
        }
    }
    let b = &model.behaviour;
    let mut extra = Vec::new();
    while let Some((r, c)) = stack.pop() {
        let reason = &model.reasons[r];
        let mut next = Vec::new();
        let live = model.channels[c].kind != ChannelKind::Deferred;
        if live
            && let Some((to, share, _)) = &b.channel_switch
            && *share > 0.0
        {
            next.push(*to);
        }
        if reason.fcr < 1.0
            && let Some((oc, share)) = b.repeat_other_channel
            && share > 0.0
        {
            next.push(oc);
        }
        if let Some(tr) = &reason.transfer
            && tr.share > 0.0
        {
            extra.push((tr.to_skill, c));
        }
        for oc in next {
            extra.push((reason.skill, oc));
            if !seen[r * nc + oc] {
                seen[r * nc + oc] = true;
                stack.push((r, oc));
            }
        }
    }
    extra.sort_by_key(|&(s, c)| (c, s));
    for key in extra {
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    groups
}

/// The expected load of a model (see the module docs). `observed` may be empty vectors
/// (no abandonment, no waits).
pub fn offered_load(model: &Model, observed: &Observed) -> Load {
    let p = Propagation::new(model, observed);
    let (ni, nrc) = (p.ni, model.reasons.len() * p.nc);
    // Flows per (reason, channel) and interval.
    let mut first = vec![0.0; nrc * ni];
    for s in &model.streams {
        let base = (s.reason * p.nc + s.channel) * ni;
        for (i, &x) in s.expected.iter().enumerate() {
            first[base + i] += x;
        }
    }
    let mut st = Flows {
        off: first.clone(),
        tin: vec![0.0; nrc * ni],
        next_off: vec![0.0; nrc],
        next_tin: vec![0.0; nrc],
    };
    let mut wave_off = vec![0.0; nrc];
    let mut wave_tin = vec![0.0; nrc];
    for i in 0..ni {
        for rc in 0..nrc {
            wave_off[rc] = st.off[rc * ni + i];
            wave_tin[rc] = st.tin[rc * ni + i];
        }
        for _wave in 0..64 {
            st.next_off.iter_mut().for_each(|x| *x = 0.0);
            st.next_tin.iter_mut().for_each(|x| *x = 0.0);
            let mut moved = 0.0;
            for rc in 0..nrc {
                let (o, t) = (wave_off[rc], wave_tin[rc]);
                if o <= EPS && t <= EPS {
                    continue;
                }
                p.propagate(&mut st, i, rc, o, t);
            }
            for rc in 0..nrc {
                st.off[rc * ni + i] += st.next_off[rc];
                st.tin[rc * ni + i] += st.next_tin[rc];
                moved += st.next_off[rc] + st.next_tin[rc];
            }
            std::mem::swap(&mut wave_off, &mut st.next_off);
            std::mem::swap(&mut wave_tin, &mut st.next_tin);
            if moved <= EPS {
                break;
            }
        }
    }
    per_group(model, &first, &st.off, &st.tin)
}

/// Offered contacts (`off`) and transfers in (`tin`) per (reason, channel) and interval,
/// `[(reason * channels + channel) * intervals + interval]`, and the wave being propagated
/// in the current interval (`next_off`, `next_tin`, per (reason, channel)).
struct Flows {
    off: Vec<f64>,
    tin: Vec<f64>,
    next_off: Vec<f64>,
    next_tin: Vec<f64>,
}

/// The delay kernels. Redial and switch: from the abandonment (taken as the arrival time);
/// repeat: from the end of the handling; transfer: one handling time.
struct Kernels {
    /// Per channel (empty when nobody redials).
    redial: Vec<Vec<f64>>,
    /// The channel switch: target channel, share, kernel.
    switch: Option<(usize, f64, Vec<f64>)>,
    /// Per (reason, channel): handling (transfers), repeat after a first handling and after
    /// a transferred handling.
    hand: Vec<Vec<f64>>,
    rep: Vec<Vec<f64>>,
    rep_tr: Vec<Vec<f64>>,
}

impl Kernels {
    fn new(model: &Model, len_s: f64) -> Kernels {
        let (nr, nc) = (model.reasons.len(), model.channels.len());
        let max_bins = model.intervals.len();
        let redial = model
            .channels
            .iter()
            .map(|c| {
                if c.redial_probability > 0.0 {
                    kernel(&c.redial_delay, 0.0, len_s, max_bins)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let b = &model.behaviour;
        let switch = b
            .channel_switch
            .as_ref()
            .map(|(to, share, d)| (*to, *share, kernel(d, 0.0, len_s, max_bins)));
        let mut hand = vec![Vec::new(); nr * nc];
        let mut rep = vec![Vec::new(); nr * nc];
        let mut rep_tr = vec![Vec::new(); nr * nc];
        for r in 0..nr {
            for c in 0..nc {
                let reason = &model.reasons[r];
                let a = aht_s(model, r, c);
                if reason.fcr < 1.0 {
                    rep[r * nc + c] = kernel(&b.repeat_delay, a, len_s, max_bins);
                }
                if let Some(tr) = &reason.transfer
                    && tr.share > 0.0
                {
                    let h = reason.handling[c]
                        .clone()
                        .or_else(|| reason.handling.iter().flatten().next().cloned())
                        .unwrap_or(Dist::Fixed { s: a });
                    hand[r * nc + c] = kernel(&h, 0.0, len_s, max_bins);
                    if reason.fcr < 1.0 {
                        rep_tr[r * nc + c] = kernel(
                            &b.repeat_delay,
                            transfer_aht_s(model, r, c),
                            len_s,
                            max_bins,
                        );
                    }
                }
            }
        }
        Kernels {
            redial,
            switch,
            hand,
            rep,
            rep_tr,
        }
    }
}

/// Everything the propagation reads: the model, what was observed, kernels and where
/// closed hours send contacts.
struct Propagation<'a> {
    model: &'a Model,
    observed: &'a Observed,
    ni: usize,
    nc: usize,
    ns: usize,
    len_s: f64,
    /// Queues some agent group serves, `[channel * skills + skill]`.
    served: Vec<bool>,
    k: Kernels,
    redirect: Vec<Redirects>,
    /// A live transfer arrives whatever the opening hours (it follows a handling); one from
    /// a deferred queue follows a handling that only happens in worked hours.
    worked: Vec<Redirects>,
    no_redirect: Redirects,
    /// Per channel and interval: intervals until the channel is next worked (0 when
    /// worked).
    until_worked: Vec<Vec<Option<usize>>>,
}

impl<'a> Propagation<'a> {
    fn new(model: &'a Model, observed: &'a Observed) -> Propagation<'a> {
        let ni = model.intervals.len();
        let nc = model.channels.len();
        let ns = model.skills.len().max(1);
        let len_s = model
            .intervals
            .first()
            .map_or(900.0, |iv| iv.len_ms as f64 / 1000.0);
        let mut served = vec![false; nc * ns];
        for g in &model.groups {
            for &c in &g.channels {
                for &sk in &g.skills {
                    served[c * ns + sk] = true;
                }
            }
        }
        let until_worked = (0..nc)
            .map(|c| {
                let mut v = vec![None; ni];
                let mut next = None;
                for i in (0..ni).rev() {
                    if model.channels[c].is_open(i) {
                        next = Some(i);
                    }
                    v[i] = next.map(|n| n - i);
                }
                v
            })
            .collect();
        Propagation {
            model,
            observed,
            ni,
            nc,
            ns,
            len_s,
            served,
            k: Kernels::new(model, len_s),
            redirect: (0..nc).map(|c| redirects(model, c)).collect(),
            worked: (0..nc).map(|c| worked_redirects(model, c)).collect(),
            no_redirect: vec![None; ni],
            until_worked,
        }
    }

    /// Share of queue `q`'s contacts in interval `i` that abandon. Deferred contacts do not
    /// abandon; nobody answers those of a queue no group serves (they wait to the end: no
    /// repeat, no transfer).
    fn abandon(&self, deferred: bool, i: usize, q: usize) -> f64 {
        if deferred {
            if self.served[q] { 0.0 } else { 1.0 }
        } else {
            let nq = self.nc * self.ns;
            self.observed
                .abandon
                .get(i * nq + q)
                .copied()
                .unwrap_or(0.0)
        }
    }

    /// A deferred contact of queue `q` waits at least until its channel `c` is next worked
    /// (a contact with none before the horizon is never answered in it); in intervals.
    fn deferred_wait(&self, deferred: bool, c: usize, i: usize, q: usize) -> f64 {
        if !deferred {
            return 0.0;
        }
        let nq = self.nc * self.ns;
        let wait = self.observed.wait_s.get(i * nq + q).copied().unwrap_or(0.0);
        match self.until_worked[c][i] {
            Some(k) => (wait / self.len_s).max(k as f64),
            None => self.ni as f64,
        }
    }

    /// Propagates the wave of (reason, channel) `rc` in interval `i`: `o` offered and `t`
    /// transferred-in contacts abandon (and redial or switch), are transferred, or repeat.
    fn propagate(&self, st: &mut Flows, i: usize, rc: usize, o: f64, t: f64) {
        let (r, c) = (rc / self.nc, rc % self.nc);
        let reason = &self.model.reasons[r];
        let skill = reason.skill;
        let deferred = self.model.channels[c].kind == ChannelKind::Deferred;
        let q = c * self.ns + skill;
        let a = self.abandon(deferred, i, q);
        self.abandon_out(st, deferred, i, rc, o * a);
        let answered = o * (1.0 - a);
        let mut resolved_or_not = answered;
        if let Some(tr) = &reason.transfer
            && tr.share > 0.0
        {
            let moved_tr = answered * tr.share;
            resolved_or_not -= moved_tr;
            land(
                &mut st.tin,
                &mut st.next_tin,
                if deferred {
                    &self.worked[c]
                } else {
                    &self.no_redirect
                },
                rc,
                self.ni,
                i,
                &self.k.hand[rc],
                moved_tr,
                self.deferred_wait(deferred, c, i, q),
            );
        }
        // Repeats of the unresolved, after a first handling.
        self.repeat(
            st,
            i,
            rc,
            resolved_or_not * (1.0 - reason.fcr),
            &self.k.rep[rc],
            self.deferred_wait(deferred, c, i, q),
        );
        // Transferred contacts: they wait in the receiving skill's queue.
        if t > EPS {
            let to = reason.transfer.as_ref().map_or(skill, |tr| tr.to_skill);
            let qt = c * self.ns + to;
            let at = self.abandon(deferred, i, qt);
            self.abandon_out(st, deferred, i, rc, t * at);
            self.repeat(
                st,
                i,
                rc,
                t * (1.0 - at) * (1.0 - reason.fcr),
                &self.k.rep_tr[rc],
                self.deferred_wait(deferred, c, i, qt),
            );
        }
    }

    /// `n` contacts of `rc` abandon in interval `i`: a share redials, a share of the others
    /// switches channel (both as the reason's own skill).
    fn abandon_out(&self, st: &mut Flows, deferred: bool, i: usize, rc: usize, n: f64) {
        if deferred || n <= EPS {
            return;
        }
        let (r, c) = (rc / self.nc, rc % self.nc);
        let p = self.model.channels[c].redial_probability;
        if p > 0.0 {
            let k = &self.k.redial[c];
            let redirect = &self.redirect[c];
            land(
                &mut st.off,
                &mut st.next_off,
                redirect,
                rc,
                self.ni,
                i,
                k,
                n * p,
                0.0,
            );
        }
        if let Some((to, share, k)) = &self.k.switch {
            let rt = r * self.nc + to;
            let redirect = &self.redirect[*to];
            let amount = n * (1.0 - p) * share;
            land(
                &mut st.off,
                &mut st.next_off,
                redirect,
                rt,
                self.ni,
                i,
                k,
                amount,
                0.0,
            );
        }
    }

    /// `n` unresolved contacts of `rc` come back after the repeat kernel `kern` (from
    /// `offset` intervals after `i`), a share on the other channel.
    fn repeat(&self, st: &mut Flows, i: usize, rc: usize, n: f64, kern: &[f64], offset: f64) {
        if n <= EPS || kern.is_empty() {
            return;
        }
        let (r, c) = (rc / self.nc, rc % self.nc);
        let (oc, share) = match self.model.behaviour.repeat_other_channel {
            Some((oc, share)) if oc != c => (oc, share),
            _ => (c, 0.0),
        };
        let (off, next) = (&mut st.off, &mut st.next_off);
        let amount = n * (1.0 - share);
        land(
            off,
            next,
            &self.redirect[c],
            rc,
            self.ni,
            i,
            kern,
            amount,
            offset,
        );
        if share > 0.0 {
            let ro = r * self.nc + oc;
            land(
                off,
                next,
                &self.redirect[oc],
                ro,
                self.ni,
                i,
                kern,
                n * share,
                offset,
            );
        }
    }
}

/// Adds `amount` to `arr` for (r, c) landing `k` intervals after `i`, redirected when a
/// live channel is closed there; `k == 0` goes to `wave` (propagated again at `i`).
#[allow(clippy::too_many_arguments)]
fn land_at(
    arr: &mut [f64],
    wave: &mut [f64],
    redirect: &[Option<Vec<(usize, f64)>>],
    rc: usize,
    ni: usize,
    i: usize,
    kern: &[f64],
    amount: f64,
    offset: usize,
) {
    if amount <= EPS {
        return;
    }
    for (k, &p) in kern.iter().enumerate() {
        let j = i + k + offset;
        if j >= ni {
            break;
        }
        let x = amount * p;
        if x <= 0.0 {
            continue;
        }
        match &redirect[j] {
            None => {
                if j == i {
                    wave[rc] += x;
                } else {
                    arr[rc * ni + j] += x;
                }
            }
            Some(parts) => {
                for &(t, w) in parts {
                    if t == i {
                        wave[rc] += x * w;
                    } else if t > i {
                        arr[rc * ni + t] += x * w;
                    }
                }
            }
        }
    }
}

/// As [`land_at`]; `offset` (intervals, fractional: a deferred contact's wait) is split
/// between the two whole offsets around it.
#[allow(clippy::too_many_arguments)]
fn land(
    arr: &mut [f64],
    wave: &mut [f64],
    redirect: &[Option<Vec<(usize, f64)>>],
    rc: usize,
    ni: usize,
    i: usize,
    kern: &[f64],
    amount: f64,
    offset: f64,
) {
    let lo = offset.floor();
    let frac = offset - lo;
    let lo = lo as usize;
    land_at(
        arr,
        wave,
        redirect,
        rc,
        ni,
        i,
        kern,
        amount * (1.0 - frac),
        lo,
    );
    if frac > 0.0 {
        land_at(arr, wave, redirect, rc, ni, i, kern, amount * frac, lo + 1);
    }
}

/// The flows per (reason, channel) summed per need group: first contacts, offered,
/// transfers in and their work.
fn per_group(model: &Model, first: &[f64], off: &[f64], tin: &[f64]) -> Load {
    let ni = model.intervals.len();
    let nc = model.channels.len();
    let nr = model.reasons.len();
    let groups = reachable_groups(model);
    let ng = groups.len();
    let mut out = Load {
        n_intervals: ni,
        groups: groups.clone(),
        first: vec![0.0; ni * ng],
        offered: vec![0.0; ni * ng],
        transfers: vec![0.0; ni * ng],
        work_s: vec![0.0; ni * ng],
    };
    for r in 0..nr {
        let skill = model.reasons[r].skill;
        let to = model.reasons[r].transfer.as_ref().map(|t| t.to_skill);
        for c in 0..nc {
            let rc = r * nc + c;
            let a = aht_s(model, r, c);
            let at = transfer_aht_s(model, r, c);
            let g = groups.iter().position(|&k| k == (skill, c));
            let gt = to.and_then(|t| groups.iter().position(|&k| k == (t, c)));
            for i in 0..ni {
                if let Some(g) = g {
                    out.first[i * ng + g] += first[rc * ni + i];
                    out.offered[i * ng + g] += off[rc * ni + i];
                    out.work_s[i * ng + g] += off[rc * ni + i] * a;
                }
                if let Some(gt) = gt {
                    out.transfers[i * ng + gt] += tin[rc * ni + i];
                    out.work_s[i * ng + gt] += tin[rc * ni + i] * at;
                }
            }
        }
    }
    out
}
