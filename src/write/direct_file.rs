//! An output file written with direct I/O where the system allows it
//! (Linux `O_DIRECT`): whole aligned blocks go from netstage's buffer to the
//! disk, without a copy into the page cache and without the writeback work
//! that copy leaves for later. Where the file system refuses direct I/O
//! (some do: tmpfs before Linux 6.6, for one) it is written as an
//! [`EagerFile`].
//!
//! Outputs are large and read later, if at all, by other programs: the
//! page cache gains nothing from them, and on a shared machine they would
//! push out pages others use.

use std::fs::File;
use std::io::{self, Write};

use crate::write::eager_file::EagerFile;

/// Alignment of direct writes: buffer address, length and file offset (a
/// multiple of the logical block size of common devices, 512 or 4096).
const BLOCK: usize = 4096;

/// Bytes buffered before a write.
const BUFFER: usize = 1 << 20;

/// A file written front to back through an aligned buffer; [`DirectFile::finish`]
/// writes what is buffered, sets the length and syncs.
pub struct DirectFile {
    /// Written through in both modes: with direct I/O its writeback
    /// requests find no page to write, which costs a call every 8 MiB.
    file: EagerFile,
    /// Backing store of the buffer: `BUFFER + BLOCK` bytes, of which the
    /// `BUFFER` from `start` are aligned to [`BLOCK`].
    store: Vec<u8>,
    start: usize,
    /// Bytes in the buffer.
    len: usize,
    /// Bytes handed to the file.
    written: u64,
    /// Whether writes bypass the page cache.
    direct: bool,
}

impl DirectFile {
    /// Wraps a file opened for writing at offset 0, turning on direct I/O
    /// when the file system takes it.
    pub fn new(file: File) -> DirectFile {
        let store = vec![0u8; BUFFER + BLOCK];
        // `align_offset` may give up (`usize::MAX`): the file is then written buffered.
        let aligned = store.as_ptr().align_offset(BLOCK);
        let (start, direct) = if aligned < BLOCK {
            (aligned, set_direct(&file, true).is_ok())
        } else {
            (0, false)
        };
        DirectFile {
            file: EagerFile::new(file),
            store,
            start,
            len: 0,
            written: 0,
            direct,
        }
    }

    /// Whether writes bypass the page cache.
    pub fn is_direct(&self) -> bool {
        self.direct
    }

    /// Writes what is buffered, sets the file's length to the bytes written
    /// and syncs data and metadata. The last call on the file: it takes no
    /// more bytes after it.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.direct && !self.len.is_multiple_of(BLOCK) {
            // The last block is written whole, zero-padded, then cut back.
            let end = self.len;
            let padded = end.next_multiple_of(BLOCK);
            self.store[self.start + end..self.start + padded].fill(0);
            self.len = padded;
            self.drain()?;
            self.written -= (padded - end) as u64;
            self.file.file().set_len(self.written)?;
        } else {
            self.drain()?;
        }
        self.file.sync_all()
    }

    /// Writes the buffer out and empties it.
    fn drain(&mut self) -> io::Result<()> {
        let mut at = 0;
        while at < self.len {
            let chunk = &self.store[self.start + at..self.start + self.len];
            match self.file.write(chunk) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => at += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The file system took the flag but not the write.
                Err(e) if self.direct && e.raw_os_error() == Some(libc::EINVAL) && at == 0 => self.go_buffered()?,
                Err(e) => return Err(e),
            }
            if self.direct && !at.is_multiple_of(BLOCK) && at < self.len {
                // A short direct write left the offset unaligned.
                self.go_buffered()?;
            }
        }
        self.written += self.len as u64;
        self.len = 0;
        Ok(())
    }

    /// Turns direct I/O off for the rest of the file.
    fn go_buffered(&mut self) -> io::Result<()> {
        set_direct(self.file.file(), false)?;
        self.direct = false;
        Ok(())
    }
}

impl Write for DirectFile {
    /// Takes bytes into the buffer, writing it out first when it is full (so
    /// an error is returned before any byte of `data` is taken).
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.len == BUFFER {
            self.drain()?;
        }
        let n = data.len().min(BUFFER - self.len);
        self.store[self.start + self.len..self.start + self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        Ok(n)
    }

    /// Nothing: a partial block cannot be written directly before the end
    /// ([`DirectFile::finish`] writes it).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Turns direct I/O on or off for an open file.
#[cfg(target_os = "linux")]
fn set_direct(file: &File, on: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor open for the life of `file`; F_GETFL and
    // F_SETFL read and write no memory of ours.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let flags = if on {
        flags | libc::O_DIRECT
    } else {
        flags & !libc::O_DIRECT
    };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_file: &File, _on: bool) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `total` bytes in pieces of uneven sizes and returns them.
    fn write_pieces(f: &mut DirectFile, total: usize) -> Vec<u8> {
        let mut expected = Vec::with_capacity(total);
        let sizes = [1usize, 7, 4096, 333_333, 1 << 20, 2 * (1 << 20) + 5];
        let mut i = 0;
        while expected.len() < total {
            let n = sizes[i % sizes.len()].min(total - expected.len());
            let piece: Vec<u8> = (0..n).map(|j| ((expected.len() + j) % 251) as u8).collect();
            f.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
            i += 1;
        }
        expected
    }

    fn round_trip(total: usize, direct: bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let mut f = DirectFile::new(File::create(&path).unwrap());
        if direct {
            // Where the file system takes direct I/O, the direct path is the one tested.
            let probe = File::create(dir.path().join("probe")).unwrap();
            assert_eq!(f.is_direct(), set_direct(&probe, true).is_ok());
        }
        if !direct && f.is_direct() {
            set_direct(f.file.file(), false).unwrap();
            f.direct = false;
        }
        let expected = write_pieces(&mut f, total);
        f.finish().unwrap();
        let got = std::fs::read(&path).unwrap();
        assert_eq!(got.len(), expected.len(), "length, {total} bytes, direct {direct}");
        assert!(got == expected, "content, {total} bytes, direct {direct}");
    }

    #[test]
    fn every_byte_reaches_the_file_and_nothing_more() {
        // Empty, under a block, a partial last block, whole blocks, whole
        // buffers, and several buffers with a partial block at the end.
        for total in [0, 1, 4095, 4096, 4097, BUFFER, 2 * BUFFER, 3 * BUFFER + 12_345] {
            round_trip(total, true);
            round_trip(total, false);
        }
    }

    #[test]
    fn a_direct_write_the_system_refuses_goes_on_buffered_without_losing_a_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let mut f = DirectFile::new(File::create(&path).unwrap());
        let direct = f.is_direct();
        if direct {
            // A buffer one byte off its alignment: the kernel answers EINVAL.
            f.start += 1;
        }
        let expected = write_pieces(&mut f, 2 * BUFFER + 777);
        // Where the file system takes direct I/O, the refusal turned it off.
        assert!(!f.is_direct());
        f.finish().unwrap();
        assert!(
            std::fs::read(&path).unwrap() == expected,
            "content, direct at first: {direct}"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn direct_io_is_turned_on_and_off_where_the_file_system_takes_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("out.bin")).unwrap();
        if set_direct(&file, true).is_err() {
            // Some file systems refuse it: the file is then written buffered.
            assert!(!DirectFile::new(file).is_direct());
            return;
        }
        set_direct(&file, false).unwrap();
        // SAFETY: F_GETFL on an open descriptor.
        let flags = unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&file), libc::F_GETFL) };
        assert_eq!(flags & libc::O_DIRECT, 0);
        assert!(DirectFile::new(file).is_direct());
    }
}
