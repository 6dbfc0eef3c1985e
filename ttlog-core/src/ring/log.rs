//! One thread's log: a chain of pool segments holding variable-size records, written by its
//! thread ([`Writer`]), read behind it by the collector ([`Cursor`]), and read newest-first by
//! snapshots ([`Log::window`]), all without locks on the writer's path.
//!
//! # The chain
//!
//! The writer appends records to its newest segment. When it is full, the writer takes
//! another: its own oldest segment if the collector has read it and the newer segments still
//! hold the recorder's window (`window` counted records), else a free one from the pool, else,
//! with the pool spent, its own oldest anyway (under [`Overflow::Drop`](super::Overflow): the
//! collector loses what it had not read and counts it; the flight recorder still holds the
//! newest records) or nothing (under `Block`: the writer waits for the collector).
//!
//! So the newest `window` counted records of every thread stay in its chain whatever the
//! collector does, and a burst grows the chain instead of losing records, up to the pool.
//!
//! # Records
//!
//! A record is a header word and its payload words, inside one segment (never across two):
//!
//! ```text
//! header: length in words, header included (16 bits) | counted (1 bit) | meta (47 bits)
//! ```
//!
//! `counted` marks the records the window is measured in (the logger's events, not its span
//! operations). `meta` belongs to the record's user.
//!
//! # Reading
//!
//! Readers copy a record out, then check (seqlock, see [`pool`](super::pool)) that its segment
//! was not recycled meanwhile; a record that fails the check is thrown away, never decoded.
//! Segments are published by their `tail` word (Release after the records' words), so a
//! reader never sees a record before it is whole.

#![allow(unsafe_code)]

use std::collections::VecDeque;

use super::pool::{
    keep_newest, lock, Pool, Record, COUNTED, FIRST_EVENT, HEADER_WORDS, LEN_MASK, LOG, META_SHIFT,
    SEQ, TAIL,
};
use crate::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::sync::Mutex;
use std::sync::Arc;

/// How many bits of metadata a record header carries for its user.
pub const META_BITS: u32 = 47;

static NEXT_LOG: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A segment of a chain, as the chain's lock keeps it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Link {
    pub(super) slot: u32,
    pub(super) seq: u64,
    /// Counted records in the segment (final once a newer segment follows it).
    pub(super) counted: u64,
}

/// What a log's writer, its collector cursor and snapshot readers share.
pub struct Log {
    pub(super) id: u64,
    set: Arc<LogSet>,
    pub(super) pool: Arc<Pool>,
    /// The segments, oldest first.
    pub(super) chain: Mutex<VecDeque<Link>>,
    /// The `seq` of the oldest segment the collector has not finished reading: older ones
    /// may be recycled as far as it is concerned.
    pub(super) consumed: AtomicU64,
    /// How far the collector has read: segment `seq << 32 | word`, published as it reads, so
    /// a writer with one segment can tell it has all been read.
    pub(super) read_to: AtomicU64,
    /// Records the writer could not write at all (no segment to be had, or too long).
    pub(super) refused: AtomicU64,
    /// Counted records among `refused`.
    pub(super) refused_counted: AtomicU64,
    pub(super) abandoned: AtomicBool,
    /// Counted records the recorder keeps.
    window: u64,
    /// Whether the writer may overwrite records the collector has not read (`Overflow::Drop`).
    overwrite: bool,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log").field("id", &self.id).finish()
    }
}

/// The logs sharing one pool: where a writer that finds the pool spent looks for a segment
/// another log can spare (see [`Log::yield_oldest`]).
pub struct LogSet {
    pool: Arc<Pool>,
    logs: Mutex<Vec<std::sync::Weak<Log>>>,
    /// The thread reading the logs, woken whenever a writer moves to a new segment.
    reader: std::sync::OnceLock<std::thread::Thread>,
}

impl std::fmt::Debug for LogSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSet").field("pool", &self.pool).finish()
    }
}

impl LogSet {
    /// An empty set of logs over `pool`.
    pub fn new(pool: Pool) -> Arc<LogSet> {
        Arc::new(LogSet {
            pool: Arc::new(pool),
            logs: Mutex::new(Vec::new()),
            reader: std::sync::OnceLock::new(),
        })
    }

    /// Sets the thread to wake when a writer fills a segment (the collector).
    pub fn set_reader(&self, thread: std::thread::Thread) {
        let _ = self.reader.set(thread);
    }

    /// Wakes the reader, if there is one.
    #[inline]
    pub fn wake(&self) {
        if let Some(t) = self.reader.get() {
            t.unpark();
        }
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Creates a log and its writer (`cursor.rs` adds the collector's cursor: see
    /// [`LogSet::log`]).
    pub(super) fn new_log(self: &Arc<Self>, window: usize, overwrite: bool) -> (Writer, Arc<Log>) {
        let log = Arc::new(Log {
            id: NEXT_LOG.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            set: self.clone(),
            pool: self.pool.clone(),
            // Room for a 4 MiB backlog at the default segment size: moving to a new segment
            // does not allocate until then.
            chain: Mutex::new(VecDeque::with_capacity(64)),
            consumed: AtomicU64::new(0),
            read_to: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            refused_counted: AtomicU64::new(0),
            abandoned: AtomicBool::new(false),
            window: window as u64,
            overwrite,
        });
        {
            let mut logs = lock(&self.logs);
            logs.retain(|l| l.strong_count() > 0);
            logs.push(Arc::downgrade(&log));
        }
        let writer = Writer {
            log: log.clone(),
            base: std::ptr::null(),
            slot: 0,
            tail: 0,
            end: 0,
            seq: 0,
            segment_first: 0,
            total_counted: 0,
        };
        (writer, log)
    }

    /// A segment another log than `except` can spare: the oldest read segment of a log whose
    /// writer is gone, else of the live log with the longest chain.
    fn steal(&self, except: u64) -> Option<u32> {
        let logs: Vec<Arc<Log>> = lock(&self.logs)
            .iter()
            .filter_map(std::sync::Weak::upgrade)
            .filter(|l| l.id != except)
            .collect();
        if let Some(slot) = logs
            .iter()
            .filter(|l| l.is_abandoned())
            .find_map(|l| l.yield_oldest())
        {
            return Some(slot);
        }
        // Each chain's length read once: they change while we look.
        let mut live: Vec<(usize, &Arc<Log>)> = logs.iter().map(|l| (l.segments(), l)).collect();
        live.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        live.iter().find_map(|(_, l)| l.yield_oldest())
    }

    /// Every log still alive (its writer or a reader holds it).
    pub fn logs(&self) -> Vec<Arc<Log>> {
        lock(&self.logs)
            .iter()
            .filter_map(std::sync::Weak::upgrade)
            .collect()
    }
}

/// The writing end of a log. Owned by one thread.
pub struct Writer {
    log: Arc<Log>,
    /// The first word of the current segment (kept alive by `log.pool`); null before the
    /// first segment.
    base: *const AtomicU64,
    slot: u32,
    /// Words in use in the current segment (what the segment's `tail` says, or will).
    tail: usize,
    /// Words in a segment (0 before the first segment: every reserve takes the slow path).
    end: usize,
    /// The `seq` the next segment gets when the chain is empty (all recycled).
    seq: u64,
    /// Counted records written before the current segment.
    segment_first: u64,
    /// Counted records ever written.
    total_counted: u64,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("log", &self.log.id)
            .field("seq", &self.seq)
            .field("tail", &self.tail)
            .finish()
    }
}

// SAFETY: `base` points into the pool that `log` keeps alive; the writer is used by one
// thread at a time (moved, never shared), so sending it is like sending the `Arc`.
unsafe impl Send for Writer {}

/// Room for one record, reserved by [`Writer::reserve`]: write its payload words with
/// [`put`](Slot::put), then publish it with [`commit`](Slot::commit). Dropped without
/// committing, nothing is published.
pub struct Slot<'a> {
    writer: &'a mut Writer,
    /// The record's first payload word (inside the writer's current segment); kept here so
    /// that writing the payload does not reload the writer's fields after every store.
    at: *const AtomicU64,
    words: usize,
}

impl std::fmt::Debug for Slot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot").field("words", &self.words).finish()
    }
}

impl Slot<'_> {
    /// Writes payload word `i`.
    ///
    /// # Panics
    ///
    /// If `i` is not below the reserved payload length.
    #[inline(always)]
    pub fn put(&mut self, i: usize, value: u64) {
        assert!(i < self.words, "record word out of range");
        // SAFETY: `i` is below the reserved length.
        unsafe { self.put_unchecked(i, value) }
    }

    /// Writes payload word `i` without checking it is in range.
    ///
    /// # Safety
    ///
    /// `i` must be below the reserved payload length ([`len`](Self::len)).
    #[inline(always)]
    pub unsafe fn put_unchecked(&mut self, i: usize, value: u64) {
        debug_assert!(i < self.words);
        // SAFETY: `reserve` checked that the header and `words` payload words fit below the
        // segment's end, so word `i` of the payload is inside the current segment, which the
        // writer's log keeps alive; the caller promises `i < words`.
        unsafe { &*self.at.add(i) }.store(value, Ordering::Relaxed);
    }

    /// Payload words reserved.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.words
    }

    /// Whether the record has no payload.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// Publishes the record with metadata `meta` (its low [`META_BITS`] bits), `counted`
    /// saying whether it counts towards the window. Payload words not `put` read as whatever
    /// the segment held: put them all.
    #[inline(always)]
    pub fn commit(self, meta: u64, counted: bool) {
        let w = self.writer;
        let len = self.words + 1;
        let header = len as u64 | if counted { COUNTED } else { 0 } | meta << META_SHIFT;
        // SAFETY: as in `put`: word `tail` is inside the current segment.
        unsafe { &*w.base.add(w.tail) }.store(header, Ordering::Relaxed);
        w.tail += len;
        w.total_counted += counted as u64;
        // SAFETY: word `TAIL` of the segment is inside it. Release: the record's words are
        // visible to whoever reads this tail with Acquire.
        unsafe { &*w.base.add(TAIL) }.store(w.tail as u64, Ordering::Release);
    }
}

impl Writer {
    /// Reserves room for a record of `payload_words` words; `None` when the record can never
    /// fit in a segment, or when no segment is to be had now (the pool is spent and the log
    /// does not overwrite, or the log has no segment at all yet and the pool is spent).
    #[inline(always)]
    pub fn reserve(&mut self, payload_words: usize) -> Option<Slot<'_>> {
        // `tail <= end` always; written as a difference so no size can wrap it. Segments are
        // at most `MAX_SEGMENT_WORDS`, so a record that fits is within the header's length
        // field.
        if payload_words < self.end - self.tail {
            return Some(self.slot(payload_words));
        }
        self.reserve_slow(payload_words)
    }

    #[cold]
    #[inline(never)]
    fn reserve_slow(&mut self, payload_words: usize) -> Option<Slot<'_>> {
        if !self.fits(payload_words) {
            return None;
        }
        if !self.next_segment() {
            return None;
        }
        Some(self.slot(payload_words))
    }

    /// The slot for a record of `payload_words` words at the tail, which the caller checked
    /// has room for it.
    #[inline(always)]
    fn slot(&mut self, payload_words: usize) -> Slot<'_> {
        debug_assert!(self.tail + payload_words < self.end);
        Slot {
            // Inside the segment: the caller checked `tail + 1 + payload_words <= end`.
            at: self.base.wrapping_add(self.tail + 1),
            writer: self,
            words: payload_words,
        }
    }

    /// Whether a record of `payload_words` words can ever fit in a segment.
    #[inline]
    pub fn fits(&self, payload_words: usize) -> bool {
        payload_words < LEN_MASK as usize
            && payload_words + 1 + HEADER_WORDS <= self.log.pool.segment_words()
    }

    /// Counts a record that could not be written.
    pub fn refuse(&self, counted: bool) {
        self.log.refused.fetch_add(1, Ordering::Relaxed);
        if counted {
            self.log.refused_counted.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The log this writer writes.
    pub fn log(&self) -> &Arc<Log> {
        &self.log
    }

    /// Moves to a new segment; `false` when none is to be had.
    ///
    /// Our own chain's lock is never held while another log's is taken (stealing), so two
    /// writers stealing from each other cannot deadlock.
    fn next_segment(&mut self) -> bool {
        let log = &*self.log;
        let pool = &*log.pool;
        let mut surplus: Vec<u32> = Vec::new();
        let own = {
            let mut chain = lock(&log.chain);
            if let Some(current) = chain.back_mut() {
                current.counted = self.total_counted - self.segment_first;
            }
            let consumed = log.consumed.load(Ordering::Acquire);
            // One of them is reused; the others, left from a burst, go back to the pool.
            let mut own = None;
            pop_surplus(&mut chain, consumed, log.window, |slot| match own {
                None => own = Some(slot),
                Some(_) => surplus.push(slot),
            });
            own
        };
        for slot in surplus {
            pool.give_back(slot);
        }
        let slot = own
            .or_else(|| pool.take_free())
            .or_else(|| log.set.steal(log.id))
            // Dropping the logs `steal` looked at may have given segments back.
            .or_else(|| pool.take_free());
        let mut chain = lock(&log.chain);
        let slot = match slot {
            Some(slot) => slot,
            None => {
                let consumed = log.consumed.load(Ordering::Acquire);
                // Our only segment, read to its end by the collector (its `tail` is ours).
                let all_read = chain.len() == 1
                    && chain.front().is_some_and(|l| {
                        log.read_to.load(Ordering::Acquire) >= (l.seq << 32 | self.tail as u64)
                    });
                match chain.front().copied() {
                    // The pool is spent: overwrite our oldest (what the collector had not
                    // read is counted lost by its cursor), even our only segment, so the
                    // window keeps the newest records.
                    Some(oldest) if log.overwrite || oldest.seq < consumed || all_read => {
                        chain.pop_front();
                        oldest.slot
                    }
                    _ => return false,
                }
            }
        };
        let seq = chain.back().map_or(self.seq, |l| l.seq + 1);
        pool.begin_init(slot);
        pool.word(slot, LOG).store(log.id, Ordering::Relaxed);
        pool.word(slot, SEQ).store(seq, Ordering::Relaxed);
        pool.word(slot, FIRST_EVENT)
            .store(self.total_counted, Ordering::Relaxed);
        pool.word(slot, TAIL)
            .store(HEADER_WORDS as u64, Ordering::Relaxed);
        pool.end_init(slot);
        chain.push_back(Link {
            slot,
            seq,
            counted: 0,
        });
        drop(chain);
        self.base = pool.segment_ptr(slot);
        self.slot = slot;
        self.tail = HEADER_WORDS;
        self.end = pool.segment_words();
        self.seq = seq + 1;
        self.segment_first = self.total_counted;
        log.set.wake();
        true
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if let Some(current) = lock(&self.log.chain).back_mut() {
            current.counted = self.total_counted - self.segment_first;
        }
        self.log.abandoned.store(true, Ordering::Release);
    }
}

impl Log {
    /// The log's id, as its segments' headers give it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The newest records, up to `counted` counted records and the uncounted records of the
    /// segments they are in, oldest first, each checked against recycling.
    pub fn window(&self, counted: usize) -> Vec<Record> {
        let pool = &*self.pool;
        let links: Vec<Link> = lock(&self.chain).iter().copied().collect();
        let mut newest_first: Vec<Vec<Record>> = Vec::new();
        let mut have = 0usize;
        for link in links.iter().rev() {
            if have >= counted {
                break;
            }
            let Some(id) = pool.identity(link.slot) else {
                break;
            };
            if id.log != self.id || id.seq != link.seq {
                break;
            }
            let tail = pool.tail(link.slot).min(pool.segment_words());
            let mut records = Vec::new();
            let mut pos = HEADER_WORDS;
            while pos < tail {
                let header = pool.word(link.slot, pos).load(Ordering::Relaxed);
                let len = (header & LEN_MASK) as usize;
                if len == 0 || pos + len > tail {
                    break;
                }
                records.push(Record {
                    meta: header >> META_SHIFT,
                    counted: header & COUNTED != 0,
                    payload: (pos + 1..pos + len)
                        .map(|i| pool.word(link.slot, i).load(Ordering::Relaxed))
                        .collect(),
                });
                pos += len;
            }
            if !pool.still(link.slot, id.gen) {
                // Recycled while we read: it and everything older are gone.
                break;
            }
            have += records.iter().filter(|r| r.counted).count();
            newest_first.push(records);
        }
        let mut out: Vec<Record> = newest_first.into_iter().rev().flatten().collect();
        keep_newest(&mut out, counted);
        out
    }

    /// Gives every segment of the log back to the pool (when it is dropped: no writer, no
    /// reader).
    fn release(&self) {
        let mut chain = lock(&self.chain);
        for link in chain.drain(..) {
            self.pool.give_back(link.slot);
        }
    }

    /// Gives back to the pool the oldest segments the collector has read and the window no
    /// longer needs (after a burst, once the backlog is read, even if the thread has gone
    /// quiet); never the newest. Returns how many.
    pub fn trim(&self) -> usize {
        let mut freed = Vec::new();
        {
            let mut chain = lock(&self.chain);
            let consumed = self.consumed.load(Ordering::Acquire);
            pop_surplus(&mut chain, consumed, self.window, |slot| freed.push(slot));
        }
        for &slot in &freed {
            self.pool.give_back(slot);
        }
        freed.len()
    }

    /// Segments in the chain now.
    pub fn segments(&self) -> usize {
        lock(&self.chain).len()
    }

    /// Whether the writer is gone.
    pub fn is_abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Acquire)
    }

    /// Takes the log's oldest segment for another log, if the collector has read it and it
    /// is not the log's only one; its records leave the window.
    pub fn yield_oldest(&self) -> Option<u32> {
        let mut chain = lock(&self.chain);
        let oldest = *chain.front()?;
        let read = oldest.seq < self.consumed.load(Ordering::Acquire);
        if read && (chain.len() > 1 || self.is_abandoned()) {
            chain.pop_front();
            return Some(oldest.slot);
        }
        None
    }
}

/// Pops from `chain` its oldest segments that the collector has read (`seq < consumed`) and
/// that the newer ones make unnecessary for the window (they hold `window` counted records),
/// never the newest (the writer's current one), handing each slot to `f`.
///
/// The newest segment's count is only written when the writer leaves it (or when it ends):
/// until then it counts as empty, which keeps more than the window, never less.
fn pop_surplus(chain: &mut VecDeque<Link>, consumed: u64, window: u64, mut f: impl FnMut(u32)) {
    let mut newer: u64 = chain.iter().skip(1).map(|l| l.counted).sum();
    while let Some(oldest) = chain.front().copied() {
        if chain.len() < 2 || oldest.seq >= consumed || newer < window {
            break;
        }
        chain.pop_front();
        newer -= chain.front().map_or(0, |l| l.counted);
        f(oldest.slot);
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        self.release();
    }
}
