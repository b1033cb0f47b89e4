//! The layers of ARCHITECTURE.md, held by a test: every `crate::…` path in `src/`
//! (in `use` lines and inline, grouped `crate::{a, b}` too, and `super::super::…`
//! climbing out of a layer) must name a layer its file's layer may import.
//!
//! The checker itself is tested on a deliberately broken example, an analysis file
//! that imports ingest:
//!
//! ```text
//! // src/analysis/build.rs
//! use crate::ingest::text::format_rfc3339_ms;   // refused: analysis → ingest
//! ```
//!
//! Test code (`tests.rs` files and everything after a `#[cfg(test)]` line) may reach
//! across layers to build fixtures.

use std::path::{Path, PathBuf};

/// The top-level modules each layer may import (besides itself).
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    Some(match layer {
        "model" => &[],
        "hlog" => &["model"],
        "ingest" | "driver" => &["hlog", "model"],
        "analysis" => &["model"],
        "render" => &["analysis", "model"],
        "cli" => &["render", "analysis", "ingest", "driver", "hlog", "model"],
        _ => return None,
    })
}

/// The crate-level modules `line` names through `crate::…`.
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // `crate::{a::x, b}`: the first name of each top-level item.
            let mut depth = 0;
            let mut item = String::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(first_ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(ch);
            }
            found.push(first_ident(&item));
        } else {
            found.push(first_ident(after));
        }
        rest = after;
    }
    found.retain(|s| !s.is_empty());
    found
}

fn first_ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// How many levels below `src/LAYER/` a file is (`src/analysis/sla/rule.rs` → 1).
fn depth_in_layer(rel: &Path) -> usize {
    rel.components().count().saturating_sub(3)
        + usize::from(rel.file_name().is_some_and(|n| n != "mod.rs"))
}

/// The imports in `text` (the file `rel` under `src/`) that break the layers, as
/// `file:line: layer → other`.
fn violations(rel: &Path, text: &str) -> Vec<String> {
    let mut parts = rel.components().skip(1);
    let Some(layer) = parts.next().and_then(|c| c.as_os_str().to_str()) else {
        return Vec::new();
    };
    let Some(ok) = allowed(layer) else {
        return Vec::new(); // lib.rs, main.rs
    };
    if rel.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        for target in crate_paths(code) {
            if target != layer && !ok.contains(&target.as_str()) {
                out.push(format!("{}:{}: {layer} → {target}", rel.display(), i + 1));
            }
        }
        // `super::super::…` deeper than the file sits in its layer leaves the layer.
        if longest_climb(code) > depth_in_layer(rel) {
            out.push(format!(
                "{}:{}: {layer} climbs out of its layer with super::",
                rel.display(),
                i + 1
            ));
        }
    }
    out
}

/// The most `super::` written one after another in `code`.
fn longest_climb(code: &str) -> usize {
    code.split("super::")
        .skip(1)
        .fold((0, 0), |(run, best), piece| {
            // An empty piece means the next `super::` follows at once.
            let run = run + 1;
            if piece.is_empty() {
                (run, best)
            } else {
                (0, best.max(run))
            }
        })
        .1
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_checker_refuses_an_analysis_file_importing_ingest() {
    let rel = Path::new("src/analysis/build.rs");
    let broken = "use crate::model::Run;\nuse crate::ingest::text::format_rfc3339_ms;\n";
    assert_eq!(
        violations(rel, broken),
        ["src/analysis/build.rs:2: analysis → ingest"]
    );
    let grouped = "use crate::{model::Run, render::json};\n";
    assert_eq!(
        violations(rel, grouped),
        ["src/analysis/build.rs:1: analysis → render"]
    );
    let inline = "let x = crate::driver::run(); // crate::ingest in a comment is fine\n";
    assert_eq!(
        violations(rel, inline),
        ["src/analysis/build.rs:1: analysis → driver"]
    );
    let climb = "use super::super::super::ingest::detect;\n";
    assert_eq!(
        violations(Path::new("src/analysis/sla/rule.rs"), climb).len(),
        1
    );
    assert!(violations(Path::new("src/analysis/sla/rule.rs"), "use super::Rule;\n").is_empty());
    let twice = "super::quality::assess(&super::quality::Inputs {})\n";
    assert!(violations(rel, twice).is_empty());
    let codec = "use crate::hlog::HlogWriter;\n";
    assert!(violations(Path::new("src/driver/run.rs"), codec).is_empty());
    assert!(violations(Path::new("src/ingest/hlog/mod.rs"), codec).is_empty());
    assert_eq!(
        violations(rel, codec),
        ["src/analysis/build.rs:1: analysis → hlog"]
    );
    let up = "use crate::ingest::TimeUnit;\n";
    assert_eq!(
        violations(Path::new("src/hlog/read.rs"), up),
        ["src/hlog/read.rs:1: hlog → ingest"]
    );
}

#[test]
fn every_source_file_keeps_to_its_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap();
        bad.extend(violations(rel, &std::fs::read_to_string(f).unwrap()));
    }
    assert!(files.len() > 50, "src/ not found: {}", files.len());
    assert!(
        bad.is_empty(),
        "imports that break ARCHITECTURE.md's layers:\n{}",
        bad.join("\n")
    );
}
