//! A thread's flight-recorder window read as a stream ([`WindowCursor`]), one record at a
//! time, for snapshots: the same records as [`Log::window`], without copying the whole window
//! out first.
//!
//! A snapshot of a recorder with a budget of hundreds of megabytes must not need as much
//! again to be written. So the window is read in two passes over the log's chain, neither of
//! which copies more than one record:
//!
//! 1. *Plan* (newest segment first, as [`Log::window`] does): read only the record headers to
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
use super::pool::{Record, SegmentId, COUNTED, HEADER_WORDS, LEN_MASK, META_SHIFT};
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

#[cfg(test)]
mod tests {
    use super::super::log::LogSet;
    use super::super::pool::Pool;
    use super::*;

    /// Every segment of the pool full to its last word, the last slot among them: the cursor
    /// stops at each segment's end without reading past it, and streams what `Log::window`
    /// returns.
    #[test]
    fn full_segments_are_read_to_their_end_and_no_further() {
        let set = LogSet::new(Pool::new(4, 64));
        let (mut tx, _rx) = set.log(1000, true);
        // Records of 7 words plus a header: 7 of them fill the 56 words after a segment's
        // 8-word header exactly.
        let mut seq = 0u64;
        while let Some(mut slot) = tx.reserve(7) {
            for i in 0..7 {
                slot.put(i, seq);
            }
            slot.commit(seq, true);
            seq += 1;
            if seq == 28 {
                break;
            }
        }
        assert_eq!(set.pool().free_segments(), 0);
        let log = tx.log().clone();
        let mut cursor = WindowCursor::new(log.clone(), 1000);
        let streamed: Vec<u64> = std::iter::from_fn(|| cursor.next(|_| true))
            .map(|r| r.meta)
            .collect();
        let collected: Vec<u64> = log.window(1000).iter().map(|r| r.meta).collect();
        assert_eq!(streamed, (0..28).collect::<Vec<_>>());
        assert_eq!(streamed, collected);
    }
}
