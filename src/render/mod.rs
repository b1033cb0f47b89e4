//! Rendering: the finished [`Analysis`] as files and terminal text. One exporter per
//! output format behind [`Exporter`]; nothing here computes a figure.

pub mod charts;
pub mod check;
pub mod compare;
pub mod export;
mod filters;
mod html;
pub mod inspect;
mod json;
pub mod junit;
mod markdown;
pub mod output;
mod report;
pub mod sparkline;
pub mod terminal;

use std::path::PathBuf;

use crate::analysis::Analysis;
use charts::{ChartError, ChartOptions};

pub use html::{HtmlExporter, InlineChart};
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use report::{ChartRef, Report};

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
    fn file_name(&self) -> &str;
    /// The file's bytes.
    fn render(&self, report: &Report<'_>) -> Result<Vec<u8>, RenderError>;
}

/// The report files `analyze` writes, in order; report.html inlines `charts`.
pub fn report_exporters(charts: Vec<html::InlineChart>) -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(MarkdownExporter),
        Box::new(HtmlExporter { charts }),
        Box::new(JsonExporter),
    ]
}

/// Renders the charts `options` asks for and returns the [`Report`] that lists them
/// (report.md links them, report.html inlines them) with every exporter of the full
/// report: [`report_exporters`] and one per chart file. The analysis is not changed.
pub fn prepare_report<'a>(
    analysis: &'a Analysis,
    options: impl Into<ChartOptions>,
) -> Result<(Report<'a>, Vec<Box<dyn Exporter>>), RenderError> {
    let options = options.into();
    let formats = options.formats;
    let charts = charts::render_charts(analysis, options)?;
    let mut files: Vec<Box<dyn Exporter>> = Vec::new();
    let mut inline = Vec::new();
    let mut report = Report::new(analysis);
    for chart in charts {
        let (svg_path, png_path) = (chart.svg_path(), chart.png_path());
        report.charts.push(ChartRef {
            kind: chart.kind.file_stem().to_string(),
            title: chart.title.clone(),
            caption: chart.kind.caption().to_string(),
            endpoint: chart.endpoint.clone(),
            svg: formats.svg.then(|| svg_path.clone()),
            png: chart.png.is_some().then(|| png_path.clone()),
        });
        inline.push(html::InlineChart {
            title: chart.title,
            caption: chart.kind.caption().to_string(),
            endpoint: chart.endpoint,
            paths: vec![svg_path.clone(), png_path.clone()],
            svg: chart.svg.clone(),
        });
        if formats.svg {
            files.push(Box::new(ChartFile {
                path: svg_path,
                bytes: chart.svg.into_bytes(),
            }));
        }
        if let Some(png) = chart.png {
            files.push(Box::new(ChartFile {
                path: png_path,
                bytes: png,
            }));
        }
    }
    let mut exporters = report_exporters(inline);
    exporters.extend(files);
    Ok((report, exporters))
}

/// A rendered chart file (`charts/NAME.svg` or `.png`).
struct ChartFile {
    path: String,
    bytes: Vec<u8>,
}

impl Exporter for ChartFile {
    fn file_name(&self) -> &str {
        &self.path
    }

    fn render(&self, _: &Report<'_>) -> Result<Vec<u8>, RenderError> {
        Ok(self.bytes.clone())
    }
}

/// Writes every exporter's file into the checked output dir `out`: first into a temp
/// dir, then moved into place ([`output::write_dir`]), so a failure never leaves a
/// half-written report behind and nothing headroom did not write is replaced.
pub fn write_report(
    report: &Report<'_>,
    exporters: &[Box<dyn Exporter>],
    out: &output::OutputDir,
) -> Result<Vec<PathBuf>, RenderError> {
    output::write_dir(out, |tmp| {
        let mut written = Vec::new();
        for e in exporters {
            let bytes = e.render(report)?;
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
