//! Files given one by one on the command line: grouped by the dir that holds them, so
//! that `x_stats.csv x_stats_history.csv x_failures.csv` passed separately are read as
//! the one Locust set they are, exactly as the dir would be (and never as three runs
//! whose requests add up).

use std::path::PathBuf;

/// Merges inputs that share a dir (files given individually, or a file and its dir)
/// into one, keeping the first one's place, files in name order (a file given twice is
/// left for `run_dir` to read once and say so).
pub fn group_by_dir<T>(
    inputs: Vec<T>,
    dir_of: impl Fn(&T) -> PathBuf,
    files: impl Fn(&mut T) -> &mut Vec<PathBuf>,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(inputs.len());
    for mut input in inputs {
        let dir = canonical(dir_of(&input));
        match out.iter_mut().find(|o| canonical(dir_of(o)) == dir) {
            Some(earlier) => {
                let mut theirs = std::mem::take(files(&mut input));
                let mine = files(earlier);
                mine.append(&mut theirs);
                mine.sort();
            }
            None => out.push(input),
        }
    }
    out
}

fn canonical(p: PathBuf) -> PathBuf {
    let p = if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    };
    p.canonicalize().unwrap_or(p)
}
