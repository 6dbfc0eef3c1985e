//! [`FormatPool`]: the formatting workers, threads ("ttlog-format") that turn [`Batch`]es
//! into lines for the [`BackgroundSink`](super::BackgroundSink)s, so that formatting is not
//! capped at the collector's one core.
//!
//! How a batch travels, and why every sink still writes its lines in the collector's order:
//!
//! 1. The collector seals a batch and, for each sink, makes a one-shot channel and puts its
//!    receiving end in the sink's own bounded queue (`Msg::Formatting`), in order, with the
//!    same stall rules as a batch of lines had. Only then does it hand a [`Job`] (the batch,
//!    the sink's format, the sending end) to the pool.
//! 2. Any worker takes the job, formats the batch and sends the bytes through the one-shot.
//! 3. The sink's thread takes its queue in order and waits on each one-shot in turn: the
//!    queue *is* the order, so batches formatted out of order by different workers are still
//!    written in order, without a reorder buffer or a sequence number.
//!
//! Bounds: a job is in the pool only while its one-shot's receiver sits in (or was just taken
//! from) its sink's queue of [`QUEUE_BATCHES`](super::QUEUE_BATCHES), and a sink's thread
//! takes the next message only after the one before it was formatted; so the pool never holds
//! more than `sinks × (QUEUE_BATCHES + 1)` jobs, and its channel is bounded at that. Workers
//! never wait for a sink: a one-shot always has room for its one message, so a stalled sink
//! holds up neither the workers nor the other sinks.
//!
//! A worker that panics while formatting (a bug) sends [`Formatted::Panicked`]: the sink
//! counts the batch lost and the collector removes the sink, as it does a sink that panics on
//! its own thread. A job whose one-shot is dropped unsent (the pool is gone) is counted lost
//! by the sink's thread too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use super::batch::Batch;
use super::format::{Format, Formatter};

/// What a worker sends back for a job.
pub(crate) enum Formatted {
    /// The batch's lines, one per item.
    Lines(Vec<u8>),
    /// Formatting panicked; nothing of the batch is written.
    Panicked,
}

/// One batch to format for one sink.
pub(crate) struct Job {
    pub(crate) batch: Arc<Batch>,
    pub(crate) format: Format,
    /// The sink's thread waits on the other end.
    pub(crate) done: Sender<Formatted>,
    /// Emptied buffers the sink's thread hands back, to format into.
    pub(crate) spare: Receiver<Vec<u8>>,
}

/// The formatting workers (see the module docs). Dropping it lets them finish the jobs they
/// were given and end.
pub(crate) struct FormatPool {
    jobs: Sender<Job>,
    threads: usize,
}

/// The workers the collector starts by default: one fewer than the cores (the collector has
/// one), at least one, at most four.
pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, 4)
}

impl FormatPool {
    /// Starts `threads` workers (at least one) with room for `jobs` jobs in their queue.
    pub(crate) fn start(threads: usize, jobs: usize) -> std::io::Result<FormatPool> {
        // The bound of the module docs (the caller gives it): never reached, so the collector
        // never waits here.
        let (tx, rx) = crossbeam_channel::bounded(jobs.max(1));
        let threads = threads.max(1);
        for _ in 0..threads {
            let rx: Receiver<Job> = rx.clone();
            std::thread::Builder::new()
                .name("ttlog-format".into())
                .spawn(move || work(rx))?;
        }
        Ok(FormatPool { jobs: tx, threads })
    }

    /// Hands `job` to a worker. If none is left (they all ended), the job is dropped with its
    /// one-shot, and the sink's thread counts the batch lost.
    pub(crate) fn submit(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}

impl std::fmt::Debug for FormatPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormatPool")
            .field("threads", &self.threads)
            .finish()
    }
}

/// A worker: formats jobs until the pool is dropped and its queue is empty. It keeps one
/// [`Formatter`] per format (its per-callsite text is the same for every sink of a format),
/// touched by this thread only.
fn work(jobs: Receiver<Job>) {
    let mut formatters: Vec<Formatter> = Vec::new();
    while let Ok(job) = jobs.recv() {
        let at = match formatters.iter().position(|f| f.format() == job.format) {
            Some(at) => at,
            None => {
                formatters.push(Formatter::new(job.format));
                formatters.len() - 1
            }
        };
        let formatter = &mut formatters[at];
        let mut buf = job.spare.try_recv().unwrap_or_default();
        let formatted = catch_unwind(AssertUnwindSafe(|| {
            for item in job.batch.items() {
                formatter.write(&item.record(), &mut buf);
            }
        }));
        let out = match formatted {
            Ok(()) => Formatted::Lines(buf),
            Err(_) => {
                // Its cache may be half-updated: start afresh.
                formatters[at] = Formatter::new(job.format);
                Formatted::Panicked
            }
        };
        // The sink's thread may have stopped waiting (the sink closed): nothing to do then.
        let _ = job.done.send(out);
    }
}
