//! `headroom demo`: the whole product in one command. Starts the embedded target on
//! an ephemeral loopback port, drives a scaled baseline/target/peak/stress run whose
//! stress stage is past the target's known capacity, analyses it against the demo SLA
//! and writes the full report.

use std::path::PathBuf;

use clap::Args;

use super::common::{emit, emitln};
use super::exit::Outcome;
use super::pipeline::{run_pipeline, SlaFile};
use crate::ingest::IngestOptions;
use crate::render;
use crate::render::output::{check_out_dir, InPlace, OutputKind};

/// The demo's SLA (targets sized to the demo target's capacity).
const DEMO_SLA: &str = include_str!("../../data/sla/demo.toml");

/// Arguments of `demo`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom demo\n  headroom demo --out /tmp/demo\n\nWrites OUT/run/ (the measured run dir: run.toml, latency.hlog) and OUT/report/ (report.md, report.html, report.json)."
)]
pub struct DemoArgs {
    /// Where to write the run dir and the report. A second demo replaces its own
    /// earlier output; a dir headroom did not write is refused (see --force).
    #[arg(long, value_name = "DIR", default_value = "headroom-demo")]
    pub out: PathBuf,
    /// Move an existing --out that headroom did not write aside to a hidden
    /// `.NAME.old-TIMESTAMP` sibling (nothing is deleted) instead of refusing it.
    #[arg(long)]
    pub force: bool,
    /// Chart files to write next to the report: `svg,png`, `svg`, `png` or `none`.
    #[arg(long, value_name = "FORMATS", default_value = "svg,png")]
    pub charts: render::charts::ChartFormats,
    /// Latency axis of the latency charts: `log`, `linear`, or `auto` (logarithmic
    /// when p99 is over 10× p50, where a linear axis would flatten p50).
    #[arg(long, value_name = "SCALE", default_value = "auto")]
    pub latency_axis: render::charts::LatencyScale,
    /// Seed of every random draw (the users' tasks and think times, the target's
    /// service times): the same seed gives the same traffic, up to the machine's timing.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

/// Runs `demo`.
pub fn run(args: &DemoArgs) -> anyhow::Result<Outcome> {
    let out = match check_out_dir(&args.out, OutputKind::Demo, &[], args.force) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Outcome::BadInput);
        }
    };
    let Ok(sla) = SlaFile::parse("data/sla/demo.toml (embedded)".into(), DEMO_SLA) else {
        return Ok(Outcome::BadInput);
    };
    let mut place = InPlace::prepare(&out)?;
    eprintln!("headroom demo: starting the demo target on 127.0.0.1 and driving four stages (about a minute)…");
    let runtime = super::runtime()?;
    let run_dir = runtime.block_on(crate::driver::run_demo_traffic(&args.out, args.seed))?;
    drop(runtime);
    let Ok((_, analysis)) = run_pipeline(
        std::slice::from_ref(&run_dir),
        &IngestOptions::default(),
        Some(&sla),
    ) else {
        return Ok(Outcome::BadInput);
    };
    let report_dir = check_out_dir(&args.out.join("report"), OutputKind::Report, &[], false)?;
    let (report, exporters) = render::prepare_report(
        &analysis,
        render::charts::ChartOptions {
            formats: args.charts,
            latency_scale: args.latency_axis,
        },
    )?;
    let written = render::write_report(&report, &exporters, &report_dir)?;
    place.succeeded();
    emit(render::terminal::summary(&analysis))?;
    emitln(format_args!("  run dir: {}", run_dir.display()))?;
    for path in &written {
        emitln(format_args!("  wrote:   {}", path.display()))?;
    }
    if let Some(html) = written.iter().find(|p| p.ends_with("report.html")) {
        emitln(format_args!(
            "next: open {}; for your own results, headroom analyze DIR",
            html.display()
        ))?;
    }
    Ok(Outcome::Ok)
}
