//! `headroom drive`: run a scenario file, or the quick form (`--url`), and write a
//! run dir. Exit 0 complete, 1 incomplete (Ctrl-C or SIGTERM, dead target, bound reached, write
//! error, or no request got a response), 2 bad scenario or arguments.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use clap::{Args, ValueEnum};

use super::common::emitln;
use super::exit::Outcome;
use super::pipeline::SlaFile;
use crate::driver::live::LiveJudge;
use crate::driver::scenario::{cli_duration, Load, DEFAULT_TIMEOUT};
use crate::driver::signals::stop_requested;
use crate::driver::tls::TlsOptions;
use crate::driver::{DriveSummary, DriverError, RunOptions, Scenario};
use crate::model::untrusted::printable;
use crate::model::ThinkTime;
use crate::render::output::{check_out_dir, InPlace, OutputKind};

/// Arguments of `headroom drive`.
#[derive(Args, Debug, Clone)]
#[command(after_help = "Examples:
  headroom drive data/scenarios/agent-platform.toml --out runs/rc1
  headroom drive --url http://127.0.0.1:8000/health --users 64 --duration 10s --out runs/quick
  headroom drive --url http://127.0.0.1:8000/api/v1/agents --rate 200 --duration 30s --raw --out runs/open
  headroom drive scenario.toml --scale 0.1 --duration 30s --base-url https://staging.example --out runs/smoke
  headroom drive --url https://127.0.0.1:8443/health --ca target-cert.pem --users 8 --out runs/tls
  headroom drive plan.toml --shard 0/3 --start-at 2026-01-02T10:00:00Z --out runs/shard-0")]
pub struct DriveArgs {
    /// Scenario TOML file (omit it for the quick form with --url).
    pub scenario: Option<PathBuf>,
    /// Run dir to write (run.toml, latency.hlog, requests.csv with --raw). It must be
    /// new or empty: a dir that holds anything is refused (see --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Move an existing non-empty --out aside to a hidden `.NAME.old-TIMESTAMP` sibling
    /// (nothing is deleted) instead of refusing it.
    #[arg(long)]
    pub force: bool,
    /// Also write requests.csv, one row per request.
    #[arg(long)]
    pub raw: bool,
    /// Quick form: the URL to request.
    #[arg(long, conflicts_with = "scenario")]
    pub url: Option<String>,
    /// Concurrent users (closed model; quick form default 10). With a scenario: the
    /// users of its only stage (refused when it has several: use --scale).
    #[arg(long)]
    pub users: Option<u32>,
    /// Arrival rate, requests per second (open model). With a scenario: the rate of
    /// its only stage (refused when it has several: use --scale).
    #[arg(long, conflicts_with = "users")]
    pub rate: Option<f64>,
    /// How long (quick form default 10s). With a scenario: every stage's duration.
    #[arg(long)]
    pub duration: Option<String>,
    /// Scenario: multiply every stage's users, spawn rate and arrival rate by this
    /// (users rounded, at least 1), e.g. 0.1 for a smoke run.
    #[arg(long, value_name = "FACTOR", conflicts_with = "url")]
    pub scale: Option<f64>,
    /// Scenario: one stage's duration, `NAME=DURATION` (repeatable), e.g. peak=2m.
    #[arg(long, value_name = "NAME=DURATION", conflicts_with = "url")]
    pub stage: Vec<String>,
    /// Scenario: the base URL to use instead of the file's `base_url`.
    #[arg(long, value_name = "URL", conflicts_with = "url")]
    pub base_url: Option<String>,
    /// SLA file whose `[global]` window rules (`… in every D`, `… for D`) are judged
    /// as intervals close (with --abort-on-fail). The full verdict comes from
    /// `headroom analyze RUN --sla FILE` afterwards.
    #[arg(long, value_name = "FILE", requires = "abort_on_fail")]
    pub sla: Option<PathBuf>,
    /// Stop the run at the first breach of a --sla window rule (exit 1, run.toml
    /// complete = false naming the rule), like k6's abortOnFail.
    #[arg(long, requires = "sla")]
    pub abort_on_fail: bool,
    /// https: accept any certificate (self-signed test services). The handshake still runs.
    #[arg(long)]
    pub insecure: bool,
    /// https: also trust the CA certificates in this PEM file (e.g. the one
    /// `headroom target --tls-self-signed --cert-out FILE` wrote).
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub ca: Option<PathBuf>,
    /// Quick form: think time (`0`, `0.5s`, `between(1, 5)`, `1s..5s`).
    #[arg(long, default_value = "0", requires = "url")]
    pub think: String,
    /// Quick form: HTTP method.
    #[arg(long, default_value = "GET", requires = "url")]
    pub method: String,
    /// Quick form: request body (sent as JSON).
    #[arg(long, requires = "url")]
    pub body: Option<String>,
    /// Quick form: per-request timeout.
    #[arg(long, requires = "url")]
    pub timeout: Option<String>,
    /// Release label written to run.toml.
    #[arg(long)]
    pub label: Option<String>,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
    /// No live progress line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Seed the users' task, path and think-time draws (default: random each run).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Run only shard i of N of the plan (0 ≤ i < N): users and open-model arrivals
    /// k with k mod N = i, at their global times. Every shard needs the same plan,
    /// --seed (default: derived from the plan) and --start-at.
    #[arg(long, value_name = "i/N")]
    pub shard: Option<String>,
    /// Run shard $JOB_COMPLETION_INDEX of N (a Kubernetes Indexed Job sets it).
    #[arg(long, value_name = "N", conflicts_with = "shard")]
    pub shards: Option<u32>,
    /// Begin at this time (RFC 3339, e.g. 2026-01-02T10:00:00Z), so that shards
    /// start together.
    #[arg(long, value_name = "TIME")]
    pub start_at: Option<String>,
    /// Begin this long from now, rounded up to a whole second (e.g. 30s).
    #[arg(long, value_name = "DURATION", conflicts_with = "start_at")]
    pub start_in: Option<String>,
}

/// Summary format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table.
    Text,
    /// JSON.
    Json,
}

/// Runs `headroom drive`.
pub fn run(args: DriveArgs) -> anyhow::Result<Outcome> {
    let mut scenario = match build_scenario(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    let index = std::env::var("JOB_COMPLETION_INDEX").ok();
    let shard =
        match crate::driver::shard::from_args(args.shard.as_deref(), args.shards, index.as_deref())
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {}", printable(&e.to_string()));
                return Ok(Outcome::BadInput);
            }
        };
    if let Some(why) = shard.and_then(|s| s.idle(&scenario)) {
        eprintln!("error: {}", printable(&why.to_string()));
        return Ok(Outcome::BadInput);
    }
    // A shard reads only its stripe of each data file (row i when i mod N is its
    // index), so no row is used by two shards.
    if let Some(s) = shard {
        for feeder in &mut scenario.data {
            if let Err(e) = feeder.stripe(s.index as usize, s.count as usize) {
                eprintln!("error: {}", printable(&e.to_string()));
                return Ok(Outcome::BadInput);
            }
        }
    }
    let start_at = match crate::driver::shard::start_time(
        args.start_at.as_deref(),
        args.start_in.as_deref(),
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    if let Some(late) = start_at.and_then(|t| std::time::SystemTime::now().duration_since(t).ok()) {
        eprintln!(
            "warning: --start-at was {} ago: starting now, not together with the other shards",
            humantime::format_duration(Duration::from_millis(late.as_millis() as u64))
        );
    }
    let judge = match live_judge(args.sla.as_deref()) {
        Ok(j) => j,
        Err(outcome) => return Ok(outcome),
    };
    let mut inputs: Vec<PathBuf> = args.scenario.iter().cloned().collect();
    inputs.extend(args.sla.iter().cloned());
    let out = match check_out_dir(&args.out, OutputKind::RunDir, &inputs, args.force) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    let planned = scenario.planned_duration();
    if planned > scenario.max_duration {
        eprintln!(
            "warning: the stages take {}, longer than max_duration {}: the run will stop early",
            humantime::format_duration(planned),
            humantime::format_duration(scenario.max_duration)
        );
    }
    let opts = RunOptions {
        out_dir: args.out.clone(),
        raw: args.raw,
        progress: !args.quiet,
        seed: args.seed,
        shard,
        start_at,
        tls: TlsOptions {
            insecure: args.insecure,
            ca: args.ca.clone(),
        },
        judge,
    };
    // What was measured is kept whatever happens: a run dir is data.
    InPlace::prepare(&out)?.succeeded();
    let rt = super::runtime()?;
    let result = rt.block_on(crate::driver::run(scenario, &opts, stop_requested()));
    // In-flight tasks of an aborted run must not hold the process.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    finish(result, &args)
}

/// Prints what the run gave (its summary and the next command, or why it stopped)
/// and the exit outcome: `Failed` for an incomplete run or a driver error,
/// `BadInput` for a bad scenario.
fn finish(result: Result<DriveSummary, DriverError>, args: &DriveArgs) -> anyhow::Result<Outcome> {
    match result {
        Ok(summary) => {
            let next = format!(
                "next: headroom analyze {}",
                shell_word(&summary.run_dir.display().to_string())
            );
            if args.json || args.format == OutputFormat::Json {
                emitln(serde_json::to_string_pretty(&summary)?)?;
                // stdout stays one JSON document; the hint goes to stderr.
                if summary.responses > 0 {
                    eprintln!("{next}");
                }
            } else {
                emitln(summary.to_text())?;
                if summary.responses > 0 {
                    emitln(&next)?;
                }
            }
            if let Some(r) = &summary.incomplete_reason {
                eprintln!(
                    "run incomplete: {}; what was measured is in {}",
                    printable(&r.to_string()),
                    crate::model::untrusted::printable_path(&summary.run_dir)
                );
                if summary.responses == 0 && !r.contains("TLS handshake") {
                    eprintln!(
                        "nothing was measured about the target: check that it is running and \
                         listening at that address (the scenario's base_url, or --url), then \
                         run again"
                    );
                }
                return Ok(Outcome::Failed);
            }
            Ok(Outcome::Ok)
        }
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            Ok(if e.is_bad_input() {
                Outcome::BadInput
            } else {
                Outcome::Failed
            })
        }
    }
}

/// The live SLA judge of `--sla`, printing the SLA's caveats; `Err(BadInput)` after
/// printing why the file cannot be used.
fn live_judge(sla: Option<&Path>) -> Result<Option<LiveJudge>, Outcome> {
    let Some(path) = sla else {
        return Ok(None);
    };
    let Ok(sla) = SlaFile::read(path) else {
        return Err(Outcome::BadInput);
    };
    match super::live_sla::judge(&sla.spec) {
        Ok((judge, warnings)) => {
            for w in warnings {
                eprintln!("warning: --sla {}: {w}", path.display());
            }
            Ok(Some(judge))
        }
        Err(e) => {
            eprintln!("error: --sla {}: {e}", path.display());
            Err(Outcome::BadInput)
        }
    }
}

/// `word` as one shell word: unchanged when it needs no quoting, else single-quoted.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn build_scenario(args: &DriveArgs) -> Result<Scenario, DriverError> {
    let bad = DriverError::Scenario;
    let duration = match &args.duration {
        Some(d) => Some(cli_duration(d).map_err(|e| bad(format!("--duration: {e}")))?),
        None => None,
    };
    let mut scenario = match (&args.scenario, &args.url) {
        (Some(path), None) => {
            let text = std::fs::read_to_string(path).map_err(|e| DriverError::io(path, e))?;
            let mut s = Scenario::parse_with(&text, path, args.base_url.as_deref())?;
            let overrides = Overrides {
                users: args.users,
                rate: args.rate,
                duration,
                scale: args.scale,
                stage: &args.stage,
            };
            overrides.apply(&mut s)?;
            s
        }
        (None, Some(url)) => {
            let duration = duration.unwrap_or(std::time::Duration::from_secs(10));
            let think: ThinkTime = args
                .think
                .parse()
                .map_err(|e| bad(format!("--think: {e}")))?;
            let timeout = match &args.timeout {
                Some(t) => cli_duration(t).map_err(|e| bad(format!("--timeout: {e}")))?,
                None => DEFAULT_TIMEOUT,
            };
            let load = match args.rate {
                Some(r) => Load::Open { arrival_rate: r },
                None => Load::Closed {
                    users: args.users.unwrap_or(10),
                    spawn_rate: None,
                },
            };
            let body = args.body.clone().map(Bytes::from);
            Scenario::quick(url, &args.method, load, duration, think, timeout, body)?
        }
        _ => return Err(bad("give a scenario file or --url (the quick form)".into())),
    };
    if args.label.is_some() {
        scenario.label.clone_from(&args.label);
    }
    Ok(scenario)
}

/// Command-line changes to a scenario file's stages.
struct Overrides<'a> {
    users: Option<u32>,
    rate: Option<f64>,
    duration: Option<std::time::Duration>,
    scale: Option<f64>,
    stage: &'a [String],
}

impl Overrides<'_> {
    fn apply(&self, s: &mut Scenario) -> Result<(), DriverError> {
        let bad = DriverError::Scenario;
        let names = s
            .stages
            .iter()
            .map(|st| st.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if self.users.is_some() || self.rate.is_some() {
            let flag = if self.users.is_some() {
                "--users"
            } else {
                "--rate"
            };
            if s.stages.len() != 1 {
                return Err(bad(format!(
                    "{flag} sets the load of a one-stage scenario; this one has {} stages ({}): \
                     use --scale FACTOR to scale them all, or edit the file",
                    s.stages.len(),
                    names
                )));
            }
            let st = &mut s.stages[0];
            st.load = match (self.users, self.rate, st.load) {
                (Some(users), _, Load::Closed { spawn_rate, .. }) => {
                    Load::Closed { users, spawn_rate }
                }
                (Some(users), _, Load::Open { .. }) => Load::Closed {
                    users,
                    spawn_rate: None,
                },
                (None, Some(rate), _) => Load::Open { arrival_rate: rate },
                (None, None, l) => l,
            };
        }
        if let Some(f) = self.scale {
            if !(f.is_finite() && f > 0.0) {
                return Err(bad(format!(
                    "--scale {f}: give a positive factor such as 0.1"
                )));
            }
            for st in &mut s.stages {
                st.load = match st.load {
                    Load::Closed { users, spawn_rate } => Load::Closed {
                        users: ((f64::from(users) * f).round() as u32).max(1),
                        spawn_rate: spawn_rate.map(|r| r * f),
                    },
                    Load::Open { arrival_rate } => Load::Open {
                        arrival_rate: arrival_rate * f,
                    },
                };
            }
        }
        if let Some(d) = self.duration {
            for st in &mut s.stages {
                st.duration = d;
            }
        }
        for spec in self.stage {
            let (name, d) = spec.split_once('=').ok_or_else(|| {
                bad(format!(
                    "--stage `{spec}`: give NAME=DURATION, e.g. peak=2m"
                ))
            })?;
            let d = cli_duration(d.trim()).map_err(|e| bad(format!("--stage `{spec}`: {e}")))?;
            let st = s
                .stages
                .iter_mut()
                .find(|st| st.name == name.trim())
                .ok_or_else(|| {
                    bad(format!(
                        "--stage `{spec}`: no stage `{name}` (stages: {names})"
                    ))
                })?;
            st.duration = d;
        }
        s.validate_stages()
    }
}
