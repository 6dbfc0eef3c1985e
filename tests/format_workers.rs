//! Formatting workers (`Builder::format_threads`, issue 15): the background sinks' lines are
//! formatted on other threads, and must still be exactly the lines, in exactly the order, a
//! sink formatting on the collector writes; flush, losses and shutdown are counted as before.
//! Each test runs in a child process of its own (one `init` per process), which prints
//! `child ok` when its checks pass.
#![cfg(unix)]

mod common;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::run_child;
use common::sinks::{Shared, Stuck};
use ttlog::sink::{format_record, Format};
use ttlog::{Overflow, Record, SpanEvents};

/// Runs this test binary's `test` as the child `role` and checks it passed.
/// A sink on the collector's thread that formats each record as it comes, with the plain
/// formatter: the order and bytes every sink had before formatting workers.
fn inline_sink(format: Format) -> (Arc<Mutex<Vec<u8>>>, impl FnMut(&Record<'_>) + Send) {
    let out = Arc::new(Mutex::new(Vec::new()));
    let into = out.clone();
    let sink = move |r: &Record<'_>| format_record(format, r, &mut into.lock().unwrap());
    (out, sink)
}

const FORMATS: [Format; 4] = [Format::Compact, Format::Full, Format::Json, Format::Logfmt];

/// Many producers, spans (with `new`/`close` lines, fields recorded later, a trace context),
/// formatted messages, and the collector's own reports (a small ring that drops, so "ttlog
/// dropped N events" lines appear among the events): every format's worker-formatted output
/// is byte for byte what a sink formatting each record on the collector got, so every line,
/// its place in the global order and each thread's order are as before.
#[test]
fn workers_write_what_the_collector_would() {
    if !common::is_child("same") {
        run_child("workers_write_what_the_collector_would", "same");
        return;
    }
    const THREADS: u64 = 8;
    const EACH: u64 = 5_000;
    let mut builder = ttlog::init()
        .no_console()
        .signals(false)
        .snapshot_dir(common::child_dir())
        .span_events(SpanEvents::NEW | SpanEvents::CLOSE)
        .ring_capacity(256)
        .overflow(Overflow::Drop)
        .format_threads(3);
    let mut pairs = Vec::new();
    for format in FORMATS {
        let worker = Shared::default();
        let (inline, sink) = inline_sink(format);
        builder = builder.writer(worker.clone(), format).sink(sink);
        pairs.push((format, worker, inline));
    }
    let guard = builder.init();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("producer-{t}"))
                .spawn(move || {
                    for i in 0..EACH {
                        if i % 100 == 0 {
                            let span = ttlog::info_span!(
                                "batch",
                                t,
                                start = i,
                                done = ttlog::field::Empty
                            );
                            let _e = span.enter();
                            ttlog::info!("in span {}", i, t, i);
                            span.record("done", &true);
                            let inner = ttlog::debug_span!("inner", k = "a b");
                            let _i = inner.enter();
                            ttlog::warn!("nested", t, i, text = "quote \" and\nnewline");
                        } else {
                            ttlog::info!(target: "app", "event", t, i, f = 0.5);
                        }
                    }
                })
                .unwrap()
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(guard.handle().flush());
    drop(guard);
    for (format, worker, inline) in pairs {
        let got = std::mem::take(&mut *worker.0.lock().unwrap());
        let want = std::mem::take(&mut *inline.lock().unwrap());
        assert!(!want.is_empty());
        if got != want {
            let (got, want) = (
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
            );
            let at = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            panic!(
                "{format:?}: line {at} differs ({} vs {} lines):\n  got  {:?}\n  want {:?}",
                got.lines().count(),
                want.lines().count(),
                got.lines().nth(at),
                want.lines().nth(at)
            );
        }
    }
    println!("child ok");
}

/// Every event of every producer arrives, each thread's in order (lossless: `Block`), with
/// four workers and several sinks.
#[test]
fn every_thread_is_in_order() {
    if !common::is_child("order") {
        run_child("every_thread_is_in_order", "order");
        return;
    }
    const THREADS: u64 = 6;
    const EACH: u64 = 20_000;
    let outs: Vec<Shared> = (0..3).map(|_| Shared::default()).collect();
    let mut builder = ttlog::init()
        .no_console()
        .signals(false)
        .snapshot_dir(common::child_dir())
        .overflow(Overflow::Block)
        .format_threads(4);
    for out in &outs {
        builder = builder.writer(out.clone(), Format::Logfmt);
    }
    let guard = builder.init();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..EACH {
                    ttlog::info!(target: "app", "event", t, i);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(guard);
    for out in &outs {
        let mut next = vec![0u64; THREADS as usize];
        for line in out.take_lines() {
            if !line.contains("target=app") {
                continue;
            }
            let num = |key: &str| -> u64 {
                let at = line.find(key).unwrap() + key.len();
                line[at..].split(' ').next().unwrap().parse().unwrap()
            };
            let (t, i) = (num(" t="), num(" i="));
            assert_eq!(i, next[t as usize], "thread {t}: {line}");
            next[t as usize] += 1;
        }
        assert!(next.iter().all(|&n| n == EACH), "{next:?}");
    }
    println!("child ok");
}

/// A writer that sleeps before taking each write (a slow disk).
#[derive(Clone, Default)]
struct Slow(Shared);

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        std::thread::sleep(Duration::from_millis(2));
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `flush` returns only when every event logged before it is written, however slow the
/// writer, and again after more events.
#[test]
fn flush_waits_for_every_event_before_it() {
    if !common::is_child("flush") {
        run_child("flush_waits_for_every_event_before_it", "flush");
        return;
    }
    let slow = Slow::default();
    let guard = ttlog::init()
        .no_console()
        .signals(false)
        .snapshot_dir(common::child_dir())
        .overflow(Overflow::Block)
        .format_threads(2)
        .writer(slow.clone(), Format::Compact)
        .init();
    let handle = guard.handle();
    let mut logged = 0;
    for round in 0..5u64 {
        let threads: Vec<_> = (0..2u64)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..3_000u64 {
                        ttlog::info!(target: "app", "event", round, t, i);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        logged += 6_000;
        assert!(handle.flush());
        let lines = slow
            .0
             .0
            .lock()
            .unwrap()
            .split(|&b| b == b'\n')
            .filter(|l| l.windows(4).any(|w| w == b"app:"))
            .count();
        assert_eq!(lines, logged, "round {round}");
        let stats = handle.stats();
        assert_eq!(stats.sinks[0].pending(), 0, "{stats:?}");
    }
    drop(guard);
    println!("child ok");
}

/// With workers: a full disk (/dev/full), a stuck writer and a healthy one, under load from
/// four threads: the healthy sink gets everything, and for each sink every event handed to it
/// is written or counted lost once the guard is dropped.
#[test]
fn losses_are_counted_with_workers() {
    if !common::is_child("losses") {
        run_child("losses_are_counted_with_workers", "losses");
        return;
    }
    const THREADS: u64 = 4;
    const EACH: u64 = 10_000;
    let healthy = Shared::default();
    let mut builder = ttlog::init()
        .no_console()
        .signals(false)
        .snapshot_dir(common::child_dir())
        .sink_stall_timeout(Duration::from_millis(100))
        .format_threads(3)
        .writer(Stuck, Format::Json)
        .writer(healthy.clone(), Format::Logfmt);
    let full = std::path::Path::new("/dev/full").exists();
    if full {
        builder = builder.file("/dev/full", Format::Logfmt);
    }
    let guard = builder.init();
    let handle = guard.handle();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..EACH {
                    ttlog::info!(target: "app", "event", t, i);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(!handle.flush_timeout(Duration::from_secs(2)));
    drop(guard);
    let stats = handle.stats();
    for sink in &stats.sinks {
        assert_eq!(sink.handed, sink.written + sink.lost, "{stats:?}");
    }
    let lines = healthy
        .take_lines()
        .iter()
        .filter(|l| l.contains("target=app"))
        .count() as u64;
    assert_eq!(lines + stats.dropped, THREADS * EACH, "{stats:?}");
    // The builder puts the file sink before the writers.
    let (stuck, healthy) = (
        &stats.sinks[usize::from(full)],
        &stats.sinks[1 + usize::from(full)],
    );
    assert!(lines <= healthy.written, "{stats:?}");
    assert_eq!(healthy.lost, 0, "{stats:?}");
    assert_eq!(stuck.written, 0, "{stats:?}");
    assert!(stuck.lost > 0, "{stats:?}");
    if full {
        assert_eq!(stats.sinks[0].written, 0, "{stats:?}");
        assert!(stats.sinks[0].lost > 0, "{stats:?}");
    }
    println!("child ok");
}

/// The guard dropped while four threads keep logging: nothing is lost without a count, and
/// what the sink wrote is what it says it wrote.
#[test]
fn shutdown_under_load_counts_everything() {
    if !common::is_child("shutdown") {
        run_child("shutdown_under_load_counts_everything", "shutdown");
        return;
    }
    let out = Shared::default();
    let guard = ttlog::init()
        .no_console()
        .signals(false)
        .snapshot_dir(common::child_dir())
        .format_threads(3)
        .writer(out.clone(), Format::Logfmt)
        .init();
    let handle = guard.handle();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    ttlog::info!(target: "app", "event", t, i);
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    drop(guard);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let stats = handle.stats();
    let sink = &stats.sinks[0];
    assert_eq!(sink.handed, sink.written + sink.lost, "{stats:?}");
    // Let a write in progress at the deadline finish before counting lines: the lines of a
    // batch written after the deadline settled the count reach the writer but were counted
    // lost (at most one batch).
    std::thread::sleep(Duration::from_millis(50));
    let lines = out.take_lines().len() as u64;
    assert!(
        lines >= sink.written && lines <= sink.written + 4096,
        "{lines} vs {stats:?}"
    );
    println!("child ok");
}
