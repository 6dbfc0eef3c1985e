//! One thread's writing end of its log, a [`Lane`]: it writes events and span operations as
//! records (see [`codec`](super::codec)) and applies the overflow policy when the memory
//! budget is spent.

use std::sync::Arc;

use super::codec;
use super::log::Writer;
use super::shared::{self, Overflow, RingSet};
use crate::callsite::site::Callsite;
use crate::clock;
use crate::event::LogEvent;
use crate::field::value::{FieldValue, TRUNCATION_MARKER};
use crate::span::op::SpanOp;

/// The outcome of handing an event to a lane.
pub(crate) enum PushOutcome {
    /// In the log, or dropped and counted by the log.
    Pushed,
    /// Not in any log and not counted yet.
    Lost,
}

/// One thread's writing end of its log.
pub(crate) struct Lane {
    /// `rings.id`, kept here so the hot path does not chase the `Arc`.
    ring_id: u64,
    rings: Arc<RingSet>,
    writer: Writer,
    thread: u32,
}

impl Lane {
    /// Registers the calling thread with the current ring set, if it is `ring_id`.
    pub(crate) fn register_current_thread(ring_id: u64) -> Option<Lane> {
        let rings = shared::current(ring_id)?;
        let writer = rings.register_ring();
        Some(Lane {
            ring_id: rings.id,
            rings,
            writer,
            thread: crate::thread::current_index(),
        })
    }

    #[inline]
    pub(crate) fn ring_id(&self) -> u64 {
        self.ring_id
    }

    /// Pushes a whole event (built outside the macros), applying the overflow policy when
    /// the budget is spent. Text too long for a segment is cut to fit (and marked cut).
    pub(crate) fn push(&mut self, mut event: LogEvent) -> PushOutcome {
        event.set_thread_index(self.thread);
        let n = event.values().len();
        if n > codec::MAX_VALUES {
            self.writer.refuse(true);
            return PushOutcome::Pushed;
        }
        let mut words = codec::event_words(event.formatted_message(), event.values());
        while !self.writer.fits(words) {
            if !cut_longest_text(&mut event) {
                self.writer.refuse(true);
                return PushOutcome::Pushed;
            }
            words = codec::event_words(event.formatted_message(), event.values());
        }
        let meta = codec::meta(n, event.formatted_message().is_some(), self.thread);
        // SAFETY: the record is `event_words` long for this event (`push_record` reserves
        // exactly `words`).
        #[allow(unsafe_code)]
        self.push_record(words, meta, true, |slot| unsafe {
            codec::write_log_event(slot, &event)
        })
    }

    /// Writes a control record (enter, exit, close) for span `id` if there is room right now.
    #[inline(always)]
    pub(crate) fn try_control(&mut self, code: u64, id: u64) -> bool {
        let timestamp = clock::now();
        let meta = codec::control_meta(code, self.thread);
        match self.writer.reserve(codec::CONTROL_WORDS) {
            Some(mut slot) => {
                // SAFETY: reserved `CONTROL_WORDS` words.
                #[allow(unsafe_code)]
                unsafe {
                    codec::write_control(&mut slot, id, timestamp, 0)
                };
                slot.commit(meta, false);
                true
            }
            None => false,
        }
    }

    /// Writes a span creation from a macro's parts (its values seen as `plains`) if there
    /// is room right now and returns `true`; `false` otherwise.
    #[inline(always)]
    pub(crate) fn try_new_span<const N: usize>(
        &mut self,
        callsite: &'static Callsite,
        parent: u64,
        id: u64,
        plains: &codec::Plains<'_, N>,
    ) -> bool {
        let timestamp = clock::now();
        let meta = codec::span_new_meta(N, self.thread);
        let Some(mut slot) = self.writer.reserve(plains.span_new_words()) else {
            return false;
        };
        // SAFETY: reserved `span_new_words` for these values.
        #[allow(unsafe_code)]
        unsafe {
            codec::write_span_new(&mut slot, callsite, timestamp, parent, id, plains)
        };
        slot.commit(meta, false);
        true
    }

    /// Writes a span operation into the log if there is room right now; gives it back
    /// otherwise (the caller then takes the slow path, which applies the overflow policy).
    // The operation comes back by value only when the log is full (then the slow path
    // takes it); boxing it would cost an allocation on every push.
    #[allow(clippy::result_large_err)]
    #[inline]
    pub(crate) fn try_push_span(&mut self, mut op: SpanOp) -> Result<(), SpanOp> {
        let Some((words, meta)) = codec::span_layout(&op, self.thread) else {
            return Err(op);
        };
        op.thread = self.thread;
        let Some(mut slot) = self.writer.reserve(words) else {
            return Err(op);
        };
        // SAFETY: reserved the words `span_layout` gave for this `op`.
        #[allow(unsafe_code)]
        unsafe {
            codec::write_span(&mut slot, &op)
        };
        slot.commit(meta, false);
        Ok(())
    }

    /// Pushes a span operation, applying the overflow policy when the budget is spent.
    pub(crate) fn push_span(&mut self, mut op: SpanOp) -> PushOutcome {
        op.thread = self.thread;
        let Some((words, meta)) = codec::span_layout(&op, self.thread) else {
            // More values than a record can carry.
            self.writer.refuse(false);
            return PushOutcome::Pushed;
        };
        // SAFETY: `push_record` reserves exactly the words `span_layout` gave for this `op`.
        #[allow(unsafe_code)]
        self.push_record(words, meta, false, |slot| unsafe {
            codec::write_span(slot, &op)
        })
    }

    /// Pushes a record of `words` payload words written by `write`, waiting for room under
    /// `Overflow::Block` and counting a drop otherwise.
    fn push_record(
        &mut self,
        words: usize,
        meta: u64,
        counted: bool,
        write: impl Fn(&mut super::log::Slot<'_>),
    ) -> PushOutcome {
        if !self.writer.fits(words) {
            // Could never fit, however long we wait.
            self.writer.refuse(counted);
            return PushOutcome::Pushed;
        }
        let mut spins = 0u32;
        loop {
            if let Some(mut slot) = self.writer.reserve(words) {
                write(&mut slot);
                slot.commit(meta, counted);
                return PushOutcome::Pushed;
            }
            // No segment to be had: the budget is spent.
            self.rings.wake();
            if self.rings.config.overflow == Overflow::Drop
                || crate::thread::is_collector()
                || !self.rings.is_live()
            {
                // Never block the caller (Drop), never let the collector wait for itself,
                // never wait for a collector that has stopped.
                self.writer.refuse(counted);
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

    /// Writes the event from a macro's parts (its message and values seen as `plains`)
    /// directly into the log and returns `true`; `false` when there is no room (the caller
    /// then takes the slow path, which applies the overflow policy).
    #[inline(always)]
    pub(crate) fn try_write_event<const N: usize>(
        &mut self,
        callsite: &'static Callsite,
        plains: &codec::Plains<'_, N>,
    ) -> bool {
        let timestamp = clock::now();
        let span = super::span_stack::current_id();
        let meta = codec::meta(N, plains.message.is_some(), self.thread);
        let Some(mut slot) = self.writer.reserve(plains.event_words()) else {
            return false;
        };
        // SAFETY: reserved `event_words` for this message and these values.
        #[allow(unsafe_code)]
        unsafe {
            codec::write_event(&mut slot, callsite, timestamp, span, plains)
        };
        slot.commit(meta, true);
        true
    }
}

/// Cuts the longest text of `event` (message or value) to half its length, marked as cut;
/// `false` when there is no text left to cut.
#[cold]
fn cut_longest_text(event: &mut LogEvent) -> bool {
    let (message, values) = event.redaction_parts();
    let longest = message
        .iter_mut()
        .chain(values.iter_mut())
        .filter(|v| {
            v.as_str()
                .is_some_and(|s| s.len() > TRUNCATION_MARKER.len())
        })
        .max_by_key(|v| v.as_str().map_or(0, str::len));
    let Some(value) = longest else {
        return false;
    };
    let text = value.as_str().unwrap_or_default();
    let mut keep = text.len() / 2;
    while !text.is_char_boundary(keep) {
        keep -= 1;
    }
    let cut = format!("{}{TRUNCATION_MARKER}", &text[..keep]);
    *value = FieldValue::from_cut_string(cut);
    true
}
