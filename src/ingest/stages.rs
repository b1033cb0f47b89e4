//! Deciding the stages of a source: from the manifest, from the run dir's name, or as
//! plateaus of the users series (ramps excluded), else the whole run as one stage;
//! and what to say when a tool ran fewer users than the plan gives its stage.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Manifest, ManifestStage};

use super::text::parse_rfc3339_ms;

/// A stage before measurements are recorded into it.
#[derive(Clone, Debug, PartialEq)]
pub struct StageSpec {
    /// Stage name.
    pub name: String,
    /// Closed-model users.
    pub users: Option<u32>,
    /// Open-model arrival rate, req/s.
    pub arrival_rate_rps: Option<f64>,
    /// Ramp speed, users/s.
    pub spawn_rate: Option<f64>,
    /// Steady window `[start, end)`, epoch ms, once known.
    pub window_ms: Option<(i64, i64)>,
    /// How the window was chosen.
    pub basis: String,
    /// Its users are what the data counted, not given by a name or manifest
    /// ([`crate::model::Stage::users_measured`]).
    pub users_measured: bool,
    /// The manifest's measured length of a stage whose window is wider (whole
    /// seconds), s ([`crate::model::Stage::measured_s`]).
    pub measured_s: Option<f64>,
}

/// The end of a manifest stage's window that `run.toml` leaves open: the stage
/// started and never ended (a driver killed outright). It is cut at the data's end.
pub const OPEN_END: i64 = i64::MAX;

/// Where a dir's stages come from.
#[derive(Clone, Debug, PartialEq)]
pub enum StagePlan {
    /// `run.toml` lists them (windows may still be unknown).
    Manifest(Vec<StageSpec>),
    /// The dir is one stage (its name says so: `03_peak_1000users`, `rate-50rps`).
    WholeDir {
        /// Stage name from the dir name.
        name: String,
        /// Users from the dir name.
        users: Option<u32>,
        /// The planned arrival rate from the dir name (`50rps`), req/s, when it gives
        /// no users ([`rate_from_dir_name`]).
        rate: Option<f64>,
    },
    /// Find plateaus of the users series; one stage named after the dir when none.
    Detect {
        /// Fallback name.
        fallback: String,
        /// The dir is one of several read together (a stage dir): its one plateau is
        /// named after it, several are `DIR/<users>_users` (see [`specs_from_plateaus`]).
        stage_dir: bool,
    },
}

impl StagePlan {
    /// The plan for a dir: manifest stages first, then the dir's name, then detection.
    /// `stage_dir`: the dir is one of several read together; `keep_number`: its
    /// ordering number is all that tells it from another (`01_step`, `02_step`), so it
    /// stays in the name.
    pub fn for_dir(
        dir_name: &str,
        manifest: Option<&Manifest>,
        stage_dir: bool,
        keep_number: bool,
    ) -> StagePlan {
        if let Some(m) = manifest.filter(|m| !m.stages.is_empty()) {
            return StagePlan::Manifest(
                (m.stages.iter().enumerate())
                    .map(|(i, s)| {
                        let start = s.steady_start.as_deref().or(s.start.as_deref());
                        let start = start.and_then(parse_rfc3339_ms);
                        // A stage that started and has no end (the last of a driver
                        // killed outright) runs to the next stage's start, else to the
                        // end of the data.
                        let next = (m.stages.get(i + 1))
                            .and_then(|n| n.start.as_deref())
                            .and_then(parse_rfc3339_ms);
                        let end = (s.end.as_deref().and_then(parse_rfc3339_ms))
                            .or(next)
                            .or(start.map(|_| OPEN_END));
                        StageSpec {
                            name: s.name.clone(),
                            users: s.users,
                            arrival_rate_rps: s.arrival_rate_rps,
                            spawn_rate: s.spawn_rate,
                            window_ms: start.zip(end),
                            basis: "run manifest".into(),
                            users_measured: false,
                            measured_s: s.duration_s.filter(|d| d.is_finite() && *d > 0.0),
                        }
                    })
                    .collect(),
            );
        }
        let written = dir_name;
        let dir_name = &*unstepped(dir_name);
        // A rate-driven run's dir (`rate-50rps`, `100rps`) is one stage as a users'
        // dir is, at its planned arrival rate.
        let rate = rate_from_dir_name(dir_name);
        match stage_from_dir_name(dir_name) {
            // A rerun's dir (`05_smoke_2users` beside `01_smoke_2users`) keeps its
            // number: the same words and users in another numbered dir are another
            // run, not a second generator of this one.
            Some((name, users))
                if (users.is_some() || rate.is_some())
                    && keep_number
                    && ordering_number(dir_name) =>
            {
                StagePlan::WholeDir {
                    name: numbered(dir_name, &name),
                    rate: rate.filter(|_| users.is_none()),
                    users,
                }
            }
            Some((name, users)) if users.is_some() || rate.is_some() => StagePlan::WholeDir {
                name,
                rate: rate.filter(|_| users.is_none()),
                users,
            },
            // A numbered stage dir without users (`01-smoke`, `02 ramp`) is named as
            // one with users is: its words, the ordering number dropped.
            Some((name, None)) if !keep_number && ordering_number(dir_name) => StagePlan::Detect {
                fallback: name,
                stage_dir,
            },
            _ => StagePlan::Detect {
                fallback: written.to_string(),
                stage_dir,
            },
        }
    }
}

impl StagePlan {
    /// The name a stage dir gives the one stage its own `run.toml` lists, when the
    /// dir's name is a stage's ([`stage_named`]: `c40`, `rate-100rps`, `02_peak`): the
    /// name it would give any tool's files in it. Drive runs saved one per stage dir
    /// each list the scenario's one stage (`main` in `c10/` and in `c40/`); the dirs,
    /// not the scenario, tell their stages apart. `None` for a dir named otherwise
    /// (`peak-run/` keeps its manifest's name).
    pub fn dir_names_stage(dir_name: &str, keep_number: bool) -> Option<String> {
        if !stage_named(dir_name) {
            return None;
        }
        match StagePlan::for_dir(dir_name, None, true, keep_number) {
            StagePlan::WholeDir { name, .. } => Some(name),
            StagePlan::Detect { fallback, .. } => Some(fallback),
            StagePlan::Manifest(_) => None,
        }
    }

    /// A stage dir's plan given the stages a `run.toml` above it lists (written by hand
    /// beside `baseline/` and `peak/`, or an export copied with its stage dirs): a dir
    /// whose name gives no users and names one of those stages is that stage, whole, at
    /// the users or arrival rate the manifest gives it. Any other plan stays as it is.
    pub fn with_stages_above(self, above: &[ManifestStage]) -> StagePlan {
        let name = match &self {
            StagePlan::Detect {
                fallback,
                stage_dir: true,
            } => fallback.clone(),
            StagePlan::WholeDir {
                name,
                users: None,
                rate: None,
            } => name.clone(),
            _ => return self,
        };
        let listed = (above.iter()).find(|s| s.name.eq_ignore_ascii_case(&name));
        match listed {
            Some(s) if s.users.is_some() && s.arrival_rate_rps.is_none() => StagePlan::WholeDir {
                name,
                users: s.users,
                rate: None,
            },
            _ => self,
        }
    }

    /// The dir that names detected stages: a stage dir's name (see
    /// [`specs_from_plateaus`]).
    pub fn stage_dir(&self) -> Option<&str> {
        match self {
            StagePlan::Detect {
                fallback,
                stage_dir: true,
            } => Some(fallback),
            _ => None,
        }
    }
}

/// A stage name and users from a dir name:
/// `(?i)(\d+)\s*(users?|u|vus|threads)` gives users, else a word `u` and its count
/// (`u10`, `03-peak-u50`), else the load tools' concurrency
/// flag written as `c=64` (`conc=`, `concurrency=`: wrk, hey, ab, h2load, autocannon
/// and siege all take `-c`); the other words, numeric prefix dropped, give the name.
/// `03_peak_1000users` → (`peak`, 1000); `c=64` → (`c=64`, 64); `01-c10u` → (`c10u`,
/// 10), users glued to a word leaving it whole.
pub fn stage_from_dir_name(dir: &str) -> Option<(String, Option<u32>)> {
    static USERS: OnceLock<Regex> = OnceLock::new();
    static CONCURRENCY: OnceLock<Regex> = OnceLock::new();
    static CONNECTIONS: OnceLock<Regex> = OnceLock::new();
    static PREFIXED: OnceLock<Regex> = OnceLock::new();
    let re = USERS
        .get_or_init(|| Regex::new(r"(?i)(\d+)\s*(users?|u|vus|threads)\b").expect("static regex"));
    let flag = CONCURRENCY.get_or_init(|| {
        Regex::new(r"(?i)(?:^|[\s(\[])(?:c|conc|concurrency)\s*=\s*(\d+)\b").expect("static regex")
    });
    // A release's version (`1.5.0-c8`, `v2.1_peak`) is no part of a stage's name, nor
    // its `1` an ordering number. A planned rate stays in it (`rate-50rps`,
    // `rate-100rps`: two stages, not one named `rate`).
    let unversioned = version_re().replace_all(dir, " ");
    // `\b` after `u` needs a non-word next: treat `_` as a separator first.
    // So are typographic dashes (`Phase 1 – warm`, `02 — Peak`: U+2010–U+2015, U+2212).
    let spaced = unversioned.replace(
        |c: char| matches!(c, '_' | '-' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}'),
        " ",
    );
    // A closed-model tool's connections (`02_peak_16c`, `base-4conns`, `step2-c50`: the
    // `-c` flag's value) as the name's last word only: `4c_8g` is an instance size, no
    // load.
    let conns = CONNECTIONS.get_or_init(|| {
        Regex::new(r"(?i)\b(?:(\d+)\s*(?:c|conns?|connections|clients)|c(\d+))\s*$")
            .expect("static regex")
    });
    // Users glued to a word's letters (`c10u`: `-c 10` users) leave the word whole as
    // the name: taken out, they would leave a lone `c` to name it.
    let glued = |c: &regex::Captures| {
        spaced[..c.get(0).map_or(0, |m| m.start())]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
    };
    // Users written before their count, as a word of its own (`u10`, `03-peak-u50`).
    let before = PREFIXED.get_or_init(|| Regex::new(r"(?i)\bu(\d+)\b").expect("static regex"));
    let found = (re.captures(&spaced))
        .or_else(|| before.captures(&spaced))
        .or_else(|| conns.captures(&spaced));
    let (users, rest) = match found {
        Some(c) => (
            c.get(1)
                .or_else(|| c.get(2))
                .and_then(|m| m.as_str().parse::<u32>().ok()),
            match glued(&c) {
                true => spaced.clone().into(),
                false => spaced.replace(&c[0], " ").into(),
            },
        ),
        None => (
            flag.captures(&spaced)
                .and_then(|c| c[1].parse::<u32>().ok()),
            flag.replace(&spaced, " "),
        ),
    };
    // Brackets and punctuation around the users separate words too: `02 Peak Load (50
    // users)` names `peak_load`.
    // A word of punctuation alone (`&`, `/`, `|`) names nothing.
    let words: Vec<&str> = (rest.split(|c: char| c.is_whitespace() || "()[]{}<>,;:".contains(c)))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let words: Vec<&str> = match words.first() {
        Some(w) if w.chars().all(|c| c.is_ascii_digit()) => words[1..].to_vec(),
        _ => words,
    };
    let name = if words.is_empty() {
        dir.to_string()
    } else {
        words.join("_").to_lowercase()
    };
    Some((name, users))
}

/// The names a stage dir's stage can have, most likely first: its words
/// (`01-warmup` → `warmup`, `03_peak_50users` → `peak`), those with the ordering
/// number kept (`05_smoke`, a rerun's), and the dir's whole name. Whoever maps a file
/// back to its stage (the export) keeps the first a stage has, as [`StagePlan::for_dir`]
/// named it.
pub fn stage_dir_names(dir: &str) -> Vec<String> {
    let mut names = Vec::new();
    let words = unstepped(dir);
    if let Some((name, _)) = stage_from_dir_name(&words) {
        if ordering_number(&words) {
            names.push(numbered(&words, &name));
        }
        names.insert(0, name);
    }
    names.push(dir.to_string());
    names
}

/// True when a dir's name is a stage's: numbered (`01_baseline`, `03 stress`,
/// `Stage 2 - Peak`) or giving users (`peak_50users`, `c=64`) or a planned rate
/// (`rate-50rps`).
pub fn stage_named(name: &str) -> bool {
    let name = &*unstepped(name);
    numbered_name(name).is_some()
        || stage_from_dir_name(name).is_some_and(|(_, u)| u.is_some())
        || rate_from_dir_name(name).is_some()
}

/// The planned arrival rate, req/s, a dir's (or file's) name gives a rate-driven run:
/// a number before `rps`, `qps`, `tps`, `r/s`, `req/s`, `reqs/s`, `req-s`,
/// `req_per_sec` or `reqpersec` (not `reqs` alone: a count of requests), as teams name
/// the dirs of `hey -q`, `wrk -R`, `autocannon -R` or `vegeta -rate` runs (`rate-50rps`,
/// `100rps`, `stage 3 - 200 req-s`). The rate stays in the stage's name.
/// `None` without one, or for a rate of 0.
pub fn rate_from_dir_name(name: &str) -> Option<f64> {
    let c = rate_re().captures(name)?;
    let rate: f64 = c[1].parse().ok()?;
    (rate > 0.0 && rate.is_finite()).then_some(rate)
}

/// A planned rate in a name ([`rate_from_dir_name`]), a word of its own.
fn rate_re() -> &'static Regex {
    static RATE: OnceLock<Regex> = OnceLock::new();
    RATE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:^|[^\p{L}\d.])(\d+(?:\.\d+)?)[\s_\-]*(?:rps|qps|tps|r/s|req(?:s|uests)?(?:\s*/\s*|[\s_\-]+(?:per[\s_\-]+)?|per)s(?:ec(?:ond)?)?)(?:$|[^\p{L}\d])",
        )
        .expect("static regex")
    })
}

/// The name and users a numbered stage dir gets (`01-smoke` → `smoke`;
/// `05_smoke_2users` → `smoke`, 2), if it is one.
pub fn numbered_name(dir_name: &str) -> Option<(String, Option<u32>)> {
    stage_from_dir_name(dir_name).filter(|_| ordering_number(dir_name))
}

/// A numbered dir's stage `name` with its ordering number kept in front
/// (`05_smoke_2users`, `smoke` → `05_smoke`).
fn numbered(dir_name: &str, name: &str) -> String {
    let number = dir_name
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    format!("{number}_{name}")
}

/// A stage dir's name numbered as teams write it, `Stage 2 - Peak`, `step_1_warm_up`,
/// `Phase 3 (soak)`, written with its number first as `02-peak` is (`2 Peak`), so it
/// is named and numbered by the same rules. Only dirs: a file's `step-1-console` is
/// the console of `step-1`, not a stage named `console`.
fn unstepped(dir: &str) -> Cow<'_, str> {
    static STEP: OnceLock<Regex> = OnceLock::new();
    let re = STEP.get_or_init(|| {
        Regex::new(r"(?i)^(?:stage|step|phase)[\s_\-]*(\d{1,3})[\s_\-:.\p{Pd}]+(.*\pL.*)$")
            .expect("static regex")
    });
    let Some(c) = re.captures(dir) else {
        return Cow::Borrowed(dir);
    };
    let numbered = format!("{} {}", &c[1], &c[2]);
    // Words must be left to name it: `step3_100u` is stage `step3` at 100 users.
    match stage_from_dir_name(&numbered) {
        Some((name, _)) if name != numbered => Cow::Owned(numbered),
        _ => Cow::Borrowed(dir),
    }
}

/// True when a dir's name opens with an ordering number (one to three digits) before
/// words that hold a letter (`01-smoke`, `02 Ramp`, `3_soak`), not a date
/// (`2026-12-04`) nor a number alone.
fn ordering_number(dir: &str) -> bool {
    if version_re().find(dir).is_some_and(|m| m.start() == 0) {
        return false;
    }
    let mut words = dir
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && words.any(|w| w.chars().any(char::is_alphabetic))
}

/// A release's version in a dir's name, as a word of its own: `1.5.0`, `v2.1`.
fn version_re() -> &'static Regex {
    static VERSION: OnceLock<Regex> = OnceLock::new();
    VERSION.get_or_init(|| {
        Regex::new(r"(?i)(?:^|[\s_\-(\[])(v?\d+(?:\.\d+)+)(?:$|[\s_\-)\]])").expect("static regex")
    })
}

/// A plateau of the users series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plateau {
    /// First sample at this level, epoch ms.
    pub start_ms: i64,
    /// Last sample at this level, epoch ms.
    pub end_ms: i64,
    /// The level.
    pub users: f64,
}

/// How long a step of a stepped ramp is held, at least, to be a stage of its own.
const HELD_STEP_MS: i64 = 30_000;

/// Plateaus of a users series sorted by time: maximal runs of one level with users
/// above zero, lasting at least three samples and 5 % of the series' active span
/// (shorter runs are steps of a ramp), or the steps of a stepped ramp (20 – 40 steps
/// in one file: each held [`HELD_STEP_MS`] or more and 1 % of the span, reached by a
/// jump of more than one user; a slow linear ramp moves one user at a time). The active span leaves out idle gaps (no sample
/// for over ten sample intervals, as between a smoke test and a load test an hour
/// later): an idle hour would make a 30-second smoke test a ramp's step, its requests
/// in no stage. Adjacent plateaus at the same level are joined (a user's brief stop
/// between them) unless the users fell below half that level in between: a second run
/// appended to the same file (JMeter's `-l` appends), ramping up again, is a stage of
/// its own, never pooled with the first. (Two runs at one level with no ramp between
/// are one plateau here; the audit's `stage_gap` questions the time between them.)
pub fn plateaus(samples: &[(i64, f64)]) -> Vec<Plateau> {
    if samples.is_empty() {
        return Vec::new();
    }
    let cap = 10 * sample_spacing_ms(samples.iter().map(|s| s.0));
    let active: i64 = (samples.windows(2))
        .map(|w| (w[1].0 - w[0].0).clamp(0, cap))
        .sum();
    let min_span = (active as f64 * 0.05) as i64;
    // A step of a stepped ramp: held for half a minute or more and 1 % of the span,
    // reached by a jump of more than one user from the last level held that long (a
    // slow linear ramp, one user at a time, is no series of stages).
    let min_step = (active as f64 * 0.01).max(HELD_STEP_MS as f64) as i64;
    let mut last_held = 0.0_f64;
    let mut runs: Vec<(Plateau, usize)> = Vec::new();
    for &(t, u) in samples {
        match runs.last_mut() {
            Some((p, n)) if p.users == u => {
                p.end_ms = t;
                *n += 1;
            }
            _ => runs.push((
                Plateau {
                    start_ms: t,
                    end_ms: t,
                    users: u,
                },
                1,
            )),
        }
    }
    let mut out: Vec<Plateau> = Vec::new();
    // The lowest level since the last plateau kept.
    let mut lowest = f64::INFINITY;
    for (p, n) in runs {
        let span = p.end_ms - p.start_ms;
        let step = span >= min_step && (p.users - last_held).abs() > 1.0;
        if span >= min_step {
            last_held = p.users;
        }
        if p.users <= 0.0 || n < 3 || (span < min_span && !step) {
            lowest = lowest.min(p.users);
            continue;
        }
        match out.last_mut() {
            Some(prev) if prev.users == p.users && lowest >= p.users / 2.0 => {
                prev.end_ms = p.end_ms;
            }
            _ => out.push(p),
        }
        lowest = f64::INFINITY;
    }
    out
}

/// The sampling interval of a series, measured: the median spacing of its distinct
/// times, ms; 1,000 when there are not two.
pub fn sample_spacing_ms(times: impl IntoIterator<Item = i64>) -> i64 {
    let mut t: Vec<i64> = times.into_iter().collect();
    t.sort_unstable();
    t.dedup();
    let mut gaps: Vec<i64> = t
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| *g > 0)
        .collect();
    if gaps.is_empty() {
        return 1000;
    }
    gaps.sort_unstable();
    gaps[gaps.len() / 2]
}

/// Stage specs for detected plateaus: named `<users>_users` (or `<users>_users_2` when
/// a level repeats). In a stage dir (`stage_dir`: the dir's name) the dir names its
/// stages, whatever the tool: its one plateau is named after it, several are
/// `DIR/<users>_users`. Two stage dirs at the same users are then two stages, never
/// one spanning the gap between them.
pub fn specs_from_plateaus(found: &[Plateau], stage_dir: Option<&str>) -> Vec<StageSpec> {
    let mut specs: Vec<StageSpec> = Vec::new();
    for p in found {
        let base = match stage_dir {
            Some(dir) if found.len() == 1 => dir.to_string(),
            Some(dir) => format!("{dir}/{}_users", p.users.round() as u64),
            None => format!("{}_users", p.users.round() as u64),
        };
        let seen = specs.iter().filter(|s| s.name.starts_with(&base)).count();
        let name = if seen == 0 {
            base
        } else {
            format!("{base}_{}", seen + 1)
        };
        specs.push(StageSpec {
            name,
            users: Some(p.users.round() as u32),
            arrival_rate_rps: None,
            spawn_rate: None,
            window_ms: Some((p.start_ms, p.end_ms)),
            basis: "plateau of the users series".into(),
            users_measured: true,
            measured_s: None,
        });
    }
    specs
}

/// Names in the order a person reads them: runs of digits compare as numbers
/// (`c=2` before `c=16`, `step-9` before `step-10`), the rest as text.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    let chunks = |s: &str| -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    };
    let key = |(digit, text): &(bool, String)| {
        let number = text.trim_start_matches('0');
        // Numbers by their length, then digits; text as it is.
        (
            *digit,
            if *digit { number.len() } else { 0 },
            if *digit {
                number.to_string()
            } else {
                text.clone()
            },
        )
    };
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let order = match (p.0, q.0) {
            (true, true) => key(p).cmp(&key(q)),
            _ => p.1.cmp(&q.1),
        };
        if order.is_ne() {
            return order;
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// The note when `tool` ran fewer at once (`ran`) than the plan (dir name, run.toml)
/// gives `stage`: one of several generators, or a misnamed dir. The plan's count
/// stands; the note says which figure is whose.
pub(super) fn fewer_than_planned(
    tool: &str,
    ran: Option<u32>,
    stage: &crate::model::Stage,
) -> Option<String> {
    let (ran, planned) = (ran?, stage.users?);
    (ran < planned).then(|| {
        format!(
            "{tool} ran {ran} at once where the stage's name or run.toml says {planned} \
             users: stage \"{}\" is reported at {planned} users, as if {tool} were one of \
             several generators, with {tool}'s requests and throughput alone; if it was the \
             only one, the load was {ran}: rename the dir or set the stage's users in \
             run.toml",
            stage.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_is_the_median_gap() {
        assert_eq!(
            sample_spacing_ms([0, 5000, 5000, 10_000, 15_000, 21_000]),
            5000
        );
        assert_eq!(sample_spacing_ms([7]), 1000);
    }

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut names = [
            "c=16", "c=2", "c=1", "step-10", "step-9", "01_a", "1_a", "b",
        ];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            names,
            ["01_a", "1_a", "b", "c=1", "c=2", "c=16", "step-9", "step-10"]
        );
    }

    #[test]
    fn dir_names() {
        assert_eq!(
            stage_from_dir_name("03_peak_1000users"),
            Some(("peak".into(), Some(1000)))
        );
        // `c10u` (`-c 10`, users): the word stays whole, not a lone `c`.
        assert_eq!(
            stage_from_dir_name("01-c10u"),
            Some(("c10u".into(), Some(10)))
        );
        assert_eq!(
            stage_from_dir_name("01_Baseline_100users"),
            Some(("baseline".into(), Some(100)))
        );
        assert_eq!(
            stage_from_dir_name("stress-2000u"),
            Some(("stress".into(), Some(2000)))
        );
        assert_eq!(
            stage_from_dir_name("50 vus"),
            Some(("50 vus".into(), Some(50)))
        );
        assert_eq!(
            stage_from_dir_name("results"),
            Some(("results".into(), None))
        );
        assert_eq!(
            stage_from_dir_name("02 Peak Load (50 users)"),
            Some(("peak_load".into(), Some(50)))
        );
        assert_eq!(
            stage_from_dir_name("03 Spike [200 VUs]"),
            Some(("spike".into(), Some(200)))
        );
        // `u10`, `u50`: a word of users and their count, as teams name Locust's dirs.
        assert_eq!(stage_from_dir_name("u10"), Some(("u10".into(), Some(10))));
        assert_eq!(
            stage_from_dir_name("03-peak-u50"),
            Some(("peak".into(), Some(50)))
        );
        assert_eq!(stage_from_dir_name("menu10").map(|s| s.1), Some(None));
        assert_eq!(stage_from_dir_name("c=64"), Some(("c=64".into(), Some(64))));
        assert_eq!(stage_from_dir_name("c50"), Some(("c50".into(), Some(50))));
        assert_eq!(
            stage_from_dir_name("step2-c50"),
            Some(("step2".into(), Some(50)))
        );
        assert_eq!(stage_from_dir_name("c5_xlarge").map(|s| s.1), Some(None));
        assert_eq!(
            stage_from_dir_name("02_peak_c=32"),
            Some(("peak".into(), Some(32)))
        );
        assert_eq!(stage_from_dir_name("abc=5"), Some(("abc=5".into(), None)));
        // A release's version is neither a word of the name nor an ordering number.
        for (dir, name, users) in [
            ("1.5.0-c8", "1.5.0-c8", Some(8)),
            ("1.5.0-again", "again", None),
            ("v2.1_peak_50users", "peak", Some(50)),
            ("release-1.5.0 (16 users)", "release", Some(16)),
            ("think-1.5s", "think_1_5s", None),
        ] {
            assert_eq!(
                stage_from_dir_name(dir),
                Some((name.into(), users)),
                "{dir}"
            );
        }
        assert!(!stage_named("1.5.0-again") && stage_named("1.5.0-c8"));
        assert!(stage_named("01.peak"));
        assert_eq!(
            stage_from_dir_name("02_peak_16c"),
            Some(("peak".into(), Some(16)))
        );
        assert_eq!(
            stage_from_dir_name("01-base-4conns"),
            Some(("base".into(), Some(4)))
        );
        assert_eq!(stage_from_dir_name("4c_8g"), Some(("4c_8g".into(), None)));
    }

    #[test]
    fn numbered_dirs_without_users_are_named_by_their_words() {
        let named = |dir: &str| match StagePlan::for_dir(dir, None, true, false) {
            StagePlan::Detect { fallback, .. } => fallback,
            other => panic!("{other:?}"),
        };
        assert_eq!(named("01-smoke"), "smoke");
        assert_eq!(named("02 Ramp"), "ramp");
        assert_eq!(named("3_soak"), "soak");
        assert_eq!(named("2026-12-04"), "2026-12-04");
        assert_eq!(named("2026-12-04-run"), "2026-12-04-run");
        assert_eq!(named("results"), "results");
        assert_eq!(named("v2-canary"), "v2-canary");
        assert_eq!(named("Stage 2 - Peak"), "peak");
        assert_eq!(named("step_1_warm_up"), "warm_up");
        assert_eq!(named("Phase 3 (soak)"), "soak");
        assert_eq!(named("Phase 1 – warm"), "warm");
        assert_eq!(named("02 — Peak & soak"), "peak_soak");
        assert_eq!(
            stage_from_dir_name(&unstepped("Stage 3 - Peak (50 users)")),
            Some(("peak".into(), Some(50)))
        );
        assert_eq!(
            stage_from_dir_name("step-1-console").unwrap().0,
            "step_1_console"
        );
        assert_eq!(stage_dir_names("Stage 2 - Peak")[..2], ["peak", "2_peak"]);
        assert!(stage_named("Stage 2 - Peak"));
        assert_eq!(unstepped("step3_100u"), "step3_100u");
        assert!(!stage_named("Stage 2") && !stage_named("stage_results"));
    }

    /// A users series sampled each second from 0: each level for its seconds.
    fn per_second(levels: &[(f64, i64)]) -> Vec<(i64, f64)> {
        let mut t = 0i64;
        let mut s = Vec::new();
        for &(u, secs) in levels {
            for _ in 0..secs {
                s.push((t * 1000, u));
                t += 1;
            }
        }
        s
    }

    #[test]
    fn one_level_again_after_a_ramp_from_below_half_is_a_plateau_of_its_own() {
        // 10 users 30 s, a blip to 9 for 2 s, 10 users 30 s: one plateau. Then down to
        // 1 and up again by 3 a second (a second run appended): a second plateau.
        let s = per_second(&[
            (10.0, 30),
            (9.0, 2),
            (10.0, 30),
            (1.0, 1),
            (4.0, 1),
            (7.0, 1),
            (10.0, 30),
        ]);
        let p = plateaus(&s);
        let found: Vec<(i64, i64, f64)> =
            p.iter().map(|p| (p.start_ms, p.end_ms, p.users)).collect();
        assert_eq!(found, vec![(0, 61_000, 10.0), (65_000, 94_000, 10.0)]);
        let names: Vec<String> = specs_from_plateaus(&p, None)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["10_users", "10_users_2"]);
    }

    #[test]
    fn three_plateaus_with_ramps_between() {
        // 10 users for 30 s, ramp by 10/s to 50, 30 s, ramp to 100, 30 s.
        let mut levels = vec![(0.0, 1), (10.0, 30)];
        levels.extend([20.0, 30.0, 40.0].map(|u| (u, 1)));
        levels.push((50.0, 30));
        levels.extend([60.0, 70.0, 80.0, 90.0].map(|u| (u, 1)));
        levels.push((100.0, 30));
        let p = plateaus(&per_second(&levels));
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[0].start_ms, p[0].end_ms, p[0].users),
            (1_000, 30_000, 10.0)
        );
        assert_eq!(
            (p[1].start_ms, p[1].end_ms, p[1].users),
            (34_000, 63_000, 50.0)
        );
        assert_eq!(
            (p[2].start_ms, p[2].end_ms, p[2].users),
            (68_000, 97_000, 100.0)
        );
        let specs = specs_from_plateaus(&p, None);
        assert_eq!(specs[1].name, "50_users");
        let specs = specs_from_plateaus(&p, Some("soak"));
        assert_eq!(specs[1].name, "soak/50_users");
        let one = specs_from_plateaus(&p[1..2], Some("soak"));
        assert_eq!((one[0].name.as_str(), one[0].users), ("soak", Some(50)));
    }
}
