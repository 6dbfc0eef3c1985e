//! The state one ring logger's lanes and its collector share: a [`RingSet`].
//!
//! It holds what every lane needs (ring size, overflow policy), the rings registered but not
//! yet picked up by the collector, the collector's thread (to wake it), whether it still
//! runs, and the counters that make sure no event is lost silently. The process-wide
//! "current" set is the one new threads register with.

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;

use super::codec;
use super::reader::RecordReader;
use super::spsc::{self, Producer};
use crate::sync::global::{AtomicBool, AtomicU64, Ordering};

/// What a thread does when its ring is full because the collector has fallen behind.
///
/// ```
/// assert_eq!(ttlog_core::Overflow::default(), ttlog_core::Overflow::Drop);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Never block the caller: drop the event, count it, and report the count as a
    /// `ttlog dropped N events` warning in the sinks and snapshots.
    #[default]
    Drop,
    /// Wait (spinning, then yielding) until the collector has made room. Still dropped and
    /// counted: events logged on the collector thread when its own ring is full (it cannot
    /// wait for itself), records larger than half the ring, and events logged once the
    /// collector has stopped.
    Block,
}

/// The default size of each thread's ring, in events.
pub const DEFAULT_RING_CAPACITY: usize = 1024;

/// The largest ring [`Builder::ring_capacity`](crate::Builder::ring_capacity) accepts, in
/// events (128 MiB per thread); larger values are clamped to it.
pub const MAX_RING_CAPACITY: usize = 1 << 20;

/// What every ring of a ring logger is made with: the builder fills one in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RingConfig {
    /// Each ring's size, in typical (four-field) events.
    pub(crate) capacity: usize,
    /// What a thread does when its ring is full.
    pub(crate) overflow: Overflow,
}

impl Default for RingConfig {
    fn default() -> RingConfig {
        RingConfig {
            capacity: DEFAULT_RING_CAPACITY,
            overflow: Overflow::Drop,
        }
    }
}

/// State shared by one ring logger's lanes, collector and handles.
pub(crate) struct RingSet {
    pub(crate) id: u64,
    pub(crate) config: RingConfig,
    /// Rings registered since the collector last looked.
    pending: Mutex<Vec<RingEntry>>,
    pub(crate) pending_flag: AtomicBool,
    collector: OnceLock<Thread>,
    /// Cleared when the collector stops; lanes then stop waiting and discard.
    pub(crate) running: AtomicBool,
    /// Events that could not even be pushed (thread-local gone, re-entrant call).
    pub(crate) lost: AtomicU64,
    /// Total dropped events the collector has reported so far.
    pub(crate) reported_dropped: AtomicU64,
}

/// A ring as the collector sees it.
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
    pub(crate) fn new(config: RingConfig) -> Arc<RingSet> {
        Arc::new(RingSet {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            config,
            pending: Mutex::new(Vec::new()),
            pending_flag: AtomicBool::new(false),
            collector: OnceLock::new(),
            running: AtomicBool::new(true),
            lost: AtomicU64::new(0),
            reported_dropped: AtomicU64::new(0),
        })
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
        let _ = self.collector.set(thread);
    }

    /// Wakes the collector if it is parked. Cheap when it is not.
    #[inline]
    pub(crate) fn wake(&self) {
        if let Some(t) = self.collector.get() {
            t.unpark();
        }
    }

    /// Rings registered since the last call.
    pub(crate) fn take_pending(&self) -> Vec<RingEntry> {
        if !self.pending_flag.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Registers a new ring for the calling thread and returns its producing end.
    pub(crate) fn register_ring(&self) -> Producer {
        let words = self
            .config
            .capacity
            .saturating_mul(codec::TYPICAL_EVENT_WORDS);
        let (producer, consumer) = spsc::channel(words, codec::drop_record);
        lock(&self.pending).push(RingEntry {
            reader: RecordReader::new(consumer),
            abandoned: false,
        });
        // Release pairs with the Acquire swap in `take_pending`.
        self.pending_flag.store(true, Ordering::Release);
        self.wake();
        producer
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The current ring set, if it is `ring_id` and still running.
pub(crate) fn current(ring_id: u64) -> Option<Arc<RingSet>> {
    let rings = lock(&CURRENT).clone()?;
    if rings.id != ring_id || !rings.running.load(Ordering::Acquire) {
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
