//! The recorder file's layout: a header, a metadata log, then the pool's segments, all
//! little-endian 64-bit words (see docs/snapshot-format.md, "Recorder files").
//!
//! ```text
//! words 0..512         header (4 KiB)
//! words 512..512+M     metadata log: callsites and thread names, appended as they appear
//! then                 segments: the threads' logs (see crate::ring)
//! ```

use crate::callsite::intern::{intern, CallsiteKey};
use crate::callsite::site::Callsite;
use crate::level::Level;

/// `TTLOGREC`, little-endian.
pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"TTLOGREC");
pub(crate) const VERSION: u64 = 1;

pub(crate) const HEADER_WORDS: usize = 512;

// Header words.
pub(crate) const H_MAGIC: usize = 0;
pub(crate) const H_VERSION: usize = 1;
pub(crate) const H_PID: usize = 2;
pub(crate) const H_START_NANOS: usize = 3;
pub(crate) const H_SEGMENT_WORDS: usize = 4;
pub(crate) const H_SEGMENTS: usize = 5;
pub(crate) const H_META_OFFSET: usize = 6;
pub(crate) const H_META_WORDS: usize = 7;
/// Words of the metadata log in use, published with Release after each entry.
pub(crate) const H_META_TAIL: usize = 8;
pub(crate) const H_STATE: usize = 9;
pub(crate) const H_ANCHOR_TICKS: usize = 10;
pub(crate) const H_ANCHOR_NANOS: usize = 11;
/// Nanoseconds per clock tick as `f64` bits; `0`: ticks are nanoseconds.
pub(crate) const H_NS_PER_TICK: usize = 12;
pub(crate) const H_CAPACITY: usize = 13;
pub(crate) const H_SEGMENTS_OFFSET: usize = 14;
pub(crate) const H_SERVICE_LEN: usize = 15;
pub(crate) const H_SERVICE: usize = 16;
/// The longest service name kept, in bytes.
pub(crate) const MAX_SERVICE: usize = 256;

pub(crate) const STATE_LIVE: u64 = 1;
pub(crate) const STATE_CLOSED: u64 = 2;

/// The default size of the metadata log, in words (1 MiB: thousands of callsites).
pub(crate) const DEFAULT_META_WORDS: usize = 128 * 1024;

// Metadata entries: a head word `kind | payload words << 8`, then the payload.
pub(crate) const ENTRY_CALLSITE: u64 = 1;
pub(crate) const ENTRY_THREAD: u64 = 2;

/// Text as a length word and its bytes, padded to whole words.
pub(crate) fn text_words(s: &str) -> usize {
    1 + s.len().div_ceil(8)
}

/// Appends `s` as [`text_words`] words.
pub(crate) fn push_text(out: &mut Vec<u64>, s: &str) {
    out.push(s.len() as u64);
    for chunk in s.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        out.push(u64::from_le_bytes(word));
    }
}

/// Reads text written by [`push_text`] at `*at`, moving past it; `None` when the words are
/// not text (too long for what is left, or not UTF-8).
pub(crate) fn read_text(words: &[u64], at: &mut usize) -> Option<String> {
    let len = usize::try_from(*words.get(*at)?).ok()?;
    let n = len.div_ceil(8);
    let body = words.get(*at + 1..(*at + 1).checked_add(n)?)?;
    *at += 1 + n;
    let mut bytes = Vec::with_capacity(n * 8);
    for w in body {
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    bytes.truncate(len);
    String::from_utf8(bytes).ok()
}

/// The entry that describes `cs` (its address, level, line, target, module, file, message
/// and field names), with `message` in place of its own (a journal stores the literal
/// redacted).
pub(crate) fn callsite_entry(cs: &'static Callsite, message: &str) -> Vec<u64> {
    let addr = cs as *const Callsite as usize;
    let mut entry = vec![addr as u64, cs.level() as u64, u64::from(cs.line())];
    for s in [cs.target(), cs.module_path(), cs.file(), message] {
        push_text(&mut entry, s);
    }
    entry.push(cs.field_names().len() as u64);
    for name in cs.field_names() {
        push_text(&mut entry, name);
    }
    entry
}

/// A callsite as a recorder file describes it.
pub(crate) struct MetaCallsite {
    level: Level,
    line: u32,
    /// Target, module path, file, message.
    texts: [String; 4],
    names: Vec<String>,
}

impl MetaCallsite {
    /// The callsite this describes: a trace context's own (whose spans the span table reads
    /// trace ids from) when it describes that one, else an interned one.
    pub(crate) fn intern(&self) -> Option<&'static Callsite> {
        let trace = &crate::trace_context::root::TRACE_CALLSITE;
        if self.level == trace.level()
            && self.texts[0] == trace.target()
            && self.texts[3] == trace.message()
            && self
                .names
                .iter()
                .map(String::as_str)
                .eq(trace.field_names().iter().copied())
        {
            return Some(trace);
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        intern(&CallsiteKey {
            level: self.level,
            target: &self.texts[0],
            module_path: &self.texts[1],
            file: &self.texts[2],
            line: self.line,
            message: &self.texts[3],
            field_names: &names,
        })
    }
}

pub(crate) fn parse_callsite(entry: &[u64]) -> Option<(u64, MetaCallsite)> {
    let (&addr, &level, &line) = match entry {
        [a, l, n, ..] => (a, l, n),
        _ => return None,
    };
    let level = *Level::ALL.iter().find(|l| **l as u64 == level)?;
    let mut at = 3;
    let mut text = || read_text(entry, &mut at);
    let texts = [text()?, text()?, text()?, text()?];
    let count = usize::try_from(*entry.get(at)?).ok()?;
    at += 1;
    if count > crate::callsite::intern::MAX_INTERNED_FIELDS {
        return None;
    }
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        names.push(read_text(entry, &mut at)?);
    }
    let line = u32::try_from(line).ok()?;
    Some((
        addr,
        MetaCallsite {
            level,
            line,
            texts,
            names,
        },
    ))
}

/// A callsite for events whose own was not written down (an unknown callsite): its fields are
/// named by position.
pub(crate) fn unknown_callsite(count: usize) -> Option<&'static Callsite> {
    if count > crate::callsite::intern::MAX_INTERNED_FIELDS {
        return None;
    }
    let names: Vec<String> = (0..count).map(|i| format!("field{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    intern(&CallsiteKey {
        level: Level::Info,
        target: "ttlog::recover",
        module_path: "",
        file: "",
        line: 0,
        message: "(an event whose callsite the recorder file does not name)",
        field_names: &names,
    })
}
