//! The collector's configuration.

use std::path::PathBuf;

use crate::redact::Redactor;
use crate::sink::Sink;
use crate::span::id::SpanEvents;

/// Everything the collector is configured with: the builder fills one in, and a new option
/// touches only the builder and the part of the collector that uses it.
pub(crate) struct Config {
    pub(crate) sinks: Vec<Box<dyn Sink>>,
    pub(crate) capacity: usize,
    pub(crate) snapshot_dir: PathBuf,
    pub(crate) service: String,
    pub(crate) span_events: SpanEvents,
    /// The redaction rules; `None` turns redaction off.
    pub(crate) redaction: Option<Redactor>,
}
