//! How a generic CSV's timestamp column is read: the clocks a team's own script writes.
//! A number is an epoch or a time since the test began, in the unit the header names
//! (`ts_ms`, `time (s)`) or, without one, the unit its values show: an epoch's size
//! says seconds, ms, µs or ns (`time.time()`, `Date.now()`, `time.time_ns()`), and a
//! time since the start is told seconds from ms by Little's law on the first rows
//! (the requests in flight on average, Σ latency ÷ span, can be neither thousands for
//! one script nor a thousandth), or left in doubt: then no rate figure decides a
//! verdict. Text is RFC 3339 / ISO 8601 (a zone or not, `T` or a space, a `,` before
//! the fraction as Python's logging writes `2026-12-05 10:00:00,123`), or a time of day
//! without a date (`10:00:00`, `10:00:00.123`), read on 1970-01-01 with a note (hey's
//! and oha's times from the test's start are shown from there too); a time of day more
//! than an hour before the first row's is the next day's: the run crossed midnight.

use super::text::parse_rfc3339_ms;

/// How the cells of a timestamp column become epoch ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clock {
    /// A number times this factor to ms; text is RFC 3339.
    Number(f64),
    /// A time of day; the first row's, in ms since midnight.
    TimeOfDay(i64),
}

/// A time of day this long before the first row's is the next day's.
const NEXT_DAY_MS: i64 = 3_600_000;

impl Clock {
    /// The cell's time, epoch ms, or `None` when it is no time this clock reads.
    pub fn read(self, cell: &str) -> Option<i64> {
        match self {
            Clock::Number(to_ms) => match cell.parse::<f64>() {
                Ok(_) if rounded_by_a_spreadsheet(cell) => None,
                Ok(v) if v.is_finite() => Some((v * to_ms).round() as i64),
                _ => parse_rfc3339_ms(cell),
            },
            Clock::TimeOfDay(first) => {
                let t = time_of_day_ms(cell)?;
                Some(if t < first - NEXT_DAY_MS {
                    t + 86_400_000
                } else {
                    t
                })
            }
        }
    }
}

/// True for a number a spreadsheet saved in its short scientific form (`1.79652E+12`:
/// Excel's General format for a cell of more than 11 digits): its clock time is
/// rounded to 6 significant digits — 10⁷ ms, hours of a run at one instant.
pub fn rounded_by_a_spreadsheet(cell: &str) -> bool {
    let Some((mantissa, exponent)) = cell.split_once(['E', 'e']) else {
        return false;
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    cell.len() <= 16 && digits <= 8 && exponent > digits as i32
}

/// Why a timestamp cell a spreadsheet rounded ([`rounded_by_a_spreadsheet`]) is not read.
pub fn rounded_reason(cell: &str) -> String {
    format!(
        "timestamp `{cell}` was rounded to a few digits, as a spreadsheet saves a long \
         number in scientific notation: every request of minutes or hours would sit at \
         one instant, so the rows are not read; analyse the file the tool wrote, or \
         format the column as a whole number (no decimals) before saving it again"
    )
}

/// `HH:MM:SS`, `HH:MM:SS.mmm` (or `,mmm`) as ms since midnight.
pub fn time_of_day_ms(cell: &str) -> Option<i64> {
    let mut parts = cell.trim().split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.len() > 2 || m.len() != 2 || s.len() < 2 {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    let s: f64 = s.replace(',', ".").parse().ok()?;
    if h > 23 || m > 59 || !(0.0..60.0).contains(&s) {
        return None;
    }
    Some((h * 3600 + m * 60) * 1000 + (s * 1000.0).round() as i64)
}

/// What the first rows tell about a timestamp column.
pub struct Decided {
    pub clock: Clock,
    /// Notes on how it is read (a unit found from the values, times of day).
    pub notes: Vec<String>,
    /// Why its unit, and so every rate, is in doubt.
    pub doubt: Option<String>,
    /// True when its numbers are seconds (a script that writes seconds may write its
    /// durations in seconds too).
    pub seconds: bool,
}

/// Epoch seconds of 2001-09-09 and of the year 5138: a number in this range is a
/// Unix time in seconds; ×10³ in ms, ×10⁶ in µs, ×10⁹ in ns.
const EPOCH_SECONDS: std::ops::Range<f64> = 1e9..1e11;

/// Decides how column `name` (`timestamp` is headroom's own: ms) is read from its `unit` (a factor to ms, when the header
/// names one) and the first rows' `(timestamp cell, latency ms)` pairs.
pub fn decide(name: &str, unit: Option<f64>, head: &[(&str, Option<f64>)]) -> Decided {
    let own = name.trim().eq_ignore_ascii_case("timestamp");
    let plain = |factor: f64| Decided {
        clock: Clock::Number(factor),
        notes: Vec::new(),
        doubt: None,
        seconds: factor == 1000.0,
    };
    let Some(&(first, _)) = head.first() else {
        return plain(unit.unwrap_or(1.0));
    };
    if let Some(tod) = time_of_day_ms(first) {
        return Decided {
            clock: Clock::TimeOfDay(tod),
            notes: vec![format!(
                "column `{name}` holds times of day without a date (the first: {first}): \
                 read as times on 1970-01-01, the date unknown; a time more than an hour \
                 before the first row's is read as the next day's (the run crossed \
                 midnight), so the run must be shorter than 23 hours (write the date, \
                 ISO 8601, to show the run's real times)"
            )],
            doubt: None,
            seconds: false,
        };
    }
    let Ok(value) = first.parse::<f64>() else {
        let mut d = plain(unit.unwrap_or(1.0));
        if parse_rfc3339_ms(first).is_some() && !has_zone(first) {
            d.notes.push(format!(
                "column `{name}` holds dates and times without a zone (the first: {first}): \
                 read as UTC (add `Z` or an offset to say which)"
            ));
        }
        return d;
    };
    // A column named ms whose first time is a Unix time in seconds is in seconds:
    // in ms it would be a time in January 1970.
    let seconds_in_ms = unit == Some(1.0) && EPOCH_SECONDS.contains(&value);
    if let Some(factor) = unit.filter(|_| !seconds_in_ms) {
        return plain(factor);
    }
    for (scale, unit_name, factor) in [
        (1.0, "seconds", 1000.0),
        (1e3, "ms", 1.0),
        (1e6, "µs", 0.001),
        (1e9, "ns", 0.000_001),
    ] {
        if (EPOCH_SECONDS.start * scale..EPOCH_SECONDS.end * scale).contains(&value) {
            let mut d = plain(factor);
            if factor != 1.0 {
                d.notes.push(format!(
                    "column `{name}` holds Unix times in {unit_name} ({first} is {} in \
                     {unit_name}, and in ms no test's time): read as {unit_name} (name the \
                     column `{name}_{}` to say so)",
                    crate::model::format_rfc3339_ms((value * factor).round() as i64),
                    if factor == 1000.0 {
                        "s"
                    } else {
                        unit_name_ascii(factor)
                    },
                ));
            }
            return d;
        }
    }
    since_start(name, own, head)
}

/// True when an RFC 3339 text names its zone: `Z`, or an offset after the clock.
fn has_zone(text: &str) -> bool {
    let clock = text.get(10..).unwrap_or("");
    clock.contains(['Z', 'z', '+', '-'])
}

fn unit_name_ascii(factor: f64) -> &'static str {
    if factor == 0.001 {
        "us"
    } else {
        "ns"
    }
}

/// Above this many requests in flight on average, read as ms, a time since the start
/// is in seconds (one script's thousands); below [`MS_IN_FLIGHT`], in ms (as seconds,
/// a script idle 99.9 % of the time); between, either: a script's 1 to 1,000 users
/// read as ms are its 0.001 to 1 in seconds, also plausible (one user every second or
/// so), so the unit is in doubt — unless the column is headroom's own `timestamp`,
/// whose unit is ms (README).
const SECONDS_IN_FLIGHT: f64 = 1000.0;
const MS_IN_FLIGHT: f64 = 1.0;

/// A number column that is no epoch: a time since the test began, in seconds or ms;
/// `own`: the column is named `timestamp`, ms unless Little's law says seconds.
fn since_start(name: &str, own: bool, head: &[(&str, Option<f64>)]) -> Decided {
    let (mut lo, mut hi, mut busy) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for (cell, latency) in head {
        if let Ok(t) = cell.parse::<f64>() {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        busy += latency.unwrap_or(0.0);
    }
    let span = hi - lo;
    let in_flight = busy / span;
    let rows = head.len();
    let why = format!(
        "the first {rows} rows' latencies add up to {busy:.0} ms over a span of {span} in \
         its unit: read as ms, {} requests in flight on average, as seconds {} (Little's \
         law)",
        round_sig(in_flight),
        round_sig(in_flight / 1000.0)
    );
    let mut d = Decided {
        clock: Clock::Number(1.0),
        notes: Vec::new(),
        doubt: None,
        seconds: false,
    };
    if span > 0.0 && in_flight > SECONDS_IN_FLIGHT {
        d.clock = Clock::Number(1000.0);
        d.seconds = true;
        d.notes.push(format!(
            "column `{name}` names no unit and holds times since the test began: {why}; read \
             as seconds (name the column `{name}_s` to say so)"
        ));
    } else if span > 0.0 && (in_flight < MS_IN_FLIGHT || own) {
        d.notes.push(format!(
            "column `{name}` names no unit and holds times since the test began: {why}; read \
             as ms (name the column `{name}_ms` to say so)"
        ));
    } else {
        d.doubt = Some(format!(
            "column `{name}` names no unit and holds times since the test began, in seconds \
             or ms: {why}; name the column `{name}_s` or `{name}_ms`"
        ));
    }
    d
}

/// `x` to 3 significant digits, for a sentence.
fn round_sig(x: f64) -> String {
    if !x.is_finite() {
        return "unbounded".into();
    }
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spreadsheets_rounded_epoch_is_not_a_time() {
        assert!(rounded_by_a_spreadsheet("1.79652E+12"));
        assert!(rounded_by_a_spreadsheet("1,79652E+12"));
        assert!(!rounded_by_a_spreadsheet("1.796517124943e12"));
        assert!(!rounded_by_a_spreadsheet("1796517124943"));
        assert_eq!(Clock::Number(1.0).read("1.79652E+12"), None);
    }

    #[test]
    fn times_of_day_read_across_midnight() {
        assert_eq!(time_of_day_ms("10:00:00"), Some(36_000_000));
        assert_eq!(time_of_day_ms("10:00:00.123"), Some(36_000_123));
        assert_eq!(time_of_day_ms("9:05:01,5"), Some(32_701_500));
        assert_eq!(time_of_day_ms("10:00"), None);
        assert_eq!(time_of_day_ms("24:00:00"), None);
        assert_eq!(time_of_day_ms("1796497808.5"), None);
        let clock = Clock::TimeOfDay(time_of_day_ms("23:59:58").unwrap());
        assert_eq!(clock.read("23:59:59"), Some(86_399_000));
        // Rows a little out of order stay on the day; past midnight is the next day.
        assert_eq!(clock.read("23:59:50"), Some(86_390_000));
        assert_eq!(clock.read("00:00:01"), Some(86_401_000));
    }

    #[test]
    fn an_epochs_size_says_its_unit() {
        for (cell, factor) in [
            ("1796497808.686809", 1000.0),
            ("1796497808686", 1.0),
            ("1796497808686808", 0.001),
            ("1796497808686808737", 0.000_001),
        ] {
            let d = decide("ts", None, &[(cell, Some(5.0))]);
            assert_eq!(d.clock, Clock::Number(factor), "{cell}");
            assert_eq!(d.clock.read(cell).map(|t| t / 1000), Some(1_796_497_808));
        }
    }

    #[test]
    fn a_time_since_the_start_is_told_by_the_requests_in_flight() {
        // 100 requests of 200 ms over 10 units: 2,000 in flight as ms, 2 as seconds.
        let cells: Vec<String> = (0..100)
            .map(|i| format!("{}", f64::from(i) / 9.9))
            .collect();
        let head: Vec<(&str, Option<f64>)> =
            cells.iter().map(|c| (c.as_str(), Some(200.0))).collect();
        assert_eq!(decide("t", None, &head).clock, Clock::Number(1000.0));
        // Over 100,000 units: 0.2 in flight as ms.
        let cells: Vec<String> = (0..100).map(|i| format!("{}", i * 1010)).collect();
        let head: Vec<(&str, Option<f64>)> =
            cells.iter().map(|c| (c.as_str(), Some(200.0))).collect();
        let d = decide("t", None, &head);
        assert_eq!((d.clock, d.doubt), (Clock::Number(1.0), None));
        // Over 200 units: 100 in flight as ms, 0.1 as seconds: either, unless the
        // column is headroom's own `timestamp` (ms).
        let cells: Vec<String> = (0..100).map(|i| format!("{}", i * 2)).collect();
        let head: Vec<(&str, Option<f64>)> =
            cells.iter().map(|c| (c.as_str(), Some(200.0))).collect();
        assert!(decide("t", None, &head).doubt.is_some());
        let d = decide("timestamp", None, &head);
        assert_eq!((d.clock, d.doubt), (Clock::Number(1.0), None));
    }
}
