//! What an ab or siege run was started for, read from its command line (echoed above
//! the output or saved beside it, found as `tool_command.rs` says), and whether it did
//! far less. Both print their normal summary when stopped with Ctrl-C (ab before its
//! first progress line, or a capture of its output stream alone, shows no sign of it),
//! so only the command line tells an interrupted run from a finished one.
//!
//! * ab: `-n` requests (ab's default 1); with `-t` seconds ab stops at the time or at
//!   its `-n` (50,000 unless given), whichever comes first, so it stopped early only
//!   when both fall short.
//! * siege: `-r`/`--reps` repetitions by each of `-c`/`--concurrent` users (a `-r`
//!   without `-c` is not judged: siege's default comes from its siegerc), or
//!   `-t`/`--time` (`30S`, `5M`, `1H`; a bare number is minutes, as siege reads it, and
//!   so is `5X`: siege takes the first S, M or H after the digits, else minutes, and a
//!   note says how it read an odd one;
//!   a finished run's elapsed time falls a few tenths of a second short of it, and a
//!   short one's up to a second, so only less than 80 % of it and over a second short
//!   is stopped early).
//!   A run from a URL file (`-f`) is not judged (what a repetition sends depends on it).
//!   Its `-c` is the run's users (siege prints none; one that is no whole number, `-c
//!   abc`, siege reads with C's atoi and runs at least one user, and the note says so)
//!   — unless siege capped it: a `-c`
//!   over its siegerc's `limit` (255 by default) runs that many users, and siege says
//!   so (`WARNING: The number of users is capped at 255.`) and plans its repetitions
//!   for them.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::summary::shortened;
use super::tool_command::{self, Tool};

/// A run that did less than this share of its plan stopped early (the tools send
/// every planned request, errors included, before they end).
pub const STOPPED_EARLY: f64 = 0.95;

/// A siege `-t` run that ran less than this share of its time stopped early: siege's
/// `elapsed_time` of a finished run falls short of its `-t` by a few tenths of a second
/// (3.76 s of `-t 4S`, 9.63 s of `-t 10S` against `headroom target`).
const SIEGE_TIME_STOPPED_EARLY: f64 = 0.8;

/// …and that fell more than this short of it, s: siege's timer can end a finished
/// short run up to about a second early (1.08 s and 1.11 s of `-t 2S` against
/// `headroom target`, where the next runs took 1.97 s).
const SIEGE_TIME_EARLY_S: f64 = 1.0;

/// How ab's command lines and outputs are recognised.
pub(super) const AB: Tool = Tool {
    programs: &["ab", "ab2"],
    sniff: super::ab::sniff_text,
    url_from: &[],
};

/// How siege's command lines and outputs are recognised.
const SIEGE: Tool = Tool {
    programs: &["siege"],
    sniff: super::siege::sniff,
    url_from: &[("f", Some("file"))],
};

/// ab's requests with `-t` and no `-n`.
const AB_TIMED_REQUESTS: u64 = 50_000;

/// Why the ab run at `path` (`preface`: its text before the output), which sent
/// `requests` in `ran_s` seconds, did far less than its command line asked, or `None`.
pub fn ab(path: &Path, preface: &str, requests: u64, ran_s: Option<f64>) -> Option<String> {
    let (line, from) = tool_command::find(&AB, path, preface)?;
    let args = tool_command::args(&AB, &line)?;
    let n: Option<u64> = match tool_command::flag(&args, "n", None) {
        Some(v) => Some(v.parse().ok()?),
        None => None,
    };
    let t: Option<f64> = match tool_command::flag(&args, "t", None) {
        Some(v) => Some(v.parse().ok()?),
        None => None,
    };
    let n = n.unwrap_or(if t.is_some() { AB_TIMED_REQUESTS } else { 1 });
    let short_n = (requests as f64) < STOPPED_EARLY * n as f64;
    let short_t = match t {
        Some(t) => ran_s.is_some_and(|r| r < STOPPED_EARLY * t),
        None => true,
    };
    if !(short_n && short_t) {
        return None;
    }
    let done = requests as f64 / n as f64;
    let (asked, done) = match t {
        // Whichever it would have reached first: the larger share.
        Some(t) => (
            format!("{t} s or {n} requests, whichever comes first,"),
            done.max(ran_s.unwrap_or(0.0) / t),
        ),
        None => (format!("{n} requests"), done),
    };
    Some(stopped(
        "ab",
        path,
        &asked,
        &from,
        &format!("sent {requests}"),
        done,
    ))
}

/// Why the siege run at `path` (`preface`: its text before the summary), which made
/// `requests` attempts in `ran_s` seconds, did far less than its command line asked,
/// or `None`.
pub fn siege(
    path: &Path,
    preface: &str,
    (requests, ran_s): (u64, Option<f64>),
    cap: Option<u32>,
) -> Option<String> {
    let (line, from) = tool_command::find(&SIEGE, path, preface)?;
    let args = tool_command::args(&SIEGE, &line)?;
    if tool_command::flag(&args, "f", Some("file")).is_some() {
        return None;
    }
    if let Some(t) = tool_command::flag(&args, "t", Some("time")) {
        let planned = siege_time_s(t)?;
        let short = (SIEGE_TIME_STOPPED_EARLY * planned).min(planned - SIEGE_TIME_EARLY_S);
        let ran = ran_s.filter(|r| *r < short)?;
        let (asked, did) = (format!("{planned} s"), format!("ran {ran:.2} s"));
        return Some(stopped("siege", path, &asked, &from, &did, ran / planned));
    }
    let reps: u64 = tool_command::flag(&args, "r", Some("reps"))?.parse().ok()?;
    let asked_users: u32 = tool_command::flag(&args, "c", Some("concurrent"))?
        .parse()
        .ok()?;
    let users = u64::from(capped(asked_users, cap).0);
    let n = reps.checked_mul(users)?;
    ((requests as f64) < STOPPED_EARLY * n as f64).then(|| {
        let asked = format!(
            "{reps} repetitions by {users} users ({n} requests){}",
            capped(asked_users, cap).1
        );
        let did = format!("sent {requests}");
        stopped(
            "siege",
            path,
            &asked,
            &from,
            &did,
            requests as f64 / n as f64,
        )
    })
}

/// siege's `-c`/`--concurrent` from the command line of the summary at `path` (whose
/// text before the summary is `preface`), and where it comes from: siege prints no
/// `-c` (its `concurrency` is the mean in flight), so this is the run's users. `None`
/// without one, or when it takes siege's default from its siegerc. `cap`: the users
/// siege said it capped `-c` at ([`siege_cap`]).
pub fn siege_users(path: &Path, preface: &str, cap: Option<u32>) -> Option<(u32, String)> {
    let (line, from) = tool_command::find(&SIEGE, path, preface)?;
    let args = tool_command::args(&SIEGE, &line)?;
    let text = tool_command::flag(&args, "c", Some("concurrent"))?;
    let (asked, read) = match text.parse::<u32>() {
        Ok(n) if n > 0 => (n, String::new()),
        _ => odd_users(text),
    };
    let (users, said) = capped(asked, cap);
    (users > 0).then(|| (users, format!("{from}{read}{said}")))
}

/// The users siege runs for a `-c` that is no positive number (`-c abc`, `-c 0`,
/// `-c 10x`), and what to add where their source is said: siege reads it with C's
/// `atoi` (the leading digits; 0 for none) and runs one user for any `-c` under 1
/// (siege 4.0.7: `-c abc` and `-c 0` ran as `-c 1` did, a concurrency of 0.9).
fn odd_users(text: &str) -> (u32, String) {
    let digits: String = (text.trim_start().chars())
        .take_while(char::is_ascii_digit)
        .collect();
    let read: u64 = digits.parse().unwrap_or(0);
    let users = u32::try_from(read).unwrap_or(u32::MAX).max(1);
    let ran = if read < 1 {
        " and runs one user for a -c under 1".to_string()
    } else {
        String::new()
    };
    let said = format!(
        ", whose {} is no whole number: siege reads it as {read} (C's atoi){ran}",
        crate::model::untrusted::ticked(&format!("-c {}", shortened(text, 40)))
    );
    (users, said)
}

/// What siege did with a `-t`/`--time` of the command line of the summary at `path`
/// (`preface`: its text before the summary) that is not `N` followed by S, M or H: a
/// note, or `None` (no command line, no `-t`, or a plain one).
pub fn siege_time_note(path: &Path, preface: &str) -> Option<String> {
    let (line, from) = tool_command::find(&SIEGE, path, preface)?;
    let args = tool_command::args(&SIEGE, &line)?;
    let t = tool_command::flag(&args, "t", Some("time"))?;
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let plain = digits > 0 && matches!(&t[digits..], "s" | "S" | "m" | "M" | "h" | "H");
    if plain {
        return None;
    }
    let shown = crate::model::untrusted::ticked(&format!("-t {}", shortened(t, 40)));
    let did = match siege_time_s(t) {
        Some(secs) => format!(
            "siege reads it as {secs} s: the leading digits, in the unit of the first S, M \
             or H after them, and in minutes when none follows"
        ),
        None => "siege reads no time from it and ran with no time limit (until its \
                 repetitions, or Ctrl-C)"
            .to_string(),
    };
    Some(format!(
        "{}: the command line's {shown}, read from {from}, is not a number followed by S, M \
         or H: {did}; the run lasted what its summary says, whatever was meant",
        path.shown()
    ))
}

/// What the siege command line kept with the output at `path` (`preface`: its text
/// before the output) requested, as an endpoint's method and name: its URL (siege's
/// `'URL POST body'` form gives the method; else GET, siege's default), or `FILE (siege
/// -f)` for a run over a file of URLs (a mix the summary does not split).
pub fn siege_target(path: &Path, preface: &str) -> Option<(Option<String>, String)> {
    let (line, _) = tool_command::find(&SIEGE, path, preface)?;
    let args = tool_command::args(&SIEGE, &line)?;
    let unquoted = |a: &str| a.trim_matches(|c| c == '"' || c == '\'').to_string();
    // siege's URL with a method is one quoted argument: `'http://h/x POST {…}'`.
    let url_at = args.iter().position(|a| a.contains("://"));
    if let Some(at) = url_at {
        let url = unquoted(args[at]);
        let method = args
            .get(at + 1)
            .map(|m| unquoted(m))
            .filter(|m| args[at].starts_with(['\'', '"']) && matches!(m.as_str(), "POST" | "PUT"));
        return Some((Some(method.unwrap_or_else(|| "GET".into())), url));
    }
    let file = tool_command::flag(&args, "f", Some("file"))?;
    Some((None, format!("{file} (siege -f)")))
}

/// The users siege capped its `-c` at, from what it printed before its summary
/// (`text`): `WARNING: The number of users is capped at 255.` when a `-c` is over
/// its siegerc's `limit`.
pub fn siege_cap(text: &str) -> Option<u32> {
    const SAID: &str = "WARNING: The number of users is capped at ";
    let at = text.rfind(SAID)? + SAID.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|c| *c > 0)
}

/// The users a `-c` of `asked` ran, under siege's `cap`, and what to add where their
/// source is said (empty when the cap did not bite).
fn capped(asked: u32, cap: Option<u32>) -> (u32, String) {
    match cap.filter(|c| *c < asked) {
        Some(cap) => (
            cap,
            format!(
                ", whose `-c {asked}` siege capped at {cap} (it printed `WARNING: The number \
                 of users is capped at {cap}`: its siegerc's `limit`)"
            ),
        ),
        None => (asked, String::new()),
    }
}

/// The sentence for a run of `tool` started for `asked` (by the command line `from`)
/// that `did` (`sent 2774`, `ran 1.50 s`): the share `done` of its plan.
pub fn stopped(tool: &str, path: &Path, asked: &str, from: &str, did: &str, done: f64) -> String {
    stopped_writing((tool, "prints its summary"), path, asked, from, did, done)
}

/// [`stopped`] for a tool that `wrote` its output all the same (`writes its CSV`).
pub fn stopped_writing(
    (tool, wrote): (&str, &str),
    path: &Path,
    asked: &str,
    from: &str,
    did: &str,
    done: f64,
) -> String {
    format!(
        "{}: {tool} was started for {asked} by {from} and {did}: it stopped early \
         (interrupted with Ctrl-C; {tool} {wrote} all the same), so its figures \
         cover {} of the planned run; re-run it to the end",
        path.shown(),
        share(done)
    )
}

/// A share of a plan as a report says it: `4%`, `less than 1%`.
fn share(part: f64) -> String {
    match 100.0 * part {
        p if p < 1.0 => "less than 1%".to_string(),
        p => format!("{p:.0}%"),
    }
}

/// siege's `-t` (`30S`, `5M`, `1H`, `90s`) in seconds, read as siege's `parse_time`
/// does: the leading digits (none: no time), in the unit of the first `s`, `m` or `h`
/// (any case) after them, and minutes when none follows (`5` and `5X` are 5 minutes,
/// `1.5M` is 1 minute).
fn siege_time_s(text: &str) -> Option<f64> {
    let t = text.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let n: f64 = t[..digits].parse().ok()?;
    let unit = t[digits..]
        .chars()
        .find_map(|c| match c.to_ascii_lowercase() {
            's' => Some(1.0),
            'm' => Some(60.0),
            'h' => Some(3600.0),
            _ => None,
        });
    Some(n * unit.unwrap_or(60.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siege_times() {
        assert_eq!(siege_time_s("30S"), Some(30.0));
        assert_eq!(siege_time_s("2m"), Some(120.0));
        assert_eq!(siege_time_s("1H"), Some(3600.0));
        assert_eq!(siege_time_s("5"), Some(300.0));
        // siege's parse_time: no S, M or H after the digits is minutes; no digits, no time.
        assert_eq!(siege_time_s("5X"), Some(300.0));
        assert_eq!(siege_time_s("1.5M"), Some(60.0));
        assert_eq!(siege_time_s("abc"), None);
    }

    #[test]
    fn siege_caps_its_users_at_its_limit() {
        let text = "\n====\nWARNING: The number of users is capped at 255.  To increase this\n";
        assert_eq!(siege_cap(text), Some(255));
        assert_eq!(siege_cap("WARNING: something else\n"), None);
        assert_eq!(capped(300, Some(255)).0, 255);
        assert_eq!(capped(200, Some(255)), (200, String::new()));
    }
}
