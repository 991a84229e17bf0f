//! The one-page report: `report.html` (self-contained: inline SVG plots and CSS, no script, no
//! network, prints cleanly) and its Markdown twin `summary.md`, both rendered from the same
//! [`Report`] so they always say the same thing.
//!
//! The report is built from plain, already-formatted text (use [`super::plot::format`] so a
//! figure reads the same in every output). All text is escaped; only the SVG of plots made by
//! [`super::plot::Plot::to_svg`] is inlined as markup.
//!
//! Stable hooks for tests and tools: `#headline`, `#key-figures` with one
//! `.figure[data-figure=ID]` per key figure, `figure.plot[data-plot=KEY]` per plot (id
//! `plot-KEY`), `table.data[data-table=ID]` per table (id `table-ID`), `section[data-section=ID]`
//! per section and `#run-info` for the reproducibility details.

use std::fmt::Write as _;

/// What is wrong with a report's content.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HtmlError {
    #[error(
        "table `{table}`, row {row}: {got} cells but the table has {expected} columns; every row \
         needs one cell per column"
    )]
    RowLength {
        table: String,
        row: usize,
        expected: usize,
        got: usize,
    },
    #[error("`{id}` cannot be used as an id: use a letter followed by letters, digits, `_` or `-`")]
    BadId { id: String },
    #[error("id `{id}` is used twice in the report; ids must be unique")]
    DuplicateId { id: String },
    #[error("plot `{key}`: its SVG must be an <svg> element without scripts")]
    BadSvg { key: String },
    #[error(
        "table `{table}`: mark on row {row}, column {column}, outside its {rows} rows × {columns} columns"
    )]
    MarkOutside {
        table: String,
        row: usize,
        column: usize,
        rows: usize,
        columns: usize,
    },
}

/// A headline number shown under the headline sentence, e.g. ("flex_agents", "Flex agents
/// needed", "38").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFigure {
    /// Stable id (`data-figure`), e.g. `flex_agents`.
    pub id: String,
    pub label: String,
    /// Already formatted, e.g. "€41,300".
    pub value: String,
}

/// A column of a table; numeric columns are right-aligned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub numeric: bool,
}

impl Column {
    pub fn text(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            numeric: false,
        }
    }
    pub fn number(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            numeric: true,
        }
    }
}

/// A table of already-formatted cells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Stable id (`data-table`), e.g. `daily_summary`.
    pub id: String,
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Optional note under the table (definitions, sources).
    pub note: Option<String>,
    /// Cells (row, column) to mark, e.g. a day below its target: in HTML a class (`miss`,
    /// `risk`) that colours the cell, in Markdown bold (`miss`) or italics (`risk`).
    pub marks: Vec<(usize, usize, Mark)>,
}

/// How a marked table cell reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Misses its target.
    Miss,
    /// Meets it on average but not with the required confidence.
    Risk,
}

impl Mark {
    fn class(self) -> &'static str {
        match self {
            Mark::Miss => "miss",
            Mark::Risk => "risk",
        }
    }
}

impl Table {
    fn mark(&self, row: usize, col: usize) -> Option<Mark> {
        self.marks
            .iter()
            .find(|(r, c, _)| *r == row && *c == col)
            .map(|m| m.2)
    }
}

/// A plot, inlined as SVG in HTML and linked as a PNG file in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotBlock {
    /// Stable key (`data-plot`), e.g. `service_level`.
    pub key: String,
    /// Alternative text / title.
    pub title: String,
    /// Sentence under the plot saying how to read it.
    pub caption: String,
    /// SVG document from [`super::plot::Plot::to_svg`].
    pub svg: String,
    /// The PNG file next to the report (relative path) for the Markdown twin.
    pub png_file: Option<String>,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Plot(PlotBlock),
    Table(Table),
}

/// A titled part of the report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// Stable id (`data-section`, element id `section-ID`).
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Page title, e.g. "Valentine's Day 2027 — peak plan".
    pub title: String,
    /// The answer in one sentence, shown first.
    pub headline: String,
    /// What a board should know besides the headline (`#risks`, a list under it).
    pub risks: Vec<String>,
    pub key_figures: Vec<KeyFigure>,
    pub sections: Vec<Section>,
    /// Reproducibility details (scenario hash, seed, replications, version), label → value.
    pub run_info: Vec<(String, String)>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks ids, row lengths and SVGs.
pub fn validate(r: &Report) -> Result<(), HtmlError> {
    let mut seen = std::collections::HashSet::new();
    let mut id = |kind: &str, id: &str| {
        if !valid_id(id) {
            return Err(HtmlError::BadId { id: id.to_string() });
        }
        if !seen.insert(format!("{kind}-{id}")) {
            return Err(HtmlError::DuplicateId { id: id.to_string() });
        }
        Ok(())
    };
    for f in &r.key_figures {
        id("figure", &f.id)?;
    }
    for s in &r.sections {
        id("section", &s.id)?;
        for b in &s.blocks {
            match b {
                Block::Paragraph(_) => {}
                Block::Plot(p) => {
                    id("plot", &p.key)?;
                    let svg = p.svg.trim_start();
                    let svg = match svg.strip_prefix("<?xml") {
                        Some(rest) => rest.split_once("?>").map_or("", |x| x.1).trim_start(),
                        None => svg,
                    };
                    let lower = svg.to_ascii_lowercase();
                    if !lower.starts_with("<svg")
                        || lower.contains("<script")
                        || lower.contains("<foreignobject")
                    {
                        return Err(HtmlError::BadSvg { key: p.key.clone() });
                    }
                }
                Block::Table(t) => {
                    id("table", &t.id)?;
                    for (i, row) in t.rows.iter().enumerate() {
                        if row.len() != t.columns.len() {
                            return Err(HtmlError::RowLength {
                                table: t.id.clone(),
                                row: i + 1,
                                expected: t.columns.len(),
                                got: row.len(),
                            });
                        }
                    }
                    if let Some(&(row, column, _)) = t
                        .marks
                        .iter()
                        .find(|(r, c, _)| *r >= t.rows.len() || *c >= t.columns.len())
                    {
                        return Err(HtmlError::MarkOutside {
                            table: t.id.clone(),
                            row,
                            column,
                            rows: t.rows.len(),
                            columns: t.columns.len(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #57606a; --rule: #d0d7de; --accent: #0072b2; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 24px 28px 40px; color: var(--ink);
  font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; background: #fff; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
.risks { margin: -6px 0 16px; padding-left: 22px; color: #7a2e0e; }
.headline { font-size: 19px; line-height: 1.45; margin: 0 0 16px; padding: 14px 18px;
  border-left: 6px solid var(--accent); background: var(--band); }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 8px; padding: 0; }
.figures .figure { flex: 1 1 160px; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.figures dt { font-size: 13px; color: var(--muted); }
.figures dd { margin: 2px 0 0; font-size: 22px; font-weight: bold; font-variant-numeric: tabular-nums; }
figure.plot { margin: 16px 0 24px; }
figure.plot svg { display: block; width: 100%; height: auto; max-width: 1200px; border: 1px solid var(--rule); }
figcaption { font-size: 14px; color: var(--muted); margin-top: 6px; }
/* Tables never widen the page: a table wider than the text column scrolls inside its box. */
.table-wrap { max-width: 100%; overflow-x: auto; margin: 12px 0 6px; }
table.data { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; font-weight: bold; padding: 4px 0 8px; }
table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
table.data thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; }
table.data td:first-child { white-space: nowrap; }
table.data .num { text-align: right; }
table.data td.num { white-space: nowrap; }
table.data td.miss { color: #a40000; background: #fde3e1; font-weight: bold; }
table.data td.risk { color: #7a4d00; background: #fff1cc; }
table.data tbody tr:nth-child(even) { background: var(--band); }
.note { font-size: 13px; color: var(--muted); }
footer { margin-top: 36px; border-top: 1px solid var(--rule); padding-top: 8px; font-size: 13px; color: var(--muted); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
footer dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure.plot, .headline, .figures { break-inside: avoid; }
  figure.plot svg { border: none; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"#;

/// Renders the self-contained HTML page.
pub fn render_html(r: &Report) -> Result<String, HtmlError> {
    validate(r)?;
    let mut h = String::new();
    let e = escape;
    // `write!` to a String cannot fail.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"peakplan {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n<header>\n<h1 id=\"title\">{}</h1>\n<p id=\"headline\" class=\"headline\">{}</p>\n",
        env!("CARGO_PKG_VERSION"),
        e(&r.title),
        e(&r.title),
        e(&r.headline)
    );
    if !r.risks.is_empty() {
        h.push_str("<ul id=\"risks\" class=\"risks\">\n");
        for x in &r.risks {
            let _ = writeln!(h, "<li>{}</li>", e(x));
        }
        h.push_str("</ul>\n");
    }
    if !r.key_figures.is_empty() {
        h.push_str("<dl id=\"key-figures\" class=\"figures\">\n");
        for f in &r.key_figures {
            let _ = writeln!(
                h,
                "<div class=\"figure\" data-figure=\"{}\"><dt>{}</dt><dd>{}</dd></div>",
                e(&f.id),
                e(&f.label),
                e(&f.value)
            );
        }
        h.push_str("</dl>\n");
    }
    h.push_str("</header>\n<main>\n");
    for s in &r.sections {
        let _ = writeln!(
            h,
            "<section id=\"section-{id}\" class=\"section\" data-section=\"{id}\">\n<h2>{}</h2>",
            e(&s.title),
            id = e(&s.id)
        );
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(h, "<p>{}</p>", e(p));
                }
                Block::Plot(p) => {
                    let svg = p.svg.trim_start();
                    let svg = match svg.strip_prefix("<?xml") {
                        Some(rest) => rest.split_once("?>").map_or("", |x| x.1).trim_start(),
                        None => svg,
                    };
                    // Name the picture for screen readers.
                    let svg = svg.replacen(
                        "<svg",
                        &format!("<svg role=\"img\" aria-label=\"{}\"", e(&p.title)),
                        1,
                    );
                    let _ = writeln!(
                        h,
                        "<figure id=\"plot-{key}\" class=\"plot\" data-plot=\"{key}\">\n{}<figcaption>{}</figcaption>\n</figure>",
                        svg.trim_end(),
                        e(&p.caption),
                        key = e(&p.key)
                    );
                }
                Block::Table(t) => html_table(&mut h, t),
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n<footer id=\"run-info\">\n");
    if !r.run_info.is_empty() {
        h.push_str("<dl>\n");
        for (k, v) in &r.run_info {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", e(k), e(v));
        }
        h.push_str("</dl>\n");
    }
    let _ = writeln!(
        h,
        "<p>Made by peakplan {}.</p>\n</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    Ok(h)
}

fn html_table(h: &mut String, t: &Table) {
    let e = escape;
    let _ = writeln!(
        h,
        "<div class=\"table-wrap\">\n<table id=\"table-{id}\" class=\"data\" data-table=\"{id}\">\n<caption>{}</caption>\n<thead><tr>",
        e(&t.caption),
        id = e(&t.id)
    );
    for c in &t.columns {
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(h, "<th scope=\"col\"{class}>{}</th>", e(&c.name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in t.rows.iter().enumerate() {
        h.push_str("<tr>");
        for (k, (cell, c)) in row.iter().zip(&t.columns).enumerate() {
            let mut classes: Vec<&str> = Vec::new();
            if c.numeric {
                classes.push("num");
            }
            if let Some(m) = t.mark(r, k) {
                classes.push(m.class());
            }
            let class = if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", classes.join(" "))
            };
            let _ = write!(h, "<td{class}>{}</td>", e(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
    if let Some(n) = &t.note {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", e(n));
    }
}

/// Escapes text for Markdown prose: markup characters get a backslash, `<`, `>` and `&`
/// become entities so no raw HTML gets through, line breaks become spaces.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn md_table(
    m: &mut String,
    caption: &str,
    columns: &[Column],
    rows: &[Vec<String>],
    mark: &dyn Fn(usize, usize) -> Option<Mark>,
) {
    if !caption.is_empty() {
        let _ = writeln!(m, "**{}**\n", escape_markdown(caption));
    }
    m.push('|');
    for c in columns {
        let _ = write!(m, " {} |", escape_markdown(&c.name));
    }
    m.push_str("\n|");
    for c in columns {
        m.push_str(if c.numeric { " ---: |" } else { " --- |" });
    }
    m.push('\n');
    for (r, row) in rows.iter().enumerate() {
        m.push('|');
        for (k, cell) in row.iter().enumerate() {
            let text = escape_markdown(cell);
            let _ = match mark(r, k) {
                Some(Mark::Miss) if !cell.is_empty() => write!(m, " **{text}** |"),
                Some(Mark::Risk) if !cell.is_empty() => write!(m, " *{text}* |"),
                _ => write!(m, " {text} |"),
            };
        }
        m.push('\n');
    }
    m.push('\n');
}

/// Renders the Markdown twin (`summary.md`): the same headline, key figures and tables; plots
/// are linked by their PNG files.
pub fn render_markdown(r: &Report) -> Result<String, HtmlError> {
    validate(r)?;
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", escape_markdown(&r.title));
    let _ = writeln!(m, "{}\n", escape_markdown(&r.headline));
    if !r.risks.is_empty() {
        let _ = writeln!(m, "**Risks**\n");
        for x in &r.risks {
            let _ = writeln!(m, "- {}", escape_markdown(x));
        }
        m.push('\n');
    }
    if !r.key_figures.is_empty() {
        let rows: Vec<Vec<String>> = r
            .key_figures
            .iter()
            .map(|f| vec![f.label.clone(), f.value.clone()])
            .collect();
        md_table(
            &mut m,
            "",
            &[Column::text("Key figure"), Column::number("Value")],
            &rows,
            &|_, _| None,
        );
    }
    for s in &r.sections {
        let _ = writeln!(m, "## {}\n", escape_markdown(&s.title));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(m, "{}\n", escape_markdown(p));
                }
                Block::Plot(p) => {
                    if let Some(file) = &p.png_file {
                        // Link targets: percent-encode the characters that would end the link.
                        let target = file
                            .replace(' ', "%20")
                            .replace(')', "%29")
                            .replace('(', "%28");
                        let _ = writeln!(m, "![{}]({target})\n", escape_markdown(&p.title));
                    } else {
                        let _ =
                            writeln!(m, "*{}* (plot in report.html)\n", escape_markdown(&p.title));
                    }
                    if !p.caption.is_empty() {
                        let _ = writeln!(m, "{}\n", escape_markdown(&p.caption));
                    }
                }
                Block::Table(t) => {
                    md_table(&mut m, &t.caption, &t.columns, &t.rows, &|r, c| {
                        t.mark(r, c)
                    });
                    if let Some(n) = &t.note {
                        let _ = writeln!(m, "{}\n", escape_markdown(n));
                    }
                }
            }
        }
    }
    if !r.run_info.is_empty() {
        m.push_str("## Run\n\n");
        let rows: Vec<Vec<String>> = r
            .run_info
            .iter()
            .map(|(k, v)| vec![k.clone(), v.clone()])
            .collect();
        md_table(
            &mut m,
            "",
            &[Column::text("Item"), Column::text("Value")],
            &rows,
            &|_, _| None,
        );
    }
    Ok(m.trim_end().to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_and_markdown() {
        assert_eq!(
            escape(r#"<script>alert("x & y's")</script>"#),
            "&lt;script&gt;alert(&quot;x &amp; y&#39;s&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape_markdown("a|b *c* <i>"), r"a\|b \*c\* &lt;i&gt;");
    }

    #[test]
    fn ids_are_checked() {
        assert!(valid_id("service_level"));
        assert!(valid_id("a-1"));
        assert!(!valid_id("1a"));
        assert!(!valid_id("a b"));
        assert!(!valid_id("a\"><script>"));
        assert!(!valid_id(""));
    }
}
