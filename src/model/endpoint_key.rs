//! How an endpoint's key is written: an overlong label cut with a visible marker,
//! and the method shown once before the name.

use std::fmt;
use std::path::Path;

use super::EndpointKey;

/// The endpoint of a JMeter summariser's totals (`summary =` in jmeter.log): every
/// sampler together, none named.
pub const ALL_SAMPLERS: &str = "all samplers";

/// The endpoint of an Artillery report whose phases name no request: every request.
pub const ALL_REQUESTS: &str = "all requests";

impl EndpointKey {
    /// True when the key names no request: a reader whose file does not say what was
    /// requested (siege's, h2load's and hey's summaries, hey's CSV, oha's JSON) names
    /// the endpoint after the file's stem (`siege` for `siege.json`, `.gz` aside), or
    /// after all its requests ([`ALL_SAMPLERS`], [`ALL_REQUESTS`]). `files` are the
    /// run's inputs.
    pub fn named_after_file<'p>(&self, mut files: impl Iterator<Item = &'p Path>) -> bool {
        if self.method.is_some() {
            return false;
        }
        if self.name == ALL_SAMPLERS || self.name == ALL_REQUESTS {
            return true;
        }
        files.any(|path| {
            let name = path.file_name().and_then(|n| n.to_str());
            let unpacked = name.and_then(|n| n.strip_suffix(".gz")).map(Path::new);
            let stem = unpacked
                .unwrap_or(path)
                .file_stem()
                .and_then(|s| s.to_str());
            stem == Some(self.name.as_str())
        })
    }
}

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
