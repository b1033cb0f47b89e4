//! How finely a load tool writes the latencies it summarises: the step between two
//! values its output can hold, at a value. A tool's summary percentile is the true
//! one rounded to that step, so two runs of one service can differ by a whole step
//! with nothing changed: hey prints seconds to four decimals (0.3 ms and 0.4 ms is
//! +33 %), Locust keeps whole milliseconds under 100 ms and two significant digits
//! above (its response-time buckets: 12 ms and 13 ms is +8 %), ab and autocannon
//! whole milliseconds, wrk two decimals of its unit (10 ms steps once it prints
//! seconds). compare's `reported` widens what a change must exceed by half a step on
//! each side, and an SLA pass within half a step of its limit is not proven. The
//! audit's response-time law reads a printed mean within half its own step
//! ([`mean_step_ms`]: ab's mean is whole ms though Locust's is not).
//! Tools whose summaries keep finer figures than any noise floor (k6's summary
//! export, oha's JSON, vegeta) have no step here; k6's console summary
//! (`k6-console`) has its two decimals of its unit.

/// The step of `tool`'s written latencies at `value_ms`, ms; 0 when the tool is
/// unknown or writes them finely.
pub fn step_ms(tool: Option<&str>, value_ms: f64) -> f64 {
    let v = value_ms.abs();
    match tool {
        // locust/stats.py: round(t) under 100 ms, then to two significant digits.
        Some("locust") => match v {
            v if v < 100.0 => 1.0,
            v if v < 1_000.0 => 10.0,
            v if v < 10_000.0 => 100.0,
            _ => 1_000.0,
        },
        // `0.0123 secs`.
        Some("hey") => 0.1,
        // Whole milliseconds in their percentile tables.
        Some("ab" | "autocannon") => 1.0,
        Some("k6-console") => k6_console_step_ms(v),
        // `%.2f` of us, ms, s or m; wrk moves to the next unit once the value is 85 %
        // of it (`0.91ms` is 910 µs), but never past ms below a second (`997.11ms`:
        // its units.c scales under 1 s and from 1 s apart).
        Some("wrk") => match v {
            v if v < 0.85 => 0.000_01,
            v if v < 1_000.0 => 0.01,
            v if v < 51_000.0 => 10.0,
            _ => 600.0,
        },
        _ => 0.0,
    }
}

/// The step of the mean response time `tool` prints at `value_ms`, ms: ab's whole
/// milliseconds, hey's and siege's seconds to four and two decimals, httperf's tenths
/// of a millisecond, autocannon's hundredths, h2load's and wrk's as their other
/// figures; 0 for a tool that writes its mean finely (Locust's `Average Response
/// Time`, k6, …).
pub fn mean_step_ms(tool: Option<&str>, value_ms: f64) -> f64 {
    match tool {
        Some("ab") => 1.0,
        Some("hey") => 0.1,
        // `Response time: 0.02 secs`.
        Some("siege") => 10.0,
        // `Reply time [ms]: response 0.4`.
        Some("httperf") => 0.1,
        // `Avg 20.59 ms` (console) and `"mean": 20.59` (`--json`).
        Some("autocannon") => 0.01,
        Some("h2load") => h2load_step_ms(value_ms),
        Some("wrk" | "k6-console") => step_ms(tool, value_ms),
        _ => 0.0,
    }
}

/// The step of the fastest and slowest response time `tool` prints at `value_ms`,
/// ms: ab's and autocannon's whole milliseconds, hey's seconds to four decimals,
/// siege's `Longest transaction: 0.01` seconds to two, httperf's tenths of a
/// millisecond, h2load's and wrk's as their other figures; 0 when written finely.
pub fn extreme_step_ms(tool: Option<&str>, value_ms: f64) -> f64 {
    match tool {
        Some("ab" | "autocannon") => 1.0,
        Some("hey" | "httperf") => 0.1,
        Some("siege") => 10.0,
        Some("h2load") => h2load_step_ms(value_ms),
        Some("wrk" | "k6-console") => step_ms(tool, value_ms),
        _ => 0.0,
    }
}

/// k6's console summary (its `humanizeGenericDuration`): two decimals of µs, ms or
/// s by magnitude, whole seconds past a minute (`1m3s`), cut rather than rounded, so
/// the true value lies up to a whole step above the printed one: the step given is
/// twice k6's, as a pass within half of it is the one a cut figure cannot show.
fn k6_console_step_ms(value_ms: f64) -> f64 {
    2.0 * match value_ms.abs() {
        v if v < 1.0 => 0.000_01,
        v if v < 1_000.0 => 0.01,
        v if v < 60_000.0 => 10.0,
        _ => 1_000.0,
    }
}

/// h2load's `time for request` figures: whole µs under 1 ms (`59us`), two decimals
/// of ms under 1 s (`4.01ms`), two decimals of seconds above (`1.50s`).
fn h2load_step_ms(value_ms: f64) -> f64 {
    match value_ms.abs() {
        v if v < 1.0 => 0.001,
        v if v < 1_000.0 => 0.01,
        _ => 10.0,
    }
}

#[cfg(test)]
mod tests {
    use super::{extreme_step_ms, mean_step_ms, step_ms};

    #[test]
    fn steps_follow_each_tools_printing() {
        assert_eq!(step_ms(Some("locust"), 12.0), 1.0);
        assert_eq!(step_ms(Some("locust"), 150.0), 10.0);
        assert_eq!(step_ms(Some("locust"), 3_400.0), 100.0);
        assert_eq!(step_ms(Some("hey"), 0.3), 0.1);
        assert_eq!(step_ms(Some("wrk"), 10.84), 0.01);
        assert_eq!(step_ms(Some("wrk"), 1_230.0), 10.0);
        assert_eq!(step_ms(Some("wrk"), 0.91), 0.01);
        // Under a second wrk stops at ms (its units.c; a real max of `997.11ms`).
        assert_eq!(step_ms(Some("wrk"), 900.0), 0.01);
        assert_eq!(step_ms(Some("wrk"), 997.11), 0.01);
        assert_eq!(step_ms(Some("k6"), 12.0), 0.0);
        assert_eq!(step_ms(None, 12.0), 0.0);
        assert_eq!(mean_step_ms(Some("ab"), 2.0), 1.0);
        assert_eq!(mean_step_ms(Some("locust"), 450.0), 0.0);
        assert_eq!(mean_step_ms(Some("h2load"), 1_500.0), 10.0);
        assert_eq!(extreme_step_ms(Some("siege"), 0.0), 10.0);
        assert_eq!(extreme_step_ms(Some("h2load"), 0.059), 0.001);
        assert_eq!(step_ms(Some("k6-console"), 3_100.0), 20.0);
        assert_eq!(mean_step_ms(Some("k6-console"), 63_000.0), 2_000.0);
    }
}
