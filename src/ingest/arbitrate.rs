//! Which source a report leads with when a run holds several (a Locust CSV set and an
//! HdrHistogram interval log of the same requests, say), and the cross-checks between
//! them. Stage dirs each measured by one tool, the tools differing, are one source
//! before this runs (`run_dir/stage_dirs.rs`): their stages are never arbitrated away.
//! A stage dir holding several tools among them gets one chosen here for its stage
//! (`choose_for_stage`: a burst of under a second beside another tool's load, a
//! health check, never judges the stage); the others, each beside that one stage,
//! never lead and are cross-checked against that stage alone.
//!
//! By default the source with the most requests leads. A source whose format carries
//! no failure data (`.hlog`, `.hgrm`) never leads while another source can say which
//! requests failed: its 0 % errors would be made up. Among sources describing the same
//! requests (totals within 10 %) that all carry failures, the one with per-stage
//! detail (more stages with a time window) leads. A source with only a tool's printed
//! percentiles and no p95 among them (wrk) gives way to one with every request's
//! latency that also carries failures, else to a summary with a p95 of about as many
//! requests (siege, which prints no percentiles, to ab beside it); a summary with a p95
//! (Locust's stats) keeps its place. A generic CSV of other column names than
//! headroom's, a file of unknown origin (a server's access log reads as one), never
//! leads beside a load tool's own results that carry failures. The choice and its
//! reason are a note of the chosen source and a warning.
//!
//! A short run apart from the run (a smoke test or warm-up by another tool,
//! `smoke_runs`) never leads, nor is cross-checked as a rival: it is named as such.
//!
//! Sources of the same requests are cross-checked: totals (not for sources whose
//! routes differ: wrk's GET beside ab's POST are no two counts of the same requests),
//! and medians. Medians about
//! 1,000× apart (300× to 3,000×) are a unit error — an interval log written in µs and
//! read as ns — named as such, with the flag that fixes it.

use crate::model::{LatencyDistribution, Run, Source};

use super::{IngestOptions, TimeUnit};

/// Formats whose files say nothing about failures (every request counts as a success).
const WITHOUT_FAILURES: &[(&str, &str)] = &[
    (
        "hdr-log",
        "an HdrHistogram interval log holds latencies only, no failures",
    ),
    (
        "hdrhistogram",
        "HdrHistogram percentile text holds latencies only, no failures",
    ),
];

/// Totals within this share of each other are taken for the same requests.
const SAME_REQUESTS: f64 = 0.10;

/// Chooses the run's primary source (see the module docs) and cross-checks it against
/// the others; the reasons go into the sources' notes and `run.arbitration`.
pub fn arbitrate(run: &mut Run, opts: &IngestOptions) {
    if run.sources.len() < 2 {
        return;
    }
    if run.sources.iter().any(|s| s.beside_stage.is_some()) {
        return check_beside(run, opts);
    }
    let short = super::smoke_runs::short_runs(&run.sources);
    let runs: Vec<usize> = (0..run.sources.len())
        .filter(|&i| short[i].is_none())
        .collect();
    let all: Vec<&Source> = runs.iter().map(|&i| &run.sources[i]).collect();
    let (at, reason) = choose(&all, most_requests(&all));
    let chosen = runs[at];
    let leads_by_count = (run.sources.iter().map(|s| s.overall.requests()).max())
        == Some(run.sources[chosen].overall.requests());
    let mut warnings = Vec::new();
    for (i, why) in short.into_iter().enumerate() {
        if let Some(why) = why {
            warnings.push(why.clone());
            run.sources[i].notes.push(why.clone());
            run.sources[i].short_run = Some(why);
        }
    }
    if let Some(reason) = &reason {
        warnings.push(format!(
            "the report is judged on the {} source: {reason}",
            run.sources[chosen].tool
        ));
        run.sources[chosen]
            .notes
            .push(format!("chosen as the report's source: {reason}"));
    }
    let files: Vec<&std::path::Path> = run.inputs.iter().map(|i| i.path.as_path()).collect();
    for &i in runs.iter().filter(|i| **i != chosen) {
        let (lead, other) = (&run.sources[chosen], &run.sources[i]);
        if let Some(w) = unit_mismatch(lead, other, opts) {
            warnings.push(w.clone());
            run.sources[i].notes.push(w);
        } else if let Some(w) = totals_disagree(lead, other, &files) {
            warnings.push(w);
        }
    }
    run.preferred = (reason.is_some() || !leads_by_count).then_some(chosen);
    run.arbitration.extend(warnings);
}

/// The stage dir's tool a stage's figures come from when a stage dir holds several
/// (`run_dir/stage_dirs.rs`), by the rules that choose a run's source: its index among
/// `sources` and, when it is not simply the one with most requests, why. The one with
/// most requests gives way to the one that ran longest when it is a short check beside
/// that one's load ([`check_beside_load`](super::smoke_runs::check_beside_load); the
/// dir's name gives `named` users): a burst of 1,000 health checks in 0.1 s is not the
/// stage that 388 requests over 4 s ran.
pub(super) fn choose_for_stage(sources: &[&Source], named: Option<u32>) -> (usize, Option<String>) {
    let by_count = most_requests(sources);
    let duration = |i: usize| super::smoke_runs::duration_s(sources[i]).unwrap_or(0.0);
    let longest = (0..sources.len()).max_by(|&a, &b| duration(a).total_cmp(&duration(b)));
    let load = longest.filter(|&l| l != by_count).and_then(|l| {
        super::smoke_runs::check_beside_load(sources[by_count], sources[l], named).map(|_| l)
    });
    let Some(l) = load else {
        return choose(sources, by_count);
    };
    match choose(sources, l) {
        (i, None) if i == l => {
            let (src, short) = (sources[l], sources[by_count]);
            let why = format!(
                "it ran the stage's load ({} requests in {}); {}'s {} requests in {} are a \
                 short check beside it",
                crate::model::thousands(src.overall.requests() as usize),
                super::smoke_runs::seconds(duration(l)),
                short.tool,
                crate::model::thousands(short.overall.requests() as usize),
                super::smoke_runs::seconds(duration(by_count)),
            );
            (i, Some(why))
        }
        other => other,
    }
}

/// The index of the source with the most requests (the last of equals).
fn most_requests(sources: &[&Source]) -> usize {
    (0..sources.len())
        .max_by_key(|&i| sources[i].overall.requests())
        .unwrap_or(0)
}

/// Leads with the one source of the whole run when the others each measured a stage
/// beside it (see [`Source::beside_stage`]), and cross-checks each against that stage.
fn check_beside(run: &mut Run, opts: &IngestOptions) {
    let Some(lead) = run.sources.iter().position(|s| s.beside_stage.is_none()) else {
        return;
    };
    run.preferred = Some(lead);
    let mut warnings = Vec::new();
    let files: Vec<&std::path::Path> = run.inputs.iter().map(|i| i.path.as_path()).collect();
    for other in run.sources.iter().filter(|s| s.beside_stage.is_some()) {
        let Some(stage) = beside_view(&run.sources[lead], other) else {
            continue;
        };
        if let Some(w) = unit_mismatch(&stage, other, opts) {
            warnings.push(format!("stage {}: {w}", stage.overall.name));
        } else if other.short_run.is_some() || own_requests(&stage, other) {
            // A short check of other requests beside the stage's load, or another load
            // tool's run: its totals are no count of the same requests.
        } else if let Some(w) = totals_disagree(&stage, other, &files) {
            warnings.push(format!("stage {}: {w}", stage.overall.name));
        }
    }
    run.arbitration.extend(warnings);
}

/// True when `other` is another load tool than the one that measured `stage`: each
/// tool sent requests of its own (wrk, then `hey -n 300` in `01-baseline/`), so
/// their totals differ by how long each ran, and none lost any. A file that only
/// times requests (an HdrHistogram log, [`WITHOUT_FAILURES`]) or of unknown origin (a
/// server's access log) may hold the stage's own requests and is still checked.
fn own_requests(stage: &Source, other: &Source) -> bool {
    stage.tool != other.tool
        && !other.unknown_origin
        && !WITHOUT_FAILURES.iter().any(|(t, _)| *t == other.tool)
}

/// The lead's stage that `other` measured beside it, as a source of its own (its
/// tool's name), to cross-check the two.
fn beside_view(lead: &Source, other: &Source) -> Option<Source> {
    let name = other.beside_stage.as_deref()?;
    let stage = lead.stages.iter().find(|s| s.name == name)?;
    Some(Source {
        tool: stage.tool.clone().unwrap_or_else(|| lead.tool.clone()),
        overall: stage.clone(),
        ..Default::default()
    })
}

/// The source to lead with and why, as [`choose_among`] does, except that a generic
/// CSV whose columns go by other names than headroom's ([`Source::unknown_origin`]: a
/// script's results, but as well a server's access log or an APM export, which time
/// the server's side and may hold other traffic) gives way to a load tool's own
/// results of the run that can say which requests failed: it is listed under Sources
/// and cross-checked against them.
fn choose(sources: &[&Source], by_count: usize) -> (usize, Option<String>) {
    let (chosen, why) = choose_among(sources, by_count);
    if !sources[chosen].unknown_origin {
        return (chosen, why);
    }
    let tools: Vec<usize> = (0..sources.len())
        .filter(|&i| !sources[i].unknown_origin && sources[i].overall.requests() > 0)
        .collect();
    let theirs: Vec<&Source> = tools.iter().map(|&i| sources[i]).collect();
    if !theirs.iter().any(|s| lacks_failures(s).is_none()) {
        return (chosen, why);
    }
    let (j, their_why) = choose_among(&theirs, most_requests(&theirs));
    let reason = format!(
        "it is a load tool's own results, and the generic CSV beside it ({} requests, its columns \
         not named as headroom's) is a file of unknown origin (a server's access log or an \
         APM export times the server's side); the generic CSV is listed under Sources",
        crate::model::thousands(sources[chosen].overall.requests() as usize)
    );
    let reason = match their_why {
        Some(w) => format!("{reason}; {w}"),
        None => reason,
    };
    (tools[j], Some(reason))
}

/// The source to lead with and, when it is not simply the one with most requests (or
/// rivals it), why.
fn choose_among(sources: &[&Source], by_count: usize) -> (usize, Option<String>) {
    let default = sources[by_count];
    if let Some(why_not) = lacks_failures(default) {
        let best = (0..sources.len())
            .filter(|&i| lacks_failures(sources[i]).is_none())
            .filter(|&i| same_requests(default, sources[i]) || failures(sources[i]) > 0)
            .max_by_key(|&i| sources[i].overall.requests());
        if let Some(i) = best {
            return (
                i,
                Some(format!(
                    "it carries failure data ({} failures of {} requests) and {} does not ({why_not}); \
                     the {} source is listed under Sources and not used for errors",
                    failures(sources[i]),
                    sources[i].overall.requests(),
                    default.tool,
                    default.tool
                )),
            );
        }
        return (by_count, None);
    }
    if !exact(default) && lacks_p95(default) {
        // Every percentile of a per-request source can be judged; a tool's summary has
        // only the ones it printed (wrk has no p95).
        let best = (0..sources.len())
            .filter(|&i| exact(sources[i]) && lacks_failures(sources[i]).is_none())
            .max_by_key(|&i| sources[i].overall.requests());
        if let Some(i) = best {
            return (
                i,
                Some(format!(
                    "it has every request's latency ({} requests), where {} has only the \
                     percentiles the tool printed; {} is listed under Sources",
                    sources[i].overall.requests(),
                    default.tool,
                    default.tool
                )),
            );
        }
        // Among runs of about as many requests, one whose tool printed a p95 (ab)
        // judges latency where one without (siege prints none) cannot.
        let with_p95 = (0..sources.len())
            .filter(|&i| !lacks_p95(sources[i]) && lacks_failures(sources[i]).is_none())
            .filter(|&i| same_requests(default, sources[i]))
            .max_by_key(|&i| sources[i].overall.requests());
        if let Some(i) = with_p95 {
            return (
                i,
                Some(format!(
                    "it has a p95 ({} requests), where {} has none ({} requests); {} is listed \
                     under Sources",
                    sources[i].overall.requests(),
                    default.tool,
                    default.overall.requests(),
                    default.tool
                )),
            );
        }
    }
    let stages = |s: &Source| s.stages.iter().filter(|st| st.window_ms.is_some()).count();
    let detailed = (0..sources.len())
        .filter(|&i| i != by_count && lacks_failures(sources[i]).is_none())
        .filter(|&i| same_requests(default, sources[i]))
        .filter(|&i| stages(sources[i]) > stages(default).max(1))
        .max_by_key(|&i| stages(sources[i]));
    match detailed {
        Some(i) => (
            i,
            Some(format!(
                "it describes the same requests as {} with per-stage detail ({} stages against {})",
                default.tool,
                stages(sources[i]),
                stages(default)
            )),
        ),
        None => (by_count, None),
    }
}

/// True when no latency of the source (its aggregate or any endpoint) has a p95.
fn lacks_p95(src: &Source) -> bool {
    let o = &src.overall;
    o.aggregate
        .iter()
        .chain(o.endpoints.values())
        .all(|e| e.latency.percentile(95.0).is_none())
}

/// True when a source's latencies are every request's (histograms), not a tool's
/// printed percentiles.
fn exact(src: &Source) -> bool {
    let endpoints = || src.overall.endpoints.values().filter(|e| !e.transaction);
    endpoints().next().is_some() && endpoints().all(|e| e.latency.is_exact())
}

/// Why a source cannot say which requests failed, when it cannot.
pub(super) fn lacks_failures(src: &Source) -> Option<&'static str> {
    if failures(src) > 0 {
        return None;
    }
    WITHOUT_FAILURES
        .iter()
        .find(|(tool, _)| *tool == src.tool)
        .map(|(_, why)| *why)
}

/// The source's failed requests over the whole run.
fn failures(src: &Source) -> u64 {
    match &src.overall.aggregate {
        Some(a) => a.failures,
        None => src
            .overall
            .endpoints
            .values()
            .filter(|e| !e.transaction)
            .map(|e| e.failures)
            .sum(),
    }
}

fn same_requests(a: &Source, b: &Source) -> bool {
    let (x, y) = (a.overall.requests() as f64, b.overall.requests() as f64);
    x > 0.0 && y > 0.0 && (x - y).abs() <= SAME_REQUESTS * x.max(y)
}

/// The median of a source's whole run, ms.
fn median_ms(src: &Source) -> Option<f64> {
    if let Some(agg) = &src.overall.aggregate {
        return agg.latency.percentile(50.0).map(|p| p.value_ms);
    }
    let mut all: Option<LatencyDistribution> = None;
    for ep in src.overall.endpoints.values().filter(|e| !e.transaction) {
        match &mut all {
            Some(d) => d.merge(&ep.latency),
            None => all = Some(ep.latency.clone()),
        }
    }
    all?.percentile(50.0).map(|p| p.value_ms)
}

/// A warning when `other`'s median is about 1,000× off `lead`'s for the same requests.
fn unit_mismatch(lead: &Source, other: &Source, opts: &IngestOptions) -> Option<String> {
    if !same_requests(lead, other) {
        return None;
    }
    let (a, b) = (median_ms(lead)?, median_ms(other)?);
    if a <= 0.0 || b <= 0.0 {
        return None;
    }
    let ratio = b / a;
    let (too_small, factor) = if (1.0 / 3000.0..=1.0 / 300.0).contains(&ratio) {
        (true, 1.0 / ratio)
    } else if (300.0..=3000.0).contains(&ratio) {
        (false, ratio)
    } else {
        return None;
    };
    let fix = unit_flag(&other.tool, opts, too_small);
    Some(format!(
        "unit mismatch: {}'s median is {} ms, {:.0}× {} {}'s {} ms for the same {} requests: \
         its latencies were read in the wrong unit{}",
        other.tool,
        short(b),
        factor,
        if too_small { "below" } else { "above" },
        lead.tool,
        short(a),
        other.overall.requests(),
        fix
    ))
}

/// The flag that reads `tool`'s values in the unit 1,000× larger (or smaller).
fn unit_flag(tool: &str, opts: &IngestOptions, too_small: bool) -> String {
    let (flag, assumed) = match tool {
        "hdr-log" => ("--hlog-unit", opts.hlog_unit.unwrap_or(TimeUnit::Ns)),
        "hdrhistogram" => ("--hgrm-unit", opts.hgrm_unit.unwrap_or(TimeUnit::Ms)),
        _ => return "; check the unit the file is written in".into(),
    };
    let units = [TimeUnit::Ns, TimeUnit::Us, TimeUnit::Ms, TimeUnit::S];
    let at = units.iter().position(|u| *u == assumed).unwrap_or(0);
    let next = if too_small {
        units.get(at + 1)
    } else {
        at.checked_sub(1).and_then(|i| units.get(i))
    };
    let name = |u: TimeUnit| match u {
        TimeUnit::Ns => "ns",
        TimeUnit::Us => "us",
        TimeUnit::Ms => "ms",
        TimeUnit::S => "s",
    };
    match next {
        Some(u) => format!(
            " (read as {}, written in {}): rerun with `{flag} {}`",
            name(assumed),
            name(*u),
            name(*u)
        ),
        None => "; check the unit the file is written in".into(),
    }
}

/// A warning when two sources of one run disagree on their totals by 10–50 % (closer
/// is the same requests; further apart, different ones). Not when they requested
/// other routes (wrk's GET beside ab's POST, `Stage::requests_other_routes`; `files`:
/// the run's inputs, whose names are no route): those are not two counts of the same
/// requests.
fn totals_disagree(lead: &Source, other: &Source, files: &[&std::path::Path]) -> Option<String> {
    if lead.overall.requests_other_routes(&other.overall, files) {
        return None;
    }
    let (a, b) = (
        lead.overall.requests() as f64,
        other.overall.requests() as f64,
    );
    let off = (a - b).abs() / a.max(b).max(1.0);
    (off > SAME_REQUESTS && off <= 0.5).then(|| {
        format!(
            "{} counts {} requests and {} counts {} ({:.0}% apart): if they measured the same \
             requests, one of them lost some",
            lead.tool,
            a,
            other.tool,
            b,
            off * 100.0
        )
    })
}

fn short(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}
