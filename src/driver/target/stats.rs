//! What the target served: requests answered, by status and by path, so a test (or
//! a user checking a tool's figures) can compare a load tool's counts with the
//! server's own. Read live at `GET /__headroom/stats` (not counted itself) or
//! written at exit by `headroom target --stats-out FILE`. A request is counted
//! when its answer is ready; one whose client went away first is not counted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The path of the counters endpoint.
pub const STATS_PATH: &str = "/__headroom/stats";

/// Distinct paths counted one by one; beyond them, paths are counted as `(other)`.
const MAX_PATHS: usize = 1000;

/// The target's counters.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    ok: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
    by_path: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    /// Counts one answered request (`status` < 400 is ok, else failed).
    pub fn record(&self, path: &str, status: u16) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if status < 400 {
            self.ok.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut m) = self.by_status.lock() {
            *m.entry(status).or_default() += 1;
        }
        if let Ok(mut m) = self.by_path.lock() {
            let key = if m.len() < MAX_PATHS || m.contains_key(path) {
                path
            } else {
                "(other)"
            };
            *m.entry(key.to_string()).or_default() += 1;
        }
    }

    /// The counters as JSON: `requests`, `ok` (status < 400), `failed` (≥ 400),
    /// `by_status` and `by_path` (request counts).
    pub fn to_json(&self) -> serde_json::Value {
        let requests = self.requests.load(Ordering::Relaxed);
        let ok = self.ok.load(Ordering::Relaxed);
        let by_status: serde_json::Map<String, serde_json::Value> = self
            .by_status
            .lock()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.to_string(), (*v).into()))
                    .collect()
            })
            .unwrap_or_default();
        let by_path: serde_json::Map<String, serde_json::Value> = self
            .by_path
            .lock()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), (*v).into())).collect())
            .unwrap_or_default();
        serde_json::json!({
            "requests": requests,
            "ok": ok,
            "failed": requests.saturating_sub(ok),
            "by_status": by_status,
            "by_path": by_path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ok_failed_statuses_and_paths() {
        let s = Stats::default();
        s.record("/a", 200);
        s.record("/a", 503);
        s.record("/b", 404);
        s.record("/b", 302);
        let j = s.to_json();
        assert_eq!(j["requests"], 4);
        assert_eq!(j["ok"], 2);
        assert_eq!(j["failed"], 2);
        assert_eq!(j["by_status"]["503"], 1);
        assert_eq!(j["by_path"]["/b"], 2);
    }

    #[test]
    fn paths_beyond_the_cap_are_other() {
        let s = Stats::default();
        for i in 0..MAX_PATHS + 5 {
            s.record(&format!("/p/{i}"), 200);
        }
        s.record("/p/0", 200);
        let j = s.to_json();
        assert_eq!(j["by_path"]["(other)"], 5);
        assert_eq!(j["by_path"]["/p/0"], 2);
        assert_eq!(j["by_path"].as_object().unwrap().len(), MAX_PATHS + 1);
    }
}
