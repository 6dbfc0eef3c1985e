//! `ttlog`: read what ttlog recorded.
//!
//! ```text
//! ttlog show FILE [--level LEVEL] [--target PREFIX] [--grep TEXT] [--format compact|json]
//! ttlog spans FILE
//! ttlog recover PATH [--out DIR]
//! ```
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

#![forbid(unsafe_code)]

mod tree;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ttlog_core::sink::format::time::write_rfc3339;
use ttlog_core::sink::{format_record, Format};
use ttlog_core::snapshot::{self, Event, Header, Snapshot};
use ttlog_core::LevelFilter;

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
}

#[derive(Parser, Debug)]
struct RecoverArgs {
    /// A recorder file (`.rec`), or a directory whose recorder files to recover.
    path: PathBuf,
    /// Where to write the snapshots (default: next to each recorder file).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Parser, Debug)]
struct SpansArgs {
    /// The snapshot file (`.snap`).
    file: PathBuf,
}

#[derive(Parser, Debug)]
struct ShowArgs {
    /// The snapshot file (`.snap`).
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
        Command::Spans(args) => open(&args.file, |snap| print_spans(&args.file, snap)),
        Command::Recover(args) => recover(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ttlog: {e}");
            ExitCode::FAILURE
        }
    }
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
                writeln!(out, "{}", done.snapshot.display())?;
                eprintln!("ttlog: {}", done.ending);
            }
            Err(e) => {
                eprintln!("ttlog: {e}");
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
    let cannot_read = |e: &dyn std::fmt::Display| {
        io::Error::other(format!("cannot read {}: {e}", path.display()))
    };
    let bytes = std::fs::read(path).map_err(|e| cannot_read(&e))?;
    let (snap, damage) = snapshot::recover(&bytes).map_err(|e| cannot_read(&e))?;
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

fn print_spans(path: &Path, snap: &Snapshot) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write_header(&mut out, path, snap, snap.events.len())?;
    tree::write(&mut out, snap)?;
    out.flush()
}

fn print_snapshot(args: &ShowArgs, snap: &Snapshot) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let matching: Vec<&Event> = snap.events.iter().filter(|e| matches(e, args)).collect();
    let mut line = Vec::with_capacity(512);
    match args.format {
        OutputFormat::Compact => write_header(&mut out, &args.file, snap, matching.len())?,
        OutputFormat::Json => {
            write_json_header(&mut line, snap);
            out.write_all(&line)?;
            line.clear();
        }
    }
    let format = match args.format {
        OutputFormat::Compact => Format::Compact,
        OutputFormat::Json => Format::Json,
    };
    for event in matching {
        // Through the snapshot, so the formatter can look up the event's spans.
        format_record(format, &snap.record(event), &mut line);
        out.write_all(&line)?;
        line.clear();
    }
    out.flush()
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

fn write_header(
    out: &mut impl Write,
    path: &Path,
    snap: &Snapshot,
    shown: usize,
) -> io::Result<()> {
    let h = &snap.header;
    let total = snap.events.len();
    writeln!(out, "snapshot  {}", path.display())?;
    writeln!(
        out,
        "service   {} (pid {} on {})",
        h.service, h.pid, h.hostname
    )?;
    writeln!(out, "reason    {}", h.reason)?;
    writeln!(
        out,
        "written   {} by ttlog {}",
        time(h.created),
        h.ttlog_version
    )?;
    writeln!(
        out,
        "events    {total} (recorder capacity {}, dropped before snapshot {})",
        h.capacity, h.dropped
    )?;
    let open = snap.spans.iter().filter(|s| s.is_open()).count();
    writeln!(out, "spans     {} ({open} open)", snap.spans.len())?;
    if shown != total {
        writeln!(out, "shown     {shown} matching the filters")?;
    }
    writeln!(out)
}

fn write_json_header(out: &mut Vec<u8>, snap: &Snapshot) {
    let h: &Header = &snap.header;
    out.extend_from_slice(b"{\"snapshot\":{\"service\":");
    json_str(out, &h.service);
    out.extend_from_slice(b",\"hostname\":");
    json_str(out, &h.hostname);
    out.extend_from_slice(format!(",\"pid\":{},\"reason\":", h.pid).as_bytes());
    json_str(out, &h.reason);
    out.extend_from_slice(b",\"created\":");
    json_str(out, &time(h.created));
    out.extend_from_slice(b",\"ttlog_version\":");
    json_str(out, &h.ttlog_version);
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

fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut b = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}
