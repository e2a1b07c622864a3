//! Every input format behind one trait: header resolution, batches of raw
//! records, progress, and the input's summary (row count, sha256).

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::error::RunError;
use crate::read::batch::Batch;
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::csv_source::CsvSource;
use crate::read::input::{InputFormat, ReadTally};
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

/// One input file being read, whatever its format.
pub trait Source: Send {
    /// Resolved columns.
    fn columns(&self) -> &ColumnMap;

    /// Fills `batch` with up to `max` records; false at end of input.
    fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError>;

    /// Raw bytes read so far (estimated for Parquet), shared with the progress bar.
    fn progress(&self) -> Arc<AtomicU64>;

    /// The input's line in `summary.json`, once it has been read to the end.
    fn summary(&mut self) -> Result<InputSummary, RunError>;
}

/// Opens an input in the format given, or by its extension, and resolves
/// its columns.
pub fn open(
    path: &str,
    format: Option<InputFormat>,
    overrides: &ColumnOverrides,
    keep_unused: bool,
) -> Result<Box<dyn Source>, RunError> {
    Ok(match InputFormat::of_input(path, format) {
        InputFormat::Parquet => Box::new(ParquetSource::open(path, overrides, keep_unused)?),
        InputFormat::Csv => Box::new(CsvSource::open(path, overrides)?),
        InputFormat::Xml => Box::new(XmlSource::open(path)?),
    })
}

/// The summary of a text input (CSV or XML): its raw bytes and their hash
/// as the tally counted them.
fn text_summary(path: &str, rows: u64, tally: &ReadTally, xml: Option<XmlInfo>) -> InputSummary {
    InputSummary {
        path: path.to_string(),
        rows,
        bytes: Some(tally.bytes()),
        sha256: tally.sha256_hex(),
        xml,
    }
}

impl Source for CsvSource {
    fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        CsvSource::read_batch(self, batch, max)
    }

    fn progress(&self) -> Arc<AtomicU64> {
        self.tally.bytes_handle()
    }

    fn summary(&mut self) -> Result<InputSummary, RunError> {
        Ok(text_summary(self.path(), self.rows(), &self.tally, None))
    }
}

impl Source for ParquetSource {
    fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        ParquetSource::read_batch(self, batch, max)
    }

    fn progress(&self) -> Arc<AtomicU64> {
        ParquetSource::progress(self)
    }

    fn summary(&mut self) -> Result<InputSummary, RunError> {
        Ok(InputSummary {
            path: self.path().to_string(),
            rows: self.rows(),
            bytes: std::fs::metadata(self.path()).ok().map(|m| m.len()),
            sha256: self.sha256_hex()?,
            xml: None,
        })
    }
}

impl Source for XmlSource {
    fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        XmlSource::read_batch(self, batch, max)
    }

    fn progress(&self) -> Arc<AtomicU64> {
        self.tally.bytes_handle()
    }

    fn summary(&mut self) -> Result<InputSummary, RunError> {
        Ok(text_summary(
            self.path(),
            self.rows(),
            &self.tally,
            Some(self.info.clone()),
        ))
    }
}
