//! Log files: the mode new files get, symlinks at the file's own path, torn lines, and the
//! background sink's counts.
#![cfg(unix)]

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant, UNIX_EPOCH};

use ttlog_core::sink::{BackgroundSink, FileOptions, FileSink, Format, Sink};
use ttlog_core::{Fields, Level, Record};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ttlog-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn record(message: &str) -> Record<'_> {
    Record {
        level: Level::Info,
        timestamp: UNIX_EPOCH,
        target: "app",
        module_path: "app",
        file: "",
        line: 0,
        message,
        thread_name: "main",
        thread_id: 1,
        span_id: 0,
        spans: None,
        fields: Fields::empty(),
    }
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn new_log_files_are_not_world_readable() {
    let dir = temp_dir("mode");
    let path = dir.join("app.log");
    drop(FileSink::open(&path, Format::Compact).unwrap());
    // 0640 before the umask: never readable or writable by others.
    assert_eq!(mode(&path) & 0o007, 0, "{:o}", mode(&path));
    assert_eq!(mode(&path) & 0o600, 0o600);
    let private = dir.join("private.log");
    drop(FileSink::open_with(&private, Format::Compact, FileOptions::new().mode(0o600)).unwrap());
    assert_eq!(mode(&private), 0o600);
    // An existing file keeps its mode.
    let existing = dir.join("existing.log");
    std::fs::write(&existing, "").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(FileSink::open(&existing, Format::Compact).unwrap());
    assert_eq!(mode(&existing), 0o644);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_symlink_as_the_log_file_is_refused_unless_allowed() {
    let dir = temp_dir("symlink");
    let target = dir.join("elsewhere");
    std::fs::write(&target, "precious\n").unwrap();
    let link = dir.join("app.log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let err = FileSink::open(&link, Format::Compact).unwrap_err();
    assert!(err.to_string().contains("symlink"), "{err}");
    assert!(BackgroundSink::file(&link, Format::Compact, FileOptions::new()).is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    // Allowed: it appends through the link.
    let mut sink = FileSink::open_with(
        &link,
        Format::Compact,
        FileOptions::new().follow_symlinks(true),
    )
    .unwrap();
    sink.write(&record("through the link")).unwrap();
    sink.flush().unwrap();
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("through the link"));
    // A symlinked directory earlier in the path works as usual.
    let real = dir.join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("logs")).unwrap();
    drop(FileSink::open(dir.join("logs/app.log"), Format::Compact).unwrap());
    assert!(real.join("app.log").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A writer that takes `room` bytes in all, then fails (a disk that fills).
struct Fills {
    room: usize,
    out: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl io::Write for Fills {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        self.out.lock().unwrap().extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_writer_that_fills_up_loses_whole_lines_counted() {
    let out = std::sync::Arc::default();
    let mut sink = BackgroundSink::writer(
        Fills {
            room: 1000,
            out: std::sync::Arc::clone(&out),
        },
        Format::Compact,
    );
    for _ in 0..100 {
        sink.write(&record("a line of about fifty bytes")).unwrap();
    }
    assert!(sink.sync(Instant::now() + Duration::from_secs(1)).is_err());
    sink.close(Instant::now());
    let d = sink.delivery().unwrap();
    let written = out.lock().unwrap().clone();
    let whole = written.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(d.written, whole);
    assert_eq!(d.written + d.lost, 100);
    assert!(d.errors >= 1);
}

/// A file that can grow only to 1000 bytes (RLIMIT_FSIZE, in a child process): the write
/// that crosses the limit is cut short mid-line, the rest fail; at shutdown the half line is
/// cut off the file, which holds only whole lines, and every line is counted written or lost.
#[test]
fn a_full_disk_leaves_no_torn_line_in_the_file() {
    let dir = temp_dir("torn");
    let path = dir.join("app.log");
    if std::env::var("TTLOG_TORN_CHILD").is_err() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_full_disk_leaves_no_torn_line_in_the_file",
                "--nocapture",
            ])
            .env("TTLOG_TORN_CHILD", &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("child ok"),
            "{stdout}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let path = PathBuf::from(std::env::var_os("TTLOG_TORN_CHILD").unwrap());
    // SAFETY: plain libc calls on this process: ignore SIGXFSZ (writes past the limit then
    // fail with EFBIG) and cap the size of files it writes.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let limit = libc::rlimit {
            rlim_cur: 1000,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let mut sink = BackgroundSink::file(&path, Format::Compact, FileOptions::new()).unwrap();
    for _ in 0..100 {
        sink.write(&record("a line of about fifty bytes")).unwrap();
    }
    assert!(sink.sync(Instant::now() + Duration::from_secs(1)).is_err());
    sink.close(Instant::now());
    // The thread cuts the torn line as it gives up; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text = std::fs::read_to_string(&path).unwrap();
        if text.ends_with('\n') || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(text.ends_with('\n'), "a torn line: {text:?}");
    let d = sink.delivery().unwrap();
    assert_eq!(d.written, text.lines().count() as u64);
    assert_eq!(d.written + d.lost, 100);
    assert!(d.written > 0 && d.lost > 0);
    println!("child ok");
}
