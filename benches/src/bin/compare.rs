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
use std::time::{Duration, Instant};

use ttlog_benches::{events, setup, CountingWriter, Counts};

/// Events per timed batch.
const BATCH: usize = 1000;

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

/// Which table the parent prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The caller-latency table (the default).
    Latency,
    /// `--sustained`: events per second reaching the sink, lossless.
    Sustained,
    /// `--flood`: the share of a flood the lossy-by-default systems drop.
    Flood,
    /// `--model`: per-event costs by thread, and the throughput they predict for N producers.
    Model,
}

struct Args {
    mode: Mode,
    threads: usize,
    batches: usize,
    /// Events per run, all threads together (`--sustained`, `--flood`, `--model`).
    events: u64,
    /// Runs of each system; the tables give the median.
    repeat: usize,
    /// Warm-up events per thread before a sustained run.
    warmup: u64,
    /// Paced batches of 1000 events measuring the caller's cost (`--model`).
    paced: usize,
    /// Child of `--model`: time an asynchronous system's worker draining this many events.
    drain: u64,
    /// Child of the latency table: the system to run.
    system: Option<String>,
    /// Child of the other tables: the system to run.
    run: Option<String>,
}

const USAGE: &str = "use [--threads N] [--batches B] | --sustained [--threads N] [--events E] \
[--repeat R] [--warmup W] | --flood [--threads N] [--events E] [--repeat R] | --model \
[--events E] [--repeat R] [--paced P]";

fn parse_args() -> Args {
    let mut args = Args {
        mode: Mode::Latency,
        threads: 1,
        batches: 200,
        events: 1_000_000,
        repeat: 3,
        warmup: 10_000,
        paced: 200,
        drain: 0,
        system: None,
        run: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match a.as_str() {
            "--threads" => args.threads = value("--threads").parse().expect("--threads N"),
            "--batches" => args.batches = value("--batches").parse().expect("--batches B"),
            "--system" => args.system = Some(value("--system")),
            "--sustained" => args.mode = Mode::Sustained,
            "--flood" => args.mode = Mode::Flood,
            "--model" => args.mode = Mode::Model,
            "--events" => args.events = value("--events").parse().expect("--events E"),
            "--repeat" => args.repeat = value("--repeat").parse().expect("--repeat R"),
            "--warmup" => args.warmup = value("--warmup").parse().expect("--warmup W"),
            "--paced" => args.paced = value("--paced").parse().expect("--paced P"),
            "--run" => args.run = Some(value("--run")),
            "--drain" => args.drain = value("--drain").parse().expect("--drain K"),
            other => panic!("unknown argument {other:?}; {USAGE}"),
        }
    }
    assert!(args.threads >= 1 && args.batches >= 1 && args.repeat >= 1);
    assert!(
        args.events >= args.threads as u64,
        "--events must be at least --threads"
    );
    args
}

fn main() {
    let args = parse_args();
    match (&args.system, &args.run, args.mode) {
        (Some(system), _, _) => child(system, &args),
        (None, Some(run), mode) => {
            let system = System::from_arg(run).unwrap_or_else(|| panic!("unknown system {run:?}"));
            throughput::child(system, mode, &args);
        }
        (None, None, Mode::Latency) => parent(&args),
        (None, None, Mode::Sustained) => throughput::sustained(&args),
        (None, None, Mode::Flood) => throughput::flood(&args),
        (None, None, Mode::Model) => throughput::model(&args),
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

/// Waits until `counts` has seen `lines` lines (at most 30 s).
fn wait_lines(counts: &Counts, lines: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while counts.lines() < lines {
        if Instant::now() > deadline {
            eprintln!(
                "compare: gave up waiting: {} of {lines} lines arrived",
                counts.lines()
            );
            return;
        }
        std::thread::sleep(Duration::from_micros(100));
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
            wait_lines(&counts, r.events - dropped);
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
            wait_lines(&counts, r.events);
            let done = Instant::now();
            let dropped = r.events.saturating_sub(counts.lines());
            report(r, done, dropped, counts.bytes())
        }
        other => panic!("unknown system {other:?}"),
    };
    println!("{}", report.line());
}

// ===== sustained throughput, floods and the model (issue 15) =====

use throughput::System;

/// `--sustained`, `--flood` and `--model`: each system in its own process (the parent runs
/// itself with `--run NAME`), as for the latency table.
mod throughput {
    use std::collections::BTreeMap;
    use std::hint::black_box;
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::Barrier;
    use std::time::{Duration, Instant};

    use ttlog_benches::{events, setup, CountingWriter, Counts};

    use super::{Args, Mode, BATCH};

    /// The systems of the sustained-throughput, flood and model runs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum System {
        /// ttlog, Compact text into the counting writer, `Overflow::Block` (lossless).
        TtlogText,
        /// ttlog's binary journal sink (`Builder::journal(dir)`, `Overflow::Block`), into a
        /// temporary directory.
        TtlogJournal,
        /// ttlog with a sink that formats nothing and writes one newline per event: the
        /// collector's merge, decode, redaction and hand-over alone (for `--model`).
        TtlogNoop,
        /// tracing-subscriber `fmt`, formatting and writing on the calling thread.
        TracingFmt,
        /// tracing `fmt` through tracing-appender's `non_blocking` with `lossy(false)`.
        TracingNonBlocking,
        /// spdlog-rs through its `AsyncPoolSink` (overflow `Block`, its default).
        SpdlogAsync,
        /// slog + slog-term behind slog-async with `OverflowStrategy::Block`.
        SlogAsyncBlock,
        /// Flood: ttlog's defaults (`Overflow::Drop`).
        TtlogDrop,
        /// Flood: tracing-appender's `non_blocking` defaults (lossy).
        TracingNonBlockingLossy,
        /// Flood: slog-async's defaults (`DropAndReport`).
        SlogAsyncDropAndReport,
    }

    /// `--sustained`, in table order.
    const SUSTAINED: &[System] = &[
        System::TtlogText,
        System::TtlogJournal,
        System::TracingFmt,
        System::TracingNonBlocking,
        System::SpdlogAsync,
        System::SlogAsyncBlock,
    ];

    /// `--flood`: the systems that lose events by default.
    const FLOOD: &[System] = &[
        System::TtlogDrop,
        System::TracingNonBlockingLossy,
        System::SlogAsyncDropAndReport,
    ];

    /// `--model`: the systems whose worker threads are timed draining a backlog.
    const DRAINED: &[System] = &[
        System::TracingNonBlocking,
        System::SpdlogAsync,
        System::SlogAsyncBlock,
    ];

    /// Events queued for a drain (fewer than tracing-appender's default queue of 128,000).
    const DRAIN_EVENTS: u64 = 100_000;

    /// `--model`: the lossless systems, plus ttlog's collector without formatting.
    const MODEL: &[System] = &[
        System::TtlogText,
        System::TtlogNoop,
        System::TracingFmt,
        System::TracingNonBlocking,
        System::SpdlogAsync,
        System::SlogAsyncBlock,
    ];

    impl System {
        const ALL: [System; 10] = [
            System::TtlogText,
            System::TtlogJournal,
            System::TtlogNoop,
            System::TracingFmt,
            System::TracingNonBlocking,
            System::SpdlogAsync,
            System::SlogAsyncBlock,
            System::TtlogDrop,
            System::TracingNonBlockingLossy,
            System::SlogAsyncDropAndReport,
        ];

        fn arg(self) -> &'static str {
            match self {
                System::TtlogText => "ttlog-text",
                System::TtlogJournal => "ttlog-journal",
                System::TtlogNoop => "ttlog-noop",
                System::TracingFmt => "tracing-fmt",
                System::TracingNonBlocking => "tracing-nb",
                System::SpdlogAsync => "spdlog-async",
                System::SlogAsyncBlock => "slog-async-block",
                System::TtlogDrop => "ttlog-drop",
                System::TracingNonBlockingLossy => "tracing-nb-lossy",
                System::SlogAsyncDropAndReport => "slog-async-lossy",
            }
        }

        fn label(self) -> &'static str {
            match self {
                System::TtlogText => "ttlog text (Compact, Block)",
                System::TtlogJournal => "ttlog journal",
                System::TtlogNoop => "ttlog, no formatting (merge + decode + redaction)",
                System::TracingFmt => "tracing fmt (on the caller)",
                System::TracingNonBlocking => "tracing fmt + non_blocking (lossy(false))",
                System::SpdlogAsync => "spdlog-rs AsyncPoolSink (Block)",
                System::SlogAsyncBlock => "slog-async (Block)",
                System::TtlogDrop => "ttlog (default: Overflow::Drop)",
                System::TracingNonBlockingLossy => "tracing fmt + non_blocking (default: lossy)",
                System::SlogAsyncDropAndReport => "slog-async (default: DropAndReport)",
            }
        }

        pub(super) fn from_arg(arg: &str) -> Option<System> {
            System::ALL.into_iter().find(|s| s.arg() == arg)
        }
    }

    /// What a child measured, by name (sent to the parent as `MEASURE\tkey=value...`).
    /// Times are in ns; `cpu.NAME` is the CPU time of the threads named NAME.
    type Measure = BTreeMap<String, f64>;

    enum Outcome {
        Measured(Measure),
        /// The system is not built yet (the journal).
        Unavailable,
        Failed,
    }

    /// Runs `system` in a child process of its own.
    fn run_child(system: System, mode: Mode, args: &Args, threads: usize, drain: u64) -> Outcome {
        let exe = std::env::current_exe().expect("own path");
        let mode_flag = match mode {
            Mode::Flood => "--flood",
            Mode::Model => "--model",
            Mode::Sustained | Mode::Latency => "--sustained",
        };
        let mut child = Command::new(exe)
            .args(["--run", system.arg(), mode_flag])
            .args(["--threads", &threads.to_string()])
            .args(["--events", &args.events.to_string()])
            .args(["--warmup", &args.warmup.to_string()])
            .args(["--paced", &args.paced.to_string()])
            .args(["--drain", &drain.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn child");
        let out = child.stdout.take().expect("child stdout");
        let mut outcome = Outcome::Failed;
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if line == "UNAVAILABLE" {
                outcome = Outcome::Unavailable;
            } else if let Some(rest) = line.strip_prefix("MEASURE\t") {
                let m = rest
                    .split('\t')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.parse().expect("a number")))
                    .collect();
                outcome = Outcome::Measured(m);
            }
        }
        let status = child.wait().expect("wait child");
        if !status.success() {
            eprintln!("compare: {} failed ({status})", system.arg());
            return Outcome::Failed;
        }
        outcome
    }

    /// Runs every system of `systems` `args.repeat` times, one round after another (so slow
    /// drifts of a shared machine spread over all systems), and gives each system's runs.
    fn rounds(
        systems: &[System],
        mode: Mode,
        args: &Args,
        threads: usize,
        drain: u64,
    ) -> Vec<(System, Option<Vec<Measure>>)> {
        let mut runs: Vec<(System, Option<Vec<Measure>>)> =
            systems.iter().map(|&s| (s, Some(Vec::new()))).collect();
        for round in 1..=args.repeat {
            for (system, measures) in &mut runs {
                let Some(list) = measures else { continue };
                eprintln!(
                    "compare: {} run {round}/{} ({threads} thread(s)) ...",
                    system.arg(),
                    args.repeat
                );
                match run_child(*system, mode, args, threads, drain) {
                    Outcome::Measured(m) => list.push(m),
                    Outcome::Unavailable => *measures = None,
                    Outcome::Failed => {}
                }
            }
        }
        runs
    }

    fn median(values: &mut [f64]) -> f64 {
        if values.is_empty() {
            return f64::NAN;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        }
    }

    /// The median of `key` over `runs` (NaN when no run has it).
    fn median_of(runs: &[Measure], key: &str) -> f64 {
        let mut v: Vec<f64> = runs.iter().filter_map(|m| m.get(key).copied()).collect();
        median(&mut v)
    }

    /// `1234567` as `1,234,567`.
    fn thousands(n: f64) -> String {
        let digits = format!("{:.0}", n);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// Each thread's CPU ns per event, as `callers 412, ttlog 530`.
    fn cpu_split(runs: &[Measure], events: f64) -> String {
        let keys: Vec<&String> = runs[0].keys().filter(|k| k.starts_with("cpu.")).collect();
        keys.iter()
            .map(|k| (k.trim_start_matches("cpu."), median_of(runs, k) / events))
            .filter(|(_, ns)| *ns >= 0.5)
            .map(|(name, ns)| format!("{name} {ns:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    // ----- parents -----

    /// `--sustained`: events per second reaching the sink, lossless.
    pub(super) fn sustained(args: &Args) {
        let runs = rounds(SUSTAINED, Mode::Sustained, args, args.threads, 0);
        let per_thread = args.events / args.threads as u64;
        let events = per_thread * args.threads as u64;
        let eps = |m: &Measure| m["events"] / m["nanos"] * 1e9;
        let tracing = runs
            .iter()
            .find(|(s, _)| *s == System::TracingFmt)
            .and_then(|(_, r)| r.as_ref())
            .map(|r| median(&mut r.iter().map(eps).collect::<Vec<_>>()))
            .unwrap_or(f64::NAN);
        println!(
            "sustained, lossless: {} producer thread(s), {} events per run ({} per thread) \
             after {} warm-up events per thread; {} run(s) per system, one round after \
             another; events/s = events / (first event .. the sink has counted the last line)\n",
            args.threads,
            thousands(events as f64),
            thousands(per_thread as f64),
            thousands(args.warmup as f64),
            args.repeat
        );
        println!("| system | events/s (median) | ns/event | × tracing fmt | lost | runs: events/s min–max | CPU ns/event by thread (median) |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (system, measures) in &runs {
            let Some(measures) = measures else {
                eprintln!("compare: {} is not built yet; left out", system.label());
                continue;
            };
            if measures.is_empty() {
                println!("| {} | failed | | | | | |", system.label());
                continue;
            }
            let mut rates: Vec<f64> = measures.iter().map(eps).collect();
            let (min, max) = rates
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
            let med = median(&mut rates);
            // Lines the sink never counted, in the worst run; and what the system itself says.
            let lost = measures
                .iter()
                .map(|m| m["events"] - m["lines"])
                .fold(0.0, f64::max);
            let dropped = measures
                .iter()
                .map(|m| m.get("dropped").copied().unwrap_or(0.0))
                .fold(0.0, f64::max);
            let lost = if dropped > 0.0 {
                format!("{lost:.0} (system: {dropped:.0})")
            } else {
                format!("{lost:.0}")
            };
            println!(
                "| {} | {} | {:.1} | {:.2} | {lost} | {}–{} | {} |",
                system.label(),
                thousands(med),
                1e9 / med,
                med / tracing,
                thousands(min),
                thousands(max),
                cpu_split(measures, events as f64),
            );
        }
        println!(
            "\nlost = events − lines the sink counted (worst run); a run waits at most 30 s \
             for the last line. CPU = each thread's CPU time (/proc/self/task/*/schedstat) \
             over the timed run / events; `callers` is all producer threads together, \
             including waiting for room (spinning or blocking) under Block."
        );
    }

    /// `--flood`: what the lossy-by-default systems drop of a flood.
    pub(super) fn flood(args: &Args) {
        let runs = rounds(FLOOD, Mode::Flood, args, args.threads, 0);
        let per_thread = args.events / args.threads as u64;
        let events = per_thread * args.threads as u64;
        println!(
            "flood, default configuration: {} producer thread(s) log {} events as fast as \
             they can ({} per thread); {} run(s) per system, one round after another\n",
            args.threads,
            thousands(events as f64),
            thousands(per_thread as f64),
            args.repeat
        );
        println!("| system | dropped (median) | dropped share | runs: share min–max | events at the sink = logged − dropped | producers' time (median) |");
        println!("| --- | ---: | ---: | ---: | --- | ---: |");
        for (system, measures) in &runs {
            let Some(measures) = measures.as_ref().filter(|m| !m.is_empty()) else {
                println!("| {} | failed | | | | |", system.label());
                continue;
            };
            let mut shares: Vec<f64> = measures
                .iter()
                .map(|m| m["dropped"] / m["events"] * 100.0)
                .collect();
            let (min, max) = shares
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
            let share = median(&mut shares);
            let consistent = measures.iter().all(|m| m["consistent"] == 1.0);
            println!(
                "| {} | {} | {share:.1} % | {min:.1}–{max:.1} % | {} | {:.0} ms |",
                system.label(),
                thousands(median_of(measures, "dropped")),
                if consistent { "yes" } else { "NO" },
                median_of(measures, "nanos") / 1e6,
            );
        }
        println!(
            "\ndropped: the system's own count (ttlog `Guard::dropped`, tracing-appender's \
             `ErrorCounter`, slog-async: logged − INFO records its worker received). \
             ttlog's and slog-async's drop reports are extra lines at the sink."
        );
    }

    /// Per-event costs of one system, by thread, for the model.
    struct Costs {
        label: String,
        /// The caller's CPU time per event, uncontended (mean over the paced batches).
        caller: f64,
        /// The median paced batch's wall time per event.
        caller_median: f64,
        /// Every other thread's CPU per event, and how many events per ns can pass each
        /// (`parallel` copies of it at once).
        stages: Vec<Stage>,
    }

    struct Stage {
        name: String,
        ns: f64,
        /// How many threads can do this stage's work at once (`None`: as many as there are
        /// cores left).
        parallel: Option<f64>,
    }

    impl Costs {
        fn total(&self) -> f64 {
            self.caller + self.stages.iter().map(|s| s.ns).sum::<f64>()
        }

        /// Events per second with `n` producers on `n + 1` cores, and what bounds it.
        fn rate(&self, n: f64) -> (f64, String) {
            let mut best = (n / self.caller, "callers".to_string());
            for s in &self.stages {
                if let Some(p) = s.parallel {
                    let r = p / s.ns;
                    if r < best.0 {
                        best = (r, s.name.clone());
                    }
                }
            }
            let cores = (n + 1.0) / self.total();
            if cores < best.0 {
                best = (cores, "cores".to_string());
            }
            (best.0 * 1e9, best.1)
        }
    }

    /// `--model`: per-event costs measured with one producer, and the sustained lossless
    /// throughput they predict for N producers on N + 1 cores.
    pub(super) fn model(args: &Args) {
        let runs = rounds(MODEL, Mode::Model, args, 1, 0);
        // The asynchronous peers' worker threads spin between events when they are not
        // saturated, so their CPU over a sustained run overstates their cost per event: time
        // them draining a backlog instead (their writer held while the caller queues it).
        let drains = rounds(DRAINED, Mode::Model, args, 1, DRAIN_EVENTS);
        let get = |system: System| -> Option<&Vec<Measure>> {
            runs.iter()
                .find(|(s, _)| *s == system)
                .and_then(|(_, r)| r.as_ref())
                .filter(|r| !r.is_empty())
        };
        let drained = |system: System| -> Option<&Vec<Measure>> {
            drains
                .iter()
                .find(|(s, _)| *s == system)
                .and_then(|(_, r)| r.as_ref())
                .filter(|r| !r.is_empty())
        };
        let costs_of = |system: System| -> Option<Costs> {
            let runs = get(system)?;
            // Worker threads: from the drain where there is one, else from the sustained run.
            let (source, prefix, events) = match drained(system) {
                Some(d) => (d, "drain.", d[0]["drain_events"]),
                None => (runs, "cpu.", runs[0]["events"]),
            };
            let stages = source[0]
                .keys()
                .filter_map(|k| k.strip_prefix(prefix))
                .filter(|name| *name != "callers")
                .map(|name| Stage {
                    name: name.to_string(),
                    ns: median_of(source, &format!("{prefix}{name}")) / events,
                    parallel: Some(1.0),
                })
                .filter(|s| s.ns >= 0.5)
                .collect();
            Some(Costs {
                label: system.label().to_string(),
                caller: median_of(runs, "paced_cpu_ns"),
                caller_median: median_of(runs, "paced_ns"),
                stages,
            })
        };
        let measured = |system: System| -> f64 {
            get(system).map_or(f64::NAN, |r| {
                median(
                    &mut r
                        .iter()
                        .map(|m| m["events"] / m["nanos"] * 1e9)
                        .collect::<Vec<_>>(),
                )
            })
        };
        let mut table: Vec<(Costs, f64)> = Vec::new();
        let order = [
            System::TtlogText,
            System::TracingFmt,
            System::TracingNonBlocking,
            System::SpdlogAsync,
            System::SlogAsyncBlock,
        ];
        for system in order {
            match costs_of(system) {
                Some(c) => table.push((c, measured(system))),
                None => eprintln!("compare: no measurements for {}", system.arg()),
            }
        }
        // ttlog's collector split in two: merge + decode + redaction (the collector of the
        // no-formatting run) and formatting (the rest of the text run's collector).
        let ttlog = costs_of(System::TtlogText);
        let noop = costs_of(System::TtlogNoop);
        let mut split = None;
        if let (Some(text), Some(noop)) = (&ttlog, &noop) {
            let collector = |c: &Costs| c.stages.iter().find(|s| s.name == "ttlog").map(|s| s.ns);
            let writer = text
                .stages
                .iter()
                .find(|s| s.name == "ttlog-sink")
                .map(|s| s.ns);
            if let (Some(all), Some(merge), Some(write)) =
                (collector(text), collector(noop), writer)
            {
                split = Some((merge, (all - merge).max(0.0), write));
                table.push((
                    Costs {
                        label: "ttlog text, formatting on workers (item 4, projected)".into(),
                        caller: text.caller,
                        caller_median: text.caller_median,
                        stages: vec![
                            Stage {
                                name: "merge".into(),
                                ns: merge,
                                parallel: Some(1.0),
                            },
                            Stage {
                                name: "format".into(),
                                ns: (all - merge).max(0.0),
                                parallel: None,
                            },
                            Stage {
                                name: "ttlog-sink".into(),
                                ns: write,
                                parallel: Some(1.0),
                            },
                        ],
                    },
                    f64::NAN,
                ));
            }
        }

        println!(
            "model: per-event costs with 1 producer, median of {} run(s) per system; \
             {} events per sustained run\n",
            args.repeat,
            thousands(args.events as f64)
        );
        println!("| system | caller CPU ns/event (mean) | caller ns/event (median batch) | other threads, CPU ns/event | total CPU ns/event | measured events/s, 1 producer, 2 cores |");
        println!("| --- | ---: | ---: | --- | ---: | ---: |");
        for (c, measured) in &table {
            let stages = c
                .stages
                .iter()
                .map(|s| format!("{} {:.0}", s.name, s.ns))
                .collect::<Vec<_>>()
                .join(", ");
            let measured = if measured.is_nan() {
                String::new()
            } else {
                thousands(*measured)
            };
            println!(
                "| {} | {:.0} | {:.0} | {stages} | {:.0} | {measured} |",
                c.label,
                c.caller,
                c.caller_median,
                c.total()
            );
        }
        if let Some((merge, format, write)) = split {
            println!(
                "\nttlog's collector per event: merge + decode + redaction {merge:.0} ns, \
                 formatting (Compact) {format:.0} ns; its writer thread (ttlog-sink) \
                 {write:.0} ns."
            );
        }

        let producers = [1.0, 2.0, 8.0, 16.0];
        let tracing = table
            .iter()
            .find(|(c, _)| c.label == System::TracingFmt.label())
            .map(|(c, _)| c);
        println!("\nprojected sustained lossless events/s with N producers on N + 1 cores (× tracing fmt; what bounds it)\n");
        println!("| system | N = 1 | N = 2 | N = 8 | N = 16 |");
        println!("| --- | ---: | ---: | ---: | ---: |");
        for (c, _) in &table {
            let cells: Vec<String> = producers
                .iter()
                .map(|&n| {
                    let (r, bound) = c.rate(n);
                    let ratio = tracing.map_or(f64::NAN, |t| r / t.rate(n).0);
                    format!("{} ({ratio:.2}×; {bound})", thousands(r))
                })
                .collect();
            println!("| {} | {} |", c.label, cells.join(" | "));
        }
        println!(
            "\nevents/s = min(N / caller, 1 / each single-threaded stage, (N + 1) / total CPU). \
             Assumptions: the costs per event measured with one producer hold at every N (no \
             contention between producers: no shared lock or cache line in the sink, which \
             favours tracing fmt, whose real file writer takes a lock and a write(2) per event; \
             no growth of ttlog's merge with the number of threads, which is a heap, \
             O(log threads)); each background thread is one stage that cannot go faster than \
             one core; the OS spreads threads perfectly over the N + 1 cores; a producer \
             waiting for room costs nothing (under Block ttlog's spins, then yields). caller = \
             the caller thread's CPU time (CLOCK_THREAD_CPUTIME_ID) per event over {} paced \
             batches of {BATCH} on one thread, the system caught up (its sink has every line) \
             before each batch (the mean, so page faults and wake-ups count); ttlog's threads \
             = their CPU time (schedstat) over a sustained run of {} events, in which the \
             collector is saturated; the peers' worker threads = their CPU time draining a \
             backlog of {} events queued while their sink was held (over a sustained run \
             they spin between events and look several times costlier). merge = the collector \
             with a sink that formats nothing (one newline per event). Each sink is the \
             counting writer (counting lines as well). The projected ttlog row splits the \
             collector into one merge thread and formatting on any free core.",
            args.paced,
            thousands(args.events as f64),
            thousands(DRAIN_EVENTS as f64)
        );
    }

    // ----- children -----

    pub(super) fn child(system: System, mode: Mode, args: &Args) {
        let measure = match mode {
            Mode::Flood => flood_child(system, args),
            _ => sustained_child(system, args),
        };
        match measure {
            Some(m) => {
                let fields: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                println!("MEASURE\t{}", fields.join("\t"));
            }
            None => println!("UNAVAILABLE"),
        }
        std::io::stdout().flush().expect("stdout");
    }

    /// How a sustained run goes.
    struct Plan {
        threads: usize,
        per_thread: u64,
        warmup: u64,
        /// Paced batches on the main thread before the run (the caller's cost), or 0.
        paced: usize,
    }

    /// A sink for ttlog that formats nothing: one newline per event into the counting
    /// writer, so the harness can count what arrived.
    struct Newline(CountingWriter);

    impl ttlog::sink::Sink for Newline {
        fn write(&mut self, _: &ttlog::Record<'_>) -> std::io::Result<()> {
            self.0.write_all(b"\n")
        }
    }

    fn sustained_child(system: System, args: &Args) -> Option<Measure> {
        let plan = Plan {
            threads: args.threads,
            per_thread: args.events / args.threads as u64,
            warmup: args.warmup,
            paced: if args.mode == Mode::Model {
                args.paced
            } else {
                0
            },
        };
        let w = CountingWriter::with_lines();
        let counts = w.counts();
        let m = match system {
            System::TtlogText => {
                let guard = setup::ttlog(w, ttlog::Overflow::Block, ttlog::DEFAULT_RING_CAPACITY);
                let mut m = drive(&plan, &counts, events::ttlog_reference, || {
                    guard.flush();
                });
                m.insert("dropped".into(), guard.dropped() as f64);
                m
            }
            System::TtlogJournal => {
                // The journal writes binary files, not lines: after each flush (which waits
                // for the journal's thread to write everything handed to it), the events its
                // stats count as written are told to the counting writer as lines, so the
                // run ends when the last event is on disk (in the page cache).
                let dir = std::env::temp_dir()
                    .join(format!("ttlog-compare-journal-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                let guard = setup::ttlog_journal(&dir, ttlog::Overflow::Block);
                let told = std::sync::Mutex::new((0u64, w));
                let mut m = drive(&plan, &counts, events::ttlog_reference, || {
                    guard.flush();
                    let written = guard.stats().sinks.last().map_or(0, |s| s.written);
                    let mut told = told.lock().expect("told");
                    let fresh = written.saturating_sub(told.0);
                    told.0 = written;
                    let newlines = vec![b'\n'; fresh as usize];
                    told.1.write_all(&newlines).expect("counting writer");
                });
                m.insert("dropped".into(), guard.dropped() as f64);
                let bytes: u64 = std::fs::read_dir(&dir)
                    .map(|d| {
                        d.flatten()
                            .filter_map(|e| e.metadata().ok())
                            .map(|md| md.len())
                            .sum()
                    })
                    .unwrap_or(0);
                m.insert("journal_bytes".into(), bytes as f64);
                drop(guard);
                let _ = std::fs::remove_dir_all(&dir);
                m
            }
            System::TtlogNoop => {
                let guard = ttlog::init()
                    .no_console()
                    .sink(Newline(w))
                    .overflow(ttlog::Overflow::Block)
                    .signals(false)
                    .init();
                let mut m = drive(&plan, &counts, events::ttlog_reference, || {
                    guard.flush();
                });
                m.insert("dropped".into(), guard.dropped() as f64);
                m
            }
            System::TracingFmt => {
                tracing::dispatcher::set_global_default(setup::tracing_fmt(w))
                    .expect("tracing global default");
                drive(&plan, &counts, events::tracing_reference, || {})
            }
            System::TracingNonBlocking if args.drain > 0 => {
                let nb = setup::tracing_non_blocking(w, false);
                tracing::dispatcher::set_global_default(nb.dispatch)
                    .expect("tracing global default");
                let m = drain(&counts, args.drain, events::tracing_reference);
                drop(nb.guard);
                m
            }
            System::TracingNonBlocking => {
                let nb = setup::tracing_non_blocking(w, false);
                tracing::dispatcher::set_global_default(nb.dispatch)
                    .expect("tracing global default");
                // Its worker writes each line as it takes it; the guard's drop is not needed
                // for the lines to arrive.
                let mut m = drive(&plan, &counts, events::tracing_reference, || {});
                m.insert("dropped".into(), nb.errors.dropped_lines() as f64);
                drop(nb.guard);
                m
            }
            System::SpdlogAsync if args.drain > 0 => {
                let logger = setup::spdlog_async_capacity(w, 2 * args.drain as usize);
                drain(&counts, args.drain, |id, ms| {
                    events::spdlog_reference(&logger, id, ms)
                })
            }
            System::SlogAsyncBlock if args.drain > 0 => {
                let slog = setup::slog_async_channel(
                    w,
                    slog_async::OverflowStrategy::Block,
                    2 * args.drain as usize,
                );
                let logger = slog.logger.clone();
                let m = drain(&counts, args.drain, |id, ms| {
                    events::slog_reference(&logger, id, ms)
                });
                drop(logger);
                drop(slog);
                m
            }
            System::SpdlogAsync => {
                let logger = setup::spdlog_async(w);
                drive(
                    &plan,
                    &counts,
                    |id, ms| events::spdlog_reference(&logger, id, ms),
                    || logger.flush(),
                )
            }
            System::SlogAsyncBlock => {
                let slog = setup::slog_async(w, slog_async::OverflowStrategy::Block);
                let logger = slog.logger.clone();
                let m = drive(
                    &plan,
                    &counts,
                    |id, ms| events::slog_reference(&logger, id, ms),
                    || {},
                );
                drop(logger);
                drop(slog);
                m
            }
            System::TtlogDrop
            | System::TracingNonBlockingLossy
            | System::SlogAsyncDropAndReport => {
                panic!("{} is a flood system: use --flood", system.arg())
            }
        };
        // Names the threads that have none of their own (spdlog-rs's pool) and the one whose
        // name the kernel cut to 15 bytes.
        let m = m
            .into_iter()
            .map(|(k, v)| {
                let k = k
                    .replace(".unnamed", ".spdlog-pool")
                    .replace(".tracing-appende", ".tracing-appender");
                (k, v)
            })
            .collect();
        Some(m)
    }

    /// Times an asynchronous system's worker threads draining a backlog: the sink is held,
    /// the caller queues one event (the worker takes it and waits in its write) and then
    /// `events` more, and once everything is queued the sink is released; each thread's CPU
    /// from the release until the sink has every line, as `drain.NAME`.
    fn drain(counts: &Counts, events: u64, log: impl Fn(u64, f64)) -> Measure {
        let base = counts.lines();
        counts.hold(true);
        log(0, 1.5);
        std::thread::sleep(Duration::from_millis(50));
        for i in 0..events {
            log(black_box(i), black_box(1.5));
        }
        std::thread::sleep(Duration::from_millis(50));
        let before = background_cpu();
        let start = Instant::now();
        counts.hold(false);
        let complete = wait_lines(counts, base + events + 1);
        let nanos = start.elapsed().as_nanos() as f64;
        let after = background_cpu();
        let mut m = Measure::new();
        m.insert("drain_events".into(), (events + 1) as f64);
        m.insert("drain_nanos".into(), nanos);
        m.insert("drain_complete".into(), f64::from(u8::from(complete)));
        for (tid, (name, ns)) in &after {
            let start = before.get(tid).map_or(0, |(_, ns)| *ns);
            *m.entry(format!("drain.{name}")).or_insert(0.0) += ns.saturating_sub(start) as f64;
        }
        m
    }

    /// One sustained run: optionally `plan.paced` paced batches on this thread; then each of
    /// `plan.threads` threads logs `plan.warmup` events, the harness waits until the sink has
    /// them, and each thread logs `plan.per_thread` more, timed from the start until the sink
    /// has counted the last line. `flush` asks the system to write what it holds (ttlog's
    /// `Guard::flush`, spdlog-rs's `flush`).
    fn drive(
        plan: &Plan,
        counts: &Counts,
        log: impl Fn(u64, f64) + Sync,
        flush: impl Fn(),
    ) -> Measure {
        let mut m = Measure::new();
        if plan.paced > 0 {
            let mut per_event = Vec::with_capacity(plan.paced);
            let mut cpu = 0;
            let mut expected = counts.lines();
            let mut complete = true;
            for _ in 0..plan.paced {
                let (c0, t0) = (own_cpu(), Instant::now());
                for i in 0..BATCH {
                    log(black_box(i as u64), black_box(1.5));
                }
                let elapsed = t0.elapsed();
                cpu += own_cpu().saturating_sub(c0);
                per_event.push(elapsed.as_nanos() as f64 / BATCH as f64);
                expected += BATCH as u64;
                flush();
                complete &= wait_lines(counts, expected);
            }
            m.insert("paced_ns".into(), median(&mut per_event));
            m.insert(
                "paced_cpu_ns".into(),
                cpu as f64 / (plan.paced * BATCH) as f64,
            );
            m.insert("paced_complete".into(), f64::from(u8::from(complete)));
        }

        let total = plan.per_thread * plan.threads as u64;
        let warmed = Barrier::new(plan.threads + 1);
        let go = Barrier::new(plan.threads + 1);
        let warm_base = counts.lines();
        let mut base = 0;
        let mut before = BTreeMap::new();
        let mut start = Instant::now();
        let mut callers = Vec::with_capacity(plan.threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..plan.threads)
                .map(|t| {
                    let (warmed, go, log) = (&warmed, &go, &log);
                    std::thread::Builder::new()
                        .name(format!("caller-{t}"))
                        .spawn_scoped(s, move || {
                            for i in 0..plan.warmup {
                                log(black_box(i), black_box(1.5));
                            }
                            warmed.wait();
                            go.wait();
                            let (c0, t0) = (own_cpu(), Instant::now());
                            for i in 0..plan.per_thread {
                                log(black_box(i), black_box(1.5));
                            }
                            (own_cpu().saturating_sub(c0), t0.elapsed())
                        })
                        .expect("spawn caller")
                })
                .collect();
            warmed.wait();
            flush();
            wait_lines(counts, warm_base + plan.warmup * plan.threads as u64);
            base = counts.lines();
            before = background_cpu();
            // Taken before the callers are let go: the run is never shorter than measured.
            start = Instant::now();
            go.wait();
            for h in handles {
                callers.push(h.join().expect("caller panicked"));
            }
        });
        flush();
        let complete = wait_lines(counts, base + total);
        let done = Instant::now();
        let after = background_cpu();

        m.insert("events".into(), total as f64);
        m.insert("nanos".into(), (done - start).as_nanos() as f64);
        m.insert("lines".into(), (counts.lines() - base) as f64);
        m.insert("complete".into(), f64::from(u8::from(complete)));
        m.insert(
            "cpu.callers".into(),
            callers.iter().map(|(cpu, _)| *cpu as f64).sum(),
        );
        m.insert(
            "callers_wall".into(),
            callers
                .iter()
                .map(|(_, wall)| wall.as_nanos() as f64)
                .fold(0.0, f64::max),
        );
        for (tid, (name, ns)) in &after {
            let start = before.get(tid).map_or(0, |(_, ns)| *ns);
            *m.entry(format!("cpu.{name}")).or_insert(0.0) += ns.saturating_sub(start) as f64;
        }
        m
    }

    fn flood_child(system: System, args: &Args) -> Option<Measure> {
        let per_thread = args.events / args.threads as u64;
        let events = per_thread * args.threads as u64;
        let w = CountingWriter::with_lines();
        let counts = w.counts();
        let (nanos, dropped, consistent) = match system {
            System::TtlogDrop => {
                let guard = ttlog::init()
                    .no_console()
                    .writer(w, ttlog::Format::Compact)
                    .signals(false)
                    .init();
                let nanos = flood_run(args.threads, per_thread, events::ttlog_reference);
                guard.flush();
                let dropped = guard.dropped();
                // Every event is a line or counted as dropped; the drop reports are lines too.
                let lines = counts.lines();
                (nanos, dropped, lines >= events - dropped)
            }
            System::TracingNonBlockingLossy => {
                let nb = setup::tracing_non_blocking(w, true);
                tracing::dispatcher::set_global_default(nb.dispatch)
                    .expect("tracing global default");
                let nanos = flood_run(args.threads, per_thread, events::tracing_reference);
                drop(nb.guard);
                let dropped = nb.errors.dropped_lines() as u64;
                (nanos, dropped, counts.lines() == events - dropped)
            }
            System::SlogAsyncDropAndReport => {
                let slog = setup::slog_async(w, slog_async::OverflowStrategy::DropAndReport);
                let logger = slog.logger.clone();
                let nanos = flood_run(args.threads, per_thread, |id, ms| {
                    events::slog_reference(&logger, id, ms)
                });
                drop(logger);
                let delivered = std::sync::Arc::clone(&slog.delivered);
                drop(slog);
                let delivered = delivered.load(std::sync::atomic::Ordering::Acquire);
                (nanos, events - delivered, counts.lines() >= delivered)
            }
            _ => panic!("{} is not a flood system", system.arg()),
        };
        let mut m = Measure::new();
        m.insert("events".into(), events as f64);
        m.insert("nanos".into(), nanos);
        m.insert("dropped".into(), dropped as f64);
        m.insert("lines".into(), counts.lines() as f64);
        m.insert("consistent".into(), f64::from(u8::from(consistent)));
        Some(m)
    }

    /// `threads` threads log `per_thread` events each, as fast as they can; the time until
    /// the last one is done, in ns.
    fn flood_run(threads: usize, per_thread: u64, log: impl Fn(u64, f64) + Sync) -> f64 {
        let go = Barrier::new(threads + 1);
        let mut start = Instant::now();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (go, log) = (&go, &log);
                    std::thread::Builder::new()
                        .name(format!("caller-{t}"))
                        .spawn_scoped(s, move || {
                            go.wait();
                            for i in 0..per_thread {
                                log(black_box(i), black_box(1.5));
                            }
                        })
                        .expect("spawn caller")
                })
                .collect();
            start = Instant::now();
            go.wait();
            for h in handles {
                h.join().expect("caller panicked");
            }
        });
        start.elapsed().as_nanos() as f64
    }

    /// Waits until `counts` has seen `lines` lines (at most 30 s); `false` if it gave up.
    fn wait_lines(counts: &Counts, lines: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while counts.lines() < lines {
            if Instant::now() > deadline {
                eprintln!(
                    "compare: gave up waiting: {} of {lines} lines arrived",
                    counts.lines()
                );
                return false;
            }
            std::thread::sleep(Duration::from_micros(50));
        }
        true
    }

    /// The CPU time of a thread (`/proc/.../schedstat`, first field), in ns.
    fn schedstat(path: &str) -> Option<u64> {
        std::fs::read_to_string(path)
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    /// This thread's CPU time, in ns (`CLOCK_THREAD_CPUTIME_ID`: exact, where a thread's
    /// own `schedstat` lags until the next tick).
    fn own_cpu() -> u64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        if rc != 0 {
            return 0;
        }
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }

    /// Every thread of this process but the main thread and the callers: its name and CPU
    /// time (ns), by thread id.
    fn background_cpu() -> BTreeMap<u64, (String, u64)> {
        let main = u64::from(std::process::id());
        let own = std::fs::read_to_string("/proc/self/comm").unwrap_or_default();
        let mut threads = BTreeMap::new();
        let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
            return threads;
        };
        for entry in dir.flatten() {
            let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse().ok()) else {
                continue;
            };
            let path = entry.path();
            let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            let name: String = name
                .trim()
                .chars()
                .map(|c| {
                    if c.is_whitespace() || c == '=' {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            if tid == main || name.starts_with("caller-") {
                continue;
            }
            // A thread nobody named inherits the process's name.
            let name = if name == own.trim() {
                "unnamed".to_string()
            } else {
                name
            };
            if let Some(ns) = schedstat(&path.join("schedstat").to_string_lossy()) {
                threads.insert(tid, (name, ns));
            }
        }
        threads
    }
}
