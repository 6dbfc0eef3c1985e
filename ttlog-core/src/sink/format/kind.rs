//! [`Format`]: the text formats a sink can write.

/// Text formats.
///
/// See [`format_record`](super::format_record) for what each looks like.
///
/// ```
/// assert_eq!(ttlog_core::sink::Format::default(), ttlog_core::sink::Format::Compact);
/// ```
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
