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

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::collector::{self, Command, Config};
use crate::filter::{self, Filter, ParseError};
use crate::level::{Level, LevelFilter};
use crate::logger;
use crate::narration::Narration;
use crate::redact::{Pattern, Redactor};
use crate::ring_logger::{Handle, Overflow, RingLogger, Runtime, SnapshotRequestError};
use crate::sink::{self, FileSink, Format, Sink, WriterSink};
use crate::span::SpanEvents;
use crate::sync::global::{AtomicBool, Ordering};

/// Installs signal handlers for a running logger and returns a function that removes them.
/// The facade provides one (feature `signals`); the core has no signal dependency.
pub type SignalInstaller = fn(Handle) -> io::Result<Box<dyn FnOnce() + Send>>;

/// The default flight-recorder size, in events.
pub const DEFAULT_CAPACITY: usize = 16_384;

/// The largest ring [`Builder::ring_capacity`] accepts, in events (128 MiB per thread);
/// larger values are clamped to it.
pub const MAX_RING_CAPACITY: usize = 1 << 20;

/// The default size of each thread's ring, in events.
pub const DEFAULT_RING_CAPACITY: usize = 1024;

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Starts configuring the ring logger. Finish with [`Builder::init`] or [`Builder::try_init`].
pub fn init() -> Builder {
    Builder::default()
}

/// Configuration for [`init`]. Every setting has a default; see each method.
pub struct Builder {
    service: Option<String>,
    version: Option<String>,
    narration: Narration,
    level: LevelFilter,
    filter: Option<String>,
    capacity: usize,
    ring_capacity: usize,
    snapshot_dir: PathBuf,
    console: Option<Format>,
    files: Vec<(PathBuf, Format)>,
    sinks: Vec<Box<dyn Sink>>,
    overflow: Overflow,
    panic_hook: bool,
    signals: bool,
    signal_installer: Option<SignalInstaller>,
    span_events: SpanEvents,
    adapters: Vec<(&'static str, AdapterInstaller)>,
    redactor: Redactor,
    redaction: bool,
}

/// Installs an adapter (see [`Builder::adapter`]); the error says why it could not.
pub type AdapterInstaller = fn() -> Result<(), String>;

impl Default for Builder {
    fn default() -> Self {
        Builder {
            service: None,
            version: None,
            narration: Narration::Human,
            level: LevelFilter::Info,
            filter: None,
            capacity: DEFAULT_CAPACITY,
            ring_capacity: DEFAULT_RING_CAPACITY,
            snapshot_dir: PathBuf::from("ttlog-snapshots"),
            console: Some(Format::Compact),
            span_events: SpanEvents::NONE,
            adapters: Vec::new(),
            files: Vec::new(),
            sinks: Vec::new(),
            overflow: Overflow::Drop,
            panic_hook: true,
            signals: true,
            signal_installer: None,
            redactor: Redactor::new(),
            redaction: true,
        }
    }
}

impl Builder {
    /// The service name written in snapshot headers and file names. Default: the binary's
    /// name.
    pub fn service(mut self, name: impl Into<String>) -> Self {
        self.service = Some(name.into());
        self
    }

    /// The service's version, for the `emitted_by` field of narrations (`service@version`;
    /// see [`crate::narration`]). Default: none, and `emitted_by` is the service name alone.
    ///
    /// ttlog cannot find the calling program's version by itself (`init` is a function, not a
    /// macro expanded in the caller), so pass the crate's own:
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().service("orders").version(env!("CARGO_PKG_VERSION")).init();
    /// ```
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Which narration text the text formats (compact, full, logfmt) show as the message
    /// (default [`Narration::Human`]; see [`crate::narration`]). JSON carries `human` and
    /// whichever of `cute` and `story` the narration was given, whatever the mode.
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().narration(ttlog_core::Narration::Cute).init();
    /// ```
    pub fn narration(mut self, mode: Narration) -> Self {
        self.narration = mode;
        self
    }

    /// The default level (default `Info`). The `TTLOG` environment variable, or else
    /// `RUST_LOG`, overrides it, and [`filter`](Self::filter) overrides both.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level.into();
        self
    }

    /// Like [`level`](Self::level), accepting `LevelFilter::Off`.
    pub fn level_filter(mut self, level: LevelFilter) -> Self {
        self.level = level;
        self
    }

    /// Filter directives such as `"warn,orders::db=debug"` (see [`crate::filter`]). They win
    /// over the environment.
    pub fn filter(mut self, directives: impl Into<String>) -> Self {
        self.filter = Some(directives.into());
        self
    }

    /// How many events the flight recorder keeps (default [`DEFAULT_CAPACITY`]).
    pub fn capacity(mut self, events: usize) -> Self {
        self.capacity = events.max(1);
        self
    }

    /// How many events each thread's ring holds (default [`DEFAULT_RING_CAPACITY`]): the ring
    /// takes `events × RING_BYTES_PER_EVENT` bytes (see [`crate::RING_BYTES_PER_EVENT`]),
    /// rounded up to a power of two, and holds that many events of four fields. At most
    /// [`MAX_RING_CAPACITY`].
    pub fn ring_capacity(mut self, events: usize) -> Self {
        self.ring_capacity = events.clamp(2, MAX_RING_CAPACITY);
        self
    }

    /// Where snapshots are written (default `./ttlog-snapshots`, created when needed).
    pub fn snapshot_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.snapshot_dir = dir.as_ref().to_path_buf();
        self
    }

    /// The console (stderr) format (default [`Format::Compact`]).
    pub fn console(mut self, format: Format) -> Self {
        self.console = Some(format);
        self
    }

    /// No console output.
    pub fn no_console(mut self) -> Self {
        self.console = None;
        self
    }

    /// Also appends events to the file at `path` (created with its parent directories).
    pub fn file(mut self, path: impl AsRef<Path>, format: Format) -> Self {
        self.files.push((path.as_ref().to_path_buf(), format));
        self
    }

    /// Also writes events to `writer`, formatted as `format`, from the collector thread.
    pub fn writer<W: io::Write + Send + 'static>(mut self, writer: W, format: Format) -> Self {
        self.sinks.push(Box::new(WriterSink::new(writer, format)));
        self
    }

    /// Also hands every event, decoded, to `sink` on the collector thread.
    pub fn sink<S: Sink>(mut self, sink: S) -> Self {
        self.sinks.push(Box::new(sink));
        self
    }

    /// Installs an adapter when the logger starts: `install` runs after the ring logger and
    /// the filter are in place (so it can read the filter and register
    /// [`filter::on_change`](crate::filter::on_change) hooks). The facade's `with_log()` and
    /// `with_tracing()` use this. An adapter named twice is installed once.
    ///
    /// If `install` fails, [`try_init`](Self::try_init) shuts the logger down again and
    /// returns an [`InitError`] naming the adapter, and [`init`](Self::init) panics with it.
    ///
    /// ```
    /// let err = ttlog_core::init()
    ///     .no_console()
    ///     .adapter("legacy", || Err("another logger is already set".into()))
    ///     .try_init()
    ///     .unwrap_err();
    /// assert_eq!(err.adapter_name(), Some("legacy"));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cannot install the legacy adapter: another logger is already set"
    /// );
    /// ```
    pub fn adapter(mut self, name: &'static str, install: AdapterInstaller) -> Self {
        if !self.adapters.iter().any(|(n, _)| *n == name) {
            self.adapters.push((name, install));
        }
        self
    }

    /// Which moments of a span's life the sinks show as lines of their own (default
    /// [`SpanEvents::NONE`]; see [`SpanEvents`]).
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().span_events(ttlog_core::SpanEvents::CLOSE).init();
    /// ```
    pub fn span_events(mut self, events: SpanEvents) -> Self {
        self.span_events = events;
        self
    }

    /// What a thread does when its ring is full (default [`Overflow::Drop`]).
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.overflow = overflow;
        self
    }

    /// Whether to install the panic hook that logs the panic and writes a snapshot (default
    /// `true`).
    pub fn panic_hook(mut self, enabled: bool) -> Self {
        self.panic_hook = enabled;
        self
    }

    /// Whether to take snapshots on SIGTERM, SIGINT and SIGUSR1 (default `true`; needs the
    /// facade's `signals` feature).
    pub fn signals(mut self, enabled: bool) -> Self {
        self.signals = enabled;
        self
    }

    /// Also masks the values of fields called `name` (and `name=value` in text), by the same
    /// rule as the built-in secret keys: any case, `-` and `_` alike, the whole key or its last
    /// part after `_`, `-` or `.` (see [`crate::redact`]).
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().redact_key("ssn").init();
    /// // `user_ssn = "078-05-1120"` is logged as `user_ssn=[REDACTED]`.
    /// ```
    pub fn redact_key(mut self, name: impl AsRef<str>) -> Self {
        self.redactor = self.redactor.key(name);
        self
    }

    /// Also masks what `pattern` finds in string values and messages (see
    /// [`redact::Pattern`](crate::redact::Pattern)).
    ///
    /// ```no_run
    /// use ttlog_core::redact::Pattern;
    /// let _guard = ttlog_core::init().redact_pattern(Pattern::prefix("sk_live_")).init();
    /// ```
    pub fn redact_pattern(mut self, pattern: Pattern) -> Self {
        self.redactor = self.redactor.pattern(pattern);
        self
    }

    /// Turns redaction off: sinks, the flight recorder and snapshots get every value as
    /// logged. Redaction is on by default (see [`crate::redact`]); this wins over
    /// [`redact_key`](Self::redact_key) and [`redact_pattern`](Self::redact_pattern), in
    /// whatever order they are called.
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().no_redaction().init();
    /// ```
    pub fn no_redaction(mut self) -> Self {
        self.redaction = false;
        self
    }

    #[doc(hidden)]
    pub fn signal_installer(mut self, installer: SignalInstaller) -> Self {
        self.signal_installer = Some(installer);
        self
    }

    /// Starts the collector and installs the logger.
    ///
    /// An invalid filter directive is reported once on stderr and skipped; a log file that
    /// cannot be opened is reported and skipped.
    ///
    /// # Panics
    ///
    /// If ttlog was already initialised in this process, or the collector thread cannot be
    /// started.
    pub fn init(self) -> Guard {
        match self.start(false) {
            Ok(guard) => guard,
            Err(e) => panic!("ttlog::init() failed: {e}"),
        }
    }

    /// Starts the collector and installs the logger, or says why it cannot.
    ///
    /// # Errors
    ///
    /// If ttlog was already initialised, a filter directive is invalid, a log file cannot be
    /// opened, or a thread cannot be started.
    pub fn try_init(self) -> Result<Guard, InitError> {
        self.start(true)
    }

    fn start(self, strict: bool) -> Result<Guard, InitError> {
        let filter = if strict {
            filter::resolve(self.level, self.filter.as_deref()).map_err(InitError::filter)?
        } else {
            let (filter, errors) = filter::resolve_lenient(self.level, self.filter.as_deref());
            for e in errors {
                eprintln!("ttlog: ignoring {e}");
            }
            filter
        };
        let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
        if let Some(format) = self.console {
            sinks.push(Box::new(sink::console(format)));
        }
        for (path, format) in &self.files {
            match FileSink::open(path, *format) {
                Ok(s) => sinks.push(Box::new(s)),
                Err(e) if strict => {
                    return Err(InitError {
                        kind: Kind::File(path.clone(), e),
                    })
                }
                Err(e) => eprintln!(
                    "ttlog: cannot open log file {}: {e}; continuing without it",
                    path.display()
                ),
            }
        }
        sinks.extend(self.sinks);

        if INITIALIZED.swap(true, Ordering::AcqRel) {
            return Err(InitError {
                kind: Kind::AlreadyInitialized,
            });
        }
        crate::clock::anchor();
        let service = self.service.unwrap_or_else(default_service);
        crate::narration::configure(self.narration, &service, self.version.as_deref());
        let redaction = self.redaction.then_some(self.redactor);
        // Test captures redact what they copy as the collector does.
        crate::testing::tap::set_rules(redaction.clone());
        let (tx, rx) = crossbeam_channel::unbounded();
        let runtime = Runtime::new(self.ring_capacity, self.overflow, tx);
        let config = Config {
            sinks,
            capacity: self.capacity,
            snapshot_dir: self.snapshot_dir,
            service,
            span_events: self.span_events,
            redaction,
        };
        let join = collector::spawn(runtime.clone(), rx, config).map_err(|e| {
            INITIALIZED.store(false, Ordering::Release);
            InitError {
                kind: Kind::Thread(e),
            }
        })?;
        runtime.make_current();
        let handle = Handle {
            runtime: runtime.clone(),
        };
        logger::set_logger(Arc::new(RingLogger::new(runtime.clone())));
        filter::install(filter);
        if self.panic_hook {
            crate::panic::install(handle.clone());
        }
        for (name, install) in &self.adapters {
            if let Err(message) = install() {
                drop(Guard {
                    handle,
                    join: Some(join),
                    signal_closer: None,
                });
                return Err(InitError {
                    kind: Kind::Adapter(name, message),
                });
            }
        }
        let mut signal_closer = None;
        if self.signals {
            if let Some(install) = self.signal_installer {
                match install(handle.clone()) {
                    Ok(close) => signal_closer = Some(close),
                    Err(e) if strict => {
                        let guard = Guard {
                            handle,
                            join: Some(join),
                            signal_closer: None,
                        };
                        drop(guard);
                        return Err(InitError {
                            kind: Kind::Signals(e),
                        });
                    }
                    Err(e) => eprintln!("ttlog: cannot install signal handlers: {e}"),
                }
            }
        }
        Ok(Guard {
            handle,
            join: Some(join),
            signal_closer,
        })
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("service", &self.service)
            .field("version", &self.version)
            .field("narration", &self.narration)
            .field("level", &self.level)
            .field("filter", &self.filter)
            .field("capacity", &self.capacity)
            .field("snapshot_dir", &self.snapshot_dir)
            .field("console", &self.console)
            .field("files", &self.files)
            .field("sinks", &self.sinks.len())
            .field("overflow", &self.overflow)
            .field("span_events", &self.span_events)
            .field("redaction", &self.redaction.then_some(&self.redactor))
            .finish()
    }
}

pub(crate) fn default_service() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".to_owned())
}

/// Keeps the ring logger running. Dropping it drains every ring, flushes the sinks and joins
/// the collector, waiting at most [`SHUTDOWN_TIMEOUT`] for it (a collector still busy then is
/// not joined); logging afterwards is a no-op.
#[must_use = "dropping the guard stops the logger"]
pub struct Guard {
    handle: Handle,
    join: Option<JoinHandle<()>>,
    signal_closer: Option<Box<dyn FnOnce() + Send>>,
}

/// How long dropping a [`Guard`] waits for the collector to finish.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

impl Guard {
    /// Writes a snapshot of the flight recorder now (after draining every ring) and returns
    /// its path.
    ///
    /// # Errors
    ///
    /// When the file cannot be written or the collector does not answer.
    pub fn snapshot(&self, reason: &str) -> Result<PathBuf, SnapshotRequestError> {
        self.handle.snapshot(reason)
    }

    /// Replaces the filter at run time (see [`crate::filter`]); callsite caches are rebuilt.
    ///
    /// The new filter is `directives` alone ([`Filter::parse`]): the builder's
    /// [`level`](Builder::level) and [`filter`](Builder::filter) and the `TTLOG` / `RUST_LOG`
    /// directives no longer apply, and a target no directive names logs at the string's bare
    /// level, or at ERROR when it has none.
    ///
    /// # Errors
    ///
    /// When a directive is invalid; the filter is then left as it was.
    pub fn set_filter(&self, directives: &str) -> Result<(), ParseError> {
        let filter = Filter::parse(directives)?;
        filter::install(filter);
        Ok(())
    }

    /// Drains every ring into the sinks and flushes them.
    pub fn flush(&self) -> bool {
        self.handle.flush()
    }

    /// How many events have been dropped and reported so far.
    pub fn dropped(&self) -> u64 {
        self.handle.dropped()
    }

    /// A cloneable handle for taking snapshots from other threads.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(close) = self.signal_closer.take() {
            close();
        }
        crate::panic::uninstall(&self.handle);
        let runtime = &self.handle.runtime;
        if logger::logger().is_some_and(|l| l.ring_id() == runtime.id) {
            logger::take_logger();
            filter::uninstall();
        }
        runtime.retire();
        let (tx, rx) = crossbeam_channel::bounded(1);
        if runtime
            .commands
            .send(Command::Shutdown { reply: tx })
            .is_ok()
        {
            runtime.wake();
            let _ = rx.recv_timeout(SHUTDOWN_TIMEOUT);
        }
        if let Some(join) = self.join.take() {
            if join.is_finished() || !runtime.running.load(Ordering::Acquire) {
                let _ = join.join();
            }
        }
    }
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("handle", &self.handle)
            .finish()
    }
}

/// Why [`Builder::try_init`] failed.
#[derive(Debug)]
pub struct InitError {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    AlreadyInitialized,
    Filter(ParseError),
    File(PathBuf, io::Error),
    Thread(io::Error),
    Signals(io::Error),
    Adapter(&'static str, String),
}

impl InitError {
    fn filter(e: ParseError) -> InitError {
        InitError {
            kind: Kind::Filter(e),
        }
    }

    /// Whether ttlog had already been initialised in this process.
    pub fn is_already_initialized(&self) -> bool {
        matches!(self.kind, Kind::AlreadyInitialized)
    }

    /// The adapter that could not be installed (`"log"`, `"tracing"`, ...), if that is
    /// what failed.
    pub fn adapter_name(&self) -> Option<&'static str> {
        match &self.kind {
            Kind::Adapter(name, _) => Some(name),
            _ => None,
        }
    }

    /// The filter error, if a directive was invalid.
    pub fn filter_error(&self) -> Option<&ParseError> {
        match &self.kind {
            Kind::Filter(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::AlreadyInitialized => {
                f.write_str("ttlog is already initialised in this process (init() or try_init() was called before)")
            }
            Kind::Filter(e) => write!(f, "{e}"),
            Kind::File(path, e) => write!(f, "cannot open log file {}: {e}", path.display()),
            Kind::Thread(e) => write!(f, "cannot start the ttlog collector thread: {e}"),
            Kind::Signals(e) => write!(f, "cannot install signal handlers: {e}"),
            Kind::Adapter(name, message) => {
                write!(f, "cannot install the {name} adapter: {message}")
            }
        }
    }
}

impl std::error::Error for InitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Filter(e) => Some(e),
            Kind::File(_, e) | Kind::Thread(e) | Kind::Signals(e) => Some(e),
            Kind::AlreadyInitialized | Kind::Adapter(..) => None,
        }
    }
}
