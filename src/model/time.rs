//! Time as the report shows it: RFC 3339 UTC text of epoch-ms instants. (Reading
//! times out of files is ingest's; this is the one way headroom writes them.)

/// RFC 3339 UTC text (ms precision) of an epoch-ms time.
pub fn format_rfc3339_ms(t_ms: i64) -> String {
    // RFC 3339 has four-digit years: clamp to 1970..=9999 rather than fail.
    let t_ms = t_ms.clamp(0, super::LATEST_MS);
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(t_ms as u64);
    humantime::format_rfc3339_millis(t).to_string()
}
