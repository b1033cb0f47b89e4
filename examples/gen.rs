//! Generates per-request load-test results with known, seeded distributions, so that
//! anyone can reproduce headroom's benchmarks (`bench/analyze.sh`) and its
//! thread-count tests:
//!
//! ```text
//! cargo run --release --example gen -- FORMAT ROWS OUT [--seed N] [--manifest]
//! ```
//!
//! * `FORMAT`: `jtl` (JMeter CSV JTL, JMeter 5.x's 17 default columns), `k6` (k6
//!   `--out csv`, 0.32 columns: `http_reqs`, `http_req_duration` and `http_req_failed`
//!   samples per request, a `vus` sample per second) or `generic` (headroom's generic
//!   per-request CSV: `timestamp_ms,endpoint,method,latency_ms,status,success,error,users,bytes`).
//! * `ROWS`: a number of requests (`200000`), or a file size to reach (`100MB`, `1GB`).
//! * `--manifest` also writes `run.toml` next to `OUT` with the three stages' windows.
//!
//! The run has three stages of 10, 20 and 40 users, each a third of the requests, at
//! 100 requests per second per user. Six endpoints; endpoint `e`'s latency in ms is
//! `base(e) + spread(e) · u³` with `u` uniform on [0, 1), so its quantile `q` is
//! `base + spread · q³` (p50 = base + spread/8). 1% of requests fail with a 503 and
//! 0.2% with a timeout. JTL rows are written when samples end (start times jitter up
//! to 300 ms backwards) and every 50th request has a `label-0` sub-result row.
//! Everything is a function of the seed (default 42).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// First request, epoch ms (2024-06-01T00:00:00Z).
pub const T0_MS: i64 = 1_717_200_000_000;
/// Users of the three stages.
pub const STAGE_USERS: [u32; 3] = [10, 20, 40];
/// Requests per second per user.
pub const RPS_PER_USER: u64 = 100;
/// Endpoints: (method, name, base ms, spread ms).
pub const ENDPOINTS: [(&str, &str, f64, f64); 6] = [
    ("GET", "/api/items", 5.0, 120.0),
    ("GET", "/api/items/{id}", 3.0, 60.0),
    ("POST", "/api/orders", 20.0, 400.0),
    ("GET", "/api/search", 10.0, 900.0),
    ("PUT", "/api/cart", 8.0, 200.0),
    ("GET", "/static/app.js", 1.0, 15.0),
];

/// The formats written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JMeter CSV JTL.
    Jtl,
    /// k6 CSV output.
    K6,
    /// headroom's generic per-request CSV.
    Generic,
}

impl Format {
    /// The format named `s`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "jtl" | "jmeter" => Some(Format::Jtl),
            "k6" | "k6csv" => Some(Format::K6),
            "generic" | "csv" => Some(Format::Generic),
            _ => None,
        }
    }
}

/// How much to write.
#[derive(Clone, Copy, Debug)]
pub enum Amount {
    /// This many requests.
    Rows(u64),
    /// Requests until the file has at least this many bytes.
    Bytes(u64),
}

impl Amount {
    /// `200000`, `100MB`, `1GB`, `1.5GB`.
    pub fn parse(s: &str) -> Option<Amount> {
        let upper = s.to_ascii_uppercase();
        for (suffix, unit) in [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] {
            if let Some(n) = upper.strip_suffix(suffix) {
                return n
                    .parse::<f64>()
                    .ok()
                    .map(|v| Amount::Bytes((v * unit) as u64));
            }
        }
        s.parse().ok().map(Amount::Rows)
    }
}

/// SplitMix64: small, fast and the same on every platform.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One generated request.
struct Request {
    t_ms: i64,
    endpoint: usize,
    latency_ms: f64,
    /// `None` ok, else (status, message).
    failure: Option<(u16, &'static str)>,
    users: u32,
    bytes: u64,
}

/// The request stream: stage windows come from the row count, so they are known
/// before writing (for `--manifest`).
struct Plan {
    /// Requests per stage (the last takes the rest).
    per_stage: u64,
    rng: Rng,
    i: u64,
    t_us: i64,
}

impl Plan {
    fn next(&mut self) -> Request {
        let stage = ((self.i / self.per_stage.max(1)) as usize).min(STAGE_USERS.len() - 1);
        let users = STAGE_USERS[stage];
        self.i += 1;
        self.t_us += 1_000_000 / (RPS_PER_USER as i64 * i64::from(users));
        let endpoint = (self.rng.next_u64() % ENDPOINTS.len() as u64) as usize;
        let (_, _, base, spread) = ENDPOINTS[endpoint];
        let u = self.rng.unit();
        let latency_ms = base + spread * u * u * u;
        let f = self.rng.unit();
        let failure = if f < 0.01 {
            Some((503, "Service Unavailable"))
        } else if f < 0.012 {
            Some((0, "timeout"))
        } else {
            None
        };
        let bytes = 200 + self.rng.next_u64() % 2000;
        Request {
            t_ms: T0_MS + self.t_us / 1000,
            endpoint,
            latency_ms,
            failure,
            users,
            bytes,
        }
    }
}

/// Stage windows `(name, users, start_ms, end_ms)` of a run of `rows` requests.
pub fn stage_windows(rows: u64) -> Vec<(String, u32, i64, i64)> {
    let per_stage = rows / STAGE_USERS.len() as u64;
    let mut t_us = 0i64;
    let mut out = Vec::new();
    for (k, users) in STAGE_USERS.iter().enumerate() {
        let n = if k + 1 == STAGE_USERS.len() {
            rows - per_stage * k as u64
        } else {
            per_stage
        };
        let start = T0_MS + t_us / 1000;
        t_us += n as i64 * (1_000_000 / (RPS_PER_USER as i64 * i64::from(*users)));
        let end = T0_MS + t_us / 1000 + 1;
        out.push((format!("{users}users"), *users, start, end));
    }
    out
}

/// Writes `amount` requests of `format` to `out`, seeded; returns the requests written.
pub fn generate(format: Format, amount: Amount, seed: u64, out: &Path) -> std::io::Result<u64> {
    let rows = match amount {
        Amount::Rows(n) => n,
        // Rows per byte, measured on a sample of the same stream.
        Amount::Bytes(b) => {
            let sample = 10_000u64;
            let mut buf = Vec::new();
            write_rows(format, sample, seed, &mut buf)?;
            (b as f64 / buf.len() as f64 * sample as f64).ceil() as u64
        }
    };
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out)?);
    write_rows(format, rows, seed, &mut w)?;
    w.flush()?;
    Ok(rows)
}

fn write_rows(format: Format, rows: u64, seed: u64, w: &mut impl Write) -> std::io::Result<()> {
    let mut plan = Plan {
        per_stage: rows / STAGE_USERS.len() as u64,
        rng: Rng::new(seed),
        i: 0,
        t_us: 0,
    };
    match format {
        Format::Jtl => writeln!(
            w,
            "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
             failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"
        )?,
        Format::K6 => writeln!(
            w,
            "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,\
             method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags"
        )?,
        Format::Generic => writeln!(
            w,
            "timestamp_ms,endpoint,method,latency_ms,status,success,error,users,bytes"
        )?,
    }
    let mut last_vus_s = i64::MIN;
    for i in 0..rows {
        let r = plan.next();
        let (method, name, _, _) = ENDPOINTS[r.endpoint];
        match format {
            Format::Jtl => {
                let elapsed = r.latency_ms as u64;
                let jitter = (plan.rng.next_u64() % 300) as i64;
                let thread = i % u64::from(r.users) + 1;
                let (code, message, ok, failure_message) = match r.failure {
                    None => ("200".to_string(), "OK", "true", ""),
                    Some((0, _)) => (
                        "Non HTTP response code: java.net.SocketTimeoutException".to_string(),
                        "Non HTTP response message: Read timed out",
                        "false",
                        "",
                    ),
                    Some((s, m)) => (s.to_string(), m, "false", ""),
                };
                let t = r.t_ms - jitter;
                writeln!(
                    w,
                    "{t},{elapsed},{name},{code},{message},Thread Group 1-{thread},text,{ok},\
                     {failure_message},{},143,{u},{u},http://sut.example{name},{},0,{}",
                    r.bytes,
                    elapsed / 2,
                    elapsed / 10,
                    u = r.users
                )?;
                if i % 50 == 0 {
                    writeln!(
                        w,
                        "{t},{},{name}-0,302,Found,Thread Group 1-{thread},,true,,312,143,{u},{u},\
                         http://sut.example{name},{},0,0",
                        elapsed / 3,
                        elapsed / 3,
                        u = r.users
                    )?;
                }
            }
            Format::K6 => {
                let ts = r.t_ms / 1000;
                if ts != last_vus_s {
                    last_vus_s = ts;
                    writeln!(w, "vus,{ts},{}{}", r.users, ",".repeat(15))?;
                }
                let (status, expected, failed, error, error_code) = match r.failure {
                    None => (200, "true", 0, "", ""),
                    Some((0, _)) => (0, "false", 1, "request timeout", "1050"),
                    Some((s, _)) => (s, "false", 1, "", ""),
                };
                let url = format!("http://sut.example{name}");
                let tags = format!(
                    ",,{error},{error_code},{expected},,{method},{url},HTTP/1.1,default,,{status},,,{url},"
                );
                writeln!(w, "http_reqs,{ts},1.000000{tags}")?;
                writeln!(w, "http_req_duration,{ts},{:.6}{tags}", r.latency_ms)?;
                writeln!(w, "http_req_failed,{ts},{failed}.000000{tags}")?;
            }
            Format::Generic => {
                let (status, ok, error) = match r.failure {
                    None => (200, "true", ""),
                    Some((0, _)) => (0, "false", "timeout"),
                    Some((s, _)) => (s, "false", "Service Unavailable"),
                };
                writeln!(
                    w,
                    "{},{name},{method},{:.3},{status},{ok},{error},{},{}",
                    r.t_ms, r.latency_ms, r.users, r.bytes
                )?;
            }
        }
    }
    Ok(())
}

/// `run.toml` text with the stages' windows of a run of `rows` requests.
pub fn manifest(rows: u64) -> String {
    let mut text = String::from("tool = \"headroom gen\"\nsimulated = true\n");
    for (name, users, start, end) in stage_windows(rows) {
        text.push_str(&format!(
            "\n[[stage]]\nname = \"{name}\"\nusers = {users}\nstart = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\n",
            rfc3339(start),
            rfc3339(start),
            rfc3339(end)
        ));
    }
    text
}

/// Epoch ms as RFC 3339 UTC with milliseconds.
fn rfc3339(ms: i64) -> String {
    headroom::model::format_rfc3339_ms(ms)
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: gen FORMAT(jtl|k6|generic) ROWS(200000|100MB|1GB) OUT [--seed N] [--manifest]";
    let mut positional = Vec::new();
    let mut seed = 42u64;
    let mut with_manifest = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                seed = match it.next().and_then(|s| s.parse().ok()) {
                    Some(s) => s,
                    None => exit(usage),
                }
            }
            "--manifest" => with_manifest = true,
            _ => positional.push(a.clone()),
        }
    }
    let [format, amount, out] = positional.as_slice() else {
        exit(usage)
    };
    let (Some(format), Some(amount)) = (Format::parse(format), Amount::parse(amount)) else {
        exit(usage)
    };
    let out = PathBuf::from(out);
    match generate(format, amount, seed, &out) {
        Ok(rows) => {
            if with_manifest {
                let dir = out.parent().unwrap_or(Path::new("."));
                if let Err(e) = std::fs::write(dir.join("run.toml"), manifest(rows)) {
                    exit(&format!("cannot write run.toml: {e}"));
                }
            }
            eprintln!("{rows} requests written to {}", out.display());
        }
        Err(e) => exit(&format!("cannot write {}: {e}", out.display())),
    }
}

fn exit(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}
