//! Files as Windows saves them: a console captured by PowerShell's `>` (UTF-16LE with
//! a BOM, CRLF endings) and an SLA written with `Out-File` read as their UTF-8
//! originals. (A UTF-16 JTL read in parts: `parallel.rs`.)

use crate::common::{analyze_json, headroom, utf16le, TestDir};

/// wrk's console of 40,000 requests in 5 s (8,000 req/s).
const WRK: &str = "Running 5s test @ http://127.0.0.1:8080/health
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.00ms    0.50ms   9.00ms   90.00%
    Req/Sec     4.00k     0.20k    5.00k    70.00%
  40000 requests in 5.00s, 4.00MB read
Requests/sec:   8000.00
Transfer/sec:      0.80MB
";

/// Before, the console was "not a recognised load-test result" (no results: exit 2)
/// and the SLA "stream did not contain valid UTF-8" (exit 2).
#[test]
fn a_powershell_console_and_sla_read_as_their_utf8_originals() {
    let dir = TestDir::new();
    dir.write("run/wrk.txt", utf16le(WRK));
    let run = dir.path().join("run");
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["overall"]["requests"], 40_000, "{err}");
    // 8,000 req/s: the first SLA passes, the second fails, as their UTF-8 texts do.
    for (limit, want) in [("7000/s", 0), ("9000/s", 1)] {
        let text = format!("[global]\nrules = [\"throughput >= {limit}\"]\n");
        for (name, bytes) in [
            ("sla8.toml", text.clone().into_bytes()),
            ("sla16.toml", utf16le(&text)),
        ] {
            let sla = dir.write(name, bytes);
            let o = headroom(&[
                "check",
                run.to_str().unwrap(),
                "--sla",
                sla.to_str().unwrap(),
            ]);
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(want), "{name} {limit}: {stderr}");
        }
    }
}
