//! "Did you mean": the nearest known name to a misspelt one, for every SLA error that
//! offers one — an unknown metric in a rule, an unknown `[[rule]]` scope word
//! (`parse.rs`) and a stage or endpoint name the data lacks (`resolve.rs`). All of
//! them measure closeness with the one [`edit_distance`].

use super::grammar::{metric_only, parse_rule, parse_status_class, METRIC_NAMES};
use crate::analysis::sla::Metric;

/// toml's error `message` on one line, as every other SLA error (toml's may span
/// lines: "invalid array\nexpected `]`"), with the fix for an unknown key written the
/// way other tools' thresholds are: a rule as a key (`p95 = "200ms"`), or a
/// `[global]` key at the top.
pub(super) fn toml_message(text: &str, line: Option<usize>, message: &str) -> String {
    let one_line = message.trim().lines().collect::<Vec<_>>().join("; ");
    let key = (message.strip_prefix("unknown field `")).and_then(|m| m.split('`').next());
    let written = line.and_then(|n| text.lines().nth(n.checked_sub(1)?));
    let section = key
        .zip(written)
        .and_then(|(k, w)| unknown_section(k, w, text, line?));
    match section.or_else(|| key.zip(written).and_then(|(k, w)| unknown_key(k, w))) {
        Some(fix) => format!("{one_line} — {fix}"),
        None => one_line,
    }
}

/// The fix for a table of its own an SLA file has no room for, written on the line
/// `written` (1-based `line` of `text`): `[sla]`, `[slo]`, `[thresholds]` around the
/// rules, as other tools' files nest them. A header `[sla.global]` loses its prefix;
/// a table of limits (`p95 = "200ms"`) or of `rules` is shown as the `[global]`
/// section that says the same.
fn unknown_section(key: &str, written: &str, text: &str, line: usize) -> Option<String> {
    let header = written.trim().strip_prefix('[')?.split(']').next()?.trim();
    let header = header.trim_start_matches('[').trim();
    let inner = header
        .strip_prefix(key)
        .filter(|r| r.is_empty() || r.starts_with('.'))?;
    let shape = "an SLA file's sections are `[global]` (every stage), \
                 `[stage.NAME]`, `[endpoint.\"KEY\"]`, each with `rules = [\"p(95) < 500ms\", \
                 \"error_rate < 1%\"]` (README \"SLA files\")";
    if let Some(rest) = inner.strip_prefix('.') {
        if SECTION_WORDS.contains(&rest.split('.').next().unwrap_or("")) {
            return Some(format!("write `[{rest}]`, without `{key}.`: {shape}"));
        }
        return Some(format!("`[{key}]` is no section: {shape}"));
    }
    // The table's lines, up to the next header: as rules, when every one is a limit.
    let rules = (text.lines().skip(line))
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.is_empty())
        .map(table_rules)
        .collect::<Option<Vec<Vec<String>>>>()
        .map(|r| r.concat())
        .filter(|r| !r.is_empty());
    Some(match rules {
        Some(rules) => format!(
            "`[{key}]` is no section of an SLA file: the same rules for every stage are \
             `[global]` with, on the next line, `rules = [{}]` (other sections: \
             `[stage.NAME]`, `[endpoint.\"KEY\"]`; README \"SLA files\")",
            rules.join(", ")
        ),
        None => format!("`[{key}]` is no section: {shape}"),
    })
}

/// The rules one line of a table of limits says (`p95 = "200ms"`, `rules = ["…"]`),
/// each written as in a `rules` list; `None` for a line that is neither.
fn table_rules(l: &str) -> Option<Vec<String>> {
    let (k, v) = l.split_once('=')?;
    let k = k.trim().trim_matches('"');
    if k == "rules" {
        let list = v.trim().strip_prefix('[')?.strip_suffix(']')?;
        let items = list.split(',').map(str::trim).filter(|r| !r.is_empty());
        return Some(items.map(String::from).collect());
    }
    let fix = unknown_key(k, l)?;
    let list = fix.split("`rules = [").nth(1)?.split("]`").next()?;
    Some(vec![list.to_string()])
}

/// The sections an SLA file has, for a header written under a table of its own.
const SECTION_WORDS: [&str; 4] = ["global", "stage", "endpoint", "each_endpoint"];

/// The fix for `key`, written on the line `written`.
fn unknown_key(key: &str, written: &str) -> Option<String> {
    match key {
        "verdict_stages" | "expected_status" => {
            return Some(format!("`{key}` goes under `[global]`"));
        }
        "rules" => {
            return Some(
                "`rules` goes in a section: `[global]`, `[stage.NAME]` or `[endpoint.NAME]`".into(),
            );
        }
        _ => {}
    }
    let (left, value) = written.split_once('=')?;
    if let Some(rules) = k6_thresholds(key, value) {
        return Some(format!(
            "k6's thresholds are rules in a list: `rules = [{}]` (k6 writes durations in ms)",
            rules.join(", ")
        ));
    }
    // toml reads `p99.9 = …` as the key `p99` of a table: the line has the whole name.
    let left = left.trim().trim_matches('"');
    let key = if left.starts_with(key) { left } else { key };
    // `p95_ms = 100`, `max_p99_s = 2`: the unit goes with the number, and the bound's
    // side is the rule's operator.
    let mut lower = key.to_ascii_lowercase();
    let mut unit = "";
    for (suffix, u) in UNIT_SUFFIXES {
        if let Some(rest) = lower.strip_suffix(suffix) {
            (lower, unit) = (rest.to_string(), u);
            break;
        }
    }
    for bound in ["max_", "min_"] {
        if let Some(rest) = lower.strip_prefix(bound) {
            lower = rest.to_string();
        }
    }
    // `p95` → `p(95)`, as the rule grammar spells it.
    let metric = match lower.strip_prefix('p') {
        Some(n) if n.parse::<f64>().is_ok() => format!("p({n})"),
        _ => lower,
    };
    let op = match metric_only(&metric).ok()? {
        Metric::Throughput | Metric::Goodput | Metric::Availability | Metric::Requests => ">=",
        Metric::Apdex { .. } => ">=",
        _ => "<",
    };
    let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    // `"p(95)" = "< 200ms"`: the operator came with the limit.
    let (op, value) = match split_operator(value) {
        Some((written_op, rest)) => (written_op, rest),
        None => (op, value),
    };
    let value = match (unit, metric.as_str()) {
        ("", "error_rate" | "availability") => as_percent(value).unwrap_or(value.to_string()),
        _ => format!("{value}{unit}"),
    };
    let rule = format!("{metric} {op} {value}");
    parse_rule(&rule).ok()?;
    Some(format!(
        "a limit is a rule in a list: `rules = [\"{rule}\"]`"
    ))
}

/// `value`'s leading comparison operator and the rest (`"<= 200ms"` → `("<=", "200ms")`).
fn split_operator(value: &str) -> Option<(&'static str, &str)> {
    ["<=", ">=", "<", ">"]
        .into_iter()
        .find_map(|op| Some((op, value.strip_prefix(op)?.trim())))
}

/// k6's thresholds copied as they are in its options (`http_req_duration =
/// ["p(95)<500"]`, `http_req_failed = ["rate<0.01"]`, `http_reqs = ["rate>100"]`), as
/// the rules that mean the same: k6 writes durations in ms, a failure share as a
/// fraction. `None` unless every threshold on the line translates.
fn k6_thresholds(key: &str, value: &str) -> Option<Vec<String>> {
    let list = value.trim().strip_prefix('[')?.strip_suffix(']')?;
    let items = list
        .split(',')
        .map(|t| t.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|t| !t.is_empty());
    let mut rules = Vec::new();
    for threshold in items {
        let at = threshold.find(['<', '>'])?;
        let (aggregate, rest) = (threshold[..at].trim(), &threshold[at..]);
        let (op, limit) = split_operator(rest)?;
        limit.parse::<f64>().ok()?;
        let rule = match (key, aggregate) {
            ("http_req_duration", "avg") => format!("mean {op} {limit}ms"),
            ("http_req_duration", "med") => format!("median {op} {limit}ms"),
            ("http_req_duration", "min" | "max") => format!("{aggregate} {op} {limit}ms"),
            ("http_req_duration", p) if p.starts_with("p(") => format!("{p} {op} {limit}ms"),
            ("http_req_failed", "rate") => format!("error_rate {op} {}", as_percent(limit)?),
            ("http_reqs", "rate") => format!("throughput {op} {limit}/s"),
            ("http_reqs", "count") => format!("requests {op} {limit}"),
            _ => return None,
        };
        parse_rule(&rule).ok()?;
        rules.push(format!("\"{rule}\""));
    }
    (!rules.is_empty()).then_some(rules)
}

/// Unit suffixes of a key written as a limit (`p95_ms`), and the unit a rule writes.
const UNIT_SUFFIXES: [(&str, &str); 6] = [
    ("_ms", "ms"),
    ("_millis", "ms"),
    ("_sec", "s"),
    ("_seconds", "s"),
    ("_s", "s"),
    ("_pct", "%"),
];

/// A bare fraction (`0.01`, as other tools write an error rate) as a percentage (`1%`).
fn as_percent(value: &str) -> Option<String> {
    let x: f64 = value.parse().ok().filter(|x| (0.0..=1.0).contains(x))?;
    Some(format!("{}%", (x * 100.0 * 1e6).round() / 1e6))
}

/// Other tools' words for a metric, offered as "did you mean" (never accepted, so
/// that every SLA file reads the same).
const ALIASES: [(&str, &str); 12] = [
    ("errors", "error_rate"),
    ("error", "error_rate"),
    ("err_rate", "error_rate"),
    ("failure_rate", "error_rate"),
    ("failures", "error_rate"),
    ("http_req_failed", "error_rate"),
    ("tps", "throughput"),
    ("hits", "throughput"),
    ("uptime", "availability"),
    ("success_rate", "availability"),
    ("avg-rt", "mean"),
    ("count", "requests"),
];

/// `unknown metric "p95" — did you mean "p(95)"?`, or the list of valid metrics when
/// nothing is close.
pub(super) fn unknown_metric(written: &str) -> String {
    let lower = written.to_ascii_lowercase();
    // k6 writes `rate<0.01` under `http_req_failed`: a share of failures, not a rate.
    if lower == "rate" {
        return format!(
            "unknown metric \"{written}\" — did you mean \"throughput\" (requests a second) \
             or, for k6's `rate<0.01` under http_req_failed, \"error_rate\" (error_rate < 1%)?"
        );
    }
    // `95% < 500ms`, `99 < 1s`: a percentile by its bare number (not `rc(5xx)`, the
    // nearest name to `95`).
    if written.parse::<f64>().is_ok_and(|x| x > 0.0 && x < 100.0) {
        return format!(
            "unknown metric \"{written}\" — did you mean \"p({written})\"? (a percentile is \
             written p(N))"
        );
    }
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
    // Gatling's `percentile3` (`responseTime.percentile3`) is its third configured
    // percentile, 95 by default, not p(3): offering `p(3)` would make a rule that
    // passes on any run. Gatling's defaults: 50, 75, 95, 99.
    let last = lower.rsplit('.').next().unwrap_or(&lower);
    if let Some(n) = last.strip_prefix("percentile") {
        if let Some(p) =
            ["50", "75", "95", "99"].get(n.parse::<usize>().unwrap_or(0).wrapping_sub(1))
        {
            return format!(
                "unknown metric \"{written}\" — did you mean \"p({p})\"? (Gatling's {last} \
                 is its {p}th percentile by default; write the one your gatling.conf sets)"
            );
        }
    }
    // `95th`, `p95th`, `pct95`, `95percentile`: a percentile by its number.
    let percentile_word = !digits.is_empty()
        && ["th", "pct", "percentile", "%ile"]
            .iter()
            .any(|w| lower.starts_with(w) || lower.ends_with(w));
    if percentile_word {
        return format!("unknown metric \"{written}\" — did you mean \"p({digits})\"?");
    }
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
    let best = nearest(&lower, candidates.iter().map(|(key, shown)| (key, shown)))
        .filter(|(d, _)| *d <= (lower.chars().count() / 2).max(2));
    match best {
        Some((_, c)) => format!("unknown metric \"{written}\" — did you mean \"{c}\"?"),
        None => format!(
            "unknown metric \"{written}\"; metrics: {}",
            METRIC_NAMES.join(", ")
        ),
    }
}

/// The candidate nearest to `word` by [`edit_distance`] (the first of equals), with
/// its distance; `candidates` pairs the text compared with what is offered.
pub(super) fn nearest<K: AsRef<str>, T>(
    word: &str,
    candidates: impl IntoIterator<Item = (K, T)>,
) -> Option<(usize, T)> {
    candidates
        .into_iter()
        .map(|(key, offered)| (edit_distance(word, key.as_ref()), offered))
        .min_by_key(|(d, _)| *d)
}

/// Names in `known` that `name` looks like a misspelling of: edit distance at most 2
/// (and less than half the name), ignoring case, and not differing only in digits
/// (`stage-2` for `stage-3` is another stage, not a typo).
pub(super) fn typos_of<'a>(name: &str, known: &'a [String]) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let letters = |s: &str| -> String { s.chars().filter(|c| !c.is_ascii_digit()).collect() };
    let len = lower.chars().count();
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter_map(|k| {
            let k_lower = k.to_lowercase();
            let d = edit_distance(&lower, &k_lower);
            (d <= 2 && 2 * d < len && letters(&lower) != letters(&k_lower))
                .then_some((d, k.as_str()))
        })
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    let best = scored.first().map_or(0, |(d, _)| *d);
    scored
        .into_iter()
        .take_while(|(d, _)| *d == best)
        .take(3)
        .map(|(_, n)| n)
        .collect()
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
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

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("peek", "peak"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn gatlings_numbered_percentiles_are_its_configured_ones() {
        let m = unknown_metric("percentile3");
        assert!(m.contains("did you mean \"p(95)\""), "{m}");
        let m = unknown_metric("responseTime.percentile4");
        assert!(m.contains("did you mean \"p(99)\""), "{m}");
        assert!(unknown_metric("percentile1").contains("\"p(50)\""));
        assert!(unknown_metric("percentile(90)").contains("\"p(90)\""));
        assert!(!unknown_metric("percentile7").contains("p(75)"));
    }

    #[test]
    fn a_bare_number_is_offered_as_that_percentile() {
        let m = unknown_metric("95");
        assert!(m.contains("did you mean \"p(95)\""), "{m}");
        assert!(unknown_metric("99.9").contains("\"p(99.9)\""));
        assert!(!unknown_metric("100").contains("p(100)"));
    }

    /// A limit written with its operator (`"p(95)" = "< 200ms"`) keeps that operator.
    #[test]
    fn a_limit_with_its_operator_is_offered_as_that_rule() {
        let fix = unknown_key("p(95)", r#""p(95)" = "< 200ms""#).unwrap();
        assert!(fix.contains(r#"rules = ["p(95) < 200ms"]"#), "{fix}");
        let fix = unknown_key("throughput", r#"throughput = ">= 150/s""#).unwrap();
        assert!(fix.contains(r#"rules = ["throughput >= 150/s"]"#), "{fix}");
        let fix = unknown_key("error_rate", "error_rate = '<=0.01'").unwrap();
        assert!(fix.contains(r#"rules = ["error_rate <= 1%"]"#), "{fix}");
    }

    /// k6's options block pasted in: each threshold as the rule meaning the same
    /// (k6's durations are ms, its failure rate a fraction).
    #[test]
    fn k6s_thresholds_are_offered_as_rules() {
        let line = r#"http_req_duration = ["p(95)<500", "avg<=200", 'med<100']"#;
        let fix = unknown_key("http_req_duration", line).unwrap();
        assert!(
            fix.contains(r#"rules = ["p(95) < 500ms", "mean <= 200ms", "median < 100ms"]"#),
            "{fix}"
        );
        let fix = unknown_key("http_req_failed", r#"http_req_failed = ["rate<0.01"]"#).unwrap();
        assert!(fix.contains(r#"rules = ["error_rate < 1%"]"#), "{fix}");
        let fix = unknown_key("http_reqs", r#"http_reqs = ["rate>100", "count>=5000"]"#);
        assert!(fix
            .unwrap()
            .contains(r#"rules = ["throughput > 100/s", "requests >= 5000"]"#));
        // A threshold with no rule meaning the same (k6's `checks`) offers nothing.
        assert_eq!(k6_thresholds("checks", r#"["rate>0.99"]"#), None);
        assert_eq!(
            k6_thresholds("http_req_duration", r#"["p(95)<fast"]"#),
            None
        );
    }

    /// k6's `http_req_failed: ['rate<0.01']` copied as a rule is a failure share.
    #[test]
    fn k6s_rate_is_offered_as_an_error_rate_too() {
        let m = unknown_metric("rate");
        assert!(
            m.contains("\"throughput\"") && m.contains("\"error_rate\" (error_rate < 1%)"),
            "{m}"
        );
    }
}
