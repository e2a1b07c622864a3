//! Reading ahead on a thread of its own: the raw read, gzip decompression
//! and the sha256 of an input run there, up to three 1 MiB chunks ahead of
//! the parser, so the reader thread only parses. Chunks circulate (at most
//! [`CHUNKS`] of them), so memory does not grow with the input; the thread
//! starts at the first read and stops at the end of the stream, on an error,
//! or once the reader is dropped (at its next send: a read blocked on a pipe
//! returns first).

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;

/// Bytes per chunk.
const CHUNK: usize = 1 << 20;
/// Chunks in flight between the thread and the reader.
const DEPTH: usize = 2;
/// Chunks in all: the channel's, the one being filled, the one being read.
pub const CHUNKS: usize = DEPTH + 2;

/// What the thread sends: a chunk and how many of its bytes are filled
/// (`0`: the end), or an error. A chunk keeps its length of [`CHUNK`], so
/// it is zeroed once, when made, not on every fill.
type Message = io::Result<(Vec<u8>, usize)>;

enum State {
    /// Not started: the stream, read on the first call.
    Pending(Box<dyn Read + Send>),
    /// Running: chunks come in, emptied ones go back.
    Running {
        chunks: Receiver<Message>,
        recycle: Sender<Vec<u8>>,
    },
    /// The end was reached.
    Done,
    /// An error was returned; every later read fails too.
    Failed,
}

/// A `Read` whose bytes a thread of its own reads ahead from the stream.
pub struct ReadAhead {
    state: State,
    /// The chunk being read: `current[pos..filled]` is not read yet.
    current: Vec<u8>,
    pos: usize,
    filled: usize,
}

impl ReadAhead {
    /// Wraps a stream; nothing is read until the first `read`.
    pub fn new(stream: Box<dyn Read + Send>) -> ReadAhead {
        ReadAhead {
            state: State::Pending(stream),
            current: Vec::new(),
            pos: 0,
            filled: 0,
        }
    }

    fn start(stream: Box<dyn Read + Send>) -> io::Result<State> {
        let (tx, chunks) = mpsc::sync_channel::<Message>(DEPTH);
        let (recycle, spare) = mpsc::channel::<Vec<u8>>();
        for _ in 0..CHUNKS - 1 {
            let _ = recycle.send(Vec::new());
        }
        thread::Builder::new()
            .name("netstage-read-ahead".into())
            .spawn(move || fill(stream, &tx, &spare))?;
        Ok(State::Running { chunks, recycle })
    }

    /// The next chunk into `current`; false at the end.
    fn next_chunk(&mut self) -> io::Result<bool> {
        if let State::Pending(_) = self.state {
            let State::Pending(stream) = std::mem::replace(&mut self.state, State::Failed) else {
                unreachable!("checked above")
            };
            self.state = ReadAhead::start(stream)?;
        }
        let State::Running { chunks, recycle } = &self.state else {
            return match self.state {
                State::Failed => Err(io::Error::other("the input failed to read before")),
                _ => Ok(false),
            };
        };
        let used = std::mem::take(&mut self.current);
        // The thread may have stopped (end of input): the chunk is dropped.
        let _ = recycle.send(used);
        let received = chunks.recv();
        self.pos = 0;
        self.filled = 0;
        match received {
            Ok(Ok((chunk, filled))) if filled > 0 => {
                self.current = chunk;
                self.filled = filled;
                Ok(true)
            }
            Ok(Ok(_)) => {
                self.state = State::Done;
                Ok(false)
            }
            Ok(Err(e)) => {
                self.state = State::Failed;
                Err(e)
            }
            Err(_) => {
                self.state = State::Failed;
                Err(io::Error::other("the read-ahead thread stopped"))
            }
        }
    }
}

/// The thread: fills a chunk until it is full or a read comes back short
/// (a pipe with nothing more yet: its bytes go on at once, so a slow
/// producer on stdin is not kept waiting for a full chunk) and sends it; an
/// empty chunk marks the end.
fn fill(mut stream: Box<dyn Read + Send>, tx: &SyncSender<Message>, spare: &Receiver<Vec<u8>>) {
    loop {
        let Ok(mut chunk) = spare.recv() else { return };
        if chunk.len() != CHUNK {
            chunk = vec![0; CHUNK];
        }
        let mut filled = 0;
        let result = loop {
            match stream.read(&mut chunk[filled..]) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    let asked = CHUNK - filled;
                    filled += n;
                    if filled == CHUNK || n < asked {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        // Only a read of nothing is the end.
        let at_end = filled == 0;
        match result {
            Err(e) => {
                // The bytes before the error first, then the error.
                if filled > 0 && tx.send(Ok((chunk, filled))).is_err() {
                    return;
                }
                let _ = tx.send(Err(e));
                return;
            }
            Ok(()) => {
                if at_end {
                    let _ = tx.send(Ok((Vec::new(), 0)));
                    return;
                }
                if tx.send(Ok((chunk, filled))).is_err() {
                    return;
                }
            }
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.pos == self.filled {
            if !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.filled - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes a few at a time, then fails if told to.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        fail_at_end: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return if self.fail_at_end {
                    Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt gzip"))
                } else {
                    Ok(0)
                };
            }
            let n = out.len().min(4099).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn every_byte_comes_through_in_order() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12_345] {
            let want = data(len);
            let mut r = ReadAhead::new(Box::new(Trickle {
                data: want.clone(),
                at: 0,
                fail_at_end: false,
            }));
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            assert!(got == want, "{len} bytes");
            // The end stays the end.
            assert_eq!(r.read(&mut [0u8; 4]).unwrap(), 0);
        }
    }

    #[test]
    fn an_error_comes_after_the_bytes_before_it() {
        let want = data(CHUNK + 100);
        let mut r = ReadAhead::new(Box::new(Trickle {
            data: want.clone(),
            at: 0,
            fail_at_end: true,
        }));
        let mut got = vec![0u8; want.len()];
        r.read_exact(&mut got).unwrap();
        assert!(got == want);
        let e = r.read(&mut [0u8; 4]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        // It stays an error: the bytes after it are not the end of the input.
        assert!(r.read(&mut [0u8; 4]).is_err());
    }

    /// A pipe: some bytes, then nothing until the writer goes on.
    struct Pipe {
        first: Option<Vec<u8>>,
        go_on: mpsc::Receiver<()>,
    }

    impl Read for Pipe {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if let Some(first) = self.first.take() {
                out[..first.len()].copy_from_slice(&first);
                return Ok(first.len());
            }
            let _ = self.go_on.recv();
            Ok(0)
        }
    }

    #[test]
    fn bytes_from_a_pipe_are_not_held_back_for_a_full_chunk() {
        let (go, go_on) = mpsc::channel();
        let mut r = ReadAhead::new(Box::new(Pipe {
            first: Some(b"site,histology\n".to_vec()),
            go_on,
        }));
        let mut header = [0u8; 15];
        // Would block for ever if the thread waited to fill a chunk.
        r.read_exact(&mut header).unwrap();
        assert_eq!(&header, b"site,histology\n");
        go.send(()).unwrap();
        assert_eq!(r.read(&mut [0u8; 4]).unwrap(), 0);
    }

    /// An endless stream that tells when it is dropped.
    struct Endless(std::sync::Arc<std::sync::atomic::AtomicBool>);

    impl Read for Endless {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            out.fill(b'x');
            Ok(out.len())
        }
    }

    impl Drop for Endless {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_the_reader_stops_the_thread() {
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut r = ReadAhead::new(Box::new(Endless(std::sync::Arc::clone(&dropped))));
        let mut buf = vec![0u8; 3 * CHUNK];
        r.read_exact(&mut buf).unwrap();
        assert!(buf.iter().all(|&b| b == b'x'));
        // The thread is blocked on a full channel; dropping the reader ends
        // it, and with it the stream.
        drop(r);
        let started = std::time::Instant::now();
        while !dropped.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the thread kept running"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
