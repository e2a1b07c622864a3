//! Integration tests: run the real `netstage` binary on fixture files and
//! assert exact outputs and exit codes.

mod util;

mod cli;
mod eod;
mod fuzz_regressions;
mod golden_outputs;
mod hostile;
mod import;
mod layers;
mod parquet;
mod pipeline;
mod privacy;
mod properties;
mod report;
mod xml;
