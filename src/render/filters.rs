//! Template filters: number formatting, and escaping of untrusted text so that an
//! endpoint named `<img src=x>` or `a|b` shows as text in markdown and HTML alike.

use minijinja::value::Value;

use crate::analysis::quantity;

/// Registers every filter on a template environment.
pub fn register(env: &mut minijinja::Environment<'_>) {
    env.add_filter("md", md);
    env.add_filter("md_code", md_code);
    env.add_filter("md_code_cell", md_code_cell);
    env.add_filter("code", code);
    env.add_filter("ms", ms);
    env.add_filter("pct", pct);
    env.add_filter("rps", rps);
    env.add_filter("num", num);
    env.add_filter("secs", secs);
    env.add_filter("opt", opt);
    env.add_filter("status_icon", status_icon);
    env.add_filter("bar", bar);
    super::sparkline::register(env);
}

/// A horizontal bar of `width` cells for `value` out of `max` (eighth-block precision).
pub fn bar(value: Value, max: Value, width: Option<usize>) -> String {
    let (Some(v), Some(m)) = (as_f64(&value), as_f64(&max)) else {
        return String::new();
    };
    let width = width.unwrap_or(30);
    if m <= 0.0 || v <= 0.0 {
        return String::new();
    }
    let eighths = ((v / m).min(1.0) * width as f64 * 8.0).round() as usize;
    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let mut out = "█".repeat(eighths / 8);
    out.push_str(partial[eighths % 8]);
    if out.is_empty() {
        out.push('▏');
    }
    out
}

/// Escapes markdown and HTML metacharacters: `\ < > & | * _ ` [ ] # ~`, folds
/// newlines and shows other control characters and bidirectional overrides as their
/// escapes, so untrusted text can sit in a table cell.
pub fn md(value: Value) -> String {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    escape_markdown(&text)
}

/// Like `md`, but a `` `name` `` span of an analysis sentence (a rule, a stage) becomes
/// a code span instead of literal backticks; everything else is escaped as by `md`.
pub fn md_code(value: Value) -> String {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    code_spans(&text)
}

/// `md_code` for a table cell: a `|` inside a code span is escaped (`\|`, which GFM
/// tables read as a `|` of the span), so a name holding one cannot end the cell.
pub fn md_code_cell(value: Value) -> String {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    spans(&text, true)
}

/// One name as a code span, whatever backticks it holds (see `analysis::words::ticked`).
pub fn code(value: Value) -> String {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    code_spans(&crate::analysis::words::ticked(&text))
}

/// The markdown of a sentence whose code spans (`` `…` ``, or a longer fence around a
/// name holding backticks: `analysis::words::ticked`) are code: text outside them is
/// escaped; inside, text is literal (newlines folded). A span opens at a run of
/// backticks and closes at the next run of the same length, as in CommonMark; a run
/// that closes nothing is escaped as text. For paragraphs and list items: in a table
/// cell a `|` inside a span would end the cell ([`md_code_cell`]).
pub fn code_spans(text: &str) -> String {
    spans(text, false)
}

/// [`code_spans`]; in a table `cell`, a `|` inside a span is escaped.
fn spans(text: &str, cell: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find('`') {
        out.push_str(&escape_markdown(&rest[..at]));
        let run = rest[at..].len() - rest[at..].trim_start_matches('`').len();
        let after = &rest[at + run..];
        match closing_run(after, run) {
            Some(end) => {
                let inner = after[..end].replace(['\n', '\r'], " ");
                // Backslashes are literal in a code span: control characters and
                // bidirectional overrides show as their escapes (`\u{1b}`).
                let inner = super::terminal::printable(&inner).into_owned();
                let inner = if cell {
                    inner.replace('|', "\\|")
                } else {
                    inner
                };
                // A one-backtick span keeps its spaces (CommonMark strips one each side
                // when both are there); a longer fence's padding is meant to go.
                let pad = if run == 1 && (inner.starts_with(' ') || inner.ends_with(' ')) {
                    " "
                } else {
                    ""
                };
                let fence = &rest[at..at + run];
                out.push_str(fence);
                out.push_str(pad);
                out.push_str(&inner);
                out.push_str(pad);
                out.push_str(fence);
                rest = &after[end + run..];
            }
            None => {
                out.push_str(&"\\`".repeat(run));
                rest = after;
            }
        }
    }
    out.push_str(&escape_markdown(rest));
    out
}

/// Where in `text` the first run of exactly `len` backticks starts.
fn closing_run(text: &str, len: usize) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find('`') {
        let at = from + i;
        let run = text[at..].len() - text[at..].trim_start_matches('`').len();
        if run == len {
            return Some(at);
        }
        from = at + run;
    }
    None
}

/// A zero-width space, as an HTML character reference: put after `@` or `#`, it keeps
/// GitHub from reading `@name` as a mention (a notification to that user or team) or
/// `#123` as an issue reference; put inside `://` and after `www`, it keeps a URL in a
/// name (`GET https://api.example.com/x`) from being autolinked (GFM links bare
/// `http://`, `https://` and `www.` text). A backslash does not: GitHub finds them in
/// the text the markdown renders to, after its escapes are gone. A reader sees the
/// same text either way.
const NO_REFERENCE: &str = "&#8203;";

/// The escaping behind the `md` filter.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        let next = rest.chars().next();
        match c {
            ':' if rest.starts_with("//") => {
                out.push(':');
                out.push_str(NO_REFERENCE);
            }
            'w' | 'W'
                if rest.len() >= 3
                    && rest.is_char_boundary(3)
                    && rest[..3].eq_ignore_ascii_case("ww.") =>
            {
                // `www.`: the zero-width space goes after the first `w`, so no
                // `www.` is left.
                out.push(c);
                out.push_str(NO_REFERENCE);
            }
            '@' if next.is_some_and(|n| n.is_alphanumeric()) => {
                out.push('@');
                out.push_str(NO_REFERENCE);
            }
            '#' if next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push_str("\\#");
                out.push_str(NO_REFERENCE);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            // Shown as their escapes (`\u{1b}`, its backslash escaped), so a name can
            // neither colour nor rewrite a terminal showing the file, nor reorder it.
            c if super::terminal::unsafe_char(c) => {
                for e in c.escape_default() {
                    if e == '\\' {
                        out.push('\\');
                    }
                    out.push(e);
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn as_f64(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    f64::try_from(v.clone()).ok()
}

/// A latency in ms (`450 ms`, `1.2 s`); `—` when unknown. With the figure's
/// percentile method (`ms(s.latency_method)`), a percentile estimated from merged
/// summaries shows as one (`≈ 450 ms`): DESIGN never presents it as exact.
pub fn ms(value: Value, method: Option<String>) -> String {
    let approx = method.as_deref() == Some("merged_approximate");
    as_f64(&value)
        .map(|v| {
            let text = quantity::format_ms(v);
            if approx {
                format!("≈ {text}")
            } else {
                text
            }
        })
        .unwrap_or_else(|| "—".into())
}

/// A fraction as a percentage that keeps its informative digits (`0.02%`, `99.98%`).
pub fn pct(value: Value) -> String {
    as_f64(&value)
        .map(quantity::format_percent)
        .unwrap_or_else(|| "—".into())
}

/// Requests per second (`1,234 req/s`, `12.5 req/s`).
pub fn rps(value: Value) -> String {
    as_f64(&value)
        .map(quantity::format_rate)
        .unwrap_or_else(|| "—".into())
}

/// A whole number with thousands separators.
pub fn num(value: Value) -> String {
    match as_f64(&value) {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 => quantity::format_count(v),
        Some(v) => format!("{v:.2}"),
    }
}

/// Seconds: `12.0 s`, `5 min 3 s`.
pub fn secs(value: Value) -> String {
    match as_f64(&value) {
        None => "—".into(),
        Some(v) if v >= 120.0 => format!("{} min {:.0} s", (v / 60.0).floor(), v % 60.0),
        Some(v) => format!("{v:.1} s"),
    }
}

/// `—` for a missing value, else the value.
pub fn opt(value: Value) -> String {
    if value.is_none() || value.is_undefined() || value.as_str() == Some("") {
        "—".into()
    } else {
        value.to_string()
    }
}

/// ✅ pass, ❌ fail, ⚠️ not proven, ❔ insufficient data.
pub fn status_icon(value: Value) -> String {
    match value.as_str().unwrap_or("") {
        "pass" => "✅ pass",
        "fail" => "❌ FAIL",
        "not_proven" => "⚠️ not proven",
        "insufficient_data" => "❔ insufficient data",
        "not_run" => "⏭️ not run",
        _ => "—",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_untrusted_text() {
        assert_eq!(
            escape_markdown("<img src=x onerror=alert(1)>|*_`[a]"),
            "&lt;img src=x onerror=alert(1)&gt;\\|\\*\\_\\`\\[a\\]"
        );
        // ESC and a right-to-left override show as escapes whose backslash is escaped
        // (markdown then renders `\u{1b}`); a tab too.
        assert_eq!(
            escape_markdown("\u{1b}[31mred\u{202e}x\ty"),
            "\\\\u{1b}\\[31mred\\\\u{202e}x\\\\ty"
        );
        // In a code span a backslash is literal: the escape is written as it is.
        assert_eq!(code_spans("on `\u{1b}[2J`"), "on `\\u{1b}[2J`");
    }

    #[test]
    fn a_table_cell_keeps_its_code_spans_and_their_pipes() {
        assert_eq!(
            md_code_cell(Value::from("`p(95) < 500ms` on `a|b` (|)")),
            "`p(95) < 500ms` on `a\\|b` (\\|)"
        );
    }

    #[test]
    fn backticked_names_become_code_spans() {
        assert_eq!(
            code_spans("GO on `peak` — `p(95) < 500ms` on `a|b` (*x*)"),
            "GO on `peak` — `p(95) < 500ms` on `a|b` (\\*x\\*)"
        );
        assert_eq!(code_spans("odd ` tick"), "odd \\` tick");
    }
}
