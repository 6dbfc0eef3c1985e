//! The fan-out to the sinks: each event is decoded once into a [`Record`] and handed to every
//! sink; a sink that fails is counted, one that panics is reported for removal. Thread names
//! are looked up once per thread.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use super::spans::SpanTable;
use crate::clock::Converter;
use crate::event::LogEvent;
use crate::record::{Fields, Record};
use crate::sink::Sink;

/// A sink and its error count.
pub(super) struct SinkSlot {
    pub(super) sink: Box<dyn Sink>,
    pub(super) errors: u64,
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

    pub(super) fn flush(&mut self) {
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
pub(super) fn record_of<'a>(
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
