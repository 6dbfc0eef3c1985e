//! The flight recorder: the newest N events, in fixed memory.
//!
//! The collector pushes every event it handles; once the recorder is full, each push
//! evicts the oldest event. A snapshot copies out its contents in timestamp order.
//!
//! The storage sits behind this small interface (push, len, iterate in order, clear) so
//! that a memory-mapped file can later back it: the kernel keeps a shared file mapping's pages
//! when the process dies, which would let the recorder survive SIGKILL and OOM kills too.

use std::collections::VecDeque;

use crate::event::LogEvent;

/// Holds the newest `capacity` events.
#[derive(Debug)]
pub(crate) struct Recorder {
    events: VecDeque<LogEvent>,
    capacity: usize,
    /// Events evicted because the recorder was full (not lost: they reached the sinks).
    evicted: u64,
}

impl Recorder {
    /// A recorder for `capacity` events (at least one), allocated up front.
    pub(crate) fn new(capacity: usize) -> Recorder {
        let capacity = capacity.max(1);
        Recorder {
            events: VecDeque::with_capacity(capacity),
            capacity,
            evicted: 0,
        }
    }

    /// Records `event`, evicting the oldest one when full.
    pub(crate) fn push(&mut self, event: LogEvent) {
        if self.events.len() == self.capacity {
            self.events.pop_front();
            self.evicted += 1;
        }
        self.events.push_back(event);
    }

    /// How many events fit.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The held events, oldest first by timestamp. Events arrive almost sorted (the collector
    /// merges each batch), so this sorts a nearly sorted sequence of references.
    pub(crate) fn sorted(&self) -> Vec<&LogEvent> {
        let mut out: Vec<&LogEvent> = self.events.iter().collect();
        out.sort_by_key(|e| e.raw_timestamp());
        out
    }
}
