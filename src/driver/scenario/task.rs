//! One task spec → a [`Task`]: its method, path, headers and body checked and
//! parsed into templates, its endpoint key and check counters allotted.

use hyper::{Method, Uri};

use super::{Expected, Task, TaskSpec};
use crate::driver::checks::{BodyCheck, Checks};
use crate::driver::error::DriverError;
use crate::driver::template::{Names, Slot, Template};

/// Turns task specs into tasks, collecting endpoints and check names.
pub(super) struct TaskBuilder<'a> {
    pub(super) names: Names,
    pub(super) env: &'a dyn Fn(&str) -> Option<String>,
    pub(super) prefix: &'a str,
    pub(super) global: &'a [(String, String)],
    pub(super) endpoints: Vec<String>,
    pub(super) check_names: Vec<String>,
    pub(super) open: bool,
}

impl TaskBuilder<'_> {
    fn check(&mut self, name: String) -> usize {
        self.check_names.push(name);
        self.check_names.len() - 1
    }

    /// One task spec → a task; errors name the task (`which`).
    pub(super) fn task(&mut self, t: TaskSpec, which: String) -> Result<Task, DriverError> {
        let which = format!(
            "{which} (`{}`)",
            if t.name.is_empty() { &t.path } else { &t.name }
        );
        let bad = |m: String| DriverError::Scenario(format!("{which}: {m}"));
        let method = Method::from_bytes(t.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| bad(format!("bad method `{}`", t.method)))?;
        if t.weight == 0 {
            return Err(bad("weight must be at least 1".into()));
        }
        if t.timeout.is_zero() {
            return Err(bad("timeout must be positive".into()));
        }
        if let Some(l) = &t.expected_status {
            if l.is_empty() || l.iter().any(|s| !(100..600).contains(s)) {
                return Err(bad("expect_status must list HTTP statuses (100–599)".into()));
            }
        }
        let path = self.path(&t.path).map_err(&bad)?;
        let key = format!("{method} {}", path.text);
        let endpoint = match self.endpoints.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                self.endpoints.push(key.clone());
                self.endpoints.len() - 1
            }
        };
        let name = if t.name.is_empty() {
            key
        } else {
            t.name.clone()
        };
        let headers = self.headers(&t.headers).map_err(&bad)?;
        let json_body = !headers
            .iter()
            .any(|(h, _)| h.eq_ignore_ascii_case("content-type"));
        let body = match &t.body {
            None => None,
            Some(b) => Some(match std::str::from_utf8(b) {
                Ok(text) => Template::parse(text, &self.names, false, self.env)
                    .map_err(|m| bad(format!("body: {m}")))?,
                Err(_) => Template::bytes("(binary body)", b.to_vec()),
            }),
        };
        let checks = self.checks(&name, &t).map_err(&bad)?;
        let _ = self.open;
        Ok(Task {
            name,
            weight: t.weight,
            method,
            path,
            headers,
            body,
            json_body,
            checks,
            timeout: t.timeout,
            expected: t.expected_status.map_or(Expected::Default, Expected::List),
            endpoint,
        })
    }

    /// The task's path (after the base URL's prefix) as a template, checked to make a
    /// valid request target.
    fn path(&self, path: &str) -> Result<Template, String> {
        let full = format!("{}{}", self.prefix, path);
        if !full.starts_with('/') {
            return Err(format!("path `{full}` must start with /"));
        }
        let path = Template::parse(&full, &self.names, true, self.env)?;
        let sample = String::from_utf8_lossy(&path.sample()).into_owned();
        let secret = |m: String| {
            if path.secret {
                "invalid characters".to_string()
            } else {
                m
            }
        };
        Uri::try_from(sample.as_str())
            .map_err(|e| format!("path `{full}`: {}", secret(e.to_string())))?;
        if sample
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(format!(
                "path `{full}` must not contain spaces or control characters"
            ));
        }
        Ok(path)
    }

    /// The global headers the task does not override, then the task's own, each
    /// checked and parsed into a template.
    fn headers(&self, own: &[(String, String)]) -> Result<Vec<(String, Template)>, String> {
        let mut headers = Vec::new();
        let overridden = |h: &str| own.iter().any(|(n, _)| n.eq_ignore_ascii_case(h));
        let global = self.global.iter().filter(|(n, _)| !overridden(n));
        for (h, v) in global.chain(own.iter()) {
            let valid_name = !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                return Err(format!("header name `{h}` is not a valid HTTP header name"));
            }
            if h.eq_ignore_ascii_case("host") || h.eq_ignore_ascii_case("content-length") {
                return Err(format!("header `{h}` is set by the driver"));
            }
            let tpl = Template::parse(v, &self.names, true, self.env)
                .map_err(|m| format!("header {h}: {m}"))?;
            if tpl.sample().iter().any(|b| b.is_ascii_control()) {
                return Err(format!(
                    "header {h}: the value holds a line break or control character"
                ));
            }
            headers.push((h.clone(), tpl));
        }
        Ok(headers)
    }

    /// The task's status, body and JSON checks and its extracts, each with its counter.
    fn checks(&mut self, name: &str, t: &TaskSpec) -> Result<Checks, String> {
        let mut checks = Checks::default();
        if let Some(l) = &t.expected_status {
            checks.status_counter = Some(self.check(format!("{name}: expect_status {l:?}")));
        }
        if let Some(c) = &t.expect_body_contains {
            let i = self.check(format!("{name}: expect_body_contains {c:?}"));
            checks.body.push((BodyCheck::Contains(c.clone()), i));
        }
        for (ptr, want) in &t.expect_json {
            if !(ptr.is_empty() || ptr.starts_with('/')) {
                return Err(format!(
                    "expect_json key `{ptr}` must be a JSON pointer such as \"/status\""
                ));
            }
            let i = self.check(format!("{name}: expect_json {ptr} = {want}"));
            checks
                .body
                .push((BodyCheck::Json(ptr.clone(), want.clone()), i));
        }
        for (var, ptr) in &t.extract {
            if !(ptr.is_empty() || ptr.starts_with('/')) {
                return Err(format!(
                    "extract `{var}`: `{ptr}` must be a JSON pointer such as \"/access_token\""
                ));
            }
            let slot = self
                .names
                .known
                .iter()
                .find_map(|(n, s)| match s {
                    Slot::Var(i) if n == var => Some(*i as usize),
                    _ => None,
                })
                .ok_or_else(|| format!("extract `{var}`: unknown variable"))?;
            let i = self.check(format!("{name}: extract {var} from {ptr}"));
            checks.extract.push((slot, ptr.clone(), i));
        }
        Ok(checks)
    }
}
