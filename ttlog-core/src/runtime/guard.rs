//! [`Guard`]: keeps the ring logger running; dropping it drains, flushes and stops it.

use std::fmt;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::handle::{Handle, SnapshotRequestError};
use crate::collector::Command;
use crate::filter::{self, Filter, ParseError};
use crate::logger;
use crate::sync::global::Ordering;

/// Keeps the ring logger running. Dropping it drains every ring, flushes the sinks and joins
/// the collector, waiting at most [`SHUTDOWN_TIMEOUT`] for it (a collector still busy then is
/// not joined); logging afterwards is a no-op.
#[must_use = "dropping the guard stops the logger"]
pub struct Guard {
    pub(super) handle: Handle,
    pub(super) join: Option<JoinHandle<()>>,
    pub(super) signal_closer: Option<Box<dyn FnOnce() + Send>>,
}

/// How long dropping a [`Guard`] gives the collector and the sinks to read and write what is
/// left. What they have not read or written by then is counted lost ([`Handle::stats`]) and
/// said on stderr.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// How long past [`SHUTDOWN_TIMEOUT`] the guard waits for the collector's answer.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

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
    /// [`level`](crate::Builder::level) and [`filter`](crate::Builder::filter) and the
    /// `TTLOG` / `RUST_LOG` directives no longer apply, and a target no directive names logs at
    /// the string's bare level, or at ERROR when it has none.
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

    /// How many events some sink did not get (see [`Handle::dropped`]).
    pub fn dropped(&self) -> u64 {
        self.handle.dropped()
    }

    /// What happened to the events so far (see [`Handle::stats`]).
    pub fn stats(&self) -> crate::collector::Stats {
        self.handle.stats()
    }

    /// A cloneable handle for taking snapshots from other threads.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.handle.rings.is_inherited() {
            // A forked child's copy of its parent's guard: there is no collector here to stop,
            // and the recorder file is the parent's.
            return;
        }
        if let Some(close) = self.signal_closer.take() {
            close();
        }
        super::panic::uninstall(&self.handle);
        let runtime = &self.handle.rings;
        if logger::logger().is_some_and(|l| l.ring_id() == runtime.id) {
            logger::take_logger();
            filter::uninstall();
        }
        runtime.retire();
        let (tx, rx) = crossbeam_channel::bounded(1);
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        if self
            .handle
            .commands
            .send(Command::Shutdown {
                reply: tx,
                deadline,
            })
            .is_ok()
        {
            runtime.wake();
            // The collector keeps the deadline itself (counting what it could not read or
            // write by then); the grace covers a sink that overshoots it by one stall timeout.
            let _ = rx.recv_deadline(deadline + SHUTDOWN_GRACE);
        }
        if let Some(join) = self.join.take() {
            if join.is_finished() || !runtime.running.load(Ordering::Acquire) {
                let _ = join.join();
            }
        }
        // A clean shutdown: no recorder file is left to recover.
        runtime.close_recorder();
    }
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("handle", &self.handle)
            .finish()
    }
}
