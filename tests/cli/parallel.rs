//! Reading a large file in parts on several threads (`--threads N`) gives the report
//! one thread gives: the same counts, histograms, percentiles and series (means within
//! 1e-9 relative), and a malformed row named at its line in the whole file; and
//! replaying what the survey pass kept records what parsing the file again does;
//! `inspect` in parts tallies what it does whole. The
//! fixtures come from the benchmark generator (`examples/gen.rs`), 200,000 requests.

use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, headroom, utf16le, TestDir};

#[allow(dead_code)]
#[path = "../../examples/gen.rs"]
mod gen;

/// Keys whose values may differ between runs (none today: kept for a generation time).
const IGNORED: [&str; 2] = ["generated_at", "elapsed_s"];

/// Asserts `a` and `b` are the same JSON, numbers within 1e-9 relative.
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = |o: &serde_json::Map<String, Value>| {
                o.keys()
                    .filter(|k| !IGNORED.contains(&k.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(keys(x), keys(y), "keys at {at}");
            for k in keys(x) {
                same(&x[&k], &y[&k], &format!("{at}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "length at {at}");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(p, q, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (p, q) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                p == q || (p - q).abs() <= 1e-9 * p.abs().max(q.abs()),
                "{at}: {p} vs {q}"
            );
        }
        _ => assert_eq!(a, b, "at {at}"),
    }
}

/// Writes 200,000 requests of `format` to `dir/run/file`, with line `bad_line`
/// replaced by `bad_row`.
fn fixture(dir: &TestDir, format: gen::Format, file: &str, bad_line: usize, bad_row: &str) {
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    let path = run.join(file);
    gen::generate(format, gen::Amount::Rows(200_000), 7, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > bad_line);
    lines[bad_line - 1] = bad_row;
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// One thread and four read `dir/run` to the same report, which names `bad_line`; so
/// does parsing the file again for the recording pass (`--reread`) rather than
/// replaying what the survey kept.
fn one_and_four_threads_agree(dir: &TestDir, bad_line: u64) {
    let run: &Path = &dir.path().join("run");
    let (code1, one, err1) = analyze_json(&[run], &["--threads", "1"]);
    let (code4, four, err4) = analyze_json(&[run], &["--threads", "4"]);
    assert_eq!(code1, code4, "{err1}\n{err4}");
    let (code_reread, reread, err) = analyze_json(&[run], &["--threads", "4", "--reread"]);
    assert_eq!(code4, code_reread, "{err}");
    same(&four, &reread, "report read twice");
    // `inspect` reads the parts too, to the same figures.
    let inspect = |threads: &str| {
        let out = headroom(&[
            "inspect",
            "--json",
            "--threads",
            threads,
            run.to_str().unwrap(),
        ]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let (one_file, parts) = (inspect("1"), inspect("4"));
    assert!(one_file[0]["requests"].as_u64().unwrap() > 50_000);
    same(&one_file, &parts, "inspect");
    assert!(
        one["overall"]["requests"].as_u64().unwrap() > 50_000,
        "{err1}"
    );
    same(&one, &four, "report");
    let problems = one["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["line"].as_u64() == Some(bad_line)),
        "the bad row is named at line {bad_line}: {problems:?}"
    );
}

#[test]
fn jmeter_jtl_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    // Far into the file: a part other than the first reads it.
    let bad = "1717200100000,fast,/api/items,200,OK,Thread Group 1-1,text,true,,1,1,10,10,http://x/,1,0,0";
    fixture(&dir, gen::Format::Jtl, "results.jtl", 170_001, bad);
    one_and_four_threads_agree(&dir, 170_001);
}

#[test]
fn k6_csv_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    let bad =
        "http_req_duration,yesterday,1.0,,,,true,,GET,http://x/,HTTP/1.1,default,,200,,,http://x/,";
    fixture(&dir, gen::Format::K6, "results.csv", 500_001, bad);
    one_and_four_threads_agree(&dir, 500_001);
}

#[test]
fn generic_csv_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    let bad = "1717200100000,/api/items,GET,fast,200,true,,10,100";
    fixture(&dir, gen::Format::Generic, "requests.csv", 150_001, bad);
    one_and_four_threads_agree(&dir, 150_001);
}

/// Writes `rows` lines made by `row(i)` after `header` to `dir/run/file`, line
/// `bad_line` (1-based, header included) replaced by `bad_row`.
fn written(
    dir: &TestDir,
    file: &str,
    header: &str,
    rows: u64,
    row: impl Fn(u64) -> String,
    bad_line: u64,
    bad_row: &str,
) {
    let mut text = format!("{header}\n");
    for i in 0..rows {
        if i + 2 == bad_line {
            text.push_str(bad_row);
        } else {
            text.push_str(&row(i));
        }
        text.push('\n');
    }
    dir.write(&format!("run/{file}"), text);
}

#[test]
fn hey_csv_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    written(
        &dir,
        "hey.csv",
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset",
        120_000,
        |i| {
            let status = if i % 97 == 3 { 503 } else { 200 };
            format!(
                "0.{:04},0.0001,0.0000,0.0000,0.0010,0.0001,{status},{}.{:03}",
                1 + i * 7919 % 4000,
                i / 1000,
                i % 1000
            )
        },
        100_001,
        "0.0100,0.0001,0.0000,0.0000,0.0010,0.0001,200,soon",
    );
    one_and_four_threads_agree(&dir, 100_001);
}

#[test]
fn oha_csv_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    written(
        &dir,
        "oha.csv",
        "request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status",
        120_000,
        |i| {
            let status = if i % 89 == 5 { 502 } else { 200 };
            let secs = format!("0.{:05}", 10 + i * 104_729 % 90_000);
            format!(
                "{}.{:03},0.0001,0.0002,{secs},{secs},128,{status}",
                i / 1000,
                i % 1000
            )
        },
        90_001,
        "1.5,0.0001,0.0002,0.1,slow,128,200",
    );
    one_and_four_threads_agree(&dir, 90_001);
}

/// Quoted fields (a comma, a doubled quote, a newline inside) and CRLF line ends read
/// the same in parts: the line numbers count every physical line.
#[test]
fn jmeter_jtl_with_quoted_fields_and_crlf_in_parts() {
    let dir = TestDir::new();
    let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,\
                  success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,\
                  IdleTime,Connect";
    let mut text = format!("{header}\r\n");
    let mut line = 2u64;
    let mut bad_line = 0;
    for i in 0..60_000u64 {
        let t = 1_717_200_000_000 + i * 5;
        let elapsed = 1 + i * 7919 % 900;
        let row = match i % 50 {
            7 => format!(
                "{t},{elapsed},/api/q,500,\"Server, Error\",T 1-1,text,false,\"said \"\"no\"\"\nsecond line\",10,1,10,10,http://x/q,1,0,0"
            ),
            _ if i == 45_000 => {
                bad_line = line;
                format!("{t},quick,/api/q,200,OK,T 1-1,text,true,,10,1,10,10,http://x/q,1,0,0")
            }
            _ => format!(
                "{t},{elapsed},/api/item {},200,OK,T 1-{},text,true,,2048,120,10,10,http://x/i,1,0,0",
                i % 3,
                i % 10
            ),
        };
        line += 1 + row.matches('\n').count() as u64;
        text.push_str(&row);
        text.push_str("\r\n");
    }
    dir.write("run/results.jtl", text);
    one_and_four_threads_agree(&dir, bad_line);
}

/// Writes `rows` lines made by `row(i)` (no header) to `dir/run/file`, line `bad_line`
/// (1-based) replaced by `bad_row`.
fn headerless(
    dir: &TestDir,
    file: &str,
    rows: u64,
    row: impl Fn(u64) -> String,
    bad_line: u64,
    bad_row: &str,
) {
    let mut text = String::new();
    for i in 0..rows {
        if i + 1 == bad_line {
            text.push_str(bad_row);
        } else {
            text.push_str(&row(i));
        }
        text.push('\n');
    }
    dir.write(&format!("run/{file}"), text);
}

/// A vegeta result `i`: (epoch ns, code, latency ns, error text).
fn vegeta_result(i: u64) -> (u64, u16, u64, &'static str) {
    let t = 1_717_200_000_000_000_000 + i * 2_500_000;
    let latency = 1_000_000 + i * 7919 % 900_000_000;
    match i % 61 {
        11 => (
            t,
            0,
            latency,
            "Get \"http://h/a\": dial tcp: connection refused",
        ),
        17 => (t, 503, latency, "503 Service Unavailable"),
        _ => (t, 200, latency, ""),
    }
}

#[test]
fn vegeta_csv_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    headerless(
        &dir,
        "results.csv",
        120_000,
        |i| {
            let (t, code, latency, error) = vegeta_result(i);
            // An error is quoted, its quotes doubled: a comma inside stays in it.
            let error = match error {
                "" => String::new(),
                e => format!("\"{}, said \"\"{}\"\"\"", e.replace('"', "\"\""), i % 7),
            };
            format!(
                "{t},{code},{latency},0,{},{error},,atk,{i},GET,http://h/{},",
                100 + i % 50,
                i % 4
            )
        },
        100_001,
        "1717200250000000000,200,soon,0,10,\"\",,atk,1,GET,http://h/0,",
    );
    one_and_four_threads_agree(&dir, 100_001);
}

#[test]
fn vegeta_json_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    headerless(
        &dir,
        "results.json",
        100_000,
        |i| {
            let (t, code, latency, error) = vegeta_result(i);
            let secs = t / 1_000_000_000;
            let nanos = t % 1_000_000_000;
            let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
            // An escaped quote gives a line an odd number of quotes.
            format!(
                "{{\"attack\":\"atk\",\"seq\":{i},\"code\":{code},\"timestamp\":\"2024-06-01T{h:02}:{m:02}:{s:02}.{nanos:09}Z\",\
                 \"latency\":{latency},\"bytes_out\":0,\"bytes_in\":{},\"error\":\"{}\",\"body\":null,\
                 \"method\":\"GET\",\"url\":\"http://h/{}\",\"headers\":null}}",
                100 + i % 50,
                error.replace('"', "\\\""),
                i % 4
            )
        },
        80_001,
        "{\"attack\":\"atk\",\"seq\":1,\"code\":200,\"timestamp\":\"yesterday\",\"latency\":1,\"bytes_in\":1}",
    );
    one_and_four_threads_agree(&dir, 80_001);
}

/// k6 `--out json` lines of request `i`: its samples (three in a row share time and
/// tags, as k6's do within a millisecond), a waiting trend between them, a vus Point
/// now and then, a Metric line before each metric's first Point.
fn k6_json_request(i: u64) -> String {
    let ms = i / 3;
    let time = format!(
        "2024-06-01T10:{:02}:{:02}.{:03}+00:00",
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    );
    let (status, failed) = if i % 53 == 7 { (503, 1) } else { (200, 0) };
    let tags = format!(
        "{{\"expected_response\":\"{}\",\"method\":\"GET\",\"name\":\"http://h/{n}\",\"status\":\"{status}\",\"url\":\"http://h/{n}\"}}",
        failed == 0,
        n = (i / 6) % 4
    );
    let point = |metric: &str, value: String| {
        format!("{{\"type\":\"Point\",\"metric\":\"{metric}\",\"data\":{{\"time\":\"{time}\",\"value\":{value},\"tags\":{tags}}}}}\n")
    };
    let mut out = String::new();
    if i == 0 {
        for m in [
            "http_reqs",
            "http_req_duration",
            "http_req_waiting",
            "http_req_failed",
        ] {
            out.push_str(&format!("{{\"type\":\"Metric\",\"data\":{{\"name\":\"{m}\",\"type\":\"trend\"}},\"metric\":\"{m}\"}}\n"));
        }
    }
    if i.is_multiple_of(400) {
        out.push_str(&format!("{{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{{\"time\":\"{time}\",\"value\":{},\"tags\":{{}}}}}}\n", 10 + i / 4000));
    }
    out.push_str(&point("http_reqs", "1".into()));
    out.push_str(&point(
        "http_req_duration",
        format!("{}.{:03}", 1 + i * 7919 % 700, i % 1000),
    ));
    out.push_str(&point("http_req_waiting", "1.5".into()));
    out.push_str(&point("http_req_failed", failed.to_string()));
    out
}

#[test]
fn k6_json_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    let mut text = String::new();
    let mut bad_line = 0;
    for i in 0..56_000u64 {
        if i == 41_000 {
            // A line cut short in the middle of the file is malformed; at its end it
            // is a write the run stopped in (left out, said in no problem).
            bad_line = text.matches('\n').count() as u64 + 1;
            text.push_str("{\"type\":\"Point\",\"metric\":\"http_reqs\",\"data\":{\"time\":\n");
        }
        text.push_str(&k6_json_request(i));
    }
    text.push_str("{\"type\":\"Point\",\"metric\":\"http_reqs\",\"data\":{\"ti");
    dir.write("run/results.json", text);
    one_and_four_threads_agree(&dir, bad_line);
}

#[test]
fn gatling_log_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    let base = 1_717_200_000_000u64;
    let mut text = format!("RUN\tcom.example.Sim\tsim\t{base}\t \t3.9.5\n");
    let mut line = 1u64;
    let mut bad_line = 0;
    let mut push = |text: &mut String, record: String| {
        text.push_str(&record);
        text.push('\n');
        line += 1;
        line
    };
    for i in 0..80_000u64 {
        let t = base + i * 5;
        // Waves of 100 users up and down; an END too many at each trough (the count
        // stays at 0), so every part starts with another count.
        let phase = i % 2000;
        if i.is_multiple_of(10) {
            let what = if phase < 1000 { "START" } else { "END" };
            push(&mut text, format!("USER\tscn\t{what}\t{t}\t{t}"));
        }
        if phase == 1995 {
            push(&mut text, format!("USER\tscn\tEND\t{t}\t{t}"));
        }
        if i == 61_000 {
            bad_line = push(&mut text, format!("REQUST\t\thome\t{t}\t{}\tOK\t ", t + 3));
        }
        let latency = 1 + i * 7919 % 800;
        let (status, message) = match i % 67 {
            5 => ("KO", "status.find.in(200,304), but actually found 503"),
            _ => ("OK", " "),
        };
        push(
            &mut text,
            format!(
                "REQUEST\tgroup {}\tpage {}\t{t}\t{}\t{status}\t{message}",
                i % 3,
                i % 5,
                t + latency
            ),
        );
    }
    // A run stopped while writing its last line.
    text.push_str("REQUEST\t\thome\t17172");
    dir.write("run/simulation.log", text);
    one_and_four_threads_agree(&dir, bad_line);
    let (_, four, err) = analyze_json(&[&dir.path().join("run")], &["--threads", "4"]);
    let notes = four["sources"][0]["notes"].to_string();
    assert!(
        notes.contains(&format!("last line ({})", line + 1)),
        "{notes}\n{err}"
    );
    assert!(notes.contains("more USER END than START"), "{notes}");
    assert_eq!(four["overall"]["requests"], 80_000, "{err}");
}

#[test]
fn goose_request_log_in_parts_gives_the_one_thread_report() {
    let dir = TestDir::new();
    let header =
        "elapsed,scenario_index,scenario_name,transaction_index,transaction_name,raw,name,\
                  final_url,redirected,response_time,status_code,success,update,user,error,\
                  coordinated_omission_elapsed,user_cadence";
    let row = |i: u64, update: bool| {
        let name = format!("/p{}", i % 4);
        let (status, success, error) = match (update, i % 71) {
            (true, _) => (200, false, "bad body, said \"\"no\"\""),
            (false, 9) => (0, false, "error sending request: connection refused"),
            _ => (200, true, ""),
        };
        format!(
            "{i},0,s,0,t,\"GooseRawRequest {{ method: Get, url: \"\"http://h{name}\"\", headers: [], body: \"\"\"\" }}\",\
             {name},http://h{name},false,{},{status},{success},{update},{},\"{error}\",0,0",
            1 + i * 7919 % 900,
            i % 20
        )
    };
    // An update row (a later verdict on request i − 40) after every 97th request.
    written(
        &dir,
        "requests.csv",
        header,
        60_000,
        |i| match i % 97 {
            50 => format!("{}\n{}", row(i, false), row(i - 40, true)),
            _ => row(i, false),
        },
        40_001,
        "40001,0,s,0,t,\"GooseRawRequest { method: Get }\",/p1,http://h/p1,false,soon,200,true,false,1,,0,0",
    );
    one_and_four_threads_agree(&dir, 40_001 + 40_000 / 97);
}

/// A status of one digit (`status:5` in a generic CSV's error column) replays from the
/// survey's tape as that status, not as the class `5xx` (both follow one code on the
/// tape), so the tape and `--reread` agree and `rc(5xx)` counts neither.
#[test]
fn a_one_digit_status_replays_from_the_tape_as_itself_not_as_a_class() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status,error\n");
    for i in 0..1000u64 {
        let t = 1_767_225_600_000 + i * 50;
        match i % 10 {
            0 => csv.push_str(&format!("{t},/a,5,,status:5\n")),
            _ => csv.push_str(&format!("{t},/a,50,200,\n")),
        }
    }
    dir.write("run/results.csv", csv);
    let run = dir.path().join("run");
    let (_, tape, err) = analyze_json(&[&run], &[]);
    let kinds = &tape["overall"]["failures_by_kind"];
    assert_eq!(kinds["status:5"], 100, "{kinds} {err}");
    assert!(kinds.get("status:5xx").is_none(), "{kinds}");
    let (_, reread, _) = analyze_json(&[&run], &["--reread"]);
    same(&tape, &reread, "tape and reread");
}

/// A JTL saved as UTF-16 (a console or export captured by Windows PowerShell) reads as
/// the UTF-8 file it was made from, on one thread or four: its bytes are not its
/// text's, so it is never cut into parts at line ends found in them. Before, it was
/// "not a recognised load-test result".
#[test]
fn a_utf16_copy_reads_as_its_utf8_original() {
    let dir = TestDir::new();
    fixture(&dir, gen::Format::Jtl, "results.jtl", 30_001, "garbage");
    let text = std::fs::read_to_string(dir.path().join("run/results.jtl")).unwrap();
    dir.write("windows/results.jtl", utf16le(&text));
    let (code, original, err) = analyze_json(&[&dir.path().join("run")], &[]);
    for threads in ["1", "4"] {
        let windows = &dir.path().join("windows");
        let (code16, utf16, err16) = analyze_json(&[windows], &["--threads", threads]);
        assert_eq!(code, code16, "{err}\n{err16}");
        for key in ["overall", "stages", "endpoints"] {
            same(&original[key], &utf16[key], key);
        }
        let problems = utf16["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["line"].as_u64() == Some(30_001)),
            "the bad row is named at its line: {problems:?}"
        );
    }
}
