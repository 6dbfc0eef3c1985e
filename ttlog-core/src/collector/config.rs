//! The collector's configuration: one value the builder fills in, so a new collector option
//! touches only the builder's setter and the part of the collector that uses it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::redact::Redactor;
use crate::sink::Sink;
use crate::snapshot::rate::{RateLimiter, SnapshotRate};
use crate::snapshot::retention::Retention;
use crate::span::id::SpanEvents;

/// The default flight-recorder size, in events per thread.
pub const DEFAULT_CAPACITY: usize = crate::ring::shared::DEFAULT_WINDOW;

/// Everything the collector is made with.
#[derive(Debug)]
pub(crate) struct Config {
    /// The sinks, in the order they get each event.
    pub(crate) sinks: SinkList,
    /// How many events the flight recorder keeps (at least one).
    pub(crate) capacity: usize,
    /// Where snapshots are written.
    pub(crate) snapshot_dir: PathBuf,
    /// The service name in snapshot headers and file names.
    pub(crate) service: String,
    /// Which span moments get lines of their own.
    pub(crate) span_events: SpanEvents,
    /// The redaction rules; `None` turns redaction off.
    pub(crate) redaction: Option<Redactor>,
    /// How many snapshot files of the service the snapshot directory keeps.
    pub(crate) snapshot_retention: Retention,
    /// How often automatic snapshots may be written (shared by every handle).
    pub(crate) snapshot_rate: Arc<RateLimiter>,
    /// The binary journal, if any (`journal.rs`).
    pub(crate) journal: Option<crate::journal::encode::Journal>,
    /// How many threads format the background sinks' lines (`0`: the collector does);
    /// `None`: one fewer than the cores, between one and four.
    pub(crate) format_threads: Option<usize>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sinks: SinkList::default(),
            capacity: DEFAULT_CAPACITY,
            snapshot_dir: PathBuf::from("ttlog-snapshots"),
            service: String::new(),
            span_events: SpanEvents::NONE,
            redaction: Some(Redactor::new()),
            snapshot_retention: Retention::default(),
            snapshot_rate: Arc::new(RateLimiter::new(SnapshotRate::DEFAULT)),
            journal: None,
            format_threads: None,
        }
    }
}

impl Config {
    /// What snapshots are written with (the collector's, and those its handles write when it
    /// does not answer).
    pub(crate) fn snapshot_settings(&self) -> super::snapshot::Settings {
        super::snapshot::Settings {
            dir: self.snapshot_dir.clone(),
            service: self.service.clone(),
            capacity: self.capacity,
            redaction: self.redaction.clone(),
            retention: Some(self.snapshot_retention),
            rate: self.snapshot_rate.clone(),
        }
    }
}

/// Sinks, shown in `Debug` by their count (a `dyn Sink` has no `Debug`).
#[derive(Default)]
pub(crate) struct SinkList(pub(crate) Vec<Box<dyn Sink>>);

impl fmt::Debug for SinkList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} sinks", self.0.len())
    }
}
