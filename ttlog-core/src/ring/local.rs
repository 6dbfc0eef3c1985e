//! This thread's lane into the ring logger: registered once, then reached in a few
//! instructions.
//!
//! The first event a thread sends to a ring logger registers a new ring with that logger's
//! collector and keeps the producing end, a [`Lane`], in the thread-local `LANE`. When the
//! thread exits, `LANE` is dropped, which marks the ring abandoned; the collector drains what
//! is left and forgets it.
//!
//! # Two thread-locals
//!
//! `LANE` owns the lane (it needs a destructor, so every access to it checks whether it is
//! alive). The hot path instead reads `FAST`, a destructor-free thread-local holding a raw
//! pointer to the lane inside `LANE`, which compiles to a plain thread-pointer-relative load.
//! The pointer doubles as the lane's "not in use" flag:
//!
//! - `FAST` is non-null only while `LANE` holds `Some(lane)` at that address and nobody is
//!   using the lane. Whoever uses the lane first swaps `FAST` to null, and puts it back
//!   when done.
//! - So a re-entrant call (a `Display` impl that logs, a signal handler) finds `FAST` null and
//!   takes the slow path, which, finding the lane present but taken, counts the event as lost
//!   instead of aliasing the lane.
//! - dropping the lane (`Held`) clears `FAST`, so thread teardown, or a lane replaced by a new
//!   registration, never leaves a dangling pointer.
//!
//! Nothing here can deadlock or panic; every event that cannot be pushed is counted.

#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::ptr;

use super::codec;
use super::lane::{Lane, PushOutcome};
use super::shared;
use super::span_stack;
use super::values::Values;
use crate::callsite::site::Callsite;
use crate::clock;
use crate::event::LogEvent;
use crate::field::value::FieldValue;
use crate::span::op::{SpanControl, SpanOp};

/// The lane as `LANE` holds it: dropping it clears `FAST` first, so the hot path never sees a
/// pointer to a lane that is gone.
struct Held(Lane);

impl Drop for Held {
    fn drop(&mut self) {
        forget();
    }
}

thread_local! {
    /// Owns this thread's lane.
    static LANE: RefCell<Option<Held>> = const { RefCell::new(None) };
    /// The lane inside `LANE` while it is there and not in use; null otherwise.
    static FAST: Cell<*mut Lane> = const { Cell::new(ptr::null_mut()) };
}

/// Runs `$body` with `$lane` bound to this thread's lane of the ring logger `$ring_id` and
/// `$item` to `$arg`, if the lane is registered and not in use, and evaluates to
/// `Ok(body)`; to `Err(item)` otherwise. This is the whole `FAST` protocol: take the pointer
/// (so a re-entrant call finds it null), use the lane, put it back. `$body` must not panic.
///
/// A macro, so that it is expanded where it is used: as a function taking a closure, the
/// compiler kept the closure out of line, which measured 46 more instructions per event and
/// 18 more per span (iai_caller).
macro_rules! on_fast_lane {
    ($ring_id:expr, $arg:expr, |$lane:ident, $item:pat_param| $body:expr) => {{
        let item = $arg;
        // `FAST` has no destructor, so it is always accessible, even during thread teardown.
        let taken = FAST.with(|fast| fast.replace(ptr::null_mut()));
        if taken.is_null() {
            Err(item)
        } else {
            // SAFETY: a non-null `FAST` points at the lane inside this thread's `LANE`, which
            // stays there until dropping it (`Held::drop`) clears `FAST`; taking the pointer out
            // of `FAST` gave us exclusive use of it until we put it back, right after. Nothing
            // in between can panic (every body here does ring arithmetic, bit copies, an
            // unpark and a counter; macro field counts are const-checked), so the pointer is
            // always put back. A drop guard would make that unconditional but costs the event
            // hot path 8 instructions (iai_caller), so it is not used.
            let $lane: &mut Lane = unsafe { &mut *taken };
            let out = if $lane.ring_id() == $ring_id {
                let $item = item;
                Ok($body)
            } else {
                Err(item)
            };
            FAST.with(|fast| fast.set(taken));
            out
        }
    }};
}

/// Builds an event from a macro's parts directly in this thread's ring of the ring logger
/// `ring_id` (see `write_event_in_place`), or, when `ring_id` is `0` (another logger is
/// installed, or none), hands the parts to `other`. Taking the values as a `ManuallyDrop` by
/// value, it owns them: they end up in the ring, in `other`, or dropped, never twice.
#[inline(always)]
pub(crate) fn write_event<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    mut values: ManuallyDrop<[FieldValue; N]>,
    other: impl FnOnce(&'static Callsite, Option<FieldValue>, [FieldValue; N]),
) {
    const {
        assert!(
            N <= codec::MAX_VALUES,
            "more values than a record can count"
        )
    };
    if ring_id != 0 {
        // SAFETY: `values` is ours and initialised (a `ManuallyDrop` always holds a value),
        // and it is not touched after this call, which takes ownership of its contents.
        unsafe { write_event_in_place(ring_id, callsite, message, &mut values) }
    } else {
        other(callsite, message, ManuallyDrop::into_inner(values));
    }
}

/// Builds an event from a macro's parts directly in this thread's ring of the ring logger
/// `ring_id`.
///
/// The hot path (registered lane, room in the ring) writes the event in place and returns;
/// anything else (first event of the thread, full ring, re-entrant call, thread teardown)
/// goes through `write_event_slow`, out of line.
///
/// # Safety
///
/// `values` must hold initialised values. This function takes ownership of them (they end up
/// in the ring, or are dropped): the caller must not use or drop them afterwards.
#[inline(always)]
unsafe fn write_event_in_place<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: &mut ManuallyDrop<[FieldValue; N]>,
) {
    let mut message = ManuallyDrop::new(message);
    // Taken first, before the clock and the thread-locals: each value's type is then still
    // known to the compiler where it is written (see `codec::Plains`).
    let plains = codec::Plains::new(message.as_ref(), values);
    let owned = plains.owned;
    let written = on_fast_lane!(ring_id, (), |lane, ()| lane
        .try_write_event(callsite, &plains));
    if written == Ok(true) {
        // SAFETY: copied into the record; each dropped once, here.
        unsafe {
            ManuallyDrop::drop(&mut message);
            codec::drop_values(values, owned);
        }
        return;
    }
    // SAFETY: nothing dropped them (the event was not written); they are taken here once.
    let (message, values) =
        unsafe { (ManuallyDrop::take(&mut message), ManuallyDrop::take(values)) };
    write_event_slow(ring_id, callsite, message, values);
}

#[cold]
#[inline(never)]
fn write_event_slow<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: [FieldValue; N],
) {
    let mut event = LogEvent::from_parts(
        callsite,
        clock::now(),
        0,
        message,
        Values::from_array(values),
    );
    event.set_span_id(span_stack::current_id());
    push(ring_id, event);
}

/// Pushes `event` into this thread's ring of the ring logger `ring_id`, registering the
/// thread first if needed, and applying the overflow policy when the ring is full.
pub(crate) fn push(ring_id: u64, event: LogEvent) {
    push_with(ring_id, |lane| lane.push(event));
}

/// Pushes a control record (enter, exit, close) for span `id` on the fast path; `false`
/// when that is not possible (the caller then sends a [`SpanOp`] the slow way).
#[inline(always)]
pub(crate) fn control(ring_id: u64, control: SpanControl, id: u64) -> bool {
    let code = codec::control_code(control);
    on_fast_lane!(ring_id, (), |lane, ()| lane.try_control(code, id)).unwrap_or(false)
}

/// Writes a span creation from a macro's parts on the fast path; gives the values back,
/// untouched, when that is not possible.
#[inline(always)]
pub(crate) fn new_span<const N: usize>(
    ring_id: u64,
    callsite: &'static Callsite,
    parent: u64,
    id: u64,
    mut values: ManuallyDrop<[FieldValue; N]>,
) -> Option<ManuallyDrop<[FieldValue; N]>> {
    const {
        assert!(
            N <= codec::MAX_VALUES,
            "more values than a record can count"
        )
    };
    let plains = codec::Plains::new(None, &values);
    let owned = plains.owned;
    let pushed = on_fast_lane!(ring_id, (), |lane, ()| {
        lane.try_new_span(callsite, parent, id, &plains)
    })
    .unwrap_or(false);
    if pushed {
        // SAFETY: `values` is ours and initialised, copied into the record, and dropped once,
        // here (a `ManuallyDrop` is not dropped again).
        unsafe { codec::drop_values(&mut values, owned) };
        return None;
    }
    Some(values)
}

/// Pushes a span operation into this thread's ring of the ring logger `ring_id`, as
/// [`push`] does for events. The common case (registered lane, room in the ring) goes
/// through `FAST`, as events do.
#[inline]
// The operation comes back by value only when it cannot be written now (as in
// `Lane::try_push_span`); boxing it would cost an allocation on every push.
#[allow(clippy::result_large_err)]
pub(crate) fn push_span(ring_id: u64, op: SpanOp) {
    match on_fast_lane!(ring_id, op, |lane, op| lane.try_push_span(op)) {
        Ok(Ok(())) => {}
        Ok(Err(op)) | Err(op) => push_span_slow(ring_id, op),
    }
}

#[cold]
#[inline(never)]
fn push_span_slow(ring_id: u64, op: SpanOp) {
    push_with(ring_id, |lane| lane.push_span(op));
}

fn push_with(ring_id: u64, push: impl FnOnce(&mut Lane) -> PushOutcome) {
    let mut push = Some(push);
    let outcome = LANE.try_with(|cell| {
        let Some(push) = push.take() else {
            return PushOutcome::Lost;
        };
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return PushOutcome::Lost;
        };
        let taken = FAST.with(|fast| fast.replace(ptr::null_mut()));
        if slot.is_some() && taken.is_null() {
            // The lane is in use further up this thread's stack (a re-entrant call).
            return PushOutcome::Lost;
        }
        let outcome = match slot.as_mut() {
            Some(held) if held.0.ring_id() == ring_id => push(&mut held.0),
            _ => match Lane::register_current_thread(ring_id) {
                // Replacing the old lane drops it, which clears `FAST` (already null here).
                Some(new_lane) => push(&mut slot.insert(Held(new_lane)).0),
                None => PushOutcome::Lost,
            },
        };
        let fast = slot
            .as_mut()
            .map_or(ptr::null_mut(), |held| &mut held.0 as *mut Lane);
        FAST.with(|f| f.set(fast));
        outcome
    });
    match (outcome, push) {
        (Ok(PushOutcome::Pushed), _) => {}
        // This thread's locals are being torn down (an event from a thread-local's
        // destructor): a lane of its own for this one record.
        (Err(_), Some(push)) => push_late(ring_id, push),
        _ => shared::count_lost(ring_id),
    }
}

/// Pushes one record for a thread whose thread-locals are gone, through a lane made for it
/// and dropped at once: the collector reads that log to its end and retires it. Costly (a log
/// per record), and only taken by what thread-local destructors log.
#[cold]
#[inline(never)]
fn push_late(ring_id: u64, push: impl FnOnce(&mut Lane) -> PushOutcome) {
    match Lane::register_current_thread(ring_id) {
        Some(mut lane) => {
            if let PushOutcome::Lost = push(&mut lane) {
                shared::count_lost(ring_id);
            }
        }
        None => shared::count_lost(ring_id),
    }
}

/// Clears `FAST` (called when a lane is dropped: a thread has at most one lane, so whatever
/// `FAST` pointed at is going away).
pub(crate) fn forget() {
    let _ = FAST.try_with(|fast| fast.set(ptr::null_mut()));
}

/// Drops this thread's lane (its ring is then drained and forgotten by the collector).
pub(crate) fn release() {
    let _ = LANE.try_with(|cell| {
        if let Ok(mut lane) = cell.try_borrow_mut() {
            forget();
            // Dropped in place (its `Drop` clears `FAST` again, harmlessly).
            *lane = None;
        }
    });
}
