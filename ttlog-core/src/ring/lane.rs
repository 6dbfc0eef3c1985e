//! One thread's producing end of its ring, a [`Lane`]: it writes events and span operations
//! as records (see [`codec`](super::codec)), applies the overflow policy when the ring is
//! full, and wakes the collector when the ring passes half full.

use std::mem::ManuallyDrop;
use std::sync::Arc;

use super::codec;
use super::shared::{self, Overflow, RingSet};
use super::spsc::Producer;
use crate::callsite::site::Callsite;
use crate::clock;
use crate::event::LogEvent;
use crate::field::value::FieldValue;
use crate::span::op::SpanOp;
use crate::sync::global::Ordering;

/// The outcome of handing an event to a lane.
pub(crate) enum PushOutcome {
    /// In the ring, or dropped and counted by the ring.
    Pushed,
    /// Not in any ring and not counted yet.
    Lost,
}

/// One thread's producing end of its ring.
pub(crate) struct Lane {
    /// `rings.id`, kept here so the hot path does not chase the `Arc`.
    ring_id: u64,
    rings: Arc<RingSet>,
    producer: Producer,
    thread: u32,
    /// When the ring reaches this length the collector is woken (once per refill).
    half: usize,
}

impl Lane {
    /// Registers the calling thread with the current ring set, if it is `ring_id`.
    pub(crate) fn register_current_thread(ring_id: u64) -> Option<Lane> {
        let rings = shared::current(ring_id)?;
        let producer = rings.register_ring();
        Some(Lane::new(rings, producer))
    }

    /// The lane of a ring just registered with `rings`, for the calling thread.
    fn new(rings: Arc<RingSet>, producer: Producer) -> Lane {
        let half = producer.capacity() / 2;
        Lane {
            ring_id: rings.id,
            rings,
            producer,
            thread: crate::thread::current_index(),
            half,
        }
    }

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
        let words = codec::payload_words(n, has_message);
        if n > codec::MAX_VALUES {
            self.producer.count_drop();
            return PushOutcome::Pushed;
        }
        let meta = codec::meta(n, has_message, self.thread);
        // SAFETY: `write_event` writes exactly `payload_words(n, has_message)` words.
        #[allow(unsafe_code)]
        unsafe {
            self.push_record(words, meta, event, codec::write_event)
        }
    }

    /// Writes a control record (enter, exit, close) for span `id` if there is room right now.
    #[inline(always)]
    pub(crate) fn try_control(&mut self, code: u64, id: u64) -> bool {
        let timestamp = clock::now();
        let meta = codec::control_meta(code, self.thread);
        // SAFETY: `write_control` initialises exactly `CONTROL_WORDS` words.
        #[allow(unsafe_code)]
        unsafe {
            self.try_write(codec::CONTROL_WORDS, meta, |dst| {
                codec::write_control(dst, id, timestamp)
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
        let meta = codec::span_new_meta(N, self.thread);
        // SAFETY: `write_span_new` initialises exactly `span_new_words(N)` words, moving the
        // (initialised, by the caller's promise) values in.
        unsafe {
            self.try_write(codec::span_new_words(N), meta, |dst| {
                codec::write_span_new(dst, callsite, timestamp, parent, id, values)
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
        let Some((words, meta)) = codec::span_layout(&op, self.thread) else {
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
            codec::write_span(dst, op);
            self.producer.commit(words, meta);
        }
        self.wake_if_half_full(before);
        Ok(())
    }

    /// Pushes a span operation, applying the overflow policy when the ring is full.
    pub(crate) fn push_span(&mut self, mut op: SpanOp) -> PushOutcome {
        op.thread = self.thread;
        let Some((words, meta)) = codec::span_layout(&op, self.thread) else {
            // More values than a record can carry.
            self.producer.count_drop();
            return PushOutcome::Pushed;
        };
        // SAFETY: `write_span` writes exactly the words `span_layout` computed.
        #[allow(unsafe_code)]
        unsafe {
            self.push_record(words, meta, op, codec::write_span)
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
            self.rings.wake();
            if self.rings.config.overflow == Overflow::Drop
                || crate::thread::is_collector()
                || !self.rings.running.load(Ordering::Acquire)
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
    pub(crate) unsafe fn try_write_event<const N: usize>(
        &mut self,
        callsite: &'static Callsite,
        message: &mut ManuallyDrop<Option<FieldValue>>,
        values: &mut ManuallyDrop<[FieldValue; N]>,
    ) -> bool {
        let timestamp = clock::now();
        let span = super::span_stack::current_id();
        let has_message = message.is_some();
        let words = codec::payload_words(N, has_message);
        let meta = codec::meta(N, has_message, self.thread);
        // SAFETY: `codec::write` initialises exactly `payload_words(N, has_message)`
        // words, moving the (initialised, by the caller's promise) message and values in.
        unsafe {
            self.try_write(words, meta, |dst| {
                codec::write(dst, callsite, timestamp, span, message, values)
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
        self.rings.wake();
        if self.rings.config.overflow == Overflow::Drop || crate::thread::is_collector() {
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
            self.rings.wake();
        }
    }
}
