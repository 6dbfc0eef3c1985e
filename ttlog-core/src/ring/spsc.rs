//! A bounded single-producer single-consumer ring of variable-size records: each thread's
//! lane to the collector.
//!
//! # Why records, not slots
//!
//! An event with no fields needs a few words; one with eight needs thirty. A ring of fixed
//! slots sized for the largest event would make every event pay for the largest, in copies
//! and in cache lines crossing from the logging core to the collector's. So the ring holds
//! records: a header word followed by as many payload words as the record needs, laid out
//! contiguously (a record never wraps around the end of the buffer; the producer fills the
//! tail end with a padding record instead).
//!
//! # Algorithm
//!
//! A power-of-two array of 64-bit words and two ever-increasing word counters, after
//! Lamport's lock-free queue with the index caching of Rigtorp's and Vyukov's SPSC queues:
//!
//! - `tail` counts words ever published. Only the [`Producer`] writes it (Release, after
//!   writing the record); the consumer reads it with Acquire, which makes the record's words
//!   visible before it reads them.
//! - `head` counts words ever consumed. Only the [`Consumer`] writes it (Release, after it is
//!   done with a record); the producer reads it with Acquire before reusing words, so it never
//!   overwrites a record still being read.
//! - Words `head..tail` (modulo the capacity) hold complete records; the rest are free.
//!   Counters are `usize` and wrap; `tail - head` (wrapping) never exceeds the capacity.
//! - Each side keeps a private copy of the other side's counter and re-reads the shared one
//!   only when the copy says the ring is too full (producer) or empty (consumer), so in the
//!   common case neither side touches the other's cache line.
//!
//! `head` and `tail` sit on separate cache lines ([`CachePadded`]) so the two threads do not
//! false-share.
//!
//! # Records
//!
//! The header word holds the record's length in words (header included) in its low 16 bits,
//! a padding flag in bit 16, and 47 bits of metadata for the ring's user in bits 17 to 63.
//! The payload's meaning belongs to the user, who also supplies a function that drops a
//! record's contents, used when a ring is dropped with records still in it.
//!
//! # Overflow
//!
//! [`Producer::push_record`] never blocks: when there is no room it returns `false` without
//! calling its initialiser. The caller decides what to do; the ring logger either counts the
//! event with [`Producer::count_drop`] (`Overflow::Drop`) or waits for the collector
//! (`Overflow::Block`). Dropped counts are read by the consumer with [`Consumer::dropped`], so
//! no event disappears silently.
//!
//! # Disconnection
//!
//! When the producer is dropped (its thread exits) the ring is marked abandoned; the consumer
//! can still read what is left and then forget the ring. Records still in the ring when both
//! ends are gone are dropped with it, through the drop function.

#![allow(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::Deref;

use crate::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use crate::sync::{Arc, UnsafeCell};

/// Pads and aligns a value to the length of a cache line pair (128 bytes on x86_64, whose
/// spatial prefetcher pulls lines in pairs; 64 elsewhere), so two of them never share one.
#[cfg_attr(target_arch = "x86_64", repr(align(128)))]
#[cfg_attr(not(target_arch = "x86_64"), repr(align(64)))]
#[derive(Default)]
pub struct CachePadded<T>(T);

impl<T> Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

// The buffer is addressed as an array of words (see `Shared::payload`).
#[cfg(not(ttlog_loom))]
const _: () = assert!(std::mem::size_of::<UnsafeCell<MaybeUninit<u64>>>() == 8);

/// The smallest ring, in words.
pub const MIN_CAPACITY: usize = 256;

/// The longest record, in words, header included.
pub const MAX_RECORD_WORDS: usize = LEN_MASK as usize;

/// How many bits of metadata a record header carries for the ring's user.
pub const META_BITS: u32 = 47;

const LEN_MASK: u64 = 0xffff;
const PAD_FLAG: u64 = 1 << 16;
const META_SHIFT: u32 = 17;

/// Drops the contents of one record: `meta` and the payload words, as pushed.
///
/// # Safety
///
/// Called once per record left in a ring that is being dropped, with the record's words.
pub type DropRecord = unsafe fn(meta: u64, payload: *mut u64, words: usize);

/// What the producer publishes: `tail`, the count of records it had to drop, and whether it
/// is gone.
struct ProducerLine {
    tail: AtomicUsize,
    dropped: AtomicU64,
    abandoned: AtomicBool,
}

struct Shared {
    /// Written by the consumer only.
    head: CachePadded<AtomicUsize>,
    /// Written by the producer only.
    producer: CachePadded<ProducerLine>,
    buffer: Box<[UnsafeCell<MaybeUninit<u64>>]>,
    mask: usize,
    drop_record: DropRecord,
}

// SAFETY: the buffer's words are only accessed under the head/tail protocol in the module
// docs, which gives each word exactly one accessor at a time; record contents moved through
// the ring are `Send` by the contract of the user that encodes them (the ring logger moves
// only `Send` values).
unsafe impl Send for Shared {}
// SAFETY: as above: shared references to `Shared` only permit the protocol's accesses.
unsafe impl Sync for Shared {}

impl Shared {
    #[inline(always)]
    fn cell(&self, index: usize) -> &UnsafeCell<MaybeUninit<u64>> {
        let i = index & self.mask;
        debug_assert!(i < self.buffer.len());
        // SAFETY: `buffer.len()` is a power of two and `mask` is `buffer.len() - 1` (set in
        // `channel`, never changed), so `i < buffer.len()`.
        unsafe { self.buffer.get_unchecked(i) }
    }

    /// Writes the header word at `index` (through its tracked cell: loom builds only).
    ///
    /// # Safety
    ///
    /// The word must be free and owned by the producer.
    #[cfg(ttlog_loom)]
    #[inline(always)]
    unsafe fn write_header(&self, index: usize, header: u64) {
        // SAFETY: the caller owns the word.
        self.cell(index).with_mut(|p| unsafe { (*p).write(header) });
    }

    /// Reads the header word at `index`.
    ///
    /// # Safety
    ///
    /// The word must hold a published header.
    #[inline(always)]
    unsafe fn read_header(&self, index: usize) -> u64 {
        // SAFETY: the caller guarantees the word is initialised and published.
        self.cell(index).with(|p| unsafe { (*p).assume_init() })
    }

    /// A pointer to the payload word at `index`, derived from the whole buffer so that a
    /// record's contiguous payload words can all be reached through it.
    #[cfg(not(ttlog_loom))]
    #[inline(always)]
    fn payload(&self, index: usize) -> *mut u64 {
        let i = index & self.mask;
        // `UnsafeCell<MaybeUninit<u64>>` has the layout of `u64`, so the buffer is an array of
        // words; writing through a pointer derived from a shared reference is allowed because
        // every word is inside an `UnsafeCell`.
        self.buffer
            .as_ptr()
            .cast::<u64>()
            .cast_mut()
            .wrapping_add(i)
    }

    /// Under loom each word is a separate tracked cell (not laid out as an array): the loom
    /// models use one-word payloads, and only header accesses are tracked.
    #[cfg(ttlog_loom)]
    #[inline(always)]
    fn payload(&self, index: usize) -> *mut u64 {
        self.cell(index).with_mut(|p| p.cast::<u64>())
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Both ends are gone, so this is the only access: drop the records still held.
        let mut head = self.head.load(Ordering::Relaxed);
        let tail = self.producer.tail.load(Ordering::Relaxed);
        while head != tail {
            // SAFETY: `head` is at a published record's header (module invariant).
            let header = unsafe { self.read_header(head) };
            let len = (header & LEN_MASK) as usize;
            if header & PAD_FLAG == 0 {
                // SAFETY: the record is complete and dropped once, by the function its user
                // supplied for that purpose.
                unsafe {
                    (self.drop_record)(
                        header >> META_SHIFT,
                        self.payload(head.wrapping_add(1)),
                        len - 1,
                    )
                };
            }
            head = head.wrapping_add(len.max(1));
        }
    }
}

/// Creates a ring of at least `capacity_words` 64-bit words (rounded up to a power of two,
/// at least 256, so that any event a macro can build fits). `drop_record` drops the contents of records left in the ring when it is
/// dropped.
///
/// # Panics
///
/// Panics if `capacity_words` is too large to allocate.
///
/// # Examples
///
/// ```
/// use ttlog_core::ring;
/// unsafe fn no_drop(_meta: u64, _payload: *mut u64, _words: usize) {}
/// let (mut tx, mut rx) = ring::channel(256, no_drop);
/// // SAFETY: the initialiser writes both payload words.
/// assert!(unsafe { tx.push_record(2, 7, |p| { p.write(40); p.add(1).write(2) }) });
/// let record = rx.peek().unwrap();
/// assert_eq!(record.meta(), 7);
/// assert_eq!(record.words(), 2);
/// // SAFETY: both payload words were written as `u64`s.
/// assert_eq!(unsafe { (record.payload().read(), record.payload().add(1).read()) }, (40, 2));
/// rx.advance();
/// assert!(rx.peek().is_none());
/// ```
pub fn channel(capacity_words: usize, drop_record: DropRecord) -> (Producer, Consumer) {
    let capacity = capacity_words
        .max(MIN_CAPACITY)
        .checked_next_power_of_two()
        .expect("ring capacity too large");
    let buffer = (0..capacity)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let shared = Arc::new(Shared {
        head: CachePadded(AtomicUsize::new(0)),
        producer: CachePadded(ProducerLine {
            tail: AtomicUsize::new(0),
            dropped: AtomicU64::new(0),
            abandoned: AtomicBool::new(false),
        }),
        buffer,
        mask: capacity - 1,
        drop_record,
    });
    #[cfg(not(ttlog_loom))]
    let base = shared.payload(0);
    let producer = Producer {
        shared: shared.clone(),
        tail: 0,
        cached_head: 0,
        capacity,
        mask: capacity - 1,
        max_payload: MAX_RECORD_WORDS.min(capacity / 2) - 2,
        #[cfg(ttlog_loom)]
        staging: Vec::new(),
        #[cfg(not(ttlog_loom))]
        base,
    };
    let consumer = Consumer {
        shared,
        head: 0,
        cached_tail: 0,
        #[cfg(ttlog_loom)]
        staging: Vec::new(),
    };
    (producer, consumer)
}

/// The writing end of a ring. Owned by one thread.
pub struct Producer {
    shared: Arc<Shared>,
    /// Our own copy of `tail` (we are its only writer).
    tail: usize,
    /// The last `head` we read; the true `head` is never behind it.
    cached_head: usize,
    capacity: usize,
    /// `capacity - 1`, kept here so the hot path does not reach into `shared`.
    mask: usize,
    /// The longest payload accepted: under half the ring, and within the header's length
    /// field.
    max_payload: usize,
    /// The first word of the buffer (which `shared` keeps alive), kept here for the same
    /// reason.
    #[cfg(not(ttlog_loom))]
    base: *mut u64,
    /// Under loom, where each word is a separately tracked cell (not an array), the payload
    /// is written here and copied word by word, through the tracked cells, on commit.
    #[cfg(ttlog_loom)]
    staging: Vec<u64>,
}

// SAFETY: `base` points into the buffer owned by `shared`, which the producer keeps alive;
// the producer is used by one thread at a time (it is moved, never shared), so sending it is
// like sending the `Arc` it came from.
unsafe impl Send for Producer {}

impl Producer {
    /// Appends a record of `payload_words` words with metadata `meta` (the low
    /// [`META_BITS`] bits are kept), letting `init` write the payload in place. Returns
    /// `false`, without calling `init`, when there is no room (or the record is longer than
    /// the ring could ever hold). This is [`reserve`](Self::reserve) and
    /// [`commit`](Self::commit) in one call.
    ///
    /// # Safety
    ///
    /// `init` receives a pointer to `payload_words` contiguous, 8-byte aligned, uninitialised
    /// words and must initialise all of them. (If it panics, the record is not published and
    /// nothing reads it.)
    #[inline(always)]
    pub unsafe fn push_record(
        &mut self,
        payload_words: usize,
        meta: u64,
        init: impl FnOnce(*mut u64),
    ) -> bool {
        match self.reserve(payload_words) {
            Some(payload) => {
                init(payload);
                // SAFETY: reserved just above, and `init` initialised the payload.
                unsafe { self.commit(payload_words, meta) };
                true
            }
            None => false,
        }
    }

    /// Reserves room for a record of `payload_words` words and returns a pointer to its
    /// payload (contiguous, 8-byte aligned, uninitialised words), or `None` when there is no
    /// room (or the record is longer than the ring could ever hold). Nothing is published
    /// until [`commit`](Self::commit); a later `reserve` replaces an uncommitted one (for the
    /// same or a smaller size).
    #[inline(always)]
    pub fn reserve(&mut self, payload_words: usize) -> Option<*mut u64> {
        // The header's length field bounds every record. (Against a constant size, as on the
        // macros' path, this compare folds away. Records over half the ring may still be
        // placed here when they fit; `reserve_slow` and `fits` refuse them otherwise.)
        if payload_words >= MAX_RECORD_WORDS {
            return None;
        }
        let words = payload_words + 1;
        let tail = self.tail;
        // The common case: room before the end of the buffer, and room as far as we know.
        if (tail & self.mask) + words <= self.capacity
            && tail.wrapping_sub(self.cached_head) + words <= self.capacity
        {
            Some(self.payload_ptr(tail.wrapping_add(1), payload_words))
        } else {
            self.reserve_slow(words)
        }
    }

    /// `reserve` when the record needs padding first, or the cached head says the ring may
    /// be full.
    #[cold]
    #[inline(never)]
    fn reserve_slow(&mut self, words: usize) -> Option<*mut u64> {
        if !self.fits(words - 1) {
            return None;
        }
        let room_to_end = self.capacity - (self.tail & self.mask);
        // A record never wraps: if it does not fit before the end, pad the end first.
        let needed = if words <= room_to_end {
            words
        } else {
            room_to_end + words
        };
        if self.tail.wrapping_sub(self.cached_head) + needed > self.capacity {
            // Acquire pairs with the consumer's Release store of `head`: the consumer has
            // finished with every word below the head we see.
            self.cached_head = self.shared.head.load(Ordering::Acquire);
            if self.tail.wrapping_sub(self.cached_head) + needed > self.capacity {
                return None;
            }
        }
        if needed != words {
            // SAFETY: the padding header's word is free (checked above) and ours; it becomes
            // visible only when the record after it is committed (our private `tail` moves
            // past it now; the shared one at commit).
            unsafe { self.write_header(self.tail, room_to_end as u64 | PAD_FLAG) };
            self.tail = self.tail.wrapping_add(room_to_end);
        }
        Some(self.payload_ptr(self.tail.wrapping_add(1), words - 1))
    }

    /// Publishes the record last reserved: `payload_words` (as given to
    /// [`reserve`](Self::reserve)) with metadata `meta` (the low [`META_BITS`] bits are kept).
    ///
    /// # Safety
    ///
    /// [`reserve`](Self::reserve) must have succeeded for `payload_words` since the last
    /// commit, and every payload word it returned must have been initialised.
    #[inline(always)]
    pub unsafe fn commit(&mut self, payload_words: usize, meta: u64) {
        let words = payload_words + 1;
        let header = words as u64 | ((meta & ((1 << META_BITS) - 1)) << META_SHIFT);
        #[cfg(ttlog_loom)]
        for (i, &w) in self.staging[..payload_words].iter().enumerate() {
            // SAFETY: the payload words were reserved (free, ours, not yet published).
            self.shared
                .cell(self.tail.wrapping_add(1 + i))
                .with_mut(|p| unsafe { (*p).write(w) });
        }
        // SAFETY: the header word at our private `tail` was reserved (free, ours, not yet
        // published).
        unsafe { self.write_header(self.tail, header) };
        self.tail = self.tail.wrapping_add(words);
        // Release pairs with the consumer's Acquire load of `tail`: the record's words (and
        // any padding before it) are written before the consumer can see them.
        self.shared
            .producer
            .tail
            .store(self.tail, Ordering::Release);
    }

    /// Where the payload of a record starting its payload at word `index` is to be written:
    /// the buffer itself, or under loom the staging area (see `staging`).
    #[inline(always)]
    #[allow(unused_variables)] // each build uses one of the two arguments
    fn payload_ptr(&mut self, index: usize, payload_words: usize) -> *mut u64 {
        #[cfg(not(ttlog_loom))]
        {
            self.word(index)
        }
        #[cfg(ttlog_loom)]
        {
            self.staging.clear();
            self.staging.resize(payload_words, 0);
            self.staging.as_mut_ptr()
        }
    }

    /// A pointer to word `index` (modulo the capacity).
    #[cfg(not(ttlog_loom))]
    #[inline(always)]
    fn word(&self, index: usize) -> *mut u64 {
        self.base.wrapping_add(index & self.mask)
    }

    /// Writes a header word.
    ///
    /// # Safety
    ///
    /// The word must be free and ours (reserved, not yet published).
    #[inline(always)]
    unsafe fn write_header(&self, index: usize, header: u64) {
        #[cfg(not(ttlog_loom))]
        // SAFETY: forwarded from the caller.
        unsafe {
            self.word(index).write(header)
        };
        #[cfg(ttlog_loom)]
        // SAFETY: forwarded from the caller (through the tracked cell).
        unsafe {
            self.shared.write_header(index, header)
        };
    }

    /// Whether a record of `payload_words` words can ever fit in this ring (records longer
    /// than half the ring are refused, so that one always fits once the ring drains).
    #[inline]
    pub fn fits(&self, payload_words: usize) -> bool {
        payload_words <= self.max_payload
    }

    /// How many words the ring holds at most.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many words are in use, as far as this producer knows (it may be fewer: the consumer
    /// may have consumed some since we last looked).
    #[inline]
    pub fn used_upper_bound(&self) -> usize {
        self.tail.wrapping_sub(self.cached_head)
    }

    /// Records that a record could not be pushed (`Overflow::Drop`).
    #[inline]
    pub fn count_drop(&self) {
        self.count_drops(1);
    }

    /// Records that `n` records could not be pushed.
    pub fn count_drops(&self, n: u64) {
        // We are the only writer, so load + store is exact; Relaxed because the count is a
        // statistic, read independently of any record.
        let line = &self.shared.producer;
        line.dropped
            .store(line.dropped.load(Ordering::Relaxed) + n, Ordering::Relaxed);
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        // Release: the consumer that sees `abandoned` also sees the final `tail`.
        self.shared
            .producer
            .abandoned
            .store(true, Ordering::Release);
    }
}

/// The reading end of a ring. Owned by the collector.
pub struct Consumer {
    shared: Arc<Shared>,
    /// Our own copy of `head` (we are its only writer).
    head: usize,
    /// The last `tail` we read; the true `tail` is never behind it.
    cached_tail: usize,
    /// Under loom, the payload of the record at the head, copied out through the tracked
    /// cells.
    #[cfg(ttlog_loom)]
    staging: Vec<u64>,
}

/// A record at the head of a ring, borrowed from its [`Consumer`].
#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    meta: u64,
    payload: *mut u64,
    words: usize,
    _ring: PhantomData<&'a mut Consumer>,
}

impl RecordRef<'_> {
    /// The metadata the record was pushed with.
    #[inline]
    pub fn meta(&self) -> u64 {
        self.meta
    }

    /// How many payload words the record has.
    #[inline]
    pub fn words(&self) -> usize {
        self.words
    }

    /// A pointer to the first payload word. The words are contiguous, 8-byte aligned and
    /// hold exactly what the producer's initialiser wrote (which may include uninitialised
    /// padding bytes, so read them with the types they were written as). They stay valid until
    /// [`Consumer::advance`]; moving values out of them is the reader's business.
    #[inline]
    pub fn payload(&self) -> *mut u64 {
        self.payload
    }
}

impl Consumer {
    /// The oldest record, if any, without consuming it (padding is skipped here).
    #[inline]
    pub fn peek(&mut self) -> Option<RecordRef<'_>> {
        loop {
            if self.head == self.cached_tail {
                // Acquire pairs with the producer's Release store of `tail`.
                self.cached_tail = self.shared.producer.tail.load(Ordering::Acquire);
                if self.head == self.cached_tail {
                    return None;
                }
            }
            // SAFETY: `head < tail`, so a published record (or padding) starts at `head`.
            let header = unsafe { self.shared.read_header(self.head) };
            let len = (header & LEN_MASK) as usize;
            debug_assert!(len >= 1 && len <= self.shared.buffer.len());
            if header & PAD_FLAG != 0 {
                self.head = self.head.wrapping_add(len);
                continue;
            }
            #[cfg(not(ttlog_loom))]
            let payload = self.shared.payload(self.head.wrapping_add(1));
            #[cfg(ttlog_loom)]
            let payload = {
                self.staging.clear();
                for i in 0..len - 1 {
                    let cell = self.shared.cell(self.head.wrapping_add(1 + i));
                    // SAFETY: the record's payload words are published and initialised.
                    self.staging
                        .push(cell.with(|p| unsafe { (*p).assume_init() }));
                }
                self.staging.as_mut_ptr()
            };
            return Some(RecordRef {
                meta: header >> META_SHIFT,
                payload,
                words: len - 1,
                _ring: PhantomData,
            });
        }
    }

    /// Consumes the record last returned by [`peek`](Self::peek). Call it once per record,
    /// after moving the record's contents out. Does nothing when the ring is empty.
    #[inline]
    pub fn advance(&mut self) {
        if self.head == self.cached_tail {
            return;
        }
        // SAFETY: `head < tail`: a published record starts at `head`.
        let header = unsafe { self.shared.read_header(self.head) };
        self.head = self.head.wrapping_add((header & LEN_MASK).max(1) as usize);
        // Release pairs with the producer's Acquire load of `head`: we are done with the
        // record's words.
        self.shared.head.store(self.head, Ordering::Release);
    }

    /// How many words this consumer has consumed so far (wrapping): with [`len`](Self::len),
    /// marks where the records present now end.
    #[inline]
    pub fn position(&self) -> usize {
        self.head
    }

    /// How many words are waiting.
    pub fn len(&self) -> usize {
        self.shared
            .producer
            .tail
            .load(Ordering::Acquire)
            .wrapping_sub(self.head)
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many records the producer has dropped so far (see [`Producer::count_drop`]).
    pub fn dropped(&self) -> u64 {
        self.shared.producer.dropped.load(Ordering::Relaxed)
    }

    /// Whether the producer is gone. Records pushed before it went can still be read.
    pub fn is_abandoned(&self) -> bool {
        self.shared.producer.abandoned.load(Ordering::Acquire)
    }
}

impl fmt::Debug for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("capacity", &self.capacity)
            .field("tail", &self.tail)
            .finish()
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("head", &self.head)
            .finish()
    }
}

impl fmt::Debug for RecordRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordRef")
            .field("meta", &self.meta)
            .field("words", &self.words)
            .finish()
    }
}

impl<T> fmt::Debug for CachePadded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CachePadded")
    }
}
