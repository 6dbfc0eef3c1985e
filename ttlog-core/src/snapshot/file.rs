//! Reading snapshot files: [`read()`] and [`recover_file`], which open the file safely and
//! read it within a bound before [decoding](super::decode) it.
//!
//! A snapshot is read after the fact, often from a directory other people or processes can
//! write to, so the path may name anything. Reading it whole first (`fs::read`) would hang on a
//! FIFO, run out of memory on `/dev/zero`, and read gigabytes of a large sparse file only to
//! find that it does not start with the magic number. So a file is:
//!
//! 1. opened without blocking (`O_NONBLOCK` on unix, so opening a FIFO with no writer returns
//!    at once) and checked to be a regular file: FIFOs, devices, sockets and directories are
//!    [`SnapshotErrorKind::NotAFile`](super::SnapshotErrorKind::NotAFile);
//! 2. checked for the magic number, from its first bytes only;
//! 3. checked against [`MAX_SNAPSHOT_BYTES`] ([`SnapshotErrorKind::TooLarge`]);
//! 4. read with reads bounded by that size (a file that grows while it is read is too large,
//!    not read on).
//!
//! The recorder's recovery opens its files with [`open_regular`] too.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use super::error::{Repr, SnapshotError};
use super::format::{MAGIC, PREAMBLE_LEN};
use super::model::Snapshot;
use super::reader::{decode, recover};

/// The largest snapshot file read, in bytes (1 GiB); a larger file is
/// [`SnapshotErrorKind::TooLarge`](super::SnapshotErrorKind::TooLarge).
///
/// A snapshot holds what the flight recorder held, which lives in the recorder's memory
/// [budget](https://docs.rs/ttlog/latest/ttlog/struct.Builder.html#method.budget) (64 MiB by
/// default) and is written more compactly than it is held (names are interned), so real
/// snapshots are far below this: the cap is 16 times the default budget. It bounds what reading
/// a hostile or mistaken file can cost in time and memory.
///
/// ```
/// assert_eq!(ttlog_core::snapshot::MAX_SNAPSHOT_BYTES, 1 << 30);
/// ```
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;

/// Reads and decodes the snapshot file at `path`.
///
/// # Errors
///
/// When the path is not a regular file, does not start with the magic number, is larger than
/// [`MAX_SNAPSHOT_BYTES`] or cannot be read, or any error of [`decode`]; every one names the
/// path.
///
/// # Examples
///
/// ```
/// use ttlog_core::snapshot::{self, SnapshotErrorKind};
/// let err = snapshot::read("/nonexistent/x.snap").unwrap_err();
/// assert_eq!(err.kind(), SnapshotErrorKind::Io);
/// assert!(err.to_string().contains("/nonexistent/x.snap"));
///
/// # #[cfg(unix)] {
/// let err = snapshot::read("/dev/zero").unwrap_err();
/// assert_eq!(err.kind(), SnapshotErrorKind::NotAFile);
/// # }
/// ```
pub fn read(path: impl AsRef<Path>) -> Result<Snapshot, SnapshotError> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    decode(&bytes).map_err(|e| e.in_file(path))
}

/// Reads the snapshot file at `path` as [`recover`] reads bytes: the header and every span and
/// event up to the first problem, with the error that stopped decoding (`None` if the file is
/// intact). This is how `ttlog show` reads a file whose writer was killed mid-write.
///
/// # Errors
///
/// As [`read()`], when the file cannot be read or not even its header decodes.
///
/// # Examples
///
/// ```
/// use ttlog_core::snapshot::{self, Header, SnapshotErrorKind};
/// let path = std::env::temp_dir().join(format!("ttlog-doc-recover-file-{}.snap", std::process::id()));
/// let mut bytes = Vec::new();
/// snapshot::encode(&Header::new("svc", "test"), [], &mut bytes);
/// bytes.truncate(bytes.len() - 2); // tear the end record
/// std::fs::write(&path, &bytes).unwrap();
///
/// let (snap, damage) = snapshot::recover_file(&path).unwrap();
/// assert_eq!(snap.header.service, "svc");
/// assert_eq!(damage.unwrap().kind(), SnapshotErrorKind::Truncated);
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn recover_file(
    path: impl AsRef<Path>,
) -> Result<(Snapshot, Option<SnapshotError>), SnapshotError> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    match recover(&bytes) {
        Ok((snap, damage)) => Ok((snap, damage.map(|e| e.in_file(path)))),
        Err(e) => Err(e.in_file(path)),
    }
}

/// The bytes of the snapshot file at `path`, read as the module docs say.
fn read_bytes(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    let fail = |repr| SnapshotError::new(repr).in_file(path);
    let (mut file, len) = open_regular(path).map_err(|e| match e {
        OpenError::Io(e) => fail(Repr::Io(e)),
        OpenError::NotAFile(what) => fail(Repr::NotAFile(what)),
    })?;
    let mut head = [0u8; PREAMBLE_LEN];
    let n = read_full(&mut file, &mut head).map_err(|e| fail(Repr::Io(e)))?;
    let magic = n.min(MAGIC.len());
    if head[..magic] != MAGIC[..magic] {
        return Err(fail(Repr::BadMagic));
    }
    let too_large = |len| {
        fail(Repr::TooLarge {
            len,
            max: MAX_SNAPSHOT_BYTES,
        })
    };
    if len > MAX_SNAPSHOT_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    bytes.extend_from_slice(&head[..n]);
    // One byte more than the cap allows, to see a file that grew past it.
    let limit = MAX_SNAPSHOT_BYTES + 1 - n as u64;
    (&mut file)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(Repr::Io(e)))?;
    if bytes.len() as u64 > MAX_SNAPSHOT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Why [`open_regular`] refused a path.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// It could not be opened, or its metadata read.
    Io(io::Error),
    /// It is not a regular file: what it is instead (`"a FIFO"`, `"a directory"`, ...).
    NotAFile(&'static str),
}

/// Opens `path` for reading without blocking (a FIFO with no writer would block an ordinary
/// open for ever) and checks that it is a regular file. Returns the file and its length.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64), OpenError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Reads from a regular file are not affected by O_NONBLOCK.
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // No non-blocking open: look before opening (a path swapped in between is not
        // guarded against here).
        let meta = std::fs::metadata(path).map_err(OpenError::Io)?;
        if !meta.is_file() {
            return Err(OpenError::NotAFile(describe(&meta.file_type())));
        }
    }
    let file = options.open(path).map_err(OpenError::Io)?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    if !meta.is_file() {
        return Err(OpenError::NotAFile(describe(&meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// What a file that is not a regular file is, for error messages.
fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Fills `buf` from `file` as far as it can; the bytes read (fewer only at the end).
pub(crate) fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{encode, Header, SnapshotErrorKind};

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ttlog-snapfile-{name}-{}", std::process::id()))
    }

    #[test]
    fn reads_a_snapshot() {
        let path = temp("ok");
        let mut bytes = Vec::new();
        encode(&Header::new("svc", "test"), [], &mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read(&path).unwrap().header.service, "svc");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_huge_sparse_file_is_refused_by_its_magic_then_its_size() {
        let path = temp("sparse");
        let file = File::create(&path).unwrap();
        file.set_len(4 << 30).unwrap();
        drop(file);
        let err = read(&path).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::NotASnapshot, "{err}");

        // With the magic number, the size is what gives it away.
        let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        io::Write::write_all(&mut file, MAGIC).unwrap();
        drop(file);
        let err = recover_file(&path).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::TooLarge, "{err}");
        assert!(err.to_string().contains("4294967296 bytes"), "{err}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_directory_is_not_a_file() {
        let err = read(std::env::temp_dir()).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::NotAFile);
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_files() {
        let err = read("/dev/zero").unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::NotAFile);
        assert!(err.to_string().contains("a character device"), "{err}");
    }
}
