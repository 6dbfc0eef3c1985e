//! Writing a snapshot: every thread's newest events (read from the threads' own logs, see
//! `recorder.rs`) and the spans, with thread names, in the snapshot format.
//!
//! The collector writes it when asked, with its whole span table. When the collector does not
//! answer in time (stuck in a slow sink, or gone), the thread that asked writes it itself
//! ([`write_direct`]): the events are the same, the spans are those the recorder's span
//! records rebuild. A [`Claim`] makes sure only one of the two writes it.

use std::path::PathBuf;
use std::sync::atomic::AtomicU8;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::fanout::{record_of, ThreadNames};
use super::spans::{SpanData, SpanTable};
use crate::clock::{self, Converter};
use crate::event::LogEvent;
use crate::redact::{Redaction, Redactor};
use crate::ring::shared::{RingSet, Windows};
use crate::snapshot::rate::RateLimiter;
use crate::snapshot::retention::{self, Retention};
use crate::snapshot::writer::SnapshotFile;
use crate::snapshot::{self, Header, SpanStatus, WriteError};
use crate::span::op::SpanOp;
use crate::sync::global::Ordering;
use crate::trace_context::root::is_trace_callsite;

/// What a snapshot is written with, wherever it is written.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) dir: PathBuf,
    pub(crate) service: String,
    /// Events kept per thread.
    pub(crate) capacity: usize,
    pub(crate) redaction: Option<Redactor>,
    /// How many snapshot files of the service to keep after writing one; `None` keeps all.
    pub(crate) retention: Option<Retention>,
    /// How often automatic snapshots may be written.
    pub(crate) rate: Arc<RateLimiter>,
}

/// Who writes a requested snapshot: the collector, if it takes the claim before the thread
/// that asked gives up waiting and takes it back.
#[derive(Debug, Default)]
pub(crate) struct Claim(AtomicU8);

const PENDING: u8 = 0;
const TAKEN: u8 = 1;
const WITHDRAWN: u8 = 2;

impl Claim {
    /// The collector's side: `true` if it is to write the snapshot.
    pub(crate) fn take(&self) -> bool {
        self.0
            .compare_exchange(PENDING, TAKEN, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The asking thread's side: `true` if it is to write the snapshot itself.
    pub(crate) fn withdraw(&self) -> bool {
        self.0
            .compare_exchange(PENDING, WITHDRAWN, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// Writes a snapshot from the calling thread, without the collector: every thread's newest
/// events, and the spans their span records rebuild.
pub(crate) fn write_direct(
    rings: &RingSet,
    settings: &Settings,
    reason: &str,
) -> Result<PathBuf, WriteError> {
    let mut redaction = settings.redaction.clone().map(Redaction::new);
    let capacity = settings.capacity;
    let table = span_table(
        rings.window_span_ops(capacity),
        redaction.as_mut(),
        capacity,
    );
    let dropped = rings.reported_dropped.load(Ordering::Relaxed);
    let events = rings.window_events(capacity).map(|mut event| {
        if let Some(redaction) = redaction.as_mut() {
            redaction.event(&mut event);
        }
        event
    });
    write(
        settings,
        reason,
        dropped,
        events,
        &table,
        &mut ThreadNames::default(),
    )
}

/// What a snapshot written without the collector holds, from the threads' windows: the
/// events, redacted and merged by time, and the span table their span records rebuild
/// (their fields redacted too).
pub(crate) fn rebuild(
    windows: Windows,
    mut redaction: Option<&mut Redaction>,
    capacity: usize,
) -> (Vec<LogEvent>, SpanTable) {
    let Windows {
        mut events,
        span_ops,
    } = windows;
    if let Some(redaction) = redaction.as_deref_mut() {
        for event in events.iter_mut() {
            redaction.event(event);
        }
    }
    // Each thread's are in order already: a stable sort of runs.
    events.sort_by_key(|e| e.raw_timestamp());
    (events, span_table(span_ops, redaction, capacity))
}

/// The span table `span_ops` rebuild, applied in time order, their fields redacted.
fn span_table(
    mut span_ops: Vec<SpanOp>,
    mut redaction: Option<&mut Redaction>,
    capacity: usize,
) -> SpanTable {
    span_ops.sort_by_key(|op| op.timestamp);
    let mut table = SpanTable::new(capacity);
    for mut op in span_ops {
        if let Some(redaction) = redaction.as_deref_mut() {
            table.redact(redaction, &mut op);
        }
        table.apply(op);
    }
    table
}

/// Writes `events` (in the order given) and the spans of `table` to a snapshot file.
pub(super) fn write(
    settings: &Settings,
    reason: &str,
    dropped: u64,
    events: impl Iterator<Item = LogEvent>,
    table: &SpanTable,
    names: &mut ThreadNames,
) -> Result<PathBuf, WriteError> {
    write_with_clock(
        settings,
        reason,
        dropped,
        events,
        table,
        names,
        &clock::converter(),
        clock::now(),
    )
}

/// [`write`], with times converted by `conv` and spans still open measured up to `now` (a
/// recovered file's clock, not this process's).
///
/// The events are streamed to the file as they come, one at a time: writing a snapshot takes
/// the span table and a record's worth of buffers, not the recorder's size again. Then the
/// settings' retention is applied to the directory.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_with_clock(
    settings: &Settings,
    reason: &str,
    dropped: u64,
    events: impl Iterator<Item = LogEvent>,
    table: &SpanTable,
    names: &mut ThreadNames,
    conv: &Converter,
    now: u64,
) -> Result<PathBuf, WriteError> {
    let mut header = Header::new(settings.service.clone(), reason);
    header.capacity = settings.capacity as u64;
    header.dropped = dropped;
    header.created = SystemTime::now();
    let sorted = table.sorted();
    for s in &sorted {
        names.get(s.thread);
    }
    let spans: Vec<snapshot::Span> = sorted
        .iter()
        .map(|s| span_of(s, names.cached(s.thread), now, conv))
        .collect();
    let mut file = SnapshotFile::create(&settings.dir, &header)?;
    file.spans(&spans)?;
    drop(spans);
    for event in events {
        let name = names.get(event.thread_index());
        file.event(&record_of(&event, name, table, conv))?;
    }
    let path = file.finish()?;
    if let Some(retention) = settings.retention {
        apply_retention(settings, retention, &path);
    }
    Ok(path)
}

/// Removes the oldest snapshot files of the service beyond `retention` (never `written`),
/// saying on stderr what it could not remove.
pub(crate) fn apply_retention(
    settings: &Settings,
    retention: Retention,
    written: &std::path::Path,
) {
    if let Err(e) = retention::apply(&settings.dir, &settings.service, retention, written) {
        eprintln!(
            "ttlog: cannot remove old snapshots in {}: {e}",
            settings.dir.display()
        );
    }
}

/// A span of the table as a snapshot stores it: the start converted with `conv` (as the
/// events' times are), the end as the start plus the elapsed time (as `close` lines measure
/// it), busy time up to `now`, and only the fields that have been given a value.
pub(crate) fn span_of(
    s: &SpanData,
    thread_name: &str,
    now: u64,
    conv: &Converter,
) -> snapshot::Span {
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
