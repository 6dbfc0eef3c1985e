//! Shared pieces of ttlog's benchmarks: the workloads, a byte-counting sink, the floor, and
//! the setup of every system measured.
//!
//! Every harness (the criterion groups, the iai-callgrind benches and the `compare` and
//! `flood` binaries) logs the same events through the functions in [`events`], writes text to
//! the same [`CountingWriter`] and builds each system with [`setup`], so a number in one table
//! means the same thing as the number beside it. See `benches/README.md` for the tables.

pub mod counting;
pub mod events;
pub mod floor;
pub mod setup;

pub use counting::{CountingWriter, Counts};
