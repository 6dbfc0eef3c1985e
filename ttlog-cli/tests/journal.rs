//! Binary journals in the CLI: a process that logs to a journal and is SIGKILLed leaves
//! files `ttlog show` and `ttlog convert` read up to everything it flushed; `ttlog tail -f`
//! follows a journal as it is written, waiting at a partially written record and moving on
//! to the next file when it rotates, and prints what `convert` prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ttlog_core::__private::emit;
use ttlog_core::journal::JournalOptions;
use ttlog_core::{Callsite, FieldValue, Level};

mod common;

use common::{temp_dir, ttlog_big as ttlog};

const CHILD: &str = "TTLOG_CLI_JOURNAL_CHILD";

static STEP: Callsite = Callsite::new(
    Level::Info,
    "orders::worker",
    "orders::worker",
    file!(),
    line!(),
    "step done",
    &["i", "note"],
);

/// The child: logs numbered events, flushing and saying so on stdout every 50, until killed.
#[test]
fn child() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let guard = ttlog_core::init()
        .service("orders")
        .snapshot_dir(dir.join("snapshots"))
        .no_console()
        .journal(dir.join("journal"))
        .journal_options(JournalOptions::new().max_file_bytes(16 * 1024).retention(0))
        .init();
    assert!(STEP.is_enabled());
    let mut out = std::io::stdout();
    for i in 0u64.. {
        emit(
            &STEP,
            ManuallyDrop::new([
                FieldValue::from(i),
                FieldValue::from("a note\nwith a newline"),
            ]),
        );
        if i % 50 == 49 {
            assert!(guard.flush());
            writeln!(out, "flushed {}", i + 1).unwrap();
            out.flush().unwrap();
        }
        if i >= 1000 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Runs the child until it has flushed at least `events`, then SIGKILLs it; returns how many
/// it had flushed.
fn run_and_kill(dir: &Path, events: u64) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, dir)
        .env_remove("RUST_LOG")
        .env_remove("TTLOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut flushed = 0;
    while flushed < events {
        let line = lines.next().expect("the child ended").unwrap();
        if let Some(n) = line.strip_prefix("flushed ") {
            flushed = n.parse().unwrap();
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    flushed
}

/// The `i` of every `step done` line of compact output, in order.
fn numbers(text: &str) -> Vec<u64> {
    text.lines()
        .filter(|l| l.contains("step done"))
        .map(|l| {
            let at = l.find(" i=").unwrap() + 3;
            l[at..].split(' ').next().unwrap().parse().unwrap()
        })
        .collect()
}

#[test]
fn a_killed_writers_journal_shows_everything_it_flushed() {
    let dir = temp_dir("journal-kill");
    let flushed = run_and_kill(&dir, 1200);
    let journal = dir.join("journal");
    let files = ttlog_core::journal::journal_files(&journal);
    assert!(files.len() > 2, "{files:?}");
    let journal = journal.to_str().unwrap();

    let out = ttlog(&["show", journal, "--full"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = numbers(&String::from_utf8(out.stdout).unwrap());
    assert!(shown.len() as u64 >= flushed, "{} < {flushed}", shown.len());
    assert_eq!(shown, (0..shown.len() as u64).collect::<Vec<_>>());

    let out = ttlog(&["convert", "--format", "compact", journal]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(numbers(&text), shown);
    // One event per line: the newline in the value is escaped.
    assert!(
        text.contains("note=\"a note\\nwith a newline\""),
        "{text:.300}"
    );

    let out = ttlog(&["convert", "--format", "json", journal]);
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tail_follows_partial_records_and_rotation() {
    let dir = temp_dir("journal-tail");
    run_and_kill(&dir, 600);
    let source = ttlog_core::journal::journal_files(&dir.join("journal"));
    assert!(source.len() >= 3, "{source:?}");
    let all = ttlog(&[
        "convert",
        "--format",
        "compact",
        dir.join("journal").to_str().unwrap(),
    ]);
    let expected = String::from_utf8(all.stdout).unwrap();

    // Replay the files into a new directory a piece at a time, cutting records in two.
    let live = dir.join("live");
    std::fs::create_dir_all(&live).unwrap();
    let name = |p: &PathBuf| p.file_name().unwrap().to_owned();
    let first = live.join(name(&source[0]));
    std::fs::write(&first, b"").unwrap();
    let mut tail = Command::new(env!("CARGO_BIN_EXE_ttlog"))
        .args(["tail", "-f", first.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = tail.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    for file in &source {
        let bytes = std::fs::read(file).unwrap();
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(live.join(name(file)))
            .unwrap();
        for piece in bytes.chunks(1000) {
            out.write_all(piece).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // Wait until it printed everything, then stop it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let want = expected.lines().count();
    loop {
        let out = ttlog(&["convert", "--format", "compact", live.to_str().unwrap()]);
        let got = String::from_utf8(out.stdout).unwrap().lines().count();
        if got == want || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    tail.kill().unwrap();
    tail.wait().unwrap();
    let followed = reader.join().unwrap();
    assert_eq!(followed.lines().count(), want);
    assert_eq!(followed, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cut_journal_is_read_to_the_cut_and_said_so() {
    let dir = temp_dir("journal-cut");
    run_and_kill(&dir, 100);
    let first = ttlog_core::journal::journal_files(&dir.join("journal")).remove(0);
    let bytes = std::fs::read(&first).unwrap();
    let cut = dir.join("cut.ttj");
    std::fs::write(&cut, &bytes[..bytes.len() - 13]).unwrap();
    let out = ttlog(&["convert", "--format", "logfmt", cut.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("partially written record"), "{stderr}");
    assert!(!out.stdout.is_empty());

    std::fs::write(
        &cut,
        b"TTLOGJNL\x01\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff",
    )
    .unwrap();
    let out = ttlog(&["show", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("damaged at byte 16"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
