//! How an endpoint's key is written: an overlong label cut with a visible marker,
//! and the method shown once before the name.

use std::fmt;

use super::EndpointKey;

/// Longest endpoint label kept, bytes; the rest is cut with a visible marker (a
/// 100 MB label must not cost its size again in every report).
pub const MAX_LABEL_BYTES: usize = 2048;

/// `label` cut to [`MAX_LABEL_BYTES`] (at a character boundary) with a marker saying
/// how much was cut; `None` when it is short enough.
pub fn cut_label(label: &str) -> Option<String> {
    if label.len() <= MAX_LABEL_BYTES {
        return None;
    }
    let mut end = MAX_LABEL_BYTES;
    while !label.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!(
        "{}…[cut {} bytes]",
        &label[..end],
        label.len() - end
    ))
}

/// `GET /a`, or the name alone when it starts with its method already (Locust's
/// `name="GET /a"` of type `GET`): never `GET GET /a`.
impl fmt::Display for EndpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said = |m: &str| {
            let head = self.name.get(..m.len());
            head.is_some_and(|h| h.eq_ignore_ascii_case(m)) && self.name[m.len()..].starts_with(' ')
        };
        match &self.method {
            Some(m) if !said(m) => write!(f, "{m} {}", self.name),
            _ => f.write_str(&self.name),
        }
    }
}
