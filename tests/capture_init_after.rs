//! `ttlog::testing::capture()` before `init()`: init replaces the global logger, and the
//! capture keeps working (init is once per process: this file has one test;
//! `capture_init_before.rs` has the other order).

#[path = "common/all_levels.rs"]
mod all_levels;
#[path = "common/with_init.rs"]
mod with_init;

#[test]
fn init_after_capture() {
    all_levels::assert_every_level_kept();
    let logs = ttlog::testing::capture();
    let sink = with_init::Sink::default();
    let guard = with_init::init(&sink);
    with_init::check(&logs, &guard, &sink);
}
