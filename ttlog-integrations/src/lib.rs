//! Adapters that let applications written against `log`, `tracing` and `slog` run on ttlog
//! without changing their logging calls.
//!
//! Each adapter lives in its own module behind its own cargo feature, so an application only
//! compiles the logging frameworks it actually uses. The adapters arrive with the compatibility
//! shims work; this crate compiles empty until then.

#![deny(unsafe_code)]

/// `log` (feature `log`): [`LogAdapter`](log::LogAdapter) is a `log::Log` that turns every
/// `log` record (target, level, message, module path, file, line and the `kv` key-values,
/// with their types) into a ttlog event; [`install`](log::install) makes it `log`'s global
/// logger and keeps `log::max_level()` in step with ttlog's filter.
/// [`LogBridge`](log::LogBridge) goes the other way: a ttlog `Logger` that hands ttlog's
/// events to whatever `log` logger the host application set up.
#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub mod log;
