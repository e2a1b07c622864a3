//! Reads a CSV stream into batches of [`Lines`]: the reader thread finds
//! where records end, and the staging threads split them into fields
//! ([`Lines::split`]). A line (ended by `\n`, `\r\n` or a lone `\r`, as
//! csv-core ends records) with no quote is a record as it is, found with
//! memchr; csv-core finds the end of a record that holds a quote (a quoted
//! field may hold line ends), and parses the header.

use std::io::{self, Read};

use csv::ByteRecord;

use crate::read::lines::Lines;

/// Bytes a batch reads before it stops: it ends at the last record end
/// within what it read (the unfinished record goes to the next batch; a
/// record longer than this is read whole).
const READ_TARGET: usize = 2 << 20;

/// Least bytes asked of the stream at a time.
const READ_STEP: usize = 64 << 10;

/// How a call to [`LineReader::fill`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Filled {
    /// The batch holds at least one record.
    Records,
    /// The stream is done: no record is left.
    End,
    /// A record too long for a batch's 32-bit offsets.
    TooLong,
}

/// Longest batch: offsets are 32-bit.
const MAX_BATCH: usize = u32::MAX as usize;

/// A CSV stream read line by line into batches.
pub struct LineReader {
    stream: Box<dyn Read + Send>,
    /// Bytes read but in no batch yet.
    carry: Vec<u8>,
    /// True once the stream has returned 0 bytes.
    eof: bool,
    /// csv-core, reset for each record whose end it finds (building one
    /// costs more than a thousand lines).
    core: csv_core::Reader,
    /// Its output while it finds a record's end (discarded).
    discard: (Vec<u8>, Vec<usize>),
    /// Bytes of the next record already read by `core`, when it went on
    /// past the bytes of the last call to [`LineReader::record_end`].
    resume: Option<usize>,
}

/// A UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

impl LineReader {
    /// Reads from `stream`.
    pub fn new(stream: Box<dyn Read + Send>) -> LineReader {
        LineReader {
            stream,
            carry: Vec::new(),
            eof: false,
            core: csv_core::Reader::new(),
            discard: (vec![0; 64 << 10], vec![0; 1024]),
            resume: None,
        }
    }

    /// Reads more of the stream into `carry`; false at its end.
    fn read_more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let len = self.carry.len();
        self.carry.resize(len + READ_STEP.max(len), 0);
        let n = read_retrying(&mut self.stream, &mut self.carry[len..]);
        self.carry.truncate(len + *n.as_ref().unwrap_or(&0));
        let n = n?;
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// The first record, parsed as the csv crate parses it (quotes
    /// allowed); `None` when the stream holds no record.
    pub fn header(&mut self) -> io::Result<Option<ByteRecord>> {
        let mut core = csv_core::Reader::new();
        let (mut out, mut ends) = (vec![0u8; 1024], vec![0usize; 64]);
        let (mut pos, mut nout, mut nend) = (0, 0, 0);
        // csv-core drops a byte-order mark only when its first input holds
        // all three bytes, and reads nothing after it as the end of input:
        // its first input is a byte longer (as the csv crate's is).
        while self.carry.len() <= BOM.len() && self.read_more()? {}
        loop {
            if pos == self.carry.len() && !self.eof {
                self.read_more()?;
                continue;
            }
            let (res, i, o, e) = core.read_record(&self.carry[pos..], &mut out[nout..], &mut ends[nend..]);
            (pos, nout, nend) = (pos + i, nout + o, nend + e);
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => {
                    let mut record = ByteRecord::new();
                    let mut start = 0;
                    for &end in &ends[..nend] {
                        record.push_field(&out[start..end]);
                        start = end;
                    }
                    self.carry.drain(..pos);
                    return Ok(Some(record));
                }
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// Fills `out` with the next records: up to `max_rows`, ending at the
    /// record that brings [`Lines::used_bytes`] to `max_bytes`, or at the
    /// last record end within [`READ_TARGET`] bytes (at least one record).
    pub fn fill(&mut self, out: &mut Lines, max_rows: usize, max_bytes: usize) -> io::Result<Filled> {
        out.clear();
        // The batch's buffer (kept at its length, so that reading into it
        // again writes no zeros first) starts with the carried bytes.
        let carried = self.carry.len();
        if out.bytes.len() < carried {
            out.bytes.resize(carried, 0);
        }
        out.bytes[..carried].copy_from_slice(&self.carry);
        out.filled = carried;
        self.carry.clear();
        let max_rows = max_rows.max(1);
        // `start`: where the next record starts; `scanned`: bytes from
        // there searched for a line end.
        let (mut start, mut scanned) = (0, 0);
        let full = |out: &Lines, start: usize| {
            out.lines.len() >= max_rows || (!out.is_empty() && start + 8 * out.lines.len() >= max_bytes)
        };
        loop {
            while !full(out, start) {
                // The next line end: `\n`, `\r\n` or a lone `\r`.
                let Some(at) = memchr::memchr2(b'\n', b'\r', &out.bytes[scanned..out.filled]) else {
                    scanned = out.filled;
                    break;
                };
                let at = scanned + at;
                let next = if out.bytes[at] == b'\n' {
                    at + 1
                } else if at + 1 < out.filled {
                    at + 1 + usize::from(out.bytes[at + 1] == b'\n')
                } else if self.eof {
                    at + 1
                } else {
                    // A `\r` last: whether a `\n` follows is not read yet.
                    scanned = at;
                    break;
                };
                // A record csv-core is part way through holds a quote: its
                // bytes are not searched again (that is quadratic in a long
                // quoted field read a piece at a time).
                if self.resume.is_none() && memchr::memchr(b'"', &out.bytes[start..at]).is_none() {
                    push_line(out, start, at);
                    (start, scanned) = (next, next);
                    continue;
                }
                let Some(end) = self.record_end(&out.bytes[start..out.filled]) else {
                    // The record goes on past the bytes read.
                    scanned = out.filled;
                    break;
                };
                push_parsed(out, start, start + end);
                (start, scanned) = (start + end, start + end);
            }
            if full(out, start) || (!out.is_empty() && out.filled >= READ_TARGET) {
                break;
            }
            if self.eof {
                // The last record, with no line end after it.
                if start < out.filled {
                    let rest = &out.bytes[start..out.filled];
                    if self.resume.is_some() || memchr::memchr(b'"', rest).is_some() {
                        let end = self.record_end(rest).unwrap_or(rest.len());
                        push_parsed(out, start, start + end);
                        start += end;
                        scanned = start;
                        continue;
                    }
                    push_line(out, start, out.filled);
                    start = out.filled;
                }
                break;
            }
            // Read into the batch's buffer, past its bytes.
            let want = READ_TARGET.saturating_sub(out.filled).max(READ_STEP);
            if out.bytes.len() < out.filled + want {
                out.bytes.resize(out.filled + want, 0);
            }
            let n = match read_retrying(&mut self.stream, &mut out.bytes[out.filled..out.filled + want]) {
                Ok(n) => n,
                Err(e) => {
                    self.give_up(out);
                    return Err(e);
                }
            };
            out.filled += n;
            self.eof = n == 0;
            if out.filled > MAX_BATCH {
                self.give_up(out);
                return Ok(Filled::TooLong);
            }
        }
        self.give_back(out, start);
        Ok(if out.is_empty() { Filled::End } else { Filled::Records })
    }

    /// Where the record at the start of `bytes` ends, as csv-core reads it
    /// (its terminator included); `None` when it may go on past `bytes`
    /// and the stream is not done. A record that went on past the bytes of
    /// the last call is read on from where that call stopped (`resume`),
    /// so a long quoted field is parsed once, not once a read.
    fn record_end(&mut self, bytes: &[u8]) -> Option<usize> {
        let core = &mut self.core;
        let mut pos = match self.resume.take() {
            Some(pos) => pos,
            None => {
                core.reset();
                // A reset parser drops a byte-order mark at its start, as at
                // the start of a file; mid-file the csv crate's one parser
                // reads it as data. One byte alone is read as data.
                if bytes.starts_with(BOM) {
                    let (_, nin, _, _) = core.read_record(&bytes[..1], &mut self.discard.0, &mut self.discard.1);
                    nin
                } else {
                    0
                }
            }
        };
        let (out, ends) = (&mut self.discard.0, &mut self.discard.1);
        loop {
            if pos == bytes.len() && !self.eof {
                self.resume = Some(pos);
                return None;
            }
            let (res, nin, _, _) = core.read_record(&bytes[pos..], out, ends);
            pos += nin;
            match res {
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => return Some(pos),
                // The fields are not kept: the buffers are written over.
                csv_core::ReadRecordResult::InputEmpty
                | csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
    }

    /// Moves the bytes of `out` from `from` on (a record not complete yet)
    /// back to `carry`, keeping the batch's first `from`.
    fn give_back(&mut self, out: &mut Lines, from: usize) {
        self.carry.clear();
        self.carry.extend_from_slice(&out.bytes[from..out.filled]);
        out.filled = from;
    }

    /// Ends a batch that stopped on an error: none of its records stay (its
    /// bytes go back to `carry`), nor any parse under way.
    fn give_up(&mut self, out: &mut Lines) {
        self.resume = None;
        self.give_back(out, 0);
        out.clear();
    }
}

/// Adds the record that csv-core reads from `start..end` (its terminator
/// included), unless it read only line ends.
fn push_parsed(out: &mut Lines, start: usize, end: usize) {
    let record = &out.bytes[start..end];
    if record.iter().any(|&b| b != b'\r' && b != b'\n') {
        out.quoted.push(out.lines.len() as u32);
        out.lines.push((start as u32, end as u32));
    }
}

/// Adds the record of line `start..end` (`end` at its line end, which the
/// scan found first, `\r` of a `\r\n` included, or at the end of the input),
/// unless it is empty.
fn push_line(out: &mut Lines, start: usize, end: usize) {
    if end > start {
        out.lines.push((start as u32, end as u32));
    }
}

/// `read`, again when interrupted.
fn read_retrying(stream: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::LineFields;
    use crate::read::raw_row::RawRow;
    use proptest::prelude::*;

    /// A stream that hands out at most `step` bytes a call, so that
    /// records run past the bytes read.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    type Records = Vec<Vec<Vec<u8>>>;

    /// The header and records as the csv crate reads them (flexible, no
    /// header handling), the header first.
    fn by_csv_crate(input: &[u8]) -> Records {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        rdr.byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// The header and records as [`LineReader`] and [`Lines::split`] read
    /// them, in batches of at most `max_rows` records.
    fn by_lines(input: &[u8], step: usize, max_rows: usize) -> Records {
        by_lines_within(input, step, max_rows, usize::MAX)
    }

    /// [`by_lines`] with a byte limit per batch.
    fn by_lines_within(input: &[u8], step: usize, max_rows: usize, max_bytes: usize) -> Records {
        let stream = Trickle {
            bytes: input.to_vec(),
            at: 0,
            step,
        };
        let mut reader = LineReader::new(Box::new(stream));
        let Some(header) = reader.header().unwrap() else {
            return Vec::new();
        };
        let mut records: Records = vec![header.iter().map(<[u8]>::to_vec).collect()];
        let (mut lines, mut fields) = (Lines::default(), LineFields::default());
        while reader.fill(&mut lines, max_rows, max_bytes).unwrap() == Filled::Records {
            assert!(lines.len() <= max_rows);
            // Split in two parts, as a worker splits a chunk.
            let half = lines.len() / 2;
            for part in [0..half, half..lines.len()] {
                for row in lines.split(part, &mut fields) {
                    let fields = (0..row.width()).map(|i| match row.text(i).unwrap() {
                        Ok(s) => s.as_bytes().to_vec(),
                        Err(b) => b.to_vec(),
                    });
                    records.push(fields.collect());
                }
            }
        }
        records
    }

    #[test]
    fn records_are_read_as_the_csv_crate_reads_them() {
        for input in [
            &b""[..],
            b"\n\r\n",
            b"a,b\n1,2\n",
            b"a,b\r\n1,2\r\n\r\n3,4",
            b"a,b\n1,2\r",
            b"a\n\"x,\ny\",2\n3\n",
            b"a\nx\ry\rz\n",
            b"\"h\"\"1\",h2\n1,\"2\"\"\"\n",
            b"a\n\"open,\n",
            b"a\nb\"c,d\n",
            // Byte-order marks: dropped at the start of the file only.
            b"\xef\xbb\xbfh\n\xef\xbb\xbf\"a\nb\"\n",
            b"h\n\xef\xbb\xbf\r\r",
            b"h\n\xef\xbb\xbf,x\n",
            // Lone \r line ends throughout, and in a quoted field.
            b"h,i\r1,2\r3,\"4\r5\"\r\r6\r",
            b"a\rb\rc\r\nd\n\re",
        ] {
            for step in [1, 3, 1 << 20] {
                assert_eq!(by_lines(input, step, 2), by_csv_crate(input), "{input:?} by {step}");
            }
        }
    }

    /// A batch reads about [`READ_TARGET`] bytes whatever ends the lines
    /// (`\n`, `\r\n`, a lone `\r`) and however long a quoted record is
    /// read on: the whole input is never read into one batch.
    #[test]
    fn a_batch_reads_about_its_target_whatever_ends_the_lines() {
        let rows = 600_000;
        for end in [&b"\n"[..], b"\r\n", b"\r"] {
            let mut input = b"h,i".to_vec();
            for i in 0..rows {
                input.extend_from_slice(end);
                input.extend_from_slice(format!("{i},x").as_bytes());
            }
            let mut reader = LineReader::new(Box::new(io::Cursor::new(input.clone())));
            reader.header().unwrap().unwrap();
            let (mut lines, mut seen) = (Lines::default(), 0);
            while reader.fill(&mut lines, usize::MAX, usize::MAX).unwrap() == Filled::Records {
                assert!(lines.filled <= READ_TARGET, "{end:?}: {} bytes", lines.filled);
                seen += lines.len();
            }
            assert_eq!(seen, rows, "{end:?}");
            assert!(input.len() > 2 * READ_TARGET);
        }
        // A quoted field of 5 MiB with line ends in it, then two records.
        let field = "ab\r\n".repeat(5 << 18);
        let input = format!("h,i\n\"{field}\",1\n2,3\n");
        let mut reader = LineReader::new(Box::new(Trickle {
            bytes: input.into_bytes(),
            at: 0,
            step: READ_STEP,
        }));
        reader.header().unwrap().unwrap();
        let (mut lines, mut fields, mut got) = (Lines::default(), LineFields::default(), Vec::new());
        while reader.fill(&mut lines, usize::MAX, usize::MAX).unwrap() == Filled::Records {
            for row in lines.split(0..lines.len(), &mut fields) {
                got.push((row.width(), row.bytes(0).unwrap().len()));
            }
        }
        assert_eq!(got, [(2, field.len()), (2, 1)]);
    }

    /// A stream error ends the read with that error, without a panic.
    #[test]
    fn a_stream_error_is_returned() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk gone"));
                }
                self.0 -= 1;
                let line = b"1,2\n";
                buf[..line.len()].copy_from_slice(line);
                Ok(line.len())
            }
        }
        let mut reader = LineReader::new(Box::new(Failing(3)));
        reader.header().unwrap().unwrap();
        let err = reader.fill(&mut Lines::default(), 10, usize::MAX).unwrap_err();
        assert_eq!(err.to_string(), "disk gone");
    }

    proptest! {
        /// Any bytes of the characters that matter to CSV, read in any
        /// steps and batch sizes, give the csv crate's records.
        #[test]
        fn any_input_reads_as_the_csv_crate_reads_it(
            input in proptest::collection::vec(
                prop::sample::select(vec![
                    &b"a"[..], b"7", b" ", b",", b"\"", b"\r", b"\n", b"\r\n", "é".as_bytes(), b"\xc3",
                    b"\xef\xbb\xbf",
                ]),
                0..150,
            ),
            step in 1usize..40,
            max_rows in 1usize..6,
            max_bytes in 1usize..80,
        ) {
            let input = input.concat();
            prop_assert_eq!(by_lines_within(&input, step, max_rows, max_bytes), by_csv_crate(&input));
        }
    }
}
