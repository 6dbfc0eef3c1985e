//! The build under test keeps every level. The facade's tests expect it (see
//! `common/all_levels.rs`), and CI runs them with no feature, with `--all-features` (both
//! `max_level_trace` and `release_max_level_trace` on) and, for this file, in release with
//! `--all-features`, where `release_max_level_*` alone decides. A build that compiles a level
//! out, in `ttlog-core`'s constant or in the macros' own copy of the rule, fails here.

#[path = "common/all_levels.rs"]
mod all_levels;

use ttlog::testing;
use ttlog::Level;

#[test]
fn the_static_maximum_is_trace() {
    all_levels::assert_every_level_kept();
}

#[ttlog::instrument(level = "trace")]
fn traced(n: u32) {
    ttlog::trace!("inside traced");
}

#[ttlog::trace_fn]
fn trace_fn_step() {}

/// Every macro reaches a capture at every level: the macros decide what to compile from
/// `ttlog-macros`' features, the constant from `ttlog-core`'s.
#[test]
fn every_macro_logs_at_every_level() {
    let logs = testing::capture();
    ttlog::trace!("event");
    ttlog::debug!("event");
    ttlog::info!("event");
    ttlog::warn!("event");
    ttlog::error!("event");
    ttlog::trace_span!("span").in_scope(|| ttlog::info!("in span"));
    ttlog::debug_span!("span").in_scope(|| ttlog::info!("in span"));
    ttlog::info_span!("span").in_scope(|| ttlog::info!("in span"));
    ttlog::warn_span!("span").in_scope(|| ttlog::info!("in span"));
    ttlog::error_span!("span").in_scope(|| ttlog::info!("in span"));
    traced(7);
    trace_fn_step();
    ttlog::trace_loop!("actor", "step", 1u32, 2u32, "detail");
    drop(ttlog::timer!("timed"));
    ttlog::narrate!(Trace, actor: "a", action: "b", target: "c", human: "narrated");

    let events = logs.events();
    let event_levels: Vec<Level> = events
        .iter()
        .filter(|e| e.message() == "event")
        .map(|e| e.level())
        .collect();
    assert_eq!(
        event_levels,
        Level::ALL.iter().rev().copied().collect::<Vec<_>>()
    );
    let span_levels: Vec<Option<Level>> = events
        .iter()
        .filter(|e| e.message() == "in span")
        .map(|e| e.spans().first().map(|s| s.level()))
        .collect();
    assert_eq!(
        span_levels,
        Level::ALL
            .iter()
            .rev()
            .map(|l| Some(*l))
            .collect::<Vec<_>>()
    );

    let inside = logs.assert_logged(Level::Trace, "inside traced");
    let span = inside.spans().first().map(|s| (s.name(), s.level()));
    assert_eq!(span, Some(("traced", Level::Trace)), "{inside}");
    logs.assert_logged(Level::Trace, "trace_fn_step started");
    logs.assert_logged(Level::Trace, "trace_fn_step completed");
    logs.assert_logged(Level::Trace, "step");
    logs.assert_logged(Level::Debug, "timed took");
    logs.assert_logged(Level::Trace, "narrated");
}
