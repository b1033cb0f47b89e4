//! h2load's streams per client (`-m`/`--max-concurrent-streams`, default 1): each of
//! its `-c` clients keeps up to that many requests in flight at once (HTTP/2 streams,
//! or HTTP/1.1 requests pipelined with `--h1`), so a run's load is clients × streams,
//! not its clients alone: `-c 4 -m 2` and `-c 4 -m 8` are two loads, never one run and
//! its rerun. h2load's console prints neither; the command line kept with the output
//! (echoed above it or saved beside it: `tool_command.rs`) gives `-m`, and the run's
//! users are then `-c × -m`, said in a note. Without it, a run that kept more requests
//! in flight (Little's law: its throughput × mean latency) than 1.5× its clients ran
//! several streams per client, and a note says its clients understate its load.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::h2load_command::H2LOAD;
use super::summary::ToolSummary;
use super::tool_command;

/// In flight beyond this many times the clients, they ran several streams each.
const CROWDED: f64 = 1.5;

/// Sets the users of an h2load run (`s`, its clients read from `text`, the run's
/// console) to clients × streams when its command line gives `-m`, or notes that it
/// kept more in flight than its clients (see the module doc).
pub fn apply(path: &Path, text: &str, s: &mut ToolSummary) {
    let Some(clients) = s.users.filter(|c| *c > 0) else {
        return;
    };
    let preface = &text[..text.find("starting benchmark").unwrap_or(0)];
    if let Some((streams, from)) = streams(path, preface) {
        if streams > 1 {
            let users = clients.saturating_mul(streams);
            s.users = Some(users);
            s.notes.push(format!(
                "{}: h2load's {clients} clients each kept up to {streams} requests in flight \
                 (`-m {streams}`, from {from}): the run's load is {users} users (clients × \
                 streams), not its {clients} clients",
                path.shown()
            ));
        }
        return;
    }
    let Some(busy) = in_flight(s).filter(|b| *b >= CROWDED * f64::from(clients)) else {
        return;
    };
    s.notes.push(format!(
        "{}: h2load kept ≈ {busy:.1} requests in flight (throughput × mean latency) with its \
         {clients} clients: each client ran several at once (`-m`, streams per client), so \
         the stage's {clients} users understate its load, and runs at other `-m` are other \
         loads; keep the command line with the output (`h2load -c {clients} -m M …`) to have \
         its users read as clients × streams",
        path.shown()
    ));
}

/// The `-m` of the run's command line (`preface`: the console's text before the run),
/// and where it comes from; h2load's default 1 when the command gives none.
fn streams(path: &Path, preface: &str) -> Option<(u32, String)> {
    let (line, from) = tool_command::find(&H2LOAD, path, preface)?;
    let args = tool_command::args(&H2LOAD, &line)?;
    let streams = match tool_command::flag(&args, "m", Some("max-concurrent-streams")) {
        Some(m) => m.parse::<u32>().ok().filter(|m| *m > 0)?,
        None => 1,
    };
    Some((streams, from))
}

/// The mean requests in flight of a run (its answers ÷ its duration × their mean
/// latency), when the summary gives all three.
fn in_flight(s: &ToolSummary) -> Option<f64> {
    let ep = s.endpoints.first()?;
    let d = s.duration_s.filter(|d| *d > 0.0)?;
    let mean = ep.latency.mean_ms()?;
    Some(ep.latency.count() as f64 / d * mean / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_from_the_echoed_command() {
        let p = Path::new("no/such/dir/m8.txt");
        let m = |pre: &str| streams(p, pre).map(|(m, _)| m);
        assert_eq!(m("$ h2load --h1 -c 4 -m 8 -n 400 http://h/x\n"), Some(8));
        assert_eq!(m("+ h2load -c4 -m2 http://h/x\n"), Some(2));
        assert_eq!(
            m("h2load --max-concurrent-streams=16 -c 4 http://h/x\n"),
            Some(16)
        );
        assert_eq!(m("h2load -c 4 -n 10 http://h/x\n"), Some(1));
    }
}
