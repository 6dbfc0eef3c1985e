//! Creating a recorder file: `<snapshot dir>/<service>-<pid>-<start>.rec`, mode 0600, locked
//! while the process lives (so a recovery never touches a live process's file), sized for the
//! budget (sparse: pages are only allocated as they are written), mapped shared, with its
//! header written. Deleted on clean shutdown, so only a process that died leaves one.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::layout::*;
use super::meta::MetaLog;
use crate::ring::pool::Pool;
use crate::ring::words::Words;
use crate::sync::atomic::Ordering;

/// A live recorder file: the pool in it, its metadata log, and the lock that says it is live.
#[derive(Debug)]
pub struct RecorderFile {
    path: PathBuf,
    /// The process that made it: only it removes it (a forked child that shuts down must
    /// not remove its parent's file).
    pid: u32,
    /// Held (and locked) for the life of the process.
    file: File,
    words: Arc<Words>,
    meta: Arc<MetaLog>,
    segments_offset: usize,
    segments: usize,
    segment_words: usize,
}

impl RecorderFile {
    /// Creates the recorder file for `service` in `dir`, with `segments` segments of
    /// `segment_words` words, and a recorder capacity of `capacity` events per thread.
    ///
    /// # Errors
    ///
    /// When the directory or the file cannot be created, sized, locked or mapped.
    pub fn create(
        dir: &Path,
        service: &str,
        segments: usize,
        segment_words: usize,
        capacity: usize,
    ) -> io::Result<RecorderFile> {
        fs::create_dir_all(dir)?;
        let start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let pid = std::process::id();
        let path = dir.join(format!("{}-{pid}-{start}.rec", file_safe(service)));
        // Made under a temporary name, locked, sized and given its header, then renamed: a
        // recovery never sees a `.rec` that is not locked or has no header yet.
        // The temporary name ends in a random part and is created exclusively, mode 0600: a
        // file or link planted at a name it could have had is never opened, and never
        // removed (only the file made here is).
        let stem = format!("{}-{pid}-{start}", file_safe(service));
        let (file, tmp) = crate::snapshot::temp::create(dir, &stem, ".rec.tmp", true)?;
        let made = Self::prepare(
            &file,
            &tmp,
            service,
            pid,
            start,
            segments,
            segment_words,
            capacity,
        )
        .and_then(|made| fs::rename(&tmp, &path).map(|()| made));
        if made.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        made.map(|(words, meta_offset)| {
            let meta = MetaLog::new(words.clone(), meta_offset);
            RecorderFile {
                path,
                pid,
                file,
                words,
                meta,
                segments_offset: HEADER_WORDS + DEFAULT_META_WORDS,
                segments,
                segment_words,
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn prepare(
        file: &File,
        path: &Path,
        service: &str,
        pid: u32,
        start: u64,
        segments: usize,
        segment_words: usize,
        capacity: usize,
    ) -> io::Result<(Arc<Words>, usize)> {
        file.try_lock()
            .map_err(|e| io::Error::other(format!("cannot lock {}: {e}", path.display())))?;
        let total = segments
            .checked_mul(segment_words)
            .and_then(|n| n.checked_add(HEADER_WORDS + DEFAULT_META_WORDS))
            .ok_or_else(|| io::Error::other("recorder size overflows"))?;
        file.set_len(total as u64 * 8)?;
        let words = Arc::new(map(file)?);
        let conv = crate::clock::converter();
        let (anchor_ticks, anchor_nanos, ns_per_tick) = conv.parts();
        let header = [
            (H_VERSION, VERSION),
            (H_PID, u64::from(pid)),
            (H_START_NANOS, start),
            (H_SEGMENT_WORDS, segment_words as u64),
            (H_SEGMENTS, segments as u64),
            (H_META_OFFSET, HEADER_WORDS as u64),
            (H_META_WORDS, DEFAULT_META_WORDS as u64),
            (H_META_TAIL, 0),
            (H_STATE, STATE_LIVE),
            (H_ANCHOR_TICKS, anchor_ticks),
            (H_ANCHOR_NANOS, anchor_nanos),
            (H_NS_PER_TICK, ns_per_tick.map_or(0, f64::to_bits)),
            (H_CAPACITY, capacity as u64),
            (
                H_SEGMENTS_OFFSET,
                (HEADER_WORDS + DEFAULT_META_WORDS) as u64,
            ),
        ];
        for (at, value) in header {
            words[at].store(value, Ordering::Relaxed);
        }
        let mut name = service.as_bytes();
        if name.len() > MAX_SERVICE {
            name = &name[..MAX_SERVICE];
        }
        words[H_SERVICE_LEN].store(name.len() as u64, Ordering::Relaxed);
        for (i, chunk) in name.chunks(8).enumerate() {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            words[H_SERVICE + i].store(u64::from_le_bytes(word), Ordering::Relaxed);
        }
        // The magic last: a file without it was never a recorder (died while being made).
        words[H_MAGIC].store(MAGIC, Ordering::Release);
        Ok((words, HEADER_WORDS))
    }

    /// The pool of segments inside the file.
    pub fn pool(&self) -> Pool {
        Pool::in_words(
            self.words.clone(),
            self.segments_offset,
            self.segments,
            self.segment_words,
        )
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's metadata log.
    pub(crate) fn meta(&self) -> &Arc<MetaLog> {
        &self.meta
    }

    /// Updates the clock conversion in the header (the tick rate is measured better as the
    /// process runs).
    pub(crate) fn update_clock(&self) {
        let (ticks, nanos, rate) = crate::clock::converter().parts();
        self.words[H_ANCHOR_TICKS].store(ticks, Ordering::Relaxed);
        self.words[H_ANCHOR_NANOS].store(nanos, Ordering::Relaxed);
        self.words[H_NS_PER_TICK].store(rate.map_or(0, f64::to_bits), Ordering::Relaxed);
    }

    /// The process is shutting down cleanly: the file is not needed after it. (In a forked
    /// child, which shares its parent's file, this only lets go of it.)
    pub fn close(self) {
        self.meta.retire();
        if std::process::id() == self.pid {
            self.words[H_STATE].store(STATE_CLOSED, Ordering::Release);
            let _ = fs::remove_file(&self.path);
        }
        drop(self.file);
    }
}

/// The service name as a file-name part: letters, digits, `-`, `_` and `.` kept, the rest
/// `_`.
fn file_safe(service: &str) -> String {
    let s: String = service
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "ttlog".to_owned()
    } else {
        s
    }
}

#[cfg(all(unix, not(ttlog_loom), not(miri)))]
fn map(file: &File) -> io::Result<Words> {
    Words::map(file)
}

#[cfg(not(all(unix, not(ttlog_loom), not(miri))))]
fn map(_file: &File) -> io::Result<Words> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "memory-mapped recorder files need a unix system",
    ))
}
