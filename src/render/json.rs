//! `report.json`: the analysis serialised as is (the struct is the contract).

use super::{Exporter, RenderError};
use crate::analysis::Analysis;

/// Writes `report.json`.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn file_name(&self) -> &'static str {
        "report.json"
    }

    fn render(&self, analysis: &Analysis) -> Result<Vec<u8>, RenderError> {
        let mut bytes = serde_json::to_vec_pretty(analysis)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
