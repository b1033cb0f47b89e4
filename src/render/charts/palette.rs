//! Colours, sizes and fonts of every chart, as named constants, and the one embedded
//! font. Nothing else in `charts/` spells a colour or a pixel size.
//!
//! Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
//! which stays distinguishable under the common colour-vision deficiencies; series
//! that must be told apart also differ in dash or marker, never in colour alone.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor};

/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito bluish green.
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito reddish purple.
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Okabe–Ito sky blue.
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito yellow (weak on white: last in the cycle).
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
/// Okabe–Ito black: text, axes, and limit lines that belong to no series.
pub const INK: RGBColor = RGBColor(0x1B, 0x1F, 0x24);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xE1, 0xE4, 0xE8);
/// Background bands (alternate stages in the timeline).
pub const BAND: RGBColor = RGBColor(0xF3, 0xF5, 0xF7);
/// Chart background.
pub const PAPER: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

/// Series colours in the order series are given them (stages, runs).
pub const CYCLE: [RGBColor; 7] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW];

/// The colour of the `i`-th series of a chart.
pub fn cycle(i: usize) -> RGBColor {
    CYCLE[i % CYCLE.len()]
}

/// Throughput (all requests).
pub const THROUGHPUT: RGBColor = BLUE;
/// Goodput (successful requests).
pub const GOODPUT: RGBColor = GREEN;
/// Model curve (USL) drawn over measured points.
pub const MODEL: RGBColor = PURPLE;
/// Breaking points, in order (never the model's colour).
pub const BREAKS: [RGBColor; 3] = [VERMILLION, SKY, INK];
/// Median latency.
pub const P50: RGBColor = BLUE;
/// 95th-percentile latency.
pub const P95: RGBColor = ORANGE;
/// 99th-percentile latency.
pub const P99: RGBColor = VERMILLION;
/// Errors.
pub const ERRORS: RGBColor = VERMILLION;
/// Users.
pub const USERS: RGBColor = GREEN;
/// Failure kinds on an endpoint's timeline, in kind order (each also has its own dash).
pub const FAILURE_KINDS: [RGBColor; 5] = [VERMILLION, PURPLE, ORANGE, SKY, INK];

/// Width of a standard chart, px (SVG user units and PNG pixels alike).
pub const WIDTH: u32 = 960;
/// Height of a standard chart, px.
pub const HEIGHT: u32 = 540;
/// Height of one panel of the stacked timeline.
pub const PANEL_HEIGHT: u32 = 220;
/// Width of the legend column right of a chart's plotting area, px.
pub const LEGEND_WIDTH: u32 = 290;
/// Longest legend label, in characters (fits [`LEGEND_WIDTH`]).
pub const MAX_LEGEND_CHARS: usize = 31;
/// Height of a legend row above a panel, px.
pub const LEGEND_ROW: u32 = 24;
/// Outer margin around the plotting area, px.
pub const MARGIN: u32 = 16;
/// Space for the x-axis tick labels and description, px.
pub const X_LABEL_AREA: u32 = 56;
/// Space for the y-axis tick labels and description, px.
pub const Y_LABEL_AREA: u32 = 96;
/// Height reserved for the title, px.
pub const TITLE_AREA: u32 = 44;
/// Longest label (endpoint or stage name) a chart writes, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Most endpoints the endpoint breakdown shows.
pub const MAX_ENDPOINTS: usize = 15;

/// Title font size, px.
pub const TITLE_SIZE: f64 = 24.0;
/// Axis description font size, px.
pub const AXIS_SIZE: f64 = 17.0;
/// Tick label font size, px.
pub const TICK_SIZE: f64 = 14.0;
/// Legend font size, px.
pub const LEGEND_SIZE: f64 = 14.0;

/// Stroke width of data lines, px.
pub const LINE_WIDTH: u32 = 2;
/// Radius of measured-point markers, px.
pub const POINT_RADIUS: u32 = 4;
/// Dash length and gap of limit and model lines, px.
pub const DASH: (u32, u32) = (8, 5);
/// Dash patterns of limit lines on one chart, in order: limits that coincide (an
/// error-rate limit and the error budget of an availability rule) stay told apart.
pub const LIMIT_DASHES: [(u32, u32); 3] = [(8, 5), (2, 4), (16, 4)];

/// The family name charts ask plotters for; it resolves to the embedded DejaVu Sans.
pub const FONT: &str = "sans-serif";
/// What SVG text asks the viewer for: DejaVu Sans (whose metrics laid the chart
/// out), else narrower faces, so text never outgrows the space measured for it.
pub const SVG_FONT_FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";

/// Registers the embedded DejaVu Sans with plotters (once per process). Charts never
/// read system fonts, so every machine lays text out alike and PNG bytes are stable.
pub fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded DejaVu Sans font did not load".to_string())
        })
        .clone()
}
