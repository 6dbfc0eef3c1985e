//! Criterion group `reference_event`: the caller-side cost of the reference event (INFO,
//! "request handled", `user_id`, `path`, `latency_ms`, `ok`) in ttlog and its peers.
//!
//! ttlog runs with `Overflow::Drop` and a 65,536-event ring while its collector drains in the
//! background; the drops (if the collector falls behind) are printed after the benchmark.

use criterion::{criterion_group, criterion_main, Criterion};
use ttlog_benches::events;

mod support;

struct Reference;

impl support::Workload for Reference {
    const GROUP: &'static str = "reference_event";
    const ENABLED: bool = true;

    #[inline(always)]
    fn floor(id: u64, ms: f64) {
        events::floor_reference(id, ms);
    }
    #[inline(always)]
    fn ttlog(id: u64, ms: f64) {
        events::ttlog_reference(id, ms);
    }
    #[inline(always)]
    fn tracing(id: u64, ms: f64) {
        events::tracing_reference(id, ms);
    }
    #[inline(always)]
    fn log(id: u64, ms: f64) {
        events::log_reference(id, ms);
    }
    #[inline(always)]
    fn slog(logger: &slog::Logger, id: u64, ms: f64) {
        events::slog_reference(logger, id, ms);
    }
    #[inline(always)]
    fn spdlog(logger: &spdlog::Logger, id: u64, ms: f64) {
        events::spdlog_reference(logger, id, ms);
    }
}

fn reference_event(c: &mut Criterion) {
    support::event_group::<Reference>(c);
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = reference_event
}
criterion_main!(benches);
