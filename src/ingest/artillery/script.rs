//! The phases of an Artillery script saved beside its report (`artillery run --output
//! report.json load.yml`): Artillery 2's report lists no phases, its script does
//! (`config.phases`: `duration`, `arrivalRate`, `rampTo`, `arrivalCount`, `pause`,
//! `name`). Only that list is read, by a small reader of YAML's block and flow
//! mappings (`- duration: 60` and its indented keys, or `- { duration: 60, … }`);
//! durations in seconds or with a unit (`90s`, `2m`, `1h`). Whether the script is the
//! report's run is for the caller to check.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// Scripts larger than this are not scripts.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// Each YAML file beside `report` that lists phases: its path and the phases as JSON
/// objects (durations in seconds), in the dir's name order.
pub fn beside(report: &Path) -> Vec<(PathBuf, Vec<Value>)> {
    let Some(dir) = report.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
        })
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_SCRIPT_BYTES))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let phases = phases_in(&text);
            (!phases.is_empty()).then_some((p, phases))
        })
        .collect()
}

/// The `phases:` list of a script's `config` (the first `phases:` key under it).
pub fn phases_in(text: &str) -> Vec<Value> {
    let lines: Vec<&str> = text.lines().map(strip_comment).collect();
    let Some(at) = lines.iter().position(|l| l.trim() == "phases:") else {
        return Vec::new();
    };
    let base = indent(lines[at]);
    let mut out: Vec<Map<String, Value>> = Vec::new();
    let mut item_indent = None;
    for line in &lines[at + 1..] {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let ind = indent(line);
        if ind < base || (ind == base && !t.starts_with('-')) {
            break;
        }
        if let Some(rest) = t.strip_prefix('-') {
            if item_indent.is_some_and(|i| ind > i) {
                // A nested list (a phase's own list): not a phase.
                continue;
            }
            item_indent = Some(ind);
            let mut item = Map::new();
            let rest = rest.trim();
            match rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                Some(flow) => flow.split(',').for_each(|kv| put(&mut item, kv)),
                None => put(&mut item, rest),
            }
            out.push(item);
        } else if let Some(item) = out.last_mut() {
            put(item, t);
        }
    }
    out.into_iter()
        .filter(|o| !o.is_empty())
        .map(Value::Object)
        .collect()
}

/// Adds `key: value` to `item` (durations as seconds, numbers as numbers).
fn put(item: &mut Map<String, Value>, kv: &str) {
    let Some((k, v)) = kv.split_once(':') else {
        return;
    };
    let (k, v) = (unquote(k.trim()), unquote(v.trim()));
    if k.is_empty() || v.is_empty() {
        return;
    }
    let value = match k.as_str() {
        "duration" | "pause" => seconds(&v).map(Value::from),
        "name" => Some(Value::from(v.clone())),
        _ => v
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Value::from),
    };
    if let Some(value) = value {
        item.insert(k, value);
    }
}

/// `60`, `60s`, `2m`, `2min`, `1h` as seconds.
fn seconds(v: &str) -> Option<f64> {
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let n: f64 = v[..split].parse().ok().filter(|n: &f64| n.is_finite())?;
    let scale = match v[split..].trim() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hour" | "hours" => 3600.0,
        _ => return None,
    };
    Some(n * scale)
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The line without a `#` comment (one outside quotes, after a space or at the start).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_flow_phases_with_comments_and_units() {
        let text = "config:\n  target: \"http://x\" # the API\n  phases:\n    - duration: 60\n      \
                    arrivalRate: 5\n      name: \"warm up\"\n    - duration: 2m\n      arrivalRate: 5\n      \
                    rampTo: 20\n    - { duration: 30s, arrivalRate: 20, name: peak }\n    - pause: 10\n  \
                    plugins: {}\nscenarios:\n  - flow:\n      - get: { url: \"/\" }\n";
        let phases = phases_in(text);
        assert_eq!(phases.len(), 4, "{phases:?}");
        assert_eq!(phases[0]["duration"], 60.0);
        assert_eq!(phases[0]["name"], "warm up");
        assert_eq!(phases[1]["duration"], 120.0);
        assert_eq!(phases[1]["rampTo"], 20.0);
        assert_eq!(phases[2]["duration"], 30.0);
        assert_eq!(phases[2]["name"], "peak");
        assert_eq!(phases[3]["pause"], 10.0);
        assert!(phases_in("config:\n  target: x\n").is_empty());
    }
}
