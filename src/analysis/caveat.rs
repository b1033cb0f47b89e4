//! Caveats the reader must know before trusting a figure (`Analysis::warnings`): thin
//! samples, stages without a time window or with requests at one instant only, stages
//! nothing answered (connection refused throughout), long gaps, un-normalised URLs, several
//! sources, stages from different tools, result files not read, tool-computed
//! percentiles, SLA names the data lacks, doubts about inputs (warnings), and a
//! latency unit in doubt. Typed until
//! serialisation: each serialises (and prints) as its sentence.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::analysis::metrics::{ScopeMetrics, REPORT_PERCENTILES};
use crate::analysis::quantity::{format_count, format_ms};
use crate::analysis::words::ticked;
use crate::model::ToolCheck;

/// One caveat; [`fmt::Display`] gives the sentence report.json, report.md and the
/// terminal show.
#[derive(Clone, Debug, PartialEq)]
pub enum Caveat {
    /// A stage's reported percentiles rest on fewer than 10 ÷ (1 − p) samples.
    ThinPercentiles {
        /// The stage.
        stage: String,
        /// The thin percentiles, as `p95`.
        percentiles: Vec<String>,
        /// The latencies they rest on.
        samples: u64,
        /// The stage's requests (more than `samples` when failed ones have no latency).
        requests: u64,
    },
    /// Several stages' reported percentiles rest on fewer than 10 ÷ (1 − p) samples
    /// (many stages: one caveat for those with the same thin percentiles).
    ThinStages {
        /// The stages, in report order.
        stages: Vec<String>,
        /// The thin percentiles, as `p95`.
        percentiles: Vec<String>,
        /// The fewest and most latencies a stage's percentiles rest on.
        fewest: u64,
        /// See `fewest`.
        most: u64,
    },
    /// Stages without a time window: their throughput is unknown.
    NoTimeWindow {
        /// The stages.
        stages: Vec<String>,
    },
    /// Scopes whose requests all started at one instant: no measured span, so no
    /// throughput (a rate needs a span).
    Instant {
        /// The stages, and `overall` when the whole run is one instant.
        scopes: Vec<String>,
    },
    /// Most of the run's span holds no request.
    LongGap {
        /// The longest stretch without a request, s.
        gap_s: i64,
        /// The whole span, s.
        span_s: i64,
    },
    /// Many endpoints are a few routes with IDs in their URLs.
    IdsInUrls {
        /// Endpoints.
        endpoints: usize,
        /// Routes they reduce to.
        routes: usize,
    },
    /// No requests were left to analyse.
    NoRequests,
    /// Stages whose every request failed to connect: the target was not listening, so
    /// they are left out of the capacity figures.
    Unreachable {
        /// The stages.
        stages: Vec<String>,
    },
    /// The capacity figures compare stages measured by different load tools (each
    /// tool with its stages), which load a target differently.
    MixedTools {
        /// Each tool, with the stages it measured.
        tools: Vec<(String, Vec<String>)>,
    },
    /// How the reader chose between files that report the same requests, or between a
    /// stage dir's name and its data (the sentence comes with the run).
    Arbitration(String),
    /// A result file that was not read: the same data as one that was (a copy, another
    /// output of the same run) or other data the report does not cover.
    SkippedResult {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Several sources: the report shows one.
    SeveralSources {
        /// Each source's tool, in the run's order (a tool twice when its stage dirs
        /// made it a source per dir).
        tools: Vec<String>,
        /// The tool the report shows.
        shown: String,
        /// Its requests and how many sources have as many, when it was chosen for
        /// having the most (no other reason).
        most_requests: Option<(u64, usize)>,
    },
    /// The stages come from different tools, one per stage dir: which stages each
    /// measured (`baseline, stress from ab`).
    StagesFromTools(Vec<String>),
    /// Latency percentiles come from the tool's own summaries.
    ToolSummaries,
    /// An SLA section or verdict stage names nothing in the data (the sentence says
    /// which, and what became of its rules).
    SlaNameAbsent(String),
    /// An SLA section or verdict stage names several stages the data gave one name
    /// (the sentence says which): each is judged.
    SlaNameShared(String),
    /// An SLA endpoint section written as a route (`GET /users/{id}`) judges the
    /// data's endpoints of that route (`GET /users/123`, …) pooled.
    SlaRoute {
        /// `[endpoint."GET /users/{id}"]`, with its line.
        section: String,
        /// The endpoints pooled.
        endpoints: usize,
    },
    /// None of the SLA's verdict stages is in the data: every stage decides, and the
    /// verdict is at most CONDITIONAL.
    NoVerdictStage,
    /// None of the stages the SLA's `[stage.X]` sections name is in the data (and no
    /// verdict stage is named): their rules judged nothing, and the verdict is at most
    /// CONDITIONAL. The names as written, and the data's stages.
    NoSlaStage {
        /// The SLA's stage names.
        names: Vec<String>,
        /// The data's stages.
        stages: Vec<String>,
    },
    /// A doubt about an input that left nothing unread (`FILE: why`).
    InputWarning(String),
    /// The source's latencies are likely in another unit than they were read in (why,
    /// naming the file): no latency figure can carry the verdict.
    LatencyUnitDoubt(String),
    /// The source's times are likely in another unit than they were read in (why,
    /// naming the file): no rate figure can carry the verdict.
    ClockUnitDoubt(String),
    /// The load tool's own checks failed on the run (k6's thresholds).
    ToolChecksFailed {
        /// The tool.
        tool: String,
        /// The failed checks, as the tool names them.
        failed: Vec<String>,
        /// All its checks.
        total: usize,
        /// The files that hold the failed checks (one run's of several in a dir).
        files: Vec<String>,
    },
    /// A stage's latency leaves out requests that timed out (wrk's and hey's figures
    /// cover the answers in time): its percentiles describe the faster answers.
    TimeoutsLeftOut {
        /// The stage.
        stage: String,
        /// Timed-out requests without a latency.
        timeouts: u64,
        /// The latencies the figures rest on.
        latencies: u64,
        /// How far the true timeouts, requests and latencies may be from those counts,
        /// either way (`[0, 0, 0]`: exact; a console that rounds its counts, `slack.rs`).
        slack: [u64; 3],
        /// The largest latency measured, ms: each timed-out request waited longer.
        at_least_ms: Option<f64>,
        /// The tool's request timeout, ms, when the source says (autocannon's `-t`):
        /// each timed-out request waited at least that long.
        timeout_ms: Option<f64>,
        /// The report percentiles that fall among the timed-out requests (`p99`), at
        /// every count the band allows.
        unknown_high: Vec<String>,
        /// Those that fall among them at one end of the band only.
        maybe_high: Vec<String>,
    },
    /// At least a twentieth of a stage's latencies are failures' (a 503, a refusal,
    /// answered in well under a millisecond when the target sheds load): its
    /// percentiles describe them as much as the service.
    FailuresInLatency {
        /// The stage.
        stage: String,
        /// Failures with a latency.
        failures: u64,
        /// All the stage's latencies.
        latencies: u64,
    },
    /// No gating rule judges failures, yet more than 1 % of the judged requests
    /// failed: the verdict and where they failed (`GO`, `99.3% in \`peak\``).
    UnjudgedFailures {
        /// The verdict.
        verdict: String,
        /// The failure shares, by scope.
        shares: String,
    },
}

/// What thin percentiles rest on: `1200 requests`, or the latencies when failed
/// requests have none.
fn samples_of(samples: u64, requests: u64) -> String {
    if samples >= requests {
        return format!("{samples} requests");
    }
    format!(
        "{samples} latencies: the other {} of its {requests} requests failed without one",
        requests - samples
    )
}

/// The note on several sources: their tools, which one the report shows, and why
/// when its count alone chose it.
fn several_sources(tools: &[String], shown: &str, most_requests: Option<(u64, usize)>) -> String {
    let mut listed: Vec<(&str, usize)> = Vec::new();
    for t in tools {
        match listed.iter_mut().find(|(seen, _)| seen == t) {
            Some((_, n)) => *n += 1,
            None => listed.push((t, 1)),
        }
    }
    let listed: Vec<String> = (listed.iter())
        .map(|(t, n)| match n {
            1 => t.to_string(),
            _ => format!("{t} in {n} parts"),
        })
        .collect();
    let why = match most_requests {
        Some((n, 1)) => format!(
            ", the one with the most requests ({})",
            format_count(n as f64)
        ),
        Some((n, alike)) => format!(
            ", one of {alike} with the most requests ({} each)",
            format_count(n as f64)
        ),
        None => String::new(),
    };
    format!(
        "{} sources found ({}): the report shows \"{shown}\"{why}; the others are listed \
         under Sources and never summed with it",
        tools.len(),
        listed.join(", ")
    )
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caveat::ThinPercentiles {
                stage,
                percentiles,
                samples,
                requests,
            } => write!(
                f,
                "stage \"{stage}\": {} rest on fewer samples than 10/(1−p) ({}); treat them \
                 as rough",
                percentiles.join(", "),
                samples_of(*samples, *requests)
            ),
            Caveat::ThinStages {
                stages,
                percentiles,
                fewest,
                most,
            } => f.write_str(&thin_stages(stages, percentiles, *fewest, *most)),
            Caveat::NoTimeWindow { stages } => write!(
                f,
                "stage(s) {} have no time window (the source has no times, or --warmup, \
                 --from and --to leave none of it): throughput is unknown for them",
                stages.join(", ")
            ),
            Caveat::Instant { scopes } => write!(
                f,
                "{} {}: every request started at one instant (one request, or a burst \
                 stamped with one time), so no span was measured and throughput is unknown \
                 there (a rate needs a span)",
                if scopes.len() == 1 { "scope" } else { "scopes" },
                scopes.join(", ")
            ),
            Caveat::LongGap { gap_s, span_s } => write!(
                f,
                "nothing was measured for {} of the run's {}: are these files one run? \
                 Overall figures divide by the whole span; analyse unrelated runs apart",
                human_span(*gap_s),
                human_span(*span_s)
            ),
            Caveat::IdsInUrls { endpoints, routes } => write!(
                f,
                "{endpoints} endpoints look like {routes} {} with IDs in their URLs: \
                 --normalize-labels makes one endpoint of each route",
                if *routes == 1 { "route" } else { "routes" }
            ),
            Caveat::NoRequests => f.write_str(
                "no requests to analyse: --include, --exclude, --from, --to and --warmup left \
                 none, or the inputs hold none",
            ),
            Caveat::Unreachable { stages } => write!(
                f,
                "{} {}: every request failed to connect (refused: the target was not \
                 listening), so nothing there was served; left out of the capacity figures, \
                 as a target that was down shows no capacity",
                if stages.len() == 1 { "stage" } else { "stages" },
                stages.join(", ")
            ),
            Caveat::MixedTools { tools } => {
                let each: Vec<String> = (tools.iter())
                    .map(|(tool, stages)| format!("{tool}: {}", stages.join(", ")))
                    .collect();
                write!(
                    f,
                    "the capacity figures compare stages measured by different tools ({}): \
                     tools load a target differently (connections kept open or not, their \
                     own pacing and overhead), so a change between their stages may be the \
                     tools', not the target's; read the capacity figures as indicative, and \
                     measure every load level with one tool to size on them",
                    each.join("; ")
                )
            }
            Caveat::SlaRoute { section, endpoints } => f.write_str(&sla_route(section, *endpoints)),
            Caveat::Arbitration(text)
            | Caveat::SlaNameAbsent(text)
            | Caveat::SlaNameShared(text)
            | Caveat::InputWarning(text) => f.write_str(text),
            Caveat::LatencyUnitDoubt(why) => f.write_str(&unit_doubt(why, false)),
            Caveat::ClockUnitDoubt(why) => f.write_str(&unit_doubt(why, true)),
            Caveat::SkippedResult { path, reason } => write!(f, "skipped {path}: {reason}"),
            Caveat::SeveralSources {
                tools,
                shown,
                most_requests,
            } => f.write_str(&several_sources(tools, shown, *most_requests)),
            Caveat::StagesFromTools(tools) => write!(
                f,
                "the stages were measured by different load tools, one per stage dir: {}; \
                 each stage's figures are its own tool's (a figure its tool does not give is \
                 not measured there)",
                tools.join("; ")
            ),
            Caveat::ToolSummaries => f.write_str(
                "latency percentiles come from the load tool's own summaries (not every \
                 request): they are reported as the tool wrote them, and merged ones are \
                 approximate",
            ),
            Caveat::UnjudgedFailures { verdict, shares } => write!(
                f,
                "the verdict {verdict} rests on no rule about failures, yet requests failed: \
                 {shares}; add an error_rate rule to judge them"
            ),
            Caveat::ToolChecksFailed {
                tool,
                failed,
                total,
                files,
            } => write!(
                f,
                "{}; the run failed the team's own gate, whatever the SLA given here says",
                tool_checks_failed(tool, failed, *total, files)
            ),
            c @ (Caveat::TimeoutsLeftOut { .. } | Caveat::FailuresInLatency { .. }) => {
                latency_caveat(f, c)
            }
            Caveat::NoVerdictStage => f.write_str(NO_VERDICT_STAGE),
            Caveat::NoSlaStage { names, stages } => no_sla_stage(f, names, stages),
        }
    }
}

impl Caveat {
    /// True for the caveats the SLA file gives (names the data lacks).
    pub fn from_sla(&self) -> bool {
        matches!(
            self,
            Caveat::SlaNameAbsent(_) | Caveat::NoVerdictStage | Caveat::NoSlaStage { .. }
        )
    }

    /// True for the caveats printed as `warning:` as the inputs and the SLA are read
    /// (the inputs' own warnings, and [`Caveat::from_sla`]): a summary's notes leave them
    /// out rather than say them twice.
    pub fn said_as_read(&self) -> bool {
        self.from_sla() || matches!(self, Caveat::InputWarning(_))
    }
}

impl Serialize for Caveat {
    /// As its sentence.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The sentences of the caveats on what a stage's latency leaves out or holds.
fn latency_caveat(f: &mut fmt::Formatter<'_>, c: &Caveat) -> fmt::Result {
    match c {
        Caveat::TimeoutsLeftOut {
            stage,
            timeouts,
            latencies,
            slack,
            at_least_ms,
            timeout_ms,
            unknown_high,
            maybe_high,
        } => timeouts_left_out(
            f,
            stage,
            ([*timeouts, *latencies], *slack),
            [*at_least_ms, *timeout_ms],
            [unknown_high, maybe_high],
        ),
        Caveat::FailuresInLatency {
            stage,
            failures,
            latencies,
        } => failures_in_latency(f, stage, *failures, *latencies),
        _ => Ok(()),
    }
}

/// The sentence of [`Caveat::FailuresInLatency`].
fn failures_in_latency(
    f: &mut fmt::Formatter<'_>,
    stage: &str,
    failures: u64,
    latencies: u64,
) -> fmt::Result {
    write!(
        f,
        "stage {}: {failures} of its {latencies} latencies ({}) are of failed requests; answered fast \
         (a refused connection, a 503 from a full queue) they pull its percentiles down, so \
         the figures describe the failures as much as the service: a latency rule passes \
         only if the successes show it too",
        ticked(stage),
        crate::analysis::quantity::format_percent(failures as f64 / latencies as f64)
    )
}

impl Caveat {
    /// [`Caveat::TimeoutsLeftOut`] for stage `stage` with scope `m`, whose latency
    /// leaves timed-out requests out. The percentiles among them are named at both ends
    /// of the band a console's rounded counts leave (`sla/slack.rs`), as the SLA judges
    /// them: the fewest timeouts with the most latencies (the lowest rank), and the
    /// most timeouts with the fewest.
    pub fn timeouts_left_out(stage: &str, m: &ScopeMetrics) -> Caveat {
        let (t, l) = (m.timeouts_left_out(), m.latency.count());
        let s = m.count_slack;
        let low = (t.saturating_sub(s.failures), l + s.latencies);
        let high = (t + s.failures, l.saturating_sub(s.latencies).max(1));
        let among =
            |p: f64, (t, l): (u64, u64)| ((p / 100.0 * (t + l) as f64) - 1e-9).ceil() as u64 > l;
        let named = |keep: &dyn Fn(f64) -> bool| -> Vec<String> {
            (REPORT_PERCENTILES.iter())
                .filter(|p| keep(**p))
                .map(|p| format!("p{p}"))
                .collect()
        };
        Caveat::TimeoutsLeftOut {
            stage: stage.to_string(),
            timeouts: t,
            latencies: l,
            slack: [s.failures, s.requests, s.latencies],
            at_least_ms: m.latency.max_ms(),
            timeout_ms: m.timeout_ms,
            unknown_high: named(&|p| among(p, low)),
            maybe_high: named(&|p| !among(p, low) && among(p, high)),
        }
    }
}

/// The sentence of [`Caveat::TimeoutsLeftOut`]: counts a console rounds are said
/// with their band, and a percentile the band may put among the timed-out requests
/// is said apart from those it puts there at every count.
fn timeouts_left_out(
    f: &mut fmt::Formatter<'_>,
    stage: &str,
    ([timeouts, latencies], [t_slack, n_slack, l_slack]): ([u64; 2], [u64; 3]),
    [measured_ms, timeout_ms]: [Option<f64>; 2],
    [unknown_high, maybe_high]: [&[String]; 2],
) -> fmt::Result {
    // The timeout bounds them where it is known and no answer took longer.
    let (longer, at_least_ms) = match (timeout_ms, measured_ms) {
        (Some(t), m) if m.is_none_or(|m| m <= t) => (format!(", {}", format_ms(t)), Some(t)),
        (_, m) => (
            m.map_or(String::new(), |ms| {
                format!(", longer than the {} it measured at most", format_ms(ms))
            }),
            m,
        ),
    };
    let about = |n: u64, slack: u64| {
        if slack == 0 {
            n.to_string()
        } else {
            format!("{n} (±{slack})")
        }
    };
    let rounded = if t_slack + n_slack + l_slack > 0 {
        " (the tool rounds its counts: the true ones lie within the ± band, and the \
         percentiles are weighed at both ends of it)"
    } else {
        ""
    };
    write!(
        f,
        "stage {}: {} of its {} requests with a time timed out and the tool's latency \
         leaves them out (each waited at least the timeout{longer}): its latency figures \
         describe the {} answers in time, not the load{rounded}",
        ticked(stage),
        about(timeouts, t_slack),
        about(timeouts + latencies, n_slack),
        about(latencies, l_slack)
    )?;
    let at_least = at_least_ms.map_or(String::new(), |ms| format!("≥ {}, ", format_ms(ms)));
    if !unknown_high.is_empty() {
        write!(
            f,
            "; over all the requests {} fall among the timed-out ones ({at_least}unknown)",
            unknown_high.join(", "),
        )?;
    }
    if !maybe_high.is_empty() {
        write!(
            f,
            "; {} may fall among them too (at one end of the band of counts, not the other)",
            maybe_high.join(", "),
        )?;
    }
    f.write_str("; latency rules are judged on the bounds this leaves")
}

/// The sentence of [`Caveat::NoVerdictStage`].
const NO_VERDICT_STAGE: &str = "no stage named in verdict_stages is in the data: the verdict is \
                                over every stage and at most CONDITIONAL (give --verdict-stage \
                                NAME to choose one)";

/// The sentence of [`Caveat::NoSlaStage`].
fn no_sla_stage(f: &mut fmt::Formatter<'_>, names: &[String], stages: &[String]) -> fmt::Result {
    write!(
        f,
        "none of the stages the SLA's sections name ({}) is in the data (stages: {}): their \
         rules judged nothing, so the verdict is at most CONDITIONAL — name the stage as the \
         SLA does (its dir's name, or `[[stage]] name` in run.toml), or give --verdict-stage \
         NAME to decide on the data's stages without them",
        names.join(", "),
        stages.join(", ")
    )
}

/// The sentence of [`Caveat::SlaRoute`].
fn sla_route(section: &str, endpoints: usize) -> String {
    format!(
        "{section} is a route: its rules judge the {endpoints} {} of that route (IDs in their \
         URLs, or one URL as each tool names it) pooled, as a /regex/ section pools what it \
         matches",
        if endpoints == 1 {
            "endpoint"
        } else {
            "endpoints"
        }
    )
}

/// The sentence of [`Caveat::ThinStages`].
fn thin_stages(stages: &[String], percentiles: &[String], fewest: u64, most: u64) -> String {
    const NAMED: usize = 3;
    let named: Vec<String> = (stages.iter().take(NAMED))
        .map(|s| format!("\"{s}\""))
        .collect();
    let more = match stages.len().saturating_sub(NAMED) {
        0 => String::new(),
        k => format!(" and {k} more"),
    };
    let range = if fewest == most {
        format!("{fewest} latencies each")
    } else {
        format!("{fewest} to {most} latencies each")
    };
    format!(
        "{} stages ({}{more}): {} rest on fewer samples than 10/(1−p) ({range}); treat them \
         as rough",
        stages.len(),
        named.join(", "),
        percentiles.join(", ")
    )
}

/// One caveat per tool whose own checks failed on the run.
pub fn failed_tool_checks(checks: &[ToolCheck]) -> Vec<Caveat> {
    (ToolCheck::by_tool(checks).into_iter())
        .filter_map(|(tool, of_tool)| {
            let failed: Vec<&ToolCheck> = of_tool.iter().copied().filter(|c| !c.passed).collect();
            let mut files: Vec<String> = Vec::new();
            for c in &failed {
                if !files.contains(&c.file) {
                    files.push(c.file.clone());
                }
            }
            (!failed.is_empty()).then(|| Caveat::ToolChecksFailed {
                tool: tool.to_string(),
                failed: failed.iter().map(|c| c.name.clone()).collect(),
                total: of_tool.len(),
                files,
            })
        })
        .collect()
}

/// `k6's own thresholds: 1 of 3 failed (`a`), in `smoke/summary.json``: what a tool's
/// failed checks were, and where (a dir may hold several of its runs, one set apart).
pub fn tool_checks_failed(tool: &str, failed: &[String], total: usize, files: &[String]) -> String {
    let what = ToolCheck::kind(tool);
    // A check failed alike in several files (Locust's exit code in each stage dir's
    // log) is said once, with how often.
    let mut alike: Vec<(&String, usize)> = Vec::new();
    for n in failed {
        match alike.iter_mut().find(|(m, _)| *m == n) {
            Some((_, k)) => *k += 1,
            None => alike.push((n, 1)),
        }
    }
    let names: Vec<String> = (alike.iter())
        .map(|(n, k)| match k {
            1 => ticked(n),
            k => format!("{}, {k} times", ticked(n)),
        })
        .collect();
    let files: Vec<String> = files.iter().map(|n| ticked(n)).collect();
    format!(
        "{tool}'s own {what}: {} of {total} failed ({}), in {}",
        failed.len(),
        names.join(", "),
        files.join(", ")
    )
}

/// `3 h`, `12 days`, `56 years`: a long span, roughly.
fn human_span(s: i64) -> String {
    const DAY: i64 = 86_400;
    match s {
        s if s >= 730 * DAY => format!("{} years", s / (365 * DAY)),
        s if s >= 2 * DAY => format!("{} days", s / DAY),
        s => format!("{} h", (s + 1800) / 3600),
    }
}

/// A unit doubt's sentence: the latency's (`clock` false) or the times' (`clock`).
fn unit_doubt(why: &str, clock: bool) -> String {
    if clock {
        format!(
            "the time unit is in doubt ({why}): durations and rates may be off by 1,000×, \
             and throughput, goodput and window rules cannot decide the verdict"
        )
    } else {
        format!(
            "the latency unit is in doubt ({why}): latency figures may be off by 1,000× or \
             more, and latency rules cannot decide the verdict"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::tool_checks_failed;

    /// Locust's exit code, failed alike in three stage dirs' logs, is said once with
    /// how often; a check failed once keeps its plain name.
    #[test]
    fn a_check_failed_alike_in_several_files_is_said_once() {
        let code = "it shut down with exit code 1, not 0".to_string();
        let failed = [code.clone(), code.clone(), code, "other".to_string()];
        let files = ["u10/locust.log".to_string(), "u50/locust.log".to_string()];
        let said = tool_checks_failed("locust", &failed, 4, &files);
        assert_eq!(said.matches("exit code 1").count(), 1, "{said}");
        assert!(said.contains("not 0`, 3 times, `other`"), "{said}");
        assert!(said.contains(": 4 of 4 failed"), "{said}");
    }
}
