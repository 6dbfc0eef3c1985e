//! The tap: what [`crate::logger`] calls, under a capture, with every event and span
//! operation before the installed logger gets it, and how it finds the capture they belong
//! to.
//!
//! # Routing
//!
//! An event belongs to the innermost capture *bound* to its thread (by [`capture`], a
//! [`Capture::scope`], a [`Capture::bind`] closure or a [`Capture::bind_future`] future), or
//! else to the capture that owns its span. A span is owned by the capture bound to the thread
//! that creates it, or else by its parent's owner, so a span created inside a test's capture
//! carries the capture to whatever thread or task it is entered on, and so do its children.
//! Events that belong to no capture are not copied at all.
//!
//! The span table holds only spans owned by a live capture: an entry goes when its span
//! closes or its capture is dropped, and lookups are one hash-map probe per span (at most
//! [`MAX_SCOPE_DEPTH`] for an event's scope). Like the collector's table, it keeps the trace
//! context each span is in (read from a context span's redacted fields, else inherited from
//! the parent at creation), which gives captured events their trace ids.
//!
//! Dropping a capture (on any thread) frees its events and its spans' entries at once;
//! bindings that still name it (another thread's binding list, a bound closure or future)
//! keep only its emptied state.
//!
//! # Redaction
//!
//! Captured copies are redacted with the runtime's rules, as the collector redacts what the
//! sinks get: the rules `init()` was given (none after `no_redaction()`), or the default
//! rules when ttlog was not initialised.
//!
//! [`capture`]: super::capture
//! [`Capture::scope`]: super::Capture::scope
//! [`Capture::bind`]: super::Capture::bind
//! [`Capture::bind_future`]: super::Capture::bind_future

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::event::{CapturedEvent, CapturedSpan};
use crate::callsite::Callsite;
use crate::event::LogEvent;
use crate::field::FieldValue;
use crate::record::MAX_SCOPE_DEPTH;
use crate::redact::{Redaction, Redactor};
use crate::span::{SpanOp, SpanOpKind};
use crate::sync::global::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use crate::trace_context::root::TraceRoot;

/// One capture's state, shared by its [`Capture`](super::Capture), its bindings and the spans
/// it owns.
#[derive(Debug)]
pub(crate) struct Shared {
    id: u64,
    /// Cleared when the capture is dropped: bindings and spans still naming it route nothing.
    active: AtomicBool,
    events: Mutex<Vec<CapturedEvent>>,
}

impl Shared {
    pub(crate) fn new() -> Arc<Shared> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Arc::new(Shared {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            active: AtomicBool::new(true),
            events: Mutex::new(Vec::new()),
        })
    }

    fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// The events captured so far.
    pub(crate) fn events(&self) -> MutexGuard<'_, Vec<CapturedEvent>> {
        self.events.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a captured event, unless the capture was dropped meanwhile (checked under the
    /// lock [`deactivate`](Self::deactivate) empties the list under, so nothing is added
    /// after it).
    fn push(&self, event: CapturedEvent) {
        let mut events = self.events();
        if self.is_active() {
            events.push(event);
        }
    }

    /// Stops routing to this capture, forgets the spans it owns and frees its events.
    ///
    /// Bindings may still hold the `Shared` (another thread's binding list, a bound closure
    /// or future not run yet) until they are dropped; emptied, it holds no memory worth
    /// speaking of.
    pub(crate) fn deactivate(&self) {
        self.active.store(false, Ordering::Release);
        // Under the table's lock, so a span being created for this capture either is
        // removed here or sees it inactive (see `span`).
        let mut table = spans();
        if let Some(map) = table.as_mut() {
            map.retain(|_, s| s.owner.id != self.id);
            SPAN_COUNT.store(map.len(), Ordering::Release);
        }
        drop(table);
        *self.events() = Vec::new();
    }
}

// ===== bindings =====

thread_local! {
    /// The captures bound to this thread, innermost last.
    static BOUND: RefCell<Vec<Arc<Shared>>> = const { RefCell::new(Vec::new()) };
    /// Set while the tap runs on this thread: an event logged from inside it (a custom
    /// redaction pattern that logs) is not captured, instead of deadlocking.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Binds `shared` to this thread until [`unbind`] (innermost wins).
pub(crate) fn bind(shared: &Arc<Shared>) {
    let _ = BOUND.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            b.retain(|s| s.is_active());
            b.push(shared.clone());
        }
    });
}

/// Removes the innermost binding of `shared` from this thread (wherever it is in the stack,
/// as guards may be dropped out of order), and any binding of a dropped capture.
pub(crate) fn unbind(shared: &Arc<Shared>) {
    let _ = BOUND.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            if let Some(i) = b.iter().rposition(|s| Arc::ptr_eq(s, shared)) {
                b.remove(i);
            }
            b.retain(|s| s.is_active());
        }
    });
}

/// The innermost live capture bound to this thread.
fn bound() -> Option<Arc<Shared>> {
    BOUND
        .try_with(|b| {
            let b = b.try_borrow().ok()?;
            b.iter().rev().find(|s| s.is_active()).cloned()
        })
        .ok()
        .flatten()
}

/// A binding for the length of a scope: [`bind`] now, [`unbind`] on drop (also when the
/// scope unwinds).
pub(crate) struct Binding<'a>(&'a Arc<Shared>);

impl<'a> Binding<'a> {
    pub(crate) fn new(shared: &'a Arc<Shared>) -> Binding<'a> {
        bind(shared);
        Binding(shared)
    }
}

impl Drop for Binding<'_> {
    fn drop(&mut self) {
        unbind(self.0);
    }
}

// ===== spans =====

/// A span owned by a capture.
struct SpanEntry {
    owner: Arc<Shared>,
    parent: u64,
    callsite: &'static Callsite,
    /// Redacted, as last recorded.
    values: Vec<FieldValue>,
    /// The trace context the span is in: its own, for a context's span, else its parent's
    /// when it was created (as the collector's span table has it).
    trace: Option<Arc<TraceRoot>>,
}

type SpanTable = HashMap<u64, SpanEntry>;

static SPANS: Mutex<Option<SpanTable>> = Mutex::new(None);

/// The table's size, so that events and span operations skip the lock when no capture owns
/// a span (written under the lock).
static SPAN_COUNT: AtomicUsize = AtomicUsize::new(0);

fn spans() -> MutexGuard<'static, Option<SpanTable>> {
    SPANS.lock().unwrap_or_else(|p| p.into_inner())
}

// ===== redaction =====

enum Rules {
    /// Not set by `init()`: the default rules, built on first use.
    Default,
    On(Box<Redaction>),
    Off,
}

static REDACTION: Mutex<Rules> = Mutex::new(Rules::Default);

/// Takes the rules of a runtime being started (`None`: redaction is off).
pub(crate) fn set_rules(rules: Option<Redactor>) {
    let mut r = REDACTION.lock().unwrap_or_else(|p| p.into_inner());
    *r = match rules {
        Some(rules) => Rules::On(Box::new(Redaction::new(rules))),
        None => Rules::Off,
    };
}

fn with_redaction(f: impl FnOnce(&mut Redaction)) {
    let mut r = REDACTION.lock().unwrap_or_else(|p| p.into_inner());
    if matches!(*r, Rules::Default) {
        *r = Rules::On(Box::new(Redaction::new(Redactor::new())));
    }
    if let Rules::On(redaction) = &mut *r {
        f(redaction);
    }
}

// ===== the hooks =====

/// Runs `f` unless the tap is already running on this thread. The flag is cleared however
/// `f` ends: a panic in it (a custom redaction pattern that panics) must not silence the
/// thread's captures for good.
fn guarded(f: impl FnOnce()) {
    /// Clears [`INSIDE`] when dropped, also while unwinding.
    struct Inside;
    impl Drop for Inside {
        fn drop(&mut self) {
            let _ = INSIDE.try_with(|inside| inside.set(false));
        }
    }
    let entered = INSIDE
        .try_with(|inside| !inside.replace(true))
        .unwrap_or(false);
    if entered {
        let _inside = Inside;
        f();
    }
}

/// An event on its way to the installed logger: a redacted copy goes to the capture it
/// belongs to, if any.
pub(crate) fn event(event: &LogEvent) {
    guarded(|| {
        let span = event.span_id();
        let mut owner = bound();
        let mut scope = Vec::new();
        if span != 0 && SPAN_COUNT.load(Ordering::Acquire) > 0 {
            let table = spans();
            if let Some(map) = table.as_ref() {
                if owner.is_none() {
                    owner = map
                        .get(&span)
                        .filter(|s| s.owner.is_active())
                        .map(|s| s.owner.clone());
                }
                if owner.is_some() {
                    scope = scope_of(map, span);
                }
            }
        }
        let Some(owner) = owner else {
            return;
        };
        let mut copy = LogEvent::from_parts(
            event.callsite(),
            event.raw_timestamp(),
            event.thread_index(),
            event.formatted_message().cloned(),
            event.values().iter().cloned().collect(),
        );
        copy.set_span_id(span);
        with_redaction(|r| r.event(&mut copy));
        owner.push(CapturedEvent::new(copy, scope));
    });
}

/// The spans of `leaf` and its ancestors that the table knows, root first.
fn scope_of(map: &SpanTable, leaf: u64) -> Vec<CapturedSpan> {
    let mut scope = Vec::new();
    let mut id = leaf;
    while id != 0 && scope.len() < MAX_SCOPE_DEPTH {
        let Some(s) = map.get(&id) else {
            break;
        };
        scope.push(CapturedSpan::new(
            id,
            s.parent,
            s.callsite,
            s.values.clone(),
            s.trace.clone(),
        ));
        id = s.parent;
    }
    scope.reverse();
    scope
}

/// A span operation on its way to the installed logger: creations inside a capture are
/// remembered (with their fields, for the events' scopes), closes forget them.
pub(crate) fn span(op: &SpanOp) {
    guarded(|| {
        let id = op.id.into_u64();
        match &op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                let parent = parent.map_or(0, |p| p.into_u64());
                let mut owner = bound();
                if owner.is_none() && parent != 0 && SPAN_COUNT.load(Ordering::Acquire) > 0 {
                    owner = spans()
                        .as_ref()
                        .and_then(|m| m.get(&parent))
                        .filter(|s| s.owner.is_active())
                        .map(|s| s.owner.clone());
                }
                let Some(owner) = owner else {
                    return;
                };
                let mut kind = SpanOpKind::New {
                    callsite,
                    parent: None,
                    values: values.clone(),
                };
                with_redaction(|r| r.span_op(callsite, &mut kind));
                let SpanOpKind::New { values, .. } = kind else {
                    return;
                };
                // Read from the redacted fields, as the collector does.
                let own_trace = TraceRoot::of(callsite, &values);
                let mut values = values.to_vec();
                let declared = callsite.field_names().len();
                if values.len() < declared {
                    values.resize(declared, FieldValue::EMPTY);
                }
                let mut table = spans();
                if !owner.is_active() {
                    // Dropped meanwhile: its `deactivate` has emptied the table of its spans.
                    return;
                }
                let map = table.get_or_insert_with(HashMap::new);
                let trace = own_trace.or_else(|| map.get(&parent).and_then(|p| p.trace.clone()));
                map.insert(
                    id,
                    SpanEntry {
                        owner,
                        parent,
                        callsite,
                        values,
                        trace,
                    },
                );
                SPAN_COUNT.store(map.len(), Ordering::Release);
            }
            SpanOpKind::Record { field, value } if SPAN_COUNT.load(Ordering::Acquire) > 0 => {
                let callsite = match spans().as_ref().and_then(|m| m.get(&id)) {
                    Some(s) => s.callsite,
                    None => return,
                };
                let mut kind = SpanOpKind::Record {
                    field: *field,
                    value: value.clone(),
                };
                with_redaction(|r| r.span_op(callsite, &mut kind));
                let SpanOpKind::Record { value, .. } = kind else {
                    return;
                };
                if let Some(s) = spans().as_mut().and_then(|m| m.get_mut(&id)) {
                    if let Some(slot) = s.values.get_mut(*field) {
                        *slot = value;
                    }
                }
            }
            SpanOpKind::Close if SPAN_COUNT.load(Ordering::Acquire) > 0 => {
                let mut table = spans();
                if let Some(map) = table.as_mut() {
                    map.remove(&id);
                    SPAN_COUNT.store(map.len(), Ordering::Release);
                }
            }
            _ => {}
        }
    });
}
