//! How headroom recognises the dirs it wrote itself: ingest never reads them as
//! input, and render may replace them. A dir is headroom's when it carries one of the
//! marker files below, or (written before markers existed) holds headroom's own
//! `report.json`.

use std::path::Path;

/// Marker file of a report dir (`analyze`, `demo`'s `report/`).
pub const REPORT_MARKER: &str = ".headroom-report";
/// Marker file of `demo`'s output dir (holding `run/` and `report/`).
pub const DEMO_MARKER: &str = ".headroom-demo";
/// Marker file of `compare`'s output dir.
pub const COMPARE_MARKER: &str = ".headroom-compare";
/// Marker file of a run dir the driver wrote.
pub const RUN_MARKER: &str = ".headroom-run";
/// Marker file of `export`'s output dir (tables of a run, read as input only when
/// given by name).
pub const EXPORT_MARKER: &str = ".headroom-export";

/// True for a report, demo, export or compare dir headroom wrote (not a driver run
/// dir, which is input).
pub fn is_headroom_output(dir: &Path) -> bool {
    [REPORT_MARKER, DEMO_MARKER, EXPORT_MARKER, COMPARE_MARKER]
        .iter()
        .any(|m| dir.join(m).is_file())
        || is_legacy_report(dir)
}

/// A report dir of an earlier version: headroom's `report.json`, no marker.
pub fn is_legacy_report(dir: &Path) -> bool {
    dir.join("report.json").is_file()
        && std::fs::read_to_string(dir.join("report.json"))
            .map(|t| t.contains("\"schema_version\"") && t.contains("\"headroom\""))
            .unwrap_or(false)
}
