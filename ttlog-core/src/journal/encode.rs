//! The collector's end of the journal: records appended to a batch as they leave the rings,
//! with the metadata each file needs, handed to the journal's thread ([`Output`]) in batches.
//!
//! # Redaction
//!
//! The journal never stores what a text sink would have masked. An event record is copied as
//! it is (its words, the fast path) only when redaction would leave the event alone: its
//! callsite has no field whose key names a secret and no secret in its literal message
//! (decided once per callsite), and the rules find nothing in any of its text values (its
//! formatted message and text fields, checked on the record's words without decoding it).
//! Those are exactly the cases in which the collector's redaction changes nothing; every
//! other event is decoded, redacted by the collector's rules and encoded again
//! ([`recode`](crate::ring::recode)). Callsite entries carry the literal message redacted. Span
//! operations are always stored re-encoded, after the collector redacted them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::time::Instant;

use super::format::{self, push_clock, push_entry, push_preamble, CALLSITE, RECORD, THREAD};
use super::output::{Batch, JournalOptions, Output};
use crate::callsite::site::Callsite;
use crate::clock::Converter;
use crate::collector::spans::IdHasher;
use crate::event::LogEvent;
use crate::recorder::layout::{callsite_entry, push_text};
use crate::redact::Redactor;
use crate::ring::pool::Record;
use crate::ring::recode::{self, callsite_id};
use crate::span::op::{SpanOp, SpanOpKind};

/// A batch is handed over once it holds this many words (256 KiB).
const BATCH_WORDS: usize = 32 * 1024;

/// What the journal knows about a callsite.
struct Site {
    /// Its CALLSITE entry's payload.
    entry: Box<[u64]>,
    /// The file (generation) it was last described in.
    file: u64,
    /// Whether its events may be copied as they are (no secret key, no secret in the
    /// literal), when their texts hold no secret either.
    plain: bool,
    /// The last event of the callsite found clean, as the words that made it so: the head
    /// word of every value, and every word of its text values. An event with the same
    /// payload length and the same words there has the same values in the same places and
    /// the same texts, so it is clean too, without a scan (a `&'static str` field, a
    /// message without arguments). Kept only when its texts are short.
    clean: Shape,
}

/// See [`Site::clean`].
#[derive(Default)]
struct Shape {
    /// The payload's length; `0`: nothing remembered.
    len: usize,
    /// The value count and message bit of the record's metadata.
    values: u64,
    /// Positions in the payload, and the words there.
    words: Vec<(u32, u64)>,
}

impl Shape {
    #[inline]
    fn matches(&self, record: &Record) -> bool {
        let payload = &record.payload[..];
        self.len == payload.len()
            && self.values == record.meta & VALUES_MASK
            && self
                .words
                .iter()
                .all(|&(at, w)| payload.get(at as usize) == Some(&w))
    }
}

/// The bits of a record's metadata that say how many values it has and whether it has a
/// message.
const VALUES_MASK: u64 = crate::ring::codec::MAX_VALUES as u64 | crate::ring::codec::HAS_MESSAGE;

/// The longest text value remembered clean, in words.
const MEMO_WORDS: usize = 9;

/// Callsite ids and thread indexes are unique already: one multiply spreads them.
type Map<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// The journal as the collector writes it.
pub(crate) struct Journal {
    output: Output,
    batch: Vec<u64>,
    batch_events: u64,
    /// The batch starts a new file.
    batch_new_file: bool,
    /// Words in the current file, the batch included.
    file_words: u64,
    max_file_words: u64,
    /// The current file's generation (`0`: none yet).
    file: u64,
    /// Callsite id → index in `sites`.
    site_index: Map<u64, usize>,
    sites: Vec<Site>,
    /// The last callsite looked up (id, index): events come in runs.
    last_site: (u64, usize),
    /// Thread index → the file it was last described in.
    threads: Map<u32, u64>,
    /// The last thread seen described in the current file.
    last_thread: Option<(u32, u64)>,
    clock: Option<Converter>,
    /// The rules, for deciding which events can be copied; `None`: redaction is off.
    rules: Option<Redactor>,
    scratch: Vec<u8>,
    pid: u32,
    start_nanos: u64,
    span_capacity: usize,
    service: String,
}

impl Journal {
    /// Starts the journal's thread for `dir`.
    pub(crate) fn start(
        dir: &std::path::Path,
        options: &JournalOptions,
        service: &str,
        span_capacity: usize,
        rules: Option<Redactor>,
    ) -> std::io::Result<Journal> {
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| crate::snapshot::writer::sanitize(service));
        let output = Output::start(dir, &name, options)?;
        Ok(Journal {
            output,
            batch: Vec::new(),
            batch_events: 0,
            batch_new_file: false,
            file_words: 0,
            max_file_words: options.max_file_bytes / 8,
            file: 0,
            site_index: Map::default(),
            sites: Vec::new(),
            last_site: (0, 0),
            threads: Map::default(),
            last_thread: None,
            clock: None,
            rules,
            scratch: Vec::new(),
            pid: std::process::id(),
            start_nanos: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
            span_capacity,
            service: service.to_owned(),
        })
    }

    /// Appends an event record as it is, if redaction would leave it alone; returns whether
    /// it did (else the caller decodes, redacts and hands the event to [`event`](Self::event)).
    #[inline]
    pub(crate) fn raw_event(
        &mut self,
        record: &Record,
        callsite: &'static Callsite,
        conv: &Converter,
    ) -> bool {
        let id = callsite_id(callsite);
        let at = self.site(id, callsite);
        let site = &mut self.sites[at];
        if !site.plain {
            return false;
        }
        if let Some(rules) = &self.rules {
            if !site.clean.matches(record) {
                let scratch = &mut self.scratch;
                let shape = &mut site.clean;
                shape.len = 0;
                shape.words.clear();
                let mut memo = true;
                let clean = recode::event_values(record, |at, head, text| {
                    shape.words.push((at as u32, head));
                    let Some(words) = text else {
                        return true;
                    };
                    let clean = recode::text_of(words, scratch)
                        .is_some_and(|t| matches!(rules.redact_str(t), Cow::Borrowed(_)));
                    memo &= words.len() <= MEMO_WORDS;
                    if memo {
                        let body = words.iter().enumerate().skip(1);
                        shape.words.extend(body.map(|(k, &w)| ((at + k) as u32, w)));
                    }
                    clean
                });
                if clean != Some(true) {
                    shape.words.clear();
                    return false;
                }
                if memo {
                    shape.len = record.payload.len();
                    shape.values = record.meta & VALUES_MASK;
                } else {
                    shape.words.clear();
                }
            }
        }
        let thread = (record.meta >> crate::ring::codec::THREAD_SHIFT) as u32;
        self.append(record, at, thread, conv);
        self.batch_events += 1;
        self.output.handed += 1;
        true
    }

    /// Appends an event (one redaction changed).
    pub(crate) fn event(&mut self, event: &LogEvent, conv: &Converter) {
        self.output.handed += 1;
        let Some(record) = recode::encode_event(event) else {
            return;
        };
        let cs = event.callsite();
        let at = self.site(callsite_id(cs), cs);
        self.append(&record, at, event.thread_index(), conv);
        self.batch_events += 1;
    }

    /// Appends a span operation (already redacted).
    pub(crate) fn span_op(&mut self, op: &SpanOp, conv: &Converter) {
        let Some(record) = recode::encode_span(op) else {
            return;
        };
        let at = match &op.kind {
            SpanOpKind::New { callsite, .. } => self.site(callsite_id(callsite), callsite),
            _ => usize::MAX,
        };
        self.append(&record, at, op.thread, conv);
    }

    /// The index in `sites` of callsite `id`, learnt on first sight.
    #[inline]
    fn site(&mut self, id: u64, cs: &'static Callsite) -> usize {
        if self.last_site.0 == id {
            return self.last_site.1;
        }
        let at = match self.site_index.get(&id) {
            Some(&at) => at,
            None => {
                let literal = match &self.rules {
                    Some(rules) => rules.redact_str(cs.message()),
                    None => Cow::Borrowed(cs.message()),
                };
                let secret_key = self
                    .rules
                    .as_ref()
                    .is_some_and(|r| cs.field_names().iter().any(|n| r.is_secret_key(n)));
                let plain = !secret_key && matches!(literal, Cow::Borrowed(_));
                self.sites.push(Site {
                    entry: callsite_entry(cs, &literal).into_boxed_slice(),
                    file: 0,
                    plain,
                    clean: Shape::default(),
                });
                self.site_index.insert(id, self.sites.len() - 1);
                self.sites.len() - 1
            }
        };
        self.last_site = (id, at);
        at
    }

    /// Appends `record`, after the metadata the current file lacks for it (callsite `site`,
    /// an index in `sites` or `usize::MAX` for none, and `thread`), starting a new file first
    /// when it would pass the size.
    #[inline]
    fn append(&mut self, record: &Record, site: usize, thread: u32, conv: &Converter) {
        let words = 2 + record.payload.len() as u64;
        let file = self.file;
        let known = file != 0
            && self.last_thread == Some((thread, file))
            && self.sites.get(site).is_none_or(|s| s.file == file)
            && self.clock.as_ref() == Some(conv)
            && self.file_words + words <= self.max_file_words
            && !self.output.restart_pending();
        if !known {
            self.append_meta(site, thread, words, conv);
        }
        self.batch
            .push(format::head(RECORD, 1 + record.payload.len()));
        self.batch.push(record.meta);
        self.batch.extend_from_slice(&record.payload);
        self.file_words += words;
        if self.batch.len() >= BATCH_WORDS {
            self.flush(None);
        }
    }

    /// The slow part of [`append`](Self::append): a new file, a clock entry, the
    /// descriptions of callsite `site` and of `thread`, as needed before a record of `words`
    /// words.
    #[cold]
    fn append_meta(&mut self, site: usize, thread: u32, words: u64, conv: &Converter) {
        if self.file == 0
            || self.file_words + words + self.meta_words(site, thread) > self.max_file_words
            || self.output.take_restart()
        {
            self.new_file(conv);
        }
        if self.clock.as_ref() != Some(conv) {
            let at = self.batch.len();
            push_clock(&mut self.batch, conv);
            self.file_words += (self.batch.len() - at) as u64;
            self.clock = Some(*conv);
        }
        let file = self.file;
        if let Some(site) = self.sites.get_mut(site).filter(|s| s.file != file) {
            site.file = file;
            push_entry(&mut self.batch, CALLSITE, &site.entry);
            self.file_words += 1 + site.entry.len() as u64;
        }
        if self.last_thread != Some((thread, file)) {
            if self.threads.get(&thread) != Some(&file) {
                self.threads.insert(thread, file);
                let mut entry = vec![u64::from(thread)];
                push_text(&mut entry, &crate::thread::name(thread));
                push_entry(&mut self.batch, THREAD, &entry);
                self.file_words += 1 + entry.len() as u64;
            }
            self.last_thread = Some((thread, file));
        }
    }

    /// Words of the metadata the current file lacks for callsite `id` and `thread`, and of a
    /// clock entry.
    #[inline]
    fn meta_words(&self, site: usize, thread: u32) -> u64 {
        let site = self
            .sites
            .get(site)
            .filter(|s| s.file != self.file)
            .map_or(0, |s| 1 + s.entry.len() as u64);
        let known = self.last_thread == Some((thread, self.file))
            || self.threads.get(&thread) == Some(&self.file);
        let thread = match known {
            true => 0,
            false => 2 + crate::recorder::layout::text_words(&crate::thread::name(thread)) as u64,
        };
        site + thread + 4
    }

    /// Ends the current file: what follows goes to a new one, which starts with its preamble.
    fn new_file(&mut self, conv: &Converter) {
        self.flush(None);
        self.file += 1;
        self.batch_new_file = true;
        let at = self.batch.len();
        push_preamble(
            &mut self.batch,
            self.pid,
            self.start_nanos,
            self.span_capacity,
            &self.service,
            conv,
        );
        self.clock = Some(*conv);
        self.file_words = (self.batch.len() - at) as u64;
    }

    /// Hands the batch to the journal's thread (waiting at most until `deadline` for room).
    pub(crate) fn flush(&mut self, deadline: Option<Instant>) {
        if self.batch.is_empty() {
            return;
        }
        let words = std::mem::replace(&mut self.batch, self.output.spare());
        let batch = Batch {
            words,
            events: std::mem::take(&mut self.batch_events),
            new_file: std::mem::take(&mut self.batch_new_file),
        };
        if !self.output.send(batch, deadline) {
            // The lost batch may have described what the next one needs: start again.
            self.file = 0;
        }
    }

    /// Hands over the batch and waits until `deadline` for the thread to write it all.
    pub(crate) fn sync(&mut self, deadline: Instant) -> bool {
        self.flush(Some(deadline));
        self.output.sync(deadline)
    }

    /// Writes what it can by `deadline`; the rest is counted lost.
    pub(crate) fn close(&mut self, deadline: Instant) {
        self.flush(Some(deadline));
        self.output.close(deadline);
    }

    /// Sets the deadline no wait for room goes past.
    pub(crate) fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.output.set_deadline(deadline);
    }

    /// The journal's counts, as a sink's.
    pub(crate) fn stats(&self) -> crate::collector::stats::SinkStats {
        self.output.stats()
    }

    /// The last write error.
    pub(crate) fn last_error(&self) -> Option<std::sync::Arc<str>> {
        self.output.last_error()
    }
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}
