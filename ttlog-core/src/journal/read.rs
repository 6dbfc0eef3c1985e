//! [`JournalReader`]: a journal's files read in order, while they are being written too, each
//! event handed out as the [`Record`] a text sink formats (so `ttlog convert` writes what a
//! text sink writes), and [`read`] for the whole journal as a [`Snapshot`] (what `ttlog show`
//! prints).
//!
//! Events are replayed with their span operations through the collector's own span table, so
//! scopes, span fields and trace ids come out as they did live.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::decode::{Decoder, Info, Item};
use super::format::{file_seq, EXTENSION};
use crate::clock::Converter;
use crate::collector::fanout::record_of;
use crate::collector::spans::SpanTable;
use crate::record::Record;
use crate::snapshot::{Event, Header, Snapshot};

/// The most bytes read from a file at a time.
const CHUNK: usize = 1 << 20;

/// Why a journal could not be read, or could be read only up to some point.
#[derive(Debug)]
pub struct JournalError {
    path: PathBuf,
    /// Byte offset of the damage in the file.
    offset: u64,
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Io(io::Error),
    NoFiles,
    Damaged(String),
}

impl JournalError {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "cannot read {path}: {e}"),
            ErrorKind::NoFiles => write!(f, "no journal files (.{EXTENSION}) in {path}"),
            ErrorKind::Damaged(why) => {
                write!(f, "{path} is damaged at byte {}: {why}", self.offset)
            }
        }
    }
}

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Where a [`JournalReader`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// At the end of the last file, after a whole record.
    End,
    /// At a partially written record at the end of the last file (the writer is in the
    /// middle of it, or was killed): a follower waits for the rest.
    Partial {
        /// Where the record starts, in bytes from the start of the file.
        offset: u64,
    },
}

/// Reads a journal's files in order (see the [module docs](crate::journal)).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ttlog-doc-jreader-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("api.000001.ttj"), [&b"TTLOGJNL"[..], &1u64.to_le_bytes()].concat()).unwrap();
/// use ttlog_core::journal::{JournalReader, Status};
/// use ttlog_core::sink::{format_record, Format};
///
/// let mut reader = JournalReader::open(&dir)?;
/// let mut text = Vec::new();
/// let status = reader.read(&mut |record| format_record(Format::Json, record, &mut text))?;
/// assert_eq!(status, Status::End);
/// assert!(text.is_empty()); // no events in this one
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ttlog_core::journal::JournalError>(())
/// ```
pub struct JournalReader {
    /// The files known so far, in order.
    files: Vec<PathBuf>,
    /// Where later files of the journal appear: the directory and the journal's name.
    family: Option<(PathBuf, String)>,
    index: usize,
    file: Option<File>,
    /// Bytes of the current file decoded (whole entries).
    offset: u64,
    /// Bytes read from the current file and not decoded yet.
    pending: Vec<u8>,
    decoder: Decoder,
    /// The clock conversion of the records being read.
    conv: Converter,
    info: Option<Info>,
    table: SpanTable,
    notes: Vec<String>,
    events: u64,
}

impl fmt::Debug for JournalReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalReader")
            .field("files", &self.files)
            .field("index", &self.index)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// The journal files in `dir`, in order (by journal name, then number).
///
/// ```
/// assert!(ttlog_core::journal::journal_files("no-such-directory".as_ref()).is_empty());
/// ```
pub fn journal_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(String, u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_str()?.to_owned();
            let (name, seq) = split_name(&file)?;
            Some((name, seq, e.path()))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, _, p)| p).collect()
}

/// A journal file name's journal name and number.
fn split_name(file: &str) -> Option<(String, u64)> {
    let stem = file.strip_suffix(EXTENSION)?.strip_suffix('.')?;
    let (name, _) = stem.rsplit_once('.')?;
    Some((name.to_owned(), file_seq(name, file)?))
}

impl JournalReader {
    /// A reader of the journal at `path`: a journal file (and the files that follow it), or
    /// a directory (all its journal files, in order).
    ///
    /// # Errors
    ///
    /// When `path` cannot be read, or is a directory without journal files.
    pub fn open(path: &Path) -> Result<JournalReader, JournalError> {
        let meta = std::fs::metadata(path).map_err(|e| error(path, 0, ErrorKind::Io(e)))?;
        let (files, family) = if meta.is_dir() {
            let files = journal_files(path);
            let family = files
                .last()
                .and_then(|f| split_name(f.file_name()?.to_str()?))
                .map(|(name, _)| (path.to_owned(), name));
            (files, family)
        } else {
            let family = path
                .file_name()
                .and_then(|f| split_name(f.to_str()?))
                .map(|(name, _)| {
                    let dir = path.parent().unwrap_or(Path::new("."));
                    let dir = if dir.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        dir
                    };
                    (dir.to_owned(), name)
                });
            (vec![path.to_owned()], family)
        };
        if files.is_empty() {
            return Err(error(path, 0, ErrorKind::NoFiles));
        }
        Ok(JournalReader::new(files, family))
    }

    fn new(files: Vec<PathBuf>, family: Option<(PathBuf, String)>) -> JournalReader {
        JournalReader {
            files,
            family,
            index: 0,
            file: None,
            offset: 0,
            pending: Vec::new(),
            decoder: Decoder::new(),
            conv: Converter::from_parts(0, 0, None),
            info: None,
            table: SpanTable::new(1),
            notes: Vec::new(),
            events: 0,
        }
    }

    /// Starts at the newest file instead of the first (`ttlog tail`).
    pub fn skip_to_last_file(&mut self) {
        self.index = self.files.len() - 1;
    }

    /// Reads everything there is now, handing each event to `out` as a text sink would get
    /// it, moving on to the journal's next file when one has appeared.
    ///
    /// # Errors
    ///
    /// When a file cannot be read or is damaged; the events before the damage were handed
    /// out.
    pub fn read(&mut self, out: &mut dyn FnMut(&Record<'_>)) -> Result<Status, JournalError> {
        loop {
            self.read_file(out)?;
            // Look for the next file first: once it exists, this one is complete.
            if self.index + 1 >= self.files.len() {
                self.discover();
            }
            if self.index + 1 >= self.files.len() {
                return Ok(match self.pending.is_empty() {
                    true => Status::End,
                    false => Status::Partial {
                        offset: self.offset,
                    },
                });
            }
            self.read_file(out)?;
            if !self.pending.is_empty() {
                self.notes.push(format!(
                    "{} ends in a partially written record at byte {} ({} bytes); \
                     going on with the next file",
                    self.files[self.index].display(),
                    self.offset,
                    self.pending.len()
                ));
            }
            self.index += 1;
            self.file = None;
            self.offset = 0;
            self.pending.clear();
            self.decoder = Decoder::new();
        }
    }

    /// Reads the current file from where it was left to its end now.
    fn read_file(&mut self, out: &mut dyn FnMut(&Record<'_>)) -> Result<(), JournalError> {
        let path = self.files[self.index].clone();
        if self.file.is_none() {
            let file = crate::snapshot::open_regular(&path).map_err(|e| match e {
                crate::snapshot::OpenError::Io(e) => error(&path, 0, ErrorKind::Io(e)),
                crate::snapshot::OpenError::NotAFile(what) => error(
                    &path,
                    0,
                    ErrorKind::Damaged(format!("{what}, not a regular file")),
                ),
            })?;
            self.file = Some(file.0);
        }
        let mut chunk = vec![0u8; CHUNK];
        loop {
            let Some(file) = self.file.as_mut() else {
                return Ok(());
            };
            let n = match file.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(error(&path, self.offset, ErrorKind::Io(e))),
            };
            self.pending.extend_from_slice(&chunk[..n]);
            self.decode_pending(&path, out)?;
        }
    }

    /// Decodes the whole entries in `pending`.
    fn decode_pending(
        &mut self,
        path: &Path,
        out: &mut dyn FnMut(&Record<'_>),
    ) -> Result<(), JournalError> {
        let words: Vec<u64> = self
            .pending
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        let mut items = Vec::new();
        let result = self.decoder.decode(&words, &mut |item| items.push(item));
        let used = match &result {
            Ok(used) => *used,
            Err((at, _)) => *at,
        };
        for item in items {
            self.replay(item, out);
        }
        self.pending.drain(..used * 8);
        let at = self.offset + used as u64 * 8;
        self.offset = at;
        match result {
            Ok(_) => Ok(()),
            Err((_, why)) => Err(error(path, at, ErrorKind::Damaged(why))),
        }
    }

    fn replay(&mut self, item: Item, out: &mut dyn FnMut(&Record<'_>)) {
        match item {
            Item::Info(info) => {
                let same = self
                    .info
                    .as_ref()
                    .is_some_and(|i| (i.pid, i.start_nanos) == (info.pid, info.start_nanos));
                if !same {
                    // Another process's spans: start from nothing.
                    self.table = SpanTable::new(info.span_capacity);
                }
                self.info = Some(info);
            }
            Item::Clock(conv) => self.conv = conv,
            Item::Span(op) => self.table.apply(op),
            Item::Event(event) => {
                self.events += 1;
                let name = self
                    .decoder
                    .threads
                    .get(&event.thread_index())
                    .cloned()
                    .unwrap_or_else(|| crate::thread::UNNAMED.into());
                let record = record_of(&event, &name, &self.table, &self.conv);
                out(&record);
            }
        }
    }

    /// Adds the journal's files that appeared after the last one known.
    fn discover(&mut self) {
        let Some((dir, name)) = &self.family else {
            return;
        };
        let last = self.files.last().and_then(|f| {
            let (_, seq) = split_name(f.file_name()?.to_str()?)?;
            Some(seq)
        });
        let mut later: Vec<(u64, PathBuf)> = journal_files(dir)
            .into_iter()
            .filter_map(|p| {
                let (n, seq) = split_name(p.file_name()?.to_str()?)?;
                (n == *name && last.is_none_or(|l| seq > l)).then_some((seq, p))
            })
            .collect();
        later.sort();
        self.files.extend(later.into_iter().map(|(_, p)| p));
    }

    /// What the reader noticed and went past (a file that ends in a partial record before the
    /// next one starts), taken.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Events read so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The spans known now (live ones and the most recently closed), as a snapshot holds them.
    pub fn spans(&self) -> Vec<crate::snapshot::Span> {
        let now = self
            .table
            .sorted()
            .iter()
            .map(|s| s.end.unwrap_or(s.start))
            .max()
            .unwrap_or(0);
        self.table
            .sorted()
            .iter()
            .map(|s| {
                let name = self
                    .decoder
                    .threads
                    .get(&s.thread)
                    .map_or(crate::thread::UNNAMED, |n| &**n);
                crate::collector::span_of(s, name, now, &self.conv)
            })
            .collect()
    }

    /// A snapshot header describing the journal: its service and process (from the last
    /// file read), reason `journal`.
    pub fn header(&self) -> Header {
        let mut header = Header::new(
            self.info.as_ref().map_or("", |i| i.service.as_str()),
            "journal",
        );
        if let Some(info) = &self.info {
            header.pid = info.pid;
            header.created = UNIX_EPOCH + std::time::Duration::from_nanos(info.start_nanos);
        } else {
            header.created = SystemTime::UNIX_EPOCH;
        }
        header.hostname = String::new();
        header
    }
}

fn error(path: &Path, offset: u64, kind: ErrorKind) -> JournalError {
    JournalError {
        path: path.to_owned(),
        offset,
        kind,
    }
}

/// Reads one journal file's bytes (as [`JournalReader::read`] reads a file), handing each
/// event to `out`: the in-memory reader the fuzz target drives.
///
/// # Errors
///
/// When the bytes are not a journal or are damaged; the events before the damage were handed
/// out.
///
/// ```
/// use ttlog_core::journal::{decode, Status};
/// let mut bytes = b"TTLOGJNL".to_vec();
/// bytes.extend_from_slice(&1u64.to_le_bytes());
/// assert_eq!(decode(&bytes, &mut |_| {}).unwrap(), Status::End);
/// assert_eq!(decode(&bytes[..12], &mut |_| {}).unwrap(), Status::Partial { offset: 0 });
/// assert!(decode(b"not a journal", &mut |_| {}).is_err());
/// ```
pub fn decode(bytes: &[u8], out: &mut dyn FnMut(&Record<'_>)) -> Result<Status, JournalError> {
    let path = PathBuf::from("<bytes>");
    let mut reader = JournalReader::new(vec![path.clone()], None);
    reader.pending = bytes.to_vec();
    reader.decode_pending(&path, out)?;
    Ok(match reader.pending.is_empty() {
        true => Status::End,
        false => Status::Partial {
            offset: reader.offset,
        },
    })
}

/// A whole journal read by [`read`].
#[derive(Debug)]
pub struct Journal {
    /// Every event, and the spans known at the end, under a header naming the journal's
    /// service and process (reason `journal`).
    pub snapshot: Snapshot,
    /// Where reading stopped: [`Status::Partial`] when the last file ends in a partially
    /// written record.
    pub status: Status,
    /// What was noticed on the way (a file that ends in a partial record before the next
    /// one starts).
    pub notes: Vec<String>,
    /// The damage that stopped reading, if any: the snapshot holds what came before it.
    pub damage: Option<JournalError>,
}

/// Reads the whole journal at `path` (a file and those after it, or a directory) as a
/// snapshot: every event, and the spans known at the end. A partially written last record
/// and damage are not errors: [`Journal`] says where reading stopped, and holds everything
/// before.
///
/// # Errors
///
/// When `path` cannot be opened, or is a directory without journal files.
///
/// ```
/// let err = ttlog_core::journal::read("no-such-journal".as_ref()).unwrap_err();
/// assert!(err.to_string().contains("no-such-journal"));
/// ```
pub fn read(path: &Path) -> Result<Journal, JournalError> {
    let mut reader = JournalReader::open(path)?;
    let mut events = Vec::new();
    let result = reader.read(&mut |record| events.push(Event::from_record(record)));
    let (status, damage) = match result {
        Ok(status) => (status, None),
        Err(e) => (Status::End, Some(e)),
    };
    Ok(Journal {
        snapshot: Snapshot {
            header: reader.header(),
            spans: reader.spans(),
            events,
        },
        status,
        notes: reader.take_notes(),
        damage,
    })
}
