//! The byte stream the NAACCR XML parser reads: passed on as UTF-8 from a
//! buffer of its own (no copy when the bytes are UTF-8, the usual case),
//! every sequence that is not UTF-8 replaced by [`NOT_UTF8`], a character
//! split across reads kept whole, a BOM dropped; and the newlines counted,
//! so an error's byte offset can be given as line and column.
//!
//! The parser calls `fill_buf` and `consume` several times per event, so
//! both are a few instructions; the newlines of a chunk are found in one
//! memchr pass when it is read, and [`XmlBytes::mark`] only steps over
//! those before the next event.

use std::io::{BufRead, Read};

/// The character that stands for bytes that are not UTF-8 in the stream
/// the parser sees (which must be UTF-8): U+FDD0, a Unicode noncharacter
/// (reserved for a program's internal use, so not expected in registry
/// data, where U+FFFD, left by an earlier lossy conversion, does occur).
/// In an item, each one is given to staging as a byte that is not UTF-8,
/// so the item reads as a CSV field holding the same bytes would.
pub const NOT_UTF8: &str = "\u{FDD0}";

/// Bytes read from the inner stream at a time.
const CHUNK: usize = 256 * 1024;

/// UTF-8 text for the parser, with line counting.
pub struct XmlBytes<R> {
    inner: R,
    /// Checked text: `[pos, end)` is not consumed yet.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset (as the parser counts it) of `buf[0]`.
    buf_offset: u64,
    /// Bytes of an incomplete character at the end of the last read.
    carry: Vec<u8>,
    /// Scratch for repairing a chunk that is not UTF-8.
    fixed: Vec<u8>,
    eof: bool,
    /// Whether the first bytes (a possible BOM) have been seen.
    started: bool,
    /// Newlines before the current event.
    lines_before: u64,
    /// Offset just after the last newline before the current event.
    line_start_before: u64,
    /// Offsets of the newlines of the chunks read, from `newlines[first]`
    /// on not yet before the current event.
    newlines: Vec<u64>,
    first: usize,
    /// Bytes consumed by [`XmlBytes::take_text`], which the parser's
    /// positions do not count.
    taken: u64,
}

impl<R: Read> XmlBytes<R> {
    /// Wraps a decompressed byte stream.
    pub fn new(inner: R) -> Self {
        XmlBytes {
            inner,
            buf: Vec::with_capacity(CHUNK + 4),
            pos: 0,
            end: 0,
            buf_offset: 0,
            carry: Vec::new(),
            fixed: Vec::new(),
            eof: false,
            started: false,
            lines_before: 0,
            line_start_before: 0,
            newlines: Vec::new(),
            first: 0,
            taken: 0,
        }
    }

    /// Consumes the text up to the next `<` or `&` (or the end), handing it
    /// to `sink` chunk by chunk: the text the parser would read next as one
    /// event, which it would hold whole, whatever its length. The parser's
    /// positions after it are still mapped to the right line and column.
    #[inline]
    pub fn take_text(&mut self, mut sink: impl FnMut(&[u8])) -> std::io::Result<()> {
        loop {
            let available = self.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            // Markup next (between two tags, the usual case): no text.
            if available[0] == b'<' {
                return Ok(());
            }
            let (n, done) = match memchr::memchr2(b'<', b'&', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            sink(&available[..n]);
            self.consume(n);
            self.taken += n as u64;
            if done {
                return Ok(());
            }
            // Before the next chunk's newlines are indexed: those of this
            // one are behind every later event.
            self.mark();
        }
    }

    /// Marks the start of an event (at the next byte): the newlines before
    /// it are counted and forgotten.
    #[inline]
    pub fn mark(&mut self) {
        let at = self.buf_offset + self.pos as u64;
        while let Some(&nl) = self.newlines.get(self.first) {
            if nl >= at {
                break;
            }
            self.lines_before += 1;
            self.line_start_before = nl + 1;
            self.first += 1;
        }
    }

    /// The parser's offset of the end of the bytes read so far (where a
    /// stream that cannot be read on stopped).
    pub fn end_offset(&self) -> u64 {
        (self.buf_offset + self.end as u64).saturating_sub(self.taken)
    }

    /// 1-based line and column (in bytes) of a parser's byte offset within
    /// the current event (consumed, or the next byte).
    pub fn line_column(&self, offset: u64) -> (u64, u64) {
        let offset = offset + self.taken;
        let mut line = self.lines_before + 1;
        let mut line_start = self.line_start_before;
        for &nl in &self.newlines[self.first..] {
            if nl >= offset {
                break;
            }
            line += 1;
            line_start = nl + 1;
        }
        (line, offset.saturating_sub(line_start) + 1)
    }

    /// Records the newlines of the chunk just read, dropping those already
    /// before the current event.
    fn index_newlines(&mut self) {
        self.newlines.drain(..self.first);
        self.first = 0;
        let base = self.buf_offset;
        self.newlines
            .extend(memchr::memchr_iter(b'\n', &self.buf[..self.end]).map(|i| base + i as u64));
    }

    /// Reads the next chunk into `buf` as checked text; `end == 0` at the end.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> std::io::Result<()> {
        self.buf_offset += self.end as u64;
        self.pos = 0;
        self.end = 0;
        while self.end == 0 {
            self.buf.clear();
            self.buf.append(&mut self.carry);
            if !self.eof {
                let have = self.buf.len();
                self.buf.resize(have + CHUNK, 0);
                let n = self.inner.read(&mut self.buf[have..])?;
                self.buf.truncate(have + n);
                self.eof = n == 0;
            }
            if self.buf.is_empty() && self.eof {
                return Ok(());
            }
            if !self.started && !self.buf.is_empty() {
                if self.buf.len() < 3 && !self.eof && b"\xEF\xBB\xBF".starts_with(&self.buf) {
                    // Too few bytes to tell a BOM yet.
                    self.carry.append(&mut self.buf);
                    continue;
                }
                self.started = true;
                // A BOM is dropped here, so the parser's positions count
                // the bytes after it, as the line counting does.
                if self.buf.starts_with(b"\xEF\xBB\xBF") {
                    self.buf.drain(..3);
                    if self.buf.is_empty() {
                        continue;
                    }
                }
            }
            match std::str::from_utf8(&self.buf) {
                Ok(_) => self.end = self.buf.len(),
                // Only an incomplete character at the end: keep it for the
                // next read.
                Err(e) if e.error_len().is_none() && !self.eof => {
                    self.carry.extend_from_slice(&self.buf[e.valid_up_to()..]);
                    self.buf.truncate(e.valid_up_to());
                    self.end = self.buf.len();
                }
                Err(_) => self.repair(),
            }
        }
        self.index_newlines();
        Ok(())
    }

    /// Rewrites `buf` with every bad sequence replaced (the slow path).
    fn repair(&mut self) {
        self.fixed.clear();
        let mut rest = &self.buf[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.fixed.extend_from_slice(text.as_bytes());
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.fixed.extend_from_slice(valid);
                    match e.error_len() {
                        Some(bad) => {
                            self.fixed.extend_from_slice(NOT_UTF8.as_bytes());
                            rest = &after[bad..];
                        }
                        None if self.eof => {
                            self.fixed.extend_from_slice(NOT_UTF8.as_bytes());
                            break;
                        }
                        None => {
                            self.carry.extend_from_slice(after);
                            break;
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut self.buf, &mut self.fixed);
        self.end = self.buf.len();
    }
}

impl<R: Read> Read for XmlBytes<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for XmlBytes<R> {
    #[inline]
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos == self.end {
            self.refill()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An inner stream that gives one chunk per read.
    struct Chunks(Vec<Vec<u8>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let c = self.0.remove(0);
            buf[..c.len()].copy_from_slice(&c);
            Ok(c.len())
        }
    }

    fn chunks(parts: &[&[u8]]) -> XmlBytes<Chunks> {
        XmlBytes::new(Chunks(parts.iter().map(|c| c.to_vec()).collect()))
    }

    /// Reads `parts` through [`XmlBytes`], one inner read per part.
    fn repaired(parts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        chunks(parts).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn utf8_repair_keeps_split_characters_and_marks_bad_bytes() {
        // "é" (C3 A9) split across two reads stays whole.
        assert_eq!(repaired(&[b"a\xc3", b"\xa9b"]), "aéb".as_bytes());
        // A Latin-1 byte, and an incomplete character at the very end.
        assert_eq!(
            repaired(&[b"M\xfcller", b" \xe2\x82"]),
            "M\u{FDD0}ller \u{FDD0}".as_bytes()
        );
        assert_eq!(repaired(&[]), b"");
        assert_eq!(repaired(&[b"\xEF\xBB", b"\xBFx"]), b"x");
    }

    /// Consumes `n` bytes as the parser does: `fill_buf` then `consume`.
    fn take(b: &mut XmlBytes<Chunks>, mut n: usize) {
        while n > 0 {
            let k = b.fill_buf().unwrap().len().min(n);
            assert!(k > 0, "input ended early");
            b.consume(k);
            n -= k;
        }
    }

    #[test]
    fn line_and_column_of_an_offset() {
        let mut b = chunks(&[b"ab\ncd\nef"]);
        b.mark();
        take(&mut b, 4); // "ab\nc"
        assert_eq!(b.line_column(0), (1, 1));
        assert_eq!(b.line_column(3), (2, 1));
        b.mark();
        take(&mut b, 4); // "d\nef"
        assert_eq!(b.line_column(4), (2, 2));
        assert_eq!(b.line_column(7), (3, 2));
    }

    /// An event spanning reads: the newlines of the chunk that went are
    /// still counted, and offsets after a dropped BOM line up.
    #[test]
    fn lines_are_counted_across_chunks() {
        let mut b = chunks(&[b"\xEF\xBB\xBFa\nb", b"c\n\nd", b"e\nf"]);
        b.mark();
        take(&mut b, 2); // "a\n"
        b.mark();
        take(&mut b, 8); // "bc\n\nde\nf", over two refills
        // "a\nbc\n\nde\nf": offsets 0-9, newlines at 1, 4, 5 and 8.
        assert_eq!(b.line_column(2), (2, 1));
        assert_eq!(b.line_column(5), (3, 1));
        assert_eq!(b.line_column(6), (4, 1));
        assert_eq!(b.line_column(9), (5, 1));
        b.mark();
        assert_eq!(b.line_column(10), (5, 2));
    }
}
