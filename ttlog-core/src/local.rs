//! This thread's lane into the ring logger: registered once, reached with `try_with`.
//!
//! The first event a thread sends to a ring logger registers a new ring with that logger's
//! collector and keeps the producing end in a thread-local. Every later event is one
//! thread-local access, one id compare and one ring push. When the thread exits, the
//! thread-local is dropped, which marks the ring abandoned; the collector drains what is left
//! and forgets it.
//!
//! Nothing here can deadlock or panic: thread-locals are reached with `try_with` (they are
//! gone during thread teardown), a re-entrant call finds the cell borrowed, and both cases
//! count the event as lost instead of dropping it silently.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use crate::callsite::Callsite;
use crate::clock;
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;
use crate::ring_logger::{self, Lane, PushOutcome};

thread_local! {
    static LANE: RefCell<Option<Lane>> = const { RefCell::new(None) };
}

/// Pushes `event` into this thread's ring of the ring logger `ring_id`.
#[inline]
pub(crate) fn push(ring_id: u64, event: LogEvent) {
    let outcome = LANE.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut lane) => match lane.as_mut() {
            Some(lane) if lane.ring_id() == ring_id => lane.push(event),
            _ => push_slow(&mut lane, ring_id, event),
        },
        Err(_) => PushOutcome::Lost,
    });
    match outcome {
        Ok(PushOutcome::Pushed) => {}
        Ok(PushOutcome::Lost) | Err(_) => ring_logger::count_lost(ring_id),
    }
}

/// Builds an event from a macro's parts directly in this thread's ring of the ring logger
/// `ring_id`. One copy of this function exists per field count `N`, shared by every callsite
/// with that many fields; the callsite only fills the array.
///
/// The hot path (registered lane, free slot) writes the event in place and returns; anything
/// else (first event of the thread, full ring, re-entrant call, thread teardown) goes through
/// [`emit_slow`], out of line.
///
/// # Safety
///
/// `values` must hold initialised values. This function takes ownership of them (they end up
/// in the ring, or are dropped): the caller must not use or drop them afterwards.
#[allow(unsafe_code)]
#[inline(always)]
pub(crate) unsafe fn emit<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: &mut ManuallyDrop<[FieldValue; N]>,
) {
    let mut message = ManuallyDrop::new(message);
    let pushed = LANE
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut lane) => match lane.as_mut() {
                // SAFETY: both are initialised; `try_emit` moves them out only if it
                // returns true.
                Some(lane) if lane.ring_id() == ring_id => unsafe {
                    lane.try_emit(callsite, &mut message, values)
                },
                _ => false,
            },
            Err(_) => false,
        })
        .unwrap_or(false);
    if !pushed {
        // SAFETY: nothing moved them out; they are taken here exactly once.
        let (message, values) =
            unsafe { (ManuallyDrop::take(&mut message), ManuallyDrop::take(values)) };
        emit_slow(ring_id, callsite, message, values);
    }
}

#[cold]
#[inline(never)]
fn emit_slow<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: [FieldValue; N],
) {
    push(
        ring_id,
        LogEvent::from_parts(
            callsite,
            clock::now(),
            0,
            message,
            Values::from_array(values),
        ),
    );
}

#[cold]
#[inline(never)]
fn push_slow(lane: &mut Option<Lane>, ring_id: u64, event: LogEvent) -> PushOutcome {
    match ring_logger::register_current_thread(ring_id) {
        Some(new_lane) => lane.insert(new_lane).push(event),
        None => PushOutcome::Lost,
    }
}

/// Drops this thread's lane (its ring is then drained and forgotten by the collector).
pub(crate) fn release() {
    let _ = LANE.try_with(|cell| {
        if let Ok(mut lane) = cell.try_borrow_mut() {
            lane.take();
        }
    });
}
