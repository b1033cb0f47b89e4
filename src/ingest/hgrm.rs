//! HdrHistogram percentile distribution text: the `.hgrm` files of
//! jHiccup and `HistogramLogProcessor`, `outputPercentileDistribution` (Java) and
//! `hdr_percentiles_print` (C) output, in text or CSV mode — and the same spectrum
//! embedded in wrk2's `--latency` output, which `wrk.rs` parses with [`Spectrum`].
//!
//! The spectrum's rows are points of the true cumulative distribution: exactly
//! `TotalCount` values are ≤ `Value` (to the writer's bucket resolution). The
//! distribution is rebuilt as an exact HdrHistogram by recording, at each row's value,
//! the values counted since the previous row. That is **exact at every row** and an
//! upper bound between rows (rows are dense in the tail, sparse below the median), so
//! a percentile between two rows reads as the next row's value — never optimistic.
//! The mean of the rebuilt histogram is biased upwards for the same reason; the
//! writer's own mean (footer) is kept in a note. Percentiles the writer printed from
//! its full histogram (wrk2's `Latency Distribution` above the spectrum) are points of
//! the distribution too, and are added as rows ([`Spectrum::with_points`]).
//!
//! Units: values are in whatever unit the writer scaled them to. wrk2 prints ms;
//! jHiccup and most tools print ms too, so `.hgrm` files are read as ms unless
//! `--hgrm-unit` says otherwise.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::summary::{endpoint, file_stem, read_file_text, record_ms_n, ToolSummary};
use super::{problem, IngestOptions, TimeUnit};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{new_histogram, EndpointKey, LatencyDistribution, Problem};

/// The `hdr-percentiles` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HdrPercentiles,
    name: "hdr-percentiles",
    tool: "hdrhistogram",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(read),
    splittable: false,
    notes: &[],
    detected_by: "Value Percentile TotalCount 1/(1-Percentile) header (text or CSV)",
    example: "HistogramLogProcessor -csv; histogram.outputPercentileDistribution",
};

/// True when the head looks like a percentile distribution: the `Value Percentile
/// TotalCount` header (spaces, text mode) or its quoted CSV form, and not a wrk run
/// (wrk2 embeds the same spectrum; `wrk.rs` reads those).
pub fn sniff(head: &str) -> bool {
    !super::wrk::sniff(head) && head.lines().take(20).any(|l| is_header(l).is_some())
}

/// Whether `line` is a spectrum header, and in which mode.
fn is_header(line: &str) -> Option<Mode> {
    let t = line.trim();
    if t.starts_with("\"Value\",\"Percentile\",\"TotalCount\"") {
        return Some(Mode::Csv);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    (words.len() >= 3 && words[..3] == ["Value", "Percentile", "TotalCount"]).then_some(Mode::Text)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Text,
    Csv,
}

/// One row of a percentile spectrum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectrumRow {
    /// Value in the writer's unit.
    pub value: f64,
    /// Percentile level, a fraction 0–1.
    pub percentile: f64,
    /// Values ≤ `value` so far.
    pub cumulative: u64,
}

/// A parsed percentile spectrum with its footer figures (text mode only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spectrum {
    /// Rows in file order (values and counts non-decreasing).
    pub rows: Vec<SpectrumRow>,
    /// `#[Mean = …]`, writer's unit.
    pub mean: Option<f64>,
    /// `#[Max = …]`, writer's unit.
    pub max: Option<f64>,
    /// `#[… Total count = …]`.
    pub total: Option<u64>,
}

impl Spectrum {
    /// Parses a spectrum from `lines` (1-based number of the first one is
    /// `first_line`): optional blank lines, the header, rows, then the footer. Returns
    /// the spectrum and how many lines it used; stops at the first line that is none
    /// of those (wrk2's `----` rule, the next section).
    pub fn parse(
        path: &Path,
        lines: &[&str],
        first_line: u64,
    ) -> Result<(Spectrum, usize), Problem> {
        let at = |i: usize| Some(first_line + i as u64);
        let mut i = 0;
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        let mode = lines
            .get(i)
            .and_then(|l| is_header(l))
            .ok_or_else(|| problem(path, at(i), "no `Value Percentile TotalCount` header"))?;
        i += 1;
        let mut s = Spectrum::default();
        while i < lines.len() {
            let line = lines[i].trim();
            if line.is_empty() {
                // Blank lines separate the header from the rows.
                if s.rows.is_empty() {
                    i += 1;
                    continue;
                }
                break;
            }
            if let Some(footer) = line.strip_prefix("#[") {
                read_footer(footer, &mut s);
                i += 1;
                continue;
            }
            let cells: Vec<&str> = match mode {
                Mode::Text => line.split_whitespace().collect(),
                Mode::Csv => line.split(',').map(str::trim).collect(),
            };
            if let Some(count) = cells.get(2).filter(|c| count_too_large(c)) {
                return Err(problem(
                    path,
                    at(i),
                    format!(
                        "TotalCount {count} is more than {} — not a real count",
                        u64::MAX
                    ),
                ));
            }
            let Some(row) = parse_row(&cells) else {
                if s.rows.is_empty() {
                    return Err(problem(
                        path,
                        at(i),
                        format!("not a spectrum row: `{line}`"),
                    ));
                }
                break;
            };
            if let Some(prev) = s.rows.last() {
                if row.cumulative < prev.cumulative || row.value < prev.value {
                    return Err(problem(
                        path,
                        at(i),
                        "values and total counts must not decrease down the spectrum",
                    ));
                }
            }
            if !(0.0..=1.0).contains(&row.percentile) {
                return Err(problem(
                    path,
                    at(i),
                    format!(
                        "percentile {} is not a fraction between 0 and 1",
                        row.percentile
                    ),
                ));
            }
            s.rows.push(row);
            i += 1;
        }
        let Some(last) = s.rows.last() else {
            return Err(problem(path, at(i), "header only: no spectrum rows"));
        };
        // Every writer ends the spectrum with the 100 % row: without it the file was cut.
        if last.percentile < 1.0 {
            return Err(problem(
                path,
                at(i),
                format!(
                    "the spectrum stops at percentile {} without its final 1.0 row: the file \
                     looks cut",
                    last.percentile
                ),
            ));
        }
        Ok((s, i))
    }

    /// Values counted (the last row's total).
    pub fn count(&self) -> u64 {
        self.rows.last().map_or(0, |r| r.cumulative)
    }

    /// The distribution rebuilt as an exact µs histogram (see the module docs for what
    /// "exact" means here); `to_ms` converts the writer's unit to ms.
    pub fn distribution(&self, to_ms: f64) -> LatencyDistribution {
        let mut h = new_histogram();
        let mut seen = 0u64;
        for row in &self.rows {
            record_ms_n(&mut h, row.value * to_ms, row.cumulative - seen);
            seen = row.cumulative;
        }
        LatencyDistribution::Exact(h.into())
    }

    /// The spectrum with the percentiles the writer printed beside it (`points`:
    /// percent, value in the writer's unit — wrk2's `Latency Distribution` block,
    /// computed from its full histogram) as rows of their own, each at rank
    /// ⌈p·N⌉, so that the rebuilt distribution gives the writer's own figure at those
    /// percentiles instead of the next row's value. A point that does not lie between
    /// its neighbouring rows (rounded past them) is left out.
    pub fn with_points(&self, points: &[(f64, f64)]) -> Spectrum {
        let mut s = self.clone();
        let total = self.count();
        for &(pct, value) in points {
            let rank = ((pct / 100.0) * total as f64).ceil().max(1.0) as u64;
            let Some(j) = s.rows.iter().position(|r| r.cumulative >= rank) else {
                continue;
            };
            let next = s.rows[j];
            let above_previous = j == 0 || (s.rows[j - 1].value <= value);
            if next.cumulative == rank || value > next.value || !above_previous {
                continue;
            }
            let row = SpectrumRow {
                value,
                percentile: pct / 100.0,
                cumulative: rank,
            };
            s.rows.insert(j, row);
        }
        s
    }

    /// A one-line description for notes: count, mean and max in ms.
    pub fn describe(&self, to_ms: f64) -> String {
        let mut parts = vec![format!("{} values", self.count())];
        if let Some(m) = self.mean {
            parts.push(format!("mean {:.3} ms", m * to_ms));
        }
        if let Some(m) = self.max {
            parts.push(format!("max {:.3} ms", m * to_ms));
        }
        parts.join(", ")
    }
}

/// 2^64: the first whole number a u64 count cannot hold.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;

/// True for a count cell that is a number too large for a u64 (it would saturate).
fn count_too_large(cell: &str) -> bool {
    cell.parse::<u64>().is_err() && cell.parse::<f64>().is_ok_and(|c| c >= TWO_TO_64)
}

fn parse_row(cells: &[&str]) -> Option<SpectrumRow> {
    if cells.len() < 3 {
        return None;
    }
    let value: f64 = cells[0]
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let percentile: f64 = cells[1].parse().ok().filter(|v: &f64| v.is_finite())?;
    // Counts are integers, but some writers print them as `1.0`.
    let cumulative = cells[2].parse::<u64>().ok().or_else(|| {
        cells[2]
            .parse::<f64>()
            .ok()
            .filter(|c| *c >= 0.0 && c.fract() == 0.0 && *c < TWO_TO_64)
            .map(|c| c as u64)
    })?;
    Some(SpectrumRow {
        value,
        percentile,
        cumulative,
    })
}

/// `Mean    = 1.473, StdDeviation   = 0.705]` / `Max     = 10.632, Total count    = 99359]`.
fn read_footer(text: &str, s: &mut Spectrum) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([A-Za-z][A-Za-z ]*?)\s*=\s*([-+0-9.eE]+|-?nan|inf)").expect("static regex")
    });
    for c in re.captures_iter(text) {
        let value = &c[2];
        match c[1].trim() {
            "Mean" => s.mean = value.parse().ok().filter(|v: &f64| v.is_finite()),
            "Max" => s.max = value.parse().ok().filter(|v: &f64| v.is_finite()),
            "Total count" => s.total = value.parse().ok(),
            _ => {}
        }
    }
}

/// The file's spectrum as a summary.
fn read(path: &Path, opts: &IngestOptions) -> Result<ToolSummary, Problem> {
    let text = read_file_text(path)?;
    let lines: Vec<&str> = text.lines().collect();
    // Skip any preamble (a tool's banner) down to the header.
    let start = lines
        .iter()
        .position(|l| is_header(l).is_some())
        .unwrap_or(0);
    let (spectrum, _) = Spectrum::parse(path, &lines[start..], start as u64 + 1)?;
    let unit = opts.hgrm_unit.unwrap_or(TimeUnit::Ms);
    let to_ms = unit.to_ms_factor();
    let mut summary = ToolSummary::new("hdrhistogram");
    summary.notes.push(format!(
        "{}: HdrHistogram percentile text carries no unit; values read as {} ({}). \
         Latency is rebuilt from the spectrum's rows: exact at each row, the next row's \
         value between rows; the writer's own figures: {}",
        path.shown(),
        unit_name(unit),
        if opts.hgrm_unit.is_some() {
            "--hgrm-unit"
        } else {
            "the default; pass --hgrm-unit to change it"
        },
        spectrum.describe(to_ms),
    ));
    if let Some(total) = spectrum.total.filter(|t| *t != spectrum.count()) {
        summary.notes.push(format!(
            "{}: footer says {total} values, the spectrum's last row {}",
            path.shown(),
            spectrum.count()
        ));
    }
    let key = EndpointKey::new(None, &file_stem(path));
    summary.endpoints.push(endpoint(
        key,
        spectrum.count(),
        spectrum.distribution(to_ms),
    ));
    Ok(summary)
}

fn unit_name(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Ns => "ns",
        TimeUnit::Us => "µs",
        TimeUnit::Ms => "ms",
        TimeUnit::S => "s",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Spectrum, Problem> {
        let lines: Vec<&str> = text.lines().collect();
        Spectrum::parse(Path::new("x.hgrm"), &lines, 1).map(|(s, _)| s)
    }

    #[test]
    fn reads_java_and_c_text_and_csv() {
        let c = parse(
            "       Value   Percentile   TotalCount 1/(1-Percentile)\n\n\
             \x20      1.000     0.000000            2         1.00\n\
             \x20      3.000     0.500000            5         2.00\n\
             \x20     10.000     1.000000           10          inf\n\
             #[Mean    =        4.000, StdDeviation   =        3.000]\n\
             #[Max     =       10.000, Total count    =           10]\n",
        )
        .unwrap();
        assert_eq!(c.count(), 10);
        assert_eq!(c.mean, Some(4.0));
        assert_eq!(c.total, Some(10));
        // Java: 12 decimals, no 4th column on the last row.
        let java = parse(
            "Value Percentile TotalCount 1/(1-Percentile)\n\n\
             1.000 0.000000000000 2 1.00\n10.000 1.000000000000 10\n",
        )
        .unwrap();
        assert_eq!(java.rows.len(), 2);
        let csv = parse(
            "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n\
             1.000,0.000000000000,2,1.00\n10.000,1.000000000000,10,Infinity\n",
        )
        .unwrap();
        assert_eq!(csv.rows, java.rows);
    }

    #[test]
    fn rebuilt_histogram_is_exact_at_rows() {
        let s = parse(
            "Value Percentile TotalCount 1/(1-Percentile)\n\n\
             1.000 0.0 2 1.00\n3.000 0.5 5 2.00\n10.000 1.0 10 inf\n",
        )
        .unwrap();
        let d = s.distribution(1.0);
        assert_eq!(d.count(), 10);
        // 5 of 10 values are ≤ 3 ms: the median is 3 ms.
        assert!((d.percentile(50.0).unwrap().value_ms - 3.0).abs() < 0.01);
        assert!((d.percentile(100.0).unwrap().value_ms - 10.0).abs() < 0.02);
    }

    #[test]
    fn names_the_bad_line() {
        let e = parse("Value Percentile TotalCount\n\n1.0 0.1 5\n0.5 0.2 6\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        let e = parse("Value Percentile TotalCount\n\n1.0 0.1 5\n2.0 1.5 6\n").unwrap_err();
        assert!(e.reason.contains("fraction"), "{e}");
        let e = parse("Value Percentile TotalCount\n\nabc\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse("Value Percentile TotalCount\n\n1.0 0.1 5\n2.0 0.5 6\n").unwrap_err();
        assert!(e.reason.contains("cut"), "{e}");
        assert_eq!(e.line, Some(5));
    }
}
