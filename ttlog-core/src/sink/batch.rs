//! [`Batch`]: events the collector has decoded and redacted, owned, so that they can be
//! formatted on another thread (the formatting workers, `pool.rs`).
//!
//! A [`Record`] borrows: from the event, from the thread-name table and from the collector's
//! span table, which the collector keeps changing. An [`Item`] owns everything its record
//! needs: the event itself (moved, never copied), its wall-clock time, its thread's name (an
//! `Arc`), and its span scope as a [`ScopeChain`], an immutable copy of the spans from the
//! event's span up to the root, as the span table had them when the collector read the event.
//! The collector memoises one chain per span (shared by every event in it, until a span's
//! fields change), so an event inside spans costs an `Arc` clone, not a copy.
//!
//! A sealed batch is shared read-only (`Arc<Batch>`) by every sink that formats off the
//! collector: each formats it with its own format, in the batch's order.

use std::sync::Arc;
use std::time::SystemTime;

use crate::callsite::site::Callsite;
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::record::{Fields, Record, SpanLookup, SpanView, TraceFields};
use crate::trace_context::root::TraceRoot;

/// Events (and span lines) in the order a sink must write them.
pub(crate) struct Batch {
    items: Vec<Item>,
}

impl Batch {
    pub(crate) fn new(items: Vec<Item>) -> Batch {
        Batch { items }
    }

    /// How many lines the batch makes (one per item).
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The items, in order.
    pub(crate) fn items(&self) -> &[Item] {
        &self.items
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("items", &self.items.len())
            .finish()
    }
}

/// One line's worth of owned data: what [`Item::record`] views as a [`Record`].
pub(crate) struct Item {
    pub(crate) what: What,
    pub(crate) time: SystemTime,
    pub(crate) thread_name: Arc<str>,
    /// The spans of the record's `span_id`, as they were when it was read; `None` when the
    /// record has no span.
    pub(crate) scope: Option<Arc<ScopeChain>>,
}

/// What the line is.
// Events are nearly every item: they are moved in whole rather than boxed (a box would be an
// allocation per event); span lines are the rare small variant.
#[allow(clippy::large_enum_variant)]
pub(crate) enum What {
    /// An event, as the collector decoded and redacted it.
    Event(LogEvent),
    /// A span's `new` or `close` line (see [`SpanEvents`](crate::SpanEvents)).
    SpanLine {
        callsite: &'static Callsite,
        message: &'static str,
        thread_id: u64,
        span_id: u64,
        /// The `close` line's timings.
        fields: Box<[(String, FieldValue)]>,
    },
}

/// The scope of records without spans.
static NO_SPANS: ScopeChain = ScopeChain { spans: Vec::new() };

impl Item {
    /// The record this item shows: the same fields, byte for byte, as the record the
    /// collector builds for sinks on its own thread.
    #[inline]
    pub(crate) fn record(&self) -> Record<'_> {
        let spans: &dyn SpanLookup = match &self.scope {
            Some(chain) => &**chain,
            None => &NO_SPANS,
        };
        match &self.what {
            What::Event(event) => {
                let cs = event.callsite();
                Record {
                    level: cs.level(),
                    timestamp: self.time,
                    target: cs.target(),
                    module_path: cs.module_path(),
                    file: cs.file(),
                    line: cs.line(),
                    message: event.message(),
                    thread_name: &self.thread_name,
                    thread_id: u64::from(event.thread_index()),
                    span_id: event.span_id(),
                    spans: Some(spans),
                    fields: Fields::of_callsite(cs, event.values()),
                }
            }
            What::SpanLine {
                callsite,
                message,
                thread_id,
                span_id,
                fields,
            } => Record {
                level: callsite.level(),
                timestamp: self.time,
                target: callsite.target(),
                module_path: callsite.module_path(),
                file: callsite.file(),
                line: callsite.line(),
                message,
                thread_name: &self.thread_name,
                thread_id: *thread_id,
                span_id: *span_id,
                spans: Some(spans),
                fields: Fields::pairs(fields),
            },
        }
    }
}

/// A span as a [`ScopeChain`] keeps it.
pub(crate) struct ChainSpan {
    pub(crate) id: u64,
    pub(crate) parent: u64,
    pub(crate) callsite: &'static Callsite,
    pub(crate) values: Values,
    pub(crate) trace: Option<Arc<TraceRoot>>,
}

/// The spans a record's span lookup can reach (its span, then each parent, as far as the
/// span table knew them), copied out of the span table: a [`SpanLookup`] that answers
/// exactly as the table did when the chain was made, from any thread.
pub(crate) struct ScopeChain {
    /// From the leaf up.
    pub(crate) spans: Vec<ChainSpan>,
}

impl SpanLookup for ScopeChain {
    fn span(&self, id: u64) -> Option<SpanView<'_>> {
        let s = self.spans.iter().find(|s| s.id == id)?;
        Some(SpanView::of_callsite(id, s.parent, s.callsite, &s.values))
    }

    fn trace(&self, id: u64) -> Option<TraceFields<'_>> {
        self.spans
            .iter()
            .find(|s| s.id == id)?
            .trace
            .as_deref()?
            .fields(id)
    }
}
