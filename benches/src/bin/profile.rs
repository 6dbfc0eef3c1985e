//! `profile`: one system logging N reference events on one thread, lossless, for callgrind's
//! per-function profile of the whole process (`benches/profile.sh` runs it twice under
//! callgrind and subtracts, so start-up and shutdown cancel out).
//!
//! ```text
//! cargo run --release -p ttlog-benches --bin profile -- SYSTEM EVENTS
//! ```
//!
//! SYSTEM is `ttlog-compact`, `ttlog-full`, `ttlog-json`, `ttlog-logfmt` (Compact etc. into a
//! [`CountingWriter`], `Overflow::Block`, redaction on as by default), `ttlog-journal` (the
//! binary journal alone, into a temporary directory, removed after), or `tracing-fmt`,
//! `tracing-json` (tracing-subscriber's `fmt` on the caller).

use std::hint::black_box;

use ttlog_benches::{events, setup, CountingWriter};

fn main() {
    let mut args = std::env::args().skip(1);
    let system = args.next().unwrap_or_else(|| "ttlog-compact".into());
    let n: u64 = args
        .next()
        .map(|v| v.parse().expect("EVENTS must be a number"))
        .unwrap_or(100_000);
    let w = CountingWriter::new();
    let counts = w.counts();
    let format = match system.as_str() {
        "ttlog-compact" => Some(ttlog::Format::Compact),
        "ttlog-full" => Some(ttlog::Format::Full),
        "ttlog-json" => Some(ttlog::Format::Json),
        "ttlog-logfmt" => Some(ttlog::Format::Logfmt),
        _ => None,
    };
    if system == "ttlog-journal" {
        let dir =
            std::env::temp_dir().join(format!("ttlog-profile-journal-{}", std::process::id()));
        let guard = setup::ttlog_journal(&dir, ttlog::Overflow::Block);
        for i in 0..n {
            events::ttlog_reference(black_box(i), black_box(1.5));
        }
        assert!(guard.flush(), "ttlog flush timed out");
        assert_eq!(guard.dropped(), 0, "Overflow::Block dropped events");
        drop(guard);
        let bytes: u64 = ttlog::journal::journal_files(&dir)
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("{system}: {n} events, {bytes} bytes");
        return;
    }
    if let Some(format) = format {
        let guard = setup::ttlog_format(w, format, ttlog::Overflow::Block);
        for i in 0..n {
            events::ttlog_reference(black_box(i), black_box(1.5));
        }
        assert!(guard.flush(), "ttlog flush timed out");
        assert_eq!(guard.dropped(), 0, "Overflow::Block dropped events");
        drop(guard);
    } else {
        let dispatch = match system.as_str() {
            "tracing-fmt" => setup::tracing_fmt(w),
            "tracing-json" => setup::tracing_json(w),
            other => panic!("unknown system {other:?}"),
        };
        tracing::dispatcher::with_default(&dispatch, || {
            for i in 0..n {
                events::tracing_reference(black_box(i), black_box(1.5));
            }
        });
    }
    eprintln!("{system}: {n} events, {} bytes", counts.bytes());
}
