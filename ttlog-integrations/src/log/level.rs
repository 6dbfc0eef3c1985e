//! Level mapping between `log` and ttlog.
//!
//! `log` and ttlog have the same five levels in the same order, so every mapping is one to
//! one and loses nothing.

use ttlog_core::{Level, LevelFilter};

/// ttlog's level for a `log` level.
#[inline]
pub(super) fn from_log_level(level: ::log::Level) -> Level {
    match level {
        ::log::Level::Error => Level::Error,
        ::log::Level::Warn => Level::Warn,
        ::log::Level::Info => Level::Info,
        ::log::Level::Debug => Level::Debug,
        ::log::Level::Trace => Level::Trace,
    }
}

/// `log`'s level for a ttlog level.
#[inline]
pub(super) fn to_log_level(level: Level) -> ::log::Level {
    match level {
        Level::Error => ::log::Level::Error,
        Level::Warn => ::log::Level::Warn,
        Level::Info => ::log::Level::Info,
        Level::Debug => ::log::Level::Debug,
        Level::Trace => ::log::Level::Trace,
    }
}

/// `log`'s level filter for a ttlog level filter.
pub(super) fn to_log_filter(filter: LevelFilter) -> ::log::LevelFilter {
    match filter {
        LevelFilter::Off => ::log::LevelFilter::Off,
        LevelFilter::Error => ::log::LevelFilter::Error,
        LevelFilter::Warn => ::log::LevelFilter::Warn,
        LevelFilter::Info => ::log::LevelFilter::Info,
        LevelFilter::Debug => ::log::LevelFilter::Debug,
        LevelFilter::Trace => ::log::LevelFilter::Trace,
    }
}

/// ttlog's level filter for a `log` level filter.
pub(super) fn from_log_filter(filter: ::log::LevelFilter) -> LevelFilter {
    match filter {
        ::log::LevelFilter::Off => LevelFilter::Off,
        ::log::LevelFilter::Error => LevelFilter::Error,
        ::log::LevelFilter::Warn => LevelFilter::Warn,
        ::log::LevelFilter::Info => LevelFilter::Info,
        ::log::LevelFilter::Debug => LevelFilter::Debug,
        ::log::LevelFilter::Trace => LevelFilter::Trace,
    }
}
