//! A load tool's command line, as a user keeps it beside a console capture: echoed above
//! the output (a terminal copied with its `$ hey -c 50 …` line, or `set -x`), or saved
//! beside it in a command file (`cmd.txt`, `command.txt`, `run.sh`, any `*.sh`), or in a
//! script one dir up that writes every step into its own dir. A command file's line
//! belongs to a capture when it writes that file (`> c50.txt`, `| tee c50.txt`), or when
//! it is the file's only line of that tool and the capture is the dir's only capture of
//! the tool; otherwise none is taken. Only lines that name a URL (`://`), or give the
//! tool's file of URLs or script (siege's `-f urls.txt`, h2load's `-i`, Locust's `-f`),
//! are the tool's.
//! Its flags (`-n 1000`, `-n1000`, `-n=1000`, `--reps=5`) are read by [`flag`].

use std::path::{Path, PathBuf};

/// Command files larger than this are not command files.
const MAX_COMMAND_BYTES: u64 = 64 << 10;

/// A tool: the program names that run it, and how its console capture is recognised
/// (from the head of a file).
pub struct Tool {
    pub programs: &'static [&'static str],
    pub sniff: fn(&str) -> bool,
    /// The flags (short, long) that name where the tool reads its URLs instead of a URL
    /// on the line: a line giving one runs the tool all the same.
    pub url_from: &'static [(&'static str, Option<&'static str>)],
}

/// The command line of the capture at `path` whose text before its output is
/// `preface`, and where it comes from (for a note).
pub fn find(tool: &Tool, path: &Path, preface: &str) -> Option<(String, String)> {
    if let Some(line) = preface.lines().find(|l| args(tool, l).is_some()) {
        let line = line.trim().to_string();
        let from = format!(
            "the command echoed above the output ({})",
            crate::model::untrusted::ticked(&line)
        );
        return Some((line, from));
    }
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let lines = tool_lines(tool, dir);
    let writes = |l: &str| writes_file(l, name);
    let beside = match lines.iter().filter(|(_, l)| writes(l)).count() {
        1 => lines.iter().find(|(_, l)| writes(l)),
        0 if lines.len() == 1 && only_capture(tool, dir, path) => lines.first(),
        _ => None,
    };
    if let Some((file, line)) = beside {
        let from = format!(
            "the command saved beside it in {} ({})",
            shown(file),
            crate::model::untrusted::ticked(line)
        );
        return Some((line.clone(), from));
    }
    // A script one dir up that runs every step into its own dir
    // (`hey -c 16 … > 02_peak/hey.txt`): the one line writing this very path.
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty())?;
    let above = tool_lines(tool, parent);
    let mut writing = above.iter().filter(|(_, l)| writes_path(l, parent, path));
    let (file, line) = writing.next()?;
    if writing.next().is_some() {
        return None;
    }
    let from = format!(
        "the command in {} that wrote it ({})",
        shown(file),
        crate::model::untrusted::ticked(line)
    );
    Some((line.clone(), from))
}

/// The words of a Node package runner that may come before a tool's program (`npx
/// autocannon`, `npx -y`, `npm exec --`, `pnpm dlx`, `yarn dlx`, `bunx`).
const PACKAGE_RUNNERS: &[&str] = &[
    "npx", "-y", "--yes", "npm", "exec", "--", "pnpm", "pnpx", "dlx", "yarn", "bunx",
];

/// The arguments after the program when `line` runs `tool` (`hey …`, `$ hey …`,
/// `./hey …`, `/usr/local/bin/hey …`, `+ hey …` of `set -x`, `npx autocannon …`) and
/// names a URL, or where the tool reads them from (`Tool::url_from`).
pub fn args<'a>(tool: &Tool, line: &'a str) -> Option<Vec<&'a str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().take(5).position(|w| {
        let prog = w.rsplit('/').next().unwrap_or(w);
        let prog = prog.strip_suffix(".exe").unwrap_or(prog);
        // A package runner's `autocannon@7`.
        let prog = prog.split('@').next().unwrap_or(prog);
        tool.programs.contains(&prog)
    })?;
    // Only prompts (`$`, `>`, `+`, `#`) may come before it, and a Node package runner
    // that runs it (`npx autocannon …`, `npx -y autocannon@7 …`, `pnpm dlx`, `bunx`).
    let prompt = words[..at].iter().all(|w| {
        w.chars().all(|c| matches!(c, '$' | '>' | '+' | '#' | '%')) || PACKAGE_RUNNERS.contains(w)
    });
    let args = words[at + 1..].to_vec();
    let url_from =
        || (tool.url_from.iter()).any(|(short, long)| flag(&args, short, *long).is_some());
    (prompt && (args.iter().any(|a| a.contains("://")) || url_from())).then_some(args)
}

/// The value of a flag among `args`: `short` (one letter: `-n 5`, `-n5`, `-n=5`,
/// `--n 5`; never `-nfoo`, whose rest does not start with a digit) or `long` (`--reps 5`,
/// `--reps=5`). The last one given wins, as the tools' parsers do.
pub fn flag<'a>(args: &[&'a str], short: &str, long: Option<&str>) -> Option<&'a str> {
    let mut found = None;
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        let Some(f) = a.strip_prefix('-') else {
            continue;
        };
        let f = f.strip_prefix('-').unwrap_or(f);
        for name in [Some(short), long].into_iter().flatten() {
            let Some(rest) = f.strip_prefix(name) else {
                continue;
            };
            let value = if rest.is_empty() {
                it.peek().map(|v| **v)
            } else if let Some(v) = rest.strip_prefix('=') {
                Some(v)
            } else if name == short && rest.starts_with(|c: char| c.is_ascii_digit()) {
                Some(rest)
            } else {
                continue;
            };
            found = value;
            break;
        }
    }
    found.map(|v| v.trim_matches(|c| c == '"' || c == '\''))
}

/// The tool's lines of the command files of `dir`, each with its file.
fn tool_lines(tool: &Tool, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut lines = Vec::new();
    for file in command_files(dir) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let found = text.lines().filter(|l| args(tool, l).is_some());
        lines.extend(found.map(|l| (file.clone(), l.trim().to_string())));
    }
    lines
}

/// A command file's name, as a note shows it.
fn shown(file: &Path) -> String {
    file.file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into())
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
pub fn writes_file(line: &str, name: &str) -> bool {
    targets(line)
        .iter()
        .any(|t| Path::new(t).file_name().is_some_and(|f| f == name))
}

/// True when the command line, run in `base`, writes its output to `path`.
pub fn writes_path(line: &str, base: &Path, path: &Path) -> bool {
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

/// True when `path` is the only capture of `tool` in `dir`.
fn only_capture(tool: &Tool, dir: &Path, path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p != path && p.is_file())
        .all(|p| {
            let head = crate::ingest::text::read_head(&p).unwrap_or_default();
            !(tool.sniff)(&String::from_utf8_lossy(&head))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEY: Tool = Tool {
        programs: &["hey"],
        sniff: |_| false,
        url_from: &[],
    };

    #[test]
    fn flags_and_targets() {
        let a = args(&HEY, "$ hey -n 2000 -c=25 -z5s http://x/api").unwrap();
        assert_eq!(flag(&a, "n", None), Some("2000"));
        assert_eq!(flag(&a, "c", None), Some("25"));
        assert_eq!(flag(&a, "z", None), Some("5s"));
        let a = args(&HEY, "hey -cpus 2 -c 7 http://x/").unwrap();
        assert_eq!(flag(&a, "c", None), Some("7"));
        let a = args(&HEY, "hey --reps=9 --reps 4 http://x/").unwrap();
        assert_eq!(flag(&a, "r", Some("reps")), Some("4"));
        assert_eq!(args(&HEY, "they said hey http://x"), None);
        assert_eq!(args(&HEY, "hey -c 5"), None);
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
