//! The core of ttlog: events, the lock-free path from the caller to the collector, sinks,
//! filters and flight-recorder snapshots.
//!
//! Applications use it through the `ttlog` facade crate (`ttlog::init()`, `ttlog::info!`);
//! this crate holds the runtime itself. An event travels like this:
//!
//! ```text
//! ttlog::info!("user logged in", user_id = 42, ip = %addr)
//!   │ 1. compile-time level gate   (STATIC_MAX_LEVEL: code removed)
//!   │ 2. run-time gate             (max_level(): one relaxed load)
//!   │ 3. callsite gate             (Callsite::is_enabled: cached, rebuilt on filter change)
//!   ▼
//! [FieldValue; N] on the stack      (24 bytes each; no heap for numbers, bools, chars, short
//!   │                                 text and &'static str; `%`/`?` formatted inline)
//!   ▼
//! global logger (ArcSwap; default: the ring logger, recognised by one relaxed load)   logger.rs
//!   ▼
//! this thread's lock-free SPSC ring: the event is written in place as one record     ring.rs,
//!   [header | &'static Callsite | clock ticks | span | values…], no copy, no lock     local.rs,
//!   full ring: Overflow::Drop counts it, Overflow::Block waits                       ring_record.rs
//!   ▼
//! collector thread "ttlog": merge rings by timestamp, decode each record into a LogEvent,
//!   │                        mask secrets in it (redact/: keys and patterns, on by default)
//!   ├── flight recorder: the newest N LogEvents                       recorder.rs
//!   ├── sinks: console / file / writer, formatted here                sink/
//!   └── snapshots: on demand, on panic, on signals                    snapshot/, panic.rs
//! ```
//!
//! Unsafe code is confined to the modules that need it for speed (`ring`, `ring_record`,
//! `local`, and small parts of `event` and `ring_logger`), each block with a `SAFETY:` comment;
//! loom models the ring's protocol and Miri runs the in-place event tests.
//!
//! Formatting and I/O never run on the caller's thread.

#![deny(unsafe_code)]

pub mod callsite;
pub mod clock;
pub mod event;
pub mod field;
pub mod filter;
pub mod level;
pub mod logger;
pub mod record;
pub mod redact;
pub mod sink;
pub mod snapshot;
pub mod span;
pub mod thread;
pub mod trace_context;

mod callsite_intern;
mod collector;
mod init;
mod local;
mod panic;
mod recorder;
pub mod ring;
mod ring_logger;
mod ring_record;
mod sync;

#[doc(hidden)]
pub mod __private;

pub use callsite::Callsite;
pub use event::{EventBuilder, LogEvent};
pub use field::{Field, FieldValue, StructFields, ToFieldValue, ValueRef};
pub use init::{
    init, AdapterInstaller, Builder, Guard, InitError, SignalInstaller, DEFAULT_CAPACITY,
    DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY, SHUTDOWN_TIMEOUT,
};
pub use level::{max_level, set_max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use logger::{logger, set_logger, take_logger, Logger, NopLogger};
pub use record::{Fields, Record};
pub use ring_logger::{Handle, Overflow, RingLogger, SnapshotRequestError};
pub use ring_record::RING_BYTES_PER_EVENT;
pub use sink::{FileSink, Format, Sink, WriterSink};
pub use span::{
    current_trace_context, Entered, EnteredSpan, Instrument, Instrumented, RawEntered, Span,
    SpanEvents, SpanId,
};
pub use trace_context::{
    CorrelationId, ParentId, TraceContext, TraceContextError, TraceContextErrorKind, TraceFlags,
    TraceId, TraceState,
};
