//! Format detection from content (FORMATS.md §8), with the file name only as a
//! tie-breaker for headroom's own manifest.

use std::fmt;
use std::path::Path;

use super::text::{first_line, header_cells, normalize};

/// A recognised input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// headroom's run manifest (`run.toml`).
    Manifest,
    /// Locust `_stats.csv` (≥ 0.13.3).
    LocustStats,
    /// Locust `_stats_history.csv`.
    LocustHistory,
    /// Locust `_failures.csv`.
    LocustFailures,
    /// Locust `_exceptions.csv`.
    LocustExceptions,
    /// Locust ≤ 0.13.2 `_requests.csv`.
    LocustRequests,
    /// Locust ≤ 0.13.2 `_distribution.csv`.
    LocustDistribution,
    /// headroom's generic per-request CSV (README, "Generic per-request CSV").
    GenericCsv,
    /// HdrHistogram interval log (`.hlog`).
    HdrLog,
    // Part B formats.
    /// vegeta `encode --to csv` (no header).
    VegetaCsv,
    /// vegeta `encode --to json` (JSON lines).
    VegetaJson,
    /// wrk / wrk2 console output.
    WrkText,
    /// HdrHistogram percentile distribution text (`.hgrm`).
    HdrPercentiles,
    /// oha `--output-format json`.
    OhaJson,
    /// oha `--output-format csv`.
    OhaCsv,
    /// hey `-o csv`.
    HeyCsv,
    /// Artillery `--output` report (v1 or v2).
    ArtilleryJson,
    /// Goose `--request-log` CSV.
    GooseCsv,
    /// Locust `--json` output.
    LocustJson,
}

impl Format {
    /// The tool whose files form one source.
    pub fn tool(self) -> &'static str {
        match self {
            Format::Manifest => "manifest",
            Format::LocustStats
            | Format::LocustHistory
            | Format::LocustFailures
            | Format::LocustExceptions
            | Format::LocustRequests
            | Format::LocustDistribution => "locust",
            Format::GenericCsv => "generic-csv",
            Format::HdrLog => "hdr-log",
            Format::VegetaCsv | Format::VegetaJson => "vegeta",
            Format::WrkText => "wrk",
            Format::HdrPercentiles => "hdrhistogram",
            Format::OhaJson | Format::OhaCsv => "oha",
            Format::HeyCsv => "hey",
            Format::ArtilleryJson => "artillery",
            Format::GooseCsv => "goose",
            Format::LocustJson => "locust",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Manifest => "headroom-manifest",
            Format::LocustStats => "locust-stats",
            Format::LocustHistory => "locust-stats-history",
            Format::LocustFailures => "locust-failures",
            Format::LocustExceptions => "locust-exceptions",
            Format::LocustRequests => "locust-requests",
            Format::LocustDistribution => "locust-distribution",
            Format::GenericCsv => "generic-csv",
            Format::HdrLog => "hdr-log",
            Format::VegetaCsv => "vegeta-csv",
            Format::VegetaJson => "vegeta-json",
            Format::WrkText => "wrk-text",
            Format::HdrPercentiles => "hdr-percentiles",
            Format::OhaJson => "oha-json",
            Format::OhaCsv => "oha-csv",
            Format::HeyCsv => "hey-csv",
            Format::ArtilleryJson => "artillery-json",
            Format::GooseCsv => "goose-request-log",
            Format::LocustJson => "locust-json",
        })
    }
}

/// What detection concluded about a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detection {
    /// A format headroom reads.
    Supported(Format),
    /// A load tool's format headroom recognises but does not read yet: skipped with
    /// this reason.
    Unsupported(String),
    /// Not a load-test result.
    Unknown,
}

/// Detects a file's format from its first bytes (and `run.toml` by name).
pub fn detect_format(path: &Path, head: &[u8]) -> Detection {
    if path.file_name().is_some_and(|n| n == "run.toml") {
        return Detection::Supported(Format::Manifest);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Detection::Unsupported("gzip-compressed file: decompress it first".into());
    }
    if super::vegeta::sniff_gob(head) {
        return Detection::Unsupported(super::vegeta::GOB_REASON.into());
    }
    if head.first() == Some(&0) {
        return Detection::Unsupported(
            "binary file (a Gatling ≥ 3.13 binary simulation.log?): not supported".into(),
        );
    }
    let text = normalize(head);
    let line = first_line(&text);
    let cells = header_cells(line);
    let has = |name: &str| cells.iter().any(|c| c == name);
    let first = cells.first().map(String::as_str).unwrap_or("");

    if super::hlog::looks_like_hlog(&text) {
        return Detection::Supported(Format::HdrLog);
    }
    if first == "Timestamp" && has("User Count") || first == "Type" && has("Timestamp") {
        return Detection::Supported(Format::LocustHistory);
    }
    if (first == "Type" || first == "Method")
        && (has("Request Count") || has("# requests"))
        && has("Name")
    {
        let old_requests = first == "Method" && !has("50%");
        return Detection::Supported(if old_requests {
            Format::LocustRequests
        } else {
            Format::LocustStats
        });
    }
    if first == "Method" && has("Error") && has("Occurrences") {
        return Detection::Supported(Format::LocustFailures);
    }
    if first == "Count" && has("Message") && has("Traceback") {
        return Detection::Supported(Format::LocustExceptions);
    }
    if first == "Name" && has("# requests") && has("50%") {
        return Detection::Supported(Format::LocustDistribution);
    }
    if let Some(format) = detect_part_b(&text) {
        return Detection::Supported(format);
    }
    if super::generic_csv::looks_like_generic_csv(&cells) {
        return Detection::Supported(Format::GenericCsv);
    }
    if let Some(other) = recognise_unsupported(line, &text) {
        return Detection::Unsupported(other);
    }
    Detection::Unknown
}

/// The part B formats, each recognised by its adapter's content sniffer (FORMATS.md §8).
fn detect_part_b(text: &str) -> Option<Format> {
    use super::{artillery, goose, hey, hgrm, locust_json, oha, vegeta, wrk};
    type Sniffer = fn(&str) -> bool;
    let sniffers: [(Sniffer, Format); 10] = [
        (vegeta::sniff, Format::VegetaCsv),
        (vegeta::sniff_json, Format::VegetaJson),
        (wrk::sniff, Format::WrkText),
        (hgrm::sniff, Format::HdrPercentiles),
        (oha::sniff, Format::OhaJson),
        (oha::sniff_csv, Format::OhaCsv),
        (hey::sniff, Format::HeyCsv),
        (artillery::sniff, Format::ArtilleryJson),
        (goose::sniff, Format::GooseCsv),
        (locust_json::sniff, Format::LocustJson),
    ];
    sniffers
        .iter()
        .find(|(sniff, _)| sniff(text))
        .map(|(_, format)| *format)
}

/// Other load tools' formats (FORMATS.md §8) that are recognised but not read yet.
fn recognise_unsupported(line: &str, text: &str) -> Option<String> {
    let known: &[(&str, &str)] = &[
        ("timeStamp", "JMeter JTL CSV"),
        ("metric_name,timestamp,metric_value", "k6 CSV"),
        ("{\"type\":\"Metric\"", "k6 JSON"),
        ("{\"metric\":", "k6 JSON"),
        ("RUN\t", "Gatling simulation.log"),
        ("ASSERTION\t", "Gatling simulation.log"),
        ("response-time,DNS+dialup", "hey CSV"),
        ("request-start,DNS", "oha CSV"),
        ("{\"summary\":{\"successRate\"", "oha JSON"),
        ("{\"aggregate\"", "Artillery report"),
        ("{\"intermediate\"", "Artillery report"),
        ("elapsed,scenario_index", "Goose request log"),
    ];
    for (prefix, name) in known {
        if line.starts_with(prefix) {
            return Some(format!(
                "{name}: recognised, but not read by this version of headroom"
            ));
        }
    }
    if line.starts_with("<?xml") && text.contains("<testResults") {
        return Some("JMeter JTL XML: recognised, but not read by this version of headroom".into());
    }
    if text.contains("Running ") && text.contains(" test @ ") {
        return Some("wrk/wrk2 text: recognised, but not read by this version of headroom".into());
    }
    if text.contains("Value") && text.contains("Percentile") && text.contains("TotalCount") {
        return Some(
            "HdrHistogram percentile text: recognised, but not read by this version of headroom"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(head: &str) -> Detection {
        detect_format(Path::new("x.csv"), head.as_bytes())
    }

    #[test]
    fn locust_generations() {
        let s = Detection::Supported;
        assert_eq!(
            detect("Type,Name,Request Count,Failure Count,50%\r\n"),
            s(Format::LocustStats)
        );
        assert_eq!(
            detect("\"Type\",\"Name\",\"# requests\",\"# failures\",\"50%\"\n"),
            s(Format::LocustStats)
        );
        assert_eq!(
            detect("\"Method\",\"Name\",\"# requests\",\"# failures\",\"Requests/s\"\n"),
            s(Format::LocustRequests)
        );
        assert_eq!(
            detect("Timestamp,User Count,Type,Name\n"),
            s(Format::LocustHistory)
        );
        assert_eq!(
            detect("\"Type\",\"Name\",\"Timestamp\",\"# requests\"\n"),
            s(Format::LocustHistory)
        );
        assert_eq!(
            detect("Method,Name,Error,Occurrences\n"),
            s(Format::LocustFailures)
        );
        assert_eq!(
            detect("Count,Message,Traceback,Nodes\n"),
            s(Format::LocustExceptions)
        );
        assert_eq!(
            detect("\"Name\",\"# requests\",\"50%\"\n"),
            s(Format::LocustDistribution)
        );
    }

    #[test]
    fn others() {
        assert!(matches!(
            detect("timeStamp,elapsed,label\n"),
            Detection::Unsupported(_)
        ));
        assert_eq!(detect("hello world\n"), Detection::Unknown);
        assert!(matches!(
            detect_format(Path::new("a"), &[0, 0, 0, 5]),
            Detection::Unsupported(_)
        ));
    }
}
