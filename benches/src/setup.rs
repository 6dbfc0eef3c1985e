//! How each system is built for the benchmarks: always writing text to a
//! [`CountingWriter`], at level INFO, otherwise with the library's defaults.
//!
//! Global installs (ttlog's `init`, log's logger, fastrace's reporter) can happen once per
//! process; tracing configurations are returned as [`Dispatch`]es so that several can be
//! benchmarked in one process with `tracing::dispatcher::with_default`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tracing::Dispatch;

use crate::CountingWriter;

// ===== ttlog =====

/// Starts ttlog with no console and Compact text into `writer`; signals are off so that a
/// benchmark interrupted with Ctrl-C leaves no snapshot behind.
///
/// # Panics
///
/// If ttlog was already initialised in this process.
pub fn ttlog(
    writer: CountingWriter,
    overflow: ttlog::Overflow,
    ring_capacity: usize,
) -> ttlog::Guard {
    format_threads(
        ttlog::init()
            .no_console()
            .writer(writer, ttlog::Format::Compact)
            .overflow(overflow)
            .ring_capacity(ring_capacity)
            .signals(false),
    )
    .init()
}

/// The builder with `TTLOG_FORMAT_THREADS` formatting workers when that is set (`0`: the
/// collector formats, as before issue 15's item 4), the default otherwise.
fn format_threads(builder: ttlog::Builder) -> ttlog::Builder {
    match std::env::var("TTLOG_FORMAT_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        Some(n) => builder.format_threads(n),
        None => builder,
    }
}

/// Like [`ttlog()`], in any text format, with the default ring capacity.
///
/// # Panics
///
/// If ttlog was already initialised in this process.
pub fn ttlog_format(
    writer: CountingWriter,
    format: ttlog::Format,
    overflow: ttlog::Overflow,
) -> ttlog::Guard {
    format_threads(
        ttlog::init()
            .no_console()
            .writer(writer, format)
            .overflow(overflow)
            .signals(false),
    )
    .init()
}

/// ttlog writing only a binary journal into `dir` (no text sink), redaction on as by default.
pub fn ttlog_journal(dir: &std::path::Path, overflow: ttlog::Overflow) -> ttlog::Guard {
    ttlog::init()
        .no_console()
        .journal(dir)
        .overflow(overflow)
        .signals(false)
        .init()
}

// ===== tracing =====

/// tracing-subscriber's default `fmt` subscriber (no ANSI colours) at INFO, writing on the
/// calling thread.
pub fn tracing_fmt(writer: CountingWriter) -> Dispatch {
    Dispatch::new(
        tracing_subscriber::fmt()
            .with_writer(writer)
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish(),
    )
}

/// tracing-subscriber's `fmt().json()` subscriber at INFO, writing on the calling thread.
pub fn tracing_json(writer: CountingWriter) -> Dispatch {
    Dispatch::new(
        tracing_subscriber::fmt()
            .json()
            .with_writer(writer)
            .with_max_level(tracing::Level::INFO)
            .finish(),
    )
}

/// A tracing `fmt` subscriber writing through tracing-appender's `non_blocking` worker, and
/// what keeps it running.
#[derive(Debug)]
pub struct NonBlocking {
    /// The subscriber.
    pub dispatch: Dispatch,
    /// Dropping it flushes the worker's queue and stops the worker.
    pub guard: tracing_appender::non_blocking::WorkerGuard,
    /// Lines the lossy mode dropped.
    pub errors: tracing_appender::non_blocking::ErrorCounter,
}

/// tracing `fmt` through `non_blocking` (default queue of 128,000 lines); `lossy` is the
/// default (`true`), `false` makes a full queue block the caller.
pub fn tracing_non_blocking(writer: CountingWriter, lossy: bool) -> NonBlocking {
    let (nb, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(lossy)
        .thread_name("tracing-appender")
        .finish(writer);
    let errors = nb.error_counter();
    let dispatch = Dispatch::new(
        tracing_subscriber::fmt()
            .with_writer(nb)
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish(),
    );
    NonBlocking {
        dispatch,
        guard,
        errors,
    }
}

/// A tracing subscriber that enables INFO and above and does nothing with what it gets: the
/// cost of tracing's instrumentation alone.
#[derive(Debug)]
pub struct NopSubscriber;

impl tracing::Subscriber for NopSubscriber {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::INFO
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::INFO)
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// [`NopSubscriber`] as a [`Dispatch`].
pub fn tracing_nop() -> Dispatch {
    Dispatch::new(NopSubscriber)
}

// ===== log =====

/// Installs env_logger (default format, key-values on, no colours) at INFO as log's global
/// logger.
///
/// # Panics
///
/// If a log logger is already installed.
pub fn env_logger(writer: CountingWriter) {
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .write_style(env_logger::WriteStyle::Never)
        .target(env_logger::Target::Pipe(Box::new(writer)))
        .init();
}

// ===== slog =====

/// A slog drain that counts the INFO records reaching it (the benchmarks' events; slog-async's
/// own drop reports are at ERROR), then passes them on.
#[derive(Debug)]
pub struct Delivered<D> {
    inner: D,
    delivered: Arc<AtomicU64>,
}

impl<D: slog::Drain> slog::Drain for Delivered<D> {
    type Ok = D::Ok;
    type Err = D::Err;

    fn log(
        &self,
        record: &slog::Record<'_>,
        values: &slog::OwnedKVList,
    ) -> Result<Self::Ok, Self::Err> {
        if record.level() == slog::Level::Info {
            self.delivered.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.log(record, values)
    }
}

/// A slog logger writing slog-term's full format through slog-async.
pub struct SlogAsync {
    /// The logger (INFO and above).
    pub logger: slog::Logger,
    /// Dropping it waits for the worker to write what is queued.
    pub guard: slog_async::AsyncGuard,
    /// INFO records that reached the formatter.
    pub delivered: Arc<AtomicU64>,
}

/// slog + slog-term (full format) behind slog-async with its default channel (128 records)
/// and the given overflow strategy (the default is `DropAndReport`; `Block` is lossless).
pub fn slog_async(writer: CountingWriter, overflow: slog_async::OverflowStrategy) -> SlogAsync {
    slog_async_channel(writer, overflow, 128)
}

/// [`slog_async()`] with a channel of `records` records instead of slog-async's default 128.
pub fn slog_async_channel(
    writer: CountingWriter,
    overflow: slog_async::OverflowStrategy,
    records: usize,
) -> SlogAsync {
    use slog::Drain;
    let decorator = slog_term::PlainDecorator::new(writer);
    let format = slog_term::FullFormat::new(decorator).build().fuse();
    let delivered = Arc::new(AtomicU64::new(0));
    let counted = Delivered {
        inner: format,
        delivered: Arc::clone(&delivered),
    };
    let (drain, guard) = slog_async::Async::new(counted)
        .chan_size(records)
        .overflow_strategy(overflow)
        .thread_name("slog-async".into())
        .build_with_guard();
    let drain = slog::LevelFilter::new(drain.fuse(), slog::Level::Info).fuse();
    SlogAsync {
        logger: slog::Logger::root(drain, slog::o!()),
        guard,
        delivered,
    }
}

impl std::fmt::Debug for SlogAsync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlogAsync")
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

// ===== spdlog-rs =====

/// spdlog-rs with its default full formatter, writing through an `AsyncPoolSink` (its
/// asynchronous mode; overflow policy `Block`, its default, which is lossless) on a thread
/// pool of its own, at INFO.
///
/// # Panics
///
/// If spdlog-rs cannot start its thread pool.
pub fn spdlog_async(writer: CountingWriter) -> Arc<spdlog::Logger> {
    spdlog_async_capacity(writer, 8192)
}

/// [`spdlog_async`] with a thread pool queue of `tasks` instead of spdlog-rs's default 8192.
///
/// # Panics
///
/// If spdlog-rs cannot start its thread pool, or `tasks` is 0.
pub fn spdlog_async_capacity(writer: CountingWriter, tasks: usize) -> Arc<spdlog::Logger> {
    use spdlog::sink::{AsyncPoolSink, OverflowPolicy, WriteSink};
    let write = WriteSink::builder()
        .target(writer)
        .build_arc()
        .expect("spdlog write sink");
    let pool = spdlog::ThreadPool::builder()
        .capacity(std::num::NonZeroUsize::new(tasks).expect("tasks > 0"))
        .build_arc()
        .expect("spdlog thread pool");
    let sink = AsyncPoolSink::builder()
        .sink(write)
        .thread_pool(pool)
        .overflow_policy(OverflowPolicy::Block)
        .build_arc()
        .expect("spdlog async sink");
    spdlog::Logger::builder()
        .sink(sink)
        .level_filter(spdlog::LevelFilter::MoreSevereEqual(spdlog::Level::Info))
        .build_arc()
        .expect("spdlog logger")
}

// ===== fastrace =====

/// A fastrace reporter that counts the spans it is given.
#[derive(Debug)]
pub struct CountingReporter(Arc<AtomicU64>);

impl fastrace::collector::Reporter for CountingReporter {
    fn report(&mut self, spans: Vec<fastrace::collector::SpanRecord>) {
        self.0.fetch_add(spans.len() as u64, Ordering::Relaxed);
    }
}

/// Installs fastrace's global reporter ([`CountingReporter`]); returns its span count.
pub fn fastrace_reporter() -> Arc<AtomicU64> {
    let spans = Arc::new(AtomicU64::new(0));
    fastrace::set_reporter(
        CountingReporter(Arc::clone(&spans)),
        fastrace::collector::Config::default(),
    );
    spans
}

/// A fastrace root span set as this thread's local parent; local spans entered while it
/// lives are collected under it and reported when it is dropped.
pub struct FastraceParent {
    // Dropped first: the guard must end before its span.
    _guard: fastrace::local::LocalParentGuard,
    _root: fastrace::Span,
}

impl std::fmt::Debug for FastraceParent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastraceParent").finish_non_exhaustive()
    }
}

/// Starts a root span and makes it this thread's local parent.
pub fn fastrace_parent() -> FastraceParent {
    let root = fastrace::Span::root("batch", fastrace::prelude::SpanContext::random());
    let guard = root.set_local_parent();
    FastraceParent {
        _guard: guard,
        _root: root,
    }
}
