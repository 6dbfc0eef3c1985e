//! The collector: the one background thread ("ttlog") that drains every ring.
//!
//! Each turn of the loop picks up newly registered rings, drains every ring into one batch,
//! reports any newly dropped events, sorts the batch by timestamp, writes it to the sinks,
//! keeps it in the flight recorder, flushes the sinks, and then answers commands (snapshot,
//! flush, shutdown). When a turn finds nothing to do it parks with a growing timeout; a
//! producer whose ring is half full, and every command sender, wakes it.
//!
//! No formatting happens on the threads that log. The builder's sinks
//! ([`BackgroundSink`](crate::sink::BackgroundSink)) write on threads of their own, so a
//! stalled destination never holds the collector up, and their lines are formatted by
//! formatting workers (`sink/pool.rs`, [`Builder::format_threads`](crate::Builder::format_threads)),
//! so formatting is not capped at the collector's core: the collector moves each decoded
//! event into a batch (`sink/batch.rs`) that every such sink formats, in order, off this
//! thread. Custom sinks get each record here, as before. A sink that panics
//! is caught, removed, and reported, and a snapshot is written: the collector keeps running.
//!
//! 1. `config.rs` — `Config`: everything the builder hands the collector, in one value.
//! 2. `run.rs` — the thread and its loop: the state, the commands, parking, shutdown.
//! 3. `merge.rs` — one turn: merge the rings by time, decode, redact, keep the span table,
//!    record, fan out, report drops.
//! 4. `spans.rs` — the span table rebuilt from span records (parents, timings, trace ids).
//! 5. `recorder.rs` — the flight recorder's contents: every thread's newest events, read from
//!    the threads' own logs.
//! 6. `fanout.rs` — the sinks: one decoded [`Record`](crate::Record) per event, to each sink
//!    on this thread; one owned item per event, in sealed batches, for the sinks whose lines
//!    the formatting workers make.
//! 7. `snapshot.rs` — writing the recorder and the spans to a snapshot file, by the collector
//!    or, when it does not answer, by the thread that asked.
//! 8. `stats.rs` — [`Stats`]: events dropped before the sinks and, per sink, handed,
//!    written and lost; `losses.rs` — how the collector keeps them, reports sink losses
//!    in-band, and counts what the shutdown deadline left unread.
//! 9. `journal.rs` — the binary journal's hooks into the loop (one call each).

mod config;
pub(crate) mod fanout;
mod journal;
mod losses;
mod merge;
mod recorder;
mod run;
mod snapshot;
pub(crate) mod spans;
pub(crate) mod stats;

pub(crate) use config::Config;
pub use config::DEFAULT_CAPACITY;
pub(crate) use run::{spawn, Command};
pub(crate) use snapshot::{
    apply_retention, rebuild, span_of, write_direct, write_with_clock, Claim, Settings,
};
pub(crate) use stats::SharedStats;
pub use stats::{SinkStats, Stats};
