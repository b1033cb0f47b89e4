//! What stage dirs add up to. Each stage dir is a stage of one run, so when every
//! stage dir's data comes from one tool and the tools differ between dirs
//! (`01_baseline_20users/` by ab, `02_peak_50users/` by wrk), the sources are one run
//! whose stages each keep the tool that measured them (`Stage::tool`), never a choice
//! of one tool that drops the others' stages. Choosing among tools that measured the
//! same requests (`../arbitrate.rs`) is for files of one dir: a stage dir holding two
//! tools that measured nothing else (`01_baseline_2users/{ab.log,wrk.txt}`) keeps its
//! stage, judged on the tool those rules choose, the other listed beside that stage
//! (`Source::beside_stage`); a tool in several dirs beside another, a stage two tools
//! both measured in dirs of their own (generators side by side), or a tool without
//! failure data (its 0 % errors would be made up beside another tool's), keeps that
//! behaviour for the whole run. A tool in several dirs, one stage in each, beside
//! another tool in one of them (hey's smoke check in `smoke/` and again in `load/`
//! beside wrk) is split by dir first (`split_by_dir`): each of its stages is that
//! dir's, kept whoever measured the others. And the users a dir's name
//! gives (`02_peak_40users`) give way to the users its data records (a Locust history's
//! user count, a JTL's threads, k6's VUs), with a warning naming both.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use super::discover::DirInput;
use crate::ingest::stages::StagePlan;
use crate::model::{FailuresUnseen, Run, Source};

/// What one dir added to the run.
pub(super) struct DirRead {
    /// The dir (`dir/PREFIX*` for one of its result sets).
    dir: PathBuf,
    /// What gives the stage its name: "the dir's name", or "the files' prefix".
    named_by: &'static str,
    /// Each tool (source name) that got a part from it, with the names of the stages
    /// that part added.
    tools: Vec<(String, Vec<String>)>,
    /// Where in each of `tools`' sources its stages start: dirs named alike
    /// (`stage_10u/`, `stage_30u/`) each add a stage of the same name.
    starts: Vec<usize>,
    /// The stage and users its name gives, when its name gives users.
    named: Option<(String, u32)>,
}

impl DirRead {
    /// What a dir read with `plan` added, from the sources' counts before it
    /// ([`counts`]) and now.
    pub(super) fn new(
        before: &[(String, usize, usize)],
        run: &Run,
        input: &DirInput,
        plan: &StagePlan,
    ) -> DirRead {
        let (mut tools, mut starts) = (Vec::new(), Vec::new());
        for s in &run.sources {
            let (parts, stages) = (before.iter())
                .find(|(t, _, _)| *t == s.tool)
                .map_or((0, 0), |b| (b.1, b.2));
            if s.parts.len() > parts {
                let names = s.stages.iter().skip(stages).map(|st| st.name.clone());
                tools.push((s.tool.clone(), names.collect()));
                starts.push(stages);
            }
        }
        let named = match plan {
            StagePlan::WholeDir {
                name,
                users: Some(n),
                ..
            } => Some((name.clone(), *n)),
            _ => None,
        };
        DirRead {
            dir: input.shown(),
            named_by: match input.set {
                Some(_) => "the files' prefix",
                None => "the dir's name",
            },
            tools,
            starts,
            named,
        }
    }
}

/// Each source's tool, parts and stages so far (see [`DirRead::new`]).
pub(super) fn counts(run: &Run) -> Vec<(String, usize, usize)> {
    let counts = run.sources.iter();
    counts
        .map(|s| (s.tool.clone(), s.parts.len(), s.stages.len()))
        .collect()
}

/// True when a stage's users are what its tool counted ([`Stage::users_measured`]):
/// one load generator's own count (a JMeter engine's `allThreads`, wrk's
/// connections), where a dir's name gives the whole stage's.
///
/// [`Stage::users_measured`]: crate::model::Stage::users_measured
pub(super) fn generators_own_users(stage: &crate::model::Stage) -> bool {
    stage.users.is_some() && stage.users_measured
}

/// Adds another generator's users to a stage's (its name follows once every generator
/// is merged: [`named_after_added_users`]).
pub(super) fn add_generators_users(stage: &mut crate::model::Stage, other: Option<u32>) {
    if let (Some(mine), Some(other)) = (stage.users, other) {
        stage.users = Some(mine + other);
    }
}

/// Merges another generator's measurement of a stage into `mine` (the same stage,
/// run alongside): its users add, when each generator counted its own, and so do the
/// users of each interval, whoever counted them (each generator's at a moment), where
/// merging the series alone would keep the larger.
pub(super) fn merge_generator(mine: &mut crate::model::Stage, other: crate::model::Stage) {
    if generators_own_users(mine) && generators_own_users(&other) {
        add_generators_users(mine, other.users);
    }
    let parts = [mine.timeline.users_only(), other.timeline.users_only()];
    mine.merge_from(other);
    mine.timeline.sum_users(&parts);
}

/// `src`'s overall, when a stage of it judges its endpoints on its run's whole figures
/// (`endpoints_whole_run`: Locust's stats file beside a history of Aggregated rows)
/// and has not kept them yet: for [`keep_whole_run`] before other runs' stages join.
pub(super) fn whole_run(src: &crate::model::Source) -> Option<Box<crate::model::Stage>> {
    (src.stages.iter())
        .any(|s| s.endpoints_whole_run.is_some() && s.whole_run.is_none())
        .then(|| Box::new(src.overall.clone()))
}

/// Gives `stage`, when it judges its endpoints on its run's whole figures, that run's
/// (`whole`, its source's overall before the merge), which the merged overall no
/// longer is: another run's endpoints would be judged as its own.
pub(super) fn keep_whole_run(
    mut stage: crate::model::Stage,
    whole: &Option<Box<crate::model::Stage>>,
) -> crate::model::Stage {
    if stage.endpoints_whole_run.is_some() && stage.whole_run.is_none() {
        stage.whole_run = whole.clone();
    }
    stage
}

/// [`keep_whole_run`] for the first `before` of `stages` (the source's own, `whole` its
/// overall before the merge) once others joined them.
pub(super) fn keep_whole_runs(
    stages: &mut [crate::model::Stage],
    before: usize,
    whole: &Option<Box<crate::model::Stage>>,
) {
    if stages.len() > before {
        for stage in &mut stages[..before] {
            if stage.endpoints_whole_run.is_some() && stage.whole_run.is_none() {
                stage.whole_run = whole.clone();
            }
        }
    }
}

/// Merges another part's overall into `mine`; with `parallel` (a generator that ran
/// alongside), the users of each interval add, as its stages' do.
pub(super) fn merge_overall(
    mine: &mut crate::model::Stage,
    other: crate::model::Stage,
    parallel: bool,
) {
    let parts = [mine.timeline.users_only(), other.timeline.users_only()];
    mine.merge_from(other);
    if parallel {
        mine.timeline.sum_users(&parts);
    }
}

/// Renames a stage named after one generator's users to its users added (`10_users`
/// of two generators at 10 each is `20_users`).
pub(super) fn named_after_added_users(source: &mut crate::model::Source) {
    for stage in source.stages.iter_mut().filter(|s| s.users_measured) {
        let Some(users) = stage.users else {
            continue;
        };
        let digits = stage.name.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &stage.name[digits..];
        if digits > 0 && rest.starts_with("_users") && stage.name[..digits] != users.to_string() {
            stage.name = format!("{users}{rest}");
        }
    }
}

/// Tools whose user count is the whole run's even when several machines generate
/// the load (Locust's master writes the history; k6 counts its VUs).
const RUN_WIDE_USERS: &[&str] = &["locust", "k6"];

/// Where a dir's name gives a stage's users and its data records others (the most
/// users its series holds), the data's users, with a warning naming both. Dirs whose
/// name is another dir's too (two generators of one stage, each recording its share)
/// keep the name's, and so does a stage whose data records fewer users than its name
/// with a tool that counts them per generator (see [`RUN_WIDE_USERS`]). A summary
/// whose tool ran fewer at once than the name says (`128u/` holding `ab -c 64`), alone in
/// the only dir of that name, is at what the tool ran: no other generator's share
/// makes up the rest, so the name's count was never the load.
pub(super) fn users_from_data(run: &mut Run, read: &[DirRead]) {
    for r in read {
        let Some((name, users)) = &r.named else {
            continue;
        };
        if read.iter().filter(|o| o.named == r.named).count() > 1 {
            continue;
        }
        let theirs = (r.tools.iter().zip(&r.starts)).filter(|((_, s), _)| s.contains(name));
        // One tool in the dir: its count is the stage's load. Beside another tool, both
        // measured the stage, and the one that ran fewer is told so where it is judged.
        let alone = r.tools.len() == 1;
        for ((tool, _), start) in theirs {
            let Some(src) = run.sources.iter_mut().find(|s| s.tool == *tool) else {
                continue;
            };
            let Some(stage) = src.stages.iter_mut().skip(*start).find(|s| s.name == *name) else {
                continue;
            };
            let data = stage.timeline.intervals.iter().filter_map(|iv| iv.users);
            let Some(seen) = data.reduce(f64::max) else {
                // A summary's own count over the name's (`ToolSummary::into_source`).
                if let Some(seen) = stage.users.filter(|u| stage.users_measured && u != users) {
                    run.arbitration.push(format!(
                        "{}: {} says {users} users, but {tool} ran {seen} at once: stage \
                         \"{name}\" is reported at {seen} users (rename the dir if the tool's \
                         count is right, or check it is this stage's)",
                        r.dir.shown(),
                        r.named_by
                    ));
                } else if let Some(ran) = fewer_at_once(stage, *users).filter(|_| alone) {
                    // The only dir of this name: no other generator shares its stage, so
                    // the load was what the tool ran (`128u/` holding `ab -c 64`).
                    let planned = crate::ingest::stages::fewer_than_planned(tool, Some(ran), stage);
                    src.notes.retain(|n| Some(n) != planned.as_ref());
                    stage.users = Some(ran);
                    stage.users_measured = true;
                    set_part_users(src, name, ran);
                    run.arbitration.push(format!(
                        "{}: {} says {users} users, but {tool} ran {ran} at once and no other \
                         dir of that name holds another generator's share: stage \"{name}\" is \
                         reported at the {ran} {tool} ran, and its throughput, capacity and USL \
                         fit are at that load (rename the dir, or check it is this stage's)",
                        r.dir.shown(),
                        r.named_by
                    ));
                }
                continue;
            };
            let seen = seen.round() as u32;
            if seen == *users || seen == 0 {
                continue;
            }
            // Fewer users in the data than in the name is what one of several load
            // generators records (a JMeter engine's allThreads, a thread group's
            // grpThreads): only a count the tool keeps for the whole run overrides.
            if seen < *users && !RUN_WIDE_USERS.contains(&tool.as_str()) {
                run.arbitration.push(format!(
                    "{}: {} says {users} users, and its {tool} data records at most \
                     {seen} at once, which is what one of several load generators records: \
                     stage \"{name}\" is reported at the name's {users} (check the name if the \
                     data is the whole run's)",
                    r.dir.shown(),
                    r.named_by
                ));
                continue;
            }
            stage.users = Some(seen);
            set_part_users(src, name, seen);
            run.arbitration.push(format!(
                "{}: {} says {users} users, but its {tool} data records {seen}: \
                 stage \"{name}\" is reported at {seen} users (rename the dir or files if the \
                 data is right, or check it is this stage's)",
                r.dir.shown(),
                r.named_by
            ));
        }
    }
}

/// What a summary's tool ran at once (`ab -c 64`, wrk's connections) when that is
/// fewer than the `named` users its stage is planned at and its users are the plan's.
fn fewer_at_once(stage: &crate::model::Stage, named: u32) -> Option<u32> {
    let planned = stage.users == Some(named) && !stage.users_measured;
    stage
        .ran_at_once
        .filter(|ran| planned && *ran > 0 && *ran < named)
}

/// Sets the users the parts of `src` list for stage `name`.
pub(super) fn set_part_users(src: &mut Source, name: &str, users: u32) {
    for part in &mut src.parts {
        let at = part.stages.iter().position(|s| s == name);
        if let Some(u) = at.and_then(|i| part.users.get_mut(i)) {
            *u = Some(users);
        }
    }
}

/// Makes one source of the run's sources when each stage dir holds one tool and the
/// dirs hold several; its stages name their tool and its notes say which stages each
/// tool measured. A stage dir holding several tools, each of which measured that dir's
/// one stage alone, gives the stage one of them, chosen as a run's source is
/// ([`choose_for_stage`](crate::ingest::arbitrate::choose_for_stage)); the others stay
/// sources of their own beside it ([`Source::beside_stage`]). Otherwise leaves the run
/// as it is.
pub(super) fn one_run_of_stage_dirs(run: &mut Run, read: &[DirRead]) {
    let (sources, owner) = split_by_dir(&run.sources, read);
    let beside = beside_sources(&sources, read, &owner);
    let set_aside = |i: usize| beside.iter().any(|b| b.source == i);
    let kept: Vec<&Source> = (sources.iter().enumerate())
        .filter(|(i, _)| !set_aside(*i))
        .map(|(_, s)| s)
        .collect();
    let one_each = (owner.iter()).all(|o| o.iter().filter(|i| !set_aside(**i)).count() <= 1);
    let lacking = (kept.iter()).any(|s| crate::ingest::arbitrate::lacks_failures(s).is_some());
    // Two tools with a stage of the same name measured it side by side (generators in
    // dirs of their own): that is one stage, for arbitration to choose a tool for.
    // Not when their dirs' names give other users (`load 5 users/`, `load 20 users/`):
    // those are two load levels, told apart by their users as one tool's are.
    let shared = kept.iter().enumerate().any(|(i, a)| {
        let theirs = |b: &&Source| {
            b.stages.iter().any(|x| {
                let users = |src: &Source| named_users(read, &src.tool, &x.name);
                let apart = matches!((users(a), users(b)), (Some(m), Some(n)) if m != n);
                !apart && a.stages.iter().any(|y| x.name == y.name)
            })
        };
        kept[i + 1..].iter().any(theirs)
    });
    if kept.len() < 2 || !one_each || lacking || shared {
        return;
    }
    let (mut kept, mut aside) = (Vec::new(), Vec::new());
    for (i, src) in sources.into_iter().enumerate() {
        match beside.iter().find(|b| b.source == i) {
            Some(b) => aside.push(b.set_aside(src, &mut run.arbitration)),
            None => kept.push(src),
        }
    }
    let mut combined = combine(kept, read);
    for b in &beside {
        if !combined.notes.contains(&b.chosen_note) {
            combined.notes.push(b.chosen_note.clone());
        }
    }
    run.sources = std::iter::once(combined).chain(aside).collect();
    super::beside_users::users_beside(run);
}

/// The run's sources, each tool that measured several stage dirs, one stage in each,
/// and shares one of them with another tool (hey's smoke check in `smoke/` and again
/// in `load/` beside wrk) split into one source per dir: each dir's stage is measured
/// by the tools in that dir, and one tool's stage elsewhere is no reason to drop it.
/// And for each of `read`'s dirs, the index of each of its tools' source.
fn split_by_dir(sources: &[Source], read: &[DirRead]) -> (Vec<Source>, Vec<Vec<usize>>) {
    let mut owner: Vec<Vec<usize>> = read.iter().map(|r| vec![0; r.tools.len()]).collect();
    let mut out = Vec::new();
    for src in sources {
        let dirs: Vec<(usize, usize)> = (read.iter().enumerate())
            .flat_map(|(d, r)| {
                let mine = r.tools.iter().enumerate().filter(|(_, t)| t.0 == src.tool);
                mine.map(move |(k, _)| (d, k))
            })
            .collect();
        let shares = dirs.iter().any(|&(d, _)| read[d].tools.len() > 1);
        let names = dirs.iter().map(|&(d, k)| read[d].tools[k].1.as_slice());
        let paths = dirs.iter().map(|&(d, _)| read[d].dir.as_path());
        let pieces = (dirs.len() > 1 && shares)
            .then(|| split_source(src, names.collect(), paths.collect()))
            .flatten();
        match pieces {
            Some(pieces) => {
                for (&(d, k), piece) in dirs.iter().zip(pieces) {
                    owner[d][k] = out.len();
                    out.push(piece);
                }
            }
            None => {
                for &(d, k) in &dirs {
                    owner[d][k] = out.len();
                }
                out.push(src.clone());
            }
        }
    }
    (out, owner)
}

/// `src` as one source per dir, when each dir (`names`: the stages each added; `dirs`:
/// the dirs, in the same order) added one stage of its own name and the source holds
/// those stages alone. A note naming a file in one of the dirs goes with that dir's
/// piece, the others with the first.
fn split_source(src: &Source, names: Vec<&[String]>, dirs: Vec<&Path>) -> Option<Vec<Source>> {
    let ones: Vec<&String> = (names.iter())
        .map(|n| match n {
            [one] => Some(one),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let distinct = (ones.iter().enumerate()).all(|(i, a)| !ones[..i].contains(a));
    if !distinct || src.stages.len() != ones.len() {
        return None;
    }
    let mut pieces = Vec::new();
    for (i, name) in ones.into_iter().enumerate() {
        let stage = src.stages.iter().find(|s| s.name == *name)?;
        let mut overall = stage.clone();
        overall.name = src.overall.name.clone();
        pieces.push(Source {
            stages: vec![stage.clone()],
            overall,
            notes: (src.notes.iter())
                .filter(|n| note_dir(n, &dirs) == i)
                .cloned()
                .collect(),
            parts: (src.parts.iter())
                .filter(|p| p.stages == [name.clone()])
                .cloned()
                .collect(),
            span_ms: stage.window_ms.or(src.span_ms),
            ..src.clone()
        });
    }
    Some(pieces)
}

/// Which of `dirs` a note is about: the one (the deepest, for nested dirs) whose files
/// it names, else the first.
fn note_dir(note: &str, dirs: &[&Path]) -> usize {
    let names = |d: &&Path| note.contains(&format!("{}{}", d.display(), std::path::MAIN_SEPARATOR));
    (dirs.iter().enumerate())
        .filter(|(_, d)| names(d))
        .max_by_key(|(_, d)| d.as_os_str().len())
        .map_or(0, |(i, _)| i)
}

/// The users the name of the dir where `tool` measured `stage` gives (`load 5 users`).
fn named_users(read: &[DirRead], tool: &str, stage: &str) -> Option<u32> {
    let holds = |r: &&DirRead| {
        (r.tools.iter()).any(|(t, names)| t == tool && names.iter().any(|n| n == stage))
    };
    read.iter().find(holds)?.named.as_ref().map(|n| n.1)
}

/// One source of stage dirs' sources of one tool each, its stages in the dirs' order.
fn combine(kept: Vec<Source>, read: &[DirRead]) -> Source {
    // One tool's stages, split by dir (`split_by_dir`), are that tool's as before.
    let one_tool = kept
        .iter()
        .all(|s| kept.first().is_some_and(|f| f.tool == s.tool));
    let mut sources = (kept.into_iter()).map(|s| if one_tool { s } else { tag_stages(s) });
    let mut combined = sources.next().unwrap_or_default();
    let mut tools = vec![combined.tool.clone()];
    let mut said = vec![provenance(&combined)];
    for src in sources {
        if !tools.contains(&src.tool) {
            tools.push(src.tool.clone());
        }
        said.push(provenance(&src));
        super::merge_source(&mut combined, src, false);
    }
    // In the dirs' order (their names'), as one tool's stage dirs are.
    let order: Vec<&(String, Vec<String>)> = read.iter().flat_map(|r| &r.tools).collect();
    let at = |s: &crate::model::Stage| {
        let tool = s.tool.as_deref().unwrap_or_default();
        (order.iter()).position(|(t, names)| t == tool && names.contains(&s.name))
    };
    combined.stages.sort_by_key(|s| at(s).unwrap_or(usize::MAX));
    combined.tool = tools.join(" + ");
    // One tool's stages, split by dir to set its stage beside another tool in one of
    // them (`split_by_dir`), are that tool's again.
    if tools.len() < 2 {
        return combined;
    }
    combined.notes.insert(
        0,
        format!(
            "stages measured by different tools, one per stage dir: {}; each stage's figures \
             are its own tool's (a figure its tool does not give is not measured there), \
             and the overall figures sum the tools' requests",
            said.join("; ")
        ),
    );
    combined
}

/// A source that measured a stage dir's one stage beside the tool chosen for it.
struct Beside {
    /// Its index among the run's sources.
    source: usize,
    /// The stage.
    stage: String,
    /// The warning: the dir, the stage, the tool chosen and why, this one listed.
    warning: String,
    /// The note for the chosen tool's source.
    chosen_note: String,
    /// Why it is a short check beside the stage's load, when it is: its requests then
    /// leave the run's data complete ([`Source::short_run`]).
    short: Option<String>,
}

impl Beside {
    /// The source marked as measured beside the chosen tool, its note and the run's
    /// warning said.
    fn set_aside(&self, mut src: Source, arbitration: &mut Vec<String>) -> Source {
        src.beside_stage = Some(self.stage.clone());
        src.short_run = self.short.clone();
        src.notes.push(self.warning.clone());
        // One warning per stage dir, however many tools it sets beside the chosen one.
        if !arbitration.contains(&self.warning) {
            arbitration.push(self.warning.clone());
        }
        src
    }
}

/// The sources to set beside another (see [`one_run_of_stage_dirs`]): in each stage
/// dir holding several tools, when each of them measured only that dir and one stage
/// there (the same one), every tool but the one chosen for the stage.
fn beside_sources(sources: &[Source], read: &[DirRead], owner: &[Vec<usize>]) -> Vec<Beside> {
    let mut out = Vec::new();
    for (r, at) in read.iter().zip(owner).filter(|(r, _)| r.tools.len() > 1) {
        let Some(stage) = r.tools.first().and_then(|(_, n)| n.first()) else {
            continue;
        };
        let alone = |((_, names), i): (&(String, Vec<String>), &usize)| {
            let dirs = owner.iter().filter(|o| o.contains(i)).count();
            *names == [stage.clone()] && dirs == 1 && sources[*i].stages.len() == 1
        };
        if !r.tools.iter().zip(at).all(alone) {
            continue;
        }
        let group: Vec<&Source> = at.iter().map(|&i| &sources[i]).collect();
        let named = r.named.as_ref().map(|n| n.1);
        let (chosen, reason) = crate::ingest::arbitrate::choose_for_stage(&group, named);
        let lead = &group[chosen].tool;
        let others: Vec<&Source> = (group.iter().enumerate())
            .filter(|(i, _)| *i != chosen)
            .map(|(_, s)| *s)
            .collect();
        let why = reason.unwrap_or_else(|| {
            let counts = others
                .iter()
                .map(|s| format!("{} {}", s.tool, s.overall.requests()));
            let counts: Vec<String> = counts.collect();
            let n = group[chosen].overall.requests();
            format!("it has the most requests ({n}; {})", counts.join(", "))
        });
        let names: Vec<&str> = others.iter().map(|s| s.tool.as_str()).collect();
        // Arbitration's reasons mostly say already where the other tool is listed.
        let listed = if why.contains("listed under Sources") {
            ""
        } else {
            "listed under Sources and "
        };
        let warning = format!(
            "{}: stage \"{stage}\" was measured by {} tools; it is judged on {lead}: {why}; \
             {} {} {listed}never summed with it",
            r.dir.shown(),
            group.len(),
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
        );
        let chosen_note = format!("stage \"{stage}\" is judged on {lead}: {why}");
        for (k, &i) in at.iter().enumerate() {
            if k != chosen {
                out.push(Beside {
                    source: i,
                    stage: stage.clone(),
                    warning: warning.clone(),
                    chosen_note: chosen_note.clone(),
                    short: crate::ingest::smoke_runs::check_beside_load(
                        group[k],
                        group[chosen],
                        named,
                    ),
                });
            }
        }
    }
    out
}

/// A stage renamed to tell it from another of its name (`peak` → `peak_2users`) is
/// renamed in the sources measured beside it too.
pub(super) fn follow_renames(run: &mut Run) {
    let Some(lead) = run.sources.iter().find(|s| s.beside_stage.is_none()) else {
        return;
    };
    let names: Vec<String> = lead.stages.iter().map(|s| s.name.clone()).collect();
    for src in &mut run.sources {
        let Some(name) = src.beside_stage.clone().filter(|n| !names.contains(n)) else {
            continue;
        };
        let users = src.stages.first().and_then(|s| s.users);
        let Some(new) = users.map(|u| format!("{name}_{u}users")) else {
            continue;
        };
        if names.contains(&new) {
            for stage in src.stages.iter_mut().filter(|s| s.name == name) {
                stage.name = new.clone();
            }
            src.beside_stage = Some(new);
        }
    }
}

/// The source with its tool, and what the tool's files leave out, written on each stage
/// (a stage keeps its own when the source was combined before), and its tool before
/// each note.
fn tag_stages(mut src: Source) -> Source {
    let unseen = if src.outcomes_unseen {
        Some(FailuresUnseen::Outcomes)
    } else {
        src.transport_errors_unseen
            .then_some(FailuresUnseen::TransportErrors)
    };
    for stage in &mut src.stages {
        if stage.tool.is_none() {
            stage.tool = Some(src.tool.clone());
            stage.failures_unseen = unseen;
        }
    }
    let tool = src.tool.clone();
    for note in &mut src.notes {
        *note = format!("{tool}: {note}");
    }
    src
}

/// `baseline, stress from ab`.
fn provenance(src: &Source) -> String {
    let names: Vec<&str> = src.stages.iter().map(|s| s.name.as_str()).collect();
    format!("{} from {}", names.join(", "), src.tool)
}
