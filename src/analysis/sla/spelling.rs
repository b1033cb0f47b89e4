//! When an SLA file's name is the data's name in another spelling. Stage names come
//! from dir names and tools' own spellings (`02 Peak Load`, `02_peak_load_50users`,
//! `peak-load`); endpoint keys from each tool's way of naming a request (`GET /item`,
//! `/item`, or the full URL `http://host:8080/item` of wrk and k6). A name written in
//! another spelling still names the one stage or endpoint it singles out.

use crate::model::key_method_and_name as method_and_name;
pub(super) use crate::model::key_route as route;
use std::sync::OnceLock;

use regex::Regex;

/// A name's words: its runs of letters and digits, lower-cased (`02 Peak-Load (50
/// users)` → `02`, `peak`, `load`, `50`, `users`).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A stage name without the date and time stamp a dir's name may open or end with
/// (`2026-12-05T10-00_peak`, `20261205-1000 peak`, `peak_2026-12-05`): what is left
/// when it holds a letter, else the name as it is.
fn undated(s: &str) -> &str {
    static STAMP: OnceLock<[Regex; 2]> = OnceLock::new();
    const DATE: &str = r"(?:\d{4}-\d{2}-\d{2}|\d{8})(?:[T_ -]?\d{2}[-:.]?\d{2}(?:[-:.]?\d{2})?Z?)?";
    let [lead, tail] = STAMP.get_or_init(|| {
        [
            Regex::new(&format!(r"(?i)^{DATE}[_ .-]+")).expect("static regex"),
            Regex::new(&format!(r"(?i)[_ .-]+{DATE}$")).expect("static regex"),
        ]
    });
    let rest = lead.find(s).map_or(s, |m| &s[m.end()..]);
    let rest = tail.find(rest).map_or(rest, |m| &rest[..m.start()]);
    if rest.chars().any(char::is_alphabetic) {
        rest
    } else {
        s
    }
}

/// True when the data's stage `known` is the SLA's `name` in other spelling: the
/// same words whatever their case and separators, an ordering number or a date stamp
/// before them left out (`02_Peak-Load` is `peak_load`, so is
/// `2026-12-05T10-00_peak-load`).
pub(super) fn same_words(known: &str, name: &str) -> bool {
    let (mut k, n) = (words(undated(known)), words(name));
    let numbered = k.len() > 1 && is_number(&k[0]);
    if numbered && !n.first().is_some_and(|w| is_number(w)) {
        k.remove(0);
    }
    k == n
}

fn is_number(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_digit())
}

/// A stage name's words without its ordering number and its users (`01`, `50users`,
/// `50 users`, `200 vus`), and those users: the part of a dir's name that names the
/// stage, and the part that gives its load.
fn stage_core(s: &str) -> (Vec<String>, Option<u64>) {
    let mut w = words(undated(s));
    // A closed-model tool's connections name its users too (`step_16c`, `base-4conns`).
    let users_word = |x: &str| {
        matches!(
            x,
            "user" | "users" | "u" | "vus" | "threads" | "c" | "conns" | "connections" | "clients"
        )
    };
    let mut users = None;
    if let Some(i) = w.iter().position(|x| {
        let digits = x.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        !digits.is_empty() && is_number(digits) && users_word(&x[digits.len()..])
    }) {
        let x = w.remove(i);
        users = x
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok();
    } else if let Some(i) = (1..w.len()).find(|&i| users_word(&w[i]) && is_number(&w[i - 1])) {
        users = w[i - 1].parse().ok();
        w.drain(i - 1..=i);
    } else if let Some(n) = (w.last())
        .and_then(|x| x.strip_prefix('c'))
        .filter(|n| !n.is_empty() && is_number(n))
    {
        // The `-c` flag's value as the last word, as a dir names it (`step2-c50`, `c10`).
        users = n.parse().ok();
        w.pop();
    } else if w.len() == 2 && users_word(&w[0]) && is_number(&w[1]) {
        // A dir named by its users alone, the word first: `users-50`.
        users = w[1].parse().ok();
        w.clear();
    }
    if w.len() > 1 && is_number(&w[0]) {
        w.remove(0);
    }
    (w, users)
}

/// The users a stage name gives (`peak-30u`, `02_peak_50users`, `c40`), whatever else it
/// says; `None` when it gives none.
pub(super) fn named_users(name: &str) -> Option<u64> {
    stage_core(name).1
}

/// The users a stage name gives when it names a load level alone (`50 users`,
/// `50u`, `users-50`, `02 (50 users)`): no words but its users. `None` otherwise.
pub(super) fn users_only(name: &str) -> Option<u64> {
    let (w, users) = stage_core(name);
    if w.iter().all(|x| is_number(x)) && w.len() <= 1 {
        users
    } else {
        None
    }
}

/// True when the SLA's stage `name` is a part of the data's stage `known` — its words
/// (ordering number and users aside) are some of the stage's, fewer than all: `peak`
/// for the `peak_load` that `02_Peak-Load_32users` became. Never taken as a match
/// (`peak` may as well be `off_peak`): the SLA's rules would otherwise be skipped
/// unseen, so it is offered as "did you mean".
pub(super) fn part_of_stage(known: &str, name: &str) -> bool {
    let ((k, _), (n, _)) = (stage_core(known), stage_core(name));
    let named = |w: &String| !is_number(w);
    !n.is_empty() && n.len() < k.len() && n.iter().all(named) && n.iter().all(|w| k.contains(w))
}

/// True when the data's stage `known` and the SLA's `name` are one stage named with
/// or without its dir's ordering number and users (`02_peak_load_50users` names the
/// stage `peak_load` that dir became): the same words, and the same users where both
/// give them; or, named by their users alone, the same users in another spelling
/// (`50_users`, headroom's name for a plateau of 50 users, names the stage dir
/// `50users/` or `users-50/`).
pub(super) fn same_stage(known: &str, name: &str) -> bool {
    let ((k, ku), (n, nu)) = (stage_core(known), stage_core(name));
    if k.is_empty() && n.is_empty() {
        return ku.is_some() && ku == nu;
    }
    !k.is_empty() && k == n && (ku.is_none() || nu.is_none() || ku == nu)
}

/// True when the data's stage `known` and the SLA's `name` are one stage whose words
/// one of them writes run together (`warm-up` or `Warm Up` for the dir `01-warmup`,
/// `peakload` for `peak_load`): the same letters and digits in the same order once
/// the separators, the ordering number and the users are left out, and the same users
/// where both give them. Only separators differ, so it is no other stage — read as
/// "not in the data", its rules would be skipped and a GO pass on them.
pub(super) fn same_joined(known: &str, name: &str) -> bool {
    let ((k, ku), (n, nu)) = (stage_core(known), stage_core(name));
    !k.is_empty() && k.concat() == n.concat() && (ku.is_none() || nu.is_none() || ku == nu)
}

/// True when the data's endpoint `known` is the SLA's `name` spelled by another tool:
/// the same route path, and the same method where both say one (`GET /item`, `/item`
/// and `GET http://127.0.0.1:8080/item` are one endpoint).
pub(super) fn same_route(known: &str, name: &str) -> bool {
    match (route(known), route(name)) {
        (Some((km, kp)), Some((nm, np))) => kp == np && (km.is_none() || nm.is_none() || km == nm),
        _ => false,
    }
}

/// True when the data's endpoint `known` and the SLA's `name` are one route once their
/// query strings (`?limit=10`) and fragments are left out: wrk, ab and httperf name an
/// endpoint by the URL they were given, query and all (`http://host/api/items?limit=10`),
/// while an SLA names the route (`GET /api/items`). Tried after [`same_route`], so a
/// name with its query still singles out that query's endpoint among others.
pub(super) fn same_path(known: &str, name: &str) -> bool {
    let bare = |key: &str| -> String {
        let cut = key.find(['?', '#']).unwrap_or(key.len());
        key[..cut].to_string()
    };
    let (k, n) = (bare(known), bare(name));
    (k != known || n != name) && same_route(&k, &n) && queries_agree(known, name)
}

/// True when the data's endpoint `known` is the SLA's `name` with another query
/// string (`?limit=10` for the SLA's `?limit=50`): the route the rule meant, but
/// another request than it named.
pub(super) fn other_query(known: &str, name: &str) -> bool {
    let bare = |key: &str| key[..key.find(['?', '#']).unwrap_or(key.len())].to_string();
    !queries_agree(known, name) && same_route(&bare(known), &bare(name))
}

/// True when the data's endpoint `known` is the SLA's `name` with the same query
/// string, whatever the host or trailing slash (`http://h/item/?limit=10` for
/// `GET /item?limit=10`).
pub(super) fn same_query(known: &str, name: &str) -> bool {
    let has = |key: &str| key.contains('?');
    has(known) && has(name) && queries_agree(known, name) && same_path(known, name)
}

/// False when both `known` and `name` carry a query string and they differ: an SLA's
/// `GET /api/items?limit=50` names another request than the data's `?limit=10` (a
/// larger page), while its bare route names whichever query the tool was given.
fn queries_agree(known: &str, name: &str) -> bool {
    let query = |key: &str| {
        key.split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or_default().to_string())
    };
    match (query(known), query(name)) {
        (Some(k), Some(n)) => k == n,
        _ => true,
    }
}

/// The data's endpoint `known` and the SLA's `name` as routes to compare for a typo,
/// their query strings and hosts left out, with their methods when both say one:
/// (`GET /api/items`, `GET /api/item`) for `http://h/api/items/?limit=10` read as `GET`
/// and `GET /api/item`. `None` when either is no route.
pub(super) fn routes_to_compare(known: &str, name: &str) -> Option<(String, String)> {
    let bare = |key: &str| {
        let cut = key.find(['?', '#']).unwrap_or(key.len());
        route(&key[..cut])
    };
    let ((km, kp), (nm, np)) = (bare(known)?, bare(name)?);
    Some(match (km, nm) {
        (Some(km), Some(nm)) => (format!("{km} {kp}"), format!("{nm} {np}")),
        _ => (kp, np),
    })
}

/// True when the data's endpoint `known` has the route of the SLA's `name` under
/// another method (`POST /api/orders` for `GET /api/orders`, query strings aside):
/// no other spelling of it, yet the rule meant that route, so "did you mean".
pub(super) fn other_method(known: &str, name: &str) -> bool {
    let bare = |key: &str| {
        let cut = key.find(['?', '#']).unwrap_or(key.len());
        route(&key[..cut])
    };
    match (bare(known), bare(name)) {
        (Some((Some(km), kp)), Some((Some(nm), np))) => kp == np && km != nm,
        _ => false,
    }
}

/// True when the data's endpoint `known` is the SLA's `name` with or without its
/// method, whatever its case: a request's own name (Locust's `name=`, a JMeter label)
/// as the tool shows it, `List agents` or `list agents` for the data's `GET List
/// agents`, and the same method where both say one. (Two endpoints that differ only
/// in case both match, and the caller refuses the name as naming several.)
pub(super) fn same_label(known: &str, name: &str) -> bool {
    let ((km, kn), (nm, nn)) = (method_and_name(known), method_and_name(name));
    !kn.is_empty() && same_case_folded(kn, nn) && (km.is_none() || nm.is_none() || km == nm)
}

/// True when the data's endpoint `known` is the SLA's `name` as [`same_path`] has it
/// once the case of the path is left aside too: a team's SLA in capitals, `GET
/// /API/V1/Agents`, names wrk's `http://host/api/v1/agents?limit=10`. Tried last, so
/// an endpoint of the written case wins; two that differ only in case both match and
/// the caller refuses the name as naming several.
pub(super) fn same_route_any_case(known: &str, name: &str) -> bool {
    let bare = |key: &str| {
        let cut = key.find(['?', '#']).unwrap_or(key.len());
        route(&key[..cut])
    };
    match (bare(known), bare(name)) {
        (Some((km, kp)), Some((nm, np))) => {
            same_case_folded(&kp, &np)
                && (km.is_none() || nm.is_none() || km == nm)
                && queries_agree(known, name)
        }
        _ => false,
    }
}

/// True when `a` and `b` are one name whatever the case of any letter, not only
/// ASCII ones: a JMeter label `Überprüfung` is `überprüfung`.
pub(super) fn same_case_folded(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_whatever_the_tool_calls_them() {
        assert!(same_route(
            "GET http://localhost:3000/api/boards",
            "GET /api/boards"
        ));
        assert!(same_route(
            "POST http://localhost:3000/api/boards",
            "/api/boards"
        ));
        assert!(!same_route(
            "POST http://localhost:3000/api/boards",
            "GET /api/boards"
        ));
        assert!(same_route("http://127.0.0.1:18701/item", "GET /item"));
        assert!(same_route("GET /item", "/item/"));
        assert!(same_route("http://example.com", "GET /"));
        assert!(!same_route("T01_HomePageLoad", "/T01_HomePageLoad"));
        assert!(!same_route("GET /item", "/items"));
        // Locust's type `GET` with `name="post /x"`.
        assert!(same_route("GET post /x", "/x"));
        assert!(same_route("GET post /x", "GET /x"));
        assert!(!same_route("GET post /x", "POST /x"));
        assert!(other_method("GET post /x", "POST /x"));
        assert!(other_method("POST /api/orders", "GET /api/orders/"));
        assert!(other_method(
            "post http://h/api/orders?a=1",
            "GET /api/orders"
        ));
        assert!(!other_method("/api/orders", "GET /api/orders"));
        assert!(!other_method("POST /api/order", "GET /api/orders"));
    }

    #[test]
    fn a_query_string_is_no_other_route() {
        assert!(same_path(
            "http://127.0.0.1:8080/item?limit=10",
            "GET /item"
        ));
        assert!(same_path("GET /item?a=1#top", "/item/"));
        assert!(same_path("/item", "/item?limit=10"));
        assert!(!same_path("http://h/item?limit=10", "/items"));
        assert!(!same_path("POST /item?x=1", "GET /item"));
        assert!(!same_path("GET /item", "/item"));
        // Another query is another request: a page of 50 is not the data's page of 10.
        assert!(!same_path("http://h/item?limit=10", "GET /item?limit=50"));
        assert!(!same_route_any_case(
            "http://h/ITEM?limit=10",
            "GET /item?limit=50"
        ));
        assert!(same_path("http://h/item?limit=10#a", "GET /item/?limit=10"));
        assert!(other_query("http://h/item?limit=10", "GET /item?limit=50"));
        assert!(!other_query("http://h/item?limit=10", "GET /item"));
        assert!(same_query("http://h/item/?limit=10", "GET /item?limit=10"));
        assert!(!same_query("http://h/item", "GET /item?limit=10"));
        assert_eq!(
            routes_to_compare("GET http://h:1/api/items/?limit=10", "GET /api/item"),
            Some(("GET /api/items".into(), "GET /api/item".into()))
        );
        assert_eq!(
            routes_to_compare("POST /api/items", "/api/item/"),
            Some(("/api/items".into(), "/api/item".into()))
        );
        assert_eq!(routes_to_compare("List agents", "/api/item"), None);
    }

    #[test]
    fn a_request_name_matches_with_or_without_its_method() {
        assert!(same_label("GET List agents", "List agents"));
        assert!(same_label("List agents", "get List agents"));
        assert!(!same_label("POST Run agent", "GET Run agent"));
        assert!(same_label("GET List agents", "list agents"));
        assert!(!same_label("GET List agents", "List"));
        assert!(same_label("POST Überprüfung Ärger", "überprüfung ärger"));
    }

    #[test]
    fn a_dir_name_names_the_stage_it_became() {
        assert!(same_stage("peak_load", "02_peak_load_8users"));
        assert!(same_stage("peak_load", "02 Peak Load (8 users)"));
        assert!(same_stage("peak_load_1000users", "03_peak_load_1000users"));
        assert!(!same_stage("peak_load_2users", "03_peak_load_1000users"));
        assert!(!same_stage("peak_load", "peak"));
        assert!(same_words("02 Peak Load", "peak load"));
        assert!(same_stage("10users", "10_users"));
        assert!(same_stage("users-50", "50_users"));
        assert!(same_stage("users-50", "50 Users"));
        assert!(!same_stage("10users", "50_users"));
        assert!(same_stage("users-10", "c10"));
        assert!(same_stage("step2_c50", "step2 50 users"));
        assert!(!same_stage("users-10", "c50"));
        assert_eq!(users_only("c10"), Some(10));
        assert_eq!(users_only("mac10"), None);
        assert!(!same_stage("step3", "100_users"));
        assert!(!same_stage("10_users_2", "10_users"));
        assert!(same_joined("warmup", "warm-up"));
        assert!(same_joined("01-warmup", "Warm Up"));
        assert!(same_joined("peak_load", "peakload"));
        assert!(same_joined("peak_load_50users", "peakload (50 users)"));
        assert!(!same_joined("peak_load_50users", "peakload (10 users)"));
        assert!(!same_joined("peak_load", "peak"));
        assert!(!same_joined("10users", "10_users_2"));
    }
}
