//! The flight recorder: the newest N events, in fixed memory.
//!
//! The collector pushes every event it handles; once the recorder is full, each push
//! evicts the oldest event. A snapshot copies out its contents in timestamp order.
//!
//! The storage sits behind this small interface (push, capacity, the events in order) and
//! holds decoded events, never raw ring words, so that a memory-mapped file can later back it: the kernel keeps a shared file mapping's pages
//! when the process dies, which would let the recorder survive SIGKILL and OOM kills too.

use crate::event::LogEvent;

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
