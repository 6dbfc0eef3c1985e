//! The flight recorder: the newest N events, in fixed memory.
//!
//! The collector pushes every event it handles; once the recorder is full, each push
//! evicts the oldest event. A snapshot copies out its contents in timestamp order.
//!
//! The storage sits behind this small interface (push, len, iterate in order, clear) so
//! that a memory-mapped file can later back it: the kernel keeps a shared file mapping's pages
//! when the process dies, which would let the recorder survive SIGKILL and OOM kills too.

use crate::event::LogEvent;
use crate::ring::Consumer;
use crate::ring_record;

/// Holds the newest `capacity` events.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// Grows to `capacity`, then is overwritten in place, oldest first.
    events: Vec<LogEvent>,
    capacity: usize,
    /// Where the next event goes once `events` is full (and so, the oldest event).
    next: usize,
}

impl Recorder {
    /// A recorder for `capacity` events (at least one), allocated up front.
    pub(crate) fn new(capacity: usize) -> Recorder {
        let capacity = capacity.max(1);
        Recorder {
            events: Vec::with_capacity(capacity),
            capacity,
            next: 0,
        }
    }

    /// Moves the oldest event of `ring` into the recorder, evicting the oldest recorded event
    /// when full, and returns it; `None` when the ring is empty. `prepare` sees the event
    /// first (redaction runs there, so the recorder never holds a secret).
    #[inline]
    pub(crate) fn take_from(
        &mut self,
        ring: &mut Consumer,
        prepare: impl FnOnce(&mut LogEvent),
    ) -> Option<&LogEvent> {
        let record = ring.peek()?;
        // SAFETY: event rings hold only records written by `ring_record`, and this one is read
        // exactly once: `advance` follows immediately.
        #[allow(unsafe_code)]
        let mut event = unsafe { ring_record::read(record.meta(), record.payload()) };
        ring.advance();
        prepare(&mut event);
        Some(self.push(event))
    }

    /// Records `event` (evicting the oldest when full) and returns it.
    pub(crate) fn push(&mut self, event: LogEvent) -> &LogEvent {
        if self.events.len() < self.capacity {
            self.events.push(event);
            return &self.events[self.events.len() - 1];
        }
        let i = self.next;
        self.events[i] = event;
        self.next = if i + 1 == self.capacity { 0 } else { i + 1 };
        &self.events[i]
    }

    /// How many events fit.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The held events, oldest first by timestamp. They are stored in the order the collector
    /// merged them, which is already timestamp order but for stragglers, so this sorts a
    /// nearly sorted sequence of references.
    pub(crate) fn sorted(&self) -> Vec<&LogEvent> {
        let (newer, older) = self.events.split_at(self.next.min(self.events.len()));
        let mut out: Vec<&LogEvent> = older.iter().chain(newer).collect();
        out.sort_by_key(|e| e.raw_timestamp());
        out
    }
}
