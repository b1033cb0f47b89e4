//! One SLA rule and its grammar: `METRIC OP VALUE[UNIT] [WINDOW]`.
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
//! The rule is read by a small cursor parser in parts (metric, comparison, limit,
//! window), each with its own error that says what was expected and, for a metric,
//! the nearest valid name. Severity is not part of the text: it belongs to the long
//! form (`[[rule]]`, see `parse.rs`), so that a rule reads the same in every section.

use std::fmt;

use serde::Serialize;

use crate::analysis::units::{format_quantity, UnitKind};

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

/// `500ms`, `2s`, `1.5s`: a threshold the way a rule writes it.
fn duration_text(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{}s", ms / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// A comparison between a measured value and a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
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

/// What a failed rule means for the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A miss makes the verdict NO-GO and `check` exit 1 (the default).
    Fail,
    /// A miss makes the verdict at most CONDITIONAL.
    Warn,
}

/// Metric names offered in "did you mean" suggestions and in the list of valid ones.
const METRIC_NAMES: [&str; 12] = [
    "throughput",
    "goodput",
    "p(N)",
    "mean",
    "avg",
    "min",
    "max",
    "error_rate",
    "availability",
    "requests",
    "rc(5xx)",
    "apdex(500ms)",
];

/// Metrics that take no argument.
const PLAIN_METRICS: [&str; 9] = [
    "throughput",
    "goodput",
    "mean",
    "avg",
    "min",
    "max",
    "error_rate",
    "availability",
    "requests",
];

/// Other tools' words for a metric, offered as "did you mean" (never accepted, so
/// that every SLA file reads the same).
const ALIASES: [(&str, &str); 16] = [
    ("errors", "error_rate"),
    ("error", "error_rate"),
    ("err_rate", "error_rate"),
    ("failure_rate", "error_rate"),
    ("failures", "error_rate"),
    ("http_req_failed", "error_rate"),
    ("rps", "throughput"),
    ("tps", "throughput"),
    ("rate", "throughput"),
    ("hits", "throughput"),
    ("uptime", "availability"),
    ("success_rate", "availability"),
    ("average", "mean"),
    ("avg-rt", "mean"),
    ("median", "p(50)"),
    ("count", "requests"),
];

/// Metrics of other tools' vocabularies headroom does not judge (yet); named so that
/// the error says "not supported" instead of "unknown".
const LATER_METRICS: [&str; 2] = ["checks", "iterations"];

impl Rule {
    /// Parses one rule, e.g. `p(99.9) <= 2s`, `error_rate < 0.1%`,
    /// `throughput >= 1000/s in every 60s`. The error has no line; the file parser
    /// adds it.
    pub fn parse(text: &str) -> Result<Rule, super::SlaError> {
        parse_rule(text.trim()).map_err(|message| super::SlaError {
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

/// A cursor over the rule text.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Takes the longest prefix whose chars satisfy `f`.
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let end = rest.find(|c: char| !f(c)).unwrap_or(rest.len());
        self.pos += end;
        &rest[..end]
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }

    /// The next whitespace-separated word, for error messages.
    fn next_word(&self) -> &'a str {
        self.rest()
            .split_whitespace()
            .next()
            .unwrap_or("the end of the rule")
    }
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    if text.is_empty() {
        return Err("empty rule; write e.g. \"p(95) < 500ms\"".to_string());
    }
    let mut c = Cursor { s: text, pos: 0 };
    let metric = parse_metric(&mut c)?;
    c.skip_ws();
    let op = parse_op(&mut c, &metric)?;
    c.skip_ws();
    let value = parse_number(&mut c, &metric)?;
    c.skip_ws();
    // The unit runs up to the next space: `ms`, `%`, `/s`, `req/s`.
    let unit = c.take_while(|ch| !ch.is_whitespace());
    let limit = apply_unit(metric, value, unit)?;
    if !limit.is_finite() {
        return Err(format!(
            "the limit of {metric} is too large once in its unit: write a smaller one"
        ));
    }
    c.skip_ws();
    let window = parse_window(&mut c)?;
    Ok(Rule {
        text: text.to_string(),
        line: None,
        metric,
        op,
        limit,
        severity: Severity::Fail,
        window,
    })
}

/// The optional tail: `in every DURATION` or `for DURATION`.
fn parse_window(c: &mut Cursor<'_>) -> Result<Option<Window>, String> {
    let tail = c.rest();
    if tail.is_empty() {
        return Ok(None);
    }
    let words: Vec<&str> = tail.split_whitespace().collect();
    let (make, duration): (fn(u64) -> Window, &[&str]) = match words.as_slice() {
        ["in", "every", rest @ ..] | ["every", rest @ ..] => (Window::Every, rest),
        ["for", rest @ ..] => (Window::For, rest),
        ["in", ..] => return Err(format!("\"{tail}\": a window is written \"in every 60s\"")),
        [first, ..] if matches!(*first, "severity" | "warn" | "fail") => {
            return Err(format!(
                "\"{tail}\": severity is not part of a rule; use the long form: [[rule]] with \
                 expr = \"…\" and severity = \"warn\""
            ))
        }
        [first, ..] if matches!(*first, "over" | "within" | "during") => {
            return Err(format!(
                "\"{tail}\": write \"in every 60s\" (must hold in every rolling window) or \
                 \"for 30s\" (fails only when breached that long)"
            ))
        }
        _ => {
            return Err(format!(
                "unexpected \"{tail}\" after the limit; a rule is METRIC OP VALUE[UNIT], \
                 optionally followed by \"in every 60s\" or \"for 30s\""
            ))
        }
    };
    let joined = duration.join("");
    if joined.is_empty() {
        return Err(format!("\"{tail}\": missing the duration, e.g. 60s"));
    }
    let ms = parse_duration_ms(&joined).ok_or_else(|| {
        format!("bad duration \"{joined}\" in \"{tail}\"; use e.g. 30s, 5m, 500ms")
    })?;
    if ms == 0 {
        return Err(format!("\"{tail}\": the duration must be more than 0"));
    }
    Ok(Some(make(ms)))
}

/// `60s`, `5m`, `1.5s`, `500ms`, `1h` → ms. A unit is required: a bare number could
/// be seconds or ms.
fn parse_duration_ms(s: &str) -> Option<u64> {
    let split = s.find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))?;
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let scale = match unit {
        "ms" => 1.0,
        "s" | "sec" => 1000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    let ms = v * scale;
    // Longer than any run (8,000 years) is a typo, and would overflow later.
    (ms.is_finite() && ms >= 0.0 && ms <= crate::model::LATEST_MS as f64).then(|| ms.round() as u64)
}

fn parse_metric(c: &mut Cursor<'_>) -> Result<Metric, String> {
    // Digits, dots, dashes and `?`/`*` belong to the name so that `p95`, `p99.9`,
    // `error-rate` and Taurus' `rc5??` come out whole and get a useful suggestion.
    let name = c.take_while(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '.' | '-' | '?' | '*'));
    if name.is_empty() {
        return Err(format!(
            "a rule starts with a metric, found \"{}\"; metrics: {}",
            c.rest(),
            METRIC_NAMES.join(", ")
        ));
    }
    let args = if c.eat("(") {
        let inner = c.take_while(|ch| ch != ')');
        if !c.eat(")") {
            return Err(format!("missing \")\" after \"{name}({inner}\""));
        }
        Some(inner.trim())
    } else {
        None
    };
    let lower = name.to_ascii_lowercase();
    match (lower.as_str(), args) {
        ("p", Some(arg)) => {
            let p: f64 = arg
                .parse()
                .map_err(|_| format!("p({arg}): the percentile must be a number, e.g. p(95)"))?;
            if !(p > 0.0 && p < 100.0) {
                return Err(if p == 100.0 {
                    "p(100) is the largest latency: write \"max\"".to_string()
                } else {
                    format!("p({arg}): the percentile must be between 0 and 100, e.g. p(99.9)")
                });
            }
            Ok(Metric::Percentile(p))
        }
        ("p", None) => Err("\"p\" needs a percentile in parentheses, e.g. p(95)".to_string()),
        ("rc", Some(arg)) => parse_status_class(arg).map(Metric::StatusShare),
        ("rc", None) => Err(
            "\"rc\" needs a status or a class in parentheses, e.g. rc(5xx) or rc(429)".to_string(),
        ),
        ("apdex", args) => parse_apdex(args.unwrap_or("")),
        ("throughput", None) => Ok(Metric::Throughput),
        ("goodput", None) => Ok(Metric::Goodput),
        ("mean" | "avg", None) => Ok(Metric::Mean),
        ("min", None) => Ok(Metric::Min),
        ("max", None) => Ok(Metric::Max),
        ("error_rate", None) => Ok(Metric::ErrorRate),
        ("availability", None) => Ok(Metric::Availability),
        ("requests", None) => Ok(Metric::Requests),
        (n, _) if LATER_METRICS.contains(&n) => Err(format!(
            "metric \"{name}\" is not supported; metrics: {}",
            METRIC_NAMES.join(", ")
        )),
        (_, Some(arg)) if PLAIN_METRICS.contains(&lower.as_str()) => Err(format!(
            "metric \"{name}\" takes no argument, found \"({arg})\""
        )),
        _ => {
            let written = match args {
                Some(a) => format!("{name}({a})"),
                None => name.to_string(),
            };
            Err(unknown_metric(&written))
        }
    }
}

/// `429` → one code, `5xx` (any case) → a class.
fn parse_status_class(arg: &str) -> Result<StatusClass, String> {
    let lower = arg.to_ascii_lowercase();
    let bad =
        || format!("rc({arg}): write a status (rc(429)) or a class (rc(5xx)), from 1xx to 5xx");
    if let Some(d) = lower.strip_suffix("xx") {
        return match d.parse::<u8>() {
            Ok(d @ 1..=5) if lower.len() == 3 => Ok(StatusClass::Class(d)),
            _ => Err(bad()),
        };
    }
    match lower.parse::<u16>() {
        Ok(c @ 100..=599) => Ok(StatusClass::Code(c)),
        _ => Err(bad()),
    }
}

/// `apdex`, `apdex(500ms)`, `apdex(0.5s, 2s)`: T (default 500 ms) and F (default 4T).
fn parse_apdex(args: &str) -> Result<Metric, String> {
    let parts: Vec<&str> = args
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let threshold = |s: &str| -> Result<f64, String> {
        // No unit means ms, as for every latency.
        let s = s.replace(' ', "");
        let ms = if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            s.parse::<f64>().ok()
        } else {
            parse_duration_ms(&s).map(|ms| ms as f64)
        };
        ms.filter(|ms| *ms > 0.0).ok_or_else(|| {
            format!("apdex({args}): \"{s}\" is not a threshold; write e.g. apdex(500ms) or apdex(500ms, 2s)")
        })
    };
    let (t_ms, f_ms) = match parts.as_slice() {
        [] => (APDEX_DEFAULT_T_MS, 4.0 * APDEX_DEFAULT_T_MS),
        [t] => {
            let t = threshold(t)?;
            (t, 4.0 * t)
        }
        [t, f] => (threshold(t)?, threshold(f)?),
        _ => {
            return Err(format!(
                "apdex({args}): takes T and optionally F, e.g. apdex(500ms) or apdex(500ms, 2s)"
            ))
        }
    };
    if f_ms <= t_ms {
        return Err(format!(
            "apdex({args}): F must be above T (the default F is 4T)"
        ));
    }
    Ok(Metric::Apdex { t_ms, f_ms })
}

/// `unknown metric "p95" — did you mean "p(95)"?`, or the list of valid metrics when
/// nothing is close.
fn unknown_metric(written: &str) -> String {
    let lower = written.to_ascii_lowercase();
    if let Some((_, m)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return format!("unknown metric \"{written}\" — did you mean \"{m}\"?");
    }
    // Taurus writes `rc500`, `rc5??`, `rc5xx`: offer `rc(…)` with what was written.
    if let Some(code) = lower.strip_prefix("rc").filter(|r| r.len() == 3) {
        let class = code.replace(['?', '*'], "x");
        if parse_status_class(&class).is_ok() {
            return format!("unknown metric \"{written}\" — did you mean \"rc({class})\"?");
        }
    }
    // `p95`/`P99.9` is the commonest slip (Gatling/Locust spelling): offer `p(…)` with
    // the very number written; otherwise the nearest name by edit distance, with the
    // generic `p(N)` made concrete so that it can be compared.
    let digits: String = written
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let pct = if digits.is_empty() {
        "95".to_string()
    } else {
        digits
    };
    // (what the written name is compared with, what is suggested)
    let candidates: Vec<(String, String)> = METRIC_NAMES
        .iter()
        .map(|m| match *m {
            "p(N)" => (format!("p({pct})"), format!("p({pct})")),
            "apdex(500ms)" => ("apdex".to_string(), m.to_string()),
            "rc(5xx)" => ("rc".to_string(), m.to_string()),
            _ => (m.to_string(), m.to_string()),
        })
        .collect();
    let best = candidates
        .iter()
        .map(|(key, shown)| (edit_distance(&lower, key), shown))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= (lower.chars().count() / 2).max(2));
    match best {
        Some((_, c)) => format!("unknown metric \"{written}\" — did you mean \"{c}\"?"),
        None => format!(
            "unknown metric \"{written}\"; metrics: {}",
            METRIC_NAMES.join(", ")
        ),
    }
}

fn parse_op(c: &mut Cursor<'_>, metric: &Metric) -> Result<Op, String> {
    for (s, op) in [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)] {
        if c.eat(s) {
            return Ok(op);
        }
    }
    Err(format!(
        "expected a comparison (<, <=, >, >=) after \"{metric}\", found \"{}\"",
        c.next_word()
    ))
}

fn parse_number(c: &mut Cursor<'_>, metric: &Metric) -> Result<f64, String> {
    // `_` groups digits as in TOML (1_000); a comma is refused rather than guessed,
    // because `1,5` could be a decimal comma.
    let digits = c.take_while(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '_' | ','));
    if digits.is_empty() {
        return Err(format!(
            "expected a number after the comparison, found \"{}\"",
            c.next_word()
        ));
    }
    if digits.contains(',') {
        return Err(format!(
            "write \"{}\" without commas",
            digits.replace(',', "")
        ));
    }
    // Long digit runs are cut in messages: the file may hold anything.
    let shown: String = if digits.chars().count() > 24 {
        format!("{}…", digits.chars().take(24).collect::<String>())
    } else {
        digits.to_string()
    };
    let v: f64 = digits
        .replace('_', "")
        .parse()
        .map_err(|_| format!("\"{shown}\" is not a number (limit of {metric})"))?;
    if !v.is_finite() {
        return Err(format!(
            "\"{shown}\" is too large a number (limit of {metric}): write a limit that fits \
             the metric"
        ));
    }
    Ok(v)
}

/// Converts the written value to the metric's unit, refusing units of another kind.
fn apply_unit(metric: Metric, value: f64, unit: &str) -> Result<f64, String> {
    match metric.kind() {
        UnitKind::LatencyMs => {
            // No unit means ms, as in k6 thresholds.
            let scale = match unit {
                "" | "ms" => 1.0,
                "us" | "µs" | "μs" => 0.001,
                "s" => 1000.0,
                "m" | "min" => 60_000.0,
                _ => {
                    return Err(format!(
                        "unknown latency unit \"{unit}\" in {metric}; use us, ms, s or m \
                         (no unit = ms)"
                    ))
                }
            };
            Ok(value * scale)
        }
        UnitKind::Rate => match unit {
            "" | "/s" | "req/s" => Ok(value),
            _ => Err(format!(
                "{metric} is in requests per second: write \"{value}/s\", not \"{value}{unit}\""
            )),
        },
        UnitKind::Ratio => {
            let (v, shown) = match unit {
                "%" => (value / 100.0, format!("{value}%")),
                "" => (value, value.to_string()),
                _ => {
                    return Err(format!(
                        "{metric} is a ratio: write a percentage (0.1%) or a fraction (0.001), \
                         not \"{value}{unit}\""
                    ))
                }
            };
            if v > 1.0 {
                return Err(if unit.is_empty() && value <= 100.0 {
                    format!(
                        "{metric} {shown} is more than 1; a bare number is a fraction — \
                         did you mean {value}%?"
                    )
                } else {
                    format!("{metric} {shown} is more than 100%")
                });
            }
            Ok(v)
        }
        UnitKind::Score => {
            if !unit.is_empty() {
                return Err(format!(
                    "{metric} is a score between 0 and 1 and takes no unit, found \"{unit}\" \
                     (write e.g. 0.9)"
                ));
            }
            if value > 1.0 {
                return Err(format!(
                    "{metric} is a score between 0 and 1: {value} is more than 1"
                ));
            }
            Ok(value)
        }
        UnitKind::Count => {
            if !unit.is_empty() {
                return Err(format!(
                    "requests is a count and takes no unit, found \"{unit}\""
                ));
            }
            if value.fract() != 0.0 {
                return Err(format!(
                    "requests is a count: {value} is not a whole number"
                ));
            }
            Ok(value)
        }
    }
}

/// Levenshtein distance over chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
            err("p95 < 500ms"),
            "unknown metric \"p95\" — did you mean \"p(95)\"?"
        );
        assert!(err("P99.9 < 1s").contains("did you mean \"p(99.9)\""));
        assert!(err("throughpt >= 1000/s").contains("did you mean \"throughput\""));
        assert!(err("error-rate < 1%").contains("did you mean \"error_rate\""));
        assert!(err("errors < 1%").contains("did you mean \"error_rate\""));
        assert!(err("median < 1s").contains("did you mean \"p(50)\""));
        assert!(err("rps > 10").contains("did you mean \"throughput\""));
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
        assert!(err("  ").contains("empty rule"));
        assert!(err("< 5").contains("starts with a metric"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("peek", "peak"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
