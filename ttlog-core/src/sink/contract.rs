//! The [`Sink`] trait: what the collector hands events to, and [`Delivery`], what a sink
//! that writes on a thread of its own reports back.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::record::Record;
use crate::sync::global::lock;

/// Receives every event the collector handles, decoded.
///
/// The collector calls [`write`](Sink::write) for each event and [`flush`](Sink::flush) after
/// each batch, all on its own thread. An error is counted and reported by the collector; the
/// sink keeps receiving events.
///
/// # Examples
///
/// ```
/// use ttlog_core::sink::{Format, Sink, WriterSink};
/// use ttlog_core::{Fields, Level, Record};
///
/// struct CountErrors(usize);
/// impl Sink for CountErrors {
///     fn write(&mut self, record: &Record<'_>) -> std::io::Result<()> {
///         self.0 += usize::from(record.level == Level::Error);
///         Ok(())
///     }
/// }
///
/// let mut sink = CountErrors(0);
/// let record = Record { level: Level::Error, timestamp: std::time::SystemTime::now(),
///     target: "t", module_path: "t", file: "", line: 0, message: "boom",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// sink.write(&record).unwrap();
/// sink.flush().unwrap();
/// assert_eq!(sink.0, 1);
/// ```
pub trait Sink: Send + 'static {
    /// Writes one event.
    ///
    /// # Errors
    ///
    /// Whatever I/O error the sink's destination reports.
    fn write(&mut self, record: &Record<'_>) -> io::Result<()>;

    /// Flushes buffered output.
    ///
    /// # Errors
    ///
    /// Whatever I/O error the sink's destination reports.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Flushes, then waits until everything handed to the sink so far is written, or until
    /// `deadline`. The collector calls it for [`Handle::flush`](crate::Handle::flush) and at
    /// shutdown. A sink that writes on the collector's thread is done when
    /// [`flush`](Sink::flush) returns, which is the default.
    ///
    /// # Errors
    ///
    /// Whatever [`flush`](Sink::flush) returns, or [`io::ErrorKind::TimedOut`] when the
    /// deadline passed first.
    fn sync(&mut self, deadline: Instant) -> io::Result<()> {
        let _ = deadline;
        self.flush()
    }

    /// The collector is stopping: write what is left by `deadline`; whatever is not written
    /// then is lost, and [`delivery`](Sink::delivery) counts it. The default is
    /// [`sync`](Sink::sync).
    fn close(&mut self, deadline: Instant) {
        let _ = self.sync(deadline);
    }

    /// The collector works to `deadline` (a flush, the shutdown) until it is set again to
    /// `None`: no wait of the sink's (for room in a queue, say) should go past it. The default
    /// ignores it.
    fn set_deadline(&mut self, deadline: Option<Instant>) {
        let _ = deadline;
    }

    /// Opens the destination again by its path, after logrotate moved it away (SIGHUP,
    /// [`Handle::reopen`](crate::Handle::reopen)). The default has nothing to reopen.
    ///
    /// # Errors
    ///
    /// When the destination cannot be opened again.
    fn reopen(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// What happened to the events handed to a sink that writes them later, on a thread of
    /// its own ([`BackgroundSink`](super::BackgroundSink)). `None`, the default, for a sink that is done with an
    /// event when [`write`](Sink::write) returns: the collector counts those itself (an
    /// event whose `write` failed is lost).
    fn delivery(&self) -> Option<Delivery> {
        None
    }

    /// The last error the sink met writing, for reports (see [`delivery`](Sink::delivery)).
    fn last_error(&self) -> Option<Arc<str>> {
        None
    }

    /// A short description for reports and [`Stats`](crate::Stats), such as `stderr` or
    /// `file /var/log/app.log`.
    fn name(&self) -> String {
        String::from("sink")
    }

    /// The sink as `Any`, for the collector to find its own
    /// [`BackgroundSink`](crate::sink::BackgroundSink)s, whose batches its formatting
    /// workers format instead of calling [`write`](Sink::write) on its thread. `None`, the
    /// default: the sink gets every record through `write`, on the collector's thread.
    #[doc(hidden)]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }
}

/// What a sink that writes on its own thread did with the events handed to it
/// ([`Sink::delivery`]). Events handed to it that are neither written nor lost are still on
/// their way.
///
/// ```
/// let d = ttlog_core::sink::Delivery { written: 10, lost: 2, errors: 1, stalled: false };
/// assert_eq!(d.written + d.lost, 12);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Events written whole to the destination.
    pub written: u64,
    /// Events that will never be written: dropped because the sink was stalled, or not
    /// written by the shutdown deadline.
    pub lost: u64,
    /// Write errors met (each retried).
    pub errors: u64,
    /// Whether the sink is stalled now (its queue full).
    pub stalled: bool,
}

impl<F> Sink for F
where
    F: FnMut(&Record<'_>) + Send + 'static,
{
    fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        self(record);
        Ok(())
    }
}

/// The write errors of a destination written by a thread of its own (a
/// [`BackgroundSink`](crate::sink::BackgroundSink), the journal): how many, and the last one,
/// shared between the writing thread and the collector that reports them.
#[derive(Default)]
pub(crate) struct WriteErrors {
    count: AtomicU64,
    last: Mutex<Option<Arc<str>>>,
}

impl WriteErrors {
    /// Counts `e` and keeps it as the last error; `true` for the first one (the one worth
    /// printing: later ones are counted and reported in-band).
    pub(crate) fn note(&self, e: &io::Error) -> bool {
        let first = self.count.fetch_add(1, Ordering::Relaxed) == 0;
        *lock(&self.last) = Some(Arc::from(e.to_string()));
        first
    }

    /// How many there were.
    pub(crate) fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The last one.
    pub(crate) fn last(&self) -> Option<Arc<str>> {
        lock(&self.last).clone()
    }
}
