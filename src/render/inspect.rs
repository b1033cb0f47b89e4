//! `inspect`'s text: a few lines per file.

use crate::analysis::quantity::format_ms;
use crate::model::inspection::FileReport;
use crate::render::terminal::printable;

/// The human form of one report (text from the file escaped for a terminal).
pub fn text(r: &FileReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let format = r.format.as_deref().unwrap_or("unrecognised");
    let _ = write!(
        out,
        "{}: {format}",
        printable(&r.path.display().to_string())
    );
    if let Some(v) = &r.version {
        let _ = write!(out, " — {}", printable(v));
    }
    out.push('\n');
    if let Some(n) = r.requests {
        let failures = r.failures.unwrap_or(0);
        let kinds: Vec<String> = r
            .failures_by_kind
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = write!(out, "  requests   {n}, {failures} failed");
        if !kinds.is_empty() {
            let _ = write!(out, " ({})", kinds.join(", "));
        }
        out.push('\n');
    }
    if let Some(t) = r.transactions.filter(|t| *t > 0) {
        let _ = writeln!(out, "  transactions {t} (not counted as requests)");
    }
    if r.endpoints == Some(0) {
        // A file of totals only (a Locust history without per-endpoint rows).
        let _ = writeln!(out, "  endpoints  none (totals only; see the notes)");
    } else if let Some(n) = r.endpoints {
        let more = if n > r.endpoint_names.len() {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  endpoints  {n}: {}{more}",
            printable(&r.endpoint_names.join(", "))
        );
    }
    match (&r.start, &r.end) {
        (Some(a), Some(b)) => {
            let d = r
                .duration_s
                .map(|d| format!(" ({d:.1} s)"))
                .unwrap_or_default();
            let _ = writeln!(out, "  time span  {a} → {b}{d}");
        }
        _ if r.requests.is_some() => {
            let d = r
                .duration_s
                .map(|d| format!("none in the file; the tool says {d:.1} s"))
                .unwrap_or_else(|| "unknown (no times in the file)".into());
            let _ = writeln!(out, "  time span  {d}");
        }
        _ => {}
    }
    if let Some(u) = r.users_max {
        let _ = writeln!(out, "  users      max {u}");
    }
    if let (Some(exact), Some(l)) = (r.latency_exact, &r.latency_ms) {
        let ms = |v: Option<f64>| v.map(format_ms).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            out,
            "  latency    {}: p50 {}, p95 {}, p99 {}, max {}",
            if exact {
                "exact (every request)"
            } else {
                "tool summary"
            },
            ms(l.p50),
            ms(l.p95),
            ms(l.p99),
            ms(l.max)
        );
    }
    for n in &r.notes {
        let _ = writeln!(out, "  note: {}", printable(n));
    }
    for p in &r.problems {
        let _ = writeln!(out, "  problem: {}", printable(&p.to_string()));
    }
    out
}
