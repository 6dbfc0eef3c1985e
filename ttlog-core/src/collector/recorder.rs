//! The flight recorder's contents: every thread's newest events, read from the threads' own
//! logs (see [`crate::ring`]), not from anything the collector keeps.
//!
//! Each thread's log keeps its newest `capacity` events in the memory the thread writes to,
//! whatever the collector has read, so a snapshot holds them even when the collector is
//! behind, stuck in a slow sink, or was never scheduled. Here they are read one at a time,
//! decoded, redacted (the logs hold values as they were logged; nothing leaves the process
//! unredacted), merged by timestamp and streamed to the snapshot file.

use std::path::PathBuf;

use super::run::Collector;
use super::snapshot::write;
use crate::snapshot::WriteError;
use crate::sync::global::Ordering;

impl Collector {
    /// Writes every thread's newest events (up to the recorder's capacity per thread,
    /// redacted, oldest first by timestamp) and every span in the table to a snapshot file.
    pub(super) fn write_snapshot(&mut self, reason: &str) -> Result<PathBuf, WriteError> {
        let dropped = self.ring_set.reported_dropped.load(Ordering::Relaxed);
        let redaction = &mut self.redaction;
        let events = self
            .ring_set
            .window_events(self.config.capacity)
            .map(|mut event| {
                if let Some(redaction) = redaction.as_mut() {
                    redaction.event(&mut event);
                }
                event
            });
        write(
            &self.settings,
            reason,
            dropped,
            events,
            &self.spans,
            &mut self.sinks.names,
        )
    }
}
