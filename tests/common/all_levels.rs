//! The facade's tests expect a build that keeps every level: `cargo test` with no feature,
//! or `--all-features` (within each family the most verbose `max_level_*` feature wins, and
//! `release_max_level_trace` is on too). A build that compiles a level out must fail them,
//! not let them pass without checking anything; test_max_level_features covers such builds.

/// Fails unless `ttlog::STATIC_MAX_LEVEL` is `Trace`.
pub fn assert_every_level_kept() {
    assert_eq!(
        ttlog::STATIC_MAX_LEVEL,
        ttlog::LevelFilter::Trace,
        "this build compiles every level above {} out ({} build: a `max_level_*` feature, or \
         in release a `release_max_level_*` one, which then decides alone), but these tests \
         expect every level; run them with no such feature or with --all-features",
        ttlog::STATIC_MAX_LEVEL,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
}
