//! Messy runs, batch "ds" (qa115): `check` and `export` on run dirs that mix tools,
//! stage by stage. Fixtures are consoles wrk 4.x printed on this machine against
//! `headroom target` (the command echoed on top, as a team saves them) and small
//! per-request CSVs a script wrote; the answers follow from those by hand.

use super::check::check_json;
use super::common::TestDir;
use serde_json::Value;

/// `wrk -t2 -c50 -d4s --latency` against `headroom target --profile fast` here:
/// p50 193 µs, p75 384 µs, p90 1.02 ms, p99 2.72 ms, 679,801 requests.
const WRK_PEAK: &str = "$ wrk -t2 -c50 -d4s --latency http://127.0.0.1:18470/api/v1/agents
Running 4s test @ http://127.0.0.1:18470/api/v1/agents
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   404.28us  624.30us  12.46ms   90.07%
    Req/Sec    85.25k     7.17k   99.65k    71.25%
  Latency Distribution
     50%  193.00us
     75%  384.00us
     90%    1.02ms
     99%    2.72ms
  679801 requests in 4.02s, 78.45MB read
Requests/sec: 169277.84
Transfer/sec:     19.53MB
";

/// A script's per-request CSV for one stage: `n` requests of `GET /api/v1/agents`,
/// 2 ms apart, each 0.5 ms, all 200.
fn script_csv(n: usize) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{},/api/v1/agents,GET,0.5,200\n",
            1_796_497_800_000u64 + 2 * i as u64
        ));
    }
    csv
}

/// The evaluation of the first rule on `endpoint` at `stage` in check's JSON.
fn endpoint_cell<'a>(out: &'a Value, stage: &str) -> &'a Value {
    out["sla"]["rules"]
        .as_array()
        .expect("sla.rules")
        .iter()
        .find(|r| r["scope"] == "endpoint" && r["stage"] == stage)
        .unwrap_or_else(|| panic!("no endpoint rule on {stage}: {out}"))
}

/// `02-load-30u/` holds a script's CSV (`GET /api/v1/agents`, every request 0.5 ms);
/// `03-PEAK-50u/` wrk's console for the same URL, p99 2.72 ms. The SLA's
/// `[endpoint."GET /api/v1/agents"]` with `p(99) < 2ms` names that route in both
/// (README: `GET /item` names wrk's `http://127.0.0.1:8080/item`). Because the CSV
/// spells the name exactly, only the CSV's endpoint was judged: on the verdict stage
/// `peak` the rule had "no data for this scope" (insufficient data) and `check` exited
/// 0 — a gate passed with wrk's p99 of 2.72 ms over the 2 ms limit. Now the section
/// names the route in every stage: peak fails at 2.72 ms (exit 1), load passes at 0.5.
#[test]
fn an_endpoint_spelled_as_one_stage_spells_it_judges_wrk_stages_too() {
    let dir = TestDir::new();
    dir.write("run/02-load-30u/requests.csv", script_csv(1000));
    dir.write("run/03-PEAK-50u/wrk.txt", WRK_PEAK);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\"]\n\
         [endpoint.\"GET /api/v1/agents\"]\nrules = [\"p(99) < 2ms\"]\n",
    );
    let (code, out, err) = check_json(&dir.path().join("run"), &sla, &[]);
    let peak = endpoint_cell(&out, "peak");
    assert_eq!(peak["status"], "fail", "{peak}\n{err}");
    assert_eq!(peak["value"], 2.72, "{peak}");
    let load = endpoint_cell(&out, "load");
    assert_eq!(load["status"], "pass", "{load}");
    assert_eq!(load["value"], 0.5, "{load}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    assert_eq!(code, 1, "{err}");
}

/// A `drive --raw` run dir as the driver writes it, moved `late_s` seconds after
/// [`DRIVE_T0`](super::common::DRIVE_T0): stage `main` of `users` users, 2 s; its log
/// counts 2 × 10 requests of `GET /item` at 5 ms, its rows are those 20 (2 s apart per
/// 100 ms) and one more that started 1 ms before the stage ended, still in flight then
/// (the log, by completion, leaves it out).
fn drive_dir(dir: &TestDir, name: &str, users: u32, late_s: u64) {
    use super::common::{drive_hlog, DRIVE_T0};
    let t0 = DRIVE_T0 + late_s;
    let at = |ms: u64| {
        humantime::format_rfc3339_millis(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(t0 * 1000 + ms),
        )
        .to_string()
    };
    dir.write(
        &format!("run/{name}/run.toml"),
        format!(
            "started = \"{}\"\nended = \"{}\"\ntool = \"headroom 0.1.0\"\ncomplete = true\n\
             think_time = \"constant(0)\"\n\n[[stage]]\nname = \"main\"\nusers = {users}\n\
             start = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\n",
            at(0),
            at(2010),
            at(0),
            at(0),
            at(2000)
        ),
    );
    dir.write(
        &format!("run/{name}/latency.hlog"),
        drive_hlog(2, 10, 5_000).replace(&format!("{DRIVE_T0}.000"), &format!("{t0}.000")),
    );
    let mut rows =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for k in (0..20).map(|i| i * 100).chain([1999]) {
        rows.push_str(&format!(
            "{},/item,GET,5.000,200,true,,{users}\n",
            t0 * 1000 + k
        ));
    }
    dir.write(&format!("run/{name}/requests.csv"), rows);
}

/// Two `drive --raw` run dirs given as the stage dirs of one run (`c2/`, `c4/`). A CSV
/// export carries one run's interval log, so with two neither was carried and
/// `headroom analyze` of the export reads requests.csv back by each request's start:
/// the request in flight at a stage's end (21 rows, 20 completed in the window) counts
/// there, unlike in the run — README promises the same figures. The stages table holds
/// the run's own 20 per stage; the export now carries both logs as one, and reads back
/// to those 20.
#[test]
fn exporting_two_drive_runs_as_stage_dirs_says_their_logs_are_not_carried() {
    let dir = TestDir::new();
    drive_dir(&dir, "c2", 2, 0);
    drive_dir(&dir, "c4", 4, 60);
    let run = dir.path().join("run");
    let out = dir.path().join("exported");
    let o = super::common::headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let stages = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    let header: Vec<&str> = stages.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "requests").unwrap();
    for line in stages.lines().skip(1) {
        assert_eq!(line.split(',').nth(col), Some("20"), "{stages}");
    }
    // Both logs are carried now (merged into one latency.hlog): read back, each stage
    // has the run's own 20, not the 21 its rows give by start.
    assert!(!stderr.contains("not carried"), "{stderr}");
    let (code, back, err) = super::common::analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{err}");
    for s in back["stages"].as_array().unwrap() {
        assert_eq!(s["requests"], 20, "{s}");
    }
}

/// `02-load-30u/` (a script's CSV) and `03-PEAK-50u/` (wrk, p99 2.72 ms): the stages
/// `load` at 30 users and `peak` at 50. `[stage."peak-30u"]` names a peak at 30 users,
/// which the data lacks; it used to name `peak` (the name's users were ignored when the
/// stage's own name gives none) and judge the 50-user stage under rules written for
/// another load level. Now it is not in the data (a warning, its rules `not_run`), while
/// `[stage."peak-50u"]` still names `peak` and is judged on wrk's 2.72 ms.
#[test]
fn a_stage_name_with_other_users_than_the_stage_ran_at_names_nothing() {
    let dir = TestDir::new();
    dir.write("run/02-load-30u/requests.csv", script_csv(1000));
    dir.write("run/03-PEAK-50u/wrk.txt", WRK_PEAK);
    let run = dir.path().join("run");
    for (name, status) in [("peak-30u", "not_run"), ("peak-50u", "fail")] {
        let sla = dir.write(
            "sla.toml",
            format!(
                "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\"]\n\
                 [stage.\"{name}\"]\nrules = [\"p(99) < 2ms\"]\n"
            ),
        );
        let (_, out, err) = check_json(&run, &sla, &[]);
        let cell = out["sla"]["rules"]
            .as_array()
            .expect("sla.rules")
            .iter()
            .find(|r| r["rule"] == "p(99) < 2ms")
            .unwrap_or_else(|| panic!("no p(99) rule: {out}"))
            .clone();
        assert_eq!(cell["status"], status, "{name}: {cell}\n{err}");
        if status == "fail" {
            assert_eq!(cell["stage"], "peak", "{cell}");
            assert_eq!(cell["value"], 2.72, "{cell}");
        } else {
            assert!(
                err.contains(&format!("[stage.{name}] names no stage in the data")),
                "{err}"
            );
        }
    }
}
