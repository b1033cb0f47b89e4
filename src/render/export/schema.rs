//! The exported tables' columns: names (with their units), types and meanings. This
//! is the documented schema (README, "Export"); every exporter writes exactly these
//! columns in this order.

use std::sync::LazyLock;

use super::ExportFormat;

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 64-bit integer.
    Int,
    /// 64-bit float.
    Float,
    /// UTF-8 text.
    Text,
    /// Boolean.
    Bool,
}

/// One column of a table.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    /// Column name; a unit suffix (`_ms`, `_s`, `_rps`) says the unit.
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// What it holds.
    pub doc: &'static str,
}

const fn col(name: &'static str, kind: Kind, doc: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, doc }
}

/// The tables `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Table {
    /// One row per stage.
    Stages,
    /// One row per stage × endpoint.
    Endpoints,
    /// One row per interval of each stage's series and each stage × endpoint series.
    Intervals,
    /// One row per request, from the per-request inputs.
    Requests,
}

impl Table {
    /// Every table, in the order they are written.
    pub const ALL: [Table; 4] = [
        Table::Stages,
        Table::Endpoints,
        Table::Intervals,
        Table::Requests,
    ];

    /// The table's name (its file stem).
    pub fn name(self) -> &'static str {
        match self {
            Table::Stages => "stages",
            Table::Endpoints => "endpoints",
            Table::Intervals => "intervals",
            Table::Requests => "requests",
        }
    }

    /// `NAME.EXT`.
    pub fn file_name(self, format: ExportFormat) -> String {
        format!("{}.{}", self.name(), format.extension())
    }

    /// The table's columns.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Table::Stages => &STAGES,
            Table::Endpoints => &ENDPOINTS,
            Table::Intervals => INTERVALS,
            Table::Requests => REQUESTS,
        }
    }
}

use Kind::{Bool, Float, Int, Text};

/// Latency columns shared by stages and endpoints (over every measured request).
const LATENCY: [ColumnSpec; 10] = [
    col("latency_mean_ms", Float, "mean latency, ms"),
    col("latency_min_ms", Float, "smallest latency, ms"),
    col("latency_p50_ms", Float, "median latency, ms"),
    col("latency_p90_ms", Float, "90th percentile latency, ms"),
    col("latency_p95_ms", Float, "95th percentile latency, ms"),
    col("latency_p99_ms", Float, "99th percentile latency, ms"),
    col("latency_p999_ms", Float, "99.9th percentile latency, ms"),
    col("latency_max_ms", Float, "largest latency, ms"),
    col(
        "latency_sd_ms",
        Float,
        "standard deviation of latency the tool printed with its summary (wrk's and \
         autocannon's Stdev, h2load's sd), ms; empty when it printed none or the \
         percentiles are exact",
    ),
    col(
        "latency_exact",
        Bool,
        "true when percentiles come from every request's latency (false: the tool's own summary)",
    ),
];

static STAGES: LazyLock<Vec<ColumnSpec>> = LazyLock::new(|| {
    [
        &[
            col("stage", Text, "stage name"),
            col("users", Int, "concurrent users (closed model)"),
            col(
                "arrival_rate_rps",
                Float,
                "target arrival rate, req/s (open model)",
            ),
            col("start", Text, "start of the steady window, RFC 3339 UTC"),
            col("end", Text, "end of the steady window, RFC 3339 UTC"),
            col("start_ms", Int, "start of the steady window, Unix epoch ms"),
            col("end_ms", Int, "end of the steady window, Unix epoch ms"),
            col("duration_s", Float, "length of the measured period, s"),
            col("window_basis", Text, "how the window was chosen"),
            col("requests", Int, "requests in the window"),
            col("failures", Int, "failed requests"),
            col("error_rate", Float, "failures ÷ requests (0–1)"),
            col("throughput_rps", Float, "requests ÷ duration, req/s"),
            col(
                "goodput_rps",
                Float,
                "successful requests ÷ duration, req/s",
            ),
        ][..],
        &LATENCY,
        &[col(
            "per_request_rows",
            Bool,
            "true when the requests table holds the stage's requests; false when only a \
             tool's summary (or an interval log) measured it: its figures are here and in \
             endpoints alone, and a CSV export read back has none of its requests \
             (run.toml's stage description says so); empty without a requests table",
        )][..],
    ]
    .concat()
});

static ENDPOINTS: LazyLock<Vec<ColumnSpec>> = LazyLock::new(|| {
    [
        &[
            col("stage", Text, "stage name"),
            col("method", Text, "HTTP method, when known"),
            col("endpoint", Text, "request name or path"),
            col("key", Text, "`METHOD endpoint` (or the endpoint alone)"),
            col(
                "transaction",
                Bool,
                "a JMeter transaction controller's row (an aggregate of other samples, not \
                 counted in the stage's requests)",
            ),
            col("share", Float, "share of the stage's requests (0–1)"),
            col("requests", Int, "requests in the stage's window"),
            col("failures", Int, "failed requests"),
            col("error_rate", Float, "failures ÷ requests (0–1)"),
            col(
                "throughput_rps",
                Float,
                "requests ÷ the stage's duration, req/s",
            ),
            col("failures_4xx", Int, "failures with an HTTP status 400–499"),
            col("failures_5xx", Int, "failures with an HTTP status 500–599"),
            col(
                "failures_timeout",
                Int,
                "failures: no answer within the client's timeout",
            ),
            col(
                "failures_connect",
                Int,
                "failures: the connection could not be made",
            ),
            col("failures_reset", Int, "failures: the connection broke"),
            col(
                "failures_assertion",
                Int,
                "failures: a check on the answer failed",
            ),
            col(
                "failures_other",
                Int,
                "failures of any other kind (TLS handshakes among them)",
            ),
            col(
                "failures_by_kind",
                Text,
                "every failure kind and its count, `status:503=12;timeout=3`",
            ),
        ][..],
        &LATENCY,
        &[col(
            "histogram",
            Text,
            "every latency in µs as an HdrHistogram, V2 + DEFLATE, base64 (the `.hlog` blob \
             format); empty for tool summaries",
        )],
    ]
    .concat()
});

const INTERVALS: &[ColumnSpec] = &[
    col("stage", Text, "stage name"),
    col(
        "scope",
        Text,
        "`stage` (the stage's own series, every endpoint) or `endpoint`",
    ),
    col("method", Text, "HTTP method (scope `endpoint`)"),
    col("endpoint", Text, "request name or path (scope `endpoint`)"),
    col("key", Text, "`METHOD endpoint` (scope `endpoint`)"),
    col("t_s", Float, "interval start, s since the start of the run"),
    col("start_ms", Int, "interval start, Unix epoch ms"),
    col("width_s", Float, "interval width, s"),
    col("requests", Int, "requests started in the interval"),
    col("failures", Int, "failures among them"),
    col("latency_mean_ms", Float, "mean latency, ms"),
    col(
        "latency_p50_ms",
        Float,
        "median latency, ms (2 significant digits)",
    ),
    col(
        "latency_p95_ms",
        Float,
        "95th percentile, ms (2 significant digits)",
    ),
    col(
        "latency_p99_ms",
        Float,
        "99th percentile, ms (2 significant digits)",
    ),
    col("latency_max_ms", Float, "largest latency, ms"),
    col("users", Float, "concurrent users"),
];

const REQUESTS: &[ColumnSpec] = &[
    col("timestamp_ms", Int, "request start, Unix epoch ms; for inputs without clock times (hey's CSV) ms since the test began (before 2000: `export` says so)"),
    col("stage", Text, "the stage whose steady window holds it (empty in a ramp or outside every stage)"),
    col("source", Text, "the load tool whose file it comes from (`jmeter`, `k6`, `generic-csv`…)"),
    col("method", Text, "HTTP method, when known"),
    col("endpoint", Text, "request name or path"),
    col("latency_ms", Float, "response time, ms (empty: no measured time)"),
    col("success", Bool, "false for a failed request; empty when the input does not record the outcome (ab's `-g` file: its failures are in stages and endpoints only)"),
    col("error", Text, "failure kind (`status:503`, `timeout`, `connect`, `reset`, `assertion`, `other`); empty for a success"),
    col("error_text", Text, "the tool's own error message, when it gives one"),
    col("bytes", Int, "response bytes"),
    col("users", Float, "concurrent users at that moment, when the tool records it"),
];
