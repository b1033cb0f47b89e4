//! The shared front half of `analyze`, `check` and `demo`: ingest the inputs, analyse
//! them, apply the SLA. Problems go to stderr here, once.

use std::path::PathBuf;

use crate::analysis::{self, Analysis};
use crate::ingest::{self, IngestOptions};
use crate::model::Run;

/// An SLA file's text and where it came from (for messages).
pub struct SlaText {
    /// Path, or a name for an embedded file.
    pub origin: String,
    /// The TOML text.
    pub text: String,
}

/// Why the pipeline produced no analysis; the caller exits 2.
#[derive(Debug)]
pub struct NothingToReport;

/// Ingests `paths`, analyses the run and applies `sla`. Every input problem is printed
/// to stderr; `Err` means nothing could be reported (no results, or a bad SLA file),
/// already explained on stderr.
pub fn run_pipeline(
    paths: &[PathBuf],
    opts: &IngestOptions,
    sla: Option<&SlaText>,
) -> Result<(Run, Analysis), NothingToReport> {
    let run = ingest::load_runs(paths, opts);
    for p in &run.problems {
        eprintln!("error: {p}");
    }
    if run.sources.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "error: no load-test results found in {}; headroom reads Locust CSVs, HdrHistogram \
             interval logs (.hlog) and its generic per-request CSV (see README)",
            shown.join(", ")
        );
        for (p, why) in &run.skipped {
            eprintln!("  skipped {}: {why}", p.display());
        }
        return Err(NothingToReport);
    }
    let mut analysis = analysis::analyze(&run);
    if let Some(sla) = sla {
        let applied = analysis::sla::SlaSpec::parse(&sla.text)
            .and_then(|spec| analysis::apply_sla(&mut analysis, &run, &spec));
        if let Err(e) = applied {
            eprintln!("error: {}: {e}", sla.origin);
            return Err(NothingToReport);
        }
    }
    Ok((run, analysis))
}
