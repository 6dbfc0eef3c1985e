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
