pub mod analysis;
pub mod cli;
pub mod driver;
pub mod ingest;
pub mod model;
