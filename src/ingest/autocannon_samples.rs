//! autocannon's console count of answers from its `Req/Sec` row and its `# of
//! samples: N` line. The console rounds its `4k requests` to the thousand (and that
//! count is of the requests *sent*, which a paced run overstates), but autocannon
//! keeps a per-sample count of the responses (any status) in a histogram whose mean
//! is the `Req/Sec` Avg, printed as `ceil(mean × 100) / 100`: the responses are
//! `Avg × samples`, as its `--json` says (`requests.total` = `requests.average` ×
//! `samples`).
//!
//! * The histogram keeps counts below 2,048 exactly (3 significant digits). When no
//!   sample can reach that (Avg + Stdev·√(n−1), Samuelson's bound on the largest of n
//!   values, stays below it), the responses are the whole numbers whose mean autocannon
//!   would print as that Avg, computed the way autocannon does: exactly one up to about
//!   50 samples, a band of about n ÷ 100 beyond.
//! * Larger per-sample counts are kept to 1 part in 2,048: the product is then an
//!   estimate within `Avg × n ÷ 2,047` plus the print step.

/// The largest per-sample count autocannon's histogram keeps exactly.
const EXACT_BELOW: f64 = 2048.0;

/// The `Req/Sec` row's Avg and Stdev and the `# of samples`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReqSec {
    pub avg: f64,
    pub sd: f64,
    pub samples: u64,
}

/// The responses the `Req/Sec` row gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Answered {
    /// Only this count prints as that Avg.
    Exact(u64),
    /// The counts that print as that Avg (or the histogram's rounding allows) lie
    /// within `count ± slack`.
    Within {
        count: u64,
        slack: u64,
        /// Some sample may exceed 2,047: autocannon's histogram rounded it.
        rounded_samples: bool,
    },
}

impl Answered {
    /// The count and its ± band.
    pub fn count_and_slack(self) -> (u64, u64) {
        match self {
            Answered::Exact(n) => (n, 0),
            Answered::Within { count, slack, .. } => (count, slack),
        }
    }
}

/// A `Req/Sec` cell as autocannon prints it (`479.1`, `67,052`: `toLocaleString` in
/// an English locale); anything else (another locale's `4.791,1`) is not read.
pub(super) fn cell(text: &str) -> Option<f64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3)
            && groups[1..].iter().all(|g| g.len() == 3);
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = grouped && !whole.is_empty() && groups.iter().all(|g| digits(g)) && digits(frac);
    ok.then(|| t.replace(',', "").parse().ok()).flatten()
}

/// What autocannon prints as the Avg of `total` responses over `n` samples.
fn printed_avg(total: u64, n: u64) -> f64 {
    (total as f64 / n as f64 * 100.0).ceil() / 100.0
}

/// The responses the row gives, or `None` when it gives none (no samples, a negative
/// or non-finite cell, or no count that prints as that Avg).
pub(super) fn answered(r: ReqSec) -> Option<Answered> {
    let ReqSec { avg, sd, samples } = r;
    if samples == 0 || !(avg.is_finite() && sd.is_finite()) || avg < 0.0 || sd < 0.0 {
        return None;
    }
    let n = samples as f64;
    let product = avg * n;
    if avg + sd * (n - 1.0).sqrt() >= EXACT_BELOW {
        // Each sample's count rounded to its histogram bucket's middle: off by at most
        // 1 part in 2,048 of itself; the Avg printed up to 0.01 (+ a float ulp) high.
        let slack = (product / (EXACT_BELOW - 1.0) + 0.02 * n).ceil() as u64;
        return Some(Answered::Within {
            count: product.round() as u64,
            slack,
            rounded_samples: true,
        });
    }
    // The Avg is the mean rounded up to 0.01, and may be one more 0.01 up when
    // `mean × 100` comes out a float ulp above a whole number.
    let lo = ((avg - 0.02) * n).floor().max(0.0) as u64;
    let hi = product.ceil() as u64 + 1;
    if hi - lo > 100_000 {
        // Too many to try one by one (a file claiming billions of samples).
        return Some(Answered::Within {
            count: lo + (hi - lo) / 2,
            slack: (hi - lo).div_ceil(2),
            rounded_samples: false,
        });
    }
    let fits: Vec<u64> = (lo..=hi)
        .filter(|t| (printed_avg(*t, samples) - avg).abs() < 1e-9 * avg.max(1.0))
        .collect();
    match fits.as_slice() {
        [] => None,
        [one] => Some(Answered::Exact(*one)),
        [first, .., last] => Some(Answered::Within {
            count: (first + last) / 2,
            slack: (last - first).div_ceil(2),
            rounded_samples: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(avg: f64, sd: f64, samples: u64) -> Option<Answered> {
        answered(ReqSec { avg, sd, samples })
    }

    #[test]
    fn ten_samples_give_one_count() {
        // autocannon -R 470 -c 10 -d 10 here: Avg 479.1, Stdev 42.25, 10 samples.
        assert_eq!(row(479.1, 42.25, 10), Some(Answered::Exact(4791)));
        // --json of a 5 s run here: requests.total 2408, average 481.6, samples 5.
        assert_eq!(row(481.6, 20.0, 5), Some(Answered::Exact(2408)));
        // A mean that is not a multiple of 0.01 is printed rounded up: 1000 / 3.
        assert_eq!(row(333.34, 1.0, 3), Some(Answered::Exact(1000)));
    }

    #[test]
    fn many_samples_give_a_band() {
        // 300 samples: every total from 141,067 to 141,069 prints as 470.23.
        let Some(Answered::Within { count, slack, .. }) = row(470.23, 5.0, 300) else {
            panic!("a band expected");
        };
        assert!(
            count - slack <= 141_067 && count + slack >= 141_069,
            "{count}±{slack}"
        );
        assert!(slack <= 3);
    }

    #[test]
    fn large_counts_are_estimates() {
        // --json here: total 268,257, average 67,052, stddev 5,155.57, 4 samples.
        let Some(Answered::Within { count, slack, .. }) = row(67052.0, 5155.57, 4) else {
            panic!("a band expected");
        };
        assert!(count.abs_diff(268_257) <= slack, "{count}±{slack}");
        assert!(slack < 500);
    }

    #[test]
    fn cells() {
        assert_eq!(cell("479.1"), Some(479.1));
        assert_eq!(cell("67,052"), Some(67052.0));
        assert_eq!(cell("1,234.56"), Some(1234.56));
        assert_eq!(cell("4.791,1"), None);
        assert_eq!(cell("12,34"), None);
        assert_eq!(cell(""), None);
        assert_eq!(cell("n/a"), None);
    }
}
