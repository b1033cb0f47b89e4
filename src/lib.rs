pub mod model;
pub mod analysis;
pub mod ingest;
