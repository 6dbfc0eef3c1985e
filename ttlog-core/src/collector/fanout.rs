//! The fan-out to the sinks: each event is decoded once into a [`Record`] and handed to every
//! sink; a sink that fails is counted, one that panics is reported for removal. Thread names
//! are looked up once per thread.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use super::spans::SpanTable;
use crate::clock::Converter;
use crate::event::LogEvent;
use crate::record::{Fields, Record};
use crate::sink::Sink;

/// A sink and its counts.
pub(super) struct SinkSlot {
    pub(super) sink: Box<dyn Sink>,
    /// Its name, asked once.
    pub(super) name: String,
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
    pub(super) fn new(sink: Box<dyn Sink>) -> SinkSlot {
        SinkSlot {
            name: sink.name(),
            sink,
            handed: 0,
            errors: 0,
            failed: 0,
            reported_lost: 0,
            last_report: None,
        }
    }
}

/// The sinks, and what they need besides the event.
pub(super) struct Sinks {
    pub(super) slots: Vec<SinkSlot>,
    pub(super) names: ThreadNames,
}

impl Sinks {
    /// Hands `event` to every sink. A sink that panics does not cost the others the event;
    /// the index of the first one that did is returned, for the caller to remove.
    pub(super) fn write(
        &mut self,
        event: &LogEvent,
        spans: &SpanTable,
        conv: &Converter,
    ) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let name = self.names.get(event.thread_index());
        let record = record_of(event, name, spans, conv);
        Sinks::write_slots(&mut self.slots, &record)
    }

    /// Hands `record` to every sink (see `write`).
    pub(super) fn write_slots(slots: &mut [SinkSlot], record: &Record<'_>) -> Option<usize> {
        let mut failed = None;
        for (i, slot) in slots.iter_mut().enumerate() {
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
