//! The CSV reader: header resolution, then batches of raw records, each read
//! into one reused `ByteRecord` and packed into the batch.

use std::io::Read;

use csv::ByteRecord;

use crate::error::{RunError, read_error};
use crate::read::batch::{Batch, MAX_BATCH_BYTES};
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::input::{ReadAheadUse, ReadTally, TextInput, open_text};

/// A CSV input being read.
pub struct CsvSource {
    path: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// Header names as written.
    pub headers: Vec<String>,
    /// Resolved columns.
    pub columns: ColumnMap,
    /// Hash and byte count of the raw input.
    pub tally: ReadTally,
    /// Size of the raw input in bytes, when known.
    pub size: Option<u64>,
    rows: u64,
    record: ByteRecord,
}

impl CsvSource {
    /// Opens the input and reads and resolves its header. A file with no
    /// header (0 bytes) is unusable (exit 65).
    pub fn open(path: &str, overrides: &ColumnOverrides) -> Result<CsvSource, RunError> {
        let TextInput { stream, tally, size } = open_text(path, ReadAheadUse::Inline)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(stream);
        let mut header = ByteRecord::new();
        let got = reader.read_byte_record(&mut header).map_err(|e| csv_error(path, e))?;
        if !got {
            return Err(RunError::unusable(path, "empty input: no header line"));
        }
        let headers: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = String::from_utf8_lossy(h);
                let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { &h };
                h.trim().to_string()
            })
            .collect();
        let columns = ColumnMap::resolve(path, &headers, overrides)?;
        Ok(CsvSource {
            path: path.to_string(),
            reader,
            headers,
            columns,
            tally,
            size,
            rows: 0,
            record: ByteRecord::new(),
        })
    }

    /// Fills `batch` with up to `max` records (fewer once it holds
    /// [`MAX_BATCH_BYTES`]); returns false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        self.read_batch_within(batch, max, MAX_BATCH_BYTES)
    }

    /// [`CsvSource::read_batch`] with a byte limit of `max_bytes`.
    fn read_batch_within(&mut self, batch: &mut Batch, max: usize, max_bytes: usize) -> Result<bool, RunError> {
        batch.clear();
        batch.first_row = self.rows + 1;
        while batch.len < max && batch.csv_bytes() < max_bytes {
            if !self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(&self.path, e))?
            {
                break;
            }
            batch.push_record(&self.record).map_err(|_| {
                RunError::unusable(
                    &self.path,
                    format!(
                        "record {} is too large to read (a batch holds at most 4 GB)",
                        self.rows + 1
                    ),
                )
            })?;
            self.rows += 1;
        }
        batch.seal();
        Ok(batch.len > 0)
    }

    /// The path as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

fn csv_error(path: &str, e: csv::Error) -> RunError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => read_error(path, io),
        other => RunError::unusable(
            path,
            format!(
                "unreadable CSV{}: {other:?}",
                line.map(|l| format!(" at line {l}")).unwrap_or_default()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch ends at the row limit or at the record that reaches the byte
    /// limit; row numbers run on.
    #[test]
    fn batches_end_at_the_row_or_byte_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        let body: String = (1..=7)
            .map(|i| format!("C{i:03},8240,{}\n", "x".repeat(i * 10)))
            .collect();
        std::fs::write(&path, format!("primary_site,histology,note\n{body}")).unwrap();
        let mut src = CsvSource::open(path.to_str().unwrap(), &ColumnOverrides::default()).unwrap();
        let mut batch = Batch::default();
        let mut shapes = Vec::new();
        // Row i holds 4 + 4 + 10 i field bytes, 12 bytes of field ends and 8 of
        // record bounds (28 + 10 i): rows 1-2 reach 60 (86), rows 3-4 too
        // (126); rows 5, 6 and 7 are each 60 or more alone.
        while src.read_batch_within(&mut batch, 5, 60).unwrap() {
            let last = batch.packed_row(batch.len - 1).expect("CSV batches are packed");
            shapes.push((batch.first_row, batch.len, last.bytes(0).unwrap().to_vec()));
        }
        assert_eq!(
            shapes,
            [
                (1, 2, b"C002".to_vec()),
                (3, 2, b"C004".to_vec()),
                (5, 1, b"C005".to_vec()),
                (6, 1, b"C006".to_vec()),
                (7, 1, b"C007".to_vec()),
            ]
        );
        assert_eq!(src.rows(), 7);
    }
}
