//! `report.html`: the markdown report through comrak (GFM tables) inside the HTML
//! shell of `templates/report.html.j2`; one self-contained file. comrak's raw-HTML
//! passthrough stays off, so untrusted text, already escaped by the `md` filter,
//! can never become markup.

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

impl Exporter for HtmlExporter {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, analysis: &Analysis) -> Result<Vec<u8>, RenderError> {
        let body = markdown_to_html(&render_markdown(analysis)?);
        let env = environment();
        let tpl = env
            .get_template("report.html")
            .map_err(|source| RenderError::Template {
                name: "report.html".into(),
                source,
            })?;
        let title = analysis
            .run
            .label
            .clone()
            .unwrap_or_else(|| "load test".into());
        tpl.render(
            minijinja::context! { body => body, title => title, verdict => analysis.verdict },
        )
        .map(String::into_bytes)
        .map_err(|source| RenderError::Template {
            name: "report.html".into(),
            source,
        })
    }
}
