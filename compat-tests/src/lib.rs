#![doc = include_str!("../../MIGRATION.md")]
//!
//! The programs in `tests/` are written against the upstream crates' public APIs, as users
//! write them, and run through ttlog.
