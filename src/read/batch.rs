//! A batch of raw input rows, recycled between the reader and the stagers:
//! NAACCR XML records packed back to back in one byte buffer, CSV records
//! in the bytes read ([`Lines`]), or the columns of one Parquet record batch
//! read in place; an enum says which.
//!
//! Packing records (rather than keeping one `ByteRecord` per row) keeps a
//! batch in a few large buffers whose size follows the batch's bytes: 16,384
//! separate records each grew to the longest record they ever held, so
//! memory crept up with the length of the input.

use csv::ByteRecord;

use crate::read::lines::Lines;
use crate::read::raw_row::CsvRow;
use crate::read::text_column::TextColumn;

/// Records per batch handed from the reader to the stagers.
pub const BATCH_ROWS: usize = 16 * 1024;

/// Most bytes of records (with their bounds and field offsets) in one
/// batch: a batch ends at the record that reaches it, or at the row limit.
/// Bounds memory when cells are huge or records very wide.
pub const MAX_BATCH_BYTES: usize = 32 << 20;

/// Raw rows of one input file, in order, with the row number of the first.
#[derive(Debug, Default)]
pub struct Batch {
    /// Index of the input file (into the run's input list).
    pub input: usize,
    /// 1-based data row number of the first row in its file.
    pub first_row: u64,
    /// Number of rows in the batch.
    pub len: usize,
    /// The rows, in one of the three layouts.
    content: Content,
}

/// How a batch holds its rows: records packed back to back (XML), CSV
/// records in the bytes read, or the columns of a Parquet record batch read
/// in place.
#[derive(Debug)]
enum Content {
    Packed(Packed),
    Lines(Lines),
    Columns(Vec<TextColumn>),
}

impl Default for Content {
    fn default() -> Content {
        Content::Packed(Packed::default())
    }
}

/// Records packed back to back in one byte buffer.
#[derive(Debug, Default)]
pub struct Packed {
    /// The fields of every record, back to back (while filling, or when
    /// they are not all UTF-8).
    data: Vec<u8>,
    /// The same bytes once [`Batch::seal`] found them UTF-8 (then `data`
    /// is empty): fields are then sliced as text without checking each one.
    text: Option<String>,
    /// End of each field in `data`, record after record.
    field_ends: Vec<u32>,
    /// Per record, its start in `data` and the end of its fields in
    /// `field_ends`.
    records: Vec<(u32, u32)>,
    /// Records the reader found unusable as a whole (row index in the batch,
    /// what is wrong), in row order: they become `E_RECORD` rows.
    problems: Vec<(usize, String)>,
}

/// A batch's rows as its layout holds them.
pub enum Rows<'a> {
    /// Packed records ([`Packed::row`]).
    Packed(&'a Packed),
    /// Lines of raw CSV ([`Lines::split`]).
    Lines(&'a Lines),
    /// Parquet columns, `len` rows each.
    Columns(&'a [TextColumn]),
}

/// A CSV record too large for a batch's 32-bit offsets.
#[derive(Debug)]
pub struct RecordTooLarge;

impl Batch {
    /// Empties the batch, keeping the buffers of packed records.
    pub fn clear(&mut self) {
        self.len = 0;
        match &mut self.content {
            Content::Packed(p) => p.clear(),
            Content::Lines(l) => l.clear(),
            Content::Columns(_) => self.content = Content::default(),
        }
    }

    /// The rows.
    pub fn rows(&self) -> Rows<'_> {
        match &self.content {
            Content::Packed(p) => Rows::Packed(p),
            Content::Lines(l) => Rows::Lines(l),
            Content::Columns(c) => Rows::Columns(c),
        }
    }

    /// Packed record `r`; `None` for a batch of lines or columns.
    pub fn packed_row(&self, r: usize) -> Option<CsvRow<'_>> {
        match &self.content {
            Content::Packed(p) => Some(p.row(r)),
            Content::Lines(_) | Content::Columns(_) => None,
        }
    }

    /// The packed records (filling them): a batch that held columns is
    /// turned back into one of packed records.
    fn packed(&mut self) -> &mut Packed {
        if !matches!(self.content, Content::Packed(_)) {
            self.content = Content::default();
        }
        match &mut self.content {
            Content::Packed(p) => p,
            Content::Lines(_) | Content::Columns(_) => unreachable!("set to packed above"),
        }
    }

    /// The lines (filling them): a batch that held another layout is turned
    /// into one of lines. Set [`Batch::len`] once they are filled.
    pub fn lines(&mut self) -> &mut Lines {
        if !matches!(self.content, Content::Lines(_)) {
            self.content = Content::Lines(Lines::default());
        }
        match &mut self.content {
            Content::Lines(l) => l,
            Content::Packed(_) | Content::Columns(_) => unreachable!("set to lines above"),
        }
    }

    /// Holds the columns of a Parquet record batch of `len` rows.
    pub fn set_columns(&mut self, columns: Vec<TextColumn>, len: usize) {
        self.content = Content::Columns(columns);
        self.len = len;
    }

    /// Marks record `r` (already pushed) as unusable as a whole.
    pub fn set_record_problem(&mut self, r: usize, what: String) {
        self.packed().problems.push((r, what));
    }

    /// Ends filling: checks the packed bytes for UTF-8 once, for the whole
    /// batch (a batch with some other bytes keeps them, and its fields are
    /// checked one by one).
    pub fn seal(&mut self) {
        let Content::Packed(p) = &mut self.content else {
            return;
        };
        let bytes = std::mem::take(&mut p.data);
        match String::from_utf8(bytes) {
            Ok(text) => p.text = Some(text),
            Err(e) => p.data = e.into_bytes(),
        }
    }

    /// Appends a record (its fields are copied).
    pub fn push_record(&mut self, record: &ByteRecord) -> Result<(), RecordTooLarge> {
        self.packed().push(record)?;
        self.len += 1;
        Ok(())
    }
}

impl Packed {
    fn clear(&mut self) {
        if let Some(text) = self.text.take() {
            self.data = text.into_bytes();
        }
        self.data.clear();
        self.field_ends.clear();
        self.records.clear();
        self.problems.clear();
    }

    fn push(&mut self, record: &ByteRecord) -> Result<(), RecordTooLarge> {
        let offset = |n: usize| u32::try_from(n).map_err(|_| RecordTooLarge);
        let start = offset(self.data.len())?;
        offset(self.data.len() + record.as_slice().len())?;
        self.data.extend_from_slice(record.as_slice());
        let mut end = start as usize;
        for field in record {
            end += field.len();
            self.field_ends.push(end as u32);
        }
        self.records.push((start, offset(self.field_ends.len())?));
        Ok(())
    }

    /// Record `r`.
    pub fn row(&self, r: usize) -> CsvRow<'_> {
        let (start, fields_end) = self.records[r];
        let fields_start = if r == 0 { 0 } else { self.records[r - 1].1 };
        let problem = if self.problems.is_empty() {
            None
        } else {
            self.problems
                .binary_search_by_key(&r, |(i, _)| *i)
                .ok()
                .map(|i| self.problems[i].1.as_str())
        };
        CsvRow {
            data: self.text.as_ref().map_or(&self.data[..], |t| t.as_bytes()),
            text: self.text.as_deref(),
            start: start as usize,
            ends: &self.field_ends[fields_start as usize..fields_end as usize],
            gap: 0,
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::raw_row::RawRow;

    fn packed(b: &Batch) -> &Packed {
        match b.rows() {
            Rows::Packed(p) => p,
            Rows::Lines(_) | Rows::Columns(_) => panic!("a batch of packed records"),
        }
    }

    #[test]
    fn records_come_back_field_by_field() {
        let mut b = Batch::default();
        for fields in [vec!["C250", "", "8240"], vec![""], vec!["a,b", "x"]] {
            b.push_record(&ByteRecord::from(fields)).unwrap();
        }
        assert_eq!(b.len, 3);
        b.seal();
        assert!(packed(&b).row(0).text(0).unwrap().is_ok());
        let row = |r: usize| {
            let row = packed(&b).row(r);
            (0..row.width())
                .map(|i| row.bytes(i).unwrap().to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(row(0), [b"C250".to_vec(), b"".to_vec(), b"8240".to_vec()]);
        assert_eq!(row(1), [b"".to_vec()]);
        assert_eq!(row(2), [b"a,b".to_vec(), b"x".to_vec()]);
        assert_eq!(packed(&b).row(2).bytes(2), None);
        b.clear();
        let sizes = |b: &Batch| {
            let p = packed(b);
            (b.len, p.data.len(), p.field_ends.len(), p.records.len())
        };
        assert_eq!(sizes(&b), (0, 0, 0, 0));
        b.push_record(&ByteRecord::from(vec!["ab", "c"])).unwrap();
        assert_eq!(sizes(&b), (1, 3, 2, 1));
    }

    /// A batch whose bytes are UTF-8 only as a whole (a character split
    /// across two fields) or not at all still reads each field right.
    #[test]
    fn fields_that_are_not_utf8_are_found_in_either_state() {
        for (fields, sealed_as_text) in [
            (vec![b"ok".to_vec(), b"x\xc3".to_vec(), b"\xa9y".to_vec()], true),
            (vec![b"ok".to_vec(), b"caf\xe9".to_vec(), b"".to_vec()], false),
        ] {
            let mut b = Batch::default();
            b.push_record(&ByteRecord::from(fields.clone())).unwrap();
            b.seal();
            assert_eq!(packed(&b).text.is_some(), sealed_as_text);
            let row = packed(&b).row(0);
            assert_eq!(row.text(0), Some(Ok("ok")));
            assert!(row.text(1).unwrap().is_err(), "{fields:?}");
            assert_eq!(row.bytes(1), Some(&fields[1][..]));
            assert_eq!(row.text(2).unwrap().is_ok(), !sealed_as_text);
        }
    }
}
