//! `headroom analyze`: ingest → analyse → write the report → print a summary.

use std::path::{Path, PathBuf};

use clap::Args;

use super::common::{emit, emitln, InputArgs};
use super::exit::Outcome;
use super::pipeline::{run_pipeline, SlaFile};
use crate::analysis::compare::input::{self, CompareRun};
use crate::model::untrusted::printable;
use crate::render;
use crate::render::output::{check_out_dir, default_out_dir, OutputDir, OutputError, OutputKind};

/// Arguments of `analyze`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom analyze results/run-1\n  headroom analyze results/ --sla data/sla/agent-platform.toml --out report/\n  headroom analyze baseline/ peak/ --warmup 30s --exclude '/health'"
)]
pub struct AnalyzeArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,
    /// SLA rules (TOML) to judge the run against.
    #[arg(long, value_name = "FILE")]
    pub sla: Option<PathBuf>,
    /// Decide the verdict on this stage instead of the SLA file's `verdict_stages`
    /// (repeat for several).
    #[arg(long = "verdict-stage", value_name = "NAME")]
    pub verdict_stage: Vec<String>,
    /// Where to write the report (default RUN_DIR/report/ for one dir, or
    /// RUN_DIR/headroom-report/ when report/ is not headroom's; ./headroom-report/ for
    /// several). An existing dir is replaced only when headroom wrote it or it is empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Move an existing --out that headroom did not write aside to a hidden
    /// `.NAME.old-TIMESTAMP` sibling (nothing is deleted) instead of refusing it.
    #[arg(long)]
    pub force: bool,
    /// Chart files to write into OUT/charts/: svg,png, svg, png or none (none also
    /// leaves the charts out of report.html).
    #[arg(long, value_name = "FORMATS", default_value = "svg,png")]
    pub charts: render::charts::ChartFormats,
    /// Latency axis of the latency charts: `log`, `linear`, or `auto` (logarithmic
    /// when p99 is over 10× p50, where a linear axis would flatten p50).
    #[arg(long, value_name = "SCALE", default_value = "auto")]
    pub latency_axis: render::charts::LatencyScale,
    /// An earlier release's report.json: the report gains "vs release LABEL" columns
    /// (Δ% of throughput, p50, p95, p99 and error rate per stage and endpoint, with
    /// `headroom compare`'s verdict) and report.json a `baseline` key.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Noise floor of the --baseline comparison, as `headroom compare --threshold`:
    /// `5%` for every metric or `METRIC=PCT` (`p95=3%`); repeat for several. Beats
    /// the `[compare]` section of the --sla file. Default 5%.
    #[arg(long = "threshold", value_name = "METRIC=PCT", requires = "baseline")]
    pub thresholds: Vec<String>,
    /// Print the report's JSON to stdout instead of the summary.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
}

/// Terminal output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people: analyze's summary, check's table of rules.
    Text,
    /// JSON on stdout: analyze's report.json, check's outcome.
    Json,
}

impl AnalyzeArgs {
    /// The output dir: `--out`, else `RUN_DIR/report/` for one dir (or
    /// `RUN_DIR/headroom-report/` when `report/` is not headroom's), else
    /// `./headroom-report/`; checked against the inputs and what is there now.
    pub fn out_dir(&self) -> Result<OutputDir, OutputError> {
        let path = match (&self.out, self.input.paths.as_slice()) {
            (Some(o), _) => o.clone(),
            (None, [one]) if one.is_dir() => default_out_dir(
                one.join("report"),
                one.join("headroom-report"),
                OutputKind::Report,
            ),
            (None, _) => PathBuf::from("headroom-report"),
        };
        check_out_dir(&path, OutputKind::Report, &self.input.paths, self.force)
    }
}

/// Reads `--baseline`: a report.json headroom wrote (or a report dir holding one).
fn read_baseline(path: &Path) -> Result<CompareRun, String> {
    let file = if path.is_dir() {
        path.join("report.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        format!(
            "--baseline {}: {e}; give the report.json `headroom analyze` wrote for the earlier release",
            file.display()
        )
    })?;
    let fallback = super::compare::fallback_label(&file);
    input::parse_report(&text, &file.display().to_string(), None, &fallback)
        .map_err(|e| format!("--baseline {}: {e}", file.display()))
}

/// Runs `analyze`.
pub fn run(args: &AnalyzeArgs) -> anyhow::Result<Outcome> {
    let opts = args.input.ingest_options()?;
    // Where the report goes is checked first: a refused --out should not wait for a
    // large ingest.
    let out = match args.out_dir() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    let sla = match &args.sla {
        Some(path) => match SlaFile::read(path) {
            Ok(mut file) => {
                file.verdict_override.clone_from(&args.verdict_stage);
                Some(file)
            }
            Err(_) => return Ok(Outcome::BadInput),
        },
        None if !args.verdict_stage.is_empty() => {
            eprintln!("error: --verdict-stage needs --sla FILE: it chooses the stages the SLA's verdict is decided on");
            return Ok(Outcome::BadInput);
        }
        None => None,
    };
    let baseline = match &args.baseline {
        Some(path) => match read_baseline(path).and_then(|b| {
            let floors = super::compare::thresholds(args.sla.as_deref(), &args.thresholds)?;
            Ok((b, floors))
        }) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: {}", printable(&e.to_string()));
                return Ok(Outcome::BadInput);
            }
        },
        None => None,
    };
    let Ok((run, mut analysis)) = run_pipeline(&args.input.paths, &opts, sla.as_ref()) else {
        return Ok(Outcome::BadInput);
    };
    if let Some((b, floors)) = baseline {
        match crate::analysis::compare::baseline::vs_release(b, &analysis, &floors) {
            Ok(report) => analysis.baseline = Some(report),
            Err(e) => eprintln!(
                "warning: --baseline: this run cannot be compared ({})",
                printable(&e.to_string())
            ),
        }
    }
    let (report, exporters) = render::prepare_report(
        &analysis,
        render::charts::ChartOptions {
            formats: args.charts,
            latency_scale: args.latency_axis,
        },
    )?;
    let written = render::write_report(&report, &exporters, &out)?;
    let format = if args.json {
        OutputFormat::Json
    } else {
        args.format
    };
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string_pretty(&report)?;
            emitln(json)?;
        }
        OutputFormat::Text => {
            emit(render::terminal::summary(&analysis))?;
            let report = written.first().cloned().unwrap_or(out.path);
            let shown =
                super::color::paint(super::color::stdout(), "1", &report.display().to_string());
            emitln(format_args!("  report: {shown}"))?;
        }
    }
    Ok(if run.problems.is_empty() || opts.lenient {
        Outcome::Ok
    } else {
        Outcome::BadInput
    })
}
