//! The short summary `analyze` prints: verdict, one line per stage, where the report is.
//! Every text from the inputs (endpoint and stage names, the sentences that quote them)
//! goes through [`printable`] on its way to a terminal (`model::untrusted` owns it, so
//! ingest's progress line and cli's errors use the same).

use std::fmt::Write;

pub use crate::model::untrusted::{printable, unsafe_char};

use crate::analysis::quantity::{format_ms, format_percent as format_pct, format_rate};
use crate::analysis::Analysis;

/// Characters of the per-stage throughput sparkline.
const TREND_WIDTH: usize = 15;

/// A stage's percentile cell: `≈ 450 ms` when estimated from merged summaries, `≥ 203
/// µs` when the tool's figure leaves out timed-out requests (wrk's: over all of them it
/// is a lower bound; the caller passes `latency_at_least_ms`'s, the SLA's bound), `≳
/// 450 ms` for both (an estimate of a lower bound), `—` without one.
fn percentile_cell(f: &crate::analysis::report::ScopeReport, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) => format!(
            "{}{}",
            f.latency_percentiles_are.map_or("", |r| r.mark()),
            format_ms(v)
        ),
    }
}

/// The terminal summary as text (colour is added by the caller when on a terminal).
pub fn summary(a: &Analysis) -> String {
    let mut out = String::new();
    let label = printable(a.run.label.as_deref().unwrap_or("run"));
    let _ = writeln!(
        out,
        "headroom: {label} — {} stage(s), {} requests",
        a.stages.len(),
        a.overall.requests
    );
    if !a.measured {
        let _ = writeln!(out, "  ⚠ SIMULATED data");
    }
    if let Some(why) = &a.data_quality_reason {
        let why = printable(why);
        let _ = writeln!(out, "  ⚠ data_quality {}: {why}", a.data_quality.as_str());
    }
    let _ = writeln!(
        out,
        "  {:<16} {:>7} {:>10} {:>11} {:>10} {:>10} {:>9}  req/s over time",
        "stage", "users", "requests", "req/s", "p50", "p95", "errors"
    );
    for s in &a.stages {
        let f = &s.figures;
        let ms = |v: Option<f64>| percentile_cell(f, v);
        // With timeouts left out, the bound over all the requests the SLA judges on.
        let at_least = f.latency_at_least_ms.as_ref();
        let line = format!(
            "  {:<16} {:>7} {:>10} {:>11} {:>10} {:>10} {:>9}  {}",
            truncate(&printable(&s.name), 16),
            // An open-model stage shows its arrival rate, as the report's table does.
            match (s.users, s.arrival_rate_rps) {
                (Some(u), _) => u.to_string(),
                (None, Some(r)) => format!("{r:.0}/s"),
                (None, None) => "—".into(),
            },
            f.requests,
            f.throughput_rps
                .map(|x| format!("{x:.1}"))
                .unwrap_or_else(|| "—".into()),
            ms(at_least.map_or(f.latency_ms.p50, |b| b.p50)),
            ms(at_least.map_or(f.latency_ms.p95, |b| b.p95)),
            f.error_rate.map(format_pct).unwrap_or_else(|| "—".into()),
            super::sparkline::rate_sparkline(&s.timeseries, TREND_WIDTH),
        );
        // No sparkline without a time series: no trailing blanks either.
        let _ = writeln!(out, "{}", line.trim_end());
    }
    match &a.sla {
        Some(sla) => {
            let _ = writeln!(out, "  verdict: {}", printable(&sla.headline));
        }
        None => {
            let _ = writeln!(out, "  verdict: none (no --sla given)");
        }
    }
    if let Some(b) = &a.baseline {
        // `--baseline`: compare's verdict against that release, as report.md's section.
        let _ = writeln!(
            out,
            "  vs release {}: {}",
            printable(&b.label),
            printable(&b.verdict_line)
        );
    }
    if let Some(note) = &a.capacity.load_note {
        let _ = writeln!(out, "  capacity: {}", printable(note));
    }
    if let Some(r) = &a.capacity.audit_rejects {
        let _ = writeln!(out, "  capacity: ⚠ {}", printable(&r.statement));
    }
    if let Some(h) = &a.capacity.sla_headroom {
        let _ = writeln!(out, "  capacity: {}", printable(&h.statement));
    }
    if let Some(sat) = a.capacity.saturation.as_ref().filter(|s| s.reached) {
        if let (Some(x), Some(n)) = (sat.throughput_rps, sat.users) {
            let _ = writeln!(
                out,
                "  saturation: goodput levels off at ≈ {} near {n:.0} users (estimate)",
                format_rate(x)
            );
        }
    }
    let flagged = a
        .audit
        .iter()
        .filter(|f| f.verdict != crate::analysis::audit::AuditVerdict::Ok)
        .count();
    if flagged > 0 {
        let _ = writeln!(
            out,
            "  audit: {flagged} finding(s) — see the report's consistency audit"
        );
    }
    if let Some(first) = a.narrative.recommendations.first() {
        let more = a.narrative.recommendations.len() - 1;
        let _ = writeln!(
            out,
            "  first to do: {:?} — {}{}",
            first.priority,
            printable(&first.action),
            match more {
                0 => String::new(),
                n => format!(" ({n} more in the report's recommendations)"),
            }
        );
    }
    // The inputs' and the SLA's own warnings are printed once as they are read
    // (`warning: …`), not again here.
    for w in a.warnings.iter().filter(|w| !w.said_as_read()) {
        let _ = writeln!(out, "  note: {}", printable(&w.to_string()));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
