//! A batch of raw input records, recycled between the reader and the stagers.

use csv::ByteRecord;

/// Raw records of one input file, in order, with the row number of the first.
#[derive(Debug, Default)]
pub struct Batch {
    /// Index of the input file (into the run's input list).
    pub input: usize,
    /// 1-based data row number of `records[0]` in its file.
    pub first_row: u64,
    /// Record buffers; only the first `len` hold data (the rest are kept for reuse).
    pub records: Vec<ByteRecord>,
    /// Number of records in use.
    pub len: usize,
}

impl Batch {
    /// The records in use.
    pub fn rows(&self) -> &[ByteRecord] {
        &self.records[..self.len]
    }

    /// Empties the batch, keeping the buffers.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The next buffer to fill (grows the pool when needed).
    pub fn next_slot(&mut self) -> &mut ByteRecord {
        if self.len == self.records.len() {
            self.records.push(ByteRecord::new());
        }
        &mut self.records[self.len]
    }
}
