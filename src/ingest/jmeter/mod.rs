//! JMeter's result files: the JTL in CSV form (`csv`, with its read pipeline in
//! `csv/rows.rs`) and in XML form (`xml`); each file has its format's `SPEC`.

pub mod csv;
pub mod xml;
