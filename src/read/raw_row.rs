//! One input row before staging, whatever the input format: a `ByteRecord`,
//! a record packed in a batch (NAACCR XML), a CSV record split in place
//! ([`crate::read::lines::LineRow`]) or a row of a Parquet record batch.

use csv::ByteRecord;

use crate::read::text_column::TextColumn;

/// A row's fields by column index (numbered as in the input's `ColumnMap`),
/// borrowed for `'a` from the batch that holds them.
pub trait RawRow<'a>: Copy {
    /// Number of fields in the row.
    fn width(self) -> usize;

    /// Field `i` as text, if the row has it: `Err` with its bytes when they
    /// are not UTF-8.
    fn text(self, i: usize) -> Option<Result<&'a str, &'a [u8]>>;

    /// What makes the whole record unusable, when its reader found that
    /// (an XML item repeated or too long): the row is an `E_RECORD` error.
    fn problem(self) -> Option<&'a str> {
        None
    }
}

/// Bytes as text, or themselves when they are not UTF-8.
fn checked(bytes: &[u8]) -> Result<&str, &[u8]> {
    std::str::from_utf8(bytes).map_err(|_| bytes)
}

impl<'a> RawRow<'a> for &'a ByteRecord {
    fn width(self) -> usize {
        self.len()
    }

    fn text(self, i: usize) -> Option<Result<&'a str, &'a [u8]>> {
        self.get(i).map(checked)
    }
}

/// A record packed in a [`crate::read::batch::Batch`] (NAACCR XML).
#[derive(Clone, Copy)]
pub struct CsvRow<'a> {
    /// The batch's field bytes.
    pub data: &'a [u8],
    /// The same bytes as text, when the whole batch is UTF-8.
    pub text: Option<&'a str>,
    /// Where the record starts in `data`.
    pub start: usize,
    /// The end of each of its fields in `data`.
    pub ends: &'a [u32],
    /// What makes the record unusable as a whole, if anything.
    pub problem: Option<&'a str>,
}

impl<'a> CsvRow<'a> {
    fn range(self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { self.start } else { self.ends[i - 1] as usize };
        Some(start..end)
    }

    /// The raw bytes of field `i`, if the record has it.
    pub fn bytes(self, i: usize) -> Option<&'a [u8]> {
        self.data.get(self.range(i)?)
    }
}

impl<'a> RawRow<'a> for CsvRow<'a> {
    fn width(self) -> usize {
        self.ends.len()
    }

    fn problem(self) -> Option<&'a str> {
        self.problem
    }

    fn text(self, i: usize) -> Option<Result<&'a str, &'a [u8]>> {
        let range = self.range(i)?;
        // Within a UTF-8 batch a field is text unless it starts or ends
        // inside a character (one split across two fields).
        if let Some(field) = self.text.and_then(|t| t.get(range.clone())) {
            return Some(Ok(field));
        }
        self.data.get(range).map(checked)
    }
}

/// Row `row` of a Parquet record batch, read in place (always UTF-8).
#[derive(Clone, Copy)]
pub struct ArrowRow<'a> {
    /// The batch's columns.
    pub columns: &'a [TextColumn],
    /// Row index within the batch.
    pub row: usize,
}

impl<'a> RawRow<'a> for ArrowRow<'a> {
    fn width(self) -> usize {
        self.columns.len()
    }

    fn text(self, i: usize) -> Option<Result<&'a str, &'a [u8]>> {
        self.columns.get(i).map(|c| Ok(c.get(self.row)))
    }
}
