//! Rendering: the finished [`Analysis`] as files and terminal text. One exporter per
//! output format behind [`Exporter`]; nothing here computes a figure.

pub mod charts;
pub mod check;
pub mod compare;
mod filters;
mod html;
mod json;
pub mod junit;
mod markdown;
pub mod output;
pub mod sparkline;
pub mod terminal;

use std::path::PathBuf;

use crate::analysis::report::ChartRef;
use crate::analysis::Analysis;
use charts::{ChartError, ChartFormats};

pub use html::HtmlExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;

/// A rendering failure.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed (a bug in `templates/`, or a value it did not expect).
    #[error("template {name}: {source}")]
    Template {
        /// Template name.
        name: String,
        /// Cause.
        #[source]
        source: minijinja::Error,
    },
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// JSON serialisation failed.
    #[error("report.json: {0}")]
    Json(#[from] serde_json::Error),
    /// The output dir is refused, or moving it into place failed.
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// Writing the output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or dir.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// One output format.
pub trait Exporter {
    /// The file this exporter writes inside the output dir.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn render(&self, analysis: &Analysis) -> Result<Vec<u8>, RenderError>;
}

/// The report files `analyze` writes, in order.
pub fn report_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(MarkdownExporter),
        Box::new(HtmlExporter),
        Box::new(JsonExporter),
    ]
}

/// Renders the charts `formats` asks for, lists them in `analysis.charts` (which
/// report.md links and report.html inlines), and returns every exporter of the full
/// report: [`report_exporters`] and one per chart file.
pub fn prepare_report(
    analysis: &mut Analysis,
    formats: ChartFormats,
) -> Result<Vec<Box<dyn Exporter>>, RenderError> {
    let charts = charts::render_charts(analysis, formats)?;
    let mut exporters = report_exporters();
    analysis.charts.clear();
    for chart in charts {
        let kind = chart.kind;
        analysis.charts.push(ChartRef {
            kind: kind.file_stem().to_string(),
            title: chart.title,
            svg: formats.svg.then(|| kind.svg_path().to_string()),
            png: chart.png.is_some().then(|| kind.png_path().to_string()),
        });
        if formats.svg {
            exporters.push(Box::new(ChartFile {
                path: kind.svg_path(),
                bytes: chart.svg.into_bytes(),
            }));
        }
        if let Some(png) = chart.png {
            exporters.push(Box::new(ChartFile {
                path: kind.png_path(),
                bytes: png,
            }));
        }
    }
    Ok(exporters)
}

/// A rendered chart file (`charts/NAME.svg` or `.png`).
struct ChartFile {
    path: &'static str,
    bytes: Vec<u8>,
}

impl Exporter for ChartFile {
    fn file_name(&self) -> &'static str {
        self.path
    }

    fn render(&self, _: &Analysis) -> Result<Vec<u8>, RenderError> {
        Ok(self.bytes.clone())
    }
}

/// Writes every exporter's file into the checked output dir `out`: first into a temp
/// dir, then moved into place ([`output::write_dir`]), so a failure never leaves a
/// half-written report behind and nothing headroom did not write is replaced.
pub fn write_report(
    analysis: &Analysis,
    exporters: &[Box<dyn Exporter>],
    out: &output::OutputDir,
) -> Result<Vec<PathBuf>, RenderError> {
    output::write_dir(out, |tmp| {
        let mut written = Vec::new();
        for e in exporters {
            let bytes = e.render(analysis)?;
            let path = tmp.join(e.file_name());
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| RenderError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, bytes).map_err(|source| RenderError::Io {
                path: path.clone(),
                source,
            })?;
            written.push(out.path.join(e.file_name()));
        }
        Ok(written)
    })
}
