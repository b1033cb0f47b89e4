//! Messy runs, batch "ad" (qa36): a team's own load scripts, not a known tool. A
//! `curl -w` loop and Python scripts write CSV or TSV with their own column names and
//! clocks written every usual way (epoch s, ms, µs, ns; ISO 8601 with or without a
//! zone; Python logging's `2026-12-05 10:00:00,123`; a time of day without a date),
//! latencies in s, ms or µs with or without a unit in the header. Each is read with
//! its true counts, percentiles, duration and rate, or its unit is said to be in doubt
//! and decides nothing: never a GO on a column read in the wrong unit.

use std::path::Path;

use super::check::check_json;
use super::common::{analyze_json, close, nearest_rank, TestDir};

/// The evaluation of `rule` on the overall scope in check's JSON.
fn overall<'a>(check: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    (check["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == rule && r["stage"].is_null())
        .unwrap_or_else(|| panic!("no {rule} overall: {check}"))
}

/// `analyze --format json` of `run`, which must read cleanly (exit 0).
fn analyze_ok(run: &Path) -> serde_json::Value {
    let (code, report, stderr) = analyze_json(&[run], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    report
}

/// The latency of request `i` of the fixtures, ms: 10 … 105 ms in steps of 5.
fn latency_ms(i: usize) -> f64 {
    10.0 + (i % 20) as f64 * 5.0
}

/// The fixtures' 200 requests, 100 ms apart, from the first start to the last answer
/// (the last starts at 19.9 s and takes 105 ms), s.
fn span_s() -> f64 {
    (0..200)
        .map(|i| i as f64 * 0.1 + latency_ms(i) / 1000.0)
        .fold(0.0, f64::max)
}

/// Every 25th request of the fixtures fails.
fn fails(i: usize) -> bool {
    i % 25 == 24
}

/// A script's `timestamp,elapsed,endpoint,duration,status`: `elapsed` is the time
/// since the test began (seconds, 0 … 9.9) and `duration` the response time (ms):
/// 100 requests, 90 of 100 ms and 10 of 900 ms, so p95 = 900 ms.
///
/// Before, `elapsed` was taken for the latency (it came first among the names a
/// latency goes by): p95 read 9.4 "ms" and `p(95) < 500ms` passed, a GO on a run
/// whose p95 was 900 ms. Now `duration` is the latency, `elapsed` yields to it, and
/// the rule misses: NO-GO.
#[test]
fn elapsed_since_the_start_beside_a_duration_is_not_the_latency() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp,elapsed,endpoint,duration,status\n");
    let start = 1_796_497_800_000i64;
    for i in 0..100 {
        let duration = if i % 10 == 9 { 900 } else { 100 };
        csv.push_str(&format!(
            "{},{:.1},/api/x,{duration},200\n",
            start + i * 100,
            i as f64 / 10.0
        ));
    }
    dir.write("run/results.csv", csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    let (code, check, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(
        (code, check["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{stderr}{check}"
    );
    let p95 = overall(&check, "p(95) < 500ms")["value"].as_f64().unwrap();
    assert_eq!(p95.round(), 900.0, "{check}");
}

/// A Python script's `time,endpoint,latency_ms,status`, its `time` the seconds since
/// the test began (`time.perf_counter() - t0`): one user, a request a second for 600
/// s, each 20 ms. Read as ms the 600 requests span 0.6 s: 1,000 req/s.
///
/// Before, `throughput > 100/s` passed on those 1,000 req/s (the true rate is 1 a
/// second): a GO. Now a time since the start that names no unit is told seconds from
/// ms by the requests it puts in flight (Little's law): 20 read as ms, 0.02 as
/// seconds, either a script's, so the unit is in doubt and the rate rule lacks the
/// data to judge (CONDITIONAL). Named `time_s`, the rate is judged: 1 req/s, NO-GO.
/// With 40 users' 400 ms requests 10 ms apart, 40,000 in flight as ms is no script's:
/// read as seconds, with a note, at the true 100 req/s.
#[test]
fn seconds_since_the_start_under_a_time_column_never_pass_as_ms() {
    let dir = TestDir::new();
    let csv = |name: &str, n: usize, step_s: f64, latency: u32| {
        let mut out = format!("{name},endpoint,latency_ms,status\n");
        for i in 0..n {
            out.push_str(&format!("{:.3},/api/x,{latency},200\n", i as f64 * step_s));
        }
        out
    };
    dir.write("one_user/results.csv", csv("time", 600, 1.0, 20));
    dir.write("named/results.csv", csv("time_s", 600, 1.0, 20));
    dir.write("forty/results.csv", csv("time", 2000, 0.01, 400));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"throughput > 100/s\"]\n");
    let (_, check, stderr) = check_json(&dir.path().join("one_user"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{stderr}{check}");
    let rule = overall(&check, "throughput > 100/s");
    assert_eq!(rule["status"], "insufficient_data", "{rule}");
    assert!(
        rule["note"]
            .as_str()
            .unwrap()
            .contains("time unit is in doubt"),
        "{rule}"
    );

    let (code, check, stderr) = check_json(&dir.path().join("named"), &sla, &[]);
    assert_eq!(
        (code, check["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{stderr}{check}"
    );
    let rate = overall(&check, "throughput > 100/s")["value"]
        .as_f64()
        .unwrap();
    // 600 starts on whole seconds: 600 s, the last start's second included.
    assert!(close(rate, 1.0, 0.001), "{rate}");

    let report = analyze_ok(&dir.path().join("forty"));
    let stage = &report["stages"][0];
    // 2,000 starts over 19.99 s, the last answered 400 ms after it started.
    assert!(
        close(stage["duration_s"].as_f64().unwrap(), 20.39, 0.001),
        "{stage}"
    );
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("times since the test began") && notes.contains("read as seconds"));
}

/// A team's script wrote `start,endpoint,duration_us,success,error`: `start` as
/// `time.time_ns() // 1000` (epoch µs, no unit in the name), `success` as `OK`/`ERR`;
/// and another `timestamp,label,rt,status` with `time.time_ns()` (epoch ns).
///
/// Before, every `ERR` row was malformed (exit 2, its failures left out) and every
/// time was "after the year 9999": nothing was read. Now an epoch's size says its
/// unit (a note says so) and `ERR` is a failure: 200 requests, 8 failed, over the
/// fixture's 19.9 s, p95 as the fixture's.
#[test]
fn epoch_micro_and_nanoseconds_and_ok_err_outcomes_are_read() {
    let dir = TestDir::new();
    let start_ms = 1_796_497_800_000i64;
    let mut us = String::from("start,endpoint,duration_us,success,error\n");
    let mut ns = String::from("timestamp,label,rt,status\n");
    for i in 0..200 {
        let t = start_ms + i as i64 * 100;
        let (ok, err, code) = if fails(i) {
            ("ERR", "ConnectionError: refused", 0)
        } else {
            ("OK", "", 200)
        };
        let lat = latency_ms(i);
        us.push_str(&format!(
            "{},/api/x,{},{ok},{err}\n",
            t * 1000 + 7,
            lat * 1000.0
        ));
        ns.push_str(&format!("{}456,/api/x,{lat:.2},{code}\n", t * 1000 + 7));
    }
    dir.write("us/results.csv", us);
    dir.write("ns/results.csv", ns);
    let all: Vec<f64> = (0..200).map(latency_ms).collect();
    for (run, unit) in [("us", "µs"), ("ns", "ns")] {
        let report = analyze_ok(&dir.path().join(run));
        let stage = &report["stages"][0];
        assert_eq!(
            (stage["requests"].as_u64(), stage["failures"].as_u64()),
            (Some(200), Some(8))
        );
        assert!(
            close(stage["duration_s"].as_f64().unwrap(), span_s(), 0.001),
            "{stage}"
        );
        assert_eq!(
            stage["latency_ms"]["p95"].as_f64().map(f64::round),
            Some(nearest_rank(&all, 95.0))
        );
        assert_eq!(stage["start"], "2026-12-05T19:10:00.000Z", "{run}");
        let notes = report["sources"][0]["notes"].to_string();
        assert!(
            notes.contains(&format!("Unix times in {unit}")),
            "{run}: {notes}"
        );
    }
}

/// Python's logging clock (`%(asctime)s`: `2026-12-05 10:00:00,123`, a comma before
/// the ms, no zone; `csv.writer` quotes it) and `datetime.now().isoformat()` (no zone).
///
/// Before, every logging-clock row was a bad timestamp (exit 2, nothing read); the ISO
/// times without a zone were read as UTC without a word. Now both read, as UTC, and a
/// note says the file names no zone.
#[test]
fn python_logging_clocks_and_times_without_a_zone_are_read_as_utc_with_a_note() {
    let dir = TestDir::new();
    let mut logging = String::from("timestamp,endpoint,latency_ms,status\n");
    let mut iso = logging.clone();
    for i in 0..200 {
        let ms = i * 100;
        let (s, frac) = (ms / 1000, ms % 1000);
        let status = if fails(i) { 503 } else { 200 };
        let lat = latency_ms(i);
        logging.push_str(&format!(
            "\"2026-12-05 10:00:{s:02},{frac:03}\",/api/x,{lat},{status}\n"
        ));
        iso.push_str(&format!(
            "2026-12-05T10:00:{s:02}.{frac:03}000,/api/x,{lat},{status}\n"
        ));
    }
    dir.write("logging/results.csv", logging);
    dir.write("iso/results.csv", iso);
    for run in ["logging", "iso"] {
        let report = analyze_ok(&dir.path().join(run));
        let stage = &report["stages"][0];
        assert_eq!(stage["start"], "2026-12-05T10:00:00.000Z", "{run}");
        assert_eq!(
            (stage["requests"].as_u64(), stage["failures"].as_u64()),
            (Some(200), Some(8))
        );
        assert!(close(
            stage["throughput_rps"].as_f64().unwrap(),
            200.0 / span_s(),
            0.001
        ));
        let notes = report["sources"][0]["notes"].to_string();
        assert!(
            notes.contains("without a zone") && notes.contains("read as UTC"),
            "{notes}"
        );
    }
}

/// A `curl -w` loop and a script that wrote the clock only, `date +%H:%M:%S.%3N` or
/// `%H:%M:%S`, across midnight (23:59:50 to 00:00:09.9, a request every 100 ms).
///
/// Before, every row was a bad timestamp: exit 2, nothing read. Now a time of day
/// reads on 1970-01-01 (the date unknown, a note says so) and one more than an hour
/// before the first row's is the next day's: 200 requests over 19.9 s, not a run
/// of 24 hours nor one that runs backwards.
#[test]
fn times_of_day_without_a_date_read_across_midnight_with_a_note() {
    let dir = TestDir::new();
    let mut ms_clock = String::from("time,endpoint,latency_ms,status\n");
    let mut s_clock = ms_clock.clone();
    let first = (23 * 3600 + 59 * 60 + 50) * 1000i64;
    for i in 0..200 {
        let t = (first + i as i64 * 100) % 86_400_000;
        let (h, m, s, frac) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
        let lat = latency_ms(i);
        ms_clock.push_str(&format!(
            "{h:02}:{m:02}:{s:02}.{frac:03},/api/x,{lat},200\n"
        ));
        s_clock.push_str(&format!("{h:02}:{m:02}:{s:02},/api/x,{lat},200\n"));
    }
    dir.write("ms/results.csv", ms_clock);
    dir.write("s/results.csv", s_clock);
    // Whole seconds: the last row at 00:00:09, 19 s after the first, and its second
    // (which outlasts its 105 ms answer).
    for (run, span_s) in [("ms", span_s()), ("s", 20.0)] {
        let report = analyze_ok(&dir.path().join(run));
        let stage = &report["stages"][0];
        assert_eq!(stage["requests"].as_u64(), Some(200), "{run}");
        let duration = stage["duration_s"].as_f64().unwrap();
        assert!((duration - span_s).abs() < 0.01, "{run}: {duration}");
        assert_eq!(stage["start"], "1970-01-01T23:59:50.000Z", "{run}");
        let notes = report["sources"][0]["notes"].to_string();
        assert!(
            notes.contains("times of day without a date"),
            "{run}: {notes}"
        );
    }
}

/// A Python script's TSV (`csv.writer(f, delimiter="\t")`): `time`, `name`,
/// `elapsed_s`, `ok` as `True`/`False`, times ISO 8601 with `Z`.
///
/// Before, a tab-separated header was not recognised: "not a recognised load-test
/// result", exit 2. Now it reads as the comma-separated one does.
#[test]
fn a_tab_separated_script_output_reads_as_its_csv_does() {
    let dir = TestDir::new();
    let mut tsv = String::from("time\tname\telapsed_s\tok\n");
    for i in 0..200 {
        let ms = i * 100;
        tsv.push_str(&format!(
            "2026-12-05T10:00:{:02}.{:03}Z\t/api/x\t{:.3}\t{}\n",
            ms / 1000,
            ms % 1000,
            latency_ms(i) / 1000.0,
            if fails(i) { "False" } else { "True" }
        ));
    }
    dir.write("run/results.tsv", tsv);
    let report = analyze_ok(&dir.path().join("run"));
    let stage = &report["stages"][0];
    assert_eq!(
        (stage["requests"].as_u64(), stage["failures"].as_u64()),
        (Some(200), Some(8))
    );
    let all: Vec<f64> = (0..200).map(latency_ms).collect();
    assert_eq!(
        stage["latency_ms"]["p95"].as_f64().map(f64::round),
        Some(nearest_rank(&all, 95.0))
    );
}

/// A `curl -w '%{time_total}'` loop's file, `ts,url,http_code,time_total`: curl
/// writes its times in seconds (`0.024393`), whatever the header calls them.
///
/// Before, `time_total` was no latency name: "not a recognised load-test result".
/// Now it is curl's, in seconds (a note says so), and `p(95) < 50ms` is judged on the
/// true 95 ms: NO-GO (read as ms it would have passed, and the values' fractions
/// would have put the unit in doubt at best).
#[test]
fn a_curl_time_total_column_is_seconds() {
    let dir = TestDir::new();
    let mut csv = String::from("ts,url,http_code,time_total\n");
    for i in 0..200 {
        let t = 1_796_497_800.0 + i as f64 * 0.1;
        let code = if fails(i) { 500 } else { 200 };
        csv.push_str(&format!(
            "{t:.3},http://127.0.0.1:18360/api/v1/agents,{code},{:.6}\n",
            latency_ms(i) / 1000.0
        ));
    }
    dir.write("run/results.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 50ms\", \"error_rate < 5%\"]\n",
    );
    let (code, check, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(
        (code, check["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{stderr}{check}"
    );
    let all: Vec<f64> = (0..200).map(latency_ms).collect();
    let p95 = overall(&check, "p(95) < 50ms")["value"].as_f64().unwrap();
    assert_eq!(p95.round(), nearest_rank(&all, 95.0));
    let e = overall(&check, "error_rate < 5%")["value"]
        .as_f64()
        .unwrap();
    assert!(close(e, 8.0 / 200.0, 1e-9), "{e}");
    let report = analyze_ok(&dir.path().join("run"));
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("curl"), "{notes}");
}

/// A script's `ts,endpoint,latency_ms,result,error`: `result` is `OK` or `ERR`, and
/// `error` a flag (`False`) or Python's `None` when the request went well, the
/// exception's text when not. And one with no `result`, its `error` the only outcome.
///
/// Before, `result` was not read and every `False`/`None` in `error` was an error
/// text: all 200 requests failed (error rate 100 %, a NO-GO on a run with 4 %
/// failures). Now `result` is the outcome (when its first rows hold only outcome
/// words) and a flag's `False`/`0` or `None` is no error: 8 failures, 4 %.
#[test]
fn a_result_column_and_an_error_flag_count_the_true_failures() {
    let dir = TestDir::new();
    let mut with_result = String::from("ts,endpoint,latency_ms,result,error\n");
    let mut flag_only = String::from("ts,endpoint,latency_ms,error\n");
    for i in 0..200 {
        let t = 1_796_497_800.0 + i as f64 * 0.1;
        let (result, error) = if fails(i) {
            ("ERR", "ReadTimeout: read timed out")
        } else if i % 2 == 0 {
            ("OK", "False")
        } else {
            ("OK", "None")
        };
        let lat = latency_ms(i);
        with_result.push_str(&format!("{t:.3},/api/x,{lat},{result},{error}\n"));
        flag_only.push_str(&format!("{t:.3},/api/x,{lat},{error}\n"));
    }
    dir.write("result/results.csv", with_result);
    dir.write("flag/results.csv", flag_only);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 5%\"]\n");
    for run in ["result", "flag"] {
        let (code, check, stderr) = check_json(&dir.path().join(run), &sla, &[]);
        let e = overall(&check, "error_rate < 5%")["value"]
            .as_f64()
            .unwrap();
        assert!(close(e, 8.0 / 200.0, 1e-9), "{run}: {e} {stderr}");
        assert_eq!(code, 0, "{run}: {check}");
    }
}

/// A Python script's JSON lines (`f.write(json.dumps(r) + "\n")`): `ts` epoch seconds,
/// `latency_ms`, `status`, `ok` a JSON boolean, `error` `null` or the exception's text;
/// one line in the middle is a traceback the script printed into the same file.
///
/// Before, the file was "not a recognised load-test result": nothing read, exit 2. Now
/// each line reads as a generic CSV row of its keys: 199 requests, 8 failed, p95 as
/// the fixture's; the traceback line is a problem named by its line (exit 2), and the
/// lines after it are read.
#[test]
fn a_scripts_json_lines_read_as_its_csv_would_and_a_bad_line_is_named() {
    let dir = TestDir::new();
    let mut jsonl = String::new();
    let mut kept = Vec::new();
    for i in 0..200 {
        if i == 100 {
            jsonl.push_str("Traceback (most recent call last):\n");
            continue;
        }
        let (ok, error) = if fails(i) {
            ("false", "\"ReadTimeout\"")
        } else {
            ("true", "null")
        };
        let lat = latency_ms(i);
        kept.push(lat);
        jsonl.push_str(&format!(
            "{{\"ts\": {:.3}, \"endpoint\": \"/api/x\", \"latency_ms\": {lat}, \"status\": 200, \"ok\": {ok}, \"error\": {error}}}\n",
            1_796_497_800.0 + i as f64 * 0.1
        ));
    }
    dir.write("run/results.jsonl", jsonl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("results.jsonl:101: not a JSON object"),
        "{stderr}"
    );
    let stage = &report["stages"][0];
    assert_eq!(
        (stage["requests"].as_u64(), stage["failures"].as_u64()),
        (Some(199), Some(8))
    );
    assert_eq!(
        stage["latency_ms"]["p95"].as_f64().map(f64::round),
        Some(nearest_rank(&kept, 95.0))
    );
}

/// A script that writes what it lacks as Python does: a timed-out request's row is
/// `…,None,None,ReadTimeout` (f-string of `None` latency and status), or `nan`.
///
/// Before, each such row was malformed: exit 2, and its failure left out of the error
/// rate (4 % read as 0 %). Now `None`, `nan`, `null`, `-` and `N/A` are empty cells: a
/// request with no measured time and no answer, a failure. 200 requests, 8 failed,
/// exit 0, p95 over the 192 measured.
#[test]
fn pythons_none_and_nan_cells_are_requests_without_an_answer() {
    let dir = TestDir::new();
    let mut csv = String::from("ts,endpoint,latency_ms,status,error\n");
    let mut measured = Vec::new();
    for i in 0..200 {
        let t = 1_796_497_800.0 + i as f64 * 0.1;
        let row = if fails(i) {
            let missing = if i % 2 == 0 { "None" } else { "nan" };
            format!("{t:.3},/api/x,{missing},None,ReadTimeout\n")
        } else {
            measured.push(latency_ms(i));
            format!("{t:.3},/api/x,{},200,\n", latency_ms(i))
        };
        csv.push_str(&row);
    }
    dir.write("run/results.csv", csv);
    let report = analyze_ok(&dir.path().join("run"));
    let stage = &report["stages"][0];
    assert_eq!(
        (stage["requests"].as_u64(), stage["failures"].as_u64()),
        (Some(200), Some(8))
    );
    assert_eq!(
        stage["failures_by_kind"]["timeout"].as_u64(),
        Some(8),
        "{stage}"
    );
    assert_eq!(
        stage["latency_ms"]["p95"].as_f64().map(f64::round),
        Some(nearest_rank(&measured, 95.0))
    );
}

/// A `curl -w '%{time_total},%{http_code},%{time_starttransfer}\n'` loop's file (no
/// header, no time of each request), and a script's `elapsed_time,endpoint,
/// response_time,success` (no column headroom takes for the start time).
///
/// Before, both were "not a recognised load-test result" and nothing more. Now
/// each is still refused (no start times: no duration, no rate), with what it lacks
/// and how to write it: a header and `date +%s.%N`, or a `timestamp` column's names.
#[test]
fn a_script_output_without_times_is_refused_saying_what_to_add() {
    let dir = TestDir::new();
    dir.write(
        "curl/results.csv",
        "0.024393,200,0.024340\n0.018096,200,0.018032\n",
    );
    dir.write(
        "script/results.csv",
        "elapsed_time,endpoint,response_time,success\n0.012,/a,0.020,True\n",
    );
    for (run, says) in [
        ("curl", "without a header"),
        ("script", "no `timestamp_ms` (or timestamp) column"),
    ] {
        let (code, _, stderr) = analyze_json(&[&dir.path().join(run)], &[]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(says), "{run}: {stderr}");
    }
}
