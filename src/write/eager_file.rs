//! An output file that has the kernel start writing its data to disk while
//! the run goes on, so the sync at the end of the run waits for little
//! (Linux `sync_file_range`, as RocksDB's `bytes_per_sync`). Elsewhere it
//! is a plain file.

use std::fs::File;
use std::io::{self, Write};

/// Bytes written between two requests to start writing back.
const WRITEBACK_BYTES: u64 = 8 << 20;

/// Requests end on a multiple of this (the page size of common systems), so
/// the page that later writes fill is not among them: on a device that keeps
/// pages stable during their I/O, such a write would wait for it.
const PAGE: u64 = 4096;

/// A file written front to back whose data is handed to the disk every
/// [`WRITEBACK_BYTES`] without waiting for it; [`EagerFile::sync_all`] at
/// the end makes it durable.
pub struct EagerFile {
    file: File,
    /// Bytes written so far.
    written: u64,
    /// Bytes whose writeback has been started.
    started: u64,
}

impl EagerFile {
    /// Wraps a file opened for writing at offset 0.
    pub fn new(file: File) -> EagerFile {
        EagerFile {
            file,
            written: 0,
            started: 0,
        }
    }

    /// The file.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Syncs data and metadata (what was written through [`Write`]).
    pub fn sync_all(&self) -> io::Result<()> {
        self.file.sync_all()
    }
}

impl Write for EagerFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        let whole_pages = self.written - self.written % PAGE;
        if whole_pages - self.started >= WRITEBACK_BYTES {
            // Only a hint: an I/O error shows at the final sync.
            let _ = start_writeback(&self.file, self.started, whole_pages - self.started);
            self.started = whole_pages;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Asks the kernel to start writing `len` bytes from `offset` to disk. It
/// does not wait for the writes (it may wait for room in the device's queue).
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let offset = libc::off64_t::try_from(offset).map_err(io::Error::other)?;
    let len = libc::off64_t::try_from(len).map_err(io::Error::other)?;
    // SAFETY: the descriptor is open for the life of `file`, and the call
    // reads no memory of ours.
    let rc = unsafe { libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_reaches_the_file_across_writeback_requests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let mut f = EagerFile::new(File::create(&path).unwrap());
        // Four requests' worth, in pieces that do not divide it.
        let piece: Vec<u8> = (0..=250u8).cycle().take(1_000_003).collect();
        let mut expected = Vec::new();
        while expected.len() < 4 * WRITEBACK_BYTES as usize {
            f.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
        }
        assert_eq!(f.written, expected.len() as u64);
        // Writeback was started three times, up to a page boundary.
        assert!(f.started >= 3 * WRITEBACK_BYTES && f.started < 4 * WRITEBACK_BYTES);
        assert_eq!(f.started % PAGE, 0);
        // The request itself is accepted by the system.
        start_writeback(&f.file, 0, f.started).unwrap();
        f.flush().unwrap();
        f.sync_all().unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }
}
