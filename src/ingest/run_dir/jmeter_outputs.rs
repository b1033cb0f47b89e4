//! JMeter's other outputs beside its JTL: the HTML dashboard's `statistics.json` and
//! the non-GUI console or `jmeter.log`. Per-request beats summary: when a JTL is in the
//! dir it is the source, and the others are set aside before the dir is read, then
//! checked against what the dir's JTL gave and skipped (never counted twice). Without a
//! JTL, the dashboard is the source and the console is checked against it; a console
//! alone is read as a summary.
//!
//! * The dashboard is the same run when every label's samples and errors are the
//!   JTL's (sub-result rows, `label-N`, which the JTL leaves out, aside); otherwise it
//!   was made from another run (or another JTL), which the skip says, as other data.
//! * The console's last `summary =` line must count the JTL's samples and errors (with
//!   its Transaction Controllers' rows, which JMeter 2.13's summariser counts too; the
//!   runs of a console appended over several runs added, their rows appended to the
//!   same JTL, and a `jmeter.log` of the last of them is that run's); a
//!   console with no end line (`Tidying up …`, `... end of run`) is of a run that was
//!   interrupted or is still running, which makes the run incomplete whatever the
//!   counts.
//! * Several CSV JTLs are one engine's listeners or several engines
//!   (`jmeter::listeners`): a listener's copy is skipped, each engine read as a source
//!   of its own so that the engines' users add when the sources merge.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Format, IngestOptions};
use crate::ingest::jmeter::csv::sub_result_label;
use crate::ingest::jmeter::{dashboard, listeners, summariser};
use crate::model::{Run, SkipKind, Skipped};

/// The dir's JMeter dashboards and consoles set aside, and how many parts the JMeter
/// source had before the dir was read.
pub(super) struct Pending {
    dashboards: Vec<PathBuf>,
    consoles: Vec<PathBuf>,
    parts_before: usize,
    /// True when a JTL is the source (else the dashboard is).
    jtl: bool,
    /// The dir's XML JTLs.
    xml: Vec<PathBuf>,
    /// Smoke tests set apart, JTL and console (`jmeter_smoke`), and a note on each.
    smoke: (Vec<Skipped>, Vec<String>),
}

/// What the files checked against hold: samples and errors per label, and in all.
struct Measured {
    what: &'static str,
    labels: BTreeMap<String, (u64, u64)>,
    /// Labels the source holds as Transaction Controllers (outside its totals).
    transactions: std::collections::BTreeSet<String>,
    /// The Transaction Controllers' own samples and errors, when the source is this
    /// dir's alone (a summariser that does not ignore them counts them too).
    transaction_totals: Option<(u64, u64)>,
    /// The one XML JTL's top-level samples and errors, when it has parent samples (a
    /// summariser counts a parent as one sample, its children as none).
    top_level: Option<(u64, u64)>,
    samples: u64,
    errors: u64,
}

/// A dir's CSV JTLs as engines to read one by one, and what the JMeter source held
/// before them ([`engines`], [`engines_read`]).
struct Engines {
    groups: Vec<Vec<PathBuf>>,
    notes: Vec<String>,
    stages_before: usize,
}

/// The dir's per-request `files` of `format` as the sources to read: one, unless they
/// are CSV JTLs of several engines (one each); listeners' copies skipped.
fn engines(format: Format, files: Vec<PathBuf>, run: &mut Run) -> Engines {
    let jmeter = run.sources.iter().find(|s| s.tool == "jmeter");
    let stages_before = jmeter.map_or(0, |s| s.stages.len());
    if format != Format::JmeterCsv {
        return Engines {
            groups: vec![files],
            notes: Vec::new(),
            stages_before,
        };
    }
    let mut notes = super::jtl_zone::find(&files);
    let grouping = listeners::group(&files);
    for (copy, of) in &grouping.copies {
        let why = listeners::copy_reason(of);
        run.skipped
            .push(Skipped::new(copy.clone(), why, SkipKind::SameData));
    }
    notes.extend(grouping.note());
    Engines {
        notes,
        groups: grouping.engines,
        stages_before,
    }
}

/// Reads the dir's per-request `files` of `format` with `read`, one engine at a time
/// ([`engines`], then [`engines_read`]).
pub(super) fn read_engines(
    format: Format,
    files: Vec<PathBuf>,
    run: &mut Run,
    mut read: impl FnMut(Vec<PathBuf>, &mut Run),
) {
    let e = engines(format, files, run);
    for files in e.groups.clone() {
        read(files, run);
    }
    engines_read(e, run);
}

/// After the engines of [`engines`] are read: their stages at the same time are one
/// stage at their users added (engines at other thread counts make stages named after
/// each one's users, which merging sources by name leaves apart), and the note says
/// how the files were taken.
fn engines_read(e: Engines, run: &mut Run) {
    let Some(source) = run.sources.iter_mut().find(|s| s.tool == "jmeter") else {
        return;
    };
    source.notes.extend(e.notes);
    if e.groups.len() > 1 {
        merge_alongside(&mut source.stages, e.stages_before);
    }
    if let Some((jtl, why)) = super::jtl_zone::misaligned(&source.stages) {
        let warning = crate::ingest::problem(&jtl, None, why);
        if !run.warnings.contains(&warning) {
            run.warnings.push(warning);
        }
    }
}

/// Merges the stages from `from` on that ran at the same time (see [`alongside`]).
fn merge_alongside(stages: &mut Vec<crate::model::Stage>, from: usize) {
    let mut i = from;
    while i < stages.len() {
        let mut j = i + 1;
        while j < stages.len() {
            if alongside(&stages[i], &stages[j]) {
                let other = stages.remove(j);
                super::stage_dirs::merge_generator(&mut stages[i], other);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
}

/// True when two engines' stages of measured users ran at the same time (they overlap
/// for more than half of the shorter one).
fn alongside(a: &crate::model::Stage, b: &crate::model::Stage) -> bool {
    let own = super::stage_dirs::generators_own_users;
    let (Some(x), Some(y)) = (a.window_ms, b.window_ms) else {
        return false;
    };
    let overlap = x.1.min(y.1) - x.0.max(y.0);
    let shorter = (x.1 - x.0).min(y.1 - y.0);
    own(a) && own(b) && overlap > 0 && 2 * overlap > shorter
}

/// Takes the dashboards and consoles out of `by_format` when something else of the
/// dir is the source (a JTL; for a console, a dashboard too).
pub(super) fn set_aside(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &Run) -> Pending {
    let jtl =
        by_format.contains_key(&Format::JmeterCsv) || by_format.contains_key(&Format::JmeterXml);
    let dashboards = if jtl {
        by_format
            .remove(&Format::JmeterDashboard)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let has_dashboard = by_format.contains_key(&Format::JmeterDashboard);
    let mut consoles = by_format
        .remove(&Format::JmeterSummariser)
        .unwrap_or_default();
    let smoke = match by_format.get_mut(&Format::JmeterCsv) {
        Some(jtls) => super::jmeter_smoke::set_apart(jtls, &mut consoles),
        None => (Vec::new(), Vec::new()),
    };
    if !jtl && !has_dashboard {
        // Read as summaries, those with summariser lines (a GUI session's jmeter.log has
        // none: it is skipped, as no result).
        let (read, none): (Vec<PathBuf>, Vec<PathBuf>) = consoles
            .into_iter()
            .partition(|f| summariser::scan(f).is_ok_and(|s| s.total.is_some()));
        if !read.is_empty() {
            by_format.insert(Format::JmeterSummariser, read);
        }
        consoles = none;
    }
    Pending {
        dashboards,
        consoles,
        parts_before: jmeter_parts(run),
        jtl,
        xml: by_format
            .get(&Format::JmeterXml)
            .cloned()
            .unwrap_or_default(),
        smoke,
    }
}

fn jmeter_parts(run: &Run) -> usize {
    run.sources
        .iter()
        .find(|s| s.tool == "jmeter")
        .map_or(0, |s| s.parts.len())
}

/// Checks each set-aside file against what the dir's JMeter source holds, and lists
/// it as skipped.
pub(super) fn check(mut pending: Pending, opts: &IngestOptions, run: &mut Run) {
    run.skipped.append(&mut pending.smoke.0);
    run.arbitration.append(&mut pending.smoke.1);
    if pending.dashboards.is_empty() && pending.consoles.is_empty() {
        return;
    }
    if !pending.jtl && pending.parts_before == jmeter_parts(run) {
        // Nothing of JMeter was read here: the consoles left are logs without figures.
        for file in pending.consoles {
            run.skipped.push(Skipped::not_result(
                file,
                "JMeter's console or log without summariser lines (`summary = …`): no figures \
                 in it; analyse the JTL it wrote (-l results.jtl)",
            ));
        }
        return;
    }
    let measured = measured(&pending, run);
    let filtered = opts.filters_endpoints() || opts.from_ms.is_some() || opts.to_ms.is_some();
    for file in pending.dashboards {
        let (kind, why) = match (&measured, dashboard::rows(&file)) {
            (_, Err(p)) => (
                SkipKind::OtherData,
                format!("a JMeter dashboard that cannot be read: {}", p.reason),
            ),
            (None, _) => (
                SkipKind::OtherData,
                "a JMeter dashboard beside a JTL that gave no samples".into(),
            ),
            (Some(m), Ok(rows)) => judge_dashboard(m, &rows, filtered),
        };
        run.skipped.push(Skipped::new(file, why, kind));
    }
    let engines = engines_consoles(&pending.consoles, measured.as_ref());
    let appended = appended_runs(&pending.consoles, measured.as_ref());
    for file in pending.consoles {
        let scanned = summariser::scan(&file);
        if let Ok(s) = &scanned {
            if !s.ended && run.meta.complete != Some(false) {
                run.meta.complete = Some(false);
                run.meta.incomplete_reason = Some(summariser::not_ended(&file));
            }
        }
        let (kind, why) = match (&measured, scanned) {
            (_, Err(p)) => (
                SkipKind::OtherData,
                format!("JMeter's output that cannot be read: {}", p.reason),
            ),
            (_, Ok(s)) if s.total.is_none() => (
                SkipKind::NotResult,
                "JMeter's console or log without summariser lines: nothing to check".into(),
            ),
            (None, Ok(_)) => (
                SkipKind::OtherData,
                "JMeter's output beside results that gave no samples".into(),
            ),
            (Some(_), Ok(_)) if engines.is_some() => {
                (SkipKind::SameData, engines.clone().unwrap_or_default())
            }
            (Some(m), Ok(s)) => judge_console(m, &s, filtered, &appended),
        };
        run.skipped.push(Skipped::new(file, why, kind));
    }
}

/// Why each of several consoles is one engine's of the run read (`engine1.jtl` and
/// `engine2.jtl` each with its JMeter's console): their last totals add up to the
/// samples and errors read, where each alone holds only its engine's part; `None`
/// otherwise.
fn engines_consoles(consoles: &[PathBuf], m: Option<&Measured>) -> Option<String> {
    let m = m?;
    let totals: Vec<_> = (consoles.iter())
        .map(|c| Some(summariser::scan(c).ok()?.total?.0))
        .collect::<Option<_>>()?;
    let samples: u64 = totals.iter().map(|t| t.samples).sum();
    let errors: u64 = totals.iter().map(|t| t.errors).sum();
    (totals.len() > 1 && (samples, errors) == (m.samples, m.errors)).then(|| {
        format!(
            "JMeter's console of one of {} engines of the same run as {}: their summarisers' \
             last totals add up to its {samples} samples and {errors} errors",
            totals.len(),
            m.what
        )
    })
}

/// What the dir's JMeter source read (its parts added by this dir).
fn measured(pending: &Pending, run: &Run) -> Option<Measured> {
    let src = run.sources.iter().find(|s| s.tool == "jmeter")?;
    let parts = src.parts.get(pending.parts_before..)?;
    if parts.is_empty() {
        return None;
    }
    let mut m = Measured {
        what: if pending.jtl {
            "the JTL"
        } else {
            "the dashboard"
        },
        labels: BTreeMap::new(),
        transactions: (src.overall.endpoints.values())
            .filter(|e| e.transaction)
            .map(|e| e.key.name.clone())
            .collect(),
        transaction_totals: (pending.parts_before == 0).then(|| {
            (src.overall.endpoints.values())
                .filter(|e| e.transaction)
                .fold((0, 0), |(n, f), e| (n + e.requests, f + e.failures))
        }),
        top_level: None,
        samples: 0,
        errors: 0,
    };
    for part in parts {
        m.samples += part.requests;
        m.errors += part.failures;
        for (key, n, f) in &part.endpoints {
            let e = m.labels.entry(key.name.clone()).or_default();
            e.0 += n;
            e.1 += f;
        }
    }
    let parents = m.transaction_totals.is_some_and(|(tn, _)| tn > 0);
    if let ([xml], true) = (&pending.xml[..], parents) {
        m.top_level = crate::ingest::jmeter::xml::top_level_totals(xml);
    }
    Some(m)
}

fn judge_dashboard(m: &Measured, rows: &[dashboard::Row], filtered: bool) -> (SkipKind, String) {
    if filtered {
        return (
            SkipKind::SameData,
            format!(
                "JMeter's dashboard summary, not checked against {} since --include/--exclude or \
                 --from/--to leave samples out of its figures; the JTL is read",
                m.what
            ),
        );
    }
    let mut differ = Vec::new();
    for row in rows.iter().filter(|r| r.label != "Total") {
        match m.labels.get(&row.label) {
            Some(&(n, f)) if (n, f) == (row.count, row.errors) => {}
            // Rows the JTL leaves out of its requests: sub-results, Transaction
            // Controllers (their samples are checked under their own labels).
            None if sub_result_label(row.label.as_bytes()) => {}
            _ if m.transactions.contains(&row.label) => {}
            got => differ.push(format!(
                "`{}`: {} samples ({} errors) in the dashboard, {} in {}",
                row.label,
                row.count,
                row.errors,
                got.map_or("none".into(), |(n, f)| format!("{n} ({f} errors)")),
                m.what
            )),
        }
    }
    let shown: usize = rows.iter().filter(|r| r.label != "Total").count();
    let missing = m
        .labels
        .keys()
        .filter(|l| !rows.iter().any(|r| &&r.label == l));
    differ.extend(missing.map(|l| format!("`{l}`: in {} but not in the dashboard", m.what)));
    if differ.is_empty() {
        return (
            SkipKind::SameData,
            format!(
                "JMeter's dashboard summary of the same samples as {} ({} labels, each with the \
                 same samples and errors: checked): the JTL's per-request figures are read",
                m.what, shown
            ),
        );
    }
    let total = rows.iter().find(|r| r.label == "Total");
    (
        SkipKind::OtherData,
        format!(
            "JMeter's dashboard disagrees with {} beside it ({}{}): it was made from another \
             run or another JTL, so its figures are not the report's; the JTL is read (give the \
             dashboard's run a dir of its own to see its figures)",
            m.what,
            total.map_or(String::new(), |t| format!(
                "dashboard total {} samples, {} errors; {} {} samples, {} errors; ",
                t.count, t.errors, m.what, m.samples, m.errors
            )),
            differ.into_iter().take(3).collect::<Vec<_>>().join("; ")
        ),
    )
}

/// The consoles holding several runs appended one after another whose last totals
/// add up to what the JTL holds (its rows appended by the same runs): each with its
/// runs' totals.
fn appended_runs(consoles: &[PathBuf], m: Option<&Measured>) -> Vec<(PathBuf, Vec<(u64, u64)>)> {
    let Some(m) = m else {
        return Vec::new();
    };
    (consoles.iter())
        .filter_map(|c| Some((c.clone(), summariser::scan(c).ok()?.runs)))
        .filter(|(_, runs)| {
            let sum = runs.iter().fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1));
            runs.len() > 1 && m.whole().contains(&sum)
        })
        .collect()
}

impl Measured {
    /// The totals a summariser of the same samples may print: the requests and errors
    /// read, and those with the Transaction Controllers' rows added.
    fn whole(&self) -> Vec<(u64, u64)> {
        let mut out = vec![(self.samples, self.errors)];
        if let Some((tn, te)) = self.transaction_totals.filter(|&(tn, _)| tn > 0) {
            out.push((self.samples + tn, self.errors + te));
        }
        out
    }
}

/// Whether a console `s` is of the same samples as the JTL read (`m`); `appended`:
/// the dir's consoles of several runs appended, as [`appended_runs`] found them.
fn judge_console(
    m: &Measured,
    s: &summariser::Summariser,
    filtered: bool,
    appended: &[(PathBuf, Vec<(u64, u64)>)],
) -> (SkipKind, String) {
    let Some((t, line)) = s.total else {
        return (SkipKind::NotResult, "no summariser lines".into());
    };
    let ended = if s.ended {
        "the run ended"
    } else {
        "NO end line: the run was interrupted or is still running, so the report's data is \
         incomplete"
    };
    let (n, e) = (t.samples, t.errors);
    if filtered {
        return (
            SkipKind::SameData,
            format!(
                "JMeter's console or log ({ended}): its totals not checked against {} since \
                 filters leave samples out of its figures",
                m.what
            ),
        );
    }
    let same = (n, e) == (m.samples, m.errors) || (!s.ended && n <= m.samples && e <= m.errors);
    if let Some((_, runs)) = appended.iter().find(|(_, runs)| runs == &s.runs) {
        let sum = runs.iter().fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1));
        return (
            SkipKind::SameData,
            format!(
                "JMeter's console or log of {} runs appended one after another, as {}'s rows \
                 are (one -l file given to each run): their summarisers' last totals add up \
                 to {} samples, {} errors: {}'s requests and errors{}; {ended}",
                runs.len(),
                m.what,
                sum.0,
                sum.1,
                m.what,
                if sum == (m.samples, m.errors) {
                    ""
                } else {
                    " with its Transaction Controllers' rows"
                }
            ),
        );
    }
    if let Some((file, runs)) =
        (appended.iter()).find(|(_, runs)| s.runs.is_empty() && runs.last() == Some(&(n, e)))
    {
        return (
            SkipKind::SameData,
            format!(
                "JMeter's console or log of the last of the {} runs whose rows {} holds \
                 appended ({n} samples, {e} errors; `jmeter -j` writes its log anew each \
                 run), as {} says: every run's total checked there; {ended}",
                runs.len(),
                m.what,
                file.shown()
            ),
        );
    }
    if let Some((tn, te)) = m.transaction_totals.filter(|&(tn, _)| tn > 0) {
        if !same && (n, e) == (m.samples + tn, m.errors + te) {
            return (
                SkipKind::SameData,
                format!(
                    "JMeter's console or log of the same run as {} (its summariser's last \
                     total, line {line}: {n} samples, {e} errors, counts the Transaction \
                     Controllers' {tn} samples and {te} errors too, as a summariser that does \
                     not ignore them does; {} has {} requests and {} errors besides; {ended})",
                    m.what, m.what, m.samples, m.errors
                ),
            );
        }
    }
    if let Some(why) = (!same)
        .then(|| parent_samples(m, (n, e), line, ended))
        .flatten()
    {
        return (SkipKind::SameData, why);
    }
    if same {
        return (
            SkipKind::SameData,
            format!(
                "JMeter's console or log of the same run as {} (its summariser's last total, \
                 line {line}: {n} samples, {e} errors; {} has {} and {}; {ended})",
                m.what, m.what, m.samples, m.errors
            ),
        );
    }
    (
        SkipKind::OtherData,
        format!(
            "JMeter's summariser counted {n} samples, {e} errors (line {line}), where {} beside \
             it holds {} samples, {} errors: the results read are not the whole run the \
             summariser saw (a listener saving only some samples, another run's file, or a \
             JTL cut short), so the report's figures miss some; {ended}",
            m.what, m.samples, m.errors
        ),
    )
}

/// Why a console whose total `(n, e)` is the XML JTL's top-level samples is of the same
/// run: JMeter's summariser counts a "Generate parent sample" controller's parent as
/// one sample and its nested children as none, where the JTL's requests are the
/// children.
fn parent_samples(m: &Measured, (n, e): (u64, u64), line: u64, ended: &str) -> Option<String> {
    (m.top_level? == (n, e)).then(|| {
        format!(
            "JMeter's console or log of the same run as {} (its summariser's last total, line \
             {line}: {n} samples, {e} errors, counts each \"Generate parent sample\" \
             Transaction Controller's parent as one sample, as the JTL's top-level samples \
             are, and its nested children as none; {} has {} requests and {} errors, the \
             children read as the requests; {ended})",
            m.what, m.what, m.samples, m.errors
        )
    })
}
