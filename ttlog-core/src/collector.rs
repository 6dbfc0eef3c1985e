//! The collector: the one background thread ("ttlog") that drains every ring.
//!
//! Each turn of the loop picks up newly registered rings, drains every ring into one batch,
//! reports any newly dropped events, sorts the batch by timestamp, writes it to the sinks,
//! keeps it in the flight recorder, flushes the sinks, and then answers commands (snapshot,
//! flush, shutdown). When a turn finds nothing to do it parks with a growing timeout; a
//! producer whose ring is half full, and every command sender, wakes it.
//!
//! All formatting and I/O happens here, never on the threads that log. A sink that panics
//! is caught, removed, and reported, and a snapshot is written: the collector keeps running.

use std::cell::Cell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crossbeam_channel::{Receiver, Sender};

use crate::callsite::Callsite;
use crate::clock::{self, Converter};
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;
use crate::level::Level;
use crate::record::{Fields, Record};
use crate::recorder::Recorder;
use crate::redact::{Redaction, Redactor};
use crate::ring_logger::{RingEntry, Runtime};
use crate::ring_record;
use crate::sink::Sink;
use crate::snapshot::{self, Header, SpanStatus, WriteError};
use crate::span::context::is_trace_callsite;
use crate::span::table::{SpanData, SpanTable};
use crate::span::{SpanEvents, SpanOpKind};
use crate::sync::global::Ordering;

/// A request to the collector.
pub(crate) enum Command {
    /// Drain, then write the recorder to a snapshot file.
    Snapshot {
        reason: String,
        reply: Sender<Result<PathBuf, WriteError>>,
    },
    /// Drain, then flush every sink.
    Flush { reply: Sender<()> },
    /// Drain everything, flush, and stop.
    Shutdown { reply: Sender<()> },
}

/// What the collector needs besides its runtime.
pub(crate) struct Config {
    pub(crate) sinks: Vec<Box<dyn Sink>>,
    pub(crate) capacity: usize,
    pub(crate) snapshot_dir: PathBuf,
    pub(crate) service: String,
    pub(crate) span_events: SpanEvents,
    /// The redaction rules; `None` turns redaction off.
    pub(crate) redaction: Option<Redactor>,
}

thread_local! {
    static IS_COLLECTOR: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread is a collector (which must never wait for its own rings).
pub(crate) fn on_collector_thread() -> bool {
    IS_COLLECTOR.try_with(Cell::get).unwrap_or(false)
}

/// Starts the collector thread.
pub(crate) fn spawn(
    runtime: Arc<Runtime>,
    commands: Receiver<Command>,
    config: Config,
) -> std::io::Result<JoinHandle<()>> {
    let collector = Collector {
        recorder: Recorder::new(config.capacity),
        runtime: runtime.clone(),
        commands,
        rings: Vec::new(),
        sinks: Sinks {
            slots: config
                .sinks
                .into_iter()
                .map(|sink| SinkSlot { sink, errors: 0 })
                .collect(),
            names: ThreadNames::default(),
        },
        quota: Vec::new(),
        spans: SpanTable::new(config.capacity),
        span_events: config.span_events,
        redaction: config.redaction.map(Redaction::new),
        retired_drops: 0,
        snapshot_dir: config.snapshot_dir,
        service: config.service,
        state: State::Running,
    };
    let handle = std::thread::Builder::new()
        .name("ttlog".into())
        .spawn(move || collector.run())?;
    runtime.set_collector(handle.thread().clone());
    Ok(handle)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Running,
    Stopping,
}

struct SinkSlot {
    sink: Box<dyn Sink>,
    errors: u64,
}

struct Collector {
    runtime: Arc<Runtime>,
    commands: Receiver<Command>,
    rings: Vec<RingEntry>,
    recorder: Recorder,
    sinks: Sinks,
    /// Per ring, the ring position (in words) where this turn stops: the end of what was
    /// there when the turn began.
    quota: Vec<usize>,
    /// The spans, rebuilt from the span records in the rings.
    spans: SpanTable,
    /// Which span moments get lines of their own.
    span_events: SpanEvents,
    /// Masks secrets in events and span fields as they leave the rings (before the recorder,
    /// the sinks and snapshots see them); `None` when redaction is off.
    redaction: Option<Redaction>,
    /// Drop counts of rings already forgotten.
    retired_drops: u64,
    snapshot_dir: PathBuf,
    service: String,
    state: State,
}

/// Marks the runtime stopped however the thread ends, so no producer waits forever.
struct StopOnExit(Arc<Runtime>);

impl Drop for StopOnExit {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::Release);
    }
}

static DROPPED_CALLSITE: Callsite = Callsite::new(
    Level::Warn,
    "ttlog",
    "ttlog_core::collector",
    file!(),
    line!(),
    "ttlog dropped {} events",
    &["dropped"],
);

const MAX_PARK: Duration = Duration::from_millis(10);

/// How many times one turn may extend its quotas to find the creation of a span that a
/// record names (see `turn`).
const MAX_REFRESHES: u32 = 16;

impl Collector {
    fn run(mut self) {
        let _ = IS_COLLECTOR.try_with(|c| c.set(true));
        let _stop = StopOnExit(self.runtime.clone());
        let mut park = Duration::from_micros(50);
        while self.state == State::Running {
            let handled = self.turn();
            let commands = self.answer_commands();
            if handled == 0 && commands == 0 {
                std::thread::park_timeout(park);
                park = (park * 2).min(MAX_PARK);
            } else {
                park = Duration::from_micros(50);
            }
        }
        // Stopping: take what arrived since the shutdown command was answered.
        self.drain_all();
        crate::local::release();
    }

    /// Turns until the rings are empty (at most 64 turns, in case a producer keeps logging),
    /// then flushes the sinks.
    fn drain_all(&mut self) {
        for _ in 0..64 {
            if self.turn() == 0 {
                break;
            }
        }
        self.sinks.flush();
    }

    /// One drain of every ring into the recorder and the sinks. Returns the events handled.
    ///
    /// Each ring is already in timestamp order (one thread, one monotonic clock), so the turn
    /// merges the rings: it repeatedly takes the ring whose oldest event is oldest. It takes
    /// only what was in each ring when the turn began, so a busy producer cannot keep the
    /// collector from answering commands. Each event is moved once, from its ring slot into
    /// the recorder, and the sinks read it there.
    fn turn(&mut self) -> usize {
        self.rings.extend(self.runtime.take_pending());
        let mut dropped = self.retired_drops;
        let mut abandoned_any = false;
        self.quota.clear();
        for ring in &mut self.rings {
            // Read `abandoned` before the length: the producer sets it after its last push,
            // so a ring seen abandoned here is drained completely by this turn.
            ring.abandoned = ring.consumer.is_abandoned();
            abandoned_any |= ring.abandoned;
            self.quota
                .push(ring.consumer.position().wrapping_add(ring.consumer.len()));
            dropped += ring.consumer.dropped();
        }
        dropped += self.runtime.lost.load(Ordering::Relaxed);

        let conv = clock::converter();
        let mut n = 0;
        let mut refreshes = 0;
        let mut missing: Vec<u64> = Vec::new();
        while let Some(i) = self.oldest_ring() {
            let ring = &mut self.rings[i].consumer;
            let Some(kind) = ring.peek().map(|r| ring_record::kind(r.meta())) else {
                // Unreachable: `oldest_ring` just peeked a record there.
                self.quota[i] = ring.position();
                continue;
            };
            if refreshes < MAX_REFRESHES {
                // A record naming a span the table does not know yet (an event in it, or an
                // enter, exit, record or close of it): the span may have been created on
                // another thread whose ring was measured for this turn before the creation
                // was pushed. Extend every ring's quota to what is there now and merge again,
                // so the creation (older than this record) comes first. A span still unknown
                // after that (created before the logger, dropped with a full ring, or
                // forgotten) is remembered for the turn and costs no more refreshes.
                // SAFETY: `span_named` reads the span id the record's kind places in it.
                #[allow(unsafe_code)]
                let span = ring.peek().map_or(0, |r| unsafe {
                    ring_record::span_named(r.meta(), r.payload())
                });
                if span != 0 && self.spans.get(span).is_none() && !missing.contains(&span) {
                    missing.push(span);
                    refreshes += 1;
                    for (q, ring) in self.quota.iter_mut().zip(&self.rings) {
                        *q = ring.consumer.position().wrapping_add(ring.consumer.len());
                    }
                    continue;
                }
            }
            n += 1;
            if kind != ring_record::Kind::Event {
                if let Some(record) = ring.peek() {
                    // SAFETY: the kind says this is a span record; it is read once, and
                    // `advance` follows immediately.
                    #[allow(unsafe_code)]
                    let mut op = unsafe { ring_record::read_span(record.meta(), record.payload()) };
                    ring.advance();
                    if let Some(redaction) = &mut self.redaction {
                        let callsite = match &op.kind {
                            SpanOpKind::New { callsite, .. } => Some(*callsite),
                            SpanOpKind::Record { .. } => {
                                self.spans.get(op.id.into_u64()).map(|s| s.callsite)
                            }
                            _ => None,
                        };
                        // A trace context's span holds ids, which must stay readable: the
                        // table reads its trace from them.
                        if let Some(callsite) = callsite.filter(|cs| !is_trace_callsite(cs)) {
                            redaction.span_op(callsite, &mut op.kind);
                        }
                    }
                    let line = match op.kind {
                        SpanOpKind::New { .. } => self.span_events.contains(SpanEvents::NEW),
                        SpanOpKind::Close => self.span_events.contains(SpanEvents::CLOSE),
                        _ => false,
                    };
                    let (id, at) = (op.id.into_u64(), op.timestamp);
                    self.spans.apply(op);
                    if line {
                        self.span_line(id, at, &conv);
                    }
                }
                continue;
            }
            let redaction = &mut self.redaction;
            let Some(event) = self.recorder.take_from(ring, |event| {
                if let Some(redaction) = redaction {
                    redaction.event(event);
                }
            }) else {
                continue;
            };
            if let Some(failed) = self.sinks.write(event, &self.spans, &conv) {
                self.sink_panicked(failed);
            }
        }

        let reported = self.runtime.reported_dropped.load(Ordering::Relaxed);
        if dropped > reported {
            let event = self.recorder.push(dropped_event(dropped - reported));
            if let Some(failed) = self.sinks.write(event, &self.spans, &conv) {
                self.sink_panicked(failed);
            }
            self.runtime
                .reported_dropped
                .store(dropped, Ordering::Release);
            n += 1;
        }
        if abandoned_any {
            let mut i = 0;
            while i < self.rings.len() {
                let ring = &self.rings[i];
                if ring.abandoned && ring.consumer.is_empty() {
                    self.retired_drops += ring.consumer.dropped();
                    self.rings.swap_remove(i);
                } else {
                    i += 1;
                }
            }
        }
        if n > 0 {
            self.sinks.flush();
        }
        n
    }

    /// The ring (not yet read up to its end for this turn) whose oldest event is the oldest.
    #[inline]
    fn oldest_ring(&mut self) -> Option<usize> {
        let mut best: Option<(usize, u64)> = None;
        for (i, ring) in self.rings.iter_mut().enumerate() {
            // Records are published whole (a padding record together with the record after
            // it), so a position snapshot taken at the turn's start is always a record
            // boundary, and reading stops exactly there.
            if ring.consumer.position() == self.quota[i] {
                continue;
            }
            let Some(record) = ring.consumer.peek() else {
                continue;
            };
            // SAFETY: every record kind keeps its timestamp in word 1.
            #[allow(unsafe_code)]
            let t = unsafe { ring_record::timestamp(record.payload()) };
            if best.is_none_or(|(_, bt)| t < bt) {
                best = Some((i, t));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Writes a `new` or `close` line for span `id` (see [`SpanEvents`]) to the sinks. It is
    /// not kept in the recorder: snapshots hold the span itself.
    fn span_line(&mut self, id: u64, at: u64, conv: &Converter) {
        let Some(span) = self.spans.get(id) else {
            return;
        };
        let mut timings = [
            (String::from("elapsed_ms"), FieldValue::EMPTY),
            (String::from("elapsed_us"), FieldValue::EMPTY),
            (String::from("busy_us"), FieldValue::EMPTY),
        ];
        let (message, fields) = match span.end {
            Some(end) => {
                let elapsed = conv.nanos_between(span.start, end);
                timings[0].1 = FieldValue::from(elapsed as f64 / 1e6);
                timings[1].1 = FieldValue::from(elapsed / 1000);
                timings[2].1 = FieldValue::from(conv.nanos_between(0, span.busy) / 1000);
                ("close", Fields::pairs(&timings))
            }
            None => ("new", Fields::empty()),
        };
        let cs = span.callsite;
        let Sinks { slots, names } = &mut self.sinks;
        let record = Record {
            level: cs.level(),
            timestamp: conv.to_system_time(at),
            target: cs.target(),
            module_path: cs.module_path(),
            file: cs.file(),
            line: cs.line(),
            message,
            thread_name: names.get(span.thread),
            thread_id: u64::from(span.thread),
            span_id: id,
            spans: Some(&self.spans),
            fields,
        };
        let failed = Sinks::write_slots(slots, &record);
        if let Some(failed) = failed {
            self.sink_panicked(failed);
        }
    }

    #[cold]
    fn sink_panicked(&mut self, index: usize) {
        self.sinks.slots.remove(index);
        eprintln!("ttlog: sink #{index} panicked and was removed");
        // The panic hook logged the panic on this thread; take it in, then snapshot.
        self.turn();
        match self.write_snapshot("collector-panic") {
            Ok(path) => eprintln!("ttlog: snapshot written to {}", path.display()),
            Err(e) => eprintln!("ttlog: could not write snapshot: {e}"),
        }
    }

    fn answer_commands(&mut self) -> usize {
        let mut n = 0;
        while let Ok(command) = self.commands.try_recv() {
            n += 1;
            match command {
                Command::Snapshot { reason, reply } => {
                    self.turn();
                    let result = self.write_snapshot(&reason);
                    let _ = reply.send(result);
                }
                Command::Flush { reply } => {
                    self.turn();
                    self.sinks.flush();
                    let _ = reply.send(());
                }
                Command::Shutdown { reply } => {
                    self.state = State::Stopping;
                    self.drain_all();
                    self.runtime.running.store(false, Ordering::Release);
                    let _ = reply.send(());
                    return n;
                }
            }
        }
        n
    }

    /// Writes the recorder's events and every span in the table to a snapshot file.
    fn write_snapshot(&mut self, reason: &str) -> Result<PathBuf, WriteError> {
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
        let mut header = Header::new(self.service.clone(), reason);
        header.capacity = self.recorder.capacity() as u64;
        header.dropped = self.runtime.reported_dropped.load(Ordering::Relaxed);
        header.created = SystemTime::now();
        let names = &self.sinks.names;
        let spans: Vec<snapshot::Span> = table
            .iter()
            .map(|s| span_of(s, names.cached(s.thread), now, &conv))
            .collect();
        let records = events
            .iter()
            .map(|e| record_of(e, names.cached(e.thread_index()), &self.spans, &conv));
        snapshot::write_with_spans(&self.snapshot_dir, &header, &spans, records)
    }
}

/// The sinks, and what they need besides the event.
struct Sinks {
    slots: Vec<SinkSlot>,
    names: ThreadNames,
}

impl Sinks {
    /// Hands `event` to every sink. A sink that panics does not cost the others the event;
    /// the index of the first one that did is returned, for the caller to remove.
    fn write(&mut self, event: &LogEvent, spans: &SpanTable, conv: &Converter) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let name = self.names.get(event.thread_index());
        let record = record_of(event, name, spans, conv);
        Sinks::write_slots(&mut self.slots, &record)
    }

    /// Hands `record` to every sink (see `write`).
    fn write_slots(slots: &mut [SinkSlot], record: &Record<'_>) -> Option<usize> {
        let mut failed = None;
        for (i, slot) in slots.iter_mut().enumerate() {
            match catch_unwind(AssertUnwindSafe(|| slot.sink.write(record))) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    slot.errors += 1;
                    if slot.errors == 1 {
                        eprintln!("ttlog: sink #{i} failed to write: {e} (further errors from it are counted, not printed)");
                    }
                }
                Err(_) => failed = failed.or(Some(i)),
            }
        }
        failed
    }

    fn flush(&mut self) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match catch_unwind(AssertUnwindSafe(|| slot.sink.flush())) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    slot.errors += 1;
                    if slot.errors == 1 {
                        eprintln!("ttlog: sink #{i} failed to flush: {e} (further errors from it are counted, not printed)");
                    }
                }
                Err(_) => eprintln!("ttlog: sink #{i} panicked while flushing"),
            }
        }
    }
}

/// Thread names by index, looked up once per thread (the last one is kept at hand: events
/// come in runs from one thread).
#[derive(Default)]
struct ThreadNames {
    names: HashMap<u32, Arc<str>>,
    last: Option<(u32, Arc<str>)>,
}

impl ThreadNames {
    fn get(&mut self, index: u32) -> &str {
        if self.last.as_ref().is_none_or(|(i, _)| *i != index) {
            let name = self
                .names
                .entry(index)
                .or_insert_with(|| crate::thread::name(index))
                .clone();
            self.last = Some((index, name));
        }
        self.last
            .as_ref()
            .map(|(_, n)| &**n)
            .unwrap_or(crate::thread::UNNAMED)
    }

    /// A name already looked up with [`get`](Self::get).
    fn cached(&self, index: u32) -> &str {
        self.names
            .get(&index)
            .map(|n| &**n)
            .unwrap_or(crate::thread::UNNAMED)
    }
}

/// The decoded view of an event, borrowing from it.
fn record_of<'a>(
    event: &'a LogEvent,
    thread_name: &'a str,
    spans: &'a SpanTable,
    conv: &Converter,
) -> Record<'a> {
    let cs = event.callsite();
    Record {
        level: cs.level(),
        timestamp: conv.to_system_time(event.raw_timestamp()),
        target: cs.target(),
        module_path: cs.module_path(),
        file: cs.file(),
        line: cs.line(),
        message: event.message(),
        thread_name,
        thread_id: event.thread_index() as u64,
        span_id: event.span_id(),
        spans: Some(spans),
        fields: Fields::split(cs.field_names(), event.values()),
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

fn dropped_event(n: u64) -> LogEvent {
    let mut values = Values::new();
    values.push(FieldValue::from(n));
    let mut event = LogEvent::with_message(
        &DROPPED_CALLSITE,
        FieldValue::from(format!("ttlog dropped {n} events")),
        values,
    );
    event.set_thread_index(crate::thread::current_index());
    event
}
