//! `headroom analyze`: ingest → analyse → write the report → print a summary.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{emit, emitln, InputArgs};
use super::pipeline::{run_pipeline, SlaFile};
use crate::render;

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
    /// Where to write the report (default RUN_DIR/report/ for one dir,
    /// ./headroom-report/ for several).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Chart files to write into OUT/charts/: svg,png, svg, png or none (none also
    /// leaves the charts out of report.html).
    #[arg(long, value_name = "FORMATS", default_value = "svg,png")]
    pub charts: render::charts::ChartFormats,
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
    /// The output dir: `--out`, else `RUN_DIR/report/` for one dir, else `./headroom-report/`.
    pub fn out_dir(&self) -> PathBuf {
        if let Some(o) = &self.out {
            return o.clone();
        }
        match self.input.paths.as_slice() {
            [one] if one.is_dir() => one.join("report"),
            _ => PathBuf::from("headroom-report"),
        }
    }
}

/// Runs `analyze`.
pub fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let opts = args.input.ingest_options()?;
    let sla = match &args.sla {
        Some(path) => match SlaFile::read(path) {
            Ok(mut file) => {
                file.verdict_override.clone_from(&args.verdict_stage);
                Some(file)
            }
            Err(_) => return Ok(ExitCode::from(2)),
        },
        None if !args.verdict_stage.is_empty() => {
            eprintln!("error: --verdict-stage needs --sla FILE: it chooses the stages the SLA's verdict is decided on");
            return Ok(ExitCode::from(2));
        }
        None => None,
    };
    let Ok((run, mut analysis)) = run_pipeline(&args.input.paths, &opts, sla.as_ref()) else {
        return Ok(ExitCode::from(2));
    };
    let out = args.out_dir();
    let exporters = render::prepare_report(&mut analysis, args.charts)?;
    let written = render::write_report(&analysis, &exporters, &out)?;
    let format = if args.json {
        OutputFormat::Json
    } else {
        args.format
    };
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string_pretty(&analysis)?;
            emitln(json)?;
        }
        OutputFormat::Text => {
            emit(render::terminal::summary(&analysis))?;
            let color = std::io::stdout().is_terminal();
            let report = written.first().cloned().unwrap_or(out);
            if color {
                emitln(format_args!("  report: \x1b[1m{}\x1b[0m", report.display()))?;
            } else {
                emitln(format_args!("  report: {}", report.display()))?;
            }
        }
    }
    Ok(if run.problems.is_empty() || opts.lenient {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
