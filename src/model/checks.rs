//! The checks a load tool made itself: its pass/fail gates on the run (k6's
//! thresholds, Gatling's assertions, Artillery's `ensure`) and its script's checks of
//! the answers (k6's `check()`, autocannon's `--expectBody`).

use std::collections::BTreeMap;

use serde::Serialize;

/// A pass/fail check a load tool judged itself (a k6 threshold): the team's own gate,
/// which the report states beside the SLA's and a GO never contradicts.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ToolCheck {
    /// The tool (`k6`).
    pub tool: String,
    /// What was checked, as the tool writes it (`http_req_duration: p(95)<500`).
    pub name: String,
    /// True when the tool found it held.
    pub passed: bool,
    /// The file that says so.
    pub file: String,
}

/// The script's own checks of the answers (k6's `check()`): how many passed and
/// failed, by check name (`""` for counts that name none). A failed check is an answer
/// the script found wrong whatever its status, so the request counts as a success in
/// every failure figure while the script says otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptChecks {
    /// (passes, fails) by check name.
    pub by_name: BTreeMap<String, (u64, u64)>,
}

impl ScriptChecks {
    /// Whose checks of the answers `tool`'s are, as a sentence names them: k6's
    /// script's `check()`, autocannon's `--expectBody` (it runs no script).
    pub fn whose(tool: &str) -> &'static str {
        match tool {
            "autocannon" => "autocannon's --expectBody checks",
            _ => "the script's checks",
        }
    }

    /// Adds `passes` and `fails` to the check `name`.
    pub fn add(&mut self, name: &str, passes: u64, fails: u64) {
        let c = self.by_name.entry(name.to_string()).or_default();
        c.0 += passes;
        c.1 += fails;
    }

    /// Adds every check of `other`.
    pub fn merge(&mut self, other: &ScriptChecks) {
        for (name, (p, f)) in &other.by_name {
            self.add(name, *p, *f);
        }
    }

    /// (passes, fails) over every check.
    pub fn totals(&self) -> (u64, u64) {
        (self.by_name.values()).fold((0, 0), |(p, f), (a, b)| (p + a, f + b))
    }

    /// The failed checks beyond `failed_requests`, which no failure figure counted (a
    /// status check fails with its request; a check of a 200's body does not).
    pub fn unseen_fails(&self, failed_requests: u64) -> u64 {
        self.totals().1.saturating_sub(failed_requests)
    }

    /// The names of the checks that failed, with their fails, most failed first.
    pub fn failed(&self) -> Vec<(&str, u64)> {
        let mut failed: Vec<(&str, u64)> = (self.by_name.iter())
            .filter(|(name, (_, f))| *f > 0 && !name.is_empty())
            .map(|(name, (_, f))| (name.as_str(), *f))
            .collect();
        failed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        failed
    }
}

impl ToolCheck {
    /// `checks` grouped by tool, tools in name order, each tool's in their order.
    pub fn by_tool(checks: &[ToolCheck]) -> Vec<(&str, Vec<&ToolCheck>)> {
        let mut groups: Vec<(&str, Vec<&ToolCheck>)> = Vec::new();
        for c in checks {
            match groups.iter_mut().find(|(tool, _)| *tool == c.tool) {
                Some((_, list)) => list.push(c),
                None => groups.push((&c.tool, vec![c])),
            }
        }
        groups.sort_by_key(|(tool, _)| *tool);
        groups
    }

    /// What `tool` calls its checks: k6's are thresholds, Gatling's assertions.
    pub fn kind(tool: &str) -> &'static str {
        match tool {
            "k6" => "thresholds",
            "gatling" => "assertions",
            "artillery" => "ensure checks",
            _ => "checks",
        }
    }
}
