//! Sinks: where the collector writes events, and the text formats it writes them in.
//!
//! Callers never format or do I/O: an event is moved through the ring as values, and the
//! collector thread turns it into a [`Record`](crate::Record) and hands that to every [`Sink`]. So a sink is
//! where the cost of logging is actually paid, once, off the hot path, and it is built to pay
//! little:
//!
//! - [`format_record`] writes one event as one line into a reused `Vec<u8>` (no `String`s, no
//!   allocation once the buffer is warm), in one of four [`Format`]s.
//! - [`WriterSink`] (and [`console`] and [`FileSink`], which are built on it) collects lines in
//!   a buffer and writes it when it passes [`BATCH_BYTES`] or when the collector calls
//!   [`Sink::flush`], which it does after each batch of events it drains. A burst of a
//!   thousand events costs a handful of `write` system calls, not a thousand, while a quiet
//!   program still sees each line as soon as the collector wakes up.
//! - The builder's console, file and writer sinks are [`BackgroundSink`]s: the collector
//!   formats their batches, and a thread of each sink's own writes them, so a destination that
//!   stalls (a pipe nobody reads, a hung network disk) or fails (a full disk) holds up neither
//!   the collector nor the other sinks. Every event a sink loses is counted ([`Delivery`],
//!   [`Stats`](crate::Stats)) and reported in-band.
//! - Text from the event is escaped, so one event is exactly one line and a logged value can
//!   neither forge a line nor send escape sequences to a terminal.
//!
//! Any `FnMut(&Record<'_>)` closure is a sink too, which is handy in tests and for forwarding
//! events to something that is not a byte stream.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use ttlog_core::sink::Sink;
//! use ttlog_core::{Fields, Level, Record};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let seen2 = Arc::clone(&seen);
//! let mut sink = move |r: &Record<'_>| seen2.lock().unwrap().push(r.message.to_owned());
//! # let record = Record { level: Level::Info, timestamp: std::time::SystemTime::now(),
//! #     target: "t", module_path: "t", file: "", line: 0, message: "hello",
//! #     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
//! sink.write(&record).unwrap();
//! assert_eq!(*seen.lock().unwrap(), ["hello"]);
//! ```
//!
//! 1. `contract.rs` — the [`Sink`] trait and [`Delivery`].
//!    `writer.rs` — sinks that write on the collector's thread: [`WriterSink`] (batched lines
//!    into any writer), [`console`] and [`FileSink`].
//! 2. `format/` — [`format_record`]: one event as one line, in each [`Format`].
//! 3. `escape.rs` — escaping values for text and JSON (no log injection).
//! 4. `background.rs` — [`BackgroundSink`]: lines written by a thread of the sink's own, so a
//!    stalled destination never holds up the collector; every event it loses is counted.
//! 5. `output.rs` — what that thread writes to, and [`FileOptions`] (mode, symlinks).
//! 6. `batch.rs` — owned, decoded events that can be formatted on another thread; `pool.rs`
//!    — the formatting workers that format them for the `BackgroundSink`s, in order.

mod background;
pub(crate) mod batch;
mod contract;
pub mod escape;
pub mod format;
mod output;
pub(crate) mod pool;
mod writer;

pub use background::{BackgroundSink, DEFAULT_STALL_TIMEOUT, QUEUE_BATCHES};
pub(crate) use contract::WriteErrors;
pub use contract::{Delivery, Sink};
pub use format::{format_record, Format, Formatter};
pub use output::FileOptions;
pub use writer::{console, FileSink, WriterSink, BATCH_BYTES, MAX_RETAINED_BYTES};
