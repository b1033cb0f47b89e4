//! Format detection: the [`Format`] enum (its order is the order a dir's formats are
//! read in) and [`detect_format`], which tries the sniffers of the registry
//! (`formats.rs`) on a file's head, the file name counting only for headroom's own
//! manifest.

use std::fmt;
use std::path::Path;

use super::formats::{spec, Head, Sniff, FORMATS};
use super::preamble::MAX_LINES;
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
    // Whole-run summaries read before the other formats (sources keep this order).
    /// wrk / wrk2 console output.
    WrkText,
    /// HdrHistogram percentile distribution text (`.hgrm`).
    HdrPercentiles,
    /// oha `--output-format json`.
    OhaJson,
    /// Artillery `--output` report (v1 or v2).
    ArtilleryJson,
    /// Artillery's console output (read beside its JSON report, for its `ensure` checks).
    ArtilleryConsole,
    /// Locust `--json` output.
    LocustJson,
    /// Locust's HTML report (2.22 and later: its data in `window.templateArgs`; before:
    /// its tables).
    LocustHtml,
    /// JMeter's HTML dashboard, its `statistics.json` (checked against a JTL beside it).
    JmeterDashboard,
    /// JMeter's non-GUI console or `jmeter.log` (checked against a JTL beside it).
    JmeterSummariser,
    /// headroom's generic per-request CSV (README, "Generic per-request CSV").
    GenericCsv,
    /// A script's per-request JSON lines, keys named as the generic CSV's columns.
    GenericJsonl,
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
    /// k6's console output with its end-of-test text summary.
    K6Console,
    /// Gatling `simulation.log`, text layouts 2.0 – 3.12.
    GatlingLog,
    /// Gatling binary `simulation.log` (3.13 and later).
    GatlingBinary,
    /// vegeta `encode --to csv` (no header).
    VegetaCsv,
    /// vegeta `encode --to json` (JSON lines).
    VegetaJson,
    /// oha `--output-format csv`.
    OhaCsv,
    /// hey `-o csv`.
    HeyCsv,
    /// Goose `--request-log` CSV.
    GooseCsv,
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
    /// autocannon's console output (its tables and totals, without `--json`).
    AutocannonText,
    /// Locust's console output (read beside its CSVs).
    LocustConsole,
    /// h2load console output.
    H2loadText,
    /// h2load `--log-file` (per request).
    H2loadLog,
    /// httperf console output.
    HttperfText,
    /// siege's console summary (text or its JSON block).
    SiegeText,
    /// siege's `siege.log` CSV (one row per run).
    SiegeLog,
    /// vegeta's default text report (`vegeta report`).
    VegetaText,
    /// vegeta's JSON report (`vegeta report -type=json`).
    VegetaReportJson,
}

impl Format {
    /// The tool whose files form one source.
    pub fn tool(self) -> &'static str {
        spec(self).tool
    }

    /// True when the adapter also reads the file gzip-compressed (k6 writes `.gz`; a
    /// console capture packed by logrotate or a CI job reads as unpacked).
    pub fn reads_gzip(self) -> bool {
        spec(self).reads_gzip
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(spec(*self).name)
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

/// Detects a file's format from its first bytes (and `run.toml` by name): the first
/// format of [`FORMATS`] whose sniffer claims the head, after the heads that are known
/// not to be read (binary logs, gzip of a format read only plain, k6's console text).
pub fn detect_format(path: &Path, head: &[u8]) -> Detection {
    detect_with_preamble(path, head).0
}

/// [`detect_format`], and how many lines above the format's start it left out (see
/// `preamble.rs`): a format that must start at line 1 with its header is found below
/// up to [`MAX_LINES`] lines a terminal or a script put above it.
pub fn detect_with_preamble(path: &Path, head: &[u8]) -> (Detection, usize) {
    match detect_plain(path, head) {
        Detection::Unknown => below_preamble(path, head).unwrap_or((Detection::Unknown, 0)),
        found => found_plain(found),
    }
}

/// A detection made without leaving out any line.
fn found_plain(found: Detection) -> (Detection, usize) {
    (found, 0)
}

/// [`detect_format`] without looking below a preamble.
fn detect_plain(path: &Path, head: &[u8]) -> Detection {
    let name = path.file_name().and_then(|n| n.to_str());
    let by_name = FORMATS.iter().find(|s| match s.sniff {
        Sniff::FileName(n) => name == Some(n),
        Sniff::Content(_) => false,
    });
    if let Some(spec) = by_name {
        return Detection::Supported(spec.format);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let inner = gunzip_head(head);
        if let Some(why) = tar_archive(&inner) {
            return Detection::Unsupported(why);
        }
        if inner.starts_with(&[0x1f, 0x8b]) || inner.is_empty() {
            return Detection::Unsupported("gzip-compressed file: decompress it first".into());
        }
        return match detect_plain(path, &inner) {
            Detection::Supported(f) if f.reads_gzip() => Detection::Supported(f),
            Detection::Supported(f) => {
                Detection::Unsupported(format!("gzip-compressed {f}: decompress it first"))
            }
            other => other,
        };
    }
    if let Some(why) = zip_archive(head).or_else(|| tar_archive(head)) {
        return Detection::Unsupported(why);
    }
    // Windows PowerShell's `>` saves a console capture as UTF-16.
    if let Some(little) = super::utf16::bom(head) {
        return detect_plain(path, super::utf16::to_utf8(head, little).as_bytes());
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
    let head = Head {
        text: &text,
        line,
        cells: &cells,
    };
    for spec in &FORMATS {
        if matches!(spec.sniff, Sniff::Content(sniff) if sniff(&head)) {
            return Detection::Supported(spec.format);
        }
    }
    if let Some(why) = jmeter_gui_table(line) {
        return Detection::Unsupported(why.into());
    }
    if let Some(other) = recognise_unsupported(line, &text) {
        return Detection::Unsupported(other);
    }
    if let Some(why) = super::generic_csv::near_miss(line, &cells) {
        return Detection::Unsupported(why);
    }
    Detection::Unknown
}

/// The format found below the first lines of a head that detects as nothing (`$ hey
/// -o csv … > hey.csv` echoed into the file, a `set -x` line, a title), and how many
/// lines it left out: at most [`MAX_LINES`], and only for a format that is found once
/// they are gone.
fn below_preamble(path: &Path, head: &[u8]) -> Option<(Detection, usize)> {
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let inner = if gzip {
        gunzip_head(head)
    } else {
        head.to_vec()
    };
    let text = normalize(&inner);
    for n in 1..=MAX_LINES.min(text.lines().count().saturating_sub(1)) {
        let rest: String = text.lines().skip(n).collect::<Vec<_>>().join("\n");
        if rest.trim().is_empty() {
            return None;
        }
        match detect_plain(path, rest.as_bytes()) {
            Detection::Supported(f) if !gzip || f.reads_gzip() => {
                return Some((Detection::Supported(f), n))
            }
            Detection::Supported(_) | Detection::Unknown => {}
            Detection::Unsupported(_) => return None,
        }
    }
    None
}

/// Decompresses as much of a gzip head as it holds (the stream is cut short).
pub(super) fn gunzip_head(head: &[u8]) -> Vec<u8> {
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

/// The reason a zip archive (`PK\x03\x04`: results zipped to be mailed or attached
/// to a CI job) is not read, naming the files its head lists: headroom reads plain and
/// gzip files, not archives, and the data inside is missing until it is unzipped.
fn zip_archive(head: &[u8]) -> Option<String> {
    const LOCAL: &[u8; 4] = b"PK\x03\x04";
    if !head.starts_with(LOCAL) {
        return None;
    }
    // Each local file header: 30 bytes, the name's length at 26, the name after; the
    // compressed size at 18 (0 when a data descriptor follows the data: stop there).
    let mut names: Vec<String> = Vec::new();
    let mut at = 0usize;
    while names.len() < 4 && head.get(at..at + 4) == Some(LOCAL.as_slice()) {
        let u16_at = |i: usize| {
            head.get(i..i + 2)
                .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |i: usize| {
            head.get(i..i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let (Some(len), Some(extra), Some(size)) =
            (u16_at(at + 26), u16_at(at + 28), u32_at(at + 18))
        else {
            break;
        };
        let Some(name) = head.get(at + 30..at + 30 + len) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        if size == 0 {
            break;
        }
        at += 30 + len + extra + size;
    }
    if let Some(kind) = office_document(&names) {
        return Some(format!(
            "{kind} (a zip of XML parts: {}): headroom reads no office documents; if it \
             holds results, save the sheet as CSV (one row per request, or per interval) \
             into the run dir",
            names.join(", ")
        ));
    }
    Some(archive_reason(
        "zip",
        &names,
        "unzip it into the run dir (`unzip FILE -d DIR`)",
    ))
}

/// What an Office Open XML or OpenDocument file is, from the parts its zip head
/// lists (`xl/` a spreadsheet, `word/` a document, `ppt/` slides; an OpenDocument's
/// first part is `mimetype`); `None` for another zip.
fn office_document(names: &[String]) -> Option<&'static str> {
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("xl/") {
        Some("a spreadsheet (xlsx)")
    } else if has("word/") {
        Some("a text document (docx)")
    } else if has("ppt/") {
        Some("a slide deck (pptx)")
    } else if names.first().is_some_and(|n| n == "mimetype") || has("[Content_Types].xml") {
        Some("an office document")
    } else {
        None
    }
}

/// The reason a tar archive (`tar czf run.tar.gz run/`, a CI job's artifact; `ustar`
/// at byte 257 of its first header, inside the gzip stream or not) is not read, naming
/// the files its head lists, as for a zip archive.
fn tar_archive(head: &[u8]) -> Option<String> {
    if head.get(257..262) != Some(b"ustar".as_slice()) {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    let mut at = 0usize;
    // Each entry: a 512-byte header (name at 0, octal size at 124, type at 156), then
    // its data in 512-byte blocks; dirs (type `5`) are not listed.
    while names.len() < 4 && head.get(at + 257..at + 262) == Some(b"ustar".as_slice()) {
        let field = |from: usize, len: usize| {
            let raw = &head[at + from..at + from + len];
            let end = raw.iter().position(|b| *b == 0).unwrap_or(len);
            String::from_utf8_lossy(&raw[..end]).trim().to_string()
        };
        let size = usize::from_str_radix(&field(124, 12), 8).unwrap_or(0);
        if head.get(at + 156) != Some(&b'5') {
            names.push(field(0, 100));
        }
        at += 512 + size.div_ceil(512) * 512;
    }
    Some(archive_reason(
        "tar",
        &names,
        "extract it into the run dir (`tar xf FILE -C DIR`)",
    ))
}

/// Why an archive of `kind` whose head lists `names` is not read, and `how` to unpack it.
fn archive_reason(kind: &str, names: &[String], how: &str) -> String {
    let holding = if names.is_empty() {
        String::new()
    } else {
        format!(" holding {}", names.join(", "))
    };
    format!(
        "a {kind} archive{holding}: headroom does not read inside archives, so its results \
         are missing from this run; {how} and analyse the files"
    )
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

/// JMeter's Aggregate or Summary Report table saved from the GUI ("Save Table Data":
/// `Label,# Samples,Average,…`, `;` and decimal commas in some locales): a GUI's
/// rounded per-label table, not the samples.
fn jmeter_gui_table(line: &str) -> Option<&'static str> {
    let line = line.trim_start_matches('\u{feff}').trim_start_matches('"');
    (line.starts_with("Label") && line.contains("# Samples")).then_some(
        "JMeter's Aggregate or Summary Report table (Save Table Data): a GUI's rounded \
         per-label summary, not read; analyse the JTL the test wrote (`-l results.jtl`)",
    )
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
        assert_eq!(
            detect_format(Path::new("x_stats.csv.gz"), &bytes),
            Detection::Supported(Format::LocustStats)
        );
        // An interval log reads gzipped too; a gzip of a gzip says to unpack it.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"#[Histogram log format version 1.3]\n#[StartTime: 1764835200.000]\n")
            .unwrap();
        let bytes = gz.finish().unwrap();
        assert_eq!(
            detect_format(Path::new("x.hlog.gz"), &bytes),
            Detection::Supported(Format::HdrLog)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&bytes).unwrap();
        let twice = gz.finish().unwrap();
        assert!(matches!(
            detect_format(Path::new("x.hlog.gz.gz"), &twice),
            Detection::Unsupported(_)
        ));
    }

    #[test]
    fn a_zip_archive_names_what_it_holds() {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        zip.extend_from_slice(&3u32.to_le_bytes()); // compressed size (offset 18)
        zip.extend_from_slice(&3u32.to_le_bytes()); // uncompressed size
        zip.extend_from_slice(&11u16.to_le_bytes()); // name length (offset 26)
        zip.extend_from_slice(&0u16.to_le_bytes()); // extra length
        zip.extend_from_slice(b"results.jtlabc");
        match detect_format(Path::new("results.zip"), &zip) {
            Detection::Unsupported(why) => {
                assert!(
                    why.starts_with("a zip archive holding results.jtl:"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
        match detect("Label;# Samples;Average;Median;90% Line\n") {
            Detection::Unsupported(why) => assert!(why.contains("Aggregate"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A team's spreadsheet beside the results: a zip too, but no archive of results.
        let mut xlsx = Vec::new();
        for name in ["[Content_Types].xml", "xl/workbook.xml"] {
            xlsx.extend_from_slice(b"PK\x03\x04");
            xlsx.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            xlsx.extend_from_slice(&3u32.to_le_bytes());
            xlsx.extend_from_slice(&3u32.to_le_bytes());
            xlsx.extend_from_slice(&(name.len() as u16).to_le_bytes());
            xlsx.extend_from_slice(&0u16.to_le_bytes());
            xlsx.extend_from_slice(name.as_bytes());
            xlsx.extend_from_slice(b"abc");
        }
        match detect_format(Path::new("results.xlsx"), &xlsx) {
            Detection::Unsupported(why) => assert!(
                why.starts_with("a spreadsheet (xlsx)")
                    && why.contains("save the sheet as CSV")
                    && !why.contains("unzip"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
    }

    /// The console summaries (and their side files) of ab, hey, autocannon, h2load,
    /// httperf and siege.
    const CONSOLE: [Format; 10] = [
        Format::AbText,
        Format::AbGnuplot,
        Format::AbCsv,
        Format::HeyText,
        Format::AutocannonJson,
        Format::H2loadText,
        Format::H2loadLog,
        Format::HttperfText,
        Format::SiegeText,
        Format::SiegeLog,
    ];

    /// True when `format`'s sniffer claims `head`.
    fn claims(format: Format, head: &str) -> bool {
        let line = first_line(head);
        let cells = header_cells(line);
        let head = Head {
            text: head,
            line,
            cells: &cells,
        };
        matches!(spec(format).sniff, Sniff::Content(sniff) if sniff(&head))
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
            ("1796361780028522\t200\t239\n1796361780028526\t-1\t322\n", Format::H2loadLog),
            ("httperf --client=0/1 --server=127.0.0.1 --rate=50\nTotal: connections 1 requests 1 replies 1 test-duration 1.0 s\n", Format::HttperfText),
            ("{\t\"transactions\":\t570,\n\t\"availability\":\t100.00,\n", Format::SiegeText),
            ("Transactions:\t\t570 hits\nAvailability:\t\t100.00 %\n", Format::SiegeText),
            ("      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time\n", Format::SiegeLog),
        ];
        for (head, want) in heads {
            let claimed: Vec<Format> = CONSOLE.into_iter().filter(|f| claims(*f, head)).collect();
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
                CONSOLE.into_iter().all(|f| !claims(f, other)),
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
