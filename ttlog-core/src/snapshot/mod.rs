//! Flight-recorder snapshots. (Contract stub: implementation in progress.)

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::field::FieldValue;
use crate::level::Level;
use crate::record::Record;

/// Describes a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Service name.
    pub service: String,
    /// Host name.
    pub hostname: String,
    /// Process id.
    pub pid: u32,
    /// When the snapshot was written.
    pub created: SystemTime,
    /// Why it was written.
    pub reason: String,
    /// ttlog version that wrote it.
    pub ttlog_version: String,
    /// Recorder capacity.
    pub capacity: u64,
    /// Events dropped before the snapshot.
    pub dropped: u64,
}

/// A decoded snapshot.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Header.
    pub header: Header,
    /// Events, oldest first.
    pub events: Vec<Event>,
}

/// A decoded event.
#[derive(Clone, Debug)]
pub struct Event {
    /// Level.
    pub level: Level,
    fields: Vec<(String, FieldValue)>,
}

/// Error reading a snapshot.
#[derive(Debug)]
pub struct SnapshotError;

/// Error writing a snapshot.
#[derive(Debug)]
pub struct WriteError;

/// Writes a snapshot.
pub fn write<'a>(
    _dir: &Path,
    _header: &Header,
    _records: impl IntoIterator<Item = Record<'a>>,
) -> Result<PathBuf, WriteError> {
    unimplemented!()
}

/// Reads a snapshot.
pub fn read(_path: impl AsRef<Path>) -> Result<Snapshot, SnapshotError> {
    unimplemented!()
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("write error")
    }
}
impl std::error::Error for WriteError {}
impl Header {
    /// Stub.
    pub fn new(service: impl Into<String>, reason: impl Into<String>) -> Header {
        Header {
            service: service.into(),
            hostname: String::new(),
            pid: 0,
            created: SystemTime::now(),
            reason: reason.into(),
            ttlog_version: String::new(),
            capacity: 0,
            dropped: 0,
        }
    }
}
