//! Opening inputs: format from the extension, gzip, stdin, and the reader
//! that hashes (sha256) and counts the raw bytes as they are read.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::{RunError, read_error};
use crate::read::read_ahead::ReadAhead;

/// Input file format: by extension, or chosen for every input with
/// `--input-format`. Compression is told by the extension (`.gz`) or, for
/// CSV and XML, by the gzip stream's first two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// CSV, plain or gzip (also `-`, stdin).
    Csv,
    /// Apache Parquet (`.parquet`, `.pq`).
    Parquet,
    /// NAACCR XML, plain or gzip (`.xml`, `.xml.gz`).
    Xml,
}

impl InputFormat {
    /// The format of a path as given on the command line, by its extension
    /// (any case): `.xml`/`.xml.gz` NAACCR XML, `.parquet`/`.pq` Parquet,
    /// anything else (and `-`) CSV.
    pub fn of(path: &str) -> InputFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".xml") || lower.ends_with(".xml.gz") {
            InputFormat::Xml
        } else if lower.ends_with(".parquet") || lower.ends_with(".pq") {
            InputFormat::Parquet
        } else {
            InputFormat::Csv
        }
    }

    /// The format of an input: `forced` (`--input-format`), else by its
    /// path's extension.
    pub fn of_input(path: &str, forced: Option<InputFormat>) -> InputFormat {
        forced.unwrap_or_else(|| InputFormat::of(path))
    }
}

/// Whether a path names a gzip stream (`.gz`, any case).
pub fn is_gzip(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".gz")
}

/// Shared state of a hashing reader: the digest so far and the byte count.
#[derive(Clone, Default)]
pub struct ReadTally {
    hasher: Arc<Mutex<Sha256>>,
    bytes: Arc<AtomicU64>,
}

impl ReadTally {
    /// The shared counter of raw bytes read.
    pub fn bytes_handle(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }

    /// Raw bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Hex sha256 of every byte read.
    pub fn sha256_hex(&self) -> String {
        let digest = self.hasher.lock().map(|h| h.clone().finalize()).unwrap_or_default();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Hashes and counts the raw bytes of an input as they are read.
pub struct TallyReader<R> {
    inner: R,
    tally: ReadTally,
}

impl<R: Read> Read for TallyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            if let Ok(mut h) = self.tally.hasher.lock() {
                h.update(&buf[..n]);
            }
            self.tally.bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Buffer size for raw input reads.
const READ_BUFFER: usize = 256 * 1024;

/// Where the raw read, decompression and hashing of a text input run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAheadUse {
    /// On a read-ahead thread ([`ReadAhead`]): for NAACCR XML, whose
    /// parsing thread is the slowest stage of a run (XML->CSV 9.5 -> 8.3 s
    /// on 300,000 tumors).
    Thread,
    /// On the parsing thread: for CSV, whose reader is not the slowest
    /// stage; a read-ahead thread there cost 6 % more CPU and no time
    /// (2M rows: 7.2 against 6.8 s of CPU).
    Inline,
}

/// An opened text input.
pub struct TextInput {
    /// The decompressed byte stream.
    pub stream: Box<dyn Read + Send>,
    /// Hash and count of the raw bytes.
    pub tally: ReadTally,
    /// Raw size in bytes, when known (for the progress bar).
    pub size: Option<u64>,
}

/// Opens a text input (CSV or XML, plain or `.gz`; `-` = stdin) as a
/// decompressed byte stream.
pub fn open_text(path: &str, read_ahead: ReadAheadUse) -> Result<TextInput, RunError> {
    let tally = ReadTally::default();
    let (raw, size): (Box<dyn Read + Send>, Option<u64>) = if path == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(path).map_err(|e| RunError::InputOpen {
            path: path.to_string(),
            source: e,
        })?;
        let meta = f.metadata().map_err(|e| RunError::InputOpen {
            path: path.to_string(),
            source: e,
        })?;
        if meta.is_dir() {
            return Err(RunError::InputOpen {
                path: path.to_string(),
                source: io::Error::other("is a directory"),
            });
        }
        (Box::new(f), Some(meta.len()))
    };
    let mut tallied = TallyReader {
        inner: raw,
        tally: tally.clone(),
    };
    // Also a gzip stream without `.gz` (stdin, a renamed file): its first
    // two bytes, which no CSV or XML text starts with (read whole, however
    // a pipe hands them over, and then given back to the stream).
    let mut head = Vec::with_capacity(2);
    (&mut tallied)
        .take(2)
        .read_to_end(&mut head)
        .map_err(|e| read_error(path, e))?;
    let gzip_magic = head == [0x1f, 0x8b];
    let counted = BufReader::with_capacity(READ_BUFFER, io::Cursor::new(head).chain(tallied));
    let stream: Box<dyn Read + Send> = if is_gzip(path) || gzip_magic {
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            flate2::read::MultiGzDecoder::new(counted),
        ))
    } else {
        Box::new(counted)
    };
    let stream: Box<dyn Read + Send> = match read_ahead {
        // Reading, hashing and decompressing run ahead on their own thread.
        ReadAheadUse::Thread => Box::new(ReadAhead::new(stream)),
        ReadAheadUse::Inline => stream,
    };
    Ok(TextInput { stream, tally, size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(InputFormat::of("-"), InputFormat::Csv);
        assert_eq!(InputFormat::of("a.csv"), InputFormat::Csv);
        assert_eq!(InputFormat::of("a.CSV.GZ"), InputFormat::Csv);
        assert!(is_gzip("a.CSV.GZ") && is_gzip("b.xml.gz") && !is_gzip("a.csv"));
        assert_eq!(InputFormat::of("a.parquet"), InputFormat::Parquet);
        assert_eq!(InputFormat::of("a.txt"), InputFormat::Csv);
        assert_eq!(InputFormat::of("a.XML"), InputFormat::Xml);
        assert_eq!(InputFormat::of("a.Xml.Gz"), InputFormat::Xml);
    }

    #[test]
    fn tally_hashes_what_was_read() {
        let tally = ReadTally::default();
        let mut r = TallyReader {
            inner: &b"abc"[..],
            tally: tally.clone(),
        };
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(tally.bytes(), 3);
        assert_eq!(
            tally.sha256_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
