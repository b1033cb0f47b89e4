//! Sharded driver runs (`drive --shard i/N`): recognising shard run dirs by the
//! `[shard]` table of their `run.toml`, refusing an incomplete or mixed set (every
//! shard 0..N−1 once, one plan hash, run at the same time), and merging the shards
//! into one source: stage by stage, users and arrival rates add, intervals align on
//! absolute time and histograms add exactly (percentiles are never averaged). Each
//! shard's driver health (sent and dropped requests, start offset, timer lateness,
//! CPU) becomes a note, and a lagging generator is named.

use crate::model::untrusted::Shown;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::discover::DirInput;
use crate::ingest::text::{parse_rfc3339_ms, read_text};
use crate::ingest::{problem, IngestOptions};
use crate::model::{Manifest, ManifestShard, Run, RunMeta, Source, SourcePart, Stage, TimeSeries};

/// A shard run dir: its files and its `[shard]` table.
pub(super) struct ShardDir {
    input: DirInput,
    manifest: Manifest,
    shard: ManifestShard,
}

/// Timer lateness (p99 of a second) above which a shard's load came late, ms.
const LAGGING_LATENESS_MS: f64 = 50.0;
/// A start later than this after `--start-at` means the shard did not begin with
/// the others, ms.
const LATE_START_MS: f64 = 1000.0;

/// Takes the shard run dirs out of `dirs`. When they do not form one whole sharded
/// run, the set is refused: a problem is recorded and nothing is read (`dirs` is
/// emptied), so `analyze` exits 2 rather than report part of a plan as the whole.
pub(super) fn take_shards(dirs: &mut Vec<DirInput>, run: &mut Run) -> Vec<ShardDir> {
    let mut shards = Vec::new();
    let mut rest = Vec::new();
    for d in dirs.drain(..) {
        match shard_manifest(&d) {
            Some((manifest, shard)) => shards.push(ShardDir {
                input: d,
                manifest,
                shard,
            }),
            None => rest.push(d),
        }
    }
    *dirs = rest;
    shards.sort_by_key(|s| s.shard.index);
    if let Err(why) = check_set(&shards) {
        let at = shards
            .first()
            .map_or(PathBuf::new(), |s| s.input.dir.clone());
        run.problems.push(problem(&at, None, why));
        dirs.clear();
        return Vec::new();
    }
    shards
}

/// The dir's manifest and its `[shard]` table, when its `run.toml` has one.
fn shard_manifest(d: &DirInput) -> Option<(Manifest, ManifestShard)> {
    let path = d
        .files
        .iter()
        .find(|f| f.file_name().is_some_and(|n| n == "run.toml"))?;
    let m = Manifest::parse(&read_text(path).ok()?).ok()?;
    let shard = m.shard.clone()?;
    Some((m, shard))
}

/// Every shard 0..N−1 exactly once, one N and one plan hash, run together. A single
/// shard alone is accepted (it is read as what it is: part of a plan).
fn check_set(shards: &[ShardDir]) -> Result<(), String> {
    let Some(first) = shards.first() else {
        return Ok(());
    };
    if shards.len() == 1 {
        return Ok(());
    }
    let name = |s: &ShardDir| s.input.dir.shown().to_string();
    if let Some(other) = shards
        .iter()
        .find(|s| s.shard.plan_hash != first.shard.plan_hash || s.shard.count != first.shard.count)
    {
        return Err(format!(
            "these shard run dirs belong to different sharded runs: {} is shard {}/{} of plan {}, \
             {} is shard {}/{} of plan {}; analyse the dirs of one sharded run together",
            name(first),
            first.shard.index,
            first.shard.count,
            first.shard.plan_hash,
            name(other),
            other.shard.index,
            other.shard.count,
            other.shard.plan_hash
        ));
    }
    if let Some(why) = apart(shards) {
        return Err(why);
    }
    let n = first.shard.count;
    for pair in shards.windows(2) {
        if pair[0].shard.index == pair[1].shard.index {
            return Err(format!(
                "shard {}/{n} is given twice ({} and {}): give each shard's run dir once",
                pair[0].shard.index,
                name(&pair[0]),
                name(&pair[1])
            ));
        }
    }
    let missing: Vec<String> = (0..n)
        .filter(|i| !shards.iter().any(|s| s.shard.index == *i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} {} of plan {} missing: the {} given are only part of the load; give the run \
             dirs of all {n} shards (or one shard alone)",
            if missing.len() == 1 {
                "shard"
            } else {
                "shards"
            },
            missing.join(", "),
            first.shard.plan_hash,
            shards.len()
        ));
    }
    Ok(())
}

/// Reads each shard dir on its own, then adds their merged source to `run`.
pub(super) fn load_shards(
    shards: Vec<ShardDir>,
    opts: &IngestOptions,
    run: &mut Run,
    late: &mut super::LateHashes,
) {
    let Some(first) = shards.first() else {
        return;
    };
    let (n, hash) = (first.shard.count, first.shard.plan_hash.clone());
    let mut sources = Vec::new();
    let mut health = Vec::new();
    let mut cut_short = Vec::new();
    let (mut started, mut ended) = (None::<String>, None::<String>);
    for s in &shards {
        let mut part = Run {
            meta: RunMeta {
                measured: true,
                ..Default::default()
            },
            ..Default::default()
        };
        super::load_dir(&s.input, (false, false, &[]), opts, &mut part, late);
        run.inputs.append(&mut part.inputs);
        run.problems.append(&mut part.problems);
        run.warnings.append(&mut part.warnings);
        run.skipped.append(&mut part.skipped);
        started = min_some(started, s.manifest.started.clone());
        ended = ended.max(s.manifest.ended.clone());
        // The same for every shard (label, target…); complete only if every shard is.
        run.meta.absorb_manifest(&s.manifest);
        health.push(Health::of(s));
        let before = sources.len();
        sources.extend(
            part.sources
                .into_iter()
                .filter(|src| src.tool == "headroom"),
        );
        cut_short.extend(results_cut_short(s, &sources[before..], opts));
    }
    run.meta.started = started;
    run.meta.ended = ended;
    if !cut_short.is_empty() {
        run.meta.complete = Some(false);
        let why = cut_short.join("; ");
        run.meta.incomplete_reason = Some(match run.meta.incomplete_reason.take() {
            Some(r) => format!("{r}; {why}"),
            None => why,
        });
    }
    if shards.len() < n as usize {
        let s = &first.shard;
        run.meta.complete = Some(false);
        run.meta.incomplete_reason = Some(format!(
            "one shard alone ({}/{n} of plan {hash}): the plan's other shards are not included",
            s.index
        ));
    }
    let parts: Vec<SourcePart> = sources.iter().map(SourcePart::of).collect();
    let Some(mut merged) = merge(&sources) else {
        return;
    };
    merged.notes.push(if shards.len() == 1 {
        format!(
            "shard {}/{n} of plan {hash} alone: part of the plan's load",
            first.shard.index
        )
    } else {
        format!(
            "{} shards of plan {hash} merged: users and arrival rates add per stage; intervals \
             aligned on absolute time; latency histograms added exactly",
            shards.len()
        )
    });
    merged.notes.extend(health_notes(&health));
    super::add_source(run, merged);
    if let Some(src) = run.sources.iter_mut().find(|s| s.tool == "headroom") {
        src.parts.pop();
        src.parts.extend(parts);
    }
}

/// Why the shards' loads never ran together, if they did not: their starts lie
/// further apart than the shortest stage lasted (started by hand, or with different
/// `--start-at`), so in that stage no moment held every shard's load and their sum is
/// a load that never hit the target. A smaller spread is the health notes' business.
fn apart(shards: &[ShardDir]) -> Option<String> {
    let started = |s: &ShardDir| s.manifest.started.as_deref().and_then(parse_rfc3339_ms);
    let earliest = shards.iter().min_by_key(|s| started(s))?;
    let latest = shards.iter().max_by_key(|s| started(s))?;
    let spread = started(latest)? - started(earliest)?;
    let shortest = (shards.iter())
        .flat_map(|s| &s.manifest.stages)
        .filter_map(|st| {
            let start = st.start.as_deref().and_then(parse_rfc3339_ms)?;
            Some(st.end.as_deref().and_then(parse_rfc3339_ms)? - start)
        })
        // A stage cut to a sliver (a shard stopped as it began) says nothing of when
        // the loads met.
        .filter(|d| *d as f64 >= LATE_START_MS)
        .min()?;
    if spread < shortest {
        return None;
    }
    let at = |s: &ShardDir| match &s.shard.start_at {
        Some(t) => format!("--start-at {t}"),
        None => "no --start-at".to_string(),
    };
    Some(format!(
        "these shards did not run together: {} (shard {}/{}, {}) started {:.1} s after {} \
         (shard {}/{}, {}), longer than the shortest stage lasted ({:.1} s), so their loads \
         never hit the target at once and their sum is no load that ran. Start every shard \
         with the same --start-at, or analyse each shard's dir alone",
        latest.input.dir.shown(),
        latest.shard.index,
        latest.shard.count,
        at(latest),
        spread as f64 / 1000.0,
        earliest.input.dir.shown(),
        earliest.shard.index,
        earliest.shard.count,
        at(earliest),
        shortest as f64 / 1000.0
    ))
}

/// Why a shard's files hold fewer requests than its `run.toml` says it sent (its
/// `sent` and `dropped`, both recorded), if they do: its `latency.hlog` missing, or
/// cut short by a copy, so part of the plan's load is not in the merge. Only checked
/// on the whole data (no `--from`/`--to` or endpoint filter).
fn results_cut_short(s: &ShardDir, read: &[Source], opts: &IngestOptions) -> Option<String> {
    let sent = s.shard.sent? + s.shard.dropped.unwrap_or(0);
    let held: u64 = read.iter().map(|src| src.overall.requests()).sum();
    let filtered = opts.from_ms.is_some() || opts.to_ms.is_some() || opts.filters_endpoints();
    if held >= sent || (filtered && !read.is_empty()) {
        return None;
    }
    let (i, n, dir) = (s.shard.index, s.shard.count, s.input.dir.shown());
    Some(if read.is_empty() {
        format!(
            "shard {i}/{n} ({dir}) sent {sent} requests but its results (latency.hlog) are \
             missing: copy the whole shard dir"
        )
    } else {
        format!(
            "shard {i}/{n} ({dir}) sent {sent} requests but its files hold {held}: its \
             results are cut short; copy the whole shard dir"
        )
    })
}

fn min_some(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The shards' sources as one: stages matched by name, users and rates summed,
/// measurements merged exactly, interval users summed.
fn merge(sources: &[Source]) -> Option<Source> {
    let (first, rest) = sources.split_first()?;
    // Shards past 1,000 request names group them; every shard's are grouped alike.
    let grouping = sources.iter().map(|s| s.grouping).max()?;
    let mut out = first.clone();
    out.regroup(grouping);
    for src in rest {
        let regrouped;
        let src = if src.grouping < grouping {
            let mut s = src.clone();
            s.regroup(grouping);
            regrouped = s;
            &regrouped
        } else {
            src
        };
        for stage in &src.stages {
            match out.stages.iter_mut().find(|s| s.name == stage.name) {
                Some(mine) => add_stage(mine, stage),
                None => out.stages.push(stage.clone()),
            }
        }
        add_stage(&mut out.overall, &src.overall);
        if out.latency_unit_doubt.is_none() {
            out.latency_unit_doubt.clone_from(&src.latency_unit_doubt);
        }
        if out.clock_unit_doubt.is_none() {
            out.clock_unit_doubt.clone_from(&src.clock_unit_doubt);
        }
        for note in &src.notes {
            if !out.notes.contains(note) {
                out.notes.push(note.clone());
            }
        }
    }
    // Interval users: each shard's count at a time adds (Stage::merge keeps the max).
    for stage in &mut out.stages {
        let parts: Vec<&Stage> = sources
            .iter()
            .filter_map(|s| s.stages.iter().find(|p| p.name == stage.name))
            .collect();
        sum_stage_users(stage, &parts);
    }
    let overalls: Vec<&Stage> = sources.iter().map(|s| &s.overall).collect();
    sum_stage_users(&mut out.overall, &overalls);
    Some(out)
}

/// Adds one shard's stage into the merged one.
fn add_stage(into: &mut Stage, other: &Stage) {
    let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(((a + b) * 1e9).round() / 1e9),
        (a, b) => a.or(b),
    };
    into.users = match (into.users, other.users) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
    into.arrival_rate_rps = add(into.arrival_rate_rps, other.arrival_rate_rps);
    into.spawn_rate = add(into.spawn_rate, other.spawn_rate);
    into.merge(other);
}

fn sum_stage_users(into: &mut Stage, parts: &[&Stage]) {
    sum_users(&mut into.timeline, parts.iter().map(|p| &p.timeline));
    for (key, ep) in &mut into.endpoints {
        sum_users(
            &mut ep.series,
            parts
                .iter()
                .filter_map(|p| p.endpoints.get(key))
                .map(|e| &e.series),
        );
    }
    if let Some(agg) = &mut into.aggregate {
        sum_users(
            &mut agg.series,
            parts
                .iter()
                .filter_map(|p| p.aggregate.as_ref())
                .map(|a| &a.series),
        );
    }
}

/// Sets each interval's users to the sum over `parts` of each part's users in it.
fn sum_users<'a>(into: &mut TimeSeries, parts: impl Iterator<Item = &'a TimeSeries>) {
    into.sum_users(parts);
}

/// One shard's driver health, from its `run.toml` and the `#[driver: …]` lines of
/// its interval log.
struct Health {
    dir: PathBuf,
    shard: ManifestShard,
    lateness_p99_ms: Option<f64>,
    cpu_pct: Option<f64>,
}

impl Health {
    fn of(s: &ShardDir) -> Health {
        let hlog = s
            .input
            .files
            .iter()
            .find(|f| f.file_name().is_some_and(|n| n == "latency.hlog"));
        let (lateness_p99_ms, cpu_pct) = hlog.map_or((None, None), |p| driver_lines(p));
        Health {
            dir: s.input.dir.clone(),
            shard: s.shard.clone(),
            lateness_p99_ms,
            cpu_pct,
        }
    }

    /// Why this shard's generator lagged, if it did.
    fn lag(&self) -> Option<String> {
        let mut why = Vec::new();
        if let Some(l) = self.lateness_p99_ms.filter(|l| *l > LAGGING_LATENESS_MS) {
            why.push(format!(
                "its timers woke up to {l:.0} ms late (p99 of a second)"
            ));
        }
        if let Some(d) = self.shard.dropped.filter(|d| *d > 0) {
            why.push(format!("{d} arrivals were not sent (in-flight cap)"));
        }
        if let Some(o) = self
            .shard
            .start_offset_ms
            .filter(|o| o.abs() > LATE_START_MS)
        {
            why.push(format!("it started {:.1} s after --start-at", o / 1000.0));
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

/// The worst second's timer lateness p99 (ms) and CPU (%) in an interval log.
fn driver_lines(path: &Path) -> (Option<f64>, Option<f64>) {
    let Ok(file) = std::fs::File::open(path) else {
        return (None, None);
    };
    let (mut late, mut cpu) = (None::<f64>, None::<f64>);
    for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
        let Some(body) = line.strip_prefix("#[driver:") else {
            continue;
        };
        for field in body.trim_end_matches(']').split(',') {
            let Some((k, v)) = field.trim().split_once('=') else {
                continue;
            };
            let v: Option<f64> = v.trim_end_matches('%').parse().ok();
            match k {
                "lateness_p99_ms" => late = max_f(late, v),
                "cpu" => cpu = max_f(cpu, v),
                _ => {}
            }
        }
    }
    (late, cpu)
}

fn max_f(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// One note per shard, and one naming the lagging generators.
fn health_notes(health: &[Health]) -> Vec<String> {
    let mut notes: Vec<String> = health
        .iter()
        .map(|h| {
            let s = &h.shard;
            let facts = [
                Some(format!("shard {}/{} ({})", s.index, s.count, h.dir.shown())),
                s.planned_users.map(|u| format!("{u} users planned")),
                s.planned_arrivals.map(|a| format!("{a} arrivals planned")),
                s.sent.map(|n| format!("{n} sent")),
                s.dropped.map(|d| format!("{d} dropped")),
                s.start_offset_ms
                    .map(|o| format!("started {o:+.1} ms after --start-at")),
                h.lateness_p99_ms
                    .map(|l| format!("timer lateness p99 ≤ {l:.1} ms")),
                h.cpu_pct.map(|c| format!("CPU ≤ {c:.0} %")),
            ];
            let parts: Vec<String> = facts.into_iter().flatten().collect();
            parts.join(", ")
        })
        .collect();
    for h in health {
        if let Some(why) = h.lag() {
            notes.push(format!(
                "lagging generator: shard {}/{} ({}): {why}; its requests went out late, so the \
                 merged figures include its own delay: give it more CPU, or use more shards",
                h.shard.index,
                h.shard.count,
                h.dir.shown()
            ));
        }
    }
    notes
}
