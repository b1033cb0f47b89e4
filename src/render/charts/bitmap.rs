//! The PNG drawing backend: plotters' bitmap backend with its own text path.
//!
//! plotters 0.3.7 draws each ab_glyph glyph at the pen position truncated to a
//! whole pixel and drops the glyph's left side bearing, so "1 30/s" and "R ² 0.99"
//! came out unevenly spaced. [`KernedBitmap`] delegates every shape to
//! [`BitMapBackend`] and lays text out itself: glyphs at sub-pixel pen positions,
//! with their side bearings and the font's kerning pairs, anchored and rotated as
//! plotters would. (Rasterising the SVG with `resvg` instead was measured and costs
//! far more: BENCHMARKS.md, "PNG text".)

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

type BitmapError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

/// The embedded DejaVu Sans, parsed once (the only face charts use).
fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(dejavu::sans::regular()).expect("the embedded DejaVu Sans parses")
    })
}

/// Glyphs of `text` at `size` px, each with its pen x position, and the advance
/// width of the whole line: advances plus kerning pairs, nothing rounded.
pub(super) fn layout(text: &str, size: f32) -> (Vec<(GlyphId, f32)>, f32) {
    let font = font().as_scaled(PxScale::from(size));
    let mut pen = 0f32;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        glyphs.push((id, pen));
        pen += font.h_advance(id);
        prev = Some(id);
    }
    (glyphs, pen)
}

/// [`BitMapBackend`] with correctly spaced text.
pub struct KernedBitmap<'a>(BitMapBackend<'a>);

impl<'a> KernedBitmap<'a> {
    /// Draws into an RGB buffer of `size`.
    pub fn with_buffer(pixels: &'a mut [u8], size: (u32, u32)) -> Self {
        KernedBitmap(BitMapBackend::with_buffer(pixels, size))
    }
}

type Drawn = Result<(), DrawingErrorKind<BitmapError>>;

impl DrawingBackend for KernedBitmap<'_> {
    type ErrorType = BitmapError;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Drawn {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Drawn {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Drawn {
        self.0.draw_line(from, to, s)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        self.0.blit_bitmap(pos, size, src)
    }

    /// Text as plotters places it (same anchor box, same baseline, same rotation),
    /// but every glyph at its exact pen position with its side bearing and kerning.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Drawn {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size() as f32;
        // plotters' box height (size / 1.24), so vertical placement is unchanged.
        let ((_, min_y), (_, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let height = max_y - min_y;
        let (glyphs, advance) = layout(text, size);
        let width = advance.round() as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        } - min_y;
        let trans = style.transform();
        let (w, h) = self.get_size();
        let font = font().as_scaled(PxScale::from(size));
        // plotters puts the baseline at size / 2 below the box top.
        let baseline = size / 2.0;
        for (id, x) in glyphs {
            let glyph = id.with_scale_and_position(size, point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                let (x, y) = trans.transform(left + gx as i32 + dx, top + gy as i32 + dy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    let ink = BackendColor {
                        alpha: color.alpha * f64::from(coverage.min(1.0)),
                        rgb: color.rgb,
                    };
                    result = self.0.draw_pixel((x, y), ink);
                }
            });
            result?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::{IntoDrawingArea, WHITE};
    use plotters::style::{IntoFont, TextStyle};

    const SIZE: f32 = 40.0;

    /// Columns `[start, end)` of each run of inked columns in the rendered text.
    fn ink_runs(text: &str) -> Vec<(usize, usize)> {
        super::super::palette::ensure_font().unwrap();
        let (w, h) = (400u32, 80u32);
        let mut pixels = vec![0u8; (w * h * 3) as usize];
        {
            let root = KernedBitmap::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            let style: TextStyle = ("sans-serif", f64::from(SIZE)).into_font().into();
            root.draw_text(text, &style, (20, 20)).unwrap();
            root.present().unwrap();
        }
        let inked = |x: usize| (0..h as usize).any(|y| pixels[(y * w as usize + x) * 3] < 160);
        let mut runs = Vec::new();
        let mut start = None;
        for x in 0..w as usize {
            match (inked(x), start) {
                (true, None) => start = Some(x),
                (false, Some(s)) => {
                    runs.push((s, x));
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    /// Left and right side bearings of `c` in px at [`SIZE`], from the font's
    /// glyph box and advance (not from the layout code under test).
    fn bearings(c: char) -> (f32, f32) {
        let font = font().as_scaled(PxScale::from(SIZE));
        let id = font.glyph_id(c);
        let ink = font.font.outline(id).unwrap().bounds;
        let k = font.h_scale_factor();
        (ink.min.x * k, font.h_advance(id) - ink.max.x * k)
    }

    #[test]
    fn gaps_between_glyphs_follow_the_fonts_side_bearings() {
        // "1" has a wide left bearing: plotters drew it a bearing's width too far
        // left, so "o1" touched and "1o" gaped ("1 30/s").
        let text = "o1o1o";
        let runs = ink_runs(text);
        assert_eq!(runs.len(), 5, "one ink run per glyph: {runs:?}");
        let (o_l, o_r) = bearings('o');
        let (one_l, one_r) = bearings('1');
        let want = [o_r + one_l, one_r + o_l, o_r + one_l, one_r + o_l];
        for (i, want) in want.iter().enumerate() {
            let gap = (runs[i + 1].0 - runs[i].1) as f32;
            assert!(
                (gap - want).abs() <= 1.5,
                "gap {i} of {text:?} is {gap} px, the font says {want:.1} px ({runs:?})"
            );
        }
    }

    #[test]
    fn kerning_pairs_are_applied() {
        // DejaVu Sans kerns "AV": the pair is narrower than its two advances.
        let (_, kerned) = layout("AV", SIZE);
        let font = font().as_scaled(PxScale::from(SIZE));
        let plain = font.h_advance(font.glyph_id('A')) + font.h_advance(font.glyph_id('V'));
        assert!(
            kerned < plain - 1.0,
            "AV {kerned} px vs advances {plain} px"
        );
    }
}
