//! Reads a CSV stream into batches of [`Lines`]: the reader thread finds
//! where records end, and the staging threads split them into fields
//! ([`Lines::split`]). A line with no quote and no `\r` but its last byte
//! is a record as it is (found with memchr); csv-core finds the end of any
//! other (a quoted field may hold line ends, a lone `\r` ends a record), and
//! parses the header.

use std::io::{self, Read};

use csv::ByteRecord;

use crate::read::lines::Lines;

/// Bytes a batch reads before it stops at a line end (the last line read
/// is completed; a longer line is read whole).
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
}

impl LineReader {
    /// Reads from `stream`.
    pub fn new(stream: Box<dyn Read + Send>) -> LineReader {
        LineReader {
            stream,
            carry: Vec::new(),
            eof: false,
            core: csv_core::Reader::new(),
            discard: (vec![0; 64 << 10], vec![0; 1024]),
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
    /// first record end after [`READ_TARGET`] bytes.
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
                let Some(at) = memchr::memchr(b'\n', &out.bytes[scanned..out.filled]) else {
                    scanned = out.filled;
                    break;
                };
                let nl = scanned + at;
                let line = &out.bytes[start..nl];
                if !needs_parser(line) {
                    push_line(out, start, nl);
                    (start, scanned) = (nl + 1, nl + 1);
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
                    if needs_parser(rest) {
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
                    self.give_back(out, 0);
                    return Err(e);
                }
            };
            out.filled += n;
            self.eof = n == 0;
            if out.filled > MAX_BATCH {
                self.give_back(out, 0);
                return Ok(Filled::TooLong);
            }
        }
        self.give_back(out, start);
        Ok(if out.is_empty() { Filled::End } else { Filled::Records })
    }

    /// Where the record at the start of `bytes` ends, as csv-core reads it
    /// (its terminator included); `None` when it may go on past `bytes`
    /// and the stream is not done.
    fn record_end(&mut self, bytes: &[u8]) -> Option<usize> {
        let core = &mut self.core;
        core.reset();
        let (out, ends) = (&mut self.discard.0, &mut self.discard.1);
        let mut pos = 0;
        loop {
            if pos == bytes.len() && !self.eof {
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

    /// Moves the bytes of `out` from `from` on back to `carry`, keeping
    /// the batch's the first `from`.
    fn give_back(&mut self, out: &mut Lines, from: usize) {
        self.carry.clear();
        self.carry.extend_from_slice(&out.bytes[from..out.filled]);
        out.filled = from;
        if from == 0 {
            out.clear();
        }
    }
}

/// True when csv-core may read `line` (the bytes before a `\n`, or the
/// input's last bytes) otherwise than as one record of comma-separated
/// fields: it holds a quote, or a `\r` other than its last byte.
fn needs_parser(line: &[u8]) -> bool {
    match memchr::memchr2(b'"', b'\r', line) {
        None => false,
        Some(at) => at + 1 < line.len() || line[at] == b'"',
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

/// Adds the record of line `start..end` (`end` at its `\n` or the end of
/// the input): without a `\r` before the end, and none when it is empty.
fn push_line(out: &mut Lines, start: usize, end: usize) {
    let end = if end > start && out.bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
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
        while reader.fill(&mut lines, max_rows, usize::MAX).unwrap() == Filled::Records {
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
        ] {
            for step in [1, 3, 1 << 20] {
                assert_eq!(by_lines(input, step, 2), by_csv_crate(input), "{input:?} by {step}");
            }
        }
    }

    proptest! {
        /// Any bytes of the characters that matter to CSV, read in any
        /// steps and batch sizes, give the csv crate's records.
        #[test]
        fn any_input_reads_as_the_csv_crate_reads_it(
            input in proptest::collection::vec(
                prop::sample::select(vec![b'a', b'7', b' ', b',', b'"', b'\r', b'\n', 0xc3, 0xa9]),
                0..200,
            ),
            step in 1usize..40,
            max_rows in 1usize..6,
        ) {
            prop_assert_eq!(by_lines(&input, step, max_rows), by_csv_crate(&input));
        }
    }
}
