//! The collector's table of spans, rebuilt from the span records in the rings.
//!
//! Each span's entry holds what a snapshot needs to rebuild the call tree with timings: the
//! callsite (name, target, level), the parent, the field values as last recorded, the thread
//! that created it, start and end times, the time it spent entered ("busy"), its status and its
//! follows-from links. Closed spans are kept for a while (as many as the flight recorder holds
//! events, at least [`MIN_RETAINED_CLOSED`]) so that the recorder's events can still name
//! them; live spans are bounded by [`MAX_LIVE_SPANS`] (a span whose close record was dropped
//! with a full ring would otherwise stay forever).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::callsite::site::Callsite;
use crate::event::Values;
use crate::field::value::FieldValue;
use crate::record::{SpanLookup, SpanView, TraceFields, MAX_SCOPE_DEPTH};
use crate::redact::Redaction;
use crate::sink::batch::{ChainSpan, ScopeChain};
use crate::span::op::{SpanOp, SpanOpKind};
use crate::trace_context::root::{is_trace_callsite, TraceRoot};

/// Closed spans kept at least this many.
pub(crate) const MIN_RETAINED_CLOSED: usize = 1024;

/// Live spans kept at most this many; beyond it the oldest are forgotten.
pub(crate) const MAX_LIVE_SPANS: usize = 1 << 16;

/// One span as the collector knows it.
#[derive(Debug)]
pub(crate) struct SpanData {
    pub(crate) id: u64,
    pub(crate) callsite: &'static Callsite,
    pub(crate) parent: u64,
    /// One per callsite field name ([`FieldValue::EMPTY`] until recorded).
    pub(crate) values: Values,
    pub(crate) thread: u32,
    /// Clock ticks.
    pub(crate) start: u64,
    pub(crate) end: Option<u64>,
    /// Ticks spent entered (on any thread).
    pub(crate) busy: u64,
    /// How many threads have it entered right now, and since when.
    entered: u32,
    entered_at: u64,
    pub(crate) error: bool,
    pub(crate) follows_from: Vec<u64>,
    /// The trace context the span is in: its own, for a context's span; its parent's
    /// otherwise.
    pub(crate) trace: Option<Arc<TraceRoot>>,
}

impl SpanData {
    /// Ticks spent entered up to `now`, counting a period that is still running.
    pub(crate) fn busy_at(&self, now: u64) -> u64 {
        if self.entered > 0 && self.end.is_none() {
            self.busy + now.saturating_sub(self.entered_at)
        } else {
            self.busy
        }
    }
}

/// Hashes span ids (sequential integers) with one multiply, instead of SipHash: the table
/// is private to the collector and its keys are not attacker-chosen.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        // Fibonacci hashing: the high bits (which hashbrown uses) depend on every bit of id.
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// All known spans by id.
#[derive(Debug)]
pub(crate) struct SpanTable {
    spans: IdMap<SpanData>,
    closed: VecDeque<u64>,
    retain_closed: usize,
    live: usize,
    /// Spans forgotten while live (over [`MAX_LIVE_SPANS`]).
    pub(crate) evicted: u64,
    /// Changes whenever what [`SpanLookup`] answers for a known id may change (a span
    /// created, a field recorded, a span forgotten): the fan-out's memoised
    /// [`ScopeChain`]s are valid while it stays the same (enters, exits and closes change
    /// nothing a lookup shows).
    generation: u64,
}

impl SpanTable {
    /// A table that keeps `retain_closed` closed spans (at least [`MIN_RETAINED_CLOSED`]).
    pub(crate) fn new(retain_closed: usize) -> SpanTable {
        SpanTable {
            spans: IdMap::default(),
            closed: VecDeque::new(),
            retain_closed: retain_closed.max(MIN_RETAINED_CLOSED),
            live: 0,
            evicted: 0,
            generation: 0,
        }
    }

    /// See the field.
    #[inline]
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// The spans a lookup of `leaf` reaches (it and its ancestors, up to
    /// [`MAX_SCOPE_DEPTH`]), copied: a [`ScopeChain`] answers as this table does now.
    pub(crate) fn chain(&self, leaf: u64) -> ScopeChain {
        let mut spans = Vec::new();
        let mut id = leaf;
        while id != 0 && spans.len() < MAX_SCOPE_DEPTH {
            let Some(s) = self.spans.get(&id) else {
                break;
            };
            spans.push(ChainSpan {
                id,
                parent: s.parent,
                callsite: s.callsite,
                values: s.values.clone(),
                trace: s.trace.clone(),
            });
            id = s.parent;
        }
        ScopeChain { spans }
    }

    /// Applies one operation. Operations on unknown spans (created before the logger, or
    /// whose creation record was dropped) are ignored.
    /// Masks the secrets in `op`'s field values, by the rules of its span's callsite (known
    /// from the operation for a creation, from this table for a recorded field).
    pub(crate) fn redact(&self, redaction: &mut Redaction, op: &mut SpanOp) {
        let callsite = match &op.kind {
            SpanOpKind::New { callsite, .. } => Some(*callsite),
            SpanOpKind::Record { .. } => self.get(op.id.into_u64()).map(|s| s.callsite),
            _ => None,
        };
        // A trace context's span holds ids, which must stay readable: the table reads its
        // trace from them.
        if let Some(callsite) = callsite.filter(|cs| !is_trace_callsite(cs)) {
            redaction.span_op(callsite, &mut op.kind);
        }
    }

    pub(crate) fn apply(&mut self, op: SpanOp) {
        let id = op.id.into_u64();
        let t = op.timestamp;
        if let SpanOpKind::New {
            callsite,
            parent,
            values,
        } = op.kind
        {
            let mut values = values;
            while values.len() < callsite.field_names().len() {
                values.push(FieldValue::EMPTY);
            }
            let parent = parent.map_or(0, |p| p.into_u64());
            let trace = match TraceRoot::of(callsite, &values) {
                Some(root) => Some(root),
                None => self.spans.get(&parent).and_then(|p| p.trace.clone()),
            };
            let data = SpanData {
                id,
                callsite,
                parent,
                values,
                thread: op.thread,
                start: t,
                end: None,
                busy: 0,
                entered: 0,
                entered_at: 0,
                error: false,
                follows_from: Vec::new(),
                trace,
            };
            // Ids are unique; a second creation with a known id (only a hand-made `SpanOp`
            // can do that) is ignored.
            if let std::collections::hash_map::Entry::Vacant(slot) = self.spans.entry(id) {
                slot.insert(data);
                self.generation += 1;
                self.live += 1;
                if self.live > MAX_LIVE_SPANS {
                    self.evict_oldest_live();
                }
            }
            return;
        }
        let Some(span) = self.spans.get_mut(&id) else {
            return;
        };
        if span.end.is_some() {
            // Closed: a late enter, exit or record (from a handle that did not keep the span
            // open, see `Span::current`) changes nothing.
            return;
        }
        match op.kind {
            SpanOpKind::New { .. } => {}
            SpanOpKind::Record { field, value } => {
                if let Some(slot) = span.values.get_mut(field) {
                    *slot = value;
                    self.generation += 1;
                }
            }
            SpanOpKind::Enter => {
                if span.entered == 0 {
                    span.entered_at = t;
                }
                span.entered += 1;
            }
            SpanOpKind::Exit => {
                if span.entered > 0 {
                    span.entered -= 1;
                    if span.entered == 0 {
                        span.busy += t.saturating_sub(span.entered_at);
                    }
                }
            }
            SpanOpKind::FollowsFrom(from) => span.follows_from.push(from.into_u64()),
            SpanOpKind::Error => span.error = true,
            SpanOpKind::Close => {
                if span.end.is_none() {
                    let end = t.max(span.start);
                    if span.entered > 0 {
                        // Closed while entered (its exit record was dropped with a full ring,
                        // or a guard outlived the last handle): count the time up to the end.
                        span.busy += end.saturating_sub(span.entered_at);
                        span.entered = 0;
                    }
                    span.end = Some(end);
                    self.live = self.live.saturating_sub(1);
                    self.closed.push_back(id);
                    while self.closed.len() > self.retain_closed {
                        if let Some(old) = self.closed.pop_front() {
                            self.spans.remove(&old);
                            self.generation += 1;
                        }
                    }
                }
            }
        }
    }

    /// Forgets the oldest tenth of the live spans (ids grow with time).
    #[cold]
    fn evict_oldest_live(&mut self) {
        let mut live: Vec<u64> = self
            .spans
            .values()
            .filter(|s| s.end.is_none())
            .map(|s| s.id)
            .collect();
        live.sort_unstable();
        self.generation += 1;
        for id in live.iter().take(MAX_LIVE_SPANS / 10) {
            self.spans.remove(id);
            self.live = self.live.saturating_sub(1);
            self.evicted += 1;
        }
    }

    /// The span `id`.
    pub(crate) fn get(&self, id: u64) -> Option<&SpanData> {
        self.spans.get(&id)
    }

    /// Every span in the table, in id (creation) order.
    pub(crate) fn sorted(&self) -> Vec<&SpanData> {
        let mut all: Vec<&SpanData> = self.spans.values().collect();
        all.sort_unstable_by_key(|s| s.id);
        all
    }

    /// How many spans the table holds (live and retained closed).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
}

impl SpanLookup for SpanTable {
    fn span(&self, id: u64) -> Option<SpanView<'_>> {
        let s = self.spans.get(&id)?;
        Some(SpanView::of_callsite(id, s.parent, s.callsite, &s.values))
    }

    fn trace(&self, id: u64) -> Option<TraceFields<'_>> {
        self.spans.get(&id)?.trace.as_deref()?.fields(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Values;
    use crate::level::Level;
    use crate::span::SpanId;

    static CS: Callsite = Callsite::new(Level::Info, "t", "t", "f.rs", 1, "req", &["id", "user"]);

    fn op(id: u64, t: u64, kind: SpanOpKind) -> SpanOp {
        SpanOp {
            id: SpanId::from_u64(id).unwrap(),
            timestamp: t,
            thread: 1,
            kind,
        }
    }

    fn new(id: u64, t: u64) -> SpanOp {
        let mut values = Values::new();
        values.push(FieldValue::from(id));
        op(
            id,
            t,
            SpanOpKind::New {
                callsite: &CS,
                parent: None,
                values,
            },
        )
    }

    #[test]
    fn lifecycle_is_recorded() {
        let mut table = SpanTable::new(0);
        table.apply(new(1, 10));
        table.apply(op(1, 12, SpanOpKind::Enter));
        table.apply(op(1, 20, SpanOpKind::Exit));
        table.apply(op(
            1,
            21,
            SpanOpKind::Record {
                field: 1,
                value: "alice".into(),
            },
        ));
        table.apply(op(
            1,
            22,
            SpanOpKind::Record {
                field: 9,
                value: 1.into(),
            },
        ));
        table.apply(op(1, 23, SpanOpKind::Error));
        table.apply(op(1, 30, SpanOpKind::Close));
        let s = table.get(1).unwrap();
        assert_eq!((s.start, s.end, s.busy, s.error), (10, Some(30), 8, true));
        assert_eq!(
            &s.values[..],
            [FieldValue::from(1u64), FieldValue::from("alice")]
        );
        let view = table.span(1).unwrap();
        assert_eq!(view.name, "req");
        assert_eq!(view.fields.len(), 2);
    }

    #[test]
    fn closed_spans_are_retained_then_forgotten() {
        let mut table = SpanTable::new(0);
        for id in 1..=(MIN_RETAINED_CLOSED as u64 + 10) {
            table.apply(new(id, id));
            table.apply(op(id, id + 1, SpanOpKind::Close));
        }
        assert_eq!(table.len(), MIN_RETAINED_CLOSED);
        assert!(table.get(10).is_none());
        assert!(table.get(11).is_some());
    }

    #[test]
    fn live_spans_are_bounded() {
        let mut table = SpanTable::new(0);
        for id in 1..=(MAX_LIVE_SPANS as u64 + 1) {
            table.apply(new(id, id));
        }
        assert!(table.len() <= MAX_LIVE_SPANS);
        assert!(table.evicted > 0);
        assert!(table.get(1).is_none());
        assert!(table.get(MAX_LIVE_SPANS as u64 + 1).is_some());
    }

    #[test]
    fn operations_on_unknown_spans_are_ignored() {
        let mut table = SpanTable::new(0);
        table.apply(op(5, 1, SpanOpKind::Close));
        table.apply(op(5, 1, SpanOpKind::Enter));
        assert!(table.get(5).is_none());
    }
}
