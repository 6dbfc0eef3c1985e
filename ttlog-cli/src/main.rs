//! `ttlog`: read what ttlog recorded.
//!
//! ```text
//! ttlog show FILE [--level LEVEL] [--target PREFIX] [--grep TEXT] [--format compact|json]
//! ```
//!
//! `show` prints a snapshot's header and its events, oldest first, optionally filtered. A file
//! that is not a readable snapshot prints the reader's error and exits with status 1; a torn
//! file (a crash while writing, a truncated copy) first shows every event before the damage.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ttlog_core::sink::format::time::write_rfc3339;
use ttlog_core::sink::{format_record, Format};
use ttlog_core::snapshot::{self, Event, Header};
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
    match cli.command {
        Command::Show(args) => match show(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ttlog: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn show(args: &ShowArgs) -> io::Result<()> {
    let cannot_read = |e: &dyn std::fmt::Display| {
        io::Error::other(format!("cannot read {}: {e}", args.file.display()))
    };
    let bytes = std::fs::read(&args.file).map_err(|e| cannot_read(&e))?;
    // A torn or damaged file still shows every event before the damage, then fails.
    let (snap, damage) = snapshot::recover(&bytes).map_err(|e| cannot_read(&e))?;
    print_snapshot(args, &snap)?;
    match damage {
        None => Ok(()),
        Some(e) => Err(io::Error::other(format!(
            "{} is damaged: {e}; the {} events before the damage are shown above",
            args.file.display(),
            snap.events.len()
        ))),
    }
}

fn print_snapshot(args: &ShowArgs, snap: &snapshot::Snapshot) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let matching: Vec<&Event> = snap.events.iter().filter(|e| matches(e, args)).collect();
    let mut line = Vec::with_capacity(512);
    match args.format {
        OutputFormat::Compact => write_header(
            &mut out,
            &args.file,
            &snap.header,
            snap.events.len(),
            matching.len(),
        )?,
        OutputFormat::Json => {
            write_json_header(&mut line, &snap.header, snap.events.len());
            out.write_all(&line)?;
            line.clear();
        }
    }
    let format = match args.format {
        OutputFormat::Compact => Format::Compact,
        OutputFormat::Json => Format::Json,
    };
    for event in matching {
        format_record(format, &event.as_record(), &mut line);
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
    path: &std::path::Path,
    h: &Header,
    total: usize,
    shown: usize,
) -> io::Result<()> {
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
    if shown != total {
        writeln!(out, "shown     {shown} matching the filters")?;
    }
    writeln!(out)
}

fn write_json_header(out: &mut Vec<u8>, h: &Header, total: usize) {
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
            ",\"capacity\":{},\"dropped\":{},\"events\":{}}}}}\n",
            h.capacity, h.dropped, total
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
