//! The collector's end of one ring, as records: a [`RecordReader`] wraps the ring's
//! [`Consumer`] and reads what the [`codec`](super::codec) wrote, so the collector decodes
//! events and span operations without touching raw words.

use super::codec::{self, Kind};
use super::spsc::Consumer;
use crate::event::LogEvent;
use crate::span::op::SpanOp;

/// The consuming end of a ring whose records were all written by the codec.
///
/// Only [`RingSet`](super::shared::RingSet) builds one, from a ring its lanes write with the
/// codec: that is what makes reading the records as events and span operations sound.
pub(crate) struct RecordReader {
    consumer: Consumer,
}

impl RecordReader {
    /// Wraps `consumer`, whose producer writes only codec records.
    pub(super) fn new(consumer: Consumer) -> RecordReader {
        RecordReader { consumer }
    }

    /// The kind of the oldest record, if there is one.
    #[inline]
    pub(crate) fn peek_kind(&mut self) -> Option<Kind> {
        self.consumer.peek().map(|r| codec::kind(r.meta()))
    }

    /// The clock reading of the oldest record, if there is one.
    #[inline]
    pub(crate) fn peek_timestamp(&mut self) -> Option<u64> {
        let record = self.consumer.peek()?;
        // SAFETY: every codec record keeps its timestamp in word 1 (see `codec::timestamp`).
        Some(unsafe { codec::timestamp(record.payload()) })
    }

    /// The span the oldest record names (the span of an event, or the span an operation is
    /// on), `0` for none or when the ring is empty.
    #[inline]
    pub(crate) fn peek_span(&mut self) -> u64 {
        self.consumer.peek().map_or(0, |r| {
            // SAFETY: a codec record of the kind its meta word gives.
            unsafe { codec::span_named(r.meta(), r.payload()) }
        })
    }

    /// Takes the oldest record as an event; `None` when the ring is empty or the record is a
    /// span operation (which is then left in place).
    #[inline]
    pub(crate) fn take_event(&mut self) -> Option<LogEvent> {
        let record = self.consumer.peek()?;
        if codec::kind(record.meta()) != Kind::Event {
            return None;
        }
        // SAFETY: an event record written by the codec, read exactly once: `advance` follows.
        let event = unsafe { codec::read(record.meta(), record.payload()) };
        self.consumer.advance();
        Some(event)
    }

    /// Takes the oldest record as a span operation; `None` when the ring is empty or the
    /// record is an event (which is then left in place).
    #[inline]
    pub(crate) fn take_span_op(&mut self) -> Option<SpanOp> {
        let record = self.consumer.peek()?;
        if codec::kind(record.meta()) == Kind::Event {
            return None;
        }
        // SAFETY: a span record written by the codec, read exactly once: `advance` follows.
        let op = unsafe { codec::read_span(record.meta(), record.payload()) };
        self.consumer.advance();
        Some(op)
    }

    /// The ring position (in words) of the oldest record.
    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.consumer.position()
    }

    /// Words in the ring now.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.consumer.len()
    }

    /// Whether the ring is empty now.
    pub(crate) fn is_empty(&self) -> bool {
        self.consumer.is_empty()
    }

    /// Records the producer dropped (full ring, too large).
    pub(crate) fn dropped(&self) -> u64 {
        self.consumer.dropped()
    }

    /// Whether the producer is gone (its thread ended).
    pub(crate) fn is_abandoned(&self) -> bool {
        self.consumer.is_abandoned()
    }
}
