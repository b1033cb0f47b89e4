//! What stage dirs add up to. Each stage dir is a stage of one run, so when every
//! stage dir's data comes from one tool and the tools differ between dirs
//! (`01_baseline_20users/` by ab, `02_peak_50users/` by wrk), the sources are one run
//! whose stages each keep the tool that measured them (`Stage::tool`), never a choice
//! of one tool that drops the others' stages. Choosing among tools that measured the
//! same requests (`../arbitrate.rs`) is for files of one dir: a stage dir with two
//! tools, a stage two tools both measured (generators side by side), or a tool without
//! failure data (its 0 % errors would be made up beside another tool's), keeps that
//! behaviour for the whole run. And the users a dir's name
//! gives (`02_peak_40users`) give way to the users its data records (a Locust history's
//! user count, a JTL's threads, k6's VUs), with a warning naming both.

use std::path::{Path, PathBuf};

use crate::ingest::stages::StagePlan;
use crate::model::{Run, Source};

/// What one dir added to the run.
pub(super) struct DirRead {
    /// The dir.
    dir: PathBuf,
    /// Each tool (source name) that got a part from it, with the names of the stages
    /// that part added.
    tools: Vec<(String, Vec<String>)>,
    /// The stage and users its name gives, when its name gives users.
    named: Option<(String, u32)>,
}

impl DirRead {
    /// What a dir read with `plan` added, from the sources' counts before it
    /// ([`counts`]) and now.
    pub(super) fn new(
        before: &[(String, usize, usize)],
        run: &Run,
        dir: &Path,
        plan: &StagePlan,
    ) -> DirRead {
        let mut tools = Vec::new();
        for s in &run.sources {
            let (parts, stages) = (before.iter())
                .find(|(t, _, _)| *t == s.tool)
                .map_or((0, 0), |b| (b.1, b.2));
            if s.parts.len() > parts {
                let names = s.stages.iter().skip(stages).map(|st| st.name.clone());
                tools.push((s.tool.clone(), names.collect()));
            }
        }
        let named = match plan {
            StagePlan::WholeDir {
                name,
                users: Some(n),
            } => Some((name.clone(), *n)),
            _ => None,
        };
        DirRead {
            dir: dir.to_path_buf(),
            tools,
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

/// Tools whose user count is the whole run's even when several machines generate
/// the load (Locust's master writes the history; k6 counts its VUs).
const RUN_WIDE_USERS: &[&str] = &["locust", "k6"];

/// Where a dir's name gives a stage's users and its data records others (the most
/// users its series holds), the data's users, with a warning naming both. Dirs whose
/// name is another dir's too (two generators of one stage, each recording its share)
/// keep the name's, and so does a stage whose data records fewer users than its name
/// with a tool that counts them per generator (see [`RUN_WIDE_USERS`]).
pub(super) fn users_from_data(run: &mut Run, read: &[DirRead]) {
    for r in read {
        let Some((name, users)) = &r.named else {
            continue;
        };
        if read.iter().filter(|o| o.named == r.named).count() > 1 {
            continue;
        }
        for (tool, _) in r.tools.iter().filter(|(_, s)| s.contains(name)) {
            let Some(src) = run.sources.iter_mut().find(|s| s.tool == *tool) else {
                continue;
            };
            let Some(stage) = src.stages.iter_mut().find(|s| s.name == *name) else {
                continue;
            };
            let data = stage.timeline.intervals.iter().filter_map(|iv| iv.users);
            let Some(seen) = data.reduce(f64::max) else {
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
                    "{}: the dir's name says {users} users, and its {tool} data records at most \
                     {seen} at once, which is what one of several load generators records: \
                     stage \"{name}\" is reported at the name's {users} (check the dir's name \
                     if the data is the whole run's)",
                    r.dir.display()
                ));
                continue;
            }
            stage.users = Some(seen);
            for part in &mut src.parts {
                let at = part.stages.iter().position(|s| s == name);
                if let Some(u) = at.and_then(|i| part.users.get_mut(i)) {
                    *u = Some(seen);
                }
            }
            run.arbitration.push(format!(
                "{}: the dir's name says {users} users, but its {tool} data records {seen}: \
                 stage \"{name}\" is reported at {seen} users (rename the dir if the data is \
                 right, or check it is this stage's)",
                r.dir.display()
            ));
        }
    }
}

/// Makes one source of the run's sources when each stage dir holds one tool and the
/// dirs hold several; its stages name their tool and its notes say which stages each
/// tool measured. Otherwise leaves the run as it is.
pub(super) fn one_run_of_stage_dirs(run: &mut Run, read: &[DirRead]) {
    let one_each = read.iter().all(|r| r.tools.len() <= 1);
    let lacking = run
        .sources
        .iter()
        .any(|s| crate::ingest::arbitrate::lacks_failures(s).is_some());
    // Two tools with a stage of the same name measured it side by side (generators in
    // dirs of their own): that is one stage, for arbitration to choose a tool for.
    let srcs = &run.sources;
    let shared = srcs.iter().enumerate().any(|(i, a)| {
        let theirs = |b: &Source| {
            b.stages
                .iter()
                .any(|x| a.stages.iter().any(|y| x.name == y.name))
        };
        srcs[i + 1..].iter().any(theirs)
    });
    if run.sources.len() < 2 || !one_each || lacking || shared {
        return;
    }
    let mut sources = std::mem::take(&mut run.sources).into_iter();
    let Some(mut combined) = sources.next().map(tag_stages) else {
        return;
    };
    let mut tools = vec![combined.tool.clone()];
    let mut said = vec![provenance(&combined)];
    for src in sources.map(tag_stages) {
        tools.push(src.tool.clone());
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
    combined.notes.insert(
        0,
        format!(
            "stages measured by different tools, one per stage dir: {}; each stage's figures \
             are its own tool's (a figure its tool does not give is not measured there), \
             and the overall figures sum the tools' requests",
            said.join("; ")
        ),
    );
    run.sources = vec![combined];
}

/// The source with its tool written on each stage and before each note.
fn tag_stages(mut src: Source) -> Source {
    for stage in &mut src.stages {
        stage.tool.get_or_insert_with(|| src.tool.clone());
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
