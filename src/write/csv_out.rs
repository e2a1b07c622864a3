//! CSV output: rows encoded from the column registry into a chunk's bytes on
//! the staging workers, and the files (`stages.csv`, `flagged.csv`) they are
//! written to in order.

use std::io::Write;
use std::path::PathBuf;

use netstage_rules::{Messages, Outcome};

use crate::error::{RunError, io_error};
use crate::stage::{RowId, RowSink};
use crate::write::columns::{COLUMNS, Cell, Layout, column_indices};
use crate::write::direct_file::DirectFile;
use crate::write::outdir::OutputDir;
use crate::write::{ChunkEncoder, RowFiles};

/// Appends `v` in decimal without the formatting machinery (hot path).
fn push_decimal(buf: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Whether a cell must be quoted: it holds a separator, quote or line break.
#[inline]
fn needs_quotes(bytes: &[u8]) -> bool {
    // Most cells are a few bytes; a long one (the messages) is searched
    // with memchr rather than byte by byte.
    if bytes.len() < 16 {
        bytes.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b',', b'"', b'\n', bytes).is_some() || memchr::memchr(b'\r', bytes).is_some()
    }
}

/// Appends `bytes` quoted, its quotes doubled.
fn push_quoted(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.push(b'"');
    for &b in bytes {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// Writes one CSV cell, quoted when it holds a separator, quote or line break
/// (the bytes `csv::Writer` writes: see the differential test).
pub fn write_cell(buf: &mut Vec<u8>, cell: &str) {
    let bytes = cell.as_bytes();
    if needs_quotes(bytes) {
        push_quoted(buf, bytes);
    } else {
        buf.extend_from_slice(bytes);
    }
}

/// Text written straight into an output buffer (messages, without a copy
/// through a `String`).
struct TextInto<'b>(&'b mut Vec<u8>);

impl std::fmt::Write for TextInto<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Writes a row's messages as one cell: straight into `buf`, then, in the
/// rare case they need quoting, again quoted (through `scratch`).
fn write_messages(buf: &mut Vec<u8>, messages: &Messages<'_>, scratch: &mut Vec<u8>) {
    let start = buf.len();
    messages.write_to(&mut TextInto(buf));
    if needs_quotes(&buf[start..]) {
        scratch.clear();
        scratch.extend_from_slice(&buf[start..]);
        buf.truncate(start);
        push_quoted(buf, scratch);
    }
}

/// Encodes rows as CSV lines with a layout's columns; `scratch` is reused
/// across rows.
#[derive(Default)]
pub struct CsvRowEncoder {
    /// Whether the `source` column is written.
    with_source: bool,
    scratch: Vec<u8>,
}

impl CsvRowEncoder {
    /// An encoder for a layout.
    pub fn new(layout: &Layout) -> CsvRowEncoder {
        CsvRowEncoder {
            with_source: layout.with_source,
            scratch: Vec::new(),
        }
    }

    /// Appends one row as a CSV line (`\n` terminated).
    pub fn encode(&mut self, buf: &mut Vec<u8>, id: &RowId<'_>, out: &Outcome<'_>) {
        // Each column by its index (see `column_indices`): the sample's
        // 3,000 rows took 969 us through a loop over the cells, 449 us so
        // (benches/csv_writer.rs).
        macro_rules! columns {
            ($($i:literal)*) => { $( self.column::<$i>(buf, id, out); )* };
        }
        column_indices!(columns);
        for k in id.keep {
            buf.push(b',');
            write_cell(buf, k);
        }
        buf.push(b'\n');
    }

    /// Writes column `I` of [`COLUMNS`], after a comma unless it is the first.
    #[inline(always)]
    fn column<const I: usize>(&mut self, buf: &mut Vec<u8>, id: &RowId<'_>, out: &Outcome<'_>) {
        let cell = const { COLUMNS[I].cell };
        if matches!(cell, Cell::Source) && !self.with_source {
            return;
        }
        if I > 0 {
            buf.push(b',');
        }
        match cell {
            Cell::Row => push_decimal(buf, id.row),
            Cell::Source => write_cell(buf, id.source),
            Cell::RecordId => write_cell(buf, id.record_id),
            Cell::TumorRecord => write_cell(buf, id.tumor_record),
            Cell::Code(f) => buf.extend_from_slice(f(out).as_bytes()),
            Cell::TableValue(f) => write_cell(buf, f(out)),
            Cell::Boolean(_) => {
                let text = cell.outcome_text(out).unwrap_or_default();
                buf.extend_from_slice(text.as_bytes());
            }
            Cell::Messages => write_messages(buf, &out.messages, &mut self.scratch),
        }
    }
}

/// A chunk's room for `stages.csv` bytes, per row: enough to encode its rows
/// without growing the buffer (which copies it). Output rows run 150-210
/// bytes; pages left unwritten cost no memory.
const STAGES_BYTES_PER_ROW: usize = 256;

/// The same for `flagged.csv`: flagged rows are a fraction of the rows.
const FLAGGED_BYTES_PER_ROW: usize = 64;

/// One chunk of rows as `stages.csv` and `flagged.csv` bytes.
#[derive(Default)]
pub struct CsvChunk {
    encoder: CsvRowEncoder,
    stages: Vec<u8>,
    flagged: Vec<u8>,
    rows: u64,
}

impl CsvChunk {
    /// The chunk's `stages.csv` lines.
    pub fn stages(&self) -> &[u8] {
        &self.stages
    }

    /// The chunk's `flagged.csv` lines.
    pub fn flagged(&self) -> &[u8] {
        &self.flagged
    }
}

impl RowSink for CsvChunk {
    fn row(&mut self, id: &RowId<'_>, outcome: &Outcome<'_>) {
        let start = self.stages.len();
        self.encoder.encode(&mut self.stages, id, outcome);
        if outcome.flagged {
            self.flagged.extend_from_slice(&self.stages[start..]);
        }
        self.rows += 1;
    }
}

impl ChunkEncoder for CsvChunk {
    fn new(layout: &Layout, rows: usize) -> CsvChunk {
        CsvChunk {
            encoder: CsvRowEncoder::new(layout),
            stages: Vec::with_capacity(rows * STAGES_BYTES_PER_ROW),
            flagged: Vec::with_capacity(rows * FLAGGED_BYTES_PER_ROW),
            rows: 0,
        }
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn reset(&mut self, _layout: &Layout, rows: usize) {
        self.stages.clear();
        self.flagged.clear();
        self.stages.reserve(rows * STAGES_BYTES_PER_ROW);
        self.flagged.reserve(rows * FLAGGED_BYTES_PER_ROW);
        self.rows = 0;
    }

    fn kept_bytes(&self) -> usize {
        self.stages.capacity() + self.flagged.capacity()
    }
}

/// A CSV output file written through a buffer, its header first.
pub struct CsvFile {
    path: PathBuf,
    file: DirectFile,
}

impl CsvFile {
    /// Creates `name` in the output directory and writes the layout's header
    /// (through `csv::Writer`).
    pub fn create(out_dir: &mut OutputDir, name: &str, layout: &Layout) -> Result<CsvFile, RunError> {
        let (file, path) = out_dir.create(name)?;
        let mut out = CsvFile {
            path,
            file: DirectFile::new(file),
        };
        let mut header = csv::Writer::from_writer(Vec::new());
        header
            .write_record(layout.header())
            .map_err(|e| RunError::Internal(e.to_string()))?;
        let header = header.into_inner().map_err(|e| RunError::Internal(e.to_string()))?;
        out.write(&header)?;
        Ok(out)
    }

    /// Appends encoded rows.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), RunError> {
        self.file.write_all(bytes).map_err(|e| io_error(&self.path, e))
    }

    /// Flushes and syncs the file.
    pub fn finish(mut self) -> Result<(), RunError> {
        self.file.finish().map_err(|e| io_error(&self.path, e))
    }
}

/// `stages.csv` and `flagged.csv`.
pub struct CsvFiles {
    stages: CsvFile,
    flagged: CsvFile,
}

impl CsvFiles {
    /// Creates both files with the layout's header.
    pub fn create(out_dir: &mut OutputDir, layout: &Layout) -> Result<CsvFiles, RunError> {
        Ok(CsvFiles {
            stages: CsvFile::create(out_dir, "stages.csv", layout)?,
            flagged: CsvFile::create(out_dir, "flagged.csv", layout)?,
        })
    }
}

impl RowFiles for CsvFiles {
    type Chunk = CsvChunk;

    fn write(&mut self, chunks: &mut Vec<CsvChunk>) -> Result<(), RunError> {
        for chunk in chunks.iter() {
            self.stages.write(&chunk.stages)?;
            self.flagged.write(&chunk.flagged)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), RunError> {
        self.stages.finish()?;
        self.flagged.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_numbers_in_decimal() {
        for v in [0u64, 7, 10, 16_384, u64::MAX] {
            let mut s = Vec::new();
            push_decimal(&mut s, v);
            assert_eq!(s, v.to_string().into_bytes());
        }
    }

    proptest::proptest! {
        /// The hand-written cell writer (kept: it writes into the chunk's
        /// buffer without a per-row writer; see benches/csv_writer.rs) gives
        /// the bytes `csv::Writer` gives for the same record (two fields or
        /// more, as every output row).
        #[test]
        fn rows_are_written_as_the_csv_crate_writes_them(
            cells in proptest::collection::vec("[a-z,\"\n\r é;|]{0,40}", 2..8)
        ) {
            let mut ours = Vec::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    ours.push(b',');
                }
                write_cell(&mut ours, c);
            }
            ours.push(b'\n');
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record(&cells).unwrap();
            proptest::prop_assert_eq!(ours, theirs.into_inner().unwrap());
        }
    }

    /// Whole rows, messages included (written straight into the buffer,
    /// then quoted when needed), are the bytes `csv::Writer` writes for the
    /// same cells; with and without the `source` column and kept columns.
    #[test]
    fn encoded_rows_are_the_csv_crate_rows() {
        use netstage_rules::{Code, Message, Status};
        let texts = [
            "",
            "a",
            "plain, with a comma",
            "say \"hi\"",
            "cr\r",
            "two\nlines",
            "x,",
            "long enough to be searched with memchr",
        ];
        for (n, text) in texts.iter().enumerate() {
            let mut out = Outcome::blank(Status::Error);
            out.messages.push(Message::new(Code::ERecord, "record").plain(text));
            if n % 2 == 1 {
                out.messages.push(Message::new(Code::EYear, "year").quoted(text));
            }
            for (with_source, keep) in [(false, vec![]), (true, vec!["k,1"]), (true, vec!["k", "\"q\""])] {
                let layout = Layout {
                    with_source,
                    keep: keep.iter().map(|_| "kept".to_string()).collect(),
                };
                let id = RowId {
                    input: 0,
                    row: 7 + n as u64,
                    source: "in, put.csv",
                    record_id: "r\"1",
                    tumor_record: "01",
                    keep: &keep,
                };
                let mut ours = Vec::new();
                CsvRowEncoder::new(&layout).encode(&mut ours, &id, &out);
                let row = id.row.to_string();
                let messages = out.messages.to_string();
                let mut cells: Vec<&str> = layout
                    .columns()
                    .map(|c| c.cell.text(&id, &out, &row, &messages))
                    .collect();
                cells.extend(keep.iter());
                let mut theirs = csv::Writer::from_writer(Vec::new());
                theirs.write_record(&cells).unwrap();
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    String::from_utf8(theirs.into_inner().unwrap()).unwrap(),
                    "{text:?}, source {with_source}, keep {keep:?}"
                );
            }
        }
    }

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let mut buf = Vec::new();
        for c in ["plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r"] {
            write_cell(&mut buf, c);
            buf.push(b'|');
        }
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"||\"cr\r\"|"
        );
    }
}
