//! The grammar of one SLA rule, `METRIC OP VALUE[UNIT] [WINDOW]`, read by a small
//! cursor parser in parts (metric, comparison, limit, window), each with its own
//! error that says what was expected. The rule types are in `rule.rs`; the "did you
//! mean" for an unknown metric is in `suggest.rs`.

use crate::analysis::quantity::UnitKind;

use super::rule::{Metric, Op, Rule, Severity, StatusClass, Window, APDEX_DEFAULT_T_MS};
use super::suggest::unknown_metric;

/// Metric names offered in "did you mean" suggestions and in the list of valid ones.
pub(super) const METRIC_NAMES: [&str; 12] = [
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

/// True for a metric that takes no argument (the names in [`METRIC_NAMES`] without
/// parentheses).
fn is_plain_metric(name: &str) -> bool {
    METRIC_NAMES.iter().any(|m| !m.contains('(') && *m == name)
}

/// Metrics of other tools' vocabularies headroom does not judge (yet); named so that
/// the error says "not supported" instead of "unknown".
const LATER_METRICS: [&str; 2] = ["checks", "iterations"];

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

pub(super) fn parse_rule(text: &str) -> Result<Rule, String> {
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

/// A metric written on its own, as report.json has it (`p(95)`, `rc(5xx)`).
pub(super) fn metric_only(text: &str) -> Result<Metric, String> {
    let mut c = Cursor { s: text, pos: 0 };
    let m = parse_metric(&mut c)?;
    match c.rest().trim() {
        "" => Ok(m),
        rest => Err(format!("unexpected \"{rest}\" after the metric \"{m}\"")),
    }
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
    // `p95`, `P99.9`, `median`: Gatling's, Locust's and everyone's spelling of a
    // percentile, with one meaning only, read as `p(95)`, `p(99.9)`, `p(50)`.
    let number = name
        .get(1..)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()));
    let (lower, args) = match (lower.as_str(), args) {
        (l, None) if l.starts_with('p') && number.is_some_and(|n| n.parse::<f64>().is_ok()) => {
            ("p".to_string(), number)
        }
        ("median", None) => ("p".to_string(), Some("50")),
        _ => (lower, args),
    };
    match (lower.as_str(), args) {
        ("p", Some(arg)) => {
            let p: f64 = arg
                .parse()
                .map_err(|_| format!("p({arg}): the percentile must be a number, e.g. p(95)"))?;
            if p > 0.0 && p < 1.0 {
                // A quantile written as a fraction (Gatling's and JMeter's 0.95): the
                // 0.95th percentile is near the fastest request, not the 95th.
                let pct = format!("{}", (p * 100.0 * 1e6).round() / 1e6);
                return Err(format!(
                    "p({arg}) is the {arg}th percentile, next to the fastest request; a \
                     percentile is written out of 100: for {pct} % write p({pct})"
                ));
            }
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
        // `rps`: DESIGN's `throughput_rps` by its unit, requests ÷ the steady window —
        // one meaning only, as `p95` and `avg` are read.
        ("throughput" | "rps", None) => Ok(Metric::Throughput),
        ("goodput", None) => Ok(Metric::Goodput),
        ("mean" | "avg" | "average", None) => Ok(Metric::Mean),
        ("min", None) => Ok(Metric::Min),
        ("max", None) => Ok(Metric::Max),
        ("error_rate", None) => Ok(Metric::ErrorRate),
        ("availability", None) => Ok(Metric::Availability),
        ("requests", None) => Ok(Metric::Requests),
        (n, _) if LATER_METRICS.contains(&n) => Err(format!(
            "metric \"{name}\" is not supported; metrics: {}",
            METRIC_NAMES.join(", ")
        )),
        (_, Some(arg)) if is_plain_metric(&lower) => Err(format!(
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
pub(super) fn parse_status_class(arg: &str) -> Result<StatusClass, String> {
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

/// The error for a number written with a comma: thousands groups (`1,000`) are
/// written without it; anything else (`0,1`, `1,5`) reads as a decimal comma, written
/// with a point — never `01` for `0,1`, which is another limit.
fn comma_number(digits: &str) -> String {
    let groups: Vec<&str> = digits.split(',').collect();
    let thousands = !groups[0].is_empty()
        && groups[0].len() <= 3
        && !groups[0].starts_with('0')
        && groups[1..].iter().all(|g| g.len() == 3);
    match (thousands, groups.as_slice()) {
        (true, _) => format!("write \"{}\" without commas", digits.replace(',', "")),
        (false, [whole, fraction]) => format!(
            "write \"{whole}.{fraction}\" with a decimal point (or the number without \
             commas for thousands)"
        ),
        (false, _) => format!("write \"{digits}\" without commas, with a decimal point"),
    }
}

fn parse_number(c: &mut Cursor<'_>, metric: &Metric) -> Result<f64, String> {
    // `_` groups digits as in TOML (1_000); a comma is refused rather than guessed,
    // because `1,5` could be a decimal comma.
    let start = c.pos;
    let digits = c.take_while(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '_' | ','));
    if digits.is_empty() {
        return Err(format!(
            "expected a number after the comparison, found \"{}\"",
            c.next_word()
        ));
    }
    if digits.contains(',') {
        return Err(comma_number(digits));
    }
    // An exponent (`1.5e3ms`, `2E-1s`): no unit starts with `e`, so it is never a
    // unit misread.
    let digits = if eat_exponent(c) {
        &c.s[start..c.pos]
    } else {
        digits
    };
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
    // An exponent can underflow (`1e-400` is 0): a limit of 0 must be written so.
    let mantissa = digits.split(['e', 'E']).next().unwrap_or("");
    if v == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Err(format!(
            "\"{shown}\" is too small a number (limit of {metric}): write a limit that fits \
             the metric"
        ));
    }
    if !v.is_finite() {
        return Err(format!(
            "\"{shown}\" is too large a number (limit of {metric}): write a limit that fits \
             the metric"
        ));
    }
    Ok(v)
}

/// Moves past an exponent (`e`/`E`, a sign, digits) if one is next; else stays.
fn eat_exponent(c: &mut Cursor<'_>) -> bool {
    let rest = c.rest().as_bytes();
    if !matches!(rest.first(), Some(b'e' | b'E')) {
        return false;
    }
    let sign = usize::from(matches!(rest.get(1), Some(b'+' | b'-')));
    let digits = rest[1 + sign..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return false;
    }
    c.pos += 1 + sign + digits;
    true
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
        UnitKind::Rate => rate(metric, value, unit),
        UnitKind::Ratio => {
            // A bare 1 is 100 %: `error_rate < 1` holds unless every request failed,
            // and was most likely meant as 1 %.
            if unit.is_empty() && value == 1.0 {
                return Err(format!(
                    "{metric} 1 is a fraction, 100%: write 1% for one percent, or 100% \
                     if every request is meant"
                ));
            }
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

/// Requests per time unit → requests per second: `/s`, `req/s`, `rps`, `/sec`;
/// `/min`, `req/min`, `rpm` (÷ 60); `/h` (÷ 3600). A `k` or `M` before the unit is
/// refused with the number written out (`1k/s` → `1000/s`), never read as another
/// number.
fn rate(metric: Metric, value: f64, unit: &str) -> Result<f64, String> {
    let per_second = |u: &str| match u {
        "" | "/s" | "req/s" | "rps" | "/sec" | "req/sec" => Some(1.0),
        "/min" | "/m" | "req/min" | "rpm" => Some(60.0),
        "/h" | "req/h" => Some(3600.0),
        _ => None,
    };
    if let Some(seconds) = per_second(unit) {
        return Ok(value / seconds);
    }
    let scaled = [("k", 1e3), ("K", 1e3), ("M", 1e6)]
        .iter()
        .find_map(|(p, f)| Some((unit.strip_prefix(p)?, f)))
        .filter(|(rest, _)| !rest.is_empty() && per_second(rest).is_some());
    Err(match scaled {
        Some((rest, factor)) => {
            // Written out to 9 significant digits: 1.1k is 1100, not 1100.0000000000002.
            let full = format!("{}", (value * factor * 1e6).round() / 1e6);
            format!("{metric} \"{value}{unit}\": write the number out, \"{full}{rest}\"")
        }
        None => format!(
            "{metric} is in requests per second: \"{value}{unit}\" is not a rate headroom \
             reads; write e.g. \"100/s\" or \"6000/min\""
        ),
    })
}
