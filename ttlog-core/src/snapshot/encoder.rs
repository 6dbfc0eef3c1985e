//! [`Encoder`]: a snapshot written record by record to any [`Write`], so a snapshot of any
//! size is written with a few buffers of one record each.
//!
//! The format needs nothing from the future: the header comes first and is known before any
//! event, each record carries its own length and checksum (computed over the one record), and
//! the end record's event count is counted as the events go by. So the encoder keeps only the
//! interned strings (names of targets, files, fields and threads: as many as there are
//! callsites and threads, not events) and one record's payload at a time.

use std::collections::HashMap;
use std::io::{self, Write};

use super::format::*;
use super::model::Header;
use super::span::{Span, SpanStatus};
use crate::field::ValueRef;
use crate::record::Record;

/// Writes one snapshot to `W`: [`new`](Encoder::new) writes the preamble and the header,
/// then [`spans`](Encoder::spans) (before any event), [`event`](Encoder::event) for each
/// event, and [`finish`](Encoder::finish) the end record.
pub(crate) struct Encoder<W: Write> {
    out: W,
    /// Interned strings and their ids (0, 1, 2, … in the order they were first written).
    strings: HashMap<Box<str>, u64>,
    /// The record being built.
    payload: Vec<u8>,
    /// A record's kind and length, before its payload.
    frame: Vec<u8>,
    events: u64,
}

impl<W: Write> Encoder<W> {
    /// Starts a snapshot described by `header` on `out`.
    pub(crate) fn new(mut out: W, header: &Header) -> io::Result<Encoder<W>> {
        out.write_all(MAGIC)?;
        out.write_all(&VERSION.to_le_bytes())?;
        let mut encoder = Encoder {
            out,
            strings: HashMap::new(),
            payload: Vec::with_capacity(256),
            frame: Vec::with_capacity(24),
            events: 0,
        };
        encode_header(header, &mut encoder.payload);
        encoder.put_record(KIND_HEADER)?;
        Ok(encoder)
    }

    /// Writes `spans` in id order; a span whose id is 0, or whose id an earlier span of the
    /// slice already has, is skipped. Call it once, before the first event.
    pub(crate) fn spans(&mut self, spans: &[Span]) -> io::Result<()> {
        let mut order: Vec<&Span> = spans.iter().filter(|s| s.id != 0).collect();
        // Stable: of two spans with one id, the first given is kept.
        order.sort_by_key(|s| s.id);
        order.dedup_by_key(|s| s.id);
        for span in order {
            self.span(span)?;
        }
        Ok(())
    }

    /// Writes the span record of `span`, after string records for the strings it names.
    fn span(&mut self, span: &Span) -> io::Result<()> {
        let elapsed = span.elapsed_fields();
        let names = [
            &*span.name,
            &*span.target,
            &*span.module_path,
            &*span.file,
            &*span.thread,
        ];
        let field_names = span.fields.iter().map(|(n, _)| n.as_str());
        let elapsed_names = elapsed.iter().flatten().map(|(n, _)| *n);
        for s in names.into_iter().chain(field_names).chain(elapsed_names) {
            self.intern(s)?;
        }
        let [name, target, module_path, file, thread] = names.map(|s| self.id(s) as u128);
        let payload = &mut self.payload;
        payload.clear();
        put_uvarint(payload, span.id as u128);
        put_uvarint(payload, span.parent as u128);
        payload.push(span.level.as_u8());
        for id in [name, target, module_path, file] {
            put_uvarint(payload, id);
        }
        put_uvarint(payload, span.line as u128);
        put_uvarint(payload, thread);
        put_uvarint(payload, span.thread_id as u128);
        put_svarint(payload, time_to_nanos(span.start));
        match span.duration() {
            None => payload.push(0),
            Some(d) => {
                payload.push(1);
                put_uvarint(payload, d.as_nanos());
            }
        }
        put_uvarint(payload, span.busy.as_nanos());
        payload.push(match span.status {
            SpanStatus::Ok => SPAN_STATUS_OK,
            SpanStatus::Error => SPAN_STATUS_ERROR,
        });
        put_uvarint(payload, span.follows_from.len() as u128);
        for &id in &span.follows_from {
            put_uvarint(payload, id as u128);
        }
        let fields = span.fields.iter().map(|(n, v)| (n.as_str(), v));
        let elapsed = elapsed.iter().flatten().map(|(n, v)| (*n, v));
        let all = fields.chain(elapsed);
        put_uvarint(payload, all.clone().count() as u128);
        for (name, value) in all {
            let id = self
                .strings
                .get(name)
                .copied()
                .unwrap_or_else(unreachable_id);
            put_uvarint(payload, id as u128);
            put_value(payload, value.as_ref());
        }
        self.put_record(KIND_SPAN)
    }

    /// Writes the event record of `record`, after string records for the strings it names.
    pub(crate) fn event(&mut self, record: &Record<'_>) -> io::Result<()> {
        let fields = record.fields;
        // An event inside a trace context keeps its ids as fields of its own.
        let trace = record
            .trace()
            .map(|t| record.missing_trace_fields(&t))
            .unwrap_or_default();
        let names = [
            record.target,
            record.module_path,
            record.file,
            record.thread_name,
        ];
        let field_names = fields.iter().map(|f| f.name);
        for s in names
            .into_iter()
            .chain(field_names)
            .chain(trace.iter().map(|(name, _)| *name))
        {
            self.intern(s)?;
        }
        let ids = names.map(|s| self.id(s));
        self.payload.clear();
        let payload = &mut self.payload;
        put_svarint(payload, time_to_nanos(record.timestamp));
        payload.push(record.level.as_u8());
        for id in ids {
            put_uvarint(payload, id as u128);
        }
        put_uvarint(payload, record.line as u128);
        put_uvarint(payload, record.thread_id as u128);
        put_uvarint(payload, record.span_id as u128);
        put_str(payload, record.message);
        put_uvarint(payload, (fields.len() + trace.len()) as u128);
        for field in fields.iter() {
            let id = self
                .strings
                .get(field.name)
                .copied()
                .unwrap_or_else(unreachable_id);
            put_uvarint(payload, id as u128);
            put_value(payload, field.value.as_ref());
        }
        for (name, value) in &trace {
            let id = self
                .strings
                .get(*name)
                .copied()
                .unwrap_or_else(unreachable_id);
            put_uvarint(payload, id as u128);
            put_value(payload, ValueRef::Str(value));
        }
        self.put_record(KIND_EVENT)?;
        self.events += 1;
        Ok(())
    }

    /// Writes the end record and returns the output (not flushed).
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.payload.clear();
        put_uvarint(&mut self.payload, self.events as u128);
        self.put_record(KIND_END)?;
        Ok(self.out)
    }

    /// Writes the string record interning `s`, unless it has been interned already.
    fn intern(&mut self, s: &str) -> io::Result<()> {
        if self.strings.contains_key(s) {
            return Ok(());
        }
        let id = self.strings.len() as u64;
        self.strings.insert(s.into(), id);
        self.payload.clear();
        put_uvarint(&mut self.payload, id as u128);
        put_str(&mut self.payload, s);
        self.put_record(KIND_STRING)
    }

    /// The id of `s`, which has been interned.
    fn id(&self, s: &str) -> u64 {
        self.strings.get(s).copied().unwrap_or_else(unreachable_id)
    }

    /// Writes one framed record of `kind` around the payload: kind, length, payload, CRC-32
    /// of all three.
    fn put_record(&mut self, kind: u8) -> io::Result<()> {
        self.frame.clear();
        self.frame.push(kind);
        put_uvarint(&mut self.frame, self.payload.len() as u128);
        let mut crc = Crc32::new();
        crc.update(&self.frame);
        crc.update(&self.payload);
        self.out.write_all(&self.frame)?;
        self.out.write_all(&self.payload)?;
        self.out.write_all(&crc.finish().to_le_bytes())
    }
}

/// Every name is interned before its id is asked for; were one not, id 0 keeps the record
/// decodable (a debug build stops here).
#[cold]
fn unreachable_id() -> u64 {
    debug_assert!(false, "a snapshot string was used before it was interned");
    0
}

fn encode_header(header: &Header, payload: &mut Vec<u8>) {
    payload.clear();
    let pairs: [(&str, &str); 3] = [
        (KEY_SERVICE, &header.service),
        (KEY_HOSTNAME, &header.hostname),
        (KEY_REASON, &header.reason),
    ];
    for (k, v) in pairs {
        put_str(payload, k);
        put_str(payload, v);
    }
    let numbers: [(&str, String); 4] = [
        (KEY_PID, header.pid.to_string()),
        (KEY_CREATED, time_to_nanos(header.created).to_string()),
        (KEY_CAPACITY, header.capacity.to_string()),
        (KEY_DROPPED, header.dropped.to_string()),
    ];
    for (k, v) in &numbers {
        put_str(payload, k);
        put_str(payload, v);
    }
    put_str(payload, KEY_VERSION);
    put_str(payload, &header.ttlog_version);
}

fn put_value(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Empty => out.push(TAG_EMPTY),
        ValueRef::Bool(v) => out.extend_from_slice(&[TAG_BOOL, v as u8]),
        ValueRef::I64(v) => {
            out.push(TAG_I64);
            put_svarint(out, v as i128);
        }
        ValueRef::U64(v) => {
            out.push(TAG_U64);
            put_uvarint(out, v as u128);
        }
        ValueRef::I128(v) => {
            out.push(TAG_I128);
            put_svarint(out, v);
        }
        ValueRef::U128(v) => {
            out.push(TAG_U128);
            put_uvarint(out, v);
        }
        ValueRef::F64(v) => {
            out.push(TAG_F64);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        ValueRef::Char(v) => {
            out.push(TAG_CHAR);
            put_uvarint(out, v as u128);
        }
        ValueRef::Str(v) => {
            out.push(TAG_STR);
            put_str(out, v);
        }
    }
}
