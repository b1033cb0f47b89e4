//! Stage dirs measured by different tools: each stage dir is a stage of one run, so
//! when every stage dir's data comes from one tool and the tools differ between dirs
//! (`01_baseline_20users/` by ab, `02_peak_50users/` by wrk), the sources are one run
//! whose stages each keep the tool that measured them (`Stage::tool`), never a choice
//! of one tool that drops the others' stages. Choosing among tools that measured the
//! same requests (`../arbitrate.rs`) is for files of one dir: a stage dir with two
//! tools, or a tool without failure data (its 0 % errors would be made up beside
//! another tool's), keeps that behaviour for the whole run.

use crate::model::{Run, Source};

/// What a dir added: each tool (source name) that got a part from it, with the names
/// of the stages that part added.
pub(super) type DirTools = Vec<(String, Vec<String>)>;

/// Each source's tool, parts and stages so far (see [`tools_added`]).
pub(super) fn counts(run: &Run) -> Vec<(String, usize, usize)> {
    let counts = run.sources.iter();
    counts
        .map(|s| (s.tool.clone(), s.parts.len(), s.stages.len()))
        .collect()
}

/// The tools whose parts a dir added, from the sources' counts before reading it.
pub(super) fn tools_added(before: &[(String, usize, usize)], run: &Run) -> DirTools {
    let mut added = Vec::new();
    for s in &run.sources {
        let (parts, stages) = before
            .iter()
            .find(|(t, _, _)| *t == s.tool)
            .map_or((0, 0), |b| (b.1, b.2));
        if s.parts.len() > parts {
            let names = s.stages.iter().skip(stages).map(|st| st.name.clone());
            added.push((s.tool.clone(), names.collect()));
        }
    }
    added
}

/// Makes one source of the run's sources when each stage dir (`dir_tools`: the tools
/// each added) holds one tool and the dirs hold several; its stages name their tool
/// and its notes say which stages each tool measured. Otherwise leaves the run as it is.
pub(super) fn one_run_of_stage_dirs(run: &mut Run, dir_tools: &[DirTools]) {
    let one_each = dir_tools.iter().all(|t| t.len() <= 1);
    let lacking = run
        .sources
        .iter()
        .any(|s| crate::ingest::arbitrate::lacks_failures(s).is_some());
    if run.sources.len() < 2 || !one_each || lacking {
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
    let order: Vec<&(String, Vec<String>)> = dir_tools.iter().flatten().collect();
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
