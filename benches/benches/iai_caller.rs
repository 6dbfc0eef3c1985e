//! iai-callgrind: caller-thread instructions for 1000 events of each workload, per system.
//!
//! Each benchmark runs in its own process under callgrind. Its setup (not measured) installs
//! one system and logs 100 warm-up events of the workload; the measured function then logs
//! 1000 more, so instructions per event are the reported `Instructions` / 1000. Only the
//! benchmark function's thread is counted (iai-callgrind's default entry point toggles
//! collection on that function): background writers (ttlog's collector, tracing-appender's
//! worker, slog-async's and spdlog-rs's threads) are not part of these numbers; see
//! `iai_process` for the whole process. Tracing subscribers are installed as the global
//! default here (one system per process). ttlog: `Overflow::Drop` with a 4096-event ring,
//! so 1100 events never fill it (nor 1100 spans: four records, 160 bytes of ring each).
//! `disabled_span_x1000` creates and enters a DEBUG span under INFO: it should cost what a
//! disabled event does.
//!
//! Run with `bash benches/setup.sh && cargo bench -p ttlog-benches --bench iai_caller`.

// iai-callgrind's macros generate public modules and items without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use iai_callgrind::{library_benchmark, library_benchmark_group, main};
use ttlog_benches::events::{self, Method, CLIENT};
use ttlog_benches::{setup, CountingWriter};

/// Events per measured call.
const EVENTS: u64 = 1000;
/// Events logged by the setup before measuring.
const WARM_UP: u64 = 100;

#[derive(Clone, Copy)]
enum Workload {
    Reference,
    DisplayDebug,
    Disabled,
    Span,
    DisabledSpan,
}

/// One system, installed, with what keeps it running.
#[allow(dead_code)] // the fields are held only to keep the systems alive
enum System {
    Floor,
    Ttlog(ttlog::Guard),
    TracingNop,
    TracingFmt,
    TracingNonBlocking(setup::NonBlocking),
    Log,
    Slog(setup::SlogAsync),
    Spdlog(Arc<spdlog::Logger>),
    Fastrace,
}

fn install(name: &str, workload: Workload) -> System {
    let system = match name {
        "floor" => System::Floor,
        "ttlog" => System::Ttlog(setup::ttlog(
            CountingWriter::new(),
            ttlog::Overflow::Drop,
            4096,
        )),
        "tracing_nop" => {
            tracing::dispatcher::set_global_default(setup::tracing_nop()).expect("global");
            System::TracingNop
        }
        "tracing_fmt" => {
            let d = setup::tracing_fmt(CountingWriter::new());
            tracing::dispatcher::set_global_default(d).expect("global");
            System::TracingFmt
        }
        "tracing_non_blocking" => {
            let nb = setup::tracing_non_blocking(CountingWriter::new(), true);
            tracing::dispatcher::set_global_default(nb.dispatch.clone()).expect("global");
            System::TracingNonBlocking(nb)
        }
        "log_env_logger" => {
            setup::env_logger(CountingWriter::new());
            System::Log
        }
        "slog_async" => System::Slog(setup::slog_async(
            CountingWriter::new(),
            slog_async::OverflowStrategy::DropAndReport,
        )),
        "spdlog_async" => System::Spdlog(setup::spdlog_async(CountingWriter::new())),
        "fastrace" => {
            let _ = setup::fastrace_reporter();
            System::Fastrace
        }
        other => panic!("unknown system {other}"),
    };
    log_events(&system, workload, WARM_UP);
    system
}

/// Logs `n` events of `workload` through `system`.
fn log_events(system: &System, workload: Workload, n: u64) {
    let (ms, client, method) = (black_box(1.5), black_box(CLIENT), black_box(Method::Get));
    match (system, workload) {
        (System::Floor, _) => (0..n).for_each(|i| events::floor_reference(black_box(i), ms)),
        (System::Ttlog(_), Workload::Reference) => {
            (0..n).for_each(|i| events::ttlog_reference(black_box(i), ms))
        }
        (System::Ttlog(_), Workload::DisplayDebug) => {
            (0..n).for_each(|i| events::ttlog_display_debug(black_box(i), ms, client, method))
        }
        (System::Ttlog(_), Workload::Disabled) => {
            (0..n).for_each(|i| events::ttlog_disabled(black_box(i), ms))
        }
        (
            System::TracingNop | System::TracingFmt | System::TracingNonBlocking(_),
            Workload::Reference,
        ) => (0..n).for_each(|i| events::tracing_reference(black_box(i), ms)),
        (
            System::TracingNop | System::TracingFmt | System::TracingNonBlocking(_),
            Workload::DisplayDebug,
        ) => (0..n).for_each(|i| events::tracing_display_debug(black_box(i), ms, client, method)),
        (
            System::TracingNop | System::TracingFmt | System::TracingNonBlocking(_),
            Workload::Disabled,
        ) => (0..n).for_each(|i| events::tracing_disabled(black_box(i), ms)),
        (System::TracingNop | System::TracingFmt, Workload::Span) => {
            (0..n).for_each(|i| events::tracing_span(black_box(i)))
        }
        (System::TracingNop | System::TracingFmt, Workload::DisabledSpan) => {
            (0..n).for_each(|i| events::tracing_disabled_span(black_box(i)))
        }
        (System::Ttlog(_), Workload::Span) => (0..n).for_each(|i| events::ttlog_span(black_box(i))),
        (System::Ttlog(_), Workload::DisabledSpan) => {
            (0..n).for_each(|i| events::ttlog_disabled_span(black_box(i)))
        }
        (System::Log, Workload::Reference) => {
            (0..n).for_each(|i| events::log_reference(black_box(i), ms))
        }
        (System::Log, Workload::DisplayDebug) => {
            (0..n).for_each(|i| events::log_display_debug(black_box(i), ms, client, method))
        }
        (System::Log, Workload::Disabled) => {
            (0..n).for_each(|i| events::log_disabled(black_box(i), ms))
        }
        (System::Slog(s), Workload::Reference) => {
            (0..n).for_each(|i| events::slog_reference(&s.logger, black_box(i), ms))
        }
        (System::Slog(s), Workload::DisplayDebug) => (0..n)
            .for_each(|i| events::slog_display_debug(&s.logger, black_box(i), ms, client, method)),
        (System::Slog(s), Workload::Disabled) => {
            (0..n).for_each(|i| events::slog_disabled(&s.logger, black_box(i), ms))
        }
        (System::Spdlog(l), Workload::Reference) => {
            (0..n).for_each(|i| events::spdlog_reference(l, black_box(i), ms))
        }
        (System::Spdlog(l), Workload::DisplayDebug) => {
            (0..n).for_each(|i| events::spdlog_display_debug(l, black_box(i), ms, client, method))
        }
        (System::Spdlog(l), Workload::Disabled) => {
            (0..n).for_each(|i| events::spdlog_disabled(l, black_box(i), ms))
        }
        (System::Fastrace, Workload::Span) => {
            // The root's end (which hands the batch to fastrace's collector) is measured too.
            let parent = setup::fastrace_parent();
            (0..n).for_each(|i| events::fastrace_span(black_box(i)));
            drop(parent);
        }
        _ => panic!("this system does not run this workload"),
    }
}

#[library_benchmark]
#[bench::floor(install("floor", Workload::Reference))]
#[bench::ttlog(install("ttlog", Workload::Reference))]
#[bench::tracing_nop(install("tracing_nop", Workload::Reference))]
#[bench::tracing_fmt(install("tracing_fmt", Workload::Reference))]
#[bench::tracing_non_blocking(install("tracing_non_blocking", Workload::Reference))]
#[bench::log_env_logger(install("log_env_logger", Workload::Reference))]
#[bench::slog_async(install("slog_async", Workload::Reference))]
#[bench::spdlog_async(install("spdlog_async", Workload::Reference))]
fn reference_x1000(system: System) -> System {
    log_events(&system, Workload::Reference, EVENTS);
    system
}

#[library_benchmark]
#[bench::ttlog(install("ttlog", Workload::DisplayDebug))]
#[bench::tracing_nop(install("tracing_nop", Workload::DisplayDebug))]
#[bench::tracing_fmt(install("tracing_fmt", Workload::DisplayDebug))]
#[bench::tracing_non_blocking(install("tracing_non_blocking", Workload::DisplayDebug))]
#[bench::log_env_logger(install("log_env_logger", Workload::DisplayDebug))]
#[bench::slog_async(install("slog_async", Workload::DisplayDebug))]
#[bench::spdlog_async(install("spdlog_async", Workload::DisplayDebug))]
fn display_debug_x1000(system: System) -> System {
    log_events(&system, Workload::DisplayDebug, EVENTS);
    system
}

#[library_benchmark]
#[bench::ttlog(install("ttlog", Workload::Disabled))]
#[bench::tracing_nop(install("tracing_nop", Workload::Disabled))]
#[bench::tracing_fmt(install("tracing_fmt", Workload::Disabled))]
#[bench::log_env_logger(install("log_env_logger", Workload::Disabled))]
#[bench::slog_async(install("slog_async", Workload::Disabled))]
#[bench::spdlog_async(install("spdlog_async", Workload::Disabled))]
fn disabled_x1000(system: System) -> System {
    log_events(&system, Workload::Disabled, EVENTS);
    system
}

#[library_benchmark]
#[bench::ttlog(install("ttlog", Workload::Span))]
#[bench::tracing_nop(install("tracing_nop", Workload::Span))]
#[bench::tracing_fmt(install("tracing_fmt", Workload::Span))]
#[bench::fastrace(install("fastrace", Workload::Span))]
fn span_x1000(system: System) -> System {
    log_events(&system, Workload::Span, EVENTS);
    system
}

#[library_benchmark]
#[bench::ttlog(install("ttlog", Workload::DisabledSpan))]
#[bench::tracing_nop(install("tracing_nop", Workload::DisabledSpan))]
#[bench::tracing_fmt(install("tracing_fmt", Workload::DisabledSpan))]
fn disabled_span_x1000(system: System) -> System {
    log_events(&system, Workload::DisabledSpan, EVENTS);
    system
}

library_benchmark_group!(
    name = caller;
    benchmarks = reference_x1000, display_debug_x1000, disabled_x1000, span_x1000,
        disabled_span_x1000
);

main!(library_benchmark_groups = caller);
