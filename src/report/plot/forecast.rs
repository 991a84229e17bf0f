//! (f) A daily forecast: the history's last weeks as a line, then the forecast median per
//! day with its 80 % and 95 % bands, a dashed line at the forecast origin and markers on
//! days set aside. One point per calendar day on an ordinal day axis.

use jiff::civil::Date;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Band, PALETTE, PlotError, format};

type Area<DB> = DrawingArea<DB, Shift>;
/// Draws a legend swatch at (x, y) of the legend area.
type Swatch<'a, DB> = Box<dyn Fn(&Area<DB>, i32, i32) -> Result<(), PlotError> + 'a>;

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(40, 40, 40);

/// The daily forecast plot. Every series has one value per day of `days` (NaN = none).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DailyForecastPlot {
    pub title: String,
    /// With unit, e.g. "Contacts per day".
    pub y_label: String,
    /// The days of the x axis, consecutive.
    pub days: Vec<Date>,
    /// The history (e.g. "Actual (history)").
    pub actual: super::Series,
    /// The forecast median.
    pub median: super::Series,
    /// The 80 % and 95 % prediction intervals.
    pub band80: Band,
    pub band95: Band,
    /// Days set aside as extraordinary (drawn as markers at their value), with a legend
    /// label; NaN = not set aside.
    pub set_aside: super::Series,
    /// The last day of history: a dashed line after it.
    pub origin: Option<Date>,
}

impl DailyForecastPlot {
    /// (series name, length) of every per-day series.
    pub(super) fn lengths(&self) -> Vec<(String, usize)> {
        vec![
            (self.actual.name.clone(), self.actual.values.len()),
            (self.median.name.clone(), self.median.values.len()),
            (
                format!("{} (low)", self.band80.label),
                self.band80.low.len(),
            ),
            (
                format!("{} (high)", self.band80.label),
                self.band80.high.len(),
            ),
            (
                format!("{} (low)", self.band95.label),
                self.band95.low.len(),
            ),
            (
                format!("{} (high)", self.band95.label),
                self.band95.high.len(),
            ),
            (self.set_aside.name.clone(), self.set_aside.values.len()),
        ]
    }
}

fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px).into_font()).color(&INK)
}

/// Runs of consecutive indices where `ok` holds.
fn runs(n: usize, ok: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur = Vec::new();
    for i in 0..n {
        if ok(i) {
            cur.push(i);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn draw<DB: DrawingBackend>(
    p: &DailyForecastPlot,
    root: &Area<DB>,
) -> Result<(), PlotError> {
    title(root, &p.title)?;
    let body = root.split_vertically(46).1;
    let (bw, _) = body.dim_in_pixel();
    let legend_w = (bw / 5).clamp(200, 280);
    let (chart_area, legend) = body.split_horizontally(bw.saturating_sub(legend_w));
    let n = p.days.len();
    if n == 0 {
        let (cw, ch) = chart_area.dim_in_pixel();
        chart_area.draw(&Text::new(
            "No days to plot",
            (cw as i32 / 2, ch as i32 / 2),
            font(18).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        return Ok(());
    }
    let all = p
        .actual
        .values
        .iter()
        .chain(&p.median.values)
        .chain(&p.band95.high)
        .chain(&p.band80.high)
        .copied()
        .filter(|v| v.is_finite());
    let hi = all.fold(0.0f64, f64::max);
    let y_max = if hi > 0.0 { hi * 1.08 } else { 1.0 };
    // About one tick label per 90 pixels, on whole weeks when there are many days.
    let (cw, _) = chart_area.dim_in_pixel();
    let max_ticks = ((cw as f64 - 120.0) / 90.0).max(2.0) as usize;
    let step = match n.div_ceil(max_ticks) {
        s if s > 7 => s.div_ceil(7) * 7,
        s if s > 3 => 7,
        s => s.max(1),
    };
    let days = p.days.clone();
    let xf = move |x: &f64| {
        let i = x.floor();
        if i < 0.0 || (i as usize) >= days.len() {
            return String::new();
        }
        format::day(days[i as usize])
    };
    let yf = |v: &f64| format::thousands(*v, 0);
    let mut chart = ChartBuilder::on(&chart_area)
        .margin(10)
        .margin_right(25)
        .x_label_area_size(55)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..n as f64, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_labels(n.div_ceil(step) + 1)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .y_labels(8)
        .x_max_light_lines(0)
        .y_max_light_lines(0)
        .x_desc("Day")
        .y_desc(p.y_label.as_str())
        .label_style(font(13))
        .axis_desc_style(font(15))
        .bold_line_style(BLACK.mix(0.12))
        .axis_style(BLACK.mix(0.6))
        .draw()?;

    let blue = PALETTE[0];
    let mut legend_entries: Vec<(String, Swatch<'_, DB>)> = Vec::new();
    for (band, alpha) in [(&p.band95, 0.15), (&p.band80, 0.32)] {
        legend_entries.push(self::band(&mut chart, n, band, blue.mix(alpha), y_max)?);
    }
    let ink = RGBColor(60, 60, 60);
    line(&mut chart, &p.actual.values, ink)?;
    line(&mut chart, &p.median.values, blue)?;
    legend_entries.insert(0, (p.actual.name.clone(), line_swatch(ink)));
    legend_entries.insert(1, (p.median.name.clone(), line_swatch(blue)));
    let marks: Vec<(f64, f64)> = p
        .set_aside
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, &v)| (i as f64 + 0.5, v.min(y_max)))
        .collect();
    let vermillion = PALETTE[5];
    if !marks.is_empty() {
        chart.draw_series(
            marks
                .into_iter()
                .map(|pt| Circle::new(pt, 4, vermillion.filled())),
        )?;
        legend_entries.push((
            p.set_aside.name.clone(),
            Box::new(move |a: &Area<DB>, x: i32, y: i32| {
                a.draw(&Circle::new((x + 17, y + 8), 4, vermillion.filled()))?;
                Ok(())
            }),
        ));
    }
    if let Some(o) = p.origin
        && let Some(i) = p.days.iter().position(|d| *d == o)
    {
        origin(&mut chart, i, o, y_max)?;
    }
    legend_list(&legend, &legend_entries)
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The title, bold, centred, shrunk to fit the width.
fn title<DB: DrawingBackend>(root: &Area<DB>, title: &str) -> Result<(), PlotError> {
    let (w, _) = root.dim_in_pixel();
    let fit = (w as f64 - 20.0) / (0.62 * title.chars().count().max(1) as f64);
    root.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, 12),
        TextStyle::from(
            (FONT, fit.clamp(12.0, 22.0) as u32)
                .into_font()
                .style(FontStyle::Bold),
        )
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(())
}

/// One band (`colour`, translucent) as polygons over its runs of days (of the first `n`)
/// with both bounds; returns its legend entry.
fn band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'_, DB>,
    n: usize,
    band: &Band,
    colour: RGBAColor,
    y_max: f64,
) -> Result<(String, Swatch<'a, DB>), PlotError> {
    for run in runs(n, |i| band.low[i].is_finite() && band.high[i].is_finite()) {
        let mut poly: Vec<(f64, f64)> = run
            .iter()
            .map(|&i| (i as f64 + 0.5, band.high[i].min(y_max)))
            .collect();
        poly.extend(
            run.iter()
                .rev()
                .map(|&i| (i as f64 + 0.5, band.low[i].max(0.0))),
        );
        if run.len() == 1 {
            let i = run[0] as f64;
            let (lo, hi) = (poly[1].1, poly[0].1);
            poly = vec![(i + 0.3, hi), (i + 0.7, hi), (i + 0.7, lo), (i + 0.3, lo)];
        }
        chart.draw_series(std::iter::once(Polygon::new(poly, colour.filled())))?;
    }
    Ok((
        band.label.clone(),
        Box::new(move |a: &Area<DB>, x: i32, y: i32| {
            a.draw(&Rectangle::new([(x, y), (x + 34, y + 16)], colour.filled()))?;
            Ok(())
        }),
    ))
}

/// A series as lines over its runs of days with values (a dot for a single day).
fn line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    values: &[f64],
    colour: RGBColor,
) -> Result<(), PlotError> {
    for run in runs(values.len(), |i| values[i].is_finite()) {
        if run.len() == 1 {
            let i = run[0];
            chart.draw_series(std::iter::once(Circle::new(
                (i as f64 + 0.5, values[i]),
                3,
                colour.filled(),
            )))?;
        } else {
            chart.draw_series(std::iter::once(PathElement::new(
                run.iter()
                    .map(|&i| (i as f64 + 0.5, values[i]))
                    .collect::<Vec<_>>(),
                colour.stroke_width(2),
            )))?;
        }
    }
    Ok(())
}

/// A legend swatch: a line of `colour`.
fn line_swatch<'a, DB: DrawingBackend + 'a>(colour: RGBColor) -> Swatch<'a, DB> {
    Box::new(move |a: &Area<DB>, x: i32, y: i32| {
        a.draw(&PathElement::new(
            vec![(x, y + 8), (x + 34, y + 8)],
            colour.stroke_width(2),
        ))?;
        Ok(())
    })
}

/// The forecast origin `o` (day `i`): a dashed line after it, labelled.
fn origin<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    i: usize,
    o: Date,
    y_max: f64,
) -> Result<(), PlotError> {
    let x = i as f64 + 1.0;
    chart.draw_series(DashedLineSeries::new(
        vec![(x, 0.0), (x, y_max)],
        8,
        5,
        BLACK.mix(0.7).stroke_width(1),
    ))?;
    let area = chart.plotting_area();
    let (px, py) = area.map_coordinate(&(x, y_max));
    let base = area.get_base_pixel();
    area.strip_coord_spec().draw(&Text::new(
        format!("Forecast origin {}", format::day(o)),
        (px - base.0 + 4, py - base.1 + 4),
        font(13),
    ))?;
    Ok(())
}

/// The legend: each entry's swatch and label (shortened to fit), top down while room.
fn legend_list<DB: DrawingBackend>(
    legend: &Area<DB>,
    entries: &[(String, Swatch<'_, DB>)],
) -> Result<(), PlotError> {
    let (lw, lh) = legend.dim_in_pixel();
    let max_chars = ((lw as f64 - 60.0) / 7.8).max(8.0) as usize;
    let mut y = 30;
    for (label, swatch) in entries {
        if y + 20 > lh as i32 {
            break;
        }
        swatch(legend, 8, y)?;
        let text: String = if label.chars().count() > max_chars {
            let mut t: String = label.chars().take(max_chars - 1).collect();
            t.push('…');
            t
        } else {
            label.clone()
        };
        legend.draw(&Text::new(
            text,
            (50, y + 8),
            font(14).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 28;
    }
    Ok(())
}
