//! How measured values are written in reports: one place decides how a latency, a
//! rate, a ratio or a count looks, so that every table, note and chart label agrees
//! (`450 ms`, `1.2 s`, `1,000 req/s`, `0.02%`, `99.98%`, `600,000`).
//!
//! Values come in the model's units: latency in ms, rates in req/s, ratios as
//! fractions (0.001 = 0.1 %), counts as plain numbers.

/// What kind of quantity a value is, which fixes its unit and how it is written.
/// Serialised as its unit ([`UnitKind::unit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UnitKind {
    /// A latency in milliseconds.
    #[serde(rename = "ms")]
    LatencyMs,
    /// A rate in requests per second.
    #[serde(rename = "req/s")]
    Rate,
    /// A ratio as a fraction (0.001 = 0.1 %).
    #[serde(rename = "ratio")]
    Ratio,
    /// A count of requests.
    #[serde(rename = "count")]
    Count,
    /// A dimensionless score between 0 and 1 (Apdex).
    #[serde(rename = "score")]
    Score,
}

impl UnitKind {
    /// The unit of the numbers as they are stored and serialised: `ms`, `req/s`,
    /// `ratio` (a fraction) or `count`.
    pub fn unit(self) -> &'static str {
        match self {
            UnitKind::LatencyMs => "ms",
            UnitKind::Rate => "req/s",
            UnitKind::Ratio => "ratio",
            UnitKind::Count => "count",
            UnitKind::Score => "score",
        }
    }

    /// The kind of an SLA metric given by its canonical name (`p(95)`, `mean`,
    /// `throughput`, `error_rate`, …); `None` for names headroom does not know.
    pub fn of_metric(metric: &str) -> Option<UnitKind> {
        match metric {
            "throughput" | "goodput" => Some(UnitKind::Rate),
            "error_rate" | "availability" => Some(UnitKind::Ratio),
            "requests" => Some(UnitKind::Count),
            "mean" | "avg" | "min" | "max" => Some(UnitKind::LatencyMs),
            m if m.starts_with("p(") && m.ends_with(')') => Some(UnitKind::LatencyMs),
            m if m.starts_with("rc(") => Some(UnitKind::Ratio),
            m if m.starts_with("apdex") => Some(UnitKind::Score),
            _ => None,
        }
    }
}

/// Writes `value` of the SLA metric `metric` (canonical name, as in
/// `RuleEvaluation::metric`) the way the report shows it. A metric headroom does not
/// know is written as a plain number with three significant digits.
pub fn format_value(metric: &str, value: f64) -> String {
    match UnitKind::of_metric(metric) {
        Some(kind) => format_quantity(kind, value),
        None => significant(value, 3),
    }
}

/// Writes a value of a known kind: see the module documentation for examples.
pub fn format_quantity(kind: UnitKind, value: f64) -> String {
    match kind {
        UnitKind::LatencyMs => format_ms(value),
        UnitKind::Rate => format_rate(value),
        UnitKind::Ratio => format_percent(value),
        UnitKind::Count => format_count(value),
        UnitKind::Score => format_score(value),
    }
}

/// Latencies below this (1 ns, in ms) are written `0 ms`.
const SUB_NANOSECOND_MS: f64 = 1e-6;

/// A latency: µs below 1 ms, ms below 1 s, s above, three significant digits
/// (`450 ms`, `1.2 s`, `2.55 s`, `850 µs`).
pub fn format_ms(ms: f64) -> String {
    if !ms.is_finite() {
        return "n/a".to_string();
    }
    // Below a nanosecond is no latency a tool measures: the rounding noise of a
    // merge of summaries whose percentiles are all 0 (`9.54e-18 ms`).
    if ms.abs() < SUB_NANOSECOND_MS {
        return "0 ms".to_string();
    }
    // Decide on the rounded value, so that 999.7 ms is written `1 s`, not `1000 ms`.
    if round_significant(ms.abs(), 3) >= 1000.0 {
        format!("{} s", significant(ms / 1000.0, 3))
    } else if round_significant(ms.abs(), 3) >= 1.0 {
        format!("{} ms", significant(ms, 3))
    } else {
        format!("{} µs", significant(ms * 1000.0, 3))
    }
}

/// A latency percentile as [`format_ms`] writes it, `≈ ` before it when the method says
/// it was estimated from merged summaries (DESIGN: never presented as exact).
pub fn format_percentile_ms(ms: f64, method: Option<crate::model::PercentileMethod>) -> String {
    match method {
        Some(crate::model::PercentileMethod::MergedApproximate) => format!("≈ {}", format_ms(ms)),
        _ => format_ms(ms),
    }
}

/// A rate: whole req/s with thousands separators from 100 up, three significant
/// digits below (`1,000 req/s`, `12.5 req/s`).
pub fn format_rate(rps: f64) -> String {
    if !rps.is_finite() {
        return "n/a".to_string();
    }
    if rps.abs() >= 100.0 {
        // Round half away from zero (862.5 → 863); `{:.0}` alone rounds half to even.
        format!("{} req/s", group_thousands(&format!("{:.0}", rps.round())))
    } else {
        format!("{} req/s", significant(rps, 3))
    }
}

/// A ratio as a percentage with three significant digits on the side of 0 % or
/// 100 % it is closer to, so that both small error rates and high availabilities
/// keep their informative digits (`0.02%`, `1.02%`, `99.98%`, `99.9%`).
pub fn format_percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "n/a".to_string();
    }
    let pct = ratio * 100.0;
    let small = pct.abs().min((100.0 - pct).abs());
    if small == 0.0 {
        return format!("{}%", trim_zeros(&format!("{pct:.0}")));
    }
    let decimals = (2 - small.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{}%", trim_zeros(&format!("{pct:.decimals$}")))
}

/// A score (Apdex) with two decimals, or three when it rounds to 1 without being 1
/// (`0.94`, `0.999`).
pub fn format_score(score: f64) -> String {
    if !score.is_finite() {
        return "n/a".to_string();
    }
    let two = format!("{score:.2}");
    if two == "1.00" && score < 1.0 {
        format!("{score:.3}")
    } else {
        two
    }
}

/// A count: whole number with thousands separators (`600,000`).
pub fn format_count(n: f64) -> String {
    if !n.is_finite() {
        return "n/a".to_string();
    }
    group_thousands(&format!("{:.0}", n.round()))
}

/// `x` rounded to `digits` significant digits.
fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// `x` with at most `digits` significant digits (fewer when they are trailing
/// zeros after the point), integer part grouped by thousands.
fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let rounded = round_significant(x, digits);
    let magnitude = rounded.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    group_thousands(&trim_zeros(&format!("{rounded:.decimals$}")))
}

/// Drops trailing zeros after a decimal point, and the point itself when bare.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Inserts `,` every three digits of the integer part of a formatted number
/// (`-1234567.25` → `-1,234,567.25`).
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies() {
        assert_eq!(format_ms(450.0), "450 ms");
        assert_eq!(format_ms(1200.0), "1.2 s");
        assert_eq!(format_ms(2550.0), "2.55 s");
        assert_eq!(format_ms(999.7), "1 s");
        assert_eq!(format_ms(12.345), "12.3 ms");
        assert_eq!(format_ms(0.85), "850 µs");
        assert_eq!(format_ms(0.0), "0 ms");
        assert_eq!(format_ms(3_600_000.0), "3,600 s");
    }

    #[test]
    fn rates_ratios_counts() {
        assert_eq!(format_rate(1000.0), "1,000 req/s");
        assert_eq!(format_rate(862.5), "863 req/s");
        assert_eq!(format_rate(12.5), "12.5 req/s");
        assert_eq!(format_percent(0.0002), "0.02%");
        assert_eq!(format_percent(0.9998), "99.98%");
        assert_eq!(format_percent(0.0102), "1.02%");
        assert_eq!(format_percent(0.9898), "98.98%");
        assert_eq!(format_percent(0.999), "99.9%");
        assert_eq!(format_percent(0.001), "0.1%");
        assert_eq!(format_percent(0.5), "50%");
        assert_eq!(format_percent(0.0), "0%");
        assert_eq!(format_percent(1.0), "100%");
        assert_eq!(format_count(600_000.0), "600,000");
        assert_eq!(format_count(42.0), "42");
    }

    #[test]
    fn by_metric_name() {
        assert_eq!(format_value("p(95)", 450.0), "450 ms");
        assert_eq!(format_value("mean", 1200.0), "1.2 s");
        assert_eq!(format_value("throughput", 1000.0), "1,000 req/s");
        assert_eq!(format_value("error_rate", 0.0002), "0.02%");
        assert_eq!(format_value("availability", 0.9998), "99.98%");
        assert_eq!(format_value("requests", 1_380_000.0), "1,380,000");
        assert_eq!(format_value("something", 1.23456), "1.23");
    }
}
