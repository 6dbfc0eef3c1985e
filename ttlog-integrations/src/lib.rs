//! Adapters that let applications written against `log`, `tracing` and `slog` run on ttlog
//! without changing their logging calls.
//!
//! Each adapter lives in its own module behind its own cargo feature, so an application only
//! compiles the logging frameworks it actually uses. The adapters arrive with the compatibility
//! shims work; this crate compiles empty until then.

#![deny(unsafe_code)]

/// `tracing` applications on ttlog ([`tracing::TracingSubscriber`], [`tracing::install`]) and
/// ttlog's macros into `tracing` ([`tracing::TracingBridge`]). Feature `tracing`.
#[cfg(feature = "tracing")]
pub mod tracing;

#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub mod log;
