//! One turn of the collector: merge the rings by timestamp, decode each record (an event or a
//! span operation), redact it, update the span table, keep events in the recorder, hand them
//! to the sinks, and report newly dropped events.

use std::cmp::Reverse;
use std::time::{Duration, Instant};

use super::run::Collector;
use crate::callsite::site::Callsite;
use crate::clock::{self, Converter};
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::record::{Fields, Record};
use crate::ring::codec::Kind;
use crate::span::id::SpanEvents;
use crate::span::op::{SpanOp, SpanOpKind};
use crate::sync::global::Ordering;

static DROPPED_CALLSITE: Callsite = Callsite::new(
    Level::Warn,
    "ttlog",
    "ttlog_core::collector",
    file!(),
    line!(),
    "ttlog dropped {} events",
    &["dropped"],
);

/// How long one turn of the running collector reads before it answers commands again.
const TURN_TIME: Duration = Duration::from_millis(10);

/// How many times one turn may extend its quotas to find the creation of a span that a
/// record names (see `turn`).
const MAX_REFRESHES: u32 = 16;

impl Collector {
    /// One drain of every ring into the recorder and the sinks. Returns the events handled.
    ///
    /// Each ring is already in timestamp order (one thread, one monotonic clock), so the turn
    /// merges the rings: it repeatedly takes the ring whose oldest event is oldest, from a
    /// heap, so a record costs the same however many threads ever logged. It takes
    /// only what was in each ring when the turn began, so a busy producer cannot keep the
    /// collector from answering commands. Each event is moved once, from its ring slot into
    /// the recorder, and the sinks read it there.
    pub(super) fn turn(&mut self) -> usize {
        self.turn_within(Some(TURN_TIME))
    }

    /// [`turn`](Self::turn), stopping after about `limit` (checked every 256 records) so
    /// that commands are answered while a slow sink works through a burst; `None`: until
    /// every log is read to where it was when the turn began.
    pub(super) fn turn_within(&mut self, limit: Option<Duration>) -> usize {
        let started = Instant::now();
        self.rings.extend(self.ring_set.take_pending());
        let mut dropped = self.retired_drops;
        let mut abandoned_any = false;
        self.quota.clear();
        for ring in &mut self.rings {
            // Read `abandoned` before the length: the producer sets it after its last push,
            // so a ring seen abandoned here is drained completely by this turn.
            ring.abandoned = ring.reader.is_abandoned();
            abandoned_any |= ring.abandoned;
            self.quota.push(ring.reader.end());
            dropped += ring.reader.dropped();
        }
        dropped += self.ring_set.lost.load(Ordering::Relaxed) + self.unread_at_shutdown;

        let conv = clock::converter();
        let mut n = 0;
        let mut refreshes = 0;
        let mut missing: Vec<u64> = Vec::new();
        self.fill_heap();
        while let Some(Reverse((_, i))) = self.heap.pop() {
            let reader = &mut self.rings[i].reader;
            let Some(kind) = reader.peek_kind() else {
                // Unreachable: the heap holds only logs with a record to read.
                continue;
            };
            if refreshes < MAX_REFRESHES {
                // A record naming a span the table does not know yet (an event in it, or an
                // enter, exit, record or close of it): the span may have been created on
                // another thread whose ring was measured for this turn before the creation
                // was pushed. Extend every ring's quota to what is there now and merge again,
                // so the creation (older than this record) comes first. A span still unknown
                // after that (created before the logger, dropped with a full ring, or
                // forgotten) is remembered for the turn and costs no more refreshes.
                let span = reader.peek_span();
                if span != 0 && self.spans.get(span).is_none() && !missing.contains(&span) {
                    missing.push(span);
                    refreshes += 1;
                    // The span may have been created by a thread that registered since.
                    self.rings.extend(self.ring_set.take_pending());
                    self.quota.resize(self.rings.len(), 0);
                    for (q, ring) in self.quota.iter_mut().zip(&self.rings) {
                        *q = ring.reader.end();
                    }
                    self.fill_heap();
                    continue;
                }
            }
            if n % 256 == 255 && limit.is_some_and(|limit| started.elapsed() > limit) {
                // Read on next turn; the records stay in the logs meanwhile.
                break;
            }
            n += 1;
            if kind == Kind::Event {
                self.take_event(i, &conv);
            } else if let Some(op) = reader.take_span_op() {
                self.apply_span_op(op, &conv);
            }
            self.push_next(i);
        }
        self.heap.clear();

        let reported = self.ring_set.reported_dropped.load(Ordering::Relaxed);
        if dropped > reported {
            self.report(dropped_event(dropped - reported));
            self.ring_set
                .reported_dropped
                .store(dropped, Ordering::Release);
            n += 1;
        }
        n += self.report_sink_losses(false);
        if abandoned_any {
            let mut i = 0;
            while i < self.rings.len() {
                let ring = &mut self.rings[i];
                if ring.abandoned && ring.reader.is_empty() {
                    // Read to its end: its segments may go to other threads when the pool
                    // is spent; until then its window stays in snapshots.
                    ring.reader.finish();
                    self.retired_drops += ring.reader.dropped();
                    let ring = self.rings.swap_remove(i);
                    self.retired.push(ring.reader);
                } else {
                    i += 1;
                }
            }
        }
        if n > 0 || abandoned_any {
            // A burst's segments go back to the pool once read, even from a thread that went
            // quiet or ended after it (an ended thread keeps its window).
            for ring in &self.rings {
                ring.reader.trim();
            }
            for reader in &self.retired {
                reader.trim();
            }
        }
        // Forget dead threads whose last segment went to other threads.
        self.retired.retain(|r| r.log().segments() > 0);
        if n > 0 {
            self.seal_batch();
            self.sinks.flush();
            self.journal_flush();
            self.publish_stats();
        }
        if self.sink_panic {
            self.after_sink_panic();
        }
        n
    }

    /// Takes the next event of log `i`, redacts it and hands it to the sinks.
    fn take_event(&mut self, i: usize, conv: &Converter) {
        if !self.journal_event(i, conv) {
            return;
        }
        let Some(mut event) = self.rings[i].reader.take_event() else {
            return;
        };
        if let Some(redaction) = &mut self.redaction {
            redaction.event(&mut event);
        }
        if let Some(failed) = self.sinks.write(event, &self.spans, conv) {
            self.sink_panicked(failed);
        }
    }

    /// Submits the records batched for the formatting workers (see [`Sinks::seal`]): at the
    /// end of a turn, and before the sinks are flushed, synced, reopened or closed, so that
    /// these see everything handed before them.
    pub(super) fn seal_batch(&mut self) {
        if let Some(failed) = self.sinks.seal() {
            self.sink_panicked(failed);
        }
    }

    /// Redacts a span operation's values, applies it to the span table, and writes its
    /// `new` or `close` line when [`SpanEvents`] asks for one.
    fn apply_span_op(&mut self, mut op: SpanOp, conv: &Converter) {
        if let Some(redaction) = &mut self.redaction {
            self.spans.redact(redaction, &mut op);
        }
        // An operation on a span the table does not know (evicted, or its creation lost)
        // could not be redacted (its callsite, which says which keys are secret, is
        // unknown): the table ignores it, so no text sink shows it, and neither does the
        // journal. A creation brings its own callsite.
        let known =
            matches!(op.kind, SpanOpKind::New { .. }) || self.spans.get(op.id.into_u64()).is_some();
        if known {
            self.journal_span(&op, conv);
        }
        let line = match op.kind {
            SpanOpKind::New { .. } => self.config.span_events.contains(SpanEvents::NEW),
            SpanOpKind::Close => self.config.span_events.contains(SpanEvents::CLOSE),
            _ => false,
        };
        let (id, at) = (op.id.into_u64(), op.timestamp);
        self.spans.apply(op);
        if line {
            self.span_line(id, at, conv);
        }
    }

    /// Puts every log with a record to read this turn (before its quota) in the heap, by the
    /// timestamp of that record. Records are published whole (a padding record together with
    /// the record after it), so a position taken at the turn's start is always a record
    /// boundary, and reading stops exactly there.
    fn fill_heap(&mut self) {
        self.heap.clear();
        for i in 0..self.rings.len() {
            self.push_next(i);
        }
    }

    /// Puts log `i` back in the heap if it has a record to read this turn.
    #[inline]
    fn push_next(&mut self, i: usize) {
        let reader = &mut self.rings[i].reader;
        if reader.position() >= self.quota[i] {
            return;
        }
        if let Some(t) = reader.peek_timestamp() {
            self.heap.push(Reverse((t, i)));
        }
    }

    /// Writes a `new` or `close` line for span `id` (see [`SpanEvents`]) to the sinks. It is
    /// not kept in the recorder: snapshots hold the span itself.
    fn span_line(&mut self, id: u64, at: u64, conv: &Converter) {
        let Some(span) = self.spans.get(id) else {
            return;
        };
        let mut timings = [
            (String::from("elapsed_ms"), FieldValue::EMPTY),
            (String::from("elapsed_us"), FieldValue::EMPTY),
            (String::from("busy_us"), FieldValue::EMPTY),
        ];
        let (message, fields) = match span.end {
            Some(end) => {
                let elapsed = conv.nanos_between(span.start, end);
                timings[0].1 = FieldValue::from(elapsed as f64 / 1e6);
                timings[1].1 = FieldValue::from(elapsed / 1000);
                timings[2].1 = FieldValue::from(conv.nanos_between(0, span.busy) / 1000);
                ("close", Fields::pairs(&timings))
            }
            None => ("new", Fields::empty()),
        };
        let cs = span.callsite;
        let name = self.sinks.names.get_arc(span.thread);
        let record = Record {
            level: cs.level(),
            timestamp: conv.to_system_time(at),
            target: cs.target(),
            module_path: cs.module_path(),
            file: cs.file(),
            line: cs.line(),
            message,
            thread_name: &name,
            thread_id: u64::from(span.thread),
            span_id: id,
            spans: Some(&self.spans),
            fields,
        };
        let pairs = if span.end.is_some() {
            &timings[..]
        } else {
            &[]
        };
        let failed =
            self.sinks
                .write_span_line(&record, cs, message, pairs, name.clone(), &self.spans);
        if let Some(failed) = failed {
            self.sink_panicked(failed);
        }
    }
}

pub(super) fn dropped_event(n: u64) -> LogEvent {
    let mut values = Values::new();
    values.push(FieldValue::from(n));
    let mut event = LogEvent::with_message(
        &DROPPED_CALLSITE,
        FieldValue::from(format!("ttlog dropped {n} events")),
        values,
    );
    event.set_thread_index(crate::thread::current_index());
    event
}
