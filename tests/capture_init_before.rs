//! `ttlog::testing::capture()` after `init()` (init is once per process: this file has one
//! test; `capture_init_after.rs` has the other order).

#[path = "common/with_init.rs"]
mod with_init;

#[test]
fn capture_after_init() {
    if !ttlog::STATIC_MAX_LEVEL.enables(ttlog::Level::Info) {
        return; // INFO is compiled out by a `max_level_*` feature.
    }
    let sink = with_init::Sink::default();
    let guard = with_init::init(&sink);
    let logs = ttlog::testing::capture();
    with_init::check(&logs, &guard, &sink);
}
