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

/// The stage name the banner just above a run names (`before`: the file's lines
/// before the run's first line; `ended`: true for a line that ends a run, where the
/// search stops), lower-cased with `_` between words (`=== Peak load ===` → `peak_load`).
pub fn stage_name(before: &[&str], ended: impl Fn(&str) -> bool) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"^(?:[=#*-]{2,}|#)\s*(.*?)\s*[=#*-]*$").expect("static regex"));
    let near = before.iter().rev().take(REACH);
    for line in near.take_while(|l| !ended(l.trim())) {
        let Some(c) = re.captures(line.trim()) else {
            continue;
        };
        let (name, _) = stage_from_dir_name(&c[1])?;
        let words = name.split('_').count();
        let named = name.chars().any(char::is_alphabetic)
            && !name.contains(['=', ':', '/', '$', '`'])
            && words <= 4
            && !c[1].trim().is_empty();
        return named.then_some(name);
    }
    None
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
    fn banners_that_name_none() {
        assert_eq!(name(&["== c=8"]), None);
        assert_eq!(name(&["=== c=8 06:39:38 ==="]), None);
        assert_eq!(name(&["=== Sun Dec 6 06:39:36 UTC 2026 ==="]), None);
        assert_eq!(name(&["=== PEAK ===", "Transfer/sec: 1KB", ""]), None);
        assert_eq!(name(&["Sun Dec  6 06:39:36 UTC 2026"]), None);
        assert_eq!(name(&["==="]), None);
    }
}
