//! Gatling's binary `simulation.log` (3.13+) on logs these tests encode themselves, from
//! the layout Gatling's `LogFileDataWriter` writes: figures known by construction,
//! a log cut short, a header of another layout, and seeded corruptions.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{analyze_json, close, headroom, nearest_rank, Lcg, TestDir};

/// Run start of the fixtures, epoch ms.
const START_MS: i64 = 1_700_000_000_000;

/// A binary log encoder: Gatling's layout, big-endian, strings with a coder byte and a
/// cache of strings already written.
pub struct BinLog {
    bytes: Vec<u8>,
    cache: HashMap<String, i32>,
    start_ms: i64,
}

impl BinLog {
    /// The run record: version, simulation, run start, no description, the scenarios,
    /// one opaque assertion blob.
    pub fn new(version: &str, start_ms: i64, scenarios: &[&str]) -> BinLog {
        BinLog::with_assertions(version, start_ms, scenarios, &[vec![1, 2, 3, 4, 5]])
    }

    /// [`BinLog::new`] with these assertion blobs.
    pub fn with_assertions(
        version: &str,
        start_ms: i64,
        scenarios: &[&str],
        assertions: &[Vec<u8>],
    ) -> BinLog {
        let mut log = BinLog {
            bytes: vec![0],
            cache: HashMap::new(),
            start_ms,
        };
        log.string(version);
        log.string("demo.BasicSimulation");
        log.bytes.extend_from_slice(&start_ms.to_be_bytes());
        log.string("");
        log.int(scenarios.len() as i32);
        for s in scenarios {
            log.string(s);
        }
        log.int(assertions.len() as i32);
        for a in assertions {
            log.int(a.len() as i32);
            log.bytes.extend_from_slice(a);
        }
        log
    }

    fn int(&mut self, v: i32) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    fn offset(&self, t_ms: i64) -> i32 {
        (t_ms - self.start_ms) as i32
    }

    /// Latin-1 (coder 0) when every char fits a byte, else UTF-16LE (coder 1).
    fn string(&mut self, s: &str) {
        if s.is_empty() {
            return self.int(0);
        }
        let (raw, coder): (Vec<u8>, u8) = if s.chars().all(|c| (c as u32) < 256) {
            (s.chars().map(|c| c as u8).collect(), 0)
        } else {
            (s.encode_utf16().flat_map(u16::to_le_bytes).collect(), 1)
        };
        self.int(raw.len() as i32);
        self.bytes.extend_from_slice(&raw);
        self.bytes.push(coder);
    }

    fn cached(&mut self, s: &str) {
        if let Some(&i) = self.cache.get(s) {
            return self.int(-i);
        }
        let i = self.cache.len() as i32 + 1;
        self.cache.insert(s.to_string(), i);
        self.int(i);
        self.string(s);
    }

    /// A user record; returns its byte offset.
    pub fn user(&mut self, scenario: i32, start: bool, t_ms: i64) -> usize {
        let at = self.bytes.len();
        self.bytes.push(2);
        self.int(scenario);
        self.bytes.push(start as u8);
        self.int(self.offset(t_ms));
        at
    }

    /// A request record; returns its byte offset.
    pub fn request(
        &mut self,
        groups: &[&str],
        name: &str,
        (start_ms, end_ms): (i64, i64),
        ok: bool,
        message: &str,
    ) -> usize {
        let at = self.bytes.len();
        self.bytes.push(1);
        self.int(groups.len() as i32);
        for g in groups {
            self.cached(g);
        }
        self.cached(name);
        self.int(self.offset(start_ms));
        self.int(self.offset(end_ms));
        self.bytes.push(ok as u8);
        self.cached(message);
        at
    }

    /// A group record (headroom skips it, as it skips the text log's GROUP).
    pub fn group(&mut self, groups: &[&str], (start_ms, end_ms): (i64, i64)) {
        self.bytes.push(3);
        self.int(groups.len() as i32);
        for g in groups {
            self.cached(g);
        }
        self.int(self.offset(start_ms));
        self.int(self.offset(end_ms));
        self.int((end_ms - start_ms) as i32);
        self.bytes.push(1);
    }

    /// An error record (skipped too: the request records carry the messages).
    pub fn error(&mut self, message: &str, t_ms: i64) {
        self.bytes.push(4);
        self.cached(message);
        self.int(self.offset(t_ms));
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// `inspect --format json` of one file: exit code, its entry, stderr.
fn inspect(path: &Path) -> (i32, Value, String) {
    let p = path.display().to_string();
    let o = headroom(&["inspect", p.as_str(), "--format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json[0].clone(), stderr)
}

/// Six requests in two group levels, OK and KO, two users; and the offset of the last
/// request record.
fn small_log() -> (Vec<u8>, usize) {
    small_log_asserting(&[vec![1, 2, 3, 4, 5]])
}

/// [`small_log`] with these assertion blobs.
fn small_log_asserting(assertions: &[Vec<u8>]) -> (Vec<u8>, usize) {
    let t = |ms: i64| START_MS + ms;
    let mut log =
        BinLog::with_assertions("3.13.1", START_MS, &["shoppers", "browsers"], assertions);
    log.user(0, true, t(0));
    log.request(&["shop", "cart"], "add", (t(10), t(60)), true, "");
    log.request(&[], "home", (t(20), t(30)), true, "");
    log.user(1, true, t(100));
    log.request(
        &["shop", "cart"],
        "add",
        (t(200), t(280)),
        false,
        "status.find.in(200,304), but actually found 503",
    );
    log.error("status.find.in(200,304), but actually found 503", t(280));
    log.group(&["shop", "cart"], (t(10), t(280)));
    log.request(
        &["shop"],
        "pay",
        (t(300), t(420)),
        false,
        "j.n.ConnectException: Connection refused:\nlocalhost/127.0.0.1:1",
    );
    log.request(&[], "home", (t(500), t(540)), true, "");
    log.user(0, false, t(900));
    let last = log.request(&[], "поиск", (t(600), t(605)), true, "");
    log.user(1, false, t(1000));
    (log.into_bytes(), last)
}

#[test]
fn a_binary_log_gives_the_figures_it_was_written_with() {
    let dir = TestDir::new();
    let (bytes, _) = small_log();
    let file = dir.write("run/simulation.log", bytes);
    let (code, r, stderr) = inspect(&file);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "gatling-binary");
    assert!(r["version"].as_str().unwrap().contains("3.13.1"), "{r:#}");
    assert_eq!(r["requests"], 6);
    assert_eq!(r["failures"], 2);
    assert_eq!(r["failures_by_kind"]["status:503"], 1, "{r:#}");
    assert_eq!(r["failures_by_kind"]["connect"], 1, "{r:#}");
    assert_eq!(r["endpoints"], 4);
    assert_eq!(r["users_max"], 2.0);
    let all = [50.0, 10.0, 80.0, 120.0, 40.0, 5.0];
    for (key, p) in [("p50", 50.0), ("p95", 95.0)] {
        let got = r["latency_ms"][key].as_f64().unwrap();
        assert!(close(got, nearest_rank(&all, p), 0.001), "{key}: {got}");
    }

    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 6);
    let endpoints = report["stages"][0]["endpoints"].as_array().unwrap();
    let requests = |key: &str| {
        endpoints
            .iter()
            .find(|e| e["key"] == key)
            .unwrap_or_else(|| panic!("no {key}: {endpoints:#?}"))["requests"]
            .clone()
    };
    assert_eq!(requests("shop / cart / add"), 2);
    assert_eq!(requests("shop / pay"), 1);
    assert_eq!(requests("home"), 2);
    assert_eq!(requests("поиск"), 1);
}

#[test]
fn a_log_cut_short_names_the_byte_and_keeps_the_records_before() {
    let dir = TestDir::new();
    let (bytes, last) = small_log();
    let file = dir.write("run/simulation.log", &bytes[..last + 9]);
    let (code, r, stderr) = inspect(&file);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("record at byte {last} is cut short")),
        "{stderr}"
    );
    assert_eq!(r["requests"], 5, "{r:#}");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["overall"]["requests"], 5);
}

#[test]
fn a_header_of_another_layout_is_refused_naming_its_version() {
    let dir = TestDir::new();
    let mut log = BinLog::new("4.0.0", START_MS, &["scn"]);
    log.request(&[], "home", (START_MS, START_MS + 5), true, "");
    let file = dir.write("v4/simulation.log", log.into_bytes());
    let (code, _, stderr) = inspect(&file);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("Gatling 4.0.0"), "{stderr}");
    assert!(stderr.contains("layout headroom does not know"), "{stderr}");

    // A 3.x version whose run start is not a time: another layout.
    let mut log = BinLog::new("3.13.1", 5, &["scn"]);
    log.request(&[], "home", (5, 10), true, "");
    let file = dir.write("odd/simulation.log", log.into_bytes());
    let (code, _, stderr) = inspect(&file);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("Gatling 3.13.1"), "{stderr}");
    let (code, _, stderr) = analyze_json(&[&dir.path().join("odd")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("Gatling 3.13.1"), "{stderr}");
}

#[test]
fn seeded_corruptions_after_the_header_never_crash() {
    let (bytes, _) = small_log();
    let header_len = BinLog::new("3.13.1", START_MS, &["shoppers", "browsers"])
        .into_bytes()
        .len();
    let dir = TestDir::new();
    let mut rng = Lcg(16);
    for round in 0..40 {
        let mut b = bytes.clone();
        let body = b.len() - header_len;
        for _ in 0..1 + round % 6 {
            let i = header_len + (rng.next_f64() * body as f64) as usize;
            b[i] = (rng.next_f64() * 256.0) as u8;
        }
        if round % 5 == 0 {
            b.truncate(header_len + (rng.next_f64() * body as f64) as usize);
        }
        let file = dir.write(&format!("m{round}/simulation.log"), b);
        let (code, _, stderr) = inspect(&file);
        assert!(
            code == 0 || code == 2,
            "round {round}: exit {code}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "round {round}: {stderr}");
    }
}

#[test]
fn the_binary_logs_assertions_are_judged_on_its_requests() {
    use crate::tool_gates::gatling_assertion_bytes as assertion;
    // `shop / cart / add` took 50 ms (OK) and 80 ms (KO); `shop / pay` failed; `home`
    // and `поиск` held. Asserted: that request's max ≤ 60 (80: fails), every request
    // ≤ 0 % failed (add 50 %, pay 100 %: fail), and the group `shop`'s mean, which is
    // not judged here.
    let add: Vec<u8> = [3u8, 0]
        .into_iter()
        .chain(path(&["shop", "cart", "add"]))
        .collect();
    let group: Vec<u8> = [3u8, 0].into_iter().chain(path(&["shop"])).collect();
    let blobs = [
        assertion(&add, &[3, 0, 1, 2], (1, 60.0)),
        assertion(&[2], &[2, 0, 3], (1, 0.0)),
        assertion(&group, &[3, 0, 1, 3], (3, 100.0)),
        vec![9, 9],
    ];
    let dir = TestDir::new();
    dir.write("run/simulation.log", small_log_asserting(&blobs).0);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let checks: Vec<(String, bool)> = (report["tool_checks"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    let pct = |name: &str, actual: &str, passed: bool| {
        let n = format!(
            "{name}: percentage of failed events is less than or equal to 0.0 (actual: {actual})"
        );
        (n, passed)
    };
    let mut expected = vec![(
        "shop / cart / add: max of response time is less than or equal to 60.0 (actual: 80.0)"
            .to_string(),
        false,
    )];
    // Endpoints in key order.
    expected.extend([
        pct("home", "0.0", true),
        pct("shop / cart / add", "50.0", false),
        pct("shop / pay", "100.0", false),
        pct("поиск", "0.0", true),
    ]);
    let warnings = report["warnings"].to_string();
    assert_eq!(checks, expected, "{warnings}");
    assert!(
        warnings.contains("`shop: mean of response time is less than 100.0`: no request"),
        "{warnings}"
    );
    assert!(
        warnings.contains("1 of the simulation's assertions could not be decoded"),
        "{warnings}"
    );
}

/// A `Details` path's parts in boopickle's layout: the count, then each string's
/// UTF-8 length and bytes.
fn path(parts: &[&str]) -> Vec<u8> {
    let mut b = vec![parts.len() as u8];
    for p in parts {
        b.push(p.len() as u8);
        b.extend(p.as_bytes());
    }
    b
}
