//! Gatling's assertions: the pass/fail gate a simulation declares (`setUp(…)
//! .assertions(global.responseTime.percentile(95).lt(500))`), which Gatling judges at
//! the end of the run and fails the build on. The log keeps them: base64 `ASSERTION`
//! records at the head of the text log (3.x), length-prefixed blobs in the binary
//! log's header (3.13 and later), each Gatling's `Assertion` model in boopickle's
//! encoding. This file decodes them and judges them on the source's figures the way
//! Gatling's `AssertionValidator` does (every request of the run, OK and KO; times as
//! whole ms), giving the run's tool checks.
//!
//! Decoded by hand: boopickle is a Scala library with no Rust reader, and the model is
//! seven small enums (Gatling's `AssertionModel.scala` and `AssertionPicklers.scala`
//! give their order). A blob that does not decode is named, never guessed at.

use base64::Engine;

use crate::model::{EndpointStats, LatencyDistribution, Source, ToolCheck};

/// One decoded assertion.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    path: Scope,
    target: Target,
    condition: Condition,
}

/// What an assertion is about.
#[derive(Clone, Debug, PartialEq)]
enum Scope {
    /// Every request of the run.
    Global,
    /// Each request name on its own.
    ForAll,
    /// One request (or group) by its path: groups, then the name.
    Details(Vec<String>),
}

/// Which requests a count or percentage counts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Count {
    All,
    Successful,
    Failed,
}

/// A statistic of the response time.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stat {
    Min,
    Max,
    Mean,
    StdDev,
    Percentile(f64),
}

/// The figure an assertion judges.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Count(Count),
    Percent(Count),
    ResponseTime(Stat),
    MeanRequestsPerSec,
}

/// The condition the figure must meet.
#[derive(Clone, Debug, PartialEq)]
enum Condition {
    Lte(f64),
    Gte(f64),
    Lt(f64),
    Gt(f64),
    Is(f64),
    Between(f64, f64, bool),
    In(Vec<f64>),
}

/// A boopickle reader over one blob; `None` on anything it does not expect.
struct Pickle<'a>(&'a [u8]);

impl Pickle<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// boopickle's 1–5 byte integer: `0xxxxxxx`, or a length and sign nibble then
    /// big-endian bytes, or `0xE0` then four raw bytes in the buffer's (little-endian)
    /// order.
    fn int(&mut self) -> Option<i64> {
        let b = self.byte()?;
        if b & 0x80 == 0 {
            return Some(i64::from(b));
        }
        let sign = if b & 0x10 == 0 { 1 } else { -1 };
        let more = match b >> 4 {
            0x8 | 0x9 => 1,
            0xA | 0xB => 2,
            0xC | 0xD => 3,
            0xE if b == 0xE0 => {
                let raw = self.take(4)?;
                return Some(i64::from(i32::from_le_bytes(raw.try_into().ok()?)));
            }
            _ => return None,
        };
        let mut v = i64::from(b & 0x0F);
        for _ in 0..more {
            v = v << 8 | i64::from(self.byte()?);
        }
        Some(sign * v)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        (self.0.len() >= n).then(|| {
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            head
        })
    }

    /// A double: eight bytes, little-endian (Gatling's buffers are).
    fn double(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A case class's header: 0 for a new object (a reference to an earlier one is
    /// not expected in one assertion).
    fn object(&mut self) -> Option<()> {
        (self.int()? == 0).then_some(())
    }

    /// A composite pickler's 1-based index of the concrete type.
    fn variant(&mut self) -> Option<i64> {
        self.int()
    }

    fn string(&mut self) -> Option<String> {
        match self.int()? {
            0 => Some(String::new()),
            len if len > 0 => {
                String::from_utf8(self.take(usize::try_from(len).ok()?)?.to_vec()).ok()
            }
            _ => None,
        }
    }

    fn count(&mut self) -> Option<Count> {
        match self.variant()? {
            1 => Some(Count::All),
            2 => Some(Count::Successful),
            3 => Some(Count::Failed),
            _ => None,
        }
    }

    fn scope(&mut self) -> Option<Scope> {
        match self.variant()? {
            1 => Some(Scope::Global),
            2 => Some(Scope::ForAll),
            3 => {
                self.object()?;
                let n = usize::try_from(self.int()?).ok().filter(|n| *n <= 64)?;
                let parts = (0..n).map(|_| self.string()).collect::<Option<_>>()?;
                Some(Scope::Details(parts))
            }
            _ => None,
        }
    }

    fn stat(&mut self) -> Option<Stat> {
        Some(match self.variant()? {
            1 => Stat::Min,
            2 => Stat::Max,
            3 => Stat::Mean,
            4 => Stat::StdDev,
            5 => {
                self.object()?;
                Stat::Percentile(self.double()?)
            }
            _ => return None,
        })
    }

    fn target(&mut self) -> Option<Target> {
        let v = self.variant()?;
        if v == 4 {
            return Some(Target::MeanRequestsPerSec);
        }
        self.object()?;
        Some(match v {
            1 => Target::Count(self.count()?),
            2 => Target::Percent(self.count()?),
            3 => {
                // The time metric: response time, the only one.
                (self.variant()? == 1).then_some(())?;
                Target::ResponseTime(self.stat()?)
            }
            _ => return None,
        })
    }

    fn condition(&mut self) -> Option<Condition> {
        let v = self.variant()?;
        self.object()?;
        Some(match v {
            1 => Condition::Lte(self.double()?),
            2 => Condition::Gte(self.double()?),
            3 => Condition::Lt(self.double()?),
            4 => Condition::Gt(self.double()?),
            5 => Condition::Is(self.double()?),
            6 => Condition::Between(self.double()?, self.double()?, self.byte()? == 1),
            7 => {
                let n = usize::try_from(self.int()?).ok().filter(|n| *n <= 1024)?;
                Condition::In((0..n).map(|_| self.double()).collect::<Option<_>>()?)
            }
            _ => return None,
        })
    }
}

/// Decodes one assertion's bytes; `None` when they are not one.
pub fn decode(bytes: &[u8]) -> Option<Assertion> {
    let mut p = Pickle(bytes);
    p.object()?;
    let a = Assertion {
        path: p.scope()?,
        target: p.target()?,
        condition: p.condition()?,
    };
    p.0.is_empty().then_some(a)
}

/// Decodes a text log's `ASSERTION` record's base64 field.
pub fn decode_base64(field: &str) -> Option<Assertion> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(field.trim())
        .ok()?;
    decode(&bytes)
}

/// The warning for `n` assertions of a log that do not decode, if any.
pub fn unread_assertions(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    vec![format!(
        "{n} of the simulation's assertions could not be decoded (a layout headroom does \
         not know): Gatling's own pass/fail on them is unknown here; its console prints it"
    )]
}

/// A number as Scala prints a `Double` in Gatling's messages (`500.0`, `99.9`).
fn scala(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e7 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// `95th`, `99.9th`, `1st`, `22nd`: a percentile's rank as Gatling writes it.
fn rank(v: f64) -> String {
    if v.fract() != 0.0 {
        return format!("{v}th");
    }
    let n = v as i64;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl Assertion {
    /// Gatling's own words for it (`Global: 95th percentile of response time is less
    /// than 500.0`), with `scope` for its path.
    fn message(&self, scope: &str) -> String {
        let counted = |c: Count| match c {
            Count::All => "all events",
            Count::Successful => "successful events",
            Count::Failed => "failed events",
        };
        let target = match self.target {
            Target::Count(c) => format!("count of {}", counted(c)),
            Target::Percent(c) => format!("percentage of {}", counted(c)),
            Target::MeanRequestsPerSec => "mean requests per second".into(),
            Target::ResponseTime(stat) => {
                let stat = match stat {
                    Stat::Min => "min".into(),
                    Stat::Max => "max".into(),
                    Stat::Mean => "mean".into(),
                    Stat::StdDev => "standard deviation".into(),
                    Stat::Percentile(p) => format!("{} percentile", rank(p)),
                };
                format!("{stat} of response time")
            }
        };
        let condition = match &self.condition {
            Condition::Lte(v) => format!("is less than or equal to {}", scala(*v)),
            Condition::Gte(v) => format!("is greater than or equal to {}", scala(*v)),
            Condition::Lt(v) => format!("is less than {}", scala(*v)),
            Condition::Gt(v) => format!("is greater than {}", scala(*v)),
            Condition::Is(v) => format!("is {}", scala(*v)),
            Condition::Between(lo, hi, inclusive) => format!(
                "is between {} and {}{}",
                scala(*lo),
                scala(*hi),
                if *inclusive { " inclusive" } else { "" }
            ),
            Condition::In(vs) => {
                let vs: Vec<String> = vs.iter().map(|v| scala(*v)).collect();
                format!("is in List({})", vs.join(", "))
            }
        };
        format!("{scope}: {target} {condition}")
    }

    /// True when `actual` meets the condition.
    fn holds(&self, actual: f64) -> bool {
        match &self.condition {
            Condition::Lt(v) => actual < *v,
            Condition::Lte(v) => actual <= *v,
            Condition::Gt(v) => actual > *v,
            Condition::Gte(v) => actual >= *v,
            Condition::Is(v) => actual == *v,
            Condition::Between(lo, hi, true) => actual >= *lo && actual <= *hi,
            Condition::Between(lo, hi, false) => actual > *lo && actual < *hi,
            Condition::In(vs) => vs.contains(&actual),
        }
    }

    /// The figure judged, from `requests` requests with `failures` failed and their
    /// response times, over `seconds` of run: whole ms for times, as Gatling rounds
    /// them; `None` when the figure is not measured.
    fn actual(
        &self,
        (requests, failures): (u64, u64),
        latency: &LatencyDistribution,
        seconds: Option<f64>,
    ) -> Option<f64> {
        let share = |n: u64| {
            if requests == 0 {
                None
            } else {
                Some(n as f64 * 100.0 / requests as f64)
            }
        };
        let ok = requests - failures.min(requests);
        Some(match self.target {
            Target::Count(Count::All) => requests as f64,
            Target::Count(Count::Successful) => ok as f64,
            Target::Count(Count::Failed) => failures as f64,
            // Gatling's figures for a scope without requests.
            Target::Percent(Count::Successful) => share(ok).unwrap_or(0.0),
            Target::Percent(Count::Failed) => share(failures).unwrap_or(100.0),
            Target::Percent(Count::All) => 100.0,
            Target::MeanRequestsPerSec => requests as f64 / seconds?,
            Target::ResponseTime(stat) => {
                let ms = match stat {
                    Stat::Min => latency.min_ms()?,
                    Stat::Max => latency.max_ms()?,
                    Stat::Mean => latency.mean_ms()?,
                    Stat::StdDev => latency.histogram()?.stdev() / 1000.0,
                    Stat::Percentile(p) => latency.percentile(p)?.value_ms,
                };
                ms.round()
            }
        })
    }
}

/// `assertions` (each once) judged on `src`'s every request, as checks of `file`; and
/// why each that cannot be is not (a group's path, a request name not in the log).
pub fn judge(assertions: &[Assertion], src: &Source, file: &str) -> (Vec<ToolCheck>, Vec<String>) {
    let endpoints = &src.overall.endpoints;
    // Gatling's run length: whole seconds from the first request's to the last's.
    let seconds = src.span_ms.and_then(|(first, end)| {
        let s = (end as f64 / 1000.0).ceil() - (first as f64 / 1000.0).floor();
        (s > 0.0).then_some(s)
    });
    let check = |a: &Assertion, scope: &str, of: Vec<&EndpointStats>| {
        let message = a.message(scope);
        let (counts, latency) = figures(of.into_iter());
        match a.actual(counts, &latency, seconds) {
            Some(actual) => Ok(ToolCheck {
                tool: "gatling".into(),
                name: format!("{message} (actual: {})", scala(actual)),
                passed: a.holds(actual),
                file: file.to_string(),
            }),
            None => Err(format!("`{message}`: its figure is not measured")),
        }
    };
    let mut once: Vec<&Assertion> = Vec::new();
    for a in assertions {
        if !once.contains(&a) {
            once.push(a);
        }
    }
    let requests = || endpoints.values().filter(|e| !e.transaction);
    let mut judged = Vec::new();
    for a in once {
        match &a.path {
            Scope::Global => judged.push(check(a, "Global", requests().collect())),
            Scope::Details(parts) if parts.is_empty() => {
                judged.push(check(a, "Global", requests().collect()));
            }
            Scope::ForAll => {
                judged.extend(requests().map(|e| check(a, &e.key.name, vec![e])));
            }
            Scope::Details(parts) => {
                // A request's endpoint is its groups and name joined so.
                let path = parts.join(" / ");
                let of_name: Vec<&EndpointStats> =
                    requests().filter(|e| e.key.name == path).collect();
                judged.push(if of_name.is_empty() {
                    Err(format!(
                        "`{}`: no request of the log has that path (a group's is not judged \
                         here; Gatling's console says how it went)",
                        a.message(&path)
                    ))
                } else {
                    check(a, &path, of_name)
                });
            }
        }
    }
    let (mut checks, mut unjudged) = (Vec::new(), Vec::new());
    for j in judged {
        match j {
            Ok(c) => checks.push(c),
            Err(why) => unjudged.push(why),
        }
    }
    (checks, unjudged)
}

/// Requests, failures and response times of `endpoints` together.
fn figures<'a>(
    endpoints: impl Iterator<Item = &'a EndpointStats>,
) -> ((u64, u64), LatencyDistribution) {
    let mut latency = LatencyDistribution::new_exact();
    let (mut requests, mut failures) = (0, 0);
    for e in endpoints {
        requests += e.requests;
        failures += e.failures;
        latency.merge(&e.latency);
    }
    ((requests, failures), latency)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three ASSERTION records of a real Gatling 3.9.5 log
    /// (`samples/gatling/GatlingPerformanceFramework_3.9.5`), decoded by hand from
    /// boopickle's layout: doubles 95.0/500.0, 100.0 and 300.0 in their bytes.
    #[test]
    fn real_records() {
        let p95 = decode_base64("AAEDAAEFAAAAAAAAwFdAAwAAAAAAAEB/QA==").unwrap();
        assert_eq!(
            p95.message("Global"),
            "Global: 95th percentile of response time is less than 500.0"
        );
        let ok = decode_base64("AAECAAIFAAAAAAAAAFlA").unwrap();
        assert_eq!(
            ok.message("Global"),
            "Global: percentage of successful events is 100.0"
        );
        let mean = decode_base64("AAEDAAEDAwAAAAAAAMByQA==").unwrap();
        assert_eq!(
            mean.message("Global"),
            "Global: mean of response time is less than 300.0"
        );
        assert!(decode_base64("AAEDAAEDAwAAAAAAAMBy").is_none(), "cut short");
        assert!(decode_base64("not base64!").is_none());
    }

    #[test]
    fn details_between_and_in() {
        // Details(["checkout"]), Count(Failed), Between(1.0, 2.5, inclusive).
        let mut b = vec![0, 3, 0, 1, 8];
        b.extend(b"checkout");
        b.extend([1, 0, 3, 6, 0]);
        b.extend(1.0f64.to_le_bytes());
        b.extend(2.5f64.to_le_bytes());
        b.push(1);
        let a = decode(&b).unwrap();
        assert_eq!(
            a.message("checkout"),
            "checkout: count of failed events is between 1.0 and 2.5 inclusive"
        );
        assert!(a.holds(2.5) && !a.holds(3.0));
        // ForAll, MeanRequestsPerSec, In([1.0, 2.0]).
        let mut b = vec![0, 2, 4, 7, 0, 2];
        b.extend(1.0f64.to_le_bytes());
        b.extend(2.0f64.to_le_bytes());
        let a = decode(&b).unwrap();
        assert!(a.holds(2.0) && !a.holds(1.5));
        assert_eq!(rank(99.9), "99.9th");
        assert_eq!(
            (rank(1.0), rank(12.0), rank(22.0)),
            ("1st".into(), "12th".into(), "22nd".into())
        );
    }

    #[test]
    fn any_bytes_decode_or_are_refused_without_a_panic() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for len in 0..4000usize {
            let bytes: Vec<u8> = (0..len % 40)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    (x >> 56) as u8 % if len % 3 == 0 { 8 } else { 255 }
                })
                .collect();
            let _ = decode(&bytes);
        }
    }

    #[test]
    fn boopickle_ints() {
        let int = |b: &[u8]| Pickle(b).int();
        assert_eq!(int(&[0x7f]), Some(127));
        assert_eq!(int(&[0x81, 0x00]), Some(256));
        assert_eq!(int(&[0x90, 0x05]), Some(-5));
        assert_eq!(int(&[0xA1, 0x00, 0x00]), Some(65_536));
        assert_eq!(int(&[0xE0, 0, 1, 0, 0]), Some(256));
        assert_eq!(int(&[0xF0]), None);
    }
}
