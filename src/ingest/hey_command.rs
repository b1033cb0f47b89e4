//! hey's users from its command line. hey's summary prints neither `-c` nor the URL,
//! but a user often keeps the command: echoed above the summary (a terminal copied
//! with its `$ hey -c 50 …` line, or `set -x`), or saved beside it in a command file
//! (`cmd.txt`, `command.txt`, `run.sh`, any `*.sh`). Its `-c` (hey's default 50 when
//! absent) is the run's users. A command file's `hey` line belongs to a summary when
//! it writes that file (`> c50.txt`, `| tee c50.txt`), or when it is the file's only
//! `hey` line and the summary is the dir's only hey summary; otherwise no users are
//! taken from it.

use std::path::{Path, PathBuf};

/// hey's own default for `-c`.
const DEFAULT_WORKERS: u32 = 50;

/// Command files larger than this are not command files.
const MAX_COMMAND_BYTES: u64 = 64 << 10;

/// The users of the summary at `path` whose text before `Summary:` is `preface`, and
/// where they come from (for the source's note).
pub fn users(path: &Path, preface: &str) -> Option<(u32, String)> {
    if let Some(line) = preface.lines().find(|l| hey_args(l).is_some()) {
        let c = workers(line)?;
        return Some((
            c,
            format!("the command echoed above the summary (`{}`)", line.trim()),
        ));
    }
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let lines = hey_lines(dir);
    let writes = |l: &str| writes_file(l, name);
    let beside = match lines.iter().filter(|(_, l)| writes(l)).count() {
        1 => lines.iter().find(|(_, l)| writes(l)),
        0 if lines.len() == 1 && only_hey_summary(dir, path) => lines.first(),
        _ => None,
    };
    if let Some((file, line)) = beside {
        let c = workers(line)?;
        return Some((
            c,
            format!("the command saved beside it in {} (`{line}`)", shown(file)),
        ));
    }
    // A script one dir up that runs every step into its own dir
    // (`hey -c 16 … > 02_peak/hey.txt`): the one line writing this very path.
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty())?;
    let above = hey_lines(parent);
    let mut writing = above.iter().filter(|(_, l)| writes_path(l, parent, path));
    let (file, line) = writing.next()?;
    if writing.next().is_some() {
        return None;
    }
    let c = workers(line)?;
    Some((
        c,
        format!("the command in {} that wrote it (`{line}`)", shown(file)),
    ))
}

/// The `hey` lines of the command files of `dir`, each with its file.
fn hey_lines(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut lines = Vec::new();
    for file in command_files(dir) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let heys = text.lines().filter(|l| hey_args(l).is_some());
        lines.extend(heys.map(|l| (file.clone(), l.trim().to_string())));
    }
    lines
}

/// A command file's name, as a note shows it.
fn shown(file: &Path) -> String {
    file.file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into())
}

/// The arguments after `hey` when `line` runs hey (`hey …`, `$ hey …`,
/// `./hey …`, `/usr/local/bin/hey …`, `+ hey …` of `set -x`).
fn hey_args(line: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().take(3).position(|w| {
        let prog = w.rsplit('/').next().unwrap_or(w);
        prog == "hey" || prog == "hey.exe"
    })?;
    // Only prompts (`$`, `>`, `+`, `#`) may come before it.
    let prompt = words[..at]
        .iter()
        .all(|w| w.chars().all(|c| matches!(c, '$' | '>' | '+' | '#' | '%')));
    let args = words[at + 1..].to_vec();
    (prompt && args.iter().any(|a| a.contains("://"))).then_some(args)
}

/// `-c N` of a hey command line; hey's default when it has none.
fn workers(line: &str) -> Option<u32> {
    let args = hey_args(line)?;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        // `-c 50`, `--c 50`, `-c=50`, `-c50`; never `-cpus`.
        let flag = a
            .strip_prefix('-')
            .map(|f| f.strip_prefix('-').unwrap_or(f));
        let Some(v) = flag.and_then(|f| f.strip_prefix('c')) else {
            continue;
        };
        let v = v.strip_prefix('=').unwrap_or(v);
        match v.is_empty() {
            true => return it.next()?.parse().ok().filter(|c| *c > 0),
            false if v.bytes().all(|b| b.is_ascii_digit()) => {
                return v.parse().ok().filter(|c| *c > 0)
            }
            false => {}
        }
    }
    Some(DEFAULT_WORKERS)
}

/// The files the command line writes its output to (`> out.txt`, `>out.txt`,
/// `| tee -a out.txt`), as written.
fn targets(line: &str) -> Vec<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out: Vec<&str> = words
        .windows(2)
        .filter(|w| matches!(w[0], ">" | ">>" | "tee" | "-a" | "1>"))
        .map(|w| w[1].trim_matches(|c| c == '"' || c == '\''))
        .collect();
    out.extend(
        (words.iter().filter(|w| w.starts_with('>'))).map(|w| w.trim_start_matches(['>', '1'])),
    );
    out
}

/// True when the command line writes its output to a file named `name`.
fn writes_file(line: &str, name: &str) -> bool {
    targets(line)
        .iter()
        .any(|t| Path::new(t).file_name().is_some_and(|f| f == name))
}

/// True when the command line, run in `base`, writes its output to `path`.
fn writes_path(line: &str, base: &Path, path: &Path) -> bool {
    let plain = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    let path = plain(path);
    targets(line)
        .iter()
        .any(|t| !t.is_empty() && plain(&base.join(t)) == path)
}

/// The dir's command files: `cmd.txt`, `command(s).txt`, `cmd`, and any `*.sh`.
fn command_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            matches!(
                name.as_str(),
                "cmd" | "cmd.txt" | "command" | "command.txt" | "commands.txt" | "cmdline.txt"
            ) || name.ends_with(".sh")
        })
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_COMMAND_BYTES))
        .collect();
    files.sort();
    files
}

/// True when `path` is the only hey summary of `dir`.
fn only_hey_summary(dir: &Path, path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p != path && p.is_file())
        .all(|p| {
            let head = crate::ingest::text::read_head(&p).unwrap_or_default();
            !super::hey_text::sniff(&String::from_utf8_lossy(&head))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_from_command_lines() {
        assert_eq!(workers("$ hey -n 2000 -c 25 http://x/api"), Some(25));
        assert_eq!(
            workers("+ /usr/local/bin/hey -c=8 -z 30s http://x"),
            Some(8)
        );
        assert_eq!(workers("hey -n 100 http://x/"), Some(50));
        assert_eq!(workers("hey -c 0 http://x/"), None);
        assert_eq!(workers("hey -cpus 2 -c 7 http://x/"), Some(7));
        assert_eq!(hey_args("they said hey http://x"), None);
        assert_eq!(hey_args("hey -c 5"), None);
        assert!(writes_file("hey -c 5 http://x > out/c5.txt", "c5.txt"));
        assert!(writes_file("hey -c 5 http://x | tee -a c5.txt", "c5.txt"));
        assert!(writes_file("hey -c 5 http://x >c5.txt", "c5.txt"));
        assert!(!writes_file("hey -c 5 http://x > c50.txt", "c5.txt"));
        let (base, console) = (Path::new("run"), Path::new("run/02_peak/hey.txt"));
        assert!(writes_path(
            "hey -c 16 http://x > ./02_peak/hey.txt",
            base,
            console
        ));
        assert!(writes_path(
            "hey -c 16 http://x | tee 02_peak/hey.txt",
            base,
            console
        ));
        assert!(!writes_path(
            "hey -c 2 http://x > 01_base/hey.txt",
            base,
            console
        ));
    }
}
