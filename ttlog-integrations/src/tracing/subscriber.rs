//! [`TracingSubscriber`]: tracing's events and spans, run on ttlog.

use std::fmt;
use std::sync::Once;

use tracing_core::span::{Attributes, Current, Id, Record};
use tracing_core::subscriber::{Interest, Subscriber};
use tracing_core::{Event, LevelFilter, Metadata};
use ttlog_core::{Callsite, LogEvent, Span, SpanId};

use super::callsite::{self, callsites, Mapped};
use super::span::{self as stack, Spans};
use super::visitor::{Collect, Recorded, Visitor};

/// A `tracing` subscriber that hands every event and span to ttlog.
///
/// Events become ttlog events (their fields with their types, `message` as the message, the
/// span they happened in); spans become ttlog's native spans, so ttlog's sinks show each
/// event's span scope (`request{id=7}:db{table=users}: query done`) and snapshots hold the
/// spans with their timings. ttlog's filter decides what is enabled, and tracing caches the
/// answer per callsite until the filter changes.
///
/// [`install`](super::install) makes it the global default; it can also be used for a scope
/// with `tracing::subscriber::with_default`, or wrapped in a `tracing_core::Dispatch`.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use ttlog_integrations::tracing::TracingSubscriber;
///
/// // Collect ttlog's events instead of running the ring logger.
/// #[derive(Default)]
/// struct Collect(Mutex<Vec<String>>);
/// impl ttlog_core::Logger for Collect {
///     fn log(&self, event: ttlog_core::LogEvent) {
///         let rows = event.field("rows").and_then(|v| v.as_u64());
///         self.0.lock().unwrap().push(format!("{} rows={rows:?} in_span={}", event.message(), event.span_id() != 0));
///     }
/// }
/// let events = Arc::new(Collect::default());
/// ttlog_core::set_logger(events.clone());
/// ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
///
/// tracing::subscriber::with_default(TracingSubscriber::new(), || {
///     let span = tracing::info_span!("db", table = "users");
///     let _entered = span.enter();
///     tracing::info!(rows = 3u64, "query done");
/// });
/// assert_eq!(events.0.lock().unwrap().as_slice(), ["query done rows=Some(3) in_span=true"]);
/// ```
pub struct TracingSubscriber {
    spans: Spans,
}

/// The [`ttlog_core::filter::on_change`] hook: tracing asks every subscriber about every
/// callsite again, and recomputes its max level.
fn rebuild_interest() {
    tracing_core::callsite::rebuild_interest_cache();
}

/// The tracing id [`TracingSubscriber::new_span`] returns for a span it does not create (its
/// callsite is no longer enabled in ttlog). ttlog's span ids count up from 1 and never get
/// here; no span of the table has it, so every operation on it does nothing.
const DISABLED: u64 = u64::MAX;

impl TracingSubscriber {
    /// A subscriber with no open spans.
    ///
    /// The first one created in the process registers a [`ttlog_core::filter::on_change`]
    /// hook that makes tracing ask every subscriber's interest again when ttlog's filter
    /// changes.
    pub fn new() -> TracingSubscriber {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| ttlog_core::filter::on_change(rebuild_interest));
        TracingSubscriber {
            spans: Spans::new(),
        }
    }

    /// How many spans are open: created and not yet closed by their last handle.
    ///
    /// ```
    /// use ttlog_integrations::tracing::TracingSubscriber;
    /// use tracing_core::Dispatch;
    /// # ttlog_core::set_logger(std::sync::Arc::new(ttlog_core::NopLogger));
    /// # ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    ///
    /// let dispatch = Dispatch::new(TracingSubscriber::new());
    /// tracing::dispatcher::with_default(&dispatch, || {
    ///     let span = tracing::info_span!("job");
    ///     let clone = span.clone();
    ///     drop(span);
    ///     let open = dispatch.downcast_ref::<TracingSubscriber>().unwrap().open_spans();
    ///     assert_eq!(open, 1);
    ///     drop(clone);
    /// });
    /// assert_eq!(dispatch.downcast_ref::<TracingSubscriber>().unwrap().open_spans(), 0);
    /// ```
    pub fn open_spans(&self) -> usize {
        self.spans.len()
    }

    /// Whether ttlog lets events of `meta`'s level and target through.
    fn filter_enables(meta: &Metadata<'_>) -> bool {
        let level = callsite::level(meta.level());
        ttlog_core::max_level().enables(level)
            && ttlog_core::filter::current().is_none_or(|f| f.enables(level, meta.target()))
    }

    /// Whether `mapped`'s events or spans are enabled (events from `log` are decided on their
    /// real target, per event).
    fn mapped_enabled(mapped: &Mapped) -> bool {
        mapped.from_log
            || (ttlog_core::max_level().enables(mapped.level) && mapped.callsite.is_enabled())
    }

    /// Builds and dispatches the ttlog event for `event`.
    fn emit(&self, event: &Event<'_>) {
        let mapped = callsites().get(event.metadata());
        if !Self::mapped_enabled(mapped) {
            return;
        }
        let mut collect = Visitor(Collect::new(
            &mapped.slots,
            mapped.callsite.field_names().len(),
        ));
        event.record(&mut collect);
        let Collect {
            mut values,
            message,
            log,
            ..
        } = collect.0;
        let callsite: &'static Callsite = if mapped.from_log {
            let (cs, keep_log_fields) = mapped.log_callsite(&log);
            if !(ttlog_core::max_level().enables(cs.level()) && cs.is_enabled()) {
                return;
            }
            if keep_log_fields {
                values = log.into_values();
            }
            cs
        } else {
            mapped.callsite
        };
        let mut ev = match message {
            Some(message) => LogEvent::with_message(callsite, message, values),
            None => LogEvent::new(callsite, values),
        };
        // An explicit parent, or explicitly none (`parent: None`): the span id as given (a
        // span that was not created counts as none, as tracing's `Span::none()` does).
        // Otherwise `dispatch` gives the event the thread's current span, which is tracing's
        // current span too (see the `span` module).
        if let Some(parent) = event.parent() {
            ev.set_span_id(match parent.into_u64() {
                DISABLED => 0,
                id => id,
            });
            ttlog_core::logger::dispatch_exact(ev);
        } else if event.is_root() {
            ttlog_core::logger::dispatch_exact(ev);
        } else {
            ttlog_core::logger::dispatch(ev);
        }
    }
}

impl Default for TracingSubscriber {
    fn default() -> TracingSubscriber {
        TracingSubscriber::new()
    }
}

impl fmt::Debug for TracingSubscriber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracingSubscriber")
            .field("open_spans", &self.open_spans())
            .finish()
    }
}

impl Subscriber for TracingSubscriber {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if Self::mapped_enabled(callsites().get(meta)) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(callsite::level_filter(ttlog_core::max_level()))
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        Self::filter_enables(meta)
    }

    fn event_enabled(&self, event: &Event<'_>) -> bool {
        Self::mapped_enabled(callsites().get(event.metadata()))
    }

    /// Creates the ttlog span, unless ttlog's filter no longer enables its callsite: tracing
    /// may still hold the callsite's old interest for a moment after the filter changed (it
    /// checked before `rebuild_interest_cache` ran). tracing needs an id all the same, so the
    /// span then gets an id that names no span (`DISABLED`): entering, exiting, recording
    /// and closing it do nothing, events and spans inside it belong to the span around it, and
    /// those that name it as their explicit parent have none, as with tracing's
    /// `Span::none()`.
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let meta = attrs.metadata();
        let mapped = callsites().get(meta);
        if !Self::mapped_enabled(mapped) {
            return Id::from_u64(DISABLED);
        }
        let mut collect = Visitor(Collect::new(
            &mapped.slots,
            mapped.callsite.field_names().len(),
        ));
        attrs.record(&mut collect);
        let parent = if attrs.is_root() {
            None
        } else if let Some(parent) = attrs.parent() {
            match parent.into_u64() {
                DISABLED => None,
                id => SpanId::from_u64(id),
            }
        } else {
            Span::current().id()
        };
        let span = Span::new(mapped.callsite, parent, collect.0.values);
        self.spans.insert(span, meta)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut recorded = Visitor(Recorded::default());
        values.record(&mut recorded);
        if let Some((span, _)) = self.spans.get(span) {
            for (index, value) in recorded.0.values {
                span.record_index(index, value);
            }
        }
    }

    fn record_follows_from(&self, span: &Id, follows: &Id) {
        if follows.into_u64() == DISABLED {
            return;
        }
        if let Some((span, _)) = self.spans.get(span) {
            span.follows_from(SpanId::from_u64(follows.into_u64()));
        }
    }

    fn event(&self, event: &Event<'_>) {
        self.emit(event);
    }

    fn enter(&self, span: &Id) {
        if let Some((s, meta)) = self.spans.get(span) {
            stack::enter(span, s, meta);
        }
    }

    fn exit(&self, span: &Id) {
        stack::exit(span);
    }

    fn clone_span(&self, id: &Id) -> Id {
        self.spans.clone_span(id);
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        self.spans.try_close(&id)
    }

    fn current_span(&self) -> Current {
        match stack::current() {
            Some((id, meta)) => Current::new(id, meta),
            None => Current::none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{callsites, TracingSubscriber};

    fn request(i: u64) {
        let span = tracing::info_span!("request", i);
        let _entered = span.enter();
        tracing::info!(i, "handled");
    }

    /// A subscriber per request (or per test) leaks nothing once its callsites are known: the
    /// callsite mappings are shared by all subscribers.
    #[test]
    fn subscribers_share_callsite_mappings() {
        ttlog_core::set_logger(Arc::new(ttlog_core::NopLogger));
        ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
        tracing::subscriber::with_default(TracingSubscriber::new(), || request(0));
        let mapped = callsites().len();
        let interned = ttlog_core::callsite::interned_count();
        assert!(mapped >= 2, "{mapped}");
        for i in 1..1000 {
            tracing::subscriber::with_default(TracingSubscriber::new(), || request(i));
        }
        assert_eq!(callsites().len(), mapped);
        assert_eq!(ttlog_core::callsite::interned_count(), interned);
    }
}
