//! Criterion group `display_debug_event`: the reference event plus `client = %<Ipv4Addr>` and
//! `method = ?<Method>`, formatted on the calling thread, in ttlog and its peers.
//!
//! ttlog runs with `Overflow::Drop` and a 65,536-event ring while its collector drains in the
//! background; the drops (if the collector falls behind) are printed after the benchmark.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ttlog_benches::events;

mod support;

struct DisplayDebug;

impl support::Workload for DisplayDebug {
    const GROUP: &'static str = "display_debug_event";
    const ENABLED: bool = true;

    #[inline(always)]
    fn floor(id: u64, ms: f64) {
        events::floor_reference(id, ms); // the floor has no formatted values
    }
    #[inline(always)]
    fn ttlog(id: u64, ms: f64) {
        events::ttlog_display_debug(
            id,
            ms,
            black_box(events::CLIENT),
            black_box(events::Method::Get),
        );
    }
    #[inline(always)]
    fn tracing(id: u64, ms: f64) {
        events::tracing_display_debug(
            id,
            ms,
            black_box(events::CLIENT),
            black_box(events::Method::Get),
        );
    }
    #[inline(always)]
    fn log(id: u64, ms: f64) {
        events::log_display_debug(
            id,
            ms,
            black_box(events::CLIENT),
            black_box(events::Method::Get),
        );
    }
    #[inline(always)]
    fn slog(logger: &slog::Logger, id: u64, ms: f64) {
        events::slog_display_debug(
            logger,
            id,
            ms,
            black_box(events::CLIENT),
            black_box(events::Method::Get),
        );
    }
    #[inline(always)]
    fn spdlog(logger: &spdlog::Logger, id: u64, ms: f64) {
        events::spdlog_display_debug(
            logger,
            id,
            ms,
            black_box(events::CLIENT),
            black_box(events::Method::Get),
        );
    }
}

fn display_debug_event(c: &mut Criterion) {
    support::event_group::<DisplayDebug>(c);
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = display_debug_event
}
criterion_main!(benches);
