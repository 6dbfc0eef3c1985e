//! Sinks that write on the collector's thread: [`WriterSink`] (batched lines into any
//! writer), [`console`] and [`FileSink`].

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::contract::Sink;
use super::format::{Format, Formatter};
use super::output::FileOptions;
use crate::record::Record;

/// How many bytes a [`WriterSink`] buffers before it writes without waiting for a flush.
pub const BATCH_BYTES: usize = 64 * 1024;

/// How many unwritten bytes a [`WriterSink`] keeps for a retry after its writer fails; beyond
/// this the oldest output is dropped, so a dead writer cannot make the buffer grow forever.
pub const MAX_RETAINED_BYTES: usize = 16 * BATCH_BYTES;

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
    formatter: Formatter,
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
            formatter: Formatter::new(format),
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
        self.formatter.format()
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
        self.formatter.write(record, &mut self.buf);
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
            .field("format", &self.formatter.format())
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
            .field("format", &self.inner.format())
            .field("buffered", &self.inner.buf.len())
            .finish()
    }
}
