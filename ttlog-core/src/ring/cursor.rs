//! The collector's reading end of a log, a [`Cursor`]: every record once, in order, copied out
//! and checked against recycling (see [`log`](super::log)); what the writer overwrote before
//! it was read is counted.

use std::sync::Arc;

use super::log::{Log, LogSet, Writer};
use super::pool::{lock, Record, COUNTED, HEADER_WORDS, LEN_MASK, META_SHIFT};
use crate::sync::atomic::Ordering;

/// Where a cursor reads: a segment as it was when the cursor got there.
#[derive(Clone, Copy, Debug)]
struct At {
    slot: u32,
    gen: u64,
    seq: u64,
}

/// The collector's reading end of a log: every record once, in order; records the writer
/// overwrote before they were read are counted ([`lost`](Cursor::lost)).
pub struct Cursor {
    log: Arc<Log>,
    at: Option<At>,
    /// Next word to read in the current segment.
    pos: usize,
    /// Counted records read or lost so far: the index of the next one.
    next_counted: u64,
    lost: u64,
    record: Record,
    /// Whether `record` holds the next record (peeked, not yet advanced past).
    ready: bool,
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cursor")
            .field("log", &self.log.id)
            .field("at", &self.at)
            .field("pos", &self.pos)
            .finish()
    }
}

impl Cursor {
    /// A cursor at the start of `log`.
    pub(super) fn new(log: Arc<Log>) -> Cursor {
        Cursor {
            log,
            at: None,
            pos: 0,
            next_counted: 0,
            lost: 0,
            record: Record::default(),
            ready: false,
        }
    }

    /// The next record, copied out, if there is one now.
    #[inline]
    pub fn peek(&mut self) -> Option<&Record> {
        // The collector peeks at a record several times (its kind, time, span) before it
        // takes it: those calls cost a branch; loading the next one is out of line.
        if self.ready || self.load() {
            Some(&self.record)
        } else {
            None
        }
    }

    /// Moves past the record [`peek`](Self::peek) returned.
    pub fn advance(&mut self) {
        if self.ready {
            self.ready = false;
            self.pos += self.record.payload.len() + 1;
            self.next_counted += self.record.counted as u64;
            self.log.read_to.store(self.position(), Ordering::Release);
        }
    }

    /// Counted records the writer overwrote before this cursor read them, or could not write.
    pub fn lost(&self) -> u64 {
        self.lost + self.log.refused_counted.load(Ordering::Relaxed)
    }

    /// Uncounted records (not events) the writer could not write.
    pub fn refused_uncounted(&self) -> u64 {
        let counted = self.log.refused_counted.load(Ordering::Relaxed);
        self.log
            .refused
            .load(Ordering::Relaxed)
            .saturating_sub(counted)
    }

    /// Marks the whole log read, so that all its segments may go to other logs (call once
    /// the writer is gone and nothing is left to read).
    pub fn finish(&self) {
        self.log.consumed.store(u64::MAX, Ordering::Release);
    }

    /// Whether the writer is gone (its thread ended).
    pub fn is_abandoned(&self) -> bool {
        self.log.abandoned.load(Ordering::Acquire)
    }

    /// The log this cursor reads.
    pub fn log(&self) -> &Arc<Log> {
        &self.log
    }

    /// Where the cursor is, as a number that grows as it reads (segment sequence and word).
    pub fn position(&self) -> u64 {
        match self.at {
            Some(at) => at.seq << 32 | self.pos as u64,
            None => 0,
        }
    }

    /// Where the writer is now, in the units of [`position`](Self::position).
    pub fn end(&self) -> u64 {
        let chain = lock(&self.log.chain);
        match chain.back() {
            Some(link) => link.seq << 32 | self.log.pool.tail(link.slot) as u64,
            None => 0,
        }
    }

    /// Loads the next record into `self.record`; `false` when there is none now.
    #[inline(never)]
    fn load(&mut self) -> bool {
        loop {
            let Some(at) = self.at else {
                if !self.resync() {
                    return false;
                }
                continue;
            };
            let tail = self.log.pool.tail(at.slot);
            if self.pos < tail.min(self.log.pool.segment_words()) {
                let header = self
                    .log
                    .pool
                    .word(at.slot, self.pos)
                    .load(Ordering::Relaxed);
                let len = (header & LEN_MASK) as usize;
                let valid = len >= 1 && self.pos + len <= tail.min(self.log.pool.segment_words());
                if valid {
                    // One slice of the segment, copied word by word (no bounds check each).
                    let body = &self.log.pool.segment(at.slot)[self.pos + 1..self.pos + len];
                    self.record.payload.clear();
                    self.record
                        .payload
                        .extend(body.iter().map(|w| w.load(Ordering::Relaxed)));
                    self.record.meta = header >> META_SHIFT;
                    self.record.counted = header & COUNTED != 0;
                }
                if !self.log.pool.still(at.slot, at.gen) {
                    // Recycled under us: start again from the oldest segment left.
                    self.at = None;
                    continue;
                }
                if !valid {
                    // Not a record, and not because of recycling: cannot happen while the
                    // writer keeps the protocol; never loop on it.
                    return false;
                }
                self.ready = true;
                return true;
            }
            // At the end of what is published here: move on if a newer segment follows.
            let next = {
                let chain = lock(&self.log.chain);
                chain.iter().find(|l| l.seq > at.seq).copied()
            };
            let Some(next) = next else {
                if !self.log.pool.still(at.slot, at.gen) {
                    self.at = None;
                    continue;
                }
                return false;
            };
            // The writer published this segment's last record before taking the next one,
            // so the tail read now is final; read on if it grew since.
            if self.log.pool.tail(at.slot) > self.pos && self.log.pool.still(at.slot, at.gen) {
                continue;
            }
            self.enter(next.slot);
        }
    }

    /// Starts reading at the log's oldest segment, counting what was skipped as lost.
    fn resync(&mut self) -> bool {
        let first = lock(&self.log.chain).front().copied();
        match first {
            Some(link) => {
                self.enter(link.slot);
                self.at.is_some()
            }
            None => false,
        }
    }

    /// Moves to segment `slot` (the next one, or the oldest left on a resync).
    fn enter(&mut self, slot: u32) {
        let pool = &*self.log.pool;
        let Some(id) = pool.identity(slot).filter(|id| id.log == self.log.id) else {
            // Being recycled right now: try again from the chain next time.
            self.at = None;
            return;
        };
        // Counted records between where we were and this segment's first are gone: none on a
        // plain hand-over, the rest of a segment recycled under us otherwise (even when it
        // was the one just before this).
        self.lost += id.first_event.saturating_sub(self.next_counted);
        self.next_counted = self.next_counted.max(id.first_event);
        self.at = Some(At {
            slot,
            gen: id.gen,
            seq: id.seq,
        });
        self.pos = HEADER_WORDS;
        // Every segment before this one is read (or lost).
        self.log.consumed.fetch_max(id.seq, Ordering::Release);
    }
}

impl LogSet {
    /// Creates a log whose window is `window` counted records; `overwrite` says whether its
    /// writer recycles segments the collector has not read when the pool is spent (else it
    /// waits: [`Writer::reserve`] returns `None`). Returns its writer and the collector's
    /// cursor.
    ///
    /// ```
    /// use ttlog_core::ring::{LogSet, Pool};
    /// let set = LogSet::new(Pool::new(4, 64));
    /// let (mut writer, mut cursor) = set.log(100, true);
    /// let mut slot = writer.reserve(2).unwrap();
    /// slot.put(0, 40);
    /// slot.put(1, 2);
    /// slot.commit(7, true);
    /// let record = cursor.peek().unwrap();
    /// assert_eq!((record.meta, record.counted, &record.payload[..]), (7, true, &[40, 2][..]));
    /// cursor.advance();
    /// assert!(cursor.peek().is_none());
    /// ```
    pub fn log(self: &Arc<Self>, window: usize, overwrite: bool) -> (Writer, Cursor) {
        let (writer, log) = self.new_log(window, overwrite);
        (writer, Cursor::new(log))
    }
}
