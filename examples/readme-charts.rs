//! Regenerates the example charts in `charts/` (shown in the README):
//!
//! ```sh
//! cargo run --release --example readme-charts
//! ```
//!
//! It writes a synthetic four-stage run of a closed-model service with a known
//! capacity (600 req/s, 0.5 s think time, 80 ms base latency) as generic per-request
//! CSVs into a temp dir, analyses it against a small SLA exactly as `headroom
//! analyze` would, and writes every chart as PNG. Seeded, so the bytes only change
//! when the charts' code does.

use std::error::Error;
use std::path::{Path, PathBuf};

use headroom::analysis;
use headroom::ingest::{self, IngestOptions};
use headroom::render::charts::{render_charts, ChartFormats};

/// Stages: dir name, users.
const STAGES: [(&str, u32); 4] = [
    ("01_baseline_100users", 100),
    ("02_target_250users", 250),
    ("03_peak_500users", 500),
    ("04_stress_1000users", 1000),
];
/// Endpoints: method, name, share of requests, service time relative to the mean.
const ENDPOINTS: [(&str, &str, f64, f64); 4] = [
    ("GET", "/api/v1/agents", 0.45, 0.5),
    ("GET", "/api/v1/agents/{id}", 0.30, 0.8),
    ("POST", "/api/v1/agents/run", 0.15, 2.6),
    ("POST", "/api/v1/workflows/run", 0.10, 2.0),
];
const CAPACITY_RPS: f64 = 600.0;
const THINK_S: f64 = 0.5;
const BASE_LATENCY_S: f64 = 0.08;
const STAGE_SECONDS: f64 = 40.0;
const SLA: &str = "[global]\nverdict_stages = [\"peak\"]\nrules = [\"throughput >= 500/s\", \
                   \"p(95) < 500ms\", \"p(99) < 1s\", \"error_rate < 0.5%\"]\n";

/// SplitMix64: a seeded uniform source in (0, 1).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// Writes one stage dir: the closed-model throughput min(N / (R + Z), C) and, past
/// saturation, the latency the queue adds (N / C − Z), with 503s under overload.
fn write_stage(
    root: &Path,
    dir: &str,
    users: u32,
    start_ms: i64,
    rng: &mut Rng,
) -> Result<(), Box<dyn Error>> {
    let n = f64::from(users);
    let unsaturated = n / (BASE_LATENCY_S + THINK_S);
    let rate = unsaturated.min(CAPACITY_RPS);
    let latency_s = (n / rate - THINK_S).max(BASE_LATENCY_S);
    let overload = (unsaturated / CAPACITY_RPS - 1.0).max(0.0);
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    let count = (rate * STAGE_SECONDS) as usize;
    for i in 0..count {
        let pick = rng.uniform();
        let mut acc = 0.0;
        let mut chosen = ENDPOINTS[0];
        for e in ENDPOINTS {
            acc += e.2;
            chosen = e;
            if pick <= acc {
                break;
            }
        }
        let (method, name, _, weight) = chosen;
        // Exponential around the mean with a floor: a long but finite tail.
        let latency_ms = 1000.0 * latency_s * weight * (0.3 - 0.7 * rng.uniform().ln());
        let status = if rng.uniform() < 0.03 * overload {
            503
        } else {
            200
        };
        let t = start_ms + (i as f64 * 1000.0 / rate) as i64;
        csv.push_str(&format!(
            "{t},{name},{method},{latency_ms:.3},{status},{users}\n"
        ));
    }
    let path = root.join(dir);
    std::fs::create_dir_all(&path)?;
    std::fs::write(path.join("requests.csv"), csv)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let tmp = tempfile::tempdir()?;
    let run_dir = tmp.path().join("run");
    let mut rng = Rng(2024);
    for (k, (dir, users)) in STAGES.iter().enumerate() {
        let start = 1_732_665_600_000 + k as i64 * 60_000;
        write_stage(&run_dir, dir, *users, start, &mut rng)?;
    }
    let run = ingest::load_runs(&[run_dir], &IngestOptions::default());
    if !run.problems.is_empty() {
        return Err(format!("the synthetic run did not read cleanly: {:?}", run.problems).into());
    }
    let spec = analysis::sla::SlaSpec::parse(SLA).map_err(|e| e.to_string())?;
    let analysis = analysis::analyze(&run, Some(&spec), &analysis::Settings::default())
        .map_err(|e| e.to_string())?;
    let out: PathBuf = [env!("CARGO_MANIFEST_DIR"), "charts"].iter().collect();
    std::fs::create_dir_all(&out)?;
    let formats = ChartFormats {
        svg: false,
        png: true,
    };
    for chart in render_charts(&analysis, formats)? {
        // The run-wide charts only; per-endpoint ones would add a dozen files.
        if chart.endpoint.is_some() {
            continue;
        }
        let Some(png) = chart.png else { continue };
        let path = out.join(format!("{}.png", chart.stem));
        std::fs::write(&path, png)?;
        println!("{}", path.display());
    }
    Ok(())
}
