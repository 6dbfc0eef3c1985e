//! Where a [`BackgroundSink`](super::BackgroundSink)'s thread writes: any writer, or a file
//! opened by path (which can be reopened after logrotate moved it, and cut back to its last
//! whole line when a write fails half-way).
//!
//! [`FileOptions`] says how log files are opened: their mode (0640 by default: the owner
//! writes, a log shipper in the group reads, nobody else sees what may be secrets) and
//! whether a symlink planted at the file's own path is followed (not by default).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How [`FileSink`](super::FileSink) and the builder's file sinks open a log file.
///
/// - **Mode** (Unix): the permission bits a new file is created with, before the umask;
///   default `0o640`. An existing file keeps its mode. Snapshots and recorder files are always
///   `0o600`.
/// - **Symlinks**: a symlink *as the log file itself* (the last component of the path) is
///   refused by default, so a planted link cannot make the process append to a file of the
///   attacker's choosing; directory symlinks earlier in the path work as usual. Turn on
///   [`follow_symlinks`](FileOptions::follow_symlinks) where the log path is a deliberate
///   link.
///
/// ```
/// use ttlog_core::sink::FileOptions;
///
/// let options = FileOptions::new().mode(0o600).follow_symlinks(true);
/// assert_eq!(options.get_mode(), 0o600);
/// assert!(options.follows_symlinks());
/// assert_eq!(FileOptions::default().get_mode(), 0o640);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileOptions {
    mode: u32,
    follow_symlinks: bool,
}

impl Default for FileOptions {
    fn default() -> FileOptions {
        FileOptions::new()
    }
}

impl FileOptions {
    /// The defaults: mode `0o640`, the file's own path not followed if it is a symlink.
    ///
    /// ```
    /// assert!(!ttlog_core::sink::FileOptions::new().follows_symlinks());
    /// ```
    pub const fn new() -> FileOptions {
        FileOptions {
            mode: 0o640,
            follow_symlinks: false,
        }
    }

    /// The permission bits new log files get (Unix; ignored elsewhere).
    ///
    /// ```
    /// assert_eq!(ttlog_core::sink::FileOptions::new().mode(0o600).get_mode(), 0o600);
    /// ```
    pub const fn mode(mut self, mode: u32) -> FileOptions {
        self.mode = mode & 0o7777;
        self
    }

    /// Whether a symlink at the log file's own path is followed.
    ///
    /// ```
    /// assert!(ttlog_core::sink::FileOptions::new().follow_symlinks(true).follows_symlinks());
    /// ```
    pub const fn follow_symlinks(mut self, follow: bool) -> FileOptions {
        self.follow_symlinks = follow;
        self
    }

    /// The mode new files get.
    ///
    /// ```
    /// assert_eq!(ttlog_core::sink::FileOptions::new().get_mode(), 0o640);
    /// ```
    pub const fn get_mode(&self) -> u32 {
        self.mode
    }

    /// Whether symlinks at the file's own path are followed.
    ///
    /// ```
    /// assert!(!ttlog_core::sink::FileOptions::default().follows_symlinks());
    /// ```
    pub const fn follows_symlinks(&self) -> bool {
        self.follow_symlinks
    }

    /// Opens `path` for appending with these options, creating it and its parent directories
    /// if they are missing.
    ///
    /// # Errors
    ///
    /// Any error from creating the directories or opening the file; a symlink at `path` when
    /// symlinks are not followed is refused with an error that says so.
    ///
    /// ```
    /// use std::io::Write;
    /// let dir = std::env::temp_dir().join(format!("ttlog-doc-fileopts-{}", std::process::id()));
    /// let mut file = ttlog_core::sink::FileOptions::new().open(dir.join("a.log"))?;
    /// file.write_all(b"line\n")?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref();
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                fs::create_dir_all(parent)?;
            }
        }
        let mut open = OpenOptions::new();
        open.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(self.mode);
            if !self.follow_symlinks {
                open.custom_flags(libc::O_NOFOLLOW);
            }
        }
        match open.open(path) {
            Ok(file) => Ok(file),
            Err(e) if !self.follow_symlinks && is_symlink(path) => Err(io::Error::new(
                e.kind(),
                format!(
                    "{} is a symlink, which log files do not follow unless \
                     FileOptions::follow_symlinks is set",
                    path.display()
                ),
            )),
            Err(e) => Err(e),
        }
    }
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// What a sink's thread writes to.
pub(crate) trait Output: Send + 'static {
    /// Writes some of `buf` (as [`Write::write`]).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize>;

    /// Flushes what the output buffers.
    fn flush(&mut self) -> io::Result<()>;

    /// Opens the destination again by its path (logrotate moved the old one away).
    fn reopen(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Removes the last `torn` bytes written, the start of a line whose end could not be
    /// written, where the output can (a file); elsewhere the half line stays.
    fn cut(&mut self, torn: usize) {
        let _ = torn;
    }
}

/// Any writer.
pub(crate) struct Plain<W>(pub(crate) W);

impl<W: Write + Send + 'static> Output for Plain<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A log file, by path.
pub(crate) struct FileOutput {
    file: File,
    path: PathBuf,
    options: FileOptions,
}

impl FileOutput {
    pub(crate) fn open(path: &Path, options: FileOptions) -> io::Result<FileOutput> {
        Ok(FileOutput {
            file: options.open(path)?,
            path: path.to_owned(),
            options,
        })
    }
}

impl Output for FileOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }

    fn reopen(&mut self) -> io::Result<()> {
        self.file = self.options.open(&self.path)?;
        Ok(())
    }

    fn cut(&mut self, torn: usize) {
        // Appending, so the torn line is at the end (unless another process appended since,
        // which a shared log file risks anyway).
        if let Ok(len) = self.file.metadata().map(|m| m.len()) {
            let _ = self.file.set_len(len.saturating_sub(torn as u64));
        }
    }
}
