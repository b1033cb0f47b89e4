//! Small value types shared by scenario and profile files: durations written either
//! as humantime text (`"500ms"`, `"5m"`) or as a number of seconds (`0.5`).

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// A duration from a TOML value: a string parsed by humantime, or seconds as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Secs(pub Duration);

impl<'de> Deserialize<'de> for Secs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(s) => seconds(s).map(Secs).map_err(serde::de::Error::custom),
            Raw::Text(t) => parse_duration(&t)
                .map(Secs)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// A non-negative, finite number of seconds as a `Duration`.
pub fn seconds(s: f64) -> Result<Duration, String> {
    if s.is_finite() && (0.0..1e9).contains(&s) {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(format!(
            "bad duration {s}: expected a non-negative number of seconds"
        ))
    }
}

/// Parses `"1.5"` (seconds), `"250ms"`, `"10s"`, `"5m"`, `"1h 30m"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(s) = t.parse::<f64>() {
        return seconds(s);
    }
    // humantime has no fractional units ("0.5s"), which scenario writers reach for.
    if let Some(num) = t.strip_suffix("ms").or_else(|| t.strip_suffix('s')) {
        if let Ok(v) = num.trim().parse::<f64>() {
            let scale = if t.ends_with("ms") { 0.001 } else { 1.0 };
            return seconds(v * scale);
        }
    }
    humantime::parse_duration(t)
        .map_err(|e| format!("bad duration `{t}`: {e} (use e.g. 500ms, 10s, 5m)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("0.5s").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1").is_err());
    }
}
