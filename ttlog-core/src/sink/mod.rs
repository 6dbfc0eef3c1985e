//! Sinks: where the collector writes formatted events. (Contract stub: implementation in progress.)

use std::io;

use crate::record::Record;

/// Receives every event the collector handles, decoded.
pub trait Sink: Send + 'static {
    /// Writes one event.
    fn write(&mut self, record: &Record<'_>) -> io::Result<()>;

    /// Flushes buffered output.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Text formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// One line: timestamp, level, target, message, fields.
    #[default]
    Compact,
    /// Like `Compact`, plus thread and source location.
    Full,
    /// One JSON object per line, with tracing-subscriber's keys.
    Json,
    /// logfmt.
    Logfmt,
}

/// Stub.
pub struct WriterSink<W>(W, Format);
impl<W: io::Write + Send + 'static> WriterSink<W> {
    /// Stub.
    pub fn new(w: W, f: Format) -> Self {
        WriterSink(w, f)
    }
}
impl<W: io::Write + Send + 'static> Sink for WriterSink<W> {
    fn write(&mut self, r: &Record<'_>) -> io::Result<()> {
        writeln!(self.0, "{} {} {}", r.level, r.target, r.message)
    }
}
/// Stub.
pub fn console(f: Format) -> WriterSink<io::Stderr> {
    WriterSink(io::stderr(), f)
}
/// Stub.
pub struct FileSink;
impl FileSink {
    /// Stub.
    pub fn open(_p: impl AsRef<std::path::Path>, _f: Format) -> io::Result<FileSink> {
        Ok(FileSink)
    }
}
impl Sink for FileSink {
    fn write(&mut self, _r: &Record<'_>) -> io::Result<()> {
        Ok(())
    }
}
