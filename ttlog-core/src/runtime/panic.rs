//! The panic hook: a panic anywhere leaves a snapshot whose last event is the panic.
//!
//! On a panic the hook logs an ERROR event (target `panic`) with the message and location,
//! asks the collector for a snapshot (which drains every ring first, so the panic and
//! everything before it is in the file), prints the snapshot's path on stderr, and then runs
//! the hook that was installed before it (by default, std's message and backtrace). The
//! snapshot is an automatic one: when panics come faster than the
//! [`SnapshotRate`](crate::SnapshotRate) allows, the hook says
//! `ttlog: panic snapshot suppressed (rate limit; N suppressed so far)` instead.
//!
//! The hook is chained once per process and stays installed; with no running logger it only
//! forwards to the previous hook. When the collector itself panics (in a sink), the hook
//! must not wait for it: it only logs the event, and the collector, which catches the
//! panic, writes the snapshot itself.

use std::panic::PanicHookInfo;
use std::sync::{Mutex, Once};

use super::handle::Handle;
use crate::callsite::site::Callsite;
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::sync::global::lock;

static ACTIVE: Mutex<Option<Handle>> = Mutex::new(None);
static CHAIN: Once = Once::new();

static PANIC_CALLSITE: Callsite = Callsite::new(
    Level::Error,
    "panic",
    "ttlog_core::panic",
    file!(),
    line!(),
    "panicked",
    &["panic.file", "panic.line", "panic.column", "panic.thread"],
);

/// Makes `handle` the logger the hook reports to, chaining the hook on first use.
pub(crate) fn install(handle: Handle) {
    *lock(&ACTIVE) = Some(handle);
    CHAIN.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            previous(info);
        }));
    });
}

/// Stops reporting to `handle` (the hook stays, forwarding only).
pub(crate) fn uninstall(handle: &Handle) {
    let mut active = lock(&ACTIVE);
    if active
        .as_ref()
        .is_some_and(|h| h.rings.id == handle.rings.id)
    {
        *active = None;
    }
}

fn report(info: &PanicHookInfo<'_>) {
    // Never block on the lock: a panic while it is held (not expected) must still reach the
    // previous hook.
    let handle = match ACTIVE.try_lock() {
        Ok(guard) => guard.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => None,
    };
    let Some(handle) = handle else { return };
    if !handle.is_running() {
        return;
    }
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Box<dyn Any>");
    let thread = std::thread::current();
    let thread_name = thread.name().unwrap_or(crate::thread::UNNAMED);
    let mut values = Values::new();
    let message = match info.location() {
        Some(loc) => {
            values.push(FieldValue::from(loc.file()));
            values.push(FieldValue::from(loc.line()));
            values.push(FieldValue::from(loc.column()));
            format!(
                "thread '{thread_name}' panicked at {}:{}:{}: {text}",
                loc.file(),
                loc.line(),
                loc.column()
            )
        }
        None => {
            values.push(FieldValue::EMPTY);
            values.push(FieldValue::EMPTY);
            values.push(FieldValue::EMPTY);
            format!("thread '{thread_name}' panicked: {text}")
        }
    };
    values.push(FieldValue::from(thread_name));
    // Dispatched past the level gates: a panic is always recorded.
    crate::logger::dispatch(LogEvent::with_message(
        &PANIC_CALLSITE,
        FieldValue::from(message),
        values,
    ));
    if crate::thread::is_collector() {
        return;
    }
    match handle.automatic_snapshot("panic") {
        Ok(path) => eprintln!("ttlog: panic snapshot written to {}", path.display()),
        // "ttlog: panic snapshot suppressed (rate limit; N suppressed so far)"
        Err(e) if e.is_suppressed() => eprintln!("ttlog: panic {e}"),
        Err(e) => eprintln!("ttlog: {e}"),
    }
}
