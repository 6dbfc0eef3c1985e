//! The [`Logger`] trait and the process-wide logger every macro hands its events to.
//!
//! The global logger sits in an [`ArcSwapOption`], so it can be replaced at run time with
//! [`set_logger`] while other threads are logging: each event goes to whichever logger was
//! installed when it was dispatched, and a replaced logger lives until its last in-flight
//! event has been handed over. Before anything is installed, events go nowhere (and the
//! level gate is `Off`, so macros do not even build them).
//!
//! The default logger, installed by [`crate::init`], is the ring logger: its events go
//! straight into the calling thread's ring. Because that is the path almost every event
//! takes, [`dispatch`] recognises it with one relaxed load of `ACTIVE_RING` and skips the
//! `ArcSwap` load entirely.
//!
//! # The capture tap
//!
//! [`crate::testing::capture`] puts a tap in front of the installed logger (it registers an
//! `Observer` here, so this module never imports the test capture): from then on every
//! event and span operation goes the slow way (`ACTIVE_RING` stays `0`, whatever is installed
//! later), the observer sees it first and routes a copy to the test capturing it, and the
//! installed logger still gets it. The tap is process-wide and stays once installed: a
//! process that never calls `capture()` never reads more than the `ACTIVE_RING` it already
//! reads, and one that does is a test. `set_logger`, `take_logger` and `logger` keep
//! meaning the installed logger, so `init()` before or after `capture()` works the same.

use std::fmt;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwapOption;

use crate::callsite::site::Callsite;
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::span::id::SpanId;
use crate::span::op::{SpanControl, SpanOp};
use crate::sync::global::{AtomicU64, Ordering};

/// Receives events. Implement it to send ttlog's events somewhere other than the rings, then
/// install it with [`set_logger`].
///
/// `log` runs on the caller's thread, inside the logging macro; keep it cheap and never block
/// for long.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use ttlog_core::{LogEvent, Logger};
///
/// #[derive(Default)]
/// struct Collect(Mutex<Vec<String>>);
///
/// impl Logger for Collect {
///     fn log(&self, event: LogEvent) {
///         self.0.lock().unwrap().push(event.message().to_owned());
///     }
/// }
///
/// let logger = Arc::new(Collect::default());
/// let previous = ttlog_core::set_logger(logger.clone());
/// ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
/// # static CS: ttlog_core::Callsite = ttlog_core::Callsite::new(ttlog_core::Level::Info, "t", "t", "f.rs", 1, "hello", &[]);
/// ttlog_core::__private::dispatch(LogEvent::new(&CS, Default::default()));
/// assert_eq!(logger.0.lock().unwrap().as_slice(), ["hello"]);
/// # ttlog_core::set_logger(previous);
/// ```
pub trait Logger: Send + Sync + 'static {
    /// Handles one event.
    fn log(&self, event: LogEvent);

    /// Flushes anything buffered. Called on shutdown and before snapshots.
    fn flush(&self) {}

    /// Receives what a span did (created, entered, exited, recorded, closed, ...).
    ///
    /// The default does nothing: a logger that only wants events ignores spans, and events
    /// still carry their span's id ([`LogEvent::span_id`]).
    fn span(&self, op: SpanOp) {
        let _ = op;
    }

    /// Identifies the built-in ring logger so that [`dispatch`] can take its fast path.
    /// Other loggers keep the default, `0`.
    #[doc(hidden)]
    fn ring_id(&self) -> u64 {
        0
    }
}

/// A logger that discards every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct NopLogger;

impl Logger for NopLogger {
    fn log(&self, _event: LogEvent) {}
}

/// The slot holding the installed logger. `ArcSwapOption` needs a sized pointee, hence the
/// extra box around the trait object.
struct Slot(Arc<dyn Logger>);

static LOGGER: ArcSwapOption<Slot> = ArcSwapOption::const_empty();

/// The ring id of the installed logger, or `0` when the installed logger is not the ring
/// logger. Written after `LOGGER` on every install (Release), read Relaxed on the hot path:
/// an event that races with an install may go to either logger, which is the contract.
pub(crate) static ACTIVE_RING: AtomicU64 = AtomicU64::new(0);

/// What sees every event and span operation before the installed logger, once installed with
/// [`install_tap`]: the test capture's routing. Set once, never replaced; while it is set the
/// tap is installed (see the module docs), and it is read on the slow paths only.
static OBSERVER: std::sync::OnceLock<Observer> = std::sync::OnceLock::new();

/// The functions the capture tap registers: called on the logging thread, before the
/// installed logger, for every event and span operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observer {
    /// Sees each event (its thread index filled in).
    pub(crate) event: fn(&LogEvent),
    /// Sees each span operation.
    pub(crate) span: fn(&SpanOp),
}

/// Serializes the writers of `LOGGER`, `ACTIVE_RING` and `OBSERVER` (installs are rare), so that
/// an install racing with the tap's cannot leave `ACTIVE_RING` set under the tap.
static INSTALL: Mutex<()> = Mutex::new(());

fn lock_install() -> MutexGuard<'static, ()> {
    INSTALL.lock().unwrap_or_else(|p| p.into_inner())
}

/// The `ACTIVE_RING` value for a logger with `ring` id: `0` under the tap, which needs
/// every event on the slow path.
fn ring_unless_tapped(ring: u64) -> u64 {
    if OBSERVER.get().is_some() {
        0
    } else {
        ring
    }
}

/// Installs the capture tap (idempotent): from now on every event and span operation goes
/// through [`crate::testing`]'s routing before reaching the installed logger.
pub(crate) fn install_tap(observer: Observer) {
    if OBSERVER.get().is_some() {
        return;
    }
    let _lock = lock_install();
    let _ = OBSERVER.set(observer);
    ACTIVE_RING.store(0, Ordering::Release);
}

/// Installs `logger` as the global logger, atomically, and returns the one it replaced
/// ([`NopLogger`] if none was installed).
///
/// This does not change the level gate: call [`crate::set_max_level`] (or install a filter)
/// so that the macros build events at all.
pub fn set_logger(logger: Arc<dyn Logger>) -> Arc<dyn Logger> {
    let ring = logger.ring_id();
    let _lock = lock_install();
    let previous = LOGGER.swap(Some(Arc::new(Slot(logger))));
    ACTIVE_RING.store(ring_unless_tapped(ring), Ordering::Release);
    match previous {
        Some(slot) => slot.0.clone(),
        None => Arc::new(NopLogger),
    }
}

/// Removes the global logger; events are discarded until another is installed. Returns the
/// one removed.
pub fn take_logger() -> Option<Arc<dyn Logger>> {
    let _lock = lock_install();
    ACTIVE_RING.store(0, Ordering::Release);
    LOGGER.swap(None).map(|slot| slot.0.clone())
}

/// The installed logger, if any.
pub fn logger() -> Option<Arc<dyn Logger>> {
    LOGGER.load().as_ref().map(|slot| slot.0.clone())
}

/// Hands an event to the global logger. An event without a span (`span_id() == 0`) gets the
/// thread's current span.
#[inline]
pub fn dispatch(mut event: LogEvent) {
    if event.span_id() == 0 {
        event.set_span_id(crate::ring::span_stack::current_id());
    }
    dispatch_exact(event);
}

/// [`dispatch`] without filling in the current span: the event's span id is used as it is
/// (`0`: in no span). For events with an explicit parent (`parent: None` included), as the
/// adapters receive them.
///
/// ```
/// let cs = ttlog_core::callsite::intern(&ttlog_core::callsite::CallsiteKey {
///     level: ttlog_core::Level::Info, target: "app", module_path: "app", file: "", line: 0,
///     message: "outside every span", field_names: &[],
/// }).unwrap();
/// let event = ttlog_core::LogEvent::new(cs, ttlog_core::event::Values::new());
/// ttlog_core::logger::dispatch_exact(event); // in no span, whatever is entered
/// ```
#[inline]
pub fn dispatch_exact(event: LogEvent) {
    let ring = ACTIVE_RING.load(Ordering::Relaxed);
    if ring != 0 {
        crate::ring::local::push(ring, event);
    } else {
        dispatch_slow(event);
    }
}

/// Builds an event from a macro's parts and hands it to the global logger. On the ring
/// logger's fast path the event is built directly in this thread's ring slot.
///
/// A macro, not a function, so that the values go from the caller's array to the ring
/// without one more move (the ring's `write_event` takes the other path as a function):
/// through one more by-value function the event with six values measured 24 more
/// instructions (iai_caller `display_debug`).
macro_rules! log_parts {
    ($callsite:expr, $message:expr, $values:expr) => {
        $crate::ring::local::write_event(
            $crate::logger::active_ring(),
            $callsite,
            $message,
            $values,
            $crate::logger::log_parts_slow,
        )
    };
}
pub(crate) use log_parts;

/// The id of the active ring logger, `0` when the active logger is another one (or none).
#[inline(always)]
pub(crate) fn active_ring() -> u64 {
    ACTIVE_RING.load(Ordering::Relaxed)
}

/// The non-ring path of `log_parts!`, out of line so that callsites stay small.
#[cold]
#[inline(never)]
pub(crate) fn log_parts_slow<const N: usize>(
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: [FieldValue; N],
) {
    let values = Values::from_array(values);
    let mut event = LogEvent::from_parts(callsite, crate::clock::now(), 0, message, values);
    event.set_span_id(crate::ring::span_stack::current_id());
    dispatch_slow(event);
}

#[inline(never)]
fn dispatch_slow(mut event: LogEvent) {
    // The observer, once set, is the tap (`OBSERVER.get` is an Acquire load).
    if let Some(observer) = OBSERVER.get() {
        if event.thread_index() == 0 {
            event.set_thread_index(crate::thread::current_index());
        }
        (observer.event)(&event);
    }
    let guard = LOGGER.load();
    if let Some(slot) = guard.as_ref() {
        if event.thread_index() == 0 {
            event.set_thread_index(crate::thread::current_index());
        }
        slot.0.log(event);
    }
}

/// Hands a span operation to the active logger: into this thread's ring under the ring
/// logger, to [`Logger::span`] otherwise.
#[inline]
pub(crate) fn send_span(op: SpanOp) {
    let ring = ACTIVE_RING.load(Ordering::Relaxed);
    if ring != 0 {
        crate::ring::local::push_span(ring, op);
    } else {
        dispatch_span_slow(op);
    }
}

#[inline(never)]
fn dispatch_span_slow(mut op: SpanOp) {
    if let Some(observer) = OBSERVER.get() {
        (observer.span)(&op);
    }
    let guard = LOGGER.load();
    if let Some(slot) = guard.as_ref() {
        if op.thread == 0 {
            op.thread = crate::thread::current_index();
        }
        slot.0.span(op);
    }
}

/// Sends an enter, exit or close of span `id`: straight into the ring when possible.
#[inline(always)]
pub(crate) fn span_control(control: SpanControl, id: SpanId) {
    let ring = ACTIVE_RING.load(Ordering::Relaxed);
    if ring == 0 || !crate::ring::local::control(ring, control, id.into_u64()) {
        span_control_slow(id, control);
    }
}

#[cold]
#[inline(never)]
fn span_control_slow(id: SpanId, control: SpanControl) {
    send_span(SpanOp::new(id, control.kind()));
}

/// Writes a span creation from a macro's parts straight into this thread's ring when the ring
/// logger is active and has room; gives the values back otherwise (the caller then sends a
/// [`SpanOp`]).
#[inline(always)]
pub(crate) fn new_span_in_ring<const N: usize>(
    callsite: &'static Callsite,
    parent: u64,
    id: u64,
    values: ManuallyDrop<[FieldValue; N]>,
) -> Option<ManuallyDrop<[FieldValue; N]>> {
    let ring = ACTIVE_RING.load(Ordering::Relaxed);
    if ring == 0 {
        return Some(values);
    }
    crate::ring::local::new_span(ring, callsite, parent, id, values)
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Logger")
    }
}
