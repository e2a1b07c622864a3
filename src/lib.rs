//! netstage's batch layer: reading registry exports (CSV, CSV.gz, Parquet, NAACCR XML), resolving
//! their columns, staging records in parallel with [`netstage_rules`] and
//! writing the outputs atomically. The binary (`src/main.rs`) only parses
//! flags and maps errors to exit codes.
#![deny(missing_docs)]

pub mod batch;
pub mod columns;
pub mod csv_source;
pub mod error;
pub mod explain;
pub mod input;
pub mod outdir;
pub mod output;
pub mod parquet_dict;
pub mod parquet_out;
pub mod parquet_source;
pub mod pipeline;
pub mod raw_row;
pub mod report_html;
pub mod schemas;
pub mod seer_algorithm;
pub mod source;
pub mod stage_rows;
pub mod summary;
pub mod text_column;
pub mod xml_source;

pub use error::RunError;
pub use pipeline::{OutputFormat, RunConfig, RunReport, run};
