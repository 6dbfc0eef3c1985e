//! Writing a snapshot: the recorder's events and every span of the table, with thread names,
//! in the snapshot format.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::fanout::record_of;
use super::run::Collector;
use super::spans::SpanData;
use crate::clock::{self, Converter};
use crate::snapshot::{self, Header, SpanStatus, WriteError};
use crate::sync::global::Ordering;
use crate::trace_context::root::is_trace_callsite;

impl Collector {
    /// Writes the recorder's events and every span in the table to a snapshot file.
    pub(super) fn write_snapshot(&mut self, reason: &str) -> Result<PathBuf, WriteError> {
        let conv = clock::converter();
        let now = clock::now();
        let events = self.recorder.sorted();
        let table = self.spans.sorted();
        let names = &mut self.sinks.names;
        for e in &events {
            names.get(e.thread_index());
        }
        for s in &table {
            names.get(s.thread);
        }
        let mut header = Header::new(self.config.service.clone(), reason);
        header.capacity = self.recorder.capacity() as u64;
        header.dropped = self.ring_set.reported_dropped.load(Ordering::Relaxed);
        header.created = SystemTime::now();
        let names = &self.sinks.names;
        let spans: Vec<snapshot::Span> = table
            .iter()
            .map(|s| span_of(s, names.cached(s.thread), now, &conv))
            .collect();
        let records = events
            .iter()
            .map(|e| record_of(e, names.cached(e.thread_index()), &self.spans, &conv));
        snapshot::write_with_spans(&self.config.snapshot_dir, &header, &spans, records)
    }
}

/// A span of the table as a snapshot stores it: the start converted with `conv` (as the
/// events' times are), the end as the start plus the elapsed time (as `close` lines measure
/// it), busy time up to `now`, and only the fields that have been given a value.
fn span_of(s: &SpanData, thread_name: &str, now: u64, conv: &Converter) -> snapshot::Span {
    let cs = s.callsite;
    let start = conv.to_system_time(s.start);
    let end = s
        .end
        .map(|end| start + Duration::from_nanos(conv.nanos_between(s.start, end)));
    let busy = Duration::from_nanos(conv.nanos_between(0, s.busy_at(now)));
    let status = if s.error {
        SpanStatus::Error
    } else {
        SpanStatus::Ok
    };
    let mut span = snapshot::Span::new(s.id, cs.message(), cs.level(), start)
        .with_parent(s.parent)
        .with_target(cs.target())
        .with_location(cs.module_path(), cs.file(), cs.line())
        .with_thread(thread_name, u64::from(s.thread))
        .with_end(end)
        .with_busy(busy)
        .with_status(status)
        .with_follows_from(s.follows_from.iter().copied());
    for (name, value) in cs.field_names().iter().zip(s.values.iter()) {
        if !value.is_empty() {
            span = span.with_field(*name, value.clone());
        }
    }
    // A span inside a trace context (not the context's own span, whose fields say it) ends
    // with the trace's ids, unless it has a field of one of those names.
    let ids = s.trace.as_deref().filter(|_| !is_trace_callsite(cs));
    if let Some(ids) = ids.and_then(|root| root.fields(s.id)) {
        if snapshot::TRACE_FIELDS
            .iter()
            .all(|name| span.field(name).is_none())
        {
            let mut pairs = Vec::with_capacity(snapshot::TRACE_FIELDS.len());
            ids.for_each(|name, value| pairs.push((name, value.to_owned())));
            for (name, value) in pairs {
                span = span.with_field(name, value);
            }
        }
    }
    span
}
