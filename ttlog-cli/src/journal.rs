//! Binary journals (`.ttj` files, `ttlog_core::journal`): `show` and `spans` read one as a
//! snapshot; `tail` prints a journal's events and, with `-f`, follows it while it is written
//! (new records, then the next file when the writer rotates); `convert` writes every event
//! as a text sink would have written it (`ttlog_core::sink::format_record`), byte for byte.
//!
//! A partially written last record is not an error: a follower waits for the rest, the other
//! commands stop there and say so on stderr. Damage (a file that is not a journal, an entry
//! that does not parse) prints what came before it, then the error.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use clap::ValueEnum;
use ttlog_core::journal::{self, JournalReader, Status};
use ttlog_core::sink::{format_record, Format};
use ttlog_core::snapshot::Snapshot;

use crate::view::say;

/// How often `tail -f` looks for more.
const POLL: Duration = Duration::from_millis(100);

/// A text format, as the text sinks write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextFormat {
    Compact,
    Full,
    Json,
    Logfmt,
}

impl From<TextFormat> for Format {
    fn from(f: TextFormat) -> Format {
        match f {
            TextFormat::Compact => Format::Compact,
            TextFormat::Full => Format::Full,
            TextFormat::Json => Format::Json,
            TextFormat::Logfmt => Format::Logfmt,
        }
    }
}

/// Whether `path` is a journal: a directory with journal files, or a file that starts with
/// the journal's magic number.
pub(crate) fn is_journal(path: &Path) -> bool {
    if path.is_dir() {
        return !journal::journal_files(path).is_empty();
    }
    // Only a regular file is opened here (a FIFO would block); anything else is refused by
    // the snapshot reader, with the reason.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"TTLOGJNL"
}

/// Reads the journal at `path` as a snapshot and hands it to `print`; then reports a partial
/// last record or damage.
pub(crate) fn open(path: &Path, print: impl FnOnce(&Snapshot) -> io::Result<()>) -> io::Result<()> {
    let read = journal::read(path).map_err(|e| io::Error::other(e.to_string()))?;
    print(&read.snapshot)?;
    report(&read.notes, read.status);
    match read.damage {
        None => Ok(()),
        Some(e) => Err(io::Error::other(format!(
            "{e}; the {} events before the damage are shown above",
            read.snapshot.events.len()
        ))),
    }
}

/// Says on stderr what a reader noticed, and where it stopped if it was a partial record.
fn report(notes: &[String], status: Status) {
    for note in notes {
        say(note);
    }
    if let Status::Partial { offset } = status {
        say(&format!(
            "the journal ends in a partially written record at byte {offset} of its last file \
             (being written, or its writer was killed); stopped there"
        ));
    }
}

/// `ttlog convert`: every event of the journal at `path` as `format` lines on stdout.
pub(crate) fn convert(path: &Path, format: TextFormat) -> io::Result<()> {
    let mut reader = JournalReader::open(path).map_err(|e| io::Error::other(e.to_string()))?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let status = write_available(&mut reader, format.into(), &mut out)?;
    out.flush()?;
    report(&reader.take_notes(), status);
    Ok(())
}

/// `ttlog tail [-f]`: the journal's events from the start of `path` (for a directory, of its
/// newest file), then, when following, the new ones as they are written.
pub(crate) fn tail(path: &Path, format: TextFormat, follow: bool) -> io::Result<()> {
    let mut reader = JournalReader::open(path).map_err(|e| io::Error::other(e.to_string()))?;
    if path.is_dir() {
        reader.skip_to_last_file();
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    loop {
        let status = write_available(&mut reader, format.into(), &mut out)?;
        out.flush()?;
        for note in reader.take_notes() {
            say(&note);
        }
        if !follow {
            report(&[], status);
            return Ok(());
        }
        // A partial record: the writer is in the middle of it; wait for the rest.
        std::thread::sleep(POLL);
    }
}

/// Writes what the reader has now; damage ends it as an error.
fn write_available(
    reader: &mut JournalReader,
    format: Format,
    out: &mut impl Write,
) -> io::Result<Status> {
    let mut line = Vec::with_capacity(512);
    let mut failed = None;
    let status = reader.read(&mut |record| {
        if failed.is_some() {
            return;
        }
        line.clear();
        format_record(format, record, &mut line);
        if let Err(e) = out.write_all(&line) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    status.map_err(|e| io::Error::other(e.to_string()))
}
