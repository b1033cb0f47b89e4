use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let argv = match headroom::cli::config::apply(std::env::args_os().collect()) {
        Ok(argv) => argv,
        Err(err) => {
            eprintln!(
                "error: {}",
                headroom::model::untrusted::printable(&err.to_string())
            );
            return headroom::cli::Outcome::BadInput.into();
        }
    };
    let cli = headroom::cli::Cli::parse_from(argv);
    let code = match headroom::cli::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            eprintln!(
                "error: {}",
                headroom::model::untrusted::printable(&describe(&err))
            );
            headroom::cli::Outcome::BadInput.into()
        }
    };
    report_peak_rss();
    code
}

/// With `HEADROOM_REPORT_RSS=1`, prints the process's peak resident memory (VmHWM) on
/// stderr, so tests can bound memory without watching the process from outside.
fn report_peak_rss() {
    if std::env::var_os("HEADROOM_REPORT_RSS").is_none_or(|v| v != "1") {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    match kb {
        Some(kb) => eprintln!("headroom: peak RSS {:.1} MB", kb * 1024.0 / 1e6),
        None => eprintln!("headroom: peak RSS unknown (no /proc/self/status)"),
    }
}

/// The error and its causes, each said once: most messages already quote their cause.
fn describe(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
