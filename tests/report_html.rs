//! The HTML report and its Markdown twin: everything escaped, every plot and the headline
//! present with their stable hooks, and the same figures in both.

use crate::report_support::synthetic_report;
use peakplan::report::html::*;

#[test]
fn html_holds_headline_figures_every_plot_and_table() {
    let (report, plots) = synthetic_report(3);
    let html = render_html(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(&format!(
        "<p id=\"headline\" class=\"headline\">{}</p>",
        escape(&report.headline)
    )));
    for f in &report.key_figures {
        assert!(html.contains(&format!(
            "<div class=\"figure\" data-figure=\"{}\"><dt>{}</dt><dd>{}</dd></div>",
            f.id,
            escape(&f.label),
            escape(&f.value)
        )));
    }
    for (key, plot) in &plots {
        let open = format!("<figure id=\"plot-{key}\" class=\"plot\" data-plot=\"{key}\">");
        let at = html
            .find(&open)
            .unwrap_or_else(|| panic!("plot {key} missing"));
        let figure = &html[at..at + html[at..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg role=\"img\""), "{key}: no inline SVG");
        assert!(figure.contains("</svg>"), "{key}: SVG not closed");
        let title = plot.title().replace('\'', "&apos;");
        assert!(figure.contains(&title), "{key}: plot title missing");
    }
    assert_eq!(html.matches("class=\"plot\"").count(), plots.len());
    for id in ["frontier", "daily_summary", "campaigns"] {
        assert!(html.contains(&format!(
            "<table id=\"table-{id}\" class=\"data\" data-table=\"{id}\">"
        )));
    }
    assert!(
        html.contains("<td class=\"num\">5,790</td>"),
        "numeric cells right-aligned"
    );
    assert!(html.contains("<footer id=\"run-info\">"));
}

#[test]
fn html_is_self_contained_and_escapes_every_text() {
    let (report, _) = synthetic_report(1);
    let html = render_html(&report).unwrap();
    // The only <script> text in the input is escaped everywhere (title, cells, plots).
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "unescaped script"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Sun 14 Feb &lt;b&gt;peak&lt;/b&gt;"));
    assert!(html.contains("A | B &lt;script&gt;x&lt;/script&gt;"));
    // No network: no external references at all.
    for bad in ["http://", "https://", "src=", "<link", "@import", "url("] {
        let hits: Vec<_> = html
            .match_indices(bad)
            .map(|(i, _)| &html[i.saturating_sub(30)..(i + 40).min(html.len())])
            .filter(|ctx| !ctx.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            .collect();
        assert!(hits.is_empty(), "external reference `{bad}`: {hits:?}");
    }
    assert!(html.contains("@media print"));
}

#[test]
fn markdown_twin_says_the_same() {
    let (report, plots) = synthetic_report(1);
    let md = render_markdown(&report).unwrap();
    assert!(md.starts_with("# Valentine"));
    // The headline has no Markdown-special characters, so it appears verbatim.
    assert!(md.contains(&report.headline));
    for f in &report.key_figures {
        assert!(
            md.contains(&format!("| {} | {} |", f.label, f.value)),
            "{}",
            f.id
        );
    }
    for (key, plot) in &plots {
        assert!(md.contains(&format!("]({key}.png)")), "{key}");
        let _ = plot;
    }
    assert!(!md.contains("<script"));
    assert!(md.contains(r"A \| B &lt;script&gt;x&lt;/script&gt;"));
    assert!(md.contains("| --- | ---: | ---: |"));
    assert!(md.contains("| Fri 12 Feb | 2,310 | 70.1% |"));
}

#[test]
fn bad_content_is_refused_with_a_clear_error() {
    let (mut report, _) = synthetic_report(1);
    if let Block::Table(t) = &mut report.sections[3].blocks[0] {
        t.rows[1].pop();
    }
    let err = render_html(&report).unwrap_err();
    assert_eq!(
        err,
        HtmlError::RowLength {
            table: "daily_summary".into(),
            row: 2,
            expected: 3,
            got: 2
        }
    );

    let (mut report, _) = synthetic_report(1);
    report.key_figures[0].id = "x\"><script>".into();
    assert!(matches!(
        render_markdown(&report),
        Err(HtmlError::BadId { .. })
    ));

    let (mut report, _) = synthetic_report(1);
    report.key_figures[1].id = report.key_figures[0].id.clone();
    assert!(matches!(
        render_html(&report),
        Err(HtmlError::DuplicateId { .. })
    ));

    let (mut report, _) = synthetic_report(1);
    if let Block::Plot(p) = &mut report.sections[0].blocks[0] {
        p.svg = "<svg><script>alert(1)</script></svg>".into();
    }
    let err = render_html(&report).unwrap_err();
    assert!(err.to_string().contains("plot `demand`"), "{err}");
}

#[test]
fn an_empty_report_still_renders() {
    let html = render_html(&Report::default()).unwrap();
    assert!(html.contains("id=\"headline\""));
    let md = render_markdown(&Report::default()).unwrap();
    assert!(md.starts_with('#'));
}

#[test]
fn marked_cells_are_coloured_in_html_and_emphasised_in_markdown() {
    let table = Table {
        id: "channels".into(),
        caption: "Channels".into(),
        columns: vec![Column::text("Date"), Column::number("email ≤ 24 h")],
        rows: vec![
            vec!["Fri 12 Feb".into(), "91.0%".into()],
            vec!["Sat 13 Feb".into(), "6.1%".into()],
            vec!["Sun 14 Feb".into(), "90.4%".into()],
        ],
        note: None,
        marks: vec![(1, 1, Mark::Miss), (2, 1, Mark::Risk)],
    };
    let report = Report {
        title: "t".into(),
        headline: "h".into(),
        risks: vec![],
        sections: vec![Section {
            id: "channels".into(),
            title: "Channels".into(),
            blocks: vec![Block::Table(table.clone())],
        }],
        ..Default::default()
    };
    let html = render_html(&report).unwrap();
    assert!(html.contains("<td class=\"num\">91.0%</td>"), "{html}");
    assert!(html.contains("<td class=\"num miss\">6.1%</td>"), "{html}");
    assert!(html.contains("<td class=\"num risk\">90.4%</td>"), "{html}");
    // Every table sits in a box that scrolls instead of widening the page.
    assert!(html.contains("<div class=\"table-wrap\">\n<table id=\"table-channels\""));
    assert!(html.contains(".table-wrap { max-width: 100%; overflow-x: auto;"));
    let md = render_markdown(&report).unwrap();
    assert!(md.contains("| Fri 12 Feb | 91.0% |"), "{md}");
    assert!(md.contains("| Sat 13 Feb | **6.1%** |"), "{md}");
    assert!(md.contains("| Sun 14 Feb | *90.4%* |"), "{md}");
    // A mark outside the table is refused, naming the table.
    let mut bad = report.clone();
    if let Block::Table(t) = &mut bad.sections[0].blocks[0] {
        t.marks.push((3, 0, Mark::Miss));
    }
    let err = render_html(&bad).unwrap_err().to_string();
    assert!(
        err.contains("table `channels`") && err.contains("row 3"),
        "{err}"
    );
}
