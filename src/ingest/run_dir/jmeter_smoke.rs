//! A JMeter smoke test saved beside the run it came before, in one dir: `smoke.jtl`
//! with its console `smoke-console.txt`, then `results.jtl` with `console.txt`. Read
//! together, the smoke test's requests would become a stage of the run (its one thread
//! a `1_users` step) and each console would be checked against both JTLs' totals, so
//! the run would look incomplete. This module tells such a smoke test apart, before
//! the dir's JTLs are read: it is set aside, with its console, as a separate earlier
//! run, and the run is read and checked alone.
//!
//! A CSV JTL is a smoke test when its name or its console's says so (`smoke`,
//! `warmup`, `warm-up`, `sanity`: without the name, separate JMeter runs at rising
//! thread counts are a stepped test's stages), its console is its own (the
//! summariser's last total counts its every row, and its rows lie within the
//! console's `Starting the test @ … (ms)` to `Tidying up … (ms)`), it ran apart from
//! every other JTL of the dir, and it holds fewer rows than one of them.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use crate::ingest::jmeter::csv::parse_timestamp;
use crate::ingest::jmeter::summariser;
use crate::model::{SkipKind, Skipped};

/// Words in a file name that say it is a smoke test or warm-up.
const SMOKE_WORDS: [&str; 5] = ["smoke", "warmup", "warm-up", "warm_up", "sanity"];

/// Rows read from a JTL at most (a smoke test is small; a bigger file is no smoke test).
const MAX_ROWS: u64 = 100_000;

/// A CSV JTL's rows and the span of their starts, epoch ms.
struct Rows {
    count: u64,
    /// Transaction Controllers' rows among them (a summariser may leave them out).
    transactions: u64,
    span: (i64, i64),
}

/// Takes the smoke tests (JTL and console) out of `jtls` and `consoles` and returns
/// them as skipped files, each saying what it is, with a note naming each smoke test.
pub(super) fn set_apart(
    jtls: &mut Vec<PathBuf>,
    consoles: &mut Vec<PathBuf>,
) -> (Vec<Skipped>, Vec<String>) {
    if jtls.len() < 2 || consoles.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let rows: Vec<Option<Rows>> = jtls.iter().map(|f| rows(f)).collect();
    let windows: Vec<Option<(u64, (i64, i64))>> = consoles.iter().map(|c| window(c)).collect();
    let mut apart: Vec<(usize, usize)> = Vec::new();
    for (i, jtl) in jtls.iter().enumerate() {
        let Some(r) = &rows[i] else { continue };
        let Some(c) = (0..consoles.len()).find(|&c| {
            windows[c].is_some_and(|(n, (a, b))| {
                (n == r.count || n == r.count - r.transactions) && a <= r.span.0 && r.span.1 <= b
            })
        }) else {
            continue;
        };
        let named = is_smoke_name(jtl) || is_smoke_name(&consoles[c]);
        let others = (0..jtls.len()).filter(|&j| j != i);
        let mut bigger = false;
        let mut alone = true;
        for j in others {
            match &rows[j] {
                Some(o) => {
                    alone &= o.span.1 < r.span.0 || r.span.1 < o.span.0;
                    bigger |= o.count > r.count && !is_smoke_name(&jtls[j]);
                }
                // A JTL too big to count is bigger, its span unknown: not apart.
                None => alone = false,
            }
        }
        if named && alone && bigger {
            apart.push((i, c));
        }
    }
    let (mut skipped, mut notes) = (Vec::new(), Vec::new());
    for &(i, c) in apart.iter().rev() {
        let (jtl, console) = (jtls[i].clone(), consoles[c].clone());
        let n = rows[i].as_ref().map_or(0, |r| r.count);
        let big = rows.iter().flatten().map(|r| r.count).max().unwrap_or(0);
        notes.push(format!(
            "{}: a JMeter smoke test ({n} samples, with its own console {}) run apart from \
             the run's JTL of {big} samples: listed under Skipped files and in none of the \
             report's figures",
            jtl.shown(),
            console.shown()
        ));
        skipped.push(Skipped::new(
            jtl.clone(),
            format!(
                "a JMeter smoke test run apart before or after the run ({n} samples, all \
                 counted by its own console {}): in none of the report's figures",
                console.shown()
            ),
            SkipKind::EarlierRun,
        ));
        skipped.push(Skipped::new(
            console,
            format!(
                "JMeter's console of the smoke test {} (its summariser's last total counts \
                 that JTL's {n} samples): not checked against the run",
                jtl.shown()
            ),
            SkipKind::EarlierRun,
        ));
    }
    let counts = |i: usize| {
        rows[i]
            .as_ref()
            .map_or((0, 0), |r| (r.count, r.transactions))
    };
    let logs = smoke_logs(
        consoles,
        &windows,
        &apart,
        &(0..jtls.len()).map(counts).collect::<Vec<_>>(),
    );
    for &(c, i) in &logs {
        skipped.push(Skipped::new(
            consoles[c].clone(),
            format!(
                "JMeter's log of the smoke test {} (its summariser's last total counts that \
                 JTL's samples: the smoke test ran last): not checked against the run",
                jtls[i].shown()
            ),
            SkipKind::EarlierRun,
        ));
    }
    let (jtl_out, mut console_out): (Vec<usize>, Vec<usize>) = apart.into_iter().unzip();
    console_out.extend(logs.iter().map(|l| l.0));
    let keep = |files: &mut Vec<PathBuf>, out: &[usize]| {
        let mut k = 0;
        files.retain(|_| {
            k += 1;
            !out.contains(&(k - 1))
        });
    };
    keep(jtls, &jtl_out);
    keep(consoles, &console_out);
    skipped.reverse();
    notes.reverse();
    (skipped, notes)
}

/// The consoles without a window (`jmeter.log`, which JMeter rewrites at each run) of
/// a smoke test that ran last: their last total counts one smoke JTL's samples and no
/// other JTL's. `(console, JTL)` indices.
fn smoke_logs(
    consoles: &[PathBuf],
    windows: &[Option<(u64, (i64, i64))>],
    apart: &[(usize, usize)],
    counts: &[(u64, u64)],
) -> Vec<(usize, usize)> {
    let counts_of = |n: u64, i: usize| n == counts[i].0 || n == counts[i].0 - counts[i].1;
    let smoke = |i: usize| apart.iter().any(|a| a.0 == i);
    (0..consoles.len())
        .filter(|&c| windows[c].is_none() && !apart.iter().any(|a| a.1 == c))
        .filter_map(|c| {
            let n = summariser::scan(&consoles[c]).ok()?.total?.0.samples;
            let mut of = (0..counts.len()).filter(|&i| counts_of(n, i));
            let i = of.next()?;
            (smoke(i) && of.all(smoke)).then_some((c, i))
        })
        .collect()
}

/// True when the file's name says it is a smoke test or warm-up.
fn is_smoke_name(path: &Path) -> bool {
    let name = (path.file_name())
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    SMOKE_WORDS.iter().any(|w| name.contains(w))
}

/// A console's last total's samples and the run's window it prints
/// (`Starting the test @ … (ms)` to `Tidying up ... @ … (ms)`), when it has all three.
fn window(console: &Path) -> Option<(u64, (i64, i64))> {
    let s = summariser::scan(console).ok()?;
    let samples = s.total?.0.samples;
    let text = crate::ingest::summary::read_file_text(console).ok()?;
    let ms = |marker: &str| {
        let line = text.lines().find(|l| l.contains(marker))?;
        let inner = line.rsplit_once('(')?.1.split_once(')')?.0;
        inner.trim().parse::<i64>().ok()
    };
    let (start, end) = (ms("Starting the test @")?, ms("Tidying up ...")?);
    (start <= end).then_some((samples, (start, end)))
}

/// A CSV JTL's rows and their starts' span: its `timeStamp` column (the first, without
/// a header line), every row's start parsed.
fn rows(path: &Path) -> Option<Rows> {
    let reader = crate::ingest::adapters::open_decompressed(path).ok()?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let (mut column, mut count, mut span) = (0, 0u64, (i64::MAX, i64::MIN));
    let mut transactions = 0;
    let mut first = true;
    while csv.read_record(&mut record).ok()? {
        if std::mem::take(&mut first) {
            let cell = |c: &str| {
                record
                    .iter()
                    .position(|v| v.trim_start_matches('\u{feff}') == c)
            };
            if let Some(c) = cell("timeStamp") {
                column = c;
                continue;
            }
        }
        let start = parse_timestamp(record.get(column)?)?;
        count += 1;
        transactions +=
            u64::from((record.iter()).any(|v| v.starts_with("Number of samples in transaction")));
        if count > MAX_ROWS {
            return None;
        }
        span = (span.0.min(start), span.1.max(start));
    }
    (count > 0).then_some(Rows {
        count,
        transactions,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke_names() {
        assert!(is_smoke_name(Path::new("d/smoke.jtl")));
        assert!(is_smoke_name(Path::new("d/Warm-Up-console.txt")));
        assert!(!is_smoke_name(Path::new("d/results.jtl")));
    }
}
