//! A process that dies without any chance to write a snapshot (SIGKILL at a random moment,
//! `abort()`, a stack overflow in a worker) leaves its recorder file, and recovering it gives
//! a snapshot with every event the process reported as logged, each thread's in order, with
//! fields and span scopes. A later `init()` in the same directory recovers a leftover file by
//! itself. The kill is repeated twenty times at different moments.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};

const TEST_KILL: &str = "sigkill_at_a_random_moment_loses_nothing_reported";
const TEST_ABORT: &str = "abort_and_stack_overflow_leave_a_recoverable_file";
const TEST_INIT: &str = "a_later_init_recovers_a_leftover_file";
const THREADS: u64 = 2;

/// The child: `THREADS` threads, each in a span of its own, log numbered events and report
/// each on stdout once it is logged; then `end` decides how the process dies.
fn child(per_thread: u64, end: &str) {
    let _guard = ttlog::init()
        .service("victim")
        .snapshot_dir(common::child_dir())
        .capacity(100_000)
        .no_console()
        .init();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("worker-{t}"))
                .spawn(move || {
                    let span = ttlog::info_span!("work", worker = t);
                    let _entered = span.enter();
                    for i in 0..per_thread {
                        ttlog::info!("step", t, i, text = "some text", half = i as f64 / 2.0);
                        println!("progress {t} {i}");
                    }
                })
                .unwrap()
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    match end {
        "abort" => std::process::abort(),
        "overflow" => {
            std::thread::spawn(|| {
                ttlog::warn!("about to overflow");
                recurse(0)
            })
            .join()
            .ok();
            unreachable!("a stack overflow aborts the process");
        }
        // "kill": wait for it.
        _ => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
    }
}

#[inline(never)]
fn recurse(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 64]);
    if std::hint::black_box(n) == u64::MAX {
        return pad[0];
    }
    recurse(n + 1) + pad[3]
}

/// The one recorder file in `dir`.
fn recorder_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rec"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Checks that the recovered snapshot holds, per thread, events `0..=last[t]` (at least), in
/// order, with their fields and span.
fn check(snapshot: &Path, last: &HashMap<u64, u64>) {
    let snap = ttlog::snapshot::read(snapshot).unwrap();
    assert_eq!(snap.header.reason, "recovered");
    assert_eq!(snap.header.service, "victim");
    let mut per_thread: HashMap<u64, Vec<u64>> = HashMap::new();
    for e in snap.events.iter().filter(|e| e.message() == "step") {
        let t = e.field("t").and_then(|v| v.as_u64()).unwrap();
        let i = e.field("i").and_then(|v| v.as_u64()).unwrap();
        assert_eq!(e.thread(), format!("worker-{t}"));
        assert_eq!(e.field("text").and_then(|v| v.as_str()), Some("some text"));
        assert_eq!(
            e.field("half").and_then(|v| v.as_f64()),
            Some(i as f64 / 2.0)
        );
        let span = snap
            .span(e.span_id())
            .unwrap_or_else(|| panic!("no span for {e:?}"));
        assert_eq!(span.name(), "work");
        assert_eq!(span.field("worker").and_then(|v| v.as_u64()), Some(t));
        per_thread.entry(t).or_default().push(i);
    }
    for (t, &last) in last {
        let got = per_thread.get(t).cloned().unwrap_or_default();
        assert!(
            got.len() as u64 > last,
            "thread {t}: reported up to {last}, recovered {}",
            got.len()
        );
        assert_eq!(got, (0..got.len() as u64).collect::<Vec<_>>(), "thread {t}");
    }
    let note = snap.events.last().unwrap();
    assert!(note.message().starts_with("recovered"), "{note:?}");
}

/// Recovers the one recorder file in `dir` (which is then removed) and checks the snapshot
/// against `last`; returns the snapshot's path.
fn recover_and_check(dir: &Path, last: &HashMap<u64, u64>) -> PathBuf {
    let file = recorder_file(dir);
    let done = ttlog::recorder::recover(&file, dir, None).unwrap();
    assert!(!file.exists(), "a recovered file is removed");
    check(&done.snapshot, last);
    done.snapshot
}

/// Notes a child's `progress THREAD I` line in `last` (thread -> last event logged); `false`
/// for any other line (the test harness's own).
fn progress(line: &str, last: &mut HashMap<u64, u64>) -> bool {
    let mut parts = line
        .strip_prefix("progress ")
        .into_iter()
        .flat_map(|l| l.split(' '));
    match (parts.next(), parts.next()) {
        (Some(t), Some(i)) => {
            last.insert(t.parse().unwrap(), i.parse().unwrap());
            true
        }
        _ => false,
    }
}

fn seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

#[test]
fn sigkill_at_a_random_moment_loses_nothing_reported() {
    if common::is_child("kill") {
        return child(1_000_000, "kill");
    }
    let mut rng = seed() | 1;
    for run in 0..20 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let stop_after = 50 + rng % 4000;
        let dir = common::temp_dir(&format!("kill-{run}"));
        let mut child = common::child(TEST_KILL, "kill", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut last: HashMap<u64, u64> = HashMap::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < stop_after {
            let Some(Ok(line)) = lines.next() else { break };
            seen += u64::from(progress(&line, &mut last));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Anything the child printed before it died was logged before it was printed.
        for line in lines.map_while(Result::ok) {
            progress(&line, &mut last);
        }
        assert!(!last.is_empty(), "run {run}: the child reported nothing");
        recover_and_check(&dir, &last);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn abort_and_stack_overflow_leave_a_recoverable_file() {
    if common::is_child("abort") {
        return child(500, "abort");
    }
    if common::is_child("overflow") {
        return child(500, "overflow");
    }
    for role in ["abort", "overflow"] {
        let dir = common::temp_dir(role);
        let out = common::output(&mut common::child(TEST_ABORT, role, &dir));
        assert!(!out.status.success(), "{role}: the child should have died");
        let last = (0..THREADS).map(|t| (t, 499)).collect();
        let snapshot = recover_and_check(&dir, &last);
        if role == "overflow" {
            let snap = ttlog::snapshot::read(&snapshot).unwrap();
            assert!(snap
                .events
                .iter()
                .any(|e| e.message() == "about to overflow"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_later_init_recovers_a_leftover_file() {
    if common::is_child("die") {
        return child(300, "abort");
    }
    if common::is_child("next") {
        let _guard = ttlog::init()
            .snapshot_dir(common::child_dir())
            .no_console()
            .init();
        return;
    }
    let dir = common::temp_dir("leftover");
    let out = common::output(&mut common::child(TEST_INIT, "die", &dir));
    assert!(!out.status.success());
    let file = recorder_file(&dir);
    let out = common::output(&mut common::child(TEST_INIT, "next", &dir));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!file.exists(), "the leftover was recovered");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("ttlog: recovered 6"))
        .unwrap_or_else(|| panic!("no recovery message: {stderr}"));
    let path = PathBuf::from(line.rsplit(": ").next().unwrap());
    let last = (0..THREADS).map(|t| (t, 299)).collect();
    check(&path, &last);
    // The second process shut down cleanly: it left no recorder file of its own.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rec"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unusable_directory_keeps_the_recorder_in_memory() {
    const TEST: &str = "an_unusable_directory_keeps_the_recorder_in_memory";
    if common::is_child("nodir") {
        // A file where the directory should be: nothing can be created under it.
        let blocker = common::child_dir().join("not-a-directory");
        std::fs::write(&blocker, b"x").unwrap();
        let guard = ttlog::init()
            .snapshot_dir(blocker.join("snapshots"))
            .no_console()
            .try_init()
            .expect("init never fails for the recorder file");
        assert_eq!(guard.handle().recorder_path(), None);
        ttlog::info!("still logging", i = 1u64);
        assert!(guard.flush());
        return;
    }
    let dir = common::temp_dir("nodir");
    let out = common::output(&mut common::child(TEST, "nodir", &dir));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("cannot create the recorder file").count(),
        1,
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
