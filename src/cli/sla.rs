//! `headroom sla init RUN_DIR`: a starter SLA file written from a run, to edit rather
//! than to write from nothing. Global rules sit at round limits just above what the
//! run measured (p95, p99 and the error rate over every stage), the heaviest stage is
//! the verdict stage and carries a throughput floor at a round value at or below its
//! measured throughput, so the run it came from passes its own starter SLA. Printed to
//! stdout, or written to `--out FILE` when that file does not exist yet (never
//! overwritten).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::common::{emit, InputArgs};
use super::exit::Outcome;
use super::pipeline::run_pipeline;
use crate::analysis::Analysis;
use crate::model::untrusted::printable;

/// Arguments of `sla`.
#[derive(Debug, Args)]
pub struct SlaArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: SlaCommand,
}

/// The `sla` subcommands.
#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Write a starter SLA from a run: round limits above what it measured, its
    /// heaviest stage as the verdict stage.
    #[command(
        after_help = "Examples:\n  headroom sla init results/run-1 > sla.toml\n  headroom sla init results/run-1 --out sla.toml\n\nExit codes: 0 written; 2 bad input, or --out names a file that exists."
    )]
    Init(InitArgs),
}

/// Arguments of `sla init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the SLA here instead of stdout; refused when the file exists.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `sla`.
pub fn run(args: &SlaArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        SlaCommand::Init(init) => run_init(init),
    }
}

fn run_init(args: &InitArgs) -> anyhow::Result<Outcome> {
    if let Some(out) = args.out.as_ref().filter(|p| p.exists()) {
        eprintln!(
            "error: {} exists; sla init never overwrites a file: give another --out, or \
             leave --out away to print the SLA",
            crate::model::untrusted::printable_path(out)
        );
        return Ok(Outcome::BadInput);
    }
    let opts = args.input.ingest_options()?;
    let Ok((_, analysis)) = run_pipeline(&args.input.paths, &opts, None) else {
        return Ok(Outcome::BadInput);
    };
    let text = starter(&analysis);
    match &args.out {
        None => emit(&text)?,
        Some(path) => {
            // create_new: a file that appeared since the check above is not overwritten.
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            f.write_all(text.as_bytes())?;
            eprintln!("wrote {}", crate::model::untrusted::printable_path(path));
        }
    }
    Ok(Outcome::Ok)
}

/// The starter SLA text for an analysed run.
pub fn starter(a: &Analysis) -> String {
    let mut out = String::new();
    // Escaped: a label holding a line break would end the comment and write TOML.
    let label = printable(a.run.label.as_deref().unwrap_or("this run"));
    let _ = writeln!(
        out,
        "# Starter SLA written by `headroom sla init` from {label}: round limits just above \
         what\n# the run measured. Edit them to what the service must meet; see README, \
         \"SLA files\"."
    );
    let _ = writeln!(out, "\n[global]");
    // The heaviest stage: most users, else highest arrival rate, else throughput.
    let heaviest = a.stages.iter().max_by(|x, y| {
        let load = |s: &crate::analysis::report::StageReport| {
            (
                s.users.map_or(0.0, f64::from),
                s.arrival_rate_rps.unwrap_or(0.0),
                s.figures.throughput_rps.unwrap_or(0.0),
            )
        };
        let (a, b) = (load(x), load(y));
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
    });
    if let Some(h) = heaviest {
        let _ = writeln!(
            out,
            "# The heaviest stage decides the verdict; the others are reported.\nverdict_stages = [{}]",
            toml_string(&h.name)
        );
    }
    let scopes: Vec<&crate::analysis::report::ScopeReport> = if a.stages.is_empty() {
        vec![&a.overall]
    } else {
        a.stages.iter().map(|s| &s.figures).collect()
    };
    let worst = |f: fn(&crate::analysis::report::ScopeReport) -> Option<f64>| {
        scopes
            .iter()
            .filter_map(|s| f(s))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
    };
    let mut rules: Vec<String> = Vec::new();
    for (metric, value) in [
        ("p(95)", worst(|s| s.latency_ms.p95)),
        ("p(99)", worst(|s| s.latency_ms.p99)),
    ] {
        if let Some(v) = value {
            rules.push(format!("{metric} < {}", ms_text(nice_above(v))));
        }
    }
    // 1%: a tighter limit is the user's to choose, and a looser one would write a
    // broken run's failures (97 % 503s) into the SLA as acceptable.
    let errors = worst(|s| s.error_rate).unwrap_or(0.0) * 100.0;
    if errors >= 1.0 {
        let _ = writeln!(
            out,
            "# The run's worst stage failed {}% of its requests: the 1% limit below fails it \
             there.",
            number((errors * 100.0).round() / 100.0)
        );
    }
    rules.push("error_rate < 1%".to_string());
    if heaviest.is_none() {
        if let Some(x) = a.overall.throughput_rps.filter(|x| *x > 0.0) {
            rules.push(format!("throughput >= {}/s", number(nice_below(x))));
        }
    }
    let _ = writeln!(out, "rules = [");
    for r in &rules {
        let _ = writeln!(out, "  {},", toml_string(r));
    }
    let _ = writeln!(out, "]");
    if let Some(h) = heaviest {
        // Past 1% errors the floor is on the successful requests: a rate of failures
        // is no capacity.
        let (metric, rate) = match h.figures.error_rate {
            Some(e) if e >= 0.01 => ("goodput", h.figures.goodput_rps),
            _ => ("throughput", h.figures.throughput_rps),
        };
        if let Some(x) = rate.filter(|x| *x > 0.0) {
            let _ = writeln!(
                out,
                "\n# A {metric} floor for the heaviest stage only: lighter stages make less.\n[stage.{}]\nrules = [{}]",
                toml_key(&h.name),
                toml_string(&format!("{metric} >= {}/s", number(nice_below(x))))
            );
        }
    }
    out
}

/// Round values: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ.
const MANTISSAS: [f64; 9] = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0];

/// The smallest round value strictly above `v` (1 for v ≤ 0).
pub fn nice_above(v: f64) -> f64 {
    if !(v > 0.0 && v.is_finite()) {
        return 1.0;
    }
    let mut scale = 10f64.powf(v.log10().floor() - 1.0);
    loop {
        for m in MANTISSAS {
            let c = m * scale;
            if c > v * (1.0 + 1e-9) {
                return c;
            }
        }
        scale *= 10.0;
    }
}

/// The largest round value at or below `v` (0 for v ≤ 0).
pub fn nice_below(v: f64) -> f64 {
    if !(v > 0.0 && v.is_finite()) {
        return 0.0;
    }
    let mut scale = 10f64.powf(v.log10().floor() + 1.0);
    loop {
        for m in MANTISSAS.iter().rev() {
            let c = m * scale;
            if c <= v * (1.0 + 1e-9) {
                return c;
            }
        }
        scale /= 10.0;
    }
}

/// A number without needless decimals: `1500`, `2.5`, `0.15`.
fn number(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `500ms`, `2s`, `1.5s`.
fn ms_text(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{}s", number(ms / 1000.0))
    } else {
        format!("{}ms", number(ms))
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        toml_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_limits() {
        assert_eq!(nice_above(450.0), 500.0);
        assert_eq!(nice_above(1200.0), 1500.0);
        assert_eq!(nice_above(500.0), 600.0);
        assert_eq!(nice_above(0.02), 0.025);
        assert_eq!(nice_below(1000.0), 1000.0);
        assert_eq!(nice_below(73.4), 60.0);
        assert_eq!(nice_below(4.4), 4.0);
        assert_eq!(ms_text(1500.0), "1.5s");
        assert_eq!(ms_text(500.0), "500ms");
        assert_eq!(toml_key("peak"), "peak");
        assert_eq!(toml_key("01 peak"), "\"01 peak\"");
    }
}
