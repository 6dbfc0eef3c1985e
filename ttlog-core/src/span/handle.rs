//! [`Span`]: a handle to a span (created, entered, recorded, closed when its last clone drops),
//! and the guards [`Entered`], [`EnteredSpan`] and [`RawEntered`].

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::sync::{Arc, OnceLock};

use super::id::SpanId;
use super::op::{SpanControl, SpanOp, SpanOpKind};
use crate::callsite::site::Callsite;
use crate::event::Values;
use crate::field::value::{FieldValue, ToFieldValue};
use crate::ring::span_stack as current;

use crate::trace_context::root::Context;

impl From<&Span> for Option<SpanId> {
    fn from(span: &Span) -> Option<SpanId> {
        span.id()
    }
}

/// A handle to a span.
///
/// Created by the span macros; [`Span::none`] is the disabled span, on which every method
/// does nothing. Cloning is cheap; the span closes (and its end time is recorded) when the
/// last clone is dropped.
///
/// ```
/// use ttlog_core::span::Span;
/// let span = Span::none();
/// span.record("user", "alice").follows_from(&Span::current());
/// let entered = span.clone().entered();
/// let span = entered.exit();
/// assert!(span.id().is_none());
/// ```
pub struct Span {
    /// `None` for the disabled span. `ManuallyDrop` so that the only drop code is `Span`'s
    /// own (which moves the value out and drops it out of line): a disabled span's drop is
    /// then one inline check, not a call into the fields' drop glue.
    inner: Option<ManuallyDrop<Inner>>,
}

struct Inner {
    id: SpanId,
    callsite: &'static Callsite,
    /// Whether this handle keeps the span open (false for [`Span::current`]'s handles).
    owning: bool,
    /// Empty while this is the only owning handle; once it is cloned, a reference shared by
    /// all the owning handles, whose count is theirs: the handle that takes the last one
    /// closes the span.
    shared: OnceLock<Arc<()>>,
    /// The trace context the span belongs to (see [`context`]).
    context: Option<Arc<Context>>,
}

// `Span` is `Send + Sync` by its fields: `shared` is a `OnceLock` of an `Arc`, which every
// owning clone may touch from any thread, and callsites are immutable statics.

impl Span {
    /// The disabled span.
    #[inline]
    pub const fn none() -> Span {
        Span { inner: None }
    }

    /// Creates an enabled span with `callsite` as its description and `values` (in the order
    /// of the callsite's field names; fewer values leave the rest empty), as a child of
    /// `parent` (`None`: a root). For adapters, whose callsites are built at run time
    /// ([`crate::callsite::intern`]); code that knows its span statically uses the macros.
    /// The caller has checked that the callsite is enabled (its level against
    /// [`crate::max_level`], then [`Callsite::is_enabled`]).
    ///
    /// ```
    /// use ttlog_core::callsite::{intern, CallsiteKey};
    /// use ttlog_core::event::Values;
    /// use ttlog_core::{FieldValue, Level, Span};
    ///
    /// let cs = intern(&CallsiteKey {
    ///     level: Level::Info, target: "app", module_path: "app", file: "src/app.rs", line: 3,
    ///     message: "request", field_names: &["id"],
    /// }).unwrap();
    /// let mut values = Values::new();
    /// values.push(FieldValue::from(7));
    /// let span = Span::new(cs, None, values);
    /// assert_eq!(span.name(), Some("request"));
    /// ```
    pub fn new(callsite: &'static Callsite, parent: Option<SpanId>, values: Values) -> Span {
        let id = SpanId::next();
        let context = current::inherited_context(parent);
        crate::logger::send_span(SpanOp::new(
            id,
            SpanOpKind::New {
                callsite,
                parent,
                values,
            },
        ));
        Span::unshared(id, callsite, true, context)
    }

    /// Creates an enabled span from a macro's parts, writing its creation straight into the
    /// thread's ring when it can.
    /// `context` is the parent's trace context, a reference the new span keeps.
    #[inline(always)]
    pub(crate) fn new_in_place<const N: usize>(
        callsite: &'static Callsite,
        parent: Option<SpanId>,
        context: Option<Arc<Context>>,
        values: ManuallyDrop<[FieldValue; N]>,
    ) -> Span {
        let id = SpanId::next();
        let parent_id = parent.map_or(0, SpanId::into_u64);
        if let Some(values) =
            crate::logger::new_span_in_ring(callsite, parent_id, id.into_u64(), values)
        {
            Span::send_new(id, callsite, parent, ManuallyDrop::into_inner(values));
        }
        Span::unshared(id, callsite, true, context)
    }

    #[cold]
    #[inline(never)]
    fn send_new<const N: usize>(
        id: SpanId,
        callsite: &'static Callsite,
        parent: Option<SpanId>,
        values: [FieldValue; N],
    ) {
        crate::logger::send_span(SpanOp::new(
            id,
            SpanOpKind::New {
                callsite,
                parent,
                values: Values::from_array(values),
            },
        ));
    }

    /// A handle with no shared count yet; an `owning` one keeps the span open.
    #[inline(always)]
    pub(crate) fn unshared(
        id: SpanId,
        callsite: &'static Callsite,
        owning: bool,
        context: Option<Arc<Context>>,
    ) -> Span {
        Span {
            inner: Some(ManuallyDrop::new(Inner {
                id,
                callsite,
                owning,
                shared: OnceLock::new(),
                context,
            })),
        }
    }

    /// The thread's current span: the innermost one entered and not yet exited.
    ///
    /// The handle does not keep the span open: if every other handle is dropped the span
    /// closes, and this handle then names a closed span (recording on it does nothing).
    pub fn current() -> Span {
        match current::current() {
            Some((id, callsite, context)) => Span::unshared(id, callsite, false, context),
            None => Span::none(),
        }
    }

    /// The trace context the span belongs to, if any.
    pub(crate) fn context(&self) -> Option<&Arc<Context>> {
        self.inner.as_ref()?.context.as_ref()
    }

    /// The span's id; `None` for the disabled span.
    #[inline]
    pub fn id(&self) -> Option<SpanId> {
        self.inner.as_ref().map(|i| i.id)
    }

    /// Whether this is the disabled span.
    #[inline]
    pub fn is_none(&self) -> bool {
        self.inner.is_none()
    }

    /// The span's static description (its name is the callsite's message).
    #[inline]
    pub fn callsite(&self) -> Option<&'static Callsite> {
        self.inner.as_ref().map(|i| i.callsite)
    }

    /// The span's name; `None` for the disabled span.
    #[inline]
    pub fn name(&self) -> Option<&'static str> {
        self.callsite().map(Callsite::message)
    }

    /// Enters the span on this thread until the returned guard is dropped: events logged
    /// meanwhile belong to it, and spans created meanwhile are its children.
    #[inline(always)]
    pub fn enter(&self) -> Entered<'_> {
        if let Some(inner) = &self.inner {
            enter(inner.id, inner.callsite, inner.context.as_ref());
        }
        Entered {
            span: self,
            _not_send: PhantomData,
        }
    }

    /// Enters the span and returns a guard that owns it (for spans entered in one place and
    /// exited in another). [`EnteredSpan::exit`] gives the span back.
    pub fn entered(self) -> EnteredSpan {
        if let Some(inner) = &self.inner {
            enter(inner.id, inner.callsite, inner.context.as_ref());
        }
        EnteredSpan {
            span: self,
            _not_send: PhantomData,
        }
    }

    /// Enters the span without a guard, for adapters that get "enter" and "exit" as separate
    /// calls (tracing's `Subscriber::enter`/`exit`). Give the returned token back to
    /// [`exit_raw`](Self::exit_raw) on the same thread, in reverse order of entering.
    ///
    /// ```
    /// use ttlog_core::Span;
    /// let span = Span::none();
    /// let token = span.enter_raw();
    /// span.exit_raw(token);
    /// ```
    #[inline]
    pub fn enter_raw(&self) -> RawEntered {
        if let Some(inner) = &self.inner {
            enter(inner.id, inner.callsite, inner.context.as_ref());
        }
        RawEntered(())
    }

    /// Exits the span entered with [`enter_raw`](Self::enter_raw): its innermost entry
    /// leaves the thread's stack of entered spans, and the innermost span still entered
    /// becomes current.
    #[inline]
    pub fn exit_raw(&self, token: RawEntered) {
        let RawEntered(()) = token;
        if let Some(inner) = &self.inner {
            exit(inner.id);
        }
    }

    /// Sets the value of the field at `field` (an index into the callsite's field names);
    /// out-of-range indices are ignored. For adapters that know fields by position.
    pub fn record_index(&self, field: usize, value: FieldValue) -> &Span {
        if let Some(inner) = &self.inner {
            if field < inner.callsite.field_names().len() {
                crate::logger::send_span(SpanOp::new(
                    inner.id,
                    SpanOpKind::Record { field, value },
                ));
            }
        }
        self
    }

    /// Runs `f` inside the span.
    #[inline]
    pub fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        let _entered = self.enter();
        f()
    }

    /// Sets the value of the field `field`, which must have been declared when the span was
    /// created (`span!(.., user = ttlog::field::Empty)`); as in tracing, undeclared names are
    /// ignored.
    pub fn record<V: ToFieldValue + ?Sized>(&self, field: &str, value: &V) -> &Span {
        if let Some(inner) = &self.inner {
            if let Some(index) = inner
                .callsite
                .field_names()
                .iter()
                .position(|name| *name == field)
            {
                crate::logger::send_span(SpanOp::new(
                    inner.id,
                    SpanOpKind::Record {
                        field: index,
                        value: value.to_field_value(),
                    },
                ));
            }
        }
        self
    }

    /// Records that this span was caused by `from` (which is not its parent), as in tracing.
    pub fn follows_from(&self, from: impl Into<Option<SpanId>>) -> &Span {
        if let (Some(inner), Some(from)) = (&self.inner, from.into()) {
            crate::logger::send_span(SpanOp::new(inner.id, SpanOpKind::FollowsFrom(from)));
        }
        self
    }

    /// Marks the span's status as error (`#[instrument(err)]` does this when the function
    /// returns `Err`).
    pub fn set_error(&self) -> &Span {
        if let Some(inner) = &self.inner {
            crate::logger::send_span(SpanOp::new(inner.id, SpanOpKind::Error));
        }
        self
    }
}

impl Clone for Span {
    fn clone(&self) -> Span {
        let Some(inner) = &self.inner else {
            return Span::none();
        };
        if !inner.owning {
            return Span::unshared(inner.id, inner.callsite, false, inner.context.clone());
        }
        // The count is allocated on the first clone: this handle and the clone make two.
        let shared = inner.shared.get_or_init(|| Arc::new(())).clone();
        Span {
            inner: Some(ManuallyDrop::new(Inner {
                id: inner.id,
                callsite: inner.callsite,
                owning: true,
                shared: OnceLock::from(shared),
                context: inner.context.clone(),
            })),
        }
    }
}

impl Drop for Span {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            Span::release(ManuallyDrop::into_inner(inner));
        }
    }
}

impl Span {
    /// Drops this handle, out of line, so that dropping a disabled span stays a single check
    /// where it is inlined: an owning handle lets go of its share of the span, and the last
    /// one closes it.
    #[inline(never)]
    fn release(inner: Inner) {
        if !inner.owning {
            return;
        }
        if let Some(shared) = inner.shared.into_inner() {
            // `into_inner` gives the value to exactly one of the handles that let go of their
            // references concurrently: the last one, which closes the span.
            if Arc::into_inner(shared).is_none() {
                return;
            }
        }
        crate::logger::span_control(SpanControl::Close, inner.id);
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Some(inner) => f
                .debug_struct("Span")
                .field("id", &inner.id.into_u64())
                .field("name", &inner.callsite.message())
                .field("target", &inner.callsite.target())
                .finish(),
            None => f.write_str("Span::none()"),
        }
    }
}

impl Default for Span {
    fn default() -> Span {
        Span::none()
    }
}

/// The proof of a [`Span::enter_raw`], to be given to [`Span::exit_raw`].
#[derive(Clone, Copy)]
pub struct RawEntered(());

impl fmt::Debug for RawEntered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawEntered")
    }
}

/// The guard of [`Span::enter`]: the span stays entered on this thread until it is dropped.
#[must_use = "the span is exited as soon as the guard is dropped"]
pub struct Entered<'a> {
    span: &'a Span,
    /// Entering and exiting must happen on the same thread.
    _not_send: PhantomData<*mut ()>,
}

impl Drop for Entered<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some(inner) = &self.span.inner {
            exit(inner.id);
        }
    }
}

impl fmt::Debug for Entered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entered").field("span", self.span).finish()
    }
}

/// The guard of [`Span::entered`]: owns the span and keeps it entered until dropped or
/// [`exit`](EnteredSpan::exit)ed.
#[must_use = "the span is exited as soon as the guard is dropped"]
pub struct EnteredSpan {
    span: Span,
    _not_send: PhantomData<*mut ()>,
}

impl EnteredSpan {
    /// Exits the span and returns it.
    pub fn exit(mut self) -> Span {
        // Taken first: the guard keeps a disabled span, so its drop does nothing more, also if
        // recording the exit panics (a custom logger may), which must not exit twice.
        let span = std::mem::take(&mut self.span);
        if let Some(inner) = &span.inner {
            exit(inner.id);
        }
        span
    }

    /// The entered span.
    pub fn span(&self) -> &Span {
        &self.span
    }

    fn leave(&mut self) {
        if let Some(inner) = &self.span.inner {
            exit(inner.id);
        }
    }
}

impl Drop for EnteredSpan {
    fn drop(&mut self) {
        // The span itself is dropped after this, by the drop glue, also if recording the exit
        // panics (a custom logger may), so its close is never lost.
        self.leave();
    }
}

impl fmt::Debug for EnteredSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnteredSpan")
            .field("span", &self.span)
            .finish()
    }
}

/// Sends the entry into `id`, then makes it the current span. Out of line, so that a guard of
/// a disabled span (which never calls it) stays a single check where it is inlined.
#[inline(never)]
pub(crate) fn enter(id: SpanId, callsite: &'static Callsite, context: Option<&Arc<Context>>) {
    // Send first: if a custom logger panics, nothing has changed yet.
    crate::logger::span_control(SpanControl::Enter, id);
    current::push(id, callsite, context);
}

/// Removes `id` from the thread's stack (its innermost entry, wherever it is), then sends the
/// exit. Out of line, as [`enter`] is.
#[inline(never)]
pub(crate) fn exit(id: SpanId) {
    // Restored first, then sent: if a custom logger panics, the thread's state is right.
    current::pop(id);
    crate::logger::span_control(SpanControl::Exit, id);
}
