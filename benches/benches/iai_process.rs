//! iai-callgrind: whole-process instructions per event (producer and consumer threads) for
//! ttlog (Compact text, `Overflow::Block`, default ring) against tracing's `fmt` subscriber,
//! both writing to a counting sink.
//!
//! Callgrind counts every thread from the start of the process here (no entry point), so a
//! run includes start-up, setup and shutdown. Each system is run with 1,000 and with 11,000
//! reference events; instructions per event are
//! `(Instructions(11000) - Instructions(1000)) / 10000`, which cancels everything that does
//! not depend on the number of events. ttlog's measured function ends with `Guard::flush`,
//! so its collector has formatted and written every event before the function returns, and
//! it asserts that nothing was dropped.
//!
//! Run with `bash benches/setup.sh && cargo bench -p ttlog-benches --bench iai_process`.

// iai-callgrind's macros generate public modules and items without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use iai_callgrind::{
    library_benchmark, library_benchmark_group, main, Callgrind, EntryPoint, LibraryBenchmarkConfig,
};
use ttlog_benches::{events, setup, CountingWriter, Counts};

/// A system installed for `n` events, and its sink's totals.
struct Run {
    n: u64,
    counts: Arc<Counts>,
    guard: Option<ttlog::Guard>,
}

fn ttlog_block(n: u64) -> Run {
    let w = CountingWriter::new();
    let counts = w.counts();
    let guard = setup::ttlog(w, ttlog::Overflow::Block, ttlog::DEFAULT_RING_CAPACITY);
    Run {
        n,
        counts,
        guard: Some(guard),
    }
}

fn tracing_fmt(n: u64) -> Run {
    let w = CountingWriter::new();
    let counts = w.counts();
    tracing::dispatcher::set_global_default(setup::tracing_fmt(w)).expect("global default");
    Run {
        n,
        counts,
        guard: None,
    }
}

#[library_benchmark(
    config = LibraryBenchmarkConfig::default()
        .tool(Callgrind::default().entry_point(EntryPoint::None))
)]
#[bench::n1000(ttlog_block(1000))]
#[bench::n11000(ttlog_block(11000))]
fn ttlog_compact_block(run: Run) -> Run {
    for i in 0..run.n {
        events::ttlog_reference(black_box(i), black_box(1.5));
    }
    let guard = run.guard.as_ref().expect("ttlog guard");
    assert!(guard.flush(), "ttlog flush timed out");
    assert_eq!(guard.dropped(), 0, "Overflow::Block dropped events");
    assert!(run.counts.bytes() > 0);
    run
}

#[library_benchmark(
    config = LibraryBenchmarkConfig::default()
        .tool(Callgrind::default().entry_point(EntryPoint::None))
)]
#[bench::n1000(tracing_fmt(1000))]
#[bench::n11000(tracing_fmt(11000))]
fn tracing_fmt_sync(run: Run) -> Run {
    for i in 0..run.n {
        events::tracing_reference(black_box(i), black_box(1.5));
    }
    assert!(run.counts.bytes() > 0);
    run
}

library_benchmark_group!(
    name = process;
    benchmarks = ttlog_compact_block, tracing_fmt_sync
);

main!(library_benchmark_groups = process);
