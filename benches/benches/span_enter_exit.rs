//! Criterion group `span_enter_exit`: create, enter, exit and close a span with one field.
//!
//! ttlog runs with `Overflow::Drop` and a 65,536-event ring while its collector drains in the
//! background (every span is four ring records: new with its field, enter, exit and close); the drops are printed after the benchmark.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use ttlog_benches::{events, setup, CountingWriter};

mod support;

/// fastrace collects local spans under a root and reports them when the root ends: each
/// batch of this many spans gets a fresh root, and the batch's root costs are included.
const FASTRACE_BATCH: u64 = 1000;

/// Spans per timed chunk of `ttlog_delivered` (four records each, well within the ring).
const DELIVERED_CHUNK: u64 = 1000;

fn span_enter_exit(c: &mut Criterion) {
    let mut group = c.benchmark_group("span_enter_exit");

    {
        let guard = setup::ttlog(CountingWriter::new(), ttlog::Overflow::Drop, 65_536);
        // Spans back to back, as fast as the caller can: the collector falls behind and the
        // ring drops (counted, printed below), so this includes the cost of dropping.
        let before = guard.dropped();
        group.bench_function("ttlog", |b| b.iter(|| events::ttlog_span(black_box(42))));
        eprintln!("ttlog: {} span records dropped", guard.dropped() - before);
        // Chunks of spans that fit the ring, with the collector drained between chunks
        // (not timed): the caller's cost when every record is delivered.
        let before = guard.dropped();
        group.bench_function("ttlog_delivered", |b| {
            b.iter_custom(|iters| {
                let mut elapsed = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let n = left.min(DELIVERED_CHUNK);
                    let start = Instant::now();
                    for _ in 0..n {
                        events::ttlog_span(black_box(42));
                    }
                    elapsed += start.elapsed();
                    left -= n;
                    guard.flush();
                }
                elapsed
            })
        });
        eprintln!(
            "ttlog (delivered chunks): {} span records dropped",
            guard.dropped() - before
        );
    }

    let nop = setup::tracing_nop();
    tracing::dispatcher::with_default(&nop, || {
        group.bench_function("tracing_nop", |b| {
            b.iter(|| events::tracing_span(black_box(42)))
        });
    });

    let fmt = setup::tracing_fmt(CountingWriter::new());
    tracing::dispatcher::with_default(&fmt, || {
        group.bench_function("tracing_fmt", |b| {
            b.iter(|| events::tracing_span(black_box(42)))
        });
    });

    let spans = setup::fastrace_reporter();
    group.bench_function("fastrace", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(FASTRACE_BATCH);
                let start = Instant::now();
                let parent = setup::fastrace_parent();
                for _ in 0..n {
                    events::fastrace_span(black_box(42));
                }
                drop(parent);
                elapsed += start.elapsed();
                left -= n;
            }
            elapsed
        })
    });
    fastrace::flush();
    eprintln!(
        "fastrace: {} spans reported",
        spans.load(std::sync::atomic::Ordering::Relaxed)
    );

    group.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = span_enter_exit
}
criterion_main!(benches);
