//! The consistency audit's `response_time_law` check (`audit.rs` lists them all): a
//! closed stage with N users, mean response time R and mean think time Z can make
//! X = N/(R + Z) requests per second; more than 15 % off is suspect, more than N/Z
//! impossible, and without Z only the bound N/R is checked. The mean is read as the
//! tool printed it: within half its rounding step (ab's whole ms), and, when the tool
//! raised it with a coordinated-omission correction (wrk), as no bound from above.

use crate::analysis::audit::{is_open, AuditFinding, AuditVerdict, TOLERANCE};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::{format_count, format_ms, format_percent, format_rate};
use crate::model::{FailureKind, LatencyDistribution, Stage, ThinkTime};

/// The check's name.
const CHECK: &str = "response_time_law";

/// The law's finding on a stage whose mean the tool corrected for coordinated
/// omission and whose throughput is above what that mean allows: not checkable, since
/// the measured mean is lower (only too little throughput would contradict it).
fn corrected_mean(name: Option<&str>, users: &str, r_ms: f64, x: f64) -> AuditFinding {
    AuditFinding::new(
        CHECK,
        name,
        AuditVerdict::Ok,
        format!(
            "not checked from above: {users} users with the tool's mean response time {} \
             (raised by its coordinated-omission correction, so above the measured mean) \
             bound no throughput, and the stage's {} may be within what the measured one \
             allows",
            format_ms(r_ms),
            format_rate(x)
        ),
    )
}

/// A stage's mean response time as the law reads it. A tool that prints it rounded
/// (ab's whole ms) measured a mean within half its step of the figure, so the law is
/// broken only beyond that range; a mean the tool raised with its coordinated-omission
/// correction (wrk) bounds no throughput from above.
struct Mean {
    ms: f64,
    /// The step it is printed to (0: exact).
    step_ms: f64,
    low_ms: f64,
    high_ms: f64,
    corrected: bool,
}

impl Mean {
    fn of(m: &ScopeMetrics, tool: &str) -> Option<Mean> {
        let ms = m.latency.mean_ms()?;
        let summary = match &m.latency {
            LatencyDistribution::Summary(s) => Some(s),
            LatencyDistribution::Exact(_) => None,
        };
        let step_ms = match summary {
            Some(_) => crate::analysis::rounding::mean_step_ms(Some(tool), ms),
            None => 0.0,
        };
        let half = step_ms / 2.0;
        Some(Mean {
            ms,
            step_ms,
            low_ms: (ms - half).max(0.0),
            high_ms: ms + half,
            corrected: summary.is_some_and(|s| s.co_corrected),
        })
    }

    /// `2 ms`, or `2 ms (printed to 1 ms: 1.5 ms or more)` for a rounded one.
    fn shown(&self) -> String {
        if self.step_ms > 0.0 {
            format!(
                "{} (printed to {}: {} or more)",
                format_ms(self.ms),
                format_ms(self.step_ms),
                format_ms(self.low_ms)
            )
        } else {
            format_ms(self.ms)
        }
    }
}

/// The law's finding when think time is unknown: only the Z = 0 bound N/R is checked.
fn without_think_time(
    stage: &Stage,
    m: &ScopeMetrics,
    x: f64,
    r: &Mean,
    tool: &str,
) -> Option<AuditFinding> {
    let n = f64::from(stage.users.filter(|u| *u > 0)?);
    let (name, users) = (Some(stage.name.as_str()), format_count(n));
    if r.low_ms <= 0.0 {
        return None;
    }
    // Requests the tool did not time (siege's socket failures) held their users
    // for an unknown time, maybe none: the bound holds for the timed ones only.
    let timed = m.latency.count();
    let x = if timed > 0 && timed < m.requests {
        x * timed as f64 / m.requests as f64
    } else {
        x
    };
    let bound = n / (r.low_ms / 1000.0);
    let over = x > bound * (1.0 + TOLERANCE);
    if over && r.corrected {
        return Some(corrected_mean(name, &users, r.ms, x));
    }
    let explanation = if over {
        format!(
            "{users} users with mean response time {} can make at most N/R = {} even with no \
             think time; the stage has {}: impossible for users that wait for each answer \
             ({})",
            r.shown(),
            format_rate(bound),
            format_rate(x),
            several_in_flight(tool, n, x, r.ms)
        )
    } else if x > bound {
        // Above the bound by less than the tolerance: said so, not "within it".
        format!(
            "think time unknown (give --think-time, or think_time in run.toml): only the \
             bound X ≤ N/R = {} was checked; {} is above it by {}, within the audit's {} \
             tolerance",
            format_rate(bound),
            format_rate(x),
            format_percent(x / bound - 1.0),
            format_percent(TOLERANCE)
        )
    } else {
        format!(
            "think time unknown (give --think-time, or think_time in run.toml): only the \
             bound X ≤ N/R = {} was checked, and {} is within it",
            format_rate(bound),
            format_rate(x)
        )
    };
    let verdict = if over {
        AuditVerdict::Impossible
    } else {
        AuditVerdict::Ok
    };
    Some(AuditFinding::new(CHECK, name, verdict, explanation).values(bound, x))
}

/// Why a closed stage makes more than N/R: for h2load, whose `-m N` keeps up to N
/// requests in flight on each of its `-c` clients (HTTP/2 streams, or pipelined with
/// `--h1`) and whose console prints the clients only, the `-m` it likely ran with
/// (about X·R / N or more: a client never has more than -m in flight); else the usual
/// causes.
fn several_in_flight(tool: &str, n: f64, x: f64, r_ms: f64) -> String {
    if tool != "h2load" {
        return "mislabelled users, or simulated data".to_string();
    }
    let in_flight = x * r_ms / 1000.0;
    format!(
        "h2load's users are its -c clients, and its console does not print -m: with -m N each \
         client keeps up to N requests in flight (HTTP/2 streams, or pipelined with --h1), so \
         the concurrency is -c × -m; X·R ≈ {in_flight:.1} requests were in flight, ≈ {:.1} per \
         client, so its -m was about {:.0} or more. Give the concurrency -c × -m as the \
         stage's users (dir name or run.toml) to have the stage judged at its real load",
        in_flight / n,
        (in_flight / n).round().max(2.0)
    )
}

/// N = X·(R + Z) for a closed stage.
pub(crate) fn response_time_law(
    stage: &Stage,
    m: &ScopeMetrics,
    think: Option<ThinkTime>,
    tool: &str,
) -> Option<AuditFinding> {
    if is_open(stage) {
        return None;
    }
    let n = f64::from(stage.users.filter(|u| *u > 0)?);
    let x = m.throughput_rps()?;
    let mean = Mean::of(m, tool)?;
    let (r_ms, r) = (mean.ms, mean.ms / 1000.0);
    let name = Some(stage.name.as_str());
    let users = format_count(n);
    let Some(tt) = think else {
        return without_think_time(stage, m, x, &mean, tool);
    };
    let z = tt.mean_s();
    let expected = n / (r + z);
    if !expected.is_finite() || expected <= 0.0 {
        return None;
    }
    // Off the law only beyond what any mean within the printed one's rounding makes.
    let (most, least) = (
        n / (mean.low_ms / 1000.0 + z),
        n / (mean.high_ms / 1000.0 + z),
    );
    let deviation = match x {
        x if x > most => (x - most) / most,
        x if x < least => (x - least) / least,
        _ => 0.0,
    };
    let law = format!(
        "{users} users with think time {tt} (mean Z = {}) and mean response time R = {} make \
         N/(R+Z) ≈ {}",
        format_ms(z * 1000.0),
        mean.shown(),
        format_rate(expected)
    );
    let ceiling = (z > 0.0).then(|| n / z);
    let (verdict, explanation) = if ceiling.is_some_and(|c| x > c * (1.0 + TOLERANCE)) {
        let c = ceiling.unwrap_or(f64::INFINITY);
        (
            AuditVerdict::Impossible,
            format!(
                "{law}, and never more than N/Z = {} even at zero response time; the stage \
                 has {} ({:.1}× the law): impossible for one request per think time — the data \
                 is simulated or its users or think time are misstated",
                format_rate(c),
                format_rate(x),
                x / expected
            ),
        )
    } else if deviation > TOLERANCE && mean.corrected {
        return Some(corrected_mean(name, &users, r_ms, x));
    } else if deviation.abs() <= TOLERANCE {
        (
            AuditVerdict::Ok,
            format!(
                "{law}; measured {} ({:+.0}%)",
                format_rate(x),
                deviation * 100.0
            ),
        )
    } else if deviation > 0.0 {
        (
            AuditVerdict::Suspect,
            format!(
                "{law}; measured {} ({:+.0}%): more than the users can make — think time \
                 shorter than stated, more users than stated, or several requests per user \
                 iteration",
                format_rate(x),
                deviation * 100.0
            ),
        )
    } else {
        (
            AuditVerdict::Suspect,
            format!(
                "{law}; measured {} ({:+.0}%): {}",
                format_rate(x),
                deviation * 100.0,
                low_throughput_cause(stage, m, n)
            ),
        )
    };
    Some(AuditFinding::new(CHECK, name, verdict, explanation).values(expected, x))
}

/// Why a closed stage made less throughput than the law says: the likeliest cause.
fn low_throughput_cause(stage: &Stage, m: &ScopeMetrics, n: f64) -> String {
    let samples: Vec<f64> = stage
        .timeline
        .intervals
        .iter()
        .filter_map(|iv| iv.users)
        .collect();
    if !samples.is_empty() {
        let mean_users = samples.iter().sum::<f64>() / samples.len() as f64;
        if mean_users < 0.9 * n {
            return format!(
                "ramp unfinished — on average only {} of {} users were active",
                format_count(mean_users),
                format_count(n)
            );
        }
    }
    let blocked: u64 = m
        .failures_by_kind
        .iter()
        .filter(|(k, _)| {
            matches!(
                k,
                FailureKind::Timeout | FailureKind::Connect | FailureKind::Reset
            )
        })
        .map(|(_, v)| v)
        .sum();
    if m.requests > 0 && blocked as f64 / m.requests as f64 > 0.01 {
        return format!(
            "users blocked — {} of the requests ({}) timed out or could not connect, time the \
             mean response time may not include",
            format_percent(blocked as f64 / m.requests as f64),
            format_count(blocked as f64)
        );
    }
    "generator saturated (the load tool could not keep every user cycling: check its CPU), or \
     users blocked on something the response time does not include (connection-pool waits)"
        .into()
}
