//! Locust's HTML report as Locust 1.x to 2.21 write it (`--html report.html`; the seed
//! report's Locust 2.20): a page rendered from a template, with no data object.
//!
//! * "Request Statistics" (`<div class="requests">`): Method, Name, # Requests,
//!   # Fails, Average, Min and Max (ms), Average size, RPS, Failures/s; its last row is
//!   `Aggregated`. The template cuts the times to whole ms (`int()`) and rounds the RPS
//!   to 0.1.
//! * "Response Time Statistics" (`<div class="responses">`): the percentiles its
//!   header names (`50%ile (ms)` … `100%ile (ms)`), Locust's own (rounded by Locust to
//!   about two significant digits), cut to whole ms.
//! * "Failures Statistics" (`<div class="failures">`, when any failed): Method, Name,
//!   Error, Occurrences: the failures' kinds.
//! * `During: START - END`: UTC to the second, the stats' start and the last request.
//!   The run lasted the `Aggregated` requests ÷ its RPS (Locust's rate over its own
//!   measured window), or END − START when the RPS is 0.
//! * The users are the `user_count` values of the page's `stats_history` script.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::html::{add_kinds, one_level, NO_REQUESTS};
use crate::ingest::problem;
use crate::ingest::summary::{endpoint, ToolSummary};
use crate::ingest::text::parse_rfc3339_ms;
use crate::model::{EndpointKey, LatencyDistribution, PercentileSummary, Problem};

/// The page's heading, which tells this generation of the report.
pub(super) const HEADING: &str = "<h1>Locust Test Report</h1>";

/// A table: its header cells and its rows' cells, as text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The page's line each row starts on (1-based).
    lines: Vec<u64>,
}

impl Table {
    /// The table in `<div class="{class}">`, if the page has it.
    fn of(html: &str, class: &str) -> Option<Table> {
        let start = html.find(&format!("<div class=\"{class}\">"))?;
        let body = &html[start..];
        let body = &body[..body.find("</table>")?];
        static TH: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)<th[^>]*>(.*?)</th>").expect("valid"));
        static TD: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)<td[^>]*>(.*?)</td>").expect("valid"));
        let cells = |row: &str, re: &Regex| -> Vec<String> {
            re.captures_iter(row).map(|c| cell_text(&c[1])).collect()
        };
        let (head, rows) = body.split_once("<tbody>").unwrap_or((body, ""));
        let mut table = Table {
            header: cells(head, &TH),
            rows: Vec::new(),
            lines: Vec::new(),
        };
        let rows_at = start + body.len() - rows.len();
        for (at, _) in rows.match_indices("<tr") {
            let row = &rows[at..];
            let row_cells = cells(
                &row[..row[3..].find("<tr").map_or(row.len(), |e| e + 3)],
                &TD,
            );
            if !row_cells.is_empty() {
                let before = &html[..rows_at + at];
                table.lines.push(before.matches('\n').count() as u64 + 1);
                table.rows.push(row_cells);
            }
        }
        Some(table)
    }
}

/// A cell's text: tags dropped, the template's HTML escapes undone, trimmed.
fn cell_text(html: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid"));
    let text = TAG.replace_all(html, "");
    (text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\""))
    .replace("&#x27;", "'")
    .replace("&#39;", "'")
    .replace("&amp;", "&")
    .trim()
    .to_string()
}

/// Reads the report's page `html`.
pub(super) fn read(path: &Path, html: &str) -> Result<ToolSummary, Problem> {
    let requests = Table::of(html, "requests").ok_or_else(|| {
        problem(
            path,
            None,
            "a Locust report page without its Request Statistics",
        )
    })?;
    let responses = Table::of(html, "responses");
    let mut s = ToolSummary::new("locust");
    let mut rps = None;
    for (row, &line) in requests.rows.iter().zip(&requests.lines) {
        let [method, name, n, fails, avg, min, max, _size, row_rps, ..] = row.as_slice() else {
            return Err(problem(
                path,
                Some(line),
                format!("a Request Statistics row of {} cells", row.len()),
            ));
        };
        let bad = |why: &str| problem(path, Some(line), format!("`{name}`: {why}"));
        let count = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| bad(&format!("`{v}` is not a count")))
        };
        let (n, fails) = (count(n)?, count(fails)?);
        if fails > n {
            return Err(bad("more failures than requests"));
        }
        let ms = |v: &str| v.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        let latency = PercentileSummary {
            sd_ms: None,
            count: n,
            mean_ms: ms(avg),
            min_ms: ms(min),
            max_ms: ms(max),
            points: responses
                .as_ref()
                .map_or_else(Vec::new, |t| percentiles(t, method, name)),
            merged: false,
            co_corrected: false,
        };
        let key = EndpointKey::new((!method.is_empty()).then_some(method.as_str()), name);
        let mut ep = endpoint(key, n, LatencyDistribution::Summary(latency));
        ep.failures = fails;
        if name == "Aggregated" && method.is_empty() {
            rps = ms(row_rps).filter(|r| *r > 0.0).map(|r| n as f64 / r);
            s.aggregate = Some(ep);
        } else {
            s.endpoints.push(ep);
        }
    }
    if s.endpoints.is_empty() {
        return Err(problem(path, None, NO_REQUESTS));
    }
    if let Some(t) = Table::of(html, "failures") {
        let failures = (t.rows.iter()).filter_map(|r| match r.as_slice() {
            [method, name, error, n, ..] => Some((
                method.as_str(),
                name.as_str(),
                error.as_str(),
                n.parse().ok()?,
            )),
            _ => None,
        });
        add_kinds(failures, &mut s);
    }
    let (start, end) = during(html);
    s.duration_s = rps.or_else(|| Some((end? - start?) as f64 / 1000.0).filter(|d| *d > 0.0));
    if let (Some(start), Some(secs)) = (start, s.duration_s) {
        s.window_ms = Some((start, start + (secs * 1000.0).round() as i64));
    }
    let samples: Vec<(i64, f64)> = (user_counts(html).into_iter().enumerate())
        .map(|(i, u)| (i as i64 * 1000, u))
        .collect();
    s.users = one_level(&samples, path, &mut s.notes);
    s.notes.push(
        "Locust's HTML report (before Locust 2.22): Locust's own whole-run figures (ramps \
         included), times cut to whole ms by its template, percentiles rounded by Locust to \
         about two significant digits"
            .into(),
    );
    Ok(s)
}

/// Locust's percentiles of `(method, name)` from the Response Time Statistics, at the
/// levels its header names.
fn percentiles(t: &Table, method: &str, name: &str) -> Vec<(f64, f64)> {
    let Some(row) = t
        .rows
        .iter()
        .find(|r| r.len() > 2 && r[0] == method && r[1] == name)
    else {
        return Vec::new();
    };
    let mut points: Vec<(f64, f64)> = (t.header.iter().zip(row).skip(2))
        .filter_map(|(h, v)| {
            let pct: f64 = h.split("%ile").next()?.trim().parse().ok()?;
            let ms: f64 = v
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
            (pct > 0.0 && pct <= 100.0).then_some((pct, ms))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// The `During: START - END` times (UTC, `YYYY-MM-DD HH:MM:SS`), epoch ms.
fn during(html: &str) -> (Option<i64>, Option<i64>) {
    let re = Regex::new(r"During:\s*<span[^>]*>([^<]+)</span>\s*-\s*<span[^>]*>([^<]+)</span>")
        .expect("valid");
    let Some(c) = re.captures(html) else {
        return (None, None);
    };
    let at = |s: &str| parse_rfc3339_ms(&format!("{}Z", s.trim().replace(' ', "T")));
    (at(&c[1]), at(&c[2]))
}

/// The `user_count` values of the page's `stats_history` (`[{"value": 10}, …]`, or
/// plain numbers in older pages).
fn user_counts(html: &str) -> Vec<f64> {
    let Some(at) = html.find("\"user_count\":") else {
        return Vec::new();
    };
    let list = &html[at..];
    let list = &list[..list.find(']').unwrap_or(list.len())];
    let number = Regex::new(r"(\d+(?:\.\d+)?)").expect("valid");
    number
        .captures_iter(list)
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lose_their_tags_and_escapes() {
        assert_eq!(
            cell_text(" <span>GET /a?x=1&amp;y=&#x27;2&#x27;</span> "),
            "GET /a?x=1&y='2'"
        );
        assert_eq!(
            user_counts("\"user_count\": [{\"value\": 10}, {\"value\": 12}],"),
            [10.0, 12.0]
        );
        assert_eq!(user_counts("\"user_count\": [3, 5],"), [3.0, 5.0]);
    }
}
