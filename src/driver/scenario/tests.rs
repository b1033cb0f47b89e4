//! Tests of scenario parsing and validation.

use std::path::Path;

use super::*;
use rand::SeedableRng;

const OK: &str = r#"
base_url = "http://127.0.0.1:9/api"
think_time = "between(1, 5)"
[[task]]
weight = 3
path = "/agents/{id}"
timeout = 0.5
[[task]]
method = "post"
path = "/run"
body = { agent = "coder" }
expected_status = [200, 201]
[[stage]]
name = "a"
users = 10
spawn_rate = 5
duration = "10s"
[[stage]]
name = "b"
arrival_rate = 50
duration = "5s"
"#;

#[test]
fn parses_a_scenario() {
    let s = Scenario::parse(OK, Path::new("s.toml")).unwrap();
    assert_eq!(s.authority, "127.0.0.1:9");
    assert_eq!(s.endpoints, ["GET /api/agents/{id}", "POST /api/run"]);
    assert_eq!(
        s.tasks[1].body.as_ref().map(|b| b.sample()),
        Some(b"{\"agent\":\"coder\"}".to_vec())
    );
    assert_eq!(s.tasks[0].timeout, Duration::from_millis(500));
    assert_eq!(s.stages[1].load, Load::Open { arrival_rate: 50.0 });
    let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
    let mut buf = Vec::new();
    let mut fill = crate::driver::template::Fill {
        rng: &mut rng,
        data: &[],
        rows: &[],
        vars: &[],
    };
    s.tasks[0]
        .path
        .render_into(&mut buf, &mut fill, crate::driver::template::Escape::Path);
    let u = String::from_utf8(buf).unwrap();
    assert!(u.starts_with("/api/agents/"));
    let n: u32 = u.rsplit('/').next().unwrap().parse().unwrap();
    assert!((1..=MAX_ID).contains(&n));
    let picks = (0..4000).filter(|_| s.pick(&mut rng).endpoint == 0).count();
    assert!((2800..3200).contains(&picks), "{picks}");
}

#[test]
fn errors_name_the_problem() {
    let e = Scenario::parse(
        "base_url = \"http://x\"\n[[task]]\npath = 3\n",
        Path::new("s.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 3"), "{e}");
    let e = Scenario::parse(&OK.replace("users = 10", ""), Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("stage `a`"), "{e}");
    let e = Scenario::parse(&OK.replace("http://", "ftp://"), Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("ftp is not supported (http or https)"), "{e}");
    let s = Scenario::parse(&OK.replace("http://", "https://"), Path::new("s.toml")).unwrap();
    assert!(s.https);
    let login = "[[on_start]]\npath = \"/login\"\nextract = { token = \"/t\" }\n";
    let e = Scenario::parse(&format!("{OK}{login}"), Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("open-model stage"), "{e}");
    let closed = OK.replace("arrival_rate = 50", "users = 2");
    let s = Scenario::parse(&format!("{closed}{login}"), Path::new("s.toml")).unwrap();
    assert_eq!(
        (s.vars.clone(), s.on_start.len()),
        (vec!["token".to_string()], 1)
    );
    let e = Scenario::parse(&closed.replace("{id}", "{tokn}"), Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown placeholder {tokn}"), "{e}");
    let e = Scenario::parse(
        &closed.replace("timeout = 0.5", "extract = { a = \"/a\" }"),
        Path::new("s.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("extract belongs to an [[on_start]] task"), "{e}");
    let e = Scenario::parse(&OK.replace("{id}", "{name}"), Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("placeholder"), "{e}");
}
