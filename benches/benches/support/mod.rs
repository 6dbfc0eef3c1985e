//! Setup shared by the criterion benches: one configuration, the inputs, and drop reports.
//!
//! Each bench file is one workload and one criterion group, with ttlog beside its peers.
//! Systems are built by `ttlog_benches::setup`; their text goes to a `CountingWriter`.

#![allow(dead_code)] // each bench file uses a different part of this module

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use ttlog_benches::{setup, CountingWriter};

/// Events each thread's ttlog ring holds in the criterion benches (the caller-side numbers
/// are with `Overflow::Drop`; drops are printed after each ttlog benchmark).
pub const TTLOG_RING: usize = 1 << 16;

/// Short runs: the whole suite must finish in a few minutes on a shared 2-core machine.
pub fn criterion() -> Criterion {
    Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(20)
        .configure_from_args()
}

/// The reference event's varying values, hidden from the optimiser.
#[inline(always)]
pub fn inputs() -> (u64, f64) {
    (black_box(42), black_box(1.5))
}

/// Times `iters` calls of `f`, adding them to `logged` so drops can be reported against it.
pub fn timed(iters: u64, logged: &Cell<u64>, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let elapsed = start.elapsed();
    logged.set(logged.get() + iters);
    elapsed
}

/// Events per timed chunk of the `ttlog_delivered` benchmark (well under the ring's size).
const DELIVERED_CHUNK: u64 = 1000;

/// Prints how many of `logged` events a lossy system dropped during its benchmark.
pub fn report_drops(system: &str, logged: u64, dropped: u64) {
    let pct = if logged == 0 {
        0.0
    } else {
        100.0 * dropped as f64 / logged as f64
    };
    eprintln!("{system}: {logged} events logged, {dropped} dropped ({pct:.2}%)");
}

/// One workload as each system logs it; a bench file implements it and calls
/// [`event_group`].
pub trait Workload {
    /// The criterion group's name.
    const GROUP: &'static str;
    /// Whether the event is enabled: the floor and the drop reports apply only then.
    const ENABLED: bool;
    /// The floor's version of the event.
    fn floor(id: u64, ms: f64);
    /// ttlog's.
    fn ttlog(id: u64, ms: f64);
    /// tracing's (any subscriber).
    fn tracing(id: u64, ms: f64);
    /// log's.
    fn log(id: u64, ms: f64);
    /// slog's.
    fn slog(logger: &slog::Logger, id: u64, ms: f64);
    /// spdlog-rs's.
    fn spdlog(logger: &spdlog::Logger, id: u64, ms: f64);
}

/// Benchmarks `W` in every system, in one criterion group, and prints the drops of the lossy
/// ones. Installs ttlog and env_logger globally, so it runs once per process.
pub fn event_group<W: Workload>(c: &mut Criterion) {
    let mut group = c.benchmark_group(W::GROUP);

    if W::ENABLED {
        group.bench_function("floor", |b| {
            b.iter(|| {
                let (id, ms) = inputs();
                W::floor(id, ms);
            })
        });
    }

    let logged = Cell::new(0);
    let guard = setup::ttlog(CountingWriter::new(), ttlog::Overflow::Drop, TTLOG_RING);
    group.bench_function("ttlog", |b| {
        b.iter_custom(|iters| {
            timed(iters, &logged, || {
                let (id, ms) = inputs();
                W::ttlog(id, ms);
            })
        })
    });
    guard.flush();
    if W::ENABLED {
        report_drops("ttlog (Drop)", logged.get(), guard.dropped());
    }

    // The same calls, timed in chunks of `DELIVERED_CHUNK` with the collector drained (untimed)
    // between chunks: the cost of events that reach the ring, which a flood (above) mixes
    // with the cost of dropping.
    let logged = Cell::new(0);
    let dropped_before = guard.dropped();
    group.bench_function("ttlog_delivered", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(DELIVERED_CHUNK);
                total += timed(n, &logged, || {
                    let (id, ms) = inputs();
                    W::ttlog(id, ms);
                });
                left -= n;
                guard.flush();
            }
            total
        })
    });
    if W::ENABLED {
        report_drops(
            "ttlog (delivered chunks)",
            logged.get(),
            guard.dropped() - dropped_before,
        );
    }

    let nop = setup::tracing_nop();
    tracing::dispatcher::with_default(&nop, || {
        group.bench_function("tracing_nop", |b| {
            b.iter(|| {
                let (id, ms) = inputs();
                W::tracing(id, ms);
            })
        });
    });

    let fmt = setup::tracing_fmt(CountingWriter::new());
    tracing::dispatcher::with_default(&fmt, || {
        group.bench_function("tracing_fmt", |b| {
            b.iter(|| {
                let (id, ms) = inputs();
                W::tracing(id, ms);
            })
        });
    });

    let logged = Cell::new(0);
    let nb = setup::tracing_non_blocking(CountingWriter::new(), true);
    tracing::dispatcher::with_default(&nb.dispatch, || {
        group.bench_function("tracing_non_blocking", |b| {
            b.iter_custom(|iters| {
                timed(iters, &logged, || {
                    let (id, ms) = inputs();
                    W::tracing(id, ms);
                })
            })
        });
    });
    if W::ENABLED {
        report_drops(
            "tracing non_blocking (lossy)",
            logged.get(),
            nb.errors.dropped_lines() as u64,
        );
    }
    drop(nb);

    setup::env_logger(CountingWriter::new());
    group.bench_function("log_env_logger", |b| {
        b.iter(|| {
            let (id, ms) = inputs();
            W::log(id, ms);
        })
    });

    let logged = Cell::new(0);
    let slog = setup::slog_async(
        CountingWriter::new(),
        slog_async::OverflowStrategy::DropAndReport,
    );
    group.bench_function("slog_async", |b| {
        b.iter_custom(|iters| {
            timed(iters, &logged, || {
                let (id, ms) = inputs();
                W::slog(&slog.logger, id, ms);
            })
        })
    });
    let delivered = std::sync::Arc::clone(&slog.delivered);
    drop(slog);
    if W::ENABLED {
        let delivered = delivered.load(std::sync::atomic::Ordering::Relaxed);
        report_drops(
            "slog-async (DropAndReport)",
            logged.get(),
            logged.get().saturating_sub(delivered),
        );
    }

    let spdlog = setup::spdlog_async(CountingWriter::new());
    group.bench_function("spdlog_async", |b| {
        b.iter(|| {
            let (id, ms) = inputs();
            W::spdlog(&spdlog, id, ms);
        })
    });
    spdlog.flush();

    group.finish();
}
