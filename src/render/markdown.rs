//! `report.md`, from the templates in `templates/` (compiled in, so the binary is
//! self-contained).

use minijinja::Environment;

use super::{filters, Exporter, RenderError, Report};

/// Writes `report.md`.
pub struct MarkdownExporter;

/// The template environment with every report template and filter.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Markdown output: no HTML auto-escaping; untrusted text goes through `md`. The
    // HTML shell (`*.html`) is HTML-escaped. minijinja fixes a template's escaping
    // when it is added, so this is set before any template is.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // In the HTML shell, a string from the inputs shows control characters and
    // bidirectional overrides as their escapes (`\u{1b}`), as the markdown does.
    env.set_formatter(|out, state, value| {
        let shown = (state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe())
            .then(|| value.as_str())
            .flatten()
            .filter(|s| s.chars().any(super::terminal::unsafe_char))
            .map(|s| minijinja::Value::from(super::terminal::printable(s).into_owned()));
        minijinja::escape_formatter(out, state, shown.as_ref().unwrap_or(value))
    });
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    filters::register(&mut env);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("templates/ compile (checked by a unit test)");
    }
    env
}

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("report.md", include_str!("../../templates/report.md.j2")),
    (
        "capacity.md.j2",
        include_str!("../../templates/capacity.md.j2"),
    ),
    (
        "baseline.md.j2",
        include_str!("../../templates/baseline.md.j2"),
    ),
    (
        "report.html",
        include_str!("../../templates/report.html.j2"),
    ),
];

/// Renders the markdown report.
pub fn render_markdown(report: &Report<'_>) -> Result<String, RenderError> {
    let env = environment();
    let template = env
        .get_template("report.md")
        .map_err(|source| RenderError::Template {
            name: "report.md".into(),
            source,
        })?;
    template
        .render(minijinja::Value::from_serialize(report))
        .map(|md| tidy(&md))
        .map_err(|source| RenderError::Template {
            name: "report.md".into(),
            source,
        })
}

/// Normalises block spacing, which template conditionals make uneven: one blank line
/// around headings and before tables and lists, never two in a row (outside code
/// blocks, which are left as they are).
fn tidy(markdown: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let prev = out.last().copied().unwrap_or("");
        if line.starts_with("```") {
            if !in_code && !prev.is_empty() {
                out.push("");
            }
            in_code = !in_code;
            out.push(line);
            continue;
        }
        if in_code {
            out.push(line);
            continue;
        }
        if line.trim().is_empty() {
            if !prev.is_empty() {
                out.push("");
            }
            continue;
        }
        let starts_block = |l: &str, p: &str| {
            l.starts_with('#')
                || p.starts_with('#')
                || (l.starts_with('|') && !p.starts_with('|'))
                || (l.starts_with("- ") && !p.starts_with("- "))
                || (l.starts_with('>') && !p.starts_with('>'))
        };
        if !prev.is_empty() && !out.is_empty() && starts_block(line, prev) {
            out.push("");
        }
        out.push(line);
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

impl Exporter for MarkdownExporter {
    fn file_name(&self) -> &'static str {
        "report.md"
    }

    fn render(&self, report: &Report<'_>) -> Result<Vec<u8>, RenderError> {
        render_markdown(report).map(String::into_bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_compile() {
        let _ = super::environment();
    }
}
