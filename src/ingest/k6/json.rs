//! k6 `--out json` NDJSON, plain or gzipped, streamed line by
//! line. `Metric` lines are skipped; `Point` lines of `http_reqs`,
//! `http_req_duration`, `http_req_failed` and `vus` are turned into requests and a
//! users series by the same [`Assembler`] as the CSV output (its docs give the
//! pairing rule; here a sample's identity is its `time` text and its tags). Key
//! order varies between k6 versions and is not relied on. A large plain file is read
//! in parts ([`Replay::split`]) cut where k6 CSV's are: at an `http_reqs` Point that
//! follows a request sample of another time or tags, so no request spans two parts.

use crate::model::untrusted::Shown;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::ingest::adapters::Lines;
use crate::ingest::chunks::{self, CountSlot, PartCounts, Quoting, Range};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::k6::csv::{orphan_note, Assembler, Metric, Tags};
use crate::ingest::text::parse_rfc3339_ms;
use crate::ingest::Format;
use crate::ingest::{problem, Observation, Replay};
use crate::model::{latency_possible, Problem, ScriptChecks};

/// The `k6-json` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Json,
    name: "k6-json",
    tool: "k6",
    sniff: Sniff::Content(|h| looks_like_k6_json(h.line)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(K6Json::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "JSON lines with type Metric/Point (plain or .gz)",
    example: "k6 run --out json=results.json script.js",
};

/// True when a first line is a k6 JSON output line.
pub fn looks_like_k6_json(line: &str) -> bool {
    let l = line.trim_start_matches('\u{feff}');
    (l.starts_with("{\"type\":\"Metric\"") || l.starts_with("{\"type\":\"Point\""))
        || (l.starts_with("{\"metric\":\"") && l.contains("\"type\":"))
}

/// One NDJSON line (only the fields read).
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    metric: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    data: Option<Point>,
}

#[derive(Deserialize)]
struct Point {
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    tags: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Clone, Debug, Default)]
struct Counts {
    orphans: u64,
    /// The last line, cut mid-write (k6 killed, or still writing): left out.
    truncated_last_line: Option<u64>,
    old_layout: bool,
    /// The `checks` samples.
    checks: ScriptChecks,
}

/// An opened k6 JSON output.
#[derive(Debug)]
pub struct K6Json {
    path: PathBuf,
    counts: RefCell<Counts>,
    /// The counts of the parts of the last replay in parts (see [`Replay::split`]).
    parts: RefCell<Option<PartCounts<Counts>>>,
}

impl K6Json {
    /// Opens the file (its lines stream on replay).
    pub fn open(path: &Path) -> Result<K6Json, Problem> {
        let mut lines = Lines::open(path)?;
        match lines.next_line()? {
            Some((_, first)) if looks_like_k6_json(&String::from_utf8_lossy(first)) => Ok(K6Json {
                path: path.to_path_buf(),
                counts: RefCell::new(Counts::default()),
                parts: RefCell::new(None),
            }),
            _ => Err(problem(path, Some(1), "not a k6 JSON output line")),
        }
    }
}

fn tag<'t>(tags: &'t BTreeMap<String, serde_json::Value>, name: &str) -> &'t str {
    tags.get(name).and_then(|v| v.as_str()).unwrap_or("")
}

/// A sample's identity: its time text and its tags (equal for one request's samples).
fn identity(into: &mut String, time: &str, tags: &BTreeMap<String, serde_json::Value>) {
    into.clear();
    into.push_str(time);
    for (k, v) in tags {
        into.push('\u{1f}');
        into.push_str(k);
        into.push('=');
        into.push_str(v.as_str().unwrap_or(""));
    }
}

/// The metric and identity of a Point line, `None` for any other line.
fn point(raw: &[u8]) -> Option<(Metric, String)> {
    let line: Line<'_> = serde_json::from_slice(raw).ok()?;
    let data = line.data.filter(|_| line.kind == "Point")?;
    let mut id = String::new();
    let empty = BTreeMap::new();
    identity(
        &mut id,
        data.time.as_deref()?,
        data.tags.as_ref().unwrap_or(&empty),
    );
    Some((Metric::of(line.metric.as_deref()?), id))
}

/// True when `line` may start a part: an `http_reqs` Point that starts a request
/// whatever came before, because the Point before it is a request sample of another
/// time or tags (the rule of k6 CSV's parts).
fn starts_part(before: &[u8], line: &[u8]) -> bool {
    let (Some((b, before)), Some((l, line))) = (point(before), point(line)) else {
        return false;
    };
    l == Metric::Reqs
        && matches!(b, Metric::Reqs | Metric::Duration | Metric::Failed)
        && before != line
}

impl K6Json {
    /// Reads the lines of the file, or of one range of it, into `visit`.
    fn read(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<Counts, Problem> {
        let mut lines = Lines::open_part(&self.path, range)?;
        let mut assembler = Assembler::default();
        let mut id = String::new();
        let mut counts = Counts::default();
        let empty = BTreeMap::new();
        let mut points = 0u64;
        // A line cut short is malformed unless it is the last (a run killed mid-write).
        let mut cut_short: Option<Problem> = None;
        while let Some((n, raw)) = lines.next_line()? {
            if let Some(p) = cut_short.take() {
                visit(Observation::Malformed(p));
            }
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bad = |why: String| Observation::Malformed(problem(&self.path, Some(n), why));
            let line: Line<'_> = match serde_json::from_slice(raw) {
                Ok(l) => l,
                Err(e) if e.is_eof() => {
                    cut_short = Some(problem(
                        &self.path,
                        Some(n),
                        format!("not a JSON object: {e}"),
                    ));
                    continue;
                }
                Err(e) => {
                    visit(bad(format!("not a JSON object: {e}")));
                    continue;
                }
            };
            if line.kind == "Metric" {
                counts.old_layout |= raw.windows(9).any(|w| w == b"\"tainted\"");
                continue;
            }
            if line.kind != "Point" {
                continue;
            }
            points += 1;
            let Some(metric) = line.metric.as_deref() else {
                visit(bad("a Point without `metric`".into()));
                continue;
            };
            let metric = Metric::of(metric);
            if metric == Metric::Other {
                continue;
            }
            let Some(data) = line.data else {
                visit(bad("a Point without `data`".into()));
                continue;
            };
            let time = data.time.as_deref().unwrap_or("");
            let Some(t_ms) = parse_rfc3339_ms(time) else {
                visit(bad(format!("bad time `{time}`: want RFC 3339")));
                continue;
            };
            let Some(value) = data.value.filter(|v| v.is_finite()) else {
                visit(bad("a Point without a numeric `value`".into()));
                continue;
            };
            if metric == Metric::Duration && !latency_possible(value) {
                visit(bad(format!(
                    "http_req_duration {value} ms: a latency cannot be negative"
                )));
                continue;
            }
            let tags = data.tags.as_ref().unwrap_or(&empty);
            if metric == Metric::Checks {
                let passed = value != 0.0;
                (counts.checks).add(tag(tags, "check"), u64::from(passed), u64::from(!passed));
                continue;
            }
            identity(&mut id, time, tags);
            let t = Tags {
                method: tag(tags, "method"),
                name: tag(tags, "name"),
                url: tag(tags, "url"),
                status: tag(tags, "status"),
                expected_response: tag(tags, "expected_response"),
                error: tag(tags, "error"),
                error_code: tag(tags, "error_code"),
            };
            assembler.sample(metric, &id, t_ms, value, &t, visit);
        }
        assembler.flush(visit);
        // A line cut short before the end of the file is malformed; at its end, the
        // run did not end (see `stopped_early`).
        if let Some(p) = cut_short {
            if range.is_some_and(|r| !r.last) {
                visit(Observation::Malformed(p));
            } else {
                counts.truncated_last_line = p.line;
            }
        }
        if points == 0 && range.is_none() {
            return Err(problem(&self.path, Some(1), "no Point lines: no samples"));
        }
        counts.orphans = assembler.orphans;
        Ok(counts)
    }

    /// The counts of the last replay, whole or in parts.
    fn last_counts(&self) -> Counts {
        chunks::last_counts(&self.counts, &self.parts, |all, c| {
            all.orphans += c.orphans;
            all.truncated_last_line = all.truncated_last_line.or(c.truncated_last_line);
            all.old_layout |= c.old_layout;
            all.checks.merge(&c.checks);
        })
    }
}

/// One byte range of a k6 JSON output, read on its own thread.
struct K6JsonPart {
    json: K6Json,
    range: Range,
    /// Where this part's counts go.
    counts: CountSlot<Counts>,
}

impl Replay for K6JsonPart {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        self.counts.put(self.json.read(Some(&self.range), visit)?);
        Ok(())
    }
}

impl Replay for K6Json {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        *self.counts.borrow_mut() = self.read(None, visit)?;
        *self.parts.borrow_mut() = None;
        Ok(())
    }

    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        chunks::counted_parts(
            &self.path,
            parts,
            0,
            Quoting::Ignored,
            &starts_part,
            &self.parts,
            |range, counts| {
                Box::new(K6JsonPart {
                    json: K6Json {
                        path: self.path.clone(),
                        counts: RefCell::default(),
                        parts: RefCell::default(),
                    },
                    range,
                    counts,
                })
            },
        )
    }

    fn script_checks(&self) -> ScriptChecks {
        self.last_counts().checks
    }

    fn version_hint(&self) -> Option<String> {
        Some(if self.last_counts().old_layout {
            "k6 JSON output (older layout with `tainted`, k6 ≤ 0.3x)".into()
        } else {
            "k6 JSON output".into()
        })
    }

    fn notes(&self) -> Vec<String> {
        orphan_note(self.last_counts().orphans)
    }

    fn stopped_early(&self) -> Option<String> {
        let line = self.last_counts().truncated_last_line?;
        Some(format!(
            "{}: the JSON output's last line ({line}) is cut mid-write: k6 was killed or is \
             still writing the file, so its results stop before the run's end",
            self.path.shown()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_key_orders() {
        assert!(looks_like_k6_json(
            r#"{"type":"Metric","data":{"name":"http_reqs"},"metric":"http_reqs"}"#
        ));
        assert!(looks_like_k6_json(
            r#"{"metric":"http_reqs","type":"Point","data":{}}"#
        ));
        assert!(!looks_like_k6_json(r#"{"metrics":{}}"#));
    }
}
