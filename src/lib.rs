//! netstage's batch layer. Data flows one way: [`read`] (registry exports in
//! CSV, CSV.gz, Parquet or NAACCR XML, as batches of raw rows) -> [`stage`]
//! (rows staged with [`netstage_rules`], handed to a [`stage::RowSink`]) ->
//! [`write`] (the column registry and the output files, written atomically)
//! and [`report`] (counts and their renderings). Only [`pipeline`], which
//! runs them on threads, sees every side; the binary (`src/main.rs`, `cli.rs`,
//! `cmd/`) parses flags and maps errors to exit codes.
#![deny(missing_docs)]

pub mod error;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod seer_algorithm;
pub mod stage;
pub mod write;

pub use error::RunError;
pub use pipeline::{RunConfig, RunReport, run};
pub use write::OutputFormat;
