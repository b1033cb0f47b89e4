//! JMeter's HTML dashboard (`jmeter -n … -e -o report/`, or `jmeter -g results.jtl -o
//! report/`), read through its `statistics.json`: one object per sampler label plus a
//! `Total` row (`sampleCount`, `errorCount`, `meanResTime`, `minResTime`,
//! `maxResTime`, `medianResTime`, `pct1ResTime`..`pct3ResTime`, `throughput`, …). It is
//! a summary of the JTL the dashboard was made from: counts, errors and the tool's own
//! percentiles per label, no per-request times and no time series.
//!
//! The three percentiles are at the levels `aggregate_rpt_pct1..3` named when the
//! dashboard was made (90, 95 and 99 unless changed). `statistics.json` does not say
//! which: the titles of `content/js/dashboard.js`'s statistics table do (`"90th
//! pct"`), so they are read from there; without that file the defaults are assumed and
//! the source's note says so. The `Total` row is the run's aggregate, not an endpoint.
//! Its duration is `sampleCount ÷ throughput` (the dashboard's throughput is over the
//! whole run, ramps included). Failures get their kinds from dashboard.js's top five
//! error types per label (`500/Internal Server Error`, `Non HTTP response code: …`,
//! `Assertion failed`), classified as the JTL's are; the rest are `other`.
//!
//! When the JTL is in the dir too, the JTL is the source and this file is only checked
//! against it (`run_dir/jmeter_outputs.rs`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::problem;
use crate::ingest::summary::{endpoint, read_json, ToolSummary};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `jmeter-dashboard` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterDashboard,
    name: "jmeter-dashboard",
    tool: "jmeter",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JSON object of objects with transaction, sampleCount, pct1ResTime",
    example: "jmeter -n -t plan.jmx -l results.jtl -e -o report/ (report/statistics.json)",
};

/// JMeter's default percentile levels (`aggregate_rpt_pct1..3`).
const DEFAULT_LEVELS: [f64; 3] = [90.0, 95.0, 99.0];

/// True for a dashboard's `statistics.json`.
pub fn sniff(head: &str) -> bool {
    head.trim_start().starts_with('{')
        && head.contains("\"sampleCount\"")
        && head.contains("\"transaction\"")
        && head.contains("ResTime\"")
}

/// One label's figures, as the dashboard printed them.
#[derive(Debug, Clone)]
pub struct Row {
    /// The sampler label.
    pub label: String,
    /// Samples.
    pub count: u64,
    /// Failed samples.
    pub errors: u64,
}

/// Every row of a dashboard's `statistics.json` (the `Total` row last), for checking it
/// against the JTL beside it.
pub fn rows(path: &Path) -> Result<Vec<Row>, Problem> {
    let json = read_json(path)?;
    let map = json
        .as_object()
        .ok_or_else(|| problem(path, None, "not a JSON object of JMeter statistics"))?;
    let mut out = Vec::new();
    let mut total = None;
    for (key, entry) in map {
        let e = entry_of(path, key, entry)?;
        let row = Row {
            label: label_of(key, e),
            count: count(path, key, e, "sampleCount")?,
            errors: count(path, key, e, "errorCount")?,
        };
        if key == "Total" {
            total = Some(row);
        } else {
            out.push(row);
        }
    }
    out.extend(total);
    Ok(out)
}

fn entry_of<'a>(path: &Path, key: &str, v: &'a Value) -> Result<&'a Map<String, Value>, Problem> {
    v.as_object().ok_or_else(|| {
        problem(
            path,
            None,
            format!("`{key}` is not an object of statistics"),
        )
    })
}

fn label_of(key: &str, e: &Map<String, Value>) -> String {
    e.get("transaction")
        .and_then(Value::as_str)
        .unwrap_or(key)
        .to_string()
}

fn count(path: &Path, key: &str, e: &Map<String, Value>, name: &str) -> Result<u64, Problem> {
    match e.get(name) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v.as_u64().ok_or_else(|| {
            problem(
                path,
                None,
                format!("`{key}`: `{name}` is not a count ({v})"),
            )
        }),
    }
}

fn ms(e: &Map<String, Value>, name: &str) -> Option<f64> {
    e.get(name)
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite() && *v >= 0.0)
}

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let json = read_json(path)?;
    let map = json
        .as_object()
        .ok_or_else(|| problem(path, None, "not a JSON object of JMeter statistics"))?;
    let (table, said) = table_beside(path);
    let levels = table.levels;
    let mut out = ToolSummary::new("jmeter");
    out.notes.push(said);
    let mut total_duration = None;
    for (key, entry) in map {
        let e = entry_of(path, key, entry)?;
        let requests = count(path, key, e, "sampleCount")?;
        let errors = count(path, key, e, "errorCount")?;
        if errors > requests {
            return Err(problem(
                path,
                None,
                format!("`{key}`: {errors} errors but only {requests} samples"),
            ));
        }
        let mut points = vec![];
        if let Some(v) = ms(e, "medianResTime") {
            points.push((50.0, v));
        }
        for (level, name) in levels
            .iter()
            .zip(["pct1ResTime", "pct2ResTime", "pct3ResTime"])
        {
            if let Some(v) = ms(e, name) {
                points.push((*level, v));
            }
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points.dedup_by(|a, b| a.0 == b.0);
        let latency = LatencyDistribution::Summary(PercentileSummary {
            sd_ms: None,
            count: requests,
            mean_ms: ms(e, "meanResTime"),
            min_ms: ms(e, "minResTime"),
            max_ms: ms(e, "maxResTime"),
            points,
            merged: false,
            co_corrected: false,
        });
        let mut ep = endpoint(EndpointKey::new(None, &label_of(key, e)), requests, latency);
        ep.failures = errors;
        add_error_kinds(&mut ep, table.errors.get(key.as_str()));
        // A Transaction Controller's row: its children are the requests.
        ep.transaction = key != "Total" && table.controllers.iter().any(|c| c == key);
        let throughput = e.get("throughput").and_then(Value::as_f64);
        let duration = throughput
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| requests as f64 / t);
        if key == "Total" {
            total_duration = duration;
            out.aggregate = Some(ep);
        } else {
            out.endpoints.push(ep);
        }
    }
    if out.endpoints.is_empty() {
        return Err(problem(
            path,
            None,
            "no sampler rows (only a Total, or none): nothing to report",
        ));
    }
    out.duration_s = total_duration;
    leave_out_sub_results(&mut out);
    let controllers = out.endpoints.iter().filter(|e| e.transaction).count();
    if controllers > 0 {
        out.notes.push(format!(
            "{controllers} Transaction Controller row(s) (dashboard.js's isController) kept as \
             transaction endpoints, not counted as requests (the Total row leaves them out too)"
        ));
    }
    if out.endpoints.iter().filter(|e| !e.transaction).count() == 1 {
        // One label: the Total row is that label again.
        out.aggregate = None;
    }
    Ok(out)
}

/// Leaves out the rows of sub-results (`Home-0`, `Home-1` beside `Home`: a redirect and
/// the page it led to, or embedded resources), as the JTL reader does: their parent's
/// row counts them already. JMeter's dashboard lists them as labels of their own and
/// counts them in its `Total` row too (it leaves only Transaction Controllers out), so
/// the run's totals are the parents' rows': the `Total` row's counts less the
/// sub-results', and its latency (over parents and sub-results alike) is not used.
///
/// JMeter numbers a sample's sub-results from 0 and gives each sample at most one of
/// each number, so `Step-1` is a sampler of its own beside `Step` when there is no
/// `Step-0`, or when it has more samples than `Step`: such a row is kept.
fn leave_out_sub_results(out: &mut ToolSummary) {
    let counts: std::collections::BTreeMap<String, u64> = (out.endpoints.iter())
        .filter(|e| !e.transaction)
        .map(|e| (e.key.name.clone(), e.requests))
        .collect();
    let parent_of = |label: &str| -> Option<String> {
        let (parent, number) = label.rsplit_once('-')?;
        if !super::csv::sub_result_label(label.as_bytes()) {
            return None;
        }
        let parent_n = *counts.get(parent)?;
        let n: u64 = number.parse().ok()?;
        let numbered_from_0 = (0..n).all(|i| counts.contains_key(&format!("{parent}-{i}")));
        let within = counts.get(label).is_some_and(|c| *c <= parent_n);
        (numbered_from_0 && within).then(|| parent.to_string())
    };
    let (subs, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut out.endpoints)
        .into_iter()
        .partition(|e| !e.transaction && parent_of(&e.key.name).is_some());
    out.endpoints = kept;
    if subs.is_empty() {
        return;
    }
    let (requests, failures): (u64, u64) =
        (subs.iter()).fold((0, 0), |(n, f), e| (n + e.requests, f + e.failures));
    let total = out.aggregate.take().map(|t| (t.requests, t.failures));
    let names: Vec<String> = (subs.iter().take(3))
        .map(|e| format!("`{}`", e.key.name))
        .collect();
    let more = if subs.len() > 3 { ", …" } else { "" };
    let totals = total.map_or(String::new(), |(n, f)| {
        format!(
            "; the Total row counts them too ({n} samples, {f} errors): the run's totals are \
             the other rows' ({} samples, {} errors)",
            n.saturating_sub(requests),
            f.saturating_sub(failures)
        )
    });
    out.notes.push(format!(
        "{} sub-result row(s) ({}{more}: {requests} samples, {failures} errors) left out: each \
         is a request inside its parent's sample (`Home-0` inside `Home`), which counts it \
         already{totals}; the run's latency is merged from the rows kept (approximate)",
        subs.len(),
        names.join(", "),
    ));
}

/// What `content/js/dashboard.js` beside `statistics.json` says of its statistics
/// table: the percentile levels its titles name, and the labels it marks as
/// Transaction Controllers (`isController`: the Total row leaves them out).
struct Table {
    levels: [f64; 3],
    controllers: Vec<String>,
    /// Per label, its top five error types and their counts (`#top5ErrorsBySamplerTable`).
    errors: std::collections::BTreeMap<String, Vec<(String, u64)>>,
}

/// An endpoint's failures by kind: its top error types (`500/Internal Server Error`,
/// `Non HTTP response code: java.net.SocketTimeoutException/…`, `Assertion failed`) as
/// the JTL reader classifies them, the rest `other`.
fn add_error_kinds(ep: &mut crate::model::EndpointStats, top: Option<&Vec<(String, u64)>>) {
    let mut left = ep.failures;
    for (kind, n) in top.into_iter().flatten() {
        let n = (*n).min(left);
        if n == 0 {
            continue;
        }
        let (code, message) = kind.split_once('/').unwrap_or((kind, ""));
        let status = code.trim().parse::<u16>().ok();
        let k = if status.is_none() && !code.starts_with("Non HTTP") {
            // `Assertion failed`, or the assertion's own message.
            FailureKind::Assertion
        } else {
            super::csv::kind_of(status, code, message, "")
        };
        ep.add_failure(k, Some(kind), n);
        left -= n;
    }
    if left > 0 {
        ep.add_failure(FailureKind::Other, None, left);
    }
}

/// The dashboard's table (see [`Table`]) and the note saying where the levels come
/// from; JMeter's defaults when dashboard.js or its titles are missing.
fn table_beside(path: &Path) -> (Table, String) {
    let js: PathBuf = path.with_file_name("content").join("js");
    // The dashboard packed with `gzip -r` has dashboard.js.gz.
    let found = ["dashboard.js", "dashboard.js.gz"]
        .iter()
        .find_map(|name| crate::ingest::text::read_text(&js.join(name)).ok())
        .and_then(|text| statistics_table(&text));
    match found {
        Some(table) => {
            let said = format!(
                "JMeter dashboard (statistics.json): the tool's own per-label summary, no \
                 per-request times; its percentiles are at {} as the dashboard's statistics \
                 table titles them (content/js/dashboard.js)",
                list(&table.levels)
            );
            (table, said)
        }
        None => (
            Table {
                levels: DEFAULT_LEVELS,
                controllers: Vec::new(),
                errors: Default::default(),
            },
            format!(
                "JMeter dashboard (statistics.json): the tool's own per-label summary, no \
                 per-request times; its percentiles are taken to be at JMeter's default levels \
                 {} (aggregate_rpt_pct1..3): content/js/dashboard.js, whose statistics table \
                 names them, was not found beside it (nor which labels are Transaction \
                 Controllers)",
                list(&DEFAULT_LEVELS)
            ),
        ),
    }
}

fn list(levels: &[f64; 3]) -> String {
    let names: Vec<String> = levels.iter().map(|l| format!("p{l}")).collect();
    names.join(", ")
}

/// The three percentile levels a dashboard.js statistics table titles (`"90th pct"`,
/// localised forms too: the number in titles 9 to 11).
pub fn levels_in(js: &str) -> Option<[f64; 3]> {
    statistics_table(js).map(|t| t.levels)
}

/// The statistics table's object in dashboard.js (`createTable($("#statisticsTable"),
/// {…}, …)`), read as JSON.
fn statistics_table(js: &str) -> Option<Table> {
    let at = js.find("#statisticsTable")?;
    let rest = &js[at..];
    let open = rest.find('{')?;
    let table: Value = serde_json::Deserializer::from_str(&rest[open..])
        .into_iter::<Value>()
        .next()?
        .ok()?;
    let titles = table.get("titles")?.as_array()?;
    let mut levels = [0.0; 3];
    for (slot, title) in levels.iter_mut().zip(titles.get(8..11)?) {
        let num: String = (title.as_str()?.chars())
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        *slot = num.parse().ok().filter(|v: &f64| *v > 0.0 && *v < 100.0)?;
    }
    let items = table.get("items").and_then(Value::as_array);
    let controllers = (items.into_iter().flatten())
        .filter(|i| i.get("isController").and_then(Value::as_bool) == Some(true))
        .filter_map(|i| i.get("data")?.get(0)?.as_str().map(str::to_string))
        .collect();
    Some(Table {
        levels,
        controllers,
        errors: top_errors(js),
    })
}

/// dashboard.js's `#top5ErrorsBySamplerTable`: per label (`data[0]`), the error types
/// and counts at `data[3]`, `data[4]`, … (empty when that table is missing).
fn top_errors(js: &str) -> std::collections::BTreeMap<String, Vec<(String, u64)>> {
    let table = js.find("#top5ErrorsBySamplerTable").and_then(|at| {
        let rest = &js[at..];
        let open = rest.find('{')?;
        serde_json::Deserializer::from_str(&rest[open..])
            .into_iter::<Value>()
            .next()?
            .ok()
    });
    let items = table
        .as_ref()
        .and_then(|t| t.get("items")?.as_array().cloned());
    let mut out = std::collections::BTreeMap::new();
    for item in items.into_iter().flatten() {
        let Some(data) = item.get("data").and_then(Value::as_array) else {
            continue;
        };
        let Some(label) = data.first().and_then(Value::as_str) else {
            continue;
        };
        let kinds = (data.get(3..).unwrap_or_default().chunks(2))
            .filter_map(|pair| Some((pair.first()?.as_str()?.to_string(), pair.get(1)?.as_u64()?)))
            .filter(|(k, n)| !k.is_empty() && *n > 0)
            .collect();
        out.insert(label.to_string(), kinds);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_the_statistics_table_titles() {
        let js = "createTable($(\"#statisticsTable\"), {\"supportsControllersDiscrimination\": \
                  true, \"titles\": [\"Label\", \"#Samples\", \"FAIL\", \"Error %\", \
                  \"Average\", \"Min\", \"Max\", \"Median\", \"75th pct\", \"99.9th pct\", \
                  \"99.99th pct\", \"Transactions/s\", \"Received\", \"Sent\"]}, function(){});";
        assert_eq!(levels_in(js), Some([75.0, 99.9, 99.99]));
        let js = "createTable($(\"#statisticsTable\"), {\"titles\": [\"Label\", \"#Samples\", \
                  \"FAIL\", \"Error %\", \"Average\", \"Min\", \"Max\", \"Median\", \
                  \"90th pct\", \"95th pct\", \"99th pct\"], \"items\": [{\"data\": \
                  [\"Login\", 10], \"isController\": true}, {\"data\": [\"POST /login\", \
                  10], \"isController\": false}]}, function(index, item){ return item; });";
        let t = statistics_table(js).unwrap();
        assert_eq!(t.controllers, ["Login"]);
        assert_eq!(levels_in("var x = 1;"), None);
    }
}
