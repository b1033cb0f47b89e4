//! `report.json`: the report serialised as is (the analysis struct, with the charts
//! listed, is the contract).

use super::{Exporter, RenderError, Report};

/// Writes `report.json`.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn file_name(&self) -> &'static str {
        "report.json"
    }

    fn render(&self, report: &Report<'_>) -> Result<Vec<u8>, RenderError> {
        let mut bytes = serde_json::to_vec_pretty(report)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
