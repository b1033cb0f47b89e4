//! k6's outputs read whole or line by line: the end-of-test summary JSON (`summary`),
//! the console's text summary (`console`), the `--out json` NDJSON (`json`) and the
//! `--out csv` rows (`csv`, which also holds the request assembly both per-request
//! outputs share); each file has its format's `SPEC`.

pub mod console;
pub mod csv;
pub mod json;
pub mod summary;
