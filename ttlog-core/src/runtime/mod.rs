//! `init()`: configure, start and install the ring logger; [`Guard`]: keep it running.
//!
//! ```no_run
//! let guard = ttlog_core::init()
//!     .service("orders")
//!     .level(ttlog_core::Level::Info)
//!     .filter("warn,orders::db=debug")
//!     .capacity(16_384)
//!     .init();
//! // ... log ...
//! let path = guard.snapshot("manual").unwrap();
//! # let _ = path;
//! ```
//!
//! Only one ring logger can be initialised per process: the first `init` installs the global
//! logger, the panic hook and (through the facade) the signal handlers. Dropping the guard
//! drains every ring, flushes the sinks and joins the collector, waiting at most
//! [`SHUTDOWN_TIMEOUT`] (5 s) for it: a collector that has not finished by then is left
//! running, unjoined. Logging after that is a no-op.
//!
//! 1. `builder.rs` — [`Builder`] and [`init`]: configure, start the collector, install.
//! 2. `guard.rs` — [`Guard`]: reload the filter, snapshot, flush; drop to stop.
//! 3. `handle.rs` — [`Handle`]: snapshots and flushes from any thread.
//! 4. `ring_logger.rs` — [`RingLogger`]: the default logger, into the caller's ring.
//! 5. `error.rs` — [`InitError`].
//! 6. `panic.rs` — the panic hook: the panic as an event, then a snapshot.

mod builder;
mod error;
mod guard;
pub(crate) mod handle;
pub(crate) mod panic;
mod ring_logger;

pub use builder::{init, AdapterInstaller, Builder, SignalInstaller};
pub use error::InitError;
pub use guard::{Guard, SHUTDOWN_TIMEOUT};
pub use handle::{Handle, SnapshotRequestError, COLLECTOR_PATIENCE};
pub use ring_logger::RingLogger;
