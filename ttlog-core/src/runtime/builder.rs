//! [`Builder`]: what `init()` configures, and starting the collector and installing the logger.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::error::{InitError, Kind};
use super::guard::Guard;
use super::handle::Handle;
use super::ring_logger::RingLogger;
use crate::collector;
use crate::collector::Settings;
use crate::filter::{self};
use crate::journal::encode::Journal;
use crate::journal::JournalOptions;
use crate::level::{Level, LevelFilter};
use crate::logger;
use crate::narration::Narration;
use crate::process::default_service;
use crate::recorder::file::RecorderFile;
use crate::recorder::{recorder_files, recover, remove_unfinished};
use crate::redact::Pattern;
use crate::ring::shared::{Overflow, RingConfig, RingSet, MAX_RING_CAPACITY};
use crate::sink::{BackgroundSink, FileOptions, Format, Sink};
use crate::snapshot::rate::{RateLimiter, SnapshotRate};
use crate::span::id::SpanEvents;
use crate::sync::global::{AtomicU32, Ordering};

/// Installs signal handlers for a running logger and returns a function that removes them.
/// The facade provides one (feature `signals`); the core has no signal dependency.
pub type SignalInstaller = fn(Handle) -> io::Result<Box<dyn FnOnce() + Send>>;

/// The fork generation (plus one) of the process that called `init`; 0 before any. A forked
/// child (a later generation) may call `init` again: it gets a fresh runtime.
pub(super) static INITIALIZED: AtomicU32 = AtomicU32::new(0);

/// Starts configuring the ring logger. Finish with [`Builder::init`] or [`Builder::try_init`].
pub fn init() -> Builder {
    Builder::default()
}

/// Configuration for [`init`]. Every setting has a default; see each method.
///
/// Options for the rings and for the collector go straight into their components'
/// configurations (`rings`, `collector`): a new option is a field there, its default, a
/// setter here, and the code that uses it.
#[derive(Debug)]
pub struct Builder {
    service: Option<String>,
    version: Option<String>,
    narration: Narration,
    level: LevelFilter,
    filter: Option<String>,
    console: Option<Format>,
    files: Vec<(PathBuf, Format)>,
    panic_hook: bool,
    signals: bool,
    signal_installer: Option<SignalInstaller>,
    adapters: Vec<(&'static str, AdapterInstaller)>,
    /// What every thread's ring is made with (size, overflow policy).
    rings: RingConfig,
    /// Keep the threads' logs on the heap instead of in a recorder file.
    recorder_in_memory: bool,
    /// What the collector is made with (sinks, recorder size, snapshots, span lines,
    /// redaction).
    collector: collector::Config,
    /// The sinks given as values and writers, in the order given.
    given: Vec<Given>,
    /// How log files are opened.
    file_options: FileOptions,
    /// How long the collector waits for a full sink queue before it counts the batch lost.
    sink_stall: Duration,
    /// The binary journal's directory, and how its files are made.
    journal: Option<PathBuf>,
    journal_options: JournalOptions,
}

/// A sink given to the builder: made when the logger starts.
enum Given {
    Sink(Box<dyn Sink>),
    Writer(Box<dyn FnOnce() -> BackgroundSink + Send>),
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Given::Sink(_) => "Sink",
            Given::Writer(_) => "Writer",
        })
    }
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
            console: Some(Format::Compact),
            adapters: Vec::new(),
            files: Vec::new(),
            panic_hook: true,
            signals: true,
            signal_installer: None,
            rings: RingConfig::default(),
            recorder_in_memory: false,
            collector: collector::Config::default(),
            given: Vec::new(),
            file_options: FileOptions::new(),
            sink_stall: crate::sink::DEFAULT_STALL_TIMEOUT,
            journal: None,
            journal_options: JournalOptions::new(),
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

    /// How many events the flight recorder keeps for each thread (default
    /// [`DEFAULT_CAPACITY`](crate::DEFAULT_CAPACITY)): a snapshot holds, for every thread
    /// that logged, its newest `events` events, merged by timestamp. They are kept in the
    /// memory the thread writes to, so the collector being behind, blocked or dead costs the
    /// recorder nothing. The windows share the [`budget`](Self::budget) with the events the
    /// collector has not read yet; when it is spent, the oldest events of the threads that
    /// hold the most go first.
    pub fn capacity(mut self, events: usize) -> Self {
        self.collector.capacity = events.max(1);
        self.rings.window = events.max(1);
        self
    }

    /// The process-wide memory for every thread's log, in bytes (default
    /// [`DEFAULT_BUDGET`](crate::DEFAULT_BUDGET), 64 MiB; at least one segment): the flight
    /// recorder's windows and what the collector has not read yet. A burst grows a thread's
    /// log up to it; then the [`overflow`](Self::overflow) policy applies. Memory is only
    /// touched as it is first used.
    pub fn budget(mut self, bytes: usize) -> Self {
        self.rings.budget = bytes;
        self
    }

    /// Keeps the flight recorder (every thread's log) in memory instead of in a recorder file
    /// in the snapshot directory. Snapshots on panics and signals work the same; what a
    /// process killed by SIGKILL, `abort()` or the OOM killer logged last is then lost.
    ///
    /// By default the logs are a shared mapping of `<snapshot dir>/<service>-<pid>-<start>.rec`
    /// (mode 0600, deleted on clean shutdown), which outlives the process; `init()` and
    /// `ttlog recover` turn the files of processes that died into snapshots. When the file
    /// cannot be made (a read-only or missing directory), ttlog says so once on stderr and
    /// keeps the logs in memory.
    pub fn recorder_in_memory(mut self) -> Self {
        self.recorder_in_memory = true;
        self
    }

    /// The size of the segments threads' logs are made of, in typical four-field events of
    /// [`RING_BYTES_PER_EVENT`](crate::RING_BYTES_PER_EVENT) bytes (default
    /// [`DEFAULT_RING_CAPACITY`](crate::DEFAULT_RING_CAPACITY), 64 KiB; at most
    /// [`MAX_RING_CAPACITY`]): a log takes and gives back memory a segment at a time, and no
    /// event is larger than a segment (longer text is cut to fit).
    pub fn ring_capacity(mut self, events: usize) -> Self {
        let bytes = events.clamp(1, MAX_RING_CAPACITY) * crate::ring::RING_BYTES_PER_EVENT;
        self.rings.segment_words = (bytes / 8).max(crate::ring::MIN_SEGMENT_WORDS);
        self
    }

    /// Where snapshots are written (default `./ttlog-snapshots`, created when needed).
    pub fn snapshot_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.collector.snapshot_dir = dir.as_ref().to_path_buf();
        self
    }

    /// How many snapshot files of this service the snapshot directory keeps (default
    /// [`DEFAULT_RETENTION_FILES`](crate::snapshot::DEFAULT_RETENTION_FILES), 20; `usize::MAX`
    /// for no limit). After each snapshot is written, the oldest snapshot files of the
    /// service (by modification time) beyond this count, or beyond
    /// [`snapshot_max_bytes`](Self::snapshot_max_bytes) in all, whichever is stricter, are
    /// removed; the snapshot just written is always kept. Only regular files named as ttlog
    /// names this service's snapshots (`ttlog-<service>-<time>Z-….snap`) and starting with
    /// the snapshot format's magic are ever removed: other files in the directory, other
    /// services' snapshots and links are left alone.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("ttlog-doc-keep-{}", std::process::id()));
    /// let guard = ttlog_core::init()
    ///     .no_console()
    ///     .recorder_in_memory()
    ///     .snapshot_dir(&dir)
    ///     .snapshot_retention(2)
    ///     .init();
    /// for _ in 0..4 {
    ///     guard.handle().snapshot("on demand").unwrap();
    /// }
    /// let snaps = std::fs::read_dir(&dir).unwrap().count();
    /// assert_eq!(snaps, 2);
    /// # drop(guard);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn snapshot_retention(mut self, files: usize) -> Self {
        self.collector.snapshot_retention.files = files.max(1);
        self
    }

    /// How many bytes of snapshot files of this service the snapshot directory keeps
    /// (default [`DEFAULT_RETENTION_BYTES`](crate::snapshot::DEFAULT_RETENTION_BYTES),
    /// 1 GiB; `u64::MAX` for no limit): see [`snapshot_retention`](Self::snapshot_retention),
    /// which removes the oldest files beyond it.
    ///
    /// ```no_run
    /// let _guard = ttlog_core::init().snapshot_max_bytes(256 << 20).init();
    /// ```
    pub fn snapshot_max_bytes(mut self, bytes: u64) -> Self {
        self.collector.snapshot_retention.bytes = bytes;
        self
    }

    /// How often automatic snapshots (on panics, on SIGTERM, SIGINT and SIGUSR1, and
    /// [`Handle::automatic_snapshot`]) may be written (default [`SnapshotRate::DEFAULT`]: a
    /// burst of 3, then one every 10 seconds). One that comes too soon is suppressed: counted
    /// ([`Handle::snapshots_suppressed`]), said on stderr and logged as a WARN event.
    /// Snapshots asked for with [`Handle::snapshot`] are never suppressed.
    ///
    /// A SIGTERM or SIGINT whose snapshot is suppressed still ends the process; its recorder
    /// file (unless [`recorder_in_memory`](Self::recorder_in_memory)) is then left behind and
    /// turned into a snapshot by the next `init()` in the same directory.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use ttlog_core::SnapshotRate;
    /// // At most 10 at once, then one a minute.
    /// let _guard = ttlog_core::init()
    ///     .snapshot_rate(SnapshotRate::new(10, Duration::from_secs(60)))
    ///     .init();
    /// ```
    pub fn snapshot_rate(mut self, rate: SnapshotRate) -> Self {
        self.collector.snapshot_rate = Arc::new(RateLimiter::new(rate));
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

    /// Also appends events to the file at `path` (created with its parent directories, with
    /// the [`file_options`](Self::file_options)). The file is written by a thread of its
    /// own ([`BackgroundSink`]); SIGHUP and [`Handle::reopen`] open the path again.
    pub fn file(mut self, path: impl AsRef<Path>, format: Format) -> Self {
        self.files.push((path.as_ref().to_path_buf(), format));
        self
    }

    /// Also appends every event and span to a binary journal in `dir` (created if missing):
    /// ttlog's own encoding, formatted only when read (`ttlog show`, `ttlog tail -f`,
    /// `ttlog convert`, [`journal::read`](crate::journal::read)), so the collector's cost per
    /// event is about a copy of its record. Files `SERVICE.000001.ttj`, … are written by a
    /// thread of their own and rotated by size ([`journal_options`](Self::journal_options));
    /// secrets are masked as in the text sinks. Its counts are the last entry of
    /// [`Stats::sinks`](crate::Stats::sinks).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("ttlog-doc-journal-{}", std::process::id()));
    /// let builder = ttlog_core::init().no_console().journal(&dir);
    /// # drop(builder);
    /// ```
    pub fn journal(mut self, dir: impl AsRef<Path>) -> Self {
        self.journal = Some(dir.as_ref().to_path_buf());
        self
    }

    /// How the journal's files are made: the size at which the next file starts (default
    /// 64 MiB) and how many files are kept (default 16). The collector waits for a full
    /// journal queue as for a sink's ([`sink_stall_timeout`](Self::sink_stall_timeout)).
    ///
    /// ```
    /// use ttlog_core::journal::JournalOptions;
    /// let builder = ttlog_core::init()
    ///     .journal("logs/journal")
    ///     .journal_options(JournalOptions::new().max_file_bytes(16 << 20).retention(8));
    /// # drop(builder);
    /// ```
    pub fn journal_options(mut self, options: JournalOptions) -> Self {
        self.journal_options = options;
        self
    }

    /// How log files are opened: mode (default 0640) and whether a symlink at the file's own
    /// path is followed (default not). See [`FileOptions`].
    ///
    /// ```
    /// use ttlog_core::sink::FileOptions;
    /// let builder = ttlog_core::init().file_options(FileOptions::new().mode(0o600));
    /// # drop(builder);
    /// ```
    pub fn file_options(mut self, options: FileOptions) -> Self {
        self.file_options = options;
        self
    }

    /// How long the collector waits for room when a sink's queue is full (a slow or stalled
    /// destination) before it counts the batch lost for that sink and stops waiting for it
    /// until it catches up (default [`DEFAULT_STALL_TIMEOUT`](crate::sink::DEFAULT_STALL_TIMEOUT),
    /// one second). Applies to the console, file and writer sinks.
    ///
    /// ```
    /// let builder = ttlog_core::init().sink_stall_timeout(std::time::Duration::from_millis(200));
    /// # drop(builder);
    /// ```
    pub fn sink_stall_timeout(mut self, timeout: Duration) -> Self {
        self.sink_stall = timeout;
        self
    }

    /// How many threads format the lines of the console, file and writer sinks, so that
    /// formatting is not capped at the collector's one core. Each sink still writes its lines
    /// in the collector's order, and counts every event it loses as before. `0` formats on
    /// the collector's thread. The default is one fewer than
    /// [`available_parallelism`](std::thread::available_parallelism), at least one and at
    /// most four. Custom sinks ([`sink`](Self::sink)) always get their records on the
    /// collector's thread.
    ///
    /// ```
    /// let builder = ttlog_core::init().format_threads(0);
    /// # drop(builder);
    /// ```
    pub fn format_threads(mut self, threads: usize) -> Self {
        self.collector.format_threads = Some(threads);
        self
    }

    /// Also writes events to `writer`, formatted as `format`. Lines are formatted on the
    /// collector and written by a thread of the sink's own ([`BackgroundSink`]), so a writer
    /// that blocks holds up nothing else.
    pub fn writer<W: io::Write + Send + 'static>(mut self, writer: W, format: Format) -> Self {
        self.given.push(Given::Writer(Box::new(move || {
            BackgroundSink::writer(writer, format)
        })));
        self
    }

    /// Also hands every event, decoded, to `sink` on the collector thread. The sink must not
    /// block for long: it holds up the collector while it runs (do I/O in a
    /// [`BackgroundSink`], or on a thread of the sink's own, as `BackgroundSink` does).
    pub fn sink<S: Sink>(mut self, sink: S) -> Self {
        self.given.push(Given::Sink(Box::new(sink)));
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
        self.collector.span_events = events;
        self
    }

    /// What a thread does when its ring is full (default [`Overflow::Drop`]).
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.rings.overflow = overflow;
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
        self.collector.redaction = self.collector.redaction.map(|r| r.key(name));
        self
    }

    /// Also masks what `pattern` finds in string values and messages (see
    /// [`redact::Pattern`](crate::redact::Pattern)).
    ///
    /// ```no_run
    /// use ttlog_core::redact::Pattern;
    /// let _guard = ttlog_core::init().redact_pattern(Pattern::prefix("acme_live_")).init();
    /// ```
    pub fn redact_pattern(mut self, pattern: Pattern) -> Self {
        self.collector.redaction = self.collector.redaction.map(|r| r.pattern(pattern));
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
        self.collector.redaction = None;
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

    fn start(mut self, strict: bool) -> Result<Guard, InitError> {
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
        let stall = self.sink_stall;
        if let Some(format) = self.console {
            sinks.push(Box::new(
                BackgroundSink::stderr(format).stall_timeout(stall),
            ));
        }
        for (path, format) in &self.files {
            match BackgroundSink::file(path, *format, self.file_options) {
                Ok(s) => sinks.push(Box::new(s.stall_timeout(stall))),
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
        // Console and files first, then the sinks given as values, in the order given.
        for given in self.given.drain(..) {
            sinks.push(match given {
                Given::Sink(sink) => sink,
                Given::Writer(make) => Box::new(make().stall_timeout(stall)),
            });
        }
        self.collector.sinks.0 = sinks;

        let generation = crate::ring::fork::generation() + 1;
        if INITIALIZED.swap(generation, Ordering::AcqRel) == generation {
            return Err(InitError {
                kind: Kind::AlreadyInitialized,
            });
        }
        crate::clock::anchor();
        let service = self.service.unwrap_or_else(default_service);
        crate::narration::layout::configure(self.narration, &service, self.version.as_deref());
        if let Some(dir) = &self.journal {
            self.journal_options.stall_timeout = self.sink_stall;
            match Journal::start(
                dir,
                &self.journal_options,
                &service,
                self.collector.capacity,
                self.collector.redaction.clone(),
            ) {
                Ok(journal) => self.collector.journal = Some(journal),
                Err(e) if strict => {
                    INITIALIZED.store(0, Ordering::Release);
                    return Err(InitError {
                        kind: Kind::File(dir.clone(), e),
                    });
                }
                Err(e) => eprintln!(
                    "ttlog: cannot start the journal in {}: {e}; continuing without it",
                    dir.display()
                ),
            }
        }
        self.collector.service = service;
        // Test captures redact what they copy as the collector does.
        crate::testing::tap::set_rules(self.collector.redaction.clone());
        let (tx, rx) = crossbeam_channel::unbounded();
        let snapshots = Arc::new(self.collector.snapshot_settings());
        // Miri cannot map files: its runs keep the recorder in memory.
        let rings = if self.recorder_in_memory || cfg!(miri) {
            RingSet::new(self.rings)
        } else {
            recover_leftovers(&snapshots);
            match recorder_file(&self.rings, &snapshots) {
                Ok(file) => {
                    file.meta().make_current();
                    let pool = file.pool();
                    RingSet::with_pool(self.rings, pool, Some(file))
                }
                Err(e) => {
                    eprintln!(
                        "ttlog: cannot create the recorder file in {} ({e}); keeping the flight \
                         recorder in memory (it will not survive SIGKILL)",
                        snapshots.dir.display()
                    );
                    RingSet::new(self.rings)
                }
            }
        };
        let stats = collector::SharedStats::default();
        let join =
            collector::spawn(rings.clone(), rx, self.collector, stats.clone()).map_err(|e| {
                INITIALIZED.store(0, Ordering::Release);
                InitError {
                    kind: Kind::Thread(e),
                }
            })?;
        rings.make_current();
        let handle = Handle {
            rings: rings.clone(),
            commands: tx,
            snapshots,
            stats,
        };
        logger::set_logger(Arc::new(RingLogger::new(handle.clone())));
        filter::install(filter);
        if self.panic_hook {
            super::panic::install(handle.clone());
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

/// Creates the recorder file for `rings` in the snapshot directory.
fn recorder_file(rings: &RingConfig, snapshots: &Settings) -> std::io::Result<RecorderFile> {
    let segment_words = rings
        .segment_words
        .max(crate::ring::MIN_SEGMENT_WORDS)
        .next_power_of_two();
    let segments = (rings.budget / (segment_words * 8)).max(1);
    RecorderFile::create(
        &snapshots.dir,
        &snapshots.service,
        segments,
        segment_words,
        snapshots.capacity,
    )
}

/// Turns the recorder files that processes which died left in the snapshot directory into
/// snapshots, saying so on stderr (files of running processes are left alone).
fn recover_leftovers(snapshots: &Settings) {
    remove_unfinished(&snapshots.dir);
    let mut newest = None;
    for path in recorder_files(&snapshots.dir) {
        match recover(&path, &snapshots.dir, snapshots.redaction.clone()) {
            Ok(done) => {
                eprintln!(
                "ttlog: recovered {} events of process {}, which died without shutting down: {}",
                done.events,
                done.pid,
                    done.snapshot.display()
                );
                newest = Some(done.snapshot);
            }
            Err(e) if e.is_live() => {}
            Err(e) => eprintln!("ttlog: {e}"),
        }
    }
    if let (Some(written), Some(retention)) = (newest, snapshots.retention) {
        crate::collector::apply_retention(snapshots, retention, &written);
    }
}
