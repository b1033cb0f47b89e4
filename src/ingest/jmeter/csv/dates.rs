//! JMeter CSV `timeStamp` cells written as dates, not epoch ms. The long forms
//! (`yyyy/MM/dd HH:mm:ss[.SSS]`, `yyyy-MM-dd …`) say which field is which; the short
//! one (`jmeter.save.saveservice.timestamp_format=dd/MM/yy HH:mm:ss` in Europe,
//! `MM/dd/yy HH:mm:ss` JMeter's own fallback) does not, and read in the wrong order a
//! run over midnight lasts a month. So one order is chosen per file from its values:
//! a first field over 12 is a day, a second over 12 is one; else the order in which
//! the file's first and last dates are closest (a run lasts hours, not months), and a
//! note says which was taken and why. A dotted date (`dd.MM.yyyy HH:mm:ss`, as a
//! spreadsheet in a German locale saves the JTL again) is always day first.

use std::path::Path;

use super::{split_line, Layout, TIMESTAMP};
use crate::ingest::text::parse_rfc3339_ms;

/// The order of day and month in a file's `dd/MM/yy`-shaped dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DayOrder {
    /// `MM/dd/yy`: JMeter's fallback format.
    #[default]
    MonthFirst,
    /// `dd/MM/yy`: a European `timestamp_format`.
    DayFirst,
}

/// Epoch ms from a `timeStamp` cell: epoch ms, or one of the date formats JMeter's
/// own reader accepts (`yyyy/MM/dd HH:mm:ss[.SSS]`, `yyyy-MM-dd HH:mm:ss[.SSS]`,
/// `MM/dd/yy HH:mm:ss`), read as UTC.
pub fn parse_timestamp(v: &str) -> Option<i64> {
    parse_timestamp_in(v, DayOrder::MonthFirst)
}

/// [`parse_timestamp`] with the file's order of day and month in short dates.
pub fn parse_timestamp_in(v: &str, order: DayOrder) -> Option<i64> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let b = v.as_bytes();
    if b.len() >= 19 && b[4] == b'/' && b[7] == b'/' {
        return parse_rfc3339_ms(&v.replacen('/', "-", 2));
    }
    if let Some((first, second)) = short_date(v) {
        // Two-digit years are 20yy.
        let (month, day) = match order {
            DayOrder::MonthFirst => (first, second),
            DayOrder::DayFirst => (second, first),
        };
        let iso = format!("20{}-{month:02}-{day:02} {}", &v[6..8], &v[9..]);
        return parse_rfc3339_ms(&iso);
    }
    if b.len() >= 19 && b[4] == b'-' && b[7] == b'-' {
        return parse_rfc3339_ms(v);
    }
    dotted(v).and_then(|iso| parse_rfc3339_ms(&iso))
}

/// A dotted date (`06.12.2026 01:02:03`, `06.12.26 01:02:03.456`) as ISO text: the
/// form a spreadsheet in a German, Russian or Polish locale saves a date cell in, or
/// `timestamp_format=dd.MM.yyyy HH:mm:ss` writes; always day first.
fn dotted(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 17 || b[2] != b'.' || b[5] != b'.' || !digits(0..2) || !digits(3..5) {
        return None;
    }
    let (year, rest) = match (b.get(8), b.get(10)) {
        (_, Some(b' ')) if digits(6..10) => (v[6..10].to_string(), &v[11..]),
        (Some(b' '), _) if digits(6..8) => (format!("20{}", &v[6..8]), &v[9..]),
        _ => return None,
    };
    Some(format!("{year}-{}-{} {rest}", &v[3..5], &v[0..2]))
}

/// The first two fields of a short date (`05/12/25 23:59:58`: 5 and 12).
fn short_date(v: &str) -> Option<(u32, u32)> {
    let b = v.as_bytes();
    if b.len() < 17 || b[2] != b'/' || b[5] != b'/' || b[8] != b' ' {
        return None;
    }
    Some((v[0..2].parse().ok()?, v[3..5].parse().ok()?))
}

/// The order of a file's short dates from its `lines` (its first ones and its last),
/// with a note saying why when it is not JMeter's fallback or not certain; the
/// fallback with no note when the file has no short date or says nothing against it.
pub fn day_order<'a>(
    layout: &Layout,
    lines: impl Iterator<Item = &'a str>,
) -> (DayOrder, Option<String>) {
    let Some(at) = layout.at(TIMESTAMP) else {
        return (DayOrder::MonthFirst, None);
    };
    let dates: Vec<String> = lines
        .map(|l| split_line(l, layout.delimiter))
        .filter_map(|cells| cells.get(at).cloned())
        .filter(|v| short_date(v).is_some())
        .collect();
    let fields: Vec<(u32, u32)> = dates.iter().filter_map(|v| short_date(v)).collect();
    if fields.iter().any(|(first, _)| *first > 12) {
        let note = "its short dates (`dd/MM/yy`) are read day first: a first field is over 12";
        return (DayOrder::DayFirst, Some(format!("timeStamp: {note}")));
    }
    if fields.iter().any(|(_, second)| *second > 12) || dates.len() < 2 {
        return (DayOrder::MonthFirst, None);
    }
    let span = |order| {
        let first = parse_timestamp_in(&dates[0], order)?;
        let last = parse_timestamp_in(&dates[dates.len() - 1], order)?;
        Some((last - first).abs())
    };
    match (span(DayOrder::MonthFirst), span(DayOrder::DayFirst)) {
        (Some(m), Some(d)) if d < m => (
            DayOrder::DayFirst,
            Some(format!(
                "timeStamp: its short dates could be `MM/dd/yy` or `dd/MM/yy` (no field over \
                 12); they are read day first, which makes the file span {}, not {}",
                span_words(d),
                span_words(m)
            )),
        ),
        _ => (DayOrder::MonthFirst, None),
    }
}

/// The last line of a file whose bytes are its text (its last 8 KiB), for the span of
/// its dates; None for a gzip or UTF-16 file (reading to its end would cost a pass).
pub fn last_line(path: &Path) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    if crate::ingest::chunks::compressed(path) != Some(false) {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(8192))).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    let text = String::from_utf8_lossy(&tail);
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    Some(line.to_string())
}

/// A span of ms in words (`2 min`, `31 days`).
fn span_words(ms: i64) -> String {
    let s = ms / 1000;
    match s {
        _ if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        _ if s >= 2 * 3600 => format!("{} h", s / 3600),
        _ if s >= 120 => format!("{} min", s / 60),
        _ => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_dates_read_in_either_order() {
        // 2025-12-05T23:59:58Z and 2025-05-12T23:59:58Z.
        let (dec5, may12) = (1_764_979_198_000, 1_747_094_398_000);
        assert_eq!(
            parse_timestamp_in("05/12/25 23:59:58", DayOrder::DayFirst),
            Some(dec5)
        );
        assert_eq!(
            parse_timestamp_in("05/12/25 23:59:58", DayOrder::MonthFirst),
            Some(may12)
        );
    }

    #[test]
    fn dotted_dates_are_day_first() {
        // 2026-12-06T00:32:04Z, as a German spreadsheet saves it.
        let ms = 1_796_517_124_000;
        for order in [DayOrder::DayFirst, DayOrder::MonthFirst] {
            assert_eq!(parse_timestamp_in("06.12.2026 00:32:04", order), Some(ms));
            assert_eq!(
                parse_timestamp_in("06.12.26 00:32:04.250", order),
                Some(ms + 250)
            );
        }
        assert_eq!(parse_timestamp("06.12.2026 00:32"), None, "no seconds");
        assert_eq!(parse_timestamp("6.12.2026 00:32:04"), None);
    }

    #[test]
    fn the_order_comes_from_the_values() {
        let layout = super::super::sniff("timeStamp,elapsed,label\n").unwrap();
        let order = |rows: &[&str]| day_order(&layout, rows.iter().copied()).0;
        // A first field over 12: day first.
        assert_eq!(order(&["13/12/25 10:00:00,5,a"]), DayOrder::DayFirst);
        // A second over 12: month first.
        assert_eq!(order(&["12/13/25 10:00:00,5,a"]), DayOrder::MonthFirst);
        // Over midnight on 5 December: 2 s day first, a month month first.
        let midnight = ["05/12/25 23:59:59,5,a", "06/12/25 00:00:01,5,a"];
        assert_eq!(order(&midnight), DayOrder::DayFirst);
        // Within one day, both orders give the same span: JMeter's fallback.
        assert_eq!(
            order(&["05/12/25 10:00:00,5,a", "05/12/25 11:00:00,5,a"]),
            DayOrder::MonthFirst
        );
        assert_eq!(span_words(31 * 86_400_000), "31 days");
    }
}
