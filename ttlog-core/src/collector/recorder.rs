//! The flight recorder's contents: every thread's newest events, read from the threads' own
//! logs (see [`crate::ring`]), not from anything the collector keeps.
//!
//! Each thread's log keeps its newest `capacity` events in the memory the thread writes to,
//! whatever the collector has read, so a snapshot holds them even when the collector is
//! behind, stuck in a slow sink, or was never scheduled. Here they are decoded, redacted
//! (the logs hold values as they were logged; nothing leaves the process unredacted) and
//! merged by timestamp.

use std::path::PathBuf;

use super::run::Collector;
use super::snapshot::{redact_and_merge, write};
use crate::event::LogEvent;
use crate::snapshot::WriteError;
use crate::sync::global::Ordering;

impl Collector {
    /// Every thread's newest events (up to the recorder's capacity per thread), redacted,
    /// oldest first by timestamp.
    pub(super) fn recorded_events(&mut self) -> Vec<LogEvent> {
        let mut events = self.ring_set.windows(self.config.capacity).events;
        redact_and_merge(&mut events, self.redaction.as_mut());
        events
    }

    /// Writes every thread's newest events and every span in the table to a snapshot file.
    pub(super) fn write_snapshot(&mut self, reason: &str) -> Result<PathBuf, WriteError> {
        let events = self.recorded_events();
        let dropped = self.ring_set.reported_dropped.load(Ordering::Relaxed);
        write(
            &self.settings,
            reason,
            dropped,
            &events,
            &self.spans,
            &mut self.sinks.names,
        )
    }
}
