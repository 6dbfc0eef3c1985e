//! `--sustained`, `--flood` and `--model`, a child's side: one system, measured.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use ttlog_benches::{events, setup, CountingWriter, Counts};

use crate::args::{Args, Mode, BATCH};
use crate::systems::*;
use crate::tables::median;

pub(crate) fn child(system: System, mode: Mode, args: &Args) {
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
pub(crate) struct Plan {
    threads: usize,
    per_thread: u64,
    warmup: u64,
    /// Paced batches on the main thread before the run (the caller's cost), or 0.
    paced: usize,
}

/// A sink for ttlog that formats nothing: one newline per event into the counting
/// writer, so the harness can count what arrived.
pub(crate) struct Newline(CountingWriter);

impl ttlog::sink::Sink for Newline {
    fn write(&mut self, _: &ttlog::Record<'_>) -> std::io::Result<()> {
        self.0.write_all(b"\n")
    }
}

pub(crate) fn sustained_child(system: System, args: &Args) -> Option<Measure> {
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
            let dir =
                std::env::temp_dir().join(format!("ttlog-compare-journal-{}", std::process::id()));
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
            tracing::dispatcher::set_global_default(nb.dispatch).expect("tracing global default");
            let m = drain(&counts, args.drain, events::tracing_reference);
            drop(nb.guard);
            m
        }
        System::TracingNonBlocking => {
            let nb = setup::tracing_non_blocking(w, false);
            tracing::dispatcher::set_global_default(nb.dispatch).expect("tracing global default");
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
        System::TtlogDrop | System::TracingNonBlockingLossy | System::SlogAsyncDropAndReport => {
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
pub(crate) fn drain(counts: &Counts, events: u64, log: impl Fn(u64, f64)) -> Measure {
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
pub(crate) fn drive(
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

pub(crate) fn flood_child(system: System, args: &Args) -> Option<Measure> {
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
            tracing::dispatcher::set_global_default(nb.dispatch).expect("tracing global default");
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
pub(crate) fn flood_run(threads: usize, per_thread: u64, log: impl Fn(u64, f64) + Sync) -> f64 {
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
pub(crate) fn wait_lines(counts: &Counts, lines: u64) -> bool {
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
pub(crate) fn schedstat(path: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// This thread's CPU time, in ns (`CLOCK_THREAD_CPUTIME_ID`: exact, where a thread's
/// own `schedstat` lags until the next tick).
pub(crate) fn own_cpu() -> u64 {
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
pub(crate) fn background_cpu() -> BTreeMap<u64, (String, u64)> {
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
