//! Flight-recorder snapshots: the newest events and the spans they ran in, saved to a file that
//! outlives the process.
//!
//! When something goes wrong — a panic, a signal, an operator's request — the collector writes
//! what the flight recorder holds to a snapshot file, to be read later by `ttlog-cli` or by
//! [`read()`]. Along with the events it writes every span it knows ([`Span`]: start, end, busy
//! time, parent, fields, thread, status), so the call tree with its timings can be rebuilt from
//! the file, and each event's scope ([`Snapshot::record`]) printed as it was live. Snapshots are read after the writer is gone, possibly by another version of ttlog,
//! possibly after the writer was killed mid-write. So the format (specified in
//! `docs/snapshot-format.md` in the repository) is:
//!
//! - **self-describing**: a magic number, a version, and a header naming the service, host,
//!   process, time and reason;
//! - **made of self-delimiting, checksummed records**, so a reader can recover every complete
//!   record from a torn file ([`recover`]) and detects damage anywhere else;
//! - **compact**: span names, targets, files, modules, thread and field names are interned once.
//!
//! Files are written atomically ([`write()`]: streamed to a temp file with an unpredictable
//! name, fsync, rename), with mode 0600 on unix (events may carry sensitive data) and unique
//! names. A running logger keeps the newest snapshots of its service in its snapshot
//! directory, at most [`DEFAULT_RETENTION_FILES`] files and [`DEFAULT_RETENTION_BYTES`] bytes
//! by default, and writes automatic snapshots (panics, signals) at most as often as its
//! [`SnapshotRate`] allows. The reader ([`decode`], [`read()`]) returns
//! an error for every malformed input and never panics; it is fuzzed (`fuzz/` in the
//! repository).
//!
//! # Examples
//!
//! ```
//! use std::time::SystemTime;
//! use ttlog_core::snapshot::{self, Header};
//! use ttlog_core::{FieldValue, Fields, Level, Record};
//!
//! let values = [FieldValue::from(503), FieldValue::from(f64::NAN)];
//! let record = Record {
//!     level: Level::Error,
//!     timestamp: SystemTime::now(),
//!     target: "app::http",
//!     module_path: "app::http",
//!     file: "src/http.rs",
//!     line: 80,
//!     message: "upstream failed",
//!     thread_name: "worker-1",
//!     thread_id: 3,
//!     span_id: 9,
//!     spans: None,
//!     fields: Fields::split(&["status", "latency"], &values),
//! };
//! let mut bytes = Vec::new();
//! snapshot::encode(&Header::new("app", "panic"), [record], &mut bytes);
//!
//! let snap = snapshot::decode(&bytes).unwrap();
//! let event = &snap.events[0];
//! assert_eq!(event.level, Level::Error);
//! assert_eq!(event.thread(), "worker-1");
//! assert_eq!(event.field("status").and_then(|v| v.as_u64()), Some(503));
//! assert!(event.field("latency").and_then(|v| v.as_f64()).unwrap().is_nan());
//! assert_eq!(event.as_record().message, "upstream failed");
//! ```

//!
//! 1. `model.rs` — [`Snapshot`], its [`Header`] and [`Event`]s.
//! 2. `span.rs` — [`Span`]: a span as a snapshot stores it.
//! 3. `format.rs` — the binary format's constants and framing.
//! 4. `encoder.rs` — the streaming encoder: a snapshot written record by record to any
//!    writer, one record in memory at a time.
//! 5. `writer.rs` — [`encode`] and [`write()`]: streamed to a temp file, synced, renamed.
//! 6. `temp.rs` — temp files with unpredictable names, created exclusively, mode 0600.
//! 7. `retention.rs` — the oldest snapshot files of a service go beyond a count and a size.
//! 8. `rate.rs` — [`SnapshotRate`]: how often automatic snapshots may be written.
//! 9. `reader.rs` — [`decode`], [`recover`]: every malformed input is an error.
//! 10. `file.rs` — [`read()`], [`recover_file`]: opening a file safely (no FIFOs, devices or
//!     directories; the magic number first; at most [`MAX_SNAPSHOT_BYTES`]) and reading it.
//! 11. `error.rs` — [`SnapshotError`].

mod encoder;
mod error;
mod file;
mod format;
mod model;
pub(crate) mod rate;
mod reader;
pub(crate) mod retention;
mod span;
pub(crate) mod temp;
pub(crate) mod writer;

pub use crate::record::TRACE_FIELDS;
pub use error::{SnapshotError, SnapshotErrorKind};
pub(crate) use file::{open_regular, read_full, OpenError};
pub use file::{read, recover_file, MAX_SNAPSHOT_BYTES};
pub use model::{Event, Header, Snapshot};
pub use rate::SnapshotRate;
pub use reader::{decode, recover};
pub use retention::{DEFAULT_RETENTION_BYTES, DEFAULT_RETENTION_FILES};
pub use span::{Span, SpanStatus, ELAPSED_MS, ELAPSED_US};
pub use writer::{encode, encode_with_spans, write, write_with_spans, WriteError};
