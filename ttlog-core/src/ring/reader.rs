//! The collector's end of one thread's log, as records: a [`RecordReader`] wraps the log's
//! [`Cursor`] and decodes what the [`codec`](super::codec) wrote, so the collector reads
//! events and span operations without touching raw words.

use std::sync::Arc;

use super::codec::{self, Kind};
use super::cursor::Cursor;
use super::log::Log;
use super::pool::Record;
use crate::callsite::site::Callsite;
use crate::event::LogEvent;
use crate::span::op::SpanOp;

/// The reading end of a log whose records were all written by the codec, in this process.
///
/// Only [`RingSet`](super::shared::RingSet) builds one, from a log its lanes write with the
/// codec: that is what makes decoding the records' callsite addresses sound.
pub(crate) struct RecordReader {
    cursor: Cursor,
}

impl RecordReader {
    /// Wraps `cursor`, whose writer writes only codec records.
    pub(super) fn new(cursor: Cursor) -> RecordReader {
        RecordReader { cursor }
    }

    /// The kind of the next record, if there is one.
    #[inline]
    pub(crate) fn peek_kind(&mut self) -> Option<Kind> {
        self.cursor.peek().map(|r| codec::kind(r.meta))
    }

    /// The clock reading of the next record, if there is one.
    #[inline]
    pub(crate) fn peek_timestamp(&mut self) -> Option<u64> {
        self.cursor.peek().map(codec::timestamp)
    }

    /// The span the next record names (the span of an event, or the span an operation is
    /// on), `0` for none or when there is no record.
    #[inline]
    pub(crate) fn peek_span(&mut self) -> u64 {
        self.cursor.peek().map_or(0, codec::span_named)
    }

    /// Takes the next record as an event; `None` when there is none or it is a span
    /// operation (which is then left in place). A record that does not decode is skipped.
    #[inline]
    pub(crate) fn take_event(&mut self) -> Option<LogEvent> {
        let record = self.cursor.peek()?;
        if codec::kind(record.meta) != Kind::Event {
            return None;
        }
        // SAFETY: a record of a log only the codec writes, in this process.
        #[allow(unsafe_code)]
        let event = unsafe { codec::read_event(record) };
        self.cursor.advance();
        event
    }

    /// The next record as the words it was written with, and its callsite, if it is an event
    /// (left in place: [`skip`](Self::skip) moves past it).
    #[inline]
    pub(crate) fn peek_raw_event(&mut self) -> Option<(&Record, &'static Callsite)> {
        let record = self.cursor.peek()?;
        if codec::kind(record.meta) != Kind::Event {
            return None;
        }
        let word = *record.payload.first()?;
        // SAFETY: an event record of a log only the codec writes, in this process: its first
        // word is the address of a `&'static Callsite` the codec exposed.
        #[allow(unsafe_code)]
        let callsite = unsafe { codec::callsite_of(word) };
        Some((record, callsite))
    }

    /// The next record decoded as an event, left in place; `None` when there is none, it is
    /// a span operation, or it does not decode.
    pub(crate) fn peek_event(&mut self) -> Option<LogEvent> {
        let record = self.cursor.peek()?;
        if codec::kind(record.meta) != Kind::Event {
            return None;
        }
        // SAFETY: as in `take_event`.
        #[allow(unsafe_code)]
        let event = unsafe { codec::read_event(record) };
        event
    }

    /// Moves past the next record without decoding it.
    #[inline]
    pub(crate) fn skip(&mut self) {
        if self.cursor.peek().is_some() {
            self.cursor.advance();
        }
    }

    /// Takes the next record as a span operation; `None` when there is none or it is an
    /// event (which is then left in place). A record that does not decode is skipped.
    #[inline]
    pub(crate) fn take_span_op(&mut self) -> Option<SpanOp> {
        let record = self.cursor.peek()?;
        if codec::kind(record.meta) == Kind::Event {
            return None;
        }
        // SAFETY: as in `take_event`.
        #[allow(unsafe_code)]
        let op = unsafe { codec::read_span(record) };
        self.cursor.advance();
        op
    }

    /// Moves past every record there is now without decoding any; returns the events among
    /// them (the shutdown deadline passed: they are counted lost).
    pub(crate) fn skip_rest(&mut self) -> u64 {
        let mut events = 0;
        while let Some(record) = self.cursor.peek() {
            events += u64::from(record.counted);
            self.cursor.advance();
        }
        events
    }

    /// Where the reader is (grows as it reads).
    #[inline]
    pub(crate) fn position(&self) -> u64 {
        self.cursor.position()
    }

    /// Where the writer is now, in the units of [`position`](Self::position).
    #[inline]
    pub(crate) fn end(&self) -> u64 {
        self.cursor.end()
    }

    /// Whether there is nothing to read now.
    pub(crate) fn is_empty(&mut self) -> bool {
        self.cursor.peek().is_none()
    }

    /// Events the writer overwrote before they were read, or could not write, plus span
    /// operations it could not write.
    pub(crate) fn dropped(&self) -> u64 {
        self.cursor.lost() + self.cursor.refused_uncounted()
    }

    /// Whether the writer is gone (its thread ended).
    pub(crate) fn is_abandoned(&self) -> bool {
        self.cursor.is_abandoned()
    }

    /// The log read.
    pub(crate) fn log(&self) -> &Arc<Log> {
        self.cursor.log()
    }

    /// Gives back the segments of the log that were read and that the recorder no longer
    /// needs (see [`Log::trim`]).
    pub(crate) fn trim(&self) {
        self.cursor.log().trim();
    }

    /// Marks the log read to its end, so its segments may go to other logs when the pool is
    /// spent (call once the writer is gone and nothing is left to read).
    pub(crate) fn finish(&self) {
        self.cursor.finish();
    }
}
