//! h2load's command line kept with its console (echoed above it or saved beside it:
//! `tool_command.rs`): how it is recognised, and what it requested. h2load's console
//! prints neither its URLs nor its method, so without the command the run's one
//! endpoint is named after its file; with it, after the URL it requested (`GET`, or
//! `POST` when `-d` gives a body, or the `:method:` of a `-H` header), as hey's and
//! siege's are. Several URLs on one line share the run's requests (h2load sends each
//! client's requests to them in turn) in counts its summary does not split, so they
//! keep one endpoint, named after how many there are; a run over `-i FILE` is named
//! `FILE (h2load -i)`.

use std::path::Path;

use super::tool_command::{self, Tool};
use crate::model::{EndpointKey, EndpointStats};

/// How h2load's command lines and consoles are recognised.
pub const H2LOAD: Tool = Tool {
    programs: &["h2load"],
    sniff: super::h2load::sniff,
    url_from: &[("i", Some("input-file"))],
};

/// h2load's flags whose value is the next word (so a URL-looking word after them is
/// not a URL it requested).
const TAKES_VALUE: &[&str] = &["-H", "--header", "-d", "--data", "-i", "--input-file"];

/// Names the endpoint `ep` of the h2load console at `path` (its whole `text`) after
/// what its kept command requested, when a command is kept.
pub fn name_endpoint(path: &Path, text: &str, ep: &mut EndpointStats) {
    let preface = &text[..text.find("starting benchmark").unwrap_or(0)];
    if let Some((method, name)) = target(path, preface) {
        ep.key = EndpointKey::new(method.as_deref(), &name);
    }
}

/// The endpoint (method, name) the h2load command kept with the console at `path`
/// (`preface`: its text before the run) requested; `None` without a command.
pub fn target(path: &Path, preface: &str) -> Option<(Option<String>, String)> {
    let (line, _) = tool_command::find(&H2LOAD, path, preface)?;
    let args = tool_command::args(&H2LOAD, &line)?;
    let urls = requested(&args);
    let name = match urls.as_slice() {
        [] => format!(
            "{} (h2load -i)",
            tool_command::flag(&args, "i", Some("input-file"))?
        ),
        [url] => url.clone(),
        more => format!("{} URLs in turn (h2load)", more.len()),
    };
    Some((method(&args), name))
}

/// The URLs among the command's words: those not the value of a flag in
/// [`TAKES_VALUE`] (a quoted value split into words runs to the word its quote closes
/// in: `-H 'Referer: http://x/'`).
fn requested(args: &[&str]) -> Vec<String> {
    let unquoted = |a: &str| a.trim_matches(|c| c == '"' || c == '\'').to_string();
    let mut urls = Vec::new();
    let mut words = args.iter();
    while let Some(a) = words.next() {
        if TAKES_VALUE.contains(a) {
            let Some(value) = words.next() else { break };
            if let Some(q) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) {
                let closed = |w: &str| w.len() > 1 && w.ends_with(q);
                if !closed(value) {
                    words.by_ref().find(|w| w.ends_with(q));
                }
            }
        } else if !a.starts_with('-') && a.contains("://") {
            urls.push(unquoted(a));
        }
    }
    urls
}

/// The method of the command's requests: a `-H ':method: X'` header's, else `POST`
/// when `-d` gives a body, else h2load's `GET`; `None` when a `:method:` header is
/// there but cannot be read from the split words.
fn method(args: &[&str]) -> Option<String> {
    let header = args.iter().position(|a| a.contains(":method:"));
    if let Some(at) = header {
        let word = args.get(at + 1)?;
        let m = word
            .trim_matches(|c| c == '"' || c == '\'')
            .to_ascii_uppercase();
        return (!m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic())).then_some(m);
    }
    let body = tool_command::flag(args, "d", Some("data")).is_some();
    Some(if body { "POST" } else { "GET" }.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(preface: &str) -> Option<(Option<String>, String)> {
        target(Path::new("/nonexistent/h2load.txt"), preface)
    }

    #[test]
    fn the_echoed_url_names_the_endpoint() {
        let got = named("$ h2load --h1 -c 10 -D 8 http://127.0.0.1:1/api/v1/agents\n");
        assert_eq!(
            got,
            Some((
                Some("GET".into()),
                "http://127.0.0.1:1/api/v1/agents".into()
            ))
        );
    }

    #[test]
    fn a_body_makes_it_a_post_and_a_header_url_is_not_requested() {
        let got = named("$ h2load -c 4 -d body.json -H 'Referer: http://x/' http://h/run\n");
        assert_eq!(got, Some((Some("POST".into()), "http://h/run".into())));
        let got = named("$ h2load -c 4 -H ':method: PUT' http://h/run\n");
        assert_eq!(got, Some((Some("PUT".into()), "http://h/run".into())));
    }

    #[test]
    fn several_urls_or_a_file_of_them_keep_one_endpoint() {
        let got = named("$ h2load -c 4 http://h/a http://h/b http://h/c\n");
        assert_eq!(got.map(|t| t.1), Some("3 URLs in turn (h2load)".into()));
        let got = named("$ h2load -c 4 -i urls.txt\n");
        assert_eq!(got.map(|t| t.1), Some("urls.txt (h2load -i)".into()));
    }
}
