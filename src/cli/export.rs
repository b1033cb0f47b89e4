//! `headroom export`: ingest → analyse → write the run's normalised tables (stages,
//! stage × endpoint, interval series, per-request rows) as Parquet, CSV or NDJSON.
//! The small tables come from the analysis; the per-request rows are streamed from
//! the per-request inputs again, batch by batch, so memory stays bounded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use regex::Regex;

use super::common::emitln;
use super::exit::Outcome;
use super::pipeline::run_pipeline;
use crate::analysis::{series_origin_ms, Analysis};
use crate::ingest::request_rows::{replay_requests, request_files, row_facts, RequestFile};
use crate::ingest::{IngestOptions, TimeUnit};
use crate::model::untrusted::printable;
use crate::model::Run;
use crate::render::export::{
    clockless_shifts, endpoints_table, intervals_table, manifest_of, rows_end, stages_table,
    write_table, ExportFormat, ExportedRows, RequestRow, RequestWriter, Table, TableExporter,
};
use crate::render::output::{
    check_out_dir, default_out_dir, write_dir, write_file, OutputDir, OutputError, OutputKind,
};

/// Arguments of `export`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    headroom export results/run-1 --to parquet            # writes results/run-1/export/\n  \
    headroom export results/run-1 --to csv --out run-1-csv/\n  \
    headroom export run.jtl --to ndjson --tables stages,endpoints\n\n\
    Tables (README, \"Export\", lists every column with its unit):\n  \
    stages     one row per stage: window, requests, failures, throughput, latency percentiles\n  \
    endpoints  one row per stage × endpoint: counts, failures by kind, percentiles, histogram\n  \
    intervals  one row per interval of each stage's and each stage × endpoint's series\n  \
    requests   one row per request, from the per-request inputs (JTL, k6 CSV/JSON, generic CSV…)\n\n\
    --to csv also writes run.toml (the stages and their windows): `headroom analyze OUT` \
    reads the export back to the same figures.")]
pub struct ExportArgs {
    /// Run dirs (or single result files), as `analyze` reads them.
    #[arg(required = true, value_name = "RUN_DIR")]
    pub paths: Vec<PathBuf>,
    /// Format of the tables (parquet needs the Cargo feature `parquet`).
    #[arg(long = "to", value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,
    /// Where to write the tables (default RUN_DIR/export/ for one dir, or
    /// RUN_DIR/headroom-export/ when export/ is not headroom's; ./headroom-export/
    /// otherwise). An existing dir is replaced only when headroom wrote it or it is
    /// empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Move an existing --out that headroom did not write aside to a hidden
    /// `.NAME.old-TIMESTAMP` sibling (nothing is deleted) instead of refusing it.
    #[arg(long)]
    pub force: bool,
    /// Which tables to write, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "TABLES",
        default_value = "stages,endpoints,intervals,requests"
    )]
    pub tables: Vec<Table>,
    /// Keep only endpoints whose `METHOD name` matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub include: Option<Regex>,
    /// Leave out endpoints whose `METHOD name` matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub exclude: Option<Regex>,
    /// IDs, UUIDs and numbers in URL paths become placeholders (`/agents/{id}`).
    #[arg(long)]
    pub normalize_labels: bool,
    /// Unit of `.hlog` values (ns, us, ms, s); default: the log's `#[unit: …]` comment,
    /// else ns (jHiccup's). Given, it wins over the comment, with a warning when they
    /// differ.
    #[arg(long, value_name = "UNIT")]
    pub hlog_unit: Option<TimeUnit>,
    /// Report input problems as warnings and exit 0.
    #[arg(long)]
    pub lenient: bool,
}

impl ExportArgs {
    /// The output dir: `--out`, else `RUN_DIR/export/` for one dir, else
    /// `./headroom-export/`; checked against the inputs and what is there now.
    fn out_dir(&self) -> Result<OutputDir, OutputError> {
        let path = match (&self.out, self.paths.as_slice()) {
            (Some(o), _) => o.clone(),
            (None, [one]) if one.is_dir() => default_out_dir(
                one.join("export"),
                one.join("headroom-export"),
                OutputKind::Export,
            ),
            (None, _) => PathBuf::from("headroom-export"),
        };
        check_out_dir(&path, OutputKind::Export, &self.paths, self.force)
    }

    fn ingest_options(&self) -> IngestOptions {
        IngestOptions {
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            hlog_unit: self.hlog_unit,
            lenient: self.lenient,
            normalize_labels: self.normalize_labels,
            progress: true,
            ..Default::default()
        }
    }
}

/// Runs `export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<Outcome> {
    // What cannot work is said before a long ingest: a format this build lacks, a
    // missing input, an --out that may not be written.
    let exporter = match args.to.exporter() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    if let Some(p) = args.paths.iter().find(|p| !p.exists()) {
        eprintln!(
            "error: {}: no such file or directory",
            crate::model::untrusted::printable_path(p)
        );
        return Ok(Outcome::BadInput);
    }
    let out = match args.out_dir() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            return Ok(Outcome::BadInput);
        }
    };
    let opts = args.ingest_options();
    let Ok((run, analysis)) = run_pipeline(&args.paths, &opts, None) else {
        return Ok(Outcome::BadInput);
    };
    let job = Job {
        run: &run,
        analysis: &analysis,
        opts: &opts,
        exporter: exporter.as_ref(),
        format: args.to,
    };
    let counts = write_dir::<_, anyhow::Error>(&out, |dir| job.write(dir, &args.tables))?;
    let mut summary: Vec<String> = counts
        .iter()
        .map(|(t, n)| format!("{n} {}", t.name()))
        .collect();
    if summary.is_empty() {
        // `--tables requests` of a run measured by summaries alone: say so, not "→".
        summary.push(
            "no table (the tables asked for have no rows here; --tables stages,endpoints,\
             intervals holds the run's figures)"
                .into(),
        );
    }
    emitln(format_args!(
        "export: {} → {}",
        summary.join(", "),
        out.path.display()
    ))?;
    Ok(if run.problems.is_empty() || opts.lenient {
        Outcome::Ok
    } else {
        Outcome::BadInput
    })
}

/// Everything one export needs.
struct Job<'a> {
    run: &'a Run,
    analysis: &'a Analysis,
    opts: &'a IngestOptions,
    exporter: &'a dyn TableExporter,
    format: ExportFormat,
}

impl Job<'_> {
    /// Writes the tables asked for into `dir`; returns each table's row count.
    fn write(&self, dir: &Path, tables: &[Table]) -> anyhow::Result<Vec<(Table, u64)>> {
        let mut wanted = tables.to_vec();
        wanted.sort();
        wanted.dedup();
        // Each stage's series times count from its origin (the run's start, or the
        // stage's own series' start when the source has no whole-run window).
        let origins: BTreeMap<String, i64> = (self.run.primary().into_iter())
            .flat_map(|src| {
                (src.stages.iter())
                    .filter_map(move |s| Some((s.name.clone(), series_origin_ms(src, s)?)))
            })
            .collect();
        let mut counts = Vec::new();
        // The requests first: the stages table says which stages they cover.
        let log = match self.format {
            ExportFormat::Csv => self.driver_log_carried()?,
            _ => None,
        };
        let windows: Vec<(String, (i64, i64))> = (self.run.primary().into_iter())
            .flat_map(|src| src.stages.iter())
            .filter_map(|s| s.window_ms.map(|w| (s.name.clone(), w)))
            .collect();
        note_clockless(&windows);
        let mut rows = ExportedRows {
            shift_ms: clockless_shifts(&windows),
            written: wanted.contains(&Table::Requests),
            // The log stands for every stage only when the driver is the one source.
            interval_log: log.is_some() && self.run.sources.len() == 1,
            ..ExportedRows::default()
        };
        let requests = match rows.written {
            true => self.write_requests(dir, &mut rows)?,
            false => None,
        };
        if requests.is_some() && log.is_none() {
            self.note_stages_without_rows(&rows);
            self.note_transactions_without_rows();
        }
        for table in wanted {
            let batch = match table {
                Table::Stages => stages_table(self.analysis, Some(&rows)),
                Table::Endpoints => endpoints_table(self.analysis),
                Table::Intervals => intervals_table(self.analysis, &origins, &rows.shift_ms),
                Table::Requests => {
                    counts.extend(requests.map(|n| (table, n)));
                    continue;
                }
            };
            write_table(self.exporter, self.format, dir, table, &batch)?;
            counts.push((table, batch.rows() as u64));
        }
        if self.format == ExportFormat::Csv {
            let toml = manifest_of(self.run, &rows).to_toml();
            write_file(&dir.join("run.toml"), toml.as_bytes(), &[])?;
            if let Some(bytes) = log {
                write_file(&dir.join("latency.hlog"), &bytes, &[])?;
            }
        }
        Ok(counts)
    }

    /// The interval log of a `drive` run dir, which its CSV export carries: the run
    /// counts each request in the stage whose window it completed in (the log's
    /// intervals), while `requests.csv` rows are read back by their start, and a run
    /// without `--raw` has no rows at all. With the log, `analyze` of the export reads
    /// it, as it does the run dir (the rows are its detail), to the same stages,
    /// counts and percentiles. Drive runs given as stage dirs (`c10/`, `c40/`) each
    /// have a log: the export carries them as one (`hlog::merge_logs`, each interval
    /// at its clock time, in the stage whose window holds it, as in its run dir).
    /// Not with endpoint filters, which the log cannot apply: then the rows are read
    /// back, by their start (a note says so), and a run without rows reads back as
    /// summaries only.
    fn driver_log_carried(&self) -> anyhow::Result<Option<Vec<u8>>> {
        let logs = driver_logs(self.run);
        if logs.is_empty() {
            return Ok(None);
        }
        let o = self.opts;
        if o.include.is_some() || o.exclude.is_some() || o.normalize_labels {
            if !driver_rows(self.run) {
                // No rows to read back instead: the stages are summaries only, and
                // the export's note on them says so.
                return Ok(None);
            }
            eprintln!(
                "note: the interval log of this drive run is not carried into the export \
                 (--include, --exclude and --normalize-labels are not applied to it): \
                 `headroom analyze` of the export reads requests.csv, which puts each \
                 request in the stage it started in, where the run counts it where it \
                 completed, so stage counts may differ by the requests in flight at each \
                 stage's edge"
            );
            return Ok(None);
        }
        if let [log] = logs.as_slice() {
            return Ok(Some(std::fs::read(log)?));
        }
        let texts = (logs.iter())
            .map(std::fs::read_to_string)
            .collect::<Result<Vec<_>, _>>()?;
        match crate::hlog::merge_logs(&texts) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(why) => {
                if driver_rows(self.run) {
                    eprintln!(
                        "note: the {} interval logs of these drive runs are not carried into \
                         the export ({}): `headroom analyze` of the export reads \
                         requests.csv, which puts each request in the stage it started in, \
                         where the run counts it where it completed, so stage counts and \
                         figures may differ by the requests in flight at each stage's edge; \
                         the stages and endpoints tables hold the run's own figures",
                        logs.len(),
                        printable(&why)
                    );
                }
                Ok(None)
            }
        }
    }

    /// Says which stages with requests got no row in the `requests` table: a tool's
    /// summary measured them (wrk, hey's text, ab's console), so their figures are in
    /// the `stages` and `endpoints` tables only, and a CSV export read back by
    /// `analyze` has none of their requests.
    fn note_stages_without_rows(&self, rows: &ExportedRows) {
        let Some(src) = self.run.primary() else {
            return;
        };
        let missing: Vec<String> = (src.stages.iter())
            .filter(|s| s.requests() > 0 && !rows.spans.contains_key(&s.name))
            // Stage names come from dir names and files: controls escaped.
            .map(|s| format!("{} ({} requests)", s.name.escape_debug(), s.requests()))
            .collect();
        if missing.is_empty() {
            return;
        }
        let back = match self.format {
            ExportFormat::Csv => {
                "; `headroom analyze` of this export reads back per-request rows only, so \
                 these stages read back empty (run.toml's stage description and the \
                 stages table's per_request_rows = false say so)"
            }
            _ => "",
        };
        eprintln!(
            "note: no per-request rows for stage(s) {}: a tool's summary measured them, and \
             their figures are in the stages and endpoints tables only{back}",
            printable(&missing.join(", "))
        );
    }

    /// Says which endpoints are JMeter transaction controllers' rows: aggregates of
    /// other samples, kept in the endpoints table (`transaction` true) but not among
    /// the requests (they would count their samples twice), so a CSV export read back
    /// by `analyze` has no such endpoint and an SLA rule naming one judges nothing.
    fn note_transactions_without_rows(&self) {
        let Some(src) = self.run.primary() else {
            return;
        };
        let mut names: Vec<String> = (src.stages.iter())
            .flat_map(|s| s.endpoints.values())
            .filter(|e| e.transaction && e.requests > 0)
            .map(|e| e.key.to_string().escape_debug().to_string())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return;
        }
        let back = match self.format {
            ExportFormat::Csv => {
                "; `headroom analyze` of this export reads back the samples alone, without \
                 these endpoints: analyse the original run dir to judge them"
            }
            _ => "",
        };
        eprintln!(
            "note: transaction controller endpoint(s) {} are in the endpoints table only \
             (transaction = true), not in the requests table: each aggregates samples the \
             requests table already holds{back}",
            printable(&names.join(", "))
        );
    }

    /// Streams every per-request input into the `requests` table, noting in `rows`
    /// what the manifest must say of them; `None` (and a note) when the inputs have no
    /// per-request rows.
    fn write_requests(&self, dir: &Path, rows: &mut ExportedRows) -> anyhow::Result<Option<u64>> {
        let files = request_files(self.run);
        if files.is_empty() {
            eprintln!(
                "note: no requests table: the inputs hold no per-request rows (only summaries \
                 or interval histograms)"
            );
            return Ok(None);
        }
        let path = dir.join(Table::Requests.file_name(self.format));
        let mut writer = RequestWriter::create(self.exporter, &path)?;
        for file in &files {
            self.stream_file(file, &mut writer, rows)?;
        }
        Ok(Some(writer.finish()?))
    }

    /// One file's requests into the table, each with the stage whose window holds it
    /// (the stages' spans, and whether the file says which requests failed, in `rows`).
    fn stream_file(
        &self,
        file: &RequestFile,
        writer: &mut RequestWriter,
        rows: &mut ExportedRows,
    ) -> anyhow::Result<()> {
        // The tool's stages: its source's, or its own among stages of several tools.
        let stages: Vec<&crate::model::Stage> = (self.run.sources.iter())
            .flat_map(|s| s.stages.iter().map(move |st| (s, st)))
            .filter(|(s, st)| st.tool.as_deref().unwrap_or(&s.tool) == file.tool)
            .map(|(_, st)| st)
            .collect();
        // A stage dir's file holds that stage's requests: only its window is looked
        // in (stage dirs each timed from their own start overlap in time), and its
        // rows move as the stage does (`ExportedRows::shift_ms`).
        let own = dir_stage(&file.path, &stages, true);
        // The stage a stage dir's file holds, timed or not: moved past the stages
        // exported before it when their times overlap.
        // (or, among several runs in one dir, the stage read with the file).
        let by_dir = (own.or_else(|| dir_stage(&file.path, &stages, false)))
            .or_else(|| read_with(&file.path, &stages));
        if let Some(s) = by_dir {
            self.settle_overlap(file, s, &stages, rows);
        }
        let shift = by_dir
            .and_then(|s| rows.shift_ms.get(&s.name))
            .map_or(0, |v| *v);
        let stages = match own {
            Some(s) => vec![s],
            None => stages,
        };
        let untimed = match stages.as_slice() {
            [one] if one.window_ms.is_none() => Some(one.name.as_str()),
            // Stages without windows (a summary's whole-run stage), one per stage dir:
            // the one the file's dir names.
            _ => (dir_stage(&file.path, &stages, false))
                .or_else(|| read_with(&file.path, &stages))
                .map(|s| s.name.as_str()),
        };
        // The driver counts a request in the interval it completed in (see
        // `carry_driver_log`): its rows are staged by their end, as the run is.
        let by_end = file.tool == "headroom";
        let facts = row_facts(file, self.opts);
        // Rows that name no endpoint (ab's `-g`) are their stage's one endpoint, named
        // as the `endpoints` table names it (ab's console: the URL).
        let sole_endpoint = |name: &str| {
            let st = stages.iter().find(|s| s.name == name)?;
            let mut keys = (st.endpoints.values()).filter(|e| !e.transaction);
            match (keys.next(), keys.next()) {
                (Some(one), None) => Some(&one.key),
                _ => None,
            }
        };
        let spans = &mut rows.spans;
        let mut failed = None;
        let replayed = replay_requests(file, self.opts, &mut |ev| {
            if failed.is_some() {
                return;
            }
            let at = match (by_end, ev.latency_ms) {
                (true, Some(l)) if l.is_finite() && l >= 0.0 => ev.t_ms + l.floor() as i64,
                _ => ev.t_ms,
            };
            let stage = stages
                .iter()
                .find(|s| s.contains(at))
                .map(|s| s.name.as_str())
                .or(untimed);
            let t_ms = ev.t_ms + shift;
            let named = (!facts.names_endpoints)
                .then(|| stage.and_then(sole_endpoint))
                .flatten();
            if let Some(name) = stage {
                let span = spans.entry(name.to_string()).or_insert((t_ms, t_ms));
                *span = (span.0.min(t_ms), span.1.max(t_ms));
            }
            let row = RequestRow {
                t_ms,
                stage,
                source: &file.tool,
                method: named.map_or(ev.method, |k| k.method.as_deref()),
                endpoint: named.map_or(ev.name, |k| k.name.as_str()),
                latency_ms: ev.latency_ms,
                ok: facts.sees_outcomes.then_some(ev.ok),
                failure: ev.failure,
                error: ev.error,
                bytes: ev.bytes,
                users: ev.users,
            };
            if let Err(e) = writer.push(&row) {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        // The analysis already said what stopped this file's reading.
        if let Ok(false) = replayed {
            rows.outcomes_unseen = true;
        }
        Ok(())
    }
}

impl Job<'_> {
    /// Moves `stage`'s rows (its stage dir's `file`, the first of the dir's files seen)
    /// past the stages exported before it when their times overlap, in
    /// `rows.shift_ms`: `analyze` of a CSV export puts each row in the stage whose
    /// window holds its time, and ab's `-g` times are whole seconds, so a stage dir
    /// run in the second another ended would share that second with it and read back
    /// partly into the other stage. Stages timed each from its own start are already
    /// laid end to end (`clockless_shifts`) and do not overlap; a real clock's stages
    /// move by the overlap alone (a note says by how much).
    fn settle_overlap(
        &self,
        file: &RequestFile,
        stage: &crate::model::Stage,
        stages: &[&crate::model::Stage],
        rows: &mut ExportedRows,
    ) {
        if !rows.settled.insert(stage.name.clone()) {
            return;
        }
        let end_of = |name: &str, span: (i64, i64)| {
            (stages.iter())
                .find(|s| s.name == name)
                .map_or(span.1 + 1, |s| rows_end(s, span))
        };
        let others: Vec<(i64, i64)> = (rows.spans.iter())
            .filter(|(name, _)| **name != stage.name)
            .map(|(name, &span)| (span.0, end_of(name, span)))
            .collect();
        if others.is_empty() {
            return;
        }
        let shift = rows.shift_ms.get(&stage.name).copied().unwrap_or(0);
        let mut span: Option<(i64, i64)> = None;
        // The analysis already said what stopped this file's reading.
        let _ = replay_requests(file, self.opts, &mut |ev| {
            if stage.window_ms.is_none() || stage.contains(ev.t_ms) {
                let t = ev.t_ms + shift;
                span = Some(span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
        });
        let Some((first, last)) = span else {
            return;
        };
        let end = rows_end(stage, (first, last));
        if !(others.iter()).any(|&(a, b)| first < b && a < end) {
            return;
        }
        let cursor = (others.iter()).map(|o| o.1).max().unwrap_or(first);
        let by = (cursor - first).max(0);
        *rows.shift_ms.entry(stage.name.clone()).or_insert(0) += by;
        eprintln!(
            "note: stage {}'s requests are {by} ms later in the export than in {}: their \
             times overlap a stage exported before them, and `headroom analyze` of the \
             export puts each row in the stage whose window holds its time",
            printable(&stage.name.escape_debug().to_string()),
            printable(&file.path.display().to_string()),
        );
    }
}

/// The interval logs of `drive` run dirs (their source `headroom`, the `.hlog` files
/// read), when the run is one: beside the driver's rows, or without them when the
/// driver is the run's one source (a log is then all the export's stages need). The
/// export carries one: several (drive runs as stage dirs) are not carried.
fn driver_logs(run: &Run) -> Vec<PathBuf> {
    let driver = run.sources.iter().any(|s| s.tool == "headroom");
    if !driver || !(driver_rows(run) || run.sources.len() == 1) {
        return Vec::new();
    }
    (run.inputs.iter())
        .filter(|i| i.format == "hdr-log" && !run.skipped.iter().any(|s| s.path == i.path))
        .map(|i| i.path.clone())
        .collect()
}

/// True when the run has the driver's per-request rows (`drive --raw`): the only
/// ones `request_files` names `headroom`.
fn driver_rows(run: &Run) -> bool {
    request_files(run).iter().any(|f| f.tool == "headroom")
}

/// The stage without a window read with `file` ([`crate::model::Stage::rows_from`]:
/// ab's `-g` file with its console, among several ab runs in one dir).
fn read_with<'s>(
    file: &Path,
    stages: &[&'s crate::model::Stage],
) -> Option<&'s crate::model::Stage> {
    (stages.iter().copied())
        .find(|s| s.window_ms.is_none() && s.rows_from.iter().any(|p| p == file))
}

/// The stage a file's dir names, among `stages` with (`timed`) or without a window:
/// `01_baseline_20users/ab.tsv` and `01-baseline/hey.csv` → `baseline`, a rerun's
/// `05_smoke_2users` → `05_smoke`, else the dir's whole name (a stage dir named after
/// its stage alone); the first of these a stage has (see `stage_dir_names`).
fn dir_stage<'s>(
    file: &Path,
    stages: &[&'s crate::model::Stage],
    timed: bool,
) -> Option<&'s crate::model::Stage> {
    let dir = file.parent()?.file_name()?.to_str()?;
    (crate::ingest::stage_dir_names(dir).iter()).find_map(|name| {
        (stages.iter().copied()).find(|s| s.window_ms.is_some() == timed && s.name == *name)
    })
}

/// Says on stderr that the exported times are no Unix epoch when every stage's window
/// (`windows`) is an offset from its test's own start (hey's CSV has no clock): the
/// tables' `timestamp_ms`, `start_ms`, `end_ms` and times are then ms since the test
/// began, written from 1970-01-01, in every format alike.
fn note_clockless(windows: &[(String, (i64, i64))]) {
    if windows.is_empty() || windows.iter().any(|(_, w)| crate::model::on_the_clock(w.0)) {
        return;
    }
    eprintln!(
        "note: the inputs carry no clock times (hey's CSV times each request from its \
         test's start): timestamp_ms, start_ms, end_ms and the stages' start/end are ms \
         since the test began (written from 1970-01-01T00:00:00Z), not Unix epoch ms; \
         add the run's start to them to place them in time"
    );
}
