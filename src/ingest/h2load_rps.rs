//! h2load's pacing: `--rps N` has each client send N requests per second, so a run of
//! `C` clients (the `N total client(s)` of its console) is planned at N × C req/s, an
//! open model whose clients only cap what is in flight (no users). h2load's console
//! does not print `--rps`; the command line kept with the output (echoed above it or
//! saved beside it: `tool_command.rs`) gives it, and a note says where the rate comes
//! from. (`-r`/`--rate` is another thing: the rate at which h2load *creates clients*,
//! which `h2load.rs` notes as a ramp.)

use crate::model::untrusted::Shown;
use std::path::Path;

use super::h2load_command::H2LOAD;
use super::summary::ToolSummary;
use super::tool_command;

/// Sets the planned rate of an h2load run (`s`, its clients read from `text`, the
/// run's console) when its command line gives `--rps` (see the module doc).
pub fn apply(path: &Path, text: &str, s: &mut ToolSummary) {
    let Some(clients) = s.users.filter(|c| *c > 0) else {
        return;
    };
    let preface = &text[..text.find("starting benchmark").unwrap_or(0)];
    let Some((rps, from)) = rps(path, preface) else {
        return;
    };
    let rate = rps * f64::from(clients);
    s.arrival_rate_rps = Some(rate);
    s.users = None;
    s.notes.push(format!(
        "{}: h2load paced each of its {clients} clients at --rps {rps} req/s (from {from}): a \
         planned {rate} req/s in all; its clients only cap what is in flight, so the stage \
         has no users",
        path.shown()
    ));
}

/// The `--rps` of the run's command line (`preface`: the console's text before the
/// run), and where it comes from.
fn rps(path: &Path, preface: &str) -> Option<(f64, String)> {
    let (line, from) = tool_command::find(&H2LOAD, path, preface)?;
    let args = tool_command::args(&H2LOAD, &line)?;
    // `--rps` has no one-letter form (`-r` is `--rate`); `flag` reads `--rps 10` and
    // `--rps=10` by this name.
    let rps = tool_command::flag(&args, "rps", None)?;
    let rps = rps
        .parse::<f64>()
        .ok()
        .filter(|r| *r > 0.0 && r.is_finite())?;
    Some((rps, from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rps_from_the_echoed_command() {
        let p = Path::new("no/such/dir/rps.txt");
        let r = |pre: &str| rps(p, pre).map(|(r, _)| r);
        assert_eq!(
            r("$ h2load --h1 -n 250 -c 5 --rps 10 http://h/x\n"),
            Some(10.0)
        );
        assert_eq!(r("h2load --rps=2.5 -c 4 http://h/x\n"), Some(2.5));
        assert_eq!(r("h2load -c 4 -r 2 -n 10 http://h/x\n"), None);
    }
}
