//! `ttlog`: read what ttlog recorded.
//!
//! ```text
//! ttlog show FILE [--level LEVEL] [--target PREFIX] [--grep TEXT] [--format compact|json]
//!                 [--max-bytes N] [--full]
//! ttlog spans FILE [--max-bytes N] [--full]
//! ttlog recover PATH [--out DIR]
//! ttlog tail [-f] JOURNAL [--format compact|full|json|logfmt]
//! ttlog convert --format compact|full|json|logfmt JOURNAL
//! ```
//!
//! `show` and `spans` read binary journals (`.ttj` files, or a directory of them) too; `tail`
//! and `convert` read only journals (see `journal.rs`).
//!
//! `show` prints a snapshot's header and its events, oldest first, optionally filtered, each
//! with the spans it happened in (`request{id=7}:db: app::db: query done`). `spans` prints the
//! snapshot's span tree: each span under its parent, children in start order, with its
//! duration (or `open` if it had not closed when the snapshot was taken), busy time, status,
//! thread and fields; a span whose parent is not in the file is shown as a root.
//!
//! `recover` turns the recorder files (`.rec`) that processes which died left behind (PATH is
//! a file, or a directory to search) into ordinary snapshots, written next to each file (or
//! into `--out`), prints each snapshot's path, and removes the recorder file. A file that
//! belongs to a running process is left alone.
//!
//! A file that is not a readable snapshot prints the reader's error and exits with status 1; a
//! torn file (a crash while writing, a truncated copy) first shows everything before the damage.
//!
//! Files may be damaged or crafted, and terminals obey what they print. So every piece of text
//! that came from a file or the command line goes through `ttlog_core::sink::escape` (control
//! characters, line separators and bidi controls become `\n`, `\u{1b}`, `\u{202e}`, and JSON
//! strings are JSON-escaped), stderr included; only whole files of the right kind are read
//! (see `ttlog_core::snapshot::read`); and output is capped (see `view.rs` and `out.rs`):
//! long text and deep span paths are cut, and a command stops after `--max-bytes` (64 MiB
//! by default), saying so on stderr. `--full` lifts every cap. docs/cli.md has the details.

#![forbid(unsafe_code)]

mod journal;
mod out;
mod tree;
mod view;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ttlog_core::sink::escape;
use ttlog_core::sink::format::time::write_rfc3339;
use ttlog_core::sink::{format_record, Format};
use ttlog_core::snapshot::{self, Event, Snapshot};
use ttlog_core::LevelFilter;

use out::{Capped, MAX_OUTPUT_BYTES};
use view::{clip, say, Cuts, Line, Scopes};

#[derive(Parser, Debug)]
#[command(
    name = "ttlog",
    version,
    about = "Read ttlog flight-recorder snapshots"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a snapshot's header and events.
    Show(ShowArgs),
    /// Print a snapshot's spans as a tree, with their timings.
    Spans(SpansArgs),
    /// Turn the recorder files of processes that died into snapshots.
    Recover(RecoverArgs),
    /// Print a binary journal's events; with -f, follow it while it is written.
    Tail(TailArgs),
    /// Write a binary journal's events as a text sink would have written them.
    Convert(ConvertArgs),
}

#[derive(Parser, Debug)]
struct TailArgs {
    /// A journal file (`.ttj`; the files after it follow), or a journal directory (from the
    /// start of its newest file).
    path: PathBuf,
    /// Keep reading as the journal grows, and on into the next file when it rotates.
    #[arg(short, long)]
    follow: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = journal::TextFormat::Compact)]
    format: journal::TextFormat,
}

#[derive(Parser, Debug)]
struct ConvertArgs {
    /// Output format (the text sinks' formats).
    #[arg(long, value_enum)]
    format: journal::TextFormat,
    /// A journal file (`.ttj`; the files after it follow), or a journal directory.
    path: PathBuf,
}

#[derive(Parser, Debug)]
struct RecoverArgs {
    /// A recorder file (`.rec`), or a directory whose recorder files to recover.
    path: PathBuf,
    /// Where to write the snapshots (default: next to each recorder file).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// How much a command prints.
#[derive(clap::Args, Debug, Clone, Copy)]
struct Caps {
    /// Stop after printing this many bytes (default 64 MiB, or none with --full), and say so
    /// on stderr.
    #[arg(long, value_name = "N")]
    max_bytes: Option<u64>,
    /// Print everything whole: no cut text, no abbreviated span paths, and no output cap
    /// unless --max-bytes is given.
    #[arg(long)]
    full: bool,
}

impl Caps {
    fn cuts(self) -> Cuts {
        if self.full {
            Cuts::Off
        } else {
            Cuts::On
        }
    }

    fn output(self) -> Capped<io::BufWriter<io::StdoutLock<'static>>> {
        let cap = match (self.max_bytes, self.full) {
            (Some(n), _) => Some(n),
            (None, false) => Some(MAX_OUTPUT_BYTES),
            (None, true) => None,
        };
        Capped::new(io::BufWriter::new(io::stdout().lock()), cap)
    }
}

#[derive(Parser, Debug)]
struct SpansArgs {
    /// The snapshot file (`.snap`), or a binary journal (a `.ttj` file or a directory).
    file: PathBuf,
    #[command(flatten)]
    caps: Caps,
}

#[derive(Parser, Debug)]
struct ShowArgs {
    /// The snapshot file (`.snap`), or a binary journal (a `.ttj` file or a directory).
    file: PathBuf,
    /// Only events at this level or more important (error, warn, info, debug, trace).
    #[arg(long, value_parser = parse_level)]
    level: Option<LevelFilter>,
    /// Only events whose target starts with this prefix.
    #[arg(long)]
    target: Option<String>,
    /// Only events whose message or field values contain this text.
    #[arg(long)]
    grep: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Compact)]
    format: OutputFormat,
    #[command(flatten)]
    caps: Caps,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Human-readable: a header block, then one line per event.
    Compact,
    /// One JSON object per line: the header first (`{"snapshot":{…}}`), then the events.
    Json,
}

fn parse_level(s: &str) -> Result<LevelFilter, String> {
    s.parse::<LevelFilter>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Show(args) => open(&args.file, |snap| print_snapshot(&args, snap)),
        Command::Spans(args) => open(&args.file, |snap| print_spans(&args, snap)),
        Command::Recover(args) => recover(&args),
        Command::Tail(args) => journal::tail(&args.path, args.format, args.follow),
        Command::Convert(args) => journal::convert(&args.path, args.format),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say(&e.to_string());
            ExitCode::FAILURE
        }
    }
}

/// Appends `s` as bare text, cut and escaped.
fn text(out: &mut Vec<u8>, s: &str, cuts: Cuts) {
    escape::write_bare(out, &clip(s, cuts));
}

/// Appends `s` as a JSON string, cut and escaped.
fn json_str(out: &mut Vec<u8>, s: &str, cuts: Cuts) {
    escape::write_json_str(out, &clip(s, cuts));
}

/// `ttlog recover`: every recorder file at `args.path`, as a snapshot. Fails if any file
/// could not be recovered (the others still are), or if there was none.
fn recover(args: &RecoverArgs) -> io::Result<()> {
    let files = if args.path.is_dir() {
        ttlog_core::recorder::recorder_files(&args.path)
    } else {
        vec![args.path.clone()]
    };
    if files.is_empty() {
        return Err(io::Error::other(format!(
            "no recorder files (.rec) in {}",
            args.path.display()
        )));
    }
    let mut failed = 0;
    let mut out = io::stdout().lock();
    for file in &files {
        let dir = match &args.out {
            Some(dir) => dir.clone(),
            None => file
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        match ttlog_core::recorder::recover(file, &dir, None) {
            Ok(done) => {
                let mut line = Vec::new();
                text(&mut line, &done.snapshot.display().to_string(), Cuts::Off);
                line.push(b'\n');
                out.write_all(&line)?;
                say(&done.ending);
            }
            Err(e) => {
                say(&e.to_string());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(io::Error::other(format!(
            "{failed} of {} recorder files could not be recovered",
            files.len()
        )));
    }
    Ok(())
}

/// Reads the snapshot at `path` and hands it to `print`. A torn or damaged file is still
/// printed up to the damage, then reported as an error.
fn open(path: &Path, print: impl FnOnce(&Snapshot) -> io::Result<()>) -> io::Result<()> {
    if journal::is_journal(path) {
        return journal::open(path, print);
    }
    let (snap, damage) =
        snapshot::recover_file(path).map_err(|e| io::Error::other(e.to_string()))?;
    print(&snap)?;
    match damage {
        None => Ok(()),
        Some(e) => Err(io::Error::other(format!(
            "{} is damaged: {e}; the {} spans and {} events before the damage are shown above",
            path.display(),
            snap.spans.len(),
            snap.events.len()
        ))),
    }
}

/// Says on stderr that the output cap cut the output, if it did.
fn report_cut(cut: Option<u64>, caps: Caps) {
    if let Some(written) = cut {
        say(&format!(
            "output stopped after {written} bytes, at the {} cap; --max-bytes N or --full \
             prints more",
            if caps.max_bytes.is_some() {
                "--max-bytes"
            } else {
                "default 64 MiB"
            }
        ));
    }
}

fn print_spans(args: &SpansArgs, snap: &Snapshot) -> io::Result<()> {
    let cuts = args.caps.cuts();
    let mut out = args.caps.output();
    let mut header = Vec::new();
    write_header(&mut header, &args.file, snap, snap.events.len(), cuts);
    if out.lines(&header)? {
        tree::write(&mut out, snap, cuts)?;
    }
    report_cut(out.finish()?, args.caps);
    Ok(())
}

fn print_snapshot(args: &ShowArgs, snap: &Snapshot) -> io::Result<()> {
    let cuts = args.caps.cuts();
    let mut out = args.caps.output();
    let matching: Vec<&Event> = snap.events.iter().filter(|e| matches(e, args)).collect();
    let mut line = Vec::with_capacity(512);
    let format = match args.format {
        OutputFormat::Compact => {
            write_header(&mut line, &args.file, snap, matching.len(), cuts);
            Format::Compact
        }
        OutputFormat::Json => {
            write_json_header(&mut line, snap, cuts);
            Format::Json
        }
    };
    let mut more = out.lines(&line)?;
    line.clear();
    let mut scopes = Scopes::new(snap, cuts);
    for event in matching {
        if !more {
            break;
        }
        scopes.focus(event.span_id());
        let view = Line::new(event, cuts);
        // Through `scopes`, so the formatter can look up the event's spans.
        format_record(format, &view.record(&scopes), &mut line);
        more = out.lines(&line)?;
        line.clear();
    }
    report_cut(out.finish()?, args.caps);
    Ok(())
}

fn matches(event: &Event, args: &ShowArgs) -> bool {
    if let Some(level) = args.level {
        if !level.enables(event.level) {
            return false;
        }
    }
    if let Some(prefix) = &args.target {
        if !event.target().starts_with(prefix.as_str()) {
            return false;
        }
    }
    if let Some(text) = &args.grep {
        let in_message = event.message().contains(text.as_str());
        let in_fields = event
            .fields()
            .any(|f| f.value.to_string().contains(text.as_str()));
        if !in_message && !in_fields {
            return false;
        }
    }
    true
}

fn time(t: std::time::SystemTime) -> String {
    let mut buf = Vec::new();
    write_rfc3339(t, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The header block of `show` and `spans`: every text from the file cut and escaped.
fn write_header(out: &mut Vec<u8>, path: &Path, snap: &Snapshot, shown: usize, cuts: Cuts) {
    let h = &snap.header;
    let total = snap.events.len();
    out.extend_from_slice(b"snapshot  ");
    text(out, &path.display().to_string(), cuts);
    out.extend_from_slice(b"\nservice   ");
    text(out, &h.service, cuts);
    out.extend_from_slice(format!(" (pid {} on ", h.pid).as_bytes());
    text(out, &h.hostname, cuts);
    out.extend_from_slice(b")\nreason    ");
    text(out, &h.reason, cuts);
    out.extend_from_slice(format!("\nwritten   {} by ttlog ", time(h.created)).as_bytes());
    text(out, &h.ttlog_version, cuts);
    out.push(b'\n');
    let open = snap.spans.iter().filter(|s| s.is_open()).count();
    let _ = writeln!(
        out,
        "events    {total} (recorder capacity {}, dropped before snapshot {})",
        h.capacity, h.dropped
    );
    let _ = writeln!(out, "spans     {} ({open} open)", snap.spans.len());
    if shown != total {
        let _ = writeln!(out, "shown     {shown} matching the filters");
    }
    out.push(b'\n');
}

fn write_json_header(out: &mut Vec<u8>, snap: &Snapshot, cuts: Cuts) {
    let h = &snap.header;
    out.extend_from_slice(b"{\"snapshot\":{\"service\":");
    json_str(out, &h.service, cuts);
    out.extend_from_slice(b",\"hostname\":");
    json_str(out, &h.hostname, cuts);
    out.extend_from_slice(format!(",\"pid\":{},\"reason\":", h.pid).as_bytes());
    json_str(out, &h.reason, cuts);
    out.extend_from_slice(b",\"created\":");
    json_str(out, &time(h.created), cuts);
    out.extend_from_slice(b",\"ttlog_version\":");
    json_str(out, &h.ttlog_version, cuts);
    out.extend_from_slice(
        format!(
            ",\"capacity\":{},\"dropped\":{},\"events\":{},\"spans\":{}}}}}\n",
            h.capacity,
            h.dropped,
            snap.events.len(),
            snap.spans.len()
        )
        .as_bytes(),
    );
}
