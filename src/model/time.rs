//! Time as the report shows it: RFC 3339 UTC text of epoch-ms instants. (Reading
//! times out of files is ingest's; this is the one way headroom writes them.) Also the
//! unit of time a file's values may be in, for the readers whose files may not say.

/// Times before this (1 January 2000, epoch ms) are no clock's: a tool that times its
/// requests from its test's own start (hey's and oha's CSV) places them from 1970-01-01.
const CLOCK_TIMES_FROM_MS: i64 = 946_684_800_000;

/// True when `t_ms` is a clock time, not an offset from a test's own start.
pub fn on_the_clock(t_ms: i64) -> bool {
    t_ms >= CLOCK_TIMES_FROM_MS
}

/// RFC 3339 UTC text (ms precision) of an epoch-ms time.
pub fn format_rfc3339_ms(t_ms: i64) -> String {
    // RFC 3339 has four-digit years: clamp to 1970..=9999 rather than fail.
    let t_ms = t_ms.clamp(0, super::LATEST_MS);
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(t_ms as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

/// A unit of time for values whose file does not state one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeUnit {
    /// Nanoseconds.
    #[default]
    Ns,
    /// Microseconds.
    Us,
    /// Milliseconds.
    Ms,
    /// Seconds.
    S,
}

impl TimeUnit {
    /// How many of this unit make one microsecond's worth… expressed as a factor
    /// from this unit to microseconds.
    pub fn to_us_factor(self) -> f64 {
        match self {
            TimeUnit::Ns => 0.001,
            TimeUnit::Us => 1.0,
            TimeUnit::Ms => 1000.0,
            TimeUnit::S => 1_000_000.0,
        }
    }

    /// Factor from this unit to milliseconds.
    pub fn to_ms_factor(self) -> f64 {
        self.to_us_factor() / 1000.0
    }

    /// `ns`, `us`, `ms`, `s`: as the unit options and `#[unit: …]` write it.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Ns => "ns",
            TimeUnit::Us => "us",
            TimeUnit::Ms => "ms",
            TimeUnit::S => "s",
        }
    }
}

impl std::str::FromStr for TimeUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ns" | "nanoseconds" => Ok(TimeUnit::Ns),
            "us" | "µs" | "microseconds" => Ok(TimeUnit::Us),
            "ms" | "milliseconds" => Ok(TimeUnit::Ms),
            "s" | "seconds" => Ok(TimeUnit::S),
            other => Err(format!("unknown time unit `{other}`: use ns, us, ms or s")),
        }
    }
}
