//! Routes: identifiers in request names become placeholders, so that `/agents/123`
//! and `/agents/456` are one endpoint (`/agents/{id}`). Ingest applies it with
//! `--normalize-labels`; analysis uses it to notice many endpoints that are one route.
//!
//! Only URL-path segments and query values are rewritten, and only when the whole
//! segment is an identifier: a number (`{id}`), a UUID (`{uuid}`) or a long hex or
//! base-36 token with digits in it (`{hex}`, e.g. a Mongo ObjectId or a hash). Words
//! (`/v1/`, `/api/`, `/agents/`) and the scheme and host of a full URL stay as
//! they are. Names without a `/` are user-chosen labels (JMeter samplers, Gatling
//! requests) and are left alone.

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::path::Path;

use super::{EndpointKey, Stage};

/// HTTP methods, as they open an endpoint key (`GET /item`).
const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// An endpoint key's method (upper-cased) when it opens with one, and the rest: `GET
/// List agents` → (GET, `List agents`); `List agents` → (none, `List agents`).
pub fn key_method_and_name(key: &str) -> (Option<String>, &str) {
    let key = key.trim();
    match key.split_once(char::is_whitespace) {
        Some((m, rest)) if METHODS.contains(&m.to_ascii_uppercase().as_str()) => {
            (Some(m.to_ascii_uppercase()), rest.trim())
        }
        _ => (None, key),
    }
}

/// An endpoint key's method (upper-cased) and route path: `GET /item` → (GET,
/// `/item`); `http://host:8080/item/` → (none, `/item`). `None` for a label that is
/// no route (`T01_HomePageLoad`).
pub fn key_route(key: &str) -> Option<(Option<String>, String)> {
    let (method, target) = key_method_and_name(key);
    // Locust's `name="post /x"` on a request of type `GET` is keyed `GET post /x`: the
    // type is the method sent, the name's own method word only a label's.
    let target = match key_method_and_name(target) {
        (Some(_), rest) if method.is_some() && rest.starts_with('/') => rest,
        _ => target,
    };
    let lower = target.to_ascii_lowercase();
    let path = if lower.starts_with("http://") || lower.starts_with("https://") {
        let after = &target[target.find("://")? + 3..];
        after.find('/').map_or("/", |i| &after[i..])
    } else {
        target
    };
    if !path.starts_with('/') {
        return None;
    }
    let path = match path.trim_end_matches('/') {
        "" => "/",
        p => p,
    };
    Some((method, path.to_string()))
}

/// True when two endpoint keys of the data (of two tools) may be one request: the same
/// route path once query strings are left out and IDs made placeholders (`/agents/7`
/// and `/agents/9` are `/agents/{id}`), or either names no route (a label, a file's
/// name). Methods are left aside: ab and wrk name a URL without one.
pub fn may_be_one_route(a: &str, b: &str) -> bool {
    let bare = |key: &str| {
        let cut = key.find(['?', '#']).unwrap_or(key.len());
        key_route(&key[..cut]).map(|(_, path)| normalize_label(&path).into_owned())
    };
    match (bare(a), bare(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

impl Stage {
    /// True when `theirs` measured other requests than this stage: both name the URLs
    /// they requested and none of `theirs` is one of this stage's routes (ab's `POST
    /// …/run` beside wrk's `GET …/agents` in one stage dir). A name that is no route (a
    /// label, one of `files`' names) may be any request, so it never tells requests
    /// apart.
    pub fn requests_other_routes(&self, theirs: &Stage, files: &[&Path]) -> bool {
        let names = |s: &Stage| -> Option<Vec<String>> {
            let mut keys = (s.endpoints.iter())
                .filter(|(_, e)| !e.transaction)
                .map(|(k, _)| k)
                .peekable();
            keys.peek()?;
            keys.map(|k| (!k.named_after_file(files.iter().copied())).then(|| k.to_string()))
                .collect()
        };
        let (Some(ours), Some(their)) = (names(self), names(theirs)) else {
            return false;
        };
        !(their.iter()).any(|t| ours.iter().any(|o| may_be_one_route(o, t)))
    }
}

impl Stage {
    /// What this stage requested, by route, with each route's request count: the
    /// route path (method, host and query left aside, identifiers made placeholders,
    /// as [`may_be_one_route`] compares them), or a label's own text (a JMeter
    /// sampler, a Gatling request). `None` when the stage holds no requests, or when
    /// one of its names is no request (one of `files`' names, all of a summary's
    /// samplers): then what it requested is unknown. Transactions are left aside.
    pub fn route_mix(&self, files: &[&Path]) -> Option<BTreeMap<String, u64>> {
        let mut mix = BTreeMap::new();
        for (key, e) in self.endpoints.iter().filter(|(_, e)| !e.transaction) {
            if key.named_after_file(files.iter().copied()) {
                return None;
            }
            let text = key.to_string();
            let cut = text.find(['?', '#']).unwrap_or(text.len());
            let route = match key_route(&text[..cut]) {
                Some((_, path)) => normalize_label(&path).into_owned(),
                None => text.trim().to_string(),
            };
            *mix.entry(route).or_insert(0) += e.requests;
        }
        (mix.values().sum::<u64>() > 0).then_some(mix)
    }
}

impl EndpointKey {
    /// The key's route: the key with identifiers in its path replaced by placeholders
    /// (`GET /agents/123` → `GET /agents/{id}`).
    pub fn route(&self) -> String {
        normalize_label(&self.to_string()).into_owned()
    }
}

/// The request name with identifiers replaced; borrowed when nothing changes.
pub fn normalize_label(name: &str) -> Cow<'_, str> {
    let Some(path_start) = path_start(name) else {
        return Cow::Borrowed(name);
    };
    let (head, rest) = name.split_at(path_start);
    let (path, query) = match rest.find(['?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut changed = false;
    let mut out = String::with_capacity(name.len());
    out.push_str(head);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match placeholder(segment) {
            Some(p) => {
                out.push_str(p);
                changed = true;
            }
            None => out.push_str(segment),
        }
    }
    if let Some(q) = query.strip_prefix('?') {
        out.push('?');
        let (q, fragment) = match q.find('#') {
            Some(i) => q.split_at(i),
            None => (q, ""),
        };
        for (i, pair) in q.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((k, v)) => {
                    out.push_str(k);
                    out.push('=');
                    match placeholder(v) {
                        Some(p) => {
                            out.push_str(p);
                            changed = true;
                        }
                        None => out.push_str(v),
                    }
                }
                None => out.push_str(pair),
            }
        }
        out.push_str(fragment);
    } else {
        out.push_str(query);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(name)
    }
}

/// Where the path of a name starts: after `scheme://host` for a full URL, at the
/// first `/` otherwise (`GET /a/1` keeps its method prefix); `None` without a path.
fn path_start(name: &str) -> Option<usize> {
    match name.find("://") {
        Some(i) => {
            let after = i + 3;
            name[after..].find('/').map(|j| after + j)
        }
        None => name.find('/'),
    }
}

/// The placeholder for a segment that is an identifier.
fn placeholder(segment: &str) -> Option<&'static str> {
    if segment.is_empty() {
        return None;
    }
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        return Some("{id}");
    }
    if is_uuid(segment) {
        return Some("{uuid}");
    }
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    let hex = segment.bytes().all(|b| b.is_ascii_hexdigit());
    let token = segment.bytes().all(|b| b.is_ascii_alphanumeric());
    // A long hex string with digits (ObjectId, sha) or a long mixed token that is
    // mostly digits: identifiers, not words.
    if (hex && segment.len() >= 16 && digits > 0)
        || (token && segment.len() >= 8 && digits * 2 >= segment.len())
    {
        return Some("{hex}");
    }
    None
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_uuids_and_tokens_become_placeholders() {
        assert_eq!(normalize_label("/agents/123"), "/agents/{id}");
        assert_eq!(
            normalize_label("/agents/456/runs/7"),
            "/agents/{id}/runs/{id}"
        );
        assert_eq!(
            normalize_label("https://h.example:8080/u/3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f?x=1"),
            "https://h.example:8080/u/{uuid}?x={id}"
        );
        assert_eq!(
            normalize_label("GET /o/507f1f77bcf86cd799439011"),
            "GET /o/{hex}"
        );
    }

    #[test]
    fn words_and_plain_labels_stay() {
        for name in [
            "/api/v1/agents",
            "Login",
            "T01_HomePageLoad",
            "http://localhost:3000",
            "/a/b?q=word",
        ] {
            assert!(matches!(normalize_label(name), Cow::Borrowed(_)), "{name}");
        }
        // A host with digits is not a path segment.
        assert_eq!(
            normalize_label("http://10.0.0.1/x/42"),
            "http://10.0.0.1/x/{id}"
        );
    }
}
