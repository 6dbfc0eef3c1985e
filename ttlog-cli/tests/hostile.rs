//! Hostile snapshot files and paths: text that would drive a terminal or forge lines comes
//! out escaped, in every command and format; FIFOs, devices, huge files and deep span paths
//! are refused or cut, never hung on or printed without bound.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ttlog_core::snapshot::{self, Header, Span};
use ttlog_core::{FieldValue, Fields, Level, Record};

mod common;

use common::{assert_inert, temp_dir, ttlog, ttlog_big};

/// Everything a terminal or a log reader might act on: a forged line, CSI and OSC sequences
/// (OSC 52 sets the clipboard), BEL, backspace, CR, NUL, C1 controls, bidi overrides and
/// marks, line separators.
const EVIL: &str = "ok\n2026-01-01T00:00:00Z ERROR forged: line\r\x1b[2J\x1b]52;c;aGVsbG8=\x07\
                    \x08\x00\u{9b}31m\u{85}\u{202e}txt.exe\u{2066}\u{200f}\u{2028}end";

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_000_000) + Duration::from_millis(ms)
}

/// A snapshot with `EVIL` in every text it holds: header, span names, field names and values,
/// thread names, targets, messages.
fn write_evil(dir: &Path) -> PathBuf {
    let spans = [
        Span::new(1, EVIL, Level::Info, at(0))
            .with_target(EVIL)
            .with_thread(EVIL, 1)
            .with_field(EVIL, EVIL)
            .with_field("c", '\u{1b}'),
        Span::new(2, "inner", Level::Info, at(1))
            .with_parent(1)
            .with_thread("main", 1)
            .with_end(at(2)),
    ];
    let values = [FieldValue::from(EVIL), FieldValue::from('\u{202e}')];
    let names = [EVIL, "c"];
    let record = Record {
        level: Level::Error,
        timestamp: at(5),
        target: EVIL,
        module_path: EVIL,
        file: EVIL,
        line: 1,
        message: EVIL,
        thread_name: EVIL,
        thread_id: 1,
        span_id: 2,
        spans: None,
        fields: Fields::split(&names, &values),
    };
    let mut header = Header::new(EVIL, EVIL);
    header.hostname = EVIL.to_owned();
    header.ttlog_version = EVIL.to_owned();
    let mut bytes = Vec::new();
    snapshot::encode_with_spans(&header, &spans, [record], &mut bytes);
    let path = dir.join("evil.snap");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn file_text_is_escaped_in_every_command_and_format() {
    let dir = temp_dir("evil");
    let path = write_evil(&dir);
    let path = path.to_str().unwrap();
    for args in [
        vec!["show", path],
        vec!["show", path, "--format", "json"],
        vec!["show", path, "--full"],
        vec!["spans", path],
        vec!["spans", path, "--full"],
    ] {
        let out = ttlog(&args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_inert(&format!("{args:?} stdout"), &out.stdout);
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!stdout.contains("\nforged"), "{stdout}");
        if args.contains(&"json") {
            for line in stdout.lines() {
                let value: serde_json::Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                // JSON escaping is lossless: the text is all there.
                let text = value.to_string();
                assert!(text.contains("forged"), "{text}");
            }
            let header: serde_json::Value =
                serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
            assert_eq!(header["snapshot"]["reason"], EVIL);
        } else {
            // The escapes are visible.
            assert!(
                stdout.contains(r"ok\n2026-01-01T00:00:00Z ERROR forged"),
                "{stdout}"
            );
            assert!(stdout.contains(r"\u{1b}]52;c;aGVsbG8=\u{7}"), "{stdout}");
            assert!(stdout.contains(r"\u{202e}txt.exe"), "{stdout}");
        }
    }

    // The compact header is exactly its lines: nothing forged in between.
    let out = ttlog(&["show", path]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let labels: Vec<&str> = stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["snapshot", "service", "reason", "written", "events", "spans"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn paths_from_the_command_line_are_escaped() {
    let dir = temp_dir("evil-path");
    let path = dir.join("\x1b]52;c;aGk=\x07\u{202e}\n.snap");
    let path = path.to_str().unwrap();
    for args in [
        vec!["show", path],
        vec!["spans", path],
        vec!["recover", path],
    ] {
        let out = ttlog(&args);
        assert!(!out.status.success());
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(r"\u{1b}]52;c;aGk=\u{7}\u{202e}\n.snap"),
            "{stderr}"
        );
        assert_inert(&format!("{args:?} stdout"), &out.stdout);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_huge_sparse_file_is_refused_without_reading_it() {
    let dir = temp_dir("sparse");
    let path = dir.join("huge.snap");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(4 << 30).unwrap();
    drop(file);
    let p = path.to_str().unwrap();
    for command in ["show", "spans"] {
        let out = ttlog(&[command, p]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("not a ttlog snapshot (bad magic)"),
            "{stderr}"
        );
    }
    let out = ttlog(&["recover", p]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no recorder magic number"), "{stderr}");

    // With the magic number, its size is what gives it away.
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::io::Write::write_all(&mut file, b"TTLOGSNP\x01\x00").unwrap();
    drop(file);
    let out = ttlog(&["show", p]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("4294967296 bytes is larger than the 1073741824 bytes"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.snap");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let fifo = fifo.to_str().unwrap();
    // `ttlog` runs with a kill timeout: a hang fails the test instead of hanging it.
    for (args, what) in [
        (["show", fifo], "a FIFO, not a regular file"),
        (["spans", fifo], "a FIFO, not a regular file"),
        (["recover", fifo], "a FIFO, not a regular file"),
        (
            ["show", "/dev/zero"],
            "a character device, not a regular file",
        ),
        (
            ["recover", "/dev/zero"],
            "a character device, not a regular file",
        ),
        (
            ["show", "/dev/null"],
            "a character device, not a regular file",
        ),
    ] {
        let out = ttlog(&args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(what), "{args:?}: {stderr}");
    }
    let dir_arg = dir.to_str().unwrap();
    let out = ttlog(&["show", dir_arg]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a directory, not a regular file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 64 nested spans, each with a 10 KB field, and 100 events in the innermost one, whose
/// messages are 10 KB too: printed whole, about 65 MB.
fn write_deep(dir: &Path) -> PathBuf {
    let big = "v".repeat(10_000);
    let spans: Vec<Span> = (1..=64u64)
        .map(|id| {
            Span::new(id, format!("s{id}"), Level::Info, at(id))
                .with_parent(id - 1)
                .with_thread("main", 1)
                .with_field("blob", big.as_str())
        })
        .collect();
    let messages: Vec<String> = (0..100).map(|i| format!("event {i:03} {big}")).collect();
    let records = messages.iter().map(|message| Record {
        level: Level::Info,
        timestamp: at(100),
        target: "deep",
        module_path: "deep",
        file: "src/deep.rs",
        line: 1,
        message,
        thread_name: "main",
        thread_id: 1,
        span_id: 64,
        spans: None,
        fields: Fields::empty(),
    });
    let mut bytes = Vec::new();
    snapshot::encode_with_spans(&Header::new("deep", "test"), &spans, records, &mut bytes);
    let path = dir.join("deep.snap");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn deep_span_paths_and_long_text_are_cut() {
    let dir = temp_dir("deep");
    let path = write_deep(&dir);
    let p = path.to_str().unwrap();

    let out = ttlog_big(&["show", p]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let events: Vec<&str> = stdout.lines().filter(|l| l.contains("event ")).collect();
    assert_eq!(events.len(), 100);
    for line in &events {
        // s1:s2:…58 more…:s61:s62:s63:s64, each span's blob cut at 4 KiB.
        let (_, rest) = line.split_once(" INFO ").unwrap();
        let (scope, _) = rest.split_once(": deep:").unwrap();
        let scope: Vec<&str> = scope
            .split(':')
            .map(|s| s.split('{').next().unwrap())
            .collect();
        assert_eq!(
            scope,
            ["s1", "s2", "…58 more…", "s61", "s62", "s63", "s64"],
            "{}",
            &line[..100]
        );
        // Six blobs and the message.
        assert_eq!(line.matches("…[5904 more bytes]").count(), 6);
        assert!(line.ends_with("…[5914 more bytes]"));
        assert!(line.len() < 8 * 4200, "{}", line.len());
    }
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // JSON: the same path, the gap as a span of its own.
    let out = ttlog_big(&["show", p, "--format", "json", "--grep", "event 007"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let event: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
    let names: Vec<&str> = event["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["s1", "s2", "…58 more…", "s61", "s62", "s63", "s64"]);

    // --full: the whole path and the whole text.
    let out = ttlog_big(&["show", p, "--full", "--grep", "event 007"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout.lines().find(|l| l.contains("event 007")).unwrap();
    assert_eq!(line.matches("blob=").count(), 64);
    assert!(!line.contains("more bytes]") && !line.contains("more…"));

    // The total cap: whole lines up to it, and a word on stderr.
    let out = ttlog_big(&["show", p, "--max-bytes", "100000"]);
    assert!(out.status.success());
    assert!(out.stdout.len() <= 100_000 && out.stdout.ends_with(b"\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("output stopped after {} bytes", out.stdout.len())),
        "{stderr}"
    );
    let out = ttlog_big(&["spans", p, "--max-bytes", "20000"]);
    assert!(out.status.success());
    assert!(out.stdout.len() <= 20_000);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-bytes"));

    // spans: names and values cut, indentation capped.
    let out = ttlog_big(&["spans", p]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let tree: Vec<&str> = stdout.lines().filter(|l| l.contains("blob=")).collect();
    assert_eq!(tree.len(), 64);
    assert!(tree
        .iter()
        .all(|l| l.contains("…[5904 more bytes]") && l.len() < 4400));
    std::fs::remove_dir_all(&dir).unwrap();
}
