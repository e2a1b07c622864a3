//! An input of either format behind one interface: header resolution, batches
//! of raw records, row count, sha256 and progress.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::batch::Batch;
use crate::columns::{ColumnMap, ColumnOverrides};
use crate::csv_source::CsvSource;
use crate::error::RunError;
use crate::input::InputFormat;
use crate::parquet_source::ParquetSource;
use crate::summary::InputSummary;

/// One input file being read.
pub enum Source {
    /// CSV, CSV.gz or stdin.
    Csv(Box<CsvSource>),
    /// Parquet.
    Parquet(Box<ParquetSource>),
}

impl Source {
    /// Opens an input by its extension and resolves its header.
    pub fn open(path: &str, overrides: &ColumnOverrides, keep_unused: bool) -> Result<Source, RunError> {
        Ok(match InputFormat::of(path) {
            InputFormat::Parquet => Source::Parquet(Box::new(ParquetSource::open(path, overrides, keep_unused)?)),
            InputFormat::Csv | InputFormat::CsvGz => Source::Csv(Box::new(CsvSource::open(path, overrides)?)),
        })
    }

    /// Resolved columns.
    pub fn columns(&self) -> &ColumnMap {
        match self {
            Source::Csv(s) => &s.columns,
            Source::Parquet(s) => &s.columns,
        }
    }

    /// Fills `batch` with up to `max` records; false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        match self {
            Source::Csv(s) => s.read_batch(batch, max),
            Source::Parquet(s) => s.read_batch(batch, max),
        }
    }

    /// Raw bytes read so far (estimated for Parquet), shared with the progress bar.
    pub fn progress(&self) -> Arc<AtomicU64> {
        match self {
            Source::Csv(s) => s.tally.bytes_handle(),
            Source::Parquet(s) => s.progress(),
        }
    }

    /// The input's line in `summary.json`, once it has been read to the end.
    pub fn summary(&mut self) -> Result<InputSummary, RunError> {
        Ok(match self {
            Source::Csv(s) => InputSummary {
                path: s.path().to_string(),
                rows: s.rows(),
                bytes: Some(s.tally.bytes()),
                sha256: s.tally.sha256_hex(),
            },
            Source::Parquet(s) => InputSummary {
                path: s.path().to_string(),
                rows: s.rows(),
                bytes: std::fs::metadata(s.path()).ok().map(|m| m.len()),
                sha256: s.sha256_hex()?,
            },
        })
    }
}
