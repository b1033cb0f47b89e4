//! Reading an SLA file (TOML, format v1) and its rules.
//!
//! A rule is k6-style text, `METRIC OP VALUE[UNIT]`, e.g. `p(95) < 500ms`. The rule is
//! read by a small cursor parser in three parts (metric, comparison, limit) and
//! whatever follows the limit is kept apart as the *tail*: SLA v2 will put windows
//! (`in every 60s`), durations (`for 30s`) and severities there, and new metrics
//! (`rc(5xx)`, `apdex(500ms)`) slot into [`Metric`] without touching the rest. In v1 a
//! tail is an error that says so.
//!
//! Every error names the line of the SLA file it comes from: rule strings and scope
//! names are deserialised with their byte spans (`toml::Spanned`), which are exact
//! even when the same rule text appears twice.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::SlaError;
use crate::analysis::units::{format_quantity, UnitKind};

/// A parsed SLA file: the rules of each scope, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaSpec {
    verdict_stages: Option<Vec<String>>,
    /// Line of `verdict_stages`, for errors about the names in it.
    pub(crate) verdict_stages_line: Option<usize>,
    /// `[global]` rules: every stage and overall.
    pub global: Vec<Rule>,
    /// `[stage.NAME]` sections, in file order.
    pub stages: Vec<ScopeRules>,
    /// `[endpoint."KEY"]` sections, in file order.
    pub endpoints: Vec<ScopeRules>,
}

/// The rules of one named scope (a stage or an endpoint).
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeRules {
    /// Stage name or endpoint key as written in the file.
    pub name: String,
    /// Line of the section name.
    pub line: usize,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

/// One rule: `metric op limit`.
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
    /// The limit in the metric's unit: ms, req/s, a fraction, or a count.
    pub limit: f64,
    /// What a miss means for the verdict (always [`Severity::Fail`] in v1).
    pub severity: Severity,
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
}

impl Metric {
    /// The kind of value, which fixes its unit.
    pub fn kind(self) -> UnitKind {
        match self {
            Metric::Throughput | Metric::Goodput => UnitKind::Rate,
            Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max => UnitKind::LatencyMs,
            Metric::ErrorRate | Metric::Availability => UnitKind::Ratio,
            Metric::Requests => UnitKind::Count,
        }
    }
}

impl fmt::Display for Metric {
    /// The canonical spelling: `p(95)`, `p(99.9)`, `mean` (also for `avg`), …
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
        }
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
}

/// What a failed rule means for the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A miss makes the verdict NO-GO (every v1 rule).
    Fail,
    /// A miss makes the verdict at most CONDITIONAL (SLA v2).
    Warn,
}

/// Metric names offered in "did you mean" suggestions and in the list of valid ones.
const METRIC_NAMES: [&str; 10] = [
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
];

/// Other tools' words for a metric, offered as "did you mean" (never accepted, so
/// that every SLA file reads the same).
const ALIASES: [(&str, &str); 14] = [
    ("errors", "error_rate"),
    ("error", "error_rate"),
    ("err_rate", "error_rate"),
    ("failure_rate", "error_rate"),
    ("failures", "error_rate"),
    ("http_req_failed", "error_rate"),
    ("rps", "throughput"),
    ("tps", "throughput"),
    ("rate", "throughput"),
    ("uptime", "availability"),
    ("success_rate", "availability"),
    ("average", "mean"),
    ("median", "p(50)"),
    ("count", "requests"),
];

/// Metrics of the k6/SLA vocabulary that a later version will add; named so that the
/// error says "not yet" instead of "unknown".
const LATER_METRICS: [&str; 4] = ["rc", "apdex", "checks", "iterations"];

// The file as TOML sees it. `deny_unknown_fields` turns a misspelt key or section into
// an error whose span gives the line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Option<Spanned<i64>>,
    global: Option<RawGlobal>,
    #[serde(default)]
    stage: BTreeMap<Spanned<String>, RawScope>,
    #[serde(default)]
    endpoint: BTreeMap<Spanned<String>, RawScope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlobal {
    verdict_stages: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
}

impl SlaSpec {
    /// Parses an SLA file. Errors carry the 1-based line they concern: TOML syntax,
    /// unknown keys or sections, malformed rules (with the nearest valid metric), an
    /// empty `verdict_stages`, a file without any rule. Whether the stage and endpoint
    /// names exist is checked against the data by [`super::evaluate`].
    pub fn parse(text: &str) -> Result<SlaSpec, SlaError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| SlaError {
            line: e.span().map(|s| line_of(text, s.start)),
            // toml's messages may span lines ("invalid array\nexpected `]`"); keep
            // one line, as every other SLA error.
            message: e.message().trim().lines().collect::<Vec<_>>().join("; "),
        })?;
        if let Some(v) = &raw.version {
            if *v.get_ref() != 1 {
                return Err(SlaError {
                    line: Some(line_of(text, v.span().start)),
                    message: format!(
                        "SLA format version {} is not supported; this headroom reads version 1",
                        v.get_ref()
                    ),
                });
            }
        }
        let rules = |list: &[Spanned<String>]| -> Result<Vec<Rule>, SlaError> {
            list.iter()
                .map(|r| {
                    let line = line_of(text, r.span().start);
                    Rule::parse(r.get_ref())
                        .map(|rule| rule.at_line(line))
                        .map_err(|e| SlaError {
                            line: Some(line),
                            message: e.message,
                        })
                })
                .collect()
        };
        let (mut verdict_stages, mut verdict_stages_line, mut global) = (None, None, Vec::new());
        if let Some(g) = &raw.global {
            global = rules(&g.rules)?;
            if let Some(vs) = &g.verdict_stages {
                let line = line_of(text, vs.span().start);
                if vs.get_ref().is_empty() {
                    return Err(SlaError {
                        line: Some(line),
                        message: "verdict_stages is empty; leave it out to let every stage \
                                  decide the verdict"
                            .to_string(),
                    });
                }
                verdict_stages = Some(vs.get_ref().iter().map(|s| s.get_ref().clone()).collect());
                verdict_stages_line = Some(line);
            }
        }
        // Sections come back sorted by name; put them in file order first, so that
        // the report lists them as written and the first error reported is the
        // first in the file.
        let scopes = |map: &BTreeMap<Spanned<String>, RawScope>| {
            let mut sections: Vec<_> = map.iter().collect();
            sections.sort_by_key(|(name, _)| name.span().start);
            sections
                .into_iter()
                .map(|(name, scope)| {
                    Ok(ScopeRules {
                        name: name.get_ref().clone(),
                        line: line_of(text, name.span().start),
                        rules: rules(&scope.rules)?,
                    })
                })
                .collect::<Result<Vec<_>, SlaError>>()
        };
        let spec = SlaSpec {
            verdict_stages,
            verdict_stages_line,
            global,
            stages: scopes(&raw.stage)?,
            endpoints: scopes(&raw.endpoint)?,
        };
        if spec.rule_count() == 0 {
            return Err(SlaError {
                line: None,
                message: "the SLA file has no rules; add e.g. `rules = [\"p(95) < 500ms\"]` \
                          under [global]"
                    .to_string(),
            });
        }
        Ok(spec)
    }

    /// The stages named by `[global] verdict_stages`; `None` means every stage decides.
    pub fn verdict_stages(&self) -> Option<&[String]> {
        self.verdict_stages.as_deref()
    }

    /// Number of rules in every scope.
    pub fn rule_count(&self) -> usize {
        self.global.len()
            + self.stages.iter().map(|s| s.rules.len()).sum::<usize>()
            + self.endpoints.iter().map(|s| s.rules.len()).sum::<usize>()
    }
}

impl Rule {
    /// Parses one rule, e.g. `p(99.9) <= 2s`, `error_rate < 0.1%`,
    /// `throughput >= 1000/s`. The error has no line; [`SlaSpec::parse`] adds it.
    pub fn parse(text: &str) -> Result<Rule, SlaError> {
        parse_rule(text.trim()).map_err(|message| SlaError {
            line: None,
            message,
        })
    }

    fn at_line(mut self, line: usize) -> Rule {
        self.line = Some(line);
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
    c.skip_ws();
    let tail = c.rest();
    if !tail.is_empty() {
        let first = tail.split_whitespace().next().unwrap_or_default();
        return Err(
            if matches!(first, "in" | "for" | "over" | "severity" | "warn" | "fail") {
                format!(
                    "\"{tail}\": time windows, durations and severities come with SLA v2; \
                 v1 rules are METRIC OP VALUE[UNIT]"
                )
            } else {
                format!("unexpected \"{tail}\" after the limit; a rule is METRIC OP VALUE[UNIT]")
            },
        );
    }
    Ok(Rule {
        text: text.to_string(),
        line: None,
        metric,
        op,
        limit,
        severity: Severity::Fail,
    })
}

fn parse_metric(c: &mut Cursor<'_>) -> Result<Metric, String> {
    // Digits, dots and dashes belong to the name so that `p95`, `p99.9` and
    // `error-rate` come out whole and get a useful suggestion.
    let name = c.take_while(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '.' | '-'));
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
        ("throughput", None) => Ok(Metric::Throughput),
        ("goodput", None) => Ok(Metric::Goodput),
        ("mean" | "avg", None) => Ok(Metric::Mean),
        ("min", None) => Ok(Metric::Min),
        ("max", None) => Ok(Metric::Max),
        ("error_rate", None) => Ok(Metric::ErrorRate),
        ("availability", None) => Ok(Metric::Availability),
        ("requests", None) => Ok(Metric::Requests),
        (n, _) if LATER_METRICS.contains(&n) => Err(format!(
            "metric \"{name}\" is planned for SLA v2 and not supported yet; metrics: {}",
            METRIC_NAMES.join(", ")
        )),
        (_, Some(arg)) if METRIC_NAMES.contains(&lower.as_str()) => Err(format!(
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

/// `unknown metric "p95" — did you mean "p(95)"?`, or the list of valid metrics when
/// nothing is close.
fn unknown_metric(written: &str) -> String {
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
    let candidates: Vec<String> = METRIC_NAMES
        .iter()
        .map(|m| {
            if *m == "p(N)" {
                format!("p({pct})")
            } else {
                m.to_string()
            }
        })
        .collect();
    let lower = written.to_ascii_lowercase();
    if let Some((_, m)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return format!("unknown metric \"{written}\" — did you mean \"{m}\"?");
    }
    let best = candidates
        .iter()
        .map(|c| (edit_distance(&lower, c), c))
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
    let found = c
        .rest()
        .split_whitespace()
        .next()
        .unwrap_or("the end of the rule");
    Err(format!(
        "expected a comparison (<, <=, >, >=) after \"{metric}\", found \"{found}\""
    ))
}

fn parse_number(c: &mut Cursor<'_>, metric: &Metric) -> Result<f64, String> {
    // `_` groups digits as in TOML (1_000); a comma is refused rather than guessed,
    // because `1,5` could be a decimal comma.
    let digits = c.take_while(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '_' | ','));
    if digits.is_empty() {
        let found = c
            .rest()
            .split_whitespace()
            .next()
            .unwrap_or("the end of the rule");
        return Err(format!(
            "expected a number after the comparison, found \"{found}\""
        ));
    }
    if digits.contains(',') {
        return Err(format!(
            "write \"{}\" without commas",
            digits.replace(',', "")
        ));
    }
    let v: f64 = digits
        .replace('_', "")
        .parse()
        .map_err(|_| format!("\"{digits}\" is not a number (limit of {metric})"))?;
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

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    // A span may point inside a multi-byte char only if toml misbehaves; stay safe.
    let prefix = text.get(..end).unwrap_or(text);
    prefix.bytes().filter(|b| *b == b'\n').count() + 1
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

/// The names nearest to `wanted` (case-insensitive edit distance), at most three,
/// only those close enough to be a plausible slip.
pub(crate) fn nearest<'a>(wanted: &str, names: &'a [String]) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (edit_distance(&w, &n.to_lowercase()), n.as_str()))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    // Offer only the closest: a near-miss of one name should not drag in others.
    let best = scored.first().map_or(0, |(d, _)| *d);
    scored
        .into_iter()
        .take_while(|(d, _)| *d <= best + 1)
        .take(3)
        .map(|(_, n)| n)
        .collect()
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
        let cases: [(&str, Metric, f64); 13] = [
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
        ];
        for (text, metric, limit) in cases {
            let r = rule(text);
            assert_eq!(r.metric, metric, "{text}");
            assert!(close(r.limit, limit), "{text}: {} vs {limit}", r.limit);
            assert_eq!(r.severity, Severity::Fail);
            assert_eq!(r.text, text);
        }
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
    }

    #[test]
    fn canonical_names() {
        assert_eq!(rule("P(99.9) < 1s").metric.to_string(), "p(99.9)");
        assert_eq!(rule("p( 95 ) < 1s").metric.to_string(), "p(95)");
        assert_eq!(rule("avg < 1s").metric.to_string(), "mean");
        assert_eq!(rule("error_rate < 1%").limit_display(), "1%");
        assert_eq!(rule("p(99) < 1s").limit_display(), "1 s");
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
        assert!(err("rc(5xx) < 1%").contains("SLA v2"));
        assert!(err("apdex(500ms) > 0.9").contains("SLA v2"));
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
        assert!(err("p(95) < 500ms in every 60s").contains("SLA v2"));
        assert!(err("p(95) < 500ms please").contains("unexpected"));
        assert!(err("  ").contains("empty rule"));
        assert!(err("< 5").contains("starts with a metric"));
    }

    #[test]
    fn file_parses_in_file_order_with_lines() {
        let text = r#"
[global]
verdict_stages = ["peak"]
rules = [
  "throughput >= 1000/s",
  "p(95) < 500ms",
]

[stage.target]
rules = ["p(95) < 2500ms"]

[stage.baseline]
rules = ["p(95) < 500ms"]

[endpoint."POST /api/v1/agents/run"]
rules = ["p(95) < 5s"]
"#;
        let spec = SlaSpec::parse(text).unwrap();
        assert_eq!(spec.verdict_stages(), Some(&["peak".to_string()][..]));
        assert_eq!(spec.verdict_stages_line, Some(3));
        assert_eq!(spec.global.len(), 2);
        assert_eq!(spec.global[0].line, Some(5));
        assert_eq!(spec.global[1].line, Some(6));
        let names: Vec<_> = spec
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(names, [("target", 9), ("baseline", 12)]);
        assert_eq!(spec.stages[1].rules[0].line, Some(13));
        assert_eq!(spec.endpoints[0].name, "POST /api/v1/agents/run");
        assert_eq!(spec.endpoints[0].line, 15);
        assert!(close(spec.endpoints[0].rules[0].limit, 5000.0));
        assert_eq!(spec.rule_count(), 5);
    }

    #[test]
    fn file_errors_name_the_line() {
        let e = SlaSpec::parse("[global]\nrules = [\n  \"p(95) < 1s\",\n  \"p95 < 500ms\",\n]\n")
            .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(
            e.to_string(),
            "line 4: unknown metric \"p95\" — did you mean \"p(95)\"?"
        );

        // The same text twice: the span, not a text search, finds the right one.
        let e = SlaSpec::parse(
            "[global]\nrules = [\"p(95) < 1s\"]\n[stage.a]\nrules = [\"p(95) < 1 h\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));

        let e = SlaSpec::parse("[global]\nrulez = [\"p(95) < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("rulez"), "{e}");

        let e = SlaSpec::parse("[global]\nrules = []\n\n[stages.peak]\nrules = []\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("stages"), "{e}");

        let e = SlaSpec::parse("[stage.peak]\nverdict_stages = [\"peak\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));

        let e = SlaSpec::parse("[global]\nrules = [\"p(95) < 1s\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "TOML syntax error has a line: {e}");
        assert!(!e.message.contains('\n'), "{e}");

        let e =
            SlaSpec::parse("[global]\nverdict_stages = []\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));

        let e = SlaSpec::parse("version = 2\n[global]\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(SlaSpec::parse("version = 1\n[global]\nrules = [\"max < 1s\"]\n").is_ok());

        let e = SlaSpec::parse("[global]\n").unwrap_err();
        assert!(e.message.contains("no rules"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("peek", "peak"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let names: Vec<String> = ["baseline", "target", "peak", "stress"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest("Peek", &names), ["peak"]);
        assert!(nearest("warmup", &names).is_empty());
    }
}
