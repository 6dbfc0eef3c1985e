//! The core of ttlog: events, the lock-free path from the caller to the collector, sinks,
//! filters and flight-recorder snapshots.
//!
//! Applications use it through the `ttlog` facade crate (`ttlog::init()`, `ttlog::info!`);
//! this crate holds the runtime itself. An event travels like this:
//!
//! ```text
//! ttlog::info!("user logged in", user_id = 42, ip = %addr)
//!   │ 1. compile-time level gate   (STATIC_MAX_LEVEL: code removed)            level.rs
//!   │ 2. run-time gate             (max_level(): one relaxed load)             level.rs
//!   │ 3. callsite gate             (Callsite::is_enabled: cached interest)     callsite/
//!   ▼
//! [FieldValue; N] on the stack      (24 bytes each; no heap for numbers, bools,   field/
//!   │                                 chars, short text and &'static str)
//!   ▼
//! the global logger (default: the ring logger, recognised by one relaxed load)   logger.rs
//!   ▼
//! this thread's lane: the event is written in place, as plain words, into its    ring/
//!   log, a chain of pool segments (in the recorder file's mapping, recorder/)
//!   [header | callsite address | ticks | span | tagged values, text bytes…]  (ring/codec.rs)
//!   a burst grows the chain up to the budget; then Overflow::Drop overwrites the
//!   thread's oldest unread events (counted), Overflow::Block waits  (ring/log.rs)
//!   │
//!   ├── flight recorder: each thread's newest N events stay in its log, whatever
//!   │   the collector does; a dead process's file is recovered   recorder/
//!   ▼
//! collector thread "ttlog": reads every log behind its writer, merges by time,    collector/
//!   │   decodes each record into an event or a span op, redacts it (redact/),
//!   │   keeps the span table
//!   ├── sinks: console / file / writer, formatted here           sink/, collector/fanout.rs
//!   └── snapshots: on demand, on panic, on signals: the logs'
//!       windows, read in place                                   snapshot/, runtime/panic.rs
//! ```
//!
//! # Layout
//!
//! Modules are layered; a module imports only its own layer and the layers below
//! (`tools/archcheck/layers.txt` lists them, and `cargo run -p archcheck` checks it and that
//! no modules import each other in a circle). Where a lower layer must call up, the upper
//! one registers a hook: the filter registers its interest function with the callsites, the
//! test capture registers an observer with the logger.
//!
//! 0. primitives: [`sync`](self) (the loom shim), [`clock`], [`thread`], `process`;
//! 1. vocabulary: [`level`], [`field`], [`callsite`], [`event`], span ids and ops
//!    ([`span`]), [`trace_context`], the decoded [`record`];
//! 2. codecs and outputs: [`filter`], [`redact`], [`sink`], [`snapshot`], [`narration`]'s
//!    templates;
//! 3. engine: [`ring`] (the per-thread logs), the collector, and the [`recorder`] file;
//! 4. public handles: [`logger`](mod@logger), span handles, narration's emit;
//! 5. runtime: [`init`] and its [`Guard`] (`runtime/`), and the test capture ([`testing`]).
//!
//! Unsafe code is denied everywhere but in the two modules that need it for speed: [`ring`]
//! (the memory of the logs and its file mapping, the writer's unchecked stores, the record
//! codec, the inline value storage, and the thread-locals of the lane and of the span stack)
//! and [`clock`] (the TSC read). Each block has a `SAFETY:`
//! comment; loom models the ring's protocol and Miri runs the in-place event tests.
//!
//! Formatting and I/O never run on the caller's thread.

#![deny(unsafe_code)]

// L0: primitives
#[allow(unsafe_code)]
pub mod clock;
mod process;
mod sync;
pub mod thread;
// L1: vocabulary
pub mod callsite;
pub mod event;
pub mod field;
pub mod level;
pub mod record;
pub mod span;
pub mod trace_context;
// L2: codecs and outputs
pub mod filter;
pub mod narration;
pub mod redact;
pub mod sink;
pub mod snapshot;
// L3: engine
mod collector;
pub mod journal;
pub mod recorder;
#[allow(unsafe_code)]
pub mod ring;
// L4: public handles
pub mod logger;
// L5: runtime and the test capture
mod runtime;
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use callsite::Callsite;
pub use collector::{SinkStats, Stats, DEFAULT_CAPACITY};
pub use event::{EventBuilder, LogEvent};
pub use field::{Field, FieldValue, StructFields, ToFieldValue, ValueRef};
pub use level::{max_level, set_max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use logger::{logger, set_logger, take_logger, Logger, NopLogger};
pub use narration::{narrate, Narration, NarrationFields};
pub use record::{Fields, Record};
pub use ring::{Overflow, DEFAULT_BUDGET, RING_BYTES_PER_EVENT};
pub use ring::{DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY};
pub use runtime::{
    init, AdapterInstaller, Builder, Guard, Handle, InitError, RingLogger, SignalInstaller,
    SnapshotRequestError, COLLECTOR_PATIENCE, SHUTDOWN_TIMEOUT,
};
pub use sink::{BackgroundSink, FileSink, Format, Sink, WriterSink};
pub use snapshot::SnapshotRate;
pub use span::{
    current_trace_context, Entered, EnteredSpan, Instrument, Instrumented, RawEntered, Span,
    SpanEvents, SpanId,
};
pub use trace_context::{
    CorrelationId, ParentId, TraceContext, TraceContextError, TraceContextErrorKind, TraceFlags,
    TraceId, TraceState,
};
