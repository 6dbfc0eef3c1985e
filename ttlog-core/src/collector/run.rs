//! The collector's loop: turn (drain the rings), answer commands (snapshot, flush, shutdown),
//! park when idle. The state is explicit ([`State`]): running until a shutdown command, then
//! stopping, which drains what is left.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::config::Config;
use super::fanout::Sinks;
use super::snapshot::{Claim, Settings};
use super::spans::SpanTable;
use super::stats::{SharedStats, Stats};
use crate::redact::Redaction;
use crate::ring::reader::RecordReader;
use crate::ring::shared::{RingEntry, RingSet};
use crate::snapshot::writer::WriteError;
use crate::sync::global::Ordering;

/// A request to the collector.
pub(crate) enum Command {
    /// Drain, then write the recorder to a snapshot file.
    Snapshot {
        reason: String,
        reply: Sender<Result<PathBuf, WriteError>>,
        /// Taken by the collector before it writes; withdrawn by the asker who gave up
        /// waiting and wrote the snapshot itself.
        claim: Arc<Claim>,
    },
    /// Drain, then flush every sink and wait until `deadline` for them to write it all;
    /// the reply says whether they did.
    Flush {
        reply: Sender<bool>,
        deadline: Instant,
    },
    /// Open every sink's destination again (logrotate); events read after the reply go to
    /// the new files.
    Reopen { reply: Sender<()> },
    /// Drain everything, let the sinks write it, and stop, all by `deadline`: what is still
    /// unread or unwritten then is counted lost.
    Shutdown {
        reply: Sender<()>,
        deadline: Instant,
    },
}

/// Starts the collector thread.
pub(crate) fn spawn(
    rings: Arc<RingSet>,
    commands: Receiver<Command>,
    mut config: Config,
    stats: SharedStats,
) -> std::io::Result<JoinHandle<()>> {
    let sinks = std::mem::take(&mut config.sinks.0);
    let settings = config.snapshot_settings();
    let redaction = config.redaction.take().map(Redaction::new);
    let mut collector = Collector {
        ring_set: rings.clone(),
        commands,
        rings: Vec::new(),
        sinks: Sinks::new(
            sinks,
            config
                .format_threads
                .unwrap_or_else(crate::sink::pool::default_threads),
        ),
        quota: Vec::new(),
        heap: BinaryHeap::new(),
        spans: SpanTable::new(config.capacity),
        redaction,
        retired_drops: 0,
        retired: Vec::new(),
        stats,
        published: Stats::default(),
        unread_at_shutdown: 0,
        sink_panic: false,
        settings,
        journal: config.journal.take(),
        journal_reported: (0, None),
        config,
        state: State::Running,
    };
    // Handles see every sink from the start.
    collector.publish_stats();
    let handle = std::thread::Builder::new()
        .name("ttlog".into())
        .spawn(move || collector.run())?;
    rings.set_collector(handle.thread().clone());
    Ok(handle)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum State {
    Running,
    Stopping,
}

pub(super) struct Collector {
    pub(super) ring_set: Arc<RingSet>,
    pub(super) commands: Receiver<Command>,
    pub(super) rings: Vec<RingEntry>,
    pub(super) sinks: Sinks,
    /// Per ring, the ring position (in words) where this turn stops: the end of what was
    /// there when the turn began.
    pub(super) quota: Vec<u64>,
    /// The logs with records to read this turn, by the timestamp of their next record.
    pub(super) heap: BinaryHeap<Reverse<(u64, usize)>>,
    /// The spans, rebuilt from the span records in the rings.
    pub(super) spans: SpanTable,
    /// Masks secrets in events and span fields as they leave the rings (before the recorder,
    /// the sinks and snapshots see them); `None` when redaction is off.
    pub(super) redaction: Option<Redaction>,
    /// Drop counts of logs already read to their end.
    pub(super) retired_drops: u64,
    /// The logs of threads that ended, read to their end, kept while their windows last
    /// (until their segments go to other threads).
    pub(super) retired: Vec<RecordReader>,
    /// Where handles read the stats.
    pub(super) stats: SharedStats,
    /// The stats last published there.
    pub(super) published: Stats,
    /// Events the shutdown deadline left unread.
    pub(super) unread_at_shutdown: u64,
    /// A sink panicked during the current turn.
    pub(super) sink_panic: bool,
    /// What snapshots are written with.
    pub(super) settings: Settings,
    /// The configuration's plain values (its sinks and redaction rules moved into `sinks`
    /// and `redaction` above).
    pub(super) config: Config,
    pub(super) state: State,
    /// The binary journal (`journal.rs`), and its losses last reported in-band (how many,
    /// when).
    pub(super) journal: Option<crate::journal::encode::Journal>,
    pub(super) journal_reported: (u64, Option<Instant>),
}

/// Marks the ring set stopped however the thread ends, so no producer waits forever.
struct StopOnExit(Arc<RingSet>);

impl Drop for StopOnExit {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::Release);
    }
}

const MAX_PARK: Duration = Duration::from_millis(10);

impl Collector {
    fn run(mut self) {
        crate::thread::mark_collector();
        let _stop = StopOnExit(self.ring_set.clone());
        let mut park = Duration::from_micros(50);
        let mut clock_updated = std::time::Instant::now();
        while self.state == State::Running {
            if clock_updated.elapsed() > Duration::from_secs(1) {
                // The tick rate is measured better as time goes on: a recovery converts the
                // recorder file's times with the latest.
                self.ring_set.update_recorder_clock();
                clock_updated = std::time::Instant::now();
            }
            let handled = self.turn();
            let commands = self.answer_commands();
            if handled == 0 && commands == 0 {
                std::thread::park_timeout(park);
                park = (park * 2).min(MAX_PARK);
            } else {
                park = Duration::from_micros(50);
            }
        }
        crate::ring::local::release();
    }

    /// Turns until the rings are empty (at most 64 turns, in case a producer keeps logging)
    /// or `deadline` passes; what is unread then is counted lost. Then the sinks write what
    /// they can by the deadline and close.
    fn drain_all(&mut self, deadline: Instant) {
        self.sinks.set_deadline(Some(deadline));
        self.journal_deadline(Some(deadline));
        for _ in 0..64 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.turn_within(Some(left)) == 0 {
                break;
            }
        }
        {
            // Whatever is left (the deadline passed, or producers kept logging through every
            // turn) is counted, not left behind silently.
            let unread = self.skip_unread();
            if unread > 0 {
                eprintln!(
                    "ttlog: shutdown deadline: {unread} events were not read in time and are lost"
                );
            }
        }
        // Let the sinks write what they have, then tell the ones that could not (a sink that
        // is failing, stalled or too slow for the deadline) what they are about to lose,
        // in-band, before they close.
        self.seal_batch();
        if !self.sinks.sync(deadline) {
            self.report_sink_losses(true);
        }
        self.seal_batch();
        self.journal_close(deadline);
        self.sinks.close(deadline);
        self.publish_stats();
    }

    /// Turns until a turn finds nothing (at most four): what was logged before a command
    /// came, and the collector's own reports of it (dropped counts), reach the sinks first.
    fn settle(&mut self) {
        for _ in 0..4 {
            if self.turn() == 0 {
                break;
            }
        }
    }

    /// Removes sink `index`, which panicked; the snapshot of it is taken once the turn that
    /// found it is over ([`after_sink_panic`](Self::after_sink_panic)): a turn must not run
    /// inside another (it would move the logs the outer one is reading by index).
    #[cold]
    pub(super) fn sink_panicked(&mut self, index: usize) {
        self.sinks.slots.remove(index);
        eprintln!("ttlog: sink #{index} panicked and was removed");
        self.sink_panic = true;
    }

    /// After a turn in which a sink panicked: the panic hook logged the panic on this thread;
    /// take it in, then snapshot (an automatic one: within the rate limit).
    #[cold]
    pub(super) fn after_sink_panic(&mut self) {
        self.sink_panic = false;
        self.turn();
        if !self.settings.rate.try_take() {
            eprintln!(
                "ttlog: collector-panic snapshot suppressed (rate limit; {} suppressed so far)",
                self.settings.rate.suppressed()
            );
            return;
        }
        match self.write_snapshot("collector-panic") {
            Ok(path) => eprintln!("ttlog: snapshot written to {}", path.display()),
            Err(e) => eprintln!("ttlog: could not write snapshot: {e}"),
        }
    }

    fn answer_commands(&mut self) -> usize {
        let mut n = 0;
        while let Ok(command) = self.commands.try_recv() {
            n += 1;
            match command {
                Command::Snapshot {
                    reason,
                    reply,
                    claim,
                } => {
                    if !claim.take() {
                        continue;
                    }
                    self.settle();
                    let result = self.write_snapshot(&reason);
                    let _ = reply.send(result);
                }
                Command::Flush { reply, deadline } => {
                    self.sinks.set_deadline(Some(deadline));
                    self.journal_deadline(Some(deadline));
                    // Everything logged before the flush reaches the sinks (however long it
                    // takes them, up to the deadline).
                    for _ in 0..4 {
                        let left = deadline.saturating_duration_since(Instant::now());
                        if left.is_zero() || self.turn_within(Some(left)) == 0 {
                            break;
                        }
                    }
                    self.seal_batch();
                    let written = self.sinks.sync(deadline) & self.journal_sync(deadline);
                    self.sinks.set_deadline(None);
                    self.journal_deadline(None);
                    self.publish_stats();
                    let _ = reply.send(written);
                }
                Command::Reopen { reply } => {
                    // What was read before the reopen is handed over first: the new
                    // destination gets the events read after it (as before the workers).
                    self.seal_batch();
                    self.sinks.reopen();
                    let _ = reply.send(());
                }
                Command::Shutdown { reply, deadline } => {
                    self.state = State::Stopping;
                    self.drain_all(deadline);
                    self.ring_set.running.store(false, Ordering::Release);
                    let _ = reply.send(());
                    return n;
                }
            }
        }
        n
    }
}
