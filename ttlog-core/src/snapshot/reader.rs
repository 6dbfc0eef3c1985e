//! Decoding snapshots, with an error for every malformed input.
//!
//! The decoder walks the records once, front to back. Every length is checked against the
//! bytes that remain before anything is allocated for it, every record's checksum is verified
//! before its payload is interpreted, and every loop consumes input, so hostile files can
//! neither exhaust memory nor hang the reader. Decoding stops at the first problem;
//! [`recover`] returns what was decoded before it.
//!
//! Built with `--cfg fuzzing` (as `cargo fuzz` does), checksum mismatches are ignored so that
//! a fuzzer can reach the payload parsers.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::*;
use super::format::*;
use super::model::{Event, Header, Snapshot};
use super::span::{Span, SpanStatus};
use crate::field::FieldValue;
use crate::level::Level;

/// Decodes a snapshot from `bytes`.
///
/// # Errors
///
/// Returns an error if `bytes` is not a complete, well-formed snapshot of a supported version:
/// see [`SnapshotErrorKind`]. A torn file (one whose end record is missing) is
/// [`SnapshotErrorKind::Truncated`]; use [`recover`] to get the events before the tear.
///
/// # Examples
///
/// ```
/// use ttlog_core::snapshot::{self, Header, SnapshotErrorKind};
/// let mut bytes = Vec::new();
/// snapshot::encode(&Header::new("svc", "test"), [], &mut bytes);
/// assert_eq!(snapshot::decode(&bytes).unwrap().header.service, "svc");
///
/// let err = snapshot::decode(b"GIF89a.....").unwrap_err();
/// assert_eq!(err.kind(), SnapshotErrorKind::NotASnapshot);
/// assert_eq!(err.to_string(), "not a ttlog snapshot (bad magic)");
/// ```
pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let mut d = Decoder::new(bytes);
    match d.run() {
        Ok(()) => Ok(d.finish()),
        Err(e) => Err(e),
    }
}

/// Decodes as much of a damaged or torn snapshot as possible.
///
/// Returns the header and every span and event up to the first problem, with the error that
/// stopped decoding (`None` if the snapshot is intact). This is how a snapshot whose writer was
/// killed mid-write is read.
///
/// # Errors
///
/// Returns an error if not even the header could be decoded.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use ttlog_core::snapshot::{self, Header, SnapshotErrorKind};
/// use ttlog_core::{Fields, Level, Record};
///
/// let record = Record {
///     level: Level::Warn, timestamp: SystemTime::now(), target: "t", module_path: "m",
///     file: "f.rs", line: 1, message: "disk almost full", thread_name: "main",
///     thread_id: 1, span_id: 0, spans: None, fields: Fields::empty(),
/// };
/// let mut bytes = Vec::new();
/// snapshot::encode(&Header::new("svc", "test"), [record, record], &mut bytes);
/// bytes.truncate(bytes.len() - 3); // tear the end record
///
/// let (snap, err) = snapshot::recover(&bytes).unwrap();
/// assert_eq!(snap.events.len(), 2);
/// assert_eq!(err.unwrap().kind(), SnapshotErrorKind::Truncated);
/// ```
pub fn recover(bytes: &[u8]) -> Result<(Snapshot, Option<SnapshotError>), SnapshotError> {
    let mut d = Decoder::new(bytes);
    match d.run() {
        Ok(()) => Ok((d.finish(), None)),
        Err(e) if d.header.is_some() => Ok((d.finish(), Some(e))),
        Err(e) => Err(e),
    }
}

// ===== Decoder =====

/// Field names are copied into every event that uses them, so a small file that names one long
/// string many times could expand enormously. Copies are limited to this many bytes plus
/// [`EXPANSION_FACTOR`] times the input size, far more than any real snapshot needs.
const EXPANSION_BASE: usize = 16 << 20;
const EXPANSION_FACTOR: usize = 64;

struct Decoder<'b> {
    bytes: &'b [u8],
    pos: usize,
    header: Option<Header>,
    strings: Vec<Arc<str>>,
    spans: Vec<Span>,
    events: Vec<Event>,
    expansion_budget: usize,
}

impl<'b> Decoder<'b> {
    fn new(bytes: &'b [u8]) -> Decoder<'b> {
        Decoder {
            bytes,
            pos: 0,
            header: None,
            strings: Vec::new(),
            spans: Vec::new(),
            events: Vec::new(),
            expansion_budget: EXPANSION_BASE
                .saturating_add(bytes.len().saturating_mul(EXPANSION_FACTOR)),
        }
    }

    fn finish(self) -> Snapshot {
        Snapshot {
            header: self.header.unwrap_or_else(empty_header),
            spans: self.spans,
            events: self.events,
        }
    }

    fn truncated(&self, at: usize, what: Truncation) -> SnapshotError {
        SnapshotError::at(
            Repr::Truncated {
                what,
                spans: self.spans.len(),
                events: self.events.len(),
                file_len: self.bytes.len(),
            },
            at,
        )
    }

    fn run(&mut self) -> Result<(), SnapshotError> {
        let bytes = self.bytes;
        if bytes.is_empty() {
            return Err(self.truncated(0, Truncation::Empty));
        }
        let n = bytes.len().min(MAGIC.len());
        if bytes[..n] != MAGIC[..n] {
            return Err(SnapshotError::new(Repr::BadMagic));
        }
        if bytes.len() < PREAMBLE_LEN {
            return Err(self.truncated(0, Truncation::Preamble));
        }
        let version = u16::from_le_bytes([bytes[8], bytes[9]]);
        if version != VERSION {
            return Err(SnapshotError::at(Repr::UnsupportedVersion(version), 8));
        }
        self.pos = PREAMBLE_LEN;

        loop {
            let start = self.pos;
            if start == bytes.len() {
                return Err(self.truncated(start, Truncation::NoEnd));
            }
            let kind = bytes[start];
            let torn = |d: &Self| d.truncated(start, Truncation::Record(kind));
            let (len, len_size) = match get_uvarint(&bytes[start + 1..], 64) {
                Ok(v) => v,
                Err(VarintError::Eof) => return Err(torn(self)),
                Err(e) => {
                    return Err(SnapshotError::at(
                        Repr::BadLength { kind, error: e },
                        start + 1,
                    ))
                }
            };
            let payload_start = start + 1 + len_size;
            let remaining = bytes.len() - payload_start;
            // `len` is compared before any use, so a hostile length allocates nothing.
            if len > remaining as u128 || remaining - (len as usize) < 4 {
                return Err(torn(self));
            }
            let payload_end = payload_start + len as usize;
            let payload = &bytes[payload_start..payload_end];
            let stored = u32::from_le_bytes([
                bytes[payload_end],
                bytes[payload_end + 1],
                bytes[payload_end + 2],
                bytes[payload_end + 3],
            ]);
            let computed = crc32(&bytes[start..payload_end]);
            if stored != computed && !cfg!(fuzzing) {
                return Err(SnapshotError::at(
                    Repr::Checksum {
                        kind,
                        stored,
                        computed,
                    },
                    start,
                ));
            }
            self.pos = payload_end + 4;

            if self.header.is_none() && kind != KIND_HEADER {
                return Err(SnapshotError::at(Repr::HeaderNotFirst { kind }, start));
            }
            let mut p = Payload {
                bytes: payload,
                pos: 0,
                base: payload_start,
                kind,
            };
            match kind {
                KIND_HEADER => {
                    if self.header.is_some() {
                        return Err(SnapshotError::at(Repr::DuplicateHeader, start));
                    }
                    self.header = Some(decode_header(&mut p)?);
                }
                KIND_STRING => {
                    let id_at = p.offset();
                    let id = p.u64()?;
                    if id != self.strings.len() as u64 {
                        return Err(p.malformed_at(
                            id_at,
                            format!(
                                "string id {id} out of order (expected {})",
                                self.strings.len()
                            ),
                        ));
                    }
                    let s = p.str("interned string")?;
                    self.strings.push(Arc::from(s));
                }
                KIND_EVENT => {
                    let event = self.decode_event(&mut p)?;
                    self.events.push(event);
                }
                KIND_SPAN => {
                    if !self.events.is_empty() {
                        return Err(p.malformed_at(
                            start,
                            "span record after an event record (spans come first)".to_owned(),
                        ));
                    }
                    let span = self.decode_span(&mut p)?;
                    self.spans.push(span);
                }
                KIND_END => {
                    let count = p.u64()?;
                    p.done()?;
                    if count != self.events.len() as u64 {
                        return Err(SnapshotError::at(
                            Repr::CountMismatch {
                                expected: count,
                                found: self.events.len(),
                            },
                            start,
                        ));
                    }
                    if self.pos != bytes.len() {
                        return Err(SnapshotError::at(Repr::TrailingData, self.pos));
                    }
                    return Ok(());
                }
                k if k >= FIRST_OPTIONAL_KIND => continue,
                k => return Err(SnapshotError::at(Repr::UnknownKind(k), start)),
            }
            p.done()?;
        }
    }

    fn decode_event(&mut self, p: &mut Payload<'_>) -> Result<Event, SnapshotError> {
        let timestamp = time(p)?;
        let level = level(p)?;
        let target = self.string(p)?;
        let module_path = self.string(p)?;
        let file = self.string(p)?;
        let thread = self.string(p)?;
        let line = line(p)?;
        let thread_id = p.u64()?;
        let span_id = p.u64()?;
        let message = p.str("message")?.to_owned();
        let fields = self.decode_fields(p)?;
        Ok(Event {
            level,
            timestamp,
            target,
            module_path,
            file,
            thread,
            line,
            thread_id,
            span_id,
            message,
            fields,
        })
    }

    fn decode_span(&mut self, p: &mut Payload<'_>) -> Result<Span, SnapshotError> {
        let at = p.offset();
        let id = p.u64()?;
        let previous = self.spans.last().map_or(0, |s| s.id);
        if id <= previous {
            return Err(p.malformed_at(
                at,
                if id == 0 {
                    "span id 0 (0 means no span)".to_owned()
                } else {
                    format!("span id {id} not above the previous span's id {previous}")
                },
            ));
        }
        let parent = p.u64()?;
        let level = level(p)?;
        let name = self.string(p)?;
        let target = self.string(p)?;
        let module_path = self.string(p)?;
        let file = self.string(p)?;
        let line = line(p)?;
        let thread = self.string(p)?;
        let thread_id = p.u64()?;
        let start = time(p)?;
        let end = end(p, start)?;
        let busy = duration(p, "span busy time")?;
        let at = p.offset();
        let status = match p.u8("span status")? {
            SPAN_STATUS_OK => SpanStatus::Ok,
            SPAN_STATUS_ERROR => SpanStatus::Error,
            b => return Err(p.malformed_at(at, format!("invalid span status {b}"))),
        };
        let count = p.u64()?;
        // Each id takes at least one byte, so the remaining bytes bound the count.
        let cap = usize::try_from(count)
            .unwrap_or(usize::MAX)
            .min(p.remaining());
        let mut follows_from = Vec::with_capacity(cap);
        for _ in 0..count {
            let at = p.offset();
            let from = p.u64()?;
            if from == 0 {
                return Err(p.malformed_at(at, "follows-from span id 0".to_owned()));
            }
            follows_from.push(from);
        }
        let fields = self.decode_fields(p)?;
        Ok(Span {
            level,
            id,
            parent,
            name,
            target,
            module_path,
            file,
            line,
            thread,
            thread_id,
            start,
            end,
            busy,
            status,
            follows_from,
            fields,
        })
    }

    /// Reads a field count and the fields, charging their names to the expansion budget.
    fn decode_fields(
        &mut self,
        p: &mut Payload<'_>,
    ) -> Result<Vec<(String, FieldValue)>, SnapshotError> {
        let count = p.u64()?;
        // Each field takes at least two bytes, so the remaining bytes bound the count.
        let cap = usize::try_from(count)
            .unwrap_or(usize::MAX)
            .min(p.remaining() / 2);
        let mut fields = Vec::with_capacity(cap);
        for _ in 0..count {
            let name = self.string(p)?;
            let at = p.offset();
            if name.len() > self.expansion_budget {
                return Err(p.malformed_at(
                    at,
                    "field names expand to more memory than the file size justifies".to_owned(),
                ));
            }
            self.expansion_budget -= name.len();
            let value = decode_value(p)?;
            fields.push((String::from(&*name), value));
        }
        Ok(fields)
    }

    /// Reads a string id and looks it up.
    fn string(&self, p: &mut Payload<'_>) -> Result<Arc<str>, SnapshotError> {
        let at = p.offset();
        let id = p.u64()?;
        match usize::try_from(id).ok().and_then(|i| self.strings.get(i)) {
            Some(s) => Ok(Arc::clone(s)),
            None => Err(p.malformed_at(
                at,
                format!(
                    "string id {id} out of range ({} strings defined)",
                    self.strings.len()
                ),
            )),
        }
    }
}

/// Reads a timestamp: signed nanoseconds since the Unix epoch.
fn time(p: &mut Payload<'_>) -> Result<SystemTime, SnapshotError> {
    let at = p.offset();
    let nanos = p.i128()?;
    nanos_to_time(nanos)
        .ok_or_else(|| p.malformed_at(at, format!("timestamp {nanos} ns out of range")))
}

/// Reads a level byte.
fn level(p: &mut Payload<'_>) -> Result<Level, SnapshotError> {
    let at = p.offset();
    let level = p.u8("level")?;
    Level::from_u8(level).ok_or_else(|| p.malformed_at(at, format!("invalid level {level}")))
}

/// Reads a span's end: a closed flag, then for a closed span the time since `start`.
fn end(p: &mut Payload<'_>, start: SystemTime) -> Result<Option<SystemTime>, SnapshotError> {
    let at = p.offset();
    match p.u8("span closed flag")? {
        0 => Ok(None),
        1 => {
            let elapsed = duration(p, "span duration")?;
            match start.checked_add(elapsed) {
                Some(end) => Ok(Some(end)),
                None => Err(p.malformed_at(at + 1, "span end out of range".to_owned())),
            }
        }
        b => Err(p.malformed_at(at, format!("invalid span closed flag {b}"))),
    }
}

/// Reads a duration: unsigned nanoseconds, as a 128-bit varint.
fn duration(p: &mut Payload<'_>, what: &str) -> Result<Duration, SnapshotError> {
    let at = p.offset();
    let nanos = p.uvarint(128)?;
    u64::try_from(nanos / 1_000_000_000)
        .ok()
        .map(|secs| Duration::new(secs, (nanos % 1_000_000_000) as u32))
        .ok_or_else(|| p.malformed_at(at, format!("{what} {nanos} ns out of range")))
}

/// Reads a source line number, which must fit a `u32`.
fn line(p: &mut Payload<'_>) -> Result<u32, SnapshotError> {
    let at = p.offset();
    u32::try_from(p.u64()?).map_err(|_| p.malformed_at(at, "line number out of range".to_owned()))
}

fn decode_value(p: &mut Payload<'_>) -> Result<FieldValue, SnapshotError> {
    let at = p.offset();
    let tag = p.u8("value type tag")?;
    Ok(match tag {
        TAG_EMPTY => FieldValue::EMPTY,
        TAG_BOOL => match p.u8("bool value")? {
            0 => FieldValue::from(false),
            1 => FieldValue::from(true),
            b => return Err(p.malformed_at(at + 1, format!("invalid bool {b}"))),
        },
        TAG_I64 => {
            let v = p.i128()?;
            let v = i64::try_from(v)
                .map_err(|_| p.malformed_at(at + 1, "i64 value out of range".to_owned()))?;
            FieldValue::from(v)
        }
        TAG_U64 => FieldValue::from(p.u64()?),
        TAG_I128 => FieldValue::from(p.i128()?),
        TAG_U128 => FieldValue::from(p.uvarint(128)?),
        TAG_F64 => {
            let b = p.take(8, "f64 value")?;
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            FieldValue::from(f64::from_bits(u64::from_le_bytes(a)))
        }
        TAG_CHAR => {
            let v = p.u64()?;
            let c = u32::try_from(v)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| p.malformed_at(at + 1, format!("invalid char {v:#x}")))?;
            FieldValue::from(c)
        }
        TAG_STR => FieldValue::from(p.str("field value")?.to_owned()),
        t => return Err(p.malformed_at(at, format!("invalid value type tag {t}"))),
    })
}

fn decode_header(p: &mut Payload<'_>) -> Result<Header, SnapshotError> {
    let mut h = empty_header();
    let mut seen = [false; 8];
    const KEYS: [&str; 8] = [
        KEY_SERVICE,
        KEY_HOSTNAME,
        KEY_PID,
        KEY_CREATED,
        KEY_REASON,
        KEY_VERSION,
        KEY_CAPACITY,
        KEY_DROPPED,
    ];
    while p.remaining() > 0 {
        let key = p.str("header key")?;
        let at = p.offset();
        let value = p.str("header value")?;
        let Some(i) = KEYS.iter().position(|k| *k == key) else {
            continue; // a key from a newer writer
        };
        if seen[i] {
            return Err(p.malformed_at(at, format!("duplicate header key `{key}`")));
        }
        seen[i] = true;
        let bad = || p.malformed_at(at, format!("invalid value for header key `{key}`"));
        match key {
            KEY_SERVICE => h.service = value.to_owned(),
            KEY_HOSTNAME => h.hostname = value.to_owned(),
            KEY_REASON => h.reason = value.to_owned(),
            KEY_VERSION => h.ttlog_version = value.to_owned(),
            KEY_PID => {
                h.pid = parse_decimal(value)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(bad)?
            }
            KEY_CAPACITY => {
                h.capacity = parse_decimal(value)
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(bad)?
            }
            KEY_DROPPED => {
                h.dropped = parse_decimal(value)
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(bad)?
            }
            _ => {
                h.created = parse_decimal(value)
                    .and_then(nanos_to_time)
                    .ok_or_else(bad)?
            }
        }
    }
    Ok(h)
}

/// A strict decimal: an optional `-`, then 1 to 39 ASCII digits.
fn parse_decimal(s: &str) -> Option<i128> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 39 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The header of a snapshot whose header record says nothing.
fn empty_header() -> Header {
    Header {
        service: String::new(),
        hostname: String::new(),
        pid: 0,
        created: UNIX_EPOCH,
        reason: String::new(),
        ttlog_version: String::new(),
        capacity: 0,
        dropped: 0,
    }
}

/// A cursor over one record's payload that reports errors at absolute file offsets.
struct Payload<'b> {
    bytes: &'b [u8],
    pos: usize,
    base: usize,
    kind: u8,
}

impl<'b> Payload<'b> {
    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn malformed_at(&self, at: usize, what: String) -> SnapshotError {
        SnapshotError::at(
            Repr::Malformed {
                kind: self.kind,
                what,
            },
            at,
        )
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'b [u8], SnapshotError> {
        if n > self.remaining() {
            return Err(self.malformed_at(
                self.offset(),
                format!("{what} ({n} bytes) runs past the end of the record"),
            ));
        }
        let b = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(b)
    }

    fn u8(&mut self, what: &str) -> Result<u8, SnapshotError> {
        Ok(self.take(1, what)?[0])
    }

    fn uvarint(&mut self, bits: u32) -> Result<u128, SnapshotError> {
        match get_uvarint(&self.bytes[self.pos..], bits) {
            Ok((v, n)) => {
                self.pos += n;
                Ok(v)
            }
            Err(e) => Err(self.malformed_at(
                self.offset(),
                match e {
                    VarintError::Eof => "varint runs past the end of the record".to_owned(),
                    VarintError::Overflow => format!("varint overflows {bits} bits"),
                    VarintError::Overlong => "overlong varint".to_owned(),
                },
            )),
        }
    }

    fn u64(&mut self) -> Result<u64, SnapshotError> {
        // A 64-bit varint always fits.
        Ok(self.uvarint(64)? as u64)
    }

    fn i128(&mut self) -> Result<i128, SnapshotError> {
        Ok(unzigzag(self.uvarint(128)?))
    }

    fn str(&mut self, what: &str) -> Result<&'b str, SnapshotError> {
        let at = self.offset();
        let len = self.uvarint(64)?;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let bytes = self.take(len, what)?;
        std::str::from_utf8(bytes)
            .map_err(|e| self.malformed_at(at, format!("invalid utf-8 in {what}: {e}")))
    }

    /// Checks the payload was consumed exactly.
    fn done(&self) -> Result<(), SnapshotError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(self.malformed_at(
                self.offset(),
                format!(
                    "{} unexpected bytes at the end of the record",
                    self.remaining()
                ),
            ))
        }
    }
}

// ===== SnapshotError =====
