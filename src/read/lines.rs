//! CSV records kept as the bytes the reader read them from: a batch's raw
//! bytes and where each record lies ([`crate::read::line_reader`] finds
//! that). The staging thread that stages a record splits it into fields,
//! so the fields are found beside the code that reads them, and none is
//! copied from the reader's core to the stager's.
//!
//! Most records are a line with no quote: csv-core would split it at every
//! comma, and so does [`Lines::split`]. The others (those with a quote)
//! are parsed by csv-core, their fields copied out unquoted.

use std::cell::RefCell;
use std::ops::Range;

use crate::read::line_reader::BOM;
use crate::read::raw_row::CsvRow;

thread_local! {
    /// Each staging thread's buffers for the fields of raw lines.
    static THREAD_FIELDS: RefCell<LineFields> = RefCell::new(LineFields::default());
}

/// Runs `f` with this thread's [`LineFields`], kept from call to call so
/// that a staging thread reuses its buffers from chunk to chunk.
pub fn with_thread_fields<T>(f: impl FnOnce(&mut LineFields) -> T) -> T {
    THREAD_FIELDS.with_borrow_mut(f)
}

/// A batch's records as lines of its raw bytes.
#[derive(Debug, Default)]
pub struct Lines {
    /// Raw bytes: the first `filled` are the batch's, the rest room to read into.
    pub(crate) bytes: Vec<u8>,
    /// Bytes of `bytes` in use.
    pub(crate) filled: usize,
    /// Each record's start and end in `bytes`: its line without the line
    /// end, or for a record of `quoted`, the bytes csv-core read it from
    /// (its line end included).
    pub(crate) lines: Vec<(u32, u32)>,
    /// The records (indices in `lines`, ascending) that csv-core parses.
    pub(crate) quoted: Vec<u32>,
}

/// Where the fields of some lines end, found at their commas; reused by a
/// worker from range to range.
#[derive(Debug)]
pub struct LineFields {
    /// The end of each field, line after line, from the start of the span.
    ends: Vec<u32>,
    /// Per line, its start in the span (or in `unquoted`) and the end of
    /// its fields in `ends`, and whether it was parsed.
    rows: Vec<(u32, u32, bool)>,
    /// The fields of the parsed records, back to back; `ends` of such a
    /// record point here.
    unquoted: Vec<u8>,
    /// csv-core's field ends while it parses a record.
    core_ends: Vec<usize>,
    /// csv-core, reset for each record it parses.
    core: csv_core::Reader,
}

impl Lines {
    /// Records held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Empties the batch, keeping its buffers.
    pub fn clear(&mut self) {
        self.filled = 0;
        self.lines.clear();
        self.quoted.clear();
    }

    /// Bytes the records take (their lines and bounds).
    pub fn used_bytes(&self) -> usize {
        self.filled + 8 * self.lines.len()
    }

    /// Splits the records of `range` into fields (into `fields`, reused)
    /// and returns them in order. Their bytes are checked for UTF-8 once,
    /// as a whole.
    pub fn split<'a>(&'a self, range: Range<usize>, fields: &'a mut LineFields) -> impl Iterator<Item = CsvRow<'a>> {
        let records = &self.lines[range.clone()];
        // The records' bytes, from the first's start (`base`) to the last's end.
        let (span, base) = match (records.first(), records.last()) {
            (Some(first), Some(last)) => (&self.bytes[first.0 as usize..last.1 as usize], first.0),
            _ => (&[][..], 0),
        };
        fields.ends.clear();
        fields.rows.clear();
        fields.unquoted.clear();
        let first_quoted = self.quoted.partition_point(|&q| (q as usize) < range.start);
        let mut quoted = self.quoted[first_quoted..].iter().map(|&q| q as usize).peekable();
        for (r, &(start, end)) in range.zip(records) {
            let (start, end) = ((start - base) as usize, (end - base) as usize);
            if quoted.next_if_eq(&r).is_some() {
                let at = fields.unquoted.len();
                fields.parse(&span[start..end]);
                fields.rows.push((at as u32, fields.ends.len() as u32, true));
                continue;
            }
            push_commas(&span[start..end], start, &mut fields.ends);
            fields.ends.push(end as u32);
            fields.rows.push((start as u32, fields.ends.len() as u32, false));
        }
        let fields: &'a LineFields = fields;
        let text = std::str::from_utf8(span).ok();
        let unquoted = &fields.unquoted[..];
        let unquoted_text = std::str::from_utf8(unquoted).ok();
        (0..fields.rows.len()).map(move |i| {
            let (start, ends_end, parsed) = fields.rows[i];
            let ends_start = if i == 0 { 0 } else { fields.rows[i - 1].1 };
            let (data, text, gap) = if parsed {
                (unquoted, unquoted_text, 0)
            } else {
                (span, text, 1)
            };
            CsvRow {
                data,
                text,
                start: start as usize,
                ends: &fields.ends[ends_start as usize..ends_end as usize],
                gap,
                problem: None,
            }
        })
    }
}

/// Appends the position (plus `offset`) of every comma of `line`, eight
/// bytes at a time: fields are short, and a search call per field costs
/// more than the field.
#[inline]
fn push_commas(line: &[u8], offset: usize, out: &mut Vec<u32>) {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
    let mut words = line.chunks_exact(8);
    let mut at = offset;
    for word in words.by_ref() {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes")) ^ COMMAS;
        // The high bit of each byte that is zero (a comma), exactly: no
        // carry crosses a byte, as the low seven bits are added apart.
        let mut zero = !(((x & LOW7) + LOW7) | x | LOW7);
        while zero != 0 {
            out.push((at + zero.trailing_zeros() as usize / 8) as u32);
            zero &= zero - 1;
        }
        at += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == b',' {
            out.push((at + i) as u32);
        }
    }
}

impl Default for LineFields {
    fn default() -> LineFields {
        LineFields {
            ends: Vec::new(),
            rows: Vec::new(),
            unquoted: Vec::new(),
            core_ends: Vec::new(),
            // Built (`csv_core::Reader::default` builds no parser).
            core: csv_core::Reader::new(),
        }
    }
}

impl LineFields {
    /// Parses one record with csv-core, its fields appended to `unquoted`
    /// and their ends to `ends`.
    fn parse(&mut self, record: &[u8]) {
        let core = &mut self.core;
        core.reset();
        let at = self.unquoted.len();
        self.unquoted.resize(at + record.len().max(16), 0);
        self.core_ends.resize(self.core_ends.len().max(64), 0);
        let (mut pos, mut nout, mut nend) = (0, 0, 0);
        // A reset parser drops a byte-order mark at its start (as at the
        // start of a file); mid-file it is data, and one byte alone is read
        // as data.
        let bom = record.starts_with(BOM);
        loop {
            let until = if pos == 0 && bom { 1 } else { record.len() };
            let (res, i, o, e) = core.read_record(
                &record[pos..until],
                &mut self.unquoted[at + nout..],
                &mut self.core_ends[nend..],
            );
            (pos, nout, nend) = (pos + i, nout + o, nend + e);
            match res {
                // At the end of the record's bytes: the record ends there.
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.unquoted.len();
                    self.unquoted.resize(2 * len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.core_ends.len();
                    self.core_ends.resize(2 * len, 0);
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        self.unquoted.truncate(at + nout);
        self.ends
            .extend(self.core_ends[..nend].iter().map(|&e| (at + e) as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::raw_row::RawRow;

    type Field = Result<String, Vec<u8>>;

    /// The fields of lines `range` of `text` (records at `bounds`).
    fn split(text: &[u8], bounds: &[(u32, u32)], range: Range<usize>) -> Vec<Vec<Field>> {
        let lines = Lines {
            bytes: text.to_vec(),
            filled: text.len(),
            lines: bounds.to_vec(),
            quoted: Vec::new(),
        };
        let mut f = LineFields::default();
        lines
            .split(range, &mut f)
            .map(|r| {
                assert_eq!(r.bytes(r.width()), None);
                (0..r.width())
                    .map(|i| match r.text(i).unwrap() {
                        Ok(s) => Ok(s.to_string()),
                        Err(b) => Err(b.to_vec()),
                    })
                    .collect()
            })
            .collect()
    }

    fn ok(v: &[&str]) -> Vec<Field> {
        v.iter().map(|s| Ok(s.to_string())).collect()
    }

    proptest::proptest! {
        /// Every comma's position is found, whatever the bytes around it
        /// and however many a word holds.
        #[test]
        fn every_comma_is_found(
            line in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(b','), proptest::num::u8::ANY], 0..70),
            offset in 0usize..1000,
        ) {
            let mut ours = vec![7u32];
            push_commas(&line, offset, &mut ours);
            let mut expected = vec![7u32];
            expected.extend(line.iter().enumerate().filter(|(_, b)| **b == b',').map(|(i, _)| (offset + i) as u32));
            proptest::prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn records_split_at_every_comma() {
        let text = b"C250,,8240\r\n,\nx\n";
        let bounds = [(0, 10), (12, 13), (14, 15)];
        assert_eq!(
            split(text, &bounds, 0..3),
            [ok(&["C250", "", "8240"]), ok(&["", ""]), ok(&["x"])]
        );
        assert_eq!(split(text, &bounds, 1..3), [ok(&["", ""]), ok(&["x"])]);
        assert_eq!(split(text, &bounds, 1..1).len(), 0);
    }

    /// Lines whose bytes are not all UTF-8 still give their UTF-8 fields
    /// as text and the others as bytes.
    #[test]
    fn fields_that_are_not_utf8_come_back_as_bytes() {
        let text = b"ok,caf\xe9,\xc3\xa9\n";
        assert_eq!(
            split(text, &[(0, 10)], 0..1),
            [vec![
                Ok("ok".to_string()),
                Err(b"caf\xe9".to_vec()),
                Ok("é".to_string())
            ]]
        );
    }
}
