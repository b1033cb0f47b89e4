//! The banner a shell loop or a `tee -a` session printed before a run in one console
//! file (`echo "=== PEAK ==="; wrk …`, `echo "### baseline"`), read as that run's
//! stage name when it clearly names one: a line of decoration (`==`, `##`, `--`,
//! `**`, or a lone `#`) around words that hold a letter, once the load (`c=32`,
//! `50 users`) is taken out, and no clock time (`=== c=8 06:39:38 ===` names no stage).
//! Only the lines since the previous run's end are looked at, nearest first.

use std::sync::OnceLock;

use regex::Regex;

use super::stages::stage_from_dir_name;

/// How many lines above a run's first line its banner may be (a `date` line, an
/// echoed command and blank lines may come between).
const REACH: usize = 4;

/// The text of the banner just above a run (`before`: the file's lines before the
/// run's first line; `ended`: true for a line that ends a run, where the search stops),
/// its decoration taken off: `=== PEAK ===` → `PEAK`.
fn banner_text<'a>(before: &[&'a str], ended: impl Fn(&str) -> bool) -> Option<&'a str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"^(?:[=#*-]{2,}|#)\s*(.*?)\s*[=#*-]*$").expect("static regex"));
    let near = before.iter().rev().take(REACH);
    for line in near.take_while(|l| !ended(l.trim())) {
        if let Some(c) = re.captures(line.trim()) {
            return c.get(1).map(|m| m.as_str());
        }
    }
    None
}

/// The stage name the banner just above a run names (see [`banner_text`]),
/// lower-cased with `_` between words (`=== Peak load ===` → `peak_load`).
pub fn stage_name(before: &[&str], ended: impl Fn(&str) -> bool) -> Option<String> {
    let text = banner_text(before, ended)?;
    let (name, _) = stage_from_dir_name(text)?;
    let words = name.split('_').count();
    let named = name.chars().any(char::is_alphabetic)
        && !name.contains(['=', ':', '/', '$', '`'])
        && words <= 4
        && !text.trim().is_empty();
    named.then_some(name)
}

/// The users the banner just above a run gives (see [`banner_text`]): the loop's
/// `-c 8` or `c=8` (the load tools' concurrency flag), or `8 users`; for a tool that
/// prints no load of its own (hey).
pub fn users(before: &[&str], ended: impl Fn(&str) -> bool) -> Option<u32> {
    static FLAG: OnceLock<Regex> = OnceLock::new();
    let flag = FLAG.get_or_init(|| Regex::new(r"(?:^|\s)-c\s*(\d+)\b").expect("static regex"));
    let text = banner_text(before, ended)?;
    match flag.captures(text) {
        Some(c) => c[1].parse().ok(),
        None => stage_from_dir_name(text)?.1,
    }
}

/// [`stage_name`] for the run of `text` whose first line is the first at or after
/// the line `from` lines in that `starts` a run (a tool's start line).
pub fn above_run(
    text: &str,
    from: u64,
    starts: fn(&str) -> bool,
    ended: impl Fn(&str) -> bool,
) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = (from as usize..lines.len()).find(|&i| starts(lines[i].trim()))?;
    stage_name(&lines[..at], ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(lines: &[&str]) -> Option<String> {
        stage_name(lines, |l| l.starts_with("Transfer/sec"))
    }

    #[test]
    fn banners_that_name_a_stage() {
        assert_eq!(name(&["=== PEAK ==="]).as_deref(), Some("peak"));
        assert_eq!(
            name(&["### Peak load (32 users)", ""]).as_deref(),
            Some("peak_load")
        );
        assert_eq!(
            name(&["# smoke", "Sun Dec  6 06:39:36 UTC 2026"]).as_deref(),
            Some("smoke")
        );
        assert_eq!(name(&["--- stress c=128 ---"]).as_deref(), Some("stress"));
    }

    #[test]
    fn banners_that_give_users() {
        let users = |lines: &[&str]| users(lines, |l| l.starts_with('['));
        assert_eq!(users(&["== c=8", ""]), Some(8));
        assert_eq!(users(&["### -c 16"]), Some(16));
        assert_eq!(users(&["=== c=32 users ==="]), Some(32));
        assert_eq!(users(&["--- stress 64 users ---"]), Some(64));
        assert_eq!(users(&["=== PEAK ==="]), None);
        assert_eq!(users(&["== c=8", "[200]\t5 responses", ""]), None);
    }

    #[test]
    fn banners_that_name_none() {
        assert_eq!(name(&["== c=8"]), None);
        assert_eq!(name(&["=== c=8 06:39:38 ==="]), None);
        assert_eq!(name(&["=== Sun Dec 6 06:39:36 UTC 2026 ==="]), None);
        assert_eq!(name(&["=== PEAK ===", "Transfer/sec: 1KB", ""]), None);
        assert_eq!(name(&["Sun Dec  6 06:39:36 UTC 2026"]), None);
        assert_eq!(name(&["==="]), None);
    }
}
