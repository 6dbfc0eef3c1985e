//! The collector's accounting: each sink's counts ([`SinkStats`]) published for handles,
//! in-band reports of what sinks lost, and what the shutdown deadline left unread.

use std::sync::Arc;

use std::time::{Duration, Instant};

use super::fanout::SinkSlot;
use super::run::{Collector, State};
use super::stats::SinkStats;
use crate::callsite::site::Callsite;
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::sync::global::Ordering;

/// How often a sink's losses are reported in-band, at most.
const REPORT_INTERVAL: Duration = Duration::from_secs(1);

static SINK_LOST_CALLSITE: Callsite = Callsite::new(
    Level::Warn,
    "ttlog",
    "ttlog_core::collector",
    file!(),
    line!(),
    "ttlog sink lost events",
    &["sink", "lost", "error"],
);

impl Collector {
    /// Reports, in-band, the events each sink lost since the last report (one warning per
    /// sink, with its name and last error), counting what it still has to write as lost when
    /// `closing` (it is about to be closed unwritten). Returns the reports made.
    pub(super) fn report_sink_losses(&mut self, closing: bool) -> usize {
        let mut reports = Vec::new();
        for slot in &mut self.sinks.slots {
            let lost = if closing {
                let stats = slot.stats();
                stats.lost + stats.pending()
            } else {
                slot.lost()
            };
            // At most one report a second per sink: a stalled sink loses the report too,
            // which must not make a report of its own every turn.
            let recent = slot
                .last_report
                .is_some_and(|at| at.elapsed() < REPORT_INTERVAL);
            // While running and while stopping, at most one a second (a stalled sink loses
            // each report too); the closing report, just before the sinks close, always.
            if lost > slot.reported_lost && (closing || !recent) {
                slot.last_report = Some(Instant::now());
                let error = slot.sink.last_error();
                reports.push(sink_lost_event(
                    &slot.name,
                    lost - slot.reported_lost,
                    error,
                ));
                slot.reported_lost = lost;
            }
        }
        if let Some((name, lost, error)) = self.journal_losses() {
            reports.push(sink_lost_event(&name, lost, error));
        }
        let n = reports.len();
        for event in reports {
            self.report(event);
        }
        n
    }

    /// Hands one of the collector's own events on: into its own log while it runs (the sinks
    /// get it next turn, and the flight recorder keeps it), straight to the sinks when it is
    /// stopping.
    pub(super) fn report(&mut self, event: LogEvent) {
        if self.ring_set.is_current() && self.state == State::Running {
            crate::ring::local::push(self.ring_set.id, event);
        } else {
            self.journal_report(&event);
            let conv = crate::clock::converter();
            if let Some(failed) = self.sinks.write(event, &self.spans, &conv) {
                self.sink_panicked(failed);
            }
        }
    }

    /// Publishes the counts for [`Handle::stats`](crate::Handle::stats).
    pub(super) fn publish_stats(&mut self) {
        let stats = &mut self.published;
        stats.dropped = self.ring_set.reported_dropped.load(Ordering::Acquire);
        stats.unread_at_shutdown = self.unread_at_shutdown;
        stats.sinks.truncate(self.sinks.slots.len());
        for (i, slot) in self.sinks.slots.iter().enumerate() {
            let now = slot.stats();
            match stats.sinks.get_mut(i) {
                Some(s) => s.clone_from(&now),
                None => stats.sinks.push(now),
            }
        }
        if let Some(journal) = &self.journal {
            stats.sinks.push(journal.stats());
        }
        self.stats.set(stats);
    }

    /// Reads every log to its end without handing anything on (the shutdown deadline has
    /// passed, or producers kept logging through every drain turn); returns the events
    /// skipped, now counted as dropped.
    pub(super) fn skip_unread(&mut self) -> u64 {
        let mut skipped = 0;
        self.rings.extend(self.ring_set.take_pending());
        for ring in &mut self.rings {
            skipped += ring.reader.skip_rest();
        }
        if skipped > 0 {
            self.ring_set
                .reported_dropped
                .fetch_add(skipped, Ordering::AcqRel);
            self.unread_at_shutdown += skipped;
            self.report(super::merge::dropped_event(skipped));
        }
        skipped
    }
}

fn sink_lost_event(name: &str, lost: u64, error: Option<Arc<str>>) -> LogEvent {
    let mut values = Values::new();
    values.push(FieldValue::from(name));
    values.push(FieldValue::from(lost));
    values.push(match error {
        Some(e) => FieldValue::from(&*e),
        None => FieldValue::from("stalled"),
    });
    let mut event = LogEvent::with_message(
        &SINK_LOST_CALLSITE,
        FieldValue::from(format!("ttlog sink {name} lost {lost} events")),
        values,
    );
    event.set_thread_index(crate::thread::current_index());
    event
}

impl SinkSlot {
    /// The sink's counts now.
    pub(super) fn stats(&self) -> SinkStats {
        match self.sink.delivery() {
            Some(d) => SinkStats {
                name: self.name.clone(),
                handed: self.handed,
                written: d.written,
                lost: d.lost,
                errors: d.errors + self.errors,
                stalled: d.stalled,
            },
            None => SinkStats {
                name: self.name.clone(),
                handed: self.handed,
                written: self.handed - self.failed,
                lost: self.failed,
                errors: self.errors,
                stalled: false,
            },
        }
    }

    /// Events it lost: its own count, or the collector's for a sink on this thread.
    pub(super) fn lost(&self) -> u64 {
        self.sink.delivery().map_or(self.failed, |d| d.lost)
    }
}
