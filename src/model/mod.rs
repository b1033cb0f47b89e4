//! The run model: what every ingest adapter and the driver produce, and the only thing
//! analysis reads. Nothing here parses files or computes report figures; it holds
//! measured data with its provenance, in units that are explicit in the names.

mod checks;
mod count_slack;
mod endpoint_key;
mod exact;
mod failure;
mod grouping;
pub mod inspection;
mod latency;
mod manifest;
mod own_output;
pub mod proportion;
mod route;
mod run;
mod time;
mod timeseries;
mod toml_text;
mod totals_disagree;
pub mod untrusted;
mod window;

pub use checks::{ScriptChecks, ToolCheck};
pub use count_slack::CountSlack;
pub use endpoint_key::{ALL_REQUESTS, ALL_SAMPLERS};
pub use exact::ExactHistogram;
pub use failure::{normalize_error_message, settle_failure_kinds, FailureKind};
pub use grouping::{fitting, thousands, Grouping, GroupingPlan, MAX_ENDPOINTS, OTHERS};
pub use latency::{
    latency_possible, ms_to_us, new_histogram, LatencyDistribution, Percentile, PercentileMethod,
    PercentileSummary, HIST_SIGFIG,
};
pub use manifest::{
    FailuresUnseen, Manifest, ManifestShard, ManifestStage, PlannedTask, ThinkTime,
};
pub use own_output::{
    is_headroom_output, is_legacy_report, COMPARE_MARKER, DEMO_MARKER, EXPORT_MARKER,
    REPORT_MARKER, RUN_MARKER,
};
pub use route::{key_method_and_name, key_route, may_be_one_route, normalize_label};
pub use run::{
    shorter_timeout, EndpointKey, EndpointStats, InputFile, Problem, Run, RunMeta, SkipKind,
    Skipped, Source, SourceFlags, SourcePart, Stage,
};
pub use time::{format_rfc3339_ms, on_the_clock, TimeUnit};
pub use timeseries::{
    new_interval_histogram, plausible_time, HistogramForm, Interval, IntervalHistogram, TimeSeries,
    LATEST_MS, MAX_INTERVALS,
};
pub use toml_text::toml_error;
pub use totals_disagree::TotalsDisagree;
pub use window::{interval_window, INTERVAL_SLACK_MS};
