//! `ttlog::testing::capture()` after `init()` (init is once per process: this file has one
//! test; `capture_init_after.rs` has the other order).

#[path = "common/all_levels.rs"]
mod all_levels;
#[path = "common/with_init.rs"]
mod with_init;

#[test]
fn capture_after_init() {
    all_levels::assert_every_level_kept();
    let sink = with_init::Sink::default();
    let guard = with_init::init(&sink);
    let logs = ttlog::testing::capture();
    with_init::check(&logs, &guard, &sink);
}
