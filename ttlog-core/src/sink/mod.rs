//! Sinks: where the collector writes events, and the text formats it writes them in.
//!
//! Callers never format or do I/O: an event is moved through the ring as values, and the
//! collector thread turns it into a [`Record`] and hands that to every [`Sink`]. So a sink is
//! where the cost of logging is actually paid, once, off the hot path, and it is built to pay
//! little:
//!
//! - [`format_record`] writes one event as one line into a reused `Vec<u8>` (no `String`s, no
//!   allocation once the buffer is warm), in one of four [`Format`]s.
//! - [`WriterSink`] (and [`console`] and [`FileSink`], which are built on it) collects lines in
//!   a buffer and writes it when it passes [`BATCH_BYTES`] or when the collector calls
//!   [`Sink::flush`], which it does after each batch of events it drains. A burst of a
//!   thousand events costs a handful of `write` system calls, not a thousand, while a quiet
//!   program still sees each line as soon as the collector wakes up.
//! - Text from the event is escaped, so one event is exactly one line and a logged value can
//!   neither forge a line nor send escape sequences to a terminal.
//!
//! Any `FnMut(&Record<'_>)` closure is a sink too, which is handy in tests and for forwarding
//! events to something that is not a byte stream.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use ttlog_core::sink::Sink;
//! use ttlog_core::{Fields, Level, Record};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let seen2 = Arc::clone(&seen);
//! let mut sink = move |r: &Record<'_>| seen2.lock().unwrap().push(r.message.to_owned());
//! # let record = Record { level: Level::Info, timestamp: std::time::SystemTime::now(),
//! #     target: "t", module_path: "t", file: "", line: 0, message: "hello",
//! #     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
//! sink.write(&record).unwrap();
//! assert_eq!(*seen.lock().unwrap(), ["hello"]);
//! ```
//!
//! 1. `mod.rs` — the [`Sink`] trait, [`WriterSink`] (batched lines into any writer),
//!    [`console`] and [`FileSink`].
//! 2. `format/` — [`format_record`]: one event as one line, in each [`Format`].
//! 3. `escape.rs` — escaping values for text and JSON (no log injection).
//! 4. `background.rs` — [`BackgroundSink`]: lines written by a thread of the sink's own, so a
//!    stalled destination never holds up the collector; every event it loses is counted.
//! 5. `output.rs` — what that thread writes to, and [`FileOptions`] (mode, symlinks).

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::record::Record;

mod background;
pub mod escape;
pub mod format;
mod output;

pub use background::{BackgroundSink, DEFAULT_STALL_TIMEOUT, QUEUE_BATCHES};
pub use format::{format_record, Format};
pub use output::FileOptions;

/// How many bytes a [`WriterSink`] buffers before it writes without waiting for a flush.
pub const BATCH_BYTES: usize = 64 * 1024;

/// How many unwritten bytes a [`WriterSink`] keeps for a retry after its writer fails; beyond
/// this the oldest output is dropped, so a dead writer cannot make the buffer grow forever.
pub const MAX_RETAINED_BYTES: usize = 16 * BATCH_BYTES;

/// Receives every event the collector handles, decoded.
///
/// The collector calls [`write`](Sink::write) for each event and [`flush`](Sink::flush) after
/// each batch, all on its own thread. An error is counted and reported by the collector; the
/// sink keeps receiving events.
///
/// # Examples
///
/// ```
/// use ttlog_core::sink::{Format, Sink, WriterSink};
/// use ttlog_core::{Fields, Level, Record};
///
/// struct CountErrors(usize);
/// impl Sink for CountErrors {
///     fn write(&mut self, record: &Record<'_>) -> std::io::Result<()> {
///         self.0 += usize::from(record.level == Level::Error);
///         Ok(())
///     }
/// }
///
/// let mut sink = CountErrors(0);
/// let record = Record { level: Level::Error, timestamp: std::time::SystemTime::now(),
///     target: "t", module_path: "t", file: "", line: 0, message: "boom",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// sink.write(&record).unwrap();
/// sink.flush().unwrap();
/// assert_eq!(sink.0, 1);
/// ```
pub trait Sink: Send + 'static {
    /// Writes one event.
    ///
    /// # Errors
    ///
    /// Whatever I/O error the sink's destination reports.
    fn write(&mut self, record: &Record<'_>) -> io::Result<()>;

    /// Flushes buffered output.
    ///
    /// # Errors
    ///
    /// Whatever I/O error the sink's destination reports.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Flushes, then waits until everything handed to the sink so far is written, or until
    /// `deadline`. The collector calls it for [`Handle::flush`](crate::Handle::flush) and at
    /// shutdown. A sink that writes on the collector's thread is done when
    /// [`flush`](Sink::flush) returns, which is the default.
    ///
    /// # Errors
    ///
    /// Whatever [`flush`](Sink::flush) returns, or [`io::ErrorKind::TimedOut`] when the
    /// deadline passed first.
    fn sync(&mut self, deadline: Instant) -> io::Result<()> {
        let _ = deadline;
        self.flush()
    }

    /// The collector is stopping: write what is left by `deadline`; whatever is not written
    /// then is lost, and [`delivery`](Sink::delivery) counts it. The default is
    /// [`sync`](Sink::sync).
    fn close(&mut self, deadline: Instant) {
        let _ = self.sync(deadline);
    }

    /// Opens the destination again by its path, after logrotate moved it away (SIGHUP,
    /// [`Handle::reopen`](crate::Handle::reopen)). The default has nothing to reopen.
    ///
    /// # Errors
    ///
    /// When the destination cannot be opened again.
    fn reopen(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// What happened to the events handed to a sink that writes them later, on a thread of
    /// its own ([`BackgroundSink`]). `None`, the default, for a sink that is done with an
    /// event when [`write`](Sink::write) returns: the collector counts those itself (an
    /// event whose `write` failed is lost).
    fn delivery(&self) -> Option<Delivery> {
        None
    }

    /// The last error the sink met writing, for reports (see [`delivery`](Sink::delivery)).
    fn last_error(&self) -> Option<Arc<str>> {
        None
    }

    /// A short description for reports and [`Stats`](crate::Stats), such as `stderr` or
    /// `file /var/log/app.log`.
    fn name(&self) -> String {
        String::from("sink")
    }
}

/// What a sink that writes on its own thread did with the events handed to it
/// ([`Sink::delivery`]). Events handed to it that are neither written nor lost are still on
/// their way.
///
/// ```
/// let d = ttlog_core::sink::Delivery { written: 10, lost: 2, errors: 1, stalled: false };
/// assert_eq!(d.written + d.lost, 12);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Events written whole to the destination.
    pub written: u64,
    /// Events that will never be written: dropped because the sink was stalled, or not
    /// written by the shutdown deadline.
    pub lost: u64,
    /// Write errors met (each retried).
    pub errors: u64,
    /// Whether the sink is stalled now (its queue full).
    pub stalled: bool,
}

impl<F> Sink for F
where
    F: FnMut(&Record<'_>) + Send + 'static,
{
    fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        self(record);
        Ok(())
    }
}

// ===== impl WriterSink =====

/// A sink that formats events into any [`io::Write`], in batches.
///
/// Lines collect in an internal buffer that is reused for the life of the sink. The buffer is
/// written out when it holds [`BATCH_BYTES`] or more, and on every [`flush`](Sink::flush)
/// (which also flushes the writer). Dropping the sink flushes it, ignoring errors.
///
/// If the writer fails, the bytes it did not take stay buffered for the next attempt, up to
/// [`MAX_RETAINED_BYTES`]; past that the buffer is discarded and the error returned.
///
/// # Examples
///
/// ```
/// use ttlog_core::sink::{Format, Sink, WriterSink};
/// use ttlog_core::{Fields, Level, Record};
///
/// let mut sink = WriterSink::new(Vec::new(), Format::Logfmt);
/// let record = Record { level: Level::Warn, timestamp: std::time::UNIX_EPOCH,
///     target: "app", module_path: "app", file: "", line: 0, message: "disk low",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// sink.write(&record).unwrap();
/// assert!(sink.get_ref().is_empty()); // still buffered
/// sink.flush().unwrap();
/// assert_eq!(
///     sink.get_ref().as_slice(),
///     b"ts=1970-01-01T00:00:00.000000Z level=warn target=app msg=\"disk low\"\n"
/// );
/// ```
pub struct WriterSink<W: Write + Send + 'static> {
    writer: W,
    format: Format,
    buf: Vec<u8>,
}

impl<W: Write + Send + 'static> WriterSink<W> {
    /// A sink that writes `format` lines to `writer`.
    ///
    /// ```
    /// let sink = ttlog_core::sink::WriterSink::new(Vec::new(), ttlog_core::sink::Format::Json);
    /// assert_eq!(sink.format(), ttlog_core::sink::Format::Json);
    /// ```
    pub fn new(writer: W, format: Format) -> WriterSink<W> {
        WriterSink {
            writer,
            format,
            buf: Vec::new(),
        }
    }

    /// The format this sink writes.
    ///
    /// ```
    /// # use ttlog_core::sink::{Format, WriterSink};
    /// assert_eq!(WriterSink::new(Vec::new(), Format::Full).format(), Format::Full);
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// The writer.
    ///
    /// ```
    /// # use ttlog_core::sink::{Format, WriterSink};
    /// assert!(WriterSink::new(Vec::new(), Format::Full).get_ref().is_empty());
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.writer
    }

    /// The writer, mutably. Writing to it directly bypasses (and may interleave with) the
    /// buffered lines; flush first.
    ///
    /// ```
    /// # use ttlog_core::sink::{Format, WriterSink};
    /// let mut sink = WriterSink::new(Vec::new(), Format::Full);
    /// sink.get_mut().extend_from_slice(b"header\n");
    /// assert_eq!(sink.get_ref().as_slice(), b"header\n");
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// How many formatted bytes are waiting to be written.
    ///
    /// ```
    /// # use ttlog_core::sink::{Format, WriterSink};
    /// assert_eq!(WriterSink::new(Vec::new(), Format::Full).buffered(), 0);
    /// ```
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Writes the whole buffer to the writer, keeping what it did not take if it fails.
    fn write_buf(&mut self) -> io::Result<()> {
        let mut written = 0;
        let mut result = Ok(());
        while written < self.buf.len() {
            match self.writer.write(&self.buf[written..]) {
                Ok(0) => {
                    result = Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "failed to write buffered log lines",
                    ));
                    break;
                }
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if written == self.buf.len() {
            self.buf.clear();
        } else {
            self.buf.drain(..written);
            if self.buf.len() > MAX_RETAINED_BYTES {
                self.buf.clear();
            }
        }
        if self.buf.capacity() > MAX_RETAINED_BYTES + BATCH_BYTES {
            // One huge line (or a long outage) should not pin its memory for ever.
            self.buf.shrink_to(BATCH_BYTES);
        }
        result
    }
}

impl<W: Write + Send + 'static> Sink for WriterSink<W> {
    fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        format_record(self.format, record, &mut self.buf);
        if self.buf.len() >= BATCH_BYTES {
            self.write_buf()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_buf()?;
        self.writer.flush()
    }
}

impl<W: Write + Send + 'static> Drop for WriterSink<W> {
    fn drop(&mut self) {
        let _ = Sink::flush(self);
    }
}

impl<W: Write + Send + 'static> fmt::Debug for WriterSink<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriterSink")
            .field("format", &self.format)
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

/// A sink that writes `format` lines to standard error, in batches.
///
/// Standard error is unbuffered, so the batching of [`WriterSink`] is what keeps this to a
/// few system calls per batch of events.
///
/// ```
/// let sink = ttlog_core::sink::console(ttlog_core::sink::Format::Compact);
/// assert_eq!(sink.format(), ttlog_core::sink::Format::Compact);
/// ```
pub fn console(format: Format) -> WriterSink<io::Stderr> {
    WriterSink::new(io::stderr(), format)
}

// ===== impl FileSink =====

/// A sink that appends `format` lines to a file, in batches.
///
/// The file is opened in append mode, so several processes (or restarts of one) can share
/// it and every batch lands at its end.
///
/// # Examples
///
/// ```
/// use ttlog_core::sink::{FileSink, Format, Sink};
/// use ttlog_core::{Fields, Level, Record};
///
/// let dir = std::env::temp_dir().join(format!("ttlog-doc-filesink-{}", std::process::id()));
/// let path = dir.join("logs/app.log");
/// let mut sink = FileSink::open(&path, Format::Compact)?;
/// let record = Record { level: Level::Info, timestamp: std::time::UNIX_EPOCH,
///     target: "app", module_path: "app", file: "", line: 0, message: "started",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// sink.write(&record)?;
/// sink.flush()?;
/// assert_eq!(
///     std::fs::read_to_string(sink.path())?,
///     "1970-01-01T00:00:00.000000Z  INFO app: started\n"
/// );
/// # drop(sink);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct FileSink {
    inner: WriterSink<File>,
    path: PathBuf,
}

impl FileSink {
    /// Opens `path` for appending, creating it and its parent directories if they are missing,
    /// with the default [`FileOptions`] (mode 0640, a symlink at `path` refused).
    ///
    /// # Errors
    ///
    /// Any error from creating the directories or opening the file.
    pub fn open(path: impl AsRef<Path>, format: Format) -> io::Result<FileSink> {
        FileSink::open_with(path, format, FileOptions::new())
    }

    /// Opens `path` for appending with `options` (mode, symlinks), creating it and its parent
    /// directories if they are missing.
    ///
    /// # Errors
    ///
    /// As [`FileOptions::open`].
    ///
    /// ```
    /// use ttlog_core::sink::{FileOptions, FileSink, Format};
    /// # let path = std::env::temp_dir().join(format!("ttlog-doc-openwith-{}.log", std::process::id()));
    /// let sink = FileSink::open_with(&path, Format::Json, FileOptions::new().mode(0o600))?;
    /// # drop(sink);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        format: Format,
        options: FileOptions,
    ) -> io::Result<FileSink> {
        let path = path.as_ref();
        let file = options.open(path)?;
        Ok(FileSink {
            inner: WriterSink::new(file, format),
            path: path.to_owned(),
        })
    }

    /// The path the file was opened with.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ttlog-doc-path-{}.log", std::process::id()));
    /// let sink = ttlog_core::sink::FileSink::open(&path, Default::default())?;
    /// assert_eq!(sink.path(), path);
    /// # drop(sink);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The format this sink writes.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ttlog-doc-fmt-{}.log", std::process::id()));
    /// use ttlog_core::sink::{FileSink, Format};
    /// let sink = FileSink::open(&path, Format::Json)?;
    /// assert_eq!(sink.format(), Format::Json);
    /// # drop(sink);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn format(&self) -> Format {
        self.inner.format()
    }
}

impl Sink for FileSink {
    fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.inner.write(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl fmt::Debug for FileSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileSink")
            .field("path", &self.path)
            .field("format", &self.inner.format)
            .field("buffered", &self.inner.buf.len())
            .finish()
    }
}
