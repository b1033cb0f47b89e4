//! The readiness table: one status per area, with the measured evidence.

use super::report::{Analysis, Readiness};

/// Readiness of throughput, latency, errors/availability, capacity and data quality.
/// Without SLA results the first three are described but not judged.
pub fn assess(a: &Analysis, sla: Option<&[crate::analysis::report::RuleView]>) -> Vec<Readiness> {
    let busiest = a.stages.iter().max_by(|x, y| {
        x.figures
            .throughput_rps
            .unwrap_or(0.0)
            .total_cmp(&y.figures.throughput_rps.unwrap_or(0.0))
    });
    let judged = |family: &[&str]| -> Option<(String, String)> {
        let rules: Vec<_> = sla?
            .iter()
            .filter(|r| r.decides_verdict && family.iter().any(|f| r.metric.starts_with(f)))
            .collect();
        if rules.is_empty() {
            return None;
        }
        let fails: Vec<_> = rules.iter().filter(|r| r.status == "fail").collect();
        let unproven = rules
            .iter()
            .filter(|r| r.status == "not_proven" || r.status == "insufficient_data")
            .count();
        let status = if !fails.is_empty() {
            "NOT READY"
        } else if unproven > 0 {
            "AT RISK"
        } else {
            "READY"
        };
        let evidence = if fails.is_empty() {
            format!(
                "{} of {} rules pass on the verdict stages",
                rules.len() - unproven,
                rules.len()
            )
        } else {
            fails
                .iter()
                .map(|r| format!("`{}` on {}: {}", r.rule, r.stage, r.value_text))
                .collect::<Vec<_>>()
                .join("; ")
        };
        Some((status.to_string(), evidence))
    };
    let described = |text: String| ("NOT ASSESSED".to_string(), format!("{text} (no SLA given)"));

    let throughput = judged(&["throughput", "goodput", "requests"]).unwrap_or_else(|| {
        described(match busiest {
            Some(s) => format!(
                "highest stage throughput {} req/s (`{}`)",
                fmt(s.figures.throughput_rps, 1),
                s.name
            ),
            None => "no stages".into(),
        })
    });
    let latency = judged(&["p(", "mean", "min", "max", "avg"]).unwrap_or_else(|| {
        described(format!(
            "overall p95 {} ms",
            fmt(a.overall.latency_ms.p95, 0)
        ))
    });
    let errors = judged(&["error_rate", "availability"]).unwrap_or_else(|| {
        described(format!(
            "overall error rate {}",
            a.overall
                .error_rate
                .map(|e| format!("{:.3}%", e * 100.0))
                .unwrap_or("unknown".into())
        ))
    });
    let capacity = (
        "NOT ASSESSED".to_string(),
        "capacity model (USL fit, breaking points) not computed by this version".to_string(),
    );
    let mut issues = Vec::new();
    if !a.measured {
        issues.push("the data is marked SIMULATED".to_string());
    }
    if a.run.complete == Some(false) {
        issues.push(format!(
            "the run is incomplete ({})",
            a.run
                .incomplete_reason
                .as_deref()
                .unwrap_or("no reason given")
        ));
    }
    if !a.problems.is_empty() {
        issues.push(format!("{} input problem(s)", a.problems.len()));
    }
    if a.sources.len() > 1 {
        issues.push(format!("{} sources reported side by side", a.sources.len()));
    }
    let quality = if issues.is_empty() {
        (
            "READY".to_string(),
            format!("{} input file(s), all read, measured data", a.inputs.len()),
        )
    } else {
        let hard = !a.measured || a.run.complete == Some(false) || !a.problems.is_empty();
        (
            if hard { "NOT READY" } else { "AT RISK" }.to_string(),
            issues.join("; "),
        )
    };
    [
        ("Throughput", throughput),
        ("Latency", latency),
        ("Errors / availability", errors),
        ("Capacity / scalability", capacity),
        ("Data quality", quality),
    ]
    .into_iter()
    .map(|(area, (status, evidence))| Readiness {
        area: area.into(),
        status,
        evidence,
    })
    .collect()
}

fn fmt(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "unknown".into())
}
