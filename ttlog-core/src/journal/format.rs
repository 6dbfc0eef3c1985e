//! The journal's file format (docs/journal-format.md): little-endian 64-bit words, a magic
//! number and a version, then entries, each a head word (`kind | payload words << 8`) and its
//! payload.
//!
//! ```text
//! file:      [MAGIC "TTLOGJNL"] [VERSION] entry*
//! entry:     [kind | len << 8] [payload: len words]
//! INFO:      [pid] [start, ns since the epoch] [span capacity] [service: text]
//! CLOCK:     [anchor ticks] [anchor, ns since the epoch] [ns per tick, f64 bits; 0: ticks are ns]
//! CALLSITE:  [id] [level] [line] [target] [module] [file] [message] [n] [field name]*n
//! THREAD:    [index] [name: text]
//! RECORD:    [meta] [the ring record's payload words, as the codec wrote them]
//! text:      [byte length] [bytes, zero-padded to whole words]
//! ```
//!
//! Every file starts with INFO and CLOCK and describes every callsite and thread before the
//! first record that names it, so each file stands alone. A CLOCK entry comes again whenever
//! the collector's conversion changes; records after it use it.

use crate::clock::Converter;
use crate::recorder::layout::push_text;

/// `TTLOGJNL`, little-endian.
pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"TTLOGJNL");
pub(crate) const VERSION: u64 = 1;

/// Words before the first entry.
pub(crate) const PREAMBLE_WORDS: usize = 2;

pub(crate) const INFO: u64 = 1;
pub(crate) const CLOCK: u64 = 2;
pub(crate) const CALLSITE: u64 = 3;
pub(crate) const THREAD: u64 = 4;
pub(crate) const RECORD: u64 = 5;

/// The longest entry a reader accepts, in payload words (8 MiB): records are at most a
/// segment (512 KiB), metadata entries a few hundred bytes.
pub(crate) const MAX_ENTRY_WORDS: usize = 1 << 20;

/// File names end in this (`NAME.000001.ttj`).
pub const EXTENSION: &str = "ttj";

/// The head word of an entry of `kind` with `len` payload words.
#[inline(always)]
pub(crate) const fn head(kind: u64, len: usize) -> u64 {
    kind | (len as u64) << 8
}

/// Appends an entry.
pub(crate) fn push_entry(out: &mut Vec<u64>, kind: u64, payload: &[u64]) {
    out.push(head(kind, payload.len()));
    out.extend_from_slice(payload);
}

/// Appends the words a file starts with: magic, version, INFO and CLOCK.
pub(crate) fn push_preamble(
    out: &mut Vec<u64>,
    pid: u32,
    start_nanos: u64,
    span_capacity: usize,
    service: &str,
    conv: &Converter,
) {
    out.extend_from_slice(&[MAGIC, VERSION]);
    let mut info = vec![u64::from(pid), start_nanos, span_capacity as u64];
    push_text(&mut info, service);
    push_entry(out, INFO, &info);
    push_clock(out, conv);
}

/// Appends a CLOCK entry for `conv`.
pub(crate) fn push_clock(out: &mut Vec<u64>, conv: &Converter) {
    let (ticks, nanos, rate) = conv.parts();
    push_entry(out, CLOCK, &[ticks, nanos, rate.map_or(0, f64::to_bits)]);
}

/// The name of file `seq` of journal `name`: `NAME.000001.ttj` (names sort by number).
pub(crate) fn file_name(name: &str, seq: u64) -> String {
    format!("{name}.{seq:06}.{EXTENSION}")
}

/// The sequence number in a journal file name of `name`, if it is one.
pub(crate) fn file_seq(name: &str, file: &str) -> Option<u64> {
    let rest = file.strip_prefix(name)?.strip_prefix('.')?;
    let digits = rest.strip_suffix(EXTENSION)?.strip_suffix('.')?;
    if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(file_name("api", 7), "api.000007.ttj");
        assert_eq!(file_seq("api", "api.000007.ttj"), Some(7));
        assert_eq!(file_seq("api", "api.1234567.ttj"), Some(1234567));
        assert_eq!(file_seq("api", "api.7.ttj"), None);
        assert_eq!(file_seq("api", "api2.000007.ttj"), None);
        assert_eq!(file_seq("api", "api.000007.ttj.tmp"), None);
    }
}
