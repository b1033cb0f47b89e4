//! Which stage of one run is compared with which stage of another, and which
//! endpoint with which: stages by name, else by load level (users or arrival rate
//! within 10%), else by what is left of their names once each side's shared start is
//! dropped (`base-run1`, `base-run2` against `cand-run1`, `cand-run2`: a side given as
//! a dir of run dirs named after it), else the sole stage of each run; endpoints by
//! key, else the sole endpoint of each stage. Whatever has no partner is listed,
//! never dropped.

use crate::analysis::words::ticked;
use serde::Serialize;

use super::input::{CompareRun, StageInput};
use crate::analysis::quantity::format_rate;

/// Load levels within this fraction of each other are the same level.
pub const LOAD_TOLERANCE: f64 = 0.10;

/// How two stages were paired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageBasis {
    /// Same name.
    Name,
    /// Same number of users (within 10%).
    Users,
    /// Same arrival rate (within 10%).
    ArrivalRate,
    /// Same name once each side's shared start is dropped (`base-run1` and
    /// `cand-run1`).
    NamePart,
    /// Each run has one stage left.
    SoleStage,
}

/// A pair of stages, by index into each run's stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StagePair {
    /// Index in the baseline's stages.
    pub base: usize,
    /// Index in the candidate's stages.
    pub cand: usize,
    /// How they were paired.
    pub basis: StageBasis,
}

/// Something one side has and the other lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    /// `stage` or `endpoint`.
    pub kind: String,
    /// The stage (and endpoint, for an endpoint).
    pub name: String,
    /// Label of the run that has it.
    pub only_in: String,
    /// True when only the baseline has it (the candidate was not measured there).
    #[serde(skip)]
    pub baseline_only: bool,
}

fn within(a: f64, b: f64) -> bool {
    a > 0.0 && b > 0.0 && (a - b).abs() <= LOAD_TOLERANCE * a.max(b)
}

/// Pairs the stages of two runs.
pub fn match_stages(base: &[StageInput], cand: &[StageInput]) -> Vec<StagePair> {
    let mut pairs = Vec::new();
    let mut used_b = vec![false; base.len()];
    let mut used_c = vec![false; cand.len()];
    let pair = |pairs: &mut Vec<StagePair>, b: usize, c: usize, basis| {
        pairs.push(StagePair {
            base: b,
            cand: c,
            basis,
        });
    };
    for (b, sb) in base.iter().enumerate() {
        if let Some(c) = (0..cand.len()).find(|&c| !used_c[c] && cand[c].name == sb.name) {
            used_b[b] = true;
            used_c[c] = true;
            pair(&mut pairs, b, c, StageBasis::Name);
        }
    }
    let (part_b, part_c) = (own_parts(base), own_parts(cand));
    for (b, sb) in base.iter().enumerate() {
        let Some(want) = part_b.get(b).filter(|_| !used_b[b]) else {
            continue;
        };
        let alike: Vec<usize> = (0..cand.len())
            .filter(|&c| !used_c[c] && part_c.get(c) == Some(want))
            .collect();
        let twins = (0..base.len()).filter(|&o| !used_b[o] && part_b.get(o) == Some(want));
        if let ([c], 1) = (alike.as_slice(), twins.count()) {
            if loads_differ(sb, &cand[*c]).is_none() {
                used_b[b] = true;
                used_c[*c] = true;
                pair(&mut pairs, b, *c, StageBasis::NamePart);
            }
        }
    }
    for (b, sb) in base.iter().enumerate() {
        if used_b[b] {
            continue;
        }
        let found = (0..cand.len()).filter(|&c| !used_c[c]).find_map(|c| {
            let sc = &cand[c];
            if let (Some(x), Some(y)) = (sb.users, sc.users) {
                if within(f64::from(x), f64::from(y)) {
                    return Some((c, StageBasis::Users));
                }
            }
            match (sb.arrival_rate_rps, sc.arrival_rate_rps) {
                (Some(x), Some(y)) if within(x, y) => Some((c, StageBasis::ArrivalRate)),
                _ => None,
            }
        });
        if let Some((c, basis)) = found {
            used_b[b] = true;
            used_c[c] = true;
            pair(&mut pairs, b, c, basis);
        }
    }
    let left_b: Vec<usize> = (0..base.len()).filter(|&b| !used_b[b]).collect();
    let left_c: Vec<usize> = (0..cand.len()).filter(|&c| !used_c[c]).collect();
    if let ([b], [c]) = (left_b.as_slice(), left_c.as_slice()) {
        let (sb, sc) = (&base[*b], &cand[*c]);
        // A stage without a load level (one generic run each) pairs with the other
        // run's sole stage; two different known levels do not.
        if loads_differ(sb, sc).is_none() {
            pair(&mut pairs, *b, *c, StageBasis::SoleStage);
        }
    }
    pairs.sort_by_key(|p| (p.base, p.cand));
    pairs
}

/// Each stage's name without the start all of its side's stage names share, cut where
/// a word or a number begins (`base-run1`, `base-run2` → `1`, `2`; `load/8_users`,
/// `load/16_users` → `8_users`, `16_users`): empty when the side has fewer than two
/// stages or its names share no such start, or when a name would be left empty.
fn own_parts(stages: &[StageInput]) -> Vec<String> {
    let names: Vec<Vec<char>> = stages.iter().map(|s| s.name.chars().collect()).collect();
    let (Some(first), true) = (names.first(), names.len() >= 2) else {
        return Vec::new();
    };
    let shared = (0..first.len())
        .take_while(|&i| names.iter().all(|n| n.get(i) == Some(&first[i])))
        .count();
    // A start ends after a separator (`base-`), or between letters and the digits
    // every name goes on with (`run` + `1`).
    let boundary = |k: usize| {
        !first[k - 1].is_alphanumeric()
            || (first[k - 1].is_alphabetic()
                && names
                    .iter()
                    .all(|n| n.get(k).is_some_and(char::is_ascii_digit)))
    };
    let Some(cut) = (1..=shared).rev().find(|&k| boundary(k)) else {
        return Vec::new();
    };
    if names.iter().any(|n| n.len() == cut) {
        return Vec::new();
    }
    names.iter().map(|n| n[cut..].iter().collect()).collect()
}

/// How the load levels of two stages differ (users or arrival rates known on both
/// sides beyond [`LOAD_TOLERANCE`], or users on one side and only a rate on the other),
/// in words naming the sides `(first, second)`; `None` when they agree or are unknown.
fn loads_differ_as(
    base: &StageInput,
    cand: &StageInput,
    (first, second): (&str, &str),
) -> Option<String> {
    let apart = |x: f64, y: f64| x != y && !within(x, y);
    // A closed model (users only) against an open one (an arrival rate only).
    let model = |s: &StageInput| match (s.users, s.arrival_rate_rps) {
        (Some(u), None) => Some(format!("{u} users (a closed model)")),
        (None, Some(r)) => Some(format!(
            "an arrival rate of {} (an open model)",
            format_rate(r)
        )),
        _ => None,
    };
    if base.users.is_some() != cand.users.is_some()
        && base.arrival_rate_rps.is_some() != cand.arrival_rate_rps.is_some()
    {
        if let (Some(b), Some(c)) = (model(base), model(cand)) {
            return Some(format!("{b} in {first} and {c} in {second}"));
        }
    }
    if let (Some(x), Some(y)) = (base.users, cand.users) {
        if apart(f64::from(x), f64::from(y)) {
            return Some(format!("{x} users in {first} and {y} in {second}"));
        }
    }
    match (base.arrival_rate_rps, cand.arrival_rate_rps) {
        (Some(x), Some(y)) if apart(x, y) => Some(format!(
            "an arrival rate of {} in {first} and {} in {second}",
            format_rate(x),
            format_rate(y)
        )),
        _ => None,
    }
}

/// How the load levels of a baseline stage and a candidate's differ, in words; `None`
/// when they agree or are unknown.
pub fn loads_differ(base: &StageInput, cand: &StageInput) -> Option<String> {
    loads_differ_as(base, cand, ("the baseline", "the candidate"))
}

/// The note on two runs of one stage each that were not paired because their loads
/// differ (`wrk -c8` against `-c64`): nothing of theirs was compared, and the note
/// says why in the loads' own words; `None` otherwise.
pub fn sole_stages_apart(base: &[StageInput], cand: &[StageInput]) -> Option<String> {
    let ([b], [c]) = (base, cand) else {
        return None;
    };
    loads_differ(b, c).map(|how| {
        format!(
            "the runs' only stages, {} and {}, ran at {how}: a load's latency and \
             throughput are not another's, so nothing was compared; run both releases \
             at one load to compare them",
            ticked(&b.name),
            ticked(&c.name)
        )
    })
}

/// The note on two stages paired by name that ran at different loads, whose metrics
/// therefore decide nothing; `None` when their loads agree or are unknown.
pub fn load_mismatch(base: &StageInput, cand: &StageInput) -> Option<String> {
    loads_differ(base, cand).map(|how| {
        format!(
            "stage {} ran at {how}: its differences are the load's as much as the \
             release's, so none of its metrics decides (each is `inconclusive`); run both \
             releases at one load to compare them",
            ticked(&base.name)
        )
    })
}

/// The note on two paired stages measured by different load tools (wrk in one
/// release, hey in the other): each tool times and counts in its own way, so their
/// differences are the tools' as much as the release's and nothing of theirs decides.
pub fn tool_mismatch(base: &StageInput, cand: &StageInput) -> Option<String> {
    let (Some(tb), Some(tc)) = (&base.tool, &cand.tool) else {
        return None;
    };
    (tb != tc).then(|| {
        format!(
            "stage {} was measured by {} in the baseline and by {} in the candidate: each \
             tool times and counts requests its own way, so its differences are the tools' \
             as much as the release's and none of its metrics decides (each is \
             `inconclusive`); measure both releases with one tool to compare them",
            ticked(&base.name),
            ticked(tb),
            ticked(tc)
        )
    })
}

/// The note on a stage pair whose differences are not the release's alone (another
/// load, another tool, or for repeats a run at another load), and whether the tool is
/// all that differs; `(None, false)` when the pair may decide.
pub fn stages_apart(
    (base, sb): (&[CompareRun], &StageInput),
    (cand, sc): (&[CompareRun], &StageInput),
    repeats: bool,
) -> (Option<String>, bool) {
    let other_load = load_mismatch(sb, sc).or_else(|| {
        repeats
            .then(|| runs_load_mismatch(base, cand, (sb, sc)))
            .flatten()
    });
    let tool = tool_mismatch(sb, sc).or_else(|| {
        repeats
            .then(|| runs_tool_mismatch(base, cand, (sb, sc)))
            .flatten()
    });
    let by_tool = other_load.is_none() && tool.is_some();
    (load_mismatch(sb, sc).or(tool).or(other_load), by_tool)
}

/// For repeats: `run`'s stage that plays stage `name` of its side's first run
/// `first`, paired as two releases' stages are ([`match_stages`]: by name, name part
/// or load, else the one stage each has left), so a repeat with an extra warm-up
/// stage, or its stages under other names, finds its own and never another's; `None`
/// when none pairs.
pub fn stage_like<'a>(
    first: &CompareRun,
    name: &str,
    run: &'a CompareRun,
) -> Option<&'a StageInput> {
    let i = first.stages.iter().position(|s| s.name == name)?;
    let pairs = match_stages(&first.stages, &run.stages);
    (pairs.iter().find(|p| p.base == i)).map(|p| &run.stages[p.cand])
}

/// For repeats: each run's stages ([`stage_like`]) that play no stage of its side's
/// first run: the note naming them, as they are compared nowhere. `None` when every
/// stage of every run plays one.
pub fn runs_extra_stages(base: &[CompareRun], cand: &[CompareRun]) -> Option<String> {
    let all = || base.iter().chain(cand);
    let extra: Vec<String> = [base, cand]
        .into_iter()
        .filter_map(|side| Some((side.first()?, side)))
        .flat_map(|(first, side)| side.iter().skip(1).map(move |r| (first, r)))
        .filter_map(|(first, r)| {
            let pairs = match_stages(&first.stages, &r.stages);
            let left: Vec<String> = (0..r.stages.len())
                .filter(|&c| pairs.iter().all(|p| p.cand != c))
                .map(|c| ticked(&r.stages[c].name))
                .collect();
            (!left.is_empty())
                .then(|| format!("{} ({})", ticked(&run_name(r, all())), left.join(", ")))
        })
        .collect();
    (!extra.is_empty()).then(|| {
        format!(
            "run(s) {} have stages their side's first run lacks, so those are compared \
             nowhere; give every repeat the same stages",
            extra.join(", ")
        )
    })
}

/// For repeats: what only some runs of a side have (a stage, or a stage's endpoint,
/// of that side's first run that the other side lacks) is listed as only in those
/// runs (`cand-run1, cand-run3`), not in the side's label, which names every run of
/// it; what every run of the side has (a single run's side: all of it) keeps the label.
pub fn name_holders(
    mut unmatched: Vec<Unmatched>,
    base: &[CompareRun],
    cand: &[CompareRun],
) -> Vec<Unmatched> {
    let all = || base.iter().chain(cand);
    for u in unmatched.iter_mut() {
        let side = if u.baseline_only { base } else { cand };
        let Some(first) = side.first() else { continue };
        let has = |r: &CompareRun| match u.kind.as_str() {
            "stage" => stage_like(first, &u.name, r).is_some(),
            _ => (first.stages.iter())
                .filter_map(|s| Some((s, u.name.strip_prefix(&s.name)?.strip_prefix(" / ")?)))
                .any(|(s, key)| {
                    stage_like(first, &s.name, r)
                        .is_some_and(|st| st.endpoints.iter().any(|e| e.key == key))
                }),
        };
        let holders: Vec<String> = (side.iter().filter(|r| has(r)))
            .map(|r| run_name(r, all()))
            .collect();
        if holders.len() < side.len() && !holders.is_empty() {
            u.only_in = holders.join(", ");
        }
    }
    unmatched
}

/// For repeats: the note on a stage whose runs (each side's, by [`stage_like`]) did
/// not all run at the load of the first baseline run's.
pub fn runs_load_mismatch(
    base: &[CompareRun],
    cand: &[CompareRun],
    (sb, sc): (&StageInput, &StageInput),
) -> Option<String> {
    let mut off = None;
    for (runs, name) in [(base, &sb.name), (cand, &sc.name)] {
        let Some(head) = runs.first() else { continue };
        off = off.or_else(|| {
            runs.iter().find_map(|r| {
                let s = stage_like(head, name, r)?;
                loads_differ_as(sb, s, ("the first", "that run")).map(|how| (r, how))
            })
        });
    }
    let off = off?;
    let name = run_name(off.0, base.iter().chain(cand));
    Some(format!(
        "stage {}: run {} ran at another load than the first baseline run ({}): its \
         differences are the load's as much as the release's, so none of its metrics \
         decides (each is `inconclusive`); run every repeat at one load",
        ticked(&sb.name),
        ticked(&name),
        off.1
    ))
}

/// For repeats: the note on a stage one of whose runs (each side's, by
/// [`stage_like`]) was measured by another load tool than the first baseline run's
/// (three `wrk` repeats and one `siege`): its figures mix the tools' ways of timing
/// and counting, so the stage decides nothing, as two releases measured by two tools.
pub fn runs_tool_mismatch(
    base: &[CompareRun],
    cand: &[CompareRun],
    (sb, sc): (&StageInput, &StageInput),
) -> Option<String> {
    let first = sb.tool.as_deref()?;
    let off = [(base, &sb.name), (cand, &sc.name)]
        .into_iter()
        .find_map(|(runs, name)| {
            let head = runs.first()?;
            runs.iter().find_map(|r| {
                let tool = stage_like(head, name, r)?.tool.as_deref()?;
                (tool != first).then_some((r, tool))
            })
        })?;
    Some(format!(
        "stage {}: run {} was measured by {}, the first baseline run by {}: each tool \
         times and counts requests its own way, so its differences are the tools' as \
         much as the release's and none of its metrics decides (each is \
         `inconclusive`); measure every repeat with one tool",
        ticked(&sb.name),
        ticked(&run_name(off.0, base.iter().chain(cand))),
        ticked(off.1),
        ticked(first)
    ))
}

/// A run's name in a note: its label, or its own dir (or file) when another of `all`
/// shares the label (a side named by the dir holding its runs gives them one).
pub fn run_name<'a>(run: &CompareRun, all: impl Iterator<Item = &'a CompareRun>) -> String {
    let shared = all.filter(|r| r.label == run.label).count() > 1;
    match std::path::Path::new(&run.origin).file_name() {
        Some(own) if shared => own.to_string_lossy().into_owned(),
        _ if shared => run.origin.clone(),
        _ => run.label.clone(),
    }
}

/// For repeats: the note on a stage (`base_stage` in the baseline's runs,
/// `cand_stage` in the candidate's; each run's by [`stage_like`]) that some runs lack — another layout, or the
/// stage under another name: those runs are left out of its metrics, which rest on
/// the others (fewer runs, so less can be shown). `None` when every run has it.
pub fn runs_missing_stage(
    base: &[CompareRun],
    cand: &[CompareRun],
    base_stage: &str,
    cand_stage: &str,
) -> Option<String> {
    let lacking = |side: &[CompareRun], stage: &str| -> Vec<String> {
        let Some(first) = side.first() else {
            return Vec::new();
        };
        (side.iter())
            .filter(|r| stage_like(first, stage, r).is_none())
            .map(|r| {
                let stages: Vec<&str> = r.stages.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "{} (stages: {})",
                    ticked(&run_name(r, base.iter().chain(cand))),
                    stages.join(", ")
                )
            })
            .collect()
    };
    let missing: Vec<String> = [
        ("baseline", base, base_stage),
        ("candidate", cand, cand_stage),
    ]
    .into_iter()
    .filter_map(|(side, runs, stage)| {
        let lack = lacking(runs, stage);
        (!lack.is_empty()).then(|| format!("{side} run(s) {}", lack.join(", ")))
    })
    .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "stage {}: {} have no stage of that name, so its metrics rest on the other runs \
             only (fewer runs show less); give every repeat the same stage names",
            ticked(base_stage),
            missing.join("; ")
        )
    })
}

/// The note on two stages compared on their only endpoints under other names.
pub fn renamed_endpoint(base: &StageInput, cand: &StageInput) -> Option<String> {
    sole_endpoints(base, cand).then(|| {
        format!(
            "stage {}: endpoint {} is compared with the candidate's {}, each the stage's \
             only endpoint under another name",
            ticked(&base.name),
            ticked(&base.endpoints[0].key),
            ticked(&cand.endpoints[0].key)
        )
    })
}

/// For each of `base`'s stages, the index of the `cand` stage paired with it.
pub fn stage_map(base: &[StageInput], cand: &[StageInput]) -> Vec<Option<usize>> {
    let pairs = match_stages(base, cand);
    (0..base.len())
        .map(|i| pairs.iter().find(|p| p.base == i).map(|p| p.cand))
        .collect()
}

/// Pairs the endpoints of two matched stages by key: (base index, cand index). When
/// no key matches and each stage has one endpoint, those two pair: tools that print
/// no request name call it after the file (`hey`, `hey-v2`) or the URL, so two
/// releases' only endpoints rarely share a key, and a stage compared on nothing would
/// hide any change (see [`sole_endpoints`]).
pub fn match_endpoints(base: &StageInput, cand: &StageInput) -> Vec<(usize, usize)> {
    let by_key = by_key(base, cand);
    if by_key.is_empty() && sole_endpoints(base, cand) {
        return vec![(0, 0)];
    }
    by_key
}

/// True when each stage has exactly one endpoint and their keys differ: they pair as
/// the stages' only endpoints.
pub fn sole_endpoints(base: &StageInput, cand: &StageInput) -> bool {
    matches!((base.endpoints.as_slice(), cand.endpoints.as_slice()), ([b], [c]) if b.key != c.key)
}

fn by_key(base: &StageInput, cand: &StageInput) -> Vec<(usize, usize)> {
    base.endpoints
        .iter()
        .enumerate()
        .filter_map(|(b, e)| {
            cand.endpoints
                .iter()
                .position(|c| c.key == e.key)
                .map(|c| (b, c))
        })
        .collect()
}

/// Everything of two runs that the pairs leave out.
pub fn unmatched(
    base: (&str, &[StageInput]),
    cand: (&str, &[StageInput]),
    pairs: &[StagePair],
) -> Vec<Unmatched> {
    let mut out = Vec::new();
    let stage = |label: &str, s: &StageInput, baseline_only| Unmatched {
        kind: "stage".into(),
        name: s.name.clone(),
        only_in: label.to_string(),
        baseline_only,
    };
    for (i, s) in base.1.iter().enumerate() {
        if !pairs.iter().any(|p| p.base == i) {
            out.push(stage(base.0, s, true));
        }
    }
    for (i, s) in cand.1.iter().enumerate() {
        if !pairs.iter().any(|p| p.cand == i) {
            out.push(stage(cand.0, s, false));
        }
    }
    for p in pairs {
        let (sb, sc) = (&base.1[p.base], &cand.1[p.cand]);
        let matched = match_endpoints(sb, sc);
        for (i, e) in sb.endpoints.iter().enumerate() {
            if !matched.iter().any(|m| m.0 == i) {
                out.push(Unmatched {
                    kind: "endpoint".into(),
                    name: format!("{} / {}", sb.name, e.key),
                    only_in: base.0.to_string(),
                    baseline_only: true,
                });
            }
        }
        for (i, e) in sc.endpoints.iter().enumerate() {
            if !matched.iter().any(|m| m.1 == i) {
                out.push(Unmatched {
                    kind: "endpoint".into(),
                    name: format!("{} / {}", sc.name, e.key),
                    only_in: cand.0.to_string(),
                    baseline_only: false,
                });
            }
        }
    }
    out
}

/// Two stages paired: their names, how, and each side's tool (when known).
#[derive(Clone, Debug)]
pub struct PairedStages {
    /// The baseline's stage.
    pub baseline: String,
    /// The candidate's stage.
    pub candidate: String,
    /// How they were paired.
    pub basis: StageBasis,
    /// The tools that measured them (baseline, candidate).
    pub tools: (Option<String>, Option<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(name: &str, users: Option<u32>, rate: Option<f64>) -> StageInput {
        StageInput {
            name: name.into(),
            users,
            arrival_rate_rps: rate,
            tool: None,
            failures_unseen: None,
            endpoints: Vec::new(),
        }
    }

    #[test]
    fn stages_pair_by_name_then_load_level_within_ten_percent() {
        let base = [
            stage("warm", Some(10), None),
            stage("a", Some(100), None),
            stage("b", None, Some(50.0)),
        ];
        let cand = [
            stage("x", None, Some(54.0)),
            stage("y", Some(108), None),
            stage("warm", Some(12), None),
            stage("z", Some(500), None),
        ];
        let pairs = match_stages(&base, &cand);
        assert_eq!(
            pairs,
            [
                StagePair {
                    base: 0,
                    cand: 2,
                    basis: StageBasis::Name
                },
                StagePair {
                    base: 1,
                    cand: 1,
                    basis: StageBasis::Users
                },
                StagePair {
                    base: 2,
                    cand: 0,
                    basis: StageBasis::ArrivalRate
                },
            ]
        );
        let left = unmatched(("1.0", &base), ("1.1", &cand), &pairs);
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].name.as_str(), left[0].only_in.as_str()),
            ("z", "1.1")
        );
    }

    #[test]
    fn stages_pair_by_what_follows_each_sides_shared_start() {
        let names =
            |v: &[&str]| -> Vec<StageInput> { v.iter().map(|n| stage(n, None, None)).collect() };
        assert_eq!(own_parts(&names(&["base-run1", "base-run2"])), ["1", "2"]);
        assert_eq!(own_parts(&names(&["run1", "run12"])), ["1", "12"]);
        assert_eq!(own_parts(&names(&["smoke", "soak"])), Vec::<String>::new());
        assert_eq!(
            own_parts(&names(&["a/x", "a/y", "a/"])),
            Vec::<String>::new()
        );
        let base = names(&["base-run2", "base-run1"]);
        let mut cand = names(&["cand-run1", "cand-run2"]);
        let pairs = match_stages(&base, &cand);
        let got: Vec<(usize, usize)> = pairs.iter().map(|p| (p.base, p.cand)).collect();
        assert_eq!(got, [(0, 1), (1, 0)]);
        assert!(pairs.iter().all(|p| p.basis == StageBasis::NamePart));
        // Known loads that differ keep two stages apart.
        cand[0].users = Some(8);
        let mut base = base;
        base[1].users = Some(64);
        let got: Vec<(usize, usize)> = (match_stages(&base, &cand).iter())
            .map(|p| (p.base, p.cand))
            .collect();
        assert_eq!(got, [(0, 1)]);
    }

    #[test]
    fn sole_stages_pair_unless_their_levels_differ() {
        let pairs = match_stages(&[stage("run-a", None, None)], &[stage("run-b", None, None)]);
        assert_eq!(pairs[0].basis, StageBasis::SoleStage);
        assert!(
            match_stages(&[stage("a", Some(10), None)], &[stage("b", Some(50), None)]).is_empty()
        );
    }
}
