//! A plotters drawing backend that writes SVG, and the series marker that groups what
//! it draws. plotters' own SVG backend writes a flat list of shapes; this one wraps
//! each data series in `<g class="series" data-series="ID">`, so a test (or a
//! stylesheet) can find every series, and it writes text with a font list whose
//! first face is the one the layout was measured with. All text and attribute values
//! are XML-escaped here: endpoint and stage names are untrusted.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform,
};

use super::palette;

/// The document being written, shared by the backend and the [`SeriesMarker`].
#[derive(Debug, Default)]
struct Doc {
    body: String,
    /// The series the chart code is drawing now.
    wanted: Option<String>,
    /// The series whose `<g>` is open in `body`.
    open: Option<String>,
}

impl Doc {
    /// Opens or closes `<g>` so that the next shape lands in the wanted series.
    fn sync_group(&mut self) {
        if self.wanted == self.open {
            return;
        }
        if self.open.take().is_some() {
            self.body.push_str("</g>\n");
        }
        if let Some(id) = &self.wanted {
            let _ = writeln!(
                self.body,
                "<g class=\"series\" data-series=\"{}\">",
                escape(id)
            );
            self.open = Some(id.clone());
        }
    }
}

/// Tells the SVG backend which data series the following shapes belong to. On a
/// bitmap the marker does nothing.
#[derive(Clone, Debug, Default)]
pub struct SeriesMarker(Option<Rc<RefCell<Doc>>>);

impl SeriesMarker {
    /// A marker that does nothing (bitmap output).
    pub fn none() -> SeriesMarker {
        SeriesMarker(None)
    }

    /// The shapes drawn from now on belong to series `id`.
    pub fn begin(&self, id: &str) {
        if let Some(doc) = &self.0 {
            doc.borrow_mut().wanted = Some(id.to_string());
        }
    }

    /// The shapes drawn from now on belong to no series (axes, legend, labels).
    pub fn end(&self) {
        if let Some(doc) = &self.0 {
            doc.borrow_mut().wanted = None;
        }
    }
}

/// The backend error: writing to a `String` cannot fail, so this never occurs.
#[derive(Debug, thiserror::Error)]
#[error("SVG backend")]
pub struct SvgError;

/// An SVG document of a fixed size, written into memory.
pub struct SvgBackend {
    doc: Rc<RefCell<Doc>>,
    size: (u32, u32),
}

impl SvgBackend {
    /// A blank `width` × `height` document whose `<title>` is `title`.
    pub fn new(size: (u32, u32), title: &str) -> SvgBackend {
        let mut body = String::new();
        let (w, h) = size;
        let _ = writeln!(
            body,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" class=\"headroom-chart\">"
        );
        let _ = writeln!(body, "<title>{}</title>", escape(title));
        SvgBackend {
            doc: Rc::new(RefCell::new(Doc {
                body,
                ..Doc::default()
            })),
            size,
        }
    }

    /// The marker that groups this document's series.
    pub fn marker(&self) -> SeriesMarker {
        SeriesMarker(Some(Rc::clone(&self.doc)))
    }

    /// A handle that yields the finished document once drawing is done.
    pub fn output(&self) -> SvgOutput {
        SvgOutput(Rc::clone(&self.doc))
    }

    fn shape(&mut self, element: std::fmt::Arguments<'_>) {
        let mut doc = self.doc.borrow_mut();
        doc.sync_group();
        let _ = doc.body.write_fmt(element);
        doc.body.push('\n');
    }

    /// `<TAG GEOMETRY PAINT/>` for a rectangle or circle.
    fn closed_shape(&mut self, tag: &str, geometry: &str, paint: String) {
        self.shape(format_args!("<{tag} {geometry}{paint}/>"));
    }
}

/// The finished document (see [`SvgBackend::output`]).
pub struct SvgOutput(Rc<RefCell<Doc>>);

impl SvgOutput {
    /// The SVG text, with any open group and the root element closed.
    pub fn finish(self) -> String {
        let mut doc = self.0.borrow_mut();
        doc.wanted = None;
        doc.sync_group();
        let mut body = std::mem::take(&mut doc.body);
        body.push_str("</svg>\n");
        body
    }
}

/// XML-escapes text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && c != '\t' => out.push(' '),
            // A bidirectional override would reorder the chart's text: shown escaped.
            c if !c.is_control() && crate::render::terminal::unsafe_char(c) => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}

fn color(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The paint of a closed shape: filled, or outlined with an empty inside.
fn paint(c: BackendColor, fill: bool, width: u32) -> String {
    if fill {
        fill_attrs(c)
    } else {
        format!(" fill=\"none\"{}", stroke_attrs(c, width))
    }
}

/// ` fill="#RRGGBB"`, with its opacity when translucent.
fn fill_attrs(c: BackendColor) -> String {
    format!(" fill=\"{}\"{}", color(c), opacity(c, "fill-opacity"))
}

/// ` stroke="#RRGGBB" stroke-width="w"`, with its opacity when translucent.
fn stroke_attrs(c: BackendColor, width: u32) -> String {
    format!(
        " stroke=\"{}\" stroke-width=\"{width}\"{}",
        color(c),
        opacity(c, "stroke-opacity")
    )
}

/// `opacity="…"` for a translucent colour, nothing for an opaque one.
fn opacity(c: BackendColor, attr: &str) -> String {
    if c.alpha >= 1.0 {
        String::new()
    } else {
        format!(" {attr}=\"{:.3}\"", c.alpha.max(0.0))
    }
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut out = String::new();
    for (x, y) in path {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "{x},{y}");
    }
    out
}

impl DrawingBackend for SvgBackend {
    type ErrorType = SvgError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<SvgError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<SvgError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        if c.alpha > 0.0 {
            self.shape(format_args!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"{}/>",
                fill_attrs(c)
            ));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.shape(format_args!(
                "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"{}/>",
                stroke_attrs(c, style.stroke_width())
            ));
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let (x, y) = (x1.min(x2), y1.min(y2));
        let (w, h) = ((x2 - x1).abs(), (y2 - y1).abs());
        let geometry = format!("x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"");
        self.closed_shape("rect", &geometry, paint(c, fill, style.stroke_width()));
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.shape(format_args!(
                "<polyline fill=\"none\"{} stroke-linejoin=\"round\" points=\"{}\"/>",
                stroke_attrs(c, style.stroke_width()),
                points(path)
            ));
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let geometry = format!("cx=\"{x}\" cy=\"{y}\" r=\"{radius}\"");
        self.closed_shape("circle", &geometry, paint(c, fill, style.stroke_width()));
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.shape(format_args!(
                "<polygon{} points=\"{}\"/>",
                fill_attrs(c),
                points(vert)
            ));
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<SvgError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Center => "middle",
            HPos::Right => "end",
        };
        // plotters' text size is the font's ascent-to-descent height; 1.24 converts it
        // to an em, as plotters' own SVG backend does.
        let dy = match style.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.35em",
            VPos::Bottom => "-0.24em",
        };
        let rotate = match style.transform() {
            FontTransform::Rotate90 => format!(" transform=\"rotate(90 {x} {y})\""),
            FontTransform::Rotate180 => format!(" transform=\"rotate(180 {x} {y})\""),
            FontTransform::Rotate270 => format!(" transform=\"rotate(270 {x} {y})\""),
            FontTransform::None => String::new(),
        };
        self.shape(format_args!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-family=\"{}\" font-size=\"{:.1}\"{}{rotate}>{}</text>",
            palette::SVG_FONT_FAMILY,
            style.size() / 1.24,
            fill_attrs(c),
            escape(text)
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<img src=x onerror=\"alert(1)\">&'"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{1b}b\u{202e}c\td"), "a b\\u{202e}c\td");
    }

    #[test]
    fn groups_shapes_by_series() {
        let mut svg = SvgBackend::new((10, 10), "t");
        let marker = svg.marker();
        let out = svg.output();
        let style = BackendColor {
            alpha: 1.0,
            rgb: (0, 0, 0),
        };
        marker.begin("a<b");
        svg.draw_pixel((1, 1), style).unwrap();
        svg.draw_pixel((2, 2), style).unwrap();
        marker.end();
        svg.draw_pixel((3, 3), style).unwrap();
        let text = out.finish();
        assert_eq!(text.matches("<g class=\"series\"").count(), 1);
        assert!(text.contains("data-series=\"a&lt;b\""));
        assert_eq!(text.matches("</g>").count(), 1);
        assert!(text.ends_with("</svg>\n"));
    }
}
