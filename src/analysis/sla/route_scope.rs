//! An endpoint section named by its route: `[endpoint."GET /users/{id}"]` (or `:id`,
//! `[id]`, `${id}`, `<id>`) when the data's endpoints carry the IDs themselves
//! (`GET /users/123`, `GET /users/456`: k6 without a `name` tag, Locust without
//! `name=`, JMeter labels that are URLs). Those endpoints are that route's, so the
//! section pools them as a `/regex/` section does; reporting its rules `not_run`
//! ("not in the data") would let a GO pass on the very requests the file named.
//!
//! The data's endpoints are matched through the route headroom gives them
//! ([`normalize_label`]: a number, UUID or long hex token in a path segment or query
//! value is an ID); the file's placeholders match any ID. Other segments match
//! exactly; the method, when both say one, too; a full URL's scheme and host are
//! left out on either side.

//!
//! It also owns one route named by several tools: stage dirs measured by different
//! tools name one URL their own ways (Locust's `GET /api/v1/agents`, wrk's and
//! autocannon's `http://127.0.0.1:8080/api/v1/agents`), so a route-named section
//! (`[endpoint."/api/v1/agents"]`) is every such endpoint, pooled ([`one_route`]);
//! singling out the first spelling left the others' stages "no data for this scope",
//! and a verdict stage's rule without data holds a GO back for nothing.

use super::spelling::{route, same_route};
use crate::model::normalize_label;

/// The data's endpoints whose route is `name`'s (full URLs, with or without a method),
/// when there are several and they name no two methods: one URL as several tools spell
/// it. Empty otherwise (one endpoint, or `GET /x` beside `POST /x`: which is meant is
/// the file's to say).
pub(super) fn one_route<'a>(name: &str, endpoints: &'a [String]) -> Vec<&'a str> {
    let members: Vec<&str> = (endpoints.iter())
        .filter(|e| same_route(e, name))
        .map(String::as_str)
        .collect();
    let mut methods: Vec<String> = (members.iter())
        .filter_map(|e| route(e)?.0)
        .map(|m| m.to_ascii_uppercase())
        .collect();
    methods.sort();
    methods.dedup();
    match (members.len(), methods.len()) {
        (2.., 0..=1) => members,
        _ => Vec::new(),
    }
}

/// The data's endpoints whose route is `name`, when `name` is written as a route
/// (it has a placeholder); empty otherwise.
pub(super) fn route_members<'a>(name: &str, endpoints: &'a [String]) -> Vec<&'a str> {
    let Some((method, target)) = split(name) else {
        return Vec::new();
    };
    let wanted = tokens(target);
    if !wanted.iter().any(|t| is_placeholder(t)) {
        return Vec::new();
    }
    (endpoints.iter())
        .filter(|e| {
            let route = normalize_label(e);
            let Some((m, t)) = split(&route) else {
                return false;
            };
            let same_method = match (m, method) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => true,
            };
            same_method && fits(&wanted, &tokens(t))
        })
        .map(String::as_str)
        .collect()
}

/// A key's method (when it opens with one) and its target from the path on (a full
/// URL's scheme and host left out); `None` without a path.
fn split(key: &str) -> Option<(Option<&str>, &str)> {
    let key = key.trim();
    let (method, target) = match key.split_once(char::is_whitespace) {
        Some((m, rest)) if m.bytes().all(|b| b.is_ascii_alphabetic()) && !m.is_empty() => {
            (Some(m), rest.trim())
        }
        _ => (None, key),
    };
    let path = match target.find("://") {
        Some(i) => &target[i + 3 + target[i + 3..].find('/')?..],
        None => target,
    };
    path.starts_with('/')
        .then_some(path)
        .map(|p| (method, p.trim_end_matches('/')))
}

/// The target cut at `/`, `?`, `&` and `=`, the separators kept as tokens of their own.
fn tokens(target: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in target.char_indices() {
        if matches!(c, '/' | '?' | '&' | '=') {
            if start < i {
                out.push(&target[start..i]);
            }
            out.push(&target[i..i + 1]);
            start = i + 1;
        }
    }
    if start < target.len() {
        out.push(&target[start..]);
    }
    out
}

/// A placeholder as route templates write one: `{id}`, `${id}`, `:id`, `[id]`, `<id>`.
fn is_placeholder(t: &str) -> bool {
    let inner = |open: &str, close: &str| {
        t.len() > open.len() + close.len() && t.starts_with(open) && t.ends_with(close)
    };
    inner("{", "}")
        || inner("${", "}")
        || inner("[", "]")
        || inner("<", ">")
        || (t.len() > 1 && t.starts_with(':'))
}

/// A path segment that only a route template writes: `{id}`, `${id}`, `<id>`, `:id`
/// with a name inside (a regex's `{2}` or `[0-9]` is no name).
pub(super) fn named_placeholder(segment: &str) -> bool {
    let inner = ["${", "{", "<", ":"].iter().find_map(|open| {
        let rest = segment.strip_prefix(open)?;
        match *open {
            ":" => Some(rest),
            "<" => rest.strip_suffix('>'),
            _ => rest.strip_suffix('}'),
        }
    });
    inner.is_some_and(|n| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// The routes the data's endpoints with IDs in them form (`GET /users/{id}` for
/// `GET /users/12` and `GET /users/13`), each with how many endpoints it stands for,
/// in the order first seen.
pub(super) fn id_routes(endpoints: &[String]) -> Vec<(String, usize)> {
    let mut routes: Vec<(String, usize)> = Vec::new();
    for e in endpoints {
        let label = normalize_label(e);
        if label == e.as_str() {
            continue;
        }
        match routes.iter_mut().find(|(r, _)| *r == label) {
            Some((_, n)) => *n += 1,
            None => routes.push((label.into_owned(), 1)),
        }
    }
    routes
}

/// The routes of the data's ID endpoints ([`id_routes`]) a route `name` with a
/// placeholder nothing matched looks like a typo of (`GET /api/v1/agent/{id}` for the
/// data's `GET /api/v1/agents/17`…): "did you mean `GET /api/v1/agents/{id}`", not one
/// agent's URL.
pub(super) fn route_typos_of(name: &str, endpoints: &[String]) -> Vec<String> {
    let Some((method, target)) = split(name) else {
        return Vec::new();
    };
    if !tokens(target).into_iter().any(is_placeholder) {
        return Vec::new();
    }
    let wanted: String = (tokens(target).into_iter())
        .map(|t| if is_placeholder(t) { "{id}" } else { t })
        .collect();
    let wanted = match method {
        Some(m) => format!("{} {wanted}", m.to_ascii_uppercase()),
        None => wanted,
    };
    let routes: Vec<String> = (id_routes(endpoints).into_iter())
        .map(|(r, _)| r.replace("{uuid}", "{id}").replace("{hex}", "{id}"))
        .collect();
    let bare = |r: &str| split(r).map(|(_, t)| t.to_string()).unwrap_or_default();
    let near: Vec<&str> = match method {
        Some(_) => super::suggest::typos_of(&wanted, &routes),
        // `/api/v1/agent/{id}` against `GET /api/v1/agents/{id}`: the paths alone.
        None => (routes.iter())
            .filter(|r| !super::suggest::typos_of(&wanted, &[bare(r)]).is_empty())
            .map(String::as_str)
            .collect(),
    };
    near.into_iter().take(3).map(str::to_string).collect()
}

/// True when the endpoint's route tokens are the wanted ones, a placeholder standing
/// for any of headroom's ID placeholders.
fn fits(wanted: &[&str], route: &[&str]) -> bool {
    wanted.len() == route.len()
        && wanted.iter().zip(route).all(|(w, r)| {
            w == r || (is_placeholder(w) && matches!(*r, "{id}" | "{uuid}" | "{hex}"))
        })
}

#[cfg(test)]
mod tests {
    use super::route_members;

    #[test]
    fn a_route_names_the_endpoints_with_ids_in_its_place() {
        let known: Vec<String> = [
            "GET /users/12",
            "GET /users/13",
            "POST /users/14",
            "GET /users/12/orders",
            "GET https://h.example/users/3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f",
            "GET /users/me",
            "GET /search?q=5&page=2",
        ]
        .map(String::from)
        .to_vec();
        let found = |name: &str| route_members(name, &known);
        assert_eq!(
            found("GET /users/{id}"),
            vec![
                "GET /users/12",
                "GET /users/13",
                "GET https://h.example/users/3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f"
            ]
        );
        assert_eq!(found("/users/:id").len(), 4);
        assert_eq!(
            found("GET /users/[id]/orders"),
            vec!["GET /users/12/orders"]
        );
        assert_eq!(
            found("GET /search?q={q}&page={p}"),
            vec!["GET /search?q=5&page=2"]
        );
        assert!(found("GET /users/12").is_empty());
        assert!(found("GET /users").is_empty());
    }
}
