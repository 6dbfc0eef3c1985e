//! The ring logger: the default [`Logger`], which hands each event to the calling thread's
//! ring, and the state its threads, its collector and its [`Handle`]s share.
//!
//! A [`Runtime`] owns the configuration every lane needs (ring size, overflow policy), the
//! rings registered but not yet picked up by the collector, the command channel to the
//! collector, and the counters that make sure no event is lost silently. A thread's
//! [`Lane`] (kept in a thread-local by [`crate::local`]) holds the producing end of its ring.

use std::fmt;
use std::mem::ManuallyDrop;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::callsite::Callsite;
use crate::clock;
use crate::collector::{self, Command};
use crate::event::LogEvent;
use crate::field::FieldValue;
use crate::logger::Logger;
use crate::ring::{self, Consumer, Producer};
use crate::ring_record;
use crate::snapshot::WriteError;
use crate::span::SpanOp;
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

/// State shared by one ring logger's lanes, collector and handles.
pub(crate) struct Runtime {
    pub(crate) id: u64,
    ring_capacity: usize,
    overflow: Overflow,
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
    pub(crate) commands: Sender<Command>,
}

/// A ring as the collector sees it.
pub(crate) struct RingEntry {
    pub(crate) consumer: Consumer,
    /// Whether the producer was gone when the current turn began.
    pub(crate) abandoned: bool,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The runtime new threads register with. Lanes of a runtime that is no longer current keep
/// working until their thread re-registers.
static CURRENT: Mutex<Option<Arc<Runtime>>> = Mutex::new(None);

impl Runtime {
    pub(crate) fn new(
        ring_capacity: usize,
        overflow: Overflow,
        commands: Sender<Command>,
    ) -> Arc<Runtime> {
        Arc::new(Runtime {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            ring_capacity,
            overflow,
            pending: Mutex::new(Vec::new()),
            pending_flag: AtomicBool::new(false),
            collector: OnceLock::new(),
            running: AtomicBool::new(true),
            lost: AtomicU64::new(0),
            reported_dropped: AtomicU64::new(0),
            commands,
        })
    }

    /// Makes this the runtime that threads register with.
    pub(crate) fn make_current(self: &Arc<Self>) {
        *lock(&CURRENT) = Some(self.clone());
    }

    /// Stops new registrations with this runtime.
    pub(crate) fn retire(self: &Arc<Self>) {
        let mut current = lock(&CURRENT);
        if current.as_ref().is_some_and(|rt| rt.id == self.id) {
            *current = None;
        }
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

    fn register(self: &Arc<Self>) -> Lane {
        let words = self
            .ring_capacity
            .saturating_mul(ring_record::TYPICAL_EVENT_WORDS);
        let (producer, consumer) = ring::channel(words, ring_record::drop_record);
        lock(&self.pending).push(RingEntry {
            consumer,
            abandoned: false,
        });
        // Release pairs with the Acquire swap in `take_pending`.
        self.pending_flag.store(true, Ordering::Release);
        self.wake();
        let half = producer.capacity() / 2;
        Lane {
            ring_id: self.id,
            runtime: self.clone(),
            producer,
            thread: crate::thread::current_index(),
            half,
        }
    }

    /// Sends a command and waits up to `timeout` for its reply.
    fn request<T>(
        &self,
        make: impl FnOnce(Sender<T>) -> Command,
        timeout: Duration,
    ) -> Result<T, RequestError> {
        if !self.running.load(Ordering::Acquire) {
            return Err(RequestError::Stopped);
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        if self.commands.send(make(tx)).is_err() {
            return Err(RequestError::Stopped);
        }
        self.wake();
        rx.recv_timeout(timeout).map_err(|e| match e {
            crossbeam_channel::RecvTimeoutError::Timeout => RequestError::TimedOut,
            crossbeam_channel::RecvTimeoutError::Disconnected => RequestError::Stopped,
        })
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Registers the calling thread with the current runtime, if it is `ring_id`.
pub(crate) fn register_current_thread(ring_id: u64) -> Option<Lane> {
    let runtime = lock(&CURRENT).clone()?;
    if runtime.id != ring_id || !runtime.running.load(Ordering::Acquire) {
        return None;
    }
    Some(runtime.register())
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

/// The outcome of handing an event to a lane.
pub(crate) enum PushOutcome {
    /// In the ring, or dropped and counted by the ring.
    Pushed,
    /// Not in any ring and not counted yet.
    Lost,
}

/// One thread's producing end of its ring.
pub(crate) struct Lane {
    /// `runtime.id`, kept here so the hot path does not chase the `Arc`.
    ring_id: u64,
    runtime: Arc<Runtime>,
    producer: Producer,
    thread: u32,
    /// When the ring reaches this length the collector is woken (once per refill).
    half: usize,
}

impl Drop for Lane {
    fn drop(&mut self) {
        // The hot path must never see a pointer to a lane that is gone.
        crate::local::forget();
    }
}

impl Lane {
    #[inline]
    pub(crate) fn ring_id(&self) -> u64 {
        self.ring_id
    }

    /// Pushes a whole event (built outside the macros), applying the overflow policy when
    /// the ring is full.
    #[inline]
    pub(crate) fn push(&mut self, mut event: LogEvent) -> PushOutcome {
        event.set_thread_index(self.thread);
        let n = event.values().len();
        let has_message = event.formatted_message().is_some();
        let words = ring_record::payload_words(n, has_message);
        if n > ring_record::MAX_VALUES {
            self.producer.count_drop();
            return PushOutcome::Pushed;
        }
        let meta = ring_record::meta(n, has_message, self.thread);
        // SAFETY: `write_event` writes exactly `payload_words(n, has_message)` words.
        #[allow(unsafe_code)]
        unsafe {
            self.push_record(words, meta, event, ring_record::write_event)
        }
    }

    /// Writes a control record (enter, exit, close) for span `id` if there is room right now.
    #[inline(always)]
    pub(crate) fn try_control(&mut self, code: u64, id: u64) -> bool {
        let timestamp = clock::now();
        let meta = ring_record::control_meta(code, self.thread);
        // SAFETY: `write_control` initialises exactly `CONTROL_WORDS` words.
        #[allow(unsafe_code)]
        unsafe {
            self.try_write(ring_record::CONTROL_WORDS, meta, |dst| {
                ring_record::write_control(dst, id, timestamp)
            })
        }
    }

    /// Writes a span creation from a macro's parts if there is room right now, and returns
    /// `true`; otherwise leaves `values` untouched and returns `false`.
    ///
    /// # Safety
    ///
    /// `values` must be initialised. When this returns `true` they have been moved out.
    #[allow(unsafe_code)]
    #[inline(always)]
    pub(crate) unsafe fn try_new_span<const N: usize>(
        &mut self,
        callsite: &'static Callsite,
        parent: u64,
        id: u64,
        values: &mut ManuallyDrop<[FieldValue; N]>,
    ) -> bool {
        let timestamp = clock::now();
        let meta = ring_record::span_new_meta(N, self.thread);
        // SAFETY: `write_span_new` initialises exactly `span_new_words(N)` words, moving the
        // (initialised, by the caller's promise) values in.
        unsafe {
            self.try_write(ring_record::span_new_words(N), meta, |dst| {
                ring_record::write_span_new(dst, callsite, timestamp, parent, id, values)
            })
        }
    }

    /// Writes a span operation into the ring if there is room right now; gives it back
    /// otherwise (the caller then takes the slow path, which applies the overflow policy).
    // The operation comes back by value only when the ring is full (then the slow path
    // takes it); boxing it would cost an allocation on every push.
    #[allow(clippy::result_large_err)]
    #[inline]
    pub(crate) fn try_push_span(&mut self, mut op: SpanOp) -> Result<(), SpanOp> {
        let Some((words, meta)) = ring_record::span_layout(&op, self.thread) else {
            return Err(op);
        };
        op.thread = self.thread;
        let before = self.producer.used_upper_bound();
        let Some(dst) = self.producer.reserve(words) else {
            return Err(op);
        };
        // SAFETY: `dst` has room for `words` words, exactly what `write_span` writes for
        // this `op`; then the record is committed.
        #[allow(unsafe_code)]
        unsafe {
            ring_record::write_span(dst, op);
            self.producer.commit(words, meta);
        }
        self.wake_if_half_full(before);
        Ok(())
    }

    /// Pushes a span operation, applying the overflow policy when the ring is full.
    pub(crate) fn push_span(&mut self, mut op: SpanOp) -> PushOutcome {
        op.thread = self.thread;
        let Some((words, meta)) = ring_record::span_layout(&op, self.thread) else {
            // More values than a record can carry.
            self.producer.count_drop();
            return PushOutcome::Pushed;
        };
        // SAFETY: `write_span` writes exactly the words `span_layout` computed.
        #[allow(unsafe_code)]
        unsafe {
            self.push_record(words, meta, op, ring_record::write_span)
        }
    }

    /// Pushes a record of `words` payload words written by `write` from `item`, waiting for
    /// room under `Overflow::Block` and counting a drop otherwise.
    ///
    /// # Safety
    ///
    /// `write(dst, item)` must initialise exactly `words` words at `dst`.
    #[allow(unsafe_code)]
    unsafe fn push_record<T>(
        &mut self,
        words: usize,
        meta: u64,
        item: T,
        write: unsafe fn(*mut u64, T),
    ) -> PushOutcome {
        if !self.producer.fits(words) {
            // Could never fit, however long we wait.
            self.producer.count_drop();
            return PushOutcome::Pushed;
        }
        let mut item = Some(item);
        let mut spins = 0u32;
        loop {
            let before = self.producer.used_upper_bound();
            // SAFETY: `write` initialises the whole payload of `words` words (the caller's
            // promise); the initialiser runs at most once, so `item` is there when it does.
            let pushed = unsafe {
                self.producer.push_record(words, meta, |dst| {
                    let item = item.take().expect("the initialiser runs at most once");
                    write(dst, item);
                })
            };
            if pushed {
                self.wake_if_half_full(before);
                return PushOutcome::Pushed;
            }
            // Full: the initialiser did not run, `item` is still ours.
            self.runtime.wake();
            if self.runtime.overflow == Overflow::Drop
                || collector::on_collector_thread()
                || !self.runtime.running.load(Ordering::Acquire)
            {
                // Never block the caller (Drop), never let the collector wait for itself,
                // never wait for a collector that has stopped.
                self.producer.count_drop();
                return PushOutcome::Pushed;
            }
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
            spins = spins.saturating_add(1);
        }
    }

    /// Writes the event from a macro's parts directly into the ring and returns `true`; when
    /// the ring is full, returns `false` and leaves `message` and `values` untouched (the
    /// caller then takes the slow path, which applies the overflow policy).
    ///
    /// # Safety
    ///
    /// `message` and `values` must be initialised. When this returns `true` they have been
    /// moved out: the caller must not use or drop them afterwards.
    #[allow(unsafe_code)]
    #[inline(always)]
    pub(crate) unsafe fn try_emit<const N: usize>(
        &mut self,
        callsite: &'static Callsite,
        message: &mut ManuallyDrop<Option<FieldValue>>,
        values: &mut ManuallyDrop<[FieldValue; N]>,
    ) -> bool {
        let timestamp = clock::now();
        let span = crate::span::current_id();
        let has_message = message.is_some();
        let words = ring_record::payload_words(N, has_message);
        let meta = ring_record::meta(N, has_message, self.thread);
        // SAFETY: `ring_record::write` initialises exactly `payload_words(N, has_message)`
        // words, moving the (initialised, by the caller's promise) message and values in.
        unsafe {
            self.try_write(words, meta, |dst| {
                ring_record::write(dst, callsite, timestamp, span, message, values)
            })
        }
    }

    /// Writes a record of `words` payload words, initialised by `init`, if there is room
    /// right now (then wakes the collector if the ring passed half full) and returns `true`;
    /// returns `false`, without calling `init`, otherwise.
    ///
    /// # Safety
    ///
    /// `init` must initialise all `words` words it is given.
    #[allow(unsafe_code)]
    #[inline(always)]
    unsafe fn try_write(&mut self, words: usize, meta: u64, init: impl FnOnce(*mut u64)) -> bool {
        let before = self.producer.used_upper_bound();
        // SAFETY: forwarded from the caller.
        let pushed = unsafe { self.producer.push_record(words, meta, init) };
        if pushed {
            self.wake_if_half_full(before);
        }
        pushed
    }

    /// After a failed push: under `Overflow::Drop` (or on the collector's own thread, which
    /// must never wait for itself) counts the event as dropped, wakes the collector and
    /// returns `true`; otherwise returns `false` (the caller then waits for room).
    #[cold]
    #[inline(never)]
    pub(crate) fn drop_when_full(&self) -> bool {
        self.runtime.wake();
        if self.runtime.overflow == Overflow::Drop || collector::on_collector_thread() {
            self.producer.count_drop();
            true
        } else {
            false
        }
    }

    /// Wakes the collector when this push took the ring past half full (once per refill).
    #[inline(always)]
    fn wake_if_half_full(&self, before: usize) {
        if before < self.half && self.producer.used_upper_bound() >= self.half {
            self.runtime.wake();
        }
    }
}

/// The default logger: each event goes into the calling thread's ring.
///
/// Created and installed by [`crate::init`]; there is no other way to build one.
pub struct RingLogger {
    runtime: Arc<Runtime>,
}

impl RingLogger {
    pub(crate) fn new(runtime: Arc<Runtime>) -> RingLogger {
        RingLogger { runtime }
    }
}

impl Logger for RingLogger {
    #[inline]
    fn log(&self, event: LogEvent) {
        crate::local::push(self.runtime.id, event);
    }

    fn span(&self, op: SpanOp) {
        crate::local::push_span(self.runtime.id, op);
    }

    fn flush(&self) {
        let _ = Handle {
            runtime: self.runtime.clone(),
        }
        .flush();
    }

    fn ring_id(&self) -> u64 {
        self.runtime.id
    }
}

impl fmt::Debug for RingLogger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingLogger")
            .field("id", &self.runtime.id)
            .finish()
    }
}

/// A cheap, cloneable handle to a running ring logger: take snapshots and flush from any
/// thread (signal handlers' helper threads, panic hooks, your own code).
///
/// Get one from [`Guard::handle`](crate::Guard::handle).
#[derive(Clone)]
pub struct Handle {
    pub(crate) runtime: Arc<Runtime>,
}

/// How long [`Handle::snapshot`] and [`Handle::flush`] wait for the collector. Under Miri,
/// which runs code about a hundred times slower (and the CI machine may be busy), a wall-clock
/// wait of seconds is not a fair bound, so it is minutes there.
pub(crate) const DEFAULT_TIMEOUT: Duration = if cfg!(miri) {
    Duration::from_secs(600)
} else {
    Duration::from_secs(10)
};

impl Handle {
    /// Writes a snapshot of the flight recorder, after draining every ring, and returns its
    /// path. Waits up to ten seconds.
    ///
    /// # Errors
    ///
    /// When the collector has stopped, does not answer in time, or cannot write the file.
    pub fn snapshot(&self, reason: &str) -> Result<PathBuf, SnapshotRequestError> {
        self.snapshot_timeout(reason, DEFAULT_TIMEOUT)
    }

    /// Like [`snapshot`](Self::snapshot), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// As for [`snapshot`](Self::snapshot).
    pub fn snapshot_timeout(
        &self,
        reason: &str,
        timeout: Duration,
    ) -> Result<PathBuf, SnapshotRequestError> {
        let reason = reason.to_owned();
        match self
            .runtime
            .request(|reply| Command::Snapshot { reason, reply }, timeout)
        {
            Ok(Ok(path)) => Ok(path),
            Ok(Err(e)) => Err(SnapshotRequestError {
                kind: RequestErrorKind::Write(e),
            }),
            Err(RequestError::Stopped) => Err(SnapshotRequestError {
                kind: RequestErrorKind::Stopped,
            }),
            Err(RequestError::TimedOut) => Err(SnapshotRequestError {
                kind: RequestErrorKind::TimedOut,
            }),
        }
    }

    /// Drains every ring into the sinks and flushes them. Returns `false` if the collector
    /// has stopped or did not finish within ten seconds.
    pub fn flush(&self) -> bool {
        self.flush_timeout(DEFAULT_TIMEOUT)
    }

    /// Like [`flush`](Self::flush), waiting at most `timeout`.
    pub fn flush_timeout(&self, timeout: Duration) -> bool {
        self.runtime
            .request(|reply| Command::Flush { reply }, timeout)
            .is_ok()
    }

    /// How many events have been dropped (full rings under [`Overflow::Drop`], the cases
    /// [`Overflow::Block`] still drops, or logged while a thread was being torn down) and
    /// reported so far. Call [`flush`](Self::flush) first for an up-to-date count.
    pub fn dropped(&self) -> u64 {
        self.runtime.reported_dropped.load(Ordering::Acquire)
    }

    /// Whether the collector is still running.
    pub fn is_running(&self) -> bool {
        self.runtime.running.load(Ordering::Acquire)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("id", &self.runtime.id)
            .finish()
    }
}

enum RequestError {
    Stopped,
    TimedOut,
}

/// Why a snapshot could not be taken.
#[derive(Debug)]
pub struct SnapshotRequestError {
    kind: RequestErrorKind,
}

#[derive(Debug)]
enum RequestErrorKind {
    Stopped,
    TimedOut,
    Write(WriteError),
}

impl SnapshotRequestError {
    /// Whether the collector had already stopped.
    pub fn is_stopped(&self) -> bool {
        matches!(self.kind, RequestErrorKind::Stopped)
    }

    /// Whether the collector did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, RequestErrorKind::TimedOut)
    }
}

impl fmt::Display for SnapshotRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RequestErrorKind::Stopped => {
                f.write_str("cannot take a snapshot: the ttlog collector has stopped")
            }
            RequestErrorKind::TimedOut => {
                f.write_str("cannot take a snapshot: the ttlog collector did not answer in time")
            }
            RequestErrorKind::Write(e) => write!(f, "cannot write snapshot: {e}"),
        }
    }
}

impl std::error::Error for SnapshotRequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            RequestErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}
