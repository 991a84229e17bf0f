//! Contacts per date (`volumes`): inline and from a CSV named by the scenario, validated
//! with file:line:column, reproduced exactly by `demand`, merged with orders, events and
//! campaigns without counting twice, and lowered into a per-day volume cv by lead.

use std::path::{Path, PathBuf};

use peakplan::demand::{self, Demand};
use peakplan::scenario::{self, Scenario};
use peakplan::sim::Model;

/// A week (Mon 5 – Sun 11 July 2027) with phone open 08:00–20:00 Monday to Saturday
/// (closed on Sundays), e-mail around the clock, one reason on each; `{extra}` is spliced
/// in at the top level.
fn scenario_text(extra: &str) -> String {
    format!(
        r#"(
    name: "volumes_test",
    calendar: (start: "2027-07-05", end: "2027-07-11", interval_min: 60, time_zone: "Europe/Amsterdam"),
    channels: [
        (
            name: "phone", kind: Live, target: (share: 0.85, within_s: 15),
            opening_hours: (
                mon: ("08:00", "20:00"), tue: ("08:00", "20:00"), wed: ("08:00", "20:00"),
                thu: ("08:00", "20:00"), fri: ("08:00", "20:00"), sat: ("08:00", "20:00"),
            ),
        ),
        (
            name: "email", kind: Deferred, target: (share: 0.9, within_s: 86400),
            opening_hours: (mon: ("08:00", "20:00"), tue: ("08:00", "20:00")),
        ),
    ],
    orders: (baseline_per_day: (mon: 1000, tue: 1000, wed: 1000, thu: 1000, fri: 1000, sat: 1000, sun: 1000)),
    reasons: [
        (
            name: "call", per_1000_orders: 100, lag: Days([1.0]),
            channel_mix: {{"phone": 1.0}}, handling: {{"phone": Exponential(mean_s: 200)}},
        ),
        (
            name: "mail", per_1000_orders: 50, lag: Days([1.0]),
            channel_mix: {{"email": 1.0}}, handling: {{"email": Exponential(mean_s: 300)}},
        ),
    ],
    agents: (teams: [
        (
            name: "team", skills: ["front_office"], channels: ["phone", "email"],
            shifts: [(days: [Mon, Tue, Wed, Thu, Fri, Sat], start: "08:00", end: "20:00", heads: 5)],
            hourly_cost_eur: 30,
        ),
    ]),
    {extra}
)
"#
    )
}

/// Phone rows for the six open days, contacts 100 × (day of month).
fn phone_rows() -> String {
    (5..=10)
        .map(|d| {
            format!(
                "(date: \"2027-07-{d:02}\", channel: \"phone\", contacts: {}),",
                100 * d
            )
        })
        .collect::<Vec<_>>()
        .join("\n            ")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Daily contacts of one channel and source ("" = every source).
fn daily(d: &Demand, channel: &str, source: &str) -> Vec<f64> {
    let ci = d.channel_index(channel).unwrap();
    let mut out = vec![0.0; d.days.len()];
    for (i, iv) in d.intervals.iter().enumerate() {
        for r in 0..d.reasons.len() {
            for (so, s) in d.sources.iter().enumerate() {
                if source.is_empty() || s.name == source {
                    out[iv.day] += d.get(i, r, ci, so);
                }
            }
        }
    }
    out
}

fn errors_of(e: scenario::ScenarioError) -> Vec<String> {
    e.diagnostics()
        .expect("a diagnostics error")
        .errors
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn inline_volumes_are_reproduced_exactly_and_replace_the_baseline_orders() {
    let text = scenario_text(&format!(
        "volumes: [(reason: \"call\", per_date: [\n            {}\n        ])],",
        phone_rows()
    ));
    let loaded = scenario::load_str_with_warnings(&text, "t.ron", &[]).unwrap();
    // The planner is told the baseline orders' phone contacts are replaced.
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("replaced by the volumes")),
        "{:?}",
        loaded.warnings
    );
    let d = demand::compute(&loaded.scenario).unwrap();
    let phone = daily(&d, "phone", "");
    for (k, v) in phone.iter().enumerate().take(6) {
        let want = 100.0 * (5 + k) as f64;
        assert!((v - want).abs() < 1e-9 * want, "day {k}: {v} vs {want}");
    }
    // Sunday: phone closed, no row needed, nothing there (its order contacts have no
    // opening left in the calendar: spill).
    assert_eq!(phone[6], 0.0);
    // E-mail is not covered: its order contacts stay (50 per 1,000 orders a day).
    let email = daily(&d, "email", "");
    for v in &email {
        assert!((v - 50.0).abs() < 1e-9, "{email:?}");
    }
    // What was replaced is counted: Monday to Saturday, 100 phone contacts a day from
    // orders (`Days([1.0])`: on the order day).
    let pi = d.channel_index("phone").unwrap();
    assert!(
        (d.replaced_by_volumes[pi] - 600.0).abs() < 1e-6,
        "{:?}",
        d.replaced_by_volumes
    );
}

#[test]
fn a_csv_named_by_the_scenario_is_read_relative_to_it_and_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let mut csv = String::from("date,channel,contacts,lo80,hi80\n");
    for d in 5..=10 {
        let c = 37.5 * d as f64;
        csv.push_str(&format!(
            "2027-07-{d:02},phone,{c},{},{}\n",
            0.9 * c,
            1.1 * c
        ));
    }
    write(&dir.path().join("data"), "july.csv", &csv);
    let sub = dir.path().join("scen");
    std::fs::create_dir(&sub).unwrap();
    let path = write(
        &sub,
        "s.ron",
        &scenario_text("volumes: [(reason: \"call\", file: \"../data/july.csv\")],"),
    );
    let loaded = scenario::load_with_warnings(&path, &[]).unwrap();
    assert!(loaded.files.iter().any(|f| f.ends_with("july.csv")));
    let v = &loaded.scenario.volumes[0];
    assert_eq!(v.per_date.len(), 6);
    assert_eq!(v.per_date[1].band80, Some((0.9 * 225.0, 1.1 * 225.0)));
    let d = demand::compute(&loaded.scenario).unwrap();
    let phone = daily(&d, "phone", "baseline");
    for (k, v) in phone.iter().enumerate().take(6) {
        let want = 37.5 * (5 + k) as f64;
        assert!((v - want).abs() < 1e-9 * want, "day {k}: {v} vs {want}");
    }
}

#[test]
fn inline_errors_are_placed_at_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let rows = phone_rows().replace("2027-07-07", "2027-08-07");
    let text = scenario_text(&format!(
        "volumes: [(reason: \"call\", per_date: [\n            {rows}\n            (date: \"2027-07-06\", channel: \"fone\", contacts: -3),\n        ])],"
    ));
    let path = write(dir.path(), "bad.ron", &text);
    let errs = errors_of(scenario::load(&path, &[]).unwrap_err());
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let col_of = |needle: &str, what: &str| {
        let l = text.lines().find(|l| l.contains(needle)).unwrap();
        l.find(what).unwrap() + 1
    };
    let want_date = format!(
        "{}:{}:{}: volumes[0].per_date[2].date: 2027-08-07 is outside the calendar",
        path.display(),
        line_of("2027-08-07"),
        col_of("2027-08-07", "\"2027-08-07\"")
    );
    assert!(
        errs.iter().any(|e| e.starts_with(&want_date)),
        "{want_date}\n{errs:#?}"
    );
    let fone = line_of("\"fone\"");
    assert!(
        errs.iter().any(|e| e.starts_with(&format!(
            "{}:{fone}:{}: volumes[0].per_date[6].channel: unknown channel `fone`",
            path.display(),
            col_of("\"fone\"", "\"fone\"")
        ))),
        "{errs:#?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("volumes[0].per_date[6].contacts: -3 is not allowed")),
        "{errs:#?}"
    );
    // The moved date leaves a gap on Wednesday 7 July: an error, never filled silently.
    assert!(
        errs.iter().any(|e| e.contains("volumes[0].per_date")
            && e.contains("no contacts given for `phone` on 2027-07-07 (Wed)")),
        "{errs:#?}"
    );
}

#[test]
fn csv_errors_are_placed_in_the_csv_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "date,channel,contacts\n\
               2027-07-05,phone,100\n\
               2027-07-06,phone,many\n\
               2027-07-07,phone,100\n\
               2027-07-08,chat,100\n\
               2027-07-09,phone,100\n\
               2027-07-10,phone,100\n\
               2027-07-11,phone,5\n\
               2027-07-12,phone,100\n";
    let csv_path = write(dir.path(), "v.csv", csv);
    let path = write(
        dir.path(),
        "s.ron",
        &scenario_text("volumes: [(reason: \"call\", file: \"v.csv\")],"),
    );
    let errs = errors_of(scenario::load(&path, &[]).unwrap_err());
    let c = csv_path.display();
    for want in [
        format!("{c}:3:18: volumes[0].file: `many` in `contacts` is not a number ≥ 0"),
        format!("{c}:5:12: volumes[0].per_date[2].channel: unknown channel `chat`"),
        format!("{c}:9:1: volumes[0].per_date[6].date: 2027-07-12 is outside the calendar"),
    ] {
        assert!(
            errs.iter().any(|e| e.starts_with(&want)),
            "{want}\n{errs:#?}"
        );
    }
    // Tuesday (unreadable) and Thursday (unknown channel) are gaps for the phone.
    assert!(
        errs.iter()
            .any(|e| e.contains("2027-07-06 (Tue), 2027-07-08 (Thu)")),
        "{errs:#?}"
    );
    // A missing file names the file it was looked for, at the `file` field.
    let path2 = write(
        dir.path(),
        "s2.ron",
        &scenario_text("volumes: [(reason: \"call\", file: \"nope.csv\")],"),
    );
    let errs = errors_of(scenario::load(&path2, &[]).unwrap_err());
    assert!(
        errs.iter().any(
            |e| e.contains("volumes[0].file: cannot read volumes file `nope.csv`")
                && e.contains("relative to the scenario file")
        ),
        "{errs:#?}"
    );
}

#[test]
fn a_date_written_twice_and_an_unknown_reason_are_errors() {
    let text = scenario_text(&format!(
        "volumes: [(reason: \"cal\", per_date: [\n            {}\n            (date: \"2027-07-05\", channel: \"phone\", contacts: 1),\n        ])],",
        phone_rows()
    ));
    let errs = errors_of(scenario::load_str(&text, &[]).unwrap_err());
    assert!(
        errs.iter()
            .any(|e| e.contains("volumes[0].reason: unknown reason `cal`")
                && e.contains("did you mean `call`")),
        "{errs:#?}"
    );
    assert!(
        errs.iter().any(|e| e.contains(
            "volumes[0].per_date[6].date: 2027-07-05 on `phone` is given twice (first at volumes[0].per_date[0])"
        )),
        "{errs:#?}"
    );
}

/// Events scale the volumes (their order-driven contacts are replaced where the volumes
/// cover), campaigns add their own contacts on top.
#[test]
fn events_scale_the_volumes_and_campaigns_add_on_top() {
    let text = scenario_text(&format!(
        r#"volumes: [(reason: "call", per_date: [
            {}
        ])],
    events: [(name: "promo", date: On("2027-07-07"), uplift: [(-1, 1.5), (0, 2.0), (1, 1.0)],
              contact_rate_multipliers: {{"call": 1.2}})],
    campaigns: [(name: "mail_out", start: "2027-07-06", end: "2027-07-06", orders: Total(2000))],"#,
        phone_rows()
    ));
    let sc: Scenario = scenario::load_str(&text, &[]).unwrap();
    let d = demand::compute(&sc).unwrap();
    let base = daily(&d, "phone", "baseline");
    let promo = daily(&d, "phone", "promo");
    let camp = daily(&d, "phone", "mail_out");
    // Baseline = the volumes, untouched.
    for (k, v) in base.iter().enumerate().take(6) {
        assert!((v - 100.0 * (5 + k) as f64).abs() < 1e-9);
    }
    // The event: volume × (uplift − 1) × 1.2 on 6 July (−1) and 7 July (0); nothing else.
    let want_promo = [
        0.0,
        600.0 * 0.5 * 1.2,
        700.0 * 1.0 * 1.2,
        0.0,
        0.0,
        0.0,
        0.0,
    ];
    for (k, (g, w)) in promo.iter().zip(want_promo).enumerate() {
        assert!((g - w).abs() < 1e-9, "day {k}: {g} vs {w}");
    }
    // The campaign: 2,000 orders × 100 per 1,000 on its day (6 July), on top.
    let want_camp = [0.0, 200.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    for (g, w) in camp.iter().zip(want_camp) {
        assert!((g - w).abs() < 1e-9, "{camp:?}");
    }
}

#[test]
fn the_volume_cv_by_lead_becomes_each_days_cv_in_the_simulation_model() {
    let text = scenario_text(&format!(
        "volumes: [(reason: \"call\", per_date: [\n            {}\n        ])],\n    simulation: (volume_cv: 0.3, volume_cv_by_lead: (origin: \"2027-07-01\", cv: [(4, 0.05), (6, 0.09), (10, 0.2)])),",
        phone_rows()
    ));
    let sc = scenario::load_str(&text, &[]).unwrap();
    let d = demand::compute(&sc).unwrap();
    let m = Model::from_scenario(&sc, &d).unwrap();
    // Leads 4..10 days: 0.05, 0.07 (halfway to 6), 0.09, then towards 0.2 by 10.
    let want = [0.05, 0.07, 0.09, 0.1175, 0.145, 0.1725, 0.2];
    assert_eq!(m.day_volume_cv.len(), 7);
    for (g, w) in m.day_volume_cv.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "{:?}", m.day_volume_cv);
    }
    // Without it, every day has the scenario's one cv.
    let plain = scenario::load_str(&scenario_text(""), &[]).unwrap();
    let m = Model::from_scenario(&plain, &demand::compute(&plain).unwrap()).unwrap();
    assert!(m.day_volume_cv.is_empty());
    assert_eq!(m.volume_cv, 0.1);
    // Bad points are errors naming the field.
    let bad = scenario_text(
        "simulation: (volume_cv_by_lead: (origin: \"2027-07-01\", cv: [(4, 0.05), (4, -1)])),",
    );
    let errs = errors_of(scenario::load_str(&bad, &[]).unwrap_err());
    assert!(
        errs.iter()
            .any(|e| e.contains("simulation.volume_cv_by_lead.cv[1]: cv -1"))
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("lead 4 does not follow lead 4"))
    );
}

/// The engine draws each day's multiplier with that day's cv: a day with cv 0 is never
/// scaled, and the spread of the draws over replications matches each day's cv.
#[test]
fn the_engine_draws_each_day_with_its_own_cv() {
    let rows: String = (5..=10)
        .map(|d| format!("(date: \"2027-07-{d:02}\", channel: \"phone\", contacts: 1),"))
        .collect();
    let text = scenario_text(&format!(
        "volumes: [(reason: \"call\", per_date: [{rows}])],\n    simulation: (volume_cv_by_lead: (origin: \"2027-07-01\", cv: [(4, 0.0), (10, 0.6)])),"
    ));
    let sc = scenario::load_str(&text, &[]).unwrap();
    let m = Model::from_scenario(&sc, &demand::compute(&sc).unwrap()).unwrap();
    let sim = peakplan::sim::Simulator::new(&m).unwrap();
    const R: u64 = 1500;
    let mut draws = vec![Vec::new(); 7];
    for r in 0..R {
        let out = sim.run(7, r);
        for (d, v) in out.day_multipliers.iter().enumerate() {
            draws[d].push(*v);
        }
    }
    assert!(draws[0].iter().all(|&v| v == 1.0), "cv 0: never scaled");
    for (d, day) in draws.iter().enumerate().skip(1) {
        let cv = 0.1 * d as f64;
        let n = R as f64;
        let mean = day.iter().sum::<f64>() / n;
        let sd = (day.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        // Standard error of a sample sd of a Gamma (excess kurtosis 6 cv²): σ √((1 + 3cv²)/(2n)).
        let se = cv * ((1.0 + 3.0 * cv * cv) / (2.0 * n)).sqrt();
        assert!(
            (sd - cv).abs() < 4.5 * se,
            "day {d}: sd {sd} vs cv {cv} (se {se})"
        );
        assert!(
            (mean - 1.0).abs() < 4.5 * cv / n.sqrt(),
            "day {d}: mean {mean}"
        );
    }
}
