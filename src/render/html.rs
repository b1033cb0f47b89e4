//! `report.html`: the markdown report through comrak (GFM tables) inside the HTML
//! shell of `templates/report.html.j2`, with the charts inlined as SVG; one
//! self-contained file that needs no network.
//!
//! Safety: comrak's raw-HTML passthrough stays off, so untrusted text — already
//! escaped by the `md` filter — can never become markup; the shell template is
//! HTML-auto-escaped, and only comrak's output and our own SVG (whose text is
//! XML-escaped by the chart backend) are inserted as markup.
//!
//! Order: the verdict and the SLA compliance matrix come first, so the page opens
//! with the decision; the markdown's `## Charts` section (links to PNG files) is
//! replaced by the inline charts.

use minijinja::AutoEscape;
use serde::Serialize;

use super::charts::{self, ChartFormats};
use super::markdown::{environment, render_markdown};
use super::{Exporter, RenderError};
use crate::analysis::Analysis;

/// Writes `report.html`.
pub struct HtmlExporter;

/// The markdown as an HTML fragment.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = false;
    options.render.r#unsafe = false;
    comrak::markdown_to_html(markdown, &options)
}

/// Headings (level 2) of the report.md sections the page moves or replaces.
const SUMMARY: &str = "Executive summary";
const SLA: &str = "SLA compliance";
const CHARTS: &str = "Charts";

/// One `## ` section of the markdown (the first one is the preamble, without heading).
struct Section<'a> {
    heading: Option<&'a str>,
    text: String,
}

/// Splits markdown at its level-2 headings (outside code blocks).
fn sections(markdown: &str) -> Vec<Section<'_>> {
    let mut out = vec![Section {
        heading: None,
        text: String::new(),
    }];
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if !in_code {
            if let Some(h) = line.strip_prefix("## ") {
                out.push(Section {
                    heading: Some(h.trim()),
                    text: String::new(),
                });
            }
        }
        if let Some(last) = out.last_mut() {
            last.text.push_str(line);
            last.text.push('\n');
        }
    }
    out
}

/// The markdown reordered for the page — preamble, executive summary, SLA compliance,
/// then the rest in order — split where the charts go: (before, after).
fn arrange(markdown: &str) -> (String, String) {
    let sections = sections(markdown);
    let is = |s: &Section<'_>, h: &str| s.heading == Some(h);
    let mut before = String::new();
    let mut after = String::new();
    for s in sections
        .iter()
        .filter(|s| s.heading.is_none() || is(s, SUMMARY))
    {
        before.push_str(&s.text);
    }
    for s in sections.iter().filter(|s| is(s, SLA)) {
        before.push_str(&s.text);
    }
    let mut past_charts = false;
    for s in sections
        .iter()
        .filter(|s| s.heading.is_some() && !is(s, SUMMARY) && !is(s, SLA))
    {
        if is(s, CHARTS) {
            past_charts = true;
        } else if past_charts {
            after.push_str(&s.text);
        } else {
            before.push_str(&s.text);
        }
    }
    (before, after)
}

/// A chart as the template inlines it.
#[derive(Serialize)]
struct InlineChart {
    title: String,
    svg: String,
}

impl Exporter for HtmlExporter {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, analysis: &Analysis) -> Result<Vec<u8>, RenderError> {
        let (before, after) = arrange(&render_markdown(analysis)?);
        // The charts the report lists, drawn again as SVG: rendering is deterministic,
        // so these are the bytes of charts/*.svg.
        let charts: Vec<InlineChart> = if analysis.charts.is_empty() {
            Vec::new()
        } else {
            charts::render_charts(
                analysis,
                ChartFormats {
                    svg: true,
                    png: false,
                },
            )?
            .into_iter()
            .filter(|c| analysis.charts.iter().any(|r| r.kind == c.kind.file_stem()))
            .map(|c| InlineChart {
                title: c.title,
                svg: c.svg,
            })
            .collect()
        };
        let mut env = environment();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let template_error = |source| RenderError::Template {
            name: "report.html".into(),
            source,
        };
        let tpl = env.get_template("report.html").map_err(template_error)?;
        let title = analysis
            .run
            .label
            .clone()
            .unwrap_or_else(|| "load test".into());
        // The verdict sentence without its first word (the banner shows the verdict).
        let headline = analysis.sla.as_ref().map(|s| {
            s.headline
                .split_once(' ')
                .map_or(s.headline.as_str(), |(_, rest)| rest)
                .to_string()
        });
        tpl.render(minijinja::context! {
            title => title,
            verdict => analysis.verdict,
            headline => headline,
            before => markdown_to_html(&before),
            after => markdown_to_html(&after),
            charts => charts,
        })
        .map(String::into_bytes)
        .map_err(template_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_section_moves_up_and_charts_split_the_page() {
        let md = "# T\n\n## Executive summary\n\nv\n\n## Provenance\n\np\n\n```\n## not a heading\n```\n\n## Charts\n\n![x](charts/x.png)\n\n## SLA compliance\n\n| a |\n|---|\n\n## Appendix\n\nz\n";
        let (before, after) = arrange(md);
        let order: Vec<usize> = [
            "# T",
            "## Executive summary",
            "## SLA compliance",
            "## Provenance",
        ]
        .iter()
        .map(|h| before.find(h).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{before}");
        assert!(before.contains("## not a heading"));
        assert!(!before.contains("charts/x.png") && !after.contains("charts/x.png"));
        assert!(after.starts_with("## Appendix"));
    }
}
