//! Temp files with names nobody can guess: a snapshot or recorder file is made under a name
//! ending in a random suffix, created exclusively (`O_EXCL`: never a file or a link someone
//! put there first) with mode 0600 on unix, and renamed into place when complete.
//!
//! A predictable temp name lets anyone who can write to the directory plant a file or a
//! symlink there first; the writer then either fails (losing the snapshot) or, worse, removes
//! the planted entry while cleaning up. With a random suffix and exclusive creation, a name
//! that is taken is simply retried with another, and only a file this process created is
//! ever removed.
//!
//! The suffix comes from std's `RandomState` (seeded from the operating system's randomness
//! once per thread) hashed with the time, the process id, a counter and an address: no
//! dependency, and unpredictable to another local user.

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How many names are tried before giving up (each taken one means someone is guessing).
const ATTEMPTS: usize = 32;

/// A random 64-bit value, different on every call.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(now);
    let local = 0u8;
    h.write_usize(std::ptr::addr_of!(local) as usize);
    h.finish()
}

/// Creates a new file `.<stem>.<random>.<suffix>` in `dir` (mode 0600 on unix; opened for
/// reading too when `read`), retrying with another name while a name is taken.
///
/// # Errors
///
/// Any error creating the file other than the name being taken, or every name tried being
/// taken.
pub(crate) fn create(
    dir: &Path,
    stem: &str,
    suffix: &str,
    read: bool,
) -> io::Result<(File, PathBuf)> {
    let mut options = OpenOptions::new();
    options.read(read).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    for _ in 0..ATTEMPTS {
        let path = dir.join(format!(".{stem}.{:016x}{suffix}", random_u64()));
        match options.open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "every temp file name tried was taken",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_and_skip_taken_ones() {
        let dir = std::env::temp_dir().join(format!("ttlog-temp-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (_, a) = create(&dir, "x", ".tmp", false).unwrap();
        let (_, b) = create(&dir, "x", ".tmp", true).unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".x.") && name.ends_with(".tmp"), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
