//! `report.html`: the markdown report through comrak (GFM tables) inside the HTML
//! shell of `templates/report.html.j2`, with the charts inlined as SVG, a table of
//! contents, collapsible sections and a section per endpoint; one self-contained file
//! that needs no network.
//!
//! Safety: comrak's raw-HTML passthrough stays off, so untrusted text — already
//! escaped by the `md` filter — can never become markup; the shell template is
//! HTML-auto-escaped, and only comrak's output, our own fixed markup around it and
//! our own SVG (whose text is XML-escaped by the chart backend) are inserted as
//! markup.
//!
//! Order: the page keeps report.md's order (nothing is moved by heading text). What
//! the page adds is structural: every `##` / `###` section becomes a collapsible
//! `<details>` with an id the table of contents links to; status cells get a CSS
//! class from the status word the markdown already writes (the emoji stays, as
//! decoration only); the chart images report.md links are replaced by the inline SVG
//! of the same chart; the per-endpoint drill-down is built from the analysis.

use serde::Serialize;

use super::markdown::{environment, render_markdown};
use super::{Exporter, RenderError, Report};
use crate::analysis::report::{EndpointReport, ScopeReport};
use crate::analysis::sla::{Metric, RuleStatus};
use crate::analysis::Analysis;

/// Writes `report.html`, inlining the charts rendered for this report.
pub struct HtmlExporter {
    /// Every chart of the report, as SVG.
    pub charts: Vec<InlineChart>,
}

/// A chart as the page inlines it.
#[derive(Clone, Debug, Serialize)]
pub struct InlineChart {
    /// Its title.
    pub title: String,
    /// What to read from it.
    pub caption: String,
    /// The endpoint of a per-endpoint chart.
    pub endpoint: Option<String>,
    /// The report-relative paths report.md may link it by (`charts/x.svg`, `.png`).
    pub paths: Vec<String>,
    /// The SVG document.
    pub svg: String,
}

/// The markdown as an HTML fragment.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = false;
    options.render.r#unsafe = false;
    comrak::markdown_to_html(markdown, &options)
}

/// One line of markdown as inline HTML (comrak's paragraph around it dropped).
fn inline_html(markdown: &str) -> String {
    let html = markdown_to_html(markdown);
    let html = html.trim_end();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_string()
}

/// The status words report.md writes at the start of a table cell (after the emoji
/// that decorates them), and the CSS class each gets.
const STATUS_CELLS: &[(&str, &str)] = &[
    ("✅ pass", "st-pass"),
    ("❌ FAIL", "st-fail"),
    ("⚠️ not proven", "st-not-proven"),
    ("❔ insufficient data", "st-no-data"),
    ("⏭️ not run", "st-not-run"),
    ("READY", "st-pass"),
    ("AT RISK", "st-warn"),
    ("NOT READY", "st-fail"),
];

/// Gives every table cell that starts with a status word its status class, and wraps
/// its emoji as decoration (`aria-hidden`), so colour and text carry the status.
fn classify_status_cells(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find("<td") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(close) = rest.find('>') else {
            break;
        };
        let (open, body) = rest.split_at(close + 1);
        let status = STATUS_CELLS.iter().find(|(word, _)| {
            body.strip_prefix(word)
                .is_some_and(|after| after.starts_with([' ', '<']) || after.is_empty())
        });
        match status {
            Some((word, class)) => {
                let attrs = &open[3..open.len() - 1];
                out.push_str(&format!("<td class=\"status {class}\"{attrs}>"));
                let (icon, text) = match word.split_once(' ') {
                    Some((icon, text)) if !icon.is_ascii() => (Some(icon), text),
                    _ => (None, *word),
                };
                if let Some(icon) = icon {
                    out.push_str(&format!(
                        "<span class=\"icon\" aria-hidden=\"true\">{icon}</span> "
                    ));
                }
                out.push_str(&format!("<b>{}</b>", text.to_uppercase()));
                rest = &body[word.len()..];
            }
            None => {
                out.push_str(open);
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The emoji report.md writes: each becomes a coloured dot (the traffic lights) or
/// is dropped from view (`.icon`, when a status word follows it anyway), so a
/// machine without an emoji font shows no empty boxes.
const EMOJI: &[(&str, &str)] = &[
    (
        "🟢",
        "<span class=\"dot dot-green\" aria-hidden=\"true\"></span>",
    ),
    (
        "🟡",
        "<span class=\"dot dot-amber\" aria-hidden=\"true\"></span>",
    ),
    (
        "🔴",
        "<span class=\"dot dot-red\" aria-hidden=\"true\"></span>",
    ),
];

/// Replaces the traffic-light emoji with CSS dots and wraps the other status emoji
/// as hidden decoration (status cells are handled first, by
/// [`classify_status_cells`]).
fn decorate_emoji(html: &str) -> String {
    let mut html = html.to_string();
    for (emoji, dot) in EMOJI {
        html = html.replace(emoji, dot);
    }
    for icon in ["✅", "❌", "⚠️", "❔", "⏭️"] {
        html = html.replace(
            &format!("{icon} "),
            &format!("<span class=\"icon\" aria-hidden=\"true\">{icon}</span> "),
        );
    }
    html
}

/// `text` without emoji (for the table of contents, which is plain text).
fn without_emoji(text: &str) -> String {
    let emoji = |c: char| matches!(c as u32, 0x2300..=0x23FF | 0x2600..=0x27BF | 0xFE0F | 0x1F000..=0x1FAFF);
    let kept: String = text.chars().filter(|c| !emoji(*c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The (stage, column heading) of every value an SLA rule fails on: a stage's (or,
/// as `overall`, the whole run's) figure in tables whose rows are stages.
fn failing_values(analysis: &Analysis) -> Vec<(String, &'static str)> {
    let Some(sla) = &analysis.sla else {
        return Vec::new();
    };
    sla.rules
        .iter()
        .filter(|r| r.status == RuleStatus::Fail && r.endpoint.is_none())
        .filter_map(|r| {
            let column = match r.metric {
                Metric::ErrorRate | Metric::Availability => "Error rate",
                Metric::Percentile(50.0) => "p50",
                Metric::Percentile(95.0) => "p95",
                Metric::Percentile(99.0) => "p99",
                Metric::Throughput | Metric::Goodput => "Throughput",
                _ => return None,
            };
            Some((r.stage.clone().unwrap_or_else(|| "overall".into()), column))
        })
        .collect()
}

/// `html` with every `<table>…` (up to its `</table>`) passed through `f`.
fn map_tables(html: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<table>") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find("</table>").map_or(rest.len(), |e| at + e);
        out.push_str(&f(&rest[at..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text of a table's header cells.
fn table_headers(table: &str) -> Vec<String> {
    table
        .replace("<thead>", "")
        .split("<th")
        .skip(1)
        .map(|h| text_of(&h[h.find('>').map_or(0, |i| i + 1)..h.find("</th>").unwrap_or(h.len())]))
        .collect()
}

/// Marks `failing` values in the tables whose first column is `Stage` (class
/// `failing`), so a figure that misses the SLA stands out wherever it is shown.
fn mark_failing_values(html: &str, failing: &[(String, &str)]) -> String {
    if failing.is_empty() {
        return html.to_string();
    }
    map_tables(html, |t| mark_table(t, failing))
}

/// In the SLA matrix (its verdict stages' headings carry ★), a FAIL outside the
/// verdict columns does not gate the verdict: it gets the `st-info` style and says
/// so, so a gating failure and an informative one never look alike.
fn demote_non_gating(html: &str) -> String {
    map_tables(html, |table| {
        let headers = table_headers(table);
        if !headers.iter().any(|h| h.contains('★')) {
            return table.to_string();
        }
        let mut out = String::with_capacity(table.len() + 256);
        for (r, row) in table.split("<tr>").enumerate() {
            if r > 0 {
                out.push_str("<tr>");
            }
            for (i, cell) in row.split("<td").enumerate() {
                if i == 0 {
                    out.push_str(cell);
                    continue;
                }
                out.push_str("<td");
                let gating = headers.get(i - 1).is_some_and(|h| h.contains('★'));
                match cell.strip_prefix(" class=\"status st-fail\"") {
                    Some(rest) if !gating => {
                        out.push_str(" class=\"status st-info\"");
                        out.push_str(&rest.replacen(
                            "<b>FAIL</b>",
                            "<b>FAIL</b> <small>(not gating)</small>",
                            1,
                        ));
                    }
                    _ => out.push_str(cell),
                }
            }
        }
        out
    })
}

/// Gives the SLA matrix (the table headed `Rule | Scope | stages…`) its class, whose
/// CSS lets status cells wrap (the word above its value) so the matrix fits the page
/// instead of scrolling sideways. Runs last: the other table passes look for a bare
/// `<table>`.
fn mark_sla_matrix(html: &str) -> String {
    map_tables(html, |table| {
        let headers = table_headers(table);
        if headers.len() > 2 && headers[0] == "Rule" && headers[1] == "Scope" {
            table.replacen("<table>", "<table class=\"sla-matrix\">", 1)
        } else {
            table.to_string()
        }
    })
}

/// [`mark_failing_values`] for one table.
fn mark_table(table: &str, failing: &[(String, &str)]) -> String {
    let headers = table_headers(table);
    if headers.first().map(String::as_str) != Some("Stage") {
        return table.to_string();
    }
    let mut out = String::with_capacity(table.len() + 256);
    for (r, row) in table.split("<tr>").enumerate() {
        if r > 0 {
            out.push_str("<tr>");
        }
        let cells: Vec<&str> = row.split("<td").collect();
        let stage = cells.get(1).map(|c| {
            let body = &c[c.find('>').map_or(0, |i| i + 1)..];
            let text = text_of(&body[..body.find("</td>").unwrap_or(body.len())]);
            // `overall (ramps included)` is the run's row.
            match text.strip_prefix("overall") {
                Some(_) => "overall".to_string(),
                None => unescape(&text),
            }
        });
        for (i, cell) in cells.iter().enumerate() {
            if i == 0 {
                out.push_str(cell);
                continue;
            }
            out.push_str("<td");
            let column = headers.get(i - 1).map(String::as_str);
            let hit = stage
                .as_deref()
                .zip(column)
                .is_some_and(|(s, c)| failing.iter().any(|(fs, fc)| fs == s && *fc == c));
            if hit && !cell.starts_with(" class=") {
                out.push_str(" class=\"failing\"");
            }
            out.push_str(cell);
        }
    }
    out
}

/// Replaces each paragraph that holds only a chart image report.md links with the
/// chart's inline SVG.
fn inline_chart_images(html: &str, charts: &[InlineChart]) -> String {
    let mut html = html.to_string();
    for chart in charts {
        for path in &chart.paths {
            let needle = format!("<p><img src=\"{path}\"");
            let Some(start) = html.find(&needle) else {
                continue;
            };
            let Some(len) = html[start..].find("</p>") else {
                continue;
            };
            let figure = format!("<figure class=\"chart\">\n{}\n</figure>", chart.svg);
            html.replace_range(start..start + len + 4, &figure);
        }
    }
    html
}

/// A table-of-contents entry.
#[derive(Clone, Debug, Serialize)]
struct TocEntry {
    id: String,
    text: String,
    /// 2 or 3.
    level: u8,
}

/// Plain text of an HTML fragment (tags dropped, entities kept).
fn text_of(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// An id for `text` not yet in `taken`.
fn unique_id(prefix: &str, text: &str, taken: &mut Vec<String>) -> String {
    let base = format!("{prefix}{}", super::charts::slug(&unescape(text)));
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

/// The few entities comrak writes, back to characters (for ids only).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Wraps every `<h2>` and `<h3>` section in an open `<details>` whose `<summary>` is
/// the heading, with an id; returns the page body and its table of contents.
fn sectioned(html: &str, taken: &mut Vec<String>) -> (String, Vec<TocEntry>) {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut toc = Vec::new();
    let mut open: Vec<u8> = Vec::new();
    let mut rest = html;
    loop {
        let next = [("<h2>", 2u8), ("<h3>", 3u8)]
            .iter()
            .filter_map(|(tag, level)| rest.find(tag).map(|at| (at, *level)))
            .min();
        let Some((at, level)) = next else {
            break;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let close = format!("</h{level}>");
        let Some(end) = rest.find(&close) else {
            break;
        };
        let heading = &rest[..end + close.len()];
        let inner = &heading[4..end];
        rest = &rest[end + close.len()..];
        while open.last().is_some_and(|l| *l >= level) {
            open.pop();
            out.push_str("</details>\n");
        }
        let text = text_of(inner);
        let id = unique_id("s-", &text, taken);
        out.push_str(&format!(
            "<details open class=\"part h{level}\" id=\"{id}\"><summary>{heading}</summary>\n"
        ));
        toc.push(TocEntry {
            id,
            text: without_emoji(&unescape(&text)),
            level,
        });
        open.push(level);
    }
    out.push_str(rest);
    for _ in open {
        out.push_str("</details>\n");
    }
    (out, toc)
}

/// One stage's figures of an endpoint, as the drill-down table shows them.
#[derive(Debug, Serialize)]
struct EndpointRow<'a> {
    stage: &'a str,
    figures: &'a ScopeReport,
    top_error: Option<String>,
}

/// One endpoint's drill-down section.
#[derive(Debug, Serialize)]
struct EndpointSection<'a> {
    id: String,
    key: &'a str,
    rows: Vec<EndpointRow<'a>>,
    charts: Vec<&'a InlineChart>,
}

/// Every endpoint of the run (transactions excluded), in first-seen order, with its
/// figures in each stage and its charts.
fn endpoint_sections<'a>(
    analysis: &'a Analysis,
    charts: &'a [InlineChart],
    taken: &mut Vec<String>,
) -> Vec<EndpointSection<'a>> {
    let mut keys: Vec<&str> = Vec::new();
    for e in analysis.stages.iter().flat_map(|s| &s.endpoints) {
        if !e.transaction && !keys.contains(&e.key.as_str()) {
            keys.push(&e.key);
        }
    }
    keys.into_iter()
        .map(|key| {
            let rows = analysis
                .stages
                .iter()
                .filter_map(|s| {
                    let e: &EndpointReport = s
                        .endpoints
                        .iter()
                        .find(|e| e.key == key && !e.transaction)?;
                    Some(EndpointRow {
                        stage: &s.name,
                        figures: &e.figures,
                        top_error: top_error(e),
                    })
                })
                .collect();
            EndpointSection {
                id: unique_id("endpoint-", key, taken),
                key,
                rows,
                charts: charts
                    .iter()
                    .filter(|c| c.endpoint.as_deref() == Some(key))
                    .collect(),
            }
        })
        .collect()
}

/// Points report.md's links to per-endpoint chart files at the drill-down section
/// that inlines those charts, so that the page needs no file beside it.
fn link_endpoint_charts(html: &str, endpoints: &[EndpointSection<'_>]) -> String {
    let mut html = html.to_string();
    for e in endpoints {
        for path in e.charts.iter().flat_map(|c| &c.paths) {
            let link = format!("<a href=\"{path}\">");
            html = html.replace(&link, &format!("<a href=\"#{}\">", e.id));
        }
    }
    html
}

/// An endpoint's commonest error message with its count; where the source keeps no
/// messages (an `.hlog`, a tool's summary), its commonest failure kind.
fn top_error(e: &EndpointReport) -> Option<String> {
    if let Some(t) = e.top_errors.first() {
        return Some(format!("{} × {}", t.count, t.message));
    }
    let (kind, count) = e
        .figures
        .failures_by_kind
        .iter()
        // The largest count; of equal counts, the first kind in order.
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    Some(format!("{count} × {kind}"))
}

impl Exporter for HtmlExporter {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, report: &Report<'_>) -> Result<Vec<u8>, RenderError> {
        let analysis = report.analysis;
        let body = markdown_to_html(&render_markdown(report)?);
        let body = inline_chart_images(&body, &self.charts);
        let body = decorate_emoji(&classify_status_cells(&body));
        let body = demote_non_gating(&mark_failing_values(&body, &failing_values(analysis)));
        let body = mark_sla_matrix(&body);
        let mut taken = Vec::new();
        let (body, toc) = sectioned(&body, &mut taken);
        // The title first, then the verdict banner, then the rest.
        let (heading, body) = match body.find("</h1>") {
            Some(end) => body.split_at(end + "</h1>".len()),
            None => ("", body.as_str()),
        };
        let endpoints = endpoint_sections(analysis, &self.charts, &mut taken);
        let body = link_endpoint_charts(body, &endpoints);
        let env = environment();
        let template_error = |source| RenderError::Template {
            name: "report.html".into(),
            source,
        };
        let tpl = env.get_template("report.html").map_err(template_error)?;
        let title = analysis
            .run
            .label
            .clone()
            .unwrap_or_else(|| "load test".into());
        // The verdict sentence without its first word (the banner shows the verdict),
        // its `rule` and `stage` spans as code, as in the summary below it.
        let headline = analysis.sla.as_ref().map(|s| {
            let rest = s
                .headline
                .split_once(' ')
                .map_or(s.headline.as_str(), |(_, rest)| rest);
            inline_html(&super::filters::code_spans(rest))
        });
        tpl.render(minijinja::context! {
            title => title,
            verdict => analysis.verdict,
            verdict_class => analysis.verdict.map(|v| super::charts::slug(v.as_str())),
            headline => headline,
            heading => heading,
            body => body,
            toc => toc,
            endpoints => endpoints,
        })
        .map(String::into_bytes)
        .map_err(template_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_cells_get_a_class_and_keep_their_word() {
        let html = "<tr><td>p95</td><td align=\"right\">✅ pass 12 ms</td><td>❌ FAIL 3% (2× over)</td><td>AT RISK</td><td>READY to go?</td><td>·</td></tr>";
        let out = classify_status_cells(html);
        assert!(out.contains("<td class=\"status st-pass\" align=\"right\"><span class=\"icon\" aria-hidden=\"true\">✅</span> <b>PASS</b> 12 ms</td>"), "{out}");
        assert!(out.contains("<td class=\"status st-fail\"><span class=\"icon\" aria-hidden=\"true\">❌</span> <b>FAIL</b> 3% (2× over)</td>"), "{out}");
        assert!(
            out.contains("<td class=\"status st-warn\"><b>AT RISK</b></td>"),
            "{out}"
        );
        // Only a whole status word counts.
        assert!(out.contains("<td class=\"status st-pass\"><b>READY</b> to go?</td>"));
        assert!(out.contains("<td>·</td>") && out.contains("<td>p95</td>"));
    }

    #[test]
    fn failing_values_are_marked_in_stage_tables_only() {
        let html = "<table>\n<thead>\n<tr>\n<th>Stage</th>\n<th align=\"right\">p95</th>\n<th>Error rate</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>a</td>\n<td align=\"right\">1 ms</td>\n<td>0%</td>\n</tr>\n<tr>\n<td><strong>overall</strong> (ramps included)</td>\n<td>2 ms</td>\n<td>5%</td>\n</tr>\n</tbody>\n</table>\n<table><thead><tr><th>Rule</th><th>Error rate</th></tr></thead><tbody><tr><td>overall</td><td>5%</td></tr></tbody></table>";
        let failing = vec![
            ("overall".to_string(), "Error rate"),
            ("a".to_string(), "p95"),
        ];
        let out = mark_failing_values(html, &failing);
        assert!(
            out.contains("<td class=\"failing\" align=\"right\">1 ms</td>"),
            "{out}"
        );
        assert!(
            out.contains("<td class=\"failing\">5%</td>\n</tr>\n</tbody>"),
            "{out}"
        );
        assert!(out.contains("<td>0%</td>") && out.contains("<td>2 ms</td>"));
        // A table whose rows are not stages is left alone.
        assert!(
            out.ends_with("<td>overall</td><td>5%</td></tr></tbody></table>"),
            "{out}"
        );
    }

    #[test]
    fn fails_outside_the_verdict_columns_do_not_look_gating() {
        let html = "<table>\n<thead>\n<tr>\n<th>Rule</th>\n<th>a ★</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>r</td>\n<td class=\"status st-fail\"><b>FAIL</b> 2%</td>\n<td class=\"status st-fail\"><b>FAIL</b> 3%</td>\n</tr>\n</tbody>\n</table>";
        let out = demote_non_gating(html);
        assert!(
            out.contains("<td class=\"status st-fail\"><b>FAIL</b> 2%</td>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<td class=\"status st-info\"><b>FAIL</b> <small>(not gating)</small> 3%</td>"
            ),
            "{out}"
        );
    }

    #[test]
    fn only_the_sla_matrix_gets_its_class() {
        let html = "<table>\n<thead>\n<tr>\n<th>Rule</th>\n<th>Scope</th>\n<th>peak ★</th>\n</tr>\n</thead></table>\n\
                    <table>\n<thead>\n<tr>\n<th>Stage</th>\n<th>p95</th>\n</tr>\n</thead></table>";
        let out = mark_sla_matrix(html);
        assert_eq!(
            out.matches("<table class=\"sla-matrix\">").count(),
            1,
            "{out}"
        );
        assert!(
            out.contains("<table>\n<thead>\n<tr>\n<th>Stage</th>"),
            "{out}"
        );
    }

    #[test]
    fn sections_nest_and_get_unique_ids() {
        let html = "<h1>T</h1>\n<h2>Results</h2>\n<p>a</p>\n<h3>stage &lt;a&gt;</h3>\n<p>b</p>\n<h2>Results</h2>\n<p>c</p>\n";
        let mut taken = Vec::new();
        let (out, toc) = sectioned(html, &mut taken);
        let ids: Vec<&str> = toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["s-results", "s-stage-a", "s-results-2"]);
        assert_eq!(toc[1].text, "stage <a>");
        assert_eq!(out.matches("<details").count(), 3);
        assert_eq!(out.matches("</details>").count(), 3);
        // The second h2 closes the h3 and the first h2 before opening.
        let second = out.find("id=\"s-results-2\"").unwrap();
        assert_eq!(out[..second].matches("</details>").count(), 2);
    }

    #[test]
    fn chart_images_become_inline_svg() {
        let chart = InlineChart {
            title: "T".into(),
            caption: "C".into(),
            endpoint: None,
            paths: vec!["charts/x.svg".into(), "charts/x.png".into()],
            svg: "<svg/>".into(),
        };
        let out = inline_chart_images(
            "<p><img src=\"charts/x.png\" alt=\"T\" /></p>\n<p><em>C</em></p>",
            &[chart],
        );
        assert_eq!(
            out,
            "<figure class=\"chart\">\n<svg/>\n</figure>\n<p><em>C</em></p>"
        );
    }
}
