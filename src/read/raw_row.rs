//! One input row before staging, whatever the input format: a `ByteRecord`,
//! a record whose fields are ranges of a batch's bytes ([`CsvRow`]: packed
//! NAACCR XML items, or a CSV record split in place) or a row of a Parquet
//! record batch read in place.

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

/// A record whose fields are ranges of bytes: packed back to back in a
/// [`crate::read::batch::Batch`] (NAACCR XML), or split from CSV lines
/// ([`crate::read::lines::Lines::split`]).
#[derive(Clone, Copy, Debug)]
pub struct CsvRow<'a> {
    /// The bytes the fields lie in.
    pub data: &'a [u8],
    /// The same bytes as text, when they are all UTF-8.
    pub text: Option<&'a str>,
    /// Where the record starts in `data`.
    pub start: usize,
    /// The end of each of its fields in `data`.
    pub ends: &'a [u32],
    /// Bytes from one field's end to the next one's start: 0 for packed
    /// fields, 1 (a comma) in a CSV line.
    pub gap: usize,
    /// What makes the record unusable as a whole, if anything.
    pub problem: Option<&'a str>,
}

impl<'a> CsvRow<'a> {
    fn range(self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 {
            self.start
        } else {
            self.ends[i - 1] as usize + self.gap
        };
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
        // Within UTF-8 bytes a field is text unless it starts or ends inside
        // a character: one split across two packed fields (`x\xc3`,
        // `\xa9y`), never one of a CSV line, which ends at a comma.
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
