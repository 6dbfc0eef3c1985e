//! Reading one journal file's words back into events and span operations. The file is
//! untrusted: every length is checked against what is there before it is used, an entry is at
//! most [`MAX_ENTRY_WORDS`] words (nothing larger is allocated), and anything that does not
//! parse is an error that says what and where, never a panic. An entry cut off by the end of
//! what was read is not an error here: the caller decides (wait for the rest while following,
//! report it otherwise).

use std::collections::HashMap;
use std::sync::Arc;

use super::format::{
    CALLSITE, CLOCK, INFO, MAGIC, MAX_ENTRY_WORDS, PREAMBLE_WORDS, RECORD, THREAD, VERSION,
};
use crate::callsite::site::Callsite;
use crate::clock::Converter;
use crate::event::LogEvent;
use crate::recorder::layout::{parse_callsite, read_text, unknown_callsite};
use crate::ring::codec::{self, Kind};
use crate::ring::pool::Record;
use crate::span::op::SpanOp;

/// What a file's INFO entry says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Info {
    pub(crate) pid: u32,
    pub(crate) start_nanos: u64,
    pub(crate) span_capacity: usize,
    pub(crate) service: String,
}

/// One thing a journal holds, in the order the collector handled it.
pub(crate) enum Item {
    Info(Info),
    /// The clock conversion of the records that follow.
    Clock(Converter),
    Event(LogEvent),
    Span(SpanOp),
}

/// The state of reading one file: what its metadata entries said so far.
pub(crate) struct Decoder {
    started: bool,
    callsites: HashMap<u64, Option<&'static Callsite>>,
    pub(crate) threads: HashMap<u32, Arc<str>>,
}

impl Decoder {
    pub(crate) fn new() -> Decoder {
        Decoder {
            started: false,
            callsites: HashMap::new(),
            threads: HashMap::new(),
        }
    }

    /// Decodes the whole entries at the start of `words`, handing each event and span
    /// operation to `out`. Returns the words used (an entry cut off at the end is left for
    /// later), or, for damage, where it is (in words from the start of `words`) and what.
    pub(crate) fn decode(
        &mut self,
        words: &[u64],
        out: &mut dyn FnMut(Item),
    ) -> Result<usize, (usize, String)> {
        let mut at = 0;
        if !self.started {
            if words.first().is_some_and(|&w| w != MAGIC) {
                return Err((0, "not a ttlog journal (no TTLOGJNL magic number)".into()));
            }
            if words.len() < PREAMBLE_WORDS {
                return Ok(0);
            }
            if words[0] != MAGIC {
                return Err((0, "not a ttlog journal (no TTLOGJNL magic number)".into()));
            }
            if words[1] != VERSION {
                return Err((
                    1,
                    format!("journal version {}, expected {VERSION}", words[1]),
                ));
            }
            self.started = true;
            at = PREAMBLE_WORDS;
        }
        while let Some(&head) = words.get(at) {
            let kind = head & 0xff;
            let len = usize::try_from(head >> 8).unwrap_or(usize::MAX);
            if head == 0 {
                return Err((at, "a zero word where an entry should start".into()));
            }
            if len > MAX_ENTRY_WORDS {
                return Err((
                    at,
                    format!("an entry of {len} words (at most {MAX_ENTRY_WORDS})"),
                ));
            }
            let Some(payload) = words.get(at + 1..at + 1 + len) else {
                // Cut off: the rest is not there (yet).
                return Ok(at);
            };
            self.entry(kind, payload, out).map_err(|why| (at, why))?;
            at += 1 + len;
        }
        Ok(at)
    }

    fn entry(&mut self, kind: u64, p: &[u64], out: &mut dyn FnMut(Item)) -> Result<(), String> {
        match kind {
            INFO => {
                let mut at = 3;
                let (pid, start, cap) = match p {
                    [a, b, c, ..] => (*a, *b, *c),
                    _ => return Err("an INFO entry too short".into()),
                };
                let service = read_text(p, &mut at).ok_or("an INFO entry's service name")?;
                out(Item::Info(Info {
                    pid: u32::try_from(pid).map_err(|_| "a pid out of range")?,
                    start_nanos: start,
                    span_capacity: usize::try_from(cap).unwrap_or(usize::MAX).clamp(1, 1 << 24),
                    service,
                }));
            }
            CLOCK => {
                let [ticks, nanos, rate] = p else {
                    return Err("a CLOCK entry of the wrong size".into());
                };
                let rate = f64::from_bits(*rate);
                let conv = Converter::from_parts(*ticks, *nanos, (rate != 0.0).then_some(rate));
                out(Item::Clock(conv));
            }
            CALLSITE => {
                let (id, meta) = parse_callsite(p).ok_or("a CALLSITE entry that does not parse")?;
                self.callsites.insert(id, meta.intern());
            }
            THREAD => {
                let mut at = 1;
                let index = p.first().ok_or("an empty THREAD entry")?;
                let name = read_text(p, &mut at).ok_or("a THREAD entry's name")?;
                let index = u32::try_from(*index).map_err(|_| "a thread index out of range")?;
                self.threads.insert(index, Arc::from(name));
            }
            RECORD => {
                let (&meta, payload) = p.split_first().ok_or("an empty RECORD entry")?;
                let record = Record {
                    meta,
                    counted: codec::kind(meta) == Kind::Event,
                    payload: payload.to_vec(),
                };
                let count = codec::value_count(&record);
                let resolve = |word: u64| {
                    self.callsites
                        .get(&word)
                        .copied()
                        .flatten()
                        .filter(|cs| cs.field_names().len() == count)
                        .or_else(|| unknown_callsite(count))
                };
                let item = if record.counted {
                    codec::read_event_with(&record, resolve).map(Item::Event)
                } else {
                    codec::read_span_with(&record, resolve).map(Item::Span)
                };
                out(item.ok_or("a record that does not decode")?);
            }
            other => return Err(format!("an entry of unknown kind {other}")),
        }
        Ok(())
    }
}
