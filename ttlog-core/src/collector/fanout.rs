//! The fan-out to the sinks: each event is decoded once into a [`Record`] and handed to every
//! sink; a sink that fails is counted, one that panics is reported for removal. Thread names
//! are looked up once per thread.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use super::spans::{IdMap, SpanTable};
use crate::clock::Converter;
use crate::event::LogEvent;
use crate::field::value::FieldValue;
use crate::record::{Fields, Record};
use crate::sink::batch::{Batch, Item, ScopeChain, What};
use crate::sink::pool::FormatPool;
use crate::sink::{BackgroundSink, Sink, BATCH_BYTES};

/// `sink` as a [`BackgroundSink`], if it is one (its batches can go to the workers).
fn background(sink: &mut dyn Sink) -> Option<&mut BackgroundSink> {
    sink.as_any_mut()?.downcast_mut()
}

/// A sink and its counts.
pub(super) struct SinkSlot {
    pub(super) sink: Box<dyn Sink>,
    /// Its name, asked once.
    pub(super) name: String,
    /// Its records go into [`Sinks::batch`] and its lines are formatted by the formatting
    /// workers (a [`BackgroundSink`](crate::sink::BackgroundSink) when the collector has
    /// workers); otherwise it gets each record through `write`, on this thread.
    pub(super) batched: bool,
    /// Events handed to it.
    pub(super) handed: u64,
    /// Writes and flushes that failed (for a sink on this thread, each failed write lost
    /// its event).
    pub(super) errors: u64,
    /// Events lost by failed writes (a sink on this thread).
    pub(super) failed: u64,
    /// How many of its lost events were reported in-band.
    pub(super) reported_lost: u64,
    /// When they last were.
    pub(super) last_report: Option<Instant>,
}

impl SinkSlot {
    pub(super) fn new(mut sink: Box<dyn Sink>, pool: Option<&FormatPool>) -> SinkSlot {
        SinkSlot {
            name: sink.name(),
            batched: pool.is_some() && background(&mut *sink).is_some(),
            sink,
            handed: 0,
            errors: 0,
            failed: 0,
            reported_lost: 0,
            last_report: None,
        }
    }
}

/// How many records a batch for the formatting workers holds at most before it is sealed and
/// handed on (it is also sealed at the end of each turn, and before a flush, reopen or
/// close); fewer when its lines would make much more than [`BATCH_BYTES`], so that a sink's
/// queue of [`QUEUE_BATCHES`](crate::sink::QUEUE_BATCHES) holds about as many bytes of
/// lines as when the collector formats them (a stalled sink holds a few MiB, not more).
pub(super) const MAX_BATCH_EVENTS: usize = 4096;

/// The fewest records a batch holds before it is sealed (apart from the end of a turn).
const MIN_BATCH_EVENTS: usize = 64;

/// The batch size before any line length is known.
const FIRST_BATCH_EVENTS: usize = 512;

/// The sinks, and what they need besides the event.
///
/// Order: every record reaches every sink in the order the collector hands it over. A sink on
/// this thread gets it at once; for the batched sinks it is appended to `batch`, which is
/// sealed and submitted to every batched sink in one step, and batches are submitted in the
/// order they were sealed (each sink's queue keeps that order to the write, see
/// `sink/pool.rs`). Nothing is handed to a batched sink except through `batch`, so a record
/// never overtakes one handed before it.
pub(super) struct Sinks {
    pub(super) slots: Vec<SinkSlot>,
    pub(super) names: ThreadNames,
    /// The formatting workers; `None` when the collector formats on its own thread.
    pub(super) pool: Option<FormatPool>,
    /// Records for the batched sinks, not yet submitted (touched by this thread only).
    pub(super) batch: Vec<Item>,
    /// The scope chains of recent spans, by span id, made at span-table generation
    /// `scopes_at`.
    scopes: IdMap<Arc<ScopeChain>>,
    scopes_at: u64,
    /// How many records make a batch now: [`BATCH_BYTES`] of lines at the longest mean line
    /// length of the batched sinks, between the two bounds above.
    batch_events: usize,
    /// The text in `batch` so far, estimated from its records' messages and text values as
    /// they are pushed: a batch is also sealed when this reaches [`BATCH_BYTES`], so a batch
    /// of long lines stays near `BATCH_BYTES` whatever the last batches' line length was
    /// (that length is learnt only once a sink's thread takes a batch, late when lines grow
    /// and never while the sink is stuck).
    batch_bytes: usize,
}

/// What a record's line will take, roughly: a line's fixed parts, its target, message and
/// text values (escaping can make them longer, by a bounded factor).
fn estimated_bytes(event: &LogEvent) -> usize {
    let cs = event.callsite();
    let mut n = 64 + cs.target().len() + event.message().len();
    for v in event.values().iter() {
        n += 16 + v.as_str().map_or(8, str::len);
    }
    n
}

/// The most span chains kept at hand.
const MAX_SCOPES: usize = 4096;

impl Sinks {
    /// `sinks`, with `format_threads` formatting workers for the background sinks (`0`: they
    /// format on the collector's thread).
    pub(super) fn new(sinks: Vec<Box<dyn Sink>>, format_threads: usize) -> Sinks {
        let mut sinks = sinks;
        let batchable = sinks.iter_mut().any(|s| background(&mut **s).is_some());
        let pool = if format_threads > 0 && batchable {
            match FormatPool::start(
                format_threads,
                // Every sink's queue full of jobs, and one more each.
                sinks.len() * (crate::sink::QUEUE_BATCHES + 1),
            ) {
                Ok(pool) => Some(pool),
                Err(e) => {
                    eprintln!(
                        "ttlog: cannot start formatting threads ({e}); formatting on the collector"
                    );
                    None
                }
            }
        } else {
            None
        };
        Sinks {
            slots: sinks
                .into_iter()
                .map(|s| SinkSlot::new(s, pool.as_ref()))
                .collect(),
            names: ThreadNames::default(),
            pool,
            batch: Vec::new(),
            scopes: IdMap::default(),
            scopes_at: 0,
            batch_events: FIRST_BATCH_EVENTS,
            batch_bytes: 0,
        }
    }

    /// Hands `event` to every sink. A sink that panics does not cost the others the event;
    /// the index of the first one that did is returned, for the caller to remove.
    pub(super) fn write(
        &mut self,
        event: LogEvent,
        spans: &SpanTable,
        conv: &Converter,
    ) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let name = self.names.get_arc(event.thread_index());
        let mut failed = None;
        if self.pool.is_none() || self.slots.iter().any(|s| !s.batched) {
            let record = record_of(&event, &name, spans, conv);
            failed = Sinks::write_slots(&mut self.slots, &record);
        }
        if self.pool.is_some() {
            let scope = self.scope(event.span_id(), spans);
            self.batch_bytes += estimated_bytes(&event);
            self.batch.push(Item {
                time: conv.to_system_time(event.raw_timestamp()),
                thread_name: name,
                scope,
                what: What::Event(event),
            });
            if self.batch.len() >= self.batch_events || self.batch_bytes >= BATCH_BYTES {
                failed = failed.or(self.seal());
            }
        }
        failed
    }

    /// Hands a span's `new` or `close` line to every sink (see `write`): `record`, whose
    /// message is `message`, whose fields are `fields` and whose thread's name is `name`.
    pub(super) fn write_span_line(
        &mut self,
        record: &Record<'_>,
        callsite: &'static crate::callsite::site::Callsite,
        message: &'static str,
        fields: &[(String, FieldValue)],
        name: Arc<str>,
        spans: &SpanTable,
    ) -> Option<usize> {
        let mut failed = Sinks::write_slots(&mut self.slots, record);
        if self.pool.is_some() {
            let scope = self.scope(record.span_id, spans);
            self.batch.push(Item {
                time: record.timestamp,
                thread_name: name,
                scope,
                what: What::SpanLine {
                    callsite,
                    message,
                    thread_id: record.thread_id,
                    span_id: record.span_id,
                    fields: fields.to_vec().into_boxed_slice(),
                },
            });
            self.batch_bytes += 128 + message.len();
            if self.batch.len() >= self.batch_events || self.batch_bytes >= BATCH_BYTES {
                failed = failed.or(self.seal());
            }
        }
        failed
    }

    /// The scope chain of span `id` as `spans` has it now: memoised, so the events of one
    /// span share one chain until the table changes what a lookup shows.
    fn scope(&mut self, id: u64, spans: &SpanTable) -> Option<Arc<ScopeChain>> {
        if id == 0 {
            return None;
        }
        if self.scopes_at != spans.generation() || self.scopes.len() >= MAX_SCOPES {
            self.scopes.clear();
            self.scopes_at = spans.generation();
        }
        Some(
            self.scopes
                .entry(id)
                .or_insert_with(|| Arc::new(spans.chain(id)))
                .clone(),
        )
    }

    /// Submits the records collected for the batched sinks to each of them, in one sealed
    /// batch. Returns the index of the first sink found panicked, for the caller to remove.
    pub(super) fn seal(&mut self) -> Option<usize> {
        if self.batch.is_empty() {
            return None;
        }
        let pool = self.pool.as_ref()?;
        let items = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_events));
        self.batch_bytes = 0;
        let n = items.len() as u64;
        let batch = Arc::new(Batch::new(items));
        let mut failed = None;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if !slot.batched {
                continue;
            }
            slot.handed += n;
            let submitted = catch_unwind(AssertUnwindSafe(|| match background(&mut *slot.sink) {
                Some(sink) => sink.submit(&batch, pool),
                None => Err(()),
            }));
            if !matches!(submitted, Ok(Ok(()))) {
                eprintln!("ttlog: sink {} panicked formatting", slot.name);
                failed = failed.or(Some(i));
            }
        }
        let longest = self
            .slots
            .iter_mut()
            .filter(|s| s.batched)
            .filter_map(|s| background(&mut *s.sink).map(|b| b.line_bytes()))
            .max()
            .unwrap_or(0);
        if longest > 0 {
            self.batch_events =
                (BATCH_BYTES / longest as usize).clamp(MIN_BATCH_EVENTS, MAX_BATCH_EVENTS);
        }
        failed
    }

    /// Hands `record` to every sink on this thread (see `write`).
    pub(super) fn write_slots(slots: &mut [SinkSlot], record: &Record<'_>) -> Option<usize> {
        let mut failed = None;
        for (i, slot) in slots.iter_mut().enumerate() {
            if slot.batched {
                continue;
            }
            slot.handed += 1;
            match catch_unwind(AssertUnwindSafe(|| slot.sink.write(record))) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    slot.errors += 1;
                    slot.failed += 1;
                    if slot.errors == 1 {
                        eprintln!(
                            "ttlog: sink {} failed to write: {e} (further errors from it are counted, not printed)",
                            slot.name
                        );
                    }
                }
                Err(_) => {
                    // The event is lost for it; it is removed.
                    slot.failed += 1;
                    failed = failed.or(Some(i));
                }
            }
        }
        failed
    }

    /// Flushes every sink (hands buffered lines over; a sink with a thread of its own does
    /// not wait for it).
    pub(super) fn flush(&mut self) {
        self.each("flush", |sink| sink.flush());
    }

    /// Flushes every sink and waits until `deadline` for each to write what it was handed.
    pub(super) fn sync(&mut self, deadline: Instant) -> bool {
        debug_assert!(self.batch.is_empty(), "seal the batch before a sync");
        let mut all = true;
        for slot in &mut self.slots {
            let done = catch_unwind(AssertUnwindSafe(|| slot.sink.sync(deadline)));
            all &= matches!(done, Ok(Ok(())));
        }
        all
    }

    /// The collector is stopping: each sink writes what it can by `deadline`; the rest is
    /// lost, counted.
    pub(super) fn close(&mut self, deadline: Instant) {
        self.each("close", |sink| {
            sink.close(deadline);
            Ok(())
        });
    }

    /// Tells every sink the deadline the collector works to (`None`: none).
    pub(super) fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.each("set a deadline", |sink| {
            sink.set_deadline(deadline);
            Ok(())
        });
    }

    /// Opens every sink's destination again (logrotate).
    pub(super) fn reopen(&mut self) {
        self.each("reopen", |sink| sink.reopen());
    }

    fn each(&mut self, what: &str, mut f: impl FnMut(&mut dyn Sink) -> std::io::Result<()>) {
        for slot in &mut self.slots {
            match catch_unwind(AssertUnwindSafe(|| f(&mut *slot.sink))) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    slot.errors += 1;
                    if slot.errors == 1 {
                        eprintln!(
                            "ttlog: sink {} failed to {what}: {e} (further errors from it are counted, not printed)",
                            slot.name
                        );
                    }
                }
                Err(_) => eprintln!("ttlog: sink {} panicked in {what}", slot.name),
            }
        }
    }
}

/// Thread names by index, looked up once per thread (the last one is kept at hand: events
/// come in runs from one thread).
#[derive(Default)]
pub(crate) struct ThreadNames {
    pub(super) names: HashMap<u32, Arc<str>>,
    pub(super) last: Option<(u32, Arc<str>)>,
    /// Names of another process (a recovered file): only these, never this process's.
    fixed: bool,
}

impl ThreadNames {
    /// The names of another process's threads, by index.
    pub(crate) fn fixed(names: HashMap<u32, Arc<str>>) -> ThreadNames {
        ThreadNames {
            names,
            last: None,
            fixed: true,
        }
    }

    /// The name of thread `index`, shared.
    pub(super) fn get_arc(&mut self, index: u32) -> Arc<str> {
        self.get(index);
        match &self.last {
            Some((_, name)) => name.clone(),
            None => Arc::from(crate::thread::UNNAMED),
        }
    }

    pub(super) fn get(&mut self, index: u32) -> &str {
        if self.last.as_ref().is_none_or(|(i, _)| *i != index) {
            let fixed = self.fixed;
            let name = self
                .names
                .entry(index)
                .or_insert_with(|| {
                    if fixed {
                        Arc::from(crate::thread::UNNAMED)
                    } else {
                        crate::thread::name(index)
                    }
                })
                .clone();
            self.last = Some((index, name));
        }
        self.last
            .as_ref()
            .map(|(_, n)| &**n)
            .unwrap_or(crate::thread::UNNAMED)
    }

    /// A name already looked up with [`get`](Self::get).
    pub(super) fn cached(&self, index: u32) -> &str {
        self.names
            .get(&index)
            .map(|n| &**n)
            .unwrap_or(crate::thread::UNNAMED)
    }
}

/// The decoded view of an event, borrowing from it.
pub(crate) fn record_of<'a>(
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
        fields: Fields::of_callsite(cs, event.values()),
    }
}

#[cfg(test)]
mod batch_bytes_tests {
    use super::*;
    use crate::callsite::site::Callsite;
    use crate::event::Values;
    use crate::level::Level;
    use crate::sink::{BackgroundSink, Format};
    use std::sync::Mutex;
    use std::time::Duration;

    static CS: Callsite = Callsite::new(Level::Info, "t", "t", "f.rs", 1, "m", &[]);

    /// Records the size of every write the sink's thread makes (a batch is written whole).
    struct Sizes(Arc<Mutex<Vec<usize>>>);
    impl std::io::Write for Sizes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn event(message: String) -> LogEvent {
        LogEvent::from_parts(&CS, 1, 0, Some(FieldValue::from(message)), Values::new())
    }

    /// A sink's queue is meant to hold about QUEUE_BATCHES * BATCH_BYTES (4 MiB) of lines, as
    /// with lines formatted on the collector. Batches are sized by the *last* mean line length
    /// the sink's thread saw, so when lines get longer the next batches hold thousands of long
    /// lines: here one batch is ~1000 lines of 32 KiB (32 MiB; a stalled sink's queue of 64
    /// such batches holds 2 GiB), and even once adapted, 64 lines (MIN_BATCH_EVENTS) of 32 KiB
    /// are 2 MiB a batch, 128 MiB a queue.
    #[test]
    fn batches_of_long_lines_stay_near_batch_bytes() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let sink = BackgroundSink::writer(Sizes(sizes.clone()), Format::Compact);
        let mut sinks = Sinks::new(vec![Box::new(sink)], 1);
        assert!(sinks.pool.is_some());
        let spans = SpanTable::new(64);
        let conv = crate::clock::converter();
        for _ in 0..2000 {
            assert!(sinks.write(event("short".into()), &spans, &conv).is_none());
        }
        assert!(sinks.seal().is_none());
        assert!(sinks.sync(Instant::now() + Duration::from_secs(10)));
        sizes.lock().unwrap().clear();
        let long = "x".repeat(32 * 1024);
        for _ in 0..3000 {
            assert!(sinks.write(event(long.clone()), &spans, &conv).is_none());
        }
        assert!(sinks.seal().is_none());
        assert!(sinks.sync(Instant::now() + Duration::from_secs(30)));
        let max = sizes.lock().unwrap().iter().copied().max().unwrap();
        assert!(
            max <= 4 * BATCH_BYTES,
            "a batch of {max} bytes ({} lines) for a queue meant to hold {} bytes in {} batches",
            max / (32 * 1024),
            crate::sink::QUEUE_BATCHES * BATCH_BYTES,
            crate::sink::QUEUE_BATCHES
        );
    }
}
