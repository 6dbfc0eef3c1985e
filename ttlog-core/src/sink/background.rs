//! [`BackgroundSink`]: lines formatted on the collector, written by a thread of the sink's
//! own, so a stalled or failing destination never holds up the collector, the other sinks,
//! snapshots or shutdown; every event it loses is counted (see the type's docs).

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, TrySendError};

use super::batch::Batch;
use super::contract::{Delivery, Sink, WriteErrors};
use super::format::{Format, Formatter};
use super::output::{FileOptions, FileOutput, Output, Plain};
use super::pool::{FormatPool, Formatted, Job};
use super::writer::BATCH_BYTES;
use crate::record::Record;

/// How many batches a [`BackgroundSink`]'s queue holds (up to 4 MiB of lines).
pub const QUEUE_BATCHES: usize = 64;

/// How long the collector waits for room in a full [`BackgroundSink`] queue before it marks
/// the sink stalled and counts the batch lost (the default of
/// [`Builder::sink_stall_timeout`](crate::Builder::sink_stall_timeout)).
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(1);

/// The bit of [`Shared::written`] that says the count is settled.
const CLOSED: u64 = 1 << 63;

/// The longest pause between two attempts to write after an error.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

enum Msg {
    /// Whole lines to write, and how many.
    Data(Vec<u8>, u64),
    /// A batch of this many lines that a formatting worker is formatting: the thread waits
    /// for the lines on the receiver, in queue order (see `pool.rs`).
    Formatting(Receiver<Formatted>, u64),
    /// Flush, then answer.
    Sync(Sender<()>),
    /// Open the destination again by path.
    Reopen,
}

/// What the sink's two ends share.
#[derive(Default)]
struct Shared {
    /// Events written whole; [`CLOSED`] is set in it when `close` settles the count, after
    /// which the thread adds nothing (so a line it finishes then is not counted twice).
    written: AtomicU64,
    /// Events lost (not queued, or not written by the shutdown deadline).
    lost: AtomicU64,
    /// Write errors seen, and the last one.
    errors: WriteErrors,
    /// Whether the thread's last write failed (it is retrying): nobody waits for it then.
    failing: AtomicBool,
    /// Set by `reopen`: the thread opens the destination again before its next write (also
    /// in the middle of retrying one: a reopen may be what ends the errors).
    reopen: AtomicBool,
    /// The sink was dropped without being closed: a failing write is given up, not retried
    /// for ever.
    orphaned: AtomicBool,
    /// A formatting worker panicked on one of the sink's batches: the collector removes the
    /// sink (as it does one that panics on its thread).
    panicked: AtomicBool,
    /// The mean length of a line of the last batch a worker formatted (bytes; 0 before the
    /// first): the collector sizes its batches from it so that a batch makes about
    /// [`BATCH_BYTES`] of lines, and the queue holds about as many bytes as with lines
    /// formatted on the collector.
    line_bytes: AtomicU64,
}

impl Shared {
    /// Whether `close` settled the count (the shutdown deadline came): the thread stops
    /// retrying and writing.
    fn is_closed(&self) -> bool {
        self.written.load(Ordering::Acquire) & CLOSED != 0
    }

    fn error(&self, e: &io::Error, name: &str) {
        if self.errors.note(e) {
            // Once per sink: further errors are counted (and reported in-band by the
            // collector with the events they cost).
            eprintln!(
                "ttlog: sink {name}: write failed: {e} (retrying; further errors are counted)"
            );
        }
    }
}

/// A sink whose lines are written by a thread of its own. The builder's console, file and
/// writer sinks are `BackgroundSink`s.
///
/// The collector formats events into a batch and hands it to the sink's thread through a
/// bounded queue of [`QUEUE_BATCHES`] batches. The thread writes each batch whole: a write
/// that fails part-way keeps the rest and retries it (backing off from 1 ms to 1 s), so a
/// line is never torn while the destination recovers (a disk freed, a reader back).
///
/// Nothing is lost without being counted ([`Delivery`]). The sink loses events only when
/// its queue is full (the collector waits up to the [stall timeout](Self::stall_timeout) for
/// room, so a slow destination slows the collector, and under `Overflow::Block` the callers,
/// instead of losing events; then it marks the sink stalled and counts the batch lost, and
/// does not wait again until a batch fits), and at shutdown, for what its thread has not
/// written by the deadline (a half-written line is cut off a file).
///
/// ```
/// use std::time::{Duration, Instant};
/// use ttlog_core::sink::{BackgroundSink, Format, Sink};
/// use ttlog_core::{Fields, Level, Record};
///
/// let mut sink = BackgroundSink::writer(Vec::new(), Format::Logfmt);
/// let record = Record { level: Level::Warn, timestamp: std::time::UNIX_EPOCH,
///     target: "app", module_path: "app", file: "", line: 0, message: "disk low",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// sink.write(&record)?;
/// sink.sync(Instant::now() + Duration::from_secs(5))?;
/// let delivery = sink.delivery().unwrap();
/// assert_eq!((delivery.written, delivery.lost), (1, 0));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct BackgroundSink {
    formatter: Formatter,
    name: String,
    buf: Vec<u8>,
    /// Lines in `buf`.
    lines: u64,
    /// Events handed to the sink.
    handed: u64,
    tx: Sender<Msg>,
    /// Emptied buffers coming back from the thread.
    spare: Receiver<Vec<u8>>,
    shared: Arc<Shared>,
    stall_timeout: Duration,
    stalled: bool,
    /// Set once [`close`](Self::close) gave up on the rest: from then on the counts are
    /// final (events written by then; everything else handed to the sink is lost).
    closed: bool,
    /// Events written when the sink was closed.
    final_written: u64,
    /// Set while the collector works to a deadline (a flush, the shutdown): no wait for room
    /// goes past it.
    deadline: Option<Instant>,
    join: Option<JoinHandle<()>>,
}

impl BackgroundSink {
    /// A sink writing `format` lines to `writer` from its own thread.
    ///
    /// # Panics
    ///
    /// If the thread cannot be started.
    ///
    /// ```
    /// let sink = ttlog_core::sink::BackgroundSink::writer(std::io::sink(), Default::default());
    /// assert_eq!(sink.name(), "writer");
    /// ```
    pub fn writer<W: io::Write + Send + 'static>(writer: W, format: Format) -> BackgroundSink {
        BackgroundSink::start(Box::new(Plain(writer)), format, "writer".into())
            .expect("cannot start a ttlog sink thread")
    }

    /// A sink writing `format` lines to standard error from its own thread.
    ///
    /// # Panics
    ///
    /// If the thread cannot be started.
    ///
    /// ```
    /// let sink = ttlog_core::sink::BackgroundSink::stderr(Default::default());
    /// assert_eq!(sink.name(), "stderr");
    /// ```
    pub fn stderr(format: Format) -> BackgroundSink {
        BackgroundSink::start(Box::new(Plain(io::stderr())), format, "stderr".into())
            .expect("cannot start a ttlog sink thread")
    }

    /// A sink appending `format` lines to the file at `path` (opened with `options`) from its
    /// own thread; [`reopen`](Sink::reopen) opens the path again.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened (see [`FileOptions::open`]) or the thread cannot be
    /// started.
    ///
    /// ```
    /// use ttlog_core::sink::{BackgroundSink, FileOptions, Format};
    /// let path = std::env::temp_dir().join(format!("ttlog-doc-bgfile-{}.log", std::process::id()));
    /// let sink = BackgroundSink::file(&path, Format::Json, FileOptions::new())?;
    /// assert!(sink.name().starts_with("file "));
    /// # drop(sink);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn file(
        path: impl AsRef<Path>,
        format: Format,
        options: FileOptions,
    ) -> io::Result<BackgroundSink> {
        let path = path.as_ref();
        let output = FileOutput::open(path, options)?;
        BackgroundSink::start(Box::new(output), format, format!("file {}", path.display()))
    }

    fn start(output: Box<dyn Output>, format: Format, name: String) -> io::Result<BackgroundSink> {
        let (tx, rx) = crossbeam_channel::bounded(QUEUE_BATCHES);
        let (spare_tx, spare) = crossbeam_channel::bounded(4);
        let shared = Arc::new(Shared::default());
        let worker = Worker {
            output,
            shared: shared.clone(),
            name: name.clone(),
        };
        let join = std::thread::Builder::new()
            .name("ttlog-sink".into())
            .spawn(move || worker.run(rx, spare_tx))?;
        Ok(BackgroundSink {
            formatter: Formatter::new(format),
            name,
            buf: Vec::new(),
            lines: 0,
            handed: 0,
            tx,
            spare,
            shared,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            stalled: false,
            closed: false,
            final_written: 0,
            deadline: None,
            join: Some(join),
        })
    }

    /// How long the collector waits for room in a full queue before it counts a batch lost
    /// and marks the sink stalled (default [`DEFAULT_STALL_TIMEOUT`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// let sink = ttlog_core::sink::BackgroundSink::writer(std::io::sink(), Default::default())
    ///     .stall_timeout(Duration::from_millis(100));
    /// # drop(sink);
    /// ```
    pub fn stall_timeout(mut self, timeout: Duration) -> BackgroundSink {
        self.stall_timeout = timeout;
        self
    }

    /// What the sink is, for reports: `stderr`, `file PATH` or `writer`.
    ///
    /// ```
    /// let sink = ttlog_core::sink::BackgroundSink::writer(Vec::new(), Default::default());
    /// assert_eq!(sink.name(), "writer");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the sink's queue was last found full (see [`BackgroundSink`]).
    ///
    /// ```
    /// let sink = ttlog_core::sink::BackgroundSink::writer(Vec::new(), Default::default());
    /// assert!(!sink.is_stalled());
    /// ```
    pub fn is_stalled(&self) -> bool {
        self.stalled
    }

    /// Hands the buffered lines to the thread, waiting at most until `deadline` for room
    /// (not at all while stalled); counts them lost if there is none.
    fn send_batch(&mut self, deadline: Option<Instant>) {
        if self.lines == 0 || self.closed {
            return;
        }
        // A buffer the thread gave back, else a new one at a batch's size (growing one from
        // empty cost a dozen reallocations and copies per batch: 54 instructions per event).
        let fresh = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH_BYTES + BATCH_BYTES / 4));
        let bytes = std::mem::replace(&mut self.buf, fresh);
        let lines = std::mem::take(&mut self.lines);
        if let Err(Msg::Data(mut bytes, _)) = self.send(Msg::Data(bytes, lines), lines, deadline) {
            if self.buf.capacity() == 0 {
                bytes.clear();
                self.buf = bytes;
            }
        }
    }

    /// Puts `msg` (`lines` lines) in the thread's queue, waiting at most until `deadline`,
    /// the collector's deadline or the stall timeout for room (not at all while stalled).
    /// When there is none, marks the sink stalled, counts the lines lost and hands `msg`
    /// back.
    fn send(&mut self, msg: Msg, lines: u64, deadline: Option<Instant>) -> Result<(), Msg> {
        let sent = if self.stalled {
            self.tx.try_send(msg).map_err(|e| match e {
                TrySendError::Full(m) | TrySendError::Disconnected(m) => m,
            })
        } else {
            let stall = Instant::now() + self.stall_timeout;
            let deadline = deadline
                .into_iter()
                .chain(self.deadline)
                .fold(stall, Instant::min);
            self.tx.send_deadline(msg, deadline).map_err(|e| match e {
                SendTimeoutError::Timeout(m) | SendTimeoutError::Disconnected(m) => m,
            })
        };
        match sent {
            Ok(()) => {
                self.stalled = false;
                Ok(())
            }
            Err(msg) => {
                self.stalled = true;
                self.shared.lost.fetch_add(lines, Ordering::Relaxed);
                Err(msg)
            }
        }
    }

    /// The mean length of the lines of the last batch formatted by a worker (0 before the
    /// first).
    pub(crate) fn line_bytes(&self) -> u64 {
        self.shared.line_bytes.load(Ordering::Relaxed)
    }

    /// Hands `batch` to be formatted by `pool`'s workers and written by the sink's thread,
    /// after everything handed to the sink before it (the collector calls this instead of
    /// [`write`](Sink::write) for each event when it has formatting workers). Each of its
    /// items is handed to the sink: written, or lost and counted, like an event given to
    /// `write`. Returns `Err` when a worker panicked formatting an earlier batch of this
    /// sink: the collector removes it.
    pub(crate) fn submit(&mut self, batch: &Arc<Batch>, pool: &FormatPool) -> Result<(), ()> {
        let lines = batch.len() as u64;
        self.handed += lines;
        if self.shared.panicked.load(Ordering::Acquire) {
            self.shared.lost.fetch_add(lines, Ordering::Relaxed);
            return Err(());
        }
        if self.closed || lines == 0 {
            return Ok(());
        }
        // Lines formatted here before (a sink used both ways) go first.
        self.send_batch(None);
        let (done, formatted) = crossbeam_channel::bounded(1);
        // Order: the one-shot's receiver enters the sink's queue before the job reaches any
        // worker, so the thread writes the batches in the order they were submitted, however
        // the workers finish them. A batch refused for a full queue is counted lost by
        // `send` and never formatted.
        if self
            .send(Msg::Formatting(formatted, lines), lines, None)
            .is_ok()
        {
            pool.submit(Job {
                batch: batch.clone(),
                format: self.formatter.format(),
                done,
                spare: self.spare.clone(),
            });
        }
        Ok(())
    }

    /// Flushes, waits until `deadline` for the thread to write everything, then gives up on
    /// what is left: it is counted lost (and a half-written line cut off a file). Later
    /// events handed to the sink are counted lost too.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use ttlog_core::sink::{BackgroundSink, Sink};
    /// let mut sink = BackgroundSink::writer(Vec::new(), Default::default());
    /// sink.close(Instant::now() + Duration::from_secs(1));
    /// assert_eq!(sink.delivery().unwrap().lost, 0);
    /// ```
    pub fn close(&mut self, deadline: Instant) {
        if self.closed {
            return;
        }
        if self.shared.failing.load(Ordering::Acquire) {
            // One more attempt now, and a moment for a passing error (a full pipe) to clear
            // before the queue is given up on.
            self.wake();
            let grace = Instant::now() + Duration::from_millis(100);
            while self.shared.failing.load(Ordering::Acquire)
                && Instant::now() < grace.min(deadline)
            {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let _ = self.sync(deadline);
        self.closed = true;
        // Settle the count and tell the thread in one step: what it writes from now on was
        // counted lost.
        let written = self.shared.written.fetch_or(CLOSED, Ordering::AcqRel) & !CLOSED;
        self.wake();
        let lost = self.shared.lost.load(Ordering::Acquire);
        self.final_written = written;
        let pending = self.handed.saturating_sub(written + lost);
        if pending > 0 {
            eprintln!(
                "ttlog: sink {}: {pending} events not written by the shutdown deadline",
                self.name
            );
        }
    }
}

impl Sink for BackgroundSink {
    fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.handed += 1;
        if self.closed {
            return Ok(());
        }
        self.formatter.write(record, &mut self.buf);
        self.lines += 1;
        if self.buf.len() >= BATCH_BYTES {
            self.send_batch(None);
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_batch(None);
        Ok(())
    }

    fn sync(&mut self, deadline: Instant) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        self.send_batch(Some(deadline));
        if self.shared.failing.load(Ordering::Acquire) {
            // Retrying after an error that may never clear (a full disk): not waited for.
            let error = self.last_error();
            return Err(io::Error::other(format!(
                "sink is failing: {}",
                error.as_deref().unwrap_or("write error")
            )));
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        let timed_out = || io::Error::new(io::ErrorKind::TimedOut, "sink did not finish writing");
        if self.stalled && self.tx.try_send(Msg::Sync(tx.clone())).is_err() {
            return Err(timed_out());
        }
        if !self.stalled && self.tx.send_deadline(Msg::Sync(tx), deadline).is_err() {
            return Err(timed_out());
        }
        rx.recv_deadline(deadline).map_err(|_| timed_out())
    }

    fn close(&mut self, deadline: Instant) {
        BackgroundSink::close(self, deadline);
    }

    fn reopen(&mut self) -> io::Result<()> {
        self.send_batch(None);
        self.shared.reopen.store(true, Ordering::Release);
        // Wakes the thread whether it waits for a message (a full queue means it is busy and
        // sees the flag before its next batch) or between two attempts of a failing write.
        let _ = self.tx.try_send(Msg::Reopen);
        self.wake();
        Ok(())
    }

    fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    fn delivery(&self) -> Option<Delivery> {
        let (written, lost) = if self.closed {
            (self.final_written, self.handed - self.final_written)
        } else {
            let written = self.shared.written.load(Ordering::Acquire) & !CLOSED;
            (written, self.shared.lost.load(Ordering::Relaxed))
        };
        Some(Delivery {
            written,
            lost,
            errors: self.shared.errors.count(),
            stalled: self.stalled,
        })
    }

    fn last_error(&self) -> Option<Arc<str>> {
        self.shared.errors.last()
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
}

impl BackgroundSink {
    /// Wakes the thread if it waits between two attempts of a failing write.
    fn wake(&self) {
        if let Some(join) = &self.join {
            join.thread().unpark();
        }
    }
}

impl Drop for BackgroundSink {
    fn drop(&mut self) {
        // Hand over the rest; the thread writes it and ends when the queue disconnects. It is
        // not joined: a thread stuck in a write must not hold up the dropping thread; one
        // that is failing gives up.
        self.send_batch(Some(Instant::now()));
        self.shared.orphaned.store(true, Ordering::Release);
        self.wake();
    }
}

impl fmt::Debug for BackgroundSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackgroundSink")
            .field("name", &self.name)
            .field("format", &self.formatter.format())
            .field("stalled", &self.stalled)
            .finish_non_exhaustive()
    }
}

/// The sink's thread.
struct Worker {
    output: Box<dyn Output>,
    shared: Arc<Shared>,
    name: String,
}

impl Worker {
    fn run(mut self, rx: Receiver<Msg>, spare: Sender<Vec<u8>>) {
        while let Ok(msg) = rx.recv() {
            self.reopen_if_asked();
            match msg {
                Msg::Data(mut bytes, lines) => {
                    self.write_batch(&bytes, lines);
                    bytes.clear();
                    if bytes.capacity() <= 4 * BATCH_BYTES {
                        let _ = spare.try_send(bytes);
                    }
                }
                Msg::Formatting(formatted, lines) => {
                    if self.shared.is_closed() {
                        // Past the shutdown deadline: `close` counted these lines lost; the
                        // worker's lines are not waited for.
                        continue;
                    }
                    match formatted.recv() {
                        Ok(Formatted::Lines(mut bytes)) => {
                            self.shared
                                .line_bytes
                                .store(bytes.len() as u64 / lines.max(1), Ordering::Relaxed);
                            self.write_batch(&bytes, lines);
                            bytes.clear();
                            if bytes.capacity() <= 4 * BATCH_BYTES {
                                let _ = spare.try_send(bytes);
                            }
                        }
                        Ok(Formatted::Panicked) => {
                            self.shared.lost.fetch_add(lines, Ordering::Relaxed);
                            self.shared.panicked.store(true, Ordering::Release);
                        }
                        // The pool is gone unformatted (it ended with the collector).
                        Err(_) => {
                            self.shared.lost.fetch_add(lines, Ordering::Relaxed);
                        }
                    }
                }
                Msg::Sync(reply) => {
                    if let Err(e) = self.output.flush() {
                        self.shared.error(&e, &self.name);
                    }
                    let _ = reply.send(());
                }
                // Done above: the message only woke the thread.
                Msg::Reopen => {}
            }
        }
        let _ = self.output.flush();
    }

    /// Opens the destination again if `reopen` asked for it.
    fn reopen_if_asked(&mut self) {
        if self.shared.reopen.swap(false, Ordering::AcqRel) {
            let _ = self.output.flush();
            if let Err(e) = self.output.reopen() {
                self.shared.error(&e, &self.name);
            }
        }
    }

    /// Writes `bytes` (`lines` whole lines) to the end, retrying after errors, unless the
    /// shutdown deadline passes first.
    fn write_batch(&mut self, bytes: &[u8], lines: u64) {
        let mut at = 0;
        let mut backoff = Duration::from_millis(1);
        while at < bytes.len() {
            let mut end = bytes.len();
            if self.shared.is_closed() {
                // Past the shutdown deadline (the rest is counted lost): end the line in
                // progress, if any, and stop.
                if at == 0 || bytes[at - 1] == b'\n' {
                    return;
                }
                end = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(end, |i| at + i + 1);
            }
            let error = match self.output.write(&bytes[at..end]) {
                Ok(0) => io::Error::new(io::ErrorKind::WriteZero, "the writer took nothing"),
                Ok(n) => {
                    // The lines are counted only when a write took part of the batch.
                    let whole = if at == 0 && n == bytes.len() {
                        lines
                    } else {
                        bytes[at..at + n].iter().filter(|&&b| b == b'\n').count() as u64
                    };
                    // Not counted once `close` settled the count (it counted these lost).
                    let _ = self.shared.written.fetch_update(
                        Ordering::AcqRel,
                        Ordering::Acquire,
                        |w| (w & CLOSED == 0).then_some(w + whole),
                    );
                    at += n;
                    backoff = Duration::from_millis(1);
                    self.shared.failing.store(false, Ordering::Release);
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => e,
            };
            self.shared.error(&error, &self.name);
            self.shared.failing.store(true, Ordering::Release);
            if self.shared.is_closed() || self.shared.orphaned.load(Ordering::Acquire) {
                // The count of the rest was settled by `close`. Cut a torn line off a file.
                let line_start = bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                if at > line_start {
                    self.output.cut(at - line_start);
                }
                return;
            }
            std::thread::park_timeout(backoff);
            backoff = (backoff * 2).min(MAX_BACKOFF);
            // A reopen (logrotate) may be what ends the errors: the rest of the batch goes to
            // the new file.
            self.reopen_if_asked();
        }
    }
}
