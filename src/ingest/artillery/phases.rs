//! Artillery's `phases` as stages of an open model. A report that lists its phases
//! (`{"duration", "arrivalRate"}`, `rampTo`, `arrivalCount`, `pause`; durations in
//! seconds) with at least two constant rates gets one stage per constant-rate phase,
//! with that arrival rate; ramps and pauses are not stages. Each stage holds the intermediate periods that lie wholly
//! inside its phase: their counts exactly, their latency summaries merged
//! (approximate). A period's span is measured from the periods' own spacing: v1 stamps
//! a period at its end, v2 at its start (`period`); v2's periods are 10 s slots of the
//! clock, and the phases and each stage's window are placed by when the requests were
//! counted (`firstCounterAt`–`lastCounterAt`), so a phase that began mid-slot is not
//! timed from the slot's start. Artillery 2's report lists no phases: they are read
//! from its script beside it (`script.rs`) when the report matches its plan, else
//! inferred as load steps from the periods' `vusers.created` (said to be inferred).
//! `--warmup` trims each phase's
//! start and `--from`/`--to` keep the periods inside them, so phase stages honour the
//! time flags the whole-run summary cannot.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{by_endpoint, count, num, outcomes_v1, outcomes_v2, summary_of, Outcomes};
use crate::ingest::stages::{sample_spacing_ms, StagePlan};
use crate::ingest::text::parse_rfc3339_ms;
use crate::ingest::IngestOptions;
use crate::model::{
    EndpointKey, EndpointStats, LatencyDistribution, PercentileSummary, Source, Stage,
};

/// One planned phase.
#[derive(Clone, Debug, PartialEq)]
struct Phase {
    name: Option<String>,
    duration_ms: i64,
    /// Arrivals per second when constant; `None` for a ramp or a pause.
    rate: Option<f64>,
    /// Arrivals planned over the phase (a ramp's at its mean rate).
    arrivals: f64,
}

/// One intermediate period: `[start, end)`, counts and the latency summary.
#[derive(Clone, Debug)]
struct Period {
    start_ms: i64,
    end_ms: i64,
    /// When its requests were counted: v2's `firstCounterAt`–`lastCounterAt` (a period
    /// is a 10 s slot of the clock, which the run's first and last only partly fill),
    /// else `[start, end]`.
    counted_ms: (i64, i64),
    requests: u64,
    failures: u64,
    latency: Option<PercentileSummary>,
    /// Virtual users created (arrivals) in the period, when the report counts them.
    created: Option<u64>,
    /// Each endpoint's outcomes and latency in the period (v2's metrics-by-endpoint).
    endpoints: Vec<(String, Outcomes, Option<PercentileSummary>)>,
}

/// The phases of the one script beside the report whose plan the report's periods
/// match (length and arrivals within 10 %, or 10 s and 2 arrivals), and the note
/// saying so; else the note saying why none is used (`None` when none lists phases).
fn from_script(path: &Path, periods: &[Period]) -> Result<(String, Vec<Phase>), Option<String>> {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Err(None);
    };
    let span_ms = last.counted_ms.1 - first.counted_ms.0;
    let created: Option<u64> = periods.iter().map(|p| p.created).sum();
    let mut tried = Vec::new();
    let mut fits = Vec::new();
    for (file, list) in super::script::beside(path) {
        let listed = phases_of(&list);
        let planned_ms: i64 = listed.iter().map(|p| p.duration_ms).sum();
        let arrivals: f64 = listed.iter().map(|p| p.arrivals).sum();
        let near = |a: f64, b: f64, abs: f64| (a - b).abs() <= abs.max(0.1 * b);
        let fit = near(span_ms as f64, planned_ms as f64, 10_000.0)
            && created.is_none_or(|n| near(n as f64, arrivals, 2.0));
        let plan = format!(
            "{} ({} phases, {:.0} s, {arrivals:.0} arrivals)",
            file.shown(),
            listed.len(),
            planned_ms as f64 / 1000.0
        );
        match fit {
            true => fits.push((plan, listed)),
            false => tried.push(plan),
        }
    }
    let counted = format!(
        "the report counts {:.0} s{}",
        span_ms as f64 / 1000.0,
        created.map_or(String::new(), |n| format!(" and {n} virtual users created"))
    );
    match (fits.len(), tried.is_empty()) {
        (1, _) => {
            let (plan, listed) = fits.remove(0);
            let note = format!(
                "Artillery's report lists no phases (Artillery 2): they are read from its script \
                 beside it, {plan}, which the report matches ({counted})"
            );
            Ok((note, listed))
        }
        (0, true) => Err(None),
        (0, false) => Err(Some(format!(
            "Artillery's report lists no phases, and the script(s) beside it plan another run \
             ({}; {counted}): their phases are not used, and the run is one stage",
            tried.join("; ")
        ))),
        _ => {
            Err(Some(format!(
            "Artillery's report lists no phases, and {} scripts beside it match its length and \
             arrivals ({}): which one ran is unknown, so the run is one stage",
            fits.len(),
            (fits.iter().map(|f| f.0.as_str())).collect::<Vec<_>>().join("; ")
        )))
        }
    }
}

/// A note when the report lists no phases (and no script says them) but its periods'
/// arrival rates (virtual users created per second, in the periods the run filled)
/// differ by half or more: the one stage mixes load levels.
fn mixed_arrivals(periods: &[Period]) -> Option<String> {
    let rates: Vec<f64> = periods
        .iter()
        .filter(|p| {
            let (a, b) = p.counted_ms;
            (b - a) as f64 >= 0.8 * (p.end_ms - p.start_ms) as f64
        })
        .filter_map(|p| Some(p.created? as f64 * 1000.0 / (p.end_ms - p.start_ms) as f64))
        .collect();
    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = rates.iter().copied().fold(0.0, f64::max);
    (rates.len() >= 2 && lo > 0.0 && hi >= 1.5 * lo).then(|| {
        format!(
            "{MIXED_LOADS} its periods show arrival rates from {lo:.1} to {hi:.1} virtual users/s (inferred from \
             vusers.created per period): the run ran several load levels and is read as one \
             stage mixing them, so no figure is one load level's; put the script (.yml) it ran \
             beside the report to get a stage per phase"
        )
    })
}

/// Load steps seen in the periods when nothing lists the phases: runs of at least two
/// consecutive periods the run filled whose arrival rates (virtual users created per
/// second) stay within 10 % of the run's first, at least two such runs; as phases (a
/// step at its measured rate, the time between steps a ramp) and the note saying they
/// are inferred.
fn inferred_steps(periods: &[Period]) -> Option<(String, Vec<Phase>)> {
    let full = |p: &Period| (p.counted_ms.1 - p.counted_ms.0) * 10 >= (p.end_ms - p.start_ms) * 8;
    let rate = |p: &Period| Some(p.created? as f64 * 1000.0 / (p.end_ms - p.start_ms) as f64);
    let mut groups: Vec<Vec<(&Period, f64)>> = Vec::new();
    let mut open = false;
    for p in periods {
        let Some(r) = rate(p).filter(|r| *r > 0.0 && full(p)) else {
            open = false;
            continue;
        };
        match groups.last_mut() {
            Some(g) if open && (r - g[0].1).abs() <= 0.1 * g[0].1 => g.push((p, r)),
            _ => {
                groups.push(vec![(p, r)]);
                open = true;
            }
        }
    }
    groups.retain(|g| g.len() >= 2);
    if groups.len() < 2 {
        return None;
    }
    let mut t = periods.first()?.counted_ms.0;
    let mut steps = Vec::new();
    let mut rates = Vec::new();
    for (k, g) in groups.iter().enumerate() {
        let (a, b) = (g[0].0.counted_ms.0, g[g.len() - 1].0.counted_ms.1);
        // Arrivals over the time they were counted in.
        let created: u64 = g.iter().filter_map(|x| x.0.created).sum();
        let r = created as f64 * 1000.0 / (b - a).max(1) as f64;
        let ramp = |d: i64| Phase {
            name: None,
            duration_ms: d,
            rate: None,
            arrivals: 0.0,
        };
        if a > t {
            steps.push(ramp(a - t));
        }
        steps.push(Phase {
            name: Some(format!("step{}_{}rps", k + 1, short(r))),
            duration_ms: b - a,
            rate: Some(r),
            arrivals: r * (b - a) as f64 / 1000.0,
        });
        rates.push(short(r));
        t = b;
    }
    let note = format!(
        "{MIXED_LOADS} no script beside it names them: {} load steps are inferred from \
         vusers.created per period (arrival rates {} virtual users/s), each a stage at its \
         measured rate, not a planned one; the periods between them (ramps) are in no stage. \
         Put the script (.yml) it ran beside the report to read its phases",
        groups.len(),
        rates.join(", ")
    );
    Some((note, steps))
}

/// How a note begins that says the report's phases are not known from it: its one
/// stage may mix phases' loads (a script beside the report that does not match it,
/// periods whose arrival rates differ), or its stages are inferred steps. The run dir
/// makes it a warning.
pub const MIXED_LOADS: &str = "Artillery's report lists no phases, and";

/// How the note on requests in report periods no phase stage holds says so (a run
/// warning, where the verdict is read).
pub const IN_NO_STAGE: &str = "are in no stage: Artillery counts requests per 10 s period";

/// Replaces the one whole-run stage of an Artillery source with its phases' stages,
/// when the plan leaves the stages to the data and the report lists phases and
/// periods that fall inside them.
pub fn apply(path: &Path, src: &mut Source, plan: &StagePlan, opts: &IngestOptions) {
    if !matches!(plan, StagePlan::Detect { .. }) {
        return;
    }
    let Some(json) = super::read_json(path).ok() else {
        return;
    };
    let periods = periods(&json);
    let mut phases = phases(&json);
    let (mut script, mut inferred) = (None, false);
    if phases.is_empty() {
        // Artillery 2 lists no phases: its script beside it does, else the periods'
        // arrivals may show the steps.
        match from_script(path, &periods) {
            Ok((file, listed)) => (phases, script) = (listed, Some(file)),
            Err(why) => {
                src.notes.extend(why);
                match inferred_steps(&periods) {
                    Some((note, steps)) => (phases, script, inferred) = (steps, Some(note), true),
                    None => src.notes.extend(mixed_arrivals(&periods)),
                }
            }
        }
    }
    src.phases_not_stages = (phases.iter())
        .filter(|p| p.rate.is_none())
        .filter_map(|p| Some((p.name.clone()?, not_a_stage(p.arrivals))))
        .collect();
    // One constant phase is the whole run, which the report's own summary covers
    // better (exactly, when it lists every latency); a period's span needs two
    // periods to be measured.
    if phases.iter().filter(|p| p.rate.is_some()).count() < 2 {
        return;
    }
    let Some(first) = periods.first().filter(|_| periods.len() >= 2) else {
        return;
    };
    let key = src
        .overall
        .endpoints
        .keys()
        .next()
        .cloned()
        .filter(|_| src.overall.endpoints.len() == 1)
        .unwrap_or_else(|| EndpointKey::new(None, crate::model::ALL_REQUESTS));
    // Phases run from the first request, not from the clock's 10 s slot it fell in.
    let mut t = first.counted_ms.0;
    let mut stages = Vec::new();
    let mut in_a_stage = vec![false; periods.len()];
    let mut unheld = Vec::new();
    for (i, phase) in phases.iter().enumerate() {
        let (a, b) = (t, t + phase.duration_ms);
        t = b;
        let Some(rate) = phase.rate else { continue };
        let inside = |p: &Period| p.counted_ms.0 >= a - 10 && p.counted_ms.1 <= b + 10;
        for (j, p) in periods.iter().enumerate() {
            in_a_stage[j] |= inside(p);
        }
        if !periods.iter().any(inside) {
            let name = (phase.name.clone()).unwrap_or_else(|| format!("phase {}", i + 1));
            let why = "no report period lies inside it (Artillery counts per 10 s period)";
            src.phases_not_stages.push((name.clone(), why.into()));
            unheld.push(name);
        }
        // `--warmup` trims the phase's start, `--from`/`--to` keep the periods inside.
        let kept = |p: &Period| {
            let (start, end) = p.counted_ms;
            start >= a + opts.warmup_ms - 10
                && opts.from_ms.is_none_or(|f| start >= f)
                && opts.to_ms.is_none_or(|t| end <= t)
        };
        let held: Vec<&Period> = periods
            .iter()
            .filter(|p| p.counted_ms.0 >= a - 10 && p.counted_ms.1 <= b + 10 && kept(p))
            .collect();
        if held.is_empty() {
            continue;
        }
        let name = phase
            .name
            .clone()
            .unwrap_or_else(|| format!("phase{}_{}rps", i + 1, short(rate)));
        let (rate, per_arrival) = requests_per_arrival(&name, rate, &periods);
        src.notes.extend(per_arrival);
        stages.push(stage_of(&name, rate, (&key, opts), &held));
    }
    if stages.is_empty() {
        return;
    }
    src.notes.extend(script);
    src.notes
        .extend(outside_stages(&periods, &in_a_stage, &unheld));
    if inferred {
        for stage in &mut stages {
            stage.window_basis = "load step inferred from Artillery's periods (vusers.created \
                                  per period holding within 10 %)"
                .into();
        }
    }
    src.notes.extend((!inferred).then(|| {
        format!(
            "{} of Artillery's {} phases have a constant arrival rate: each that holds a whole \
         report period is a stage (open model, its arrival rate beside it), holding the \
         intermediate periods inside it ({} stage(s)); their latency percentiles are merged \
         from the periods' summaries (approximate)",
            phases.iter().filter(|p| p.rate.is_some()).count(),
            phases.len(),
            stages.len()
        )
    }));
    // The phases honour the time flags: what the whole-run stage said of them is moot.
    if let Some(why) = src.stages.iter().find_map(|s| s.untrimmed.as_ref()) {
        src.notes.retain(|n| n != why);
    }
    src.stages = stages;
}

/// Why a ramp (`arrivals` planned) or a pause (none) is no stage.
fn not_a_stage(arrivals: f64) -> String {
    let what = if arrivals > 0.0 {
        "a ramp (its load changes)"
    } else {
        "a pause"
    };
    format!("it is {what}")
}

/// What the report says of the requests in report periods no constant phase holds
/// wholly (a period spanning two phases, or in a ramp or pause), and of the constant
/// phases no period lies inside (shorter than Artillery's 10 s periods): they are in
/// the overall figures only. `None` when every period is a stage's.
fn outside_stages(periods: &[Period], in_a_stage: &[bool], unheld: &[String]) -> Option<String> {
    let total: u64 = periods.iter().map(|p| p.requests).sum();
    let outside: Vec<&Period> = (periods.iter().zip(in_a_stage))
        .filter(|(_, held)| !**held)
        .map(|(p, _)| p)
        .collect();
    let requests: u64 = outside.iter().map(|p| p.requests).sum();
    if outside.is_empty() {
        return None;
    }
    let phases = match unheld {
        [] => String::new(),
        names => format!(
            "; no period lies inside phase(s) {} (shorter than a period, or cut by one), so \
             they are no stage",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(format!(
        "{requests} of the report's {total} requests ({} of its {} periods) {IN_NO_STAGE}, \
         and a period that spans two phases (or lies in a ramp or pause) is no one phase's \
         load; they count in the overall figures only{phases}",
        outside.len(),
        periods.len()
    ))
}

/// A phase's planned rate in requests/s and a note when it differs from its arrival
/// rate: Artillery's `arrivalRate` counts virtual users, each running the scenario's
/// flow, so a flow of two requests at 100 arrivals/s plans 200 req/s. Requests per
/// arrival are the whole run's (`http.requests` ÷ `vusers.created` over every period:
/// a phase's own periods would make the plan whatever the phase achieved); without a
/// count, or within 5 % of one request each, the rate is the phase's.
fn requests_per_arrival(name: &str, rate: f64, periods: &[Period]) -> (f64, Option<String>) {
    // A period creating no one may leave the count out.
    let created: u64 = periods.iter().filter_map(|p| p.created).sum();
    let requests: u64 = periods.iter().map(|p| p.requests).sum();
    if created == 0 {
        return (rate, None);
    }
    let each = requests as f64 / created as f64;
    if each < 1.05 {
        return (rate, None);
    }
    let note = format!(
        "phase `{name}`: {} virtual users/s, each running the scenario's flow of {each:.2} \
         requests (the run's {requests} requests ÷ {created} vusers.created): its planned \
         rate is {} req/s",
        short(rate),
        short(rate * each)
    );
    (rate * each, Some(note))
}

/// A stage from the periods inside one phase.
fn stage_of(
    name: &str,
    rate: f64,
    (key, opts): (&EndpointKey, &IngestOptions),
    held: &[&Period],
) -> Stage {
    let mut stage = Stage::named(name);
    stage.arrival_rate_rps = Some(rate);
    stage.window_basis = "Artillery phase (the intermediate periods inside it)".into();
    let start = held.iter().map(|p| p.counted_ms.0).min().unwrap_or(0);
    let end = held.iter().map(|p| p.counted_ms.1).max().unwrap_or(start);
    stage.window_ms = Some((start, end));
    let mut ep = EndpointStats::new(key.clone());
    ep.ok_latency = None;
    let mut latency = PercentileSummary::default();
    stage.timeline.width_ms = (held[0].end_ms - held[0].start_ms).max(1);
    for p in held {
        ep.requests += p.requests;
        ep.failures += p.failures.min(p.requests);
        if let Some(s) = &p.latency {
            latency.merge(s);
        }
        let iv = stage.timeline.at(p.start_ms);
        iv.requests += p.requests;
        iv.failures += p.failures.min(p.requests);
        if let Some(s) = &p.latency {
            let at = |q: f64| {
                s.points
                    .iter()
                    .find(|x| (x.0 - q).abs() < 1e-9)
                    .map(|x| x.1)
            };
            iv.reported_p50_ms = at(50.0);
            iv.reported_p95_ms = at(95.0);
            iv.max_ms = s.max_ms;
        }
    }
    // Merged even from one period: a summary of summaries is approximate.
    latency.merged = true;
    ep.latency = LatencyDistribution::Summary(latency);
    let (endpoints, filtered) = phase_endpoints(held, opts);
    if endpoints.is_empty() && !filtered {
        stage.endpoints.insert(key.clone(), ep);
        return stage;
    }
    // The whole phase's figures stand for every endpoint: a filter that drops one
    // makes them stale.
    if !filtered {
        stage.aggregate = Some(ep);
    }
    stage.endpoints = endpoints;
    stage
}

/// A phase's endpoints from its periods' metrics-by-endpoint counts (each endpoint's
/// requests, failures by kind and merged latency summary), those `opts` keeps, and
/// whether its filters left one out. Without them (no metrics-by-endpoint) none: the
/// phase is one endpoint. Before, a phase stage held only the whole phase's figures,
/// so an `[endpoint."GET /x"]` rule had no data on it and lacked the data on every
/// stage, however badly the endpoint failed there: no NO-GO, and exit 0.
fn phase_endpoints(
    held: &[&Period],
    opts: &IngestOptions,
) -> (BTreeMap<EndpointKey, EndpointStats>, bool) {
    let mut out: BTreeMap<EndpointKey, EndpointStats> = BTreeMap::new();
    let mut summaries: BTreeMap<EndpointKey, PercentileSummary> = BTreeMap::new();
    let mut filtered = false;
    for (name, o, latency) in held.iter().flat_map(|p| &p.endpoints) {
        let key = EndpointKey::new(None, name);
        if !opts.keeps(&key) {
            filtered = true;
            continue;
        }
        let ep = out.entry(key.clone()).or_insert_with(|| {
            let mut ep = EndpointStats::new(key.clone());
            ep.ok_latency = None;
            ep
        });
        ep.requests = ep.requests.saturating_add(o.requests());
        for (kind, n, message) in &o.failures {
            ep.add_failure(*kind, Some(message.as_str()).filter(|m| !m.is_empty()), *n);
        }
        ep.failures = (ep.failures.saturating_add(o.failed())).min(ep.requests);
        if let Some(s) = latency {
            summaries.entry(key).or_default().merge(s);
        }
    }
    for (key, ep) in &mut out {
        let mut latency = summaries.remove(key).unwrap_or_default();
        latency.merged = true;
        ep.latency = LatencyDistribution::Summary(latency);
    }
    (out, filtered)
}

/// The report's phases (top-level `phases`, or `config.phases`).
fn phases(json: &Value) -> Vec<Phase> {
    let list = json
        .get("phases")
        .or_else(|| json.get("config").and_then(|c| c.get("phases")))
        .and_then(Value::as_array);
    phases_of(list.map_or(&[], Vec::as_slice))
}

/// Phases from a list of Artillery phase objects.
fn phases_of(list: &[Value]) -> Vec<Phase> {
    let number = |o: &Map<String, Value>, k: &str| {
        o.get(k)
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    list.iter()
        .filter_map(Value::as_object)
        .filter_map(|o| {
            let mut arrivals = 0.0;
            let (duration, rate) = match number(o, "pause") {
                Some(pause) => (pause, None),
                None => {
                    let duration = number(o, "duration")?;
                    arrivals = match (number(o, "arrivalRate"), number(o, "rampTo")) {
                        (Some(r), to) => (r + to.unwrap_or(r)) / 2.0 * duration,
                        (None, _) => number(o, "arrivalCount").unwrap_or(0.0),
                    };
                    let rate = match (number(o, "arrivalRate"), number(o, "rampTo")) {
                        (Some(r), None) => Some(r),
                        (Some(r), Some(to)) if (r - to).abs() < 1e-9 => Some(r),
                        (None, None) => number(o, "arrivalCount")
                            .filter(|_| duration > 0.0)
                            .map(|n| n / duration),
                        _ => None,
                    };
                    (duration, rate.filter(|r| *r > 0.0))
                }
            };
            Some(Phase {
                name: o.get("name").and_then(Value::as_str).map(str::to_string),
                duration_ms: (duration * 1000.0).round() as i64,
                rate,
                arrivals,
            })
        })
        .collect()
}

/// The intermediate periods, in time order, each spanning the measured spacing.
fn periods(json: &Value) -> Vec<Period> {
    let list: &[Value] = json
        .get("intermediate")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let v2 = json
        .get("aggregate")
        .is_some_and(|a| a.get("counters").is_some() && a.get("latency").is_none());
    type Row = (
        i64,
        u64,
        u64,
        Option<PercentileSummary>,
        Option<(i64, i64)>,
        Option<u64>,
        Vec<(String, Outcomes, Option<PercentileSummary>)>,
    );
    let mut rows: Vec<Row> = Vec::new();
    for p in list.iter().filter_map(Value::as_object) {
        let row = if v2 {
            let t = p
                .get("period")
                .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
                .or_else(|| num(p, "firstMetricAt"));
            let Some(counters) = p.get("counters").and_then(Value::as_object) else {
                continue;
            };
            let o = outcomes_v2(counters, "");
            let rt = p
                .get("summaries")
                .or_else(|| p.get("histograms"))
                .and_then(|s| s.get("http.response_time"))
                .and_then(Value::as_object);
            let counted = num(p, "firstCounterAt")
                .zip(num(p, "lastCounterAt"))
                .map(|(a, b)| (a as i64, b as i64))
                .filter(|(a, b)| a < b);
            let created = counters.get("vusers.created").and_then(count);
            let summaries = p
                .get("summaries")
                .or_else(|| p.get("histograms"))
                .and_then(Value::as_object);
            let endpoints = by_endpoint(counters, summaries);
            t.map(|t| {
                let s = rt.map(|r| summary_of(r, o.answered));
                (
                    t as i64,
                    o.requests(),
                    o.failed(),
                    s,
                    counted,
                    created,
                    endpoints,
                )
            })
        } else {
            let t = p
                .get("timestamp")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339_ms);
            let o = outcomes_v1(p);
            let answered = p
                .get("requestsCompleted")
                .and_then(count)
                .unwrap_or(o.answered);
            let s = p
                .get("latency")
                .and_then(Value::as_object)
                .map(|l| summary_of(l, answered));
            let created = p.get("scenariosCreated").and_then(count);
            let requests = answered.saturating_add(o.transport);
            t.map(|t| (t, requests, o.failed(), s, None, created, Vec::new()))
        };
        rows.extend(row);
    }
    rows.sort_by_key(|r| r.0);
    let width = sample_spacing_ms(rows.iter().map(|r| r.0));
    rows.into_iter()
        .map(
            |(t, requests, failures, latency, counted, created, endpoints)| {
                // v1 stamps a period when it ends; v2 names it by its start.
                let start_ms = if v2 { t } else { t - width };
                Period {
                    start_ms,
                    end_ms: start_ms + width,
                    counted_ms: counted.unwrap_or((start_ms, start_ms + width)),
                    requests,
                    failures,
                    latency: latency.filter(|s| s.count > 0),
                    created,
                    endpoints,
                }
            },
        )
        .collect()
}

fn short(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
