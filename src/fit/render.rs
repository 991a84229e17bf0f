//! Output of `peakplan fit`: a table for people, JSON for tools.

use std::fmt::Write as _;

use super::calls::CallSet;
use super::estimate::CallFit;

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// The human-readable report of a per-call fit.
pub fn calls_table(fit: &CallFit, set: &CallSet) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Calls fitted from {} file(s), {} to {} ({} days)",
        set.files.len(),
        fit.first_date.as_deref().unwrap_or("-"),
        fit.last_date.as_deref().unwrap_or("-"),
        fit.days
    );
    let _ = writeln!(
        o,
        "  rows: {} calls kept, {} ignored (e.g. PHANTOM), {} malformed skipped, {} unreadable customer ids (kept as unknown)",
        fit.calls, fit.ignored_rows, fit.malformed_rows, fit.unreadable_customer_ids
    );
    for s in &set.first_malformed {
        let _ = writeln!(
            o,
            "    skipped {}:{}: {}",
            s.file.display(),
            s.line,
            s.reason
        );
    }
    let rows: Vec<(&str, String)> = vec![
        ("calls", fit.calls.to_string()),
        ("queued share", pct(fit.queued_share)),
        (
            "abandoned, share of queued",
            pct(fit.abandon_share_of_queued),
        ),
        (
            "hung up before queueing",
            fit.abandoned_before_queue.to_string(),
        ),
        (
            "ASA (answered, waits of 0 included)",
            format!("{:.1} s", fit.asa_s),
        ),
        ("answered within 15 s / answered", pct(fit.sl15_of_answered)),
        (
            "answered within 15 s / (answered + abandoned in queue)",
            pct(fit.sl15_of_answered_and_abandoned),
        ),
        ("service mean", format!("{:.1} s", fit.service_mean_s)),
        ("service median", format!("{:.1} s", fit.service_median_s)),
        (
            "service sd (cv)",
            format!("{:.1} s ({:.2})", fit.service_sd_s, fit.service_cv),
        ),
        (
            "service lognormal mu, sigma (mean, cv)",
            fit.service_lognormal.map_or("n/a".into(), |l| {
                format!(
                    "{:.3}, {:.3} ({:.1} s, {:.2})",
                    l.mu, l.sigma, l.mean_s, l.cv
                )
            }),
        ),
        (
            "patience mean, exponential MLE",
            format!("{} s", opt(fit.patience_mean_s_exp_mle, 1)),
        ),
        (
            "patience median, Kaplan-Meier",
            format!("{} s", opt(fit.patience_km_median_s, 1)),
        ),
        (
            "redial share of queued abandons (with customer id)",
            fit.redial_share.map_or("n/a".into(), |s| {
                format!(
                    "{} of {} within {:.0} s, median delay {} s",
                    pct(s),
                    fit.redial_base,
                    fit.redial_window_s,
                    opt(fit.redial_delay_median_s, 0)
                )
            }),
        ),
    ];
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (k, v) in rows {
        let _ = writeln!(o, "  {k:<w$}  {v}");
    }
    let q: Vec<String> = fit
        .service_quantiles
        .iter()
        .map(|q| format!("p{:.0} {:.0}", 100.0 * q.q, q.s))
        .collect();
    let _ = writeln!(o, "  service quantiles (s): {}", q.join(", "));
    let s: Vec<String> = fit
        .patience_km_survival
        .iter()
        .map(|p| format!("S({:.0}) {:.3}", p.s, p.q))
        .collect();
    let _ = writeln!(o, "  patience survival (Kaplan-Meier): {}", s.join(", "));
    o
}

/// JSON of a per-call fit (stable field names, see [`CallFit`]); NaN becomes null.
pub fn calls_json(fit: &CallFit) -> String {
    let mut s =
        serde_json::to_string_pretty(fit).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
