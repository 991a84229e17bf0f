//! Shared helpers for the report tests: synthetic data shaped like a Valentine's peak, and a
//! small PNG decoder (zlib inflate + scanline filters, RFC 1950/1951 and PNG §9) so the
//! tests can look at pixels without an image crate.

#![allow(dead_code)]

use jiff::civil::{Date, DateTime, date};
use peakplan::report::plot::*;

// ------------------------------------------------------------------ synthetic data

/// Half-hour intervals, 08:00–22:00, on `days` consecutive days from `first`.
pub fn half_hours(first: Date, days: i64) -> Vec<DateTime> {
    let mut out = Vec::new();
    for d in 0..days {
        let day = first.checked_add(jiff::Span::new().days(d)).unwrap();
        for half in 16..44 {
            out.push(day.at(half / 2, (half % 2) * 30, 0, 0));
        }
    }
    out
}

/// A smooth intraday profile peaking around 11:00 and 20:00, scaled per day.
pub fn profile(starts: &[DateTime], peak: Date, scale: f64) -> Vec<f64> {
    starts
        .iter()
        .map(|t| {
            let h = t.hour() as f64 + t.minute() as f64 / 60.0;
            let shape = (-(h - 11.0).powi(2) / 6.0).exp() + 0.7 * (-(h - 20.0).powi(2) / 4.0).exp();
            let day_factor = if t.date() == peak { 2.5 } else { 1.0 };
            scale * day_factor * (0.2 + shape)
        })
        .collect()
}

pub fn valentine_axis(days: i64) -> TimeAxis {
    TimeAxis::new(
        "Local time (Europe/Amsterdam)",
        half_hours(date(2027, 2, 12), days),
    )
}

pub fn peak_day() -> Option<TargetDays> {
    Some(TargetDays::one(date(2027, 2, 14), "Target day"))
}

pub fn demand_plot(days: i64) -> StackedAreaPlot {
    let axis = valentine_axis(days);
    let p = date(2027, 2, 14);
    let reasons = [
        ("Where is my order", 40.0),
        ("Delivery problem", 25.0),
        ("Edit order", 15.0),
        ("Payment", 8.0),
        ("Complaint / refund", 6.0),
    ];
    let layers: Vec<Series> = reasons
        .iter()
        .map(|(n, s)| Series::new(*n, profile(&axis.starts, p, *s)))
        .collect();
    let total: Vec<f64> = (0..axis.len())
        .map(|i| layers.iter().map(|s| s.values[i]).sum())
        .collect();
    let campaign = total.iter().map(|t| t * 0.3).collect();
    StackedAreaPlot {
        title: "Expected contacts per half hour by reason".into(),
        y_label: "Contacts per 30 min".into(),
        axis,
        layers,
        overlay: Some(Series::new("of which caused by campaigns", campaign)),
        highlight: peak_day(),
    }
}

pub fn staffing_plot(days: i64) -> StepLinesPlot {
    let axis = valentine_axis(days);
    let p = date(2027, 2, 14);
    let req = profile(&axis.starts, p, 30.0);
    let erlang_c: Vec<f64> = req.iter().map(|v| v.ceil()).collect();
    let erlang_a: Vec<f64> = req.iter().map(|v| (v * 0.93).ceil()).collect();
    let sim: Vec<f64> = req.iter().map(|v| (v * 0.96).ceil()).collect();
    let permanent: Vec<f64> = axis
        .starts
        .iter()
        .map(|t| {
            if (9..18).contains(&t.hour()) {
                40.0
            } else {
                20.0
            }
        })
        .collect();
    let flex: Vec<f64> = axis
        .starts
        .iter()
        .map(|t| {
            if t.date() == p && (10..21).contains(&t.hour()) {
                38.0
            } else {
                0.0
            }
        })
        .collect();
    StepLinesPlot {
        title: "Agents needed and on duty".into(),
        y_label: "Agents".into(),
        axis,
        capacity: vec![
            Series::new("Permanent on duty", permanent),
            Series::new("Flex on duty", flex),
        ],
        lines: vec![
            Series::new("Required: Erlang C", erlang_c),
            Series::new("Required: Erlang A", erlang_a),
            Series::new("Required: simulation", sim),
        ],
        highlight: peak_day(),
    }
}

pub fn service_level_plot(days: i64) -> BandPlot {
    let axis = valentine_axis(days);
    let load = profile(&axis.starts, date(2027, 2, 14), 1.0);
    let mean: Vec<f64> = load
        .iter()
        .map(|l| (100.0 - 25.0 * l).clamp(5.0, 99.0))
        .collect();
    let low = mean.iter().map(|m| (m - 8.0).max(0.0)).collect();
    let high = mean.iter().map(|m| (m + 5.0).min(100.0)).collect();
    BandPlot {
        title: "Service level per half hour (simulated)".into(),
        y_label: "Answered within 15 s (%)".into(),
        axis,
        line: Series::new("Mean of replications", mean),
        band: Some(Band {
            label: "90% band (5th–95th percentile)".into(),
            low,
            high,
        }),
        target: Some(HLine {
            value: 85.0,
            label: "Target 85%".into(),
        }),
        y_range: Some((0.0, 100.0)),
        y_unit: "%".into(),
        highlight: peak_day(),
    }
}

pub fn frontier_plot() -> FrontierPlot {
    let points = (0..=12)
        .map(|k| {
            let flex = 20.0 + 2.5 * k as f64;
            let p = 1.0 / (1.0 + (-(flex - 34.0) / 2.5).exp());
            FrontierPoint {
                flex_headcount: flex,
                p_meet: p,
                p_low: Some((p - 0.05).max(0.0)),
                p_high: Some((p + 0.05).min(1.0)),
                cost_eur: 1090.0 * flex,
            }
        })
        .collect();
    FrontierPlot {
        title: "Flex headcount: chance of meeting the target and cost".into(),
        x_label: "Flex agents (headcount)".into(),
        p_label: "P(meet target in every interval)".into(),
        cost_label: "Flex cost (€)".into(),
        points,
        ci_label: "95% confidence interval".into(),
        target_probability: Some(HLine {
            value: 0.95,
            label: "Required confidence 95%".into(),
        }),
        chosen: Some(40.0),
    }
}

pub fn bar_plot() -> BarPlot {
    BarPlot {
        title: "Customer-service cost per campaign".into(),
        x_label: "Cost charged to the campaign (€)".into(),
        bars: vec![
            Bar {
                label: "Valentine's free delivery".into(),
                value: 41_300.0,
                interval: None,
            },
            Bar {
                label: "Sunday delivery".into(),
                value: 18_950.0,
                interval: None,
            },
            Bar {
                label: "Order early, save 10%".into(),
                value: 6_420.0,
                interval: None,
            },
            Bar {
                label: "Personalised card promo".into(),
                value: 2_310.0,
                interval: None,
            },
        ],
        unit: ValueUnit::Eur,
    }
}

/// One of each plot kind, with the keys the report uses.
pub fn all_plots(days: i64) -> Vec<(&'static str, Plot)> {
    vec![
        ("demand", demand_plot(days).into()),
        ("staffing", staffing_plot(days).into()),
        ("service_level", service_level_plot(days).into()),
        ("frontier", frontier_plot().into()),
        ("campaign_cost", bar_plot().into()),
    ]
}

// ------------------------------------------------------------------ PNG decoding

/// A decoded 8-bit RGB or RGBA PNG.
pub struct Png {
    pub width: u32,
    pub height: u32,
    /// Bytes per pixel (3 or 4).
    pub channels: usize,
    pub pixels: Vec<u8>,
}

impl Png {
    pub fn pixel(&self, i: usize) -> [u8; 3] {
        let p = &self.pixels[i * self.channels..];
        [p[0], p[1], p[2]]
    }

    /// Share of pixels that differ from the most common colour (the background).
    pub fn ink_share(&self) -> f64 {
        ink_share(&self.pixels, self.channels)
    }
}

/// Share of pixels that differ from the most common colour.
pub fn ink_share(pixels: &[u8], channels: usize) -> f64 {
    let n = pixels.len() / channels;
    let mut counts = std::collections::HashMap::new();
    for p in pixels.chunks_exact(channels) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    1.0 - most as f64 / n.max(1) as f64
}

pub fn decode_png(bytes: &[u8]) -> Result<Png, String> {
    const SIG: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];
    if bytes.len() < 8 || bytes[..8] != SIG {
        return Err("not a PNG: bad signature".into());
    }
    let mut pos = 8;
    let (mut width, mut height, mut channels) = (0u32, 0u32, 0usize);
    let mut idat = Vec::new();
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = bytes.get(pos + 8..pos + 8 + len).ok_or("truncated chunk")?;
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap());
                height = u32::from_be_bytes(data[4..8].try_into().unwrap());
                let (depth, colour, interlace) = (data[8], data[9], data[12]);
                if depth != 8 || interlace != 0 {
                    return Err(format!("unsupported depth {depth} / interlace {interlace}"));
                }
                channels = match colour {
                    2 => 3,
                    6 => 4,
                    c => return Err(format!("unsupported colour type {c}")),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    if width == 0 || height == 0 {
        return Err("no IHDR".into());
    }
    if idat.len() < 2 {
        return Err("no image data".into());
    }
    let raw = inflate(&idat[2..])?;
    let stride = width as usize * channels;
    if raw.len() < height as usize * (stride + 1) {
        return Err(format!("image data too short: {} bytes", raw.len()));
    }
    let mut pixels = vec![0u8; height as usize * stride];
    for y in 0..height as usize {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= channels {
                pixels[y * stride + x - channels]
            } else {
                0
            } as i32;
            let b = if y > 0 {
                pixels[(y - 1) * stride + x]
            } else {
                0
            } as i32;
            let c = if x >= channels && y > 0 {
                pixels[(y - 1) * stride + x - channels]
            } else {
                0
            } as i32;
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => return Err(format!("bad filter {f}")),
            };
            pixels[y * stride + x] = (line[x] as i32 + pred) as u8;
        }
    }
    Ok(Png {
        width,
        height,
        channels,
        pixels,
    })
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl Bits<'_> {
    fn bit(&mut self) -> Result<u32, String> {
        let byte = *self
            .data
            .get(self.pos)
            .ok_or("deflate stream ended early")?;
        let b = (byte >> self.bit) & 1;
        self.bit += 1;
        if self.bit == 8 {
            self.bit = 0;
            self.pos += 1;
        }
        Ok(b as u32)
    }
    fn bits(&mut self, n: u32) -> Result<u32, String> {
        let mut v = 0;
        for i in 0..n {
            v |= self.bit()? << i;
        }
        Ok(v)
    }
}

struct Huffman {
    count: [u16; 16],
    symbol: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[l as usize] += 1;
        }
        count[0] = 0;
        let mut offs = [0u16; 16];
        for l in 1..16 {
            offs[l] = offs[l - 1] + count[l - 1];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[offs[l as usize] as usize] = s as u16;
                offs[l as usize] += 1;
            }
        }
        Huffman { count, symbol }
    }

    fn decode(&self, br: &mut Bits) -> Result<u16, String> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= br.bit()? as i32;
            let count = self.count[len] as i32;
            if code - count < first {
                return Ok(self.symbol[(index + code - first) as usize]);
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        Err("bad Huffman code".into())
    }
}

const LBASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEXT: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DBASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DEXT: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Raw DEFLATE (RFC 1951) decompression.
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut br = Bits {
        data,
        pos: 0,
        bit: 0,
    };
    let mut out: Vec<u8> = Vec::new();
    loop {
        let last = br.bit()?;
        match br.bits(2)? {
            0 => {
                if br.bit != 0 {
                    br.bit = 0;
                    br.pos += 1;
                }
                let b = br
                    .data
                    .get(br.pos..br.pos + 4)
                    .ok_or("truncated stored block")?;
                let len = u16::from_le_bytes([b[0], b[1]]) as usize;
                br.pos += 4;
                out.extend_from_slice(br.data.get(br.pos..br.pos + len).ok_or("truncated")?);
                br.pos += len;
            }
            t @ (1 | 2) => {
                let (lit, dist) = if t == 1 {
                    let mut l = [0u8; 288];
                    for (i, v) in l.iter_mut().enumerate() {
                        *v = match i {
                            0..=143 => 8,
                            144..=255 => 9,
                            256..=279 => 7,
                            _ => 8,
                        };
                    }
                    (Huffman::new(&l), Huffman::new(&[5u8; 30]))
                } else {
                    let hlit = br.bits(5)? as usize + 257;
                    let hdist = br.bits(5)? as usize + 1;
                    let hclen = br.bits(4)? as usize + 4;
                    const ORDER: [usize; 19] = [
                        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                    ];
                    let mut cl = [0u8; 19];
                    for &o in ORDER.iter().take(hclen) {
                        cl[o] = br.bits(3)? as u8;
                    }
                    let clh = Huffman::new(&cl);
                    let mut lengths = Vec::with_capacity(hlit + hdist);
                    while lengths.len() < hlit + hdist {
                        match clh.decode(&mut br)? {
                            s @ 0..=15 => lengths.push(s as u8),
                            16 => {
                                let prev = *lengths.last().ok_or("repeat with no previous")?;
                                for _ in 0..3 + br.bits(2)? {
                                    lengths.push(prev);
                                }
                            }
                            17 => lengths.extend(std::iter::repeat_n(0, 3 + br.bits(3)? as usize)),
                            _ => lengths.extend(std::iter::repeat_n(0, 11 + br.bits(7)? as usize)),
                        }
                    }
                    (
                        Huffman::new(&lengths[..hlit]),
                        Huffman::new(&lengths[hlit..]),
                    )
                };
                loop {
                    let sym = lit.decode(&mut br)? as usize;
                    if sym < 256 {
                        out.push(sym as u8);
                    } else if sym == 256 {
                        break;
                    } else {
                        let s = sym - 257;
                        let len = *LBASE.get(s).ok_or("bad length code")? as usize
                            + br.bits(LEXT[s] as u32)? as usize;
                        let d = dist.decode(&mut br)? as usize;
                        let dd = *DBASE.get(d).ok_or("bad distance code")? as usize
                            + br.bits(DEXT[d] as u32)? as usize;
                        if dd > out.len() {
                            return Err("distance too far back".into());
                        }
                        let start = out.len() - dd;
                        for k in 0..len {
                            out.push(out[start + k]);
                        }
                    }
                }
            }
            _ => return Err("bad block type".into()),
        }
        if last == 1 {
            return Ok(out);
        }
    }
}

// ------------------------------------------------------------------ a synthetic report

use peakplan::report::html::{Block, Column, KeyFigure, PlotBlock, Report, Section, Table};

/// A report in the shape `peakplan run` will produce, from the synthetic plots, with a
/// scenario name that tries to inject a script. Plot keys are returned with it.
pub fn synthetic_report(days: i64) -> (Report, Vec<(&'static str, Plot)>) {
    let plots = all_plots(days);
    let plot_block = |key: &str, plot: &Plot, caption: &str| {
        Block::Plot(PlotBlock {
            key: key.to_string(),
            title: plot.title().to_string(),
            caption: caption.to_string(),
            svg: plot.to_svg(DEFAULT_SIZE).unwrap(),
            png_file: Some(format!("{key}.png")),
        })
    };
    let find = |k: &str| &plots.iter().find(|(key, _)| *key == k).unwrap().1;
    let report = Report {
        title: "Valentine's Day 2027 <script>alert(1)</script> — peak plan".into(),
        headline: "To meet 85% in 15 s in every interval with 95% confidence you need 38 flex \
                   agents on 13 February, 1,240 flex hours, €41,300; with the permanent roster \
                   alone SL falls to 41% on 14 February 10:00–12:00."
            .into(),
        risks: vec!["14 February, email: 2 cells <below> the promise".into()],
        key_figures: vec![
            KeyFigure {
                id: "flex_agents".into(),
                label: "Flex agents needed".into(),
                value: "38".into(),
            },
            KeyFigure {
                id: "flex_hours".into(),
                label: "Flex hours".into(),
                value: "1,240".into(),
            },
            KeyFigure {
                id: "flex_cost".into(),
                label: "Flex cost".into(),
                value: "€41,300".into(),
            },
            KeyFigure {
                id: "p_meet".into(),
                label: "P(meet target)".into(),
                value: "95.4%".into(),
            },
        ],
        sections: vec![
            Section {
                id: "demand".into(),
                title: "Demand".into(),
                blocks: vec![plot_block(
                    "demand",
                    find("demand"),
                    "Hatched: contacts caused by campaigns.",
                )],
            },
            Section {
                id: "staffing".into(),
                title: "Staffing".into(),
                blocks: vec![
                    plot_block(
                        "staffing",
                        find("staffing"),
                        "Lines: agents required; fill: agents on duty.",
                    ),
                    plot_block(
                        "service_level",
                        find("service_level"),
                        "Band: 90% of replications.",
                    ),
                ],
            },
            Section {
                id: "frontier".into(),
                title: "Flex pool size".into(),
                blocks: vec![
                    plot_block(
                        "frontier",
                        find("frontier"),
                        "Chosen: the smallest pool that meets the target.",
                    ),
                    Block::Table(Table {
                        id: "frontier".into(),
                        caption: "Frontier".into(),
                        columns: vec![
                            Column::number("Flex agents"),
                            Column::number("P(meet target)"),
                            Column::number("Cost"),
                        ],
                        rows: vec![
                            vec!["35".into(), "71.0%".into(), "€38,150".into()],
                            vec!["38".into(), "95.4%".into(), "€41,300".into()],
                        ],
                        note: None,
                        marks: Vec::new(),
                    }),
                ],
            },
            Section {
                id: "summary".into(),
                title: "Daily summary".into(),
                blocks: vec![Block::Table(Table {
                    id: "daily_summary".into(),
                    caption: "Per day".into(),
                    columns: vec![
                        Column::text("Day"),
                        Column::number("Contacts"),
                        Column::number("Worst SL"),
                    ],
                    rows: vec![
                        vec!["Fri 12 Feb".into(), "2,310".into(), "70.1%".into()],
                        vec!["Sat 13 Feb".into(), "2,320".into(), "69.8%".into()],
                        vec![
                            "Sun 14 Feb <b>peak</b>".into(),
                            "5,790".into(),
                            "24.9%".into(),
                        ],
                    ],
                    note: Some("SL: answered within 15 s / offered.".into()),
                    marks: Vec::new(),
                })],
            },
            Section {
                id: "campaigns".into(),
                title: "Campaigns".into(),
                blocks: vec![
                    plot_block(
                        "campaign_cost",
                        find("campaign_cost"),
                        "Cost charged to each campaign.",
                    ),
                    Block::Table(Table {
                        id: "campaigns".into(),
                        caption: "Campaigns".into(),
                        columns: vec![Column::text("Campaign"), Column::number("Cost")],
                        rows: vec![
                            vec!["Valentine's free delivery".into(), "€41,300".into()],
                            vec!["A | B <script>x</script>".into(), "€2,310".into()],
                        ],
                        note: None,
                        marks: Vec::new(),
                    }),
                ],
            },
        ],
        run_info: vec![
            ("Scenario file SHA-256".into(), "0123abcd".into()),
            ("Seed".into(), "42".into()),
            ("Replications".into(), "200".into()),
        ],
    };
    (report, plots)
}
