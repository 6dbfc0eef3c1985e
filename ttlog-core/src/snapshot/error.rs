//! [`SnapshotError`]: why a snapshot could not be read, with the offset at fault.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::format::*;

/// The error returned when a snapshot cannot be read or decoded.
///
/// Its message says what is wrong and at which byte of the file; [`kind`](Self::kind) sorts it
/// into a few coarse classes to match on.
///
/// ```
/// use ttlog_core::snapshot::{self, SnapshotErrorKind};
/// let mut bytes = b"TTLOGSNP".to_vec();
/// bytes.extend_from_slice(&7u16.to_le_bytes());
/// let err = snapshot::decode(&bytes).unwrap_err();
/// assert_eq!(err.kind(), SnapshotErrorKind::UnsupportedVersion);
/// assert_eq!(err.to_string(), "unsupported snapshot version 7 (this reader supports 1)");
/// assert_eq!(err.offset(), Some(8));
/// ```
#[derive(Debug)]
pub struct SnapshotError {
    pub(super) repr: Repr,
    pub(super) offset: Option<usize>,
    pub(super) path: Option<PathBuf>,
}

/// The coarse class of a [`SnapshotError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SnapshotErrorKind {
    /// The file could not be read.
    Io,
    /// The path is not a regular file: a FIFO, a device, a socket or a directory.
    NotAFile,
    /// The file is larger than [`MAX_SNAPSHOT_BYTES`](crate::snapshot::MAX_SNAPSHOT_BYTES).
    TooLarge,
    /// The input does not start with the snapshot magic number.
    NotASnapshot,
    /// The snapshot was written in a format version this reader does not support.
    UnsupportedVersion,
    /// The input ends early: empty, torn mid-record, or missing its end record.
    Truncated,
    /// The input is damaged or malformed: a checksum mismatch, a bad length, an invalid value.
    Corrupt,
}

#[derive(Debug)]
pub(super) enum Repr {
    Io(io::Error),
    NotAFile(&'static str),
    TooLarge {
        len: u64,
        max: u64,
    },
    BadMagic,
    UnsupportedVersion(u16),
    Truncated {
        what: Truncation,
        spans: usize,
        events: usize,
        file_len: usize,
    },
    BadLength {
        kind: u8,
        error: VarintError,
    },
    Checksum {
        kind: u8,
        stored: u32,
        computed: u32,
    },
    HeaderNotFirst {
        kind: u8,
    },
    DuplicateHeader,
    UnknownKind(u8),
    CountMismatch {
        expected: u64,
        found: usize,
    },
    TrailingData,
    Malformed {
        kind: u8,
        what: String,
    },
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Truncation {
    Empty,
    Preamble,
    Record(u8),
    NoEnd,
}

impl SnapshotError {
    pub(super) fn new(repr: Repr) -> SnapshotError {
        SnapshotError {
            repr,
            offset: None,
            path: None,
        }
    }

    pub(super) fn at(repr: Repr, offset: usize) -> SnapshotError {
        SnapshotError {
            repr,
            offset: Some(offset),
            path: None,
        }
    }

    /// This error, as met reading the file at `path`.
    pub(super) fn in_file(mut self, path: &Path) -> SnapshotError {
        self.path = Some(path.to_owned());
        self
    }

    /// The coarse class of this error.
    pub fn kind(&self) -> SnapshotErrorKind {
        match self.repr {
            Repr::Io(_) => SnapshotErrorKind::Io,
            Repr::NotAFile(_) => SnapshotErrorKind::NotAFile,
            Repr::TooLarge { .. } => SnapshotErrorKind::TooLarge,
            Repr::BadMagic => SnapshotErrorKind::NotASnapshot,
            Repr::UnsupportedVersion(_) => SnapshotErrorKind::UnsupportedVersion,
            Repr::Truncated { .. } => SnapshotErrorKind::Truncated,
            _ => SnapshotErrorKind::Corrupt,
        }
    }

    /// The byte offset in the file where the problem was found, when there is one.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// The file being read, for errors from [`read()`](crate::snapshot::read).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset.unwrap_or(0);
        let path = self
            .path
            .as_deref()
            .unwrap_or(Path::new("<unknown>"))
            .display();
        match &self.repr {
            Repr::Io(e) => return write!(f, "cannot read snapshot {path}: {e}"),
            Repr::NotAFile(what) => {
                return write!(f, "cannot read snapshot {path}: {what}, not a regular file")
            }
            Repr::TooLarge { len, max } => {
                return write!(
                    f,
                    "cannot read snapshot {path}: {len} bytes is larger than the {max} bytes \
                     a snapshot can be (MAX_SNAPSHOT_BYTES)"
                )
            }
            Repr::BadMagic => f.write_str("not a ttlog snapshot (bad magic)")?,
            Repr::UnsupportedVersion(v) => write!(
                f,
                "unsupported snapshot version {v} (this reader supports {VERSION})"
            )?,
            Repr::Truncated {
                what,
                spans,
                events,
                file_len,
            } => {
                let complete = Complete(*spans, *events);
                f.write_str("truncated snapshot: ")?;
                match what {
                    Truncation::Empty => f.write_str("the file is empty")?,
                    Truncation::Preamble => write!(
                        f,
                        "the file ends at byte {file_len}, inside the magic and version"
                    )?,
                    Truncation::Record(kind) => write!(
                        f,
                        "{} at byte {at} ends past the end of the file (at byte {file_len}); \
                         {complete} before it",
                        kind_name(*kind)
                    )?,
                    Truncation::NoEnd => write!(
                        f,
                        "the file ends at byte {file_len} without an end record; \
                         {complete} before it"
                    )?,
                }
            }
            Repr::BadLength { kind, error } => write!(
                f,
                "invalid length in {} at byte {at}: {}",
                kind_name(*kind),
                match error {
                    VarintError::Overlong => "overlong varint",
                    _ => "varint overflows 64 bits",
                }
            )?,
            Repr::Checksum {
                kind,
                stored,
                computed,
            } => write!(
                f,
                "checksum mismatch in {} at byte {at} (stored {stored:#010x}, computed {computed:#010x})",
                kind_name(*kind)
            )?,
            Repr::HeaderNotFirst { kind } => write!(
                f,
                "the first record must be the header, found {} at byte {at}",
                kind_name(*kind)
            )?,
            Repr::DuplicateHeader => write!(f, "second header record at byte {at}")?,
            Repr::UnknownKind(kind) => write!(
                f,
                "unknown required record kind {kind:#04x} at byte {at} \
                 (kinds below {FIRST_OPTIONAL_KIND:#04x} must be understood)"
            )?,
            Repr::CountMismatch { expected, found } => write!(
                f,
                "end record at byte {at} counts {expected} events but the file holds {found}"
            )?,
            Repr::TrailingData => write!(f, "unexpected data after the end record at byte {at}")?,
            Repr::Malformed { kind, what } => {
                write!(f, "malformed {} at byte {at}: {what}", kind_name(*kind))?
            }
        }
        if let Some(path) = &self.path {
            write!(f, " (in {})", path.display())?;
        }
        Ok(())
    }
}

/// "`s` complete spans and `e` complete events", leaving out spans when there are none.
pub(super) struct Complete(usize, usize);

impl fmt::Display for Complete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 0 {
            write!(f, "{} complete spans and ", self.0)?;
        }
        write!(f, "{} complete events", self.1)
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.repr {
            Repr::Io(e) => Some(e),
            _ => None,
        }
    }
}
