//! The list of every input format (`headroom inspect --formats`): its name, its tool,
//! how detection recognises it and a command line that writes it. README's "Inputs
//! read today" table names the same tools (a test compares them).

use super::Format;

/// Every format headroom reads, in the order `inspect --formats` lists them.
pub const ALL: [Format; 35] = [
    Format::Manifest,
    Format::GenericCsv,
    Format::LocustStats,
    Format::LocustHistory,
    Format::LocustFailures,
    Format::LocustExceptions,
    Format::LocustRequests,
    Format::LocustDistribution,
    Format::LocustJson,
    Format::HdrLog,
    Format::HdrPercentiles,
    Format::JmeterCsv,
    Format::JmeterXml,
    Format::K6Csv,
    Format::K6Json,
    Format::K6Summary,
    Format::GatlingLog,
    Format::GatlingBinary,
    Format::VegetaCsv,
    Format::VegetaJson,
    Format::WrkText,
    Format::OhaJson,
    Format::OhaCsv,
    Format::HeyCsv,
    Format::HeyText,
    Format::ArtilleryJson,
    Format::GooseCsv,
    Format::AbText,
    Format::AbGnuplot,
    Format::AbCsv,
    Format::AutocannonJson,
    Format::H2loadText,
    Format::HttperfText,
    Format::SiegeText,
    Format::SiegeLog,
];

/// How detection recognises a format, and a command line that writes it.
pub fn describe(format: Format) -> (&'static str, &'static str) {
    match format {
        Format::Manifest => (
            "a file named run.toml",
            "headroom drive … (writes run.toml)",
        ),
        Format::GenericCsv => (
            "CSV header with timestamp_*, endpoint/name and latency_* columns",
            "your own script (README, \"Generic per-request CSV\")",
        ),
        Format::LocustStats => (
            "CSV header Type/Method, Name, Request Count or # requests",
            "locust --headless --csv run",
        ),
        Format::LocustHistory => (
            "CSV header Timestamp, User Count (or Type, …, Timestamp)",
            "locust --headless --csv run --csv-full-history",
        ),
        Format::LocustFailures => (
            "CSV header Method, Name, Error, Occurrences",
            "locust --headless --csv run",
        ),
        Format::LocustExceptions => (
            "CSV header Count, Message, Traceback",
            "locust --headless --csv run",
        ),
        Format::LocustRequests => (
            "CSV header Method, Name, # requests without percentiles (Locust ≤ 0.13.2)",
            "locust --no-web --csv run",
        ),
        Format::LocustDistribution => (
            "CSV header Name, # requests, 50% (Locust ≤ 0.13.2)",
            "locust --no-web --csv run",
        ),
        Format::LocustJson => (
            "JSON array of objects with name, method, num_requests, response_times",
            "locust --headless --json > stats.json",
        ),
        Format::HdrLog => (
            "#[Histogram log format version …] or Tag=/StartTime lines of base64 histograms",
            "jHiccup -l run.hlog; wrk2/HdrHistogram log writers",
        ),
        Format::HdrPercentiles => (
            "Value Percentile TotalCount 1/(1-Percentile) header (text or CSV)",
            "HistogramLogProcessor -csv; histogram.outputPercentileDistribution",
        ),
        Format::JmeterCsv => (
            "CSV with JMeter column names (timeStamp, elapsed, label, …) or a headerless JTL row",
            "jmeter -n -t plan.jmx -l results.jtl",
        ),
        Format::JmeterXml => (
            "<testResults …> XML",
            "jmeter -n -t plan.jmx -l results.xml -Jjmeter.save.saveservice.output_format=xml",
        ),
        Format::K6Csv => (
            "CSV header metric_name,timestamp,metric_value (plain or .gz)",
            "k6 run --out csv=results.csv script.js",
        ),
        Format::K6Json => (
            "JSON lines with type Metric/Point (plain or .gz)",
            "k6 run --out json=results.json script.js",
        ),
        Format::K6Summary => (
            "JSON object with root_group, metrics or k6Version",
            "k6 run --summary-export=summary.json script.js",
        ),
        Format::GatlingLog => (
            "tab-separated RUN/ASSERTION/USER/REQUEST records (text log, Gatling 2.0 – 3.12)",
            "gatling.sh -s Simulation (target/gatling/*/simulation.log)",
        ),
        Format::GatlingBinary => (
            "binary: a 0 byte, then a length-prefixed 3.x version, class name and run start (Gatling 3.13+)",
            "gatling.sh -s Simulation with Gatling ≥ 3.13 (target/gatling/*/simulation.log)",
        ),
        Format::VegetaCsv => (
            "headerless CSV: nanosecond timestamp, code, latency, bytes …",
            "vegeta encode --to csv < results.bin > results.csv",
        ),
        Format::VegetaJson => (
            "JSON lines with attack, seq, code, timestamp, latency",
            "vegeta encode --to json < results.bin > results.json",
        ),
        Format::WrkText => (
            "a `Running 10s test @ URL` line",
            "wrk -t4 -c64 -d30s --latency URL > wrk.txt",
        ),
        Format::OhaJson => (
            "JSON object with summary.successRate and requestsPerSec",
            "oha --output-format json URL > oha.json",
        ),
        Format::OhaCsv => (
            "CSV header request-start,DNS,DNS+dialup,…",
            "oha --output-format csv URL > oha.csv",
        ),
        Format::HeyCsv => (
            "CSV header response-time,DNS+dialup,…,status-code,offset",
            "hey -o csv URL > hey.csv",
        ),
        Format::HeyText => (
            "`Summary:` with Requests/sec and hey's distributions",
            "hey URL > hey.txt",
        ),
        Format::ArtilleryJson => (
            "JSON object with aggregate and intermediate",
            "artillery run --output report.json script.yml",
        ),
        Format::GooseCsv => (
            "CSV header elapsed,scenario_index,…",
            "cargo run --release -- --request-log requests.csv --request-format csv",
        ),
        Format::AbText => (
            "`This is ApacheBench` or Concurrency Level + Time taken for tests",
            "ab -n 1000 -c 10 URL > ab.txt",
        ),
        Format::AbGnuplot => (
            "TSV header starttime seconds ctime dtime ttime wait",
            "ab -n 1000 -c 10 -g ab.tsv URL",
        ),
        Format::AbCsv => (
            "CSV header Percentage served,Time in ms (read beside ab's console text)",
            "ab -n 1000 -c 10 -e ab.csv URL > ab.txt",
        ),
        Format::AutocannonJson => (
            "JSON object with connections, latency and non2xx/pipelining",
            "autocannon --json -c 10 -d 30 URL > autocannon.json",
        ),
        Format::H2loadText => (
            "`finished in …` and `requests: … total, … started, … done`",
            "h2load -n 1000 -c 10 URL > h2load.txt",
        ),
        Format::HttperfText => (
            "an echoed `httperf --…` line or `Total: connections … test-duration`",
            "httperf --server HOST --port PORT --uri /path --rate 50 --num-conns 500 > httperf.txt",
        ),
        Format::SiegeText => (
            "Transactions/Availability figures (text) or siege's JSON block",
            "siege -c 10 -t 30S URL > siege.txt 2>&1",
        ),
        Format::SiegeLog => (
            "CSV header with Date & Time, Trans, Elap Time",
            "siege --log=siege.log -c 10 -t 30S URL",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_once() {
        let mut names: Vec<String> = ALL.iter().map(|f| f.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
