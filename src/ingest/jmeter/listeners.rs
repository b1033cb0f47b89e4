//! Several CSV JTLs in one dir, told apart by their samples: one engine's samples saved
//! by several listeners, or several engines' runs side by side. Read together as one
//! source, their requests add and their users are the most any file records: right for
//! one engine's listeners per thread group (each sample's `allThreads` is the engine's),
//! wrong twice over otherwise.
//!
//! * A file whose every sample is in another file too (same start, elapsed, thread and
//!   label: `errors.jtl` of a listener saving only errors beside `all.jtl`) repeats that
//!   file's samples: it is a listener's copy, skipped, never added.
//! * Files of different engines (`engine1.jtl`, `engine2.jtl` written by two JMeter
//!   instances at once) each count their own threads: their users add. They are told
//!   apart by their `Hostname` cells, by the `host:port-` prefix of distributed
//!   engines' thread names, or by one thread name running samples in both files at
//!   overlapping times (a JMeter thread runs one sample at a time; a sample that holds
//!   another, a Transaction Controller's, does not count).
//! * Anything else (per-thread-group files with other thread names, no hosts) is one
//!   engine's, read together as before.
//!
//! Only the first `MAX_ROWS` (100,000) rows of each file are looked at: engines run side by
//! side from their start, and a listener's copy is within the other file from its
//! first row.

use crate::model::untrusted::Shown;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::csv::parse_timestamp;
use super::engines::engine_of;
use crate::ingest::adapters::open_decompressed;

/// Rows of each file looked at.
const MAX_ROWS: usize = 100_000;

/// Samples kept per thread name to look for overlaps.
const PER_THREAD: usize = 64;

/// Partial overlaps (neither sample within the other) that make two files two engines.
const OVERLAPS: usize = 2;

/// What the first rows of a JTL show.
struct Profile {
    path: PathBuf,
    /// Hashes of `(timeStamp, elapsed, threadName, label)` of every row looked at, with
    /// the sample's start.
    samples: HashMap<u64, i64>,
    /// The first and last start looked at (epoch ms).
    span: (i64, i64),
    /// Each thread's first samples, `[start, end)` epoch ms.
    threads: HashMap<String, Vec<(i64, i64)>>,
    hosts: BTreeSet<String>,
    /// Distributed engines' `host:port` thread-name prefixes.
    engines: BTreeSet<String>,
    /// True when every row was looked at.
    whole: bool,
}

/// How a dir's CSV JTLs are read.
#[derive(Debug, Default, PartialEq)]
pub struct Grouping {
    /// Each engine's files, read as one source each (their users add).
    pub engines: Vec<Vec<PathBuf>>,
    /// Listeners' copies: `(file, the file holding its every sample)`.
    pub copies: Vec<(PathBuf, PathBuf)>,
}

impl Grouping {
    /// What the report says of how the files were taken, when there is anything to say.
    pub fn note(&self) -> Option<String> {
        let names = |files: &[PathBuf]| {
            let names = files.iter().map(|f| f.shown().to_string());
            names.collect::<Vec<_>>().join(" + ")
        };
        (self.engines.len() > 1).then(|| {
            let engines: Vec<String> = self.engines.iter().map(|g| names(g)).collect();
            format!(
                "JTLs of {} JMeter engines run side by side ({}: other hosts, or the same \
                 thread running samples in both at once): each engine's samples count its \
                 own threads, so their requests and their users add",
                self.engines.len(),
                engines.join("; ")
            )
        })
    }
}

/// Why a listener's copy is skipped.
pub fn copy_reason(of: &Path) -> String {
    format!(
        "every sample it holds is in {} too (same start, elapsed, thread and label): one \
         JMeter engine's samples saved by two listeners (an errors-only or per-sampler \
         listener beside the full one), read once from that file",
        of.shown()
    )
}

/// How the CSV JTLs `files` of one dir are read (see the module doc). Files whose
/// layout cannot be looked at (no header naming `timeStamp`, `elapsed` and
/// `threadName`) keep every file together, as one engine's.
pub fn group(files: &[PathBuf]) -> Grouping {
    let together = || Grouping {
        engines: vec![files.to_vec()],
        copies: Vec::new(),
    };
    if files.len() < 2 {
        return together();
    }
    let Some(profiles) = files.iter().map(|f| profile(f)).collect::<Option<Vec<_>>>() else {
        return together();
    };
    let mut copies = Vec::new();
    let mut kept: Vec<&Profile> = Vec::new();
    for (i, p) in profiles.iter().enumerate() {
        let of = (profiles.iter().enumerate()).find(|(j, a)| {
            *j != i
                && !copies
                    .iter()
                    .any(|(c, _): &(PathBuf, PathBuf)| *c == a.path)
                && within(p, a)
                && smaller((p, i), (a, *j))
        });
        match of {
            Some((_, a)) => copies.push((p.path.clone(), a.path.clone())),
            None => kept.push(p),
        }
    }
    // One engine's files go together: a file joins the first group it is not another
    // engine than.
    let mut engines: Vec<Vec<&Profile>> = Vec::new();
    for p in kept {
        match (engines.iter_mut()).find(|g| g.iter().all(|o| !other_engine(p, o))) {
            Some(g) => g.push(p),
            None => engines.push(vec![p]),
        }
    }
    Grouping {
        engines: (engines.iter())
            .map(|g| g.iter().map(|p| p.path.clone()).collect())
            .collect(),
        copies,
    }
}

/// True when `p` holds fewer samples than `a`: fewer rows looked at, or as many over a
/// longer time (both cut at [`MAX_ROWS`]: the sparser one), or the same (`p` comes later).
fn smaller((p, i): (&Profile, usize), (a, j): (&Profile, usize)) -> bool {
    let long = |x: &Profile| x.span.1 - x.span.0;
    match p.samples.len().cmp(&a.samples.len()) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => long(p) > long(a) || long(p) == long(a) && j < i,
    }
}

/// True when every sample of `b` that `a`'s rows looked at could hold (all, or those
/// that start before `a`'s last looked at) is in `a`, and there is one.
fn within(b: &Profile, a: &Profile) -> bool {
    let mut held = (b.samples.iter()).filter(|(_, t)| a.whole || **t <= a.span.1);
    let first = held.next();
    first.is_some_and(|(h, _)| a.samples.contains_key(h))
        && held.all(|(h, _)| a.samples.contains_key(h))
}

/// True when `a` and `b` are two engines' samples.
fn other_engine(a: &Profile, b: &Profile) -> bool {
    let apart = |x: &BTreeSet<String>, y: &BTreeSet<String>| {
        !x.is_empty() && !y.is_empty() && x.is_disjoint(y)
    };
    if apart(&a.hosts, &b.hosts) || apart(&a.engines, &b.engines) {
        return true;
    }
    let mut overlaps = 0;
    for (thread, mine) in &a.threads {
        let Some(theirs) = b.threads.get(thread) else {
            continue;
        };
        for x in mine {
            overlaps += theirs.iter().filter(|y| partly_overlap(*x, **y)).count();
        }
        if overlaps >= OVERLAPS {
            return true;
        }
    }
    false
}

/// True when two samples overlap in time and neither holds the other.
fn partly_overlap(x: (i64, i64), y: (i64, i64)) -> bool {
    let holds = |p: (i64, i64), q: (i64, i64)| p.0 <= q.0 && q.1 <= p.1;
    x.0 < y.1 && y.0 < x.1 && !holds(x, y) && !holds(y, x)
}

/// The first rows of a CSV JTL with a header, or `None` when its layout is not one.
fn profile(path: &Path) -> Option<Profile> {
    let reader = open_decompressed(path).ok()?;
    let mut lines = std::io::BufRead::lines(reader);
    let header = lines.next()?.ok()?;
    let header = header.trim_start_matches('\u{feff}');
    let delimiter = [b',', b'\t', b';', b'|']
        .into_iter()
        .find(|d| header.split(*d as char).any(|c| c.trim() == "threadName"))?;
    let cells: Vec<&str> = header.split(delimiter as char).map(str::trim).collect();
    let at = |name: &str| cells.iter().position(|c| *c == name);
    let (ts, elapsed, thread) = (at("timeStamp")?, at("elapsed")?, at("threadName")?);
    let (label, host) = (at("label"), at("Hostname"));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(open_decompressed(path).ok()?);
    let mut p = Profile {
        path: path.to_path_buf(),
        samples: HashMap::new(),
        span: (i64::MAX, i64::MIN),
        threads: HashMap::new(),
        hosts: BTreeSet::new(),
        engines: BTreeSet::new(),
        whole: true,
    };
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while csv.read_record(&mut record).unwrap_or(false) {
        if rows == MAX_ROWS {
            p.whole = false;
            break;
        }
        rows += 1;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let (Some(start), Ok(ms)) = (parse_timestamp(cell(ts)), cell(elapsed).parse::<i64>())
        else {
            continue;
        };
        let name = cell(thread);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (start, ms, name, label.map(cell)).hash(&mut h);
        p.samples.insert(h.finish(), start);
        p.span = (p.span.0.min(start), p.span.1.max(start));
        let kept = p.threads.entry(name.to_string()).or_default();
        if kept.len() < PER_THREAD {
            kept.push((start, start + ms.max(0)));
        }
        if let Some(h) = host.map(cell).filter(|h| !h.is_empty()) {
            if p.hosts.len() < 64 && !p.hosts.contains(h) {
                p.hosts.insert(h.to_string());
            }
        }
        if let Some(e) = engine_of(name).filter(|_| p.engines.len() < 64) {
            if !p.engines.contains(e) {
                p.engines.insert(e.to_string());
            }
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile_of(samples: &[(u64, i64)], whole: bool) -> Profile {
        let first = samples.iter().map(|s| s.1).min().unwrap_or(0);
        let last = samples.iter().map(|s| s.1).max().unwrap_or(0);
        Profile {
            path: PathBuf::new(),
            samples: samples.iter().copied().collect(),
            span: (first, last),
            threads: HashMap::new(),
            hosts: BTreeSet::new(),
            engines: BTreeSet::new(),
            whole,
        }
    }

    #[test]
    fn a_sample_holding_another_is_no_overlap() {
        assert!(partly_overlap((0, 20), (10, 30)));
        assert!(
            !partly_overlap((0, 100), (10, 30)),
            "a transaction holds its sampler"
        );
        assert!(!partly_overlap((0, 20), (0, 20)), "the same sample");
        assert!(!partly_overlap((0, 20), (20, 30)), "one after the other");
    }

    #[test]
    fn a_copy_cut_at_the_row_limit_is_told_by_its_longer_span() {
        // Both files cut at the limit: the errors-only one spans longer.
        let all = profile_of(&[(1, 0), (2, 10), (3, 20)], false);
        let errors = profile_of(&[(1, 0), (7, 30), (9, 50)], false);
        assert!(smaller((&errors, 0), (&all, 1)));
        assert!(!smaller((&all, 1), (&errors, 0)));
        // What `all` looked at holds `errors`' samples up to its last (20 ms): (1, 0).
        assert!(within(&errors, &all));
        let other = profile_of(&[(5, 0), (6, 10)], true);
        assert!(!within(&other, &all));
    }
}
