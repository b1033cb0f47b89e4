//! Reading an SLA file (TOML) into an [`SlaSpec`]: which rules apply to which scope.
//!
//! ```toml
//! [global]                            # every stage and overall
//! verdict_stages = ["peak"]           # the stages that decide the verdict
//! rules = ["p(95) < 500ms"]
//! expected_status = [429]             # failures with these statuses are not errors
//! [stage.peak]                        # one stage
//! [endpoint."GET /a"]                 # one endpoint (or '/regex/': matching ones pooled)
//! [stage.peak.endpoint."GET /a"]      # one endpoint within one stage
//! [each_endpoint]                     # every endpoint on its own (Gatling's forAll)
//! [[rule]]                            # the long form: scope, expr, severity
//! ```
//!
//! The grammar of one rule is in `rule.rs`. Every error names the line of the SLA
//! file it comes from: rule strings and scope names are deserialised with their byte
//! spans (`toml::Spanned`), which are exact even when the same text appears twice.
//! Whether names exist in the data is checked by [`super::evaluate`].

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::route_scope::named_placeholder;
use super::rule::{Rule, Severity};
use super::suggest::nearest;
use super::SlaError;

/// A parsed SLA file: the rules of each scope, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaSpec {
    verdict_stages: Option<Vec<String>>,
    /// Line of `verdict_stages`, for errors about the names in it.
    pub(crate) verdict_stages_line: Option<usize>,
    /// Statuses whose failures do not count towards `error_rate` and `availability`
    /// (`[global] expected_status`); they are still counted and reported.
    pub expected_status: Vec<u16>,
    /// `[global]` rules: every stage and overall.
    pub global: Vec<Rule>,
    /// `[stage.NAME]` sections, in file order.
    pub stages: Vec<ScopeRules>,
    /// `[endpoint."KEY"]` and `[endpoint.'/REGEX/']` sections, in file order.
    pub endpoints: Vec<ScopeRules>,
    /// `[stage.NAME.endpoint."KEY"]` sections, in file order.
    pub stage_endpoints: Vec<StageEndpointRules>,
    /// `[each_endpoint]` rules: every endpoint on its own, in every stage and overall.
    pub each_endpoint: Vec<Rule>,
}

/// The rules of one named scope (a stage or an endpoint).
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeRules {
    /// Stage name, endpoint key or `/regex/`, as written in the file.
    pub name: String,
    /// Line of the section name.
    pub line: usize,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

impl ScopeRules {
    /// The regex of a `/…/` endpoint name (checked when the file was parsed).
    pub fn pattern(&self) -> Option<Regex> {
        regex_name(&self.name).and_then(|re| Regex::new(re).ok())
    }
}

/// The rules of one endpoint within one stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageEndpointRules {
    /// Stage name as written.
    pub stage: String,
    /// Line of the stage name.
    pub stage_line: usize,
    /// The endpoint (key or `/regex/`) and its rules.
    pub endpoint: ScopeRules,
}

/// The inside of `/…/`, when a name is written as a regex.
/// A route template with its trailing slash (`/api/agents/{id}/`) is a route, not a
/// regex: `{id}` is no repetition a regex could mean.
pub fn regex_name(name: &str) -> Option<&str> {
    name.strip_prefix('/')
        .and_then(|n| n.strip_suffix('/'))
        .filter(|inner| !inner.is_empty() && !inner.split('/').any(named_placeholder))
}

// The file as TOML sees it. `deny_unknown_fields` turns a misspelt key or section into
// an error whose span gives the line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Option<Spanned<i64>>,
    global: Option<RawGlobal>,
    #[serde(default)]
    stage: BTreeMap<Spanned<String>, RawStage>,
    #[serde(default)]
    endpoint: BTreeMap<Spanned<String>, RawScope>,
    each_endpoint: Option<RawScope>,
    #[serde(default)]
    rule: Vec<RawRule>,
    /// `[compare]`: noise floors that `headroom compare --sla` reads; ignored here.
    #[serde(default, rename = "compare")]
    _compare: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlobal {
    verdict_stages: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    expected_status: Option<Vec<Spanned<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    endpoint: BTreeMap<Spanned<String>, RawScope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    expr: Spanned<String>,
    scope: Option<Spanned<String>>,
    stage: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
}

/// Where a `[[rule]]` goes.
enum Placement {
    Global,
    EachEndpoint,
    Stage(String, usize),
    Endpoint(String, usize),
    StageEndpoint((String, usize), (String, usize)),
}

/// Scope words of the long form, for suggestions.
const SCOPE_WORDS: [&str; 4] = ["global", "stage", "endpoint", "each_endpoint"];

impl SlaSpec {
    /// Parses an SLA file. Errors carry the 1-based line they concern: TOML syntax,
    /// unknown keys or sections, malformed rules (with the nearest valid metric), a bad
    /// regex, a bad severity or scope in `[[rule]]`, an empty `verdict_stages`, a file
    /// without any rule.
    pub fn parse(text: &str) -> Result<SlaSpec, SlaError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            SlaError {
                line,
                message: super::suggest::toml_message(text, line, e.message()),
            }
        })?;
        let at = |offset: usize| line_of(text, offset);
        let err = |offset: usize, message: String| SlaError {
            line: Some(at(offset)),
            message,
        };
        if let Some(v) = &raw.version {
            if !matches!(*v.get_ref(), 1 | 2) {
                return Err(err(
                    v.span().start,
                    format!(
                        "SLA format version {} is not supported; this headroom reads versions \
                         1 and 2",
                        v.get_ref()
                    ),
                ));
            }
        }
        let rules = |list: &[Spanned<String>]| -> Result<Vec<Rule>, SlaError> {
            list.iter().map(|r| one_rule(text, r)).collect()
        };

        let mut spec = SlaSpec {
            verdict_stages: None,
            verdict_stages_line: None,
            expected_status: Vec::new(),
            global: Vec::new(),
            stages: Vec::new(),
            endpoints: Vec::new(),
            stage_endpoints: Vec::new(),
            each_endpoint: Vec::new(),
        };
        if let Some(g) = &raw.global {
            spec.global = rules(&g.rules)?;
            if let Some(vs) = &g.verdict_stages {
                if vs.get_ref().is_empty() {
                    return Err(err(
                        vs.span().start,
                        "verdict_stages is empty; leave it out to let every stage decide the \
                         verdict"
                            .to_string(),
                    ));
                }
                spec.verdict_stages =
                    Some(vs.get_ref().iter().map(|s| s.get_ref().clone()).collect());
                spec.verdict_stages_line = Some(at(vs.span().start));
            }
            for s in g.expected_status.iter().flatten() {
                match u16::try_from(*s.get_ref()) {
                    Ok(code @ 100..=599) => spec.expected_status.push(code),
                    _ => {
                        return Err(err(
                            s.span().start,
                            format!(
                                "expected_status {} is not an HTTP status (100–599), e.g. \
                                 expected_status = [429]",
                                s.get_ref()
                            ),
                        ))
                    }
                }
            }
        }
        // Sections come back sorted by name; put them in file order first, so that
        // the report lists them as written and the first error reported is the
        // first in the file.
        let mut stages: Vec<_> = raw.stage.iter().collect();
        stages.sort_by_key(|(name, _)| name.span().start);
        for (name, stage) in stages {
            let line = at(name.span().start);
            if !stage.rules.is_empty() {
                spec.stages.push(ScopeRules {
                    name: name.get_ref().clone(),
                    line,
                    rules: rules(&stage.rules)?,
                });
            }
            for ep in endpoint_sections(text, &stage.endpoint)? {
                spec.stage_endpoints.push(StageEndpointRules {
                    stage: name.get_ref().clone(),
                    stage_line: line,
                    endpoint: ep,
                });
            }
        }
        spec.endpoints = endpoint_sections(text, &raw.endpoint)?;
        if let Some(each) = &raw.each_endpoint {
            spec.each_endpoint = rules(&each.rules)?;
        }
        for r in &raw.rule {
            spec.add_long_form(text, r)?;
        }
        if spec.rule_count() == 0 {
            return Err(SlaError {
                line: None,
                message: "the SLA file has no rules; add e.g. `rules = [\"p(95) < 500ms\"]` \
                          under [global]"
                    .to_string(),
            });
        }
        Ok(spec)
    }

    /// Adds one `[[rule]]` to the scope it names.
    fn add_long_form(&mut self, text: &str, r: &RawRule) -> Result<(), SlaError> {
        let mut rule = one_rule(text, &r.expr)?;
        if let Some(sev) = &r.severity {
            rule = rule.with_severity(match sev.get_ref().to_ascii_lowercase().as_str() {
                "fail" | "error" => Severity::Fail,
                "warn" | "warning" => Severity::Warn,
                other => {
                    return Err(SlaError {
                        line: Some(line_of(text, sev.span().start)),
                        message: format!(
                            "severity \"{other}\" is not known; write \"fail\" (the default: a \
                             miss is NO-GO) or \"warn\" (a miss is at most CONDITIONAL)"
                        ),
                    })
                }
            });
        }
        match placement(text, r)? {
            Placement::Global => self.global.push(rule),
            Placement::EachEndpoint => self.each_endpoint.push(rule),
            Placement::Stage(name, line) => push_named(&mut self.stages, name, line, rule),
            Placement::Endpoint(name, line) => {
                check_regex(&name, line)?;
                push_named(&mut self.endpoints, name, line, rule)
            }
            Placement::StageEndpoint((stage, stage_line), (endpoint, line)) => {
                check_regex(&endpoint, line)?;
                match self
                    .stage_endpoints
                    .iter_mut()
                    .find(|s| s.stage == stage && s.endpoint.name == endpoint)
                {
                    Some(s) => s.endpoint.rules.push(rule),
                    None => self.stage_endpoints.push(StageEndpointRules {
                        stage,
                        stage_line,
                        endpoint: ScopeRules {
                            name: endpoint,
                            line,
                            rules: vec![rule],
                        },
                    }),
                }
            }
        }
        Ok(())
    }

    /// The stages named by `[global] verdict_stages`; `None` means every stage decides.
    pub fn verdict_stages(&self) -> Option<&[String]> {
        self.verdict_stages.as_deref()
    }

    /// Every rule of every scope, in no particular order.
    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.global
            .iter()
            .chain(&self.each_endpoint)
            .chain(self.stages.iter().flat_map(|s| &s.rules))
            .chain(self.endpoints.iter().flat_map(|s| &s.rules))
            .chain(self.stage_endpoints.iter().flat_map(|s| &s.endpoint.rules))
    }

    /// True when some rule has a window (`in every`, `for`): only then are stage
    /// series merged.
    pub fn has_window_rules(&self) -> bool {
        self.all_rules().any(|r| r.window.is_some())
    }

    /// Number of rules in every scope.
    pub fn rule_count(&self) -> usize {
        self.all_rules().count()
    }
}

/// Parses one rule string, with its line.
fn one_rule(text: &str, r: &Spanned<String>) -> Result<Rule, SlaError> {
    let line = line_of(text, r.span().start);
    Rule::parse(r.get_ref())
        .map(|rule| rule.at_line(line))
        .map_err(|e| SlaError {
            line: Some(line),
            message: e.message,
        })
}

/// Endpoint sections in file order, with their regexes checked.
fn endpoint_sections(
    text: &str,
    map: &BTreeMap<Spanned<String>, RawScope>,
) -> Result<Vec<ScopeRules>, SlaError> {
    let mut sections: Vec<_> = map.iter().collect();
    sections.sort_by_key(|(name, _)| name.span().start);
    sections
        .into_iter()
        .map(|(name, scope)| {
            let line = line_of(text, name.span().start);
            check_regex(name.get_ref(), line)?;
            Ok(ScopeRules {
                name: name.get_ref().clone(),
                line,
                rules: scope
                    .rules
                    .iter()
                    .map(|r| one_rule(text, r))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// A `/…/` name must compile; the error says where and why.
fn check_regex(name: &str, line: usize) -> Result<(), SlaError> {
    let Some(re) = regex_name(name) else {
        return Ok(());
    };
    Regex::new(re).map(|_| ()).map_err(|e| {
        // The regex crate's message spans lines (pattern, caret, reason): keep the reason.
        let reason = e
            .to_string()
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid")
            .trim()
            .trim_start_matches("error: ")
            .to_string();
        SlaError {
            line: Some(line),
            message: format!(
                "endpoint regex {name} does not compile: {reason}; in a TOML literal key \
                 ('/…/') a backslash is written once, e.g. '/agents\\/\\d+/'"
            ),
        }
    })
}

fn push_named(list: &mut Vec<ScopeRules>, name: String, line: usize, rule: Rule) {
    match list.iter_mut().find(|s| s.name == name) {
        Some(s) => s.rules.push(rule),
        None => list.push(ScopeRules {
            name,
            line,
            rules: vec![rule],
        }),
    }
}

/// Where a `[[rule]]` belongs: `scope = "global" | "each_endpoint" | "stage" |
/// "endpoint"` with `stage = …` / `endpoint = …`, or the section spelling
/// `scope = "stage.peak"`, `"endpoint./re/"`, `"stage.peak.endpoint.GET /a"`.
fn placement(text: &str, r: &RawRule) -> Result<Placement, SlaError> {
    let line = |s: &Spanned<String>| line_of(text, s.span().start);
    let rule_line = line(&r.expr);
    let mut stage = r.stage.as_ref().map(|s| (s.get_ref().clone(), line(s)));
    let mut endpoint = r.endpoint.as_ref().map(|s| (s.get_ref().clone(), line(s)));
    let mut word = "";
    if let Some(scope) = &r.scope {
        let l = line(scope);
        let s = scope.get_ref().trim();
        let unquote = |x: &str| x.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
        if let Some(rest) = s.strip_prefix("stage.") {
            match rest.split_once(".endpoint.") {
                Some((st, ep)) => {
                    stage = Some((unquote(st), l));
                    endpoint = Some((unquote(ep), l));
                }
                None => stage = Some((unquote(rest), l)),
            }
            word = "stage";
        } else if let Some(rest) = s.strip_prefix("endpoint.") {
            endpoint = Some((unquote(rest), l));
            word = "endpoint";
        } else if SCOPE_WORDS.contains(&s) {
            word = if s == "stage" || s == "endpoint" {
                ""
            } else {
                s
            };
            let needs = match s {
                "stage" if stage.is_none() => Some("stage = \"NAME\""),
                "endpoint" if endpoint.is_none() => Some("endpoint = \"METHOD name\""),
                _ => None,
            };
            if let Some(needs) = needs {
                return Err(SlaError {
                    line: Some(l),
                    message: format!("scope = \"{s}\" needs {needs} in the same [[rule]]"),
                });
            }
        } else {
            let near = nearest(&s.to_ascii_lowercase(), SCOPE_WORDS.iter().map(|w| (w, *w)))
                .map_or("global", |(_, w)| w);
            return Err(SlaError {
                line: Some(l),
                message: format!(
                    "scope \"{s}\" is not known — did you mean \"{near}\"? A [[rule]] scope is \
                     global, each_endpoint, stage (with stage = \"NAME\"), endpoint (with \
                     endpoint = \"KEY\"), or written like a section: \"stage.peak\""
                ),
            });
        }
    }
    let conflict = |what: &str| SlaError {
        line: Some(rule_line),
        message: format!("scope \"{word}\" cannot be combined with {what} in one [[rule]]"),
    };
    match (word, stage, endpoint) {
        ("global", None, None) | ("", None, None) => Ok(Placement::Global),
        ("each_endpoint", None, None) => Ok(Placement::EachEndpoint),
        ("global" | "each_endpoint", _, Some(_)) => Err(conflict("endpoint = …")),
        ("global" | "each_endpoint", Some(_), _) => Err(conflict("stage = …")),
        (_, Some(s), None) => Ok(Placement::Stage(s.0, s.1)),
        (_, None, Some(e)) => Ok(Placement::Endpoint(e.0, e.1)),
        (_, Some(s), Some(e)) => Ok(Placement::StageEndpoint(s, e)),
        (_, None, None) => Ok(Placement::Global),
    }
}

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    // A span may point inside a multi-byte char only if toml misbehaves; stay safe.
    let prefix = text.get(..end).unwrap_or(text);
    prefix.bytes().filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::super::rule::{Metric, StatusClass, Window};
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn file_parses_in_file_order_with_lines() {
        let text = r#"
[global]
verdict_stages = ["peak"]
rules = [
  "throughput >= 1000/s",
  "p(95) < 500ms",
]

[stage.target]
rules = ["p(95) < 2500ms"]

[stage.baseline]
rules = ["p(95) < 500ms"]

[endpoint."POST /api/v1/agents/run"]
rules = ["p(95) < 5s"]
"#;
        let spec = SlaSpec::parse(text).unwrap();
        assert_eq!(spec.verdict_stages(), Some(&["peak".to_string()][..]));
        assert_eq!(spec.verdict_stages_line, Some(3));
        assert_eq!(spec.global.len(), 2);
        assert_eq!(spec.global[0].line, Some(5));
        assert_eq!(spec.global[1].line, Some(6));
        let names: Vec<_> = spec
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(names, [("target", 9), ("baseline", 12)]);
        assert_eq!(spec.stages[1].rules[0].line, Some(13));
        assert_eq!(spec.endpoints[0].name, "POST /api/v1/agents/run");
        assert_eq!(spec.endpoints[0].line, 15);
        assert!(close(spec.endpoints[0].rules[0].limit, 5000.0));
        assert_eq!(spec.rule_count(), 5);
    }

    #[test]
    fn the_issue_example_parses_into_every_scope() {
        let spec = SlaSpec::parse(include_str!("../../../data/sla/example-full.toml")).unwrap();
        assert_eq!(spec.verdict_stages(), Some(&["peak".to_string()][..]));
        assert_eq!(spec.expected_status, [429]);
        // Four short-form global rules, then the [[rule]] one.
        let global: Vec<_> = spec.global.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            global,
            [
                "p(95) < 500ms",
                "error_rate < 0.1%",
                "availability > 99.9%",
                "rc(5xx) < 0.5%",
                "p(99) < 1s in every 60s"
            ]
        );
        assert_eq!(spec.global[4].severity, Severity::Warn);
        assert_eq!(spec.global[4].window, Some(Window::Every(60_000)));
        assert_eq!(
            spec.global[3].metric,
            Metric::StatusShare(StatusClass::Class(5))
        );
        assert_eq!(spec.stages.len(), 1);
        assert_eq!(spec.stages[0].name, "peak");
        assert_eq!(
            spec.stages[0].rules[1].metric,
            Metric::Apdex {
                t_ms: 500.0,
                f_ms: 2000.0
            }
        );
        assert_eq!(spec.endpoints.len(), 1);
        assert_eq!(spec.endpoints[0].name, "/agents\\/\\d+/");
        let re = spec.endpoints[0].pattern().unwrap();
        assert!(re.is_match("GET /api/v1/agents/17") && !re.is_match("GET /api/v1/agents"));
        assert_eq!(spec.endpoints[0].rules[0].window, Some(Window::For(30_000)));
        assert_eq!(spec.stage_endpoints.len(), 1);
        assert_eq!(spec.stage_endpoints[0].stage, "peak");
        assert_eq!(
            spec.stage_endpoints[0].endpoint.name,
            "POST /api/v1/agents/run"
        );
        assert_eq!(spec.each_endpoint.len(), 1);
        assert_eq!(spec.rule_count(), 4 + 1 + 2 + 1 + 1 + 1);
    }

    #[test]
    fn long_form_scopes() {
        let spec = SlaSpec::parse(
            r#"
[[rule]]
expr = "p(95) < 1s"
[[rule]]
scope = "stage"
stage = "peak"
expr = "max < 2s"
severity = "warn"
[[rule]]
scope = "stage.peak"
expr = "min > 1ms"
[[rule]]
endpoint = "GET /a"
expr = "mean < 1s"
[[rule]]
stage = "peak"
endpoint = "/^GET/"
expr = "p(50) < 1s"
[[rule]]
scope = "each_endpoint"
expr = "error_rate < 1%"
"#,
        )
        .unwrap();
        assert_eq!(spec.global.len(), 1);
        assert_eq!(spec.stages.len(), 1);
        assert_eq!(spec.stages[0].rules.len(), 2);
        assert_eq!(spec.stages[0].rules[0].severity, Severity::Warn);
        assert_eq!(spec.stages[0].rules[1].severity, Severity::Fail);
        assert_eq!(spec.stages[0].line, 6);
        assert_eq!(spec.endpoints[0].name, "GET /a");
        assert_eq!(spec.stage_endpoints[0].endpoint.name, "/^GET/");
        assert_eq!(spec.each_endpoint.len(), 1);
        assert_eq!(spec.rule_count(), 6);
    }

    #[test]
    fn file_errors_name_the_line() {
        let e = SlaSpec::parse("[global]\nrules = [\n  \"p(95) < 1s\",\n  \"95th < 500ms\",\n]\n")
            .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(
            e.to_string(),
            "line 4: unknown metric \"95th\" — did you mean \"p(95)\"?"
        );

        // The same text twice: the span, not a text search, finds the right one.
        let e = SlaSpec::parse(
            "[global]\nrules = [\"p(95) < 1s\"]\n[stage.a]\nrules = [\"p(95) < 1 h\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));

        let e = SlaSpec::parse("[global]\nrulez = [\"p(95) < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("rulez"), "{e}");

        let e = SlaSpec::parse("[global]\nrules = []\n\n[stages.peak]\nrules = []\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("stages"), "{e}");

        let e = SlaSpec::parse("[stage.peak]\nverdict_stages = [\"peak\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));

        let e = SlaSpec::parse("[global]\nrules = [\"p(95) < 1s\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "TOML syntax error has a line: {e}");
        assert!(!e.message.contains('\n'), "{e}");

        let e =
            SlaSpec::parse("[global]\nverdict_stages = []\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));

        let e = SlaSpec::parse("version = 3\n[global]\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(SlaSpec::parse("version = 1\n[global]\nrules = [\"max < 1s\"]\n").is_ok());
        assert!(SlaSpec::parse("version = 2\n[global]\nrules = [\"max < 1s\"]\n").is_ok());

        let e = SlaSpec::parse("[global]\n").unwrap_err();
        assert!(e.message.contains("no rules"));

        // v2: regexes, expected statuses, the long form.
        let e = SlaSpec::parse("[endpoint.'/agents(/']\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("does not compile"), "{e}");
        let e =
            SlaSpec::parse("[stage.peak.endpoint.'/[a/']\nrules = [\"max < 1s\"]\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = SlaSpec::parse("[global]\nrules = [\"max < 1s\"]\nexpected_status = [429, 99]\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("99"), "{e}");
        let e =
            SlaSpec::parse("[[rule]]\nexpr = \"max < 1s\"\nseverity = \"warning!\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("\"warn\""), "{e}");
        let e = SlaSpec::parse("[[rule]]\nscope = \"globl\"\nexpr = \"max < 1s\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("did you mean \"global\"?"), "{e}");
        let e = SlaSpec::parse("[[rule]]\nscope = \"stage\"\nexpr = \"max < 1s\"\n").unwrap_err();
        assert!(e.message.contains("stage = \"NAME\""), "{e}");
        let e = SlaSpec::parse("[[rule]]\nexpr = \"max < 1s for 1\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = SlaSpec::parse("[[rule]]\nscope = \"global\"\n").unwrap_err();
        assert!(e.message.contains("expr"), "{e}");
        let e = SlaSpec::parse("[each_endpoint]\nrules = [\"apdex > 2\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
