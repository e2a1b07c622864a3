//! A batch of raw input rows, recycled between the reader and the stagers:
//! CSV records in reused `ByteRecord`s, or the columns of one Parquet record
//! batch read in place.

use csv::ByteRecord;

use crate::text_column::TextColumn;

/// Raw rows of one input file, in order, with the row number of the first.
#[derive(Debug, Default)]
pub struct Batch {
    /// Index of the input file (into the run's input list).
    pub input: usize,
    /// 1-based data row number of the first row in its file.
    pub first_row: u64,
    /// CSV record buffers; only the first `len` hold data (the rest are kept
    /// for reuse). Unused when `columns` is set.
    pub records: Vec<ByteRecord>,
    /// Number of rows in the batch.
    pub len: usize,
    /// Parquet input: the batch's columns as text, `len` rows each.
    pub columns: Option<Vec<TextColumn>>,
}

impl Batch {
    /// Empties the batch, keeping the record buffers.
    pub fn clear(&mut self) {
        self.len = 0;
        self.columns = None;
    }

    /// The next record buffer to fill (grows the pool when needed).
    pub fn next_slot(&mut self) -> &mut ByteRecord {
        if self.len == self.records.len() {
            self.records.push(ByteRecord::new());
        }
        &mut self.records[self.len]
    }
}
