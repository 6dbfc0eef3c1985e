//! The state one ring logger's lanes and its collector share: a [`RingSet`].
//!
//! It holds what every lane needs (ring size, overflow policy), the rings registered but not
//! yet picked up by the collector, the collector's thread (to wake it), whether it still
//! runs, and the counters that make sure no event is lost silently. The process-wide
//! "current" set is the one new threads register with.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::thread::Thread;

use super::codec;
use super::log::{LogSet, Writer};
use super::pool::Pool;
use super::reader::RecordReader;
use super::window::WindowCursor;
use crate::event::LogEvent;
use crate::recorder::file::RecorderFile;
use crate::recorder::meta::MetaLog;
use crate::span::op::SpanOp;
use crate::sync::global::{lock, AtomicBool, AtomicU64, Ordering};

/// What a thread does when the memory budget is spent because the collector has fallen
/// behind.
///
/// ```
/// assert_eq!(ttlog_core::Overflow::default(), ttlog_core::Overflow::Drop);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Never block the caller: the thread overwrites its own oldest events that the
    /// collector has not read yet (the flight recorder keeps the newest); the sinks lose
    /// those, counted and reported as a `ttlog dropped N events` warning in the sinks and
    /// snapshots.
    #[default]
    Drop,
    /// Wait (spinning, then yielding) until the collector has made room. Still dropped and
    /// counted: events logged on the collector thread when the budget is spent (it cannot
    /// wait for itself), records larger than a segment, and events logged once the collector
    /// has stopped.
    Block,
}

/// The default process-wide budget for the threads' logs, in bytes: 64 MiB.
///
/// It holds every thread's flight-recorder window (its newest events) and, under a burst,
/// what the collector has not read yet. 64 MiB takes a burst of about 500,000 typical events
/// beyond the windows (half a second of one thread logging flat out, several seconds of a
/// busy service), costs nothing while unused (pages are touched as segments are first
/// written), and is small next to a service's heap. Go's flight recorder keeps 10 MiB;
/// ttlog's is larger because it also absorbs bursts.
pub const DEFAULT_BUDGET: usize = super::pool::DEFAULT_BUDGET_BYTES;

/// Bytes of a typical event (four fields, one of them short text) in a thread's log: segment
/// sizes given in events ([`Builder::ring_capacity`](crate::Builder::ring_capacity)) are
/// converted with it.
pub const RING_BYTES_PER_EVENT: usize = 128;

/// The default size of each segment of a thread's log, in typical events (64 KiB).
pub const DEFAULT_RING_CAPACITY: usize =
    super::pool::DEFAULT_SEGMENT_WORDS * 8 / RING_BYTES_PER_EVENT;

/// The largest segment [`Builder::ring_capacity`](crate::Builder::ring_capacity) accepts, in
/// typical events (512 KiB); larger values are clamped to it.
pub const MAX_RING_CAPACITY: usize = super::pool::MAX_SEGMENT_WORDS * 8 / RING_BYTES_PER_EVENT;

/// The default flight-recorder window of each thread, in events.
pub(crate) const DEFAULT_WINDOW: usize = 16_384;

/// What every log of a ring logger is made with: the builder fills one in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RingConfig {
    /// Each thread's flight-recorder window, in events.
    pub(crate) window: usize,
    /// The pool's size, in bytes.
    pub(crate) budget: usize,
    /// Words per segment.
    pub(crate) segment_words: usize,
    /// What a thread does when the pool is spent.
    pub(crate) overflow: Overflow,
}

impl Default for RingConfig {
    fn default() -> RingConfig {
        RingConfig {
            window: DEFAULT_WINDOW,
            budget: DEFAULT_BUDGET,
            segment_words: super::pool::DEFAULT_SEGMENT_WORDS,
            overflow: Overflow::Drop,
        }
    }
}

/// State shared by one ring logger's lanes, collector and handles.
pub(crate) struct RingSet {
    pub(crate) id: u64,
    pub(crate) config: RingConfig,
    /// Every thread's log, and the pool they share.
    pub(crate) logs: Arc<LogSet>,
    /// The recorder file's metadata log (thread names go there), when the logs are in one.
    meta: Option<Arc<MetaLog>>,
    /// The recorder file the logs are in, until the process shuts down cleanly.
    file: Mutex<Option<RecorderFile>>,
    /// Logs registered since the collector last looked.
    pending: Mutex<Vec<RingEntry>>,
    pub(crate) pending_flag: AtomicBool,
    /// Cleared when the collector stops; lanes then stop waiting and discard.
    pub(crate) running: AtomicBool,
    /// The fork generation it was made in: in a forked child it has no collector.
    generation: u32,
    /// Events that could not even be pushed (thread-local gone, re-entrant call).
    pub(crate) lost: AtomicU64,
    /// Total dropped events the collector has reported so far.
    pub(crate) reported_dropped: AtomicU64,
}

/// A thread's log as the collector sees it.
pub(crate) struct RingEntry {
    pub(crate) reader: RecordReader,
    /// Whether the producer was gone when the current turn began.
    pub(crate) abandoned: bool,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The ring set new threads register with. Lanes of a ring set that is no longer current keep
/// working until their thread re-registers.
static CURRENT: Mutex<Option<Arc<RingSet>>> = Mutex::new(None);

impl RingSet {
    /// A ring set whose logs live on the heap.
    pub(crate) fn new(config: RingConfig) -> Arc<RingSet> {
        RingSet::with_pool(
            config,
            Pool::with_budget(config.budget, config.segment_words),
            None,
        )
    }

    /// A ring set whose logs live in `pool`, in `file` when it is a recorder file's.
    pub(crate) fn with_pool(
        config: RingConfig,
        pool: Pool,
        file: Option<RecorderFile>,
    ) -> Arc<RingSet> {
        let meta = file.as_ref().map(|f| f.meta().clone());
        super::fork::watch();
        Arc::new(RingSet {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            config,
            logs: LogSet::new(pool),
            meta,
            file: Mutex::new(file),
            pending: Mutex::new(Vec::new()),
            pending_flag: AtomicBool::new(false),
            running: AtomicBool::new(true),
            generation: super::fork::generation(),
            lost: AtomicU64::new(0),
            reported_dropped: AtomicU64::new(0),
        })
    }

    /// Whether its collector runs: it has not stopped, and this is not a forked child of the
    /// process that made it (the child has no collector).
    #[inline]
    pub(crate) fn is_live(&self) -> bool {
        self.running.load(Ordering::Acquire) && self.generation == super::fork::generation()
    }

    /// Whether this process is a forked child of the one that made the set.
    pub(crate) fn is_inherited(&self) -> bool {
        self.generation != super::fork::generation()
    }

    /// Makes this the ring set that threads register with.
    pub(crate) fn make_current(self: &Arc<Self>) {
        *lock(&CURRENT) = Some(self.clone());
    }

    /// Stops new registrations with this ring set.
    pub(crate) fn retire(self: &Arc<Self>) {
        let mut current = lock(&CURRENT);
        if current.as_ref().is_some_and(|rt| rt.id == self.id) {
            *current = None;
        }
    }

    /// Whether this is the ring set new threads register with (until its guard retires it).
    pub(crate) fn is_current(&self) -> bool {
        lock(&CURRENT).as_ref().is_some_and(|rt| rt.id == self.id)
    }

    pub(crate) fn set_collector(&self, thread: Thread) {
        self.logs.set_reader(thread);
    }

    /// Wakes the collector if it is parked. Cheap when it is not.
    #[inline]
    pub(crate) fn wake(&self) {
        self.logs.wake();
    }

    /// Rings registered since the last call.
    pub(crate) fn take_pending(&self) -> Vec<RingEntry> {
        if !self.pending_flag.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Where the logs are: the recorder file's path, `None` when they are in memory.
    pub(crate) fn recorder_path(&self) -> Option<std::path::PathBuf> {
        lock(&self.file).as_ref().map(|f| f.path().to_owned())
    }

    /// The process is ending cleanly: the recorder file is not needed after it (its memory
    /// stays mapped while anything still logs).
    pub(crate) fn close_recorder(&self) {
        if let Some(file) = lock(&self.file).take() {
            file.close();
        }
    }

    /// Updates the recorder file's clock conversion.
    pub(crate) fn update_recorder_clock(&self) {
        if let Some(file) = lock(&self.file).as_ref() {
            file.update_clock();
        }
    }

    /// Registers a new log for the calling thread and returns its writing end.
    pub(crate) fn register_ring(&self) -> Writer {
        if let Some(meta) = &self.meta {
            let index = crate::thread::current_index();
            meta.thread(index, &crate::thread::name(index));
        }
        let overwrite = self.config.overflow == Overflow::Drop;
        let (writer, cursor) = self.logs.log(self.config.window, overwrite);
        let consumer = cursor;
        lock(&self.pending).push(RingEntry {
            reader: RecordReader::new(consumer),
            abandoned: false,
        });
        // Release pairs with the Acquire swap in `take_pending`.
        self.pending_flag.store(true, Ordering::Release);
        self.wake();
        writer
    }
}

/// What the flight recorder holds: every thread's newest events and the span operations
/// among them, decoded, each thread's in order.
#[derive(Default)]
pub(crate) struct Windows {
    pub(crate) events: Vec<LogEvent>,
    pub(crate) span_ops: Vec<SpanOp>,
}

impl RingSet {
    /// Every thread's newest events, up to `capacity` per thread, read from the threads'
    /// own logs (whatever the collector has read) one at a time, merged by timestamp (of two
    /// events with one timestamp, the one of the thread that registered first comes first;
    /// a thread's own events stay in their order).
    pub(crate) fn window_events(&self, capacity: usize) -> WindowEvents {
        let mut cursors: Vec<WindowCursor> = self
            .logs
            .logs()
            .into_iter()
            .map(|log| WindowCursor::new(log, capacity))
            .collect();
        let mut heads = BinaryHeap::with_capacity(cursors.len());
        let mut next = Vec::with_capacity(cursors.len());
        for (i, cursor) in cursors.iter_mut().enumerate() {
            let event = next_event(cursor);
            if let Some(e) = &event {
                heads.push(Reverse((e.raw_timestamp(), i)));
            }
            next.push(event);
        }
        WindowEvents {
            cursors,
            heads,
            next,
        }
    }

    /// The span operations among every thread's newest events (see
    /// [`window_events`](Self::window_events)), each thread's in order.
    pub(crate) fn window_span_ops(&self, capacity: usize) -> Vec<SpanOp> {
        let mut out = Vec::new();
        for log in self.logs.logs() {
            let mut cursor = WindowCursor::new(log, capacity);
            let span_op = |meta| codec::kind(meta) != codec::Kind::Event;
            while let Some(record) = cursor.next(span_op) {
                // SAFETY: this set's logs are written only by its lanes, with the codec, in
                // this process.
                #[allow(unsafe_code)]
                out.extend(unsafe { codec::read_span(&record) });
            }
        }
        out
    }
}

/// The next event of `cursor`'s window (records that do not decode are passed over).
fn next_event(cursor: &mut WindowCursor) -> Option<LogEvent> {
    let event = |meta| codec::kind(meta) == codec::Kind::Event;
    while let Some(record) = cursor.next(event) {
        // SAFETY: this set's logs are written only by its lanes, with the codec, in this
        // process.
        #[allow(unsafe_code)]
        if let Some(e) = unsafe { codec::read_event(&record) } {
            return Some(e);
        }
    }
    None
}

/// Every thread's window as one stream of events merged by timestamp, decoded one at a time
/// (a decoded event per thread is all it holds): see [`RingSet::window_events`].
pub(crate) struct WindowEvents {
    cursors: Vec<WindowCursor>,
    /// The timestamp of each thread's next event, and the thread.
    heads: BinaryHeap<Reverse<(u64, usize)>>,
    /// Each thread's next event.
    next: Vec<Option<LogEvent>>,
}

impl Iterator for WindowEvents {
    type Item = LogEvent;

    fn next(&mut self) -> Option<LogEvent> {
        let Reverse((_, i)) = self.heads.pop()?;
        let event = self.next[i].take();
        self.next[i] = next_event(&mut self.cursors[i]);
        if let Some(e) = &self.next[i] {
            self.heads.push(Reverse((e.raw_timestamp(), i)));
        }
        event
    }
}

/// The current ring set, if it is `ring_id` and still running.
pub(crate) fn current(ring_id: u64) -> Option<Arc<RingSet>> {
    let rings = lock(&CURRENT).clone()?;
    if rings.id != ring_id || !rings.is_live() {
        return None;
    }
    Some(rings)
}

/// Counts an event that never reached a ring.
#[cold]
pub(crate) fn count_lost(ring_id: u64) {
    if let Some(rt) = lock(&CURRENT).as_ref() {
        if rt.id == ring_id {
            rt.lost.fetch_add(1, Ordering::Relaxed);
        }
    }
}
