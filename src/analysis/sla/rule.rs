//! One SLA rule and its types: `METRIC OP VALUE[UNIT] [WINDOW]`.
//!
//! ```text
//! p(95) < 500ms                    a latency percentile (any p, fractional too)
//! rc(5xx) < 0.5%                   share of responses with a status class or code
//! apdex(500ms) > 0.9               Apdex with T = 500 ms and F = 4T
//! apdex(500ms, 1s) >= 0.85         … with F given
//! p(99) < 1s in every 60s          must hold in every rolling 60 s window
//! p(95) < 300ms for 30s            fails only when breached for 30 s on end
//! ```
//!
//! The rule text is read in `grammar.rs`; the "did you mean" for a misspelt metric is
//! in `suggest.rs`. Severity is not part of the text: it belongs to the long form
//! (`[[rule]]`, see `parse.rs`), so that a rule reads the same in every section.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::analysis::quantity::{format_quantity, UnitKind};

/// One rule: `metric op limit [window]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule as written (trimmed).
    pub text: String,
    /// Line of the rule in the SLA file (`None` for a rule parsed on its own).
    pub line: Option<usize>,
    /// What is measured.
    pub metric: Metric,
    /// How the value compares with the limit.
    pub op: Op,
    /// The limit in the metric's unit: ms, req/s, a fraction, a score or a count.
    pub limit: f64,
    /// What a miss means for the verdict ([`Severity::Fail`] unless `[[rule]]` says).
    pub severity: Severity,
    /// Judged over time windows instead of the whole scope.
    pub window: Option<Window>,
}

/// A time condition on a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// `in every D`: the rule must hold in every rolling window of D ms.
    Every(u64),
    /// `for D`: the rule fails only when it is breached for D ms on end.
    For(u64),
}

impl Window {
    /// The window or duration, ms.
    pub fn length_ms(self) -> u64 {
        match self {
            Window::Every(ms) | Window::For(ms) => ms,
        }
    }

    /// `every` or `for`.
    pub fn kind(self) -> &'static str {
        match self {
            Window::Every(_) => "every",
            Window::For(_) => "for",
        }
    }
}

/// A set of HTTP statuses: one code (`429`) or a class (`5xx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusClass {
    /// Exactly this status.
    Code(u16),
    /// Every status whose first digit is this one (1–5).
    Class(u8),
}

impl StatusClass {
    /// The statuses covered, inclusive.
    pub fn range(self) -> (u16, u16) {
        match self {
            StatusClass::Code(c) => (c, c),
            StatusClass::Class(d) => (u16::from(d) * 100, u16::from(d) * 100 + 99),
        }
    }
}

impl fmt::Display for StatusClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusClass::Code(c) => write!(f, "{c}"),
            StatusClass::Class(d) => write!(f, "{d}xx"),
        }
    }
}

/// A metric an SLA rule can bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// Requests ÷ duration, req/s.
    Throughput,
    /// Successful requests ÷ duration, req/s.
    Goodput,
    /// A latency percentile (0 < p < 100), ms.
    Percentile(f64),
    /// Mean latency, ms (`mean` or `avg`).
    Mean,
    /// Smallest latency, ms.
    Min,
    /// Largest latency, ms.
    Max,
    /// Failures ÷ requests, a fraction.
    ErrorRate,
    /// 1 − error rate, a fraction.
    Availability,
    /// Number of requests.
    Requests,
    /// Share of requests answered with these statuses, a fraction (`rc(5xx)`).
    StatusShare(StatusClass),
    /// Apdex score: (satisfied + tolerating ÷ 2) ÷ requests, where satisfied is a
    /// success within `t_ms`, tolerating a success within `f_ms`, and every failure
    /// is frustrated.
    Apdex {
        /// Satisfied threshold T, ms.
        t_ms: f64,
        /// Tolerated threshold F, ms (default 4T).
        f_ms: f64,
    },
}

/// Apdex T when `apdex` is written without one (JMeter's default too).
pub const APDEX_DEFAULT_T_MS: f64 = 500.0;

impl Metric {
    /// True when judging it per window needs each interval's latency histogram.
    pub fn needs_interval_histograms(&self) -> bool {
        matches!(
            self,
            Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Apdex { .. }
        )
    }

    /// The kind of value, which fixes its unit.
    pub fn kind(self) -> UnitKind {
        match self {
            Metric::Throughput | Metric::Goodput => UnitKind::Rate,
            Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max => UnitKind::LatencyMs,
            Metric::ErrorRate | Metric::Availability | Metric::StatusShare(_) => UnitKind::Ratio,
            Metric::Requests => UnitKind::Count,
            Metric::Apdex { .. } => UnitKind::Score,
        }
    }

    /// True for ratios of requests whose 95 % interval is the Wilson interval.
    pub fn is_proportion(self) -> bool {
        matches!(
            self,
            Metric::ErrorRate | Metric::Availability | Metric::StatusShare(_)
        )
    }
}

impl fmt::Display for Metric {
    /// The canonical spelling: `p(95)`, `p(99.9)`, `mean` (also for `avg`), `rc(5xx)`,
    /// `apdex(500ms)` (F shown only when it is not 4T), …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Throughput => f.write_str("throughput"),
            Metric::Goodput => f.write_str("goodput"),
            Metric::Percentile(p) => write!(f, "p({p})"),
            Metric::Mean => f.write_str("mean"),
            Metric::Min => f.write_str("min"),
            Metric::Max => f.write_str("max"),
            Metric::ErrorRate => f.write_str("error_rate"),
            Metric::Availability => f.write_str("availability"),
            Metric::Requests => f.write_str("requests"),
            Metric::StatusShare(c) => write!(f, "rc({c})"),
            Metric::Apdex { t_ms, f_ms } if *f_ms == 4.0 * t_ms => {
                write!(f, "apdex({})", duration_text(*t_ms))
            }
            Metric::Apdex { t_ms, f_ms } => {
                write!(
                    f,
                    "apdex({}, {})",
                    duration_text(*t_ms),
                    duration_text(*f_ms)
                )
            }
        }
    }
}

impl std::str::FromStr for Metric {
    type Err = String;

    /// The canonical spelling back (and every other spelling a rule accepts).
    fn from_str(s: &str) -> Result<Metric, String> {
        super::grammar::metric_only(s.trim())
    }
}

impl Serialize for Metric {
    /// As its canonical spelling.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `500ms`, `2s`, `1.5s`: a threshold the way a rule writes it.
fn duration_text(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{}s", ms / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// A comparison between a measured value and a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl Op {
    /// True for `<` and `<=`: the limit is a ceiling.
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Op::Lt | Op::Le)
    }

    /// Whether `value op limit` holds.
    pub fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Op::Lt => value < limit,
            Op::Le => value <= limit,
            Op::Gt => value > limit,
            Op::Ge => value >= limit,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// Of two values, the one further on the failing side (the worse one).
    pub fn worse(self, a: f64, b: f64) -> f64 {
        if self.is_upper_bound() {
            a.max(b)
        } else {
            a.min(b)
        }
    }

    /// Of two values, the one further on the passing side (the better one).
    pub fn better(self, a: f64, b: f64) -> f64 {
        if self.is_upper_bound() {
            a.min(b)
        } else {
            a.max(b)
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a failed rule means for the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A miss makes the verdict NO-GO and `check` exit 1 (the default).
    Fail,
    /// A miss makes the verdict at most CONDITIONAL.
    Warn,
}
impl Rule {
    /// Parses one rule, e.g. `p(99.9) <= 2s`, `error_rate < 0.1%`,
    /// `throughput >= 1000/s in every 60s`. The error has no line; the file parser
    /// adds it.
    pub fn parse(text: &str) -> Result<Rule, super::SlaError> {
        super::grammar::parse_rule(text.trim()).map_err(|message| super::SlaError {
            line: None,
            message,
        })
    }

    pub(crate) fn at_line(mut self, line: usize) -> Rule {
        self.line = Some(line);
        self
    }

    pub(crate) fn with_severity(mut self, severity: Severity) -> Rule {
        self.severity = severity;
        self
    }

    /// The limit written the way the report shows values (`500 ms`, `0.1%`).
    pub fn limit_display(&self) -> String {
        format_quantity(self.metric.kind(), self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Rule {
        Rule::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        match Rule::parse(s) {
            Ok(r) => panic!("{s} parsed as {r:?}"),
            Err(e) => e.message,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn every_metric() {
        let apdex = |t: f64, f: f64| Metric::Apdex { t_ms: t, f_ms: f };
        let cases: [(&str, Metric, f64); 20] = [
            ("throughput >= 1000/s", Metric::Throughput, 1000.0),
            ("throughput >= 1000", Metric::Throughput, 1000.0),
            ("goodput > 12.5req/s", Metric::Goodput, 12.5),
            ("p(95) < 500ms", Metric::Percentile(95.0), 500.0),
            ("p(99.9) <= 2s", Metric::Percentile(99.9), 2000.0),
            ("mean < 300", Metric::Mean, 300.0),
            ("avg < 300ms", Metric::Mean, 300.0),
            ("min > 1ms", Metric::Min, 1.0),
            ("max < 1m", Metric::Max, 60_000.0),
            ("error_rate < 0.1%", Metric::ErrorRate, 0.001),
            ("error_rate < 0.001", Metric::ErrorRate, 0.001),
            ("availability > 99.9%", Metric::Availability, 0.999),
            ("requests >= 1_000", Metric::Requests, 1000.0),
            (
                "rc(5xx) < 0.5%",
                Metric::StatusShare(StatusClass::Class(5)),
                0.005,
            ),
            (
                "rc(429) < 1%",
                Metric::StatusShare(StatusClass::Code(429)),
                0.01,
            ),
            (
                "rc(2XX) > 99%",
                Metric::StatusShare(StatusClass::Class(2)),
                0.99,
            ),
            ("apdex(500ms) > 0.9", apdex(500.0, 2000.0), 0.9),
            ("apdex > 0.9", apdex(500.0, 2000.0), 0.9),
            ("apdex(0.3s, 1s) >= 0.85", apdex(300.0, 1000.0), 0.85),
            ("apdex(250) > 0.5", apdex(250.0, 1000.0), 0.5),
        ];
        for (text, metric, limit) in cases {
            let r = rule(text);
            assert_eq!(r.metric, metric, "{text}");
            assert!(close(r.limit, limit), "{text}: {} vs {limit}", r.limit);
            assert_eq!(r.severity, Severity::Fail);
            assert_eq!(r.window, None);
            assert_eq!(r.text, text);
        }
        assert_eq!(StatusClass::Class(5).range(), (500, 599));
        assert_eq!(StatusClass::Code(429).range(), (429, 429));
    }

    #[test]
    fn windows() {
        let r = rule("p(99) < 1s in every 60s");
        assert_eq!(r.window, Some(Window::Every(60_000)));
        assert!(close(r.limit, 1000.0));
        assert_eq!(
            rule("p(95) < 300ms for 30s").window,
            Some(Window::For(30_000))
        );
        assert_eq!(
            rule("error_rate < 1% in every 2m").window,
            Some(Window::Every(120_000))
        );
        assert_eq!(rule("max < 1s for 1.5 s").window, Some(Window::For(1500)));
        assert!(Rule::parse("error_rate < 50% in every 10000000000000000s").is_err());
        assert_eq!(
            rule("max < 1s every 10s").window,
            Some(Window::Every(10_000))
        );
        assert!(err("p(95) < 500ms in every 60").contains("bad duration"));
        assert!(err("p(95) < 500ms in every").contains("missing the duration"));
        assert!(err("p(95) < 500ms in 60s").contains("in every 60s"));
        assert!(err("p(95) < 500ms over 60s").contains("in every 60s"));
        assert!(err("p(95) < 500ms for 0s").contains("more than 0"));
        assert!(err("p(95) < 500ms severity warn").contains("[[rule]]"));
        assert!(err("p(95) < 500ms please").contains("unexpected"));
    }

    #[test]
    fn every_latency_unit_and_op() {
        for (u, ms) in [
            ("us", 0.5),
            ("µs", 0.5),
            ("ms", 500.0),
            ("", 500.0),
            ("s", 500_000.0),
        ] {
            assert!(close(rule(&format!("p(50) < 500{u}")).limit, ms), "{u}");
        }
        assert!(close(rule("p(50) < 2m").limit, 120_000.0));
        assert!(
            close(rule("p(50) < 1.5 s").limit, 1500.0),
            "space before the unit"
        );
        // Exponents: 1.5e3 ms = 1500 ms, 2E-1 s = 200 ms; an `e` without digits is
        // a unit, and unknown.
        assert!(close(rule("p(95) < 1.5e3ms").limit, 1500.0));
        assert!(close(rule("p(95) < 2E-1 s").limit, 200.0));
        assert!(close(rule("error_rate < 1e-2").limit, 0.01));
        assert!(close(rule("requests > 1e+3").limit, 1000.0));
        assert!(err("p(95) < 1.5e ms").contains("unknown latency unit \"e\""));
        assert!(err("p(95) < 1e-400").contains("too small"));
        assert!(close(rule("error_rate <= 0e5").limit, 0.0));
        for (text, op) in [
            ("max < 1", Op::Lt),
            ("max <= 1", Op::Le),
            ("max > 1", Op::Gt),
            ("max >= 1", Op::Ge),
            ("max>=1", Op::Ge),
        ] {
            assert_eq!(rule(text).op, op, "{text}");
        }
        assert!(Op::Lt.holds(1.0, 2.0) && !Op::Lt.holds(2.0, 2.0) && Op::Le.holds(2.0, 2.0));
        assert!(Op::Gt.holds(3.0, 2.0) && !Op::Gt.holds(2.0, 2.0) && Op::Ge.holds(2.0, 2.0));
        assert_eq!((Op::Lt.worse(1.0, 2.0), Op::Gt.worse(1.0, 2.0)), (2.0, 1.0));
        assert_eq!(
            (Op::Lt.better(1.0, 2.0), Op::Gt.better(1.0, 2.0)),
            (1.0, 2.0)
        );
    }

    #[test]
    fn canonical_names() {
        assert_eq!(rule("P(99.9) < 1s").metric.to_string(), "p(99.9)");
        assert_eq!(rule("p( 95 ) < 1s").metric.to_string(), "p(95)");
        assert_eq!(rule("avg < 1s").metric.to_string(), "mean");
        assert_eq!(rule("average < 1s").metric.to_string(), "mean");
        // Everyone's spellings of a percentile, one meaning each.
        assert_eq!(rule("p95 < 500ms").metric.to_string(), "p(95)");
        assert_eq!(rule("P99.9 < 1s").metric.to_string(), "p(99.9)");
        assert_eq!(rule("median < 1s").metric.to_string(), "p(50)");
        assert_eq!(rule("RC(5XX) < 1%").metric.to_string(), "rc(5xx)");
        assert_eq!(rule("apdex > 0.9").metric.to_string(), "apdex(500ms)");
        assert_eq!(rule("apdex(1s) > 0.9").metric.to_string(), "apdex(1s)");
        assert_eq!(
            rule("apdex(300ms, 1.5s) > 0.9").metric.to_string(),
            "apdex(300ms, 1.5s)"
        );
        assert_eq!(rule("error_rate < 1%").limit_display(), "1%");
        assert_eq!(rule("p(99) < 1s").limit_display(), "1 s");
        assert_eq!(rule("apdex > 0.9").limit_display(), "0.90");
    }

    #[test]
    fn rule_errors_explain() {
        assert_eq!(
            err("95th < 500ms"),
            "unknown metric \"95th\" — did you mean \"p(95)\"?"
        );
        assert!(err("p95th < 1s").contains("did you mean \"p(95)\""));
        assert!(err("p0.95 < 1s").contains("for 95 % write p(95)"));
        assert!(err("throughpt >= 1000/s").contains("did you mean \"throughput\""));
        assert!(err("error-rate < 1%").contains("did you mean \"error_rate\""));
        assert!(err("errors < 1%").contains("did you mean \"error_rate\""));
        assert!(err("tps > 10").contains("did you mean \"throughput\""));
        assert!(err("latency < 1s").contains("metrics: throughput"));
        assert!(err("rc5?? < 1%").contains("did you mean \"rc(5xx)\""));
        assert!(err("rc500 < 1%").contains("did you mean \"rc(500)\""));
        assert!(err("apdx > 0.9").contains("did you mean \"apdex(500ms)\""));
        assert!(err("rc(6xx) < 1%").contains("rc(5xx)"));
        assert!(err("rc(42) < 1%").contains("rc(429)"));
        assert!(err("rc < 1%").contains("rc(5xx)"));
        assert!(err("rc(5xx) < 1ms").contains("ratio"));
        assert!(err("apdex(fast) > 0.9").contains("not a threshold"));
        assert!(err("apdex(1s, 500ms) > 0.9").contains("F must be above T"));
        assert!(err("apdex(1s, 2s, 3s) > 0.9").contains("takes T"));
        assert!(err("apdex > 90%").contains("score"));
        assert!(err("apdex > 90").contains("more than 1"));
        assert!(err("checks > 0.9").contains("not supported"));
        assert!(err("p(100) < 1s").contains("max"));
        assert!(err("p(0) < 1s").contains("between 0 and 100"));
        assert!(err("p(x) < 1s").contains("must be a number"));
        assert!(err("p(95 < 1s").contains("missing \")\""));
        assert!(err("p < 1s").contains("p(95)"));
        assert!(err("max(3) < 1s").contains("no argument"));
        assert!(err("p(95) = 500ms").contains("expected a comparison"));
        assert!(err("p(95)").contains("expected a comparison"));
        assert!(err("p(95) <").contains("expected a number"));
        assert!(err("p(95) < fast").contains("expected a number"));
        assert!(err("p(95) < 500 sec").contains("unknown latency unit \"sec\""));
        assert!(err("p(95) < 5%").contains("latency unit"));
        assert!(err("throughput >= 1000ms").contains("requests per second"));
        assert!(err("throughput >= 1,000/s").contains("without commas"));
        assert!(err("error_rate < 1ms").contains("ratio"));
        assert!(err("availability > 99.9").contains("did you mean 99.9%?"));
        assert!(err("error_rate < 120%").contains("more than 100%"));
        assert!(err("requests > 10.5").contains("whole number"));
        assert!(err("requests > 10/s").contains("no unit"));
        // Other spellings of a rate: read when they mean one rate, refused with the
        // number written out when a prefix scales it (qa21).
        assert!(close(rule("throughput > 6000/min").limit, 100.0));
        assert!(close(rule("throughput > 100 rps").limit, 100.0));
        assert!(close(rule("goodput > 7200/h").limit, 2.0));
        assert!(err("throughput > 1k/s").contains("\"1000/s\""));
        assert!(err("throughput > 1.1krps").contains("\"1100rps\""));
        assert!(err("throughput > 5/fortnight").contains("6000/min"));
        assert!(err("error_rate < 1").contains("write 1%"));
        assert!(err("availability >= 1.0").contains("100%"));
        assert!(close(rule("availability >= 100%").limit, 1.0));
        assert!(err("p(0.95) < 1s").contains("p(95)"));
        assert!(err("p(0.999) < 1s").contains("p(99.9)"));
        assert!(err("95th < 1s").contains("did you mean \"p(95)\""));
        assert!(err("p99.9th < 1s").contains("did you mean \"p(99.9)\""));
        assert!(err("pct99 < 1s").contains("did you mean \"p(99)\""));
        assert!(err("  ").contains("empty rule"));
        assert!(err("< 5").contains("starts with a metric"));
    }
}
