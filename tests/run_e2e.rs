//! `peakplan run` end to end on every shipped scenario (scenarios/*.ron), shortened with
//! `--quick --replications 3` so the file stays well under a minute on 2 cores: every file
//! exists and parses, the headline agrees across report.html, summary.md and run.json, the
//! plan in staffing.csv agrees with shifts.csv and the frontier's chosen row, and the same
//! seed gives byte-identical files.
//!
//! ```text
//! cargo test --test tests -- run_e2e::
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const PLOTS: [&str; 6] = [
    "demand",
    "staffing",
    "service_level",
    "abandonment",
    "frontier",
    "cost_per_campaign",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(scenario: &Path, out: &Path, seed: u64) {
    Command::cargo_bin("peakplan")
        .unwrap()
        .arg("run")
        .arg(scenario)
        .args(["--quick", "--replications", "3", "--quiet", "--seed"])
        .arg(seed.to_string())
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .assert()
        .success();
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn unescape_md(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    unescape_html(&out)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// All rows of a CSV file (header first); the csv reader rejects ragged rows.
fn csv_rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| {
            x.unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert!(rows.len() >= 2, "{}: no data rows", p.display());
    rows
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn minutes(hhmm: &str) -> u32 {
    let (h, m) = hhmm.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

fn check_run(dir: &Path) {
    // Every file exists and parses.
    for f in [
        "demand_intervals.csv",
        "demand_daily.csv",
        "staffing.csv",
        "shifts.csv",
        "frontier.csv",
        "sim_intervals.csv",
        "sim_daily.csv",
        "sim_reasons.csv",
        "sim_campaigns.csv",
        "sim_customers.csv",
        "costs.csv",
        "campaigns.csv",
        "levers.csv",
        "options.csv",
    ] {
        csv_rows(&dir.join(f));
    }
    for key in PLOTS {
        let png = std::fs::read(dir.join(format!("{key}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{key}.png");
        let svg = read(&dir.join(format!("{key}.svg")));
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{key}.svg"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("run.json"))).unwrap();
    let html = read(&dir.join("report.html"));
    let md = read(&dir.join("summary.md"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        !html.contains("<script"),
        "report.html must not hold scripts"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network"
    );
    for key in PLOTS {
        let tag = format!("data-plot=\"{key}\"");
        let at = html
            .find(&tag)
            .unwrap_or_else(|| panic!("plot {key} not in report.html"));
        let fig_end = html[at..].find("</figure>").unwrap() + at;
        assert!(
            html[at..fig_end].contains("<svg"),
            "plot {key} has no inline SVG"
        );
        assert!(
            md.contains(&format!("({key}.png)")),
            "summary.md does not link {key}.png"
        );
    }

    // The headline sentence is the same in all three.
    let sentence = json["headline"]["sentence"].as_str().unwrap();
    assert!(sentence.len() > 40, "{sentence}");
    let in_html = between(&html, "<p id=\"headline\" class=\"headline\">", "</p>").unwrap();
    assert_eq!(unescape_html(in_html), sentence);
    let md_headline = md.lines().nth(2).unwrap();
    assert_eq!(unescape_md(md_headline), sentence);

    // Every headline figure is the same in all three.
    let figures = json["headline"]["figures"].as_array().unwrap();
    assert!(figures.len() >= 8);
    let md_rows: BTreeMap<String, String> = md
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").collect();
            (cells.len() == 2).then(|| (unescape_md(cells[0].trim()), unescape_md(cells[1].trim())))
        })
        .collect();
    for f in figures {
        let id = f["id"].as_str().unwrap();
        let text = f["text"].as_str().unwrap();
        let label = f["label"].as_str().unwrap();
        let block = between(&html, &format!("data-figure=\"{id}\">"), "</div>")
            .unwrap_or_else(|| panic!("figure {id} not in report.html"));
        let dd = between(block, "<dd>", "</dd>").unwrap();
        assert_eq!(unescape_html(dd), text, "figure {id} in report.html");
        assert_eq!(
            md_rows.get(label).map(String::as_str),
            Some(text),
            "figure {id} in summary.md"
        );
        if let Some(n) = f["number"].as_f64() {
            // The text is the number, formatted.
            let digits: String = text
                .split(' ')
                .next()
                .unwrap()
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let shown: f64 = digits.parse().unwrap();
            let scale = if text.contains('%') { 100.0 } else { 1.0 };
            let tol = if text.contains('%') { 0.051 } else { 0.51 };
            assert!(
                (n * scale - shown).abs() <= tol,
                "figure {id}: {n} shown as {text}"
            );
        }
    }
    let flex = figures.iter().find(|f| f["id"] == "flex_agents").unwrap()["number"]
        .as_f64()
        .unwrap() as u32;
    // The sentence a manager reads aloud: at most 40 words, the people to contract (Σ pools'
    // peaks, at least the most flex heads on one date), or that none are needed.
    assert!(sentence.split_whitespace().count() <= 40, "{sentence}");
    let people = json["plan"]["people_to_contract"].as_u64().unwrap() as u32;
    assert!(
        people >= flex,
        "{people} people vs {flex} heads on one date"
    );
    let says = if people == 0 {
        "No flex people needed".to_string()
    } else {
        format!("Contract {people} flex people")
    };
    assert!(sentence.starts_with(&says), "{sentence}");
    // These runs are --quick: marked in run.json and first in the risk list.
    assert_eq!(json["quick"], true);
    assert!(
        json["headline"]["risks"][0]
            .as_str()
            .unwrap()
            .starts_with("Quick run (--quick)"),
        "{}",
        json["headline"]["risks"]
    );

    // The plan: shifts.csv → heads per date and flex on duty per interval.
    let shifts = csv_rows(&dir.join("shifts.csv"));
    let h = &shifts[0];
    let (c_date, c_start, c_end, c_heads) = (
        col(h, "date"),
        col(h, "start"),
        col(h, "end"),
        col(h, "heads"),
    );
    let mut per_date: BTreeMap<String, u32> = BTreeMap::new();
    let mut on_duty: BTreeMap<(String, u32), u32> = BTreeMap::new();
    for r in &shifts[1..] {
        let heads: u32 = r[c_heads].parse().unwrap();
        *per_date.entry(r[c_date].clone()).or_default() += heads;
        let (a, b) = (minutes(&r[c_start]), minutes(&r[c_end]));
        assert!(b > a, "shift {r:?} crosses midnight; extend this test");
        for m in (a..b).step_by(5) {
            *on_duty.entry((r[c_date].clone(), m)).or_default() += heads;
        }
    }
    let peak_heads = per_date.values().copied().max().unwrap_or(0);
    assert_eq!(
        peak_heads, flex,
        "shifts.csv's peak heads per day vs the headline"
    );
    let staffing = csv_rows(&dir.join("staffing.csv"));
    let flex_cols: Vec<usize> = staffing[0]
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("flex_"))
        .map(|(i, _)| i)
        .collect();
    assert!(!flex_cols.is_empty());
    let mut max_on_duty = 0;
    for r in &staffing[1..] {
        let (date, clock) = r[0].split_once(' ').unwrap();
        let sum: u32 = flex_cols
            .iter()
            .map(|&i| r[i].parse::<u32>().unwrap())
            .sum();
        let expect = on_duty
            .get(&(date.to_string(), minutes(clock)))
            .copied()
            .unwrap_or(0);
        assert_eq!(sum, expect, "flex on duty at {}", r[0]);
        max_on_duty = max_on_duty.max(sum);
    }
    assert!(max_on_duty <= flex);
    assert_eq!(max_on_duty > 0, flex > 0);

    // The simulation replays the plan's check (same seed and replications): its service
    // level per interval is the one staffing.csv reports.
    let ch = json["plan"]["headline_channel"].as_str().unwrap();
    let sim = csv_rows(&dir.join("sim_intervals.csv"));
    let (c_ch, c_sl) = (col(&sim[0], "channel"), col(&sim[0], "service_level_mean"));
    let sim_sl: Vec<&String> = sim[1..]
        .iter()
        .filter(|r| r[c_ch] == ch)
        .map(|r| &r[c_sl])
        .collect();
    let c_staff = col(&staffing[0], &format!("sl_{ch}_mean"));
    assert_eq!(sim_sl.len(), staffing.len() - 1);
    let mut compared = 0;
    for (r, s) in staffing[1..].iter().zip(sim_sl) {
        match (r[c_staff].parse::<f64>(), s.parse::<f64>()) {
            (Ok(a), Ok(b)) => {
                assert!(
                    (a - b).abs() <= 6e-5,
                    "SL at {}: staffing {a}, simulation {b}",
                    r[0]
                );
                compared += 1;
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("SL at {}: staffing {a:?}, simulation {b:?}", r[0]),
        }
    }
    assert!(compared > 0);

    // The frontier's chosen row is the plan.
    let frontier = csv_rows(&dir.join("frontier.csv"));
    let fh = &frontier[0];
    let cap = col(fh, "max_flex_heads_per_target_day");
    let cost = col(fh, "flex_cost_eur");
    let is_chosen = col(fh, "chosen");
    let heads = col(fh, "flex_heads");
    let chosen: Vec<_> = frontier[1..]
        .iter()
        .filter(|r| r[is_chosen] == "yes")
        .collect();
    assert_eq!(chosen.len(), 1, "exactly one chosen frontier row");
    let chosen = chosen[0];
    assert_eq!(chosen[heads].parse::<u32>().unwrap(), flex);
    let j = &json["plan"]["chosen_frontier_row"];
    assert_eq!(j["flex_heads"].as_u64(), Some(u64::from(flex)));
    assert_eq!(
        j["max_flex_heads_per_target_day"].as_u64(),
        Some(chosen[cap].parse::<u64>().unwrap())
    );
    // The promise and its target days are recorded, with the runs the frontier really used
    // and the chosen point's fresh-seed check.
    let plan_json = &json["plan"];
    assert_eq!(plan_json["promise"], "interval");
    let choice = &plan_json["choice"];
    assert_eq!(
        choice["frontier_replications"].as_u64(),
        plan_json["frontier_replications"].as_u64()
    );
    assert_eq!(choice["target_days"], plan_json["target_days"]);
    assert!(!plan_json["target_days"].as_array().unwrap().is_empty());
    assert_eq!(
        choice["check_replications"].as_u64(),
        plan_json["check_replications"].as_u64()
    );
    assert!(
        html.contains("Target day"),
        "the plots' legend names the target days"
    );
    let jc = j["flex_cost_eur"].as_f64().unwrap();
    assert!((chosen[cost].parse::<f64>().unwrap() - jc).abs() < 0.006);
    assert!(
        html.contains(">chosen<"),
        "the frontier table marks the chosen row"
    );

    // run.json has what reproduces the run.
    for f in json["scenario_files"].as_array().unwrap() {
        let path = PathBuf::from(f["path"].as_str().unwrap());
        // The digest is the file's, as coreutils' sha256sum computes it independently.
        let out = std::process::Command::new("sha256sum")
            .arg(&path)
            .output()
            .expect("sha256sum (coreutils) runs");
        let expected = String::from_utf8(out.stdout).unwrap();
        let expected = expected.split_whitespace().next().unwrap();
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            expected,
            "{}",
            path.display()
        );
    }
    assert_eq!(json["peakplan_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["simulation"]["replications"], 3);

    // Every channel, every day: in run.json one row per day × channel of sim_daily.csv with
    // its mean SL; report.html marks exactly the days and channels run.json lists as risks.
    let days = json["channels"]["days"].as_array().unwrap();
    let daily = csv_rows(&dir.join("sim_daily.csv"));
    assert_eq!(
        days.len(),
        daily.len() - 1,
        "one channel row per sim_daily.csv row"
    );
    let (d_date, d_ch, d_offered) = (
        col(&daily[0], "date"),
        col(&daily[0], "channel"),
        col(&daily[0], "offered_mean"),
    );
    let d_sl = col(&daily[0], "sl_offered_mean");
    for (row, j) in daily[1..].iter().zip(days) {
        assert_eq!(j["date"].as_str().unwrap(), row[d_date]);
        assert_eq!(j["channel"].as_str().unwrap(), row[d_ch]);
        let offered: f64 = row[d_offered].parse().unwrap();
        assert!((j["offered"].as_f64().unwrap() - offered).abs() < 1e-5);
        if j["kind"] == "deferred" {
            // Deferred: answered within the window / offered, whatever the SL definition.
            if let (Some(a), Ok(b)) = (j["sl"].as_f64(), row[d_sl].parse::<f64>()) {
                assert!((a - b).abs() < 1e-5, "{j}");
            }
            assert!(j["abandonment"].is_null() && j["backlog_end"].is_number());
        } else {
            assert!(j["backlog_end"].is_null());
        }
        let below = j["sl"]
            .as_f64()
            .is_some_and(|sl| sl < j["target_share"].as_f64().unwrap() - 1e-12);
        assert_eq!(below, j["status"] == "below_target", "{j}");
    }
    let risks = json["channels"]["risks"].as_array().unwrap();
    let flagged = days
        .iter()
        .filter(|j| j["status"] == "below_target" || j["status"] == "uncertain")
        .count();
    assert_eq!(risks.len(), flagged);
    // Every day and channel the daily table flags is counted in the headline's risk list:
    // one line per channel naming its number of days, in report.html too.
    let listed: Vec<&str> = json["headline"]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let mut channels: Vec<&str> = risks
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    for ch in channels {
        let n = risks.iter().filter(|r| r["channel"] == ch).count();
        let days = if n == 1 { "day" } else { "days" };
        let line = listed
            .iter()
            .find(|l| l.starts_with(&format!("{ch}: ")) && l.contains(" target"))
            .unwrap_or_else(|| panic!("no risk line for {ch} in {listed:?}"));
        assert!(line.contains(&format!(" on {n} {days}, ")), "{line}");
        assert!(html.contains(&escape_html(line)), "{line}");
    }
    let table = between(&html, "data-table=\"channels\"", "</table>").expect("channel table");
    let marked =
        table.matches("class=\"num miss\"").count() + table.matches("class=\"num risk\"").count();
    assert_eq!(marked, risks.len(), "marked cells vs risks");
    for r in risks {
        assert!(
            r["sentence"]
                .as_str()
                .unwrap()
                .contains(r["channel"].as_str().unwrap())
        );
    }
    assert!(md.contains("## Every channel"));

    // Finance where finance looks: the section and its tables, in both files and run.json.
    let fin = between(&html, "data-section=\"finance\"", "</section>").expect("finance section");
    for t in ["campaigns", "cost_by_channel", "cost_by_reason"] {
        assert!(
            fin.contains(&format!("data-table=\"{t}\"")),
            "finance table {t}"
        );
    }
    assert!(md.contains("## Finance") && md.contains("**Cost per handled contact by channel**"));
    let f = &json["finance"];
    assert_eq!(f["total"], json["cost"]["total"]);
    let by_channel: i64 = f["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["cost"]
                .as_str()
                .unwrap()
                .parse::<peakplan::cost::Money>()
                .unwrap()
                .cents()
        })
        .sum();
    assert_eq!(
        by_channel,
        f["total"]
            .as_str()
            .unwrap()
            .parse::<peakplan::cost::Money>()
            .unwrap()
            .cents(),
        "cost by channel adds up to the total"
    );
    // Options: an outsourcing row exactly when a pool is an outsourcer, else a sentence why.
    let options = csv_rows(&dir.join("options.csv"));
    let has_row = options[1..].iter().any(|r| r[0] == "outsourcing");
    let sentence = f["outsourcing"].as_str().unwrap();
    assert_eq!(
        has_row,
        sentence.starts_with("Outsourcing: pool"),
        "{sentence}"
    );
    if !options[1..].is_empty() {
        assert!(fin.contains("data-table=\"options\"") && fin.contains("Per covered hour"));
    }
    assert!(fin.contains(&escape_html(sentence)), "{sentence}");
    // Each campaign's marginal cost: `run` makes one pair of re-plans, so no interval and
    // not "exact" either; the finance section says so.
    let k = peakplan::app::run::RUN_MARGINAL_PAIRS as usize;
    for c in f["campaigns"].as_array().unwrap() {
        let m = &c["marginal_cost"];
        assert_eq!(m["pairs"].as_array().unwrap().len(), k, "{c}");
        if k == 1 {
            assert!(m["ci95_low"].is_null() && m["exact"] == false, "{c}");
            assert!(
                fin.contains("no sampling interval"),
                "one pair, said plainly"
            );
        } else {
            assert!(
                m["ci95_low"].is_string() && m["ci95_high"].is_string(),
                "{c}"
            );
        }
    }
}

/// `&` `<` `>` `"` `'` as report.html escapes them.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every shipped scenario (two at a time: the covering is single-threaded), then the
/// determinism and replacement checks on baseline.ron against its first run.
#[test]
fn run_on_every_shipped_scenario_agrees_across_outputs_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 5);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(sc) = scenarios.get(i) else { break };
                    let out = tmp.path().join(sc.file_stem().unwrap());
                    run(sc, &out, 2027);
                    check_run(&out);
                }
            });
        }
    });

    // compare: A's column is what `run` reported for A with the same settings.
    let sc = root().join("scenarios/baseline.ron");
    let b_file = tmp.path().join("baseline_b.ron");
    std::fs::write(
        &b_file,
        format!(
            "Scenario(name: \"baseline_b\", extends: {:?}, simulation: (volume_cv: 0.3))",
            sc.display().to_string()
        ),
    )
    .unwrap();
    let cmp_dir = tmp.path().join("compare");
    let out = Command::cargo_bin("peakplan")
        .unwrap()
        .arg("compare")
        .arg(&sc)
        .arg(&b_file)
        .args(["--quick", "--replications", "3", "--seed", "2027", "--out"])
        .arg(&cmp_dir)
        .env("NO_COLOR", "1")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let rows = csv_rows(&cmp_dir.join("compare.csv"));
    assert_eq!(
        rows[0],
        [
            "figure",
            "unit",
            "baseline",
            "baseline_b",
            "difference",
            "relative_difference"
        ]
    );
    let html = read(&cmp_dir.join("compare.html"));
    assert!(html.contains("B − A") && html.contains("data-table=\"campaign_marginals\""));
    // `compare` makes the cost command's pairs of re-plans per marginal (`run` one): A's
    // run with those pairs.
    let a_dir = tmp.path().join("baseline_pairs");
    Command::cargo_bin("peakplan")
        .unwrap()
        .arg("run")
        .arg(&sc)
        .args([
            "--quick",
            "--replications",
            "3",
            "--quiet",
            "--seed",
            "2027",
        ])
        .args([
            "--marginal-pairs",
            &peakplan::cost::analysis::DEFAULT_PAIRS.to_string(),
            "--out",
        ])
        .arg(&a_dir)
        .env("NO_COLOR", "1")
        .assert()
        .success();
    let a_json: serde_json::Value = serde_json::from_str(&read(&a_dir.join("run.json"))).unwrap();
    let a_figures = a_json["headline"]["figures"].as_array().unwrap();
    // Every numeric headline figure, in order, as a number (no "€" or "%" in number cells).
    let numeric: Vec<&serde_json::Value> = a_figures
        .iter()
        .filter(|f| f["number"].is_number())
        .collect();
    for (f, row) in numeric.iter().zip(&rows[1..]) {
        let n = f["number"].as_f64().unwrap();
        let a: f64 = row[2]
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {row:?}"));
        let b: f64 = row[3].parse().unwrap();
        assert!(
            (a - n).abs() <= 0.005,
            "{}: compare.csv {a}, run.json {n}",
            f["id"]
        );
        if !row[4].is_empty() {
            let d: f64 = row[4].parse().unwrap();
            assert!((d - (b - a)).abs() <= 0.011, "{row:?}");
        }
        if a != 0.0 && !row[5].is_empty() {
            // From the unrounded values: allow for the rounding of A and B in the file.
            let rel: f64 = row[5].parse().unwrap();
            let ulp = if row[1] == "share" { 1e-6 } else { 0.01 };
            assert!(
                (rel - (b - a) / a.abs()).abs() <= 1e-5 + 2.0 * ulp / a.abs(),
                "{row:?}"
            );
        }
        assert!(stdout.contains(&row[0]), "{stdout}");
    }
    for row in &rows[1..] {
        for cell in &row[2..] {
            assert!(cell.is_empty() || cell.parse::<f64>().is_ok(), "{row:?}");
        }
    }
    for c in a_json["campaigns"].as_array().unwrap() {
        let name = c["campaign"].as_str().unwrap();
        let row = rows
            .iter()
            .find(|r| r[0] == format!("{name}: marginal cost"))
            .unwrap();
        assert_eq!(row[1], "EUR");
        assert_eq!(row[2], c["marginal_cost"].as_str().unwrap());
        assert!(
            rows.iter()
                .any(|r| r[0] == format!("{name}: marginal cost, 95% interval, low"))
        );
        assert!(html.contains(&format!("{name}: expected contacts")));
    }

    // Same seed → byte-identical files.
    let a = tmp.path().join("baseline");
    let b = tmp.path().join("again");
    run(&sc, &b, 2027);
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&a), names(&b));
    for n in names(&a) {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n} differs between two runs with the same seed"
        );
    }
    // A different seed changes the simulated figures (so the check above can fail).
    let c = tmp.path().join("other_seed");
    run(&sc, &c, 12);
    assert_ne!(
        std::fs::read(a.join("sim_intervals.csv")).unwrap(),
        std::fs::read(c.join("sim_intervals.csv")).unwrap()
    );
    // Running again into `c` replaces the earlier run and says so.
    Command::cargo_bin("peakplan")
        .unwrap()
        .args(["run", "--quick", "--replications", "3", "--out"])
        .arg(&c)
        .arg(&sc)
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicates::str::contains("replaced the earlier run"));
}

#[test]
fn a_foreign_output_directory_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    Command::cargo_bin("peakplan")
        .unwrap()
        .args(["run", "--out"])
        .arg(&foreign)
        .arg(root().join("scenarios/valentines.ron"))
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run.json"));
    assert_eq!(read(&foreign.join("notes.txt")), "mine");
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1);
}

#[test]
fn bad_input_exits_2_with_the_file_named() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.ron");
    std::fs::write(&bad, "(name: \"x\", calendar: 3)").unwrap();
    Command::cargo_bin("peakplan")
        .unwrap()
        .args(["run", "--quiet"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.ron"));
    Command::cargo_bin("peakplan")
        .unwrap()
        .args(["run", "--replications", "1"])
        .arg(root().join("scenarios/baseline.ron"))
        .assert()
        .code(2);
}
