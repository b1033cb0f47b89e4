//! A run that sent nothing beside a rerun at the same load that did: `h2load` without
//! `--h1` against an HTTP/1.1 server, then again with it; a tool started while the
//! server was down, then again once it was up. The failed attempt measured nothing of
//! the stage, and the rerun is the stage's figures; read as one run after the other,
//! the attempt's "stopped early" would hold every verdict of the stage back. It is
//! left out, and a note of the rerun's source says which file and why. A run that sent
//! nothing at a load no other run of its tool measured (a step where the server fell
//! over) stays: its stage is the evidence.

use crate::model::Source;

/// True when `src` read no request and says why its run stopped early.
fn sent_nothing(src: &Source) -> bool {
    src.overall.requests() == 0 && src.stopped_early.is_some()
}

/// True when every stage of `a` is at a load of a stage of `b`.
fn loads_within(a: &Source, b: &Source) -> bool {
    !a.stages.is_empty()
        && (a.stages.iter()).all(|s| b.stages.iter().any(|t| super::pooled_runs::same_load(s, t)))
}

/// What becomes of `src`, one more run of `mine`'s tool in one dir: `Ok(false)` when it
/// sent nothing at a load `mine` measured (left out, said in `mine`'s notes),
/// `Ok(true)` when `mine` sent nothing and `src` is its rerun (`mine` becomes `src`,
/// with the note), `Err(src)` when both are runs to read as one after the other.
pub(super) fn settle(mine: &mut Source, src: Source) -> Result<bool, Box<Source>> {
    if sent_nothing(&src) && !sent_nothing(mine) && loads_within(&src, mine) {
        let why = src.stopped_early.as_deref().unwrap_or_default();
        mine.notes.push(left_out(why, &src.tool));
        return Ok(false);
    }
    if sent_nothing(mine) && !sent_nothing(&src) && loads_within(mine, &src) {
        let why = mine.stopped_early.clone().unwrap_or_default();
        let tool = src.tool.clone();
        *mine = src;
        mine.notes.push(left_out(&why, &tool));
        return Ok(true);
    }
    Err(Box::new(src))
}

/// The note of a run left out: why it measured nothing (`why` names its file).
fn left_out(why: &str, tool: &str) -> String {
    format!(
        "{why}. It is left out: another {tool} run in its dir at the same load sent \
         requests, and the stage is that run's"
    )
}
