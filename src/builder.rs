//! The facade's [`Builder`]: ttlog-core's builder plus the adapters this build has.

use std::io;
use std::path::Path;

use ttlog_core::redact::Pattern;
use ttlog_core::{
    AdapterInstaller, Format, Guard, InitError, Level, LevelFilter, Narration, Overflow,
    SignalInstaller, Sink, SnapshotRate, SpanEvents,
};

/// Configures ttlog; made by [`crate::init`], finished with [`init`](Builder::init) or
/// [`try_init`](Builder::try_init).
///
/// Every method of [`ttlog_core::Builder`] is here with the same meaning, and, with the
/// matching cargo features, `with_log()` and `with_tracing()` route an application's `log`
/// and `tracing` macros into ttlog.
///
/// ```no_run
/// let guard = ttlog::init()
///     .service("orders")
///     .level(ttlog::Level::Info)
///     .filter("warn,orders::db=debug")
///     .init();
/// ttlog::info!("ready");
/// drop(guard);
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until init() or try_init()"]
pub struct Builder {
    inner: ttlog_core::Builder,
}

macro_rules! forward {
    ($($(#[$doc:meta])* fn $name:ident $(<$g:ident: $bound:path>)? ($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        ///
        #[doc = concat!("See [`ttlog_core::Builder::", stringify!($name), "`].")]
        pub fn $name $(<$g: $bound>)? (self, $($arg: $ty),*) -> Self {
            Builder {
                inner: self.inner.$name($($arg),*),
            }
        }
    )*};
}

impl Builder {
    pub(crate) fn new(inner: ttlog_core::Builder) -> Builder {
        Builder { inner }
    }

    forward! {
        /// The service name in snapshots and narrations (default: the binary's name).
        fn service(name: impl Into<String>);
        /// The service's version, for narrations' `emitted_by` (`service@version`); pass
        /// `env!("CARGO_PKG_VERSION")`, since ttlog cannot see the caller's version.
        fn version(version: impl Into<String>);
        /// Which narration text the text sinks show (default `Narration::Human`).
        fn narration(mode: Narration);
        /// The default level (default `Info`).
        fn level(level: Level);
        /// The default level as a filter (`LevelFilter::Off` silences everything).
        fn level_filter(level: LevelFilter);
        /// Filter directives (`"warn,orders::db=debug"`), over `TTLOG` / `RUST_LOG`.
        fn filter(directives: impl Into<String>);
        /// The flight recorder's size, in events per thread.
        fn capacity(events: usize);
        /// The memory budget for every thread's log, in bytes.
        fn budget(bytes: usize);
        /// The size of each segment of a thread's log, in four-field events.
        fn ring_capacity(events: usize);
        /// Keeps the flight recorder in memory instead of in a recorder file.
        fn recorder_in_memory();
        /// Where snapshots are written.
        fn snapshot_dir(dir: impl AsRef<Path>);
        /// How many snapshot files of the service the snapshot directory keeps (default 20).
        fn snapshot_retention(files: usize);
        /// How many bytes of the service's snapshot files the directory keeps (default 1 GiB).
        fn snapshot_max_bytes(bytes: u64);
        /// How often automatic snapshots (panics, signals) may be written (default: a burst
        /// of 3, then one every 10 seconds).
        fn snapshot_rate(rate: SnapshotRate);
        /// The console sink's format (stderr).
        fn console(format: Format);
        /// No console sink.
        fn no_console();
        /// A file sink.
        fn file(path: impl AsRef<Path>, format: Format);
        /// A binary journal in `dir`: events and spans in ttlog's own encoding, formatted
        /// when read (`ttlog show`, `ttlog tail -f`, `ttlog convert`).
        fn journal(dir: impl AsRef<Path>);
        /// How the journal's files are made: size, how many are kept.
        fn journal_options(options: ttlog_core::journal::JournalOptions);
        /// How log files are opened (mode, symlinks).
        fn file_options(options: ttlog_core::sink::FileOptions);
        /// How long the collector waits for a full sink queue before counting the batch lost.
        fn sink_stall_timeout(timeout: std::time::Duration);
        /// How many threads format the built-in sinks' lines (`0`: the collector does).
        fn format_threads(threads: usize);
        /// A sink writing to `writer`.
        fn writer<W: WriteSend>(writer: W, format: Format);
        /// A custom sink.
        fn sink<S: Sink>(sink: S);
        /// An adapter installed when the logger starts.
        fn adapter(name: &'static str, install: AdapterInstaller);
        /// Which span moments get lines of their own.
        fn span_events(events: SpanEvents);
        /// What a thread does when its ring is full.
        fn overflow(overflow: Overflow);
        /// Whether to install the panic hook (default on).
        fn panic_hook(enabled: bool);
        /// Whether to install signal handlers (default on).
        fn signals(enabled: bool);
        /// How signal handlers are installed.
        fn signal_installer(installer: SignalInstaller);
        /// Also masks fields called `name` (and `name=value` in text).
        fn redact_key(name: impl AsRef<str>);
        /// Also masks what a custom pattern finds in strings and messages.
        fn redact_pattern(pattern: Pattern);
        /// Turns redaction off (it is on by default).
        fn no_redaction();
    }

    /// Routes the application's `log` macros (and libraries using `log`) into ttlog: installs
    /// ttlog's `log::Log` as the global logger when ttlog starts, and keeps
    /// `log::max_level()` in step with ttlog's filter. If another `log` logger is already
    /// set, [`try_init`](Self::try_init) fails and says so.
    #[cfg(feature = "log")]
    pub fn with_log(self) -> Self {
        self.adapter("log", ttlog_integrations::log::install)
    }

    /// Routes the application's `tracing` macros, spans and `#[tracing::instrument]` into
    /// ttlog: installs ttlog's `tracing_core::Subscriber` as the global default when ttlog
    /// starts. If a global default is already set, [`try_init`](Self::try_init) fails and
    /// says so.
    #[cfg(feature = "tracing")]
    pub fn with_tracing(self) -> Self {
        self.adapter("tracing", ttlog_integrations::tracing::install)
    }

    /// Starts ttlog; see [`ttlog_core::Builder::init`].
    ///
    /// # Panics
    ///
    /// If ttlog was already initialised, or an adapter cannot be installed.
    pub fn init(self) -> Guard {
        with_exit_hook(self.inner.init())
    }

    /// Starts ttlog, or says why it cannot; see [`ttlog_core::Builder::try_init`].
    ///
    /// # Errors
    ///
    /// As [`ttlog_core::Builder::try_init`], and when an adapter cannot be installed
    /// ([`InitError::adapter_name`]).
    pub fn try_init(self) -> Result<Guard, InitError> {
        self.inner.try_init().map(with_exit_hook)
    }

    /// The core builder, for code written against ttlog-core.
    pub fn into_core(self) -> ttlog_core::Builder {
        self.inner
    }
}

/// What [`Builder::writer`] accepts: any `io::Write + Send + 'static`.
pub trait WriteSend: io::Write + Send + 'static {}

impl<W: io::Write + Send + 'static> WriteSend for W {}

/// Points the exit hook (feature `exit-hook`, unix) at the logger `guard` runs, so that an exit
/// without dropping the guard still drains it.
fn with_exit_hook(guard: Guard) -> Guard {
    #[cfg(all(unix, feature = "exit-hook"))]
    crate::exit::install(guard.handle());
    guard
}
