//! What a Locust stats history says beyond its cumulative totals, measured from the
//! data rather than assumed:
//!
//! * **row spacing**: Locust writes a row every `CSV_STATS_INTERVAL_SEC` (1 s by
//!   default, 5 s in some setups); the series' interval is the median spacing of the
//!   Aggregated rows, so a row's requests are spread over the time they took.
//! * **which percentiles the rows hold**: cumulative (since the start: 1.2 – 2.2.1,
//!   and later versions without `--csv-full-history`) or windowed (the last ~10 s:
//!   0.13.3 – 1.1, and ≥ 2.2.2 with `--csv-full-history`). Cumulative rows have a
//!   `100%` that never falls and a `50%` equal to the `Total Median Response Time`.
//! * **a stage's percentiles**: from cumulative rows, the distribution of the requests
//!   between two rows is the mixture difference F = (n₂F₂ − n₁F₁)/(n₂ − n₁), with F₁
//!   and F₂ the piecewise-linear CDFs through the rows' reported percentile points;
//!   from windowed rows, the count-weighted mixture of the rows inside the stage.
//!   Both are approximate and marked merged (`merged_approximate`); a percentile the
//!   estimate cannot reach is left out, never guessed.

use crate::model::PercentileSummary;

/// How a history's percentile columns were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PercentileKind {
    /// Over every request since the start.
    Cumulative,
    /// Over a recent window (~10 s).
    Windowed,
}

impl PercentileKind {
    /// How a stage's percentiles were estimated, for its window basis.
    pub fn basis(self) -> &'static str {
        match self {
            PercentileKind::Cumulative => {
                "percentiles approximate: mixture difference of the cumulative percentiles \
                 at the window's ends"
            }
            PercentileKind::Windowed => {
                "percentiles approximate: mixture of the windowed percentiles of the rows \
                 inside the window"
            }
        }
    }
}

/// One row's percentile figures (an aggregate or endpoint row).
#[derive(Clone, Debug, Default)]
pub struct RowPercentiles {
    /// Cumulative requests at the row.
    pub total_requests: u64,
    /// `(percentile, ms)` as the row reports them.
    pub points: Vec<(f64, f64)>,
    /// `Total Median Response Time`, ms.
    pub total_median: Option<f64>,
}

/// Whether rows (of one key, in time order) hold cumulative or windowed percentiles;
/// `None` when no row has any.
pub fn percentile_kind(rows: &[&RowPercentiles]) -> Option<PercentileKind> {
    let with: Vec<&&RowPercentiles> = rows.iter().filter(|r| !r.points.is_empty()).collect();
    if with.is_empty() {
        return None;
    }
    // A cumulative maximum never falls (beyond Locust's rounding to ~2 digits).
    let tops: Vec<f64> = with
        .iter()
        .filter_map(|r| r.points.iter().find(|(p, _)| *p >= 100.0).map(|x| x.1))
        .collect();
    let top_falls = tops.windows(2).any(|w| w[1] < w[0] * 0.9);
    // A cumulative median is the total median (the same histogram).
    let pairs: Vec<(f64, f64)> = with
        .iter()
        .filter_map(|r| {
            let p50 = r.points.iter().find(|(p, _)| (*p - 50.0).abs() < 1e-9)?.1;
            Some((p50, r.total_median?))
        })
        .collect();
    let agree = pairs
        .iter()
        .filter(|(a, b)| (a - b).abs() <= (0.1 * b.abs()).max(1.0))
        .count();
    let medians_agree = !pairs.is_empty() && agree as f64 >= 0.8 * pairs.len() as f64;
    Some(if !top_falls && medians_agree {
        PercentileKind::Cumulative
    } else {
        PercentileKind::Windowed
    })
}

/// Fraction of values ≤ `x` under the piecewise-linear CDF through `points`
/// (`(percentile, ms)`); below the first point, linear from the origin; above the
/// last, that point's fraction.
fn cdf(points: &[(f64, f64)], x: f64) -> f64 {
    let mut knots: Vec<(f64, f64)> = points.iter().map(|&(p, v)| (v, p / 100.0)).collect();
    knots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let Some(&(v0, p0)) = knots.first() else {
        return 0.0;
    };
    if x < v0 {
        return if v0 > 0.0 {
            p0 * (x / v0).max(0.0)
        } else {
            0.0
        };
    }
    for w in knots.windows(2) {
        let ((x0, q0), (x1, q1)) = (w[0], w[1]);
        if x < x1 {
            return if x1 > x0 {
                q0 + (q1 - q0) * (x - x0) / (x1 - x0)
            } else {
                q1
            };
        }
    }
    knots.last().map_or(0.0, |k| k.1)
}

/// The percentiles `levels` of the requests between a cumulative row `(n1, p1)` and a
/// later one `(n2, p2)`: the mixture difference, inverted over the values either row
/// reports. `None` when the later row adds no requests or no level can be reached.
pub fn between_cumulative(
    n1: u64,
    p1: &[(f64, f64)],
    n2: u64,
    p2: &[(f64, f64)],
) -> Option<Vec<(f64, f64)>> {
    if n2 <= n1 || p2.is_empty() {
        return None;
    }
    let (w1, w2) = (n1 as f64, n2 as f64);
    let mut grid: Vec<f64> = p1.iter().chain(p2).map(|p| p.1).collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let mut running = 0.0f64;
    let curve: Vec<(f64, f64)> = grid
        .iter()
        .map(|&v| {
            let f1 = if n1 > 0 { cdf(p1, v) } else { 0.0 };
            let f = ((w2 * cdf(p2, v) - w1 * f1) / (w2 - w1)).clamp(0.0, 1.0);
            running = running.max(f);
            (v, running)
        })
        .collect();
    let levels: Vec<f64> = p2.iter().map(|p| p.0).collect();
    let points = invert(&curve, &levels);
    (!points.is_empty()).then_some(points)
}

/// The values at `levels` (percent) of a non-decreasing CDF sampled at `curve`
/// (`(ms, fraction)`), by linear interpolation; levels at or below the first sample's
/// fraction are left out (the curve does not say where they lie).
fn invert(curve: &[(f64, f64)], levels: &[f64]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &level in levels {
        let q = level / 100.0;
        let Some(i) = curve.iter().position(|c| c.1 >= q - 1e-12) else {
            continue;
        };
        if i == 0 {
            continue;
        }
        let ((x0, f0), (x1, f1)) = (curve[i - 1], curve[i]);
        let v = if f1 > f0 {
            x0 + (x1 - x0) * (q - f0) / (f1 - f0)
        } else {
            x1
        };
        out.push((level, v));
    }
    out
}

/// The count-weighted mixture of windowed rows: `(requests the row covers, points)`.
pub fn of_windows(rows: &[(u64, Vec<(f64, f64)>)]) -> Option<Vec<(f64, f64)>> {
    let mut merged = PercentileSummary::default();
    for (n, points) in rows.iter().filter(|(n, p)| *n > 0 && !p.is_empty()) {
        merged.merge(&PercentileSummary {
            count: *n,
            points: points.clone(),
            ..Default::default()
        });
    }
    (merged.count > 0 && !merged.points.is_empty()).then_some(merged.points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u64, p50: f64, p100: f64, total_median: f64) -> RowPercentiles {
        RowPercentiles {
            total_requests: n,
            points: vec![(50.0, p50), (100.0, p100)],
            total_median: Some(total_median),
        }
    }

    #[test]
    fn cumulative_and_windowed_columns_are_told_apart() {
        // Cumulative: the 50% is the total median and the maximum never falls.
        let c = [row(10, 100.0, 300.0, 100.0), row(20, 120.0, 300.0, 120.0)];
        assert_eq!(
            percentile_kind(&c.iter().collect::<Vec<_>>()),
            Some(PercentileKind::Cumulative)
        );
        // Windowed: the recent median drifts from the total one, the maximum falls.
        let w = [row(10, 100.0, 900.0, 100.0), row(20, 300.0, 400.0, 150.0)];
        assert_eq!(
            percentile_kind(&w.iter().collect::<Vec<_>>()),
            Some(PercentileKind::Windowed)
        );
    }

    #[test]
    fn windowed_rows_mix_by_their_counts() {
        // 100 requests with p50 10 ms, max 20; 300 with p50 30, max 40. The summaries'
        // CDFs (nothing below a summary's first point): the mixture is 100/400 = 0.25
        // from 20 ms up to 30 ms, where it reaches (100 + 300·0.5)/400 = 0.625: p50 =
        // 30 ms; p100 = 40 ms.
        let got = of_windows(&[
            (100, vec![(50.0, 10.0), (100.0, 20.0)]),
            (300, vec![(50.0, 30.0), (100.0, 40.0)]),
        ])
        .unwrap();
        let p50 = got.iter().find(|p| p.0 == 50.0).unwrap().1;
        assert!((p50 - 30.0).abs() < 0.01, "{got:?}");
        let p100 = got.iter().find(|p| p.0 == 100.0).unwrap().1;
        assert!((p100 - 40.0).abs() < 0.01, "{got:?}");
    }

    #[test]
    fn the_mixture_difference_of_two_cumulative_rows() {
        // 1,000 requests: p50 100, p95 200, max 300; then 3,000: 200, 400, 500.
        // F(200) = (3000·0.5 − 1000·0.95)/2000 = 0.275; F(300) = (3000·0.725 − 1000)/2000
        // = 0.5875: p50 = 200 + 100·0.225/0.3125 = 272. F(400) = 0.925, F(500) = 1:
        // p95 = 400 + 100·0.025/0.075 = 433.3.
        let p1 = [(50.0, 100.0), (95.0, 200.0), (100.0, 300.0)];
        let p2 = [(50.0, 200.0), (95.0, 400.0), (100.0, 500.0)];
        let got = between_cumulative(1000, &p1, 3000, &p2).unwrap();
        assert!((got[0].1 - 272.0).abs() < 1e-6, "{got:?}");
        assert!((got[1].1 - 433.333_333).abs() < 1e-3, "{got:?}");
        assert!((got[2].1 - 500.0).abs() < 1e-6, "{got:?}");
    }
}
