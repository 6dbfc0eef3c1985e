//! `flood`: ttlog's peak memory under a flood of events.
//!
//! ```text
//! cargo run --release -p ttlog-benches --bin flood -- [--threads N] [--events TOTAL] [--churn T]
//! ```
//!
//! With `--churn T`, the events come from T short-lived threads, N alive at a time (thread
//! churn): the drain time after the producers end shows whether the collector's cost grows
//! with the number of threads that ever logged.
//!
//! Starts ttlog with `Overflow::Drop`, the default segment, recorder and budget sizes and
//! Compact text into a [`CountingWriter`], then has N threads log TOTAL reference events
//! (default 10 million) as fast as they can. Prints the peak resident memory (`VmHWM` from
//! `/proc/self/status`) against the budget every thread's log lives in
//! ([`ttlog::DEFAULT_BUDGET`]); the target is the budget plus 16 MiB.

use std::hint::black_box;

use ttlog_benches::{events, setup, CountingWriter};

const MIB: f64 = 1024.0 * 1024.0;

/// Reads a `Vm*` line of `/proc/self/status`, in bytes.
fn vm(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn main() {
    let mut threads = 1usize;
    let mut total = 10_000_000u64;
    let mut churn = 0u64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--threads" => threads = it.next().and_then(|v| v.parse().ok()).expect("--threads N"),
            "--events" => total = it.next().and_then(|v| v.parse().ok()).expect("--events N"),
            "--churn" => churn = it.next().and_then(|v| v.parse().ok()).expect("--churn T"),
            other => {
                panic!("unknown argument {other:?}; use [--threads N] [--events TOTAL] [--churn T]")
            }
        }
    }
    let before = vm("VmHWM:").unwrap_or(0);
    let ring = ttlog::DEFAULT_RING_CAPACITY.next_power_of_two();
    let capacity = ttlog::DEFAULT_CAPACITY;
    let w = CountingWriter::with_lines();
    let counts = w.counts();
    let guard = setup::ttlog(w, ttlog::Overflow::Drop, ring);
    let start = std::time::Instant::now();
    let (waves, per_thread) = if churn > 0 {
        (churn / threads as u64, total / churn)
    } else {
        (1, total / threads as u64)
    };
    for _ in 0..waves {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for i in 0..per_thread {
                        events::ttlog_reference(black_box(i), black_box(1.5));
                    }
                });
            }
        });
    }
    let produced = start.elapsed();
    guard.flush();
    let elapsed = start.elapsed();
    let drain = elapsed - produced;
    let peak = vm("VmHWM:").unwrap_or(0);
    // Once the collector has read the burst, the logs give their segments back to the pool,
    // and the pool gives their memory back to the system (all but a few warm segments).
    guard.flush();
    let after = vm("VmRSS:").unwrap_or(0);
    let event = std::mem::size_of::<ttlog::LogEvent>() as u64;
    // Every thread's log (its recorder window and its backlog) is in one pool of
    // `DEFAULT_BUDGET` bytes, a file mapping whose pages count as they are touched.
    let ring_bytes = (ring * ttlog::RING_BYTES_PER_EVENT).next_power_of_two() as u64;
    let budget = ttlog::DEFAULT_BUDGET as u64;
    let limit = budget as f64 + 16.0 * MIB;
    let logged = waves * threads as u64 * per_thread;
    println!("| measure | value |");
    println!("| --- | ---: |");
    println!("| threads | {threads} |");
    if churn > 0 {
        println!(
            "| short-lived threads, in all | {} |",
            waves * threads as u64
        );
    }
    println!("| events logged | {logged} |");
    println!("| dropped (`Guard::dropped`) | {} |", guard.dropped());
    println!("| bytes written | {} |", counts.bytes());
    // Every event is a line, or counted as dropped; the drop reports are lines too.
    let lines = counts.lines();
    println!("| lines written (events and drop reports) | {lines} |");
    println!(
        "| every event delivered or counted | {} |",
        // At most one drop report per collector turn; far fewer than the events.
        if lines >= logged - guard.dropped() && lines - (logged - guard.dropped()) < 100_000 {
            "yes"
        } else {
            "NO"
        }
    );
    println!("| wall time | {:.2} s |", elapsed.as_secs_f64());
    println!(
        "| drain after the producers ended | {:.2} s |",
        drain.as_secs_f64()
    );
    println!("| size_of::<LogEvent>() | {event} B |");
    println!("| segment bytes | {ring_bytes} B |");
    println!("| recorder capacity per thread | {capacity} events |");
    println!(
        "| budget (every thread's log) | {:.2} MiB |",
        budget as f64 / MIB
    );
    println!("| VmHWM before init | {:.2} MiB |", before as f64 / MIB);
    println!(
        "| VmRSS once the burst is read | {:.2} MiB |",
        after as f64 / MIB
    );
    println!(
        "| VmHWM after the flood (peak) | {:.2} MiB |",
        peak as f64 / MIB
    );
    println!(
        "| peak ≤ budget + 16 MiB ({:.2} MiB) | {} |",
        limit / MIB,
        if (peak as f64) <= limit { "yes" } else { "NO" }
    );
    drop(guard);
}
