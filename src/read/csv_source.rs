//! The CSV reader: header resolution, then batches of raw records, each
//! kept in the bytes read ([`LineReader`]) for the staging threads to split.

use crate::error::{RunError, read_error};
use crate::read::batch::{Batch, MAX_BATCH_BYTES};
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::input::{ReadAheadUse, ReadTally, TextInput, open_text};
use crate::read::line_reader::{Filled, LineReader};

/// A CSV input being read.
pub struct CsvSource {
    path: String,
    records: LineReader,
    /// Header names as written.
    pub headers: Vec<String>,
    /// Resolved columns.
    pub columns: ColumnMap,
    /// Hash and byte count of the raw input.
    pub tally: ReadTally,
    /// Size of the raw input in bytes, when known.
    pub size: Option<u64>,
    rows: u64,
}

impl CsvSource {
    /// Opens the input and reads and resolves its header. A file with no
    /// header (0 bytes) is unusable (exit 65).
    pub fn open(path: &str, overrides: &ColumnOverrides) -> Result<CsvSource, RunError> {
        let TextInput { stream, tally, size } = open_text(path, ReadAheadUse::Inline)?;
        let mut lines = LineReader::new(stream);
        let Some(header) = lines.header().map_err(|e| read_error(path, e))? else {
            return Err(RunError::unusable(path, "empty input: no header line"));
        };
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
            records: lines,
            headers,
            columns,
            tally,
            size,
            rows: 0,
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
        let filled = self
            .records
            .fill(batch.lines(), max, max_bytes)
            .map_err(|e| read_error(&self.path, e))?;
        match filled {
            Filled::Records => {
                batch.len = batch.lines().len();
                self.rows += batch.len as u64;
                Ok(true)
            }
            Filled::End => Ok(false),
            Filled::TooLong => Err(self.too_large()),
        }
    }

    /// The error of a record too large for a batch.
    fn too_large(&self) -> RunError {
        RunError::unusable(
            &self.path,
            format!(
                "record {} is too large to read (a batch holds at most 4 GB)",
                self.rows + 1
            ),
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::batch::Rows;
    use crate::read::lines::LineFields;

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
        // Row i is a line of 11 + 10 i bytes, and 8 bytes of bounds: rows
        // 1-2 reach 60 (68), rows 3-4 too (108); rows 5, 6 and 7 are each
        // 60 or more alone.
        let mut fields = LineFields::default();
        while src.read_batch_within(&mut batch, 5, 60).unwrap() {
            let Rows::Lines(lines) = batch.rows() else {
                panic!("CSV batches hold lines")
            };
            let last = lines.split(batch.len - 1..batch.len, &mut fields).next().unwrap();
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
