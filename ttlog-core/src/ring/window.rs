//! A thread's flight-recorder window read as a stream ([`WindowCursor`]), one record at a
//! time, for snapshots, without copying the whole window out first; [`Log::window`] collects
//! the same stream.
//!
//! A snapshot of a recorder with a budget of hundreds of megabytes must not need as much
//! again to be written. So the window is read in two passes over the log's chain, neither of
//! which copies more than one record:
//!
//! 1. *Plan* (newest segment first): read only the record headers to
//!    find the oldest segment the window reaches and how many counted records of it are older
//!    than the window.
//! 2. *Read* (oldest first): each record is copied out and checked against recycling (the
//!    seqlock of [`pool`](super::pool)) before it is handed out; a record that fails the check
//!    is never decoded.
//!
//! The writer keeps writing meanwhile. Records it appends to the newest segment after the
//! plan may be read too; a segment it recycles under the reader (only under
//! [`Overflow::Drop`](super::Overflow::Drop), when the pool is spent) is skipped from where it
//! was recycled, and reading goes on with the next one: the stream is always in the log's
//! order, with a gap where records were overwritten while it was read.

use std::collections::VecDeque;
use std::sync::Arc;

use super::log::{Link, Log};
use super::pool::{keep_newest, Record, SegmentId, COUNTED, HEADER_WORDS, LEN_MASK, META_SHIFT};
use crate::sync::atomic::Ordering;

/// Reads a log's newest records, oldest first, one at a time.
#[derive(Debug)]
pub(crate) struct WindowCursor {
    log: Arc<Log>,
    /// The segments still to read, oldest first.
    links: VecDeque<Link>,
    /// Counted records at the start of `first_seq`'s segment that are older than the window.
    skip: usize,
    first_seq: u64,
    /// The segment being read: its identity, the next record's word, its tail.
    current: Option<(SegmentId, usize, usize)>,
}

impl WindowCursor {
    /// A cursor over the newest `counted` counted records of `log` (and the uncounted records
    /// of the segments they are in).
    pub(crate) fn new(log: Arc<Log>, counted: usize) -> WindowCursor {
        let pool = &*log.pool;
        let links: Vec<Link> = super::pool::lock(&log.chain).iter().copied().collect();
        let mut have = 0usize;
        let mut start = links.len();
        for (i, link) in links.iter().enumerate().rev() {
            if have >= counted {
                break;
            }
            let Some(id) = pool.identity(link.slot) else {
                break;
            };
            if id.log != log.id || id.seq != link.seq {
                break;
            }
            let tail = pool.tail(link.slot).min(pool.segment_words());
            let mut n = 0;
            let mut pos = HEADER_WORDS;
            while pos < tail {
                let header = pool.word(link.slot, pos).load(Ordering::Relaxed);
                let len = (header & LEN_MASK) as usize;
                if len == 0 || pos + len > tail {
                    break;
                }
                n += usize::from(header & COUNTED != 0);
                pos += len;
            }
            if !pool.still(link.slot, id.gen) {
                // Recycled while we counted: it and everything older are gone.
                break;
            }
            have += n;
            start = i;
        }
        let links: VecDeque<Link> = links[start..].iter().copied().collect();
        WindowCursor {
            skip: have.saturating_sub(counted),
            first_seq: links.front().map_or(0, |l| l.seq),
            log,
            links,
            current: None,
        }
    }

    /// The next record of the window whose metadata `want` accepts (the others are passed
    /// over without copying their payload), or `None` at the end.
    pub(crate) fn next(&mut self, want: impl Fn(u64) -> bool) -> Option<Record> {
        let pool = &*self.log.pool;
        loop {
            let (id, pos, tail) = match self.current {
                Some(current) => current,
                None => {
                    let link = self.links.pop_front()?;
                    match pool.identity(link.slot) {
                        Some(id) if id.log == self.log.id && id.seq == link.seq => {
                            let tail = pool.tail(link.slot).min(pool.segment_words());
                            (id, HEADER_WORDS, tail)
                        }
                        // Recycled since the plan: its records are gone.
                        _ => continue,
                    }
                }
            };
            let slot = id.slot;
            if pos >= tail {
                // The segment's end (a full segment's tail is its last word: no header past
                // it to read).
                self.current = None;
                continue;
            }
            let header = pool.word(slot, pos).load(Ordering::Relaxed);
            let len = (header & LEN_MASK) as usize;
            if len == 0 || pos + len > tail {
                self.current = None;
                continue;
            }
            self.current = Some((id, pos + len, tail));
            let counted = header & COUNTED != 0;
            if counted && self.skip > 0 && id.seq == self.first_seq {
                self.skip -= 1;
                continue;
            }
            let meta = header >> META_SHIFT;
            if !want(meta) {
                continue;
            }
            let payload = (pos + 1..pos + len)
                .map(|i| pool.word(slot, i).load(Ordering::Relaxed))
                .collect();
            if !pool.still(slot, id.gen) {
                // Recycled while we read: the rest of this segment is gone.
                self.current = None;
                continue;
            }
            return Some(Record {
                meta,
                counted,
                payload,
            });
        }
    }
}

impl Log {
    /// The newest records, up to `counted` counted records and the uncounted records of the
    /// segments they are in, oldest first, each checked against recycling: what a
    /// [`WindowCursor`] streams, collected (and cut to `counted` again, since the writer may
    /// have appended records after the cursor planned the window).
    pub fn window(self: &Arc<Self>, counted: usize) -> Vec<Record> {
        let mut cursor = WindowCursor::new(Arc::clone(self), counted);
        let mut out: Vec<Record> = std::iter::from_fn(|| cursor.next(|_| true)).collect();
        keep_newest(&mut out, counted);
        out
    }
}
