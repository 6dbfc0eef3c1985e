//! A sink that counts what it is given and keeps nothing.
//!
//! Every system writes its text here instead of a terminal or a file, so no system pays for
//! a slow device and the comparison measures the logging library alone. It counts bytes and,
//! when asked, lines; counting lines scans each buffer, so it is only enabled where the
//! writing happens on a background thread (and where the harness needs the count to know
//! that everything arrived).

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// The totals a [`CountingWriter`] and its clones have seen.
#[derive(Debug, Default)]
pub struct Counts {
    bytes: AtomicU64,
    lines: AtomicU64,
    held: AtomicBool,
}

impl Counts {
    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Acquire)
    }

    /// Newlines written so far (0 unless the writer counts lines).
    pub fn lines(&self) -> u64 {
        self.lines.load(Ordering::Acquire)
    }

    /// While `held`, every write waits (sleeping) until it is released: `compare --model`
    /// holds an asynchronous system's writer thread so that a backlog builds up, then times
    /// how fast the thread drains it.
    pub fn hold(&self, held: bool) {
        self.held.store(held, Ordering::Release);
    }
}

/// An `io::Write` that counts bytes (and optionally lines) and discards them. Clones share
/// their [`Counts`].
///
/// ```
/// use std::io::Write;
/// let mut w = ttlog_benches::CountingWriter::with_lines();
/// w.write_all(b"one\ntwo\n").unwrap();
/// assert_eq!((w.counts().bytes(), w.counts().lines()), (8, 2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CountingWriter {
    counts: Arc<Counts>,
    count_lines: bool,
}

impl CountingWriter {
    /// A writer that counts bytes only.
    pub fn new() -> CountingWriter {
        CountingWriter::default()
    }

    /// A writer that counts bytes and newlines.
    pub fn with_lines() -> CountingWriter {
        CountingWriter {
            counts: Arc::default(),
            count_lines: true,
        }
    }

    /// The shared totals.
    pub fn counts(&self) -> Arc<Counts> {
        Arc::clone(&self.counts)
    }

    fn count(&self, buf: &[u8]) {
        while self.counts.held.load(Ordering::Acquire) {
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
        self.counts
            .bytes
            .fetch_add(buf.len() as u64, Ordering::Release);
        if self.count_lines {
            let lines = buf.iter().filter(|&&b| b == b'\n').count();
            self.counts.lines.fetch_add(lines as u64, Ordering::Release);
        }
    }
}

impl io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.count(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Write for &CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.count(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CountingWriter {
    type Writer = &'a CountingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}
