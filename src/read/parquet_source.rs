//! The Parquet reader (Apache Arrow): the same header resolution as CSV, a
//! projection of the needed columns, record batches handed to the stagers as
//! text columns read in place ([`TextColumn`]; non-string types converted).

use std::fs::File;
use std::io::{BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};

use crate::error::RunError;
use crate::read::batch::Batch;
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::text_column::{TextColumn, supported};

/// A Parquet input being read.
pub struct ParquetSource {
    path: String,
    reader: ParquetRecordBatchReader,
    /// Resolved columns, numbered within the projection (records carry only
    /// the projected columns, in file order).
    pub columns: ColumnMap,
    /// Per projected column: zero-pad integer values to this width (NAACCR
    /// `leftZero` items whose zeros an integer column lost; at most 8), 0 = as is.
    pad: Vec<usize>,
    rows: u64,
    total_rows: u64,
    size: u64,
    progress: Arc<AtomicU64>,
    hasher: Option<JoinHandle<std::io::Result<String>>>,
    /// The rest of a record batch longer than a batch.
    pending: Option<RecordBatch>,
}

fn corrupt(path: &str, e: impl std::fmt::Display) -> RunError {
    RunError::unusable(path, format!("unreadable Parquet: {e}"))
}

impl ParquetSource {
    /// Opens the file, resolves its columns and projects the ones netstage
    /// reads (plus `keep` columns). A corrupt or truncated file exits 65.
    pub fn open(path: &str, overrides: &ColumnOverrides, keep_unused: bool) -> Result<ParquetSource, RunError> {
        let open = || {
            File::open(path).map_err(|e| RunError::InputOpen {
                path: path.to_string(),
                source: e,
            })
        };
        let file = open()?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(path, e))?;
        let headers: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        let columns = ColumnMap::resolve(path, &headers, overrides)?;
        let mut wanted: Vec<usize> = columns.used_columns();
        if keep_unused {
            wanted.extend(columns.unused.iter().map(|(i, _)| *i));
        }
        wanted.sort_unstable();
        wanted.dedup();
        for &i in &wanted {
            let dt = builder.schema().field(i).data_type();
            if !supported(dt) {
                return Err(RunError::unusable(
                    path,
                    format!(
                        "column {:?} has type {dt}, which netstage cannot read as text",
                        headers[i]
                    ),
                ));
            }
        }
        // Tumor record number (items 60/380) is 2 digits, zero-padded.
        let mut pad = vec![0; headers.len()];
        for &i in columns.columns(netstage_rules::Field::TumorRecord) {
            if builder.schema().field(i).data_type().is_integer() {
                pad[i] = 2;
            }
        }
        // Records carry only the projected columns.
        let pad: Vec<usize> = wanted.iter().map(|&i| pad[i]).collect();
        let columns = columns.project(&wanted);
        let total_rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
        let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(crate::read::batch::BATCH_ROWS)
            .build()
            .map_err(|e| corrupt(path, e))?;
        // The input's sha256, computed alongside the reading.
        let hash_file = open()?;
        let hasher = std::thread::spawn(move || sha256_of(hash_file));
        Ok(ParquetSource {
            path: path.to_string(),
            reader,
            columns,
            pad,
            rows: 0,
            total_rows,
            size,
            progress: Arc::new(AtomicU64::new(0)),
            hasher: Some(hasher),
            pending: None,
        })
    }

    /// The path as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes read so far, estimated from the rows read.
    pub fn progress(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.progress)
    }

    /// The file's sha256 (waits for the hashing thread).
    pub fn sha256_hex(&mut self) -> Result<String, RunError> {
        match self.hasher.take() {
            Some(h) => h
                .join()
                .map_err(|_| RunError::Internal("hashing thread panicked".into()))?
                .map_err(|e| RunError::Io {
                    path: self.path.clone(),
                    source: e,
                }),
            None => Err(RunError::Internal("sha256 already taken".into())),
        }
    }

    /// Fills `batch` with the next record batch (at most `max` rows) as text
    /// columns; returns false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        batch.clear();
        batch.first_row = self.rows + 1;
        let rb = loop {
            match self.pending.take() {
                Some(rb) => break rb,
                None => match self.reader.next() {
                    Some(Ok(rb)) if rb.num_rows() == 0 => continue,
                    Some(Ok(rb)) => break rb,
                    Some(Err(e)) => return Err(corrupt(&self.path, e)),
                    None => return Ok(false),
                },
            }
        };
        let rb = if rb.num_rows() > max {
            self.pending = Some(rb.slice(max, rb.num_rows() - max));
            rb.slice(0, max)
        } else {
            rb
        };
        let columns = rb
            .columns()
            .iter()
            .zip(&self.pad)
            .map(|(a, &pad)| TextColumn::from_array(a, pad))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| corrupt(&self.path, e))?;
        batch.set_columns(columns, rb.num_rows());
        self.rows += batch.len as u64;
        if self.total_rows > 0 {
            let done = (self.size as u128 * self.rows as u128 / self.total_rows as u128) as u64;
            self.progress.store(done, Ordering::Relaxed);
        }
        Ok(batch.len > 0)
    }
}

fn sha256_of(file: File) -> std::io::Result<String> {
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::read::batch::Rows;
    use arrow_array::{ArrayRef, Int64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    use super::*;

    /// Batches of at most `max` rows, numbered on across record batches and
    /// row groups; an integer tumor record number gets its zero back.
    #[test]
    fn batches_split_record_batches_and_keep_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("primary_site", DataType::Utf8, true),
            Field::new("histology", DataType::Utf8, true),
            Field::new("tumor_record", DataType::Int64, true),
        ]));
        let sites: Vec<String> = (0..10).map(|i| format!("C{i:03}")).collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(sites.clone())),
            Arc::new(StringArray::from(vec!["8240"; 10])),
            Arc::new(Int64Array::from((1..=10).collect::<Vec<i64>>())),
        ];
        let rb = RecordBatch::try_new(Arc::clone(&schema), columns).unwrap();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(3)).build();
        let mut w = ArrowWriter::try_new(File::create(&path).unwrap(), schema, Some(props)).unwrap();
        w.write(&rb).unwrap();
        w.close().unwrap();

        let path = path.display().to_string();
        let mut src = ParquetSource::open(&path, &Default::default(), false).unwrap();
        let site = src.columns.columns(netstage_rules::Field::PrimarySite)[0];
        let tumor = src.columns.columns(netstage_rules::Field::TumorRecord)[0];
        let mut batch = Batch::default();
        let mut seen = Vec::new();
        while src.read_batch(&mut batch, 4).unwrap() {
            let Rows::Columns(cols) = batch.rows() else {
                panic!("a Parquet batch holds columns")
            };
            assert!(batch.len <= 4);
            for r in 0..batch.len {
                let row = batch.first_row + r as u64;
                seen.push((row, cols[site].get(r).to_string(), cols[tumor].get(r).to_string()));
            }
        }
        assert_eq!(src.rows(), 10);
        let want: Vec<(u64, String, String)> = (0..10)
            .map(|i| (i as u64 + 1, sites[i].clone(), format!("{:02}", i + 1)))
            .collect();
        assert_eq!(seen, want);
    }
}
