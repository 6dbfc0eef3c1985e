//! The memory every thread's log is made of: a [`Pool`] of equal segments, each a header and
//! room for records, all 64-bit atomic words.
//!
//! # Why a pool of segments
//!
//! A thread's log is a chain of segments (see [`log`](super::log)). The chain grows when the
//! collector falls behind (a burst) and shrinks again once the collector has read the old
//! segments and the flight recorder no longer needs them, so memory follows the backlog, up to
//! the pool's size: the process-wide budget. Segments are taken and given back a whole segment
//! at a time (about once per five hundred events), so the caller's path never allocates.
//!
//! # Why atomic words
//!
//! The segments are read while they are written: the collector reads behind the writer, and a
//! snapshot (on a panic, a signal, a request) reads every thread's newest records from any
//! thread, even while their writers go on. A segment can also be recycled under a reader (see
//! the seqlock below). Every word is an `AtomicU64` accessed with `Relaxed` loads and stores
//! (plain moves on x86_64 and aarch64) and ordered by the header's `Release`/`Acquire`
//! publications, so a racing read returns stale or torn *values*, never undefined behaviour,
//! and the seqlock tells the reader to throw them away.
//!
//! # Segment header
//!
//! ```text
//! word 0  gen          seqlock: odd while the segment is being (re)initialised
//! word 1  log          the id of the log that owns the segment (0: free)
//! word 2  seq          the segment's place in its log's chain: 0, 1, 2, ...
//! word 3  first_event  how many counted records the log held before this segment
//! word 4  tail         words in use, header included (published with Release)
//! word 5..8            reserved
//! ```
//!
//! A reader loads `gen` (Acquire), reads what it needs, then loads `gen` again after an
//! Acquire fence: the same even value means nothing was recycled in between (Boehm, "Can
//! seqlocks get along with programming language memory models?", 2012).

#![allow(unsafe_code)]

use std::sync::Arc;

use super::words::Words;
use crate::sync::atomic::{fence, AtomicU64, Ordering};
use crate::sync::Mutex;

/// Words in a segment header.
pub const HEADER_WORDS: usize = 8;

/// The default segment size, in words (64 KiB).
pub const DEFAULT_SEGMENT_WORDS: usize = 8192;

/// The smallest segment, in words.
pub const MIN_SEGMENT_WORDS: usize = 32;

/// The largest segment, in words (512 KiB): every record that fits one is within a record
/// header's 16-bit length.
pub const MAX_SEGMENT_WORDS: usize = 1 << 16;

/// Free segments whose memory is kept (taken first, so their pages are warm); the memory of
/// segments freed beyond these goes back to the operating system.
pub const WARM_SEGMENTS: usize = 16;

/// The default pool size (the process-wide memory budget), in bytes: 64 MiB (1 MiB under
/// Miri, which tracks every byte).
pub const DEFAULT_BUDGET_BYTES: usize = if cfg!(miri) { 1 << 20 } else { 64 << 20 };

pub(crate) const GEN: usize = 0;
pub(crate) const LOG: usize = 1;
pub(crate) const SEQ: usize = 2;
pub(crate) const FIRST_EVENT: usize = 3;
pub(crate) const TAIL: usize = 4;

// Record headers: length in words, header included (16 bits) | counted (1) | meta (47).
pub(crate) const LEN_MASK: u64 = 0xffff;
pub(crate) const COUNTED: u64 = 1 << 16;
pub(crate) const META_SHIFT: u32 = 17;

/// A record copied out of a log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The metadata it was committed with.
    pub meta: u64,
    /// Whether it counts towards the window.
    pub counted: bool,
    /// Its payload words.
    pub payload: Vec<u64>,
}

/// Keeps the newest `counted` counted records of `records` (oldest first), and every
/// uncounted record (span operations: the spans the kept events are in were made before them).
pub(crate) fn keep_newest(records: &mut Vec<Record>, counted: usize) {
    let have = records.iter().filter(|r| r.counted).count();
    let mut excess = have.saturating_sub(counted);
    records.retain(|r| {
        if r.counted && excess > 0 {
            excess -= 1;
            return false;
        }
        true
    });
}

/// A segment's identity as its header told it, read under the seqlock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SegmentId {
    pub(crate) slot: u32,
    pub(crate) gen: u64,
    pub(crate) log: u64,
    pub(crate) seq: u64,
    pub(crate) first_event: u64,
}

/// Equal segments of atomic words, and the list of those not in any log.
pub struct Pool {
    words: Arc<Words>,
    /// Where the first segment starts in `words`.
    offset: usize,
    segment_words: usize,
    segments: usize,
    /// Slots not in any log, the most recently freed last (taken first: its pages are warm).
    free: Mutex<Vec<u32>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("segments", &self.segments)
            .field("segment_words", &self.segment_words)
            .finish()
    }
}

impl Pool {
    /// A pool of `segments` segments (at least one) of `segment_words` words each (rounded up
    /// to a power of two, at least [`MIN_SEGMENT_WORDS`]). The memory is zeroed on demand by
    /// the allocator, so segments never used cost no resident memory.
    ///
    /// ```
    /// let pool = ttlog_core::ring::Pool::new(4, 64);
    /// assert_eq!((pool.segments(), pool.segment_words()), (4, 64));
    /// ```
    pub fn new(segments: usize, segment_words: usize) -> Pool {
        let segment_words = segment_words
            .clamp(MIN_SEGMENT_WORDS, MAX_SEGMENT_WORDS)
            .next_power_of_two();
        let segments = segments.clamp(1, u32::MAX as usize);
        let total = segments
            .checked_mul(segment_words)
            .expect("pool size too large");
        Pool::in_words(Arc::new(Words::heap(total)), 0, segments, segment_words)
    }

    /// A pool of `segments` segments of `segment_words` words (a power of two, at least
    /// [`MIN_SEGMENT_WORDS`]) in `words`, from word `offset` on (the recorder file's
    /// segments, after its header). Segments whose header says they belong to no log are
    /// free; `words` must be zero or hold no log's segments.
    ///
    /// # Panics
    ///
    /// When the segments do not fit in `words`, or the size is not a power of two.
    pub fn in_words(
        words: Arc<Words>,
        offset: usize,
        segments: usize,
        segment_words: usize,
    ) -> Pool {
        assert!(
            segment_words.is_power_of_two()
                && (MIN_SEGMENT_WORDS..=MAX_SEGMENT_WORDS).contains(&segment_words)
        );
        assert!(segments >= 1 && segments <= u32::MAX as usize);
        let end = segments
            .checked_mul(segment_words)
            .and_then(|n| n.checked_add(offset))
            .expect("pool size too large");
        assert!(end <= words.len(), "segments beyond the memory given");
        Pool {
            words,
            offset,
            segment_words,
            segments,
            free: Mutex::new((0..segments as u32).rev().collect()),
        }
    }

    /// A pool of about `budget_bytes` bytes (at least one segment) of `segment_words`-word
    /// segments.
    pub fn with_budget(budget_bytes: usize, segment_words: usize) -> Pool {
        let segment_bytes = segment_words
            .clamp(MIN_SEGMENT_WORDS, MAX_SEGMENT_WORDS)
            .next_power_of_two()
            * 8;
        Pool::new(budget_bytes / segment_bytes, segment_words)
    }

    /// How many segments the pool has.
    pub fn segments(&self) -> usize {
        self.segments
    }

    /// Words per segment, header included.
    pub fn segment_words(&self) -> usize {
        self.segment_words
    }

    /// Segments not in any log now.
    pub fn free_segments(&self) -> usize {
        lock(&self.free).len()
    }

    /// Takes a free slot.
    pub(crate) fn take_free(&self) -> Option<u32> {
        lock(&self.free).pop()
    }

    /// Gives `slot` back (its log no longer lists it). Beyond [`WARM_SEGMENTS`] free ones,
    /// its memory goes back to the operating system (all but its header page): a burst's
    /// memory is returned once the collector has read it.
    pub(crate) fn give_back(&self, slot: u32) {
        // Mark it unowned first, so a reader holding an old identity sees it change.
        self.begin_init(slot);
        self.word(slot, LOG).store(0, Ordering::Relaxed);
        self.word(slot, TAIL).store(0, Ordering::Relaxed);
        self.end_init(slot);
        let mut free = lock(&self.free);
        if free.len() >= WARM_SEGMENTS {
            // Keep the header words (with `gen`, which must only grow).
            let start = self.offset + slot as usize * self.segment_words + HEADER_WORDS;
            self.words.release(start, self.segment_words - HEADER_WORDS);
        }
        free.push(slot);
    }

    /// The word `i` of segment `slot`.
    #[inline(always)]
    pub(crate) fn word(&self, slot: u32, i: usize) -> &AtomicU64 {
        &self.words[self.offset + slot as usize * self.segment_words + i]
    }

    /// The words of segment `slot`, its header included.
    #[inline(always)]
    pub(crate) fn segment(&self, slot: u32) -> &[AtomicU64] {
        let start = self.offset + slot as usize * self.segment_words;
        &self.words[start..start + self.segment_words]
    }

    /// A pointer to the first word of segment `slot`, for the writer's unchecked stores.
    #[inline]
    pub(crate) fn segment_ptr(&self, slot: u32) -> *const AtomicU64 {
        let start = self.offset + slot as usize * self.segment_words;
        assert!(start + self.segment_words <= self.words.len());
        self.words[start..].as_ptr()
    }

    /// Starts (re)initialising `slot`: readers that began before see `gen` change.
    pub(crate) fn begin_init(&self, slot: u32) {
        let gen = self.word(slot, GEN);
        let g = gen.load(Ordering::Relaxed);
        gen.store(g | 1, Ordering::Relaxed);
        // Orders the odd `gen` before the header and record stores that follow (a reader
        // that sees any of them, then fences, sees `gen` changed).
        fence(Ordering::Release);
    }

    /// Ends the initialisation of `slot`, publishing its header.
    pub(crate) fn end_init(&self, slot: u32) {
        let gen = self.word(slot, GEN);
        let g = gen.load(Ordering::Relaxed);
        gen.store((g | 1).wrapping_add(1), Ordering::Release);
    }

    /// Reads segment `slot`'s identity; `None` while it is being initialised or when it
    /// changed during the read.
    pub(crate) fn identity(&self, slot: u32) -> Option<SegmentId> {
        let gen = self.word(slot, GEN).load(Ordering::Acquire);
        if gen & 1 == 1 {
            return None;
        }
        let id = SegmentId {
            slot,
            gen,
            log: self.word(slot, LOG).load(Ordering::Relaxed),
            seq: self.word(slot, SEQ).load(Ordering::Relaxed),
            first_event: self.word(slot, FIRST_EVENT).load(Ordering::Relaxed),
        };
        self.still(slot, gen).then_some(id)
    }

    /// Whether segment `slot` is still at generation `gen` (after the reads before this call,
    /// which the fence orders before the check).
    #[inline]
    pub(crate) fn still(&self, slot: u32, gen: u64) -> bool {
        fence(Ordering::Acquire);
        self.word(slot, GEN).load(Ordering::Relaxed) == gen
    }

    /// The published tail of segment `slot` (Acquire: the records below it are visible).
    #[inline]
    pub(crate) fn tail(&self, slot: u32) -> usize {
        self.word(slot, TAIL).load(Ordering::Acquire) as usize
    }
}

pub(crate) use crate::sync::lock;
