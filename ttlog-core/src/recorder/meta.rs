//! The metadata log of a recorder file: every callsite (level, target, module, file, line,
//! message template, field names) and thread name, written down as it becomes known, so that
//! a recovery can name the events of a process that died.
//!
//! Appends are rare (once per callsite, once per thread) and take a lock; each entry is
//! written, then published by the log's tail word (Release), so a recovery never reads half
//! an entry.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::layout::{
    callsite_entry, push_text, text_words, ENTRY_CALLSITE, ENTRY_THREAD, H_META_TAIL, H_META_WORDS,
};
use crate::callsite::site::Callsite;
use crate::ring::words::Words;
use crate::sync::atomic::Ordering;
use crate::sync::global::lock;

/// The metadata log of one recorder file.
#[derive(Debug)]
pub(crate) struct MetaLog {
    words: Arc<Words>,
    offset: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tail: usize,
    capacity: usize,
    callsites: HashSet<usize>,
    threads: HashSet<u32>,
    /// Entries that did not fit (the log is full): their events recover without names.
    skipped: u64,
}

/// The metadata log callsites are written to as they are registered.
static CURRENT: Mutex<Option<Arc<MetaLog>>> = Mutex::new(None);

impl MetaLog {
    /// The metadata log at word `offset` of `words`, whose header says how long it is.
    pub(crate) fn new(words: Arc<Words>, offset: usize) -> Arc<MetaLog> {
        let capacity = words[H_META_WORDS].load(Ordering::Relaxed) as usize;
        Arc::new(MetaLog {
            words,
            offset,
            state: Mutex::new(State {
                tail: 0,
                capacity,
                callsites: HashSet::new(),
                threads: HashSet::new(),
                skipped: 0,
            }),
        })
    }

    /// Makes this the log newly registered callsites go to, and writes every callsite
    /// registered so far into it.
    pub(crate) fn make_current(self: &Arc<Self>) {
        *lock(&CURRENT) = Some(self.clone());
        crate::callsite::site::on_register(|cs| {
            let current = lock(&CURRENT).clone();
            if let Some(meta) = current {
                meta.callsite(cs);
            }
        });
        crate::callsite::site::for_each_registered(|cs| self.callsite(cs));
    }

    /// Stops writing new callsites here.
    pub(crate) fn retire(self: &Arc<Self>) {
        let mut current = lock(&CURRENT);
        if current.as_ref().is_some_and(|m| Arc::ptr_eq(m, self)) {
            *current = None;
        }
    }

    /// Writes down `cs` (once).
    pub(crate) fn callsite(&self, cs: &'static Callsite) {
        let addr = cs as *const Callsite as usize;
        let mut state = lock(&self.state);
        if !state.callsites.insert(addr) {
            return;
        }
        let entry = callsite_entry(cs, cs.message());
        self.append(&mut state, ENTRY_CALLSITE, &entry);
    }

    /// Writes down thread `index`'s name (once).
    pub(crate) fn thread(&self, index: u32, name: &str) {
        let mut state = lock(&self.state);
        if !state.threads.insert(index) {
            return;
        }
        let mut entry = Vec::with_capacity(1 + text_words(name));
        entry.push(u64::from(index));
        push_text(&mut entry, name);
        self.append(&mut state, ENTRY_THREAD, &entry);
    }

    fn append(&self, state: &mut State, kind: u64, payload: &[u64]) {
        let needed = 1 + payload.len();
        if state.tail + needed > state.capacity {
            state.skipped += 1;
            return;
        }
        let at = self.offset + state.tail;
        self.words[at].store(kind | (payload.len() as u64) << 8, Ordering::Relaxed);
        for (i, w) in payload.iter().enumerate() {
            self.words[at + 1 + i].store(*w, Ordering::Relaxed);
        }
        state.tail += needed;
        // Release: the entry's words are in the file before the tail that covers them.
        self.words[H_META_TAIL].store(state.tail as u64, Ordering::Release);
    }
}
