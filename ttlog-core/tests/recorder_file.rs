//! Recorder files read back: a real one (a child process logs, then aborts) is recovered
//! whole; truncated at sampled offsets, with bytes flipped at sampled offsets, or replaced by
//! random bytes, it is recovered as far as it is intact or refused with a clear error, never
//! a panic. A file that is not a recorder, and a live process's file, are refused.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use ttlog_core::__private::emit;
use ttlog_core::{Callsite, FieldValue, Level};

static STEP: Callsite = Callsite::new(
    Level::Info,
    "t",
    "t",
    file!(),
    line!(),
    "step",
    &["t", "i", "text"],
);

const CHILD: &str = "TTLOG_RECORDER_FILE_CHILD";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ttlog-recfile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rec_files(dir: &Path) -> Vec<PathBuf> {
    ttlog_core::recorder::recorder_files(dir)
}

/// A recorder file left by a child that logged 200 events from each of two threads, then
/// aborted.
fn dead_process_file(name: &str) -> Vec<u8> {
    dead_process_file_with(name, 16_384)
}

/// The same, with a recorder of `capacity` events per thread.
fn dead_process_file_with(name: &str, capacity: usize) -> Vec<u8> {
    let dir = temp_dir(name);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture"])
        .env(CHILD, &dir)
        .env("TTLOG_RECORDER_FILE_CAPACITY", capacity.to_string())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the child aborts");
    let files = rec_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let bytes = std::fs::read(&files[0]).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

#[test]
fn child() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let _guard = ttlog_core::init()
        .service("recfile")
        .snapshot_dir(PathBuf::from(dir))
        .no_console()
        .budget(1 << 20)
        .capacity(
            std::env::var("TTLOG_RECORDER_FILE_CAPACITY")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(16_384),
        )
        .init();
    let workers: Vec<_> = (0..2u64)
        .map(|t| {
            std::thread::spawn(move || {
                // What the macros do first: register the callsite (which writes it down in
                // the recorder file).
                assert!(STEP.is_enabled());
                for i in 0..200u64 {
                    emit(
                        &STEP,
                        ManuallyDrop::new([
                            FieldValue::from(t),
                            FieldValue::from(i),
                            FieldValue::from("a longer text value that spans words"),
                        ]),
                    );
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    std::process::abort();
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Writes `bytes` as a recorder file in a fresh directory and recovers it; the outcome.
fn recover_bytes(name: &str, bytes: &[u8]) -> Result<usize, String> {
    let dir = temp_dir(&format!(
        "{name}-{}",
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let path = dir.join("x-1-1.rec");
    std::fs::write(&path, bytes).unwrap();
    let out = ttlog_core::recorder::recover(&path, &dir, None)
        .map(|done| {
            // Whatever was written reads back as a snapshot.
            let snap = ttlog_core::snapshot::read(&done.snapshot).unwrap();
            assert_eq!(snap.events.len(), done.events + 1);
            done.events
        })
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn a_dead_processs_file_recovers_whole() {
    let bytes = dead_process_file("whole-child");
    let recording = ttlog_core::recorder::read(&bytes).unwrap();
    assert_eq!(recording.service(), "recfile");
    assert!(recording.threads() >= 2);
    assert!(recording.records() >= 400);
    assert_eq!(recover_bytes("whole", &bytes), Ok(400));
}

#[test]
fn a_recovery_keeps_each_threads_newest_capacity_events() {
    let bytes = dead_process_file_with("window-child", 50);
    assert_eq!(recover_bytes("window", &bytes), Ok(100));
}

#[test]
fn damaged_files_recover_what_is_intact_or_are_refused() {
    let bytes = dead_process_file("damaged-child");
    // Truncated: at sampled offsets, and at every byte of the first words.
    let mut cuts: Vec<usize> = (0..64).collect();
    cuts.extend((0..bytes.len()).step_by(bytes.len() / 97 + 1));
    for cut in cuts {
        match ttlog_core::recorder::read(&bytes[..cut]) {
            Ok(r) => assert!(r.records() <= cut / 8),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    // Flipped bytes, across the header, the metadata log and the segments: each read and
    // recovered without a panic.
    let mut at = 0;
    let mut n = 0;
    while at < bytes.len() && n < 120 {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0xa5;
        let _ = ttlog_core::recorder::read(&damaged);
        if n % 4 == 0 {
            let _ = recover_bytes("flip", &damaged);
        }
        // Dense in the header and metadata, sparse in the segments.
        at += if at < 64 * 1024 { 131 } else { 65_537 };
        n += 1;
    }
}

#[test]
fn random_bytes_and_other_files_are_refused() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = vec![0u8; 1 << 16];
    for b in &mut random {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    assert!(ttlog_core::recorder::read(&random).is_err());
    let err = recover_bytes("random", &random).unwrap_err();
    assert!(err.contains("not a recorder file"), "{err}");
    // A recorder's magic number with nonsense sizes.
    let mut fake = vec![0u8; 8 * 1024];
    fake[..8].copy_from_slice(b"TTLOGREC");
    fake[8..16].copy_from_slice(&1u64.to_le_bytes());
    fake[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(ttlog_core::recorder::read(&fake).is_err());
    fake[32..40].copy_from_slice(&64u64.to_le_bytes());
    fake[40..48].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    assert!(ttlog_core::recorder::read(&fake).is_err());
}

#[test]
fn a_live_processs_file_is_left_alone() {
    let dir = temp_dir("live");
    let guard = ttlog_core::init()
        .service("live")
        .snapshot_dir(&dir)
        .no_console()
        .budget(1 << 20)
        .try_init()
        .unwrap();
    assert!(STEP.is_enabled());
    emit(
        &STEP,
        ManuallyDrop::new([
            FieldValue::from(0u64),
            FieldValue::from(0u64),
            FieldValue::from("x"),
        ]),
    );
    let path = guard.handle().recorder_path().expect("a recorder file");
    assert!(path.starts_with(&dir));
    let err = ttlog_core::recorder::recover(&path, &dir, None).unwrap_err();
    assert!(err.is_live(), "{err}");
    assert!(path.exists());
    drop(guard);
    assert!(!path.exists(), "a clean shutdown removes the file");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_a_process_died_making_are_removed() {
    let dir = temp_dir("unfinished");
    let dead = dir.join(".svc-1-1.rec.tmp");
    std::fs::write(&dead, b"half made").unwrap();
    let other = dir.join("notes.tmp");
    std::fs::write(&other, b"not ours").unwrap();
    // One still being made: its maker holds the lock.
    let making = dir.join(".svc-2-2.rec.tmp");
    let held = std::fs::File::create(&making).unwrap();
    held.lock().unwrap();
    assert_eq!(ttlog_core::recorder::remove_unfinished(&dir), 1);
    assert!(!dead.exists());
    assert!(other.exists() && making.exists());
    drop(held);
    let _ = std::fs::remove_dir_all(&dir);
}
