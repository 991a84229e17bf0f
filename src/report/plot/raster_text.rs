//! Text for the bitmap (PNG) backend, laid out glyph by glyph at sub-pixel pen positions.
//!
//! plotters' own `ab_glyph` text renderer places every glyph's pixels from the left edge of
//! its bounding box at the pen position truncated to a whole pixel: the left side bearing is
//! dropped and the fractions add up, so "12 Feb" renders as "1 2 Feb" and
//! "Europe/Amsterdam" as "Europ e/Amsterdam". [`GlyphText`] wraps any backend and draws text
//! itself: each glyph outline is positioned at the exact (fractional) pen position, kerning
//! included, and rasterised with its own bounds. Everything else is passed through unchanged.
//!
//! Sizes and anchors follow plotters' SVG backend, so the PNG and the SVG of a plot place
//! their text alike: the em is `size / 1.24` pixels, a top-anchored line has its baseline
//! 0.76 em below the anchor, a centred one 0.5 ex below it, a bottom-anchored one 0.5 ex above.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};

/// plotters' SVG backend writes `font-size = size / 1.24`.
const EM_PER_SIZE: f64 = 1.0 / 1.24;

fn fonts() -> &'static Option<(FontRef<'static>, FontRef<'static>)> {
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let regular = FontRef::try_from_slice(dejavu::sans::regular()).ok()?;
        let bold = FontRef::try_from_slice(dejavu::sans::bold()).ok()?;
        Some((regular, bold))
    })
}

/// One line of text laid out with DejaVu Sans (bold for bold styles).
struct Line {
    font: &'static FontRef<'static>,
    scale: PxScale,
    em: f32,
    /// (glyph id, pen x) per character.
    glyphs: Vec<(ab_glyph::GlyphId, f32)>,
    width: f32,
}

impl Line {
    fn new(text: &str, size: f64, style: FontStyle) -> Option<Line> {
        let (regular, bold) = fonts().as_ref()?;
        let font = match style {
            FontStyle::Bold => bold,
            _ => regular,
        };
        let em = (size * EM_PER_SIZE) as f32;
        let upem = font.units_per_em()?;
        let scale = PxScale::from(em * font.height_unscaled() / upem);
        let scaled = font.as_scaled(scale);
        let mut pen = 0.0f32;
        let mut prev = None;
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            glyphs.push((id, pen));
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        Some(Line {
            font,
            scale,
            em,
            glyphs,
            width: pen,
        })
    }

    /// The anchor's offset from the start of the baseline: (x, y), y downwards.
    fn anchor(&self, h: HPos, v: VPos) -> (f32, f32) {
        let ex = 0.5 * x_height_em(self.font) * self.em;
        let x = match h {
            HPos::Left => 0.0,
            HPos::Center => self.width / 2.0,
            HPos::Right => self.width,
        };
        let y = match v {
            VPos::Top => -0.76 * self.em,
            VPos::Center => -ex,
            VPos::Bottom => ex,
        };
        (x, y)
    }

    /// Calls `pixel(x, y, coverage)` for every covered pixel, relative to the anchor.
    fn rasterise(&self, h: HPos, v: VPos, mut pixel: impl FnMut(i32, i32, f32)) {
        let (ax, ay) = self.anchor(h, v);
        for &(id, x) in &self.glyphs {
            let glyph = id.with_scale_and_position(self.scale, point(x - ax, -ay));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                let (bx, by) = (b.min.x as i32, b.min.y as i32);
                outline.draw(|gx, gy, c| pixel(bx + gx as i32, by + gy as i32, c));
            }
        }
    }
}

/// The font's x-height as a share of the em (DejaVu Sans: 1120 / 2048), from the bounds of `x`.
fn x_height_em(font: &FontRef<'static>) -> f32 {
    let upem = font.units_per_em().unwrap_or(2048.0);
    // At this scale one pixel is one font unit; y grows downwards from the baseline.
    let unit = PxScale::from(font.height_unscaled());
    let h = font
        .outline_glyph(font.glyph_id('x').with_scale(unit))
        .map_or(0.0, |o| -o.px_bounds().min.y);
    if h > 0.0 && upem > 0.0 {
        h / upem
    } else {
        0.547
    }
}

/// A backend whose text is drawn by [`Line`] (see the module documentation).
pub(super) struct GlyphText<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for GlyphText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let Some(line) = Line::new(text, style.size(), style.style()) else {
            // No font (cannot happen: it is compiled in): plotters' own renderer.
            return self.0.draw_text(text, style, pos);
        };
        let anchor = style.anchor();
        let trans = style.transform();
        let (w, h) = self.0.get_size();
        let mut result = Ok(());
        line.rasterise(anchor.h_pos, anchor.v_pos, |x, y, c| {
            if result.is_err() || c <= 0.0 {
                return;
            }
            let (x, y) = trans.transform(x, y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                result = self.0.draw_pixel(
                    (x, y),
                    BackendColor {
                        alpha: color.alpha * f64::from(c.min(1.0)),
                        rgb: color.rgb,
                    },
                );
            }
        });
        result
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        match Line::new(text, style.size(), style.style()) {
            Some(line) => Ok((line.width.ceil() as u32, line.em.round() as u32)),
            None => self.0.estimate_text_size(text, style),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns (x) that hold ink when `text` is rasterised, left-aligned on the baseline.
    fn ink_columns(text: &str, size: f64) -> Vec<i32> {
        let line = Line::new(text, size, FontStyle::Normal).unwrap();
        let mut cols = std::collections::BTreeSet::new();
        line.rasterise(HPos::Left, VPos::Center, |x, _, c| {
            if c > 0.25 {
                cols.insert(x);
            }
        });
        cols.into_iter().collect()
    }

    /// Starts of the runs of inked columns (one per glyph when glyphs do not touch).
    fn run_starts(cols: &[i32]) -> Vec<i32> {
        let mut out = vec![cols[0]];
        out.extend(cols.windows(2).filter(|w| w[1] > w[0] + 1).map(|w| w[1]));
        out
    }

    #[test]
    fn each_glyph_starts_at_its_pen_position_plus_its_side_bearing() {
        // plotters' renderer drew each glyph from its ink's left edge at the truncated pen
        // position: the side bearing (4.4 px for "1" at a 40-px em) was lost, so digits and
        // letters with different bearings ended up unevenly spaced ("1 2 Feb").
        let (regular, _) = fonts().as_ref().unwrap();
        let size = 40.0 * 1.24;
        let em = 40.0f64;
        let upem = f64::from(regular.units_per_em().unwrap());
        let metric = |c: char| {
            let id = regular.glyph_id(c);
            (
                f64::from(regular.h_side_bearing_unscaled(id)) / upem * em,
                f64::from(regular.h_advance_unscaled(id)) / upem * em,
            )
        };
        for (text, glyphs) in [
            ("1111", ['1'; 4].to_vec()),
            ("1.2.", vec!['1', '.', '2', '.']),
        ] {
            let starts = run_starts(&ink_columns(text, size));
            assert_eq!(starts.len(), glyphs.len(), "{text}: {starts:?}");
            let mut pen = 0.0;
            for (k, c) in glyphs.iter().enumerate() {
                let (lsb, adv) = metric(*c);
                let ideal = pen + lsb;
                assert!(
                    (f64::from(starts[k]) - ideal).abs() <= 1.0,
                    "{text}: glyph {k} `{c}` starts at {} px, its metrics say {ideal:.2}",
                    starts[k]
                );
                pen += adv;
            }
        }
        // Even spacing at tick-label size: the same glyph repeated is spaced by its advance.
        let starts = run_starts(&ink_columns("1111111111", 13.0));
        let gaps: Vec<i32> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        let (lo, hi) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
        assert!(hi - lo <= 1, "{gaps:?}");
    }

    #[test]
    fn the_laid_out_width_is_the_sum_of_advances() {
        // 10 digits × 0.636 em = 6.36 em (DejaVu Sans: every digit advances 1303/2048 em).
        let line = Line::new("0123456789", 24.8, FontStyle::Normal).unwrap();
        let em = 24.8 / 1.24;
        assert!(
            (f64::from(line.width) - 10.0 * 1303.0 / 2048.0 * em).abs() < 0.01,
            "{}",
            line.width
        );
        assert!((f64::from(line.em) - em).abs() < 1e-4);
    }

    #[test]
    fn anchors_follow_the_svg_backend() {
        let line = Line::new("Hx", 12.4, FontStyle::Normal).unwrap();
        // em = 10 px: top-anchored text has its baseline 7.6 px below the anchor.
        assert!((line.anchor(HPos::Left, VPos::Top).1 + 7.6).abs() < 1e-4);
        let (cx, cy) = line.anchor(HPos::Center, VPos::Center);
        assert!((cx - line.width / 2.0).abs() < 1e-6);
        // Half the x-height (1120/2048 em) below the anchor.
        assert!(
            (f64::from(cy) + 0.5 * 1120.0 / 2048.0 * 10.0).abs() < 0.05,
            "{cy}"
        );
    }
}
