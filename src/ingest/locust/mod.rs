//! Locust's outputs: the CSV set a `--csv` run writes (`csv_set`: the stats file and
//! the old `_requests.csv` / `_distribution.csv` pair), its history (`history`), its
//! failures and exceptions (`failures`), the `--json` stats (`json`), its HTML report
//! (`html`; before Locust 2.22, `html_legacy`) and its console output (`console`);
//! its series over time, and the seconds it wrote no row for (`series`), told from
//! the stamps a busy generator skips and the rows it wrote late (`skips`), counts that arrive in workers' batched reports spread
//! over the seconds they cover (`reports`); a run killed before it could flush its
//! history, told by the CSVs alone (`unflushed`); a history and a stats file that
//! count the run differently beyond that (`totals`); the one kind of percentile columns a
//! whole history holds (`window_kind`); what lies between a history's stages, and what
//! the stats file gives the last after a stats reset (`stage_edges`); Locust's rounding
//! of times to its buckets (`rounding`); the clock of a whole-run stage, from its
//! history (`summary_clock`). The CSV set is read as one source; the JSON and
//! the HTML report alone, or beside the CSVs to check they hold the whole run; the
//! console only beside the CSVs, for that check; a CSV run's planned rate in a dir
//! named by it, from its locustfile's pacing (`paced`).

pub mod console;
mod console_users;
pub mod csv_set;
pub mod failures;
pub mod flags;
pub mod history;
pub mod html;
mod html_legacy;
pub mod json;
mod paced;
mod reports;
mod resets;
mod rounding;
mod series;
mod skips;
mod stage_edges;
mod summary_clock;
mod totals;
mod unflushed;
mod window_kind;

pub use csv_set::{build_source, LocustSet};
pub use series::GAP;
pub use stage_edges::BETWEEN_STAGES;
