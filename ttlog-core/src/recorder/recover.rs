//! Recovery: a recorder file left by a process that died turned into an ordinary snapshot
//! (reason `recovered`), readable by `ttlog show` and [`snapshot::read`](crate::snapshot::read).
//!
//! The file is read as plain words (never mapped, never trusted): every length, offset and
//! count is checked against the file before it is used, a segment is read only up to its
//! published tail, a record that does not decode ends its segment, and the file's size is
//! checked against the sizes its header gives before anything is allocated for it. A file
//! that is not a recorder file, or is locked by a live process, is an error.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::layout::*;
use crate::callsite::intern::{intern, CallsiteKey};
use crate::callsite::site::Callsite;
use crate::clock::Converter;
use crate::collector::fanout::ThreadNames;
use crate::collector::{rebuild, write_with_clock, Settings};
use crate::event::{LogEvent, Values};
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::redact::{Redaction, Redactor};
use crate::ring::codec;
use crate::ring::pool::Record;
use crate::ring::pool::{
    keep_newest, COUNTED, HEADER_WORDS as SEGMENT_HEADER, LEN_MASK, MAX_SEGMENT_WORDS, META_SHIFT,
    MIN_SEGMENT_WORDS,
};
use crate::ring::shared::Windows;
use crate::snapshot::{open_regular, read_full, OpenError};

/// The largest recorder file recovered, in bytes (16 GiB): a larger file is refused before
/// anything is read from it.
///
/// A recorder file is a 4 KiB header, the metadata log (1 MiB) and the pool's segments, which
/// hold the memory [budget](https://docs.rs/ttlog/latest/ttlog/struct.Builder.html#method.budget)
/// (64 MiB by default): about 65 MiB as configured by default, so the cap leaves room for
/// budgets 250 times the default. Within the cap, a file is read only after its header
/// (the first 4 KiB) has been checked, and only as far as the header says its segments go.
///
/// ```
/// assert_eq!(ttlog_core::recorder::MAX_RECORDER_FILE, 16 << 30);
/// ```
pub const MAX_RECORDER_FILE: u64 = 16 << 30;

/// What a recovery made.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// The snapshot written.
    pub snapshot: PathBuf,
    /// The events in it.
    pub events: usize,
    /// The process the file belonged to.
    pub pid: u32,
    /// How the file ended, in words (also the snapshot's last event).
    pub ending: String,
}

/// Why a file could not be recovered.
#[derive(Debug)]
pub struct RecoverError {
    path: PathBuf,
    kind: RecoverErrorKind,
}

#[derive(Debug)]
enum RecoverErrorKind {
    Io(io::Error),
    Live,
    Invalid(String),
    Write(crate::snapshot::WriteError),
}

impl RecoverError {
    fn invalid(path: &Path, why: impl Into<String>) -> RecoverError {
        RecoverError {
            path: path.to_owned(),
            kind: RecoverErrorKind::Invalid(why.into()),
        }
    }

    /// Whether the file belongs to a process that is still running (it is left alone).
    pub fn is_live(&self) -> bool {
        matches!(self.kind, RecoverErrorKind::Live)
    }
}

impl fmt::Display for RecoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            RecoverErrorKind::Io(e) => write!(f, "cannot read recorder file {path}: {e}"),
            RecoverErrorKind::Live => {
                write!(f, "{path} belongs to a running process; left alone")
            }
            RecoverErrorKind::Invalid(why) => write!(f, "{path} is not a recorder file: {why}"),
            RecoverErrorKind::Write(e) => write!(f, "cannot write the snapshot of {path}: {e}"),
        }
    }
}

impl std::error::Error for RecoverError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            RecoverErrorKind::Io(e) => Some(e),
            RecoverErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}

/// The recorder files (`*.rec`) in `dir`, oldest name first.
///
/// ```
/// let none = ttlog_core::recorder::recorder_files("no-such-directory".as_ref());
/// assert!(none.is_empty());
/// ```
pub fn recorder_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rec"))
        .collect();
    files.sort();
    files
}

/// Removes the recorder files and snapshots in `dir` that a process died making
/// (`.*.rec.tmp`, `.ttlog-*.snap.*.tmp`, regular files: made and locked under that name,
/// renamed once whole), leaving those still being made (locked).
/// Returns how many were removed.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("ttlog-doc-unfinished-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join(".api-7-1.rec.tmp"), b"").unwrap();
/// std::fs::write(dir.join(".ttlog-api-20261202T000000Z-7-0-panic.snap.00ff.tmp"), b"").unwrap();
/// std::fs::write(dir.join(".notes.tmp"), b"").unwrap(); // not ours: kept
/// // A snapshot still being written is locked by its writer, and kept.
/// let live = dir.join(".ttlog-api-20261202T000000Z-8-0-panic.snap.0a0a.tmp");
/// let held = std::fs::File::create(&live).unwrap();
/// held.lock().unwrap();
/// assert_eq!(ttlog_core::recorder::remove_unfinished(&dir), 2);
/// assert!(live.exists() && dir.join(".notes.tmp").exists());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn remove_unfinished(dir: &Path) -> usize {
    let unfinished = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with('.')
                    && (n.ends_with(".rec.tmp")
                        || (n.starts_with(".ttlog-")
                            && n.contains(".snap.")
                            && n.ends_with(".tmp")))
            })
        });
    let mut removed = 0;
    for path in unfinished {
        // Only regular files (a link is no recorder file of ours, whatever its name).
        let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        let dead = regular && File::open(&path).is_ok_and(|f| f.try_lock().is_ok());
        if dead && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Recovers the recorder file at `path` into a snapshot in `out_dir` (redacted with
/// `redaction`, the default rules when `None`), then deletes the file.
///
/// # Errors
///
/// When the file cannot be read, belongs to a live process, is not a recorder file, or the
/// snapshot cannot be written. The file is kept in every case but success.
///
/// ```no_run
/// let done = ttlog_core::recorder::recover("ttlog-snapshots/api-4242-1.rec".as_ref(), "ttlog-snapshots".as_ref(), None)?;
/// println!("{} events in {}", done.events, done.snapshot.display());
/// # Ok::<(), ttlog_core::recorder::RecoverError>(())
/// ```
pub fn recover(
    path: &Path,
    out_dir: &Path,
    redaction: Option<Redactor>,
) -> Result<Recovered, RecoverError> {
    let io_err = |e| RecoverError {
        path: path.to_owned(),
        kind: RecoverErrorKind::Io(e),
    };
    // Without blocking (a FIFO), and only a regular file (not a device or a directory).
    let (mut file, len) = open_regular(path).map_err(|e| match e {
        OpenError::Io(e) => io_err(e),
        OpenError::NotAFile(what) => {
            RecoverError::invalid(path, format!("{what}, not a regular file"))
        }
    })?;
    // Exclusive: the writer holds it while it lives, and two recoveries of one file (two
    // processes starting in the same directory) must not both write a snapshot of it.
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(RecoverError {
                path: path.to_owned(),
                kind: RecoverErrorKind::Live,
            })
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
    }
    check_size(len).map_err(|why| RecoverError::invalid(path, why))?;
    // The header first: a file without the magic number, or whose header claims more than the
    // file holds, is refused before the rest is read. Then straight into words, a chunk at a
    // time, up to the end the header gives (no copy of the whole file as bytes).
    let mut words: Vec<u64> = Vec::with_capacity(HEADER_WORDS);
    let mut chunk = vec![0u8; 1 << 16];
    let mut end = HEADER_WORDS;
    while words.len() < end {
        let want = ((end - words.len()) * 8).min(chunk.len());
        let n = read_full(&mut file, &mut chunk[..want]).map_err(io_err)?;
        words.extend(
            chunk[..n - n % 8]
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
        );
        if n < want {
            break;
        }
        if end == HEADER_WORDS && words.len() == HEADER_WORDS {
            let layout =
                Layout::of(&words, len / 8).map_err(|why| RecoverError::invalid(path, why))?;
            end = layout.end;
            words.reserve_exact(end - words.len());
        }
    }
    let parsed = parse(&words).map_err(|why| RecoverError::invalid(path, why))?;
    drop(words);
    let done = write_snapshot(&parsed, path, out_dir, redaction).map_err(|e| RecoverError {
        path: path.to_owned(),
        kind: RecoverErrorKind::Write(e),
    })?;
    drop(file);
    let _ = fs::remove_file(path);
    Ok(done)
}

/// A recorder file's contents, read and checked by [`read`].
pub struct Recording(Parsed);

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording")
            .field("pid", &self.0.pid)
            .field("service", &self.0.service)
            .field("threads", &self.0.logs.len())
            .field("records", &self.records())
            .finish()
    }
}

impl Recording {
    /// The process that wrote it.
    pub fn pid(&self) -> u32 {
        self.0.pid
    }

    /// Its service name.
    pub fn service(&self) -> &str {
        &self.0.service
    }

    /// How many threads logged into it.
    pub fn threads(&self) -> usize {
        self.0.logs.len()
    }

    /// How many whole records it holds (events and span operations).
    pub fn records(&self) -> usize {
        self.0.logs.iter().map(Vec::len).sum()
    }
}

/// Why bytes are not a recorder file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotARecorder(String);

impl fmt::Display for NotARecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotARecorder {}

/// Reads a recorder file's bytes: everything checked against the bytes before use, nothing
/// allocated beyond their size.
///
/// # Errors
///
/// When the bytes are not a recorder file (no magic number, another version, sizes that do
/// not match the bytes).
///
/// ```
/// let err = ttlog_core::recorder::read(b"not a recorder file").unwrap_err();
/// assert!(err.to_string().contains("size"));
/// ```
pub fn read(bytes: &[u8]) -> Result<Recording, NotARecorder> {
    check_size(bytes.len() as u64).map_err(NotARecorder)?;
    let words: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    parse(&words).map(Recording).map_err(NotARecorder)
}

/// Whether `len` bytes can be a recorder file (above the cap, a header's claims are not
/// believed): whole words, a header at least.
fn check_size(len: u64) -> Result<(), String> {
    if len > MAX_RECORDER_FILE {
        Err(format!("{len} bytes is too large"))
    } else if !len.is_multiple_of(8) || len < (HEADER_WORDS as u64) * 8 {
        Err(format!("{len} bytes is not a recorder's size"))
    } else {
        Ok(())
    }
}

/// Where a recorder file's parts are, as its header gives them, checked against each other
/// and against the file's size in words.
struct Layout {
    segment_words: usize,
    segments: usize,
    meta_offset: usize,
    meta_words: usize,
    segments_offset: usize,
    /// The word after the last segment.
    end: usize,
}

impl Layout {
    fn of(words: &[u64], file_words: u64) -> Result<Layout, String> {
        if header(words, H_MAGIC) != MAGIC {
            return Err("no recorder magic number".into());
        }
        let version = header(words, H_VERSION);
        if version != VERSION {
            return Err(format!("version {version}, expected {VERSION}"));
        }
        let size = |at: usize| usize::try_from(header(words, at)).map_err(|_| "size overflows");
        let segment_words = size(H_SEGMENT_WORDS)?;
        let segments = size(H_SEGMENTS)?;
        let meta_offset = size(H_META_OFFSET)?;
        let meta_words = size(H_META_WORDS)?;
        let segments_offset = size(H_SEGMENTS_OFFSET)?;
        if !segment_words.is_power_of_two()
            || !(MIN_SEGMENT_WORDS..=MAX_SEGMENT_WORDS).contains(&segment_words)
        {
            return Err(format!("segment size {segment_words} words"));
        }
        meta_offset
            .checked_add(meta_words)
            .filter(|&end| meta_offset >= HEADER_WORDS && end <= segments_offset)
            .ok_or("metadata area out of bounds")?;
        let end = segments
            .checked_mul(segment_words)
            .and_then(|n| n.checked_add(segments_offset))
            .filter(|&end| end as u64 <= file_words)
            .ok_or("segments beyond the end of the file")?;
        Ok(Layout {
            segment_words,
            segments,
            meta_offset,
            meta_words,
            segments_offset,
            end,
        })
    }
}

/// A recorder file, read and checked.
struct Parsed {
    pid: u32,
    state: u64,
    service: String,
    capacity: usize,
    conv: Converter,
    /// Callsites by the address records give, as the file describes them (interned only
    /// when a record uses one: the intern table is bounded and process-wide).
    callsites: HashMap<u64, MetaCallsite>,
    threads: HashMap<u32, Arc<str>>,
    /// Each log's records, oldest first.
    logs: Vec<Vec<Record>>,
    torn: usize,
}

fn header(words: &[u64], at: usize) -> u64 {
    words.get(at).copied().unwrap_or(0)
}

fn parse(words: &[u64]) -> Result<Parsed, String> {
    let Layout {
        segment_words,
        segments,
        meta_offset,
        meta_words,
        segments_offset,
        end,
    } = Layout::of(words, words.len() as u64)?;
    let size = |at: usize| usize::try_from(header(words, at)).map_err(|_| "size overflows");
    let service_len = size(H_SERVICE_LEN)?.min(MAX_SERVICE);
    let mut service = Vec::with_capacity(service_len);
    for w in &words[H_SERVICE..H_SERVICE + MAX_SERVICE.div_ceil(8)] {
        service.extend_from_slice(&w.to_le_bytes());
    }
    service.truncate(service_len);
    let rate = f64::from_bits(header(words, H_NS_PER_TICK));
    let conv = Converter::from_parts(
        header(words, H_ANCHOR_TICKS),
        header(words, H_ANCHOR_NANOS),
        (rate != 0.0).then_some(rate),
    );
    let meta_tail = size(H_META_TAIL)?.min(meta_words);
    let (callsites, threads) = parse_meta(&words[meta_offset..meta_offset + meta_tail]);
    let capacity = size(H_CAPACITY)?.clamp(1, 1 << 24);
    let (logs, torn) = parse_segments(
        &words[segments_offset..end],
        segment_words,
        segments,
        capacity,
    );
    debug_assert!(meta_offset + meta_words <= segments_offset);
    Ok(Parsed {
        pid: u32::try_from(header(words, H_PID)).unwrap_or(0),
        state: header(words, H_STATE),
        service: String::from_utf8_lossy(&service).into_owned(),
        capacity,
        conv,
        callsites,
        threads,
        logs,
        torn,
    })
}

/// The callsites (by the address their records give) and thread names of a metadata log;
/// an entry that does not parse ends it.
fn parse_meta(words: &[u64]) -> (HashMap<u64, MetaCallsite>, HashMap<u32, Arc<str>>) {
    let mut callsites = HashMap::new();
    let mut threads = HashMap::new();
    let mut at = 0;
    while let Some(&head) = words.get(at) {
        let len = (head >> 8) as usize;
        let Some(entry) = words.get(at + 1..(at + 1).saturating_add(len)) else {
            break;
        };
        at += 1 + len;
        match head & 0xff {
            ENTRY_CALLSITE => {
                if let Some((addr, cs)) = parse_callsite(entry) {
                    callsites.insert(addr, cs);
                }
            }
            ENTRY_THREAD => {
                let mut i = 1;
                if let (Some(&index), Some(name)) = (entry.first(), read_text(entry, &mut i)) {
                    threads.insert(index as u32, Arc::from(name));
                }
            }
            _ => break,
        }
    }
    (callsites, threads)
}

/// Every log's records from the segments, oldest first, and how many segments ended in a
/// record that did not decode.
fn parse_segments(
    words: &[u64],
    segment_words: usize,
    segments: usize,
    capacity: usize,
) -> (Vec<Vec<Record>>, usize) {
    // (log, seq, slot) of every segment in use and not being initialised.
    let mut used: Vec<(u64, u64, usize)> = Vec::new();
    for slot in 0..segments {
        let seg = &words[slot * segment_words..(slot + 1) * segment_words];
        let (gen, log, seq) = (seg[0], seg[1], seg[2]);
        if gen == 0 || gen & 1 == 1 || log == 0 {
            continue;
        }
        used.push((log, seq, slot));
    }
    used.sort_unstable();
    let mut logs: Vec<Vec<Record>> = Vec::new();
    let mut torn = 0;
    // Each log newest segment first, keeping segments only until they hold `capacity` events:
    // what is read stays within the recorder's window, not the file's size in records.
    for group in used.chunk_by(|a, b| a.0 == b.0) {
        let mut kept: Vec<Vec<Record>> = Vec::new();
        let mut counted = 0;
        for &(_, _, slot) in group.iter().rev() {
            if counted >= capacity {
                break;
            }
            let seg = &words[slot * segment_words..(slot + 1) * segment_words];
            let tail = usize::try_from(seg[4]).unwrap_or(0).min(segment_words);
            let mut records = Vec::new();
            let mut pos = SEGMENT_HEADER;
            while pos < tail {
                let header = seg[pos];
                let len = (header & LEN_MASK) as usize;
                if len == 0 || pos + len > tail {
                    torn += 1;
                    break;
                }
                let record = Record {
                    meta: header >> META_SHIFT,
                    counted: header & COUNTED != 0,
                    payload: seg[pos + 1..pos + len].to_vec(),
                };
                counted += record.counted as usize;
                records.push(record);
                pos += len;
            }
            kept.push(records);
        }
        // The newest `capacity` events, and every span operation, as a live process's window
        // keeps them.
        let mut records: Vec<Record> = kept.into_iter().rev().flatten().collect();
        keep_newest(&mut records, capacity);
        logs.push(records);
    }
    (logs, torn)
}

fn write_snapshot(
    parsed: &Parsed,
    path: &Path,
    out_dir: &Path,
    redaction: Option<Redactor>,
) -> Result<Recovered, crate::snapshot::WriteError> {
    let interned: std::cell::RefCell<HashMap<u64, Option<&'static Callsite>>> = Default::default();
    let resolve = |word: u64, count: usize| {
        let cs = *interned
            .borrow_mut()
            .entry(word)
            .or_insert_with(|| parsed.callsites.get(&word).and_then(MetaCallsite::intern));
        cs.filter(|cs| cs.field_names().len() == count)
            .or_else(|| unknown_callsite(count))
    };
    let mut events = Vec::new();
    let mut span_ops = Vec::new();
    let mut undecoded = 0usize;
    for records in &parsed.logs {
        for record in records {
            let count = codec::value_count(record);
            if codec::kind(record.meta) == codec::Kind::Event {
                match codec::read_event_with(record, |w| resolve(w, count)) {
                    Some(e) => events.push(e),
                    None => undecoded += 1,
                }
            } else if let Some(op) = codec::read_span_with(record, |w| resolve(w, count)) {
                span_ops.push(op);
            }
        }
    }
    let mut redaction = Redaction::new(redaction.unwrap_or_default());
    let (mut events, table) = rebuild(
        Windows { events, span_ops },
        Some(&mut redaction),
        parsed.capacity,
    );
    let last = events.last().map_or(0, |e| e.raw_timestamp());
    let ending = format!(
        "recovered {} events of {} threads from {} (pid {}), which {}{}{}",
        events.len(),
        parsed.logs.len(),
        path.display(),
        parsed.pid,
        if parsed.state == STATE_CLOSED {
            "shut down but left its file"
        } else {
            "ended without shutting down"
        },
        if parsed.torn > 0 {
            format!(
                "; {} records half-written when it died were skipped",
                parsed.torn
            )
        } else {
            String::new()
        },
        if undecoded > 0 {
            format!("; {undecoded} records did not decode and were skipped")
        } else {
            String::new()
        },
    );
    let n = events.len();
    if let Some(cs) = ending_callsite() {
        let mut note = LogEvent::with_message(cs, FieldValue::from(ending.clone()), Values::new());
        note.set_raw_timestamp(last);
        events.push(note);
    }
    let settings = Settings {
        dir: out_dir.to_owned(),
        service: parsed.service.clone(),
        capacity: parsed.capacity,
        redaction: None,
        // The caller decides what to keep in `out_dir` (`init` applies its retention after
        // recovering every file).
        retention: None,
        rate: std::sync::Arc::new(crate::snapshot::rate::RateLimiter::new(
            crate::snapshot::SnapshotRate::UNLIMITED,
        )),
    };
    let mut names = ThreadNames::fixed(parsed.threads.clone());
    let snapshot = write_with_clock(
        &settings,
        "recovered",
        0,
        events.into_iter(),
        &table,
        &mut names,
        &parsed.conv,
        last,
    )?;
    Ok(Recovered {
        snapshot,
        events: n,
        pid: parsed.pid,
        ending,
    })
}

fn ending_callsite() -> Option<&'static Callsite> {
    intern(&CallsiteKey {
        level: Level::Warn,
        target: "ttlog::recover",
        module_path: "ttlog_core::recorder",
        file: file!(),
        line: line!(),
        message: "recovered",
        field_names: &[],
    })
}
