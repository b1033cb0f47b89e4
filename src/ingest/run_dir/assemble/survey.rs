//! The survey pass: what reading a file's observations once learns before the stage
//! windows are known (span, users per second, the requests' extremes, malformed and
//! implausible rows), its parts on their own threads; and what the passes leave out.

use std::collections::BTreeMap;
use std::path::Path;

use super::record::span_of;
use super::tape::{Tape, TapeReplay};
use super::{file_name, max_opt, min_opt, Recorded, Recorder, Skeleton};
use crate::ingest::chunks::in_parallel;
use crate::ingest::plausible::{Exclusions, Watch};
use crate::ingest::progress::ReadProgress;
use crate::ingest::{problem, IngestOptions, Observation, Replay};
use crate::model::{plausible_time, Problem};

/// What the first pass over the observations learns.
#[derive(Default)]
pub(super) struct Survey {
    pub(super) first_ms: Option<i64>,
    pub(super) last_ms: Option<i64>,
    /// When the last request ended (its start plus its latency): a run lasts until its
    /// last answer, not only until its last request was sent.
    pub(super) last_end_ms: Option<i64>,
    /// Users per whole second (largest sample).
    pub(super) users: BTreeMap<i64, f64>,
    /// Requests seen, and how many of them start on a whole second.
    pub(super) requests: u64,
    pub(super) on_whole_seconds: u64,
}

impl Survey {
    /// The clock's resolution, ms: 1,000 when every request starts on a whole second
    /// (k6's CSV writes seconds), so the last second counts whole; else 1.
    pub(super) fn resolution_ms(&self) -> i64 {
        if self.requests > 0 && self.on_whole_seconds == self.requests {
            1000
        } else {
            1
        }
    }

    /// The end of the span, exclusive: after the last start's clock tick, or at the last
    /// answer when that comes later. Throughput divides by the span from the first start
    /// to here, as the tools' own totals do (hey's `Total`, k6's duration).
    pub(super) fn end_ms(&self) -> Option<i64> {
        let last = self.last_ms?.saturating_add(self.resolution_ms());
        Some(self.last_end_ms.map_or(last, |e| e.max(last)))
    }
}

/// Malformed rows of a file shown one by one; the rest are counted.
const SHOWN_MALFORMED: u64 = 20;

/// What a survey keeps of the observations it reads, besides its own figures.
#[derive(Clone, Copy)]
pub(super) enum Keep<'a> {
    Nothing,
    /// Records them (the stages were known before it).
    Record(&'a Recorder<'a>, &'a Skeleton),
    /// Keeps them on a tape for the recording pass.
    Tape,
}

/// One survey pass over a file.
pub(super) struct FileSurvey {
    pub(super) survey: Survey,
    /// True when the file gave any observation.
    pub(super) seen: bool,
    /// Observations read.
    pub(super) rows: u64,
    /// Malformed rows, times that cannot be measurements, and what ended the reading.
    pub(super) problems: Vec<Problem>,
    /// The requests' extremes (`None` once taken).
    pub(super) watch: Option<Watch>,
    /// The ordinal of each part's first request in the file.
    pub(super) ordinal_starts: Vec<u64>,
    /// What the pass recorded, when asked to.
    pub(super) recorded: Option<Recorded>,
    /// What each part kept, to replay (`None` where its tape gave up).
    pub(super) tapes: Vec<Option<TapeReplay>>,
}

/// What a survey of one part (or a whole file) found.
pub(super) struct PartSurvey {
    pub(super) survey: Survey,
    pub(super) seen: bool,
    pub(super) rows: u64,
    pub(super) malformed: u64,
    /// The first [`SHOWN_MALFORMED`] malformed rows.
    pub(super) shown: Vec<Problem>,
    pub(super) implausible: u64,
    pub(super) first_implausible: Option<i64>,
    pub(super) outcome: Result<(), Problem>,
    pub(super) watch: Watch,
    pub(super) recorded: Option<Recorded>,
    pub(super) tape: Option<TapeReplay>,
}

/// Surveys one file (its parts on their own threads), leaving out `exclusions`;
/// `ordinals` gives each part's first request's ordinal. With `recording`, records
/// what it keeps too, or keeps it on a tape for the recording pass, as `keep` says.
pub(super) fn survey_file(
    path: &Path,
    r: &dyn Replay,
    parts: &mut [Box<dyn Replay + Send>],
    ordinals: &[u64],
    exclusions: &Exclusions,
    opts: &IngestOptions,
    keep: Keep<'_>,
) -> FileSurvey {
    let found: Vec<PartSurvey> = if parts.is_empty() {
        let progress = opts.progress;
        vec![survey_part(path, r, exclusions, 0, progress, keep)]
    } else {
        in_parallel(parts, |i, part| {
            let progress = opts.progress && i == 0;
            survey_part(path, part, exclusions, ordinals[i], progress, keep)
        })
    };
    let mut file = FileSurvey {
        survey: Survey::default(),
        seen: false,
        rows: 0,
        problems: Vec::new(),
        watch: None,
        ordinal_starts: Vec::new(),
        recorded: None,
        tapes: Vec::new(),
    };
    let (mut malformed, mut implausible, mut first_implausible) = (0u64, 0u64, None);
    let mut errors = Vec::new();
    let mut watch = Watch::default();
    for part in found {
        file.ordinal_starts.push(watch.requests());
        let s = part.survey;
        file.survey.first_ms = min_opt(file.survey.first_ms, s.first_ms);
        file.survey.last_ms = max_opt(file.survey.last_ms, s.last_ms);
        file.survey.last_end_ms = max_opt(file.survey.last_end_ms, s.last_end_ms);
        file.survey.requests += s.requests;
        file.survey.on_whole_seconds += s.on_whole_seconds;
        for (t, u) in s.users {
            note_users(&mut file.survey.users, t, u);
        }
        file.seen |= part.seen;
        file.rows += part.rows;
        malformed += part.malformed;
        for p in part.shown {
            if (file.problems.len() as u64) < SHOWN_MALFORMED {
                file.problems.push(p);
            }
        }
        implausible += part.implausible;
        first_implausible = first_implausible.or(part.first_implausible);
        if let Err(p) = part.outcome {
            errors.push(p);
        }
        watch.append(part.watch);
        file.tapes.push(part.tape);
        if let Some(rec) = part.recorded {
            match &mut file.recorded {
                Some(m) => m.append(rec),
                None => file.recorded = Some(rec),
            }
        }
    }
    if malformed > SHOWN_MALFORMED {
        file.problems.push(problem(
            path,
            None,
            format!(
                "{} more malformed rows left out (the first {SHOWN_MALFORMED} are shown)",
                malformed - SHOWN_MALFORMED
            ),
        ));
    }
    file.problems.extend(errors);
    if let Some(t) = first_implausible {
        file.problems.push(problem(
            path,
            None,
            crate::ingest::implausible_times(implausible, t),
        ));
    }
    file.watch = Some(watch);
    file
}

/// Surveys one part (or a whole file) whose first request has ordinal `ordinal`.
pub(super) fn survey_part(
    path: &Path,
    r: &dyn Replay,
    exclusions: &Exclusions,
    mut ordinal: u64,
    progress: bool,
    keep: Keep<'_>,
) -> PartSurvey {
    let recording = match keep {
        Keep::Record(recorder, skeleton) => Some((recorder, skeleton)),
        Keep::Nothing | Keep::Tape => None,
    };
    let mut local = Survey::default();
    let mut watch = Watch::default();
    let mut shown = Vec::new();
    let mut seen = false;
    let mut recorded = recording.map(|(_, sk)| sk.empty());
    let mut progress = ReadProgress::pass(progress, "reading", &file_name(path), None);
    let (mut implausible, mut first_implausible) = (0u64, None);
    let mut malformed = 0u64;
    let mut tape = matches!(keep, Keep::Tape).then(Tape::new).flatten();
    let mut this_second: Option<(i64, f64)> = None;
    let outcome = r.replay(&mut |obs| {
        progress.tick();
        if let Observation::Malformed(p) = obs {
            malformed += 1;
            if malformed <= SHOWN_MALFORMED {
                shown.push(p);
            }
            return;
        }
        let (t, until) = span_of(&obs);
        if !plausible_time(t) || !plausible_time(until) {
            implausible += 1;
            first_implausible.get_or_insert(t);
            return;
        }
        if let Observation::Request(ev) | Observation::Transaction(ev) = &obs {
            watch.see(ev.t_ms, ev.latency_ms, ev.line);
        }
        if !kept(&obs, exclusions, &mut ordinal) {
            return;
        }
        seen = true;
        if let (Some(out), Some((recorder, _))) = (recorded.as_mut(), recording) {
            out.record(recorder, &obs);
        }
        if let Some(tape) = tape.as_mut() {
            tape.push(&obs);
        }
        let users = match &obs {
            Observation::Request(ev) | Observation::Transaction(ev) => ev.users,
            Observation::Users { users, .. } => Some(*users),
            Observation::Histogram { .. } | Observation::Malformed(_) => None,
        };
        if matches!(obs, Observation::Request(_) | Observation::Transaction(_)) {
            local.requests += 1;
            local.on_whole_seconds += u64::from(t.rem_euclid(1000) == 0);
        }
        local.last_end_ms = local.last_end_ms.max(answered_at(&obs));
        local.first_ms = Some(local.first_ms.map_or(t, |f| f.min(t)));
        local.last_ms = Some(local.last_ms.map_or(until, |l| l.max(until)));
        if let Some(u) = users {
            // Rows come about in time order: a second's largest is kept aside until
            // another second comes, not looked up in the map for every row.
            let second = t.div_euclid(1000) * 1000;
            match &mut this_second {
                Some((s, most)) if *s == second => *most = most.max(u),
                _ => {
                    if let Some((s, most)) = this_second.replace((second, u)) {
                        note_users(&mut local.users, s, most);
                    }
                }
            }
        }
    });
    if let Some((s, most)) = this_second {
        note_users(&mut local.users, s, most);
    }
    PartSurvey {
        survey: local,
        seen,
        rows: progress.rows(),
        malformed,
        shown,
        implausible,
        first_implausible,
        outcome,
        watch,
        recorded,
        tape: tape.and_then(Tape::finish),
    }
}

/// Keeps the largest users of second `s`.
pub(super) fn note_users(users: &mut BTreeMap<i64, f64>, s: i64, u: f64) {
    let slot = users.entry(s).or_insert(u);
    *slot = slot.max(u);
}

/// False for an observation left out: malformed, or a request `exclusions` leave out
/// (`ordinal` counts the file's requests, with plausible times, in order).
pub(super) fn kept(obs: &Observation<'_>, exclusions: &Exclusions, ordinal: &mut u64) -> bool {
    match obs {
        Observation::Malformed(_) => false,
        Observation::Request(ev) | Observation::Transaction(ev) => {
            if !plausible_time(ev.t_ms) {
                return false;
            }
            *ordinal += 1;
            exclusions.keeps(*ordinal - 1, ev.t_ms)
        }
        _ => true,
    }
}

/// When a request's answer came (its start plus its latency, rounded up to the ms), for
/// a request with a measured latency.
pub(super) fn answered_at(obs: &Observation<'_>) -> Option<i64> {
    match obs {
        Observation::Request(ev) | Observation::Transaction(ev) => {
            let ms = ev.latency_ms.filter(|l| l.is_finite() && *l >= 0.0)?;
            Some(
                ev.t_ms
                    .saturating_add(ms.ceil().min(i64::MAX as f64) as i64),
            )
        }
        _ => None,
    }
}
