//! The flight recorder's file: the memory every thread's log is in, as a shared mapping of a
//! file in the snapshot directory, so that what a process logged last survives it however it
//! dies (SIGKILL, `abort()`, a stack overflow, the OOM killer), and is turned back into an
//! ordinary snapshot by [`recover`] (`ttlog recover`, and every `init()` for the files of
//! processes that died before it).
//!
//! What survives what: a panic, SIGTERM and SIGINT write a snapshot at once (the recorder is
//! read in place); SIGKILL, `abort()`, a stack overflow and an OOM kill leave the recorder
//! file, recovered later; a power loss or kernel crash loses what the kernel had not written
//! back to disk (the file is not synced).
//!
//! 1. `layout.rs` — the file's layout: header, metadata log, segments.
//! 2. `file.rs` — [`RecorderFile`]: creating, locking, mapping and removing the file.
//! 3. `meta.rs` — the metadata log: callsites and thread names, written as they appear.
//! 4. `recover.rs` — [`recover`]: a dead process's file, read and checked, as a snapshot.

pub(crate) mod file;
pub(crate) mod layout;
pub(crate) mod meta;
mod recover;

pub use file::RecorderFile;
pub use recover::{
    read, recorder_files, recover, remove_unfinished, NotARecorder, Recording, RecoverError,
    Recovered, MAX_RECORDER_FILE,
};
