//! When a change between two sources' reported summaries (no histogram, no
//! per-interval series) is shown by their sample sizes. A percentile is: its
//! large-sample standard error is √(q(1−q)/n) ÷ f(Q), and 1 ÷ f(Q), the slope of the
//! quantile function, is read from the summary's neighbouring percentiles. n is the
//! side's effective sample size, not its request count: latencies within a run are
//! autocorrelated (a busy machine slows a stretch of requests together), and a
//! summary has no series to measure that by, so its requests are taken to be worth
//! [`SUMMARY_ESS_PER_S`] independent ones per second of its run (a side measured
//! exactly brings its own batch-means size, `stats::latency_effective_sample_size`); a change
//! counts only beyond 1.96 of the two sides' combined standard errors and half the
//! step each tool rounds its figures to (and the noise floor, which the caller
//! checks); within that bound, the bound is the interval of Δ, so a summary's
//! percentile that moved less than the floor can read `unchanged`. Rates are never shown so: their noise
//! lives in the per-interval series a summary lacks (requests per interval under a
//! closed model are far from Poisson), so such a change stays `inconclusive`; so does
//! a mean, unless its tool printed the latencies' standard deviation (h2load's `sd`,
//! wrk's and autocannon's `Stdev`):
//! then Welch's test over the same effective sample sizes decides it
//! (`stats::summary_mean_shift`, called from `verdict`). An error
//! rate is not decided here: its failures and requests are counts, tested by the
//! two-proportion test as a one-interval series (`verdict::single`). Nor is a
//! percentile of a side where more than a tenth of the requests failed: a tool's
//! summary mixes the failures' latencies in (fast 503s, slow timeouts), so its change
//! says nothing about what was served.

use super::input::{CapacityFigures, Figures};
use super::stats::{Estimate, IntervalPoint, Method};
use super::verdict::Metric;

/// The two-sided 95 % normal quantile.
const Z_95: f64 = 1.96;

/// The largest share of failed requests a summary's percentiles may hold and still
/// show a change.
pub(super) const MOSTLY_SERVED: f64 = 0.10;

/// Independent requests a summary's run is taken to hold per second of it. Two runs of
/// one build of a service (wrk, hey, 8 s each, on a loaded two-core machine) differed
/// by 7 % in p50 and 16–40 % in p90/p99 over ~2,000–9,000 requests each; the batch
/// means of hey's per-request rows of such runs held 2–9 independent requests a
/// second, so 2 is the fewest seen: counting every request as independent read those
/// differences as changes.
pub const SUMMARY_ESS_PER_S: f64 = 2.0;

/// The effective sample size of a summary without a series: [`SUMMARY_ESS_PER_S`]
/// per second of its run (its requests ÷ its throughput), at most its requests;
/// `None` when its run's length is unknown (no throughput).
pub fn summary_effective_size(f: &Figures) -> Option<f64> {
    let rps = f.throughput_rps.filter(|r| r.is_finite() && *r > 0.0)?;
    let n = f.requests as f64;
    Some((SUMMARY_ESS_PER_S * n / rps).min(n))
}

/// The reported percentiles of a summary, as (quantile, ms), and its maximum at
/// the maximum's plotting position 1 − 0.5 ÷ n.
fn points(f: &Figures) -> Vec<(f64, f64)> {
    let top = (f.requests > 0).then(|| 1.0 - 0.5 / f.requests as f64);
    let mut pts: Vec<(f64, f64)> = [(0.5, f.p50), (0.9, f.p90), (0.95, f.p95), (0.99, f.p99)]
        .into_iter()
        .filter_map(|(q, v)| v.filter(|v| v.is_finite()).map(|v| (q, v)))
        .collect();
    if let (Some(q), Some(max)) = (top, f.max.filter(|m| m.is_finite())) {
        if pts.last().is_none_or(|&(p, v)| q > p && max >= v) {
            pts.push((q, max));
        }
    }
    pts
}

/// The standard error of the summary's `q` percentile over its requests, from the
/// slope of its quantile function at `q` (the mean of the slopes to the neighbouring
/// reported points); `None` without requests or without a higher point. A latency
/// distribution's tail bends up, so the slope from below alone understates it at its
/// top reported percentile (wrk's p99 from its p90: a 1,200-request run's p99 moved
/// 8 % between two runs of one service and read as a regression): the slope to a
/// higher point — the next percentile, else the maximum — must be in it.
fn standard_error(f: &Figures, q: f64, n: f64) -> Option<f64> {
    let pts = points(f);
    let i = pts.iter().position(|(p, _)| *p == q)?;
    if i + 1 >= pts.len() {
        return None;
    }
    let slope = |a: (f64, f64), b: (f64, f64)| (b.1 - a.1) / (b.0 - a.0);
    let mut slopes = Vec::new();
    if i > 0 {
        slopes.push(slope(pts[i - 1], pts[i]));
    }
    if i + 1 < pts.len() {
        slopes.push(slope(pts[i], pts[i + 1]));
    }
    if slopes.is_empty() || f.requests == 0 || n.is_nan() || n <= 0.0 {
        return None;
    }
    let s = slopes.iter().sum::<f64>() / slopes.len() as f64;
    Some(s.max(0.0) * (q * (1.0 - q) / n).sqrt())
}

/// How far apart the reported summaries `b` and `c` may put `metric` with nothing
/// changed: 1.96 of their combined standard errors over their effective sample sizes
/// (`sizes`: a side's batch-means size when measured exactly, else
/// [`summary_effective_size`]), plus half the step each tool rounds its figures to
/// (`steps`, ms: [`crate::analysis::rounding::step_ms`] at each side's value). `None`
/// when a side cannot show a change at all (see the module documentation): too few
/// requests, mostly failed, no slope, no effective size, or not a percentile.
pub fn summary_bound(
    metric: Metric,
    (b, c): (&Figures, &Figures),
    sizes: (Option<f64>, Option<f64>),
    steps: (f64, f64),
) -> Option<f64> {
    let q = metric.quantile()?;
    // Ten requests past the percentile on each side, as README promises.
    let need = super::thin::needed(metric).unwrap_or((10.0 / (1.0 - q)).ceil() as u64);
    if b.requests < need || c.requests < need {
        return None;
    }
    let failing = |f: &Figures| f.failures as f64 > MOSTLY_SERVED * f.requests as f64;
    if failing(b) || failing(c) {
        return None;
    }
    let (sb, sc) = (
        standard_error(b, q, sizes.0?)?,
        standard_error(c, q, sizes.1?)?,
    );
    Some(Z_95 * (sb * sb + sc * sc).sqrt() + (steps.0 + steps.1) / 2.0)
}

/// True when a change of `delta` in `metric` between the reported summaries `b` and
/// `c` (neither measured exactly) is beyond what their effective sample sizes and the
/// tools' rounding leave open ([`summary_bound`]).
pub fn summary_shift_shown(
    metric: Metric,
    b: &Figures,
    c: &Figures,
    delta: f64,
    steps: (f64, f64),
) -> bool {
    let sizes = (summary_effective_size(b), summary_effective_size(c));
    summary_bound(metric, (b, c), sizes, steps).is_some_and(|bound| delta.abs() > bound)
}

/// The note on a stage × endpoint whose latencies one side measured exactly (every
/// request's, a histogram) and the other only summarised (a tool's own percentiles):
/// they are compared as summaries, whose percentile methods and rounding differ from
/// the exact ones; `None` when both are alike. `exact`: (baseline's, candidate's).
pub fn exactness_note(stage: &str, endpoint: &str, exact: (bool, bool)) -> Option<String> {
    let (summarised, measured) = match exact {
        (true, false) => ("the candidate", "the baseline"),
        (false, true) => ("the baseline", "the candidate"),
        _ => return None,
    };
    Some(format!(
        "stage {}, endpoint {}: {measured}'s percentiles are exact (every request's \
         latency) and {summarised}'s are its tool's own summary, which picks and rounds \
         percentiles its own way: they are compared as summaries (method `reported`), so \
         a change shows only beyond the wider bound; measure both releases the same way \
         to compare them exactly",
        crate::analysis::words::ticked(stage),
        crate::analysis::words::ticked(endpoint)
    ))
}

/// A summary's whole run as one interval of its counts.
pub(super) fn whole_run(f: &Figures) -> IntervalPoint {
    IntervalPoint {
        count: f.requests,
        failures: f.failures,
        mean_ms: None,
        width_s: 0.0,
    }
}

/// An estimate from reported values alone: no interval, no p-value.
pub(super) fn reported(baseline: f64, candidate: f64) -> Estimate {
    Estimate {
        baseline,
        candidate,
        delta: candidate - baseline,
        ci: (f64::NEG_INFINITY, f64::INFINITY),
        p_value: f64::NAN,
        effect: f64::NAN,
        ess: (f64::NAN, f64::NAN),
        method: Method::Reported,
    }
}

/// A run's capacity figures side by side, as (metric, estimate, may decide). None has
/// a sampling interval, so none decides on its floor alone (two runs of one release
/// differ by 5–10 % in them): the saturation throughput decides only when the two
/// runs' plateau ranges (the lowest and the best plateau stage's goodput, report.json's
/// `throughput_interval_rps`) are both spread and the interval of Δ those ranges leave
/// clears the noise floor as a whole (see `verdict::decide`); the SLA headroom and the
/// USL peak (an interpolation and a fit) stay `inconclusive`.
pub(super) fn capacity_estimates(
    b: &CapacityFigures,
    c: &CapacityFigures,
) -> Vec<(Metric, Estimate, bool)> {
    let ranges = b.saturation_range_rps.zip(c.saturation_range_rps);
    let mut out = Vec::new();
    for (metric, vb, vc) in [
        (Metric::SaturationRps, b.saturation_rps, c.saturation_rps),
        (
            Metric::SlaHeadroomRps,
            b.sla_headroom_rps,
            c.sla_headroom_rps,
        ),
        (Metric::UslPeakUsers, b.usl_peak_users, c.usl_peak_users),
    ] {
        let (Some(vb), Some(vc)) = (vb, vc) else {
            continue;
        };
        let mut est = reported(vb, vc);
        let mut may_decide = false;
        if let (Metric::SaturationRps, Some((rb, rc))) = (metric, ranges) {
            est.ci = (rc.0 - rb.1, rc.1 - rb.0);
            let spread = rb.0 < rb.1 && rc.0 < rc.1;
            may_decide = spread && (est.ci.0 > 0.0 || est.ci.1 < 0.0);
        }
        out.push((metric, est, may_decide));
    }
    out
}

/// What the saturation row's interval is ([`capacity_estimates`]), for compare's notes.
pub(super) const SATURATION_RANGE: &str = "the saturation row's interval of Δ is the range \
    both runs' saturation plateaus leave (lowest and highest goodput on each), not a 95% \
    confidence interval: it decides only when the whole range clears the noise floor";

#[cfg(test)]
mod tests {
    use super::*;

    /// A summary of `requests` over `secs` seconds.
    fn summary(requests: u64, secs: f64, p: [f64; 4]) -> Figures {
        let [p50, p90, p95, p99] = p;
        Figures {
            requests,
            throughput_rps: Some(requests as f64 / secs),
            p50: Some(p50),
            p90: Some(p90),
            p95: Some(p95),
            p99: Some(p99),
            max: Some(p99 * 1.5),
            ..Figures::default()
        }
    }

    #[test]
    fn a_median_shift_needs_the_requests_to_show_it() {
        // Slope to p90: (440 − 287) ÷ 0.4 = 382.5 ms; √(0.25 ÷ 68) = 0.0606: SE 23.2 ms
        // a side, 1.96 × 32.8 = 64 ms: a 16 ms shift is not shown.
        // (Over 600 s, 2 a second: every request counts.)
        let b = summary(68, 600.0, [287.0, 440.0, 490.0, 910.0]);
        let c = summary(69, 600.0, [303.0, 455.0, 500.0, 900.0]);
        assert!(!summary_shift_shown(Metric::P50, &b, &c, 16.0, (0.0, 0.0)));
        // On 20,000 requests a side over 10,000 s the SE is 1.35 ms: the same 16 ms is
        // shown.
        let b = summary(20_000, 10_000.0, [287.0, 440.0, 490.0, 910.0]);
        let c = summary(20_000, 10_000.0, [303.0, 455.0, 500.0, 900.0]);
        assert!(summary_shift_shown(Metric::P50, &b, &c, 16.0, (0.0, 0.0)));
        // The same 20,000 requests in 60 s are worth 120 independent ones: SE 17.5 ms
        // a side, a bound of 48 ms, so 16 ms is not shown; nor without a throughput,
        // which leaves the run's length unknown.
        let (b60, c60) = (
            summary(20_000, 60.0, [287.0, 440.0, 490.0, 910.0]),
            summary(20_000, 60.0, [303.0, 455.0, 500.0, 900.0]),
        );
        assert_eq!(summary_effective_size(&b60), Some(120.0));
        assert!(!summary_shift_shown(
            Metric::P50,
            &b60,
            &c60,
            16.0,
            (0.0, 0.0)
        ));
        assert!(summary_shift_shown(
            Metric::P50,
            &b60,
            &c60,
            50.0,
            (0.0, 0.0)
        ));
        let unknown = Figures {
            throughput_rps: None,
            ..c60
        };
        assert!(!summary_shift_shown(
            Metric::P50,
            &b60,
            &unknown,
            50.0,
            (0.0, 0.0)
        ));
        // Rates never are.
        assert!(!summary_shift_shown(
            Metric::Throughput,
            &b,
            &c,
            1e9,
            (0.0, 0.0)
        ));
        // Nor a percentile of a side whose requests mostly failed (11 % here): its
        // summary mixes the failures' latencies in.
        let failed = Figures {
            failures: 2_200,
            ..c.clone()
        };
        assert!(!summary_shift_shown(
            Metric::P50,
            &b,
            &failed,
            16.0,
            (0.0, 0.0)
        ));
        let few = Figures {
            failures: 2_000,
            ..c
        };
        assert!(summary_shift_shown(Metric::P50, &b, &few, 16.0, (0.0, 0.0)));
    }
}
