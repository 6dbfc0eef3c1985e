//! A bounded single-producer single-consumer ring: each thread's lane to the collector.
//!
//! # Algorithm
//!
//! A power-of-two array of slots and two ever-increasing counters, after Lamport's
//! lock-free queue with the producer-side and consumer-side index caching of Rigtorp's and
//! Vyukov's SPSC queues:
//!
//! - `tail` is the number of values ever pushed. Only the [`Producer`] writes it (Release,
//!   after writing the slot); the consumer reads it with Acquire, which makes the slot's
//!   contents visible before it reads them.
//! - `head` is the number of values ever popped. Only the [`Consumer`] writes it (Release,
//!   after moving the value out of the slot); the producer reads it with Acquire before
//!   reusing a slot, so it never overwrites a value still being read.
//! - Slot `i` holds a value exactly when `head <= i < tail` (indices taken modulo the
//!   capacity). Counters are `usize` and wrap; `tail - head` (wrapping) is the length and
//!   never exceeds the capacity.
//! - Each side keeps a private copy of the other side's counter and re-reads the shared one
//!   only when the copy says the ring is full (producer) or empty (consumer), so in the
//!   common case neither side touches the other's cache line.
//!
//! `head` and `tail` sit on separate cache lines ([`CachePadded`]) so the two threads do
//! not false-share.
//!
//! # Overflow
//!
//! [`Producer::push`] never blocks: when the ring is full it hands the value back as
//! `Err(value)` (like `crossbeam::ArrayQueue::push`). The caller decides what to do; the ring
//! logger either counts the event with [`Producer::count_drop`] (`Overflow::Drop`) or waits
//! for the collector (`Overflow::Block`). Dropped counts are read by the consumer with
//! [`Consumer::dropped`], so no event disappears silently.
//!
//! # Disconnection
//!
//! When the producer is dropped (its thread exits) the ring is marked abandoned; the consumer
//! can still pop what is left and then forget the ring. Values still in the ring when both
//! ends are gone are dropped with it.

#![allow(unsafe_code)]

use std::fmt;
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

/// What the producer publishes: `tail`, and the count of values it had to drop.
struct ProducerLine {
    tail: AtomicUsize,
    dropped: AtomicU64,
    abandoned: AtomicBool,
}

struct Shared<T> {
    /// Written by the consumer only.
    head: CachePadded<AtomicUsize>,
    /// Written by the producer only.
    producer: CachePadded<ProducerLine>,
    buffer: Box<[UnsafeCell<MaybeUninit<T>>]>,
    mask: usize,
}

// SAFETY: values of `T` are moved from the producer's thread to the consumer's, so `T: Send`
// is required; the slots themselves are only accessed under the head/tail protocol described
// in the module docs, which gives each slot exactly one accessor at a time.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above: shared references to `Shared` only permit the protocol's accesses.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    #[inline(always)]
    fn slot(&self, index: usize) -> &UnsafeCell<MaybeUninit<T>> {
        let i = index & self.mask;
        debug_assert!(i < self.buffer.len());
        // SAFETY: `buffer.len()` is a power of two and `mask` is `buffer.len() - 1` (set in
        // `channel` and never changed), so `i <= mask < buffer.len()`.
        unsafe { self.buffer.get_unchecked(i) }
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // Both ends are gone, so this is the only access: drop the values still held.
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.producer.tail.load(Ordering::Relaxed);
        let mut i = head;
        while i != tail {
            self.slot(i).with_mut(|p| {
                // SAFETY: slots in head..tail hold initialised values (module invariant),
                // and `&mut self` means no other access exists.
                unsafe { (*p).assume_init_drop() }
            });
            i = i.wrapping_add(1);
        }
    }
}

/// Creates a ring that holds up to `capacity` values (rounded up to a power of two, at
/// least 2).
///
/// # Panics
///
/// Panics if `capacity` exceeds `usize::MAX / 2 + 1` (no machine has the memory anyway).
///
/// # Examples
///
/// ```
/// let (mut tx, mut rx) = ttlog_core::ring::channel::<u32>(2);
/// assert_eq!(tx.push(1), Ok(()));
/// assert_eq!(tx.push(2), Ok(()));
/// assert_eq!(tx.push(3), Err(3));
/// assert_eq!(rx.pop(), Some(1));
/// assert_eq!(tx.push(3), Ok(()));
/// assert_eq!(rx.pop(), Some(2));
/// assert_eq!(rx.pop(), Some(3));
/// assert_eq!(rx.pop(), None);
/// ```
pub fn channel<T>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    let capacity = capacity
        .max(2)
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
    });
    let producer = Producer {
        shared: shared.clone(),
        tail: 0,
        cached_head: 0,
        capacity,
    };
    let consumer = Consumer {
        shared,
        head: 0,
        cached_tail: 0,
    };
    (producer, consumer)
}

/// The writing end of a ring. Owned by one thread.
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    /// Our own copy of `tail` (we are its only writer).
    tail: usize,
    /// The last `head` we read; the true `head` is never behind it.
    cached_head: usize,
    capacity: usize,
}

impl<T> Producer<T> {
    /// Appends `value`, or returns it when the ring is full. Never blocks.
    #[inline]
    pub fn push(&mut self, value: T) -> Result<(), T> {
        if self.tail.wrapping_sub(self.cached_head) == self.capacity {
            // Acquire pairs with the consumer's Release store of `head`: the consumer has
            // finished moving values out of every slot below the head we see.
            self.cached_head = self.shared.head.load(Ordering::Acquire);
            if self.tail.wrapping_sub(self.cached_head) == self.capacity {
                return Err(value);
            }
        }
        let tail = self.tail;
        self.shared.slot(tail).with_mut(|p| {
            // SAFETY: `tail - head < capacity`, so this slot is outside head..tail: no value
            // lives there and the consumer will not touch it until we publish `tail + 1`.
            unsafe { (*p).write(value) };
        });
        self.tail = tail.wrapping_add(1);
        // Release pairs with the consumer's Acquire load of `tail`: the slot write above
        // happens-before the consumer reads the slot.
        self.shared
            .producer
            .tail
            .store(self.tail, Ordering::Release);
        Ok(())
    }

    /// Like [`push`](Self::push), but lets `init` write the value directly into the free slot,
    /// so a large value is never copied through the stack. Returns `false`, without calling
    /// `init`, when the ring is full.
    ///
    /// # Safety
    ///
    /// `init` receives a pointer to uninitialised memory for one `T` and must leave a valid `T`
    /// there when it returns. (If it panics, the slot is not published and nothing reads it.)
    ///
    /// ```
    /// let (mut tx, mut rx) = ttlog_core::ring::channel::<[u64; 4]>(2);
    /// // SAFETY: the closure writes a whole `[u64; 4]`.
    /// assert!(unsafe { tx.push_in_place(|p| p.write([7; 4])) });
    /// assert_eq!(rx.pop(), Some([7; 4]));
    /// ```
    #[inline(always)]
    pub unsafe fn push_in_place(&mut self, init: impl FnOnce(*mut T)) -> bool {
        if self.tail.wrapping_sub(self.cached_head) == self.capacity {
            // Acquire pairs with the consumer's Release store of `head` (see `push`).
            self.cached_head = self.shared.head.load(Ordering::Acquire);
            if self.tail.wrapping_sub(self.cached_head) == self.capacity {
                return false;
            }
        }
        let tail = self.tail;
        self.shared.slot(tail).with_mut(|p| {
            // `MaybeUninit<T>` has the layout of `T`. The slot is outside head..tail, so it is
            // free and the consumer does not read it before we publish `tail + 1` below; the
            // caller guarantees `init` initialises it.
            init(p.cast::<T>())
        });
        self.tail = tail.wrapping_add(1);
        // Release pairs with the consumer's Acquire load of `tail` (see `push`).
        self.shared
            .producer
            .tail
            .store(self.tail, Ordering::Release);
        true
    }

    /// How many values the ring holds at most.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many values are in the ring, as far as this producer knows (it may be fewer: the
    /// consumer may have popped some since we last looked).
    #[inline]
    pub fn len_upper_bound(&self) -> usize {
        self.tail.wrapping_sub(self.cached_head)
    }

    /// Records that a value could not be pushed (`Overflow::Drop`).
    #[inline]
    pub fn count_drop(&self) {
        self.count_drops(1);
    }

    /// Records that `n` values could not be pushed.
    pub fn count_drops(&self, n: u64) {
        // We are the only writer, so load + store is exact; Relaxed because the count is a
        // statistic, read independently of any slot.
        let line = &self.shared.producer;
        line.dropped
            .store(line.dropped.load(Ordering::Relaxed) + n, Ordering::Relaxed);
    }
}

impl<T> Drop for Producer<T> {
    fn drop(&mut self) {
        // Release: the consumer that sees `abandoned` also sees the final `tail`.
        self.shared
            .producer
            .abandoned
            .store(true, Ordering::Release);
    }
}

/// The reading end of a ring. Owned by the collector.
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    /// Our own copy of `head` (we are its only writer).
    head: usize,
    /// The last `tail` we read; the true `tail` is never behind it.
    cached_tail: usize,
}

impl<T> Consumer<T> {
    /// Removes the oldest value, if any.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.head == self.cached_tail {
            // Acquire pairs with the producer's Release store of `tail`.
            self.cached_tail = self.shared.producer.tail.load(Ordering::Acquire);
            if self.head == self.cached_tail {
                return None;
            }
        }
        let value = self.take(self.head);
        self.head = self.head.wrapping_add(1);
        // Release pairs with the producer's Acquire load of `head`: we are done with the slot.
        self.shared.head.store(self.head, Ordering::Release);
        Some(value)
    }

    /// Moves every value present when called into `f`, oldest first, publishing the new head
    /// once at the end (cheaper than popping one by one). Returns how many were taken.
    pub fn drain_into(&mut self, mut f: impl FnMut(T)) -> usize {
        // Acquire pairs with the producer's Release store of `tail`.
        let tail = self.shared.producer.tail.load(Ordering::Acquire);
        self.cached_tail = tail;
        let mut n = 0;
        while self.head != tail {
            let value = self.take(self.head);
            self.head = self.head.wrapping_add(1);
            n += 1;
            f(value);
        }
        if n > 0 {
            // Release pairs with the producer's Acquire load of `head`.
            self.shared.head.store(self.head, Ordering::Release);
        }
        n
    }

    /// The oldest value, without removing it.
    ///
    /// ```
    /// let (mut tx, rx) = ttlog_core::ring::channel::<u8>(2);
    /// assert_eq!(rx.peek(), None);
    /// tx.push(5).unwrap();
    /// assert_eq!(rx.peek(), Some(&5));
    /// ```
    #[inline]
    pub fn peek(&self) -> Option<&T> {
        // Acquire pairs with the producer's Release store of `tail`.
        let tail = self.shared.producer.tail.load(Ordering::Acquire);
        if self.head == tail {
            return None;
        }
        Some(self.shared.slot(self.head).with(|p| {
            // SAFETY: `head < tail`, so the slot holds a published value; it stays valid
            // while `&self` is borrowed, because only this consumer (through `&mut self`)
            // can advance `head` and let the producer reuse the slot.
            unsafe { (*p).assume_init_ref() }
        }))
    }

    /// Moves the oldest value into `*dst` (dropping what `*dst` held) with a single copy, and
    /// returns `true`; returns `false` and leaves `*dst` alone when the ring is empty.
    ///
    /// If dropping the old value panics, the process aborts (the slot would otherwise be left
    /// half-moved).
    ///
    /// ```
    /// let (mut tx, mut rx) = ttlog_core::ring::channel::<String>(2);
    /// let mut dst = String::from("old");
    /// assert!(!rx.pop_into(&mut dst));
    /// tx.push("new".into()).unwrap();
    /// assert!(rx.pop_into(&mut dst));
    /// assert_eq!(dst, "new");
    /// ```
    #[inline]
    pub fn pop_into(&mut self, dst: &mut T) -> bool {
        if self.head == self.cached_tail {
            // Acquire pairs with the producer's Release store of `tail`.
            self.cached_tail = self.shared.producer.tail.load(Ordering::Acquire);
            if self.head == self.cached_tail {
                return false;
            }
        }
        let head = self.head;
        struct AbortOnUnwind;
        impl Drop for AbortOnUnwind {
            fn drop(&mut self) {
                std::process::abort();
            }
        }
        let guard = AbortOnUnwind;
        // SAFETY: `dst` is a valid `T` that we drop in place and immediately overwrite with
        // the slot's value (so it is never observed dropped; a panicking drop aborts). The
        // slot holds a published value (`head < tail`) that we move out exactly once, and
        // `head` advances right after, so it is never read again.
        unsafe {
            std::ptr::drop_in_place(dst);
            self.shared.slot(head).with(|p| std::ptr::copy_nonoverlapping(p.cast::<T>(), dst, 1));
        }
        std::mem::forget(guard);
        self.head = head.wrapping_add(1);
        // Release pairs with the producer's Acquire load of `head`.
        self.shared.head.store(self.head, Ordering::Release);
        true
    }

    #[inline(always)]
    fn take(&self, index: usize) -> T {
        self.shared.slot(index).with(|p| {
            // SAFETY: `head < tail` as read with Acquire, so the producer initialised this
            // slot and published it; until we store `head + 1` it will not write it again,
            // and we advance `head` right after, so the value is moved out exactly once.
            unsafe { (*p).assume_init_read() }
        })
    }

    /// How many values are waiting.
    pub fn len(&self) -> usize {
        self.shared
            .producer
            .tail
            .load(Ordering::Acquire)
            .wrapping_sub(self.head)
    }

    /// Whether no values are waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many values the producer has dropped so far (see [`Producer::count_drop`]).
    pub fn dropped(&self) -> u64 {
        self.shared.producer.dropped.load(Ordering::Relaxed)
    }

    /// Whether the producer is gone. Values pushed before it went can still be popped.
    pub fn is_abandoned(&self) -> bool {
        self.shared.producer.abandoned.load(Ordering::Acquire)
    }
}

impl<T> fmt::Debug for Producer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("capacity", &self.capacity)
            .field("tail", &self.tail)
            .finish()
    }
}

impl<T> fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("head", &self.head)
            .finish()
    }
}

impl<T> fmt::Debug for CachePadded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CachePadded")
    }
}
