//! The drawing code behind [`Plot`]: one function per plot kind, generic over the plotters
//! backend so PNG and SVG come from the same code.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format;
use super::time_axis::time_ticks;
use super::{
    BandPlot, BarPlot, FrontierPlot, FrontierPoint, PALETTE, Plot, PlotError, StackedAreaPlot,
    StepLinesPlot, TargetDays, TimeAxis, ValueUnit,
};

type Area<DB> = DrawingArea<DB, Shift>;
type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<KeyAxis, RangedCoordf64>>;
type R<T = ()> = Result<T, PlotError>;

const FONT: &str = "sans-serif";
const TICK_PX: u32 = 13;
/// Rough advance width of a tick-label character at `TICK_PX` (DejaVu Sans averages ~0.58 em).
const TICK_CHAR_PX: f64 = 7.6;
const Y_AREA_PX: u32 = 90;
const INK: RGBColor = RGBColor(40, 40, 40);
const HIGHLIGHT: RGBColor = RGBColor(255, 238, 196);
const VERMILLION: RGBColor = PALETTE[5];
const CAPACITY: [RGBColor; 4] = [
    RGBColor(200, 200, 200), // permanent: light grey
    RGBColor(160, 218, 196), // flex: light bluish green
    RGBColor(190, 220, 240), // light sky
    RGBColor(235, 205, 225), // light purple
];

/// A linear f64 axis whose ticks (bold points) and faint lines (light points) are given
/// explicitly. plotters' own `WithKeyPoints` loses the value formatter of `f64` ranges, so
/// `configure_mesh` would not be available on it.
#[derive(Clone)]
pub(super) struct KeyAxis {
    range: Range<f64>,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for KeyAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = (self.range.start, self.range.end);
        if hi == lo {
            return (limit.1 - limit.0) / 2;
        }
        let t = (v - lo) / (hi - lo);
        let len = limit.1 - limit.0;
        if !t.is_finite() {
            return if t > 0.0 { limit.1 } else { limit.0 };
        }
        limit.0 + (len as f64 * t + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px).into_font()).color(&INK)
}

fn bold(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px).into_font().style(FontStyle::Bold)).color(&INK)
}

pub(super) fn draw<DB: DrawingBackend>(plot: &Plot, root: &Area<DB>) -> R {
    root.fill(&WHITE)?;
    match plot {
        Plot::StackedArea(p) => stacked_area(p, root),
        Plot::StepLines(p) => step_lines(p, root),
        Plot::Band(p) => band(p, root),
        Plot::Frontier(p) => frontier(p, root),
        Plot::Bars(p) => bars(p, root),
        Plot::DailyForecast(p) => super::forecast::draw(p, root),
    }
}

// ---------------------------------------------------------------- layout, legend, notes

/// Draws the title (with a little air above it) and returns the area below.
fn titled<DB: DrawingBackend>(root: &Area<DB>, title: &str) -> R<Area<DB>> {
    let (w, _) = root.dim_in_pixel();
    // DejaVu Sans Bold advances about 0.62 em per character: shrink long titles to fit.
    let fit = (w as f64 - 20.0) / (0.62 * title.chars().count().max(1) as f64);
    let px = fit.clamp(12.0, 22.0) as u32;
    root.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, 12),
        bold(px).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(root.split_vertically(46).1)
}

/// Title on top, plot on the left, a legend column on the right.
fn layout<DB: DrawingBackend>(root: &Area<DB>, title: &str) -> R<(Area<DB>, Area<DB>)> {
    let body = titled(root, title)?;
    let (w, _) = body.dim_in_pixel();
    let legend_w = (w / 5).clamp(200, 280);
    Ok(body.split_horizontally(w.saturating_sub(legend_w)))
}

#[derive(Clone, Copy)]
enum Dash {
    Solid,
    Dashed,
    Dotted,
}

fn dash_for(i: usize) -> Dash {
    [Dash::Solid, Dash::Dashed, Dash::Dotted][i % 3]
}

enum Swatch {
    Fill(RGBColor),
    Translucent(RGBAColor),
    Line(RGBColor, u32, Dash),
    Hatch,
    Marker(RGBColor),
}

struct Entry {
    label: String,
    swatch: Swatch,
}

fn entry(label: impl Into<String>, swatch: Swatch) -> Entry {
    Entry {
        label: label.into(),
        swatch,
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Splits a legend label into at most two lines of `max` characters (word-wrapped, then
/// truncated with an ellipsis).
fn wrap2(s: &str, max: usize) -> Vec<String> {
    if s.chars().count() <= max {
        return vec![s.to_string()];
    }
    let mut first = String::new();
    let mut rest = s;
    for (i, c) in s.char_indices() {
        if c == ' ' && s[..i].chars().count() <= max {
            first = s[..i].to_string();
            rest = &s[i + 1..];
        }
    }
    if first.is_empty() {
        return vec![truncate(s, max)];
    }
    vec![first, truncate(rest, max)]
}

fn draw_legend<DB: DrawingBackend>(area: &Area<DB>, entries: &[Entry]) -> R {
    let (w, h) = area.dim_in_pixel();
    let max_chars = ((w as f64 - 60.0) / 7.8).max(8.0) as usize;
    let mut y = 30;
    for e in entries {
        let lines = wrap2(&e.label, max_chars);
        if y + 20 * lines.len() as i32 > h as i32 {
            break;
        }
        let (x0, x1, ym) = (8, 42, y + 8);
        match e.swatch {
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new([(x0, y), (x1, y + 16)], c.filled()))?;
            }
            Swatch::Translucent(c) => {
                area.draw(&Rectangle::new([(x0, y), (x1, y + 16)], c.filled()))?;
            }
            Swatch::Line(c, width, dash) => {
                draw_dashed(area, &[(x0, ym), (x1, ym)], c, width, dash)?
            }
            Swatch::Hatch => {
                area.draw(&Rectangle::new([(x0, y), (x1, y + 16)], BLACK.mix(0.7)))?;
                for k in (0..(x1 - x0 + 16)).step_by(6) {
                    let (a, b) = clip_diag(x0, x1, y, y + 16, x0 + k + y + 16);
                    if let Some((a, b)) = a.zip(b) {
                        area.draw(&PathElement::new(vec![a, b], BLACK.mix(0.7)))?;
                    }
                }
            }
            Swatch::Marker(c) => {
                area.draw(&Circle::new(((x0 + x1) / 2, ym), 4, c.filled()))?;
            }
        }
        for (k, line) in lines.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (x1 + 8, ym + 17 * k as i32),
                font(14).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        y += 11 + 17 * lines.len() as i32;
    }
    Ok(())
}

/// The two ends of the "/" diagonal `x + y = k` inside the box `[x0, x1] × [y0, y1]`.
#[allow(clippy::type_complexity)]
fn clip_diag(
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    k: i32,
) -> (Option<(i32, i32)>, Option<(i32, i32)>) {
    let lo = x0.max(k - y1);
    let hi = x1.min(k - y0);
    if lo < hi {
        (Some((lo, k - lo)), Some((hi, k - hi)))
    } else {
        (None, None)
    }
}

fn draw_dashed<DB: DrawingBackend>(
    area: &Area<DB>,
    pts: &[(i32, i32)],
    c: RGBColor,
    width: u32,
    dash: Dash,
) -> R {
    let style = c.stroke_width(width);
    match dash {
        Dash::Solid => area.draw(&PathElement::new(pts.to_vec(), style))?,
        Dash::Dashed => area.draw(&DashedPathElement::new(pts.iter().copied(), 9, 5, style))?,
        Dash::Dotted => area.draw(&DashedPathElement::new(pts.iter().copied(), 3, 4, style))?,
    }
    Ok(())
}

/// A note in the middle of an area, e.g. "No data to plot".
fn note<DB: DrawingBackend>(area: &Area<DB>, text: &str) -> R {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        text.to_string(),
        (w as i32 / 2, h as i32 / 2),
        font(18).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

// ---------------------------------------------------------------- shared numeric helpers

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// A y range covering the finite values (and zero), with headroom; `(0, 1)` when there are
/// none or they are all equal to zero.
fn data_range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo < 1e-12 {
        let pad = (hi.abs() * 0.1).max(1.0);
        return if include_zero && lo >= 0.0 {
            (0.0, hi + pad)
        } else {
            (lo - pad, hi + pad)
        };
    }
    let span = hi - lo;
    let lo = if lo < 0.0 { lo - span * 0.05 } else { lo };
    (lo, hi + span * 0.08)
}

/// The smallest step of 1, 2 or 5 × 10^k (at least 1 when `span` ≥ 1) giving at most `max`
/// ticks over `span`.
fn nice_step(span: f64, max: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / max as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if span >= 1.0 { step.max(1.0) } else { step }
}

/// Decimals for tick labels on an axis spanning `span` with about 8 ticks.
fn decimals_for(span: f64) -> usize {
    let step = span / 8.0;
    if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else if step >= 0.01 {
        2
    } else {
        3
    }
}

fn unit_label(v: f64, decimals: usize, unit: &str) -> String {
    let s = format::thousands(v, decimals);
    if unit.is_empty() {
        s
    } else if unit == "%" {
        format!("{s}%")
    } else {
        format!("{s} {unit}")
    }
}

/// Splits `(x, y)` points into runs of finite y.
fn runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in points {
        if y.is_finite() {
            out.last_mut().expect("never empty").push((x, y));
        } else if !out.last().expect("never empty").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Step points (flat over each interval) for `values`, split at missing values, without the
/// redundant points inside flat stretches.
fn step_runs(values: &[f64]) -> Vec<Vec<(f64, f64)>> {
    runs(
        values
            .iter()
            .enumerate()
            .flat_map(|(i, &v)| [(i as f64, v), (i as f64 + 1.0, v)]),
    )
    .into_iter()
    .map(simplify)
    .collect()
}

/// Drops the middle point of every three consecutive points on one horizontal or vertical
/// line: the picture is the same and the SVG much smaller for long flat stretches.
fn simplify(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for p in points {
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.1 == b.1 && b.1 == p.1) || (a.0 == b.0 && b.0 == p.0) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

// ---------------------------------------------------------------- the time chart frame

/// The legend entry of the target-day band.
fn target_entry(h: Option<&TargetDays>) -> Option<Entry> {
    h.filter(|h| !h.days.is_empty())
        .map(|h| entry(h.legend(), Swatch::Fill(HIGHLIGHT)))
}

/// Builds a chart with the ordinal time axis, the target days shaded as one band (each run
/// of consecutive days one stretch; named in the legend, see [`target_entry`]) and the mesh.
/// With labels coarser than a day, every day gets a tick and its day of the month, and the
/// dated labels go on a second row.
fn time_chart<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    axis: &TimeAxis,
    y: (f64, f64),
    y_label: &str,
    y_unit: &str,
    highlight: Option<&TargetDays>,
) -> R<TimeChart<'a, DB>> {
    let n = axis.len().max(1) as f64;
    let (w, _) = area.dim_in_pixel();
    let plot_px = (w as f64 - Y_AREA_PX as f64 - 30.0).max(50.0);
    let ticks = time_ticks(&axis.starts, plot_px, TICK_CHAR_PX);
    let x = KeyAxis {
        range: 0.0..n,
        bold: ticks.positions.clone(),
        light: ticks.day_starts.clone(),
    };
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(25)
        .x_label_area_size(if ticks.daily_row { 66 } else { 55 })
        .y_label_area_size(Y_AREA_PX)
        .build_cartesian_2d(x, y.0..y.1)?;

    if let Some(h) = highlight {
        let days = h.sorted();
        // Runs of axis intervals on target days; consecutive days join one stretch.
        let mut stretches: Vec<(usize, usize)> = Vec::new();
        let mut last_day: Option<jiff::civil::Date> = None;
        for (i, t) in axis.starts.iter().enumerate() {
            let d = t.date();
            if days.binary_search(&d).is_err() {
                continue;
            }
            let joins = match (stretches.last(), last_day) {
                (Some(&(_, end)), Some(prev)) => {
                    end + 1 == i || prev == d || prev.tomorrow().is_ok_and(|t| t == d)
                }
                _ => false,
            };
            match stretches.last_mut() {
                Some(s) if joins => s.1 = i,
                _ => stretches.push((i, i)),
            }
            last_day = Some(d);
        }
        chart.draw_series(stretches.iter().map(|&(a, b)| {
            Rectangle::new([(a as f64, y.0), (b as f64 + 1.0, y.1)], HIGHLIGHT.filled())
        }))?;
    }

    let span = y.1 - y.0;
    let dec = decimals_for(span);
    let daily = ticks.daily_row;
    let xf = |x: &f64| {
        if daily {
            String::new()
        } else {
            ticks.label_at(*x)
        }
    };
    let yf = |v: &f64| unit_label(*v, dec, y_unit);
    chart
        .configure_mesh()
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .y_labels(8)
        .y_max_light_lines(0)
        .x_desc(axis.label.as_str())
        .y_desc(y_label)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(15))
        .bold_line_style(BLACK.mix(0.15))
        .light_line_style(BLACK.mix(0.07))
        .axis_style(BLACK.mix(0.6))
        .draw()?;
    if daily {
        daily_axis_labels(area, &chart, &ticks)?;
    }
    Ok(chart)
}

/// Below the time axis: a tick at every day boundary with the day of the month centred in
/// its day (where it fits), and the dated labels of the ticks on a second row.
fn daily_axis_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &TimeChart<'_, DB>,
    ticks: &super::time_axis::TimeTicks,
) -> R {
    let base = area.get_base_pixel();
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let axis_y = yr.end - base.1;
    let px = |x: f64| chart.backend_coord(&(x, 0.0)).0 - base.0;
    let tick = BLACK.mix(0.6);
    for &(a, _, _) in &ticks.days {
        let x = px(a);
        area.draw(&PathElement::new(vec![(x, axis_y), (x, axis_y + 5)], tick))?;
    }
    if let Some(&(_, end, _)) = ticks.days.last() {
        let x = px(end).min(xr.end - base.0 - 1);
        area.draw(&PathElement::new(vec![(x, axis_y), (x, axis_y + 5)], tick))?;
    }
    let day_font = font(TICK_PX - 1);
    for &(a, b, dom) in &ticks.days {
        let label = dom.to_string();
        let room = f64::from(px(b) - px(a));
        if room >= label.len() as f64 * (TICK_CHAR_PX - 0.8) + 3.0 {
            area.draw(&Text::new(
                label,
                ((px(a) + px(b)) / 2, axis_y + 6),
                day_font.pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
    }
    for (x, label) in ticks.positions.iter().zip(&ticks.labels) {
        area.draw(&Text::new(
            label.clone(),
            (px(*x), axis_y + 23),
            font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- (a) stacked areas

fn stacked_area<DB: DrawingBackend>(p: &StackedAreaPlot, root: &Area<DB>) -> R {
    let (chart_area, legend) = layout(root, &p.title)?;
    if p.axis.is_empty() {
        return note(
            &chart_area,
            "No data to plot: the time axis has no intervals",
        );
    }
    let n = p.axis.len();
    let val = |s: &super::Series, i: usize| finite(s.values[i]).unwrap_or(0.0).max(0.0);
    let totals: Vec<f64> = (0..n)
        .map(|i| p.layers.iter().map(|s| val(s, i)).sum())
        .collect();
    let y = data_range(totals.iter().copied(), true);
    let mut chart = time_chart(
        &chart_area,
        &p.axis,
        y,
        &p.y_label,
        "",
        p.highlight.as_ref(),
    )?;

    let mut entries = Vec::new();
    let mut lower = vec![0.0; n];
    for (k, s) in p.layers.iter().enumerate() {
        let colour = layer_colour(k);
        let upper: Vec<f64> = (0..n).map(|i| lower[i] + val(s, i)).collect();
        let mut poly: Vec<(f64, f64)> = Vec::with_capacity(4 * n);
        for (i, &u) in upper.iter().enumerate() {
            poly.push((i as f64, u));
            poly.push((i as f64 + 1.0, u));
        }
        for i in (0..n).rev() {
            poly.push((i as f64 + 1.0, lower[i]));
            poly.push((i as f64, lower[i]));
        }
        chart.draw_series(std::iter::once(Polygon::new(
            simplify(poly),
            colour.filled(),
        )))?;
        lower = upper;
        entries.push(entry(s.name.clone(), Swatch::Fill(colour)));
    }
    // Outline of the total, when intervals are wide enough for it to read as an outline.
    let (plot_w, _) = chart.plotting_area().dim_in_pixel();
    let outline = if (n as u32) * 3 <= plot_w {
        step_runs(&totals)
    } else {
        Vec::new()
    };
    for run in outline {
        chart.draw_series(std::iter::once(PathElement::new(run, INK.stroke_width(1))))?;
    }
    entries.reverse(); // legend top to bottom like the stack

    if let Some(o) = &p.overlay {
        let capped: Vec<f64> = (0..n)
            .map(|i| finite(o.values[i]).unwrap_or(0.0).clamp(0.0, totals[i]))
            .collect();
        hatch_columns(&chart, &capped)?;
        for run in step_runs(&capped) {
            chart.draw_series(std::iter::once(PathElement::new(
                run,
                BLACK.stroke_width(2),
            )))?;
        }
        entries.push(entry(o.name.clone(), Swatch::Hatch));
    }
    if p.layers.is_empty() {
        note(
            &chart.plotting_area().strip_coord_spec(),
            "No categories to plot",
        )?;
    }
    entries.extend(target_entry(p.highlight.as_ref()));
    draw_legend(&legend, &entries)
}

fn layer_colour(k: usize) -> RGBColor {
    let base = PALETTE[k % PALETTE.len()];
    // After the first round, lighten so repeated hues stay distinguishable.
    let round = (k / PALETTE.len()) as f64;
    let t = (round * 0.4).min(0.8);
    let mix = |c: u8| (c as f64 + (255.0 - c as f64) * t).round() as u8;
    RGBColor(mix(base.0), mix(base.1), mix(base.2))
}

/// Hatches the region under `values` (one flat column per interval) with "/" lines every
/// 7 pixels, merging pieces of the same diagonal across neighbouring columns.
fn hatch_columns<DB: DrawingBackend>(chart: &TimeChart<'_, DB>, values: &[f64]) -> R {
    let area = chart.plotting_area();
    let base = area.get_base_pixel();
    let px = |x: f64, y: f64| {
        let (a, b) = area.map_coordinate(&(x, y));
        ((a - base.0) as f64, (b - base.1) as f64)
    };
    let bottom = px(0.0, 0.0).1;
    // (x0, x1, top) per column, in pixels relative to the plotting area, y downwards.
    let cols: Vec<(f64, f64, f64)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, &v)| {
            (
                px(i as f64, 0.0).0,
                px(i as f64 + 1.0, 0.0).0,
                px(i as f64, v).1,
            )
        })
        .filter(|c| c.2 < bottom)
        .collect();
    if cols.is_empty() {
        return Ok(());
    }
    let top_min = cols.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
    let (xmin, xmax) = (cols[0].0, cols[cols.len() - 1].1);
    let mut segments: Vec<((f64, f64), (f64, f64))> = Vec::new();
    let mut k = (xmin + top_min).floor();
    // Align the pattern to a global 7-px lattice so neighbouring plots look alike.
    k -= k.rem_euclid(7.0);
    while k <= xmax + bottom {
        let mut current: Option<(f64, f64)> = None; // (lo, hi) in x along this diagonal
        for &(x0, x1, top) in &cols {
            let lo = x0.max(k - bottom);
            let hi = x1.min(k - top);
            if lo >= hi {
                continue;
            }
            current = match current {
                Some((a, b)) if (lo - b).abs() < 0.51 => Some((a, hi)),
                Some((a, b)) => {
                    segments.push(((a, k - a), (b, k - b)));
                    Some((lo, hi))
                }
                None => Some((lo, hi)),
            };
        }
        if let Some((a, b)) = current {
            segments.push(((a, k - a), (b, k - b)));
        }
        k += 7.0;
    }
    let plain = area.strip_coord_spec();
    let style = BLACK.mix(0.75).stroke_width(1);
    for ((ax, ay), (bx, by)) in segments {
        plain.draw(&PathElement::new(
            vec![
                (ax.round() as i32, ay.round() as i32),
                (bx.round() as i32, by.round() as i32),
            ],
            style,
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- (b) step lines

fn step_lines<DB: DrawingBackend>(p: &StepLinesPlot, root: &Area<DB>) -> R {
    let (chart_area, legend) = layout(root, &p.title)?;
    if p.axis.is_empty() {
        return note(
            &chart_area,
            "No data to plot: the time axis has no intervals",
        );
    }
    let n = p.axis.len();
    let val = |s: &super::Series, i: usize| finite(s.values[i]).unwrap_or(0.0).max(0.0);
    let cap_total: Vec<f64> = (0..n)
        .map(|i| p.capacity.iter().map(|s| val(s, i)).sum())
        .collect();
    let all = cap_total
        .iter()
        .copied()
        .chain(p.lines.iter().flat_map(|s| s.values.iter().copied()));
    let y = data_range(all, true);
    let mut chart = time_chart(
        &chart_area,
        &p.axis,
        y,
        &p.y_label,
        "",
        p.highlight.as_ref(),
    )?;

    let mut entries = Vec::new();
    let mut lower = vec![0.0; n];
    let mut cap_entries = Vec::new();
    for (k, s) in p.capacity.iter().enumerate() {
        let colour = CAPACITY[k % CAPACITY.len()];
        let upper: Vec<f64> = (0..n).map(|i| lower[i] + val(s, i)).collect();
        let mut poly: Vec<(f64, f64)> = Vec::with_capacity(4 * n);
        for (i, &u) in upper.iter().enumerate() {
            poly.push((i as f64, u));
            poly.push((i as f64 + 1.0, u));
        }
        for i in (0..n).rev() {
            poly.push((i as f64 + 1.0, lower[i]));
            poly.push((i as f64, lower[i]));
        }
        chart.draw_series(std::iter::once(Polygon::new(
            simplify(poly),
            colour.filled(),
        )))?;
        lower = upper;
        cap_entries.push(entry(s.name.clone(), Swatch::Fill(colour)));
    }
    cap_entries.reverse();

    // Dash patterns tell lines apart in grey print, but over intervals narrower than a few
    // pixels they only add noise (and thousands of SVG elements): then colour alone.
    let (plot_w, _) = chart.plotting_area().dim_in_pixel();
    let dense = (n as u32) * 3 > plot_w;
    for (k, s) in p.lines.iter().enumerate() {
        let colour = line_colour(k);
        let dash = if dense { Dash::Solid } else { dash_for(k) };
        for run in step_runs(&s.values) {
            draw_data_line(&mut chart, run, colour, 2, dash)?;
        }
        entries.push(entry(s.name.clone(), Swatch::Line(colour, 2, dash)));
    }
    entries.extend(cap_entries);
    let nothing = p
        .lines
        .iter()
        .all(|s| s.values.iter().all(|v| !v.is_finite()))
        && cap_total.iter().all(|v| *v == 0.0);
    if nothing {
        note(
            &chart.plotting_area().strip_coord_spec(),
            "No values to plot",
        )?;
    }
    entries.extend(target_entry(p.highlight.as_ref()));
    draw_legend(&legend, &entries)
}

/// Line colours: blue, vermillion, reddish purple, black, then the rest of the palette.
fn line_colour(k: usize) -> RGBColor {
    const ORDER: [RGBColor; 7] = [
        PALETTE[0],
        PALETTE[5],
        PALETTE[4],
        RGBColor(0, 0, 0),
        PALETTE[3],
        PALETTE[1],
        PALETTE[2],
    ];
    ORDER[k % ORDER.len()]
}

/// A polyline as pieces plotters' bitmap backend draws faithfully: points that land on the
/// previous point's pixel are dropped (a zero-length segment of a wide line is drawn as a
/// spike), and the line is split where it turns by more than 90° in pixels (the miter of
/// such a join reaches far beyond the data, e.g. above a 100% axis).
fn pixel_paths<DB: DrawingBackend>(
    chart: &TimeChart<'_, DB>,
    run: Vec<(f64, f64)>,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    let mut px: Vec<(i32, i32)> = Vec::new();
    for p in run {
        let c = chart.backend_coord(&p);
        if px.last() == Some(&c) {
            continue;
        }
        let cur = out.last_mut().expect("never empty");
        if let (Some(&b), Some(&a)) = (px.last(), px.len().checked_sub(2).and_then(|i| px.get(i))) {
            let (u, v) = ((b.0 - a.0, b.1 - a.1), (c.0 - b.0, c.1 - b.1));
            if u.0 * v.0 + u.1 * v.1 < 0 {
                let joint = *cur.last().expect("has the previous point");
                out.push(vec![joint]);
                px = vec![b];
            }
        }
        out.last_mut().expect("never empty").push(p);
        px.push(c);
    }
    out.retain(|r| !r.is_empty());
    out
}

fn draw_data_line<DB: DrawingBackend>(
    chart: &mut TimeChart<'_, DB>,
    run: Vec<(f64, f64)>,
    c: RGBColor,
    width: u32,
    dash: Dash,
) -> R {
    let style = c.stroke_width(width);
    match dash {
        Dash::Solid => {
            let pieces = pixel_paths(chart, run);
            chart.draw_series(pieces.into_iter().map(|r| PathElement::new(r, style)))?;
        }
        Dash::Dashed => {
            chart.draw_series(DashedLineSeries::new(run, 9, 5, style))?;
        }
        Dash::Dotted => {
            chart.draw_series(DashedLineSeries::new(run, 3, 4, style))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- (c) line with band

fn band<DB: DrawingBackend>(p: &BandPlot, root: &Area<DB>) -> R {
    let (chart_area, legend) = layout(root, &p.title)?;
    if p.axis.is_empty() {
        return note(
            &chart_area,
            "No data to plot: the time axis has no intervals",
        );
    }
    let n = p.axis.len();
    let y = match p.y_range {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() && hi > lo => (lo, hi),
        _ => {
            let band_vals = p
                .band
                .iter()
                .flat_map(|b| b.low.iter().chain(&b.high).copied());
            let target = p.target.iter().map(|t| t.value);
            data_range(
                p.line.values.iter().copied().chain(band_vals).chain(target),
                true,
            )
        }
    };
    let mut chart = time_chart(
        &chart_area,
        &p.axis,
        y,
        &p.y_label,
        &p.y_unit,
        p.highlight.as_ref(),
    )?;
    let clamp = |v: f64| v.clamp(y.0, y.1);
    let blue = PALETTE[0];
    let mut entries = Vec::new();

    entries.push(entry(
        p.line.name.clone(),
        Swatch::Line(blue, 2, Dash::Solid),
    ));
    if let Some(b) = &p.band {
        let band_colour = blue.mix(0.25);
        // Runs of intervals where both bounds are known.
        let both = (0..n).map(|i| {
            let (lo, hi) = (b.low[i], b.high[i]);
            let ok = lo.is_finite() && hi.is_finite();
            (i, if ok { 0.0 } else { f64::NAN })
        });
        for run in runs(both.map(|(i, v)| (i as f64, v))) {
            let idx: Vec<usize> = run.iter().map(|(x, _)| *x as usize).collect();
            let mut poly: Vec<(f64, f64)> = idx
                .iter()
                .map(|&i| (i as f64 + 0.5, clamp(b.high[i].max(b.low[i]))))
                .collect();
            poly.extend(
                idx.iter()
                    .rev()
                    .map(|&i| (i as f64 + 0.5, clamp(b.low[i].min(b.high[i])))),
            );
            if idx.len() == 1 {
                // A lone interval: draw its band as a short vertical bar.
                let i = idx[0] as f64;
                let (lo, hi) = (poly[1].1, poly[0].1);
                poly = vec![(i + 0.3, hi), (i + 0.7, hi), (i + 0.7, lo), (i + 0.3, lo)];
            }
            chart.draw_series(std::iter::once(Polygon::new(poly, band_colour.filled())))?;
        }
        entries.push(entry(b.label.clone(), Swatch::Translucent(band_colour)));
    }
    let line_runs = runs(
        p.line
            .values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f64 + 0.5, if v.is_finite() { clamp(v) } else { v })),
    );
    for run in &line_runs {
        if run.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(run[0], 3, blue.filled())))?;
        } else {
            let pieces = pixel_paths(&chart, run.clone());
            chart.draw_series(
                pieces
                    .into_iter()
                    .map(|r| PathElement::new(r, blue.stroke_width(2))),
            )?;
        }
    }
    if let Some(t) = &p.target {
        if t.value.is_finite() {
            let pts = vec![(0.0, clamp(t.value)), (n as f64, clamp(t.value))];
            chart.draw_series(DashedLineSeries::new(pts, 10, 6, BLACK.stroke_width(2)))?;
            entries.push(entry(
                t.label.clone(),
                Swatch::Line(RGBColor(0, 0, 0), 2, Dash::Dashed),
            ));
            let below: Vec<(f64, f64)> = p
                .line
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite() && **v < t.value)
                .map(|(i, &v)| (i as f64 + 0.5, clamp(v)))
                .collect();
            if !below.is_empty() {
                let r = if n > 400 { 2 } else { 3 };
                chart.draw_series(
                    below
                        .into_iter()
                        .map(|pt| Circle::new(pt, r, VERMILLION.filled())),
                )?;
                entries.push(entry("Below target", Swatch::Marker(VERMILLION)));
            }
        }
    }
    if line_runs.is_empty() {
        note(
            &chart.plotting_area().strip_coord_spec(),
            "No values to plot",
        )?;
    }
    entries.extend(target_entry(p.highlight.as_ref()));
    draw_legend(&legend, &entries)
}

// ---------------------------------------------------------------- (d) frontier

fn frontier<DB: DrawingBackend>(p: &FrontierPlot, root: &Area<DB>) -> R {
    let (chart_area, legend) = layout(root, &p.title)?;
    let mut pts: Vec<FrontierPoint> = p
        .points
        .iter()
        .copied()
        .filter(|q| q.flex_headcount.is_finite())
        .collect();
    pts.sort_by(|a, b| a.flex_headcount.total_cmp(&b.flex_headcount));
    if pts.is_empty() {
        return note(&chart_area, "No data to plot: the frontier has no points");
    }
    let chosen = p.chosen.filter(|c| c.is_finite());
    let axis = HeadAxis::of(&pts, chosen);
    let (_, h) = chart_area.dim_in_pixel();
    let (top, bottom) = chart_area.split_vertically(h * 52 / 100);
    let (mut c1, mut entries) = probability_panel(p, &pts, &axis, &top)?;
    let (mut c2, y, cost_entry) = cost_panel(p, &pts, &axis, &bottom)?;
    entries.push(cost_entry);
    // The chosen headcount in both panels, drawn last (after both panels' content).
    if let Some(c) = chosen {
        let style = VERMILLION.stroke_width(2);
        c1.draw_series(DashedLineSeries::new(vec![(c, 0.0), (c, 1.0)], 6, 4, style))?;
        c2.draw_series(DashedLineSeries::new(vec![(c, y.0), (c, y.1)], 6, 4, style))?;
        entries.push(entry(
            format!("Chosen: {}", axis.label(c)),
            Swatch::Line(VERMILLION, 2, Dash::Dashed),
        ));
    }
    draw_legend(&legend, &entries)
}

/// The frontier's shared horizontal axis: headcounts (whole numbers), padded by 4 %, with
/// ticks on a 1-2-5 ladder of whole steps.
struct HeadAxis {
    x0: f64,
    x1: f64,
    ticks: Vec<f64>,
    decimals: usize,
}

impl HeadAxis {
    fn of(pts: &[FrontierPoint], chosen: Option<f64>) -> HeadAxis {
        let (mut x0, mut x1) = (pts[0].flex_headcount, pts[pts.len() - 1].flex_headcount);
        if let Some(c) = chosen {
            x0 = x0.min(c);
            x1 = x1.max(c);
        }
        let pad = if x1 - x0 < 1e-9 {
            1.0
        } else {
            (x1 - x0) * 0.04
        };
        let (x0, x1) = (x0 - pad, x1 + pad);
        let step = nice_step(x1 - x0, 10);
        let first = (x0 / step).ceil() as i64;
        let last = (x1 / step).floor() as i64;
        HeadAxis {
            x0,
            x1,
            ticks: (first..=last).map(|k| k as f64 * step).collect(),
            decimals: if step >= 1.0 {
                0
            } else {
                decimals_for(step * 8.0)
            },
        }
    }

    fn key(&self) -> KeyAxis {
        KeyAxis {
            range: self.x0..self.x1,
            bold: self.ticks.clone(),
            light: Vec::new(),
        }
    }

    fn label(&self, v: f64) -> String {
        format::thousands(v, self.decimals)
    }
}

/// The frontier's top panel: the probability of keeping the promise per headcount, with
/// its confidence bars and the required probability; returns the chart and its legend
/// entries.
fn probability_panel<'a, DB: DrawingBackend>(
    p: &FrontierPlot,
    pts: &[FrontierPoint],
    axis: &HeadAxis,
    area: &'a Area<DB>,
) -> R<(TimeChart<'a, DB>, Vec<Entry>)> {
    let blue = PALETTE[0];
    let mut entries = Vec::new();
    let mut c1 = ChartBuilder::on(area)
        .margin(10)
        .margin_right(25)
        .x_label_area_size(30)
        .y_label_area_size(Y_AREA_PX)
        .build_cartesian_2d(axis.key(), 0.0..1.0)?;
    let xf = |v: &f64| axis.label(*v);
    let pf = |v: &f64| format::fraction_percent(*v, 0);
    c1.configure_mesh()
        .x_label_formatter(&xf)
        .y_label_formatter(&pf)
        .y_labels(6)
        .max_light_lines(0)
        .y_desc(p.p_label.as_str())
        .label_style(font(TICK_PX))
        .axis_desc_style(font(14))
        .bold_line_style(BLACK.mix(0.15))
        .axis_style(BLACK.mix(0.6))
        .draw()?;
    let prob: Vec<(f64, f64)> = pts
        .iter()
        .filter(|q| q.p_meet.is_finite())
        .map(|q| (q.flex_headcount, q.p_meet.clamp(0.0, 1.0)))
        .collect();
    let cis: Vec<(f64, f64, f64)> = pts
        .iter()
        .filter_map(|q| match (q.p_low, q.p_high) {
            (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
                Some((q.flex_headcount, l.clamp(0.0, 1.0), h.clamp(0.0, 1.0)))
            }
            _ => None,
        })
        .collect();
    if !cis.is_empty() {
        let style = blue.mix(0.6).stroke_width(1);
        c1.draw_series(
            cis.iter()
                .map(|&(x, l, h)| PathElement::new(vec![(x, l), (x, h)], style)),
        )?;
        for &(x, l, h) in &cis {
            for v in [l, h] {
                c1.draw_series(std::iter::once(
                    EmptyElement::at((x, v)) + PathElement::new(vec![(-5, 0), (5, 0)], style),
                ))?;
            }
        }
    }
    c1.draw_series(std::iter::once(PathElement::new(
        prob.clone(),
        blue.stroke_width(2),
    )))?;
    c1.draw_series(prob.iter().map(|&pt| Circle::new(pt, 4, blue.filled())))?;
    entries.push(entry(
        if p.p_label.is_empty() {
            "P(meet target)"
        } else {
            &p.p_label
        }
        .to_string(),
        Swatch::Line(blue, 2, Dash::Solid),
    ));
    if !cis.is_empty() {
        let label = if p.ci_label.is_empty() {
            "Confidence interval"
        } else {
            &p.ci_label
        };
        entries.push(entry(label, Swatch::Line(blue, 1, Dash::Solid)));
    }
    if let Some(t) = p
        .target_probability
        .as_ref()
        .filter(|t| t.value.is_finite())
    {
        let v = t.value.clamp(0.0, 1.0);
        c1.draw_series(DashedLineSeries::new(
            vec![(axis.x0, v), (axis.x1, v)],
            10,
            6,
            BLACK.stroke_width(2),
        ))?;
        entries.push(entry(
            t.label.clone(),
            Swatch::Line(RGBColor(0, 0, 0), 2, Dash::Dashed),
        ));
    }
    Ok((c1, entries))
}

/// The frontier's bottom panel: the cost per headcount; returns the chart, its value range
/// and its legend entry.
fn cost_panel<'a, DB: DrawingBackend>(
    p: &FrontierPlot,
    pts: &[FrontierPoint],
    axis: &HeadAxis,
    area: &'a Area<DB>,
) -> R<(TimeChart<'a, DB>, (f64, f64), Entry)> {
    let orange = PALETTE[1];
    let costs: Vec<(f64, f64)> = pts
        .iter()
        .filter(|q| q.cost_eur.is_finite())
        .map(|q| (q.flex_headcount, q.cost_eur))
        .collect();
    let y = data_range(costs.iter().map(|c| c.1), true);
    let mut c2 = ChartBuilder::on(area)
        .margin(10)
        .margin_right(25)
        .x_label_area_size(50)
        .y_label_area_size(Y_AREA_PX)
        .build_cartesian_2d(axis.key(), y.0..y.1)?;
    let xf = |v: &f64| axis.label(*v);
    let ef = |v: &f64| format::eur(*v);
    c2.configure_mesh()
        .x_label_formatter(&xf)
        .y_label_formatter(&ef)
        .y_labels(6)
        .max_light_lines(0)
        .x_desc(p.x_label.as_str())
        .y_desc(p.cost_label.as_str())
        .label_style(font(TICK_PX))
        .axis_desc_style(font(14))
        .bold_line_style(BLACK.mix(0.15))
        .axis_style(BLACK.mix(0.6))
        .draw()?;
    c2.draw_series(std::iter::once(PathElement::new(
        costs.clone(),
        orange.stroke_width(2),
    )))?;
    c2.draw_series(
        costs
            .iter()
            .map(|&pt| TriangleMarker::new(pt, 6, orange.filled())),
    )?;
    if costs.is_empty() {
        note(&c2.plotting_area().strip_coord_spec(), "No cost values")?;
    }
    let label = entry(
        if p.cost_label.is_empty() {
            "Cost"
        } else {
            &p.cost_label
        }
        .to_string(),
        Swatch::Line(orange, 2, Dash::Solid),
    );
    Ok((c2, y, label))
}

// ---------------------------------------------------------------- (e) bars

fn bars<DB: DrawingBackend>(p: &BarPlot, root: &Area<DB>) -> R {
    let body = titled(root, &p.title)?;
    if p.bars.is_empty() {
        return note(&body, "No data to plot: there are no bars");
    }
    let n = p.bars.len();
    let labels: Vec<String> = p.bars.iter().map(|b| truncate(&b.label, 48)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let y_area = ((longest as f64 * TICK_CHAR_PX) as u32 + 24).clamp(80, 420);
    let ends = p
        .bars
        .iter()
        .flat_map(|b| b.interval.into_iter().flat_map(|(l, h)| [l, h]));
    let (lo, hi) = data_range(p.bars.iter().map(|b| b.value).chain(ends), true);
    // Room on the right for value labels.
    // (Longer labels when a bar has an interval: "€22,062 (95%: €14,950 to €29,175)".)
    let room = if p.bars.iter().any(|b| b.interval.is_some()) {
        0.45
    } else {
        0.12
    };
    let hi = if hi > 0.0 { hi + (hi - lo) * room } else { hi };
    let fmt_value = |v: f64, dec: usize| match p.unit {
        ValueUnit::Plain => format::thousands(v, dec),
        ValueUnit::Eur => format::eur(v),
        ValueUnit::Percent => format::percent(v, dec.max(1)),
    };
    let dec = decimals_for(hi - lo);
    let centres: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    let y = KeyAxis {
        range: 0.0..n as f64,
        bold: centres,
        light: Vec::new(),
    };
    let mut chart = ChartBuilder::on(&body)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(y_area)
        .build_cartesian_2d(lo..hi, y)?;
    // Bar 0 at the top.
    let row = |i: usize| (n - 1 - i) as f64;
    let yf = |v: &f64| {
        let k = (v - 0.5).round();
        if (k + 0.5 - v).abs() < 1e-9 && k >= 0.0 && (k as usize) < n {
            labels[n - 1 - k as usize].clone()
        } else {
            String::new()
        }
    };
    let xf = |v: &f64| fmt_value(*v, dec);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_labels(8)
        .max_light_lines(0)
        .x_desc(p.x_label.as_str())
        .label_style(font(TICK_PX))
        .axis_desc_style(font(15))
        .bold_line_style(BLACK.mix(0.15))
        .axis_style(BLACK.mix(0.6))
        .draw()?;
    let blue = PALETTE[0];
    for (i, b) in p.bars.iter().enumerate() {
        let y0 = row(i);
        match finite(b.value) {
            Some(v) => {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0 + 0.2), (v, y0 + 0.8)],
                    blue.filled(),
                )))?;
                let mut right = v.max(0.0);
                let mut label = fmt_value(v, dec);
                if let Some((l, h)) = b.interval.filter(|(l, h)| l.is_finite() && h.is_finite()) {
                    let style = INK.stroke_width(2);
                    let (l, h) = (l.min(h), l.max(h));
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(l, y0 + 0.5), (h, y0 + 0.5)],
                        style,
                    )))?;
                    for x in [l, h] {
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(x, y0 + 0.38), (x, y0 + 0.62)],
                            style,
                        )))?;
                    }
                    right = right.max(h);
                    label = format!(
                        "{label} (95%: {} to {})",
                        fmt_value(l, dec),
                        fmt_value(h, dec)
                    );
                }
                let at = (right, y0 + 0.5);
                chart.draw_series(std::iter::once(
                    EmptyElement::at(at)
                        + Text::new(
                            label,
                            (6, 0),
                            font(13).pos(Pos::new(HPos::Left, VPos::Center)),
                        ),
                ))?;
            }
            None => {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((0.0, y0 + 0.5))
                        + Text::new(
                            "n/a".to_string(),
                            (6, 0),
                            font(13).pos(Pos::new(HPos::Left, VPos::Center)),
                        ),
                ))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_keeps_corners_only() {
        let steps = step_runs(&[1.0, 1.0, 1.0, 2.0, f64::NAN, 3.0]);
        assert_eq!(
            steps,
            vec![
                vec![(0.0, 1.0), (3.0, 1.0), (3.0, 2.0), (4.0, 2.0)],
                vec![(5.0, 3.0), (6.0, 3.0)]
            ]
        );
        assert_eq!(simplify(vec![(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]).len(), 3);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(32.0, 10), 5.0); // 20..52 → 7 ticks
        assert_eq!(nice_step(4.0, 10), 1.0); // whole headcounts, never 0.5
        assert_eq!(nice_step(100.0, 10), 10.0);
        assert_eq!(nice_step(0.5, 10), 0.05);
        assert_eq!(nice_step(0.0, 10), 1.0);
        assert_eq!(nice_step(f64::NAN, 10), 1.0);
    }

    #[test]
    fn data_ranges() {
        assert_eq!(data_range([0.0, 0.0].into_iter(), true), (0.0, 1.0));
        assert_eq!(data_range([f64::NAN].into_iter(), true), (0.0, 1.0));
        assert_eq!(data_range([5.0].into_iter(), false), (4.0, 6.0));
        let (lo, hi) = data_range([2.0, 10.0].into_iter(), true);
        assert_eq!(lo, 0.0);
        assert!((hi - 10.8).abs() < 1e-12);
    }

    #[test]
    fn legend_labels_wrap_on_words() {
        assert_eq!(wrap2("short", 10), vec!["short"]);
        assert_eq!(
            wrap2("of which caused by campaigns", 20),
            vec!["of which caused by", "campaigns"]
        );
        assert_eq!(wrap2("abcdefghijklmnop", 8), vec!["abcdefg…"]);
    }
}
