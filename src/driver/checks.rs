//! Response checks of a task (`expect_status`, `expect_body_contains`,
//! `expect_json = { "/status" = "ok" }` by JSON pointer) and the `extract` of an
//! `[[on_start]]` task (`{ token = "/access_token" }`). A failed check is an
//! `assertion` failure counted under the check's name; the name is built from the
//! scenario text as written, so it never holds an environment secret.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

/// Largest response body kept for checks and extracts; beyond it the rest is read
/// and discarded (checks see the first part).
pub const MAX_KEPT_BODY: usize = 1 << 20;

/// One check on a response body.
#[derive(Clone, Debug)]
pub enum BodyCheck {
    /// The body contains this text.
    Contains(String),
    /// The JSON body's value at this pointer equals this value.
    Json(String, Value),
}

/// A task's body checks and extracts, and the global index of each one's counter.
#[derive(Clone, Debug, Default)]
pub struct Checks {
    /// (check, counter index).
    pub body: Vec<(BodyCheck, usize)>,
    /// (variable index, JSON pointer, counter index).
    pub extract: Vec<(usize, String, usize)>,
    /// Counter index of the status check, when the task lists its statuses.
    pub status_counter: Option<usize>,
}

impl Checks {
    /// True when the response body must be kept.
    pub fn needs_body(&self) -> bool {
        !self.body.is_empty() || !self.extract.is_empty()
    }

    /// Runs the body checks and extracts on `body`; extracted values go to `vars`.
    /// Returns the counter index of the first failed one.
    pub fn run(&self, body: &[u8], vars: &mut [String]) -> Option<usize> {
        let mut json: Option<Option<Value>> = None;
        let mut parsed = || -> Option<Value> {
            json.get_or_insert_with(|| serde_json::from_slice(body).ok())
                .clone()
        };
        for (check, counter) in &self.body {
            let ok = match check {
                BodyCheck::Contains(s) => memchr_find(body, s.as_bytes()),
                BodyCheck::Json(ptr, want) => parsed()
                    .as_ref()
                    .and_then(|v| v.pointer(ptr))
                    .is_some_and(|got| got == want),
            };
            if !ok {
                return Some(*counter);
            }
        }
        for (var, ptr, counter) in &self.extract {
            let got = parsed()
                .as_ref()
                .and_then(|v| v.pointer(ptr))
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                });
            match (got, vars.get_mut(*var)) {
                (Some(v), Some(slot)) => *slot = v,
                _ => return Some(*counter),
            }
        }
        None
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Failure counts of every named check of a scenario.
#[derive(Debug)]
pub struct CheckCounters {
    /// Names, by counter index.
    pub names: Vec<String>,
    counts: Vec<AtomicU64>,
}

impl CheckCounters {
    /// Counters for `names`, all zero.
    pub fn new(names: Vec<String>) -> CheckCounters {
        let counts = names.iter().map(|_| AtomicU64::new(0)).collect();
        CheckCounters { names, counts }
    }

    /// Counts one failure of check `i`.
    pub fn fail(&self, i: usize) {
        if let Some(c) = self.counts.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// (name, failures) of the checks that failed.
    pub fn failed(&self) -> Vec<(String, u64)> {
        self.names
            .iter()
            .zip(&self.counts)
            .map(|(n, c)| (n.clone(), c.load(Ordering::Relaxed)))
            .filter(|(_, c)| *c > 0)
            .collect()
    }
}

/// `toml` value → JSON value (for `expect_json`).
pub fn toml_to_json(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_checks_and_extracts() {
        let c = Checks {
            body: vec![
                (BodyCheck::Contains("ok".into()), 1),
                (BodyCheck::Json("/status".into(), Value::from("ok")), 2),
            ],
            extract: vec![(0, "/access_token".into(), 3)],
            status_counter: None,
        };
        let mut vars = vec![String::new()];
        assert_eq!(
            c.run(br#"{"status":"ok","access_token":"t1"}"#, &mut vars),
            None
        );
        assert_eq!(vars[0], "t1");
        assert_eq!(c.run(br#"{"status":"no","x":"ok"}"#, &mut vars), Some(2));
        assert_eq!(c.run(br#"{"status":"ok"}"#, &mut vars), Some(3));
        assert_eq!(c.run(b"nope", &mut vars), Some(1));
    }
}
