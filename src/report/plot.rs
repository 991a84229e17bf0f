//! Data-agnostic plots for the report, drawn with plotters to PNG or SVG.
//!
//! Each plot is a plain struct of named inputs ([`StackedAreaPlot`], [`StepLinesPlot`],
//! [`BandPlot`], [`FrontierPlot`], [`BarPlot`], [`DailyForecastPlot`]); wrap it in [`Plot`] and call
//! [`Plot::write`] (format from the file extension, written atomically), [`Plot::to_svg`]
//! (a string to inline in HTML) or [`Plot::to_rgb`] (raw pixels, for checks). The plots know
//! nothing about scenarios or simulations: the caller turns its results into series.
//!
//! Time plots use an *ordinal* time axis: interval `i` occupies `[i, i + 1)` on the x axis, so
//! closed hours (nights, Sundays) take no room and a 25-hour DST day needs no special case.
//! Tick labels come from the intervals' local start times ("Fri 12 Feb 10:00" for a day or two,
//! "Fri 12 Feb" for weeks), and faint lines mark the start of every day.
//!
//! Text is rendered with the DejaVu Sans font compiled into the binary (registered once, see
//! [`ensure_font`]), so no system font library is needed; in PNGs each glyph is placed at its
//! exact pen position (`raster_text`), so letters are evenly spaced. Degenerate data never panics: an
//! empty axis or all-NaN series draws the frame with a "no data" note; series of the wrong
//! length are an error.

mod draw;
mod forecast;
/// Number and date formatting ([`crate::format`], shared by every output).
pub use crate::format;
mod raster_text;
mod time_axis;

pub use forecast::DailyForecastPlot;

use std::path::Path;
use std::sync::OnceLock;

use jiff::civil::{Date, DateTime};
use plotters::prelude::*;

use super::atomic::{self, AtomicError};

/// Default picture size in pixels: wide enough for a legend column and six weeks of ticks.
pub const DEFAULT_SIZE: PlotSize = PlotSize {
    width: 1200,
    height: 600,
};

/// A picture size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotSize {
    pub width: u32,
    pub height: u32,
}

/// Output format of a plot file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    /// The format named by a path's extension (`.png` or `.svg`, any case).
    pub fn from_path(path: &Path) -> Result<Format, PlotError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(PlotError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// What went wrong while drawing a plot.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A series does not have one value per interval (or per point).
    #[error(
        "plot `{plot}`: series `{series}` has {got} values but the axis has {expected}; \
         every series needs one value per interval"
    )]
    LengthMismatch {
        plot: String,
        series: String,
        expected: usize,
        got: usize,
    },
    /// The output path does not end in `.png` or `.svg`.
    #[error("{path}: cannot tell the picture format; use a file name ending in .png or .svg")]
    UnknownFormat { path: std::path::PathBuf },
    /// The picture size is too small to lay out a plot.
    #[error("plot size {width}×{height} is too small; use at least 400×300 pixels")]
    TooSmall { width: u32, height: u32 },
    /// The embedded font could not be registered (should never happen).
    #[error("cannot register the embedded DejaVu Sans font: {0}")]
    Font(String),
    /// plotters reported a drawing failure.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// Writing the file failed.
    #[error(transparent)]
    Write(#[from] AtomicError),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(e.to_string())
    }
}

/// Registers the embedded DejaVu Sans (regular and bold) as plotters' `sans-serif` font, once
/// per process. Every rendering entry point calls it; calling it again is free.
pub fn ensure_font() -> Result<(), PlotError> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        use plotters::style::{FontStyle, register_font};
        register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| "DejaVu Sans regular".to_string())?;
        register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
            .map_err(|_| "DejaVu Sans bold".to_string())
    })
    .clone()
    .map_err(PlotError::Font)
}

/// A time axis of planning intervals, in time order, by local start date-time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeAxis {
    /// Axis description, e.g. "Local time (Europe/Amsterdam)".
    pub label: String,
    /// Local start of each interval, in time order (closed hours simply absent).
    pub starts: Vec<DateTime>,
}

impl TimeAxis {
    pub fn new(label: impl Into<String>, starts: Vec<DateTime>) -> TimeAxis {
        TimeAxis {
            label: label.into(),
            starts,
        }
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// A named series of values, one per interval (NaN or infinite = no value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Series {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// The target days of a time plot (the days the service promise must hold), shaded as one
/// band: consecutive days form one stretch, and the legend names them once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetDays {
    /// The days (any order; duplicates and days outside the axis are ignored).
    pub days: Vec<Date>,
    /// The legend's name for them, e.g. "Target day" (the dates are appended).
    pub label: String,
}

impl TargetDays {
    /// One day, e.g. the plan's peak day.
    pub fn one(day: Date, label: impl Into<String>) -> TargetDays {
        TargetDays {
            days: vec![day],
            label: label.into(),
        }
    }

    /// The days sorted and without duplicates.
    pub fn sorted(&self) -> Vec<Date> {
        let mut d = self.days.clone();
        d.sort();
        d.dedup();
        d
    }

    /// The legend text: "Target day: Fri 12 Feb", "Target days: Fri 12 Feb – Sun 14 Feb",
    /// or for days apart "Target days: Fri 12 Feb, Sun 14 Feb" (at most three named, then
    /// "+ N more").
    pub fn legend(&self) -> String {
        let d = self.sorted();
        let consecutive = d
            .windows(2)
            .all(|w| w[0].tomorrow().is_ok_and(|t| t == w[1]));
        let dates = match d.len() {
            0 => String::new(),
            1 => format::day(d[0]),
            n if consecutive => format!("{} – {}", format::day(d[0]), format::day(d[n - 1])),
            n => {
                let mut s: Vec<String> = d.iter().take(3).map(|&x| format::day(x)).collect();
                if n > 3 {
                    s.push(format!("+ {} more", n - 3));
                }
                s.join(", ")
            }
        };
        match (self.label.is_empty(), dates.is_empty()) {
            (_, true) => self.label.clone(),
            (true, false) => dates,
            (false, false) => format!("{}: {dates}", self.label),
        }
    }
}

/// A horizontal reference line, e.g. the service-level target.
#[derive(Debug, Clone, PartialEq)]
pub struct HLine {
    pub value: f64,
    /// Legend text, e.g. "Target 85%".
    pub label: String,
}

/// (a) Values per interval stacked by category (demand by reason), with an optional hatched
/// overlay from zero up to `overlay` (e.g. the contacts caused by campaigns).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackedAreaPlot {
    pub title: String,
    /// With unit, e.g. "Contacts per 30 min".
    pub y_label: String,
    pub axis: TimeAxis,
    /// Stacked bottom to top in this order; NaN counts as 0.
    pub layers: Vec<Series>,
    /// Drawn hatched from 0 to its value (capped at the stack's total).
    pub overlay: Option<Series>,
    /// Shaded as one band (see [`TargetDays`]).
    pub highlight: Option<TargetDays>,
}

/// (b) Step lines per interval (e.g. required agents per method) drawn over stacked filled
/// steps (e.g. permanent and flex agents on duty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepLinesPlot {
    pub title: String,
    pub y_label: String,
    pub axis: TimeAxis,
    /// Filled and stacked, bottom to top (e.g. "Permanent on duty", "Flex on duty").
    pub capacity: Vec<Series>,
    /// Drawn as step lines with distinct colours and dash patterns.
    pub lines: Vec<Series>,
    /// Shaded as one band (see [`TargetDays`]).
    pub highlight: Option<TargetDays>,
}

/// A band around a line, e.g. the 90% band of the simulated service level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Band {
    /// Legend text, e.g. "90% band (5th–95th percentile)".
    pub label: String,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// (c) A line per interval with an optional band and target line (service level; without a
/// target: abandonment). Intervals where the line is below the target get a marker.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BandPlot {
    pub title: String,
    pub y_label: String,
    pub axis: TimeAxis,
    pub line: Series,
    pub band: Option<Band>,
    pub target: Option<HLine>,
    /// Fixed y range, e.g. `Some((0.0, 100.0))` for percentages; otherwise from the data.
    pub y_range: Option<(f64, f64)>,
    /// Unit appended to y tick labels, e.g. "%".
    pub y_unit: String,
    /// Shaded as one band (see [`TargetDays`]).
    pub highlight: Option<TargetDays>,
}

/// One row of the frontier: a flex headcount and what it buys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    pub flex_headcount: f64,
    /// Probability (0–1) of meeting the target in every interval.
    pub p_meet: f64,
    /// Optional confidence interval of `p_meet` (0–1).
    pub p_low: Option<f64>,
    pub p_high: Option<f64>,
    pub cost_eur: f64,
}

/// (d) The frontier: flex headcount → P(meet target) (top panel) and cost (bottom panel).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontierPlot {
    pub title: String,
    /// e.g. "Flex agents (headcount)".
    pub x_label: String,
    /// e.g. "P(meet 85% in 15 s in every interval)".
    pub p_label: String,
    /// e.g. "Cost (€)".
    pub cost_label: String,
    pub points: Vec<FrontierPoint>,
    /// Legend text for the `p_low`–`p_high` bars, e.g. "95% confidence interval".
    pub ci_label: String,
    /// Required probability (0–1), drawn as a horizontal line.
    pub target_probability: Option<HLine>,
    /// The chosen headcount, marked in both panels.
    pub chosen: Option<f64>,
}

/// How bar values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueUnit {
    #[default]
    Plain,
    /// Whole euros: "€41,300".
    Eur,
    /// Values already in percent: "85.0%".
    Percent,
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// An interval around the value (e.g. its 95% confidence interval), drawn as a whisker.
    pub interval: Option<(f64, f64)>,
}

/// (e) Horizontal bars (e.g. cost per campaign), top to bottom in the given order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarPlot {
    pub title: String,
    /// With unit, e.g. "Customer-service cost (€)".
    pub x_label: String,
    pub bars: Vec<Bar>,
    pub unit: ValueUnit,
}

/// Any plot, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    StackedArea(StackedAreaPlot),
    StepLines(StepLinesPlot),
    Band(BandPlot),
    Frontier(FrontierPlot),
    Bars(BarPlot),
    DailyForecast(DailyForecastPlot),
}

macro_rules! impl_from_plot {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Plot {
            fn from(p: $t) -> Plot { Plot::$v(p) }
        }
    )*};
}
impl_from_plot!(StackedAreaPlot => StackedArea, StepLinesPlot => StepLines, BandPlot => Band,
    FrontierPlot => Frontier, BarPlot => Bars, DailyForecastPlot => DailyForecast);

impl Plot {
    /// The plot's title.
    pub fn title(&self) -> &str {
        match self {
            Plot::StackedArea(p) => &p.title,
            Plot::StepLines(p) => &p.title,
            Plot::Band(p) => &p.title,
            Plot::Frontier(p) => &p.title,
            Plot::Bars(p) => &p.title,
            Plot::DailyForecast(p) => &p.title,
        }
    }

    /// Checks that every series fits its axis.
    pub fn validate(&self) -> Result<(), PlotError> {
        let check = |title: &str, axis: &TimeAxis, name: &str, len: usize| {
            if len == axis.len() {
                Ok(())
            } else {
                Err(PlotError::LengthMismatch {
                    plot: title.to_string(),
                    series: name.to_string(),
                    expected: axis.len(),
                    got: len,
                })
            }
        };
        match self {
            Plot::StackedArea(p) => {
                for s in p.layers.iter().chain(&p.overlay) {
                    check(&p.title, &p.axis, &s.name, s.values.len())?;
                }
            }
            Plot::StepLines(p) => {
                for s in p.capacity.iter().chain(&p.lines) {
                    check(&p.title, &p.axis, &s.name, s.values.len())?;
                }
            }
            Plot::Band(p) => {
                check(&p.title, &p.axis, &p.line.name, p.line.values.len())?;
                if let Some(b) = &p.band {
                    check(
                        &p.title,
                        &p.axis,
                        &format!("{} (low)", b.label),
                        b.low.len(),
                    )?;
                    check(
                        &p.title,
                        &p.axis,
                        &format!("{} (high)", b.label),
                        b.high.len(),
                    )?;
                }
            }
            Plot::Frontier(_) | Plot::Bars(_) => {}
            Plot::DailyForecast(p) => {
                for (name, len) in p.lengths() {
                    if len != p.days.len() {
                        return Err(PlotError::LengthMismatch {
                            plot: p.title.clone(),
                            series: name,
                            expected: p.days.len(),
                            got: len,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn check_size(size: PlotSize) -> Result<(), PlotError> {
        if size.width < 400 || size.height < 300 {
            return Err(PlotError::TooSmall {
                width: size.width,
                height: size.height,
            });
        }
        Ok(())
    }

    fn render<DB: DrawingBackend>(&self, backend: DB) -> Result<(), PlotError> {
        let root = backend.into_drawing_area();
        draw::draw(self, &root)?;
        root.present()?;
        Ok(())
    }

    /// Renders to an SVG document (for inlining in HTML or writing to a file).
    pub fn to_svg(&self, size: PlotSize) -> Result<String, PlotError> {
        ensure_font()?;
        self.validate()?;
        Self::check_size(size)?;
        let mut out = String::new();
        self.render(SVGBackend::with_string(&mut out, (size.width, size.height)))?;
        Ok(out)
    }

    /// Renders to raw RGB pixels (`width * height * 3` bytes, row by row).
    pub fn to_rgb(&self, size: PlotSize) -> Result<Vec<u8>, PlotError> {
        ensure_font()?;
        self.validate()?;
        Self::check_size(size)?;
        let mut buf = vec![0u8; size.width as usize * size.height as usize * 3];
        self.render(raster_text::GlyphText(BitMapBackend::with_buffer(
            &mut buf,
            (size.width, size.height),
        )))?;
        Ok(buf)
    }

    /// Writes `DIR/STEM.png` and `DIR/STEM.svg` (each atomically) and returns the SVG for
    /// inlining in the HTML report.
    pub fn write_png_and_svg(
        &self,
        dir: &Path,
        stem: &str,
        size: PlotSize,
    ) -> Result<String, PlotError> {
        let svg = self.to_svg(size)?;
        atomic::write_file(&dir.join(format!("{stem}.svg")), svg.as_bytes())?;
        self.write_as(&dir.join(format!("{stem}.png")), Format::Png, size)?;
        Ok(svg)
    }

    /// Writes the plot to `path` atomically, as PNG or SVG according to its extension.
    pub fn write(&self, path: &Path, size: PlotSize) -> Result<(), PlotError> {
        self.write_as(path, Format::from_path(path)?, size)
    }

    /// Writes the plot to `path` atomically in the given format (the PNG encoder needs the
    /// path to end in `.png`).
    pub fn write_as(&self, path: &Path, format: Format, size: PlotSize) -> Result<(), PlotError> {
        match format {
            Format::Svg => {
                let svg = self.to_svg(size)?;
                atomic::write_file(path, svg.as_bytes())?;
            }
            Format::Png => {
                ensure_font()?;
                self.validate()?;
                Self::check_size(size)?;
                atomic::write_path_with(path, |tmp| {
                    self.render(raster_text::GlyphText(BitMapBackend::new(
                        tmp,
                        (size.width, size.height),
                    )))
                })?;
            }
        }
        Ok(())
    }
}

/// Colour-blind-safe palette (Okabe & Ito 2008), in the order series get them.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
];

/// A plot's failure as the crate's error: a failed write names its path (exit 1); a
/// drawing failure is internal.
pub(crate) fn plot_error(e: PlotError, what: &str) -> crate::Error {
    match e {
        PlotError::Write(a) => crate::Error::from(a),
        other => crate::Error::Internal(format!("drawing the {what} plot: {other}")),
    }
}

/// Stages `STEM.svg` and `STEM.png` of a plot in `out`.
pub(crate) fn stage_plot(
    out: &mut crate::report::atomic::OutputDir,
    plot: &Plot,
    stem: &str,
) -> crate::Result<()> {
    use {DEFAULT_SIZE, Format};
    out.write_path_with(&format!("{stem}.png"), |tmp| {
        // The plot writes its own temporary file next to `tmp`; a failure is reported for
        // the PNG the user asked for, so only its cause is kept.
        plot.write_as(tmp, Format::Png, DEFAULT_SIZE).map_err(
            |e| -> Box<dyn std::error::Error + Send + Sync> {
                match e {
                    PlotError::Write(crate::report::atomic::AtomicError::Io { source, .. }) => {
                        Box::new(source)
                    }
                    other => Box::new(other),
                }
            },
        )
    })?;
    let svg = plot.to_svg(DEFAULT_SIZE).map_err(|e| plot_error(e, stem))?;
    out.write(&format!("{stem}.svg"), svg.as_bytes())?;
    Ok(())
}
