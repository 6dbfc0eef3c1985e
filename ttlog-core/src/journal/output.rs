//! The journal's files, written by a thread of their own (`ttlog-journal`), as a
//! [`BackgroundSink`](crate::sink::BackgroundSink) writes its lines: the collector hands over
//! batches through a bounded queue, waits at most the stall timeout for room, and counts what
//! it could not hand over as lost.
//!
//! The encoder decides where files begin (it writes each file's preamble and metadata); the
//! thread creates the next file (`NAME.000001.ttj`, mode 0600, never an existing one) when a
//! batch says so, and removes the oldest files of the journal beyond the retention count. A
//! batch whose write fails is cut off the file again (a reader never sees half of it) and
//! counted lost; the encoder then starts a new file, since the lost batch may have described
//! callsites the next one uses.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, TrySendError};

use super::format::{file_name, file_seq};
use crate::collector::stats::SinkStats;
use crate::ring::words::le_bytes;
use crate::sink::WriteErrors;

/// The default largest file, in bytes (64 MiB).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 << 20;

/// The default number of journal files kept (the newest; 0 keeps all).
pub const DEFAULT_RETENTION_FILES: usize = 16;

/// How many batches the queue holds.
const QUEUE_BATCHES: usize = 64;

/// The bit of `written` that says the count is settled.
const CLOSED: u64 = 1 << 63;

/// How a journal's files are made: their size and how many are kept.
///
/// ```
/// use ttlog_core::journal::JournalOptions;
/// let options = JournalOptions::new().max_file_bytes(8 << 20).retention(4);
/// assert_eq!(options.get_max_file_bytes(), 8 << 20);
/// ```
#[derive(Clone, Debug)]
pub struct JournalOptions {
    pub(crate) max_file_bytes: u64,
    pub(crate) retention: usize,
    pub(crate) name: Option<String>,
    pub(crate) stall_timeout: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        JournalOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            retention: DEFAULT_RETENTION_FILES,
            name: None,
            stall_timeout: crate::sink::DEFAULT_STALL_TIMEOUT,
        }
    }
}

impl JournalOptions {
    /// The defaults: 64 MiB files, the newest 16 kept, named after the service.
    pub fn new() -> JournalOptions {
        JournalOptions::default()
    }

    /// The size a file grows to before the next one is started (at least 4 KiB; a single
    /// record larger than that gets a file of its own).
    pub fn max_file_bytes(mut self, bytes: u64) -> JournalOptions {
        self.max_file_bytes = bytes.max(4096);
        self
    }

    /// The size a file grows to (see [`max_file_bytes`](Self::max_file_bytes)).
    pub fn get_max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    /// How many files are kept: the oldest beyond it are removed when a new one starts
    /// (`0`: all are kept).
    pub fn retention(mut self, files: usize) -> JournalOptions {
        self.retention = files;
        self
    }

    /// The files' name (default: the service's name, as in snapshot file names).
    pub fn name(mut self, name: impl Into<String>) -> JournalOptions {
        self.name = Some(name.into());
        self
    }
}

/// A batch of whole entries.
pub(crate) struct Batch {
    pub(crate) words: Vec<u64>,
    /// Events in it.
    pub(crate) events: u64,
    /// It starts a new file.
    pub(crate) new_file: bool,
}

enum Msg {
    Batch(Batch),
    Sync(Sender<()>),
}

#[derive(Default)]
struct Shared {
    written: AtomicU64,
    lost: AtomicU64,
    errors: WriteErrors,
    /// A batch was lost: the next one must start a new file.
    restart: AtomicBool,
}

/// The collector's end of the journal's files.
pub(crate) struct Output {
    tx: Option<Sender<Msg>>,
    spare: Receiver<Vec<u64>>,
    shared: Arc<Shared>,
    stall_timeout: Duration,
    stalled: bool,
    closed: bool,
    final_written: u64,
    deadline: Option<Instant>,
    pub(crate) handed: u64,
    name: String,
    join: Option<JoinHandle<()>>,
}

impl Output {
    /// Starts the thread writing journal `name`'s files in `dir` (created if missing).
    pub(crate) fn start(dir: &Path, name: &str, options: &JournalOptions) -> io::Result<Output> {
        fs::create_dir_all(dir)?;
        let next = journal_seqs(dir, name).last().map_or(1, |s| s + 1);
        let (tx, rx) = crossbeam_channel::bounded(QUEUE_BATCHES);
        let (spare_tx, spare) = crossbeam_channel::bounded(4);
        let shared = Arc::new(Shared::default());
        let worker = Worker {
            dir: dir.to_owned(),
            name: name.to_owned(),
            retention: options.retention,
            next,
            file: None,
            shared: shared.clone(),
        };
        let join = std::thread::Builder::new()
            .name("ttlog-journal".into())
            .spawn(move || worker.run(rx, spare_tx))?;
        Ok(Output {
            tx: Some(tx),
            spare,
            shared,
            stall_timeout: options.stall_timeout,
            stalled: false,
            closed: false,
            final_written: 0,
            deadline: None,
            handed: 0,
            name: format!("journal {}", dir.join(name).display()),
            join: Some(join),
        })
    }

    /// An emptied buffer to fill next.
    pub(crate) fn spare(&self) -> Vec<u64> {
        self.spare.try_recv().unwrap_or_default()
    }

    /// Whether a batch was lost since the last [`take_restart`](Self::take_restart).
    #[inline]
    pub(crate) fn restart_pending(&self) -> bool {
        self.shared.restart.load(Ordering::Relaxed)
    }

    /// Whether a batch was lost since the last call (the next batch must start a new file).
    pub(crate) fn take_restart(&self) -> bool {
        self.restart_pending() && self.shared.restart.swap(false, Ordering::AcqRel)
    }

    /// Hands `batch` to the thread, waiting at most the stall timeout (or `deadline`) for room;
    /// counts its events lost if there is none. Returns whether it was handed over.
    pub(crate) fn send(&mut self, batch: Batch, deadline: Option<Instant>) -> bool {
        let events = batch.events;
        let Some(tx) = self.tx.as_ref().filter(|_| !self.closed) else {
            self.shared.lost.fetch_add(events, Ordering::Relaxed);
            return false;
        };
        let sent = if self.stalled {
            tx.try_send(Msg::Batch(batch)).map_err(|e| match e {
                TrySendError::Full(_) | TrySendError::Disconnected(_) => (),
            })
        } else {
            let until = [deadline, self.deadline]
                .into_iter()
                .flatten()
                .fold(Instant::now() + self.stall_timeout, Instant::min);
            tx.send_deadline(Msg::Batch(batch), until)
                .map_err(|e| match e {
                    SendTimeoutError::Timeout(_) | SendTimeoutError::Disconnected(_) => (),
                })
        };
        self.stalled = sent.is_err();
        if sent.is_err() {
            self.shared.lost.fetch_add(events, Ordering::Relaxed);
        }
        sent.is_ok()
    }

    /// Waits until `deadline` for the thread to write everything handed to it.
    pub(crate) fn sync(&mut self, deadline: Instant) -> bool {
        let Some(tx) = self.tx.as_ref().filter(|_| !self.closed) else {
            return true;
        };
        let (reply, done) = crossbeam_channel::bounded(1);
        if tx.send_deadline(Msg::Sync(reply), deadline).is_err() {
            return false;
        }
        done.recv_deadline(deadline).is_ok()
    }

    /// Sets the deadline no wait for room goes past (`None`: none).
    pub(crate) fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Waits until `deadline` for the thread, then settles the counts: what it has not
    /// written by then is lost.
    pub(crate) fn close(&mut self, deadline: Instant) {
        if self.closed {
            return;
        }
        let _ = self.sync(deadline);
        self.closed = true;
        let written = self.shared.written.fetch_or(CLOSED, Ordering::AcqRel) & !CLOSED;
        self.final_written = written;
        let lost = self.shared.lost.load(Ordering::Acquire);
        let pending = self.handed.saturating_sub(written + lost);
        if pending > 0 {
            eprintln!(
                "ttlog: {}: {pending} events not written by the shutdown deadline",
                self.name
            );
        }
        // The thread ends once the queue is empty and disconnected.
        self.tx = None;
    }

    /// The journal's counts, as a sink's.
    pub(crate) fn stats(&self) -> SinkStats {
        let (written, lost) = if self.closed {
            (self.final_written, self.handed - self.final_written)
        } else {
            (
                self.shared.written.load(Ordering::Acquire) & !CLOSED,
                self.shared.lost.load(Ordering::Relaxed),
            )
        };
        SinkStats {
            name: self.name.clone(),
            handed: self.handed,
            written,
            lost,
            errors: self.shared.errors.count(),
            stalled: self.stalled,
        }
    }

    /// The last write error.
    pub(crate) fn last_error(&self) -> Option<Arc<str>> {
        self.shared.errors.last()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // The thread writes what is queued and ends; it is not joined (a write stuck on a
        // hung disk must not hold up the dropping thread).
        self.tx = None;
        drop(self.join.take());
    }
}

/// The sequence numbers of journal `name`'s files in `dir`, smallest first.
pub(crate) fn journal_seqs(dir: &Path, name: &str) -> Vec<u64> {
    let mut seqs: Vec<u64> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| file_seq(name, e.file_name().to_str()?))
        .collect();
    seqs.sort_unstable();
    seqs
}

/// The journal's thread.
struct Worker {
    dir: PathBuf,
    name: String,
    retention: usize,
    /// The next file's sequence number.
    next: u64,
    file: Option<File>,
    shared: Arc<Shared>,
}

impl Worker {
    fn run(mut self, rx: Receiver<Msg>, spare: Sender<Vec<u64>>) {
        while let Ok(msg) = rx.recv() {
            match msg {
                Msg::Batch(mut batch) => {
                    self.write(&batch);
                    batch.words.clear();
                    let _ = spare.try_send(batch.words);
                }
                Msg::Sync(reply) => {
                    let _ = reply.send(());
                }
            }
        }
    }

    fn write(&mut self, batch: &Batch) {
        if self.shared.written.load(Ordering::Acquire) & CLOSED != 0 {
            return;
        }
        if batch.new_file || self.file.is_none() {
            if !batch.new_file {
                // The batch continues a file this thread does not have (its start was
                // lost): the encoder starts a new one next.
                self.lost(batch.events, None);
                return;
            }
            match self.open_next() {
                Ok(file) => self.file = Some(file),
                Err(e) => {
                    self.file = None;
                    self.lost(batch.events, Some(e));
                    return;
                }
            }
        }
        let Some(file) = self.file.as_mut() else {
            return;
        };
        let start = file.metadata().map(|m| m.len()).ok();
        match file.write_all(&le_bytes(&batch.words)) {
            Ok(()) => {
                let _ =
                    self.shared
                        .written
                        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |w| {
                            (w & CLOSED == 0).then_some(w + batch.events)
                        });
            }
            Err(e) => {
                // Cut what was written of it, so the file ends in a whole entry.
                if let Some(start) = start {
                    let _ = file.set_len(start);
                }
                self.file = None;
                self.lost(batch.events, Some(e));
            }
        }
    }

    fn lost(&self, events: u64, error: Option<io::Error>) {
        self.shared.lost.fetch_add(events, Ordering::Relaxed);
        self.shared.restart.store(true, Ordering::Release);
        if let Some(e) = error {
            if self.shared.errors.note(&e) {
                eprintln!(
                    "ttlog: journal {}: {e} (further errors are counted)",
                    self.dir.join(&self.name).display()
                );
            }
        }
    }

    /// Creates the next file (never an existing one) and removes the oldest beyond the
    /// retention count.
    fn open_next(&mut self) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.append(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = loop {
            let path = self.dir.join(file_name(&self.name, self.next));
            self.next += 1;
            match options.open(&path) {
                Ok(file) => break file,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        };
        if self.retention > 0 {
            let seqs = journal_seqs(&self.dir, &self.name);
            let excess = seqs.len().saturating_sub(self.retention);
            for seq in &seqs[..excess] {
                let _ = fs::remove_file(self.dir.join(file_name(&self.name, *seq)));
            }
        }
        Ok(file)
    }
}
