//! Retention in the snapshot directory: after each snapshot, the oldest snapshot files of the
//! service go, so that at most [`Retention::files`] files and [`Retention::bytes`] bytes are
//! kept (whichever is stricter).
//!
//! Only files that are certainly this service's snapshots are ever removed: regular files
//! (not links) named as [`write()`](super::write) names them for this service
//! (`ttlog-<service>-<YYYYMMDDTHHMMSS>Z-….snap`) and starting with the snapshot magic. The
//! snapshot just written is always kept, even when it alone is over the byte limit. Files are
//! ordered by modification time, then name; the newest are kept.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::format::MAGIC;

/// The default number of snapshot files of a service kept in the snapshot directory.
pub const DEFAULT_RETENTION_FILES: usize = 20;

/// The default total size of the snapshot files of a service kept in the snapshot directory:
/// 1 GiB.
pub const DEFAULT_RETENTION_BYTES: u64 = 1 << 30;

/// How many snapshot files of a service a snapshot directory keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Retention {
    /// At most this many files (at least 1: the one just written).
    pub(crate) files: usize,
    /// At most this many bytes in all (the file just written is kept whatever its size).
    pub(crate) bytes: u64,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            files: DEFAULT_RETENTION_FILES,
            bytes: DEFAULT_RETENTION_BYTES,
        }
    }
}

/// What [`apply`] removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Removed {
    pub(crate) files: usize,
    pub(crate) bytes: u64,
}

/// Removes the oldest snapshot files of `service` in `dir` beyond `retention`, never `keep`
/// (the snapshot just written).
///
/// # Errors
///
/// When `dir` cannot be listed. Files that cannot be examined are left alone; a file that
/// cannot be removed is skipped (the first such error is returned after the others were
/// tried).
pub(crate) fn apply(
    dir: &Path,
    service: &str,
    retention: Retention,
    keep: &Path,
) -> io::Result<Removed> {
    let prefix = format!("ttlog-{}-", super::writer::sanitize(service));
    let mut found: Vec<(SystemTime, String, u64, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_snapshot_name(name, &prefix) {
            continue;
        }
        let path = entry.path();
        // Not followed: a link is never a snapshot of ours.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.file_type().is_file() || !has_magic(&path) {
            continue;
        }
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        found.push((modified, name.to_owned(), meta.len(), path));
    }
    // Newest first.
    found.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
    let mut kept_files = 0usize;
    let mut kept_bytes = 0u64;
    let mut full = false;
    let mut removed = Removed::default();
    let mut first_error = None;
    // The file just written counts first, wherever its time puts it.
    if let Some(k) = found.iter().find(|f| f.3 == keep) {
        kept_files = 1;
        kept_bytes = k.2;
    }
    for (_, _, len, path) in &found {
        if path == keep {
            continue;
        }
        if !full
            && kept_files < retention.files.max(1)
            && kept_bytes.saturating_add(*len) <= retention.bytes
        {
            kept_files += 1;
            kept_bytes += len;
            continue;
        }
        // From the first file that does not fit, every older one goes.
        full = true;
        match fs::remove_file(path) {
            Ok(()) => {
                removed.files += 1;
                removed.bytes += len;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(removed),
    }
}

/// Whether `name` is a snapshot file name of the service whose names start with `prefix`:
/// the prefix, then `YYYYMMDDTHHMMSSZ-`, and `.snap` at the end.
fn is_snapshot_name(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let b = rest.as_bytes();
    name.ends_with(".snap")
        && b.len() > 17
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && &b[15..17] == b"Z-"
}

/// Whether the file at `path` starts with the snapshot magic.
fn has_magic(path: &Path) -> bool {
    let mut magic = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == MAGIC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let p = "ttlog-api-";
        assert!(is_snapshot_name(
            "ttlog-api-20240229T123456Z-7-3-panic.snap",
            p
        ));
        // Another service whose name starts with this one's.
        assert!(!is_snapshot_name(
            "ttlog-api-v2-20240229T123456Z-7-3-panic.snap",
            p
        ));
        assert!(!is_snapshot_name(
            "ttlog-api-20240229T123456Z-7-3-panic.snap.bak",
            p
        ));
        assert!(!is_snapshot_name(
            ".ttlog-api-20240229T123456Z-7-0-panic.snap.0123456789abcdef.tmp",
            p
        ));
        assert!(!is_snapshot_name("ttlog-api-2024.snap", p));
    }

    #[test]
    fn byte_limit_keeps_the_newest_that_fit() {
        let dir = std::env::temp_dir().join(format!("ttlog-retention-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let paths: Vec<PathBuf> = (0..5u64)
            .map(|i| {
                let p = dir.join(format!("ttlog-api-20240229T12345{i}Z-7-{i}-x.snap"));
                let mut bytes = MAGIC.to_vec();
                bytes.resize(100, 0);
                fs::write(&p, bytes).unwrap();
                let f = File::options().write(true).open(&p).unwrap();
                f.set_modified(t0 + std::time::Duration::from_secs(i))
                    .unwrap();
                p
            })
            .collect();
        // 250 bytes: the newest two fit; the third does not, so it and the older ones go.
        let retention = Retention {
            files: 10,
            bytes: 250,
        };
        let removed = apply(&dir, "api", retention, &paths[4]).unwrap();
        assert_eq!(
            removed,
            Removed {
                files: 3,
                bytes: 300
            }
        );
        assert!(paths[3].exists() && paths[4].exists());
        assert!(paths[..3].iter().all(|p| !p.exists()));
        // The file just written stays even when it alone is over the limit.
        let tiny = Retention {
            files: 10,
            bytes: 1,
        };
        assert_eq!(apply(&dir, "api", tiny, &paths[3]).unwrap().files, 1);
        assert!(paths[3].exists() && !paths[4].exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
