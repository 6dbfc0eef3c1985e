//! [`Stats`]: what happened to the events, kept by the collector and read through
//! [`Handle::stats`](crate::Handle::stats): how many were dropped before any sink saw them,
//! and per sink how many it was handed, wrote, and lost.

use std::sync::{Arc, Mutex};

use crate::sync::global::lock;

/// What happened to the events logged so far (see [`Handle::stats`](crate::Handle::stats)).
///
/// Every event that is logged while the runtime runs is, for each sink, in exactly one of:
/// dropped before the sinks ([`dropped`](Stats::dropped)), written by the sink, lost by the
/// sink, or still on its way. After [`Handle::flush`](crate::Handle::flush) or the guard's
/// drop nothing is on its way, so for each sink
/// `sent == dropped + written + lost` (a sink's own count of what it got, such as a counting
/// writer, matches `written`).
///
/// ```
/// let guard = ttlog_core::init().no_console().writer(std::io::sink(), Default::default()).init();
/// let stats = guard.handle().stats();
/// assert_eq!(stats.sinks.len(), 1);
/// assert_eq!(stats.sinks[0].name, "writer");
/// assert_eq!(stats.sinks[0].lost, 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events no sink got: overwritten or refused in a full log, logged while a thread was
    /// being torn down, or not read by the shutdown deadline. Reported in-band as
    /// `ttlog dropped N events`.
    pub dropped: u64,
    /// Events lost because the collector was not running to read them at shutdown (part of
    /// `dropped`).
    pub unread_at_shutdown: u64,
    /// Each sink, in the order they were added.
    pub sinks: Vec<SinkStats>,
}

impl Stats {
    /// The most events any one sink missed: [`dropped`](Stats::dropped) plus the largest
    /// [`SinkStats::lost`]. With a single sink, exactly the events it did not write.
    ///
    /// ```
    /// let stats = ttlog_core::Stats { dropped: 3, ..Default::default() };
    /// assert_eq!(stats.missed(), 3);
    /// ```
    pub fn missed(&self) -> u64 {
        self.dropped + self.sinks.iter().map(|s| s.lost).max().unwrap_or(0)
    }
}

/// One sink's share of [`Stats`].
///
/// ```
/// let s = ttlog_core::SinkStats { name: "stderr".into(), handed: 5, written: 4, lost: 1, errors: 1, stalled: false };
/// assert_eq!(s.pending(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SinkStats {
    /// What the sink is ([`Sink::name`](crate::Sink::name)): `stderr`, `file PATH`, ...
    pub name: String,
    /// Events (and span lines) the collector handed it.
    pub handed: u64,
    /// Of those, written.
    pub written: u64,
    /// Of those, lost: its write failed (a sink on the collector's thread), its queue was
    /// full while it stalled, or it had not written them by the shutdown deadline. Reported
    /// in-band as `ttlog sink lost events`, with the sink's name and last error.
    pub lost: u64,
    /// Write errors it met.
    pub errors: u64,
    /// Whether it is stalled now (see [`BackgroundSink`](crate::sink::BackgroundSink)).
    pub stalled: bool,
}

impl SinkStats {
    /// Events handed to the sink and neither written nor lost yet.
    ///
    /// ```
    /// let s = ttlog_core::SinkStats { handed: 5, written: 2, ..Default::default() };
    /// assert_eq!(s.pending(), 3);
    /// ```
    pub fn pending(&self) -> u64 {
        self.handed.saturating_sub(self.written + self.lost)
    }
}

/// The stats the collector keeps and handles read.
#[derive(Clone, Default)]
pub(crate) struct SharedStats(Arc<Mutex<Stats>>);

impl SharedStats {
    pub(crate) fn get(&self) -> Stats {
        lock(&self.0).clone()
    }

    pub(crate) fn set(&self, stats: &Stats) {
        lock(&self.0).clone_from(stats);
    }
}

// ===== the collector's side =====

use std::time::{Duration, Instant};

use super::run::{Collector, State};
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
        let running = self.state == State::Running;
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
            if lost > slot.reported_lost && !(running && recent) {
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
            let conv = crate::clock::converter();
            if let Some(failed) = self.sinks.write(&event, &self.spans, &conv) {
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
        self.stats.set(stats);
    }

    /// Reads every log to its end without handing anything on (the shutdown deadline has
    /// passed); returns the events skipped, now counted as dropped.
    pub(super) fn skip_unread(&mut self) -> u64 {
        let mut skipped = 0;
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
