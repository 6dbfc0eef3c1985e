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
