//! `compare`: every system in its own process, one Markdown table.
//!
//! ```text
//! cargo run --release -p ttlog-benches --bin compare -- [--threads N] [--batches B]
//! cargo run --release -p ttlog-benches --bin compare -- --sustained --threads N [--events E] [--repeat R] [--warmup W]
//! cargo run --release -p ttlog-benches --bin compare -- --flood [--threads N] [--events E] [--repeat R]
//! cargo run --release -p ttlog-benches --bin compare -- --model [--events E] [--repeat R] [--paced P]
//! ```
//!
//! Defaults: `--events 1000000` (all threads together), `--repeat 3`, `--warmup 10000` (per
//! thread), `--paced 200`. The runs are interleaved (every system once, then again), and the
//! tables give the median run, with the spread.
//!
//! **`--sustained`** (issue 15, item 5): events per second reaching the sink, lossless, for
//! ttlog text (Compact, `Overflow::Block`), tracing fmt (on the caller), tracing fmt through
//! tracing-appender `non_blocking` with `lossy(false)`, spdlog-rs's `AsyncPoolSink` (Block) and
//! slog-async (`OverflowStrategy::Block`), and the ttlog journal (binary files in a
//! temporary directory; an event counts as arrived once the journal's thread wrote it). Each
//! thread logs W warm-up events, the harness waits until the sink has them, then the threads log E / N events each; the time
//! runs from before the first event until the sink (a [`CountingWriter::with_lines`]) has
//! counted the last line, after each system's flush (ttlog's `Guard::flush`, spdlog-rs's
//! `flush`); events/s = E / that time, and `lost` = E − lines counted (0 for a lossless run).
//! The table also gives each thread's CPU per event (callers together, each worker thread).
//!
//! **`--flood`**: the share of a flood (E events as fast as N threads can log them) that the
//! lossy-by-default systems drop in their default configuration: ttlog (`Overflow::Drop`),
//! tracing-appender `non_blocking` (lossy), slog-async (`DropAndReport`).
//!
//! **`--model`** (issue 15, item 4): measures per-event costs with one producer (the
//! caller's CPU per event in paced batches; each background thread's CPU per event: ttlog's
//! collector over a sustained run, split into merge + decode + redaction and formatting with
//! a run whose sink formats nothing, its writer thread; the peers' workers draining a held
//! backlog), and prints the sustained lossless throughput they predict for N = 1, 2, 8, 16
//! producers on N + 1 cores: min(N / caller, 1 / each single-threaded stage, (N + 1) / total
//! CPU per event), with its assumptions.
//!
//! The latency table (no mode flag):
//!
//! The parent runs itself once per system (`--system NAME`), so no two global loggers ever
//! share a process, and prints one row per system. In a child, each of N threads logs one
//! warm-up batch and then B timed batches of 1000 reference events, back to back, into a
//! [`CountingWriter`]:
//!
//! - **caller ns/event**: median and p99 over every thread's batches (batch time / 1000);
//! - **end-to-end ns/event**: from the start until every event is in the sink (or counted as
//!   dropped): after the callers finish, ttlog's `Guard::flush`, the async peers' guards or
//!   flushes, and a wait until the sink has counted the lines it should get;
//! - **dropped**: the system's own count (ttlog, tracing-appender), or events logged minus
//!   events delivered (slog-async); 0 for the synchronous and blocking systems;
//! - **bytes**: what reached the counting sink.
//!
//! Queues keep each library's default size (ttlog 1024 events per thread, tracing-appender
//! 128,000 lines, slog-async 128 records, spdlog-rs 8192 tasks).

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use ttlog_benches::{events, setup, CountingWriter};

mod args;
mod child;
mod systems;
mod tables;

use args::{parse_args, Args, Mode, BATCH};
use systems::System;

/// The systems, in table order: (argument, label).
const SYSTEMS: &[(&str, &str)] = &[
    ("floor", "floor (thread-local ring)"),
    ("ttlog-drop", "ttlog (Drop)"),
    ("ttlog-block", "ttlog (Block)"),
    ("tracing-fmt", "tracing fmt"),
    ("tracing-nb-lossy", "tracing fmt + non_blocking (lossy)"),
    (
        "tracing-nb-lossless",
        "tracing fmt + non_blocking (lossless)",
    ),
    ("env-logger", "log + env_logger"),
    ("slog-async-lossy", "slog-async (DropAndReport)"),
    ("slog-async-block", "slog-async (Block)"),
    ("spdlog-async", "spdlog-rs AsyncPoolSink (Block)"),
];

fn main() {
    let args = parse_args();
    match (&args.system, &args.run, args.mode) {
        (Some(system), _, _) => child(system, &args),
        (None, Some(run), mode) => {
            let system = System::from_arg(run).unwrap_or_else(|| panic!("unknown system {run:?}"));
            child::child(system, mode, &args);
        }
        (None, None, Mode::Latency) => parent(&args),
        (None, None, Mode::Sustained) => tables::sustained(&args),
        (None, None, Mode::Flood) => tables::flood(&args),
        (None, None, Mode::Model) => tables::model(&args),
    }
}

// ===== parent =====

fn parent(args: &Args) {
    let exe = std::env::current_exe().expect("own path");
    let mut rows = Vec::new();
    for (name, label) in SYSTEMS {
        eprintln!("compare: running {name} ...");
        let mut child = Command::new(&exe)
            .args(["--system", name])
            .args(["--threads", &args.threads.to_string()])
            .args(["--batches", &args.batches.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn child");
        let out = child.stdout.take().expect("child stdout");
        let result = BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("RESULT\t").map(Report::parse));
        let status = child.wait().expect("wait child");
        match result {
            Some(r) if status.success() => rows.push((*label, Some(r))),
            _ => {
                eprintln!("compare: {name} failed ({status})");
                rows.push((*label, None));
            }
        }
    }
    let floor = rows
        .iter()
        .find_map(|(_, r)| r.as_ref().map(|r| r.median))
        .unwrap_or(f64::NAN);
    println!(
        "threads: {}, events per thread: {} ({} timed batches of {BATCH} after one warm-up batch)\n",
        args.threads,
        (args.batches + 1) * BATCH,
        args.batches
    );
    println!("| system | caller ns/event (median) | caller p99 | × floor (median) | end-to-end ns/event | dropped | bytes written |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (label, r) in rows {
        match r {
            Some(r) => println!(
                "| {label} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |",
                r.median,
                r.p99,
                r.median / floor,
                r.end_to_end,
                r.dropped,
                r.bytes
            ),
            None => println!("| {label} | failed | | | | | |"),
        }
    }
}

struct Report {
    median: f64,
    p99: f64,
    end_to_end: f64,
    dropped: u64,
    bytes: u64,
}

impl Report {
    fn line(&self) -> String {
        format!(
            "RESULT\t{}\t{}\t{}\t{}\t{}",
            self.median, self.p99, self.end_to_end, self.dropped, self.bytes
        )
    }

    fn parse(line: &str) -> Report {
        let f: Vec<&str> = line.split('\t').collect();
        Report {
            median: f[0].parse().expect("median"),
            p99: f[1].parse().expect("p99"),
            end_to_end: f[2].parse().expect("end_to_end"),
            dropped: f[3].parse().expect("dropped"),
            bytes: f[4].parse().expect("bytes"),
        }
    }
}

// ===== child =====

/// What the callers did: every batch's ns per event and when the first started.
struct Run {
    per_event: Vec<f64>,
    start: Instant,
    events: u64,
}

/// Runs `log` on `threads` threads: one warm-up batch, then `batches` timed batches each.
fn run(threads: usize, batches: usize, log: impl Fn(u64, f64) + Sync) -> Run {
    let barrier = Barrier::new(threads + 1);
    let mut per_event = Vec::with_capacity(threads * batches);
    let mut start = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (barrier, log) = (&barrier, &log);
                std::thread::Builder::new()
                    .name(format!("caller-{t}"))
                    .spawn_scoped(s, move || {
                        barrier.wait();
                        for i in 0..BATCH {
                            log(black_box(i as u64), black_box(1.5));
                        }
                        let mut times = Vec::with_capacity(batches);
                        for _ in 0..batches {
                            let t0 = Instant::now();
                            for i in 0..BATCH {
                                log(black_box(i as u64), black_box(1.5));
                            }
                            times.push(t0.elapsed().as_nanos() as f64 / BATCH as f64);
                        }
                        times
                    })
                    .expect("spawn caller")
            })
            .collect();
        barrier.wait();
        start = Instant::now();
        for h in handles {
            per_event.extend(h.join().expect("caller panicked"));
        }
    });
    Run {
        per_event,
        start,
        events: (threads * (batches + 1) * BATCH) as u64,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(mut run: Run, done: Instant, dropped: u64, bytes: u64) -> Report {
    run.per_event.sort_by(f64::total_cmp);
    Report {
        median: percentile(&run.per_event, 0.5),
        p99: percentile(&run.per_event, 0.99),
        end_to_end: (done - run.start).as_nanos() as f64 / run.events as f64,
        dropped,
        bytes,
    }
}

fn child(system: &str, args: &Args) {
    let (threads, batches) = (args.threads, args.batches);
    let report = match system {
        "floor" => {
            let r = run(threads, batches, events::floor_reference);
            let done = Instant::now();
            report(r, done, 0, 0)
        }
        "ttlog-drop" | "ttlog-block" => {
            let overflow = if system == "ttlog-drop" {
                ttlog::Overflow::Drop
            } else {
                ttlog::Overflow::Block
            };
            let w = CountingWriter::new();
            let counts = w.counts();
            let guard = setup::ttlog(w, overflow, ttlog::DEFAULT_RING_CAPACITY);
            let r = run(threads, batches, events::ttlog_reference);
            guard.flush();
            let done = Instant::now();
            report(r, done, guard.dropped(), counts.bytes())
        }
        "tracing-fmt" => {
            let w = CountingWriter::new();
            let counts = w.counts();
            tracing::dispatcher::set_global_default(setup::tracing_fmt(w))
                .expect("tracing global default");
            let r = run(threads, batches, events::tracing_reference);
            let done = Instant::now();
            report(r, done, 0, counts.bytes())
        }
        "tracing-nb-lossy" | "tracing-nb-lossless" => {
            let w = CountingWriter::with_lines();
            let counts = w.counts();
            let nb = setup::tracing_non_blocking(w, system == "tracing-nb-lossy");
            tracing::dispatcher::set_global_default(nb.dispatch).expect("tracing global default");
            let r = run(threads, batches, events::tracing_reference);
            drop(nb.guard);
            let dropped = nb.errors.dropped_lines() as u64;
            // A timeout is said on stderr; the row shows what arrived.
            let _ = child::wait_lines(&counts, r.events - dropped);
            let done = Instant::now();
            report(r, done, dropped, counts.bytes())
        }
        "env-logger" => {
            let w = CountingWriter::new();
            let counts = w.counts();
            setup::env_logger(w);
            let r = run(threads, batches, events::log_reference);
            log::logger().flush();
            let done = Instant::now();
            report(r, done, 0, counts.bytes())
        }
        "slog-async-lossy" | "slog-async-block" => {
            let strategy = if system == "slog-async-lossy" {
                slog_async::OverflowStrategy::DropAndReport
            } else {
                slog_async::OverflowStrategy::Block
            };
            let w = CountingWriter::new();
            let counts = w.counts();
            let slog = setup::slog_async(w, strategy);
            let logger = slog.logger.clone();
            let r = run(threads, batches, |id, ms| {
                events::slog_reference(&logger, id, ms)
            });
            drop(logger);
            let delivered = Arc::clone(&slog.delivered);
            drop(slog);
            let done = Instant::now();
            let dropped = r.events - delivered.load(Ordering::Acquire);
            report(r, done, dropped, counts.bytes())
        }
        "spdlog-async" => {
            let w = CountingWriter::with_lines();
            let counts = w.counts();
            let logger = setup::spdlog_async(w);
            let r = run(threads, batches, |id, ms| {
                events::spdlog_reference(&logger, id, ms)
            });
            logger.flush();
            let _ = child::wait_lines(&counts, r.events);
            let done = Instant::now();
            let dropped = r.events.saturating_sub(counts.lines());
            report(r, done, dropped, counts.bytes())
        }
        other => panic!("unknown system {other:?}"),
    };
    println!("{}", report.line());
}
