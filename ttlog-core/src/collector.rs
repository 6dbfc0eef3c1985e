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
use crate::ring_logger::{RingEntry, Runtime};
use crate::sink::Sink;
use crate::snapshot::{self, Header, WriteError};
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
        sinks: config
            .sinks
            .into_iter()
            .map(|sink| SinkSlot { sink, errors: 0 })
            .collect(),
        batch: Vec::with_capacity(1024),
        thread_names: HashMap::new(),
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
    sinks: Vec<SinkSlot>,
    batch: Vec<LogEvent>,
    thread_names: HashMap<u32, Arc<str>>,
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
        // Stopping: take what is left (bounded, in case a producer keeps logging).
        for _ in 0..64 {
            if self.turn() == 0 {
                break;
            }
        }
        self.flush_sinks();
        crate::local::release();
    }

    /// One drain of every ring into the sinks and the recorder. Returns the events handled.
    fn turn(&mut self) -> usize {
        self.rings.extend(self.runtime.take_pending());
        let mut dropped = self.retired_drops;
        let mut i = 0;
        while i < self.rings.len() {
            let ring = &mut self.rings[i];
            // Read `abandoned` before draining: the producer sets it after its last push.
            let abandoned = ring.consumer.is_abandoned();
            let batch = &mut self.batch;
            ring.consumer.drain_into(|e| batch.push(e));
            dropped += ring.consumer.dropped();
            if abandoned {
                self.retired_drops += ring.consumer.dropped();
                self.rings.swap_remove(i);
            } else {
                i += 1;
            }
        }
        dropped += self.runtime.lost.load(Ordering::Relaxed);
        let reported = self.runtime.reported_dropped.load(Ordering::Relaxed);
        if dropped > reported {
            self.batch.push(dropped_event(dropped - reported));
            self.runtime
                .reported_dropped
                .store(dropped, Ordering::Release);
        }
        let n = self.batch.len();
        if n == 0 {
            return 0;
        }
        self.batch.sort_by_key(LogEvent::raw_timestamp);
        let conv = clock::converter();
        let mut batch = std::mem::take(&mut self.batch);
        for event in batch.drain(..) {
            self.write_sinks(&event, &conv);
            self.recorder.push(event);
        }
        self.batch = batch;
        self.flush_sinks();
        n
    }

    fn thread_name(&mut self, index: u32) -> Arc<str> {
        self.thread_names
            .entry(index)
            .or_insert_with(|| crate::thread::name(index))
            .clone()
    }

    fn write_sinks(&mut self, event: &LogEvent, conv: &Converter) {
        if self.sinks.is_empty() {
            return;
        }
        let name = self.thread_name(event.thread_index());
        let record = record_of(event, &name, conv);
        let mut failed = None;
        for (i, slot) in self.sinks.iter_mut().enumerate() {
            match catch_unwind(AssertUnwindSafe(|| slot.sink.write(&record))) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    slot.errors += 1;
                    if slot.errors == 1 {
                        eprintln!("ttlog: sink #{i} failed to write: {e} (further errors from it are counted, not printed)");
                    }
                }
                // The other sinks still get this event; the broken one is removed below.
                Err(_) => failed = failed.or(Some(i)),
            }
        }
        if let Some(i) = failed {
            self.sink_panicked(i);
        }
    }

    #[cold]
    fn sink_panicked(&mut self, index: usize) {
        self.sinks.remove(index);
        eprintln!("ttlog: sink #{index} panicked and was removed");
        // The panic hook logged the panic on this thread; take it in, then snapshot.
        self.turn();
        match self.write_snapshot("collector-panic") {
            Ok(path) => eprintln!("ttlog: snapshot written to {}", path.display()),
            Err(e) => eprintln!("ttlog: could not write snapshot: {e}"),
        }
    }

    fn flush_sinks(&mut self) {
        for (i, slot) in self.sinks.iter_mut().enumerate() {
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
                    self.flush_sinks();
                    let _ = reply.send(());
                }
                Command::Shutdown { reply } => {
                    self.state = State::Stopping;
                    for _ in 0..64 {
                        if self.turn() == 0 {
                            break;
                        }
                    }
                    self.flush_sinks();
                    self.runtime.running.store(false, Ordering::Release);
                    let _ = reply.send(());
                    return n;
                }
            }
        }
        n
    }

    fn write_snapshot(&mut self, reason: &str) -> Result<PathBuf, WriteError> {
        let conv = clock::converter();
        let events = self.recorder.sorted();
        for e in &events {
            let index = e.thread_index();
            self.thread_names
                .entry(index)
                .or_insert_with(|| crate::thread::name(index));
        }
        let mut header = Header::new(self.service.clone(), reason);
        header.capacity = self.recorder.capacity() as u64;
        header.dropped = self.runtime.reported_dropped.load(Ordering::Relaxed);
        header.created = SystemTime::now();
        let names = &self.thread_names;
        let records = events.iter().map(|e| {
            let name = names
                .get(&e.thread_index())
                .map(|n| &**n)
                .unwrap_or(crate::thread::UNNAMED);
            record_of(e, name, &conv)
        });
        snapshot::write(&self.snapshot_dir, &header, records)
    }
}

/// The decoded view of an event, borrowing from it.
fn record_of<'a>(event: &'a LogEvent, thread_name: &'a str, conv: &Converter) -> Record<'a> {
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
        fields: Fields::split(cs.field_names(), event.values()),
    }
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
