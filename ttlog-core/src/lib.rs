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
//! LogEvent { &'static Callsite, clock ticks, values: SmallVec<FieldValue> }   built on the stack
//!   ▼
//! global Logger (ArcSwap; default: the ring logger)                    logger.rs
//!   ▼
//! this thread's lock-free SPSC ring                                    ring.rs, local.rs
//!   ▼
//! collector thread "ttlog": drain, merge by timestamp                  collector.rs
//!   ├── flight recorder: the newest N events                          recorder.rs
//!   ├── sinks: console / file / writer, formatted here                sink/
//!   └── snapshots: on demand, on panic, on signals                    snapshot/, panic.rs
//! ```
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
pub mod sink;
pub mod snapshot;
pub mod thread;

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
pub use field::{Field, FieldValue, ToFieldValue, ValueRef};
pub use init::{
    init, Builder, Guard, InitError, SignalInstaller, DEFAULT_CAPACITY, DEFAULT_RING_CAPACITY,
    SHUTDOWN_TIMEOUT,
};
pub use level::{max_level, set_max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use logger::{logger, set_logger, take_logger, Logger, NopLogger};
pub use record::{Fields, Record};
pub use ring_logger::{Handle, Overflow, RingLogger, SnapshotRequestError};
pub use ring_record::RING_BYTES_PER_EVENT;
pub use sink::{FileSink, Format, Sink, WriterSink};
