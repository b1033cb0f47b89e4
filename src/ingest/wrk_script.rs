//! The Lua script a wrk run ran (`wrk -s paths.lua URL`). wrk's console names the URL
//! it was given, never the script, yet a script's `request()` (or its `wrk.path`, or
//! `wrk.format(…, path)`) chooses each request's path: the console's one figure is
//! then every request the script sent, across its paths, not that URL's. The script
//! is known from a command echoed above the run (`-s NAME`, `--script NAME`), else from
//! the one `.lua` file beside the console (or one dir up, beside its stage dirs).
//! Whether it chooses paths is read from its text: a `request` function, `wrk.path =`
//! or a `wrk.format(` call. Its method is its literal `wrk.method = "POST"`, unless a
//! `wrk.format("GET", …)` call names another: wrk's console prints no method.
//!
//! A script's `done()` may also print the run's percentiles after wrk's summary, as
//! wrk's own `scripts/report.lua` does: `50%,29729` lines, the percentile and
//! `latency:percentile(p)` in µs — the same (coordinated-omission corrected)
//! statistics wrk's `Latency Distribution` prints, with the p95 and p99.9 it lacks.
//! They are added to the run's percentiles when they agree with those printed at the
//! same percentiles (a script that printed ms would not).

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

/// Lua files larger than this are not wrk scripts.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// A script that chooses the paths of a run's requests.
pub struct PathScript {
    /// Its file name.
    pub name: String,
    /// Where it was found (for the note).
    pub from: &'static str,
}

/// The script of the run whose console is `path` and whose echoed command lines (the
/// lines above `Running …`) are `before`, when it chooses the requests' paths.
pub fn choosing_paths(path: &Path, before: &[&str]) -> Option<PathScript> {
    let (name, from, text) = script(path, before)?;
    chooses_paths(&text).then_some(PathScript { name, from })
}

/// The HTTP method every request of the run whose console is `path` was sent with, when
/// its script says one (`wrk.method = "POST"`), with the script's name and where it was
/// found. `None` when no script is kept, it sets no method, or its `wrk.format(…)` calls
/// name another (each request's method is then the script's choice).
pub fn method(path: &Path, before: &[&str]) -> Option<(String, PathScript)> {
    let (name, from, text) = script(path, before)?;
    let method = set_method(&text)?;
    Some((method, PathScript { name, from }))
}

/// The script of the run (its file name, where it was found and its text): the one an
/// echoed command's `-s` names, else the one `.lua` file beside the console or one dir
/// up. A script not kept there says nothing.
fn script(path: &Path, before: &[&str]) -> Option<(String, &'static str, String)> {
    let dir = path.parent()?;
    // Stage dirs run by one script keep it one dir up (`run/paths.lua`, `run/02_peak/`).
    let up = dir.parent().filter(|p| !p.as_os_str().is_empty());
    let (file, from) = match echoed(before) {
        Some(name) => {
            let name = name.rsplit(['/', '\\']).next()?.to_string();
            let beside = dir.join(&name);
            let above = up.map(|u| u.join(&name)).filter(|f| f.is_file());
            match above.filter(|_| !beside.is_file()) {
                Some(f) => (f, "the echoed command's -s, one dir up"),
                None => (beside, "the echoed command's -s"),
            }
        }
        None => match only_lua(dir) {
            Some(f) => (f, "the one .lua file beside the console"),
            None => (up.and_then(only_lua)?, "the one .lua file one dir up"),
        },
    };
    let meta = std::fs::metadata(&file).ok()?;
    let text = (meta.len() <= MAX_SCRIPT_BYTES).then(|| std::fs::read_to_string(&file).ok())??;
    let name = file.file_name()?.to_string_lossy().into_owned();
    Some((name, from, text))
}

/// `-s NAME` / `--script NAME` / `--script=NAME` of a wrk command echoed above.
fn echoed(before: &[&str]) -> Option<String> {
    let line = before.iter().rev().find(|l| {
        let words: Vec<&str> = l.split_whitespace().take(3).collect();
        words.iter().any(|w| {
            let prog = w.rsplit('/').next().unwrap_or(w);
            prog == "wrk" || prog == "wrk2"
        })
    })?;
    let words: Vec<&str> = line.split_whitespace().collect();
    words.iter().enumerate().find_map(|(i, w)| match *w {
        "-s" | "--script" => words.get(i + 1).map(|s| s.to_string()),
        _ => (w.strip_prefix("--script=").or(w.strip_prefix("-s")))
            .filter(|s| s.ends_with(".lua"))
            .map(str::to_string),
    })
}

/// The dir's one `.lua` file.
fn only_lua(dir: &Path) -> Option<PathBuf> {
    let lua: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("lua")))
        .collect();
    match lua.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// A wrk script's code without its `--` comments and without whitespace, where the
/// assignments and calls looked for are found whatever the spacing.
fn compact(lua: &str) -> String {
    let code = lua.lines().map(|l| l.split("--").next().unwrap_or(""));
    code.flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// True when a wrk script sets the requests' paths.
fn chooses_paths(lua: &str) -> bool {
    let compact = compact(lua);
    compact.contains("request=function")
        || compact.contains("functionrequest(")
        || compact.contains("wrk.path=")
        || compact.contains("wrk.format(")
}

/// The method a wrk script sets for every request: its one `wrk.method = "M"` (a
/// literal; the last assignment when several), unless a `wrk.format(…)` call names
/// another method as its first argument (`wrk.format(nil, …)` uses `wrk.method`).
fn set_method(lua: &str) -> Option<String> {
    let compact = compact(lua);
    let literal = |rest: &str| -> Option<String> {
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let word = rest[1..].split(quote).next()?;
        let ok = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic());
        ok.then(|| word.to_ascii_uppercase())
    };
    let mut method = None;
    for (at, _) in compact.match_indices("wrk.method=") {
        // An assignment that is no literal (a variable): the method is the script's.
        method = Some(literal(&compact[at + "wrk.method=".len()..])?);
    }
    let method = method?;
    let formats = compact
        .match_indices("wrk.format(")
        .map(|(at, m)| &compact[at + m.len()..]);
    for args in formats {
        if !(args.starts_with("nil,") || args.starts_with("nil)")) {
            (literal(args).as_deref() == Some(method.as_str())).then_some(())?;
        }
    }
    Some(method)
}

/// A `P%,N` line of a script's `done()` (wrk's `scripts/report.lua`): the percentile
/// and its latency in ms (`N` is µs).
pub fn done_percentile(line: &str) -> Option<(f64, f64)> {
    let (p, us) = line.trim().split_once("%,")?;
    let p: f64 = p.parse().ok()?;
    let us: f64 = us.trim().parse().ok()?;
    ((0.0..=100.0).contains(&p) && us.is_finite() && us >= 0.0).then_some((p, us / 1000.0))
}

/// A run's percentiles with those its script's `done()` printed (`done`) added, sorted,
/// and a note saying so; unchanged, with a note, when the two disagree (over 2 %
/// apart at a percentile both give: the script printed another unit or other data).
pub fn with_done_points(
    path: &Path,
    printed: &[(f64, f64)],
    done: &[(f64, f64)],
) -> (Vec<(f64, f64)>, Option<String>) {
    let same = |a: f64, b: f64| (a - b).abs() <= 0.02 * a.abs().max(b.abs()) + 0.002;
    let agree = done.iter().all(|(p, v)| {
        (printed.iter())
            .filter(|(q, _)| q == p)
            .all(|(_, w)| same(*v, *w))
    });
    let added: Vec<(f64, f64)> = (done.iter())
        .filter(|(p, _)| !printed.iter().any(|(q, _)| q == p))
        .copied()
        .collect();
    if done.is_empty() || (agree && added.is_empty()) {
        return (printed.to_vec(), None);
    }
    let list = |pts: &[(f64, f64)]| {
        (pts.iter().map(|(p, _)| format!("p{p}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !agree {
        let note = format!(
            "{}: the percentile lines after wrk's summary (`P%,N`, a Lua script's done()) \
             disagree with its Latency Distribution where both give one (µs expected, as \
             wrk's latency:percentile returns): not read",
            path.shown()
        );
        return (printed.to_vec(), Some(note));
    }
    let mut points: Vec<(f64, f64)> = printed.iter().chain(&added).copied().collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let note = format!(
        "{}: {} read from the percentile lines a Lua script's done() printed after wrk's \
         summary (`P%,N` in µs, wrk's scripts/report.lua): the same corrected latencies as \
         wrk's Latency Distribution",
        path.shown(),
        list(&added)
    );
    (points, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_that_choose_paths() {
        assert!(chooses_paths(
            "request = function()\n  return wrk.format(nil, p)\nend\n"
        ));
        assert!(chooses_paths("function request()\n return r end"));
        assert!(chooses_paths("wrk.path = \"/api\""));
        assert!(!chooses_paths(
            "wrk.method = \"POST\"\nwrk.body = \"{}\"\n-- request = function"
        ));
        assert_eq!(
            echoed(&["$ wrk -t2 -c10 -d30s -s paths.lua http://x"]).as_deref(),
            Some("paths.lua")
        );
        assert_eq!(
            echoed(&["wrk --script=a/b.lua http://x"]).as_deref(),
            Some("a/b.lua")
        );
        assert_eq!(echoed(&["wrk -t2 -c10 http://x"]), None);
    }

    #[test]
    fn methods_scripts_set() {
        let post = "wrk.method = \"POST\"\nwrk.body = '{}'\n";
        assert_eq!(set_method(post).as_deref(), Some("POST"));
        assert_eq!(set_method("wrk.method='put'").as_deref(), Some("PUT"));
        assert_eq!(set_method("-- wrk.method = \"POST\"\n"), None);
        assert_eq!(set_method("wrk.method = m\n"), None);
        let nil = "wrk.method = \"POST\"\nrequest = function() return wrk.format(nil, p) end";
        assert_eq!(set_method(nil).as_deref(), Some("POST"));
        let other = "wrk.method = \"POST\"\nrequest = function() return wrk.format(\"GET\", p) end";
        assert_eq!(set_method(other), None);
        assert_eq!(
            set_method("request = function() return wrk.format(\"GET\", p) end"),
            None
        );
    }

    #[test]
    fn done_lines_of_report_lua() {
        assert_eq!(done_percentile("95%,52864"), Some((95.0, 52.864)));
        assert_eq!(done_percentile("99.999%,1200"), Some((99.999, 1.2)));
        assert_eq!(done_percentile("requests,15098"), None);
        assert_eq!(done_percentile("  50%   29.73ms"), None);
    }
}
