//! JMeter's result files: the JTL in CSV form (`csv`, with its read pipeline in
//! `csv/rows.rs`) and in XML form (`xml`), the HTML dashboard's `statistics.json`
//! (`dashboard`) and the non-GUI console or `jmeter.log` (`summariser`); each file has
//! its format's `SPEC`. A distributed run's users are its engines' added (`engines`);
//! several JTLs in one dir are told apart as listeners' copies or engines (`listeners`).

pub mod csv;
pub mod dashboard;
pub mod engines;
pub mod listeners;
pub mod summariser;
pub mod xml;
