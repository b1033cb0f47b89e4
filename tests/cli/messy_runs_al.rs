//! Messy runs, batch "al" (qa44): result files that went through other hands before
//! headroom saw them — cut into pieces to mail them, packed with gzip and the copy cut
//! short, re-packed beside the original, copied off a machine that crashed. Each is
//! read, or refused saying what to do, and a piece of a run never reads as the whole
//! run with a GO.

use std::io::Write;

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// The first request's start (2026-12-05T16:00:00Z), ms.
const T0_MS: u64 = 1_796_486_400_000;

/// headroom's generic per-request CSV of `n` answers of `GET /api/v1/agents`, 10 a
/// second, every one 200 in 20 ms: the header line and the rows, apart.
fn requests(n: u64) -> (String, Vec<String>) {
    let header = "timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n".to_string();
    let rows = (0..n)
        .map(|i| format!("{},/api/v1/agents,GET,20,200,true,,5\n", T0_MS + i * 100))
        .collect();
    (header, rows)
}

/// `bytes` gzip-compressed, and the length of the stream up to a sync flush after
/// the first `keep` bytes: a copy cut there reads as those bytes and then ends before
/// the stream's end mark (as `cp` of a `.gz` still being written, or cut by a full
/// disk, leaves it).
fn gzip_cut_after(bytes: &[u8], keep: usize) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes[..keep]).unwrap();
    gz.flush().unwrap();
    let cut = gz.get_ref().len();
    gz.write_all(&bytes[keep..]).unwrap();
    let whole = gz.finish().unwrap();
    whole[..cut].to_vec()
}

/// `bytes` gzip-compressed whole.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The skipped files of a report, as (path, kind, reason).
fn skipped(report: &Value) -> Vec<(String, String, String)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A 1,000-request run's `requests.csv`, cut to mail it with `split -l 501
/// requests.csv requests.csv.` (the header and 500 rows in `requests.csv.aa`, the
/// other 500 rows, no header, in `requests.csv.ab`). Before, the second piece was
/// "not a recognised load-test result", never blocking a verdict: the report read 500
/// requests over 50 s as the run, GO. Now the piece is named as the rest of
/// `requests.csv.aa` (other data, so the data is incomplete and no GO), with the
/// `cat` that joins them; joined, the file reads as the 1,000 requests it holds.
#[test]
fn a_result_csv_cut_with_split_is_not_a_go_on_its_first_piece() {
    let dir = TestDir::new();
    let (header, rows) = requests(1000);
    let first = header.clone() + &rows[..500].concat();
    dir.write("run/requests.csv.aa", &first);
    dir.write("run/requests.csv.ab", rows[500..].concat());
    let run = dir.path().join("run");
    let rules = "\"error_rate < 1%\", \"throughput >= 5/s\"";
    let (_, stdout, stderr) = check_rules(&dir, &run, rules);
    assert!(!stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{stderr}");
    let skips = skipped(&report);
    let piece = (skips.iter())
        .find(|(p, _, _)| p.ends_with("requests.csv.ab"))
        .unwrap_or_else(|| panic!("{skips:?}"));
    assert_eq!(piece.1, "other_data", "{piece:?}");
    assert!(
        piece.2.contains("requests.csv.aa") && piece.2.contains("cat "),
        "{piece:?}"
    );
    // Joined as the reason says, the whole run is read: 1,000 requests, GO.
    let joined = dir.path().join("joined");
    dir.write("joined/requests.csv", header + &rows.concat());
    let (_, stdout, stderr) = check_rules(&dir, &joined, rules);
    assert!(stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, _) = analyze_json(&[&joined], &[]);
    assert_eq!(report["overall"]["requests"], 1000);
}

/// hey's `-o csv` of a run, split in two pieces the same way (hey's rows are numbers
/// only, so the second piece looked like a `curl -w` loop's output to headroom, not a
/// result): before, half the run was left out without a word on the data; now the
/// piece is the rest of `hey.csv`, other data, and the data incomplete.
#[test]
fn a_hey_csv_cut_with_split_says_its_second_piece_is_the_rest() {
    let dir = TestDir::new();
    let mut first = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    let mut rest = String::new();
    for i in 0..400u32 {
        let row = format!(
            "0.0200,0.0001,0.0000,0.0001,0.0190,0.0001,200,{:.4}\n",
            f64::from(i) * 0.025
        );
        if i < 200 {
            first.push_str(&row)
        } else {
            rest.push_str(&row)
        }
    }
    dir.write("run/hey.csv", first);
    dir.write("run/hey.csv.1", rest);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{stderr}");
    let skips = skipped(&report);
    assert!(
        skips.iter().any(|(p, k, why)| p.ends_with("hey.csv.1")
            && k == "other_data"
            && why.contains("hey.csv")),
        "{skips:?}"
    );
}

/// ab's console output and its `-g` TSV of one run, packed with gzip and copied while
/// the copy was cut (both streams end before their end marks): the console keeps its
/// counts, the TSV 600 of its 1,500 rows. Before, the TSV was "not the same run" and
/// the console was read as whole: clean data, GO on error and throughput rules, while
/// the README says a packed summary whose stream was cut is a run that did not end.
/// Now the pair is marked like a cut console alone is: incomplete, CONDITIONAL, the
/// reason naming the cut gzip stream.
#[test]
fn an_ab_console_and_its_tsv_in_cut_gzip_copies_are_not_go() {
    let dir = TestDir::new();
    let console = "This is ApacheBench, Version 2.3 <$Revision: 1913912 $>\n\
        Benchmarking 127.0.0.1 (be patient)\n\
        Completed 1500 requests\nFinished 1500 requests\n\n\n\
        Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            18451\n\n\
        Document Path:          /api/v1/agents\nDocument Length:        91 bytes\n\n\
        Concurrency Level:      8\nTime taken for tests:   4.239 seconds\n\
        Complete requests:      1500\nFailed requests:        0\n\
        Total transferred:      298500 bytes\nHTML transferred:       136500 bytes\n\
        Requests per second:    353.86 [#/sec] (mean)\n\
        Time per request:       22.608 [ms] (mean)\n\
        Time per request:       2.826 [ms] (mean, across all concurrent requests)\n\
        Transfer rate:          68.77 [Kbytes/sec] received\n\n\
        Connection Times (ms)\n              min  mean[+/-sd] median   max\n\
        Connect:        0    0   0.2      0       5\nProcessing:     4   22  10.8     20      80\n\
        Waiting:        4   22  10.8     20      80\nTotal:          4   22  10.8     20      80\n\n\
        Percentage of the requests served within a certain time (ms)\n\
          50%     20\n  66%     24\n  75%     28\n  80%     29\n  90%     36\n  95%     44\n\
          98%     52\n  99%     59\n 100%     80 (longest request)\n";
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for i in 0..1500u64 {
        let s = 1_796_517_040 + i * 4 / 1500;
        tsv.push_str(&format!(
            "Sun Dec 06 00:30:4{} 2026\t{s}\t0\t20\t20\t20\n",
            s % 10
        ));
    }
    let keep_console = console.find("Transfer rate").unwrap();
    let keep_tsv = tsv.lines().take(601).map(|l| l.len() + 1).sum::<usize>();
    dir.write(
        "run/console.txt.gz",
        gzip_cut_after(console.as_bytes(), keep_console),
    );
    dir.write("run/ab.tsv.gz", gzip_cut_after(tsv.as_bytes(), keep_tsv));
    let run = dir.path().join("run");
    let (_, stdout, stderr) =
        check_rules(&dir, &run, "\"error_rate < 1%\", \"throughput >= 50/s\"");
    assert!(!stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{stderr}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("gzip stream ends before its end mark"),
        "{why}"
    );
    // Whole copies of the same files are one complete run: GO.
    let whole = dir.path().join("whole");
    dir.write("whole/console.txt.gz", gzip(console.as_bytes()));
    dir.write("whole/ab.tsv.gz", gzip(tsv.as_bytes()));
    let (_, stdout, stderr) =
        check_rules(&dir, &whole, "\"error_rate < 1%\", \"throughput >= 50/s\"");
    assert!(stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
}

/// A Locust `--csv run` set with each file also packed beside it (`gzip -k run_*.csv`
/// before mailing the dir). The plain JTL, hey CSV or wrk capture beside its `.gz` was
/// already read once; Locust's set was "a second Locust result set in the same dir,
/// another run's": other data, the run incomplete and CONDITIONAL. Now each packed
/// file is named as the gzip copy it is (the same data), the set is read once, GO.
#[test]
fn a_locust_set_beside_its_gzip_copies_is_read_once() {
    let dir = TestDir::new();
    let mut history = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,Total Request Count,\
         Total Failure Count,Total Median Response Time,Total Average Response Time,\
         Total Min Response Time,Total Max Response Time,Total Average Content Size\n",
    );
    let t0 = T0_MS / 1000;
    history.push_str(&format!(
        "{t0},10,,Aggregated,0.000000,0.000000,N/A,N/A,0,0,0,0.0,0,0,0\n"
    ));
    for t in 1..=20u64 {
        history.push_str(&format!(
            "{},10,,Aggregated,50.000000,0.000000,20,40,{},0,20,21.0,2,90,70\n",
            t0 + t,
            t * 50
        ));
    }
    let stats = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,95%,100%\n\
         GET,/api/v1/agents,1000,0,20,21.0,2,90,70,50.0,0.0,20,40,90\n\
         ,Aggregated,1000,0,20,21.0,2,90,70,50.0,0.0,20,40,90\n";
    for (name, text) in [
        ("run_stats.csv", stats),
        ("run_stats_history.csv", history.as_str()),
    ] {
        dir.write(&format!("run/{name}"), text);
        dir.write(&format!("run/{name}.gz"), gzip(text.as_bytes()));
    }
    let run = dir.path().join("run");
    let (_, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 1%\", \"p(95) < 500ms\"");
    assert!(stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "clean", "{stderr}");
    assert_eq!(report["overall"]["requests"], 1000);
    let skips = skipped(&report);
    for name in ["run_stats.csv.gz", "run_stats_history.csv.gz"] {
        assert!(
            skips.iter().any(|(p, k, why)| p.ends_with(name)
                && k == "same_data"
                && why.contains("gzip-compressed copy")),
            "{name}: {skips:?}"
        );
    }
}

/// A generic CSV copied off a VM that crashed: its length kept, its last 4 KiB zeros
/// (NUL bytes) where the last writes never reached the disk. Before, the problem
/// quoted the "line" as 4,096 `\u{0}` escapes (some 24 KB of one console line) and
/// said nothing of why. Now it says `<4096 NUL bytes>` and what they mean; the rows
/// before are read and the run is not GO.
#[test]
fn nul_padding_from_a_crashed_machine_is_said_in_words() {
    let dir = TestDir::new();
    let (header, rows) = requests(300);
    let mut bytes = (header + &rows.concat()).into_bytes();
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    dir.write("run/requests.csv", bytes);
    let run = dir.path().join("run");
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 1%\"");
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(!stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    assert!(stderr.contains("<4096 NUL bytes>"), "{stderr}");
    assert!(!stderr.contains("\\u{0}\\u{0}"), "{stderr}");
    assert!(stderr.contains("crashed"), "{stderr}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["overall"]["requests"], 300);
    let problem = report["problems"][0]["reason"].as_str().unwrap();
    assert!(problem.len() < 1000 && !problem.contains('\0'), "{problem}");
}

/// A JMeter JTL opened in Excel on a German desktop and saved again as CSV: a UTF-8
/// byte-order mark, CRLF endings, `;` between fields, a label with a `;` in quotes,
/// and every `timeStamp` a dotted date to the second (`06.12.2026 00:32:04`). Before,
/// each of its 600 rows was "bad timeStamp" and nothing was read. Now the dotted dates
/// (always day first) are read: the 600 requests, 10 a second for 60 s, GO under
/// rules they meet.
#[test]
fn a_jtl_saved_again_by_a_german_spreadsheet_reads_its_dotted_dates() {
    let dir = TestDir::new();
    let mut jtl = String::from(
        "\u{feff}timeStamp;elapsed;label;responseCode;responseMessage;threadName;dataType;\
         success;failureMessage;bytes;sentBytes;grpThreads;allThreads;URL;Latency;IdleTime;Connect\r\n",
    );
    for i in 0..600u32 {
        let (min, sec) = (32 + i / 10 / 60, i / 10 % 60);
        let label = if i % 2 == 0 {
            "list agents"
        } else {
            "\"get agent; café\""
        };
        jtl.push_str(&format!(
            "06.12.2026 00:{min:02}:{sec:02};20;{label};200;OK;TG 1-{};text;true;;120;110;5;5;\
             http://127.0.0.1:18450/api/v1/agents;20;0;1\r\n",
            i % 5 + 1
        ));
    }
    dir.write("run/results.jtl", jtl);
    let run = dir.path().join("run");
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 1%\", \"p(95) < 500ms\"");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["overall"]["requests"], 600, "{stderr}");
    let endpoints = report["stages"][0]["endpoints"].as_array().unwrap();
    let names: Vec<&str> = endpoints
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(names.contains(&"get agent; café"), "{names:?}");
    // 60 whole seconds of 10 requests: a rate of 10 a second, give or take a second's
    // rounding of the span.
    let rps = report["overall"]["throughput_rps"].as_f64().unwrap();
    assert!((9.8..=10.2).contains(&rps), "{rps}");
}

/// headroom's generic CSV and hey's `-o csv` saved again by a German Excel (`;`
/// between fields, `12,747` for 12.747). Before: "not a recognised load-test result",
/// skipped like a console log, and "no load-test results found". Now each is a
/// problem at its line 1 naming the spreadsheet's `;` and what to do (exit 2).
#[test]
fn result_csvs_saved_by_a_german_spreadsheet_are_refused_saying_why() {
    let dir = TestDir::new();
    dir.write(
        "gen/requests.csv",
        "timestamp_ms;endpoint;method;latency_ms;status\r\n\
         1796517124943;/api/v1/agents;GET;12,747;200\r\n\
         1796517124953;/api/v1/agents;GET;28,582;200\r\n",
    );
    dir.write(
        "hey/hey.csv",
        "response-time;DNS+dialup;DNS;Request-write;Response-delay;Response-read;status-code;offset\r\n\
         0,0126;0,0005;0,0000;0,0003;0,0104;0,0002;200;0,0304\r\n",
    );
    for (run, file) in [("gen", "requests.csv"), ("hey", "hey.csv")] {
        let (code, _, stderr) = check_rules(&dir, &dir.path().join(run), "\"error_rate < 1%\"");
        assert_eq!(code, 2, "{stderr}");
        let line = (stderr.lines())
            .find(|l| l.contains(&format!("{file}:1:")))
            .unwrap_or_else(|| panic!("{stderr}"));
        assert!(
            line.contains("`;`") && line.contains("spreadsheet"),
            "{line}"
        );
    }
}

/// A JTL from JMeter on a Windows desktop, whose labels are in its code page (cp1252:
/// `café`, `thé`, `crème` as single bytes, one quoted with a comma): 300 requests, 100
/// a label. Before, every label that was not UTF-8 became "(non-UTF-8 text)", so the
/// three endpoints were one of 300 requests. Now the bytes read as Latin-1: three
/// endpoints of 100, named as JMeter showed them.
#[test]
fn a_jtl_with_labels_in_a_windows_code_page_keeps_its_endpoints_apart() {
    let dir = TestDir::new();
    let mut jtl =
        b"timeStamp,elapsed,label,responseCode,responseMessage,threadName,success\n".to_vec();
    let labels: [&[u8]; 3] = [b"caf\xe9", b"th\xe9", b"\"cr\xe8me, br\xfbl\xe9e\""];
    for i in 0..300u64 {
        jtl.extend_from_slice(format!("{},20,", T0_MS + i * 100).as_bytes());
        jtl.extend_from_slice(labels[(i % 3) as usize]);
        jtl.extend_from_slice(format!(",200,OK,TG 1-{},true\n", i % 4 + 1).as_bytes());
    }
    dir.write("run/results.jtl", jtl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let endpoints = report["stages"][0]["endpoints"].as_array().unwrap();
    let mut got: Vec<(String, u64)> = endpoints
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let want = [("café", 100), ("crème, brûlée", 100), ("thé", 100)];
    let want: Vec<(String, u64)> = want.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(got, want);
}

/// A script's per-request CSV written on a Windows box in its code page (endpoints
/// `/café`, `/thé`, `/crème` as cp1252 bytes), 100 requests each. Before, every row
/// was "field is not UTF-8": nothing read, exit 2. Now the rows are read, the names
/// as Latin-1, three endpoints of 100.
#[test]
fn a_generic_csv_with_endpoints_in_a_windows_code_page_is_read() {
    let dir = TestDir::new();
    let mut csv = b"timestamp_ms,endpoint,method,latency_ms,status\n".to_vec();
    let paths: [&[u8]; 3] = [b"/caf\xe9", b"/th\xe9", b"/cr\xe8me"];
    for i in 0..300u64 {
        csv.extend_from_slice(format!("{},", T0_MS + i * 100).as_bytes());
        csv.extend_from_slice(paths[(i % 3) as usize]);
        csv.extend_from_slice(b",GET,20,200\n");
    }
    dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let endpoints = report["stages"][0]["endpoints"].as_array().unwrap();
    let mut got: Vec<(String, u64)> = endpoints
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let want = [("/café", 100), ("/crème", 100), ("/thé", 100)];
    let want: Vec<(String, u64)> = want.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(got, want);
}

/// One entry of a tar archive (POSIX ustar): its 512-byte header and its data padded
/// to 512 bytes, as `tar cf` writes it.
fn tar_entry(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    header[136..148].copy_from_slice(b"15140000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut entry = header.to_vec();
    entry.extend_from_slice(data);
    entry.resize(entry.len().div_ceil(512) * 512, 0);
    entry
}

/// A run dir packed as a CI artifact (`tar czf run.tar.gz run/`) and given as it was
/// downloaded. Before: "not a recognised load-test result" (and for a wrk capture
/// inside, "looks like wrk text, but not in a layout headroom reads"), then "no
/// load-test results found". Now the archive is named as a tar archive with the files
/// it holds and the `tar xf` that extracts them, as a zip archive already was.
#[test]
fn a_run_dir_packed_as_a_tar_gz_is_named_as_an_archive() {
    let dir = TestDir::new();
    let (header, rows) = requests(50);
    let mut tar = tar_entry("run/requests.csv", (header + &rows.concat()).as_bytes());
    tar.extend(tar_entry("run/console.txt", b"done\n"));
    tar.extend([0u8; 1024]);
    dir.write("artifact/run.tar.gz", gzip(&tar));
    dir.write("plain/run.tar", &tar);
    for (run, file) in [("artifact", "run.tar.gz"), ("plain", "run.tar")] {
        let (code, _, stderr) = check_rules(&dir, &dir.path().join(run), "\"error_rate < 1%\"");
        assert_eq!(code, 2, "{stderr}");
        let line = (stderr.lines())
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{stderr}"));
        assert!(
            line.contains("a tar archive holding run/requests.csv, run/console.txt")
                && line.contains("tar xf"),
            "{line}"
        );
    }
}

/// A run's CSV opened in Excel (US locale) and saved again: its epoch-ms timestamps
/// became `1.79652E+12`, Excel's General format for a long number, rounded to six
/// digits (10⁷ ms, so the whole minute-long run at one instant). Before, the generic
/// CSV was read with every request at that instant: no rate, and "6 rows have a
/// latency longer than the whole run", which sent the user looking at latencies; a
/// JTL's rows were each "bad timeStamp". Now each says the timestamp was rounded by a
/// spreadsheet's scientific notation and what to do, and nothing is GO.
#[test]
fn timestamps_rounded_by_a_spreadsheet_are_refused_saying_why() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let mut jtl = String::from("timeStamp,elapsed,label,responseCode,success\n");
    for i in 0..600u64 {
        // One request every 100 ms from T0, as Excel shows each epoch.
        let shown = format!("{:.5E}", (T0_MS + i * 100) as f64).replace("E", "E+");
        csv.push_str(&format!("{shown},/api/v1/agents,GET,{},200\n", 20 + i % 7));
        jtl.push_str(&format!("{shown},{},list agents,200,true\n", 20 + i % 7));
    }
    dir.write("gen/requests.csv", csv);
    dir.write("jtl/results.jtl", jtl);
    for run in ["gen", "jtl"] {
        let (code, stdout, stderr) =
            check_rules(&dir, &dir.path().join(run), "\"error_rate < 1%\"");
        assert_eq!(code, 2, "{stdout}\n{stderr}");
        assert!(!stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
        assert!(stderr.contains("`1.79649E+12` was rounded"), "{stderr}");
        assert!(
            stderr.contains("scientific notation") && stderr.contains("whole number"),
            "{stderr}"
        );
    }
}
