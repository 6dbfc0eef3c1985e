//! ttlog: a fast logging runtime with a flight recorder.
//!
//! (Facade: re-exports `ttlog-core` and the macros of `ttlog-macros`.)

#![deny(unsafe_code)]

extern crate self as ttlog;

pub use ttlog_core::*;
pub use ttlog_macros::{debug, error, info, trace, warn};

#[doc(hidden)]
pub mod __private {
    pub use ttlog_core::__private::*;
}
