//! Criterion group `disabled_event`: the reference event at DEBUG while the level is INFO,
//! in ttlog and its peers (slog compiles DEBUG out of release builds by default).
//!
//! Every system is configured exactly as in `reference_event`; nothing reaches a sink.

use criterion::{criterion_group, criterion_main, Criterion};
use ttlog_benches::events;

mod support;

struct Disabled;

impl support::Workload for Disabled {
    const GROUP: &'static str = "disabled_event";
    const ENABLED: bool = false;

    #[inline(always)]
    fn floor(id: u64, ms: f64) {
        events::floor_reference(id, ms);
    }
    #[inline(always)]
    fn ttlog(id: u64, ms: f64) {
        events::ttlog_disabled(id, ms);
    }
    #[inline(always)]
    fn tracing(id: u64, ms: f64) {
        events::tracing_disabled(id, ms);
    }
    #[inline(always)]
    fn log(id: u64, ms: f64) {
        events::log_disabled(id, ms);
    }
    #[inline(always)]
    fn slog(logger: &slog::Logger, id: u64, ms: f64) {
        events::slog_disabled(logger, id, ms);
    }
    #[inline(always)]
    fn spdlog(logger: &spdlog::Logger, id: u64, ms: f64) {
        events::spdlog_disabled(logger, id, ms);
    }
}

fn disabled_event(c: &mut Criterion) {
    support::event_group::<Disabled>(c);
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = disabled_event
}
criterion_main!(benches);
