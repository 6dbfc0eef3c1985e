//! Where the collector meets the binary journal ([`crate::journal`]): each call below is one
//! line in the loop (`merge.rs`, `run.rs`, `losses.rs`), so the journal stays out of the way
//! of the text path.
//!
//! An event record goes to the journal before the sinks see it: copied as it is when
//! redaction would leave it alone, else decoded, redacted and encoded again. When there are
//! no other sinks the record is then skipped without being decoded at all: a journal-only
//! collector costs a record's copy and the redaction check per event.

use std::time::Instant;

use super::run::Collector;
use crate::clock::Converter;
use crate::event::LogEvent;
use crate::span::op::SpanOp;

impl Collector {
    /// Hands the next event record of log `i` to the journal, if there is one; returns
    /// whether the sinks still need it (when not, the record has been read).
    #[inline]
    pub(super) fn journal_event(&mut self, i: usize, conv: &Converter) -> bool {
        let Some(journal) = self.journal.as_mut() else {
            return true;
        };
        let reader = &mut self.rings[i].reader;
        let copied = match reader.peek_raw_event() {
            Some((record, callsite)) => journal.raw_event(record, callsite, conv),
            None => return true,
        };
        if !copied {
            if let Some(mut event) = reader.peek_event() {
                if let Some(redaction) = &mut self.redaction {
                    redaction.event(&mut event);
                }
                journal.event(&event, conv);
            }
        }
        if self.sinks.slots.is_empty() {
            reader.skip();
            return false;
        }
        true
    }

    /// Hands a span operation (redacted) to the journal.
    #[inline]
    pub(super) fn journal_span(&mut self, op: &SpanOp, conv: &Converter) {
        if let Some(journal) = self.journal.as_mut() {
            journal.span_op(op, conv);
        }
    }

    /// Hands one of the collector's own events to the journal (it is stopping, so the event
    /// does not go through the rings).
    pub(super) fn journal_report(&mut self, event: &LogEvent) {
        if let Some(journal) = self.journal.as_mut() {
            journal.event(event, &crate::clock::converter());
        }
    }

    /// The end of a turn: the batch goes to the journal's thread.
    pub(super) fn journal_flush(&mut self) {
        if let Some(journal) = self.journal.as_mut() {
            journal.flush(None);
        }
    }

    /// Waits until `deadline` for the journal to write what it was handed.
    pub(super) fn journal_sync(&mut self, deadline: Instant) -> bool {
        self.journal.as_mut().is_none_or(|j| j.sync(deadline))
    }

    /// Sets (or clears) the deadline the journal's waits for room end at.
    pub(super) fn journal_deadline(&mut self, deadline: Option<Instant>) {
        if let Some(journal) = self.journal.as_mut() {
            journal.set_deadline(deadline);
        }
    }

    /// The collector is stopping: the journal writes what it can by `deadline`.
    pub(super) fn journal_close(&mut self, deadline: Instant) {
        if let Some(journal) = self.journal.as_mut() {
            journal.close(deadline);
        }
    }

    /// Events the journal lost since they were last reported, with its last error, to be
    /// reported in-band like a sink's.
    pub(super) fn journal_losses(&mut self) -> Option<(String, u64, Option<std::sync::Arc<str>>)> {
        let journal = self.journal.as_ref()?;
        let stats = journal.stats();
        let recent = self
            .journal_reported
            .1
            .is_some_and(|at| at.elapsed() < std::time::Duration::from_secs(1));
        if stats.lost <= self.journal_reported.0 || recent {
            return None;
        }
        let lost = stats.lost - self.journal_reported.0;
        self.journal_reported = (stats.lost, Some(Instant::now()));
        Some((stats.name, lost, journal.last_error()))
    }
}
