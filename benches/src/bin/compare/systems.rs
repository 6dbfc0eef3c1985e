//! The systems of the sustained-throughput, flood and model runs, and what a child measures.

use std::collections::BTreeMap;

/// The systems of the sustained-throughput, flood and model runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum System {
    /// ttlog, Compact text into the counting writer, `Overflow::Block` (lossless).
    TtlogText,
    /// ttlog's binary journal sink (`Builder::journal(dir)`, `Overflow::Block`), into a
    /// temporary directory.
    TtlogJournal,
    /// ttlog with a sink that formats nothing and writes one newline per event: the
    /// collector's merge, decode, redaction and hand-over alone (for `--model`).
    TtlogNoop,
    /// tracing-subscriber `fmt`, formatting and writing on the calling thread.
    TracingFmt,
    /// tracing `fmt` through tracing-appender's `non_blocking` with `lossy(false)`.
    TracingNonBlocking,
    /// spdlog-rs through its `AsyncPoolSink` (overflow `Block`, its default).
    SpdlogAsync,
    /// slog + slog-term behind slog-async with `OverflowStrategy::Block`.
    SlogAsyncBlock,
    /// Flood: ttlog's defaults (`Overflow::Drop`).
    TtlogDrop,
    /// Flood: tracing-appender's `non_blocking` defaults (lossy).
    TracingNonBlockingLossy,
    /// Flood: slog-async's defaults (`DropAndReport`).
    SlogAsyncDropAndReport,
}

/// `--sustained`, in table order.
pub(crate) const SUSTAINED: &[System] = &[
    System::TtlogText,
    System::TtlogJournal,
    System::TracingFmt,
    System::TracingNonBlocking,
    System::SpdlogAsync,
    System::SlogAsyncBlock,
];

/// `--flood`: the systems that lose events by default.
pub(crate) const FLOOD: &[System] = &[
    System::TtlogDrop,
    System::TracingNonBlockingLossy,
    System::SlogAsyncDropAndReport,
];

/// `--model`: the systems whose worker threads are timed draining a backlog.
pub(crate) const DRAINED: &[System] = &[
    System::TracingNonBlocking,
    System::SpdlogAsync,
    System::SlogAsyncBlock,
];

/// Events queued for a drain (fewer than tracing-appender's default queue of 128,000).
pub(crate) const DRAIN_EVENTS: u64 = 100_000;

/// `--model`: the lossless systems, plus ttlog's collector without formatting.
pub(crate) const MODEL: &[System] = &[
    System::TtlogText,
    System::TtlogNoop,
    System::TracingFmt,
    System::TracingNonBlocking,
    System::SpdlogAsync,
    System::SlogAsyncBlock,
];

impl System {
    const ALL: [System; 10] = [
        System::TtlogText,
        System::TtlogJournal,
        System::TtlogNoop,
        System::TracingFmt,
        System::TracingNonBlocking,
        System::SpdlogAsync,
        System::SlogAsyncBlock,
        System::TtlogDrop,
        System::TracingNonBlockingLossy,
        System::SlogAsyncDropAndReport,
    ];

    pub(crate) fn arg(self) -> &'static str {
        match self {
            System::TtlogText => "ttlog-text",
            System::TtlogJournal => "ttlog-journal",
            System::TtlogNoop => "ttlog-noop",
            System::TracingFmt => "tracing-fmt",
            System::TracingNonBlocking => "tracing-nb",
            System::SpdlogAsync => "spdlog-async",
            System::SlogAsyncBlock => "slog-async-block",
            System::TtlogDrop => "ttlog-drop",
            System::TracingNonBlockingLossy => "tracing-nb-lossy",
            System::SlogAsyncDropAndReport => "slog-async-lossy",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            System::TtlogText => "ttlog text (Compact, Block)",
            System::TtlogJournal => "ttlog journal",
            System::TtlogNoop => "ttlog, no formatting (merge + decode + redaction)",
            System::TracingFmt => "tracing fmt (on the caller)",
            System::TracingNonBlocking => "tracing fmt + non_blocking (lossy(false))",
            System::SpdlogAsync => "spdlog-rs AsyncPoolSink (Block)",
            System::SlogAsyncBlock => "slog-async (Block)",
            System::TtlogDrop => "ttlog (default: Overflow::Drop)",
            System::TracingNonBlockingLossy => "tracing fmt + non_blocking (default: lossy)",
            System::SlogAsyncDropAndReport => "slog-async (default: DropAndReport)",
        }
    }

    pub(crate) fn from_arg(arg: &str) -> Option<System> {
        System::ALL.into_iter().find(|s| s.arg() == arg)
    }
}

/// What a child measured, by name (sent to the parent as `MEASURE\tkey=value...`).
/// Times are in ns; `cpu.NAME` is the CPU time of the threads named NAME.
pub(crate) type Measure = BTreeMap<String, f64>;
