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
    /// JMeter JTL, CSV form (any columns, any delimiter, with or without header).
    JmeterCsv,
    /// JMeter JTL, XML form.
    JmeterXml,
    /// k6 `--out csv` (plain or gzipped).
    K6Csv,
    /// k6 `--out json` NDJSON (plain or gzipped).
    K6Json,
    /// k6 end-of-test summary JSON (`--summary-export`, `handleSummary`, or the
    /// machine-readable summary of k6 1.x).
    K6Summary,
    /// Gatling `simulation.log`, text layouts 2.0 – 3.12.
    GatlingLog,
    /// Gatling binary `simulation.log` (3.13 and later).
    GatlingBinary,
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
    // Console summaries of issue 16.
    /// ApacheBench console output.
    AbText,
    /// ApacheBench `-g` gnuplot TSV (per request).
    AbGnuplot,
    /// ApacheBench `-e` percentile CSV.
    AbCsv,
    /// hey's default text summary.
    HeyText,
    /// autocannon `--json`.
    AutocannonJson,
    /// h2load console output.
    H2loadText,
    /// httperf console output.
    HttperfText,
    /// siege's console summary (text or its JSON block).
    SiegeText,
    /// siege's `siege.log` CSV (one row per run).
    SiegeLog,
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
            Format::JmeterCsv | Format::JmeterXml => "jmeter",
            Format::K6Csv | Format::K6Json | Format::K6Summary => "k6",
            Format::GatlingLog | Format::GatlingBinary => "gatling",
            Format::VegetaCsv | Format::VegetaJson => "vegeta",
            Format::WrkText => "wrk",
            Format::HdrPercentiles => "hdrhistogram",
            Format::OhaJson | Format::OhaCsv => "oha",
            Format::HeyCsv => "hey",
            Format::ArtilleryJson => "artillery",
            Format::GooseCsv => "goose",
            Format::LocustJson => "locust",
            Format::AbText | Format::AbGnuplot | Format::AbCsv => "ab",
            Format::HeyText => "hey",
            Format::AutocannonJson => "autocannon",
            Format::H2loadText => "h2load",
            Format::HttperfText => "httperf",
            Format::SiegeText | Format::SiegeLog => "siege",
        }
    }

    /// True when the adapter also reads the file gzip-compressed (k6 writes `.gz`).
    pub fn reads_gzip(self) -> bool {
        matches!(
            self,
            Format::JmeterCsv
                | Format::JmeterXml
                | Format::K6Csv
                | Format::K6Json
                | Format::GatlingLog
        )
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
            Format::JmeterCsv => "jmeter-csv",
            Format::JmeterXml => "jmeter-xml",
            Format::K6Csv => "k6-csv",
            Format::K6Json => "k6-json",
            Format::K6Summary => "k6-summary",
            Format::GatlingLog => "gatling-log",
            Format::GatlingBinary => "gatling-binary",
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
            Format::AbText => "ab-text",
            Format::AbGnuplot => "ab-gnuplot",
            Format::AbCsv => "ab-percentiles-csv",
            Format::HeyText => "hey-text",
            Format::AutocannonJson => "autocannon-json",
            Format::H2loadText => "h2load-text",
            Format::HttperfText => "httperf-text",
            Format::SiegeText => "siege-text",
            Format::SiegeLog => "siege-log",
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
        let inner = gunzip_head(head);
        if inner.starts_with(&[0x1f, 0x8b]) || inner.is_empty() {
            return Detection::Unsupported("gzip-compressed file: decompress it first".into());
        }
        return match detect_format(path, &inner) {
            Detection::Supported(f) if f.reads_gzip() => Detection::Supported(f),
            Detection::Supported(f) => {
                Detection::Unsupported(format!("gzip-compressed {f}: decompress it first"))
            }
            other => other,
        };
    }
    if let Some(version) = super::gatling_binary::binary_log_version(head) {
        return super::gatling_binary::detect(head, &version);
    }
    if super::vegeta::sniff_gob(head) {
        return Detection::Unsupported(super::vegeta::GOB_REASON.into());
    }
    if head.first() == Some(&0) {
        return Detection::Unsupported(
            "binary file of an unknown format: not a load-test result headroom reads".into(),
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
    if let Some(format) = first_sniffed(&text, &CONSOLE_SNIFFERS) {
        return Detection::Supported(format);
    }
    if let Some(format) = detect_tool_format(line, &text) {
        return format;
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

/// JMeter, k6 and Gatling formats (FORMATS.md §2–4, §8), or a precise reason why a
/// file of theirs is not read.
fn detect_tool_format(line: &str, text: &str) -> Option<Detection> {
    let s = Detection::Supported;
    if line.starts_with("metric_name,timestamp,metric_value") {
        return Some(s(Format::K6Csv));
    }
    if super::k6_json::looks_like_k6_json(line) {
        return Some(s(Format::K6Json));
    }
    if super::k6_summary::looks_like_k6_summary(text) {
        return Some(s(Format::K6Summary));
    }
    if super::k6_summary::looks_like_k6_console(text) {
        return Some(Detection::Unsupported(
            super::k6_summary::CONSOLE_REASON.into(),
        ));
    }
    if super::gatling::looks_like_text_log(line) {
        return Some(s(Format::GatlingLog));
    }
    if line.starts_with("<?xml") && text.contains("<testResults")
        || line.starts_with("<testResults")
    {
        return Some(s(Format::JmeterXml));
    }
    if super::jmeter_csv::sniff(text).is_some() {
        return Some(s(Format::JmeterCsv));
    }
    None
}

/// A content sniffer: true when a file's head is its format.
type Sniffer = fn(&str) -> bool;

/// The console summaries (and their side files) of ab, hey, autocannon, h2load,
/// httperf and siege, each recognised by its adapter's sniffer.
const CONSOLE_SNIFFERS: [(Sniffer, Format); 9] = {
    use super::{ab, autocannon, h2load, hey_text, httperf, siege};
    [
        (ab::sniff_text, Format::AbText),
        (ab::sniff_gnuplot, Format::AbGnuplot),
        (ab::sniff_csv, Format::AbCsv),
        (hey_text::sniff, Format::HeyText),
        (autocannon::sniff, Format::AutocannonJson),
        (h2load::sniff, Format::H2loadText),
        (httperf::sniff, Format::HttperfText),
        (siege::sniff, Format::SiegeText),
        (siege::sniff_log, Format::SiegeLog),
    ]
};

/// The format of the first sniffer that claims `text`.
fn first_sniffed(text: &str, sniffers: &[(Sniffer, Format)]) -> Option<Format> {
    sniffers
        .iter()
        .find(|(sniff, _)| sniff(text))
        .map(|(_, format)| *format)
}

/// Decompresses as much of a gzip head as it holds (the stream is cut short).
fn gunzip_head(head: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::with_capacity(super::text::HEAD_BYTES);
    let mut decoder = flate2::read::GzDecoder::new(head);
    let mut buf = [0u8; 4096];
    while out.len() < super::text::HEAD_BYTES {
        match decoder.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

/// The part B formats, each recognised by its adapter's content sniffer (FORMATS.md §8).
fn detect_part_b(text: &str) -> Option<Format> {
    use super::{artillery, goose, hey, hgrm, locust_json, oha, vegeta, wrk};
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
    first_sniffed(text, &sniffers)
}

/// A file that resembles a format headroom reads, but whose layout its reader did not
/// recognise (a variant or a damaged header): skipped with a reason, never guessed at.
fn recognise_unsupported(line: &str, text: &str) -> Option<String> {
    let resembles: &[(&str, &str)] = &[
        ("response-time,", "hey CSV"),
        ("request-start,", "oha CSV"),
        ("{\"summary\":", "oha JSON"),
        ("{\"aggregate\"", "Artillery report"),
        ("{\"intermediate\"", "Artillery report"),
        ("elapsed,scenario_index", "Goose request log"),
    ];
    let name = resembles
        .iter()
        .find(|(prefix, _)| line.starts_with(prefix))
        .map(|(_, name)| *name)
        .or_else(|| (text.contains("Running ") && text.contains(" test @ ")).then_some("wrk text"))
        .or_else(|| {
            (text.contains("Value") && text.contains("Percentile") && text.contains("TotalCount"))
                .then_some("HdrHistogram percentile text")
        })?;
    Some(format!(
        "looks like {name}, but not in a layout headroom reads (see README, \"Inputs read today\")"
    ))
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
    fn jmeter_k6_gatling() {
        let s = Detection::Supported;
        assert_eq!(
            detect("timeStamp,elapsed,label,success\n1,2,a,true\n"),
            s(Format::JmeterCsv)
        );
        assert_eq!(
            detect("timeStamp;elapsed;label;success\n"),
            s(Format::JmeterCsv)
        );
        assert_eq!(
            detect("label,responseCode,success,threadName\na,200,true,t 1-1\n"),
            s(Format::JmeterCsv)
        );
        assert_eq!(
            detect("<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n"),
            s(Format::JmeterXml)
        );
        assert_eq!(
            detect("metric_name,timestamp,metric_value,check\n"),
            s(Format::K6Csv)
        );
        assert_eq!(
            detect("{\"type\":\"Metric\",\"data\":{}}\n"),
            s(Format::K6Json)
        );
        assert_eq!(
            detect("{\"metric\":\"vus\",\"type\":\"Point\"}\n"),
            s(Format::K6Json)
        );
        assert_eq!(
            detect("RUN\tSim\tsim\t1\t \t3.9.5\n"),
            s(Format::GatlingLog)
        );
        assert_eq!(detect("ASSERTION\tAAEC\n"), s(Format::GatlingLog));
        assert_eq!(
            detect("Sim\tsim-1\tRUN\t1\t \t2.0\n"),
            s(Format::GatlingLog)
        );
        let mut binary = vec![0u8, 0, 0, 0, 6];
        binary.extend_from_slice(b"3.12.1\0\0\0\x2bcom.Sim");
        match detect_format(Path::new("simulation.log"), &binary) {
            Detection::Unsupported(why) => {
                assert!(
                    why.starts_with("not supported: binary simulation.log")
                        && why.contains("3.12.1"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gzip_is_looked_into() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"type\":\"Metric\",\"data\":{}}\n")
            .unwrap();
        let bytes = gz.finish().unwrap();
        assert_eq!(
            detect_format(Path::new("x.json.gz"), &bytes),
            Detection::Supported(Format::K6Json)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"Type,Name,Request Count,Failure Count\n")
            .unwrap();
        let bytes = gz.finish().unwrap();
        assert!(matches!(
            detect_format(Path::new("x.csv.gz"), &bytes),
            Detection::Unsupported(_)
        ));
    }

    /// Each console sniffer claims its own tool's head and no other's (nor the heads
    /// of formats read before, which are detected as before).
    #[test]
    fn console_formats_claim_only_their_own() {
        let heads: &[(&str, Format)] = &[
            ("This is ApacheBench, Version 2.3 <$Revision$>\nBenchmarking 127.0.0.1 (be patient)\n", Format::AbText),
            ("starttime\tseconds\tctime\tdtime\tttime\twait\nThu Dec 03 06:16:47 2026\t1796278607\t0\t7\t7\t7\n", Format::AbGnuplot),
            ("Percentage served,Time in ms\n0,7.031\n", Format::AbCsv),
            ("\nSummary:\n  Total:\t1.3378 secs\n  Requests/sec:\t373.7462\n\nResponse time histogram:\n", Format::HeyText),
            ("{\"url\":\"http://x\",\"connections\":5,\"pipelining\":1,\"non2xx\":0,\"latency\":{}}", Format::AutocannonJson),
            ("starting benchmark...\nspawning thread #0: 10 total client(s). 500 total requests\n", Format::H2loadText),
            ("httperf --client=0/1 --server=127.0.0.1 --rate=50\nTotal: connections 1 requests 1 replies 1 test-duration 1.0 s\n", Format::HttperfText),
            ("{\t\"transactions\":\t570,\n\t\"availability\":\t100.00,\n", Format::SiegeText),
            ("Transactions:\t\t570 hits\nAvailability:\t\t100.00 %\n", Format::SiegeText),
            ("      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time\n", Format::SiegeLog),
        ];
        for (head, want) in heads {
            let claimed: Vec<Format> = CONSOLE_SNIFFERS
                .iter()
                .filter(|(sniff, _)| sniff(head))
                .map(|(_, f)| *f)
                .collect();
            assert_eq!(claimed, vec![*want], "{head}");
            assert_eq!(detect(head), Detection::Supported(*want), "{head}");
        }
        for other in [
            "Running 10s test @ http://127.0.0.1:8080\n  1 threads and 1 connections\n",
            "{\n  \"summary\": {\"successRate\": 1.0, \"requestsPerSec\": 5.0}\n}",
            "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
            "timeStamp,elapsed,label,responseCode\n1700000000123,250,home,200\n",
            "{\n  \"root_group\": {},\n  \"metrics\": {\"http_reqs\": {\"count\": 5}}\n}",
        ] {
            assert!(
                CONSOLE_SNIFFERS.iter().all(|(sniff, _)| !sniff(other)),
                "{other}"
            );
        }
    }

    #[test]
    fn others() {
        assert_eq!(detect("hello world\n"), Detection::Unknown);
        assert!(matches!(
            detect_format(Path::new("a"), &[0, 0, 0, 5]),
            Detection::Unsupported(_)
        ));
    }
}
