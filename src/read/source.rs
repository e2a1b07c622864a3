//! An input of either format behind one interface: header resolution, batches
//! of raw records, row count, sha256 and progress.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::error::RunError;
use crate::read::batch::Batch;
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::csv_source::CsvSource;
use crate::read::input::InputFormat;
use crate::read::parquet_source::ParquetSource;
use crate::read::xml_source::{XmlInfo, XmlSource};

/// One input's line in `summary.json`.
#[derive(Clone, Debug)]
pub struct InputSummary {
    /// Path as given (`-` for stdin).
    pub path: String,
    /// Data rows read.
    pub rows: u64,
    /// Size of the input as stored (compressed size for `.gz`), when known.
    pub bytes: Option<u64>,
    /// Hex sha256 of the raw bytes read.
    pub sha256: String,
    /// A NAACCR XML input's root attributes (`None` for CSV and Parquet).
    pub xml: Option<XmlInfo>,
}

/// One input file being read.
pub enum Source {
    /// CSV, CSV.gz or stdin.
    Csv(Box<CsvSource>),
    /// Parquet.
    Parquet(Box<ParquetSource>),
    /// NAACCR XML or XML.gz.
    Xml(Box<XmlSource>),
}

impl Source {
    /// Opens an input in the format given, or by its extension, and
    /// resolves its columns.
    pub fn open(
        path: &str,
        format: Option<InputFormat>,
        overrides: &ColumnOverrides,
        keep_unused: bool,
    ) -> Result<Source, RunError> {
        Ok(match format.unwrap_or_else(|| InputFormat::of(path)) {
            InputFormat::Parquet => Source::Parquet(Box::new(ParquetSource::open(path, overrides, keep_unused)?)),
            InputFormat::Csv => Source::Csv(Box::new(CsvSource::open(path, overrides)?)),
            InputFormat::Xml => Source::Xml(Box::new(XmlSource::open(path)?)),
        })
    }

    /// Resolved columns.
    pub fn columns(&self) -> &ColumnMap {
        match self {
            Source::Csv(s) => &s.columns,
            Source::Parquet(s) => &s.columns,
            Source::Xml(s) => &s.columns,
        }
    }

    /// Fills `batch` with up to `max` records; false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        match self {
            Source::Csv(s) => s.read_batch(batch, max),
            Source::Parquet(s) => s.read_batch(batch, max),
            Source::Xml(s) => s.read_batch(batch, max),
        }
    }

    /// Raw bytes read so far (estimated for Parquet), shared with the progress bar.
    pub fn progress(&self) -> Arc<AtomicU64> {
        match self {
            Source::Csv(s) => s.tally.bytes_handle(),
            Source::Parquet(s) => s.progress(),
            Source::Xml(s) => s.tally.bytes_handle(),
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
                xml: None,
            },
            Source::Parquet(s) => InputSummary {
                path: s.path().to_string(),
                rows: s.rows(),
                bytes: std::fs::metadata(s.path()).ok().map(|m| m.len()),
                sha256: s.sha256_hex()?,
                xml: None,
            },
            Source::Xml(s) => InputSummary {
                path: s.path().to_string(),
                rows: s.rows(),
                bytes: Some(s.tally.bytes()),
                sha256: s.tally.sha256_hex(),
                xml: Some(s.info.clone()),
            },
        })
    }
}
