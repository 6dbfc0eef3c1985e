//! The binary journal: events and spans appended to size-rotated files in ttlog's own
//! encoding, formatted only when read (NanoLog's idea, for structured logs).
//!
//! The collector copies each event's ring record into the journal as it is, words and all,
//! with the metadata the records need (callsites, thread names, the clock's conversion)
//! written once per file, so each file stands alone and the collector's cost per event is
//! close to a memory copy. Redaction still applies: an event the rules would change is stored
//! redacted (see `encode.rs`). A thread of the journal's own writes the files
//! (`NAME.000001.ttj`, `NAME.000002.ttj`, …, mode 0600), starting the next one at
//! [`JournalOptions::max_file_bytes`] and keeping the newest [`JournalOptions::retention`].
//!
//! Read a journal with [`read`] (the whole of it, as a [`Snapshot`](crate::snapshot::Snapshot):
//! what `ttlog show` prints) or a [`JournalReader`] (event by event as a text sink's
//! [`Record`](crate::Record), also while it is being written: `ttlog tail -f`, `ttlog
//! convert`). Files are untrusted input: every size is checked, damage is an error that says
//! where, and a partially written last record is reported, not an error. The format is in
//! `docs/journal-format.md`.
//!
//! ```no_run
//! let _guard = ttlog_core::init().no_console().journal("logs/journal").init();
//! ```
//!
//! 1. `format.rs` — the file format: preamble, entries, file names.
//! 2. `encode.rs` — the collector's end, records and metadata
//!    into batches, the redaction fast path.
//! 3. `output.rs` — the writing thread: files, rotation, retention, losses counted;
//!    [`JournalOptions`].
//! 4. `decode.rs` — one file's words back into events and span operations, checked.
//! 5. `read.rs` — [`JournalReader`] and [`read`]: files in order, replayed through a span
//!    table.

pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod format;
pub(crate) mod output;
mod read;

pub use format::EXTENSION;
pub use output::{JournalOptions, DEFAULT_MAX_FILE_BYTES, DEFAULT_RETENTION_FILES};
pub use read::{decode, journal_files, read, Journal, JournalError, JournalReader, Status};
