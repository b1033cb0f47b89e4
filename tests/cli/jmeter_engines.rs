//! A distributed JMeter run: the controller's one JTL holds every engine's samples,
//! each with that engine's own thread counts; the run's users are the engines' added.

use crate::common::{analyze_json, TestDir};

/// Two engines (`10.0.0.5:1099`, `10.0.0.6:1099`, as JMeter prefixes a remote
/// engine's thread names), each at 10 threads for 60 s and then at 25, every 20 ms
/// a sample each: the run's steps are at 20 and 50 users. Before, each sample's own
/// count was read as the run's: 10 and 25 users, half the load that ran. As CSV and
/// as XML.
#[test]
fn a_distributed_runs_users_are_its_engines_threads_added() {
    let t0 = 1_764_921_600_000u64;
    let mut csv = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n");
    for (step, users) in [(0u64, 10u64), (1, 25)] {
        for i in 0..3000u64 {
            for engine in ["10.0.0.5:1099", "10.0.0.6:1099"] {
                let t = t0 + step * 60_000 + i * 20;
                let ms = 20 + step * 20;
                let thread = format!("{engine}-Thread Group 1-{}", i % users + 1);
                csv.push_str(&format!(
                    "{t},{ms},home,200,OK,{thread},text,true,,100,50,{users},{users},http://x/,5,0,1\n"
                ));
                xml.push_str(&format!(
                    "<httpSample t=\"{ms}\" lt=\"5\" ts=\"{t}\" s=\"true\" lb=\"home\" rc=\"200\" \
                     rm=\"OK\" tn=\"{thread}\" dt=\"text\" by=\"100\" ng=\"{users}\" na=\"{users}\"/>\n"
                ));
            }
        }
    }
    xml.push_str("</testResults>\n");
    let t = TestDir::new();
    t.write("csv/results.jtl", csv);
    t.write("xml/results.jtl", xml);
    for dir in ["csv", "xml"] {
        let (code, report, stderr) = analyze_json(&[&t.path().join(dir)], &[]);
        assert_eq!(code, 0, "{dir}: {stderr}");
        let stages = report["stages"].as_array().unwrap();
        let users: Vec<u64> = stages
            .iter()
            .map(|s| s["users"].as_u64().unwrap())
            .collect();
        assert_eq!(users, [20, 50], "{dir}");
        let requests: Vec<u64> = stages
            .iter()
            .map(|s| s["requests"].as_u64().unwrap())
            .collect();
        assert_eq!(requests, [6000, 6000], "{dir}");
        let notes = report.to_string();
        assert!(notes.contains("2 distributed JMeter engines"), "{dir}");
    }
}
