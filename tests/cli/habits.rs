//! CLI habits: `NO_COLOR` and `--color`, shell completions and the man page.

use std::process::{Command, Output};

use crate::common::{headroom, TestDir};

/// Every subcommand `headroom --help` lists.
const SUBCOMMANDS: [&str; 10] = [
    "analyze",
    "check",
    "sla",
    "inspect",
    "export",
    "demo",
    "drive",
    "target",
    "completions",
    "man",
];

/// Runs headroom with `args` and `NO_COLOR` set to `no_color` (or removed).
fn headroom_env(args: &[&str], no_color: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom"));
    cmd.args(args);
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    cmd.output().expect("run headroom")
}

/// A run of 500 requests at 10 ms and an SLA whose gating rule fails (p95 < 5 ms)
/// and whose warn rule fails too (p50 < 5 ms): `check` exits 1 and prints both.
fn failing_check(dir: &TestDir) -> [String; 4] {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..500i64 {
        csv.push_str(&format!("{},/a,GET,10,200\n", 1_700_000_000_000 + i * 20));
    }
    dir.write("run/01_peak_10users/requests.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 5ms\"]\n\n[[rule]]\nexpr = \"p(50) < 5ms\"\nseverity = \"warn\"\n",
    );
    [
        "check".to_string(),
        dir.path().join("run").display().to_string(),
        "--sla".to_string(),
        sla.display().to_string(),
    ]
}

#[test]
fn no_color_and_the_color_flag() {
    let dir = TestDir::new();
    let base = failing_check(&dir);
    let run = |extra: &[&str], no_color: Option<&str>| {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.extend(extra);
        let o = headroom_env(&args, no_color);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    // NO_COLOR (any non-empty value) and `--color never`: no escape code anywhere.
    for out in [
        run(&[], Some("1")),
        run(&["--color", "never"], None),
        run(&["--color", "auto"], Some("1")),
    ] {
        assert!(!out.contains('\x1b'), "{out:?}");
        assert!(out.contains("FAIL (warn)"), "{out}");
    }
    // A pipe is not a terminal: `auto` without NO_COLOR is plain too.
    assert!(!run(&[], None).contains('\x1b'));
    // `--color always` beats NO_COLOR; the flag is global (accepted before the command).
    let always = run(&["--color", "always"], Some("1"));
    let mut before = vec!["--color", "always"];
    before.extend(base.iter().map(String::as_str));
    let o = headroom_env(&before, None);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), always);
    // A gating FAIL is bold red; a non-gating one is dim yellow: never the same style.
    assert!(always.contains("\x1b[1;31mFAIL\x1b[0m"), "{always:?}");
    assert!(
        always.contains("\x1b[2;33mFAIL (warn)\x1b[0m"),
        "{always:?}"
    );
    assert!(always.contains("\x1b[1;31mNO-GO\x1b[0m"), "{always:?}");
}

#[test]
fn analyze_honours_the_color_flag() {
    let dir = TestDir::new();
    let base = failing_check(&dir);
    let out = dir.path().join("report");
    let args = |color: &str| {
        vec![
            "analyze".to_string(),
            base[1].clone(),
            "--charts".into(),
            "none".into(),
            "--out".into(),
            out.display().to_string(),
            "--color".into(),
            color.into(),
        ]
    };
    let text = |color: &str, no_color: Option<&str>| {
        let a = args(color);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = headroom_env(&a, no_color);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert!(!text("auto", Some("1")).contains('\x1b'));
    assert!(text("always", Some("1")).contains("\x1b[1m"));
}

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = headroom(&["completions", shell]);
        assert!(
            o.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(script.contains("headroom"), "{shell}");
        for sub in SUBCOMMANDS {
            // Each shell's own way of offering a subcommand.
            let offer = match shell {
                "bash" => format!("headroom,{sub})"),
                "zsh" => format!("'{sub}:"),
                "fish" => format!("-a \"{sub}\""),
                _ => format!("'headroom;{sub}'"),
            };
            assert!(script.contains(&offer), "{shell} completions lack {offer}");
        }
        // Options of a subcommand are completed too.
        assert!(
            script.contains("verdict") || script.contains("--sla"),
            "{shell}"
        );
    }
    let o = headroom(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_page_covers_every_subcommand() {
    let o = headroom(&["man"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH headroom 1"),
        "{page}"
    );
    assert_eq!(page.matches(".TH ").count(), 1, "one page");
    for sub in SUBCOMMANDS {
        let section = format!(".SH \"HEADROOM {}\"", sub.to_uppercase());
        assert!(page.contains(&section), "man page lacks {section}");
    }
    // A subcommand's own options are in it (analyze's --sla, drive's --seed).
    assert!(
        page.contains("\\-\\-sla") && page.contains("\\-\\-seed"),
        "{page}"
    );
}
