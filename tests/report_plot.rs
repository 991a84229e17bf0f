//! Every plot kind renders to PNG and SVG: non-empty files, the title and axis labels in the
//! SVG, a decodable, non-blank PNG of the requested size; degenerate data never panics.

use crate::report_support::*;
use jiff::civil::date;
use peakplan::report::plot::*;

fn axis_texts(plot: &Plot) -> Vec<String> {
    match plot {
        Plot::StackedArea(p) => vec![p.y_label.clone(), p.axis.label.clone()],
        Plot::StepLines(p) => vec![p.y_label.clone(), p.axis.label.clone()],
        Plot::Band(p) => vec![p.y_label.clone(), p.axis.label.clone()],
        Plot::Frontier(p) => vec![p.x_label.clone(), p.p_label.clone(), p.cost_label.clone()],
        Plot::Bars(p) => vec![p.x_label.clone()],
        Plot::DailyForecast(p) => vec![p.y_label.clone()],
    }
}

/// plotters writes SVG text escaped; compare against the escaped form.
fn svg_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
}

#[test]
fn every_plot_writes_png_and_svg_with_title_and_axis_labels() {
    let dir = tempfile::tempdir().unwrap();
    for days in [1, 42] {
        for (key, plot) in all_plots(days) {
            let png = dir.path().join(format!("{key}_{days}.png"));
            let svg = dir.path().join(format!("{key}_{days}.svg"));
            plot.write(&png, DEFAULT_SIZE).unwrap();
            plot.write(&svg, DEFAULT_SIZE).unwrap();

            let text = std::fs::read_to_string(&svg).unwrap();
            assert!(text.starts_with("<svg"), "{key}: not an SVG");
            assert!(
                text.contains(&svg_text(plot.title())),
                "{key}: title missing from SVG"
            );
            for label in axis_texts(&plot) {
                assert!(
                    text.contains(&svg_text(&label)),
                    "{key}: `{label}` missing from SVG"
                );
            }

            let bytes = std::fs::read(&png).unwrap();
            let img = decode_png(&bytes).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!((img.width, img.height), (1200, 600), "{key}");
            let ink = img.ink_share();
            assert!(
                ink > 0.03,
                "{key} ({days} d): only {:.1}% of pixels drawn",
                ink * 100.0
            );
            // The background is white.
            assert_eq!(img.pixel(0), [255, 255, 255], "{key}");
        }
    }
    // Nothing but the plots in the directory: no temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 20);
}

#[test]
fn the_png_file_and_the_in_memory_pixels_agree() {
    let plot: Plot = bar_plot().into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bars.png");
    plot.write(&path, DEFAULT_SIZE).unwrap();
    let img = decode_png(&std::fs::read(&path).unwrap()).unwrap();
    let rgb = plot.to_rgb(DEFAULT_SIZE).unwrap();
    assert_eq!(img.channels, 3);
    assert!(
        img.pixels == rgb,
        "decoded PNG differs from the rendered pixels"
    );
}

#[test]
fn series_are_drawn_in_their_colours() {
    // The peak-day highlight and the first palette colour (the demand's bottom layer and the
    // service-level line) must appear in the pixels.
    let rgb = Plot::from(demand_plot(3)).to_rgb(DEFAULT_SIZE).unwrap();
    let has = |c: [u8; 3]| rgb.chunks_exact(3).any(|p| p == c);
    let blue = PALETTE[0];
    assert!(has([blue.0, blue.1, blue.2]), "bottom layer colour missing");
    assert!(has([255, 238, 196]), "peak-day highlight missing");
    // Without a highlight there is no highlight colour.
    let mut p = demand_plot(3);
    p.highlight = None;
    let rgb = Plot::from(p).to_rgb(DEFAULT_SIZE).unwrap();
    assert!(!rgb.chunks_exact(3).any(|p| p == [255, 238, 196]));
}

/// The x columns, left of the legend, where the highlight colour appears, as runs.
fn highlight_runs(plot: &StackedAreaPlot) -> Vec<(usize, usize)> {
    let rgb = Plot::from(plot.clone()).to_rgb(DEFAULT_SIZE).unwrap();
    let w = DEFAULT_SIZE.width as usize;
    let legend_x = w - 250; // the legend column: the right 240 px
    let cols: Vec<usize> = (0..legend_x)
        .filter(|&x| {
            (0..DEFAULT_SIZE.height as usize).any(|y| {
                let i = (y * w + x) * 3;
                rgb[i..i + 3] == [255, 238, 196]
            })
        })
        .collect();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for x in cols {
        match runs.last_mut() {
            Some(r) if r.1 + 1 == x => r.1 = x,
            _ => runs.push((x, x)),
        }
    }
    runs
}

#[test]
fn target_days_are_shaded_as_one_band_and_named_once() {
    // Days 13 and 14 of a 12–14 Feb axis: consecutive, so one band covering two thirds.
    let mut p = demand_plot(3);
    p.highlight = Some(TargetDays {
        days: vec![date(2027, 2, 14), date(2027, 2, 13), date(2027, 2, 14)],
        label: "Target days".into(),
    });
    let runs = highlight_runs(&p);
    assert_eq!(runs.len(), 1, "{runs:?}");
    let one_day = highlight_runs(&demand_plot(3))[0];
    let (w2, w1) = (runs[0].1 - runs[0].0, one_day.1 - one_day.0);
    assert!(w2 >= 2 * w1 - 2 && w2 <= 2 * w1 + 2, "{w2} vs {w1}");
    assert_eq!(
        p.highlight.as_ref().unwrap().legend(),
        "Target days: Sat 13 Feb – Sun 14 Feb"
    );
    // Days apart stay apart, in the same colour; the legend lists them.
    p.highlight = Some(TargetDays {
        days: vec![date(2027, 2, 12), date(2027, 2, 14)],
        label: "Target days".into(),
    });
    assert_eq!(highlight_runs(&p).len(), 2);
    assert_eq!(
        p.highlight.as_ref().unwrap().legend(),
        "Target days: Fri 12 Feb, Sun 14 Feb"
    );
    // A day outside the axis shades nothing.
    p.highlight = Some(TargetDays::one(date(2027, 3, 1), "Target day"));
    assert!(highlight_runs(&p).is_empty());
}

fn degenerate_axes() -> Vec<TimeAxis> {
    vec![
        TimeAxis::new("t", vec![]),
        TimeAxis::new("t", vec![date(2027, 2, 14).at(10, 0, 0, 0)]),
        valentine_axis(1),
    ]
}

fn fill(n: usize, kind: usize) -> Vec<f64> {
    match kind {
        0 => vec![0.0; n],
        1 => vec![f64::NAN; n],
        2 => (0..n)
            .map(|i| if i % 3 == 0 { f64::NAN } else { i as f64 })
            .collect(),
        3 => vec![f64::INFINITY; n],
        _ => (0..n).map(|i| -(i as f64)).collect(),
    }
}

#[test]
fn degenerate_data_draws_without_panicking() {
    let size = PlotSize {
        width: 600,
        height: 400,
    };
    for axis in degenerate_axes() {
        let n = axis.len();
        for kind in 0..5 {
            let plots: Vec<Plot> = vec![
                StackedAreaPlot {
                    title: "a".into(),
                    axis: axis.clone(),
                    layers: vec![Series::new("x", fill(n, kind))],
                    overlay: Some(Series::new("o", fill(n, kind))),
                    highlight: peak_day(),
                    ..Default::default()
                }
                .into(),
                StackedAreaPlot {
                    title: "no layers".into(),
                    axis: axis.clone(),
                    ..Default::default()
                }
                .into(),
                StepLinesPlot {
                    title: "b".into(),
                    axis: axis.clone(),
                    capacity: vec![Series::new("c", fill(n, kind))],
                    lines: vec![
                        Series::new("l", fill(n, kind)),
                        Series::new("m", fill(n, 0)),
                    ],
                    ..Default::default()
                }
                .into(),
                BandPlot {
                    title: "c".into(),
                    axis: axis.clone(),
                    line: Series::new("l", fill(n, kind)),
                    band: Some(Band {
                        label: "b".into(),
                        low: fill(n, kind),
                        high: fill(n, 0),
                    }),
                    target: Some(HLine {
                        value: 85.0,
                        label: "t".into(),
                    }),
                    y_range: if kind == 0 { Some((5.0, 5.0)) } else { None },
                    ..Default::default()
                }
                .into(),
            ];
            for p in plots {
                let svg = p
                    .to_svg(size)
                    .unwrap_or_else(|e| panic!("n={n} kind={kind}: {e}"));
                assert!(svg.contains("<svg"));
                p.to_rgb(size).unwrap();
                if n == 0 {
                    assert!(svg.contains("No data to plot"), "empty axis needs a note");
                }
            }
        }
    }
    let odd = [f64::NAN, 0.0, -5.0, f64::INFINITY, 1e12];
    for &v in &odd {
        let one = FrontierPoint {
            flex_headcount: 10.0,
            p_meet: v,
            p_low: Some(v),
            p_high: None,
            cost_eur: v,
        };
        for points in [vec![], vec![one], vec![one, one]] {
            let p: Plot = FrontierPlot {
                title: "f".into(),
                points,
                chosen: Some(v),
                ..Default::default()
            }
            .into();
            p.to_svg(size).unwrap();
            p.to_rgb(size).unwrap();
        }
        for bars in [
            vec![],
            vec![Bar {
                label: "x".into(),
                value: v,
                interval: Some((v, -2.0 * v)),
            }],
        ] {
            let p: Plot = BarPlot {
                title: "e".into(),
                bars,
                ..Default::default()
            }
            .into();
            p.to_svg(size).unwrap();
        }
    }
    let empty: Plot = BarPlot {
        title: "e".into(),
        ..Default::default()
    }
    .into();
    assert!(empty.to_svg(size).unwrap().contains("No data to plot"));
}

#[test]
fn mismatched_lengths_unknown_formats_and_tiny_sizes_are_clear_errors() {
    let mut p = service_level_plot(1);
    p.line.values.pop();
    let err = Plot::from(p).to_svg(DEFAULT_SIZE).unwrap_err().to_string();
    assert!(
        err.contains("Mean of replications") && err.contains("27") && err.contains("28"),
        "{err}"
    );

    let plot: Plot = bar_plot().into();
    let dir = tempfile::tempdir().unwrap();
    let err = plot
        .write(&dir.path().join("x.jpg"), DEFAULT_SIZE)
        .unwrap_err()
        .to_string();
    assert!(err.contains(".png or .svg"), "{err}");
    let err = plot
        .to_svg(PlotSize {
            width: 10,
            height: 10,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("too small"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn text_in_svg_is_escaped() {
    let mut p = bar_plot();
    p.title = "<script>alert(1)</script> & co".into();
    p.bars[0].label = "<b>bold</b>".into();
    let svg = Plot::from(p).to_svg(DEFAULT_SIZE).unwrap();
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
}

#[test]
fn same_input_gives_byte_identical_output() {
    for (key, plot) in all_plots(3) {
        assert_eq!(
            plot.to_svg(DEFAULT_SIZE).unwrap(),
            plot.to_svg(DEFAULT_SIZE).unwrap(),
            "{key}"
        );
    }
}

/// A jagged line over thousands of intervals (sharp reversals, several points per pixel)
/// stays inside the plot area in the PNG: plotters' bitmap backend draws the miter of a sharp
/// join of a wide line, or a zero-length segment, as a spike across the picture.
#[test]
fn a_jagged_band_line_draws_no_spikes_outside_the_plot_area() {
    let axis = valentine_axis(100); // 2,800 half hours on a 1,200 px picture
    let n = axis.len();
    let line: Vec<f64> = (0..n)
        .map(|i| match i % 5 {
            0 => 100.0,
            1 => 3.0,
            2 => 97.0,
            3 => 0.0,
            _ => 60.0,
        })
        .collect();
    let plot: Plot = BandPlot {
        title: "Jagged".into(),
        y_label: "SL (%)".into(),
        axis,
        line: Series::new("Mean SL", line),
        band: None,
        target: None,
        y_range: Some((0.0, 100.0)),
        y_unit: "%".into(),
        highlight: None,
    }
    .into();
    let size = DEFAULT_SIZE;
    let rgb = plot.to_rgb(size).unwrap();
    let w = size.width as usize;
    let is_line = |x: usize, y: usize| {
        let p = &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
        // The line's blue (0, 114, 178), allowing for anti-aliasing towards white.
        p[2] > 150 && p[0] < 80 && p[1] > 90 && p[1] < 160
    };
    let rows_with_line: Vec<usize> = (0..size.height as usize)
        .filter(|&y| (0..w).any(|x| is_line(x, y)))
        .collect();
    let (top, bottom) = (rows_with_line[0], *rows_with_line.last().unwrap());
    // The line fills 0–100%: its rows form one block, and nothing of it sits in the top
    // 4% (title) or the bottom 10% (time axis labels) of the picture.
    assert!(top > size.height as usize / 25, "line reaches row {top}");
    assert!(
        bottom < size.height as usize * 9 / 10,
        "line reaches row {bottom}"
    );
    assert_eq!(rows_with_line.len(), bottom - top + 1);
}
