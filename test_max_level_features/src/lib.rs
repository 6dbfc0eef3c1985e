//! Checks that ttlog's `max_level_*` and `release_max_level_*` features remove disabled
//! levels at compile time. See `tests/compiled_out.rs`.
