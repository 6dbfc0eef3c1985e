//! [`Handle`]: snapshots and flushes requested from any thread, answered by the collector.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use crate::callsite::site::Callsite;
use crate::collector::{write_direct, Claim, Command, Settings, SharedStats, Stats};
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::ring::shared::RingSet;
use crate::snapshot::writer::WriteError;
use crate::sync::global::Ordering;

/// A cheap, cloneable handle to a running ring logger: take snapshots and flush from any
/// thread (signal handlers' helper threads, panic hooks, your own code).
///
/// Get one from [`Guard::handle`](crate::Guard::handle).
#[derive(Clone)]
pub struct Handle {
    pub(crate) rings: Arc<RingSet>,
    pub(crate) commands: Sender<Command>,
    /// What snapshots are written with, for those this handle writes itself.
    pub(crate) snapshots: Arc<Settings>,
    /// What the collector counted.
    pub(crate) stats: SharedStats,
}

/// Waits up to `timeout` for a reply.
fn receive<T>(rx: &crossbeam_channel::Receiver<T>, timeout: Duration) -> Result<T, RequestError> {
    rx.recv_timeout(timeout).map_err(|e| match e {
        crossbeam_channel::RecvTimeoutError::Timeout => RequestError::TimedOut,
        crossbeam_channel::RecvTimeoutError::Disconnected => RequestError::Stopped,
    })
}

/// How long [`Handle::snapshot`] waits for the collector before writing the snapshot itself,
/// from the calling thread (the recorder is in the threads' own logs, so nothing is lost that
/// way but the spans the collector had not seen in them).
pub const COLLECTOR_PATIENCE: Duration = if cfg!(miri) {
    Duration::from_secs(600)
} else {
    Duration::from_millis(500)
};

/// How long [`Handle::snapshot`] and [`Handle::flush`] wait for the collector. Under Miri,
/// which runs code about a hundred times slower (and the CI machine may be busy), a wall-clock
/// wait of seconds is not a fair bound, so it is minutes there.
pub(crate) const DEFAULT_TIMEOUT: Duration = if cfg!(miri) {
    Duration::from_secs(600)
} else {
    Duration::from_secs(10)
};

/// The part of [`Handle::automatic_snapshot_deadline`] that does not depend on the budget.
const AUTOMATIC_BASE_DEADLINE: Duration = if cfg!(miri) {
    Duration::from_secs(600)
} else {
    Duration::from_secs(5)
};

impl Handle {
    /// Sends a command and waits up to `timeout` for its reply.
    fn request<T>(
        &self,
        make: impl FnOnce(Sender<T>) -> Command,
        timeout: Duration,
    ) -> Result<T, RequestError> {
        let rx = self.send(make)?;
        receive(&rx, timeout)
    }

    /// Sends a command; returns where its reply will come.
    fn send<T>(
        &self,
        make: impl FnOnce(Sender<T>) -> Command,
    ) -> Result<crossbeam_channel::Receiver<T>, RequestError> {
        if !self.rings.is_live() {
            return Err(RequestError::Stopped);
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        if self.commands.send(make(tx)).is_err() {
            return Err(RequestError::Stopped);
        }
        self.rings.wake();
        Ok(rx)
    }

    /// Writes a snapshot of the flight recorder (every thread's newest events, and the spans)
    /// and returns its path. The collector writes it, with its whole span table; when it does
    /// not answer within [`COLLECTOR_PATIENCE`] (stuck in a slow sink, say), this thread
    /// writes it. Waits up to ten seconds in all.
    ///
    /// A snapshot asked for this way is always written: the
    /// [`snapshot_rate`](crate::Builder::snapshot_rate) limits only automatic snapshots (see
    /// [`automatic_snapshot`](Self::automatic_snapshot)). The snapshot directory's
    /// [retention](crate::Builder::snapshot_retention) applies to every snapshot: after it is
    /// written, the oldest snapshot files of the service beyond it are removed.
    ///
    /// # Errors
    ///
    /// When the collector has stopped, or the file cannot be written.
    pub fn snapshot(&self, reason: &str) -> Result<PathBuf, SnapshotRequestError> {
        self.snapshot_timeout(reason, DEFAULT_TIMEOUT)
    }

    /// Like [`snapshot`](Self::snapshot), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// As for [`snapshot`](Self::snapshot).
    pub fn snapshot_timeout(
        &self,
        reason: &str,
        timeout: Duration,
    ) -> Result<PathBuf, SnapshotRequestError> {
        let claim = Arc::new(Claim::default());
        let command = |reply| Command::Snapshot {
            reason: reason.to_owned(),
            reply,
            claim: claim.clone(),
        };
        let patience = timeout.min(COLLECTOR_PATIENCE);
        let outcome = self
            .send(command)
            .and_then(|rx| match receive(&rx, patience) {
                Err(RequestError::TimedOut) if claim.withdraw() => {
                    Ok(write_direct(&self.rings, &self.snapshots, reason))
                }
                // The collector took it just as we gave up: it is writing it.
                Err(RequestError::TimedOut) => receive(&rx, timeout.saturating_sub(patience)),
                other => other,
            });
        match outcome {
            Ok(Ok(path)) => Ok(path),
            Ok(Err(e)) => Err(SnapshotRequestError {
                kind: RequestErrorKind::Write(e),
            }),
            Err(RequestError::Stopped) => Err(SnapshotRequestError {
                kind: RequestErrorKind::Stopped,
            }),
            Err(RequestError::TimedOut) => Err(SnapshotRequestError {
                kind: RequestErrorKind::TimedOut,
            }),
        }
    }

    /// Writes a snapshot as [`snapshot`](Self::snapshot) does, if the logger's
    /// [`SnapshotRate`](crate::SnapshotRate) allows one more automatic snapshot now (see
    /// [`Builder::snapshot_rate`](crate::Builder::snapshot_rate)); the panic hook and the
    /// signal handlers write theirs this way, and so can your own automatic triggers (a
    /// watchdog, an error-rate alarm).
    ///
    /// It waits up to [`automatic_snapshot_deadline`](Self::automatic_snapshot_deadline) for
    /// the snapshot, which grows with the recorder's budget: a snapshot of a recorder full of
    /// large values is as large as the budget, and the disk sets how fast it is written.
    ///
    /// A snapshot the limit suppresses is counted
    /// ([`snapshots_suppressed`](Self::snapshots_suppressed)) and logged as a WARN event
    /// (target `ttlog`, message `snapshot suppressed (rate limit)`, fields `reason` and
    /// `suppressed`, the count so far), which the next snapshot holds.
    ///
    /// # Errors
    ///
    /// As for [`snapshot`](Self::snapshot), and [`SnapshotRequestError::is_suppressed`] when
    /// the rate limit suppressed it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use ttlog_core::SnapshotRate;
    /// # let dir = std::env::temp_dir().join(format!("ttlog-doc-auto-{}", std::process::id()));
    /// let guard = ttlog_core::init()
    ///     .no_console()
    ///     .recorder_in_memory()
    ///     .snapshot_dir(&dir)
    ///     .snapshot_rate(SnapshotRate::new(1, Duration::from_secs(3600)))
    ///     .init();
    /// let handle = guard.handle();
    /// assert!(handle.automatic_snapshot("watchdog").is_ok());
    /// let err = handle.automatic_snapshot("watchdog").unwrap_err();
    /// assert!(err.is_suppressed());
    /// assert_eq!(handle.snapshots_suppressed(), 1);
    /// // Explicit snapshots are not limited.
    /// assert!(handle.snapshot("on demand").is_ok());
    /// # drop(guard);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn automatic_snapshot(&self, reason: &str) -> Result<PathBuf, SnapshotRequestError> {
        if !self.is_running() {
            return Err(SnapshotRequestError {
                kind: RequestErrorKind::Stopped,
            });
        }
        if !self.snapshots.rate.try_take() {
            let suppressed = self.snapshots.rate.suppressed();
            let mut values = Values::new();
            values.push(FieldValue::from(reason));
            values.push(FieldValue::from(suppressed));
            // Past the level gates, as the panic event is: a lost snapshot is always said.
            crate::logger::dispatch(LogEvent::new(&SUPPRESSED_CALLSITE, values));
            return Err(SnapshotRequestError {
                kind: RequestErrorKind::Suppressed(suppressed),
            });
        }
        self.snapshot_timeout(reason, self.automatic_snapshot_deadline())
    }

    /// How long [`automatic_snapshot`](Self::automatic_snapshot) (and so the panic hook and
    /// the signal handlers) waits for a snapshot: 5 seconds, plus one second per 64 MiB of
    /// the recorder's [budget](crate::Builder::budget) (6 seconds with the default budget,
    /// 13 with 512 MiB). A snapshot streams the recorder to disk, so its size is at most
    /// about the budget; this allows for a disk writing 64 MiB/s, several times slower than
    /// a common one.
    ///
    /// ```
    /// let guard = ttlog_core::init().no_console().recorder_in_memory().budget(512 << 20).init();
    /// assert_eq!(guard.handle().automatic_snapshot_deadline().as_secs(), 13);
    /// ```
    pub fn automatic_snapshot_deadline(&self) -> Duration {
        let per_64_mib = (self.rings.config.budget as u64) >> 26;
        AUTOMATIC_BASE_DEADLINE + Duration::from_secs(per_64_mib)
    }

    /// How many automatic snapshots (panics, signals,
    /// [`automatic_snapshot`](Self::automatic_snapshot)) the
    /// [`snapshot_rate`](crate::Builder::snapshot_rate) has suppressed so far.
    ///
    /// ```
    /// let guard = ttlog_core::init().no_console().recorder_in_memory().init();
    /// assert_eq!(guard.handle().snapshots_suppressed(), 0);
    /// ```
    pub fn snapshots_suppressed(&self) -> u64 {
        self.snapshots.rate.suppressed()
    }

    /// Drains every ring into the sinks and waits until they have written it all. Returns
    /// `false` if the collector has stopped, or it and the sinks did not finish within ten
    /// seconds (a stalled sink, say: [`stats`](Self::stats) tells which).
    pub fn flush(&self) -> bool {
        self.flush_timeout(DEFAULT_TIMEOUT)
    }

    /// Like [`flush`](Self::flush), waiting at most `timeout`.
    pub fn flush_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        // A little longer than the collector's own deadline, for its reply to arrive.
        self.request(
            |reply| Command::Flush { reply, deadline },
            timeout + Duration::from_millis(100),
        )
        .unwrap_or(false)
    }

    /// How many events some sink did not get: [`Stats::missed`], that is, events dropped
    /// before the sinks (full logs under [`Overflow::Drop`](crate::Overflow::Drop), the cases
    /// [`Overflow::Block`](crate::Overflow::Block) still drops, logged while a thread was
    /// being torn down, unread at the shutdown deadline) plus the most events any one sink
    /// lost (failed writes, a stalled sink, the shutdown deadline). Call
    /// [`flush`](Self::flush) first for an up-to-date count; [`stats`](Self::stats) has the
    /// details.
    pub fn dropped(&self) -> u64 {
        let stats = self.stats.get();
        stats
            .dropped
            .max(self.rings.reported_dropped.load(Ordering::Acquire))
            + stats.sinks.iter().map(|s| s.lost).max().unwrap_or(0)
    }

    /// What happened to the events so far: dropped before the sinks, and per sink handed,
    /// written and lost (see [`Stats`]). Up to date after [`flush`](Self::flush).
    ///
    /// ```
    /// let guard = ttlog_core::init().no_console().writer(std::io::sink(), Default::default()).init();
    /// let handle = guard.handle();
    /// assert!(handle.flush());
    /// let stats = handle.stats();
    /// assert_eq!(stats.dropped, 0);
    /// assert_eq!(stats.sinks[0].lost, 0);
    /// ```
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Opens every file sink's path again (after logrotate moved the file away); SIGHUP
    /// does this when the facade's signal handlers are installed. Events logged after it
    /// returns go to the new files. Returns `false` if the collector has stopped or did not
    /// answer within ten seconds.
    ///
    /// ```
    /// let guard = ttlog_core::init().no_console().init();
    /// assert!(guard.handle().reopen());
    /// ```
    pub fn reopen(&self) -> bool {
        self.request(|reply| Command::Reopen { reply }, DEFAULT_TIMEOUT)
            .is_ok()
    }

    /// The recorder file the flight recorder is in (`None` when it is in memory, see
    /// [`Builder::recorder_in_memory`](crate::Builder::recorder_in_memory), or after a clean
    /// shutdown removed it).
    pub fn recorder_path(&self) -> Option<PathBuf> {
        self.rings.recorder_path()
    }

    /// Removes the recorder file now: the process is about to exit cleanly and everything it
    /// logged has been flushed (the exit hook calls this). Logging afterwards still works;
    /// it is just not recoverable after a crash.
    #[doc(hidden)]
    pub fn close_recorder(&self) {
        self.rings.close_recorder();
    }

    /// Whether the collector is still running.
    pub fn is_running(&self) -> bool {
        self.rings.is_live()
    }

    /// Whether this logger is still the one new threads log to: `false` from the moment its
    /// guard starts dropping (even while the collector, given up on after
    /// [`SHUTDOWN_TIMEOUT`](crate::SHUTDOWN_TIMEOUT), still runs).
    ///
    /// ```
    /// let guard = ttlog_core::init().no_console().init();
    /// let handle = guard.handle();
    /// assert!(handle.is_current() && handle.is_running());
    /// drop(guard);
    /// assert!(!handle.is_current() && !handle.is_running());
    /// ```
    pub fn is_current(&self) -> bool {
        self.rings.is_current()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("id", &self.rings.id)
            .finish()
    }
}

/// The event a suppressed automatic snapshot leaves.
static SUPPRESSED_CALLSITE: Callsite = Callsite::new(
    Level::Warn,
    "ttlog",
    "ttlog_core::snapshot",
    file!(),
    line!(),
    "snapshot suppressed (rate limit)",
    &["reason", "suppressed"],
);

enum RequestError {
    Stopped,
    TimedOut,
}

/// Why a snapshot could not be taken.
#[derive(Debug)]
pub struct SnapshotRequestError {
    kind: RequestErrorKind,
}

#[derive(Debug)]
enum RequestErrorKind {
    Stopped,
    TimedOut,
    Write(WriteError),
    /// By the rate limit; the count of suppressed snapshots so far.
    Suppressed(u64),
}

impl SnapshotRequestError {
    /// Whether the collector had already stopped.
    pub fn is_stopped(&self) -> bool {
        matches!(self.kind, RequestErrorKind::Stopped)
    }

    /// Whether the collector did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, RequestErrorKind::TimedOut)
    }

    /// Whether the snapshot was an automatic one that the
    /// [`snapshot_rate`](crate::Builder::snapshot_rate) suppressed (see
    /// [`Handle::automatic_snapshot`]).
    pub fn is_suppressed(&self) -> bool {
        matches!(self.kind, RequestErrorKind::Suppressed(_))
    }
}

impl fmt::Display for SnapshotRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RequestErrorKind::Stopped => {
                f.write_str("cannot take a snapshot: the ttlog collector has stopped")
            }
            RequestErrorKind::TimedOut => {
                f.write_str("cannot take a snapshot: the ttlog collector did not answer in time")
            }
            RequestErrorKind::Write(e) => write!(f, "cannot write snapshot: {e}"),
            RequestErrorKind::Suppressed(n) => {
                write!(f, "snapshot suppressed (rate limit; {n} suppressed so far)")
            }
        }
    }
}

impl std::error::Error for SnapshotRequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            RequestErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}
