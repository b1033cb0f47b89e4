//! A dir `drive` wrote (a `run.toml` by headroom beside its `latency.hlog`): the
//! interval log is the measurement, so the per-request rows beside it (`--raw`) are
//! skipped as its detail; and the log must hold every request the manifest says the
//! driver recorded, or the copy read is cut short and the run is incomplete.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::ingest::{Format, IngestOptions};
use crate::model::{Manifest, Run, SkipKind, Skipped};

/// Why a driver run dir's per-request rows are not read (`export` still exports them).
pub(crate) const DRIVER_DETAIL: &str = "per-request detail of the driver's interval log";

/// True when `manifest` was written by headroom's driver.
fn by_driver(manifest: &Manifest) -> bool {
    (manifest.tool.as_deref()).is_some_and(|t| t.starts_with("headroom"))
}

/// In a driver run dir (manifest by headroom, with an interval log), skips the
/// per-request rows. True for a driver run dir.
pub(super) fn skip_driver_rows(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    manifest: Option<&Manifest>,
    run: &mut Run,
) -> bool {
    // A driver run dir holds the same requests twice (interval log and --raw rows):
    // the interval log is the measurement, the rows are detail for export.
    let driver_dir = manifest.is_some_and(by_driver) && by_format.contains_key(&Format::HdrLog);
    if driver_dir {
        if let Some(rows) = by_format.remove(&Format::GenericCsv) {
            for p in rows {
                run.skipped
                    .push(Skipped::new(p, DRIVER_DETAIL, SkipKind::Detail));
            }
        }
    }
    driver_dir
}

/// Marks the run incomplete when the dir's files hold fewer requests than its
/// unsharded driver manifest says were recorded (`recorded_requests`): its
/// `latency.hlog` missing, or copied cut at a line's end, which no line of it shows.
/// A shard's count is checked with its set (`shards.rs`). `before`: the sources'
/// (tool, parts, stages) before the dir was read. Only on the whole data (no
/// `--from`/`--to` or endpoint filter).
pub(super) fn check_recorded(
    m: &Manifest,
    before: &[(String, usize, usize)],
    opts: &IngestOptions,
    run: &mut Run,
) {
    let Some(recorded) = m
        .recorded_requests
        .filter(|_| by_driver(m) && m.shard.is_none())
    else {
        return;
    };
    if opts.from_ms.is_some() || opts.to_ms.is_some() || opts.filters_endpoints() {
        return;
    }
    let held: u64 = (run.sources.iter())
        .flat_map(|s| {
            let earlier = (before.iter().find(|b| b.0 == s.tool)).map_or(0, |b| b.1);
            s.parts.iter().skip(earlier)
        })
        .map(|p| p.requests)
        .sum();
    if held >= recorded {
        return;
    }
    let why = if held == 0 {
        format!(
            "drive recorded {recorded} requests (run.toml) but its latency.hlog is missing: \
             copy the whole run dir"
        )
    } else {
        format!(
            "drive recorded {recorded} requests (run.toml) but latency.hlog holds {held}: the \
             copy is cut short; copy the whole run dir"
        )
    };
    run.meta.complete = Some(false);
    run.meta.incomplete_reason = Some(match run.meta.incomplete_reason.take() {
        Some(r) => format!("{r}; {why}"),
        None => why,
    });
}
